/*
 * alloc_check.c - what an allocation's result must satisfy, judged right
 * after alloc_pages / alloc_pages_node / alloc_pages_exact returned:
 *
 *   misaligned     the block is aligned to its order and inside one zone span
 *   double-alloc   every page of it was free per the oracle (unknown pages,
 *                  see oracle_int.h, are not judged)
 *   wrong-zone     zone index <= gfp_zone(gfp) (GFP_ZONE_BAD: ZONE_DMA, as a
 *                  non-debug 5.10) and the zone is on the preferred node's
 *                  zonelist as build_zonelists makes it (zonelist.c)
 *   wrong-node     with __GFP_THISNODE, the preferred node only (the
 *                  NOFALLBACK zonelist); without it any node of the zonelist
 *   bad-new-page   every page of the block in the state prep_new_page
 *                  leaves (I10): head refcount 1 (each kept page 1 after
 *                  alloc_pages_exact), index 0 (or -1 when
 *                  ALLOC_NO_WATERMARKS was possible); every page _mapcount
 *                  -1 (no PageBuddy), memcg 0, private 0 (post_alloc_hook
 *                  clears the head's; a page inside a block had its buddy
 *                  order cleared by del_page_from_free_list when it stopped
 *                  being a free head), no PAGE_FLAGS_CHECK_AT_PREP flag but
 *                  the compound head's PG_head, page->flags naming the
 *                  block's node and zone (set_page_links; free_one_page and
 *                  page_zone() read them); other pages refcount 0; the head
 *                  and every page of a non-compound block mapping 0 and no
 *                  tail (compound_head bit 0: free_tail_pages_check cleared
 *                  it when a compound page was freed).  Tainted or unknown
 *                  pages are skipped: a poked page may come back from a pcp
 *                  list unchecked (5.10 without DEBUG_VM checks nothing on
 *                  that route).
 *   compound-meta  __GFP_COMP, order >= 1: prep_compound_page's layout (I9):
 *                  PG_head on page[0] only; every tail compound_head = head
 *                  | 1, mapping TAIL_MAPPING (page[1]: its high half, the
 *                  low half is compound_nr), page[1] compound_dtor
 *                  COMPOUND_PAGE_DTOR, compound_order, compound_nr,
 *                  compound_mapcount -1, page[2] (order > 1) pincount 0
 *   nofail-null    __GFP_NOFAIL with direct reclaim, a valid order and
 *                  migratetype, and no nofail-loop-cap record (deviation 2)
 *   watermark-breach, unexpected-fail   see gfp_rules.c
 * It also fills the op's warning expectations (records.c judges them).
 */
#include <string.h>
#include "oracle/oracle_int.h"

#define CHECK_AT_PREP (((1UL << NR_PAGEFLAGS) - 1) & ~(1UL << PG_hwpoison))
#define TAIL_MAPPING_VALUE 0xdead000000000400UL

/* gfp as text, formatted only for a divergence's detail */
static const char *gfp_str(gfp_t gfp, char *g, size_t len)
{
	gfp_format(gfp, g, len);
	return g;
}

/* on the preferred node's zonelist as build_zonelists makes it (zonelist.c), not as the world holds it */
static int zone_on_list(const struct bf_oracle *o, int nid, int nf, const struct bf_ozone *z)
{
	if (nid < 0 || nid >= o->nr_nodes)
		return 0;
	for (int i = 0; i < o->ezl_n[nid][nf]; i++)
		if (o->ezl_nid[nid][nf][i] == z->nid && o->ezl_zid[nid][nf][i] == z->zid)
			return 1;
	return 0;
}

/* prep_compound_page's layout (I9) for page i of the compound block at head; NULL if it holds */
static const char *compound_wrong(const struct bf_page_info *pi, unsigned long head, unsigned long i,
				  unsigned int order)
{
	if (i == 0)
		return !pi->head || pi->tail ? "head page without PG_head" : NULL;
	if (!pi->tail || pi->head_pfn != head)
		return "tail does not point at its head";
	if (i >= 2 && pi->mapping != TAIL_MAPPING_VALUE)
		return "tail mapping is not TAIL_MAPPING";
	if (i == 1 && pi->mapping >> 32 != TAIL_MAPPING_VALUE >> 32)
		return "page[1] mapping's high half is not TAIL_MAPPING's";
	if (i == 1 && (pi->compound_order != order || pi->compound_nr != 1UL << order || pi->compound_dtor != 1 ||
		       pi->compound_mapcount != -1))
		return "page[1] compound_order/nr/dtor/mapcount";
	if (i == 2 && order > 1 && pi->hpage_pinned_refcount != 0)
		return "page[2] pincount";
	return NULL;
}

/*
 * One bf_page_info per page: the new-page state of every page first (the
 * first bad one is the report), compound metadata second (its first wrong
 * page is the report only if every page's new-page state holds).
 */
static int new_page_state(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op, gfp_t gfp,
			  unsigned long pfn, unsigned int order, unsigned long kept, int compound,
			  struct bf_divergence *d)
{
	const struct bf_ozone *z = bf_o_zone_of(o, pfn);
	unsigned long n = 1UL << order, meta_i = 0;
	const char *meta = NULL;
	struct bf_page_info pi;

	if (bm_any_range(o->taint, pfn, n) || bm_any_range(o->unk, pfn, n))
		return 0;   /* a poked page may sit anywhere in the block: judge none of it */
	if (kept)
		n = kept;   /* alloc_pages_exact freed the rest again: the list checks judge it */
	for (unsigned long i = 0; i < n; i++) {
		unsigned long p = pfn + i;
		int want_ref = (i == 0 || i < kept) ? 1 : 0;
		unsigned long flags_ok = (compound && i == 0) ? (1UL << PG_head) : 0;
		const char *what = NULL;

		bf_page_info(w, p, &pi);
		if (pi.mapcount != -1)
			what = pi.buddy ? "PageBuddy" : "_mapcount != -1";
		else if (pi.refcount != want_ref)
			what = "refcount";
		else if (pi.memcg)
			what = "memcg";
		else if (!compound && (pi.flags & (1UL << PG_head)))
			what = "PG_head on a non-compound page";
		else if (pi.flags & CHECK_AT_PREP & ~flags_ok)
			what = "PAGE_FLAGS_CHECK_AT_PREP flag";
		else if (!compound && pi.tail)
			what = "tail (compound_head bit 0) in a non-compound block";
		else if ((!compound || i == 0) && pi.mapping)
			what = "mapping";
		else if (pi.private_)
			what = "private";
		else if (z && (pi.nid != z->nid || pi.zid != z->zid))
			what = "page->flags name another node or zone";
		else if (i == 0 && pi.index && !(pi.index == ~0UL && bf_o_no_watermarks_possible(o, gfp, op->cpu)))
			what = "index";
		if (what)
			return bf_o_div(d, BF_DIV_BAD_NEW_PAGE, NULL, z ? z->nid : -1, z ? z->zid : -1, p,
					"page %lu of the order-%u block at pfn 0x%lx: %s (refcount %d mapcount %d flags 0x%lx)",
					i, order, pfn, what, pi.refcount, pi.mapcount, pi.flags);
		if (compound && !meta && (meta = compound_wrong(&pi, pfn, i, order)))
			meta_i = i;
	}
	if (meta)
		return bf_o_div(d, BF_DIV_COMPOUND_META, NULL, z ? z->nid : -1, z ? z->zid : -1, pfn + meta_i,
				"page %lu of the order-%u compound page at pfn 0x%lx: %s", meta_i, order, pfn, meta);
	return 0;
}

/* Warning expectations of an allocation (records.c compares them). */
static void expect_warnings(struct bf_oracle *o, gfp_t gfp, unsigned int order, int cpu, int reject_order,
			    int reject_mt, int zone_bad, int failed)
{
	struct bf_opexp *e = &o->e;
	int dr = (gfp & __GFP_DIRECT_RECLAIM) != 0, nofail = (gfp & __GFP_NOFAIL) != 0;
	int c = cpu >= 0 && cpu < BF_MAX_CPUS ? cpu : 0, slow = !reject_order && !reject_mt;

	if (reject_order) {
		e->lo[WARN_ORDER_TOO_LARGE] = e->hi[WARN_ORDER_TOO_LARGE] = !(gfp & __GFP_NOWARN);
		return;
	}
	if (reject_mt) {
		e->lo[WARN_GFP_MIGRATETYPE] = e->hi[WARN_GFP_MIGRATETYPE] = 1;
		if (zone_bad)
			e->hi[WARN_GFP_ZONE_BAD] = BF_INF;
		return;
	}
	if (zone_bad) {
		e->lo[WARN_GFP_ZONE_BAD] = 1;
		e->hi[WARN_GFP_ZONE_BAD] = BF_INF;
	}
	/* slow-path sites: may fire on success, must on the way to NULL where the path is forced */
	if ((gfp & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) == (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) {
		e->hi[WARN_ATOMIC_RECLAIM] = 1;
		e->lo[WARN_ATOMIC_RECLAIM] = failed && slow;
	}
	if (nofail && !dr) {
		e->hi[WARN_NOFAIL_NO_RECLAIM] = 1;
		e->lo[WARN_NOFAIL_NO_RECLAIM] = failed;
	}
	if (nofail && dr) {
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			e->hi[WARN_NOFAIL_COSTLY] = BF_INF;
		if (o->pf[c] & PF_MEMALLOC)
			e->hi[WARN_NOFAIL_MEMALLOC] = BF_INF;
		e->hi[WARN_OOM_NOFAIL] = BF_INF;
	}
	if (nofail && order > 1)
		e->hi[WARN_NOFAIL_HIGH_ORDER] = BF_INF;
	if (dr)
		e->hi[WARN_NOFAIL_LOOP_CAP] = 1;
	/* warn_alloc on every NULL but a capped NOFAIL loop; judged in records.c once the cap is known */
	if (failed && !(gfp & __GFP_NOWARN)) {
		e->lo[WARN_ALLOC_FAILURE] = e->hi[WARN_ALLOC_FAILURE] = 1;
	}
}

int bf_o_alloc_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		     struct bf_divergence *d)
{
	int exact = op->kind == BF_OOP_ALLOC_EXACT, zone_bad, hz;
	gfp_t gfp = op->gfp;
	unsigned int order = op->order;
	unsigned long pfn = op->pfn, n, kept = 0, taken;
	int pref;
	int nf = (gfp & __GFP_THISNODE) != 0, reject_order, reject_mt;
	struct bf_ozone *z;
	char g[160];

	if (exact) {
		order = bf_o_order_of_size(op->size);
		if (gfp & __GFP_COMP)
			o->e.lo[WARN_EXACT_COMP] = o->e.hi[WARN_EXACT_COMP] = 1;
		gfp &= ~(__GFP_COMP | __GFP_HIGHMEM);   /* alloc_pages_exact, __get_free_pages */
		kept = (op->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	}
	hz = bf_o_gfp_zone(gfp, &zone_bad);
	bf_o_policy_decide(o, op, gfp);   /* policy.c: where alloc_pages_current sends it */
	pref = o->pol.pref;
	reject_order = order >= MAX_ORDER;
	reject_mt = !reject_order && bf_o_gfp_mt_invalid(gfp);
	o->e.gfp = gfp;
	o->e.order = order;
	o->e.refused = reject_order || reject_mt;
	o->e.hz = hz;
	if (exact && pfn != NO_PFN && !o->e.refused) {
		/* make_alloc_exact frees the pages past PAGE_ALIGN(size) one by one */
		unsigned long n = 1UL << order;

		o->e.freed = n > kept ? n - kept : 0;
		if (pfn < o->npfn && n <= o->npfn - pfn && bm_any_range(o->hwp, pfn, n))
			o->e.freed_unsure = 1;
	}
	o->st.allocs++;
	o->e.is_alloc = 1;
	o->e.leak_order = order < MAX_ORDER ? order : 0;
	expect_warnings(o, gfp, order, op->cpu, reject_order, reject_mt, zone_bad, pfn == NO_PFN);

	if (pfn == NO_PFN) {
		const struct bf_records *rec = bf_records(w);
		int capped = rec->warn_count[WARN_NOFAIL_LOOP_CAP] != o->warn_before[WARN_NOFAIL_LOOP_CAP];
		char why[192];

		o->st.alloc_fails++;
		if (capped)
			o->e.lo[WARN_ALLOC_FAILURE] = o->e.hi[WARN_ALLOC_FAILURE] = 0;
		if (reject_order || reject_mt)
			return 0;
		if ((gfp & __GFP_NOFAIL) && (gfp & __GFP_DIRECT_RECLAIM) && !capped)
			return bf_o_div(d, BF_DIV_NOFAIL_NULL, NULL, -1, -1, NO_PFN,
					"order %u gfp %s returned NULL without the model's loop cap", order,
					gfp_str(gfp, g, sizeof(g)));
		if ((capped && bf_o_nofail_reserves_serve(o, gfp, order, op->cpu, pref, o->pol.mask, why, sizeof(why))) ||
		    bf_o_must_succeed(o, gfp, order, op->cpu, pref, o->pol.mask, why, sizeof(why)))
			return bf_o_div(d, BF_DIV_UNEXPECTED_FAIL, NULL, -1, -1, NO_PFN,
					"order %u gfp %s returned NULL; %s", order, gfp_str(gfp, g, sizeof(g)), why);
		o->st.undecided_fails++;
		return 0;
	}
	if (reject_order || reject_mt)
		return bf_o_div(d, BF_DIV_MISALIGNED, NULL, -1, -1, pfn,
				"order %u gfp %s: a refused request returned pfn 0x%lx", order, gfp_str(gfp, g, sizeof(g)),
				pfn);
	n = 1UL << order;
	z = bf_o_zone_of(o, pfn);
	if (!z || (pfn & (n - 1)) || pfn + n > z->end)
		return bf_o_div(d, BF_DIV_MISALIGNED, NULL, z ? z->nid : -1, z ? z->zid : -1, pfn,
				"order %u block at pfn 0x%lx is misaligned or leaves its zone", order, pfn);
	if ((taken = bf_o_first_taken(o, pfn, n)) != NO_PFN)
		return bf_o_div(d, BF_DIV_DOUBLE_ALLOC, NULL, z->nid, z->zid, taken,
				"order %u block at pfn 0x%lx: page 0x%lx was not free", order, pfn, taken);
	if (z->zid > hz || !zone_on_list(o, pref, 0, z)) {
		gfp_format(gfp, g, sizeof(g));
		if (z->zid > hz)
			return bf_o_div(d, BF_DIV_WRONG_ZONE, NULL, z->nid, z->zid, pfn,
					"gfp %s allows zones up to %s, got %s", g, bf_zone_name(hz), bf_zone_name(z->zid));
		return bf_o_div(d, BF_DIV_WRONG_ZONE, NULL, z->nid, z->zid, pfn,
				"%s/%d is not on node %d's zonelist", bf_zone_name(z->zid), z->nid, pref);
	}
	if (nf && z->nid != pref)
		return bf_o_div(d, BF_DIV_WRONG_NODE, NULL, z->nid, z->zid, pfn,
				"__GFP_THISNODE on node %d, got node %d", pref, z->nid);
	if (bf_o_policy_page(o, op, gfp, order, z, pfn, d))
		return 1;
	if (new_page_state(o, w, op, gfp, pfn, order, exact ? kept : 0, !exact && order > 0 && (gfp & __GFP_COMP), d))
		return 1;
	return bf_o_watermark_breach(o, z, gfp, order, op->cpu, d);
}
