/*
 * check.c - the world invariant checker (SQLite-style integrity check) that
 * the debug build runs between operations.  Spec 11.1, honouring 11.2: only
 * what 5.10 keeps true in a quiescent state is asserted.
 *
 * Per zone:
 *   I13 _watermark[MIN] <= [LOW] <= [HIGH], LOW - MIN == (HIGH - MIN) / 2
 *   lists  every free/pcp list is well linked (each entry's prev is the entry
 *          before it, head->prev is the last one), holds only struct pages of
 *          mem_map, and is finite
 *   I1     nr_free[o] == sum over migratetypes of the list lengths
 *   I2     free list (o, mt) members: PageBuddy, private == o, refcount 0,
 *          pfn aligned to 2^o, block inside the zone span, every page of the
 *          block has this zone's node/zone ids; the head has mapping NULL, no
 *          memcg, no PAGE_FLAGS_CHECK_AT_PREP bit (page reporting is off so no
 *          PG_reported); tails have refcount 0
 *   I4     free blocks never overlap; a pcp page is in no free block and on
 *          one pcp list only
 *   I7     pcp count == sum of list lengths (>= 0); pcp pages are of this zone,
 *          refcount 0, not PageBuddy, index == list, or HIGHATOMIC/CMA on the
 *          MOVABLE list; never ISOLATE
 *   I3     no PageBuddy on any pfn of the span that is not a free-list head
 *   acct   NR_FREE_PAGES snapshot (global + per-cpu deltas of the online CPUs)
 *          == sum of len * 2^o over the non-ISOLATE lists.  Skipped once any
 *          bad page was reported, or while a PG_hwpoison page sits in the
 *          zone (check_new_page drops those silently and the buddy route then
 *          leaves NR_FREE_PAGES too high) - spec 11.2(c).
 * Not checked: I5/I6 on zone_page_state() (per-cpu lag, 11.2b), I8 (too many
 * exceptions, 11.2g/h), list mt vs pageblock mt (11.2d).
 *
 * Cost: O(spanned pages) time, one calloc of max(spanned) bytes per call.
 * Takes no locks: call it only when no operation is in progress.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "inspect.h"
#include "internal.h"
#include "vmstat.h"

/* what each pfn of the zone span was found to be */
enum { PFN_NONE, PFN_FREE_HEAD, PFN_FREE_TAIL, PFN_PCP };

struct ck {
	const struct world *w;
	char *why;
	size_t len;
	const struct zone *z;     /* zone under check, for the message prefix */
	int nid, zid;
	unsigned char *state;     /* [pfn - zone_start_pfn] */
};

static const char *ck_zone_name(const struct ck *c)
{
	static const char *const names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable" };
	return c->z && c->z->name ? c->z->name : names[c->zid];
}

__attribute__((format(printf, 2, 3)))
static int fail(struct ck *c, const char *fmt, ...)
{
	if (c->why && c->len) {
		int n = snprintf(c->why, c->len, "zone %s node %d: ", ck_zone_name(c), c->nid);
		if (n >= 0 && (size_t)n < c->len) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->why + n, c->len - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return 1;
}

/* Is e the lru member of a struct page in mem_map?  Checked before any dereference. */
static bool lru_is_page(const struct world *w, const struct list_head *e, unsigned long *pfn)
{
	uintptr_t base = (uintptr_t)w->mem_map + offsetof(struct page, lru);
	uintptr_t p = (uintptr_t)e;
	if (p < base)
		return false;
	uintptr_t off = p - base;
	if (off % sizeof(struct page) != 0 || off / sizeof(struct page) >= w->max_pfn)
		return false;
	*pfn = off / sizeof(struct page);
	return true;
}

/*
 * Walk a list checking its links without trusting them: every entry must be a
 * page's lru, its prev must be the entry before it, and after at most limit
 * entries the walk must be back at the head.  Returns 0 and the length, or 1.
 */
/*
 * The list's name is "fmt" formatted with (a, b), e.g. "free list order %d %s";
 * it is only formatted when the list is broken (this runs after every op in
 * debug builds).
 */
#define LIST_FAIL(c, fmt, a, b, msg, ...)                                        \
	({                                                                       \
		char what_[64];                                                  \
		snprintf(what_, sizeof(what_), fmt, a, b);                       \
		fail(c, "%s: " msg, what_, __VA_ARGS__);                         \
	})

static int check_list(struct ck *c, const struct list_head *head, unsigned long limit,
		      const char *fmt, int a, const char *b, unsigned long *lenp)
{
	const struct list_head *prev = head, *pos = head->next;
	unsigned long n = 0, pfn;

	/* free_area_init_core never initialises the lists of a zone that spans nothing */
	if (!head->next && !head->prev && c->z->spanned_pages == 0) {
		*lenp = 0;
		return 0;
	}
	while (pos != head) {
		if (!pos)
			return LIST_FAIL(c, fmt, a, b, "NULL next after %lu entries", n);
		if (!lru_is_page(c->w, pos, &pfn))
			return LIST_FAIL(c, fmt, a, b, "entry %lu is not a page of mem_map", n);
		if (pos->prev != prev)
			return LIST_FAIL(c, fmt, a, b, "entry %lu (pfn 0x%lx): next->prev != self", n, pfn);
		if (++n > limit)
			return LIST_FAIL(c, fmt, a, b, "more than %lu entries (cycle, or pages not of this "
					 "zone's span)", limit);
		prev = pos;
		pos = pos->next;
	}
	if (head->prev != prev)
		return LIST_FAIL(c, fmt, a, b, "head->prev is not the last entry (%lu entries)", n);
	*lenp = n;
	return 0;
}

static unsigned long want_zone_id(const struct ck *c)
{
	return ((unsigned long)c->nid << 2) | (unsigned long)c->zid;
}

/* I2 and the free-block part of I4 for one member of free list (order, mt). */
static int check_free_block(struct ck *c, const struct page *page, unsigned int order, int mt)
{
	const struct zone *z = c->z;
	const struct world *w = c->w;
	unsigned long pfn = page_to_pfn(w, page), nr = 1UL << order;

	if (!PageBuddy(page))
		return fail(c, "pfn 0x%lx on free list order %u %s without PageBuddy (page_type 0x%x)",
			    pfn, order, migratetype_names[mt], page->page_type);
	if (buddy_order(page) != order)
		return fail(c, "pfn 0x%lx on free list order %u %s has private %lu",
			    pfn, order, migratetype_names[mt], page->private);
	if (page_ref_count(page) != 0)
		return fail(c, "free pfn 0x%lx (order %u %s) has refcount %d",
			    pfn, order, migratetype_names[mt], page_ref_count(page));
	if (pfn & (nr - 1))
		return fail(c, "free pfn 0x%lx not aligned to its order %u", pfn, order);
	if (pfn < z->zone_start_pfn || pfn + nr > zone_end_pfn(z))
		return fail(c, "free block 0x%lx order %u outside zone span [0x%lx, 0x%lx)",
			    pfn, order, z->zone_start_pfn, zone_end_pfn(z));
	if (page->mapping != 0)
		return fail(c, "free pfn 0x%lx has mapping 0x%lx", pfn, page->mapping);
	if (page->memcg_data != 0)
		return fail(c, "free pfn 0x%lx has memcg 0x%lx", pfn, page->memcg_data);
	if (page->flags & PAGE_FLAGS_CHECK_AT_PREP)
		return fail(c, "free pfn 0x%lx has page flags 0x%lx", pfn,
			    page->flags & PAGE_FLAGS_CHECK_AT_PREP);

	for (unsigned long i = 0; i < nr; i++) {
		const struct page *p = page + i;
		unsigned char *st = &c->state[pfn + i - z->zone_start_pfn];
		if (*st != PFN_NONE)
			return fail(c, "free block 0x%lx order %u (%s) overlaps %s at pfn 0x%lx",
				    pfn, order, migratetype_names[mt],
				    *st == PFN_FREE_HEAD ? "another free block head" : "another free block",
				    pfn + i);
		*st = i ? PFN_FREE_TAIL : PFN_FREE_HEAD;
		if (page_zone_id(p) != want_zone_id(c))
			return fail(c, "pfn 0x%lx of free block 0x%lx order %u belongs to node %d zone %u",
				    pfn + i, pfn, order, page_to_nid(p), page_zonenum(p));
		if (i && page_ref_count(p) != 0)
			return fail(c, "tail pfn 0x%lx of free block 0x%lx order %u has refcount %d",
				    pfn + i, pfn, order, page_ref_count(p));
	}
	return 0;
}

/* I1, I2, I4 over the free lists; returns the non-ISOLATE free page total. */
static int check_free_lists(struct ck *c, unsigned long *free_pages)
{
	const struct zone *z = c->z;

	*free_pages = 0;
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		const struct free_area *area = &z->free_area[order];
		unsigned long sum = 0;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			const struct list_head *head = &area->free_list[mt];
			const struct list_head *pos;
			unsigned long n;
			if (check_list(c, head, z->spanned_pages, "free list order %d %s", (int)order,
				       migratetype_names[mt], &n))
				return 1;
			for (pos = n ? head->next : head; pos != head; pos = pos->next) {
				if (check_free_block(c, list_entry(pos, struct page, lru), order, mt))
					return 1;
			}
			sum += n;
			if (!is_migrate_isolate(mt))
				*free_pages += n << order;
		}
		if (area->nr_free != sum)
			return fail(c, "nr_free[%u] = %lu but the lists hold %lu blocks",
				    order, area->nr_free, sum);
	}
	return 0;
}

/* I7 and the pcp part of I4. */
static int check_pcp(struct ck *c)
{
	const struct zone *z = c->z;
	const struct world *w = c->w;

	if (!z->pageset) {
		if (populated_zone(z))
			return fail(c, "populated zone without pagesets");
		return 0;
	}
	for (int cpu = 0; cpu < w->nr_cpus; cpu++) {
		const struct per_cpu_pages *pcp = &z->pageset[cpu].pcp;
		unsigned long sum = 0;
		if (pcp->count < 0)
			return fail(c, "pcp cpu %d count %d < 0", cpu, pcp->count);
		for (int l = 0; l < MIGRATE_PCPTYPES; l++) {
			const struct list_head *head = &pcp->lists[l];
			const struct list_head *pos;
			unsigned long n;
			if (check_list(c, head, z->spanned_pages, "pcp cpu %d list %s", cpu, migratetype_names[l], &n))
				return 1;
			sum += n;
			for (pos = n ? head->next : head; pos != head; pos = pos->next) {
				const struct page *page = list_entry(pos, struct page, lru);
				unsigned long pfn = page_to_pfn(w, page);
				unsigned long idx = page->index;
				if (!zone_spans_pfn(z, pfn) || page_zone_id(page) != want_zone_id(c))
					return LIST_FAIL(c, "pcp cpu %d list %s", cpu, migratetype_names[l], "pfn 0x%lx (node %d zone %u) is not of this zone",
						    pfn, page_to_nid(page), page_zonenum(page));
				unsigned char *st = &c->state[pfn - z->zone_start_pfn];
				if (*st != PFN_NONE)
					return LIST_FAIL(c, "pcp cpu %d list %s", cpu, migratetype_names[l], "pfn 0x%lx is also %s", pfn,
						    *st == PFN_PCP ? "on a pcp list" : "in a free block");
				*st = PFN_PCP;
				/*
				 * Without DEBUG_VM a page goes onto a pcp list unchecked
				 * (free_pcp_prepare), so a forged refcount rides along until
				 * bulkfree_pcp_prepare reports it: only assert 0 in worlds
				 * where no refcount was poked.
				 */
				if (page_ref_count(page) != 0 && !w->refcount_poked)
					return LIST_FAIL(c, "pcp cpu %d list %s", cpu, migratetype_names[l], "pfn 0x%lx has refcount %d", pfn,
						    page_ref_count(page));
				if (PageBuddy(page))
					return LIST_FAIL(c, "pcp cpu %d list %s", cpu, migratetype_names[l], "pfn 0x%lx has PageBuddy", pfn);
				if (idx == MIGRATE_ISOLATE)
					return LIST_FAIL(c, "pcp cpu %d list %s", cpu, migratetype_names[l], "pfn 0x%lx has index ISOLATE", pfn);
				if (idx != (unsigned long)l &&
				    !(l == MIGRATE_MOVABLE &&
				      (idx == MIGRATE_HIGHATOMIC || idx == MIGRATE_CMA)))
					return LIST_FAIL(c, "pcp cpu %d list %s", cpu, migratetype_names[l], "pfn 0x%lx has index %lu", pfn, idx);
			}
		}
		if ((unsigned long)pcp->count != sum)
			return fail(c, "pcp cpu %d count %d but the lists hold %lu pages",
				    cpu, pcp->count, sum);
	}
	return 0;
}

static int check_zone(struct ck *c, bool *hwpoison)
{
	const struct zone *z = c->z;
	const struct world *w = c->w;
	unsigned long free_pages;

	/* I13 */
	unsigned long wmin = z->_watermark[WMARK_MIN], wlow = z->_watermark[WMARK_LOW],
		      whigh = z->_watermark[WMARK_HIGH];
	if (!(wmin <= wlow && wlow <= whigh))
		return fail(c, "watermarks out of order: min %lu low %lu high %lu", wmin, wlow, whigh);
	if (wlow - wmin != (whigh - wmin) / 2)
		return fail(c, "watermarks: low - min = %lu but (high - min) / 2 = %lu",
			    wlow - wmin, (whigh - wmin) / 2);

	if (z->spanned_pages && (z->zone_start_pfn >= w->max_pfn ||
				 z->spanned_pages > w->max_pfn - z->zone_start_pfn))
		return fail(c, "span [0x%lx, 0x%lx) beyond max_pfn 0x%lx",
			    z->zone_start_pfn, zone_end_pfn(z), w->max_pfn);
	if (z->spanned_pages)
		memset(c->state, PFN_NONE, z->spanned_pages);

	if (check_free_lists(c, &free_pages) || check_pcp(c))
		return 1;

	/* I3: every PageBuddy page of the span must be a free-list head. */
	*hwpoison = false;
	for (unsigned long i = 0; i < z->spanned_pages; i++) {
		const struct page *p = &w->mem_map[z->zone_start_pfn + i];
		if (PageBuddy(p) && c->state[i] != PFN_FREE_HEAD)
			return fail(c, "pfn 0x%lx has PageBuddy (private %lu) but is %s",
				    z->zone_start_pfn + i, p->private,
				    c->state[i] == PFN_FREE_TAIL ? "inside a free block" :
				    c->state[i] == PFN_PCP ? "on a pcp list" : "on no free list");
		if (PageFlag(p, PG_hwpoison))
			*hwpoison = true;
	}

	/* NR_FREE_PAGES snapshot, exact unless a page was leaked (11.2c). */
	if (w->rec.bad_page_count == 0 && !*hwpoison) {
		long snap = atomic_read(&z->vm_stat[NR_FREE_PAGES]);
		if (z->pageset)
			for (int cpu = 0; cpu < w->nr_cpus; cpu++)
				snap += z->pageset[cpu].vm_stat_diff[NR_FREE_PAGES];
		if (snap < 0 || (unsigned long)snap != free_pages)
			return fail(c, "NR_FREE_PAGES snapshot %ld (global %ld) but the non-ISOLATE "
				    "free lists hold %lu pages", snap,
				    (long)atomic_read(&z->vm_stat[NR_FREE_PAGES]), free_pages);
	}
	return 0;
}

int bf_check_world(const struct world *w, char *why, size_t len)
{
	struct ck c = { .w = w, .why = why, .len = len };
	unsigned long max_span = 1;
	int nid, zid, ret = 0;
	const struct zone *z;

	if (why && len)
		why[0] = '\0';
	if (w->nr_nodes < 1 || w->nr_nodes > BF_MAX_NODES || w->nr_cpus < 1 ||
	    w->nr_cpus > BF_MAX_CPUS || !w->mem_map) {
		if (why && len)
			snprintf(why, len, "world: bad shape (nodes %d, cpus %d, mem_map %s)",
				 w->nr_nodes, w->nr_cpus, w->mem_map ? "present" : "NULL");
		return 1;
	}

	for_each_zone_of_world(w, nid, zid, z)
		if (z->spanned_pages > max_span)
			max_span = z->spanned_pages;
	c.state = malloc(max_span);
	if (!c.state) {
		if (why && len)
			snprintf(why, len, "checker: out of memory (%lu bytes)", max_span);
		return 1;
	}

	for_each_zone_of_world(w, nid, zid, z) {
		bool hwpoison;
		c.z = z;
		c.nid = nid;
		c.zid = zid;
		if (check_zone(&c, &hwpoison)) {
			ret = 1;
			break;
		}
	}
	free(c.state);
	return ret;
}
