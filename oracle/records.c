/*
 * records.c - the world's WARN counters and bad_page() reports against what
 * the op allows.
 *
 * Every op starts with each site's allowed range [0, 0]; the alloc rules
 * (alloc_check.c) and the free rules (model.c) widen it: MUST sites raise
 * the lower bound (order >= MAX_ORDER without __GFP_NOWARN, exact-comp,
 * gfp-migratetype, a GFP_ZONE_BAD zone, warn_alloc on a NULL, the slow-path
 * sites a forced path passes, put-page-zero on a count the oracle knows to be
 * 0), MAY sites (those that depend on how far the slow path went) only the
 * upper bound.  Below the range: missing-warning (free-not-allocated for
 * put-page-zero: the free of a page nobody held went unreported); above it:
 * spurious-warning.
 *
 * bad_page reports: each new one must name a page the program tainted (a
 * poke, a reference the contract cannot drop) or an unknown page; otherwise
 * spurious-warning.  A report leaks pages (spec 11.2c): the op's freed range
 * (a free_pages_prepare failure leaks the block), the aligned block of the
 * request's order (the rmqueue buddy route), or the page itself (pcp refill
 * or free_pcppages_bulk).  All of them become unknown, and the zone's
 * NR_FREE_PAGES drift is re-based at the next check (the buddy route leaves
 * the counter high).  More reports than the ring holds: every zone degrades.
 */
#include <string.h>
#include "oracle/oracle_int.h"

static void leak_report(struct bf_oracle *o, unsigned long pfn)
{
	struct bf_ozone *z;

	if (pfn >= o->npfn)
		return;
	bf_o_unknown(o, pfn, 1);
	if (o->e.is_alloc) {
		unsigned long n = 1UL << o->e.leak_order;

		bf_o_unknown(o, pfn & ~(n - 1), n);
	}
	if (o->e.leak_n && pfn >= o->e.leak_pfn && pfn - o->e.leak_pfn < o->e.leak_n)
		bf_o_unknown(o, o->e.leak_pfn, o->e.leak_n);
	z = bf_o_zone_of(o, pfn);
	if (z) {
		z->rebase = 1;
		z->touched = 1;
	}
}

int bf_o_records_after(struct bf_oracle *o, const struct world *w, struct bf_divergence *d)
{
	const struct bf_records *rec = bf_records(w);
	unsigned long nb = rec->bad_page_count - o->bad_before;
	unsigned long spurious = NO_PFN;
	const char *spurious_reason = "";
	int rc = 0;

	/* bad_page reports first: their leaks hold whatever else is judged */
	if (nb > BF_RECORD_RING) {
		for (int i = 0; i < o->nr_live; i++)
			o->z[o->live[i]].degraded = 1;
		nb = 0;
	}
	for (unsigned long i = 0; i < nb; i++) {
		const struct bf_bad_page *b = &rec->bad[(o->bad_before + i) % BF_RECORD_RING];

		if (spurious == NO_PFN && (b->pfn >= o->npfn || (!bm_test(o->taint, b->pfn) && !bm_test(o->unk, b->pfn)))) {
			spurious = b->pfn;
			spurious_reason = b->reason ? b->reason : "?";
		}
		leak_report(o, b->pfn);
	}
	for (int s = 0; s < NR_WARN_SITES && !rc; s++) {
		unsigned long delta = rec->warn_count[s] - o->warn_before[s];

		if (delta < o->e.lo[s]) {
			if (s == WARN_PUT_ZERO)
				rc = bf_o_div(d, BF_DIV_FREE_NOT_ALLOCATED, NULL, -1, -1, o->e.fna_pfn,
					      "a free dropped a reference the page did not have (pfn 0x%lx) without put-page-zero",
					      o->e.fna_pfn);
			else
				rc = bf_o_div(d, BF_DIV_MISSING_WARNING, NULL, -1, -1, NO_PFN,
					      "WARN %s: %lu hit(s), at least %lu required", bf_warn_names[s], delta,
					      o->e.lo[s]);
		} else if (delta > o->e.hi[s]) {
			rc = bf_o_div(d, BF_DIV_SPURIOUS_WARNING, NULL, -1, -1, NO_PFN,
				      "WARN %s: %lu hit(s), at most %lu possible", bf_warn_names[s], delta, o->e.hi[s]);
		}
	}
	if (!rc && spurious != NO_PFN)
		rc = bf_o_div(d, BF_DIV_SPURIOUS_WARNING, NULL, -1, -1, spurious,
			      "bad_page(\"%s\") on pfn 0x%lx, a page the program never made bad", spurious_reason,
			      spurious);
	memcpy(o->warn_before, rec->warn_count, sizeof(o->warn_before));
	o->bad_before = rec->bad_page_count;
	return rc;
}
