/*
 * test_oracle_random.c - the oracle never lies: long random operation
 * sequences on several topologies (small worlds, two nodes with holes and
 * odd zone sizes, a world without mobility grouping, exhaustion), every op
 * kind (all gfp combinations incl. atomic/highatomic, NOFAIL, MEMALLOC,
 * NOMEMALLOC, bad zone combinations, invalid migratetypes, order >= 11,
 * THISNODE; alloc_pages_exact; split, get/put, pokes that make pages bad,
 * PF_MEMALLOC and the other task flags, interrupts, sysctls, drains, vmstat
 * work), the oracle after every op.
 *
 * With upstream fix 9282012fc0aa on: zero divergences.  Without it, the only
 * divergence allowed is watermark-breach from 5.10.0's negative-free
 * shortcut (docs/known-upstream.md); each one restarts the run on a fresh
 * world (the oracle's state is stale after a divergence).
 * Also prints the oracle's cost per op against the allocator's.
 */
#include <stdlib.h>
#include <time.h>
#include "test.h"
#include "core/inspect.h"
#include "oracle/oracle.h"

enum { H_BLOCK = 1, H_SPLIT, H_EXACT };
struct hold {
	int kind;
	unsigned long pfn;
	unsigned int order;
	int compound, refs;
	size_t size;
	unsigned char alive[MAX_ORDER_NR_PAGES];
};

#define NH 256
struct run {
	struct world *w;
	struct bf_oracle *o;
	struct bf_divergence d;
	struct hold h[NH];
	unsigned long seed;
	long ops, divs, breaches;
	int timing, pokes_often;
	double t_world, t_oracle;
};

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_COMP, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_NOWAIT, GFP_ATOMIC | __GFP_COMP,
	GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA32 | GFP_KERNEL, GFP_DMA | GFP_KERNEL, GFP_USER, GFP_NOIO, GFP_NOFS,
	GFP_ATOMIC | __GFP_HIGH | __GFP_COMP, GFP_TRANSHUGE_LIGHT, GFP_TRANSHUGE, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
	GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, GFP_KERNEL | __GFP_NOFAIL, GFP_NOWAIT | __GFP_NOFAIL,
	GFP_ATOMIC | __GFP_MEMALLOC, GFP_KERNEL | __GFP_MEMALLOC, GFP_ATOMIC | __GFP_NOMEMALLOC,
	GFP_KERNEL | __GFP_DMA | __GFP_HIGHMEM, GFP_NOWAIT | __GFP_MOVABLE | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL, GFP_NOWAIT | __GFP_NOWARN, GFP_ATOMIC | __GFP_DIRECT_RECLAIM,
	__GFP_HIGH | __GFP_NOWARN, GFP_KERNEL | __GFP_THISNODE | __GFP_COMP, GFP_HIGHUSER | __GFP_MOVABLE | __GFP_NOWARN,
};
#define NGFP (sizeof(gfps) / sizeof(gfps[0]))

static unsigned long rnd(struct run *r, unsigned long n) { return bf_rnd(&r->seed) % n; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* one oracle-checked op: before, the world call (a closure by switch), after */
struct call {
	struct bf_oracle_op op;
	int nodecall;              /* alloc: alloc_pages_node */
	int world_kind;            /* for OTHER-like ops: which world function */
	long sysctl_val;
	int sysctl;
};

enum { W_NONE, W_DRAIN_ALL, W_DRAIN_LOCAL, W_REFRESH, W_UPDATE, W_SYSCTL, W_IRQ, W_TASK };

static int do_call(struct run *r, struct call *c)
{
	struct bf_oracle_op *op = &c->op;
	double t0, t1, t2;
	int rc;

	if (getenv("BF_TRACE"))
		fprintf(stderr, "op %ld kind %d cpu %d pfn 0x%lx order %u gfp 0x%x size %zu field %d value 0x%lx\n", r->ops,
			op->kind, op->cpu, op->pfn, op->order, op->gfp, op->size, op->field, op->value);
	bf_oracle_before(r->o, r->w, op);
	t0 = r->timing ? now() : 0;
	switch (op->kind) {
	case BF_OOP_ALLOC:
		op->pfn = c->nodecall ? alloc_pages_node(r->w, op->cpu, op->nid, op->gfp, op->order)
				      : alloc_pages(r->w, op->cpu, op->gfp, op->order);
		break;
	case BF_OOP_ALLOC_EXACT:
		op->pfn = alloc_pages_exact(r->w, op->cpu, op->size, op->gfp);
		break;
	case BF_OOP_FREE_PAGES:
		__free_pages(r->w, op->cpu, op->pfn, op->order);
		break;
	case BF_OOP_FREE_EXACT:
		free_pages_exact(r->w, op->cpu, op->pfn, op->size);
		break;
	case BF_OOP_GET:
		get_page(r->w, op->pfn);
		break;
	case BF_OOP_PUT:
		put_page(r->w, op->cpu, op->pfn);
		break;
	case BF_OOP_SPLIT:
		split_page(r->w, op->pfn, op->order);
		break;
	case BF_OOP_POKE:
		page_poke(r->w, op->pfn, (enum bf_poke_field)op->field, op->value);
		break;
	case BF_OOP_IRQ:
		world_set_irq(r->w, op->cpu, op->value != 0);
		break;
	case BF_OOP_TASKFLAGS:
		world_set_task_flags(r->w, op->cpu, (unsigned int)op->value);
		break;
	case BF_OOP_TASK:
		world_task_run(r->w, op->cpu, op->task);
		break;
	case BF_OOP_SET_MEMPOLICY:
		op->rc = world_set_mempolicy(r->w, op->task, op->mode, op->mflags, op->nodes);
		break;
	case BF_OOP_DRAIN:
		if (op->cpu < 0)
			drain_all_pages(r->w, op->nid, op->zid);
		else
			drain_local_pages(r->w, op->cpu, op->nid, op->zid);
		break;
	case BF_OOP_SYSCTL:
		world_sysctl(r->w, (enum bf_sysctl)c->sysctl, &c->sysctl_val, 1);
		break;
	case BF_OOP_VMSTAT:
		if (op->cpu < 0)
			vmstat_refresh(r->w);
		else
			vmstat_update(r->w, op->cpu);
		break;
	case BF_OOP_OTHER:
		break;
	}
	t1 = r->timing ? now() : 0;
	if (getenv("BF_TRACE") && (op->kind == BF_OOP_ALLOC || op->kind == BF_OOP_ALLOC_EXACT))
		fprintf(stderr, "   -> 0x%lx\n", op->pfn);
	rc = bf_oracle_after(r->o, r->w, op, &r->d);
	t2 = r->timing ? now() : 0;
	r->t_world += t1 - t0;
	r->t_oracle += t2 - t1;
	r->ops++;
	return rc;
}

static struct call mk(enum bf_oop_kind k, int cpu, unsigned long pfn, unsigned int order)
{
	return (struct call){ .op = { .kind = k, .cpu = cpu, .pfn = pfn, .order = order, .nid = NUMA_NO_NODE, .zid = -1 } };
}

/* one random op; returns the oracle's verdict */
static int step(struct run *r)
{
	int nc = bf_nr_cpus(r->w), cpu = (int)rnd(r, (unsigned long)nc);
	unsigned long k = rnd(r, 100);
	struct hold *h = &r->h[rnd(r, NH)];
	struct call c;

	if (k < 40 && !h->kind) {
		int exact = rnd(r, 8) == 0;
		unsigned int order = rnd(r, 4) ? (unsigned)rnd(r, 4) : (unsigned)rnd(r, 12);

		c = mk(exact ? BF_OOP_ALLOC_EXACT : BF_OOP_ALLOC, cpu, NO_PFN, order);
		c.op.gfp = gfps[rnd(r, NGFP)];
		if (exact) {
			c.op.size = rnd(r, 16) ? (size_t)rnd(r, (4096UL << (rnd(r, 6))) + 1) : (size_t)rnd(r, 4096UL << 11);
			if (rnd(r, 8))
				c.op.gfp &= ~__GFP_COMP;
		}
		if (!exact && rnd(r, 4) == 0) {
			c.nodecall = 1;
			c.op.nid = rnd(r, 3) ? (int)rnd(r, (unsigned long)bf_nr_nodes(r->w)) : NUMA_NO_NODE;
		}
		if (do_call(r, &c))
			return 1;
		if (c.op.pfn == NO_PFN)
			return 0;
		memset(h, 0, sizeof(*h));
		h->pfn = c.op.pfn;
		h->refs = 1;
		if (exact) {
			h->kind = H_EXACT;
			h->order = get_order(c.op.size);
			h->size = c.op.size;
			for (unsigned long i = 0; i < (c.op.size + PAGE_SIZE - 1) / PAGE_SIZE; i++)
				h->alive[i] = 1;
		} else {
			h->kind = H_BLOCK;
			h->order = order;
			h->compound = order > 0 && (c.op.gfp & __GFP_COMP);
			if (rnd(r, 4) == 0) {   /* the executor's `lru` */
				c = mk(BF_OOP_POKE, cpu, h->pfn, 0);
				c.op.field = POKE_FLAGS_SET;
				c.op.value = 1UL << PG_lru;
				return do_call(r, &c);
			}
		}
		return 0;
	}
	if (k < 70 && h->kind) {
		if (h->kind == H_BLOCK) {
			if (h->refs > 1 && rnd(r, 2)) {
				c = mk(BF_OOP_PUT, cpu, h->pfn, h->order);
				if (--h->refs == 0)
					h->kind = 0;
				return do_call(r, &c);
			}
			c = mk(BF_OOP_FREE_PAGES, cpu, h->pfn, h->order);
			if (--h->refs == 0)
				h->kind = 0;
			else if (!h->compound)
				h->order = 0;
			return do_call(r, &c);
		}
		if (h->kind == H_EXACT && rnd(r, 2)) {
			int intact = 1;

			for (unsigned long i = 0; i < (h->size + PAGE_SIZE - 1) / PAGE_SIZE; i++)
				intact &= h->alive[i];
			if (intact) {
				c = mk(BF_OOP_FREE_EXACT, cpu, h->pfn, h->order);
				c.op.size = h->size;
				h->kind = 0;
				return do_call(r, &c);
			}
		}
		/* one piece */
		{
			unsigned long i = rnd(r, 1UL << h->order), left = 0;

			if (h->alive[i]) {
				h->alive[i] = 0;
				c = mk(BF_OOP_FREE_PAGES, cpu, h->pfn + i, 0);
				if (do_call(r, &c))
					return 1;
			}
			for (unsigned long j = 0; j < (1UL << h->order); j++)
				left += h->alive[j];
			if (!left)
				h->kind = 0;
			return 0;
		}
	}
	if (k < 76 && h->kind == H_BLOCK) {
		if (!h->compound && h->order > 0 && h->refs == 1 && rnd(r, 2)) {
			c = mk(BF_OOP_SPLIT, cpu, h->pfn, h->order);
			h->kind = H_SPLIT;
			for (unsigned long i = 0; i < (1UL << h->order); i++)
				h->alive[i] = 1;
			return do_call(r, &c);
		}
		c = mk(BF_OOP_GET, cpu, h->pfn, h->order);
		h->refs++;
		return do_call(r, &c);
	}
	if (k < 80 && h->kind && (rnd(r, 4) == 0 || r->pokes_often)) {
		static const struct { int field; unsigned long value; } pokes[] = {
			{ POKE_FLAGS_SET, 1UL << PG_lru }, { POKE_FLAGS_SET, 1UL << PG_dirty },
			{ POKE_FLAGS_SET, 1UL << PG_referenced }, { POKE_FLAGS_SET, 1UL << PG_reserved },
			{ POKE_FLAGS_SET, 1UL << PG_hwpoison }, { POKE_FLAGS_CLEAR, 1UL << PG_lru },
			{ POKE_MAPPING, 0x1000 }, { POKE_MAPCOUNT, 0 }, { POKE_MAPCOUNT, (unsigned long)-1 },
			{ POKE_MEMCG, 0x2000 }, { POKE_REFCOUNT, 2 }, { POKE_REFCOUNT, 0 },
		};
		unsigned long idx = rnd(r, 1UL << h->order);
		int p = (int)rnd(r, sizeof(pokes) / sizeof(pokes[0]));

		if (pokes[p].value == 1UL << PG_hwpoison && rnd(r, 8))
			p = 0;   /* hwpoison degrades the zone: keep it rare */

		if ((h->kind != H_BLOCK && !h->alive[idx]) || (h->kind == H_BLOCK && h->order > 0 && rnd(r, 2)))
			idx = 0;
		if (h->kind != H_BLOCK && !h->alive[idx])
			return 0;
		if (pokes[p].field == POKE_REFCOUNT && idx != 0 && h->kind == H_BLOCK)
			return 0;   /* tails: the executor's programs could, the VM_BUG_ONs of a debug build then fire */
		c = mk(BF_OOP_POKE, cpu, h->pfn + idx, 0);
		c.op.field = pokes[p].field;
		c.op.value = pokes[p].value;
		/*
		 * After a refcount poke the program no longer knows when the pages
		 * leave it; freeing them again by the handle would be a double free,
		 * which corrupts 5.10's lists (and the model's memory): forget it.
		 */
		if (pokes[p].field == POKE_REFCOUNT)
			h->kind = 0;
		return do_call(r, &c);
	}
	switch (k % 10) {
	case 0:
		c = mk(BF_OOP_IRQ, cpu, NO_PFN, 0);
		c.op.value = rnd(r, 3) == 0;
		return do_call(r, &c);
	case 1: {
		static const unsigned int pf[] = { 0, PF_MEMALLOC, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, PF_MEMALLOC_NOCMA,
						   PF_MEMALLOC | PF_MEMALLOC_NOIO };

		c = mk(BF_OOP_TASKFLAGS, cpu, NO_PFN, 0);
		c.op.value = rnd(r, 2) ? 0 : pf[rnd(r, sizeof(pf) / sizeof(pf[0]))];
		return do_call(r, &c);
	}
	case 2:
	case 3: {
		int nid = (int)rnd(r, (unsigned long)bf_nr_nodes(r->w));

		c = mk(BF_OOP_DRAIN, rnd(r, 2) ? cpu : -1, NO_PFN, 0);
		c.op.nid = nid;
		c.op.zid = rnd(r, 2) ? -1 : (int)rnd(r, MAX_NR_ZONES);
		{
			struct bf_zone_info zi;

			if (c.op.zid >= 0 && (bf_zone_info(r->w, nid, c.op.zid, &zi) || !zi.present))
				c.op.zid = -1;
		}
		return do_call(r, &c);
	}
	case 4:
		c = mk(BF_OOP_VMSTAT, rnd(r, 2) ? cpu : -1, NO_PFN, 0);
		return do_call(r, &c);
	case 5:
		if (rnd(r, 8) == 0) {
			static const long mfk[] = { 128, 512, 2048, 8192, 16384 };

			c = mk(BF_OOP_SYSCTL, cpu, NO_PFN, 0);
			if (rnd(r, 2)) {
				c.sysctl = SYSCTL_MIN_FREE_KBYTES;
				c.sysctl_val = mfk[rnd(r, 5)];
			} else if (rnd(r, 2)) {
				c.sysctl = SYSCTL_PERCPU_PAGELIST_FRACTION;
				c.sysctl_val = rnd(r, 2) ? 0 : 8 + (long)rnd(r, 64);
			} else {
				c.sysctl = SYSCTL_WATERMARK_BOOST_FACTOR;
				c.sysctl_val = rnd(r, 2) ? 0 : 15000;
			}
			return do_call(r, &c);
		}
		return 0;
	default:
		return 0;
	}
}

static void topo_small(struct bf_topology *t)
{
	bf_topology_default(t);
	t->node[0].zone_pageblocks[ZONE_DMA] = 1;
	t->node[0].zone_pageblocks[ZONE_DMA32] = 4;
	t->node[0].zone_pageblocks[ZONE_NORMAL] = 3;
}

static void topo_numa_holes(struct bf_topology *t)
{
	bf_topology_default(t);
	t->nr_nodes = 2;
	t->nr_cpus = 4;
	t->node[0].cpumask = 0x3;
	t->node[0].zone_pageblocks[ZONE_DMA] = 3;
	t->node[0].zone_pageblocks[ZONE_DMA32] = 5;
	t->node[0].zone_pageblocks[ZONE_NORMAL] = 7;
	t->node[1].cpumask = 0xc;
	t->node[1].zone_pageblocks[ZONE_NORMAL] = 9;
	t->node[1].zone_pageblocks[ZONE_MOVABLE] = 3;
	t->nr_holes = 2;
	t->hole[0] = (struct bf_hole){ 0x300, 0x123 };
	t->hole[1] = (struct bf_hole){ 0x2400, 0x400 };
}

static void topo_tiny(struct bf_topology *t)
{
	bf_topology_default(t);
	t->node[0].zone_pageblocks[ZONE_DMA] = 1;
	t->node[0].zone_pageblocks[ZONE_DMA32] = 2;
	t->node[0].zone_pageblocks[ZONE_NORMAL] = 2;
	t->nr_cpus = 1;
	t->node[0].cpumask = 1;
}

static void topo_exhaust(struct bf_topology *t)
{
	bf_topology_default(t);
	t->node[0].zone_pageblocks[ZONE_DMA] = 0;
	t->node[0].zone_pageblocks[ZONE_DMA32] = 6;
	t->node[0].zone_pageblocks[ZONE_NORMAL] = 0;
	t->min_free_kbytes = 4096;
}

static struct bf_oracle_stats tot;   /* checks: bad_page reports seen */

/*
 * A breach 5.10.0's order-0 shortcut explains: an order-0 request served
 * while NR_FREE_PAGES (as the check read it) was below the highatomic
 * reserve, so free - reserve was negative and passed as unsigned.
 */
static int breach_is_negative_shortcut(struct run *r)
{
	unsigned int order;
	long free, unusable;
	struct bf_zone_info zi;

	if (sscanf(r->d.detail, "order %u gfp %*s from %*s free %ld - unusable %ld", &order, &free, &unusable) != 3)
		return 0;
	if (bf_zone_info(r->w, r->d.nid, r->d.zid, &zi))
		return 0;
	return order == 0 && free < (long)zi.nr_reserved_highatomic;
}

static void print_totals(const char *what)
{
	printf("  %s: %lu ops, %lu allocs, %lu NULL (%lu undecided by liveness), %lu bad_page reports, %lu tainted, %lu leaked pages\n",
	       what, tot.ops, tot.allocs, tot.alloc_fails, tot.undecided_fails, tot.checks, tot.tainted_pages,
	       tot.leaked_pages);
	memset(&tot, 0, sizeof(tot));
}

/*
 * Run `steps` random ops from `seed`; on a divergence print it, and (if it is
 * the known-upstream kind while the fix is off) restart on a fresh world.
 */
static int fuzz_topology(void (*mk_topo)(struct bf_topology *), int fix, unsigned long seed, long steps,
			 long *breaches)
{
	static struct run r;
	struct bf_topology t;
	char err[256];
	long done = 0;
	int unexplained = 0;

	mk_topo(&t);
	if (fix)
		t.fixes |= BF_FIX(BF_FIX_WMARK_FAST_NEGATIVE);
	while (done < steps && !unexplained) {
		memset(&r, 0, sizeof(r));
		r.seed = seed + (unsigned long)done * 7919 + 1;
		r.pokes_often = seed & 1;
		r.w = world_create(&t, err, sizeof(err));
		ASSERT_TRUE(r.w != NULL);
		r.o = bf_oracle_create(r.w);
		ASSERT_TRUE(r.o != NULL);
		for (; done < steps; done++) {
			if (!step(&r))
				continue;
			if (!fix && !strcmp(r.d.name, "watermark-breach") && breach_is_negative_shortcut(&r)) {
				(*breaches)++;
				done++;
				break;
			}
			fprintf(stderr, "  seed %lu step %ld: %s: %s\n", seed, done, r.d.name, r.d.detail);
			bf_oracle_diff(r.o, r.w, stderr);
			unexplained = 1;
			break;
		}
		{
			struct bf_oracle_stats st;

			bf_oracle_stats(r.o, &st);
			tot.ops += st.ops;
			tot.allocs += st.allocs;
			tot.alloc_fails += st.alloc_fails;
			tot.undecided_fails += st.undecided_fails;
			tot.tainted_pages += st.tainted_pages;
			tot.leaked_pages += st.leaked_pages;
			tot.checks += bf_records(r.w)->bad_page_count;
		}
		bf_oracle_destroy(r.o);
		world_destroy(r.w);
	}
	return unexplained;
}

/* A test that runs long random programs with the upstream fix on.  Expect zero divergences. */
TEST(random_programs_with_fix_never_diverge)
{
	long b = 0;

	for (unsigned long s = 0; s < 2; s++) {
		ASSERT_EQ(fuzz_topology(topo_small, 1, 100 + s, 120000, &b), 0);
		ASSERT_EQ(fuzz_topology(topo_numa_holes, 1, 200 + s, 100000, &b), 0);
		ASSERT_EQ(fuzz_topology(topo_tiny, 1, 300 + s, 100000, &b), 0);
		ASSERT_EQ(fuzz_topology(topo_exhaust, 1, 400 + s, 60000, &b), 0);
	}
	print_totals("with fix");
	return 0;
}

/* A test that runs them on 5.10.0 as released.  Expect no divergence but watermark-breach. */
TEST(random_programs_on_5_10_0_diverge_only_by_watermark_breach)
{
	long b = 0;

	for (unsigned long s = 0; s < 2; s++) {
		ASSERT_EQ(fuzz_topology(topo_small, 0, 110 + s, 100000, &b), 0);
		ASSERT_EQ(fuzz_topology(topo_numa_holes, 0, 210 + s, 60000, &b), 0);
		ASSERT_EQ(fuzz_topology(topo_exhaust, 0, 410 + s, 60000, &b), 0);
	}
	print_totals("5.10.0");
	printf("  watermark-breach (known upstream, each an order-0 request with free < highatomic) hit %ld time(s)\n", b);
	return 0;
}

/* A test that times the oracle against the allocator on 100-op random programs (printed, not asserted). */
TEST(oracle_cost_per_op)
{
	static struct run r;
	struct bf_topology t;
	char err[256];
	double tw = 0, to = 0;
	long ops = 0;

	topo_small(&t);
	t.fixes |= BF_FIX(BF_FIX_WMARK_FAST_NEGATIVE);
	for (int prog = 0; prog < 100; prog++) {
		memset(&r, 0, sizeof(r));
		r.seed = 1000 + (unsigned long)prog;
		r.timing = 1;
		r.w = world_create(&t, err, sizeof(err));
		r.o = bf_oracle_create(r.w);
		ASSERT_TRUE(r.w && r.o);
		while (r.ops < 100)
			if (step(&r))
				break;
		tw += r.t_world;
		to += r.t_oracle;
		ops += r.ops;
		bf_oracle_destroy(r.o);
		world_destroy(r.w);
	}
	printf("  small world (%d pages): allocator %.0f ns/op, oracle after-check %.0f ns/op (%ld ops)\n",
	       (int)((t.node[0].zone_pageblocks[0] + t.node[0].zone_pageblocks[1] + t.node[0].zone_pageblocks[2]) * 512),
	       tw / (double)ops, to / (double)ops, ops);
	return 0;
}

RUN_TESTS(T(random_programs_with_fix_never_diverge), T(random_programs_on_5_10_0_diverge_only_by_watermark_breach),
	  T(oracle_cost_per_op))
