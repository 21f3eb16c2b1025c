/*
 * fuzz_common.h - what the fuzz targets share: one reusable harness context
 * (the decoded program buffer, reused across inputs so the hot loop does not
 * churn the heap) and the verdict on a run.  A target aborts only on a
 * finding, after printing its report; malformed input is never a finding.
 */
#ifndef BF_FUZZ_COMMON_H
#define BF_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "fuzz/exec.h"

/*
 * Run a program with the oracle (lenient: a binary program's op on a handle
 * whose allocation failed is skipped).  On a finding -- a divergence, a world
 * invariant broken, or a program the decoder should never have produced --
 * print the report to stderr and abort() so the engine saves the input.
 */
void bf_fuzz_run_or_abort(struct bf_exec_ctx *c, const struct bf_prog *p, const struct bf_exec_opts *o,
			  struct bf_exec_result *r);
/*
 * The allocator states the last run reached (core/features.h), executed as
 * one distinct code block each, so coverage-guided engines keep inputs that
 * reach new states (feedback.c).  bf_fuzz_run_or_abort calls it.
 */
void bf_fuzz_feedback(const struct world *w);
void bf_fuzz_abort(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/*
 * BF_FIXES in the environment: "all" or a comma list of BF_FIX_TABLE names
 * (docs/known-upstream.md) to force on in every program -- for runs that must
 * not re-find the known 5.10.0 bugs (CI's zero-finding runs).  Read once at
 * start-up; 0 when unset.
 */
unsigned int bf_fuzz_fixes_from_env(void);

/*
 * BF_WARM in the environment: a colon-separated list of files and directories
 * (not recursive) of binary fuzzer inputs, e.g. the seeds and the corpus.
 * Boots and snapshots in c's world cache the topologies (fixes or-ed in, as
 * the target runs them) that most of those inputs use, at most 32, the most
 * used last (the LRU keeps them longest), so the first run of each only
 * restores its world.  For AFL++: its driver calls LLVMFuzzerInitialize
 * before the deferred fork server starts (__afl_manual_init), so every child
 * it forks -- at start and after each crash or hang -- begins with the cache
 * warm.  Returns the number of topologies warmed (0 when BF_WARM is unset).
 */
int bf_fuzz_warm_from_env(struct bf_exec_ctx *c, struct bf_prog *scratch, unsigned int fixes);

#endif /* BF_FUZZ_COMMON_H */
