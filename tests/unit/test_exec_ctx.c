/*
 * test_exec_ctx.c - a reused run context (snapshot restores, world_recreate,
 * bf_oracle_reset) gives exactly what a fresh run gives: fuzz loops recycle
 * memory, never state.
 */
#include <stdint.h>
#include <stdlib.h>
#include "test.h"
#include "fuzz/exec.h"

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/*
 * A test that runs 600 random binary programs (worlds of every size, so the
 * buffers grow and shrink) once through one recycled context and once fresh.
 * Expect the same status, trace hash, op counts and divergence every time.
 */
TEST(reused_context_matches_fresh_runs)
{
	struct bf_exec_ctx *c = bf_exec_ctx_new();
	struct bf_exec_opts o = { .oracle = 1, .lenient = 1 };
	struct bf_prog p;
	uint64_t s = 0x1234567;
	static uint8_t buf[2048];

	bf_prog_init(&p);
	for (int i = 0; i < 600; i++) {
		struct bf_exec_result a, b;
		size_t len = 1 + rnd(&s) % sizeof(buf);

		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rnd(&s);
		ASSERT_EQ(bf_prog_decode(&p, buf, len), 0);
		p.topo.fixes = ~0u;   /* the known-upstream bug would stop runs early */
		bf_exec_ctx_run(c, &p, &o, &a);
		bf_exec(&p, &o, &b, NULL);
		ASSERT_EQ(a.status, b.status);
		ASSERT_EQ(a.trace_hash, b.trace_hash);
		ASSERT_EQ(a.ops_run, b.ops_run);
		ASSERT_EQ(a.ops_skipped, b.ops_skipped);
		ASSERT_STREQ(a.div.name, b.div.name);
	}
	bf_prog_free(&p);
	bf_exec_ctx_free(c);
	return 0;
}

/*
 * A test that runs 800 random binary programs over a dozen topologies, so
 * that most runs get their world restored from a snapshot, and after each
 * run restores the world again and compares it byte for byte with its
 * snapshot and with a fresh boot.  Expect no difference (a difference is a
 * write to a struct page that the dirty marks missed), and every run's
 * result the same as a fresh, uncached run's.
 */
TEST(restored_worlds_equal_fresh_boots)
{
	struct bf_exec_ctx *c = bf_exec_ctx_new();
	struct bf_exec_opts o = { .oracle = 1, .lenient = 1 };
	struct bf_topology topo[12];
	struct bf_prog p;
	uint64_t s = 0xabcdef;
	static uint8_t buf[4096];
	char why[256];

	bf_prog_init(&p);
	for (int i = 0; i < 12 + 800; i++) {
		struct bf_exec_result a, b;
		size_t len = 1 + rnd(&s) % sizeof(buf);

		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rnd(&s);
		ASSERT_EQ(bf_prog_decode(&p, buf, len), 0);
		if (i < 12)
			topo[i] = p.topo;
		else
			p.topo = topo[rnd(&s) % 12];
		p.topo.fixes = ~0u;
		bf_exec_ctx_run(c, &p, &o, &a);
		if (bf_exec_ctx_verify_restore(c, why, sizeof(why))) {
			fprintf(stderr, "  program %d: %s\n", i, why);
			bf_prog_print(&p, stderr);
			ASSERT_TRUE(0);
		}
		bf_exec(&p, &o, &b, NULL);
		ASSERT_EQ(a.status, b.status);
		ASSERT_EQ(a.trace_hash, b.trace_hash);
		ASSERT_STREQ(a.div.name, b.div.name);
	}
	bf_prog_free(&p);
	bf_exec_ctx_free(c);
	return 0;
}

RUN_TESTS({ "reused_context_matches_fresh_runs", reused_context_matches_fresh_runs },
	  { "restored_worlds_equal_fresh_boots", restored_worlds_equal_fresh_boots })
