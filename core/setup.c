/*
 * setup.c - the sizes 5.10 derives from the memory layout: zonelists
 * (build_all_zonelists, find_next_best_node, build_zonerefs_node), mobility
 * grouping, min_free_kbytes (init_per_zone_wmark_min), watermarks
 * (__setup_per_zone_wmarks), lowmem_reserve (setup_per_zone_lowmem_reserve,
 * the 5.10.0 algorithm), totalreserve_pages, pcp high/batch
 * (zone_batchsize, pageset_set_high_and_batch) and the sysctl handlers.
 *
 * Deviation from v5.10: build_all_zonelists runs before the memblock release
 * and sees managed_pages estimates (present minus memmap); the model builds
 * zonelists and decides mobility grouping from the final managed counts.
 */
#include <errno.h>
#include "internal.h"

#define MAX_NUMNODES 1024  /* NODES_SHIFT 10, a distribution config */
#define PENALTY_FOR_NODE_WITH_CPUS 1

static int node_distance(const struct world *w, int a, int b) { return w->distance[a][b]; }

static bool node_has_memory(const struct world *w, int nid)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&w->node[nid].node_zones[z]))
			return true;
	return false;
}

static bool node_has_cpus(const struct world *w, int nid)
{
	for (int cpu = 0; cpu < w->nr_cpus; cpu++)
		if (w->cpu[cpu].nid == nid)
			return true;
	return false;
}

/*
 * find_next_best_node - the local node first, then the nearest node with
 * memory; ties go to higher node ids and nodes without CPUs, then node_load
 * spreads nodes at equal distance across the zonelists.
 */
static int find_next_best_node(struct world *w, int node, unsigned long *used)
{
	int min_val = 0x7fffffff, best_node = NUMA_NO_NODE;

	if (!node_isset(node, used)) {
		*used |= 1UL << node;
		return node;
	}
	for (int n = 0; n < w->nr_nodes; n++) {
		int val;

		if (!node_has_memory(w, n) || node_isset(n, used))
			continue;
		val = node_distance(w, node, n);
		val += (n < node);  /* Penalize nodes under us ("prefer the next node") */
		if (node_has_cpus(w, n))
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val *= w->nr_nodes * MAX_NUMNODES;  /* MAX_NODE_LOAD * MAX_NUMNODES */
		val += w->node_load[n];
		if (val < min_val) {
			min_val = val;
			best_node = n;
		}
	}
	if (best_node >= 0)
		*used |= 1UL << best_node;
	return best_node;
}

/* build_zonerefs_node - the node's zones with managed pages, highest first. */
static int build_zonerefs_node(struct world *w, pg_data_t *pgdat, struct zoneref *zonerefs)
{
	int zone_type = MAX_NR_ZONES, nr_zones = 0;

	do {
		struct zone *zone = &pgdat->node_zones[--zone_type];

		if (managed_zone(zone)) {
			zonerefs[nr_zones].zone = zone;
			zonerefs[nr_zones++].zone_idx = zone_type;
			if (zone_type != ZONE_MOVABLE && zone_type > (int)w->policy_zone)
				w->policy_zone = (enum zone_type)zone_type;  /* check_highest_zone */
		}
	} while (zone_type);
	return nr_zones;
}

static void build_zonelists(struct world *w, pg_data_t *pgdat)
{
	int node_order[BF_MAX_NODES], nr_nodes = 0, node;
	int local_node = pgdat->node_id, prev_node = local_node, load = w->nr_nodes;
	unsigned long used_mask = 0;
	struct zoneref *zonerefs = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	int n;

	while ((node = find_next_best_node(w, local_node, &used_mask)) >= 0) {
		/* Spread equal-distance nodes: later zonelists see the load. */
		if (node_distance(w, local_node, node) != node_distance(w, local_node, prev_node))
			w->node_load[node] = load;
		node_order[nr_nodes++] = node;
		prev_node = node;
		load--;
	}
	for (int i = 0; i < nr_nodes; i++)
		zonerefs += build_zonerefs_node(w, &w->node[node_order[i]], zonerefs);
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;

	/* build_thisnode_zonelists */
	zonerefs = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	n = build_zonerefs_node(w, pgdat, zonerefs);
	zonerefs[n].zone = NULL;
	zonerefs[n].zone_idx = 0;
}

/* nr_free_zone_pages - managed above the high mark, zones <= offset, CPU 0's zonelist. */
static unsigned long nr_free_zone_pages(struct world *w, enum zone_type offset)
{
	struct zonelist *zl = &w->node[w->cpu[0].nid].node_zonelists[ZONELIST_FALLBACK];
	unsigned long sum = 0;
	struct zoneref *z;
	struct zone *zone;

	for_each_zone_zonelist_nodemask(zone, z, zl, offset, NULL) {
		unsigned long size = zone_managed_pages(zone), high = high_wmark_pages(zone);

		if (size > high)
			sum += size - high;
	}
	return sum;
}

/*
 * build_all_zonelists - also decides page_group_by_mobility_disabled: too
 * little memory for grouping by mobility to make sense.
 */
void build_all_zonelists(struct world *w)
{
	for (int nid = 0; nid < w->nr_nodes; nid++)
		w->node_load[nid] = 0;
	for (int nid = 0; nid < w->nr_nodes; nid++)
		build_zonelists(w, &w->node[nid]);
	w->page_group_by_mobility_disabled =
		nr_free_zone_pages(w, ZONE_MOVABLE) < pageblock_nr_pages * MIGRATE_TYPES;
}

static unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

static void calculate_totalreserve_pages(struct world *w)
{
	unsigned long reserve_pages = 0;

	for (int nid = 0; nid < w->nr_nodes; nid++) {
		pg_data_t *pgdat = &w->node[nid];

		pgdat->totalreserve_pages = 0;
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			unsigned long managed_pages = zone_managed_pages(zone);
			long max = 0;

			for (int j = i; j < MAX_NR_ZONES; j++)
				if (zone->lowmem_reserve[j] > max)
					max = zone->lowmem_reserve[j];
			max += (long)high_wmark_pages(zone);
			if ((unsigned long)max > managed_pages)
				max = (long)managed_pages;
			pgdat->totalreserve_pages += (unsigned long)max;
			reserve_pages += (unsigned long)max;
		}
	}
	w->totalreserve_pages = reserve_pages;
}

/* __setup_per_zone_wmarks - min shared by managed size; low/high gaps by scale factor. */
void setup_per_zone_wmarks(struct world *w)
{
	unsigned long pages_min = (unsigned long)w->min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	int nid, zid;
	struct zone *zone;

	for_each_zone_of_world(w, nid, zid, zone)
		lowmem_pages += zone_managed_pages(zone);  /* no highmem on x86_64 */

	for_each_zone_of_world(w, nid, zid, zone) {
		uint64_t tmp;

		spin_lock(&zone->lock);
		tmp = (uint64_t)pages_min * zone_managed_pages(zone);
		tmp /= lowmem_pages;
		WRITE_ONCE(zone->_watermark[WMARK_MIN], tmp);
		/* The gaps: a quarter of min, or watermark_scale_factor of the zone. */
		if ((tmp >> 2) < mult_frac(zone_managed_pages(zone), (unsigned long)w->watermark_scale_factor, 10000))
			tmp = mult_frac(zone_managed_pages(zone), (unsigned long)w->watermark_scale_factor, 10000);
		else
			tmp >>= 2;
		WRITE_ONCE(zone->watermark_boost, 0);
		WRITE_ONCE(zone->_watermark[WMARK_LOW], min_wmark_pages(zone) + tmp);
		WRITE_ONCE(zone->_watermark[WMARK_HIGH], min_wmark_pages(zone) + tmp * 2);
		spin_unlock(&zone->lock);
	}
	calculate_totalreserve_pages(w);
}

/* setup_per_zone_lowmem_reserve - 5.10.0: a lower zone with ratio 0 or no pages is skipped. */
void setup_per_zone_lowmem_reserve(struct world *w)
{
	for (int nid = 0; nid < w->nr_nodes; nid++) {
		pg_data_t *pgdat = &w->node[nid];

		for (int j = 0; j < MAX_NR_ZONES; j++) {
			struct zone *zone = &pgdat->node_zones[j];
			unsigned long managed_pages = zone_managed_pages(zone);
			int idx = j;

			WRITE_ONCE(zone->lowmem_reserve[j], 0);
			while (idx) {
				struct zone *lower_zone = &pgdat->node_zones[--idx];

				if (!w->lowmem_reserve_ratio[idx] || !zone_managed_pages(lower_zone)) {
					WRITE_ONCE(lower_zone->lowmem_reserve[j], 0);
					continue;
				}
				WRITE_ONCE(lower_zone->lowmem_reserve[j],
					   (long)(managed_pages / (unsigned long)w->lowmem_reserve_ratio[idx]));
				managed_pages += zone_managed_pages(lower_zone);
			}
		}
	}
	calculate_totalreserve_pages(w);
}

/* init_per_zone_wmark_min - sqrt(lowmem_kbytes * 16), clamped to [128, 262144]. */
void init_per_zone_wmark_min(struct world *w)
{
	unsigned long lowmem_kbytes = nr_free_zone_pages(w, ZONE_NORMAL) * (PAGE_SIZE >> 10);
	unsigned long x = lowmem_kbytes * 16, r = 0;
	int new_min_free_kbytes;

	/* int_sqrt */
	for (unsigned long b = 1UL << 62; b; b >>= 2) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
	}
	new_min_free_kbytes = (int)r;
	if (new_min_free_kbytes > w->user_min_free_kbytes) {
		w->min_free_kbytes = new_min_free_kbytes;
		if (w->min_free_kbytes < 128)
			w->min_free_kbytes = 128;
		if (w->min_free_kbytes > 262144)
			w->min_free_kbytes = 262144;
	}
	setup_per_zone_wmarks(w);
	refresh_zone_stat_thresholds(w);
	setup_per_zone_lowmem_reserve(w);
}

/* zone_batchsize - about 1/1000 of the zone, at most 1 MiB / 4, rounded to 2^n - 1. */
int zone_batchsize(const struct zone *zone)
{
	int batch = (int)(zone_managed_pages(zone) / 1024);
	unsigned int v;

	if ((unsigned long)batch * PAGE_SIZE > 1024 * 1024)
		batch = (1024 * 1024) / PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	v = (unsigned int)(batch + batch / 2);  /* rounddown_pow_of_two */
	return (int)(1U << (31 - __builtin_clz(v))) - 1;
}

/* pageset_update - batch 1 first, so a racing reader never sees a batch above high. */
static void pageset_update(struct per_cpu_pages *pcp, unsigned long high, unsigned long batch)
{
	WRITE_ONCE(pcp->batch, 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);  /* smp_wmb */
	WRITE_ONCE(pcp->high, (int)high);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	WRITE_ONCE(pcp->batch, (int)batch);
}

/* pageset_set_high_and_batch - from zone_batchsize, or percpu_pagelist_fraction. */
void zone_set_pageset_high_and_batch(struct zone *zone)
{
	struct world *w = zone_world(zone);

	for (int cpu = 0; cpu < w->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->pageset[cpu].pcp;

		if (w->percpu_pagelist_fraction) {
			unsigned long high = zone_managed_pages(zone) / (unsigned long)w->percpu_pagelist_fraction;
			unsigned long batch = high / 4 > 1 ? high / 4 : 1;

			if (high / 4 > PAGE_SHIFT * 8)
				batch = PAGE_SHIFT * 8;
			pageset_update(pcp, high, batch);
		} else {
			unsigned long batch = (unsigned long)zone_batchsize(zone);

			pageset_update(pcp, 6 * batch, batch > 1 ? batch : 1);
		}
	}
}

/* The sysctl handlers of kernel/sysctl.c and mm/page_alloc.c. */
int world_sysctl(struct world *w, enum bf_sysctl which, const long *values, int n)
{
	int nid, zid;
	struct zone *zone;
	long value = n > 0 ? values[0] : -1;

	if (n != (which == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1))
		return -EINVAL;
	switch (which) {
	case SYSCTL_MIN_FREE_KBYTES:  /* min_free_kbytes_sysctl_handler; extra1 = 0 */
		if (value < 0 || value > 0x7fffffff)
			return -EINVAL;
		w->min_free_kbytes = (int)value;
		w->user_min_free_kbytes = (int)value;
		setup_per_zone_wmarks(w);
		return 0;
	case SYSCTL_WATERMARK_SCALE_FACTOR:  /* range [1, 1000] */
		if (value < 1 || value > 1000)
			return -EINVAL;
		w->watermark_scale_factor = (int)value;
		setup_per_zone_wmarks(w);
		return 0;
	case SYSCTL_WATERMARK_BOOST_FACTOR:  /* minimum 0; nothing re-run */
		if (value < 0 || value > 0x7fffffff)
			return -EINVAL;
		w->watermark_boost_factor = (int)value;
		return 0;
	case SYSCTL_LOWMEM_RESERVE_RATIO:  /* lowmem_reserve_ratio_sysctl_handler */
		for (int i = 0; i < MAX_NR_ZONES; i++)
			if (values[i] > 0x7fffffff || values[i] < -0x7fffffffL - 1)
				return -EINVAL;
		for (int i = 0; i < MAX_NR_ZONES; i++)
			w->lowmem_reserve_ratio[i] = values[i] < 1 ? 0 : (int)values[i];
		setup_per_zone_lowmem_reserve(w);
		return 0;
	case SYSCTL_PERCPU_PAGELIST_FRACTION:  /* 0 or >= MIN_PERCPU_PAGELIST_FRACTION (8) */
		if (value < 0 || (value != 0 && value < 8) || value > 0x7fffffff)
			return -EINVAL;
		if (w->percpu_pagelist_fraction == value)
			return 0;
		w->percpu_pagelist_fraction = (int)value;
		for_each_zone_of_world(w, nid, zid, zone)
			if (populated_zone(zone))
				zone_set_pageset_high_and_batch(zone);
		return 0;
	}
	return -EINVAL;
}
