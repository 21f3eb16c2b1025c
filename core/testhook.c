/*
 * testhook.c - TEST-ONLY corruptions of a world (testhook.h).  Never called
 * outside tests.  They use core's internals directly and take no care to keep
 * any invariant but the one each names as left intact; a world they touched
 * is only fit for the oracle test that made it.
 */
#include "internal.h"
#include "debug.h"
#include "testhook.h"

static struct zone *zone_at(struct world *w, int nid, int zid) { return &w->node[nid].node_zones[zid]; }

void bf_test_bump_stat(struct world *w, int nid, int zid, int item, long delta)
{
	zone_at(w, nid, zid)->vm_stat[item] += delta;
	zone_at(w, nid, zid)->list_seq++;  /* so an incremental check looks at the zone */
}

void bf_test_set_highatomic(struct world *w, int nid, int zid, unsigned long pages)
{
	zone_at(w, nid, zid)->nr_reserved_highatomic = pages;
	zone_at(w, nid, zid)->list_seq++;
}

void bf_test_bump_nr_free(struct world *w, int nid, int zid, unsigned int order, long delta)
{
	zone_at(w, nid, zid)->free_area[order].nr_free += (unsigned long)delta;
	zone_at(w, nid, zid)->list_seq++;
}

void bf_test_bump_pcp_count(struct world *w, int cpu, int nid, int zid, int delta)
{
	zone_at(w, nid, zid)->pageset[cpu].pcp.count += delta;
	zone_at(w, nid, zid)->list_seq++;
}

/* the list a free head sits on: its migratetype is not stored, find it */
static int list_mt_of(struct zone *z, struct page *page, unsigned int order)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		struct list_head *pos;

		list_for_each(pos, &z->free_area[order].free_list[mt])
			if (pos == &page->lru)
				return mt;
	}
	return -1;
}

/* Take the free block headed at pfn off its list; its zone, order and list's migratetype. */
static int take_free_block(struct world *w, unsigned long pfn, struct zone **zp, unsigned int *orderp, int *mtp)
{
	struct page *page = pfn_to_page(w, pfn);
	struct zone *z = page_zone(w, page);
	unsigned int order;
	int mt;

	if (!PageBuddy(page))
		return -1;
	order = (unsigned int)buddy_order(page);
	if ((mt = list_mt_of(z, page, order)) < 0)
		return -1;
	del_page_from_free_list(page, z, order);
	*zp = z;
	*orderp = order;
	*mtp = mt;
	return 0;
}

int bf_test_drop_free_block(struct world *w, unsigned long pfn)
{
	struct page *page = pfn_to_page(w, pfn);
	struct zone *z;
	unsigned int order;
	int mt;

	if (take_free_block(w, pfn, &z, &order, &mt))
		return -1;
	page_touch(w, page, 1);
	page_mapcount_reset(page);
	if (mt != MIGRATE_ISOLATE)
		z->vm_stat[NR_FREE_PAGES] -= 1L << order;
	if (mt == MIGRATE_CMA)
		z->vm_stat[NR_FREE_CMA_PAGES] -= 1L << order;
	return 0;
}

static void add_block(struct zone *z, struct page *page, unsigned int order, int mt)
{
	add_to_free_list(page, z, order, mt);
	set_buddy_order(page, order);
}

int bf_test_split_free_block(struct world *w, unsigned long pfn, int depth)
{
	struct page *page = pfn_to_page(w, pfn);
	struct zone *z;
	unsigned int order;
	int mt;

	if (!PageBuddy(page) || buddy_order(page) < (unsigned long)depth || take_free_block(w, pfn, &z, &order, &mt))
		return -1;
	add_block(z, page, order - 1, mt);
	if (depth == 1) {
		add_block(z, page + (1UL << (order - 1)), order - 1, mt);
	} else {
		add_block(z, page + (1UL << (order - 1)), order - 2, mt);
		add_block(z, page + (1UL << (order - 1)) + (1UL << (order - 2)), order - 2, mt);
	}
	return 0;
}

int bf_test_move_free_block(struct world *w, unsigned long pfn, unsigned int new_order)
{
	struct zone *z;
	unsigned int order;
	int mt;

	if (take_free_block(w, pfn, &z, &order, &mt))
		return -1;
	add_block(z, pfn_to_page(w, pfn), new_order, mt);
	return 0;
}

void bf_test_pcp_add(struct world *w, int cpu, unsigned long pfn)
{
	struct page *page = pfn_to_page(w, pfn);
	struct per_cpu_pages *pcp = &page_zone(w, page)->pageset[cpu].pcp;

	lru_touch_add(w, &page->lru, &pcp->lists[MIGRATE_MOVABLE]);
	page->index = MIGRATE_MOVABLE;
	list_add(&page->lru, &pcp->lists[MIGRATE_MOVABLE]);
	pcp->count++;
	pcp->seq++;
}

void bf_test_set_refcount(struct world *w, unsigned long pfn, int refcount)
{
	page_touch(w, pfn_to_page(w, pfn), 1);
	set_page_count(pfn_to_page(w, pfn), refcount);
}

void bf_test_set_flag(struct world *w, unsigned long pfn, int bit, int on)
{
	page_touch(w, pfn_to_page(w, pfn), 1);
	if (on)
		__SetPageFlag(pfn_to_page(w, pfn), bit);
	else
		__ClearPageFlag(pfn_to_page(w, pfn), bit);
}

void bf_test_set_buddy(struct world *w, unsigned long pfn)
{
	page_touch(w, pfn_to_page(w, pfn), 1);
	__SetPageBuddy(pfn_to_page(w, pfn));
}

void bf_test_set_compound_order(struct world *w, unsigned long head_pfn, unsigned int order)
{
	page_touch(w, pfn_to_page(w, head_pfn) + 1, 1);
	pfn_to_page(w, head_pfn)[1].compound_order = (unsigned char)order;
}

void bf_test_warn(struct world *w, enum bf_warn_site site)
{
	bf_warn(w, site, 0, 0);
}

void bf_test_bad_page(struct world *w, unsigned long pfn, const char *reason)
{
	bad_page(w, pfn_to_page(w, pfn), reason);
}
