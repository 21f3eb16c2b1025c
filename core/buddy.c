/*
 * buddy.c - the buddy free lists: pageblock migratetype bits, free-list
 * add/move/del, __rmqueue_smallest(), expand(), __free_one_page() and
 * move_freepages_block() of v5.10.0 mm/page_alloc.c.
 *
 * Invariants kept (between operations, zone->lock held inside):
 *  - a block on free_list[o][mt] has PageBuddy set on its first page only,
 *    private == o, refcount 0, and is 2^o-aligned inside one zone;
 *  - nr_free[o] counts the blocks on all lists of order o;
 *  - NR_FREE_PAGES moves with every block entering or leaving the lists,
 *    except for MIGRATE_ISOLATE, which is not counted.
 * Left out: guard pages (debug_pagealloc off), page reporting, shuffling
 * (page_alloc.shuffle off), compaction capture (no compaction yet).
 */
#include "internal.h"



/* set_pfnblock_flags_mask - compare-and-swap so neighbouring blocks never lose bits. */
static void set_pfnblock_flags_mask(struct world *w, unsigned long pfn, unsigned long flags,
				    unsigned long mask)
{
	unsigned long bitidx = pfn_to_bitidx(pfn);
	unsigned long *word_p = &w->pageblock_flags[bitidx / 64];
	unsigned long word = __atomic_load_n(word_p, __ATOMIC_RELAXED);

	mask <<= bitidx & 63;
	flags <<= bitidx & 63;
	while (!__atomic_compare_exchange_n(word_p, &word, (word & ~mask) | flags, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* set_pageblock_migratetype - with mobility grouping off, pcp types store UNMOVABLE. */
void set_pageblock_migratetype(struct world *w, struct page *page, int migratetype)
{
	if (w->page_group_by_mobility_disabled && migratetype < MIGRATE_PCPTYPES)
		migratetype = MIGRATE_UNMOVABLE;
	set_pfnblock_flags_mask(w, page_to_pfn(w, page), (unsigned long)migratetype, MIGRATETYPE_MASK);
}

void add_to_free_list(struct page *page, struct zone *zone, unsigned int order, int mt)
{
	struct free_area *area = &zone->free_area[order];

	if (!area->nr_free)
		feature(zone_world(zone), (enum bf_feature)(FEAT_LIST_FILLED + zone_idx(zone) * MAX_ORDER + order));
	lru_touch_add(zone_world(zone), &page->lru, &area->free_list[mt]);
	list_add(&page->lru, &area->free_list[mt]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
	zone->list_seq++;
}

/* Used for pages not on another list: added at the tail. */
void add_to_free_list_tail(struct page *page, struct zone *zone, unsigned int order, int mt)
{
	struct free_area *area = &zone->free_area[order];

	if (!area->nr_free)
		feature(zone_world(zone), (enum bf_feature)(FEAT_LIST_FILLED + zone_idx(zone) * MAX_ORDER + order));
	lru_touch_add_tail(zone_world(zone), &page->lru, &area->free_list[mt]);
	list_add_tail(&page->lru, &area->free_list[mt]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
	zone->list_seq++;
}

/* Used for pages which are on another list: nr_free unchanged. */
void move_to_free_list(struct page *page, struct zone *zone, unsigned int order, int mt)
{
	lru_touch_del(zone_world(zone), &page->lru);
	lru_touch_add_tail(zone_world(zone), &page->lru, &zone->free_area[order].free_list[mt]);
	list_move_tail(&page->lru, &zone->free_area[order].free_list[mt]);
	zone->list_seq++;
}

/* del_page_from_free_list - also clears the reported mark, PageBuddy and private. */
void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	lru_touch_del(zone_world(zone), &page->lru);
	__ClearPageFlag(page, PG_reported);
	list_del(&page->lru);
	__ClearPageBuddy(page);
	page->private = 0;
	WRITE_ONCE(zone->free_area[order].nr_free, zone->free_area[order].nr_free - 1);
	if (!zone->free_area[order].nr_free)
		feature(zone_world(zone), (enum bf_feature)(FEAT_LIST_EMPTIED + zone_idx(zone) * MAX_ORDER + order));
	zone->list_seq++;
}

/*
 * expand - split a block of order `high` down to `low`, handing the upper
 * halves back at the HEAD of the lower lists.  The order matters: the next
 * __rmqueue_smallest of the same order finds the block just added, so
 * consecutive allocations walk up in pfn order.
 */
static void __attribute__((cold, noinline)) explain_expand(struct zone *zone, struct page *page, int high, int mt)
{
	explain_line(zone_world(zone), "expand: upper half 0x%lx order %d to the head of the %s list (no guard pages: "
		     "debug_guardpage_minorder 0)", page_to_pfn(zone_world(zone), page), high, migratetype_names[mt]);
}

void expand(struct zone *zone, struct page *page, int low, int high, int migratetype)
{
	unsigned long size = 1UL << high;
	const bool explaining = zone_world(zone)->explain;  /* once: the loop's stores may alias it */

	testcase(zone_world(zone), EXPAND_FROM_TOP_ORDER, high == MAX_ORDER - 1);
	testcase(zone_world(zone), EXPAND_ONE_LEVEL, high - low == 1);
	while (high > low) {
		high--;
		size >>= 1;
		VM_BUG_ON(!zone_spans_pfn(zone, page_to_pfn(zone_world(zone), &page[size])));
		if (__builtin_expect(explaining, 0))
			explain_expand(zone, &page[size], high, migratetype);
		add_to_free_list(&page[size], zone, (unsigned int)high, migratetype);
		set_buddy_order(&page[size], (unsigned int)high);
	}
}

/*
 * __rmqueue_smallest - the smallest block of `order` or more on the
 * migratetype's lists, split down by expand().  page->index caches the
 * migratetype (the "pcp migratetype") for rmqueue's accounting.
 */
struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	for (unsigned int current_order = order; current_order < MAX_ORDER; ++current_order) {
		struct free_area *area = &zone->free_area[current_order];
		struct page *page = list_first_entry_or_null(&area->free_list[migratetype],
							     struct page, lru);
		if (!page)
			continue;
		explain(zone_world(zone), "__rmqueue_smallest: %s order %u: head pfn 0x%lx%s", migratetype_names[migratetype],
			current_order, page_to_pfn(zone_world(zone), page),
			current_order > order ? ", split down by expand" : "");
		del_page_from_free_list(page, zone, current_order);
		expand(zone, page, (int)order, (int)current_order, migratetype);
		page->index = (unsigned long)migratetype;
		return page;
	}
	explain(zone_world(zone), "__rmqueue_smallest: no %s block of order %u or more", migratetype_names[migratetype],
		order);
	return NULL;
}

/*
 * page_is_buddy - buddy is free (PageBuddy; no guard pages in this model), of
 * the same order, and in the same zone and node (page_zone_id).
 */
static bool page_is_buddy(struct page *page, struct page *buddy, unsigned int order)
{
	/*
	 * buddy may be a page another CPU owns and is writing right now: only
	 * PageBuddy (set and cleared under zone->lock) makes the rest
	 * meaningful.  READ_ONCE keeps the compiler from loading the other
	 * fields ahead of that test.
	 */
	if ((READ_ONCE(buddy->page_type) & (PAGE_TYPE_BASE | PG_buddy)) != PAGE_TYPE_BASE)
		return false;
	if (READ_ONCE(buddy->private) != order)
		return false;
	if (page_zone_id(page) != page_zone_id(buddy))
		return false;
	VM_BUG_ON(page_ref_count(buddy) != 0);
	return true;
}

/*
 * buddy_merge_likely - if our parent's buddy is free, our own buddy is
 * probably about to be freed too: queue at the tail so the block is not
 * handed out before it can merge.  Not for the two top orders.
 */
static bool buddy_merge_likely(struct world *w, unsigned long pfn, unsigned long buddy_pfn,
			       struct page *page, unsigned int order)
{
	unsigned long combined_pfn, higher_buddy_pfn;
	struct page *higher_page;

	if (order >= MAX_ORDER - 2)
		return false;
	combined_pfn = buddy_pfn & pfn;
	higher_page = pfn_to_page(w, combined_pfn);
	higher_buddy_pfn = combined_pfn ^ (1UL << (order + 1));
	return page_is_buddy(higher_page, pfn_to_page(w, higher_buddy_pfn), order + 1);
}

/*
 * __free_one_page - the buddy merge.  A freed block absorbs its free buddy,
 * order by order, up to pageblock_order; then, unless an isolated pageblock
 * is involved, on up to MAX_ORDER-1.  Merging across pageblocks of different
 * migratetypes (HIGHATOMIC, CMA included) is allowed in 5.10; the merged block
 * goes to the freed page's migratetype list.
 *
 * cx names the CPU whose vmstat delta takes the NR_FREE_PAGES change (the
 * kernel's implicit smp_processor_id()).
 * (page + (buddy_pfn - pfn) in the kernel relies on unsigned wrap-around;
 * the model indexes the memmap by pfn instead.)
 * The memmap covers every pfn up to a MAX_ORDER_NR_PAGES boundary (pages past
 * the end are reserved), so every buddy pointer computed here is valid, as
 * with SPARSEMEM's whole-section memmap.
 */
static void __attribute__((cold, noinline)) explain_merge(struct world *w, unsigned long buddy_pfn,
							 unsigned long pfn, unsigned int order, bool merged)
{
	if (merged)
		explain_line(w, "merge with buddy 0x%lx (order %u) -> 0x%lx order %u", buddy_pfn, order,
			     buddy_pfn & pfn, order + 1);
	else
		explain_line(w, "buddy 0x%lx of order %u is not free (or not of that order, or another zone): stop",
			     buddy_pfn, order);
}

void __free_one_page(struct context *cx, struct page *page, unsigned long pfn, struct zone *zone,
		     unsigned int order, int migratetype, fpi_t fpi)
{
	struct world *w = zone_world(zone);
	unsigned long buddy_pfn = 0, combined_pfn;
	unsigned int max_order = MAX_ORDER < pageblock_order + 1 ? MAX_ORDER : pageblock_order + 1;
	struct page *buddy;
	bool to_tail;
	const bool explaining = w->explain;  /* once: the merge loop's stores may alias it */
	explain_fn(w, "__free_one_page(pfn=0x%lx, order=%u, migratetype=%s)", pfn, order, migratetype_names[migratetype]);

	VM_BUG_ON(!zone->initialized);
	VM_BUG_ON(page->flags & PAGE_FLAGS_CHECK_AT_PREP);
	VM_BUG_ON(migratetype == -1);
	if (!is_migrate_isolate(migratetype))
		__mod_zone_freepage_state(cx, zone, 1 << order, migratetype);
	VM_BUG_ON(pfn & ((1UL << order) - 1));
	VM_BUG_ON(!zone_spans_pfn(zone, pfn));

continue_merging:
	while (order < max_order - 1) {
		buddy_pfn = pfn ^ (1UL << order);
		buddy = pfn_to_page(w, buddy_pfn);
		if (!page_is_buddy(page, buddy, order)) {
			if (__builtin_expect(explaining, 0))
				explain_merge(w, buddy_pfn, pfn, order, false);
			goto done_merging;
		}
		if (__builtin_expect(explaining, 0))
			explain_merge(w, buddy_pfn, pfn, order, true);
		del_page_from_free_list(buddy, zone, order);
		combined_pfn = buddy_pfn & pfn;
		page = pfn_to_page(w, combined_pfn);
		pfn = combined_pfn;
		order++;
	}
	if (max_order < MAX_ORDER) {
		/* Here order >= pageblock_order: do not merge isolated with non-isolated. */
		if (has_isolate_pageblock(zone)) {
			int buddy_mt;

			buddy_pfn = pfn ^ (1UL << order);
			buddy = pfn_to_page(w, buddy_pfn);
			buddy_mt = get_pageblock_migratetype(w, buddy);
			if (migratetype != buddy_mt &&
			    (is_migrate_isolate(migratetype) || is_migrate_isolate(buddy_mt))) {
				explain(w, "at pageblock_order: buddy pageblock %s vs %s, one isolated: stop",
					migratetype_names[buddy_mt], migratetype_names[migratetype]);
				goto done_merging;
			}
		}
		max_order++;
		goto continue_merging;
	}

done_merging:
	testcase(w, MERGE_TO_TOP_ORDER, order == MAX_ORDER - 1);
	testcase(w, MERGE_TO_PAGEBLOCK, order == pageblock_order);
	set_buddy_order(page, order);

	if (fpi & FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(w, pfn, buddy_pfn, page, order);

	explain(w, "0x%lx order %u to the %s of the %s list%s", pfn, order, to_tail ? "tail" : "head",
		migratetype_names[migratetype], fpi & FPI_TO_TAIL ? " (FPI_TO_TAIL)" :
		to_tail ? " (buddy_merge_likely: the next-order buddy is free)" : "");
	if (to_tail)
		add_to_free_list_tail(page, zone, order, migratetype);
	else
		add_to_free_list(page, zone, order, migratetype);
}

/*
 * move_freepages - move every free block that starts in [start, end] to the
 * tail of the migratetype's lists (whole blocks, even past end), counting
 * in-use pages that are on the LRU or __PageMovable.
 */
static int move_freepages(struct zone *zone, unsigned long start_pfn, unsigned long end_pfn,
			  int migratetype, int *num_movable)
{
	struct world *w = zone_world(zone);
	int pages_moved = 0;

	for (unsigned long pfn = start_pfn; pfn <= end_pfn;) {
		struct page *page = pfn_to_page(w, pfn);
		unsigned int order;

		if (!PageBuddy(page)) {
			/* PageLRU() reads the head's flag for a tail (PF_HEAD policy) */
			if (num_movable && (PageFlag(compound_head(page), PG_lru) ||
					    (READ_ONCE(page->mapping) & PAGE_MAPPING_FLAGS) == 0x2))
				(*num_movable)++;
			pfn++;
			continue;
		}
		VM_BUG_ON(page_zone(w, page) != zone);
		order = (unsigned int)buddy_order(page);
		move_to_free_list(page, zone, order, migratetype);
		pfn += 1UL << order;
		pages_moved += 1 << order;
	}
	return pages_moved;
}

/* move_freepages_block - the pageblock of page; nothing if it leaves the zone at the end. */
int move_freepages_block(struct zone *zone, struct page *page, int migratetype, int *num_movable)
{
	struct world *w = zone_world(zone);
	unsigned long start_pfn = page_to_pfn(w, page) & ~(pageblock_nr_pages - 1);
	unsigned long end_pfn = start_pfn + pageblock_nr_pages - 1;

	if (num_movable)
		*num_movable = 0;
	if (!zone_spans_pfn(zone, start_pfn))
		start_pfn = page_to_pfn(w, page);
	if (!zone_spans_pfn(zone, end_pfn))
		return 0;
	return move_freepages(zone, start_pfn, end_pfn, migratetype, num_movable);
}
