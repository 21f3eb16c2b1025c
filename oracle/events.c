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
	return 0;
}
