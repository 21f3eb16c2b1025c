/*
 * compound.c - the state of a page as it leaves and enters the allocator:
 * prep_new_page(), post_alloc_hook(), prep_compound_page(), check_new_page(s)
 * and page_expected_state() / page_bad_reason() on the way out;
 * free_pages_prepare(), free_tail_pages_check() and the free-time checks on
 * the way in (v5.10.0 mm/page_alloc.c, CONFIG_DEBUG_VM=n semantics).
 *
 * Left out: page contents (init_on_alloc/__GFP_ZERO zeroing, poisoning),
 * page_owner, KASAN, memcg (no kmem accounting in this model yet).
 */
#include "internal.h"
#include "debug.h"

bool page_expected_state(const struct page *page, unsigned long check_flags)
{
	if (__atomic_load_n(&page->_mapcount, __ATOMIC_RELAXED) != -1)
		return false;
	if (page->mapping | (unsigned long)page_ref_count(page) | page->memcg_data |
	    (page->flags & check_flags))
		return false;
	return true;
}

/* page_bad_reason - later matches override earlier ones, as in 5.10. */
static const char *page_bad_reason(const struct page *page, unsigned long flags)
{
	const char *bad_reason = NULL;

	if (page->_mapcount != -1)
		bad_reason = "nonzero mapcount";
	if (page->mapping != 0)
		bad_reason = "non-NULL mapping";
	if (page_ref_count(page) != 0)
		bad_reason = "nonzero _refcount";
	if (page->flags & flags) {
		if (flags == PAGE_FLAGS_CHECK_AT_PREP)
			bad_reason = "PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
		else
			bad_reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	}
	if (page->memcg_data)
		bad_reason = "page still charged to cgroup";
	return bad_reason;
}

/* check_new_page - true if bad.  A hwpoisoned page is dropped silently. */
bool check_new_page(struct world *w, struct page *page)
{
	if (page_expected_state(page, PAGE_FLAGS_CHECK_AT_PREP | (1UL << PG_hwpoison)))
		return false;
	if (PageFlag(page, PG_hwpoison)) {
		page_touch(w, page, 1);
		page_mapcount_reset(page);  /* remove PageBuddy */
		return true;
	}
	bad_page(w, page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP));
	return true;
}

bool check_new_pages(struct world *w, struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (check_new_page(w, page + i))
			return true;
	return false;
}

/* check_free_page - true if bad (reported). */
static bool check_free_page(struct world *w, struct page *page)
{
	if (page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE))
		return false;
	bad_page(w, page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE));
	return true;
}

/* bulkfree_pcp_prepare - DEBUG_VM=n: free_pages_check() when leaving the pcp. */
bool bulkfree_pcp_prepare(struct world *w, struct page *page)
{
	return check_free_page(w, page);
}

/*
 * free_tail_pages_check - without DEBUG_VM it checks nothing, but it always
 * clears the tail's mapping and compound_head.
 */
static int free_tail_pages_check(struct page *head_page, struct page *page)
{
	WRITE_ONCE(page->mapping, 0);
	WRITE_ONCE(page->compound_head, 0);
	return 0;
}

/*
 * free_pages_prepare - false means the block must not be freed: a bad page
 * was reported and the whole block is leaked.  Tails are checked (and their
 * flags cleared) one by one; the head only if check_free.
 */
bool free_pages_prepare(struct world *w, struct page *page, unsigned int order, bool check_free)
{
	int bad = 0;

	VM_BUG_ON(PageTail(page));
	if (PageFlag(page, PG_hwpoison) && !order)
		return false;
	page_touch(w, page, 1UL << order);

	if (order) {
		bool compound = PageCompound(page);

		VM_BUG_ON(compound && page[1].compound_order != order);
		if (compound)
			__ClearPageFlag(&page[1], PG_double_map);
		for (unsigned long i = 1; i < (1UL << order); i++) {
			if (compound)
				bad += free_tail_pages_check(page, page + i);
			if (check_free_page(w, page + i)) {
				bad++;
				continue;
			}
			page_flags_write(&page[i], page[i].flags & ~PAGE_FLAGS_CHECK_AT_PREP);
		}
	}
	if (page->mapping & PAGE_MAPPING_FLAGS)
		WRITE_ONCE(page->mapping, 0);
	if (check_free)
		bad += check_free_page(w, page);
	if (bad)
		return false;

	page_flags_write(page, page->flags & ~PAGE_FLAGS_CHECK_AT_PREP);
	return true;
}

/* prep_compound_page - head flag, tails pointing at the head, page[1]/[2] fields. */
static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long nr_pages = 1UL << order;

	__SetPageFlag(page, PG_head);
	for (unsigned long i = 1; i < nr_pages; i++) {
		struct page *p = page + i;

		set_page_count(p, 0);
		WRITE_ONCE(p->mapping, TAIL_MAPPING);
		WRITE_ONCE(p->compound_head, (unsigned long)page + 1);
	}
	page[1].compound_dtor = COMPOUND_PAGE_DTOR;
	page[1].compound_order = (unsigned char)order;
	WRITE_ONCE(page[1].compound_nr, 1U << order);  /* overlays mapping */
	page[1].compound_mapcount = -1;
	if (order > 1)  /* hpage_pincount_available */
		page[2].hpage_pinned_refcount = 0;
}

/* post_alloc_hook - private cleared, one reference for the caller. */
static void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp_flags)
{
	page->private = 0;
	set_page_count(page, 1);
}

/*
 * prep_new_page - page->index 0, or -1 marking a page taken from the
 * reserves (ALLOC_NO_WATERMARKS: page_is_pfmemalloc).
 */
void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags, unsigned int alloc_flags)
{
	post_alloc_hook(page, order, gfp_flags);
	if (order && (gfp_flags & __GFP_COMP))
		prep_compound_page(page, order);
	if (alloc_flags & ALLOC_NO_WATERMARKS)
		page->index = ~0UL;
	else
		page->index = 0;
}
