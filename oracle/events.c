/*
 * events.c - the vm events the allocator counts, held against what the op
 * did (accounting:<EVENT>, the enum name: accounting:PGALLOC_NORMAL).  Each
 * op is judged by the events' change across it (bf_oracle_before snapshots
 * them), so no history is needed and a restored or reset world starts clean.
 *
 *   PGALLOC_<zone>  5.10 counts __count_zid_vm_events(PGALLOC, zone, n) once
 *                   per successful rmqueue() -- n = 1 on the pcp route,
 *                   1 << order on the buddy route; blocks check_new_pages or
 *                   check_pcp_refill dropped are not counted -- and an
 *                   allocation returns from its first successful rmqueue.
 *                   So an op moves exactly PGALLOC_<zone of the block> by
 *                   2^order (alloc_pages_exact: the covering order) if it
 *                   returned a block, and no PGALLOC_* otherwise.  Exact,
 *                   even with bad pages about.
 *   PGFREE          counted by __free_pages_ok (1 << order) and
 *                   free_unref_page_commit (1) once free_pages_prepare has
 *                   passed -- free_pcppages_bulk, drains and the vmstat work
 *                   count nothing.  So an op moves it by exactly the pages it
 *                   handed back (model.c's releases; make_alloc_exact's
 *                   tail pages), unless the op made a bad_page report (a
 *                   failed free_pages_prepare frees and counts nothing), freed
 *                   a hwpoison page (an order-0 one is dropped uncounted) or
 *                   made a free the oracle cannot follow: then PGFREE is not
 *                   judged for that op.
 *   ALLOCSTALL_<zone>  try_to_free_pages counts one for sc.reclaim_idx =
 *                   gfp_zone(gfp): it moves only during an allocation that
 *                   may reclaim directly (__GFP_DIRECT_RECLAIM, not refused
 *                   at the entry), and only for gfp_zone's zone.
 *   COMPACTSTALL/SUCCESS/FAIL  __alloc_pages_direct_compact (order > 0,
 *                   direct reclaim allowed) counts a stall and then a success
 *                   or a failure: over an op STALL = SUCCESS + FAIL, SUCCESS
 *                   at most 1 (it returns the page) and only if the
 *                   allocation succeeded.
 * Cost: two passes over the CPUs' event arrays per op.
 */
#include <stdio.h>
#include <string.h>
#include "oracle/oracle_int.h"

static const char *const ev_enum[NR_VM_EVENT_ITEMS] = {
#define X(e, name) #e,
	VM_EVENT_TABLE(X)
#undef X
};

static int ev_div(struct bf_divergence *d, int item, int nid, int zid, unsigned long pfn, long delta,
		  const char *want)
{
	return bf_o_div(d, BF_DIV_ACCOUNTING, ev_enum[item], nid, zid, pfn, "%s moved by %ld over the op; %s",
			ev_enum[item], delta, want);
}

/* ---- what a watermark boost promises (kind watermark-boost) ---- */

static unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

/* boost_watermark's cap for z, 0 where it returns early (factor 0, a zone under 4 pageblocks, a cap of 0) */
static unsigned long boost_cap(const struct bf_oracle *o, const struct world *w, const struct bf_ozone *z)
{
	struct bf_zone_info zi;
	unsigned long max_boost;

	if (o->boost_factor <= 0 || pageblock_nr_pages * 4 > z->managed || bf_zone_info(w, z->nid, z->zid, &zi))
		return 0;
	max_boost = mult_frac(zi.wmark_base[WMARK_HIGH], (unsigned long)o->boost_factor, 10000);
	if (!max_boost)
		return 0;
	return max_boost < pageblock_nr_pages ? pageblock_nr_pages : max_boost;
}

/* a wake-up as rmqueue makes it after ZONE_BOOSTED_WATERMARK: wakeup_kswapd(zone, 0, 0, zone_idx(zone)) */
static int woke_kswapd_for(const struct bf_oracle *o, const struct world *w, const struct bf_ozone *z)
{
	const struct bf_records *rec = bf_records(w);

	for (unsigned long i = o->rec_ev_before; i < rec->nr_ev; i++) {
		const struct bf_event *e = &rec->ev[i % BF_RECORD_RING];

		if (e->kind == EV_WAKEUP_KSWAPD && e->nid == z->nid && e->zone == z->zid && e->order == 0 &&
		    e->highest_zoneidx == z->zid)
			return 1;
	}
	return 0;
}

/*
 * Per zone, across the op (v5.10.0 boost_watermark, steal_suitable_fallback,
 * rmqueue):
 *  - watermark_boost moves only in an allocation (a steal below
 *    pageblock_order calls boost_watermark) or a sysctl
 *    (setup_per_zone_wmarks zeroes it); with boost_watermark's early
 *    returns (watermark_boost_factor 0, pageblock_nr_pages * 4 > managed,
 *    max_boost 0) an allocation leaves it alone; otherwise each call sets
 *    min(boost + pageblock_nr_pages, max_boost), max_boost =
 *    max(mult_frac(high_wmark, factor, 10000), pageblock_nr_pages), so after
 *    n >= 1 calls it is max_boost or old + n pageblocks below it;
 *  - rmqueue tests and clears ZONE_BOOSTED_WATERMARK after taking a page (the
 *    pcp route always, the buddy route on success) and wakes kswapd for the
 *    zone: after an allocation returned a block of zone Z, Z's flag is clear;
 *    and if the flag was set before the op, or Z's boost rose during it while
 *    every attempt of the request ran with ALLOC_KSWAPD (the steal sets the
 *    flag only then: gfp has __GFP_KSWAPD_RECLAIM, no ALLOC_NO_WATERMARKS
 *    reserve attempt is possible, and no direct reclaim ran -- ALLOCSTALL did
 *    not move -- so no __alloc_pages_may_oom attempt either), the op
 *    recorded wakeup_kswapd(Z, order 0, highest_zoneidx Z).
 * Not judged: a steal the oracle cannot see (factor 0, or a boost already at
 * its cap, gives no visible trace), a flag left set by a failed buddy route.
 */
static int boost_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		       const struct bf_ozone *served, const long *delta, struct bf_divergence *d)
{
	int alloc = (op->kind == BF_OOP_ALLOC || op->kind == BF_OOP_ALLOC_EXACT) && !o->e.refused;
	gfp_t gfp = o->e.gfp;
	int kswapd_always = alloc && (gfp & __GFP_KSWAPD_RECLAIM) && !bf_o_no_watermarks_possible(o, gfp, op->cpu);
	const struct bf_records *rec = bf_records(w);

	for (int zid = 0; zid < MAX_NR_ZONES; zid++)
		kswapd_always &= !delta[ALLOCSTALL_DMA + zid];
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];
		bool flag;
		unsigned long old = z->boost_before, now = bf_zone_boost(w, z->nid, z->zid, &flag), cap;
		int rose = now > old;

		if (now != old) {
			if (op->kind == BF_OOP_SYSCTL) {
				if (now != 0)
					return bf_o_div(d, BF_DIV_WATERMARK_BOOST, NULL, z->nid, z->zid, NO_PFN,
							"%s/%d: a sysctl moved watermark_boost %lu -> %lu (only to 0)",
							bf_zone_name(z->zid), z->nid, old, now);
			} else if (!alloc) {
				return bf_o_div(d, BF_DIV_WATERMARK_BOOST, NULL, z->nid, z->zid, NO_PFN,
						"%s/%d: watermark_boost %lu -> %lu in an op that allocates nothing",
						bf_zone_name(z->zid), z->nid, old, now);
			} else if (!(cap = boost_cap(o, w, z))) {
				return bf_o_div(d, BF_DIV_WATERMARK_BOOST, NULL, z->nid, z->zid, NO_PFN,
						"%s/%d: watermark_boost %lu -> %lu where boost_watermark returns early (factor %d, managed %lu)",
						bf_zone_name(z->zid), z->nid, old, now, o->boost_factor, z->managed);
			} else if (now != cap && !(now > old && now < cap && (now - old) % pageblock_nr_pages == 0)) {
				return bf_o_div(d, BF_DIV_WATERMARK_BOOST, NULL, z->nid, z->zid, NO_PFN,
						"%s/%d: watermark_boost %lu -> %lu is neither max_boost %lu nor whole pageblocks more below it",
						bf_zone_name(z->zid), z->nid, old, now, cap);
			}
		}
		if (z != served)
			continue;
		if (flag)
			return bf_o_div(d, BF_DIV_WATERMARK_BOOST, NULL, z->nid, z->zid, op->pfn,
					"%s/%d served the allocation and still has ZONE_BOOSTED_WATERMARK set",
					bf_zone_name(z->zid), z->nid);
		if ((z->flag_before || (rose && kswapd_always)) && rec->nr_ev - o->rec_ev_before <= BF_RECORD_RING &&
		    !woke_kswapd_for(o, w, z))
			return bf_o_div(d, BF_DIV_WATERMARK_BOOST, NULL, z->nid, z->zid, op->pfn,
					"%s/%d served the allocation %s but no kswapd wake-up for it was recorded",
					bf_zone_name(z->zid), z->nid,
					z->flag_before ? "with ZONE_BOOSTED_WATERMARK set" : "after its boost rose");
	}
	return 0;
}

int bf_o_events_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		      unsigned long nbad, struct bf_divergence *d)
{
	unsigned long now[NR_VM_EVENT_ITEMS];
	long delta[NR_VM_EVENT_ITEMS];
	int alloc = op->kind == BF_OOP_ALLOC || op->kind == BF_OOP_ALLOC_EXACT;
	int got = alloc && op->pfn != NO_PFN && !o->e.refused;
	int dr = alloc && !o->e.refused && (o->e.gfp & __GFP_DIRECT_RECLAIM);
	struct bf_ozone *z = got ? bf_o_zone_of(o, op->pfn) : NULL;
	char want[96];

	bf_vm_events(w, now);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		delta[i] = (long)(now[i] - o->ev_before[i]);
	memcpy(o->ev_before, now, sizeof(now));
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		long exp = z && z->zid == zid ? 1L << o->e.order : 0;

		if (delta[PGALLOC_DMA + zid] != exp) {
			if (exp)
				snprintf(want, sizeof(want), "the op returned an order-%u block of %s/%d", o->e.order,
					 bf_zone_name(zid), z->nid);
			else
				snprintf(want, sizeof(want), "%s", got ? "the op's block is in another zone" :
								  "the op returned no block");
			return ev_div(d, PGALLOC_DMA + zid, z ? z->nid : -1, zid, got ? op->pfn : NO_PFN,
				      delta[PGALLOC_DMA + zid], want);
		}
	}
	if (!nbad && !o->e.freed_unsure && delta[PGFREE] != (long)o->e.freed) {
		snprintf(want, sizeof(want), "it handed %lu page(s) back", o->e.freed);
		return ev_div(d, PGFREE, -1, -1, NO_PFN, delta[PGFREE], want);
	}
	if (delta[COMPACTSTALL] || delta[COMPACTSUCCESS] || delta[COMPACTFAIL]) {
		if (!dr || o->e.order == 0)
			return ev_div(d, COMPACTSTALL, -1, -1, NO_PFN, delta[COMPACTSTALL],
				      "only an order > 0 allocation with direct reclaim compacts");
		if (delta[COMPACTSTALL] != delta[COMPACTSUCCESS] + delta[COMPACTFAIL])
			return ev_div(d, COMPACTSTALL, -1, -1, NO_PFN, delta[COMPACTSTALL],
				      "every stall ends in one success or one failure");
		if (delta[COMPACTSUCCESS] > (got ? 1 : 0))
			return ev_div(d, COMPACTSUCCESS, -1, -1, NO_PFN, delta[COMPACTSUCCESS],
				      got ? "a success returns the page: at most one" : "the allocation failed");
	}
	for (int zid = 0; zid < MAX_NR_ZONES; zid++)
		if (delta[ALLOCSTALL_DMA + zid] && (!dr || zid != o->e.hz))
			return ev_div(d, ALLOCSTALL_DMA + zid, -1, zid, NO_PFN, delta[ALLOCSTALL_DMA + zid],
				      dr ? "direct reclaim counts gfp_zone's zone only" :
					   "only an allocation with direct reclaim stalls");
	return boost_after(o, w, op, z, delta, d);
}
