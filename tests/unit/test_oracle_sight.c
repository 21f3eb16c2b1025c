/*
 * test_oracle_sight.c - the oracle's sight (issue 15, section 2): contract
 * promises it checks beyond the first page and the free lists.  Each check is
 * made to FIRE on purpose -- a corrupted world (core/testhook.h, or a page
 * poked behind the oracle's back) or a wrong result told to the oracle -- and
 * each test asserts the EXACT kind; then the correct model runs through it
 * with ZERO divergences (random ops, random topologies, every scenario).
 *
 *   1. every page of a returned block   bad-new-page, compound-meta
 *   2. vm event counters                 accounting:<event>
 *   3. liveness over memory, zonelists   unexpected-fail, zonelist
 *   4. what a watermark boost promises   watermark-boost
 */
#include <dirent.h>
#include <stdlib.h>
#include "test.h"
#include "core/inspect.h"
#include "core/testhook.h"
#include "fuzz/exec.h"
#include "oracle/oracle.h"
#include "oracle_tw.h"
#include "oracle/oracle_int.h"   /* the zonelists the oracle read, to leave a node out of them */

/* An allocation the world made, with a hook run on the world before the oracle judges it. */
static int oalloc_hooked(struct tw *t, gfp_t gfp, unsigned int order, void (*hook)(struct tw *, unsigned long))
{
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = gfp, .order = order, .nid = -1, .zid = -1 };

	bf_oracle_before(t->o, t->w, &op);
	op.pfn = alloc_pages(t->w, 0, gfp, order);
	if (op.pfn == NO_PFN)
		return -1;
	hook(t, op.pfn);
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

/* ================= 1. every page of a returned block ================= */

static void hook_ref_last_of_8(struct tw *t, unsigned long pfn) { bf_test_set_refcount(t->w, pfn + 7, 1); }
static void hook_head_on_upper(struct tw *t, unsigned long pfn) { bf_test_set_flag(t->w, pfn + 5, PG_head, 1); }
static void hook_head_mapping(struct tw *t, unsigned long pfn) { page_poke(t->w, pfn, POKE_MAPPING, 0x1000); }
static void hook_last_tail_mapping(struct tw *t, unsigned long pfn) { page_poke(t->w, pfn + 7, POKE_MAPPING, 0); }
static void hook_page1_mapping(struct tw *t, unsigned long pfn) { page_poke(t->w, pfn + 1, POKE_MAPPING, 8); }

/* The page->flags bit whose flip moves pfn to another node or zone (found, not assumed). */
static void hook_zone_bits(struct tw *t, unsigned long pfn)
{
	struct bf_page_info a, b;

	bf_page_info(t->w, pfn + 3, &a);
	for (int bit = NR_PAGEFLAGS; bit < 64; bit++) {
		bf_test_set_flag(t->w, pfn + 3, bit, !((a.flags >> bit) & 1));
		bf_page_info(t->w, pfn + 3, &b);
		if (b.nid != a.nid || b.zid != a.zid)
			return;
		bf_test_set_flag(t->w, pfn + 3, bit, (a.flags >> bit) & 1);
	}
}

/* A test that gives page[7] of a new non-compound order-3 block a reference.  Expect bad-new-page. */
TEST(bad_new_page_when_last_page_of_block_has_a_reference)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc_hooked(&t, GFP_KERNEL, 3, hook_ref_last_of_8);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page") || expect_detail(&t, "page 7 ");
}

/* A test that sets PG_head on page[5] of a new non-compound order-3 block.  Expect bad-new-page. */
TEST(bad_new_page_when_non_compound_page_has_pg_head)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc_hooked(&t, GFP_KERNEL, 3, hook_head_on_upper);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page") || expect_detail(&t, "PG_head on a non-compound");
}

/* A test that gives the head of a new compound page a mapping (check_new_page wants NULL).  Expect bad-new-page. */
TEST(bad_new_page_when_compound_head_has_a_mapping)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc_hooked(&t, GFP_KERNEL | __GFP_COMP, 2, hook_head_mapping);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page") || expect_detail(&t, "mapping");
}

/* A test that moves page[3] of a new order-3 block to another node/zone in its page->flags.  Expect bad-new-page. */
TEST(bad_new_page_when_page_flags_name_another_zone)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc_hooked(&t, GFP_KERNEL, 3, hook_zone_bits);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page") || expect_detail(&t, "another node or zone");
}

/*
 * A test that tells the oracle an order-1 non-compound block was returned at
 * page[2] of the compound order-2 page the world made (its refcount forged to
 * 1):   [H T T T]  ->  told [T T] at H+2, non-compound.
 * Expect bad-new-page for the tail marker.
 */
TEST(bad_new_page_when_non_compound_block_holds_a_tail)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL, .order = 1, .nid = -1, .zid = -1 };
	unsigned long h;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	bf_oracle_before(t.o, t.w, &op);
	h = alloc_pages(t.w, 0, GFP_KERNEL | __GFP_COMP, 2);
	ASSERT_TRUE(h != NO_PFN);
	bf_test_set_refcount(t.w, h + 2, 1);
	op.pfn = h + 2;
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page") || expect_detail(&t, "tail");
}

/*
 * A test that tells the oracle an order-2 block was returned where the world
 * holds an order-1 block and, next to it, the free order-1 buddy expand()
 * left, its PageBuddy cleared behind the oracle's back; page[2], the former
 * free head, still carries its buddy order in private:
 *   [A a | F F]   A a: the order-1 block (refcount 1, 0), F F: free order-1 (private 1)
 * Expect bad-new-page for private on page 2.
 */
TEST(bad_new_page_when_inner_page_keeps_buddy_order_in_private)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL, .order = 2, .nid = -1, .zid = -1 };
	struct bf_page_info pi;
	unsigned long a;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	a = alloc_pages(t.w, 0, GFP_KERNEL, 1);
	ASSERT_TRUE(a != NO_PFN && (a & 3) == 0);
	bf_page_info(t.w, a + 2, &pi);
	ASSERT_TRUE(pi.buddy && pi.private_ == 1);
	page_poke(t.w, a + 2, POKE_MAPCOUNT, (unsigned long)-1);
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = a;
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page") || expect_detail(&t, "page 2 ") || expect_detail(&t, "private");
}

/* A test that clears the TAIL_MAPPING of page[7], the last tail of a new order-3 compound page.  Expect compound-meta. */
TEST(compound_meta_when_last_tail_lacks_tail_mapping)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc_hooked(&t, GFP_KERNEL | __GFP_COMP, 3, hook_last_tail_mapping);
	tw_close(&t);
	return expect_kind(&t, rc, "compound-meta") || expect_detail(&t, "page 7 ");
}

/* A test that overwrites page[1]'s mapping word keeping compound_nr (8) but not TAIL_MAPPING's high half.  Expect compound-meta. */
TEST(compound_meta_when_page1_mapping_loses_tail_mapping)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc_hooked(&t, GFP_KERNEL | __GFP_COMP, 3, hook_page1_mapping);
	tw_close(&t);
	return expect_kind(&t, rc, "compound-meta") || expect_detail(&t, "page[1] mapping");
}

/* ================= 2. vm events ================= */

/* An op of the given kind around a hook on the world (pfn: the op's page, NO_PFN if none). */
static int oop_hooked(struct tw *t, enum bf_oop_kind kind, unsigned long pfn, void (*hook)(struct tw *, unsigned long),
		      unsigned long arg)
{
	struct bf_oracle_op op = { .kind = kind, .cpu = 0, .pfn = pfn, .order = 0, .nid = -1, .zid = -1 };

	bf_oracle_before(t->o, t->w, &op);
	hook(t, arg);
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

static void hook_nothing(struct tw *t, unsigned long arg) { (void)t; (void)arg; }

/* the world allocates a page and puts it straight back on the pcp list: lists as before, PGALLOC counted */
static void hook_alloc_and_unlist(struct tw *t, unsigned long arg)
{
	unsigned long p = alloc_pages(t->w, 0, GFP_KERNEL, 0);

	(void)arg;
	bf_test_set_refcount(t->w, p, 0);
	bf_test_pcp_add(t->w, 0, p);
}

/* the world lists a page on the pcp without __free_pages: a free that counted no PGFREE */
static void hook_free_uncounted(struct tw *t, unsigned long pfn)
{
	bf_test_set_refcount(t->w, pfn, 0);
	bf_test_pcp_add(t->w, 0, pfn);
}

/*
 * A test that has the world take a page off its pcp list and put it back
 * during an op that allocates nothing (the lists end as they began).
 * Expect accounting:PGALLOC_NORMAL.
 */
TEST(accounting_when_pgalloc_counts_an_allocation_no_op_made)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oop_hooked(&t, BF_OOP_OTHER, NO_PFN, hook_alloc_and_unlist, 0);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:PGALLOC_NORMAL");
}

/* A test that frees a held page onto the pcp list without counting it.  Expect accounting:PGFREE. */
TEST(accounting_when_a_free_counts_no_pgfree)
{
	struct tw t;
	unsigned long a;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	ASSERT_EQ(oalloc(&t, 0, -1, GFP_KERNEL, 0, KEEP, &a), 0);
	rc = oop_hooked(&t, BF_OOP_FREE_PAGES, a, hook_free_uncounted, a);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:PGFREE");
}

/* One node with a DMA zone only: order-10 GFP_KERNEL requests run it dry and then reclaim and compact. */
static int open_dma_only(struct tw *t)
{
	struct bf_topology topo;

	bf_topology_default(&topo);
	topo.node[0].zone_pageblocks[ZONE_DMA32] = 0;
	topo.node[0].zone_pageblocks[ZONE_NORMAL] = 0;
	topo.node[0].zone_pageblocks[ZONE_DMA] = 8;
	return tw_open(t, &topo);
}

/* Allocate order-10 blocks (told truthfully) until one fails; 0 once a NULL has been judged clean. */
static int run_dry(struct tw *t)
{
	for (int i = 0; i < 64; i++) {
		unsigned long p;

		if (oalloc(t, 0, -1, GFP_KERNEL | __GFP_NOWARN, 10, KEEP, &p)) {
			fprintf(stderr, "  %s: %s\n", t->d.name, t->d.detail);
			return -1;
		}
		if (p == NO_PFN)
			return 0;
	}
	return -1;
}

/*
 * A test that runs a DMA-only world out of order-10 blocks, then tells the
 * oracle the next failing GFP_KERNEL order-10 request was GFP_NOWAIT: the
 * world compacted (and reclaimed) for it.  Expect accounting:COMPACTSTALL.
 */
TEST(accounting_when_compaction_is_counted_without_direct_reclaim)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_NOWAIT | __GFP_NOWARN, .order = 10,
				   .nid = -1, .zid = -1 };
	int rc;

	ASSERT_TRUE(!open_dma_only(&t));
	ASSERT_EQ(run_dry(&t), 0);
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = alloc_pages(t.w, 0, GFP_KERNEL | __GFP_NOWARN, 10);
	ASSERT_TRUE(op.pfn == NO_PFN);
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:COMPACTSTALL");
}

/*
 * The same world; the failing request is told as GFP_KERNEL|GFP_DMA: the
 * world's stall was counted for ZONE_NORMAL, gfp_zone(GFP_KERNEL), not for
 * the DMA zone the told request names.  Expect accounting:ALLOCSTALL_NORMAL.
 */
TEST(accounting_when_allocstall_names_another_zone)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL | GFP_DMA | __GFP_NOWARN,
				   .order = 10, .nid = -1, .zid = -1 };
	int rc;

	ASSERT_TRUE(!open_dma_only(&t));
	ASSERT_EQ(run_dry(&t), 0);
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = alloc_pages(t.w, 0, GFP_KERNEL | __GFP_NOWARN, 10);
	ASSERT_TRUE(op.pfn == NO_PFN);
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:ALLOCSTALL_NORMAL");
}

/* ================= 3. liveness over memory; zonelists ================= */

/* Two nodes, a CPU each; node 0 a small Normal zone only, node 1 a large one. */
static int open_two_nodes(struct tw *t)
{
	struct bf_topology topo;

	bf_topology_default(&topo);
	topo.nr_nodes = 2;
	topo.nr_cpus = 2;
	topo.node[0].cpumask = 1;
	topo.node[1].cpumask = 2;
	topo.node[0].zone_pageblocks[ZONE_DMA] = 0;
	topo.node[0].zone_pageblocks[ZONE_DMA32] = 0;
	topo.node[0].zone_pageblocks[ZONE_NORMAL] = 4;
	topo.node[1].zone_pageblocks[ZONE_NORMAL] = 16;
	return tw_open(t, &topo);
}

/* Leave node `nid` out of every zonelist the oracle read from the world, as a world that forgot it would show. */
static void forget_node_in_read_lists(struct bf_oracle *o, int nid)
{
	for (int n = 0; n < o->nr_nodes; n++)
		for (int nf = 0; nf < 2; nf++) {
			int k = 0;

			for (int i = 0; i < o->zl_n[n][nf]; i++)
				if (o->zl_nid[n][nf][i] != nid) {
					o->zl_nid[n][nf][k] = o->zl_nid[n][nf][i];
					o->zl_zid[n][nf][k++] = o->zl_zid[n][nf][i];
				}
			o->zl_n[n][nf] = k;
		}
}

/* Run node 0 out of order-9 blocks with __GFP_THISNODE (told truthfully); 0 once a NULL was judged clean. */
static int run_node0_dry(struct tw *t)
{
	for (int i = 0; i < 16; i++) {
		unsigned long p;

		if (oalloc(t, 0, 0, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 9, KEEP, &p)) {
			fprintf(stderr, "  %s: %s\n", t->d.name, t->d.detail);
			return -1;
		}
		if (p == NO_PFN)
			return 0;
	}
	return -1;
}

/*
 * A test that runs node 0 dry of order-9 blocks, then reports NULL for a
 * GFP_KERNEL order-9 request from node 0's CPU while node 1 has plenty -- with node 1 left out
 * of the zonelists the oracle read from the world.  The oracle decides from
 * its own view of the memory: node 1 is on node 0's FALLBACK list by
 * build_zonelists.  Expect unexpected-fail naming Normal/1.
 */
TEST(unexpected_fail_when_zonelist_leaves_out_a_node_with_memory)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_two_nodes(&t));
	ASSERT_EQ(run_node0_dry(&t), 0);
	forget_node_in_read_lists(t.o, 1);
	rc = oalloc(&t, 0, -1, GFP_KERNEL | __GFP_NOWARN, 9, NO_PFN, NULL);
	tw_close(&t);
	return expect_kind(&t, rc, "unexpected-fail") || expect_detail(&t, "Normal/1");
}

/* A test that a __GFP_THISNODE request failing on the dry node 0 is no divergence: NOFALLBACK holds node 0 only. */
TEST(thisnode_null_on_a_dry_node_is_no_divergence)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_two_nodes(&t));
	ASSERT_EQ(run_node0_dry(&t), 0);
	rc = oalloc(&t, 0, 0, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 9, KEEP, NULL);
	if (rc)
		fprintf(stderr, "  %s: %s\n", t.d.name, t.d.detail);
	tw_close(&t);
	return rc != 0;
}

/*
 * A test that leaves node 1 out of the zonelists the oracle read from a
 * two-node world and judges them again, as a reset would.  Expect zonelist,
 * reported by the next op.
 */
TEST(zonelist_when_a_node_with_memory_is_left_out)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_two_nodes(&t));
	ASSERT_EQ(bf_o_zonelists_judge(t.o, &t.d), 0);
	forget_node_in_read_lists(t.o, 1);
	t.o->zl_bad = bf_o_zonelists_judge(t.o, &t.o->zl_div);
	rc = oop_hooked(&t, BF_OOP_OTHER, NO_PFN, hook_nothing, 0);
	tw_close(&t);
	return expect_kind(&t, rc, "zonelist") || expect_detail(&t, "FALLBACK zonelist entry 1");
}

/*
 * A test that swaps two nodes of node 0's FALLBACK list as read, for three
 * nodes at equal distance where node_load decides the order.  Expect zonelist.
 */
TEST(zonelist_when_nodes_are_out_of_build_zonelists_order)
{
	struct bf_topology topo;
	struct tw t;
	int rc, a, b;

	bf_topology_default(&topo);
	topo.nr_nodes = 3;
	topo.nr_cpus = 3;
	for (int n = 0; n < 3; n++) {
		topo.node[n].cpumask = 1u << n;
		topo.node[n].zone_pageblocks[ZONE_NORMAL] = 8;
	}
	ASSERT_TRUE(!tw_open(&t, &topo));
	ASSERT_EQ(bf_oracle_check(t.o, t.w, &t.d), 0);
	/* entries: Normal/0 DMA32/0 DMA/0 Normal/x Normal/y: swap the last two */
	a = t.o->zl_n[0][0] - 2;
	b = a + 1;
	ASSERT_TRUE(a >= 1 && t.o->zl_nid[0][0][a] != t.o->zl_nid[0][0][b]);
	{
		int tn = t.o->zl_nid[0][0][a];

		t.o->zl_nid[0][0][a] = t.o->zl_nid[0][0][b];
		t.o->zl_nid[0][0][b] = tn;
	}
	rc = bf_o_zonelists_judge(t.o, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "zonelist");
}

/*
 * A test that boots 2000 random topologies -- 1 to 4 nodes, zones present or
 * not, CPUs anywhere (nodes without CPUs, nodes without memory), random
 * distances -- and judges each world's zonelists by the rule.  Expect no
 * divergence, and that the node_load and CPU penalties changed some order
 * (the rule is not a plain sort by distance).
 */
TEST(zonelists_of_random_topologies_follow_build_zonelists)
{
	unsigned long s = 0x5eed15;
	int booted = 0, not_by_distance = 0;

	for (int it = 0; it < 2000; it++) {
		struct bf_topology topo;
		struct tw t;
		char err[256];

		bf_topology_default(&topo);
		topo.nr_nodes = 1 + (int)(bf_rnd(&s) % 4);
		topo.nr_cpus = 1 + (int)(bf_rnd(&s) % 8);
		for (int n = 0; n < BF_MAX_NODES; n++) {
			topo.node[n].cpumask = 0;
			for (int z = 0; z < MAX_NR_ZONES; z++)
				topo.node[n].zone_pageblocks[z] = 0;
		}
		for (int c = 0; c < topo.nr_cpus; c++)
			topo.node[bf_rnd(&s) % (unsigned long)topo.nr_nodes].cpumask |= 1u << c;
		for (int n = 0; n < topo.nr_nodes; n++)
			for (int z = 0; z < MAX_NR_ZONES; z++)
				if (bf_rnd(&s) % 3 == 0)
					topo.node[n].zone_pageblocks[z] = 1 + bf_rnd(&s) % 4;
		topo.node[0].zone_pageblocks[ZONE_NORMAL] += 4;
		for (int a = 0; a < topo.nr_nodes; a++)
			for (int b = 0; b < topo.nr_nodes; b++)
				topo.distance[a][b] = a == b ? 10 : (bf_rnd(&s) & 1 ? 20 : 11 + (int)(bf_rnd(&s) % 30));
		if (bf_topology_check(&topo, err, sizeof(err)))
			continue;
		if (tw_open(&t, &topo))
			return 1;
		booted++;
		if (bf_oracle_check(t.o, t.w, &t.d)) {
			fprintf(stderr, "  topology %d: %s: %s\n", it, t.d.name, t.d.detail);
			tw_close(&t);
			return 1;
		}
		for (int n = 0; n < t.o->nr_nodes; n++)
			for (int i = 1; i < t.o->ezl_n[n][0]; i++) {
				int p = t.o->ezl_nid[n][0][i - 1], q = t.o->ezl_nid[n][0][i];

				not_by_distance += p != n && q != n && t.o->dist[n][p] > t.o->dist[n][q];
			}
		tw_close(&t);
	}
	ASSERT_TRUE(booted > 1000);
	ASSERT_TRUE(not_by_distance > 0);
	return 0;
}

/* ================= 4. what a watermark boost promises ================= */

/* A sysctl through world and oracle. */
static int osysctl(struct tw *t, enum bf_sysctl which, long value)
{
	struct bf_oracle_op op = { .kind = BF_OOP_SYSCTL, .cpu = 0, .pfn = NO_PFN, .nid = -1, .zid = -1 };

	bf_oracle_before(t->o, t->w, &op);
	if (world_sysctl(t->w, which, &value, 1))
		return -1;
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

/*
 * The world of tests/scenarios/boost_blocks_nowait_atomic_ignores_boost.bfp:
 * one CPU, DMA32 only (8 pageblocks), min_free_kbytes 128 (min 32, low 40,
 * high 48).  Movable blocks of order 10, 10, 10, 9, 8, 7 leave 128 free pages
 * at 0xf80, in the movable pageblock 0xe00; the next unmovable order-0
 * request steals below pageblock_order there (boost 0 -> 512).
 */
static int open_boost_world(struct tw *t)
{
	static const unsigned int orders[] = { 10, 10, 10, 9, 8, 7 };
	struct bf_topology topo;

	bf_topology_default(&topo);
	topo.nr_cpus = 1;
	topo.node[0].cpumask = 1;
	topo.node[0].zone_pageblocks[ZONE_DMA] = 0;
	topo.node[0].zone_pageblocks[ZONE_DMA32] = 8;
	topo.node[0].zone_pageblocks[ZONE_NORMAL] = 0;
	if (tw_open(t, &topo) || osysctl(t, SYSCTL_MIN_FREE_KBYTES, 128))
		return -1;
	for (unsigned int i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		if (oalloc(t, 0, -1, GFP_HIGHUSER_MOVABLE, orders[i], KEEP, NULL))
			return -1;
	return 0;
}

static unsigned long dma32_boost(struct tw *t)
{
	bool flag;

	return bf_zone_boost(t->w, 0, ZONE_DMA32, &flag);
}

/* The stealing request, the world's boost factor set to `world_f` after the oracle read `oracle_f`. */
static int steal_with(struct tw *t, gfp_t told, gfp_t real, long oracle_f, long world_f)
{
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = told, .order = 0, .nid = -1, .zid = -1 };

	if (world_sysctl(t->w, SYSCTL_WATERMARK_BOOST_FACTOR, &oracle_f, 1))
		return -1;
	bf_oracle_before(t->o, t->w, &op);
	if (world_sysctl(t->w, SYSCTL_WATERMARK_BOOST_FACTOR, &world_f, 1))
		return -1;
	op.pfn = alloc_pages(t->w, 0, real, 0);
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

/*
 * A test that runs the stealing request for real: the boost rises by a
 * pageblock and rmqueue wakes kswapd for the zone.  Expect no divergence (the
 * wake-up rule judged and satisfied).
 */
TEST(boost_and_kswapd_wakeup_after_a_steal_are_no_divergence)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_boost_world(&t));
	ASSERT_EQ(dma32_boost(&t), 0);
	rc = oalloc(&t, 0, -1, GFP_KERNEL, 0, KEEP, NULL);
	if (rc)
		fprintf(stderr, "  %s: %s\n", t.d.name, t.d.detail);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(dma32_boost(&t), pageblock_nr_pages);
	tw_close(&t);
	return 0;
}

/*
 * A test that lets the oracle read watermark_boost_factor 0 while the world
 * steals with 15000.  Expect watermark-boost: boost_watermark returns early
 * with factor 0.
 */
TEST(watermark_boost_when_the_boost_rises_with_factor_zero)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_boost_world(&t));
	rc = steal_with(&t, GFP_KERNEL, GFP_KERNEL, 0, 15000);
	tw_close(&t);
	return expect_kind(&t, rc, "watermark-boost") || expect_detail(&t, "returns early");
}

/*
 * A test that boosts twice with factor 1000000 (max_boost 4800): the first
 * steal (0 -> 512) judged with the same factor, the second (a reclaimable
 * GFP_ATOMIC page stealing from the now unmovable block, 512 -> 1024) with
 * 15000 read by the oracle, whose max_boost is max(72, 512) = 512.
 * Expect watermark-boost: past its cap.
 */
TEST(watermark_boost_when_the_boost_passes_its_cap)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_boost_world(&t));
	rc = steal_with(&t, GFP_KERNEL, GFP_KERNEL, 1000000, 1000000);
	if (rc)
		fprintf(stderr, "  %s: %s\n", t.d.name, t.d.detail);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(dma32_boost(&t), pageblock_nr_pages);
	rc = steal_with(&t, GFP_ATOMIC | __GFP_RECLAIMABLE, GFP_ATOMIC | __GFP_RECLAIMABLE, 15000, 1000000);
	ASSERT_EQ(dma32_boost(&t), 2 * pageblock_nr_pages);
	tw_close(&t);
	return expect_kind(&t, rc, "watermark-boost") || expect_detail(&t, "neither max_boost");
}

/*
 * A test that makes the stealing request without __GFP_KSWAPD_RECLAIM
 * (__GFP_IO|__GFP_FS: the steal sets no ZONE_BOOSTED_WATERMARK, rmqueue wakes
 * nobody) but tells the oracle it was GFP_KERNEL, every attempt of which
 * carries ALLOC_KSWAPD.  Expect watermark-boost, the wake-up missing.
 */
TEST(watermark_boost_when_a_boosted_zone_wakes_no_kswapd)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!open_boost_world(&t));
	rc = steal_with(&t, GFP_KERNEL, __GFP_IO | __GFP_FS, 15000, 15000);
	ASSERT_EQ(dma32_boost(&t), pageblock_nr_pages);
	tw_close(&t);
	return expect_kind(&t, rc, "watermark-boost") || expect_detail(&t, "no kswapd wake-up");
}

/* ================= zero false positives ================= */

/* Every .bfp of dir; skip names the one expected to diverge. */
static int run_dir(const char *dir_path, const char *skip, int *n)
{
	DIR *dir = opendir(dir_path);
	struct dirent *de;
	int bad = 0;

	if (!dir)
		return 1;
	while ((de = readdir(dir))) {
		char path[1024];
		struct bf_exec_result r;
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".bfp") || (skip && !strcmp(de->d_name, skip)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
		if (tw_run_file(path, &r)) {
			bad++;
			continue;
		}
		(*n)++;
		if (r.status == BF_EXEC_DIVERGENCE) {
			fprintf(stderr, "  %s: %s\n", de->d_name, r.msg);
			bad++;
		}
	}
	closedir(dir);
	return bad;
}

/* A test that runs every scenario, seed and regression program.  Expect no divergence but the known-upstream one. */
TEST(scenarios_seeds_and_regressions_run_clean)
{
	int n = 0, bad = 0;

	bad += run_dir(BF_SCENARIO_DIR, "wmark_fast_negative_free_passes_unsigned.bfp", &n);
	bad += run_dir(BF_SOURCE_DIR "/corpus/seeds", NULL, &n);
	bad += run_dir(BF_SOURCE_DIR "/corpus/hand-seeds", NULL, &n);
	bad += run_dir(BF_SOURCE_DIR "/corpus/regress", NULL, &n);
	ASSERT_TRUE(n > 60);
	ASSERT_EQ(bad, 0);
	return 0;
}

RUN_TESTS(T(bad_new_page_when_last_page_of_block_has_a_reference), T(bad_new_page_when_non_compound_page_has_pg_head),
	  T(bad_new_page_when_compound_head_has_a_mapping), T(bad_new_page_when_page_flags_name_another_zone),
	  T(bad_new_page_when_non_compound_block_holds_a_tail),
	  T(bad_new_page_when_inner_page_keeps_buddy_order_in_private),
	  T(compound_meta_when_last_tail_lacks_tail_mapping), T(compound_meta_when_page1_mapping_loses_tail_mapping),
	  T(accounting_when_pgalloc_counts_an_allocation_no_op_made), T(accounting_when_a_free_counts_no_pgfree),
	  T(accounting_when_compaction_is_counted_without_direct_reclaim),
	  T(accounting_when_allocstall_names_another_zone),
	  T(unexpected_fail_when_zonelist_leaves_out_a_node_with_memory), T(thisnode_null_on_a_dry_node_is_no_divergence),
	  T(zonelist_when_a_node_with_memory_is_left_out), T(zonelist_when_nodes_are_out_of_build_zonelists_order),
	  T(zonelists_of_random_topologies_follow_build_zonelists),
	  T(boost_and_kswapd_wakeup_after_a_steal_are_no_divergence), T(watermark_boost_when_the_boost_rises_with_factor_zero),
	  T(watermark_boost_when_the_boost_passes_its_cap), T(watermark_boost_when_a_boosted_zone_wakes_no_kswapd),
	  T(scenarios_seeds_and_regressions_run_clean))
