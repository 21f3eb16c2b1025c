/*
 * bf_bench.c - speed and memory figures of the allocator model (release build).
 * What is measured, and why:
 *  order0_pair_ns           GFP_KERNEL order-0 alloc + immediate free on CPU 0: both
 *                           sides stay on the per-cpu pageset, the model's hottest path.
 *  order0_window512_pair_ns allocate 512 order-0 pages, then free all 512: more than the
 *                           pcp's high + batch (378 + 63 in a 1 GiB zone; checked), so the
 *                           list runs dry and overflows and the rmqueue_bulk refill and
 *                           free_pcppages_bulk spill batches are part of the cost.
 *  order3_pair_ns           GFP_KERNEL order 3 never uses the pcp in 5.10: zone lock, split
 *                           from the buddy lists, merge back on free.
 *  order9_pair_ns           the same at order 9 in a world with free unmovable blocks: the
 *                           baseline for the steal, as 5.10 checks each of the 512 pages.
 *  fallback_steal_ns        order 9 alternating unmovable / movable in a Normal zone that is
 *                           one MAX_ORDER-1 block: each allocation steals the whole block from
 *                           the other type (checked with bf_pageblock_migratetype).
 *  boot_ms_<size>, boot_ns_per_page_<size>, rss_mib_<size>, rss_bytes_per_page_<size>
 *                           world_create cost and memory for 64 MiB, 1 GiB and 64 GiB worlds,
 *                           each booted in a fresh forked child so RSS is that world's alone.
 *                           Boot should be linear in pages, RSS/page near sizeof(struct page).
 * Hot paths run in the 1 GiB world; the steal in the default one, Normal cut to 2 pageblocks.
 * Each figure is repeated; output lines are  <name> median=<x> min=<x> max=<x> runs=<n>
 * Flags: --quick (CI smoke, < 5 s, no 64 GiB world), --no-64g.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "core/mm.h"
#include "core/gfp.h"
#include "core/inspect.h"

#define MAX_RUNS 15
#define WINDOW 512
#define DMA32_END_PB ((4UL << 30) / (PAGE_SIZE * pageblock_nr_pages))  /* 4 GiB */

struct opts { int quick, no_64g, runs; long scale; };
typedef double (*bench_fn)(struct world *w, long iters);  /* ns per op, < 0 on failure */

static long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *name, const char *size, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("%s%s median=%.1f min=%.1f max=%.1f runs=%d\n", name, size, med, v[0], v[n - 1], n);
	fflush(stdout);
}

/* One node: DMA 8 pageblocks, DMA32 up to 4 GiB, the rest Normal (pageblocks >= 8). */
static void topo_sized(struct bf_topology *t, unsigned long pageblocks)
{
	unsigned long dma32 = (pageblocks < DMA32_END_PB ? pageblocks : DMA32_END_PB) - 8;
	bf_topology_default(t);
	t->nr_nodes = 1;
	t->node[0].zone_pageblocks[ZONE_DMA] = 8;
	t->node[0].zone_pageblocks[ZONE_DMA32] = dma32;
	t->node[0].zone_pageblocks[ZONE_NORMAL] = pageblocks - 8 - dma32;
}

static struct world *boot(const struct bf_topology *t)
{
	char err[256] = "";
	struct world *w = world_create(t, err, sizeof(err));
	if (!w)
		fprintf(stderr, "bf-bench: world_create failed: %s\n", err);
	return w;
}

static double b_order_pair(struct world *w, long n, unsigned int order)
{
	long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		unsigned long pfn = alloc_pages(w, 0, GFP_KERNEL, order);
		if (pfn == NO_PFN)
			return -1;
		__free_pages(w, 0, pfn, order);
	}
	return (double)(now_ns() - t0) / n;
}

static double b_order0_pair(struct world *w, long n) { return b_order_pair(w, n, 0); }
static double b_order3_pair(struct world *w, long n) { return b_order_pair(w, n, 3); }
static double b_order9_pair(struct world *w, long n) { return b_order_pair(w, n, pageblock_order); }

static double b_order0_window(struct world *w, long n)
{
	unsigned long pfn[WINDOW];
	long rounds = n / WINDOW > 0 ? n / WINDOW : 1;
	long t0 = now_ns();
	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < WINDOW; k++)
			if ((pfn[k] = alloc_pages(w, 0, GFP_KERNEL, 0)) == NO_PFN)
				return -1;
		for (int k = 0; k < WINDOW; k++)
			__free_pages(w, 0, pfn[k], 0);
	}
	return (double)(now_ns() - t0) / ((double)rounds * WINDOW);
}

/* The window must outgrow the pcp (high + batch), or no refill or spill would happen. */
static int window_spills(struct world *w)
{
	struct bf_pcp_info p = { 0 };
	int nid, zid;
	unsigned long pfn = alloc_pages(w, 0, GFP_KERNEL, 0);
	if (pfn != NO_PFN && bf_pfn_zone(w, pfn, &nid, &zid) == 0) {
		bf_pcp_info(w, 0, nid, zid, &p);
		__free_pages(w, 0, pfn, 0);
	}
	if (p.batch > 0 && WINDOW > p.high + p.batch)
		return 1;
	fprintf(stderr, "bf-bench: window %d fits the pcp (high %d batch %d)\n", WINDOW, p.high, p.batch);
	return 0;
}

/* Allocation i is unmovable when i is even, movable when odd; the block starts movable. */
static const gfp_t steal_gfp[2] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE };
static double b_steal(struct world *w, long n)
{
	n = n < 2 ? 2 : n & ~1L;  /* even: the block ends movable, as it started */
	long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		unsigned long pfn = alloc_pages(w, 0, steal_gfp[i & 1], pageblock_order);
		if (pfn == NO_PFN)
			return -1;
		__free_pages(w, 0, pfn, pageblock_order);
	}
	return (double)(now_ns() - t0) / n;
}

/* The same steal loop, checking that both pageblocks of the block change type each time. */
static int steal_verify(struct world *w, int n)
{
	unsigned long first = NO_PFN;
	for (int i = 0; i < n; i++) {
		int want = i & 1 ? MIGRATE_MOVABLE : MIGRATE_UNMOVABLE, nid, zid;
		unsigned long pfn = alloc_pages(w, 0, steal_gfp[i & 1], pageblock_order);
		if (pfn == NO_PFN)
			return -1;
		unsigned long blk = pfn & ~(MAX_ORDER_NR_PAGES - 1);
		first = first == NO_PFN ? blk : first;
		int ok = blk == first && bf_pfn_zone(w, pfn, &nid, &zid) == 0 && zid == ZONE_NORMAL &&
			 bf_pageblock_migratetype(w, blk) == want &&
			 bf_pageblock_migratetype(w, blk + pageblock_nr_pages) == want;
		__free_pages(w, 0, pfn, pageblock_order);
		if (!ok) {
			fprintf(stderr, "bf-bench: allocation %d at pfn %#lx did not steal (block type %d, want %d)\n",
				i, pfn, bf_pageblock_migratetype(w, pfn), want);
			return -1;
		}
	}
	return 0;
}

/*
 * The physical floor of an order-0 pair: a pop and a push at the head of an
 * intrusive doubly linked list of 64-byte nodes (a struct page's size), with
 * the relaxed atomic stores core/list.h uses for next pointers -- what
 * rmqueue_pcplist and free_unref_page do at least, without any bookkeeping.
 */
struct fnode { struct fnode *next, *prev; unsigned long pad[6]; };

static double b_list_pair(long n)
{
	static struct fnode node[WINDOW], head;
	long t0;

	head.next = head.prev = &head;
	for (int i = 0; i < WINDOW; i++) {  /* push all */
		node[i].next = head.next;
		node[i].prev = &head;
		head.next->prev = &node[i];
		__atomic_store_n(&head.next, &node[i], __ATOMIC_RELAXED);
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		struct fnode *e = __atomic_load_n(&head.next, __ATOMIC_RELAXED);

		e->next->prev = e->prev;                       /* list_del */
		__atomic_store_n(&e->prev->next, e->next, __ATOMIC_RELAXED);
		e->next = head.next;                           /* list_add */
		e->prev = &head;
		head.next->prev = e;
		__atomic_store_n(&head.next, e, __ATOMIC_RELAXED);
		__asm__ volatile("" ::: "memory");             /* one pair per iteration, not folded */
	}
	return (double)(now_ns() - t0) / n;
}

/* The order-0 pair and the list floor in alternating rounds of one run, and their ratio. */
static int floor_figures(const struct opts *o, struct world *w)
{
	double pair[MAX_RUNS], list[MAX_RUNS], ratio[MAX_RUNS];
	long n = 2000000 / o->scale;

	b_list_pair(n / 10 + 2);
	for (int r = 0; r < o->runs; r++) {
		if ((pair[r] = b_order0_pair(w, n)) < 0)
			return -1;
		list[r] = b_list_pair(n);
		ratio[r] = pair[r] / list[r];
	}
	report("list_pair_ns", "", list, o->runs);
	report("order0_floor_ratio", "", ratio, o->runs);
	return 0;
}

static int run_figure(const struct opts *o, const char *name, struct world *w, bench_fn fn, long iters)
{
	double v[MAX_RUNS];
	int ok = fn(w, iters / o->scale / 10 + 2) >= 0;  /* warm-up */
	for (int r = 0; ok && r < o->runs; r++)
		ok = (v[r] = fn(w, iters / o->scale)) >= 0;
	if (ok)
		report(name, "", v, o->runs);
	else
		fprintf(stderr, "bf-bench: %s: allocation failed\n", name);
	return ok ? 0 : -1;
}

struct boot_sample { double boot_ns, rss_before, rss_after; int ok; };

static double rss_bytes(void)
{
	long size = 0, resident = 0, n = -1;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		n = fscanf(f, "%ld %ld", &size, &resident);
		fclose(f);
	}
	return n == 2 ? (double)resident * sysconf(_SC_PAGESIZE) : -1;
}

/* Boot one world in a forked child; the child exits without world_destroy. */
static int boot_sample(unsigned long pageblocks, struct boot_sample *out)
{
	int fd[2], status;
	pid_t pid = pipe(fd) ? -1 : (fflush(NULL), fork());
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct boot_sample s = { 0 };
		struct bf_topology t;
		close(fd[0]);
		topo_sized(&t, pageblocks);
		s.rss_before = rss_bytes();
		long t0 = now_ns();
		struct world *w = boot(&t);
		s.boot_ns = (double)(now_ns() - t0);
		s.rss_after = rss_bytes();
		s.ok = w != NULL && s.rss_before >= 0 && s.rss_after >= 0;
		_exit(write(fd[1], &s, sizeof(s)) == (ssize_t)sizeof(s) ? 0 : 1);
	}
	close(fd[1]);
	ssize_t got = read(fd[0], out, sizeof(*out));
	close(fd[0]);
	int done = waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status);
	return done && got == (ssize_t)sizeof(*out) && out->ok ? 0 : -1;
}

static int boot_figures(const char *size, unsigned long pageblocks, int runs)
{
	double ms[MAX_RUNS], per_page[MAX_RUNS], mib[MAX_RUNS], rss_pp[MAX_RUNS];
	double pages = (double)pageblocks * pageblock_nr_pages;
	for (int r = 0; r < runs; r++) {
		struct boot_sample s;
		if (boot_sample(pageblocks, &s)) {
			fprintf(stderr, "bf-bench: boot of the %s world failed\n", size);
			return -1;
		}
		ms[r] = s.boot_ns / 1e6;
		per_page[r] = s.boot_ns / pages;
		mib[r] = s.rss_after / (1024.0 * 1024.0);
		rss_pp[r] = (s.rss_after - s.rss_before) / pages;
	}
	report("boot_ms_", size, ms, runs);
	report("boot_ns_per_page_", size, per_page, runs);
	report("rss_mib_", size, mib, runs);
	report("rss_bytes_per_page_", size, rss_pp, runs);
	return 0;
}

static int hot_paths(const struct opts *o)
{
	struct bf_topology t;
	struct world *w;
	char why[256];
	int rc = 0;
	topo_sized(&t, 512);  /* 1 GiB */
	if (!(w = boot(&t)))
		return -1;
	rc |= run_figure(o, "order0_pair_ns", w, b_order0_pair, 2000000);
	rc |= floor_figures(o, w);
	if (!window_spills(w) || run_figure(o, "order0_window512_pair_ns", w, b_order0_window, 2000000))
		rc = -1;
	rc |= run_figure(o, "order3_pair_ns", w, b_order3_pair, 1000000);
	rc |= run_figure(o, "order9_pair_ns", w, b_order9_pair, 200000);  /* no steal after the first */
	if (!rc && bf_check_world(w, why, sizeof(why))) {
		fprintf(stderr, "bf-bench: world inconsistent after the hot paths: %s\n", why);
		rc = -1;
	}
	world_destroy(w);
	/* The steal world: Normal is 2 pageblocks, one MAX_ORDER-1 block, nothing else free in it. */
	bf_topology_default(&t);
	t.node[0].zone_pageblocks[ZONE_NORMAL] = MAX_ORDER_NR_PAGES / pageblock_nr_pages;
	if (!(w = boot(&t)))
		return -1;
	if (steal_verify(w, 16) || run_figure(o, "fallback_steal_ns", w, b_steal, 200000) ||
	    steal_verify(w, 16))
		rc = -1;
	world_destroy(w);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			o.quick = 1;
		else if (!strcmp(argv[i], "--no-64g"))
			o.no_64g = 1;
		else {
			fprintf(stderr, "usage: %s [--quick] [--no-64g]\n", argv[0]);
			return 2;
		}
	}
	o.runs = o.quick ? 3 : 7;
	o.scale = o.quick ? 20 : 1;
	printf("# bf-bench quick=%d: ns per alloc+free pair; median over runs\n", o.quick);
	/* Boots first: forked children then inherit a heap no world has touched. */
	if (boot_figures("64m", 32, o.runs) || boot_figures("1g", 512, o.runs))
		return 1;
	if (!o.quick && !o.no_64g && boot_figures("64g", 32768, o.runs))
		return 1;
	return hot_paths(&o) ? 1 : 0;
}
