/*
 * dump.c - /proc/buddyinfo, /proc/pagetypeinfo and /proc/zoneinfo, byte for
 * byte in the 5.10 formats.  Modelled on mm/vmstat.c:
 *   buddyinfo     frag_show -> walk_zones_in_node(populated) -> frag_show_print
 *   pagetypeinfo  pagetypeinfo_show -> pagetypeinfo_showfree(_print),
 *                 pagetypeinfo_showblockcount(_print); pagetypeinfo_showmixedcount
 *                 prints nothing (CONFIG_PAGE_OWNER=n)
 *   zoneinfo      zoneinfo_show -> walk_zones_in_node(all zones) ->
 *                 zoneinfo_show_print, is_zone_first_populated
 * Nodes are visited as frag_start/frag_next do (every online node, in id
 * order).  Like walk_zones_in_node (nolock == false) each zone is printed
 * under its zone->lock, so a threaded harness may dump a running world; the
 * lock word is the only thing touched, and it is restored.  Never call these
 * with a zone->lock held.
 */
#include <stdio.h>
#include "inspect.h"
#include "internal.h"
#include "vmstat.h"

/* x86_64 SPARSEMEM: SECTION_SIZE_BITS 27, so 2^15 pages per memory section. */
#define BF_PAGES_PER_SECTION (1UL << (27 - PAGE_SHIFT))

/*
 * enum node_stat_item of 5.10 (CONFIG_SHADOW_CALL_STACK=n, so no
 * nr_shadow_call_stack), with the names vmstat_text gives them.  The model
 * keeps no per-node counters: each prints 0.
 */
#define BF_NR_VM_NODE_STAT_ITEMS 37
static const char *const dump_node_stat_names[] = {
	"nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
	"nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable",
	"nr_isolated_anon", "nr_isolated_file", "workingset_nodes",
	"workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file",
	"workingset_nodereclaim", "nr_anon_pages", "nr_mapped", "nr_file_pages",
	"nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_shmem",
	"nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_file_hugepages",
	"nr_file_pmdmapped", "nr_anon_transparent_hugepages", "nr_vmscan_write",
	"nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
	"nr_kernel_misc_reclaimable", "nr_foll_pin_acquired", "nr_foll_pin_released",
	"nr_kernel_stack",
};
_Static_assert(sizeof(dump_node_stat_names) / sizeof(dump_node_stat_names[0]) ==
	       BF_NR_VM_NODE_STAT_ITEMS, "5.10 has 37 node_stat_items in this config");

/* zone_names[] of page_alloc.c; free_area_init_core sets zone->name for every zone. */
static const char *dump_zone_name(const struct zone *z, int zid)
{
	return z->name ? z->name : zone_names[zid];
}

/* walk_zones_in_node takes zone->lock around each print (nolock == false). */
static void dump_lock(const struct zone *z) { spin_lock((spinlock_t *)&z->lock); }
static void dump_unlock(const struct zone *z) { spin_unlock((spinlock_t *)&z->lock); }

typedef void (*zone_print_fn)(FILE *f, const struct world *w, const pg_data_t *pgdat,
			      const struct zone *z, int zid);

/* walk_zones_in_node - every zone of the node in index order, each under its lock. */
static void walk_zones_in_node(FILE *f, const struct world *w, const pg_data_t *pgdat,
			       bool assert_populated, zone_print_fn print)
{
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		const struct zone *z = &pgdat->node_zones[zid];

		if (assert_populated && !populated_zone(z))
			continue;
		dump_lock(z);
		print(f, w, pgdat, z, zid);
		dump_unlock(z);
	}
}

/* node_state(nid, N_MEMORY): set when any zone of the node has present pages. */
static bool node_has_memory(const pg_data_t *pgdat)
{
	for (int zid = 0; zid < MAX_NR_ZONES; zid++)
		if (populated_zone(&pgdat->node_zones[zid]))
			return true;
	return false;
}

/* ---- /proc/buddyinfo ---------------------------------------------------- */

/* frag_show_print */
static void frag_show_print(FILE *f, const struct world *w, const pg_data_t *pgdat, const struct zone *z,
			    int zid)
{
	fprintf(f, "Node %d, zone %8s ", pgdat->node_id, dump_zone_name(z, zid));
	for (int order = 0; order < MAX_ORDER; order++)
		fprintf(f, "%6lu ", z->free_area[order].nr_free);
	fputc('\n', f);
}

void bf_dump_buddyinfo(const struct world *w, FILE *f)
{
	for (int nid = 0; nid < w->nr_nodes; nid++)
		walk_zones_in_node(f, w, &w->node[nid], true, frag_show_print);
}

/* ---- /proc/pagetypeinfo ------------------------------------------------- */

static void showfree_print(FILE *f, const struct world *w, const pg_data_t *pgdat, const struct zone *z,
			   int zid)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		fprintf(f, "Node %4d, zone %8s, type %12s ", pgdat->node_id,
			dump_zone_name(z, zid), migratetype_names[mt]);
		for (int order = 0; order < MAX_ORDER; order++) {
			const struct list_head *head = &z->free_area[order].free_list[mt];
			const struct list_head *pos;
			unsigned long freecount = 0;
			bool overflow = false;

			/* The kernel stops counting (and marks ">") once the count reaches 100000. */
			list_for_each(pos, head) {
				if (++freecount >= 100000) {
					overflow = true;
					break;
				}
			}
			fprintf(f, "%s%6lu ", overflow ? ">" : "", freecount);
		}
		fputc('\n', f);
	}
}

/*
 * pfn_to_online_page() for a boot-time world: x86_64 boot sections are early
 * sections, online when memblock.memory has any page in them, and then every
 * pfn of the section has a struct page (pfn_valid covers the whole section;
 * memmap_valid_within is a no-op without ARCH_HAS_HOLES_MEMORYMODEL).  A
 * section made only of holes has no memmap: its pfns are skipped.  The last
 * answer is cached, since samples come in ascending pfn order.
 */
static bool section_online(const struct world *w, unsigned long pfn, unsigned long *cached_sec,
			   bool *cached_online)
{
	unsigned long sec = pfn / BF_PAGES_PER_SECTION;
	if (sec != *cached_sec) {
		unsigned long p = sec * BF_PAGES_PER_SECTION;
		unsigned long end = p + BF_PAGES_PER_SECTION;
		if (end > w->max_pfn)
			end = w->max_pfn;
		*cached_sec = sec;
		*cached_online = false;
		for (; p < end; p++) {
			if (bf_pfn_present(w, p)) {
				*cached_online = true;
				break;
			}
		}
	}
	return *cached_online;
}

/*
 * pagetypeinfo_showblockcount_print.  The kernel samples pfns from
 * zone_start_pfn in steps of pageblock_nr_pages and counts a sample when
 * pfn_to_online_page() gives a page and page_zone(page) is this zone, then
 * reads get_pageblock_migratetype(page) and counts values < MIGRATE_TYPES.
 * Decision for the model: the same test, literally.  "Online" is
 * section_online() above; "page_zone(page) == zone" compares the node/zone
 * bits the model stored in page->flags of the sampled pfn.  So a pageblock
 * whose first pfn is a hole counts only if the model gave that hole page this
 * zone's ids: 5.10.0's init_unavailable_range gives hole pages node 0 zone 0
 * (a fake zone), which makes such blocks count in node 0's DMA zone only.
 * Whatever setup writes into hole pages' flags decides it, as in the kernel.
 */
static void showblockcount_print(FILE *f, const struct world *w, const pg_data_t *pgdat,
				 const struct zone *z, int zid)
{
	unsigned long count[MIGRATE_TYPES] = { 0 };
	unsigned long want = ((unsigned long)pgdat->node_id << 2) | (unsigned long)zid;
	unsigned long cached_sec = ~0UL;
	bool cached_online = false;

	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn += pageblock_nr_pages) {
		if (pfn >= w->max_pfn || !section_online(w, pfn, &cached_sec, &cached_online))
			continue;
		const struct page *page = &w->mem_map[pfn];
		if (page_zone_id(page) != want)
			continue;
		int mt = get_pageblock_migratetype((struct world *)w, page);
		if (mt >= 0 && mt < MIGRATE_TYPES)
			count[mt]++;
	}

	fprintf(f, "Node %d, zone %8s ", pgdat->node_id, dump_zone_name(z, zid));
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(f, "%12lu ", count[mt]);
	fputc('\n', f);
}

void bf_dump_pagetypeinfo(const struct world *w, FILE *f)
{
	for (int nid = 0; nid < w->nr_nodes; nid++) {
		const pg_data_t *pgdat = &w->node[nid];
		if (!node_has_memory(pgdat))
			continue;       /* memoryless node: nothing at all */

		fprintf(f, "Page block order: %d\n", pageblock_order);
		fprintf(f, "Pages per block:  %lu\n", pageblock_nr_pages);
		fputc('\n', f);

		/* pagetypeinfo_showfree */
		fprintf(f, "%-43s ", "Free pages count per migrate type at order");
		for (int order = 0; order < MAX_ORDER; order++)
			fprintf(f, "%6d ", order);
		fputc('\n', f);
		walk_zones_in_node(f, w, pgdat, true, showfree_print);

		/* pagetypeinfo_showblockcount */
		fprintf(f, "\n%-23s", "Number of blocks type ");
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			fprintf(f, "%12s ", migratetype_names[mt]);
		fputc('\n', f);
		walk_zones_in_node(f, w, pgdat, true, showblockcount_print);
		/* pagetypeinfo_showmixedcount: CONFIG_PAGE_OWNER=n, prints nothing */
	}
}

/* ---- /proc/zoneinfo ----------------------------------------------------- */

static bool is_zone_first_populated(const pg_data_t *pgdat, const struct zone *z)
{
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		const struct zone *cmp = &pgdat->node_zones[zid];
		if (populated_zone(cmp))
			return z == cmp;
	}
	return false;
}

static void zoneinfo_print(FILE *f, const struct world *w, const pg_data_t *pgdat,
			   const struct zone *z, int zid)
{
	fprintf(f, "Node %d, zone %8s", pgdat->node_id, dump_zone_name(z, zid));
	if (is_zone_first_populated(pgdat, z)) {
		fprintf(f, "\n  per-node stats");
		/* node_page_state_pages(pgdat, i): the model's node counters are all 0 */
		for (int i = 0; i < BF_NR_VM_NODE_STAT_ITEMS; i++)
			fprintf(f, "\n      %-12s %lu", dump_node_stat_names[i], 0UL);
	}
	fprintf(f,
		"\n  pages free     %lu"
		"\n        min      %lu"
		"\n        low      %lu"
		"\n        high     %lu"
		"\n        spanned  %lu"
		"\n        present  %lu"
		"\n        managed  %lu",
		zone_page_state(z, NR_FREE_PAGES),
		min_wmark_pages(z),
		low_wmark_pages(z),
		high_wmark_pages(z),
		z->spanned_pages,
		z->present_pages,
		zone_managed_pages(z));

	fprintf(f, "\n        protection: (%ld", z->lowmem_reserve[0]);
	for (int i = 1; i < MAX_NR_ZONES; i++)
		fprintf(f, ", %ld", z->lowmem_reserve[i]);
	fputc(')', f);

	/* If unpopulated, no other information is useful */
	if (!populated_zone(z)) {
		fputc('\n', f);
		return;
	}

	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		fprintf(f, "\n      %-12s %lu", zone_stat_names[i],
			zone_page_state(z, (enum zone_stat_item)i));
	for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++)
		fprintf(f, "\n      %-12s %lu", numa_stat_names[i],
			zone_numa_state_snapshot(z, (enum numa_stat_item)i));

	fprintf(f, "\n  pagesets");
	for (int cpu = 0; z->pageset && cpu < w->nr_cpus; cpu++) {
		const struct per_cpu_pageset *ps = &z->pageset[cpu];
		fprintf(f,
			"\n    cpu: %i"
			"\n              count: %i"
			"\n              high:  %i"
			"\n              batch: %i",
			cpu, ps->pcp.count, ps->pcp.high, ps->pcp.batch);
		fprintf(f, "\n  vm stats threshold: %d", ps->stat_threshold);
	}
	fprintf(f,
		"\n  node_unreclaimable:  %u"
		"\n  start_pfn:           %lu",
		(unsigned int)(pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES),
		z->zone_start_pfn);
	fputc('\n', f);
}

void bf_dump_zoneinfo(const struct world *w, FILE *f)
{
	for (int nid = 0; nid < w->nr_nodes; nid++)
		walk_zones_in_node(f, w, &w->node[nid], false, zoneinfo_print);
}
