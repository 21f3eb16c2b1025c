/*
 * free.c - the free path entry points: __free_pages(), free_the_page(),
 * __free_pages_ok(), free_one_page(), get_page()/put_page() with the compound
 * destructor, split_page(), alloc_pages_exact()/free_pages_exact()
 * (v5.10.0 mm/page_alloc.c, include/linux/mm.h, mm/swap.c).
 *
 * Bad frees behave as in a CONFIG_DEBUG_VM=n kernel: put_page_testzero() on a
 * zero refcount just goes negative, free_pages_prepare() reports bad pages
 * with bad_page() and leaks the block.  Nothing here aborts.
 */
#include "internal.h"
#include "vmstat.h"
#include "debug.h"

static inline void local_irq_save(struct context *cx) { spin_lock(&this_cpu(cx)->irq_lock); }
static inline void local_irq_restore(struct context *cx) { spin_unlock(&this_cpu(cx)->irq_lock); }

/*
 * put_page_testzero - drop a reference; true if it was the last.  On a page
 * whose count is already 0 (a double free), DEBUG_VM kernels BUG; 5.10
 * without it lets the count go negative and frees nothing.  That is bad
 * input, never a model bug, so the model records it instead of asserting.
 */
static bool put_page_testzero(struct world *w, struct page *page)
{
	if (page_ref_count(page) == 0)
		bf_warn(w, WARN_PUT_ZERO, 0, 0);
	page_touch(w, page, 1);
	return __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

void free_one_page(struct context *cx, struct zone *zone, struct page *page, unsigned long pfn,
		   unsigned int order, int migratetype, fpi_t fpi)
{
	spin_lock(&zone->lock);
	if (has_isolate_pageblock(zone) || is_migrate_isolate(migratetype))
		migratetype = get_pageblock_migratetype(cx->w, page);
	__free_one_page(cx, page, pfn, zone, order, migratetype, fpi);
	spin_unlock(&zone->lock);
}

/* __free_pages_ok - a block of order > 0 (or boot's FPI_TO_TAIL frees) straight to the buddy. */
void __free_pages_ok(struct context *cx, struct page *page, unsigned int order, fpi_t fpi)
{
	struct world *w = cx->w;
	unsigned long pfn = page_to_pfn(w, page);
	int migratetype;
	explain_fn(w, "__free_pages_ok(pfn=0x%lx, order=%u%s)", pfn, order, fpi & FPI_TO_TAIL ? ", FPI_TO_TAIL" : "");

	if (!free_pages_prepare(w, page, order, true)) {
		explain(w, "free_pages_prepare refused the block (bad_page): not freed");
		return;
	}
	migratetype = get_pageblock_migratetype(w, page);
	local_irq_save(cx);
	__count_vm_events(cx, PGFREE, 1L << order);
	free_one_page(cx, page_zone(w, page), page, pfn, order, migratetype, fpi);
	local_irq_restore(cx);
}

void free_the_page(struct context *cx, struct page *page, unsigned int order)
{
	if (order == 0)  /* Via pcp? */
		free_unref_page(cx, page);
	else
		__free_pages_ok(cx, page, order, FPI_NONE);
}

/*
 * __free_pages - if someone else still holds a reference to a non-compound
 * high-order page, free everything but the first page now (as blocks of
 * order-1, order-2, ... 0) and leave page[0] to the last put_page().
 */
void __free_pages(struct world *w, int cpu, unsigned long pfn, unsigned int order)
{
	struct context cx = context_of(w, cpu);
	struct page *page = pfn_to_page(w, pfn);
	explain_fn(w, "__free_pages(pfn=0x%lx, order=%u, cpu=%d)", pfn, order, cpu);

	if (put_page_testzero(w, page)) {
		explain(w, "the last reference: free_the_page (%s)", order ? "order > 0: the buddy" : "order 0: the pcp");
		free_the_page(&cx, page, order);
	} else if (!PageHead(page)) {
		explain(w, "a reference remains on a non-compound block: free all but page[0] now");
		while (order-- > 0)
			free_the_page(&cx, page + (1UL << order), order);
	} else {
		explain(w, "a reference remains on a compound page: nothing freed");
	}
}

void get_page(struct world *w, unsigned long pfn)
{
	struct page *page = compound_head(pfn_to_page(w, pfn));

	page_touch(w, page, 1);
	__atomic_add_fetch(&page->_refcount, 1, __ATOMIC_RELAXED);
}

/*
 * __page_cache_release - take the page off the LRU: PG_lru, and what
 * page_off_lru() clears (PG_unevictable, else PG_active); PG_waiters.
 */
static void __page_cache_release(struct page *page)
{
	if (PageFlag(page, PG_lru)) {
		__ClearPageFlag(page, PG_lru);
		if (PageFlag(page, PG_unevictable))
			__ClearPageFlag(page, PG_unevictable);
		else
			__ClearPageFlag(page, PG_active);
	}
	__ClearPageFlag(page, PG_waiters);
}

/* mem_cgroup_uncharge - the model has no memcg: dropping the pointer is all there is. */
static void mem_cgroup_uncharge(struct page *page)
{
	page->memcg_data = 0;
}

/*
 * put_page - the last reference frees the page: a compound page through its
 * destructor (free_compound_page: the whole block), a single page as order 0
 * (__put_single_page; a non-compound high-order page thus frees page[0]
 * alone).  Both first take the page off the LRU and uncharge it.
 */
void put_page(struct world *w, int cpu, unsigned long pfn)
{
	struct context cx = context_of(w, cpu);
	struct page *page = compound_head(pfn_to_page(w, pfn));

	if (!put_page_testzero(w, page))
		return;
	__page_cache_release(page);
	if (PageCompound(page)) {
		/* __put_compound_page -> destroy_compound_page -> free_compound_page */
		VM_BUG_ON(page[1].compound_dtor != COMPOUND_PAGE_DTOR);
		mem_cgroup_uncharge(page);
		__free_pages_ok(&cx, page, page[1].compound_order, FPI_NONE);
	} else {
		/* __put_single_page */
		mem_cgroup_uncharge(page);
		free_unref_page(&cx, page);
	}
}

/* split_page - turn a non-compound high-order page into 2^order order-0 pages. */
void split_page(struct world *w, unsigned long pfn, unsigned int order)
{
	struct page *page = pfn_to_page(w, pfn);

	/* VM_BUG_ON_PAGE in 5.10 with DEBUG_VM; recorded here, then done as DEBUG_VM=n does. */
	if (PageCompound(page) || !page_ref_count(page))
		bf_warn(w, WARN_SPLIT_COMPOUND, 0, order);
	page_touch(w, page, 1UL << order);
	for (unsigned long i = 1; i < (1UL << order); i++)
		set_page_count(page + i, 1);
}

/* get_order - smallest order whose block holds size bytes; size 0 gives 52. */
unsigned int get_order(size_t size)
{
	unsigned long s = (unsigned long)size - 1;

	s >>= PAGE_SHIFT;
	return s ? 64 - (unsigned int)__builtin_clzl(s) : 0;
}

/*
 * alloc_pages_exact - allocate the covering order (never compound), split it,
 * and free the pages past PAGE_ALIGN(size) one by one (to the pcp).
 */
unsigned long alloc_pages_exact(struct world *w, int cpu, size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	unsigned long pfn, used, end;

	if (gfp & __GFP_COMP) {
		bf_warn(w, WARN_EXACT_COMP, gfp, order);
		gfp &= ~__GFP_COMP;
	}
	/* __get_free_pages */
	pfn = alloc_pages(w, cpu, gfp & ~__GFP_HIGHMEM, order);
	if (pfn == NO_PFN)
		return NO_PFN;
	/* make_alloc_exact */
	end = pfn + (1UL << order);
	used = pfn + ((size + PAGE_SIZE - 1) >> PAGE_SHIFT);
	split_page(w, pfn, order);
	for (; used < end; used++)
		__free_pages(w, cpu, used, 0);
	return pfn;
}

void free_pages_exact(struct world *w, int cpu, unsigned long pfn, size_t size)
{
	unsigned long end = pfn + ((size + PAGE_SIZE - 1) >> PAGE_SHIFT);

	for (; pfn < end; pfn++)
		__free_pages(w, cpu, pfn, 0);
}
