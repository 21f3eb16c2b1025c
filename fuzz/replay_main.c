/*
 * bf-replay - run a program, text (.bfp) or binary (a fuzzer input), with the
 * bitmap oracle checking every op.  Exit 0 when every expectation holds and
 * the oracle agrees, 1 on a divergence or a failed expectation (printing the
 * report), 2 on bad input.
 *   --trace        print each op and its result, and the trace hash
 *   --explain[=OP] print each op's path through 5.10 (or op OP's: its line, or
 *                  index + 1 in a binary program): functions entered, decisions made
 *   --dump         print the /proc-style dumps at the end
 *   --check        run the world's invariant checker after every op (default in debug builds)
 *   --no-oracle    run without the oracle
 *   --drain-every-op  drain every CPU's pcp lists after each op (as fuzz_variants does)
 *   --expect-divergence KIND  exit 0 only if the run diverges with KIND (known-upstream scenarios)
 *   --fix NAME|all apply an upstream fix (docs/known-upstream.md) on top of the program's topology
 *   --text / --bin force the input format (default: .bfp is text, anything else binary)
 *   --to-text      print the program as .bfp text and exit
 *   --to-bin OUT   write the program's binary encoding to OUT and exit
 *   --fold         with --to-bin: fold what the binary format cannot say (expect and
 *                  dump lines dropped, values folded into range) instead of refusing
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/exec.h"
#include "core/inspect.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: bf-replay [--trace] [--explain[=OP]] [--dump] [--check] [--no-oracle] [--drain-every-op]\n"
		   "                 [--expect-divergence KIND] [--fix NAME|all] [--text|--bin] [--to-text | [--fold] --to-bin OUT] FILE\n");
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* Binary input: read the whole file, decode (total: never fails on content). */
static int load_binary(struct bf_prog *p, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s:1:1: cannot open\n", path);
		return -1;
	}
	for (;;) {
		if (n == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 4096)))
			abort();
		size_t got = fread(buf + n, 1, cap - n, f);

		if (!got)
			break;
		n += got;
	}
	fclose(f);
	bf_prog_init(p);
	if (bf_prog_decode(p, buf, n)) {
		fprintf(stderr, "%s:1:1: cannot decode\n", path);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct bf_exec_opts o = { .oracle = 1 };
	struct bf_exec_result r;
	struct bf_prog p;
	struct world *w = NULL;
	struct bf_oracle *orc = NULL;
	const char *path = NULL, *to_bin = NULL, *want_div = NULL;
	char err[1024];
	int dump = 0, to_text = 0, fold = 0, fmt = 0, rc;  /* fmt: 0 by name, 't' text, 'b' binary */
	unsigned int fixes = 0;

#ifdef BF_DEBUG_VM
	o.check_every_op = 1;
#endif
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--trace"))
			o.trace = stdout;
		else if (!strcmp(a, "--explain"))
			o.explain = stdout;
		else if (!strncmp(a, "--explain=", 10)) {
			char *end;

			o.explain = stdout;
			o.explain_op = (int)strtol(a + 10, &end, 10);
			if (*end || o.explain_op <= 0)
				return fprintf(stderr, "bf-replay: --explain=OP wants an op number (its line)\n"), 2;
		}
		else if (!strcmp(a, "--dump"))
			dump = 1;
		else if (!strcmp(a, "--check"))
			o.check_every_op = 1;
		else if (!strcmp(a, "--no-oracle"))
			o.oracle = 0;
		else if (!strcmp(a, "--drain-every-op"))
			o.drain_every_op = 1;
		else if (!strcmp(a, "--text") || !strcmp(a, "--bin"))
			fmt = a[2];
		else if (!strcmp(a, "--to-text"))
			to_text = 1;
		else if (!strcmp(a, "--fold"))
			fold = 1;
		else if (!strcmp(a, "--to-bin") && i + 1 < argc)
			to_bin = argv[++i];
		else if (!strcmp(a, "--expect-divergence") && i + 1 < argc)
			want_div = argv[++i];
		else if (!strcmp(a, "--fix") && i + 1 < argc) {
			int f = bf_name_index(bf_fix_names, BF_NR_FIXES, argv[++i]);

			if (!strcmp(argv[i], "all"))
				fixes = BF_FIX(BF_NR_FIXES) - 1;
			else if (f >= 0)
				fixes |= BF_FIX(f);
			else
				return fprintf(stderr, "bf-replay: unknown fix '%s'\n", argv[i]), 2;
		}
		else if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return usage(stdout), 0;
		else if (a[0] == '-' || path)
			return usage(stderr), 2;
		else
			path = a;
	}
	if (!path)
		return usage(stderr), 2;
	if (!fmt)
		fmt = ends_with(path, ".bfp") ? 't' : 'b';
	if (fmt == 't') {
		if (bf_prog_parse_file(&p, path, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bf_prog_free(&p);
			return 2;
		}
	} else if (load_binary(&p, path)) {
		return 2;
	}
	if (to_text || to_bin) {
		rc = 0;
		if (to_text)
			bf_prog_print(&p, stdout);
		if (to_bin) {
			size_t cap = 1 << 20, n;
			unsigned char *buf = malloc(cap);
			FILE *f = fopen(to_bin, "wb");

			n = !buf ? 0 : fold ? bf_prog_encode_fold(&p, buf, cap) : bf_prog_encode(&p, buf, cap);
			if (!f || !n || fwrite(buf, 1, n, f) != n) {
				fprintf(stderr, "%s:1:1: cannot write the binary encoding (a program using features the "
						"binary format lacks, e.g. expect lines?)\n", to_bin);
				rc = 2;
			}
			if (f)
				fclose(f);
			free(buf);
		}
		bf_prog_free(&p);
		return rc;
	}
	p.topo.fixes |= fixes;
	if (fmt == 'b')
		o.lenient = 1;  /* binary programs skip ops on handles whose allocation failed */
	bf_exec_keep(&p, &o, &r, &w, &orc);
	if (o.trace)
		printf("trace-hash: %016lx (%d ops)\n", r.trace_hash, r.ops_run);
	rc = (int)r.status;
	if (r.status == BF_EXEC_DIVERGENCE) {
		if (want_div && !strcmp(want_div, r.div.name)) {
			printf("expected divergence: %s in op %d\n", r.div.name, r.div_op);
			rc = 0;
		} else {
			bf_report_divergence(stdout, &p, &r, w, orc);
			rc = 1;
		}
	} else if (r.status != BF_EXEC_OK) {
		fprintf(stderr, "%s:%d:1: %s\n", path, r.line, r.msg);
		if (w && r.status == BF_EXEC_EXPECT_FAILED) {
			fprintf(stderr, "--- /proc/buddyinfo\n");
			bf_dump_buddyinfo(w, stderr);
			fprintf(stderr, "--- /proc/pagetypeinfo\n");
			bf_dump_pagetypeinfo(w, stderr);
		}
	} else if (want_div) {
		fprintf(stderr, "%s:1:1: expected divergence %s, the run had none\n", path, want_div);
		rc = 1;
	}
	if (dump && w) {
		printf("--- /proc/buddyinfo\n");
		bf_dump_buddyinfo(w, stdout);
		printf("--- /proc/pagetypeinfo\n");
		bf_dump_pagetypeinfo(w, stdout);
		printf("--- /proc/zoneinfo\n");
		bf_dump_zoneinfo(w, stdout);
	}
	world_destroy(w);
	if (orc)
		bf_oracle_destroy(orc);
	bf_prog_free(&p);
	return rc;
}
