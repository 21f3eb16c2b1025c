/*
 * inspect.h - the read-only inspection API.  This (with mm.h, gfp.h, tables.h
 * and record.h) is all that oracle/, fuzz/ and triage/ may see of a world.
 *
 * Nothing here changes state, with one documented exception: none.  Walks call
 * back in list order (head first), which is the order the allocator would take.
 */
#ifndef BF_CORE_INSPECT_H
#define BF_CORE_INSPECT_H

#include <stdbool.h>
#include <stdio.h>
#include "mm.h"
#include "features.h"
#include "record.h"
#include "tables.h"

struct world;

int bf_nr_nodes(const struct world *w);
int bf_nr_cpus(const struct world *w);
int bf_cpu_to_node(const struct world *w, int cpu);
int bf_node_distance(const struct world *w, int a, int b);   /* node_distance(); -1 if a node does not exist */
unsigned long bf_max_pfn(const struct world *w);
const char *bf_zone_name(int zid);      /* "DMA", "DMA32", "Normal", "Movable" */
int bf_zone_by_name(const char *name);  /* -1 if unknown */

struct bf_zone_info {
	int nid, zid;
	const char *name;
	unsigned long start_pfn, spanned, present, managed;
	unsigned long wmark_base[3];   /* _watermark[] */
	unsigned long wmark[3];        /* with watermark_boost, as wmark_pages() */
	unsigned long boost;
	bool boosted_flag;             /* ZONE_BOOSTED_WATERMARK */
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	unsigned long nr_isolate_pageblock;
	unsigned long percpu_drift_mark;
};
/* 0, or -1 if the node or zone does not exist (zone info is filled even if empty). */
int bf_zone_info(const struct world *w, int nid, int zid, struct bf_zone_info *out);

/* pfn -> node/zone (the zone whose span holds it; -1 outside every zone). */
int bf_pfn_zone(const struct world *w, unsigned long pfn, int *nid, int *zid);
bool bf_pfn_present(const struct world *w, unsigned long pfn);  /* not a hole */
int bf_pageblock_migratetype(const struct world *w, unsigned long pfn);

struct bf_page_info {
	unsigned long flags;           /* PG_* bits only */
	int mapcount;                  /* _mapcount word as int */
	unsigned int page_type;
	int refcount;
	unsigned long private_, index, mapping, memcg;
	unsigned long compound_head;   /* raw word (head pfn is decoded below) */
	unsigned long head_pfn;        /* for tails; NO_PFN otherwise */
	unsigned char compound_dtor, compound_order;
	int compound_mapcount;
	unsigned int compound_nr;
	int hpage_pinned_refcount;
	bool buddy, guard, head, tail;
	int nid, zid;                  /* from page->flags */
};
void bf_page_info(const struct world *w, unsigned long pfn, struct bf_page_info *out);

unsigned long bf_nr_free(const struct world *w, int nid, int zid, unsigned int order);
unsigned long bf_free_list_len(const struct world *w, int nid, int zid, unsigned int order, int mt);
typedef void (*bf_free_block_fn)(void *arg, unsigned int order, int mt, unsigned long pfn);
void bf_walk_free_lists(const struct world *w, int nid, int zid, bf_free_block_fn fn, void *arg);

/*
 * A number that changes whenever a free list or pcp list of the zone changes
 * (model instrumentation, not in 5.10): an oracle may skip re-checking a zone
 * whose number did not move.
 */
unsigned long bf_zone_list_seq(const struct world *w, int nid, int zid);

struct bf_pcp_info { int count, high, batch; int stat_threshold; };
void bf_pcp_info(const struct world *w, int cpu, int nid, int zid, struct bf_pcp_info *out);
typedef void (*bf_pcp_page_fn)(void *arg, int list, unsigned long pfn, unsigned long index);
void bf_walk_pcp(const struct world *w, int cpu, int nid, int zid, bf_pcp_page_fn fn, void *arg);

/* Counters: what zone_page_state() reads (global, clamped >= 0), or the exact snapshot. */
unsigned long bf_zone_stat(const struct world *w, int nid, int zid, int item, bool snapshot);
long bf_zone_stat_raw(const struct world *w, int nid, int zid, int item); /* global, unclamped */
unsigned long bf_numa_stat(const struct world *w, int nid, int zid, int item);
unsigned long bf_vm_event(const struct world *w, int item);
/* Every vm event, summed over the CPUs in one pass (all_vm_events). */
void bf_vm_events(const struct world *w, unsigned long out[NR_VM_EVENT_ITEMS]);
int bf_stat_by_name(const char *name, int *kind); /* kind: 0 zone, 1 numa, 2 event */

const struct bf_records *bf_records(const struct world *w);
/* The states reached since the last world_features_clear: [NR_FEATURES] bytes, 0 or 1. */
const unsigned char *bf_features(const struct world *w);

/* Zonelist of a node: fills (nid, zid) pairs, returns the count. */
int bf_zonelist(const struct world *w, int nid, int nofallback, int out_nid[], int out_zid[], int max);

/* World-level settings as 5.10 holds them. */
int bf_min_free_kbytes(const struct world *w);
bool bf_mobility_grouping_disabled(const struct world *w);
unsigned int bf_fixes(const struct world *w);  /* BF_FIX_* bits in force */
int bf_watermark_boost_factor(const struct world *w);
/* watermark_boost and ZONE_BOOSTED_WATERMARK of a zone, cheaper than bf_zone_info (0/false if none) */
unsigned long bf_zone_boost(const struct world *w, int nid, int zid, bool *boosted_flag);

/*
 * A task (0..BF_MAX_TASKS-1) as the world holds it: PF_* flags, its memory
 * policy (has_policy 0: none, MPOL_DEFAULT), il_prev, mems_allowed, and the
 * CPU it is current on (-1: none).  0, or -1 if there is no such task.
 */
struct bf_task_info {
	int pid;
	unsigned int pf_flags;
	int has_policy;
	int mode;                   /* MPOL_PREFERRED for MPOL_LOCAL */
	unsigned int mpol_flags;    /* MPOL_F_STATIC_NODES/RELATIVE_NODES, internal MPOL_F_LOCAL (1 << 1) */
	int preferred_node;         /* PREFERRED without MPOL_F_LOCAL */
	unsigned long nodes;        /* BIND, INTERLEAVE */
	unsigned long user_nodemask;/* w: user_nodemask (STATIC/RELATIVE) or cpuset_mems_allowed */
	unsigned long mems_allowed;
	int il_prev;
	int cpu;
};
int bf_task_info(const struct world *w, int task, struct bf_task_info *out);
int bf_current_task(const struct world *w, int cpu);   /* the task CPU cpu runs */
int bf_policy_zone(const struct world *w);              /* mempolicy's policy_zone */

/* /proc dumps in the exact 5.10 formats. */
void bf_dump_buddyinfo(const struct world *w, FILE *f);
void bf_dump_pagetypeinfo(const struct world *w, FILE *f);
void bf_dump_zoneinfo(const struct world *w, FILE *f);

/* Invariant checker (SQLite-style): 0 if consistent, else writes a reason. */
int bf_check_world(const struct world *w, char *why, size_t len);

#endif /* BF_CORE_INSPECT_H */
