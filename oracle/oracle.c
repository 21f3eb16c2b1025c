/*
 * oracle.c - the per-op protocol (oracle.h): bf_oracle_before snapshots what
 * the op's judgement needs (records, and for allocations the counters and
 * zone state zone_watermark_fast() reads); bf_oracle_after judges the op's
 * result (alloc_check.c), applies it to the oracle's state (model.c),
 * judges the records (records.c), runs the check (world_check.c): of the
 * zones that changed, and the periodic one every BF_O_FULL_EVERY ops; then
 * the vm events' change across the op (events.c).
 *
 * Invariant: after a 0 return the oracle's state is the contract's view of
 * the world after the op; after a divergence it may be stale (the executor
 * stops there).
 */
#include <string.h>
#include "oracle/oracle_int.h"

void bf_oracle_before(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op)
{
	const struct bf_records *rec = bf_records(w);

	memcpy(o->warn_before, rec->warn_count, sizeof(o->warn_before));
	o->bad_before = rec->bad_page_count;
	o->before_fresh = o->check_epoch == o->st.ops;
	bf_vm_events(w, o->ev_before);
	o->rec_ev_before = rec->nr_ev;
	o->boost_factor = bf_watermark_boost_factor(w);
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];
		bool flag;

		z->boost_before = bf_zone_boost(w, z->nid, z->zid, &flag);
		z->flag_before = flag;
	}
	if (op->kind != BF_OOP_ALLOC && op->kind != BF_OOP_ALLOC_EXACT)
		return;
	bf_o_policy_before(o, w);
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];

		z->free_global = (long)bf_zone_stat(w, z->nid, z->zid, NR_FREE_PAGES, false);
		z->cma_global = (long)bf_zone_stat(w, z->nid, z->zid, NR_FREE_CMA_PAGES, false);
		bf_zone_info(w, z->nid, z->zid, &z->zi);
	}
}

int bf_oracle_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		    struct bf_divergence *d)
{
	unsigned long nbad;
	int rc = 0;

	memset(&o->e, 0, sizeof(o->e));
	o->e.fna_pfn = NO_PFN;
	d->kind = BF_NR_DIVS;
	d->name[0] = d->detail[0] = 0;
	d->nid = d->zid = -1;
	d->pfn = NO_PFN;
	o->st.ops++;
	if (op->kind == BF_OOP_ALLOC || op->kind == BF_OOP_ALLOC_EXACT) {
		rc = bf_o_alloc_after(o, w, op, d);
		if (!rc)
			rc = bf_o_policy_after(o, w, op, d);
	}
	if (op->kind == BF_OOP_SET_MEMPOLICY)
		rc = bf_o_mempolicy_after(o, w, op, d);
	if (rc)
		return rc;
	bf_o_apply(o, op);
	if (op->kind == BF_OOP_ALLOC_EXACT && op->pfn != NO_PFN) {
		/* the tail pages just freed may be leaked by a bad pcp page: count them as the op's range */
		unsigned int order = bf_o_order_of_size(op->size);

		o->e.leak_pfn = op->pfn;
		o->e.leak_n = 1UL << order;
	}
	if (op->pfn != NO_PFN && op->pfn < o->npfn)
		bf_o_touch(o, op->pfn, op->kind == BF_OOP_ALLOC_EXACT || op->kind == BF_OOP_FREE_EXACT ?
				       1UL << bf_o_order_of_size(op->size) :
				       1UL << (op->order < MAX_ORDER ? op->order : MAX_ORDER - 1));
	nbad = bf_records(w)->bad_page_count - o->bad_before;
	rc = bf_o_records_after(o, w, d);
	if (rc)
		return rc;
	rc = bf_o_check(o, w, d, o->st.ops % BF_O_FULL_EVERY ? BF_O_CHECK_CHANGED : BF_O_CHECK_PERIODIC);
	if (rc)
		return rc;
	if (o->zl_bad == 1) {
		/* judged once at reset (zonelist.c); the first op that gets this far reports it */
		*d = o->zl_div;
		o->zl_bad = 2;
		return 1;
	}
	return bf_o_events_after(o, w, op, nbad, d);
}
