/*
 * feedback.c - the allocator states an execution reached (core/features.h)
 * turned into code coverage, so that libFuzzer and AFL++ alike keep an
 * input that reaches a new state even when it runs no new code: each
 * reached feature executes a block of its own (a case with a distinct
 * store, which the compiler cannot merge), and the engines' edge coverage
 * sees it.  This works without __libfuzzer_extra_counters, which the AFL++
 * driver does not read.  Deterministic: the same run, the same blocks.
 */
#include "fuzz/fuzz_common.h"
#include "core/inspect.h"

#define C1(n) case n: sink = n; break;
#define C4(n) C1(n) C1(n + 1) C1(n + 2) C1(n + 3)
#define C16(n) C4(n) C4(n + 4) C4(n + 8) C4(n + 12)
#define C64(n) C16(n) C16(n + 16) C16(n + 32) C16(n + 48)

static void __attribute__((noinline)) hit(int f)
{
	volatile int sink;

	switch (f) {
		C64(0) C64(64) C64(128) C64(192)
	default:
		break;
	}
	(void)sink;
}

void bf_fuzz_feedback(const struct world *w)
{
	const unsigned char *feat = bf_features(w);

	if (!w)
		return;
	for (int i = 0; i < NR_FEATURES; i++)
		if (feat[i])
			hit(i);
}
