/*
 * vmstat.h - the hot vmstat helpers, inline: zone_page_state() (what the
 * watermark checks read), __inc_numa_state(), __count_vm_events(),
 * zone_statistics().  The rest of the counter machinery is in vmstat.c.
 */
#ifndef BF_CORE_VMSTAT_H
#define BF_CORE_VMSTAT_H

#include "internal.h"

static inline unsigned long zone_page_state(const struct zone *zone, enum zone_stat_item item)
{
	long x = __atomic_load_n(&zone->vm_stat[item], __ATOMIC_RELAXED);

	return x < 0 ? 0 : (unsigned long)x;
}

static inline void __count_vm_events(struct context *cx, enum vm_event_item item, long delta)
{
	this_cpu(cx)->vm_events[item] += (unsigned long)delta;
}

/* __inc_numa_state - u16 delta, folded whole past NUMA_STATS_THRESHOLD. */
static inline void __inc_numa_state(struct context *cx, struct zone *zone, enum numa_stat_item item)
{
	unsigned short *p = &zone->pageset[cx->cpu].vm_numa_stat_diff[item];
	unsigned short v = (unsigned short)(*p + 1);

	if (v > NUMA_STATS_THRESHOLD) {
		__atomic_add_fetch(&zone->vm_numa_stat[item], (long)v, __ATOMIC_RELAXED);
		v = 0;
	}
	WRITE_ONCE(*p, v);
}

/*
 * zone_statistics - once per successful allocation: hit/miss by the preferred
 * zone's node, local/other by the CPU's node.
 */
static inline void zone_statistics(struct context *cx, struct zone *preferred_zone, struct zone *z)
{
	enum numa_stat_item local_stat = NUMA_LOCAL;

	if (zone_to_nid(z) != numa_node_id(cx))
		local_stat = NUMA_OTHER;

	if (zone_to_nid(z) == zone_to_nid(preferred_zone)) {
		__inc_numa_state(cx, z, NUMA_HIT);
	} else {
		__inc_numa_state(cx, z, NUMA_MISS);
		__inc_numa_state(cx, preferred_zone, NUMA_FOREIGN);
	}
	__inc_numa_state(cx, z, local_stat);
}

#endif /* BF_CORE_VMSTAT_H */
