/*
 * test_oracle.c - the oracle's own tests: every divergence kind (but
 * nondeterminism, an executor-level kind) is made to fire on purpose, by
 * feeding the oracle a wrong result or by corrupting the world through
 * core/testhook.h, and each test asserts the EXACT kind reported.  Then the
 * proof the other way: every scenario of tests/scenarios runs through the
 * oracle without a divergence, except the known-upstream one, which must
 * diverge with watermark-breach while its fixed twin must not.
 */
#include <dirent.h>
#include <stdlib.h>
#include "test.h"
#include "core/inspect.h"
#include "core/testhook.h"
#include "fuzz/exec.h"
#include "oracle/oracle.h"
#include "oracle_tw.h"

/* An op that changes nothing (BF_OOP_OTHER): the full check of whatever a test hook did. */
static int ocheck(struct tw *t, enum bf_oop_kind kind, void (*hook)(struct tw *, unsigned long), unsigned long arg)
{
	struct bf_oracle_op op = { .kind = kind, .cpu = 0, .pfn = NO_PFN, .nid = 0, .zid = -1 };

	bf_oracle_before(t->o, t->w, &op);
	if (hook)
		hook(t, arg);
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

struct first_block { unsigned int want_order; unsigned long pfn; };
static void find_block(void *arg, unsigned int order, int mt, unsigned long pfn)
{
	struct first_block *f = arg;

	(void)mt;
	if (order == f->want_order && f->pfn == NO_PFN)
		f->pfn = pfn;
}
static unsigned long free_block_of_order(struct tw *t, int nid, int zid, unsigned int order)
{
	struct first_block f = { order, NO_PFN };

	bf_walk_free_lists(t->w, nid, zid, find_block, &f);
	return f.pfn;
}

static unsigned long last_pfn_of(struct tw *t, int nid, int zid)
{
	struct bf_zone_info zi;

	bf_zone_info(t->w, nid, zid, &zi);
	return zi.start_pfn + zi.spanned - 1;
}

/*
 * A test that tells the oracle a second order-0 allocation returned the page
 * the first one holds.  Expect double-alloc.
 */
TEST(double_alloc_when_result_overlaps_held_block)
{
	struct tw t;
	unsigned long a;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	ASSERT_EQ(oalloc(&t, 0, -1, GFP_KERNEL, 0, KEEP, &a), 0);
	rc = oalloc(&t, 0, -1, GFP_KERNEL, 0, a, NULL);
	tw_close(&t);
	return expect_kind(&t, rc, "double-alloc");
}

/*
 * A test that reports an order-2 allocation one page past the block the
 * world returned:   [p p+1 p+2 p+3]  ->  told p+1.  Expect misaligned.
 */
TEST(misaligned_when_result_is_not_aligned_to_its_order)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	{
		unsigned long b;
		struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL, .order = 2, .nid = -1, .zid = -1 };

		bf_oracle_before(t.o, t.w, &op);
		b = alloc_pages(t.w, 0, GFP_KERNEL, 2);
		op.pfn = b + 1;
		rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	}
	tw_close(&t);
	return expect_kind(&t, rc, "misaligned");
}

/* A test that reports a GFP_DMA allocation served from a free page of ZONE_NORMAL.  Expect wrong-zone. */
TEST(wrong_zone_when_dma_request_lands_in_normal)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc(&t, 0, -1, GFP_KERNEL | GFP_DMA, 0, last_pfn_of(&t, 0, ZONE_NORMAL), NULL);
	tw_close(&t);
	return expect_kind(&t, rc, "wrong-zone");
}

static void two_nodes(struct bf_topology *topo)
{
	bf_topology_default(topo);
	topo->nr_nodes = 2;
	topo->nr_cpus = 2;
	topo->node[0].cpumask = 1;
	topo->node[1].cpumask = 2;
	topo->node[1].zone_pageblocks[ZONE_NORMAL] = 16;
}

/* A test that reports a __GFP_THISNODE request on node 0 served from node 1.  Expect wrong-node. */
TEST(wrong_node_when_thisnode_request_lands_on_other_node)
{
	struct bf_topology topo;
	struct tw t;
	int rc;

	two_nodes(&topo);
	ASSERT_TRUE(!tw_open(&t, &topo));
	rc = oalloc(&t, 0, 0, GFP_KERNEL | __GFP_THISNODE, 0, last_pfn_of(&t, 1, ZONE_NORMAL), NULL);
	tw_close(&t);
	return expect_kind(&t, rc, "wrong-node");
}

/* A test that gives a freshly allocated page a second reference before the oracle looks.  Expect bad-new-page. */
TEST(bad_new_page_when_new_page_has_extra_reference)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL, .order = 0, .nid = -1, .zid = -1 };
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = alloc_pages(t.w, 0, GFP_KERNEL, 0);
	bf_test_set_refcount(t.w, op.pfn, 2);
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "bad-new-page");
}

/* A test that clears PG_head of a new order-2 compound page.  Expect compound-meta. */
TEST(compound_meta_when_head_flag_is_missing)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL | __GFP_COMP, .order = 2,
				   .nid = -1, .zid = -1 };
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = alloc_pages(t.w, 0, op.gfp, 2);
	bf_test_set_flag(t.w, op.pfn, PG_head, 0);
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "compound-meta");
}

/* A test that corrupts page[1].compound_order of a new order-3 compound page.  Expect compound-meta. */
TEST(compound_meta_when_compound_order_is_wrong)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL | __GFP_COMP, .order = 3,
				   .nid = -1, .zid = -1 };
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = alloc_pages(t.w, 0, op.gfp, 3);
	bf_test_set_compound_order(t.w, op.pfn, 2);
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "compound-meta");
}

/* A test that reports NULL for a GFP_KERNEL|__GFP_NOFAIL order-0 request.  Expect nofail-null. */
TEST(nofail_null_when_nofail_request_returns_null)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc(&t, 0, -1, GFP_KERNEL | __GFP_NOFAIL, 0, NO_PFN, NULL);
	tw_close(&t);
	return expect_kind(&t, rc, "nofail-null");
}

/*
 * A test that frees a page twice while the world is never told of the second
 * free: no put-page-zero record appears.  Expect free-not-allocated.
 */
TEST(free_not_allocated_when_free_of_free_page_goes_unreported)
{
	struct tw t;
	unsigned long a;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	ASSERT_EQ(oalloc(&t, 0, -1, GFP_KERNEL, 0, KEEP, &a), 0);
	ASSERT_EQ(ofree(&t, 0, a, 0, 1), 0);
	rc = ofree(&t, 0, a, 0, 0);
	tw_close(&t);
	return expect_kind(&t, rc, "free-not-allocated");
}

/* A test that the world's own double free (put-page-zero recorded) is no divergence at all. */
TEST(double_free_reported_by_world_is_no_divergence)
{
	struct tw t;
	unsigned long a;

	ASSERT_TRUE(!tw_open(&t, NULL));
	ASSERT_EQ(oalloc(&t, 0, -1, GFP_KERNEL, 0, KEEP, &a), 0);
	ASSERT_EQ(ofree(&t, 0, a, 0, 1), 0);
	ASSERT_EQ(ofree(&t, 0, a, 0, 1), 0);
	tw_close(&t);
	return 0;
}

static void hook_bump_free(struct tw *t, unsigned long arg) { bf_test_bump_stat(t->w, 0, ZONE_NORMAL, NR_FREE_PAGES, (long)arg); }
static void hook_bump_nr_free(struct tw *t, unsigned long arg) { bf_test_bump_nr_free(t->w, 0, ZONE_DMA32, (unsigned)arg, 1); }
static void hook_bump_pcp(struct tw *t, unsigned long arg) { bf_test_bump_pcp_count(t->w, 1, 0, ZONE_NORMAL, (int)arg); }
static void hook_highatomic(struct tw *t, unsigned long pages) { bf_test_set_highatomic(t->w, 0, ZONE_NORMAL, pages); }
static void hook_drop(struct tw *t, unsigned long pfn) { bf_test_drop_free_block(t->w, pfn); }
static void hook_pcp_add(struct tw *t, unsigned long pfn) { bf_test_pcp_add(t->w, 1, pfn); }
static void hook_split1(struct tw *t, unsigned long pfn) { bf_test_split_free_block(t->w, pfn, 1); }
static void hook_split2(struct tw *t, unsigned long pfn) { bf_test_split_free_block(t->w, pfn, 2); }
static void hook_warn(struct tw *t, unsigned long site) { bf_test_warn(t->w, (enum bf_warn_site)site); }
static void hook_bad(struct tw *t, unsigned long pfn) { bf_test_bad_page(t->w, pfn, "test"); }

/* A test that adds one page to Normal's NR_FREE_PAGES behind the lists' back.  Expect accounting:NR_FREE_PAGES. */
TEST(accounting_when_nr_free_pages_is_bumped)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = ocheck(&t, BF_OOP_OTHER, hook_bump_free, 1);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:NR_FREE_PAGES");
}

/*
 * A test that sets Normal's highatomic reserve to 4 pageblocks, past the
 * limit reserve_highatomic_pageblock keeps (managed/100 + 1 pageblock before
 * the last one is added).  Expect accounting:nr_reserved_highatomic.
 */
TEST(accounting_when_highatomic_reserve_passes_its_limit)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = ocheck(&t, BF_OOP_OTHER, hook_highatomic, 4 * pageblock_nr_pages);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:nr_reserved_highatomic");
}

/* A test that adds one to DMA32's nr_free[3] with no block on the lists.  Expect accounting:nr_free. */
TEST(accounting_when_nr_free_disagrees_with_lists)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = ocheck(&t, BF_OOP_OTHER, hook_bump_nr_free, 3);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:nr_free");
}

/* A test that raises CPU 1's pcp count with no page on its lists.  Expect accounting:pcp_count. */
TEST(accounting_when_pcp_count_disagrees_with_lists)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = ocheck(&t, BF_OOP_OTHER, hook_bump_pcp, 2);
	tw_close(&t);
	return expect_kind(&t, rc, "accounting:pcp_count");
}

/* A test that takes a free order-10 block off its list, counters adjusted.  Expect lost-page. */
TEST(lost_page_when_free_block_is_dropped_from_its_list)
{
	struct tw t;
	unsigned long b;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	b = free_block_of_order(&t, 0, ZONE_NORMAL, 10);
	ASSERT_TRUE(b != NO_PFN);
	rc = ocheck(&t, BF_OOP_OTHER, hook_drop, b);
	tw_close(&t);
	return expect_kind(&t, rc, "lost-page");
}

/* A test that puts a page the program holds on CPU 1's pcp list.  Expect freelist-corrupt. */
TEST(freelist_corrupt_when_allocated_page_is_put_on_pcp_list)
{
	struct tw t;
	unsigned long a;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	ASSERT_EQ(oalloc(&t, 0, -1, GFP_KERNEL | __GFP_COMP, 1, KEEP, &a), 0);
	rc = ocheck(&t, BF_OOP_OTHER, hook_pcp_add, a);
	tw_close(&t);
	return expect_kind(&t, rc, "freelist-corrupt");
}

/*
 * A test that replaces a free order-10 block by its two order-9 halves:
 *   [ 1024 free ]  ->  [ 512 ][ 512 ]   (buddies, both free heads)
 * Expect unmerged-buddy.
 */
TEST(unmerged_buddy_when_free_block_is_split_in_two)
{
	struct tw t;
	unsigned long b;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	b = free_block_of_order(&t, 0, ZONE_NORMAL, 10);
	rc = ocheck(&t, BF_OOP_OTHER, hook_split1, b);
	tw_close(&t);
	return expect_kind(&t, rc, "unmerged-buddy");
}

/*
 * A test that splits a free order-10 block unevenly:
 *   [ 1024 free ]  ->  [ 512 ][ 256 ][ 256 ]
 * The first block's buddy range is all free but is no order-9 head.
 * Expect wrong-split.
 */
TEST(wrong_split_when_free_block_is_split_unevenly)
{
	struct tw t;
	unsigned long b;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	b = free_block_of_order(&t, 0, ZONE_NORMAL, 10);
	rc = ocheck(&t, BF_OOP_OTHER, hook_split2, b);
	tw_close(&t);
	return expect_kind(&t, rc, "wrong-split");
}

/* A test that reports NULL for an order-0 GFP_KERNEL request on a fresh world.  Expect unexpected-fail. */
TEST(unexpected_fail_when_order0_request_returns_null_with_plenty_free)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = oalloc(&t, 0, -1, GFP_KERNEL | __GFP_NOWARN, 0, NO_PFN, NULL);
	tw_close(&t);
	return expect_kind(&t, rc, "unexpected-fail");
}

/*
 * A test that asks the world for order 11 with __GFP_NOWARN but tells the
 * oracle the request had no __GFP_NOWARN: order-too-large is then required.
 * Expect missing-warning.
 */
TEST(missing_warning_when_order_too_large_goes_unwarned)
{
	struct tw t;
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = 0, .gfp = GFP_KERNEL, .order = 11, .nid = -1, .zid = -1 };
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	bf_oracle_before(t.o, t.w, &op);
	op.pfn = alloc_pages(t.w, 0, GFP_KERNEL | __GFP_NOWARN, 11);
	rc = bf_oracle_after(t.o, t.w, &op, &t.d);
	tw_close(&t);
	return expect_kind(&t, rc, "missing-warning");
}

/* A test that records an alloc-failure WARN during a drain.  Expect spurious-warning. */
TEST(spurious_warning_when_drain_records_a_warn)
{
	struct tw t;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	rc = ocheck(&t, BF_OOP_DRAIN, hook_warn, WARN_ALLOC_FAILURE);
	tw_close(&t);
	return expect_kind(&t, rc, "spurious-warning");
}

/* A test that records a bad_page report on a page the program never poked.  Expect spurious-warning. */
TEST(spurious_warning_when_bad_page_names_untainted_page)
{
	struct tw t;
	unsigned long a;
	int rc;

	ASSERT_TRUE(!tw_open(&t, NULL));
	ASSERT_EQ(oalloc(&t, 0, -1, GFP_KERNEL, 0, KEEP, &a), 0);
	rc = ocheck(&t, BF_OOP_OTHER, hook_bad, a);
	tw_close(&t);
	return expect_kind(&t, rc, "spurious-warning");
}

/* ---- the scenarios ---- */

/*
 * A test that runs 5.10.0's zone_watermark_fast negative-free quirk: a
 * GFP_NOWAIT page served with free - highatomic = -1, far below min.
 * Expect watermark-breach (docs/known-upstream.md).
 */
TEST(watermark_breach_when_fast_check_passes_negative_free)
{
	struct bf_exec_result r;

	ASSERT_EQ(tw_run_file(BF_SCENARIO_DIR "/wmark_fast_negative_free_passes_unsigned.bfp", &r), 0);
	ASSERT_EQ(r.status, BF_EXEC_DIVERGENCE);
	ASSERT_STREQ(r.div.name, "watermark-breach");
	return 0;
}

/* A test that runs the same program with upstream fix 9282012fc0aa.  Expect no divergence. */
TEST(no_watermark_breach_with_upstream_fix)
{
	struct bf_exec_result r;

	ASSERT_EQ(tw_run_file(BF_SCENARIO_DIR "/wmark_fast_negative_fixed_upstream_refuses.bfp", &r), 0);
	if (r.status != BF_EXEC_OK)
		fprintf(stderr, "  %s\n", r.msg);
	ASSERT_EQ(r.status, BF_EXEC_OK);
	return 0;
}

/* ---- a reused oracle judges exactly as a fresh one ---- */

#define MIX_OPS 80

/* allocations of order 0-3 on CPU 0/1 and frees of what they got; each op's verdict, then a counter bump's */
static void run_mix(struct tw *t, int v[MIX_OPS + 1], char *last, size_t len)
{
	unsigned long held[MIX_OPS], s = 12345;
	unsigned int ord[MIX_OPS], n = 0;

	for (int i = 0; i < MIX_OPS; i++) {
		unsigned long r = (s = s * 6364136223846793005UL + 1442695040888963407UL) >> 33, pfn;
		int cpu = (int)(r >> 8) & 1;

		if (n && (r & 3) == 0) {
			unsigned int k = (unsigned int)(r >> 2) % n;

			v[i] = ofree(t, cpu, held[k], ord[k], 1);
			held[k] = held[--n];
			ord[k] = ord[n];
		} else {
			v[i] = oalloc(t, cpu, -1, GFP_KERNEL, (unsigned int)(r >> 4) & 3, KEEP, &pfn);
			if (pfn != NO_PFN) {
				held[n] = pfn;
				ord[n++] = (unsigned int)(r >> 4) & 3;
			}
		}
	}
	v[MIX_OPS] = ocheck(t, BF_OOP_OTHER, hook_bump_free, 1);
	snprintf(last, len, "%s %s", t->d.name, t->d.detail);
}

/*
 * A test that dirties an oracle on one world, resets it on a world with
 * holes (and again on that world restored from its snapshot), and runs the
 * same ops as a fresh oracle on a fresh boot of it.  Expect the same verdict
 * for every op: none, then accounting:NR_FREE_PAGES with the same detail.
 */
TEST(reset_oracle_judges_as_a_fresh_one)
{
	struct bf_topology holes;
	struct bf_zone_info zi;
	struct world_snapshot *snap;
	struct tw fresh, reused;
	int v1[MIX_OPS + 1], v2[MIX_OPS + 1], v3[MIX_OPS + 1];
	char l1[400], l2[400], l3[400], err[256];

	ASSERT_TRUE(!tw_open(&reused, NULL));
	run_mix(&reused, v1, l1, sizeof(l1));
	bf_topology_default(&holes);
	bf_zone_info(reused.w, 0, ZONE_NORMAL, &zi);
	holes.nr_holes = 2;
	holes.hole[0] = (struct bf_hole){ zi.start_pfn + 0x300, 100 };
	holes.hole[1] = (struct bf_hole){ zi.start_pfn - 9, 3 };
	world_destroy(reused.w);
	ASSERT_TRUE((reused.w = world_create(&holes, err, sizeof(err))) != NULL);
	ASSERT_TRUE((snap = world_snapshot_take(reused.w, NULL)) != NULL);
	ASSERT_EQ(bf_oracle_reset(reused.o, reused.w), 0);
	ASSERT_TRUE(!tw_open(&fresh, &holes));
	run_mix(&fresh, v1, l1, sizeof(l1));
	run_mix(&reused, v2, l2, sizeof(l2));
	world_snapshot_restore(reused.w, snap);
	ASSERT_EQ(bf_oracle_reset(reused.o, reused.w), 0);
	run_mix(&reused, v3, l3, sizeof(l3));
	world_snapshot_free(snap);
	tw_close(&fresh);
	tw_close(&reused);
	for (int i = 0; i < MIX_OPS; i++) {
		ASSERT_EQ(v1[i], 0);
		ASSERT_EQ(v2[i], 0);
		ASSERT_EQ(v3[i], 0);
	}
	ASSERT_TRUE(v1[MIX_OPS] && v2[MIX_OPS] && v3[MIX_OPS]);
	ASSERT_TRUE(!strcmp(l1, l2) && !strcmp(l1, l3) && !strncmp(l1, "accounting:NR_FREE_PAGES", 24));
	return 0;
}

/* A test that runs every scenario through the oracle.  Expect no divergence but the known-upstream one. */
TEST(every_scenario_runs_without_divergence)
{
	DIR *dir = opendir(BF_SCENARIO_DIR);
	struct dirent *de;
	int n = 0, bad = 0;

	ASSERT_TRUE(dir != NULL);
	while ((de = readdir(dir))) {
		char path[1024];
		struct bf_exec_result r;
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".bfp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BF_SCENARIO_DIR, de->d_name);
		if (tw_run_file(path, &r)) {
			bad++;
			continue;
		}
		n++;
		if (!strcmp(de->d_name, "wmark_fast_negative_free_passes_unsigned.bfp"))
			continue;
		if (r.status == BF_EXEC_DIVERGENCE) {
			fprintf(stderr, "  %s: %s\n", de->d_name, r.msg);
			bad++;
		}
	}
	closedir(dir);
	ASSERT_TRUE(n > 0);
	ASSERT_EQ(bad, 0);
	return 0;
}

RUN_TESTS(T(double_alloc_when_result_overlaps_held_block), T(misaligned_when_result_is_not_aligned_to_its_order),
	  T(wrong_zone_when_dma_request_lands_in_normal), T(wrong_node_when_thisnode_request_lands_on_other_node),
	  T(bad_new_page_when_new_page_has_extra_reference), T(compound_meta_when_head_flag_is_missing),
	  T(compound_meta_when_compound_order_is_wrong), T(nofail_null_when_nofail_request_returns_null),
	  T(free_not_allocated_when_free_of_free_page_goes_unreported),
	  T(double_free_reported_by_world_is_no_divergence), T(accounting_when_nr_free_pages_is_bumped),
	  T(accounting_when_highatomic_reserve_passes_its_limit),
	  T(accounting_when_nr_free_disagrees_with_lists), T(accounting_when_pcp_count_disagrees_with_lists),
	  T(lost_page_when_free_block_is_dropped_from_its_list),
	  T(freelist_corrupt_when_allocated_page_is_put_on_pcp_list),
	  T(unmerged_buddy_when_free_block_is_split_in_two), T(wrong_split_when_free_block_is_split_unevenly),
	  T(unexpected_fail_when_order0_request_returns_null_with_plenty_free),
	  T(missing_warning_when_order_too_large_goes_unwarned), T(spurious_warning_when_drain_records_a_warn),
	  T(spurious_warning_when_bad_page_names_untainted_page), T(watermark_breach_when_fast_check_passes_negative_free),
	  T(no_watermark_breach_with_upstream_fix), T(reset_oracle_judges_as_a_fresh_one),
	  T(every_scenario_runs_without_divergence))
