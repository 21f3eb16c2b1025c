/*
 * fallback.c - taking pages of another migratetype: __rmqueue(),
 * __rmqueue_fallback(), find_suitable_fallback(), can_steal_fallback(),
 * steal_suitable_fallback(), boost_watermark(), and the high-order atomic
 * reserve (reserve_highatomic_pageblock(), unreserve_highatomic_pageblock())
 * of v5.10.0 mm/page_alloc.c.
 *
 * Called with zone->lock held (except the highatomic helpers, which take it).
 * The CMA paths are modelled; no world has CMA pageblocks until the CMA issue,
 * so they find nothing.
 */
#include "internal.h"
#include "debug.h"
#include "vmstat.h"

/* fallbacks[] - each row ends at MIGRATE_TYPES; CMA and ISOLATE never fall back. */
static const int fallbacks[MIGRATE_TYPES][3] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_TYPES },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_TYPES },
	/*
	 * 5.10 leaves this row zero (three UNMOVABLEs; the walk then runs into
	 * the CMA row's terminator).  Unreachable here: migratetype 3 is refused
	 * at the entry (docs/deviations.md), so the row just ends the walk.
	 */
	[MIGRATE_HIGHATOMIC] = { MIGRATE_TYPES },
	[MIGRATE_CMA] = { MIGRATE_TYPES },
	[MIGRATE_ISOLATE] = { MIGRATE_TYPES },
};

static struct page *__rmqueue_cma_fallback(struct zone *zone, unsigned int order)
{
	return __rmqueue_smallest(zone, order, MIGRATE_CMA);
}

/*
 * can_steal_fallback - a heuristic: large requests, and unmovable/reclaimable
 * ones, may claim the whole pageblock; small movable ones only their page.
 */
static bool can_steal_fallback(const struct world *w, unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	if (order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	    start_mt == MIGRATE_UNMOVABLE || w->page_group_by_mobility_disabled)
		return true;
	return false;
}

/* mult_frac - x * n / d without overflowing the product. */
static unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

/*
 * boost_watermark - after a fragmenting steal, raise the watermarks by a
 * pageblock (up to watermark_boost_factor of the high mark) so kswapd
 * reclaims a little extra.  Too-small zones are left alone.
 */
static void boost_watermark(struct zone *zone)
{
	struct world *w = zone_world(zone);
	unsigned long max_boost;

	if (!w->watermark_boost_factor || pageblock_nr_pages * 4 > zone_managed_pages(zone)) {
		feature(w, FEAT_BOOST_SKIPPED);
		explain(w, "boost_watermark: no boost (%s)", w->watermark_boost_factor ?
			"the zone is under 4 pageblocks: too small" : "watermark_boost_factor 0");
		return;
	}
	max_boost = mult_frac(zone->_watermark[WMARK_HIGH], (unsigned long)w->watermark_boost_factor, 10000);
	if (!max_boost) {
		feature(w, FEAT_BOOST_SKIPPED);
		explain(w, "boost_watermark: high mark %lu * factor %d / 10000 is 0: no boost",
			zone->_watermark[WMARK_HIGH], w->watermark_boost_factor);
		return;
	}
	if (max_boost < pageblock_nr_pages)
		max_boost = pageblock_nr_pages;
	WRITE_ONCE(zone->watermark_boost, zone->watermark_boost + pageblock_nr_pages < max_boost ?
						  zone->watermark_boost + pageblock_nr_pages : max_boost);
	feature(w, zone->watermark_boost == max_boost ? FEAT_BOOST_AT_CAP : FEAT_BOOST_RAISED);
	explain(w, "boost_watermark: boost %lu (a pageblock more, cap max(high %lu * %d / 10000, pageblock) = %lu)",
		zone->watermark_boost, zone->_watermark[WMARK_HIGH], w->watermark_boost_factor, max_boost);
	bf_event(w, EV_BOOST_WATERMARK, zone->node, zone_idx(zone), 0, (int)zone->watermark_boost);
}

static void change_pageblock_range(struct world *w, struct page *pageblock_page, int start_order,
				   int migratetype)
{
	int nr_pageblocks = 1 << (start_order - pageblock_order);

	while (nr_pageblocks--) {
		set_pageblock_migratetype(w, pageblock_page, migratetype);
		pageblock_page += pageblock_nr_pages;
	}
}

/*
 * steal_suitable_fallback - move the free pages of page's pageblock to
 * start_type and claim the block if at least half of it is free or
 * "alike"; otherwise (or if not whole_block) move only this page.
 */
static void steal_suitable_fallback(struct zone *zone, struct page *page, unsigned int alloc_flags,
				    int start_type, bool whole_block)
{
	struct world *w = zone_world(zone);
	unsigned int current_order = (unsigned int)buddy_order(page);
	int free_pages, movable_pages, alike_pages;
	int old_block_type = get_pageblock_migratetype(w, page);
	explain_fn(w, "steal_suitable_fallback(pfn=0x%lx, order %u of pageblock %s, for %s, whole_block=%d)",
		   page_to_pfn(w, page), current_order, migratetype_names[old_block_type],
		   migratetype_names[start_type], whole_block);

	/* This can happen due to races and we want to prevent broken highatomic accounting. */
	if (is_migrate_highatomic(old_block_type)) {
		explain(w, "the pageblock is HighAtomic: only this block moves");
		goto single_page;
	}

	/* Take ownership for orders >= pageblock_order */
	if (current_order >= pageblock_order) {
		explain(w, "order >= pageblock_order: the %u pageblocks become %s", 1U << (current_order - pageblock_order),
			migratetype_names[start_type]);
		change_pageblock_range(w, page, (int)current_order, start_type);
		feature(w, FEAT_FALLBACK_CLAIMED_BLOCK);
		goto single_page;
	}

	boost_watermark(zone);
	if (alloc_flags & ALLOC_KSWAPD)
		__atomic_fetch_or(&zone->flags, 1UL << ZONE_BOOSTED_WATERMARK, __ATOMIC_RELAXED);
	explain(w, "%s", alloc_flags & ALLOC_KSWAPD ? "ALLOC_KSWAPD: ZONE_BOOSTED_WATERMARK set (rmqueue wakes kswapd)" :
		"no ALLOC_KSWAPD: ZONE_BOOSTED_WATERMARK not set");

	if (!whole_block) {
		explain(w, "may not claim the pageblock (can_steal_fallback): only this block moves");
		goto single_page;
	}

	free_pages = move_freepages_block(zone, page, start_type, &movable_pages);
	if (start_type == MIGRATE_MOVABLE) {
		alike_pages = movable_pages;
	} else {
		/* Pages of an unknown type in a MOVABLE block count as alike. */
		if (old_block_type == MIGRATE_MOVABLE)
			alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
		else
			alike_pages = 0;
	}

	/* moving whole block can fail due to zone boundary conditions */
	if (!free_pages)
		goto single_page;

	testcase(w, STEAL_EXACTLY_HALF, free_pages + alike_pages == (1 << (pageblock_order - 1)));
	testcase(w, STEAL_HALF_MINUS_ONE, free_pages + alike_pages == (1 << (pageblock_order - 1)) - 1);
	explain(w, "move_freepages_block: %d free, %d movable, %d alike of %lu: %s", free_pages, movable_pages,
		alike_pages, pageblock_nr_pages, free_pages + alike_pages >= (1 << (pageblock_order - 1)) ||
		w->page_group_by_mobility_disabled ? "at least half: the pageblock is claimed" :
		"less than half: the pageblock keeps its type");
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1)) ||
	    w->page_group_by_mobility_disabled) {
		set_pageblock_migratetype(w, page, start_type);
		feature(w, FEAT_FALLBACK_CLAIMED_BLOCK);
	} else {
		feature(w, FEAT_FALLBACK_SINGLE);
	}
	return;

single_page:
	if (current_order < pageblock_order)
		feature(w, FEAT_FALLBACK_SINGLE);
	move_to_free_list(page, zone, current_order, start_type);
}

/*
 * find_suitable_fallback - the first fallback type with free blocks at this
 * order, and whether it may be claimed whole.  w stands for the kernel's
 * global page_group_by_mobility_disabled.
 */
int find_suitable_fallback(const struct world *w, struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable, bool *can_steal)
{
	if (area->nr_free == 0)
		return -1;

	*can_steal = false;
	for (int i = 0;; i++) {
		int fallback_mt = fallbacks[migratetype][i];

		if (fallback_mt == MIGRATE_TYPES)
			break;
		if (list_empty(&area->free_list[fallback_mt]))
			continue;
		if (can_steal_fallback(w, order, migratetype))
			*can_steal = true;
		if (!only_stealable)
			return fallback_mt;
		if (*can_steal)
			return fallback_mt;
	}
	return -1;
}

/*
 * __rmqueue_fallback - steal from the largest free block of another type, so
 * that the fragmentation it causes is as coarse as possible.  Under
 * ALLOC_NOFRAGMENT only whole pageblocks (or larger) are considered.  A
 * movable request that may not claim a whole block takes the smallest
 * block instead, not to break up a large one for a single page.
 * Returns true if pages were moved to start_migratetype's lists.
 */
static bool __rmqueue_fallback(struct zone *zone, int order, int start_migratetype,
			       unsigned int alloc_flags)
{
	struct world *w = zone_world(zone);
	struct free_area *area;
	int current_order, min_order = order, fallback_mt;
	bool can_steal = false;
	struct page *page;
	explain_fn(w, "__rmqueue_fallback(order=%d, for %s%s)", order, migratetype_names[start_migratetype],
		   alloc_flags & ALLOC_NOFRAGMENT ? ", ALLOC_NOFRAGMENT: whole pageblocks only" : "");

	if (alloc_flags & ALLOC_NOFRAGMENT)
		min_order = pageblock_order;

	for (current_order = MAX_ORDER - 1; current_order >= min_order; --current_order) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(w, area, (unsigned int)current_order,
						     start_migratetype, false, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_migratetype == MIGRATE_MOVABLE && current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	feature(w, FEAT_FALLBACK_NONE);
	explain(w, "no fallback type has a block of order %d..%d", min_order, MAX_ORDER - 1);
	return false;

find_smallest:
	for (current_order = order; current_order < MAX_ORDER; current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(w, area, (unsigned int)current_order,
						     start_migratetype, false, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	VM_BUG_ON(current_order == MAX_ORDER);

do_steal:
	explain(w, "steal from %s at order %d (%s), can_steal %d", migratetype_names[fallback_mt], current_order,
		current_order == order && !can_steal && start_migratetype == MIGRATE_MOVABLE ?
		"movable, may not claim: the smallest block" : "the largest block first", can_steal);
	testcase(w, FALLBACK_PAGEBLOCK_ORDER, current_order == pageblock_order);
	testcase(w, FALLBACK_SMALLEST_IS_ORDER, current_order == order);
	page = list_first_entry(&area->free_list[fallback_mt], struct page, lru);
	steal_suitable_fallback(zone, page, alloc_flags, start_migratetype, can_steal);
	return true;
}

/*
 * __rmqueue - the requested type first; then CMA if allowed; then steal and
 * retry.  With ALLOC_CMA, CMA goes first while it holds more than half the
 * zone's free pages (to balance CMA usage).
 */
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype, unsigned int alloc_flags)
{
	struct page *page;

	if ((alloc_flags & ALLOC_CMA) &&
	    zone_page_state(zone, NR_FREE_CMA_PAGES) > zone_page_state(zone, NR_FREE_PAGES) / 2) {
		explain(zone_world(zone), "__rmqueue: ALLOC_CMA and free CMA %ld > half of free %ld: CMA first",
			zone_page_state(zone, NR_FREE_CMA_PAGES), zone_page_state(zone, NR_FREE_PAGES));
		page = __rmqueue_cma_fallback(zone, order);
		if (page)
			return page;
	}
retry:
	page = __rmqueue_smallest(zone, order, migratetype);
	if (!page) {
		if (alloc_flags & ALLOC_CMA)
			page = __rmqueue_cma_fallback(zone, order);
		if (!page && __rmqueue_fallback(zone, (int)order, migratetype, alloc_flags))
			goto retry;
	}
	return page;
}

/*
 * reserve_highatomic_pageblock - after a successful high-order ALLOC_HARDER
 * allocation, set its pageblock aside for future atomic high-order requests,
 * up to 1% of the zone plus one pageblock.
 */
void reserve_highatomic_pageblock(struct page *page, struct zone *zone, unsigned int alloc_order)
{
	struct world *w = zone_world(zone);
	unsigned long max_managed = zone_managed_pages(zone) / 100 + pageblock_nr_pages;
	int mt;

	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed) {
		feature(w, FEAT_HIGHATOMIC_AT_CAP);
		explain(w, "reserve_highatomic_pageblock: reserve %lu at its cap %lu (managed / 100 + a pageblock)",
			zone->nr_reserved_highatomic, max_managed);
		return;
	}

	spin_lock(&zone->lock);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out_unlock;
	mt = get_pageblock_migratetype(w, page);
	if (!is_migrate_highatomic(mt) && !is_migrate_isolate(mt) && !is_migrate_cma(mt)) {
		WRITE_ONCE(zone->nr_reserved_highatomic, zone->nr_reserved_highatomic + pageblock_nr_pages);
		set_pageblock_migratetype(w, page, MIGRATE_HIGHATOMIC);
		move_freepages_block(zone, page, MIGRATE_HIGHATOMIC, NULL);
		feature(w, FEAT_HIGHATOMIC_RESERVED);
		explain(w, "reserve_highatomic_pageblock: the pageblock of 0x%lx becomes HighAtomic, reserve %lu (cap %lu)",
			page_to_pfn(w, page), zone->nr_reserved_highatomic, max_managed);
	}
out_unlock:
	spin_unlock(&zone->lock);
}

/*
 * unreserve_highatomic_pageblock - give a reserved block back to the
 * requested type when the alternative is failing.  Unless forced, each
 * zone keeps one reserved pageblock.
 */
bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force)
{
	struct zoneref *z;
	struct zone *zone;

	for_each_zone_zonelist_nodemask(zone, z, ac->zonelist, ac->highest_zoneidx, ac->nodemask) {
		struct world *w = zone_world(zone);

		if (!force && READ_ONCE(zone->nr_reserved_highatomic) <= pageblock_nr_pages)
			continue;
		spin_lock(&zone->lock);
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			struct free_area *area = &zone->free_area[order];
			struct page *page = list_first_entry_or_null(&area->free_list[MIGRATE_HIGHATOMIC],
								     struct page, lru);
			if (!page)
				continue;
			/* The block may have been re-typed by a merge across pageblocks. */
			if (is_migrate_highatomic(get_pageblock_migratetype(w, page)))
				WRITE_ONCE(zone->nr_reserved_highatomic,
					   zone->nr_reserved_highatomic -
						   (zone->nr_reserved_highatomic < pageblock_nr_pages ?
							    zone->nr_reserved_highatomic : pageblock_nr_pages));
			set_pageblock_migratetype(w, page, ac->migratetype);
			feature(w, FEAT_HIGHATOMIC_UNRESERVED);
			explain(w, "unreserve_highatomic_pageblock%s: the pageblock of 0x%lx back to %s, reserve %lu",
				force ? " (forced)" : "", page_to_pfn(w, page), migratetype_names[ac->migratetype],
				zone->nr_reserved_highatomic);
			if (move_freepages_block(zone, page, ac->migratetype, NULL)) {
				spin_unlock(&zone->lock);
				return true;
			}
		}
		spin_unlock(&zone->lock);
	}
	return false;
}
