/*
 * debug.c - where the model's WARN_ON, bad_page() and wake-up events go.
 *
 * Models bad_page() of mm/page_alloc.c: the report (kept in the world's record
 * ring instead of dmesg; no rate limit, so every report is counted), then
 * page_mapcount_reset(), which also clears PageBuddy.  The page is never given
 * back to the allocator by the caller.  WARN_ON_ONCE sites count every hit;
 * "once" is a printing concern the model does not have.
 */
#include <stdio.h>
#include <stdlib.h>
#include "debug.h"

void bf_warn(struct world *w, enum bf_warn_site site, gfp_t gfp, unsigned int order)
{
	explain(w, "WARN: %s (%s)", bf_warn_names[site], bf_warn_sites[site]);
	spin_lock(&w->rec.lock);
	w->rec.warn_count[site]++;
	spin_unlock(&w->rec.lock);
}

void bf_event(struct world *w, enum bf_event_kind kind, int nid, int zone, int order, int highest_zoneidx)
{
	struct bf_event *e;

	spin_lock(&w->rec.lock);
	w->rec.event_count[kind]++;
	e = &w->rec.ev[w->rec.nr_ev++ % BF_RECORD_RING];
	e->kind = kind;
	e->nid = nid;
	e->zone = zone;
	e->order = order;
	e->highest_zoneidx = highest_zoneidx;
	spin_unlock(&w->rec.lock);
}

void bad_page(struct world *w, struct page *page, const char *reason)
{
	struct bf_bad_page *b;

	spin_lock(&w->rec.lock);
	b = &w->rec.bad[w->rec.bad_page_count++ % BF_RECORD_RING];
	b->pfn = page_to_pfn(w, page);
	b->reason = reason;
	b->flags = page->flags & ((1UL << NR_PAGEFLAGS) - 1);
	b->mapcount = page->_mapcount;
	b->refcount = page_ref_count(page);
	b->mapping = page->mapping;
	spin_unlock(&w->rec.lock);
	/* Leave bad page to the side: reset the mapcount, which clears PageBuddy. */
	page_touch(w, page, 1);
	page_mapcount_reset(page);
}

#ifdef BF_DEBUG_VM
void bf_vm_bug(const char *cond, const char *file, int line)
{
	fprintf(stderr, "VM_BUG_ON(%s) at %s:%d\n", cond, file, line);
	abort();
}
#endif
