/*
 * fuzz_diff.c - the differential fuzz target: bytes -> program (total
 * decoding) -> run on side A (this build's 5.10.0) and on side B (the one
 * configured: 5.10.0 with every upstream fix on, or -DBF_DIFF_PATCH=FILE's
 * patched core/, fuzz/diff_config.c), op by op; the first observable
 * difference prints the bf-diff report and aborts.  Both sides are compiled
 * with the build's flags, so the engine sees the coverage of both.
 *
 * BF_FIXES (fuzz_common.h) forces fixes on in both sides, e.g. to keep
 * 5.10.0's known bugs out of a patch's differences.  BF_DIFF_CHECKPOINT=N
 * walks the lists every N ops (default 1: every op).
 */
#include <stdlib.h>
#include "fuzz/diff.h"
#include "fuzz/fuzz_common.h"

/* The harness context: the decoded program and both sides (their worlds recycled). */
static struct {
	struct bf_prog prog;
	struct bf_diff_side a, b;
	struct bf_diff_opts o;
} h;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *cp = getenv("BF_DIFF_CHECKPOINT");
	unsigned int fixes = bf_fuzz_fixes_from_env();
	char err[4096];

	(void)argc;
	(void)argv;
	bf_prog_init(&h.prog);
	h.o = (struct bf_diff_opts){ .lenient = 1, .checkpoint = cp ? atoi(cp) : 1 };
	if (bf_diff_side_builtin(&h.a, fixes, "5.10.0 (this build)") || bf_diff_side_configured(&h.b, err, sizeof(err)))
		bf_fuzz_abort("fuzz_diff: no side B: %s", err);
	h.b.fixes |= fixes;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bf_diff_result r;

	if (bf_prog_decode(&h.prog, data, size))
		bf_fuzz_abort("BAD-PROGRAM: the decoder refused %zu bytes (decoding must be total)", size);
	if (bf_diff_run(&h.a, &h.b, &h.prog, &h.o, &r))
		bf_fuzz_abort("fuzz_diff: a side refused to run (side library of another build?)");
	if (r.differ) {
		bf_diff_report(stderr, &h.a, &h.b, &h.prog, &h.o, &r);
		abort();
	}
	return 0;
}
