/*
 * bf-diff - what does my change change?  Run programs on two allocators op
 * by op and report the first observable difference (fuzz/diff.h):
 *
 *   bf-diff [SIDE] [options] FILE|DIR...
 *   SIDE: --fix NAME|all   5.10.0 vs 5.10.0 with that upstream fix on (same build)
 *         --patch FILE     vs core/ with FILE applied (scripts/diff-side builds it once, cached)
 *         --rev REV        vs core/ of another git revision of this project
 *         --rev REV --patch FILE   vs FILE applied to REV's core/
 *         --side LIB       vs a side library scripts/diff-side built
 *         (none)           vs the side this build was configured with (fuzz_diff's)
 *   --checkpoint N   walk the free and pcp lists every N ops (default 1; 0: only at the end)
 *   --text / --bin   force the input format (default: .bfp is text, anything else binary)
 *   --summary        one line per program instead of the full report
 *   --allow K,K...   differences of these kinds (behaviour-diff:K) do not count
 *   --timeout S      a program whose two runs take longer than S seconds (default 10) ends
 *                    bf-diff with SIGALRM: a side that loops (a patched core can) is a finding
 *
 * Side A is always this build's own core with the program as written.  Exit
 * 0: no difference that counts, 1: some program differs (report printed),
 * 2: bad input or a side that does not build.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/mm.h"
#include "fuzz/diff.h"

#ifndef BF_SOURCE_DIR
#define BF_SOURCE_DIR "."
#endif
#ifndef BF_BINARY_DIR
#define BF_BINARY_DIR "."
#endif
#ifndef BF_C_COMPILER
#define BF_C_COMPILER "cc"
#endif
#ifndef BF_SIDE_CFLAGS
#define BF_SIDE_CFLAGS "-O2"
#endif

struct cli {
	struct bf_diff_side a, b;
	struct bf_diff_opts o;
	int fmt, summary;
	const char *allow;
	int timeout;
	int programs, differ, bad;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bf-diff [--fix NAME|all | [--rev REV] [--patch FILE] | --side LIB] [--checkpoint N]\n"
		   "               [--text|--bin] [--summary] [--allow KIND,...] [--timeout S] FILE|DIR...\n");
}

/* scripts/diff-side [--rev REV] [--patch FILE]: the side library's path (its output), or -1. */
static int build_side(const char *rev, const char *patch, char *path, size_t len)
{
	const char *opt = rev ? "--rev" : "--patch", *arg = rev ? rev : patch;
	const char *opt2 = rev && patch ? "--patch" : NULL, *arg2 = rev && patch ? patch : NULL;
	char script[4096], out[4096];
	int fd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	snprintf(script, sizeof(script), "%s/scripts/diff-side", BF_SOURCE_DIR);
	snprintf(out, sizeof(out), "%s/diff-sides", BF_BINARY_DIR);
	if (pipe(fd))
		return -1;
	fprintf(stderr, "bf-diff: building side B (%s %s%s%s) ...\n", opt, arg, opt2 ? " --patch " : "", opt2 ? arg2 : "");
	if ((pid = fork()) == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execl("/bin/sh", "sh", script, "--src", BF_SOURCE_DIR, "--out", out, "--cc", BF_C_COMPILER,
		      "--cflags", BF_SIDE_CFLAGS, opt, arg, opt2, arg2, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (pid > 0 && (n = read(fd[0], path + got, len - 1 - (size_t)got)) > 0)
		got += n;
	close(fd[0]);
	path[got] = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	path[strcspn(path, "\n")] = 0;
	return 0;
}

static int fix_mask(const char *name, unsigned int *mask)
{
	if (!strcmp(name, "all"))
		return *mask = (1u << BF_NR_FIXES) - 1, 0;
	for (int i = 0; i < BF_NR_FIXES; i++)
		if (!strcmp(name, bf_fix_names[i]))
			return *mask = 1u << i, 0;
	return -1;
}

/* Side B from the options: --fix, --side, --rev and/or --patch, or the configured one. */
static int side_b(struct cli *c, const char *fix, const char *lib, const char *rev, const char *patch)
{
	char path[4096], err[4096], name[600];
	unsigned int mask;

	if ((fix != NULL) + (lib != NULL) + (rev || patch) > 1)
		return fprintf(stderr, "bf-diff: one side B only (--rev and --patch combine)\n"), -1;
	if (fix) {
		if (fix_mask(fix, &mask))
			return fprintf(stderr, "bf-diff: unknown fix '%s' (docs/known-upstream.md)\n", fix), -1;
		snprintf(name, sizeof(name), "5.10.0 with fix %s", fix);
		return bf_diff_side_builtin(&c->b, mask, name);
	}
	if (!lib && !rev && !patch)
		return bf_diff_side_configured(&c->b, err, sizeof(err)) ? fprintf(stderr, "bf-diff: %s\n", err), -1 : 0;
	snprintf(name, sizeof(name), "%s%s%s%s", patch ? "patch " : "", patch ? patch : "", rev ? " rev " : "",
		 rev ? rev : "");
	if (lib)
		snprintf(name, sizeof(name), "side library %s", lib);
	if (lib)
		snprintf(path, sizeof(path), "%s", lib);
	else if (build_side(rev, patch, path, sizeof(path)))
		return fprintf(stderr, "bf-diff: side B (%s) did not build\n", name), -1;
	if (bf_diff_side_load(&c->b, path, name + (name[0] == ' '), err, sizeof(err)))
		return fprintf(stderr, "bf-diff: %s\n", err), -1;
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* A program from a file: .bfp text (strict), or a fuzzer input (total decoding, run leniently). */
static int load(struct bf_prog *p, const char *path, int fmt, int *lenient)
{
	char err[1024];
	unsigned char *buf;
	size_t n;
	FILE *f;

	bf_prog_init(p);
	if (fmt == 't' || (!fmt && ends_with(path, ".bfp"))) {
		*lenient = 0;
		if (bf_prog_parse_file(p, path, err, sizeof(err)))
			return fprintf(stderr, "%s\n", err), -1;
		return 0;
	}
	*lenient = 1;
	if (!(f = fopen(path, "rb")))
		return fprintf(stderr, "%s:1:1: cannot open\n", path), -1;
	buf = malloc(1 << 20);
	n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!buf || bf_prog_decode(p, buf, n)) {
		free(buf);
		return fprintf(stderr, "%s:1:1: cannot decode\n", path), -1;
	}
	free(buf);
	return 0;
}

/* "behaviour-diff:counter:pgfree" is allowed by "counter" or "counter:pgfree" in the list. */
static int allowed(const char *list, const char *kind)
{
	const char *what = kind + strlen("behaviour-diff:");

	for (const char *s = list; s && *s;) {
		size_t n = strcspn(s, ",");

		if (!strncmp(what, s, n) && (what[n] == 0 || what[n] == ':'))
			return 1;
		s += n + (s[n] == ',');
	}
	return 0;
}

static void diff_file(struct cli *c, const char *path)
{
	struct bf_diff_result r;
	struct bf_prog p;

	c->programs++;
	if (load(&p, path, c->fmt, &c->o.lenient)) {
		c->bad++;
		bf_prog_free(&p);
		return;
	}
	fflush(stdout);  /* what was found so far survives a SIGALRM */
	alarm((unsigned)c->timeout);
	if (bf_diff_run(&c->a, &c->b, &p, &c->o, &r)) {
		fprintf(stderr, "%s: a side refused to run the program (side library of another build?)\n", path);
		c->bad++;
	} else if (!r.differ) {
		if (c->summary)
			printf("%s: no behaviour difference (%d ops)\n", path, p.nr_ops);
	} else if (c->summary) {
		printf("%s: %s in %s (op %d)%s\n", path, r.kind, r.op < p.nr_ops ? bf_op_names[p.ops[r.op].kind] : "end",
		       r.op, allowed(c->allow, r.kind) ? " [allowed]" : "");
		c->differ += !allowed(c->allow, r.kind);
	} else {
		printf("== %s\n", path);
		bf_diff_report(stdout, &c->a, &c->b, &p, &c->o, &r);
		c->differ += !allowed(c->allow, r.kind);
	}
	alarm(0);
	bf_prog_free(&p);
}

static int skip_entry(const struct dirent *e) { return e->d_name[0] != '.'; }

static void diff_path(struct cli *c, const char *path)
{
	struct dirent **ents;
	int n = scandir(path, &ents, skip_entry, alphasort);

	if (n < 0) {
		if (errno == ENOTDIR)
			diff_file(c, path);
		else
			fprintf(stderr, "%s:1:1: cannot open\n", path), c->bad++;
		return;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
		diff_file(c, sub);
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	struct cli c = { .o = { .checkpoint = 1 }, .timeout = 10 };
	const char *fix = NULL, *lib = NULL, *rev = NULL, *patch = NULL;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(s, "--fix") && v)
			fix = argv[++i];
		else if (!strcmp(s, "--side") && v)
			lib = argv[++i];
		else if (!strcmp(s, "--rev") && v)
			rev = argv[++i];
		else if (!strcmp(s, "--patch") && v)
			patch = argv[++i];
		else if (!strcmp(s, "--checkpoint") && v)
			c.o.checkpoint = atoi(argv[++i]);
		else if (!strcmp(s, "--timeout") && v)
			c.timeout = atoi(argv[++i]);
		else if (!strcmp(s, "--allow") && v)
			c.allow = argv[++i];
		else if (!strcmp(s, "--text") || !strcmp(s, "--bin"))
			c.fmt = s[2];
		else if (!strcmp(s, "--summary"))
			c.summary = 1;
		else if (!strcmp(s, "--help"))
			return usage(stdout), 0;
		else
			return usage(stderr), 2;
	}
	if (i == argc)
		return usage(stderr), 2;
	if (bf_diff_side_builtin(&c.a, 0, "5.10.0 (this tree)") || side_b(&c, fix, lib, rev, patch))
		return 2;
	for (; i < argc; i++)
		diff_path(&c, argv[i]);
	bf_diff_side_close(&c.a);
	bf_diff_side_close(&c.b);
	fprintf(stderr, "bf-diff: %d programs, %d with a difference%s, %d unreadable\n", c.programs, c.differ,
		c.allow ? " that counts" : "", c.bad);
	return c.bad ? 2 : c.differ ? 1 : 0;
}
