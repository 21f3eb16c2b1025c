/*
 * inspect.c - the read-only inspection API (inspect.h) over a world.
 * Nothing here writes to the world.  Walks hold no locks: callers inspect a
 * quiescent world (between operations).
 */
#include <string.h>
#include "inspect.h"
#include "internal.h"
#include "vmstat.h"

int bf_nr_nodes(const struct world *w) { return w->nr_nodes; }
int bf_nr_cpus(const struct world *w) { return w->nr_cpus; }
int bf_cpu_to_node(const struct world *w, int cpu) { return w->cpu[cpu].nid; }
unsigned long bf_max_pfn(const struct world *w) { return w->max_pfn; }
int bf_current_task(const struct world *w, int cpu) { return (int)(w->cpu[cpu].current - w->task); }
int bf_policy_zone(const struct world *w) { return (int)w->policy_zone; }

int bf_task_info(const struct world *w, int task, struct bf_task_info *out)
{
	const struct task_struct *t;

	if (task < 0 || task >= BF_MAX_TASKS)
		return -1;
	t = &w->task[task];
	*out = (struct bf_task_info){ .pid = t->pid, .pf_flags = t->flags, .has_policy = t->mempolicy != NULL,
				      .preferred_node = -1, .mems_allowed = t->mems_allowed, .il_prev = t->il_prev,
				      .cpu = -1 };
	if (t->mempolicy) {
		const struct mempolicy *p = t->mempolicy;

		out->mode = p->mode;
		out->mpol_flags = p->flags;
		if (p->mode == MPOL_PREFERRED)
			out->preferred_node = (p->flags & MPOL_F_LOCAL) ? -1 : p->v.preferred_node;
		else
			out->nodes = p->v.nodes;
		out->user_nodemask = p->w.user_nodemask;
	}
	for (int c = 0; c < w->nr_cpus; c++)
		if (w->cpu[c].current == t)
			out->cpu = c;
	return 0;
}

int bf_node_distance(const struct world *w, int a, int b)
{
	return a >= 0 && a < w->nr_nodes && b >= 0 && b < w->nr_nodes ? w->distance[a][b] : -1;
}
const char *bf_zone_name(int zid) { return zid >= 0 && zid < MAX_NR_ZONES ? zone_names[zid] : "?"; }

int bf_zone_by_name(const char *name)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (!strcmp(name, zone_names[z]))
			return z;
	return -1;
}

static const struct zone *zone_of(const struct world *w, int nid, int zid)
{
	if (nid < 0 || nid >= w->nr_nodes || zid < 0 || zid >= MAX_NR_ZONES)
		return NULL;
	return &w->node[nid].node_zones[zid];
}

int bf_zone_info(const struct world *w, int nid, int zid, struct bf_zone_info *o)
{
	const struct zone *z = zone_of(w, nid, zid);

	if (!z)
		return -1;
	memset(o, 0, sizeof(*o));
	o->nid = nid;
	o->zid = zid;
	o->name = z->name;
	o->start_pfn = z->zone_start_pfn;
	o->spanned = z->spanned_pages;
	o->present = z->present_pages;
	o->managed = zone_managed_pages(z);
	for (int i = 0; i < NR_WMARK; i++) {
		o->wmark_base[i] = z->_watermark[i];
		o->wmark[i] = wmark_pages(z, i);
	}
	o->boost = z->watermark_boost;
	o->boosted_flag = (z->flags >> ZONE_BOOSTED_WATERMARK) & 1;
	o->nr_reserved_highatomic = z->nr_reserved_highatomic;
	memcpy(o->lowmem_reserve, z->lowmem_reserve, sizeof(o->lowmem_reserve));
	o->nr_isolate_pageblock = z->nr_isolate_pageblock;
	o->percpu_drift_mark = z->percpu_drift_mark;
	return 0;
}

int bf_pfn_zone(const struct world *w, unsigned long pfn, int *nid, int *zid)
{
	for (int n = 0; n < w->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (zone_spans_pfn(&w->node[n].node_zones[z], pfn)) {
				*nid = n;
				*zid = z;
				return 0;
			}
	return -1;
}

bool bf_pfn_present(const struct world *w, unsigned long pfn)
{
	int nid, zid;

	if (bf_pfn_zone(w, pfn, &nid, &zid))
		return false;
	for (int i = 0; i < w->nr_holes; i++)
		if (pfn >= w->hole[i].start_pfn && pfn - w->hole[i].start_pfn < w->hole[i].nr_pages)
			return false;
	return true;
}

int bf_pageblock_migratetype(const struct world *w, unsigned long pfn)
{
	unsigned long bitidx = (pfn >> pageblock_order) * NR_PAGEBLOCK_BITS;

	return (int)((w->pageblock_flags[bitidx / 64] >> (bitidx & 63)) & MIGRATETYPE_MASK);
}

void bf_page_info(const struct world *w, unsigned long pfn, struct bf_page_info *o)
{
	const struct page *p = &w->mem_map[pfn];

	memset(o, 0, sizeof(*o));
	o->flags = p->flags & ((1UL << NR_PAGEFLAGS) - 1);
	o->mapcount = p->_mapcount;
	o->page_type = p->page_type;
	o->refcount = page_ref_count(p);
	o->private_ = p->private;
	o->index = p->index;
	o->mapping = p->mapping;
	o->memcg = p->memcg_data;
	o->compound_head = p->compound_head;
	o->head_pfn = PageTail(p) ? (unsigned long)((const struct page *)(p->compound_head - 1) - w->mem_map)
				  : NO_PFN;
	o->compound_dtor = p->compound_dtor;
	o->compound_order = p->compound_order;
	o->compound_mapcount = p->compound_mapcount;
	o->compound_nr = p->compound_nr;
	o->hpage_pinned_refcount = p->hpage_pinned_refcount;
	o->buddy = PageBuddy(p);
	o->guard = PageGuard(p);
	o->head = PageHead(p);
	o->tail = PageTail(p);
	o->nid = page_to_nid(p);
	o->zid = (int)page_zonenum(p);
}

unsigned long bf_nr_free(const struct world *w, int nid, int zid, unsigned int order)
{
	const struct zone *z = zone_of(w, nid, zid);

	return z && order < MAX_ORDER ? z->free_area[order].nr_free : 0;
}

unsigned long bf_free_list_len(const struct world *w, int nid, int zid, unsigned int order, int mt)
{
	const struct zone *z = zone_of(w, nid, zid);
	unsigned long n = 0;
	const struct list_head *pos;

	if (!z || order >= MAX_ORDER || mt < 0 || mt >= MIGRATE_TYPES)
		return 0;
	list_for_each(pos, &z->free_area[order].free_list[mt])
		n++;
	return n;
}

void bf_walk_free_lists(const struct world *w, int nid, int zid, bf_free_block_fn fn, void *arg)
{
	const struct zone *z = zone_of(w, nid, zid);
	const struct list_head *pos;

	if (!z)
		return;
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			list_for_each(pos, &z->free_area[o].free_list[mt])
				fn(arg, o, mt, page_to_pfn(w, list_entry(pos, struct page, lru)));
}

void bf_pcp_info(const struct world *w, int cpu, int nid, int zid, struct bf_pcp_info *o)
{
	const struct zone *z = zone_of(w, nid, zid);

	memset(o, 0, sizeof(*o));
	if (!z || cpu < 0 || cpu >= w->nr_cpus)
		return;
	o->count = z->pageset[cpu].pcp.count;
	o->high = z->pageset[cpu].pcp.high;
	o->batch = z->pageset[cpu].pcp.batch;
	o->stat_threshold = z->pageset[cpu].stat_threshold;
}

void bf_walk_pcp(const struct world *w, int cpu, int nid, int zid, bf_pcp_page_fn fn, void *arg)
{
	const struct zone *z = zone_of(w, nid, zid);
	const struct list_head *pos;

	if (!z || cpu < 0 || cpu >= w->nr_cpus)
		return;
	for (int t = 0; t < MIGRATE_PCPTYPES; t++)
		list_for_each(pos, &z->pageset[cpu].pcp.lists[t]) {
			const struct page *p = list_entry(pos, struct page, lru);

			fn(arg, t, page_to_pfn(w, p), p->index);
		}
}

unsigned long bf_zone_stat(const struct world *w, int nid, int zid, int item, bool snapshot)
{
	const struct zone *z = zone_of(w, nid, zid);

	if (!z || item < 0 || item >= NR_VM_ZONE_STAT_ITEMS)
		return 0;
	return snapshot ? zone_page_state_snapshot(z, item) : zone_page_state(z, item);
}

long bf_zone_stat_raw(const struct world *w, int nid, int zid, int item)
{
	const struct zone *z = zone_of(w, nid, zid);

	return z && item >= 0 && item < NR_VM_ZONE_STAT_ITEMS ? z->vm_stat[item] : 0;
}

unsigned long bf_numa_stat(const struct world *w, int nid, int zid, int item)
{
	const struct zone *z = zone_of(w, nid, zid);

	return z && item >= 0 && item < NR_VM_NUMA_STAT_ITEMS ? zone_numa_state_snapshot(z, item) : 0;
}

unsigned long bf_vm_event(const struct world *w, int item)
{
	return item >= 0 && item < NR_VM_EVENT_ITEMS ? sum_vm_event(w, item) : 0;
}

void bf_vm_events(const struct world *w, unsigned long out[NR_VM_EVENT_ITEMS])
{
	memset(out, 0, NR_VM_EVENT_ITEMS * sizeof(out[0]));
	for (int cpu = 0; cpu < w->nr_cpus; cpu++)
		for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
			out[i] += __atomic_load_n(&w->cpu[cpu].vm_events[i], __ATOMIC_RELAXED);
}

int bf_stat_by_name(const char *name, int *kind)
{
	static const char *const zone_enum[] = {
#define X(e, n) #e,
		ZONE_STAT_TABLE(X)
#undef X
	};
	static const char *const numa_enum[] = {
#define X(e, n) #e,
		NUMA_STAT_TABLE(X)
#undef X
	};
	static const char *const event_enum[] = {
#define X(e, n) #e,
		VM_EVENT_TABLE(X)
#undef X
	};
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		if (!strcmp(name, zone_enum[i]))
			return *kind = 0, i;
	for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++)
		if (!strcmp(name, numa_enum[i]))
			return *kind = 1, i;
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		if (!strcmp(name, event_enum[i]))
			return *kind = 2, i;
	return -1;
}

const struct bf_records *bf_records(const struct world *w) { return &w->rec; }

int bf_zonelist(const struct world *w, int nid, int nofallback, int out_nid[], int out_zid[], int max)
{
	const struct zoneref *z;
	int n = 0;

	if (nid < 0 || nid >= w->nr_nodes)
		return 0;
	for (z = w->node[nid].node_zonelists[nofallback ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK]._zonerefs;
	     z->zone && n < max; z++, n++) {
		out_nid[n] = z->zone->node;
		out_zid[n] = z->zone_idx;
	}
	return n;
}

int bf_min_free_kbytes(const struct world *w) { return w->min_free_kbytes; }
bool bf_mobility_grouping_disabled(const struct world *w) { return w->page_group_by_mobility_disabled; }
unsigned int bf_fixes(const struct world *w) { return w->fixes; }
int bf_watermark_boost_factor(const struct world *w) { return w->watermark_boost_factor; }

unsigned long bf_zone_boost(const struct world *w, int nid, int zid, bool *boosted_flag)
{
	const struct zone *z = zone_of(w, nid, zid);

	*boosted_flag = z && ((__atomic_load_n(&z->flags, __ATOMIC_RELAXED) >> ZONE_BOOSTED_WATERMARK) & 1);
	return z ? READ_ONCE(z->watermark_boost) : 0;
}

unsigned long bf_zone_list_seq(const struct world *w, int nid, int zid)
{
	const struct zone *z = &w->node[nid].node_zones[zid];
	unsigned long seq = z->list_seq;

	if (z->pageset)
		for (int cpu = 0; cpu < w->nr_cpus; cpu++)
			seq += z->pageset[cpu].pcp.seq;
	return seq;
}

const unsigned char *bf_features(const struct world *w)
{
	return w->feat;
}
