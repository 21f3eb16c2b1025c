/*
 * pcp.c - the per-cpu page lists of order-0 pages: rmqueue_pcplist(),
 * __rmqueue_pcplist(), rmqueue_bulk(), free_unref_page() and
 * free_unref_page_commit(), free_pcppages_bulk(), and the drains
 * (drain_pages_zone(), drain_local_pages(), drain_all_pages()) of v5.10.0.
 *
 * A CPU's lists are touched only with its irq lock held (local_irq_save in
 * the kernel).  pcp pages are not PageBuddy, have refcount 0, are not counted
 * in NR_FREE_PAGES or nr_free, and carry their migratetype in page->index.
 * Checks as with CONFIG_DEBUG_VM=n: pages are checked when they enter the pcp
 * from the buddy (check_pcp_refill) and when they leave it for the buddy
 * (bulkfree_pcp_prepare); nothing is checked on the way in from a free.
 */
#include "internal.h"
#include "vmstat.h"

static inline void local_irq_save(struct context *cx) { spin_lock(&this_cpu(cx)->irq_lock); }
static inline void local_irq_restore(struct context *cx) { spin_unlock(&this_cpu(cx)->irq_lock); }

/*
 * rmqueue_bulk - take `count` blocks for the pcp list under one zone->lock.
 * They are appended at the tail in the order __rmqueue returns them, which
 * after expand() is ascending pfn order.  NR_FREE_PAGES drops by the number
 * of successful __rmqueue calls (i), bad pages included.
 */
static int rmqueue_bulk(struct context *cx, struct zone *zone, unsigned int order, unsigned long count,
			struct list_head *list, int migratetype, unsigned int alloc_flags)
{
	int i, alloced = 0;

	spin_lock(&zone->lock);
	for (i = 0; (unsigned long)i < count; ++i) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags);

		if (!page)
			break;
		if (check_new_page(cx->w, page))  /* check_pcp_refill: bad page is leaked */
			continue;
		lru_touch_add_tail(cx->w, &page->lru, list);
		list_add_tail(&page->lru, list);
		alloced++;
		if (is_migrate_cma((int)page->index))
			__mod_zone_page_state(cx, zone, NR_FREE_CMA_PAGES, -(1L << order));
	}
	testcase(cx->w, PCP_PARTIAL_REFILL, i > 0 && (unsigned long)i < count);  /* partial refill */
	explain(cx->w, "rmqueue_bulk: %d of %lu blocks taken (%d kept, appended at the list tail)%s; NR_FREE_PAGES -%ld",
		i, count, alloced, i < (int)count ? ": the zone ran dry" : "", (long)i << order);
	__mod_zone_page_state(cx, zone, NR_FREE_PAGES, -((long)i << order));
	spin_unlock(&zone->lock);
	return alloced;
}

/* __rmqueue_pcplist - refill an empty list with a batch, then take its head. */
static struct page *__rmqueue_pcplist(struct context *cx, struct zone *zone, int migratetype,
				      unsigned int alloc_flags, struct per_cpu_pages *pcp,
				      struct list_head *list)
{
	struct page *page;

	/* check_new_pcp() checks nothing without DEBUG_VM or debug_pagealloc. */
	explain(cx->w, "__rmqueue_pcplist: cpu %d's %s list %s (pcp count %d, high %d, batch %d)", cx->cpu,
		migratetype_names[migratetype], list_empty(list) ? "is empty: refill a batch" : "has pages",
		pcp->count, pcp->high, pcp->batch);
	if (list_empty(list)) {
		int n = rmqueue_bulk(cx, zone, 0, (unsigned long)READ_ONCE(pcp->batch), list,
				     migratetype, alloc_flags);

		WRITE_ONCE(pcp->count, pcp->count + n);
		pcp->seq++;
		feature(cx->w, n ? FEAT_PCP_REFILL : FEAT_PCP_REFILL_EMPTY);
		if (list_empty(list))
			return NULL;
	}
	page = list_first_entry(list, struct page, lru);
	explain(cx->w, "__rmqueue_pcplist: the list head, pfn 0x%lx", page_to_pfn(cx->w, page));
	lru_touch_del(cx->w, &page->lru);
	list_del(&page->lru);
	WRITE_ONCE(pcp->count, pcp->count - 1);
	pcp->seq++;
	return page;
}

struct page *rmqueue_pcplist(struct context *cx, struct zone *preferred_zone, struct zone *zone,
			     gfp_t gfp_flags, int migratetype, unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp;
	struct page *page;

	explain_fn(cx->w, "rmqueue_pcplist(zone=%s/%d, cpu=%d, migratetype=%s)", zone_names[zone_idx(zone)],
		   zone->node, cx->cpu, migratetype_names[migratetype]);

	local_irq_save(cx);
	pcp = &zone->pageset[cx->cpu].pcp;
	page = __rmqueue_pcplist(cx, zone, migratetype, alloc_flags, pcp, &pcp->lists[migratetype]);
	if (page) {
		__count_vm_events(cx, PGALLOC_DMA + page_zonenum(page), 1);
		zone_statistics(cx, preferred_zone, zone);
	}
	local_irq_restore(cx);
	return page;
}

/*
 * free_pcppages_bulk - give `count` pages back to the buddy, round robin over
 * the lists starting after the last one used (MOVABLE first), from each
 * list's tail (the coldest pages).  batch_free counts how many pages to take
 * from a list before moving on; it carries over when a list runs dry, and
 * reaching MIGRATE_PCPTYPES means "only one list left: take everything".
 */
void free_pcppages_bulk(struct context *cx, struct zone *zone, int count, struct per_cpu_pages *pcp)
{
	struct world *w = cx->w;
	int migratetype = 0, batch_free = 0;
	bool isolated_pageblocks;
	struct list_head head, *pos, *next;

	explain_fn(w, "free_pcppages_bulk(zone=%s/%d, count=%d, pcp count %d)", zone_names[zone_idx(zone)], zone->node,
		   count, pcp->count);

	INIT_LIST_HEAD(&head);
	count = pcp->count < count ? pcp->count : count;
	while (count) {
		struct list_head *list;

		do {
			batch_free++;
			if (++migratetype == MIGRATE_PCPTYPES)
				migratetype = 0;
			list = &pcp->lists[migratetype];
		} while (list_empty(list));

		/* This is the only non-empty list. Free them all. */
		testcase(w, PCP_BATCH_CARRIED, batch_free > MIGRATE_PCPTYPES);  /* carried over from an emptied list */
		if (batch_free == MIGRATE_PCPTYPES)
			batch_free = count;
		explain(w, "the %s list: up to %d pages from its tail (the coldest)", migratetype_names[migratetype],
			batch_free);

		do {
			struct page *page = list_last_entry(list, struct page, lru);

			lru_touch_del(w, &page->lru);
			list_del(&page->lru);
			WRITE_ONCE(pcp->count, pcp->count - 1);
			pcp->seq++;
			if (bulkfree_pcp_prepare(w, page))
				continue;  /* bad page: leaked, but the loop test still runs */
			lru_touch_add_tail(w, &page->lru, &head);
			list_add_tail(&page->lru, &head);
		} while (--count && --batch_free && !list_empty(list));
	}

	spin_lock(&zone->lock);
	isolated_pageblocks = has_isolate_pageblock(zone);
	for (pos = head.next; pos != &head; pos = next) {
		struct page *page = list_entry(pos, struct page, lru);
		int mt = (int)page->index;

		next = pos->next;
		VM_BUG_ON(is_migrate_isolate(mt));
		if (isolated_pageblocks)
			mt = get_pageblock_migratetype(w, page);
		__free_one_page(cx, page, page_to_pfn(w, page), zone, 0, mt, FPI_NONE);
	}
	spin_unlock(&zone->lock);
}

/*
 * free_unref_page - order-0 free: cache the pageblock's migratetype in
 * page->index, put the page at the head of this CPU's list (HIGHATOMIC and
 * CMA pages go to the MOVABLE list, ISOLATE straight to the buddy), and
 * spill a batch when the list reaches high.
 */
void free_unref_page(struct context *cx, struct page *page)
{
	struct world *w = cx->w;
	unsigned long pfn = page_to_pfn(w, page);
	struct zone *zone = page_zone(w, page);
	struct per_cpu_pages *pcp;
	int migratetype;

	explain_fn(w, "free_unref_page(pfn=0x%lx, cpu=%d)", pfn, cx->cpu);

	/* free_unref_page_prepare: free_pcp_prepare() without its check (DEBUG_VM=n). */
	if (!free_pages_prepare(w, page, 0, false)) {
		explain(w, "free_pages_prepare refused the page (bad_page): not freed");
		return;
	}
	page->index = (unsigned long)get_pageblock_migratetype(w, page);

	local_irq_save(cx);
	/* free_unref_page_commit */
	migratetype = (int)page->index;
	__count_vm_events(cx, PGFREE, 1);
	if (migratetype >= MIGRATE_PCPTYPES) {
		if (is_migrate_isolate(migratetype)) {
			explain(w, "pageblock Isolate: straight to the buddy");
			free_one_page(cx, zone, page, pfn, 0, migratetype, FPI_NONE);
			goto out;
		}
		explain(w, "pageblock %s: cached on the Movable pcp list", migratetype_names[migratetype]);
		migratetype = MIGRATE_MOVABLE;
	}
	pcp = &zone->pageset[cx->cpu].pcp;
	lru_touch_add(w, &page->lru, &pcp->lists[migratetype]);
	list_add(&page->lru, &pcp->lists[migratetype]);
	WRITE_ONCE(pcp->count, pcp->count + 1);
	pcp->seq++;
	explain(w, "list_add at the head of cpu %d's %s list: pcp count %d, high %d%s", cx->cpu,
		migratetype_names[migratetype], pcp->count, pcp->high,
		pcp->count >= pcp->high ? ": at high, spill a batch" : "");
	if (pcp->count >= READ_ONCE(pcp->high)) {
		feature(w, FEAT_PCP_SPILL_AT_HIGH);
		free_pcppages_bulk(cx, zone, READ_ONCE(pcp->batch), pcp);
	}
out:
	local_irq_restore(cx);
}

/*
 * drain_zone_pages - trim a pcp by at most one batch (the vmstat work's
 * expiry of a remote zone's pcp).
 */
void drain_zone_pages(struct context *cx, struct zone *zone, struct per_cpu_pages *pcp)
{
	int to_drain, batch;

	local_irq_save(cx);
	batch = READ_ONCE(pcp->batch);
	to_drain = pcp->count < batch ? pcp->count : batch;
	if (to_drain > 0)
		free_pcppages_bulk(cx, zone, to_drain, pcp);
	local_irq_restore(cx);
}

/* drain_pages_zone - empty one CPU's pcp of a zone (runs on that CPU). */
void drain_pages_zone(struct context *cx, struct zone *zone)
{
	struct per_cpu_pages *pcp;

	local_irq_save(cx);
	pcp = &zone->pageset[cx->cpu].pcp;
	if (pcp->count)
		free_pcppages_bulk(cx, zone, pcp->count, pcp);
	local_irq_restore(cx);
}

static void drain_pages(struct context *cx)
{
	int nid, zid;
	struct zone *zone;

	for_each_zone_of_world(cx->w, nid, zid, zone)
		if (populated_zone(zone))
			drain_pages_zone(cx, zone);
}

/* drain_local_pages - this CPU, one zone or all populated zones. */
void drain_local_pages(struct world *w, int cpu, int nid, int zone_idx)
{
	struct context cx = context_of(w, cpu);

	if (zone_idx >= 0)
		drain_pages_zone(&cx, &w->node[nid].node_zones[zone_idx]);
	else
		drain_pages(&cx);
}

/*
 * drain_all_pages - every online CPU that has pcp pages (for the zone, or in
 * any populated zone) drains its own lists.  The kernel runs these as work
 * items on each CPU concurrently; the model runs them in CPU order.
 */
void drain_all_pages(struct world *w, int nid, int zone_idx)
{
	for (int cpu = 0; cpu < w->nr_cpus; cpu++) {
		bool has_pcps = false;
		int n, z;
		struct zone *zone;

		for_each_zone_of_world(w, n, z, zone) {
			if (zone_idx >= 0 && (n != nid || z != zone_idx))
				continue;
			if (populated_zone(zone) && READ_ONCE(zone->pageset[cpu].pcp.count))
				has_pcps = true;
		}
		if (has_pcps)
			drain_local_pages(w, cpu, nid, zone_idx);
	}
}
