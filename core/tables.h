/*
 * tables.h - the closed sets the allocator counts and names, defined once as
 * X-macro tables (migratetypes, zone/NUMA counters, vm events, watermarks).
 * Public: the inspection API, the oracle and the program format use the same
 * names as /proc does.
 */
#ifndef BF_CORE_TABLES_H
#define BF_CORE_TABLES_H

/* MIGRATE_TYPE_TABLE(X): X(enum name, /proc name, show_free_areas letter) */
#define MIGRATE_TYPE_TABLE(X)                      \
	X(MIGRATE_UNMOVABLE, "Unmovable", 'U')     \
	X(MIGRATE_MOVABLE, "Movable", 'M')         \
	X(MIGRATE_RECLAIMABLE, "Reclaimable", 'E') \
	X(MIGRATE_HIGHATOMIC, "HighAtomic", 'H')   \
	X(MIGRATE_CMA, "CMA", 'C')                 \
	X(MIGRATE_ISOLATE, "Isolate", 'I')

enum migratetype {
#define X(e, name, letter) e,
	MIGRATE_TYPE_TABLE(X)
#undef X
	MIGRATE_TYPES
};
#define MIGRATE_PCPTYPES MIGRATE_HIGHATOMIC
extern const char *const migratetype_names[MIGRATE_TYPES];  /* core/names.c */

static inline int is_migrate_cma(int mt) { return mt == MIGRATE_CMA; }
static inline int is_migrate_isolate(int mt) { return mt == MIGRATE_ISOLATE; }
static inline int is_migrate_highatomic(int mt) { return mt == MIGRATE_HIGHATOMIC; }
static inline int is_migrate_movable(int mt) { return mt == MIGRATE_CMA || mt == MIGRATE_MOVABLE; }

#define PB_migratetype_bits 3
#define NR_PAGEBLOCK_BITS 4
#define MIGRATETYPE_MASK 7UL

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/* enum zone_stat_item, with the /proc names (vmstat_text order). */
#define ZONE_STAT_TABLE(X)                               \
	X(NR_FREE_PAGES, "nr_free_pages")                \
	X(NR_ZONE_INACTIVE_ANON, "nr_zone_inactive_anon") \
	X(NR_ZONE_ACTIVE_ANON, "nr_zone_active_anon")    \
	X(NR_ZONE_INACTIVE_FILE, "nr_zone_inactive_file") \
	X(NR_ZONE_ACTIVE_FILE, "nr_zone_active_file")    \
	X(NR_ZONE_UNEVICTABLE, "nr_zone_unevictable")    \
	X(NR_ZONE_WRITE_PENDING, "nr_zone_write_pending") \
	X(NR_MLOCK, "nr_mlock")                          \
	X(NR_PAGETABLE, "nr_page_table_pages")           \
	X(NR_BOUNCE, "nr_bounce")                        \
	X(NR_ZSPAGES, "nr_zspages")                      \
	X(NR_FREE_CMA_PAGES, "nr_free_cma")
enum zone_stat_item {
#define X(e, name) e,
	ZONE_STAT_TABLE(X)
#undef X
	NR_VM_ZONE_STAT_ITEMS
};
extern const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS];

#define NUMA_STAT_TABLE(X)                  \
	X(NUMA_HIT, "numa_hit")             \
	X(NUMA_MISS, "numa_miss")           \
	X(NUMA_FOREIGN, "numa_foreign")     \
	X(NUMA_INTERLEAVE_HIT, "numa_interleave") \
	X(NUMA_LOCAL, "numa_local")         \
	X(NUMA_OTHER, "numa_other")
enum numa_stat_item {
#define X(e, name) e,
	NUMA_STAT_TABLE(X)
#undef X
	NR_VM_NUMA_STAT_ITEMS
};
extern const char *const numa_stat_names[NR_VM_NUMA_STAT_ITEMS];
#define NUMA_STATS_THRESHOLD (0xffff - 2)

/* The vm events the allocator counts (a subset of vm_event_item). */
#define VM_EVENT_TABLE(X)                         \
	X(PGALLOC_DMA, "pgalloc_dma")             \
	X(PGALLOC_DMA32, "pgalloc_dma32")         \
	X(PGALLOC_NORMAL, "pgalloc_normal")       \
	X(PGALLOC_MOVABLE, "pgalloc_movable")     \
	X(ALLOCSTALL_DMA, "allocstall_dma")       \
	X(ALLOCSTALL_DMA32, "allocstall_dma32")   \
	X(ALLOCSTALL_NORMAL, "allocstall_normal") \
	X(ALLOCSTALL_MOVABLE, "allocstall_movable") \
	X(PGFREE, "pgfree")                       \
	X(COMPACTSTALL, "compact_stall")          \
	X(COMPACTFAIL, "compact_fail")            \
	X(COMPACTSUCCESS, "compact_success")
enum vm_event_item {
#define X(e, name) e,
	VM_EVENT_TABLE(X)
#undef X
	NR_VM_EVENT_ITEMS
};

/* enum pageflags of the x86_64 distribution config, in bit order (spec 1.6). */
#define PAGEFLAG_TABLE(X)                                                       \
	X(PG_locked) X(PG_referenced) X(PG_uptodate) X(PG_dirty) X(PG_lru)      \
	X(PG_active) X(PG_workingset) X(PG_waiters) X(PG_error) X(PG_slab)      \
	X(PG_owner_priv_1) X(PG_arch_1) X(PG_reserved) X(PG_private)            \
	X(PG_private_2) X(PG_writeback) X(PG_head) X(PG_mappedtodisk)           \
	X(PG_reclaim) X(PG_swapbacked) X(PG_unevictable) X(PG_mlocked)          \
	X(PG_uncached) X(PG_hwpoison) X(PG_young) X(PG_idle) X(PG_arch_2)

enum pageflags {
#define X(name) name,
	PAGEFLAG_TABLE(X)
#undef X
	NR_PAGEFLAGS,
	PG_reported = PG_uptodate,
	PG_double_map = PG_workingset,
};

#endif /* BF_CORE_TABLES_H */
