/*
 * internal.h - what the core/ files share and nobody outside core/ may include:
 * ALLOC_* flags, struct alloc_context, struct world, the per-call context that
 * stands for current / smp_processor_id(), and the cross-file prototypes.
 *
 * Invariant: every piece of mutable state is reachable from a struct world.
 */
#ifndef BF_CORE_INTERNAL_H
#define BF_CORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "mmzone.h"
#include "features.h"
#include "record.h"

/* mm/internal.h: ALLOC_* (spec 3.1) */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM 0x08
#define ALLOC_HARDER 0x10
#define ALLOC_HIGH 0x20
#define ALLOC_CPUSET 0x40
#define ALLOC_CMA 0x80
#define ALLOC_NOFRAGMENT 0x100
#define ALLOC_KSWAPD 0x800

#define MAX_RECLAIM_RETRIES 16
#define GFP_ZONE_TABLE 0x1320122u
#define GFP_ZONE_BAD 0xe8e8u
#define GFP_ZONES_SHIFT 2

/* FPI flags of the free paths */
typedef int fpi_t;
#define FPI_NONE 0
#define FPI_SKIP_REPORT_NOTIFY (1 << 0)
#define FPI_TO_TAIL (1 << 1)

#define LOCAL_DISTANCE 10
#define REMOTE_DISTANCE 20

/*
 * include/linux/mempolicy.h's struct mempolicy (refcount left out: a task's
 * policy lives in its task_struct, mpol below, and is replaced whole).
 * mode is MPOL_PREFERRED for MPOL_LOCAL (mpol_new); flags the user's mode
 * flags (MPOL_F_STATIC_NODES/RELATIVE_NODES) and the internal MPOL_F_LOCAL.
 * Node masks are bitmaps of MAX_NUMNODES = BF_MAX_NODES bits.
 */
#define MPOL_F_LOCAL (1 << 1)     /* preferred local allocation */
#define MPOL_F_MOF (1 << 3)
#define MPOL_F_MORON (1 << 4)
struct mempolicy {
	unsigned short mode;
	unsigned short flags;
	union {
		short preferred_node;  /* MPOL_PREFERRED */
		unsigned long nodes;   /* MPOL_BIND, MPOL_INTERLEAVE */
	} v;
	union {
		unsigned long cpuset_mems_allowed; /* relative to these nodes */
		unsigned long user_nodemask;       /* nodemask passed by user */
	} w;
};

/* The tasks of the world: BF_MAX_TASKS of them; task t starts as CPU t's current. */
struct task_struct {
	int pid;
	unsigned int flags;       /* PF_* */
	struct mempolicy *mempolicy;  /* NULL: no task policy (MPOL_DEFAULT), else &mpol */
	struct mempolicy mpol;    /* the storage of its policy (kmem_cache_alloc in 5.10) */
	unsigned long mems_allowed;   /* cpuset_current_mems_allowed: N_MEMORY (no cpusets) */
	short il_prev;            /* interleave_nodes' last node */
};

/* Per simulated CPU: current task, interrupt state, vm event counters. */
struct cpu_state {
	int nid;                  /* cpu_to_node */
	bool in_interrupt;
	struct task_struct *current;
	unsigned long vm_events[NR_VM_EVENT_ITEMS];
	spinlock_t irq_lock;      /* stands for local_irq_save/restore */
};

struct world {
	int nr_nodes;             /* online nodes, ids 0..nr_nodes-1 */
	int nr_cpus;              /* online CPUs, ids 0..nr_cpus-1 */
	pg_data_t node[BF_MAX_NODES];
	int distance[BF_MAX_NODES][BF_MAX_NODES];
	struct cpu_state cpu[BF_MAX_CPUS];
	struct task_struct task[BF_MAX_TASKS];
	struct mempolicy preferred_node_policy[BF_MAX_NODES];  /* numa_policy_init */
	struct page *mem_map;     /* pfn 0 .. memmap_pfns-1; max_pfn.. are unavailable */
	size_t mem_map_cap, pbf_cap;       /* allocated sizes (world_recreate reuses them) */
	struct per_cpu_pageset *pagesets;  /* every zone's [BF_MAX_CPUS] pagesets, one block */
	unsigned long memmap_pfns;  /* max_pfn rounded up to MAX_ORDER_NR_PAGES */
	unsigned long *pageblock_flags; /* 4 bits per pageblock, whole memmap (SPARSEMEM-like) */
	unsigned long max_pfn;
	int nr_holes;
	struct bf_hole hole[BF_MAX_HOLES];

	/* the kernel's allocator globals */
	int min_free_kbytes;
	int user_min_free_kbytes;
	int watermark_scale_factor;
	int watermark_boost_factor;
	int lowmem_reserve_ratio[MAX_NR_ZONES];
	int percpu_pagelist_fraction;
	int page_group_by_mobility_disabled;
	gfp_t gfp_allowed_mask;
	enum zone_type policy_zone;
	unsigned long totalreserve_pages;
	int node_load[BF_MAX_NODES];
	unsigned int fixes;       /* BF_FIX_* (model options: upstream fixes) */
	bool refcount_poked;      /* a test hook forged a refcount: pcp pages may carry it (check.c) */
	/*
	 * Model instrumentation, not in 5.10 (snapshot.c): one bit a pfn, set
	 * when its struct page may have been written since the world's
	 * snapshot was taken, so a restore copies back only those.
	 */
	unsigned long *dirty;
	size_t dirty_cap;         /* words */
	unsigned char *feat;      /* [NR_FEATURES] reached states (features.h); not world state */
	struct bf_explain *explain; /* the --explain sink while on (explain.h); not world state */

	struct bf_records rec;    /* WARNs, bad pages, events */
};

/* The context a call runs in: the kernel reads it from current and the CPU. */
struct context {
	struct world *w;
	int cpu;
	struct cpu_state *pcpu;  /* &w->cpu[cpu], looked up once per call */
};

static inline struct context context_of(struct world *w, int cpu)
{
	return (struct context){ w, cpu, &w->cpu[cpu] };
}

static inline struct cpu_state *this_cpu(const struct context *cx) { return cx->pcpu; }
static inline struct task_struct *current_task(const struct context *cx) { return this_cpu(cx)->current; }
static inline int numa_node_id(const struct context *cx) { return this_cpu(cx)->nid; }

struct alloc_context {
	struct zonelist *zonelist;
	const unsigned long *nodemask;  /* bitmap of nodes, or NULL */
	struct zoneref *preferred_zoneref;
	int migratetype;
	enum zone_type highest_zoneidx;
	bool spread_dirty_pages;
};

/* page <-> pfn and zone lookup */
static inline struct page *pfn_to_page(struct world *w, unsigned long pfn) { return &w->mem_map[pfn]; }
static inline unsigned long page_to_pfn(const struct world *w, const struct page *p)
{
	return (unsigned long)(p - w->mem_map);
}
static inline struct zone *page_zone(struct world *w, const struct page *p)
{
	return &w->node[page_to_nid(p)].node_zones[page_zonenum(p)];
}
static inline struct world *zone_world(const struct zone *z) { return z->zone_pgdat->world; }
static inline int node_isset(int nid, const unsigned long *mask) { return (int)((*mask >> nid) & 1); }

/*
 * Dirty marks for snapshots (model instrumentation, not in 5.10).  Every
 * write to a struct page in core/ is preceded by one of these: page_touch
 * for the pages a function writes itself, lru_touch for a list_head that a
 * list operation writes (the entry's neighbours: only those inside the
 * memmap are pages; list heads live in struct world and the pagesets,
 * which a restore copies whole).  A missed mark shows up as a restored
 * world that differs from a fresh boot (world_snapshot_verify).
 */
/*
 * CPUs of the threaded mode mark pages that share a word under different
 * locks: an atomic or, skipped when the bits are set already (most marks).
 */
static inline void dirty_set(unsigned long *word, unsigned long bits)
{
	if ((__atomic_load_n(word, __ATOMIC_RELAXED) & bits) != bits)
		__atomic_fetch_or(word, bits, __ATOMIC_RELAXED);
}

static inline void page_touch(struct world *w, const struct page *page, unsigned long nr)
{
	unsigned long pfn = (unsigned long)(page - w->mem_map), end = pfn + nr;

	while (pfn < end) {
		unsigned long bit = pfn % 64, n = end - pfn < 64 - bit ? end - pfn : 64 - bit;

		dirty_set(&w->dirty[pfn / 64], (n == 64 ? ~0UL : ((1UL << n) - 1)) << bit);
		pfn += n;
	}
}

static inline void lru_touch(struct world *w, const struct list_head *l)
{
	uintptr_t off = (uintptr_t)l - (uintptr_t)w->mem_map;

	if (off < w->memmap_pfns * sizeof(struct page)) {
		unsigned long pfn = off / sizeof(struct page);

		dirty_set(&w->dirty[pfn / 64], 1UL << (pfn % 64));
	}
}

/* the pages list_add / list_add_tail / list_del of entry e at head h write */
static inline void lru_touch_add(struct world *w, const struct list_head *e, const struct list_head *h)
{
	lru_touch(w, e);
	lru_touch(w, h);
	lru_touch(w, h->next);
}

static inline void lru_touch_add_tail(struct world *w, const struct list_head *e, const struct list_head *h)
{
	lru_touch(w, e);
	lru_touch(w, h);
	lru_touch(w, h->prev);
}

static inline void lru_touch_del(struct world *w, const struct list_head *e)
{
	lru_touch(w, e);
	lru_touch(w, e->prev);
	lru_touch(w, e->next);
}

/*
 * testcase(w, NAME, X) - a boundary condition the tests should reach
 * (SQLite's testcase()): each marker is a branch of its own, so coverage
 * reports and coverage-guided fuzzers see whether it was reached, and sets
 * its feature (features.h: TESTCASE_TABLE) for the reached-states figures.
 */
#define testcase(w, name, x) do { if (x) { __asm__ volatile(""); feature((w), FEAT_TC_##name); } } while (0)

/* feature(w, F) - the allocator passed through state F (features.h) */
static inline void feature(struct world *w, enum bf_feature f)
{
	if (!__atomic_load_n(&w->feat[f], __ATOMIC_RELAXED))   /* relaxed: the threaded mode sets them too */
		__atomic_store_n(&w->feat[f], 1, __ATOMIC_RELAXED);
}

/* Model VM_BUG_ON: on in the debug variant (BF_DEBUG_VM), compiled out otherwise. */
#ifdef BF_DEBUG_VM
void bf_vm_bug(const char *cond, const char *file, int line) __attribute__((noreturn));
#define VM_BUG_ON(c) do { if (__builtin_expect(!!(c), 0)) bf_vm_bug(#c, __FILE__, __LINE__); } while (0)
#else
#define VM_BUG_ON(c) do { (void)sizeof(c); } while (0)
#endif

/* gfp.c */
void gfp_zone_bad(struct world *w, gfp_t flags);

/*
 * gfp_zone - the highest zone an allocation may use.  A GFP_ZONE_BAD
 * combination would BUG() with CONFIG_DEBUG_VM; without it the table slot
 * holds 0 (ZONE_DMA).  The model records a WARN for it.
 */
static inline enum zone_type gfp_zone(struct world *w, gfp_t flags)
{
	unsigned int bit = flags & GFP_ZONEMASK;

	if (__builtin_expect((GFP_ZONE_BAD >> bit) & 1, 0))
		gfp_zone_bad(w, flags);
	return (enum zone_type)((GFP_ZONE_TABLE >> (bit * GFP_ZONES_SHIFT)) & ((1u << GFP_ZONES_SHIFT) - 1));
}
/*
 * gfp_migratetype - MOVABLE and RECLAIMABLE together is a VM_WARN in 5.10 and
 * yields 3 (MIGRATE_HIGHATOMIC); callers in this model refuse it, see
 * __alloc_pages_nodemask.
 */
static inline int gfp_migratetype(const struct world *w, gfp_t flags)
{
	if (w->page_group_by_mobility_disabled)
		return MIGRATE_UNMOVABLE;
	return (flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT;
}

gfp_t current_gfp_context(const struct context *cx, gfp_t flags);

/* pageblock flags (buddy.c) */
/* Pageblock bits live per section in 5.10 (SPARSEMEM); here per world. */
static inline unsigned long pfn_to_bitidx(unsigned long pfn)
{
	return (pfn >> pageblock_order) * NR_PAGEBLOCK_BITS;
}

static inline int get_pageblock_migratetype(struct world *w, const struct page *page)
{
	unsigned long bitidx = pfn_to_bitidx(page_to_pfn(w, page));
	unsigned long word = __atomic_load_n(&w->pageblock_flags[bitidx / 64], __ATOMIC_RELAXED);

	return (int)((word >> (bitidx & 63)) & MIGRATETYPE_MASK);
}

void set_pageblock_migratetype(struct world *w, struct page *page, int migratetype);

/* buddy.c */
struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
void expand(struct zone *zone, struct page *page, int low, int high, int migratetype);
void __free_one_page(struct context *cx, struct page *page, unsigned long pfn, struct zone *zone,
		     unsigned int order, int migratetype, fpi_t fpi);
int move_freepages_block(struct zone *zone, struct page *page, int migratetype, int *num_movable);
void add_to_free_list(struct page *page, struct zone *zone, unsigned int order, int mt);
void add_to_free_list_tail(struct page *page, struct zone *zone, unsigned int order, int mt);
void move_to_free_list(struct page *page, struct zone *zone, unsigned int order, int mt);
void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order);

/* fallback.c */
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype, unsigned int alloc_flags);
void reserve_highatomic_pageblock(struct page *page, struct zone *zone, unsigned int order);
bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force);
int find_suitable_fallback(const struct world *w, struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable, bool *can_steal);

/* pcp.c */
struct page *rmqueue_pcplist(struct context *cx, struct zone *preferred_zone, struct zone *zone,
			     gfp_t gfp_flags, int migratetype, unsigned int alloc_flags);
void free_unref_page(struct context *cx, struct page *page);
void free_pcppages_bulk(struct context *cx, struct zone *zone, int count, struct per_cpu_pages *pcp);
void drain_pages_zone(struct context *cx, struct zone *zone);
void drain_zone_pages(struct context *cx, struct zone *zone, struct per_cpu_pages *pcp);

/* fastpath.c */
/* mempolicy.c: preferred_node_policy[] and the tasks' pids and mems_allowed, at boot */
void mempolicy_init(struct world *w);
struct page *__alloc_pages_nodemask(struct context *cx, gfp_t gfp, unsigned int order,
				    int preferred_nid, const unsigned long *nodemask);
struct page *get_page_from_freelist(struct context *cx, gfp_t gfp_mask, unsigned int order,
				    int alloc_flags, const struct alloc_context *ac);
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages);
unsigned int current_alloc_flags(const struct context *cx, gfp_t gfp_mask, unsigned int alloc_flags);
struct zoneref *first_zones_zonelist(struct zonelist *zl, enum zone_type highest_zoneidx,
				     const unsigned long *nodes);
struct zoneref *next_zones_zonelist(struct zoneref *z, enum zone_type highest_zoneidx,
				    const unsigned long *nodes);
#define for_next_zone_zonelist_nodemask(zone, z, highidx, nodemask)              \
	for (zone = (z)->zone; zone; z = next_zones_zonelist(++z, highidx, nodemask), \
	     zone = (z)->zone)
#define for_each_zone_zonelist_nodemask(zone, z, zlist, highidx, nodemask)     \
	for (z = first_zones_zonelist(zlist, highidx, nodemask), zone = (z)->zone; \
	     zone; z = next_zones_zonelist(++z, highidx, nodemask), zone = (z)->zone)

/* slowpath.c */
struct page *__alloc_pages_slowpath(struct context *cx, gfp_t gfp_mask, unsigned int order,
				    struct alloc_context *ac);

/* compound.c */
void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags, unsigned int alloc_flags);
bool check_new_pages(struct world *w, struct page *page, unsigned int order);
bool check_new_page(struct world *w, struct page *page);
bool free_pages_prepare(struct world *w, struct page *page, unsigned int order, bool check_free);
bool bulkfree_pcp_prepare(struct world *w, struct page *page);
bool page_expected_state(const struct page *page, unsigned long check_flags);

/* free.c */
void __free_pages_ok(struct context *cx, struct page *page, unsigned int order, fpi_t fpi);
void free_one_page(struct context *cx, struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
		   int migratetype, fpi_t fpi);
void free_the_page(struct context *cx, struct page *page, unsigned int order);

/* vmstat.c */
void __mod_zone_page_state(struct context *cx, struct zone *zone, enum zone_stat_item item, long delta);
void __mod_zone_freepage_state(struct context *cx, struct zone *zone, int nr_pages, int migratetype);
void zone_page_state_add_global(struct zone *zone, enum zone_stat_item item, long x);
unsigned long zone_page_state_snapshot(const struct zone *zone, enum zone_stat_item item);
unsigned long zone_numa_state_snapshot(const struct zone *zone, enum numa_stat_item item);
unsigned long sum_vm_event(const struct world *w, enum vm_event_item item);
void refresh_zone_stat_thresholds(struct world *w);
int refresh_cpu_vm_stats(struct world *w, int cpu, bool do_pagesets);

/* setup.c (watermarks, reserves, pcp sizes, zonelists) */
void build_all_zonelists(struct world *w);
void init_per_zone_wmark_min(struct world *w);
void setup_per_zone_wmarks(struct world *w);
void setup_per_zone_lowmem_reserve(struct world *w);
void zone_set_pageset_high_and_batch(struct zone *zone);
int zone_batchsize(const struct zone *zone);

/* events (wakeups the model records instead of running) */
void wakeup_kswapd(struct context *cx, struct zone *zone, gfp_t gfp_flags, int order,
		   enum zone_type highest_zoneidx);

#define for_each_zone_of_world(w, nid, zid, zone)                                \
	for (nid = 0; nid < (w)->nr_nodes; nid++)                                \
		for (zid = 0; zid < MAX_NR_ZONES && ((zone) = &(w)->node[nid].node_zones[zid]); zid++)

#include "explain.h"

#endif /* BF_CORE_INTERNAL_H */
