/*
 * fastpath.c - the allocation entry and fast path of v5.10.0:
 * __alloc_pages_nodemask(), prepare_alloc_pages(), alloc_flags_nofragment(),
 * current_alloc_flags(), get_page_from_freelist(), the watermark predicates
 * (__zone_watermark_unusable_free, __zone_watermark_ok,
 * zone_watermark_fast), rmqueue() and the zonelist iterators.
 *
 * The watermark code keeps the kernel's integer types on purpose: in
 * zone_watermark_fast() a negative `long` free count compared with an
 * `unsigned long` mark passes (5.10 quirk, spec 5.3.4).
 * Not modelled (configuration): cpusets (cpusets_enabled() is false),
 * node_reclaim (node_reclaim_mode 0), dirty limits (node_dirty_ok true),
 * fault injection, deferred struct page init, memcg charging.
 */
#include "internal.h"
#include "vmstat.h"
#include "debug.h"

static inline void local_irq_save(struct context *cx) { spin_lock(&this_cpu(cx)->irq_lock); }
static inline void local_irq_restore(struct context *cx) { spin_unlock(&this_cpu(cx)->irq_lock); }

static bool zref_in_nodemask(const struct zoneref *z, const unsigned long *nodes)
{
	return !nodes || node_isset(z->zone->node, nodes);
}

/* next_zones_zonelist - skip zones above highest_zoneidx or outside nodes. */
struct zoneref *next_zones_zonelist(struct zoneref *z, enum zone_type highest_zoneidx,
				    const unsigned long *nodes)
{
	while (z->zone && (z->zone_idx > (int)highest_zoneidx || !zref_in_nodemask(z, nodes)))
		z++;
	return z;
}

struct zoneref *first_zones_zonelist(struct zonelist *zl, enum zone_type highest_zoneidx,
				     const unsigned long *nodes)
{
	return next_zones_zonelist(zl->_zonerefs, highest_zoneidx, nodes);
}

/* current_alloc_flags - movable allocations may use CMA unless PF_MEMALLOC_NOCMA. */
unsigned int current_alloc_flags(const struct context *cx, gfp_t gfp_mask, unsigned int alloc_flags)
{
	if (!(current_task(cx)->flags & PF_MEMALLOC_NOCMA) &&
	    gfp_migratetype(cx->w, gfp_mask) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	return alloc_flags;
}

/*
 * __zone_watermark_unusable_free - the part of NR_FREE_PAGES this request may
 * not count: the rest of its own block, the highatomic reserve (unless
 * HARDER/OOM), free CMA pages (unless ALLOC_CMA).
 */
static long __zone_watermark_unusable_free(struct zone *z, unsigned int order, unsigned int alloc_flags)
{
	const bool alloc_harder = alloc_flags & (ALLOC_HARDER | ALLOC_OOM);
	long unusable_free = (1L << order) - 1;

	if (!alloc_harder)
		unusable_free += (long)READ_ONCE(z->nr_reserved_highatomic);
	if (!(alloc_flags & ALLOC_CMA))
		unusable_free += (long)zone_page_state(z, NR_FREE_CMA_PAGES);
	return unusable_free;
}

/*
 * __zone_watermark_ok - free pages above the (reduced) mark plus the lowmem
 * reserve, and, for order > 0, a free block of at least that order on a list
 * this request may use.
 */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;
	const bool alloc_harder = alloc_flags & (ALLOC_HARDER | ALLOC_OOM);

	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_harder) {
		/* OOM victims get half the reserve, __GFP_ATOMIC a quarter. */
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
		else
			min -= min / 4;
	}
	testcase(zone_world(z), WMARK_EXACTLY_MIN, free_pages == min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]));
	testcase(zone_world(z), WMARK_MIN_PLUS_ONE, free_pages == min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]) + 1);
	explain(zone_world(z), "__zone_watermark_ok: order %u: free %ld (after unusable %ld: rest of block %ld, "
		"highatomic %ld, cma %ld) vs mark %lu -> %ld%s%s + lowmem_reserve[%s] %ld: %s", order, free_pages,
		__zone_watermark_unusable_free(z, order, alloc_flags), (1L << order) - 1,
		alloc_harder ? 0L : (long)z->nr_reserved_highatomic,
		alloc_flags & ALLOC_CMA ? 0L : (long)zone_page_state(z, NR_FREE_CMA_PAGES), mark, min,
		alloc_flags & ALLOC_HIGH ? " (ALLOC_HIGH: -1/2)" : "",
		alloc_harder ? (alloc_flags & ALLOC_OOM ? " (ALLOC_OOM: -1/2)" : " (ALLOC_HARDER: -1/4)") : "",
		zone_names[highest_zoneidx], z->lowmem_reserve[highest_zoneidx],
		free_pages <= min + z->lowmem_reserve[highest_zoneidx] ? "free <= mark + reserve, fail" :
		order ? "above, now a free block of the order" : "ok");
	if (free_pages <= min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;

	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt])) {
				explain(zone_world(z), "order %u has a %s block: ok", o, migratetype_names[mt]);
				return true;
			}
		if ((alloc_flags & ALLOC_CMA) && !list_empty(&area->free_list[MIGRATE_CMA])) {
			explain(zone_world(z), "order %u has a CMA block (ALLOC_CMA): ok", o);
			return true;
		}
		if (alloc_harder && !list_empty(&area->free_list[MIGRATE_HIGHATOMIC])) {
			explain(zone_world(z), "order %u has a HighAtomic block (ALLOC_HARDER): ok", o);
			return true;
		}
	}
	explain(zone_world(z), "no usable free block of order >= %u: fail", order);
	return false;
}

/* The zone's free pages against its own (boosted) watermarks, as a state feature. */
static void wmark_band_feature(struct zone *z, long free_pages)
{
	int band = free_pages < (long)min_wmark_pages(z) ? 0 : free_pages < (long)low_wmark_pages(z) ? 1 :
		   free_pages < (long)high_wmark_pages(z) ? 2 : 3;

	feature(zone_world(z), (enum bf_feature)(FEAT_WMARK_BAND + zone_idx(z) * 4 + band));
}

static bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				int highest_zoneidx, unsigned int alloc_flags, gfp_t gfp_mask)
{
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);

	wmark_band_feature(z, free_pages);

	/* Fast check for order-0 only; note the unsigned comparison (5.10 quirk). */
	if (!order) {
		long reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);
		long fast_free = free_pages - reserved;

		testcase(zone_world(z), WMARK_FAST_NEGATIVE, fast_free < 0);  /* passes: compared as unsigned long */
		/*
		 * Upstream fix 9282012fc0aa (v5.19; off in 5.10.0) of the
		 * unsigned comparison f27ce0e14088 (v5.9) introduced: a reserve
		 * larger than the free count leaves nothing usable instead of
		 * going negative.
		 */
		if (z->zone_pgdat->world->fixes & BF_FIX(BF_FIX_WMARK_FAST_NEGATIVE))
			fast_free = free_pages - (reserved < free_pages ? reserved : free_pages);

		explain(zone_world(z), "zone_watermark_fast: order 0: free %ld - unusable %ld = %ld%s vs mark %lu + "
			"lowmem_reserve[%s] %ld, compared as unsigned long: %s", free_pages, reserved, fast_free,
			fast_free < 0 ? " (negative)" : "", mark, zone_names[highest_zoneidx],
			z->lowmem_reserve[highest_zoneidx],
			(unsigned long)fast_free > mark + (unsigned long)z->lowmem_reserve[highest_zoneidx] ?
			"ok" : "not above, the full check");
		if ((unsigned long)fast_free > mark + (unsigned long)READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	/* Ignore the boost for an atomic order-0 request at the min watermark. */
	if (!order && (gfp_mask & __GFP_ATOMIC) && READ_ONCE(z->watermark_boost) &&
	    (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN) {
		mark = READ_ONCE(z->_watermark[WMARK_MIN]);
		explain(zone_world(z), "zone_watermark_fast: atomic order-0 at the min mark: again without the "
			"boost %lu, mark %lu", z->watermark_boost, mark);
		return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
	}
	return false;
}

/*
 * rmqueue - order 0 from the pcp (with CMA configured, a MOVABLE request
 * without ALLOC_CMA bypasses it, since the MOVABLE pcp list may hold CMA
 * pages); everything else from the buddy under zone->lock, trying the
 * highatomic reserve first for ALLOC_HARDER.  A bad block is dropped and
 * the next one taken; the dropped block's pages stay counted as free.
 */
/*
 * rmqueue_buddy - the buddy route of rmqueue(), out of line only to keep the
 * order-0 pcp route small (5.10.0 has it inline in rmqueue()).
 */
static __attribute__((noinline)) struct page *rmqueue_buddy(struct context *cx, struct zone *preferred_zone,
							    struct zone *zone, unsigned int order, gfp_t gfp_flags,
							    unsigned int alloc_flags, int migratetype)
{
	struct world *w = cx->w;
	struct page *page;

	if ((gfp_flags & __GFP_NOFAIL) && order > 1)
		bf_warn(w, WARN_NOFAIL_HIGH_ORDER, gfp_flags, order);
	local_irq_save(cx);
	spin_lock(&zone->lock);
	do {
		page = NULL;
		if (order > 0 && (alloc_flags & ALLOC_HARDER)) {
			explain(w, "ALLOC_HARDER and order > 0: the HighAtomic lists first");
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		}
		if (!page)
			page = __rmqueue(zone, order, migratetype, alloc_flags);
	} while (page && check_new_pages(w, page, order));
	spin_unlock(&zone->lock);
	if (!page) {
		local_irq_restore(cx);
		return NULL;
	}
	explain(w, "__mod_zone_freepage_state(-%u, %s): NR_FREE_PAGES%s; PGALLOC_%s += %u", 1U << order,
		migratetype_names[page->index], is_migrate_cma((int)page->index) ? " and NR_FREE_CMA_PAGES" : "",
		zone_names[page_zonenum(page)], 1U << order);
	__mod_zone_freepage_state(cx, zone, -(1 << order), (int)page->index);
	__count_vm_events(cx, PGALLOC_DMA + page_zonenum(page), 1L << order);
	zone_statistics(cx, preferred_zone, zone);
	local_irq_restore(cx);
	return page;
}

static struct page *rmqueue(struct context *cx, struct zone *preferred_zone, struct zone *zone,
			    unsigned int order, gfp_t gfp_flags, unsigned int alloc_flags, int migratetype)
{
	struct page *page;
	explain_fn(cx->w, "rmqueue(order=%u, migratetype=%s, zone=%s/%d)", order, migratetype_names[migratetype],
		   zone_names[zone_idx(zone)], zone->node);

	explain(cx->w, "%s", order ? "order > 0: the buddy route, under zone->lock" :
		(alloc_flags & ALLOC_CMA) || migratetype != MIGRATE_MOVABLE ? "order 0: the pcp route" :
		"order 0 MOVABLE without ALLOC_CMA: the buddy route (the MOVABLE pcp list may hold CMA pages)");
	if (order == 0 && ((alloc_flags & ALLOC_CMA) || migratetype != MIGRATE_MOVABLE)) {
		page = rmqueue_pcplist(cx, preferred_zone, zone, gfp_flags, migratetype, alloc_flags);
	} else {
		page = rmqueue_buddy(cx, preferred_zone, zone, order, gfp_flags, alloc_flags, migratetype);
		if (!page)
			return NULL;  /* the failed buddy route skips the boost check */
	}

	/* Separate test+clear to avoid unnecessary atomics */
	if (__atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & (1UL << ZONE_BOOSTED_WATERMARK)) {
		__atomic_fetch_and(&zone->flags, ~(1UL << ZONE_BOOSTED_WATERMARK), __ATOMIC_RELAXED);
		explain(cx->w, "rmqueue: ZONE_BOOSTED_WATERMARK was set: cleared, wakeup_kswapd");
		wakeup_kswapd(cx, zone, 0, 0, (enum zone_type)zone_idx(zone));
	}
	return page;
}

/*
 * get_page_from_freelist - walk the zonelist from the preferred zone and take
 * the first zone whose watermark allows the request.  With ALLOC_NOFRAGMENT,
 * reaching a remote node's zone, or finishing a pass, restarts the walk
 * without it: fragmenting locally beats going remote.
 */
struct page *get_page_from_freelist(struct context *cx, gfp_t gfp_mask, unsigned int order,
				    int alloc_flags, const struct alloc_context *ac)
{
	struct zoneref *z;
	struct zone *zone;
	bool no_fallback;
	explain_fn(cx->w, "get_page_from_freelist(order=%u, alloc_flags=%s)", order,
		   explain_alloc_flags(cx->w, (unsigned int)alloc_flags));

retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	z = ac->preferred_zoneref;
	for_next_zone_zonelist_nodemask(zone, z, ac->highest_zoneidx, ac->nodemask) {
		struct page *page;
		unsigned long mark;

		if (no_fallback && cx->w->nr_nodes > 1 && zone != ac->preferred_zoneref->zone) {
			int local_nid = zone_to_nid(ac->preferred_zoneref->zone);

			if (zone_to_nid(zone) != local_nid) {
				explain(cx->w, "zone %s/%d is remote with ALLOC_NOFRAGMENT: fragment locally rather, "
					"retry without it", zone_names[zone_idx(zone)], zone->node);
				alloc_flags &= ~ALLOC_NOFRAGMENT;
				goto retry;
			}
		}

		mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);
		explain(cx->w, "zone %s/%d: mark %s %lu (boost %lu)", zone_names[zone_idx(zone)], zone->node,
			(alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN ? "min" :
			(alloc_flags & ALLOC_WMARK_MASK) == WMARK_LOW ? "low" : "high", mark, zone->watermark_boost);
		if (!zone_watermark_fast(zone, order, mark, (int)ac->highest_zoneidx,
					 (unsigned int)alloc_flags, gfp_mask)) {
			if (alloc_flags & ALLOC_NO_WATERMARKS) {
				feature(cx->w, FEAT_NO_WATERMARKS_USED);
				explain(cx->w, "watermark failed, ALLOC_NO_WATERMARKS: try this zone anyway");
				goto try_this_zone;
			}
			/* node_reclaim_mode == 0 */
			explain(cx->w, "watermark failed: next zone (node_reclaim_mode 0)");
			continue;
		}

try_this_zone:
		page = rmqueue(cx, ac->preferred_zoneref->zone, zone, order, gfp_mask,
			       (unsigned int)alloc_flags, ac->migratetype);
		if (page) {
			page_touch(cx->w, page, 1UL << order);
			explain(cx->w, "prep_new_page: post_alloc_hook (private 0, refcount 1)%s%s",
				order && (gfp_mask & __GFP_COMP) ? "; prep_compound_page: PG_head, every tail's "
				"compound_head = head + 1 (bit 0 marks a tail) and mapping TAIL_MAPPING, page[1] "
				"compound_dtor/order/nr and compound_mapcount -1" : "",
				order > 1 && (gfp_mask & __GFP_COMP) ? ", page[2] hpage_pinned_refcount 0 (page[1] "
				"has no room left)" : "");
			prep_new_page(page, order, gfp_mask, (unsigned int)alloc_flags);
			/* A high-order atomic allocation reserves a pageblock for its kind. */
			if (order && (alloc_flags & ALLOC_HARDER))
				reserve_highatomic_pageblock(page, zone, order);
			explain(cx->w, "got pfn 0x%lx order %u from %s/%d", page_to_pfn(cx->w, page), order,
				zone_names[zone_idx(zone)], zone->node);
			return page;
		}
		explain(cx->w, "rmqueue found nothing in %s/%d: next zone", zone_names[zone_idx(zone)], zone->node);
	}

	/* Fragmentation avoidance failed everywhere: try again, fragmenting. */
	if (no_fallback) {
		feature(cx->w, FEAT_NOFRAGMENT_RETRY);
		explain(cx->w, "every zone refused with ALLOC_NOFRAGMENT: retry, fragmenting");
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	explain(cx->w, "no zone: NULL");
	return NULL;
}

/*
 * alloc_flags_nofragment - avoid fragmenting ZONE_NORMAL while a lower zone of
 * the node (DMA32) can take the request; never when that zone is absent on a
 * multi-node machine (the remote node is then the better fallback).
 */
static unsigned int alloc_flags_nofragment(struct world *w, struct zone *zone, gfp_t gfp_mask)
{
	unsigned int alloc_flags = gfp_mask & __GFP_KSWAPD_RECLAIM;

	/* __GFP_KSWAPD_RECLAIM is ALLOC_KSWAPD: the same bit */
	if (!zone)
		return alloc_flags;
	if (zone_idx(zone) != ZONE_NORMAL) {
		explain(w, "alloc_flags_nofragment: preferred zone %s is not Normal: no ALLOC_NOFRAGMENT%s",
			zone_names[zone_idx(zone)], alloc_flags ? "; ALLOC_KSWAPD" : "");
		return alloc_flags;
	}
	if (w->nr_nodes > 1 && !populated_zone(zone - 1)) {
		explain(w, "alloc_flags_nofragment: NUMA and no DMA32 below Normal: no ALLOC_NOFRAGMENT "
			"(a remote node is the better fallback)%s", alloc_flags ? "; ALLOC_KSWAPD" : "");
		return alloc_flags;
	}
	explain(w, "alloc_flags_nofragment: Normal with DMA32 below it (or one node): ALLOC_NOFRAGMENT%s",
		alloc_flags ? "|ALLOC_KSWAPD" : "");
	return alloc_flags | ALLOC_NOFRAGMENT;
}

static void prepare_alloc_pages(struct context *cx, gfp_t gfp_mask, unsigned int order, int preferred_nid,
				const unsigned long *nodemask, struct alloc_context *ac,
				unsigned int *alloc_flags)
{
	struct world *w = cx->w;
	int zl = (gfp_mask & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK;

	ac->highest_zoneidx = gfp_zone(w, gfp_mask);
	ac->zonelist = &w->node[preferred_nid].node_zonelists[zl];
	ac->nodemask = nodemask;
	ac->migratetype = gfp_migratetype(w, gfp_mask);
	/* cpusets_enabled() false; should_fail_alloc_page() false */
	*alloc_flags = current_alloc_flags(cx, gfp_mask, *alloc_flags);
	ac->spread_dirty_pages = gfp_mask & __GFP_WRITE;
	ac->preferred_zoneref = first_zones_zonelist(ac->zonelist, ac->highest_zoneidx, ac->nodemask);
	if (w->explain) {
	
		explain(w, "prepare_alloc_pages: highest_zoneidx %s (gfp_zone), zonelist node %d %s, migratetype %s, "
			"alloc_flags %s, preferred zone %s%s", zone_names[ac->highest_zoneidx], preferred_nid,
			zl == ZONELIST_NOFALLBACK ? "NOFALLBACK (__GFP_THISNODE)" : "FALLBACK",
			migratetype_names[ac->migratetype], explain_alloc_flags(w, *alloc_flags),
			ac->preferred_zoneref->zone ? zone_names[zone_idx(ac->preferred_zoneref->zone)] : "none",
			ac->spread_dirty_pages ? "; __GFP_WRITE: spread_dirty_pages (node_dirty_ok is true here)" : "");
	}
}

/*
 * __alloc_pages_nodemask - the heart of the zoned buddy allocator.
 * Deviation from v5.10: a gfp mask with both __GFP_MOVABLE and
 * __GFP_RECLAIMABLE yields migratetype 3 and 5.10 (DEBUG_VM=n) then indexes
 * past pcp->lists[]; the model records a WARN and returns NULL instead.
 */
struct page *__alloc_pages_nodemask(struct context *cx, gfp_t gfp_mask, unsigned int order,
				    int preferred_nid, const unsigned long *nodemask)
{
	struct world *w = cx->w;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	struct alloc_context ac = { 0 };
	struct page *page;
	gfp_t alloc_mask;
	explain_fn(w, "__alloc_pages_nodemask(gfp=%s, order=%u, preferred_nid=%d%s)",
		   explain_gfp(w, gfp_mask), order, preferred_nid, nodemask ? ", nodemask" : "");

	/* There are several places where we assume that the order value is sane. */
	if (order >= MAX_ORDER) {
		explain(w, "order %u >= MAX_ORDER: NULL%s", order, gfp_mask & __GFP_NOWARN ? "" : " and a WARN");
		if (!(gfp_mask & __GFP_NOWARN))
			bf_warn(w, WARN_ORDER_TOO_LARGE, gfp_mask, order);
		return NULL;
	}
	gfp_mask &= w->gfp_allowed_mask;
	if ((gfp_mask & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK) {
		bf_warn(w, WARN_GFP_MIGRATETYPE, gfp_mask, order);
		return NULL;
	}
	alloc_mask = gfp_mask;
	prepare_alloc_pages(cx, gfp_mask, order, preferred_nid, nodemask, &ac, &alloc_flags);

	/* Forbid the first pass from falling back to types that fragment memory. */
	alloc_flags |= alloc_flags_nofragment(w, ac.preferred_zoneref->zone, gfp_mask);

	page = get_page_from_freelist(cx, alloc_mask, order, (int)alloc_flags, &ac);
	if (page)
		return page;

	alloc_mask = current_gfp_context(cx, gfp_mask);
	explain(w, "fast path failed: current_gfp_context -> %s (the task's PF_MEMALLOC_NOFS/NOIO scope), "
		"spread_dirty_pages off, nodemask restored (the fast path may have used the cpuset's), slow path",
		explain_gfp(w, alloc_mask));
	ac.spread_dirty_pages = false;
	ac.nodemask = nodemask;
	return __alloc_pages_slowpath(cx, alloc_mask, order, &ac);
}
