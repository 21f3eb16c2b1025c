/*
 * bf-reach - which allocator states (core/features.h: testcase() markers,
 * watermark bands, list transitions, pcp, boost, highatomic, fallback and
 * slow-path states) a set of programs reaches, and which it never does.
 * Arguments are files or directories (not recursive): .bfp text programs,
 * anything else a binary fuzzer input.  Runs without the oracle (states
 * depend on the world alone).  Output:
 *   reached <n>/<N> states, <t>/<T> testcase markers, <k> programs
 *   reached <name>      (with --all)
 *   never   <name>
 * Exit 0, or 2 if no program could be read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz/exec.h"
#include "core/inspect.h"

struct reach {
	struct bf_exec_ctx *ctx;
	struct bf_prog p;
	unsigned char seen[NR_FEATURES];
	int programs;
};

static int load(struct bf_prog *p, const char *path)
{
	size_t n = strlen(path), len;
	char err[512];
	unsigned char *buf;
	FILE *f;

	if (n > 4 && !strcmp(path + n - 4, ".bfp")) {
		bf_prog_free(p);   /* the parser starts from an empty program */
		bf_prog_init(p);
		if (!bf_prog_parse_file(p, path, err, sizeof(err)))
			return 0;
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (!(f = fopen(path, "rb")))
		return -1;
	buf = malloc(1 << 20);
	len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	n = buf && !bf_prog_decode(p, buf, len) ? 1 : 0;
	free(buf);
	return n ? 1 : -1;   /* 1: binary */
}

static void run_one(struct reach *r, const char *path)
{
	struct bf_exec_opts o = { .oracle = 0 };
	struct bf_exec_result res;
	const unsigned char *feat;
	int kind = load(&r->p, path);

	if (kind < 0)
		return;
	o.lenient = kind == 1;
	bf_exec_ctx_run(r->ctx, &r->p, &o, &res);
	if (!bf_exec_ctx_world(r->ctx))
		return;
	feat = bf_features(bf_exec_ctx_world(r->ctx));
	for (int i = 0; i < NR_FEATURES; i++)
		r->seen[i] |= feat[i];
	r->programs++;
}

static void run_path(struct reach *r, const char *path)
{
	struct stat st;
	struct dirent **ents;
	int n;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		run_one(r, path);
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);   /* sorted: the same order every time */
	for (int i = 0; i < n; i++) {
		char full[4096];

		if (ents[i]->d_name[0] != '.') {
			snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
			if (!stat(full, &st) && S_ISREG(st.st_mode))
				run_one(r, full);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

int main(int argc, char **argv)
{
	static struct reach r;
	int all = 0, nreached = 0, ntc = 0;
	char name[128];

	r.ctx = bf_exec_ctx_new();
	bf_prog_init(&r.p);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = 1;
		else
			run_path(&r, argv[i]);
	}
	if (!r.programs) {
		fprintf(stderr, "usage: bf-reach [--all] FILE|DIR...  (no program could be read)\n");
		return 2;
	}
	for (int i = 0; i < NR_FEATURES; i++) {
		nreached += r.seen[i];
		ntc += i < NR_TESTCASES && r.seen[i];
	}
	printf("reached %d/%d states, %d/%d testcase markers, %d programs\n", nreached, NR_FEATURES, ntc,
	       NR_TESTCASES, r.programs);
	for (int i = 0; i < NR_FEATURES; i++)
		if (all || !r.seen[i])
			printf("%-7s %s\n", r.seen[i] ? "reached" : "never", bf_feature_name(i, name, sizeof(name)));
	bf_prog_free(&r.p);
	bf_exec_ctx_free(r.ctx);
	return 0;
}
