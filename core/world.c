/*
 * world.c - building a world as 5.10 boots: nodes and zones from the
 * topology, struct pages (memmap_init_zone: every pageblock-aligned present
 * pfn MIGRATE_MOVABLE; init_unavailable_range: holes reserved, zone 0 node 0),
 * the memblock release (__free_pages_memory / __free_pages_core: largest
 * aligned chunks in ascending pfn order, FPI_TO_TAIL), per-cpu pagesets,
 * zonelists, watermarks, lowmem reserves and vmstat thresholds.
 *
 * Boot runs with the boot pagesets (stat_threshold 0), so every counter is
 * exact afterwards; the real thresholds are set at the end, as the vmstat
 * init does.  Deviations from v5.10: __ffs(0) is undefined; pfn 0 is reserved
 * on x86 and never released, while here it may be free and counts as
 * order-10 aligned.  A memblock range is released in chunks that never cross
 * a zone boundary (x86_64 zone boundaries are MAX_ORDER aligned, the model's
 * need not be).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "internal.h"

void bf_topology_default(struct bf_topology *t)
{
	memset(t, 0, sizeof(*t));
	t->nr_nodes = 1;
	t->nr_cpus = 2;
	t->node[0].cpumask = 0x3;
	t->node[0].zone_pageblocks[ZONE_DMA] = 8;
	t->node[0].zone_pageblocks[ZONE_DMA32] = 16;
	t->node[0].zone_pageblocks[ZONE_NORMAL] = 32;
	t->min_free_kbytes = -1;
	t->watermark_scale_factor = -1;
	t->watermark_boost_factor = -1;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		t->lowmem_reserve_ratio[z] = -1;
	t->percpu_pagelist_fraction = -1;
}

int bf_topology_check(const struct bf_topology *t, char *err, size_t len)
{
	unsigned int all = 0;
	unsigned long total = 0;

	if (t->nr_nodes < 1 || t->nr_nodes > BF_MAX_NODES)
		return snprintf(err, len, "need 1..%d nodes", BF_MAX_NODES), -1;
	if (t->nr_cpus < 1 || t->nr_cpus > BF_MAX_CPUS)
		return snprintf(err, len, "need 1..%d cpus", BF_MAX_CPUS), -1;
	for (int n = 0; n < t->nr_nodes; n++) {
		unsigned long pbs = 0;

		if (t->node[n].cpumask & all)
			return snprintf(err, len, "cpu on two nodes"), -1;
		all |= t->node[n].cpumask;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			pbs += t->node[n].zone_pageblocks[z];
		if (!pbs)
			return snprintf(err, len, "node %d has no memory", n), -1;
		total += pbs;
	}
	if (total > BF_MAX_PAGEBLOCKS)
		return snprintf(err, len, "more than %d pageblocks (%d GiB)", BF_MAX_PAGEBLOCKS,
				BF_MAX_PAGEBLOCKS / 512), -1;
	if (all != (1U << t->nr_cpus) - 1)
		return snprintf(err, len, "cpus must be 0..%d, each on one node", t->nr_cpus - 1), -1;
	for (int a = 0; a < t->nr_nodes; a++)
		for (int b = 0; b < t->nr_nodes; b++)
			if (t->distance[a][b] < 0 || t->distance[a][b] > 255 ||
			    (a == b && t->distance[a][b] && t->distance[a][b] != LOCAL_DISTANCE))
				return snprintf(err, len, "bad distance %d-%d", a, b), -1;
	return 0;
}

static int hole_at(const struct bf_topology *t, unsigned long pfn)
{
	for (int i = 0; i < t->nr_holes; i++)
		if (pfn >= t->hole[i].start_pfn && pfn - t->hole[i].start_pfn < t->hole[i].nr_pages)
			return 1;
	return 0;
}

/* Pages of [start, end) inside holes (holes may overlap each other). */
static unsigned long hole_pages(const struct bf_topology *t, unsigned long start, unsigned long end)
{
	unsigned long n = 0;

	if (!t->nr_holes)
		return 0;
	for (unsigned long pfn = start; pfn < end; pfn++)
		n += hole_at(t, pfn);
	return n;
}

static void set_page_links(struct page *page, int zone, int nid)
{
	page->flags &= ~((ZONES_MASK << ZONES_PGSHIFT) | (NODES_MASK << NODES_PGSHIFT));
	page->flags |= ((unsigned long)zone << ZONES_PGSHIFT) | ((unsigned long)nid << NODES_PGSHIFT);
}

/* __init_single_page */
static void init_single_page(struct page *page, int zone, int nid)
{
	memset(page, 0, sizeof(*page));
	set_page_links(page, zone, nid);
	set_page_count(page, 1);
	page_mapcount_reset(page);
	INIT_LIST_HEAD(&page->lru);
}

static void zone_init_free_lists(struct zone *zone)
{
	for (int o = 0; o < MAX_ORDER; o++) {
		for (int t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[t]);
		zone->free_area[o].nr_free = 0;
	}
	zone->initialized = 1;
}

/*
 * __free_pages_memory - release [start, end) in the largest naturally aligned
 * chunks, each through __free_pages_core: PG_reserved and the refcount
 * cleared on every page, managed_pages raised, then __free_pages_ok with
 * FPI_TO_TAIL so boot memory sits at list tails in address order.
 */
static void free_pages_memory(struct context *cx, unsigned long start, unsigned long end)
{
	struct world *w = cx->w;

	while (start < end) {
		unsigned int order = start ? (unsigned int)__builtin_ctzl(start) : MAX_ORDER - 1;
		struct page *page = pfn_to_page(w, start);
		struct zone *zone = page_zone(w, page);

		if (order > MAX_ORDER - 1)
			order = MAX_ORDER - 1;
		while (start + (1UL << order) > end || start + (1UL << order) > zone_end_pfn(zone))
			order--;
		for (unsigned long i = 0; i < (1UL << order); i++) {
			__ClearPageFlag(page + i, PG_reserved);
			set_page_count(page + i, 0);
		}
		zone->managed_pages += 1UL << order;
		/* Bypass PCP and place fresh pages right to the tail. */
		__free_pages_ok(cx, page, order, FPI_TO_TAIL);
		start += 1UL << order;
	}
}

static void world_layout(struct world *w, const struct bf_topology *t)
{
	unsigned long pfn = 0;

	for (int n = 0; n < t->nr_nodes; n++) {
		pg_data_t *pgdat = &w->node[n];

		pgdat->node_id = n;
		pgdat->world = w;
		pgdat->node_start_pfn = pfn;
		pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			unsigned long size = t->node[n].zone_pageblocks[z] * pageblock_nr_pages;

			zone->node = n;
			zone->zone_pgdat = pgdat;
			zone->name = zone_names[z];
			zone->zone_start_pfn = size ? pfn : 0;
			zone->spanned_pages = size;
			zone->present_pages = size - hole_pages(t, pfn, pfn + size);
			spin_lock_init(&zone->lock);
			pfn += size;
			if (zone->present_pages)
				pgdat->nr_zones = z + 1;
		}
		pgdat->node_spanned_pages = pfn - pgdat->node_start_pfn;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			pgdat->node_present_pages += pgdat->node_zones[z].present_pages;
	}
	w->max_pfn = pfn;
	w->memmap_pfns = (pfn + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
}

/*
 * Buffers a world owns; world_recreate hands a dead world's to the next one
 * so a fuzz loop does not allocate (and fault in) memory on every input.
 */
struct world_bufs {
	struct page *mem_map;
	size_t mem_map_cap;                 /* struct pages */
	unsigned long *pageblock_flags;
	size_t pbf_cap;                     /* words */
	struct per_cpu_pageset *pagesets;   /* [BF_MAX_NODES * MAX_NR_ZONES][BF_MAX_CPUS] */
	unsigned long *dirty;
	size_t dirty_cap;                   /* words */
	unsigned char *feat;                /* [NR_FEATURES] */
};

/*
 * The memmap of a big world is most of its boot time in page faults: ask for
 * transparent huge pages (512 times fewer faults) where it spans several.
 */
static void *memmap_alloc(size_t bytes)
{
	void *p = NULL;

	if (bytes < (8UL << 20))
		return malloc(bytes);
	if (posix_memalign(&p, 2UL << 20, bytes))
		return NULL;
	madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

/* Hand the buffers back to a world that is about to be destroyed. */
static void world_bufs_give(struct world *w, const struct world_bufs *b)
{
	w->mem_map = b->mem_map;
	w->pageblock_flags = b->pageblock_flags;
	w->pagesets = b->pagesets;
	w->dirty = b->dirty;
	w->feat = b->feat;
}

static int world_alloc(struct world *w, struct world_bufs *b)
{
	int nid, zid;
	struct zone *zone;
	size_t pbf_words = w->memmap_pfns / pageblock_nr_pages * NR_PAGEBLOCK_BITS / 64 + 1;
	size_t dirty_words = w->memmap_pfns / 64;   /* memmap_pfns is a multiple of 1024 */

	/* every struct page is initialised by world_memmap_init: no need to zero twice */
	if (b->mem_map_cap < w->memmap_pfns) {
		free(b->mem_map);
		b->mem_map = memmap_alloc(w->memmap_pfns * sizeof(struct page));
		b->mem_map_cap = b->mem_map ? w->memmap_pfns : 0;
	}
	if (b->pbf_cap < pbf_words) {
		free(b->pageblock_flags);
		b->pageblock_flags = malloc(pbf_words * sizeof(unsigned long));
		b->pbf_cap = b->pageblock_flags ? pbf_words : 0;
	}
	if (!b->pagesets)
		b->pagesets = malloc(sizeof(struct per_cpu_pageset) * BF_MAX_NODES * MAX_NR_ZONES * BF_MAX_CPUS);
	if (b->dirty_cap < dirty_words) {
		free(b->dirty);
		b->dirty = malloc(dirty_words * sizeof(unsigned long));
		b->dirty_cap = b->dirty ? dirty_words : 0;
	}
	if (!b->feat)
		b->feat = malloc(NR_FEATURES);
	w->feat = b->feat;
	w->dirty = b->dirty;
	w->dirty_cap = b->dirty_cap;
	w->mem_map = b->mem_map;
	w->mem_map_cap = b->mem_map_cap;
	w->pageblock_flags = b->pageblock_flags;
	w->pbf_cap = b->pbf_cap;
	w->pagesets = b->pagesets;
	if (!w->mem_map || !w->pageblock_flags || !w->pagesets || !w->dirty || !w->feat)
		return -1;
	memset(w->feat, 0, NR_FEATURES);
	/* boot writes every page: all dirty until a snapshot is taken */
	memset(w->dirty, 0xff, dirty_words * sizeof(unsigned long));
	memset(w->pageblock_flags, 0, pbf_words * sizeof(unsigned long));
	memset(w->pagesets, 0, sizeof(struct per_cpu_pageset) * BF_MAX_NODES * MAX_NR_ZONES * BF_MAX_CPUS);
	for_each_zone_of_world(w, nid, zid, zone) {
		zone->pageset = &w->pagesets[(nid * MAX_NR_ZONES + zid) * BF_MAX_CPUS];
		/* the boot pageset: every free goes straight to the buddy, counters exact */
		for (int cpu = 0; cpu < w->nr_cpus; cpu++) {
			struct per_cpu_pages *pcp = &zone->pageset[cpu].pcp;

			pcp->high = 0;
			pcp->batch = 1;
			for (int t = 0; t < MIGRATE_PCPTYPES; t++)
				INIT_LIST_HEAD(&pcp->lists[t]);
		}
		zone_init_free_lists(zone);
	}
	return 0;
}

/* memmap_init_zone / init_unavailable_range */
static void world_memmap_init(struct world *w, const struct bf_topology *t)
{
	int nid, zid;
	struct zone *zone;

	/*
	 * Holes and the tail past max_pfn are init_unavailable_range pages
	 * (zone 0, node 0, reserved); zone pages get their links.  One pass,
	 * the same result as initialising everything and then the zones.
	 */
	for (unsigned long pfn = w->max_pfn; pfn < w->memmap_pfns; pfn++) {
		init_single_page(&w->mem_map[pfn], 0, 0);
		__SetPageFlag(&w->mem_map[pfn], PG_reserved);
	}
	for_each_zone_of_world(w, nid, zid, zone) {
		for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++) {
			struct page *page = &w->mem_map[pfn];
			int hole = t->nr_holes && hole_at(t, pfn);

			init_single_page(page, hole ? 0 : zid, hole ? 0 : nid);
			/* memblock reserves the range until it is released */
			__SetPageFlag(page, PG_reserved);
			if (!hole && !(pfn & (pageblock_nr_pages - 1)))
				set_pageblock_migratetype(w, page, MIGRATE_MOVABLE);
		}
	}
}

static struct world *world_boot(struct world *w, struct world_bufs *b, const struct bf_topology *t,
				char *err, size_t errlen);

struct world *world_create(const struct bf_topology *t, char *err, size_t errlen)
{
	return world_recreate(NULL, t, err, errlen);
}

/*
 * world_recreate - boot a new world in the memory of an old one (which is
 * gone afterwards, even on failure).  Everything is initialised again as
 * world_create does, so the result does not depend on the old world.
 */
struct world *world_recreate(struct world *old, const struct bf_topology *t, char *err, size_t errlen)
{
	struct world_bufs b = { 0 };
	struct world *w = old;

	if (old) {
		b = (struct world_bufs){ old->mem_map, old->mem_map_cap, old->pageblock_flags, old->pbf_cap,
					 old->pagesets, old->dirty, old->dirty_cap, old->feat };
		memset(old, 0, sizeof(*old));
	} else if (!(w = calloc(1, sizeof(*w)))) {
		return snprintf(err, errlen, "out of memory"), NULL;
	}
	if (bf_topology_check(t, err, errlen)) {
		world_bufs_give(w, &b);
		world_destroy(w);
		return NULL;
	}
	return world_boot(w, &b, t, err, errlen);
}

static struct world *world_boot(struct world *w, struct world_bufs *b, const struct bf_topology *t,
				char *err, size_t errlen)
{
	struct context cx;
	int nid, zid;
	struct zone *zone;

	w->nr_nodes = t->nr_nodes;
	w->nr_cpus = t->nr_cpus;
	w->nr_holes = t->nr_holes;
	w->fixes = t->fixes & (BF_FIX(BF_NR_FIXES) - 1);
	memcpy(w->hole, t->hole, sizeof(w->hole));
	spin_lock_init(&w->rec.lock);
	w->gfp_allowed_mask = __GFP_BITS_MASK;
	w->min_free_kbytes = 1024;
	w->user_min_free_kbytes = -1;
	w->watermark_scale_factor = t->watermark_scale_factor >= 0 ? (int)t->watermark_scale_factor : 10;
	w->watermark_boost_factor = t->watermark_boost_factor >= 0 ? (int)t->watermark_boost_factor : 15000;
	{
		static const int def_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0 };

		for (int z = 0; z < MAX_NR_ZONES; z++)
			w->lowmem_reserve_ratio[z] = t->lowmem_reserve_ratio[z] >= 0 ?
				(t->lowmem_reserve_ratio[z] < 1 ? 0 : (int)t->lowmem_reserve_ratio[z]) : def_ratio[z];
	}
	w->percpu_pagelist_fraction = t->percpu_pagelist_fraction > 0 ? (int)t->percpu_pagelist_fraction : 0;
	for (int a = 0; a < t->nr_nodes; a++)
		for (int b = 0; b < t->nr_nodes; b++)
			w->distance[a][b] = t->distance[a][b] ? t->distance[a][b] :
					    (a == b ? LOCAL_DISTANCE : REMOTE_DISTANCE);
	for (int cpu = 0; cpu < w->nr_cpus; cpu++) {
		for (int n = 0; n < t->nr_nodes; n++)
			if (t->node[n].cpumask & (1U << cpu))
				w->cpu[cpu].nid = n;
		w->cpu[cpu].current = &w->task[cpu];
		spin_lock_init(&w->cpu[cpu].irq_lock);
	}

	world_layout(w, t);
	if (world_alloc(w, b)) {
		world_bufs_give(w, b);
		world_destroy(w);
		return snprintf(err, errlen, "out of memory"), NULL;
	}
	world_memmap_init(w, t);

	/* memblock_free_all: free ranges (present pfns), ascending, on the boot CPU */
	cx = context_of(w, 0);
	for (unsigned long pfn = 0; pfn < w->max_pfn;) {
		unsigned long end;

		if (hole_at(t, pfn)) {
			pfn++;
			continue;
		}
		for (end = pfn; end < w->max_pfn && !hole_at(t, end); end++)
			;
		free_pages_memory(&cx, pfn, end);
		pfn = end;
	}

	build_all_zonelists(w);
	mempolicy_init(w);
	for_each_zone_of_world(w, nid, zid, zone)  /* setup_per_cpu_pageset */
		if (populated_zone(zone))
			zone_set_pageset_high_and_batch(zone);
	/*
	 * smp_init: vmstat_cpu_online() runs refresh_zone_stat_thresholds() as
	 * each secondary CPU comes up -- before init_per_zone_wmark_min(), with
	 * watermarks still 0, so percpu_drift_mark is set to cpus * threshold.
	 */
	if (w->nr_cpus > 1)
		refresh_zone_stat_thresholds(w);
	init_per_zone_wmark_min(w);
	if (t->min_free_kbytes >= 0)
		world_sysctl(w, SYSCTL_MIN_FREE_KBYTES, &t->min_free_kbytes, 1);
	return w;
}

void world_destroy(struct world *w)
{
	if (!w)
		return;
	free(w->pagesets);
	free(w->mem_map);
	free(w->pageblock_flags);
	free(w->dirty);
	free(w->feat);
	free(w);
}

void world_features_clear(struct world *w)
{
	memset(w->feat, 0, NR_FEATURES);
}

void world_explain_set(struct world *w, struct bf_explain *x)
{
	w->explain = x;
}

void world_set_irq(struct world *w, int cpu, bool in_interrupt)
{
	w->cpu[cpu].in_interrupt = in_interrupt;
}

void world_set_task_flags(struct world *w, int cpu, unsigned int pf_flags)
{
	w->cpu[cpu].current->flags = pf_flags;
}

void page_poke(struct world *w, unsigned long pfn, enum bf_poke_field f, unsigned long value)
{
	struct page *page = pfn_to_page(w, pfn);

	page_touch(w, page, 1);
	if (f == POKE_REFCOUNT)
		w->refcount_poked = true;
	switch (f) {
	case POKE_FLAGS_SET:
		page_flags_write(page, page->flags | (value & ((1UL << NR_PAGEFLAGS) - 1)));
		break;
	case POKE_FLAGS_CLEAR:
		page_flags_write(page, page->flags & ~(value & ((1UL << NR_PAGEFLAGS) - 1)));
		break;
	case POKE_MAPPING:
		WRITE_ONCE(page->mapping, value);
		break;
	case POKE_MAPCOUNT:
		page->_mapcount = (int)value;
		break;
	case POKE_REFCOUNT:
		set_page_count(page, (int)value);
		break;
	case POKE_MEMCG:
		page->memcg_data = value;
		break;
	}
}
