/*
 * mmzone.h - zones, nodes, free areas, per-cpu pagesets and zonelists, with the
 * fields of 5.10's include/linux/mmzone.h that the allocator reads or writes.
 *
 * Configuration modelled: CONFIG_NUMA, ZONE_DMA, ZONE_DMA32, CONFIG_CMA,
 * CONFIG_MEMORY_ISOLATION, CONFIG_ZSMALLOC, no ZONE_DEVICE (MAX_NR_ZONES 4),
 * no HIGHMEM, HUGETLB (pageblock_order 9).
 */
#ifndef BF_CORE_MMZONE_H
#define BF_CORE_MMZONE_H

#include "list.h"
#include "lock.h"
#include "mm.h"
#include "mm_types.h"
#include "tables.h"

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
};

struct per_cpu_pages {
	int count;  /* pages on the lists */
	int high;   /* high watermark, emptying needed */
	int batch;  /* chunk size for buddy add/remove */
	struct list_head lists[MIGRATE_PCPTYPES];
	unsigned long seq;  /* model instrumentation, not in 5.10: bumped on every list change */
};

struct per_cpu_pageset {
	struct per_cpu_pages pcp;
	signed char expire;
	unsigned short vm_numa_stat_diff[NR_VM_NUMA_STAT_ITEMS];
	signed char stat_threshold;
	signed char vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
};

enum zone_flags { ZONE_BOOSTED_WATERMARK };

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	int node;
	struct pglist_data *zone_pgdat;
	struct per_cpu_pageset *pageset;        /* [nr_cpus] */
	unsigned long zone_start_pfn;
	unsigned long managed_pages;            /* atomic_long_t */
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	unsigned long nr_isolate_pageblock;
	int initialized;
	spinlock_t lock;
	unsigned long list_seq;  /* model instrumentation, not in 5.10: bumped under lock on every free-list change */
	struct free_area free_area[MAX_ORDER];
	unsigned long flags;
	unsigned long percpu_drift_mark;
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];    /* atomic_long_t */
	long vm_numa_stat[NR_VM_NUMA_STAT_ITEMS];
};

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };
#define MAX_ZONES_PER_ZONELIST (BF_MAX_NODES * MAX_NR_ZONES)
struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
	int kswapd_order;
	enum zone_type kswapd_highest_zoneidx;
	int kswapd_failures;
	unsigned long totalreserve_pages;
	struct world *world;
} pg_data_t;

extern const char *const zone_names[MAX_NR_ZONES];  /* core/names.c */

static inline unsigned long zone_end_pfn(const struct zone *z) { return z->zone_start_pfn + z->spanned_pages; }
static inline int zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return z->zone_start_pfn <= pfn && pfn < zone_end_pfn(z);
}
static inline int populated_zone(const struct zone *z) { return z->present_pages != 0; }
static inline int managed_zone(const struct zone *z) { return z->managed_pages != 0; }
static inline unsigned long zone_managed_pages(const struct zone *z)
{
	return __atomic_load_n(&z->managed_pages, __ATOMIC_RELAXED);
}
static inline int zone_idx(const struct zone *z) { return (int)(z - z->zone_pgdat->node_zones); }
static inline int zone_to_nid(const struct zone *z) { return z->node; }

static inline unsigned long wmark_pages(const struct zone *z, int i)
{
	return READ_ONCE(z->_watermark[i]) + READ_ONCE(z->watermark_boost);
}
static inline unsigned long min_wmark_pages(const struct zone *z) { return wmark_pages(z, WMARK_MIN); }
static inline unsigned long low_wmark_pages(const struct zone *z) { return wmark_pages(z, WMARK_LOW); }
static inline unsigned long high_wmark_pages(const struct zone *z) { return wmark_pages(z, WMARK_HIGH); }

static inline int has_isolate_pageblock(const struct zone *z) { return z->nr_isolate_pageblock != 0; }

#endif /* BF_CORE_MMZONE_H */
