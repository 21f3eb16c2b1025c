/*
 * test_random_ops.c - the model against its own invariants under long random
 * operation sequences (a deterministic xorshift PRNG, several topologies),
 * through the public and inspection APIs only:
 *  - the world's invariant checker holds after every operation;
 *  - no bad_page report ever appears (no operation here corrupts a page);
 *  - after everything is freed and every pcp drained, every zone holds all
 *    its managed pages free again, in the same blocks per order as at boot
 *    (buddy merging is complete, nothing leaked);
 *  - two worlds driven in lockstep, interleaved, return identical pfns
 *    (no hidden global state).
 */
#include <stdlib.h>
#include "test.h"
#include "core/inspect.h"

struct live { unsigned long pfn; unsigned int order; int refs, split; };

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_COMP, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_NOWAIT,
	GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA32 | GFP_KERNEL, GFP_DMA | GFP_KERNEL, GFP_USER,
	GFP_ATOMIC | __GFP_HIGH | __GFP_COMP, GFP_TRANSHUGE_LIGHT, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
	GFP_HIGHUSER_MOVABLE | __GFP_THISNODE,
};

static void snapshot_free(const struct world *w, unsigned long out[][MAX_NR_ZONES][MAX_ORDER])
{
	for (int n = 0; n < bf_nr_nodes(w); n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (unsigned o = 0; o < MAX_ORDER; o++)
				out[n][z][o] = bf_nr_free(w, n, z, o);
}

/* One random step on world w; returns the pfn result for lockstep comparison. */
static unsigned long step(struct world *w, unsigned long *seed, struct live *l, int *nl, int cap)
{
	unsigned long r = bf_rnd(seed);
	int cpu = (int)(bf_rnd(seed) % (unsigned long)bf_nr_cpus(w));
	unsigned int kind = r % 16;

	if (kind < 7 && *nl < cap) {
		unsigned int order = (bf_rnd(seed) % 4) ? (unsigned)(bf_rnd(seed) % 4) : (unsigned)(bf_rnd(seed) % 11);
		gfp_t g = gfps[bf_rnd(seed) % (sizeof(gfps) / sizeof(gfps[0]))];
		unsigned long pfn = (bf_rnd(seed) % 5) ? alloc_pages(w, cpu, g, order)
					: alloc_pages_node(w, cpu, (int)(bf_rnd(seed) % (unsigned)bf_nr_nodes(w)), g, order);

		if (pfn != NO_PFN) {
			struct bf_page_info pi;

			bf_page_info(w, pfn, &pi);
			l[*nl] = (struct live){ pfn, order, 1, -(order > 0 && pi.head) };
			(*nl)++;
		}
		return pfn;
	}
	if (kind < 12 && *nl) {
		int i = (int)(bf_rnd(seed) % (unsigned long)*nl);
		struct live *x = &l[i];
		unsigned long pfn = x->pfn;

		if (x->split > 0) {
			for (unsigned long p = 0; p < (1UL << x->order); p++)
				__free_pages(w, cpu, x->pfn + p, 0);
		} else if (x->refs > 1) {
			put_page(w, cpu, x->pfn);  /* drop the extra reference first */
			x->refs--;
			return x->pfn;
		} else {
			__free_pages(w, cpu, x->pfn, x->order);
		}
		l[i] = l[--*nl];
		return pfn;
	}
	if (kind == 12 && *nl) {
		struct live *x = &l[bf_rnd(seed) % (unsigned long)*nl];

		if (x->split == 0 && x->order > 0 && x->refs == 1) {
			split_page(w, x->pfn, x->order);
			x->split = 1;
		} else if (x->split <= 0) {
			get_page(w, x->pfn);
			x->refs++;
		}
		return 1;
	}
	if (kind == 13) {
		if (r & 0x100)
			drain_all_pages(w, 0, -1);
		else
			drain_local_pages(w, cpu, 0, -1);
		return 2;
	}
	if (kind == 14) {
		vmstat_refresh(w);
		return 3;
	}
	if (kind == 15 && (r & 0xf00) == 0) {
		static const long mfk[] = { 128, 512, 2048, 8192 };

		long frac = (bf_rnd(seed) & 1) ? 0 : 8 + (long)(bf_rnd(seed) % 64);

		world_sysctl(w, SYSCTL_MIN_FREE_KBYTES, &mfk[bf_rnd(seed) % 4], 1);
		world_sysctl(w, SYSCTL_PERCPU_PAGELIST_FRACTION, &frac, 1);
	}
	return 4;
}

static int run_topology(const struct bf_topology *t, unsigned long seed, int steps)
{
	char err[256], why[512];
	struct world *w = world_create(t, err, sizeof(err));
	static unsigned long boot[BF_MAX_NODES][MAX_NR_ZONES][MAX_ORDER], now[BF_MAX_NODES][MAX_NR_ZONES][MAX_ORDER];
	static struct live l[4096];
	int nl = 0;

	ASSERT_TRUE(w != NULL);
	snapshot_free(w, boot);
	for (int i = 0; i < steps; i++) {
		step(w, &seed, l, &nl, 4096);
		if (bf_check_world(w, why, sizeof(why))) {
			fprintf(stderr, "  step %d: %s\n", i, why);
			world_destroy(w);
			return 1;
		}
	}
	ASSERT_EQ(bf_records(w)->bad_page_count, 0);
	/* give everything back */
	while (nl) {
		struct live *x = &l[--nl];

		while (x->refs-- > 1)
			put_page(w, 0, x->pfn);
		if (x->split > 0)
			for (unsigned long p = 0; p < (1UL << x->order); p++)
				__free_pages(w, 0, x->pfn + p, 0);
		else
			__free_pages(w, 0, x->pfn, x->order);
	}
	drain_all_pages(w, 0, -1);
	ASSERT_EQ(bf_check_world(w, why, sizeof(why)), 0);
	snapshot_free(w, now);
	for (int n = 0; n < t->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct bf_zone_info zi;

			bf_zone_info(w, n, z, &zi);
			ASSERT_EQ(bf_zone_stat(w, n, z, 0 /* NR_FREE_PAGES */, true), zi.managed);
			for (unsigned o = 0; o < MAX_ORDER; o++)
				ASSERT_EQ(now[n][z][o], boot[n][z][o]);
		}
	world_destroy(w);
	return 0;
}

TEST(default_world_survives_and_returns_to_boot_state)
{
	struct bf_topology t;

	bf_topology_default(&t);
	return run_topology(&t, 0x9e3779b97f4a7c15UL, 20000);
}

TEST(two_nodes_with_holes_and_odd_zone_sizes)
{
	struct bf_topology t;

	bf_topology_default(&t);
	t.nr_nodes = 2;
	t.nr_cpus = 4;
	t.node[0].cpumask = 0x3;
	t.node[0].zone_pageblocks[ZONE_DMA] = 3;
	t.node[0].zone_pageblocks[ZONE_DMA32] = 5;
	t.node[0].zone_pageblocks[ZONE_NORMAL] = 7;
	t.node[1].cpumask = 0xc;
	t.node[1].zone_pageblocks[ZONE_NORMAL] = 9;
	t.node[1].zone_pageblocks[ZONE_MOVABLE] = 3;
	t.nr_holes = 2;
	t.hole[0] = (struct bf_hole){ 0x300, 0x123 };
	t.hole[1] = (struct bf_hole){ 0x2400, 0x400 };
	return run_topology(&t, 12345, 20000);
}

TEST(tiny_world_without_mobility_grouping)
{
	struct bf_topology t;

	bf_topology_default(&t);
	t.node[0].zone_pageblocks[ZONE_DMA] = 1;
	t.node[0].zone_pageblocks[ZONE_DMA32] = 2;
	t.node[0].zone_pageblocks[ZONE_NORMAL] = 2;
	t.nr_cpus = 1;
	t.node[0].cpumask = 1;
	{
		char err[128];
		struct world *w = world_create(&t, err, sizeof(err));

		/* 5 pageblocks < pageblock_nr_pages * MIGRATE_TYPES: grouping is off */
		ASSERT_TRUE(w && bf_mobility_grouping_disabled(w));
		world_destroy(w);
	}
	return run_topology(&t, 777, 20000);
}

TEST(two_worlds_in_lockstep_agree)
{
	struct bf_topology t;
	char err[128];
	static struct live la[2048], lb[2048];
	int na = 0, nb = 0;
	unsigned long sa = 42, sb = 42;

	bf_topology_default(&t);
	struct world *a = world_create(&t, err, sizeof(err)), *b = world_create(&t, err, sizeof(err));

	ASSERT_TRUE(a && b);
	for (int i = 0; i < 20000; i++)
		ASSERT_EQ(step(a, &sa, la, &na, 2048), step(b, &sb, lb, &nb, 2048));
	world_destroy(a);
	world_destroy(b);
	return 0;
}

RUN_TESTS(T(default_world_survives_and_returns_to_boot_state), T(two_nodes_with_holes_and_odd_zone_sizes),
	  T(tiny_world_without_mobility_grouping), T(two_worlds_in_lockstep_agree))
