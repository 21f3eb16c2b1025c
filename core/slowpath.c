/*
 * slowpath.c - __alloc_pages_slowpath() of v5.10.0 with its retry ladder, and
 * the pieces it needs now: gfp_to_alloc_flags(), __gfp_pfmemalloc_flags(),
 * wake_all_kswapds()/wakeup_kswapd() (recorded as events, kswapd does not
 * run), should_reclaim_retry(), __alloc_pages_may_oom()'s last try and
 * refusals, __alloc_pages_cpuset_fallback(), warn_alloc().
 *
 * Deviation from v5.10 (until the slow-path issue brings reclaim, compaction
 * and the OOM killer): the model has no reclaimable or migratable pages and
 * no killable task, so direct reclaim reclaims nothing (progress 0, as
 * try_to_free_pages returns with nothing on the LRU), try_to_compact_pages
 * returns COMPACT_SKIPPED, and out_of_memory() returns false (as with the OOM
 * killer disabled; 5.10 would panic with no killable task).  The loop
 * structure, counters and flags are the kernel's, so those calls can be
 * filled in without moving anything else.  __GFP_NOFAIL, which 5.10 loops on
 * forever, gives up after BF_NOFAIL_LOOP_CAP passes with a WARN record.
 */
#include "internal.h"
#include "vmstat.h"
#include "debug.h"

#define BF_NOFAIL_LOOP_CAP 64

enum compact_result { COMPACT_NOT_SUITABLE_ZONE, COMPACT_SKIPPED, COMPACT_DEFERRED };

/* wakeup_kswapd - the model records the wake-up instead of running kswapd. */
void wakeup_kswapd(struct context *cx, struct zone *zone, gfp_t gfp_flags, int order,
		   enum zone_type highest_zoneidx)
{
	pg_data_t *pgdat = zone->zone_pgdat;

	if (!managed_zone(zone))
		return;
	/* lockless, READ_ONCE/WRITE_ONCE as in 5.10 */
	if (READ_ONCE(pgdat->kswapd_highest_zoneidx) == MAX_NR_ZONES ||
	    READ_ONCE(pgdat->kswapd_highest_zoneidx) < highest_zoneidx)
		WRITE_ONCE(pgdat->kswapd_highest_zoneidx, highest_zoneidx);
	if (READ_ONCE(pgdat->kswapd_order) < order)
		WRITE_ONCE(pgdat->kswapd_order, order);
	explain(cx->w, "wakeup_kswapd(node %d, order %d, highest_zoneidx %s)", zone->node, order,
		zone_names[highest_zoneidx]);
	bf_event(cx->w, EV_WAKEUP_KSWAPD, pgdat->node_id, zone_idx(zone), order, (int)highest_zoneidx);
	feature(cx->w, FEAT_KSWAPD_WAKEUP);
}

/* wake_all_kswapds - once per node, as zonelists group zones by node. */
static void wake_all_kswapds(struct context *cx, unsigned int order, gfp_t gfp_mask,
			     const struct alloc_context *ac)
{
	struct zoneref *z;
	struct zone *zone;
	pg_data_t *last_pgdat = NULL;

	for_each_zone_zonelist_nodemask(zone, z, ac->zonelist, ac->highest_zoneidx, ac->nodemask) {
		if (last_pgdat != zone->zone_pgdat)
			wakeup_kswapd(cx, zone, gfp_mask, (int)order, ac->highest_zoneidx);
		last_pgdat = zone->zone_pgdat;
	}
}

/* gfp_to_alloc_flags - min watermark; HIGH, KSWAPD from gfp; HARDER for atomic. */
static unsigned int gfp_to_alloc_flags(struct context *cx, gfp_t gfp_mask)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	alloc_flags |= gfp_mask & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (gfp_mask & __GFP_ATOMIC) {
		/* Not worth trying to allocate harder for __GFP_NOMEMALLOC. */
		if (!(gfp_mask & __GFP_NOMEMALLOC))
			alloc_flags |= ALLOC_HARDER;
		/* Ignore cpuset mems for GFP_ATOMIC rather than fail. */
		alloc_flags &= ~ALLOC_CPUSET;
	}
	/* rt_task(current): the model's tasks are not real-time. */
	return current_alloc_flags(cx, gfp_mask, alloc_flags);
}

/* __gfp_pfmemalloc_flags - access to the reserves below min. */
static unsigned int __gfp_pfmemalloc_flags(struct context *cx, gfp_t gfp_mask)
{
	if (gfp_mask & __GFP_NOMEMALLOC)
		return 0;
	if (gfp_mask & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (!this_cpu(cx)->in_interrupt && (current_task(cx)->flags & PF_MEMALLOC))
		return ALLOC_NO_WATERMARKS;
	/* tsk_is_oom_victim(current): no OOM victims in the model yet. */
	return 0;
}

/* __alloc_pages_direct_compact - see the deviation note at the top. */
static struct page *__alloc_pages_direct_compact(struct context *cx, gfp_t gfp_mask, unsigned int order,
						 unsigned int alloc_flags, const struct alloc_context *ac,
						 enum compact_result *compact_result)
{
	struct page *page;

	if (!order)
		return NULL;
	*compact_result = COMPACT_SKIPPED;  /* try_to_compact_pages */
	__count_vm_events(cx, COMPACTSTALL, 1);
	page = get_page_from_freelist(cx, gfp_mask, order, (int)alloc_flags, ac);
	if (page) {
		__count_vm_events(cx, COMPACTSUCCESS, 1);
		return page;
	}
	__count_vm_events(cx, COMPACTFAIL, 1);
	return NULL;
}

/*
 * __alloc_pages_direct_reclaim - try_to_free_pages counts an allocation stall
 * for the request's highest zone and, with nothing to reclaim, returns 0:
 * then there is no freelist retry.
 */
static struct page *__alloc_pages_direct_reclaim(struct context *cx, gfp_t gfp_mask, unsigned int order,
						 unsigned int alloc_flags, const struct alloc_context *ac,
						 unsigned long *did_some_progress)
{
	__count_vm_events(cx, ALLOCSTALL_DMA + ac->highest_zoneidx, 1);
	*did_some_progress = 0;
	return NULL;
}

/*
 * should_reclaim_retry - keep retrying while some zone could pass the min
 * watermark with its reclaimable pages (none here) and free pages (the exact
 * snapshot), up to MAX_RECLAIM_RETRIES rounds without progress.
 */
static bool should_reclaim_retry(struct context *cx, gfp_t gfp_mask, unsigned int order,
				 const struct alloc_context *ac, unsigned int alloc_flags,
				 bool did_some_progress, int *no_progress_loops)
{
	struct zoneref *z;
	struct zone *zone;

	/* Costly allocations count as no progress: reclaim may not help them. */
	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;

	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return unreserve_highatomic_pageblock(ac, true);

	for_each_zone_zonelist_nodemask(zone, z, ac->zonelist, ac->highest_zoneidx, ac->nodemask) {
		unsigned long available = zone_page_state_snapshot(zone, NR_FREE_PAGES); /* + reclaimable 0 */

		if (__zone_watermark_ok(zone, order, min_wmark_pages(zone), (int)ac->highest_zoneidx,
					alloc_flags, (long)available))
			return true;  /* NR_ZONE_WRITE_PENDING is 0: no congestion wait */
	}
	return false;
}

static struct page *__alloc_pages_cpuset_fallback(struct context *cx, gfp_t gfp_mask, unsigned int order,
						  unsigned int alloc_flags, const struct alloc_context *ac)
{
	struct page *page = get_page_from_freelist(cx, gfp_mask, order, (int)(alloc_flags | ALLOC_CPUSET), ac);

	if (!page)
		page = get_page_from_freelist(cx, gfp_mask, order, (int)alloc_flags, ac);
	return page;
}

/*
 * __alloc_pages_may_oom - a last try at the high watermark (someone may have
 * freed memory meanwhile), then the cases where the OOM killer must not run,
 * then out_of_memory() (false here, see the top).  __GFP_NOFAIL still gets
 * its reserve access, as when out_of_memory() fails in 5.10.
 */
static struct page *__alloc_pages_may_oom(struct context *cx, gfp_t gfp_mask, unsigned int order,
					  const struct alloc_context *ac, unsigned long *did_some_progress)
{
	struct page *page;

	*did_some_progress = 0;
	page = get_page_from_freelist(cx, (gfp_mask | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (page)
		return page;
	if (order > PAGE_ALLOC_COSTLY_ORDER)  /* The OOM killer will not help higher order allocs */
		return NULL;
	if (gfp_mask & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		return NULL;
	if (ac->highest_zoneidx < ZONE_NORMAL)  /* The OOM killer does not needlessly kill tasks for lowmem */
		return NULL;
	/* out_of_memory() == false, so WARN_ON_ONCE(gfp_mask & __GFP_NOFAIL) decides */
	if (gfp_mask & __GFP_NOFAIL) {
		bf_warn(cx->w, WARN_OOM_NOFAIL, gfp_mask, order);
		*did_some_progress = 1;
		page = __alloc_pages_cpuset_fallback(cx, gfp_mask, order, ALLOC_NO_WATERMARKS, ac);
	}
	return page;
}

struct page *__alloc_pages_slowpath(struct context *cx, gfp_t gfp_mask, unsigned int order,
				    struct alloc_context *ac)
{
	struct world *w = cx->w;
	bool can_direct_reclaim = gfp_mask & __GFP_DIRECT_RECLAIM;
	const bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	enum compact_result compact_result = COMPACT_SKIPPED;
	unsigned long did_some_progress = 0;
	unsigned int alloc_flags, reserve_flags;
	int no_progress_loops, passes = 0;
	struct page *page = NULL;

	/* We also sanity check to catch abuse of atomic reserves being used by callers that are not in atomic context. */
	if ((gfp_mask & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) == (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) {
		bf_warn(w, WARN_ATOMIC_RECLAIM, gfp_mask, order);
		gfp_mask &= ~__GFP_ATOMIC;
	}

	explain_fn(w, "__alloc_pages_slowpath(gfp=%s, order=%u)", explain_gfp(w, gfp_mask), order);

	feature(w, FEAT_SLOW_ENTER);
	/* retry_cpuset: (cpusets disabled: check_retry_cpuset() is always false) */
	no_progress_loops = 0;
	alloc_flags = gfp_to_alloc_flags(cx, gfp_mask);
	explain(w, "gfp_to_alloc_flags: %s", explain_alloc_flags(w, alloc_flags));
	ac->preferred_zoneref = first_zones_zonelist(ac->zonelist, ac->highest_zoneidx, ac->nodemask);
	if (!ac->preferred_zoneref->zone)
		goto nopage;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(cx, order, gfp_mask, ac);

	/* The adjusted alloc_flags might result in immediate success, so try that first. */
	page = get_page_from_freelist(cx, gfp_mask, order, (int)alloc_flags, ac);
	if (page) {
		feature(w, FEAT_SLOW_FIRST_TRY_OK);
		explain(w, "the adjusted alloc_flags succeeded at once");
		goto got_pg;
	}

	/* Costly or non-movable high-order requests try compaction before reclaim. */
	if (can_direct_reclaim && (costly_order || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) &&
	    !__gfp_pfmemalloc_flags(cx, gfp_mask)) {
		feature(w, FEAT_SLOW_COMPACT_FIRST);
		explain(w, "%s: direct compaction first", costly_order ? "costly order" : "non-movable high order");
		page = __alloc_pages_direct_compact(cx, gfp_mask, order, alloc_flags, ac, &compact_result);
		if (page)
			goto got_pg;
		if (costly_order && (gfp_mask & __GFP_NORETRY) &&
		    (compact_result == COMPACT_SKIPPED || compact_result == COMPACT_DEFERRED))
			goto nopage;
	}

retry:
	feature(w, FEAT_SLOW_RETRY);
	explain(w, "retry: (pass %d)", passes + 1);
	if (++passes > BF_NOFAIL_LOOP_CAP) {
		bf_warn(w, WARN_NOFAIL_LOOP_CAP, gfp_mask, order);
		return NULL;
	}
	/* Ensure kswapd doesn't accidentally go to sleep as long as we loop */
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(cx, order, gfp_mask, ac);

	reserve_flags = __gfp_pfmemalloc_flags(cx, gfp_mask);
	if (reserve_flags) {
		feature(w, FEAT_SLOW_RESERVE_FLAGS);
		alloc_flags = current_alloc_flags(cx, gfp_mask, reserve_flags);
		explain(w, "__gfp_pfmemalloc_flags: reserve access, alloc_flags %s",
			explain_alloc_flags(w, alloc_flags));
	}

	/* Reserve users and atomic requests ignore the policy's nodemask. */
	if (!(alloc_flags & ALLOC_CPUSET) || reserve_flags) {
		ac->nodemask = NULL;
		ac->preferred_zoneref = first_zones_zonelist(ac->zonelist, ac->highest_zoneidx, NULL);
	}

	page = get_page_from_freelist(cx, gfp_mask, order, (int)alloc_flags, ac);
	if (page)
		goto got_pg;

	if (!can_direct_reclaim) {
		explain(w, "no __GFP_DIRECT_RECLAIM: nopage");
		goto nopage;
	}
	/* Avoid recursion of direct reclaim */
	if (current_task(cx)->flags & PF_MEMALLOC) {
		explain(w, "PF_MEMALLOC: no recursion into direct reclaim, nopage");
		goto nopage;
	}

	feature(w, FEAT_SLOW_DIRECT_RECLAIM);
	page = __alloc_pages_direct_reclaim(cx, gfp_mask, order, alloc_flags, ac, &did_some_progress);
	explain(w, "__alloc_pages_direct_reclaim: progress %lu (nothing is reclaimable in this model yet)",
		did_some_progress);
	if (page)
		goto got_pg;
	page = __alloc_pages_direct_compact(cx, gfp_mask, order, alloc_flags, ac, &compact_result);
	if (page)
		goto got_pg;

	if (gfp_mask & __GFP_NORETRY) {
		explain(w, "__GFP_NORETRY: nopage");
		goto nopage;
	}
	if (costly_order && !(gfp_mask & __GFP_RETRY_MAYFAIL)) {
		explain(w, "costly order without __GFP_RETRY_MAYFAIL: nopage");
		goto nopage;
	}
	if (should_reclaim_retry(cx, gfp_mask, order, ac, alloc_flags, did_some_progress > 0,
				 &no_progress_loops)) {
		feature(w, FEAT_SLOW_RECLAIM_RETRY);
		explain(w, "should_reclaim_retry: retry (no_progress_loops %d)", no_progress_loops);
		goto retry;
	}
	explain(w, "should_reclaim_retry: no (no_progress_loops %d)", no_progress_loops);
	/* should_compact_retry() needs did_some_progress > 0, which reclaim never reports yet. */

	feature(w, FEAT_SLOW_OOM);
	explain(w, "__alloc_pages_may_oom");
	page = __alloc_pages_may_oom(cx, gfp_mask, order, ac, &did_some_progress);
	if (page)
		goto got_pg;
	if (did_some_progress) {
		no_progress_loops = 0;
		goto retry;
	}

nopage:
	feature(w, FEAT_SLOW_NOPAGE);
	explain(w, "nopage:%s", gfp_mask & __GFP_NOFAIL ? " __GFP_NOFAIL must not fail" : "");
	if (gfp_mask & __GFP_NOFAIL) {
		/* All existing users of __GFP_NOFAIL are blockable; a non-blocking one fails. */
		if (!can_direct_reclaim) {
			bf_warn(w, WARN_NOFAIL_NO_RECLAIM, gfp_mask, order);
			goto fail;
		}
		if (current_task(cx)->flags & PF_MEMALLOC)
			bf_warn(w, WARN_NOFAIL_MEMALLOC, gfp_mask, order);
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			bf_warn(w, WARN_NOFAIL_COSTLY, gfp_mask, order);
		feature(w, FEAT_SLOW_NOFAIL_FALLBACK);
		explain(w, "__alloc_pages_cpuset_fallback with ALLOC_HARDER (reserves, not ALLOC_NO_WATERMARKS)");
		page = __alloc_pages_cpuset_fallback(cx, gfp_mask, order, ALLOC_HARDER, ac);
		if (page)
			goto got_pg;
		goto retry;
	}
fail:
	feature(w, FEAT_SLOW_FAIL);
	explain(w, "fail: warn_alloc%s", gfp_mask & __GFP_NOWARN ? " (silent: __GFP_NOWARN)" : "");
	/* warn_alloc: no message with __GFP_NOWARN */
	if (!(gfp_mask & __GFP_NOWARN))
		bf_warn(w, WARN_ALLOC_FAILURE, gfp_mask, order);
got_pg:
	if (page)
		feature(w, FEAT_SLOW_GOT_PAGE);
	return page;
}
