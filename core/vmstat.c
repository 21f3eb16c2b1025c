/*
 * vmstat.c - zone counters as 5.10 keeps them: a global atomic per zone plus a
 * signed 8-bit delta per CPU, folded into the global once it passes the CPU's
 * stat_threshold (__mod_zone_page_state); NUMA counters with u16 deltas and
 * NUMA_STATS_THRESHOLD (__inc_numa_state); vm events per CPU, summed on read.
 *
 * Watermark checks read zone_page_state() -- the global value, clamped at 0 --
 * so they see the same lag the kernel sees.  zone_page_state_snapshot() adds
 * the deltas.  Deltas are only touched with the CPU's irq lock held.
 */
#include <stdlib.h>
#include "internal.h"
#include "vmstat.h"

void zone_page_state_add_global(struct zone *zone, enum zone_stat_item item, long x)
{
	__atomic_add_fetch(&zone->vm_stat[item], x, __ATOMIC_RELAXED);
}

/* __mod_zone_page_state - caller runs on cx->cpu with its irq lock held. */
void __mod_zone_page_state(struct context *cx, struct zone *zone, enum zone_stat_item item, long delta)
{
	struct per_cpu_pageset *pcp = &zone->pageset[cx->cpu];
	long x = delta + pcp->vm_stat_diff[item];
	long t = pcp->stat_threshold;

	if (labs(x) > t) {
		zone_page_state_add_global(zone, item, x);
		x = 0;
	}
	WRITE_ONCE(pcp->vm_stat_diff[item], (signed char)x);
}

/* __mod_zone_freepage_state - NR_FREE_PAGES, and NR_FREE_CMA_PAGES for CMA. */
void __mod_zone_freepage_state(struct context *cx, struct zone *zone, int nr_pages, int migratetype)
{
	__mod_zone_page_state(cx, zone, NR_FREE_PAGES, nr_pages);
	if (is_migrate_cma(migratetype))
		__mod_zone_page_state(cx, zone, NR_FREE_CMA_PAGES, nr_pages);
}


unsigned long zone_page_state_snapshot(const struct zone *zone, enum zone_stat_item item)
{
	const struct world *w = zone_world(zone);
	long x = __atomic_load_n(&zone->vm_stat[item], __ATOMIC_RELAXED);

	for (int cpu = 0; cpu < w->nr_cpus; cpu++)
		x += READ_ONCE(zone->pageset[cpu].vm_stat_diff[item]);
	return x < 0 ? 0 : (unsigned long)x;
}


unsigned long zone_numa_state_snapshot(const struct zone *zone, enum numa_stat_item item)
{
	const struct world *w = zone_world(zone);
	long x = __atomic_load_n(&zone->vm_numa_stat[item], __ATOMIC_RELAXED);

	for (int cpu = 0; cpu < w->nr_cpus; cpu++)
		x += READ_ONCE(zone->pageset[cpu].vm_numa_stat_diff[item]);
	return (unsigned long)x;
}


unsigned long sum_vm_event(const struct world *w, enum vm_event_item item)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < w->nr_cpus; cpu++)
		sum += __atomic_load_n(&w->cpu[cpu].vm_events[item], __ATOMIC_RELAXED);
	return sum;
}


static int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* calculate_normal_threshold - memory in 128 MiB units, scaled by online CPUs. */
static int calculate_normal_threshold(const struct world *w, const struct zone *zone)
{
	int mem = (int)(zone_managed_pages(zone) >> (27 - PAGE_SHIFT));
	int threshold = 2 * fls((unsigned int)w->nr_cpus) * (1 + fls((unsigned int)mem));

	return threshold < 125 ? threshold : 125;
}

/* refresh_zone_stat_thresholds - also sets percpu_drift_mark. */
void refresh_zone_stat_thresholds(struct world *w)
{
	int nid, zid;
	struct zone *zone;

	for_each_zone_of_world(w, nid, zid, zone) {
		unsigned long max_drift, tolerate_drift;
		int threshold;

		if (!populated_zone(zone))
			continue;
		threshold = calculate_normal_threshold(w, zone);
		for (int cpu = 0; cpu < w->nr_cpus; cpu++)
			zone->pageset[cpu].stat_threshold = (signed char)threshold;
		tolerate_drift = low_wmark_pages(zone) - min_wmark_pages(zone);
		max_drift = (unsigned long)w->nr_cpus * (unsigned long)threshold;
		if (max_drift > tolerate_drift)
			zone->percpu_drift_mark = high_wmark_pages(zone) + max_drift;
	}
}

/*
 * refresh_cpu_vm_stats - fold one CPU's deltas into the globals (the
 * per-cpu vmstat work).  A zone whose deltas moved gets expire = 3; with
 * do_pagesets, a remote zone's pcp that stays idle for three rounds is
 * trimmed by drain_zone_pages(); a local zone's countdown is cancelled.
 */
int refresh_cpu_vm_stats(struct world *w, int cpu, bool do_pagesets)
{
	struct context cx = context_of(w, cpu);
	int nid, zid, changes = 0;
	struct zone *zone;

	for_each_zone_of_world(w, nid, zid, zone) {
		struct per_cpu_pageset *p;
		bool drain = false;

		if (!populated_zone(zone))
			continue;
		p = &zone->pageset[cpu];
		spin_lock(&w->cpu[cpu].irq_lock);
		for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
			int v = p->vm_stat_diff[i];

			WRITE_ONCE(p->vm_stat_diff[i], 0);
			if (v) {
				zone_page_state_add_global(zone, i, v);
				changes++;
				p->expire = 3;
			}
		}
		for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++) {
			int v = p->vm_numa_stat_diff[i];

			WRITE_ONCE(p->vm_numa_stat_diff[i], 0);
			if (v) {
				__atomic_add_fetch(&zone->vm_numa_stat[i], (long)v, __ATOMIC_RELAXED);
				changes++;
				p->expire = 3;
			}
		}
		if (do_pagesets && p->expire && p->pcp.count) {
			if (zone_to_nid(zone) == w->cpu[cpu].nid)
				p->expire = 0;
			else if (--p->expire == 0 && p->pcp.count)
				drain = true;
		}
		spin_unlock(&w->cpu[cpu].irq_lock);
		if (drain) {
			drain_zone_pages(&cx, zone, &p->pcp);
			changes++;
		}
	}
	return changes;
}

/* vmstat_refresh - the /proc/sys/vm/stat_refresh write: refresh_vm_stats on every CPU. */
void vmstat_refresh(struct world *w)
{
	for (int cpu = 0; cpu < w->nr_cpus; cpu++)
		refresh_cpu_vm_stats(w, cpu, true);
}

/* vmstat_update - one CPU's periodic vmstat work (every vm.stat_interval). */
void vmstat_update(struct world *w, int cpu)
{
	refresh_cpu_vm_stats(w, cpu, true);
}
