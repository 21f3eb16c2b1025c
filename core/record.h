/*
 * record.h - what the world writes down instead of printing to dmesg: every
 * WARN (by site), every bad_page() report, and events the model does not run
 * itself (kswapd wake-ups).  The oracle and the replay tool read these through
 * the inspection API; the sets are closed and defined here once.
 */
#ifndef BF_CORE_RECORD_H
#define BF_CORE_RECORD_H

#include "lock.h"

/* X(enum, name, kernel site) -- WARN sites */
#define WARN_SITE_TABLE(X)                                                                 \
	X(WARN_ORDER_TOO_LARGE, "order-too-large", "__alloc_pages_nodemask: order >= MAX_ORDER") \
	X(WARN_GFP_ZONE_BAD, "gfp-zone-bad", "gfp_zone: GFP_ZONE_BAD combination")          \
	X(WARN_GFP_MIGRATETYPE, "gfp-migratetype", "gfp_migratetype: MOVABLE|RECLAIMABLE")  \
	X(WARN_NOFAIL_HIGH_ORDER, "nofail-high-order", "rmqueue: __GFP_NOFAIL with order > 1") \
	X(WARN_EXACT_COMP, "exact-comp", "alloc_pages_exact: __GFP_COMP")                   \
	X(WARN_ATOMIC_RECLAIM, "atomic-direct-reclaim", "__alloc_pages_slowpath: __GFP_ATOMIC with __GFP_DIRECT_RECLAIM") \
	X(WARN_NOFAIL_NO_RECLAIM, "nofail-no-reclaim", "__alloc_pages_slowpath: __GFP_NOFAIL without direct reclaim") \
	X(WARN_NOFAIL_COSTLY, "nofail-costly", "__alloc_pages_slowpath: __GFP_NOFAIL with costly order") \
	X(WARN_NOFAIL_MEMALLOC, "nofail-memalloc", "__alloc_pages_slowpath: __GFP_NOFAIL from a PF_MEMALLOC task") \
	X(WARN_OOM_NOFAIL, "oom-nofail", "__alloc_pages_may_oom: out_of_memory() failed for __GFP_NOFAIL") \
	X(WARN_NOFAIL_LOOP_CAP, "nofail-loop-cap", "model: __GFP_NOFAIL would loop forever")  \
	X(WARN_ALLOC_FAILURE, "alloc-failure", "warn_alloc: page allocation failure")        \
	X(WARN_PUT_ZERO, "put-page-zero", "put_page_testzero: refcount already zero (a BUG with DEBUG_VM)")                 \
	X(WARN_SPLIT_COMPOUND, "split-compound", "split_page: compound or free page")

enum bf_warn_site {
#define X(e, name, site) e,
	WARN_SITE_TABLE(X)
#undef X
	NR_WARN_SITES
};

/* X(enum, name) -- events the model records instead of running */
#define EVENT_TABLE(X)                 \
	X(EV_WAKEUP_KSWAPD, "wakeup-kswapd") \
	X(EV_BOOST_WATERMARK, "boost-watermark")

enum bf_event_kind {
#define X(e, name) e,
	EVENT_TABLE(X)
#undef X
	NR_EVENT_KINDS
};

#define BF_RECORD_RING 64

struct bf_bad_page {
	unsigned long pfn;
	const char *reason;
	unsigned long flags;
	int mapcount, refcount;
	unsigned long mapping;
};

struct bf_event {
	enum bf_event_kind kind;
	int nid, zone, order, highest_zoneidx;
};

struct bf_records {
	spinlock_t lock;
	unsigned long warn_count[NR_WARN_SITES];
	unsigned long bad_page_count;
	struct bf_bad_page bad[BF_RECORD_RING];          /* last BF_RECORD_RING */
	unsigned long event_count[NR_EVENT_KINDS];
	struct bf_event ev[BF_RECORD_RING];
	unsigned long nr_ev;
};

extern const char *const bf_warn_names[NR_WARN_SITES];
extern const char *const bf_warn_sites[NR_WARN_SITES];
extern const char *const bf_event_names[NR_EVENT_KINDS];

#endif /* BF_CORE_RECORD_H */
