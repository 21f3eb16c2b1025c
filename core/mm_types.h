/*
 * mm_types.h - struct page and page flags, laid out as 5.10's 64-bit struct page.
 *
 * 64 bytes, like the kernel's, with the same unions: a compound tail's
 * compound_head overlays lru.next, page[1]'s compound_nr overlays the low half
 * of mapping, page[2]'s pin count overlays lru.prev.  Keeping the overlays means
 * the checks that read one view after another wrote the other (free_pages_check
 * reading mapping of page[1], say) see what the kernel would see.
 * The zone index and node id live in the high bits of flags (page_zone_id).
 */
#ifndef BF_CORE_MM_TYPES_H
#define BF_CORE_MM_TYPES_H

#include "list.h"
#include "tables.h"

/* enum pageflags is generated from PAGEFLAG_TABLE in tables.h. */

#define PAGE_FLAGS_CHECK_AT_FREE                                              \
	((1UL << PG_lru) | (1UL << PG_locked) | (1UL << PG_private) |         \
	 (1UL << PG_private_2) | (1UL << PG_writeback) | (1UL << PG_reserved) | \
	 (1UL << PG_slab) | (1UL << PG_active) | (1UL << PG_unevictable) |    \
	 (1UL << PG_mlocked))
#define PAGE_FLAGS_CHECK_AT_PREP (((1UL << NR_PAGEFLAGS) - 1) & ~(1UL << PG_hwpoison))

/* High bits of page->flags: | node (8 bits) | zone (2 bits) | ... | PG_* | */
#define ZONES_PGSHIFT 54
#define ZONES_MASK 0x3UL
#define NODES_PGSHIFT 56
#define NODES_MASK 0xffUL
#define ZONEID_PGSHIFT ZONES_PGSHIFT
#define ZONEID_MASK ((NODES_MASK << 2) | ZONES_MASK)

/* page_type: a type is set by *clearing* its bit in the _mapcount word. */
#define PAGE_TYPE_BASE 0xf0000000u
#define PG_buddy 0x00000080u
#define PG_offline 0x00000100u
#define PG_kmemcg 0x00000200u
#define PG_table 0x00000400u
#define PG_guard 0x00000800u

#define TAIL_MAPPING 0xdead000000000400UL
#define PAGE_MAPPING_FLAGS 0x3UL
#define COMPOUND_PAGE_DTOR 1

struct page {
	unsigned long flags;
	union {
		struct {			/* buddy, pcp, page cache */
			struct list_head lru;
			unsigned long mapping;  /* struct address_space * */
			unsigned long index;    /* pcp migratetype, or pfmemalloc */
			unsigned long private;  /* buddy order */
		};
		struct {			/* compound tails; page[1] fields */
			unsigned long compound_head; /* head | 1 */
			unsigned char compound_dtor;
			unsigned char compound_order;
			int compound_mapcount;       /* atomic_t */
			unsigned int compound_nr;    /* overlays mapping's low half */
		};
		struct {			/* page[2] */
			unsigned long _compound_pad_1;
			int hpage_pinned_refcount;   /* atomic_t */
		};
	};
	union {
		int _mapcount;                  /* atomic_t; -1 = unmapped */
		unsigned int page_type;
	};
	int _refcount;                          /* atomic_t */
	unsigned long memcg_data;               /* struct mem_cgroup * */
};

_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");
_Static_assert(offsetof(struct page, compound_nr) == offsetof(struct page, mapping),
	       "compound_nr overlays mapping as in 5.10");

/*
 * page->flags is read without the owner's cooperation (the zone id by
 * page_is_buddy on a neighbour, PG_lru by move_freepages): the non-atomic
 * __SetPage/__ClearPage of the kernel become a plain read and a relaxed
 * store here, so such reads are benign races for TSan as they are in 5.10.
 */
static inline int PageFlag(const struct page *p, int bit) { return (READ_ONCE(p->flags) >> bit) & 1; }
static inline void page_flags_write(struct page *p, unsigned long v) { WRITE_ONCE(p->flags, v); }
static inline void __SetPageFlag(struct page *p, int bit) { page_flags_write(p, p->flags | 1UL << bit); }
static inline void __ClearPageFlag(struct page *p, int bit) { page_flags_write(p, p->flags & ~(1UL << bit)); }

static inline int PageHead(const struct page *p) { return PageFlag(p, PG_head); }
static inline int PageTail(const struct page *p) { return READ_ONCE(p->compound_head) & 1; }
static inline int PageCompound(const struct page *p) { return PageHead(p) || PageTail(p); }
static inline struct page *compound_head(struct page *p)
{
	unsigned long head = READ_ONCE(p->compound_head);

	return (head & 1) ? (struct page *)(head - 1) : p;
}

#define PAGE_TYPE_OPS(name, bit)                                                  \
	static inline int Page##name(const struct page *p)                       \
	{ return (p->page_type & (PAGE_TYPE_BASE | (bit))) == PAGE_TYPE_BASE; }   \
	static inline void __SetPage##name(struct page *p) { p->page_type &= ~(bit); } \
	static inline void __ClearPage##name(struct page *p) { p->page_type |= (bit); }
PAGE_TYPE_OPS(Buddy, PG_buddy)
PAGE_TYPE_OPS(Guard, PG_guard)
PAGE_TYPE_OPS(Kmemcg, PG_kmemcg)
#undef PAGE_TYPE_OPS

static inline int page_ref_count(const struct page *p)
{
	return __atomic_load_n(&p->_refcount, __ATOMIC_RELAXED);
}
static inline void set_page_count(struct page *p, int v)
{
	__atomic_store_n(&p->_refcount, v, __ATOMIC_RELAXED);
}
static inline void page_mapcount_reset(struct page *p)
{
	__atomic_store_n(&p->_mapcount, -1, __ATOMIC_RELAXED);
}
static inline unsigned long buddy_order(const struct page *p) { return p->private; }
static inline void set_buddy_order(struct page *p, unsigned int order)
{
	p->private = order;
	__SetPageBuddy(p);
}
static inline unsigned int page_zonenum(const struct page *p)
{
	return (p->flags >> ZONES_PGSHIFT) & ZONES_MASK;
}
static inline int page_to_nid(const struct page *p)
{
	return (p->flags >> NODES_PGSHIFT) & NODES_MASK;
}
static inline unsigned long page_zone_id(const struct page *p)
{
	return (READ_ONCE(p->flags) >> ZONEID_PGSHIFT) & ZONEID_MASK;
}

#endif /* BF_CORE_MM_TYPES_H */
