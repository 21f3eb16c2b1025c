/*
 * fuzz_variants.c - one program, three runs: twice in fresh worlds, one
 * restored from the run context's snapshot of its topology (or booted in
 * recycled memory) and one in newly allocated memory (the two trace hashes
 * must agree: determinism, and no state leaks through reused memory); then
 * the world the next input will get is restored and compared byte for byte
 * with a fresh boot; and once more with every CPU's pcp lists drained after
 * each op.  Every run must pass the oracle.
 */
#include "fuzz/fuzz_common.h"

static struct bf_prog prog;   /* reused decode buffer (see fuzz_ops.c) */
static unsigned int fixes;    /* BF_FIXES (fuzz_common.h) */
static struct bf_exec_ctx *ctx;  /* reused run context */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	bf_prog_init(&prog);
	ctx = bf_exec_ctx_new();
	fixes = bf_fuzz_fixes_from_env();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bf_exec_opts o = { .oracle = 1, .lenient = 1 };
	struct bf_exec_result r1, r2, r3;

	if (bf_prog_decode(&prog, data, size))
		bf_fuzz_abort("BAD-PROGRAM: the decoder refused %zu bytes (decoding must be total)", size);
	prog.topo.fixes |= fixes;
	bf_fuzz_run_or_abort(ctx, &prog, &o, &r1);
	{
		/* the second run in freshly allocated memory: recycled memory must not leak into results */
		struct bf_exec_ctx *fresh = bf_exec_ctx_new();

		bf_fuzz_run_or_abort(fresh, &prog, &o, &r2);
		bf_exec_ctx_free(fresh);
	}
	if (r1.trace_hash != r2.trace_hash) {
		fprintf(stderr, "DIVERGENCE: nondeterminism in run (trace hash %016lx then %016lx)\n--- program\n",
			r1.trace_hash, r2.trace_hash);
		bf_prog_print(&prog, stderr);
		bf_fuzz_abort("--- end of report");
	}
	{
		/* the snapshot restore the next input gets must equal a fresh boot */
		char why[256];

		if (bf_exec_ctx_verify_restore(ctx, why, sizeof(why))) {
			fprintf(stderr, "DIVERGENCE: nondeterminism in restore (%s)\n--- program\n", why);
			bf_prog_print(&prog, stderr);
			bf_fuzz_abort("--- end of report");
		}
	}
	o.drain_every_op = 1;
	bf_fuzz_run_or_abort(ctx, &prog, &o, &r3);
	return 0;
}
