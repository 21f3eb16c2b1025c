/*
 * test_threads.c - one world, one thread per simulated CPU, all allocating
 * and freeing at once (the locking the model claims: zone->lock, the per-cpu
 * irq lock, atomic refcounts and counters).  Each thread runs its own
 * deterministic op stream on its own CPU and owns the pages it allocated;
 * CPU 0 also drains everyone's pcp lists and rewrites sysctls.  Afterwards:
 * the invariant checker holds, nothing was reported bad, and once every page
 * is back and every pcp drained, every zone is exactly as it was after boot.
 * Built under the tsan preset this is the data-race test.
 */
#include <pthread.h>
#include <stdlib.h>
#include "test.h"
#include "core/inspect.h"

#define STEPS 20000
#define CAP 512

struct thr {
	struct world *w;
	int cpu;
	unsigned long seed;
	unsigned long pfn[CAP];
	unsigned int order[CAP];
	int n;
};

static const gfp_t gfps[] = { GFP_KERNEL, GFP_KERNEL | __GFP_COMP, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC,
			      GFP_NOWAIT, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA32 | GFP_KERNEL };

static void *worker(void *arg)
{
	struct thr *t = arg;

	for (int i = 0; i < STEPS; i++) {
		unsigned long r = bf_rnd(&t->seed);

		if (r % 8 < 4 && t->n < CAP) {
			unsigned int order = (r >> 8) % 4 ? 0 : (unsigned)((r >> 12) % 6);
			unsigned long pfn = alloc_pages(t->w, t->cpu, gfps[(r >> 16) % 7], order);

			if (pfn != NO_PFN) {
				t->pfn[t->n] = pfn;
				t->order[t->n++] = order;
			}
		} else if (r % 8 < 7 && t->n) {
			int k = (int)((r >> 20) % (unsigned long)t->n);

			__free_pages(t->w, t->cpu, t->pfn[k], t->order[k]);
			t->pfn[k] = t->pfn[--t->n];
			t->order[k] = t->order[t->n];
		} else if (t->cpu == 0 && (r & 0xff00) == 0) {
			drain_all_pages(t->w, 0, -1);
			long mfk = (r >> 24) % 2 ? 256 : 4096, frac = (r >> 25) % 2 ? 0 : 16;

			world_sysctl(t->w, SYSCTL_MIN_FREE_KBYTES, &mfk, 1);
			world_sysctl(t->w, SYSCTL_PERCPU_PAGELIST_FRACTION, &frac, 1);
		} else {
			vmstat_update(t->w, t->cpu);
		}
	}
	return NULL;
}

static int run_threads(const struct bf_topology *ptopo)
{
	struct bf_topology topo = *ptopo;
	static struct thr t[4];
	pthread_t th[4];
	unsigned long boot[MAX_NR_ZONES][MAX_ORDER];
	char err[128], why[512];
	struct world *w;

	w = world_create(&topo, err, sizeof(err));
	ASSERT_TRUE(w != NULL);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (unsigned o = 0; o < MAX_ORDER; o++)
			boot[z][o] = bf_nr_free(w, 0, z, o);
	for (int i = 0; i < 4; i++) {
		t[i] = (struct thr){ .w = w, .cpu = i, .seed = 0x9e3779b97f4a7c15UL * (unsigned long)(i + 1) };
		ASSERT_EQ(pthread_create(&th[i], NULL, worker, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(bf_check_world(w, why, sizeof(why)), 0);
	for (int i = 0; i < 4; i++)
		while (t[i].n) {
			t[i].n--;
			__free_pages(w, i, t[i].pfn[t[i].n], t[i].order[t[i].n]);
		}
	drain_all_pages(w, 0, -1);
	ASSERT_EQ(bf_records(w)->bad_page_count, 0);
	if (bf_check_world(w, why, sizeof(why))) {
		fprintf(stderr, "  %s\n", why);
		return 1;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct bf_zone_info zi;

		bf_zone_info(w, 0, z, &zi);
		ASSERT_EQ(bf_zone_stat(w, 0, z, 0, true), zi.managed);
		for (unsigned o = 0; o < MAX_ORDER; o++)
			ASSERT_EQ(bf_nr_free(w, 0, z, o), boot[z][o]);
	}
	world_destroy(w);
	return 0;
}

TEST(one_thread_per_cpu_on_one_world)
{
	struct bf_topology topo;

	bf_topology_default(&topo);
	topo.nr_cpus = 4;
	topo.node[0].cpumask = 0xf;
	return run_threads(&topo);
}

/* A world too small for the load: watermark refusals, the slow path, steals, highatomic. */
TEST(one_thread_per_cpu_on_a_crowded_world)
{
	struct bf_topology topo;

	bf_topology_default(&topo);
	topo.nr_cpus = 4;
	topo.node[0].cpumask = 0xf;
	topo.node[0].zone_pageblocks[ZONE_DMA] = 1;
	topo.node[0].zone_pageblocks[ZONE_DMA32] = 2;
	topo.node[0].zone_pageblocks[ZONE_NORMAL] = 6;
	return run_threads(&topo);
}

RUN_TESTS(T(one_thread_per_cpu_on_one_world), T(one_thread_per_cpu_on_a_crowded_world))
