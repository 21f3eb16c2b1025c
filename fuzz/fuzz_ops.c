/*
 * fuzz_ops.c - the main fuzz target: bytes -> program (total decoding) ->
 * a fresh world and a bitmap oracle, checked after every op.  Any divergence
 * or broken world invariant prints a report and aborts.
 *
 * The structure-aware mutator (fuzz/mutate.c) is plugged in as libFuzzer's
 * custom mutator and cross-over; AFL++ loads the same code as a custom
 * mutator library (fuzz/afl_mutator.c).  Environment: BF_NO_CUSTOM_MUTATOR=1
 * fuzzes with the engine's byte mutators only; BF_FIXES=all forces the
 * upstream fixes on (fuzz_common.h); BF_WARM=DIR[:DIR...] boots the worlds
 * of those inputs' most used topologies at start-up (bf_fuzz_warm_from_env).
 *
 * Under AFL++ (the afl preset: afl-clang-fast -fsanitize=fuzzer links AFL++'s
 * libFuzzer-compatible driver) the target runs in persistent mode with the
 * input in shared memory (__afl_fuzz_ptr) and a deferred fork server: the
 * driver calls LLVMFuzzerInitialize, then __afl_manual_init, so the warmed
 * world cache is in every forked child.
 */
#include <stdlib.h>
#include "fuzz/fuzz_common.h"
#include "fuzz/mutate.h"

/*
 * The harness context: buffers reused from one input to the next (the
 * decoded program, and the run context whose world and oracle every run
 * boots afresh in the same memory).  The only static state of the target.
 */
static struct {
	struct bf_prog prog;
	struct bf_exec_ctx *ctx;
	struct bf_mutator *mut;
	int use_mutator;
	unsigned int fixes;      /* BF_FIXES: upstream fixes forced on */
} h;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("BF_NO_CUSTOM_MUTATOR");

	(void)argc;
	(void)argv;
	bf_prog_init(&h.prog);
	h.ctx = bf_exec_ctx_new();
	h.use_mutator = !(e && *e == '1');
	h.fixes = bf_fuzz_fixes_from_env();
	h.mut = bf_mutator_new(0);
	/* before AFL++'s deferred fork server starts: its children inherit the booted worlds */
	bf_fuzz_warm_from_env(h.ctx, &h.prog, h.fixes);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bf_exec_opts o = { .oracle = 1, .lenient = 1 };
	struct bf_exec_result r;

	if (bf_prog_decode(&h.prog, data, size))
		bf_fuzz_abort("BAD-PROGRAM: the decoder refused %zu bytes (decoding must be total)", size);
	h.prog.topo.fixes |= h.fixes;
	bf_fuzz_run_or_abort(h.ctx, &h.prog, &o, &r);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	if (!h.use_mutator)
		return LLVMFuzzerMutate(data, size, max_size);
	bf_mutator_seed(h.mut, seed);
	return bf_mutate(h.mut, data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,
				 size_t max_out, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,
				 size_t max_out, unsigned int seed)
{
	bf_mutator_seed(h.mut, seed);
	return bf_crossover(h.mut, d1, s1, d2, s2, out, max_out);
}
