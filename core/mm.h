/*
 * mm.h - public API of the allocator model: build a world, allocate, free.
 *
 * A world holds every piece of state (nodes, zones, struct pages, per-cpu
 * pagesets, tasks, counters, warning records); nothing lives in globals, so two
 * worlds can run side by side and a fuzz iteration never leaks into the next.
 * Every entry point names the simulated CPU it runs on, standing for
 * smp_processor_id(); the CPU's current task and interrupt state stand for
 * `current` and in_interrupt().  Pages are named by pfn at this boundary.
 */
#ifndef BF_CORE_MM_H
#define BF_CORE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include "gfp.h"

#define MAX_ORDER 11
#define MAX_ORDER_NR_PAGES (1UL << (MAX_ORDER - 1))
#define pageblock_order 9
#define pageblock_nr_pages (1UL << pageblock_order)
#define PAGE_ALLOC_COSTLY_ORDER 3
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define BF_MAX_NODES 4      /* MAX_NUMNODES of the model */
#define BF_MAX_CPUS 8
#define BF_MAX_TASKS 8      /* tasks of a world; task t starts as CPU t's current */
#define BF_MAX_HOLES 16
#define BF_MAX_PAGEBLOCKS 65536 /* 128 GiB: a 2 GiB memmap */
#define NUMA_NO_NODE (-1)
#define NO_PFN (~0UL)       /* "NULL page" at the pfn boundary */

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, MAX_NR_ZONES };

/* What a program's topology block says.  Sizes are in pageblocks (512 pages). */
struct bf_topology {
	int nr_nodes;
	struct bf_node_desc {
		unsigned long zone_pageblocks[MAX_NR_ZONES]; /* 0 = zone absent */
		unsigned int cpumask;                        /* CPUs on this node */
	} node[BF_MAX_NODES];
	int nr_cpus;                                         /* CPUs 0..nr_cpus-1 online */
	int distance[BF_MAX_NODES][BF_MAX_NODES];            /* 0 = default 10/20 */
	int nr_holes;
	struct bf_hole { unsigned long start_pfn, nr_pages; } hole[BF_MAX_HOLES];
	/* sysctls and boot parameters; -1 = the 5.10 default */
	long min_free_kbytes;            /* -1: computed as init_per_zone_wmark_min does */
	long watermark_scale_factor;     /* 10 */
	long watermark_boost_factor;     /* 15000 */
	long lowmem_reserve_ratio[MAX_NR_ZONES]; /* 256 256 32 0 */
	long percpu_pagelist_fraction;   /* 0 */
	unsigned int fixes;              /* BF_FIX_* bits: upstream fixes applied (0 = 5.10.0) */
};

/*
 * Fixes made upstream after v5.10.0 to places where 5.10.0 breaks its own
 * contract (docs/known-upstream.md).  Off by default: the model is 5.10.0 as
 * released; a topology line `fix NAME` turns one on.
 * X(enum, name, fixing upstream commit, the upstream commit that introduced it)
 */
#define BF_FIX_TABLE(X)                                                            \
	X(BF_FIX_WMARK_FAST_NEGATIVE, "watermark-fast-negative",                 \
	  "9282012fc0aa mm/page_alloc: fix invalid watermark check on a negative value (v5.19)", \
	  "f27ce0e14088 page_alloc: consider highatomic reserve in watermark fast (v5.9)")

enum bf_fix {
#define X(e, name, commit, introduced) e,
	BF_FIX_TABLE(X)
#undef X
	BF_NR_FIXES
};
#define BF_FIX(f) (1u << (f))
extern const char *const bf_fix_names[BF_NR_FIXES];
extern const char *const bf_fix_commits[BF_NR_FIXES];
extern const char *const bf_fix_introduced[BF_NR_FIXES];   /* the commit that introduced the bug */

/* Fill a topology with the defaults: one node, 2 CPUs, DMA 8 + DMA32 16 + Normal 32 pageblocks. */
void bf_topology_default(struct bf_topology *t);
/* 0 if world_create can boot t, else -1 with the reason in err. */
int bf_topology_check(const struct bf_topology *t, char *err, size_t len);

struct world;
/* Boot a world as 5.10 boots.  NULL on an invalid topology, with a message in err. */
struct world *world_create(const struct bf_topology *t, char *err, size_t errlen);
void world_destroy(struct world *w);
/*
 * Boot a new world in an old one's memory (old may be NULL; it is consumed
 * either way): the same world world_create would give, without allocating
 * when the old buffers are big enough -- for fuzz loops.
 */
struct world *world_recreate(struct world *old, const struct bf_topology *t, char *err, size_t errlen);

/*
 * Snapshots (snapshot.c; model instrumentation for fuzz loops, not in 5.10).
 * take: remember w's state (reusing s's buffers if s is not NULL); NULL if
 * out of memory (s is freed then).  restore: bring w back to it in place, in
 * time proportional to the struct pages written since, plus a copy of the
 * small per-world state; w must be the world the snapshot was taken of.
 * verify: 0 if w is byte-identical to the snapshot, else 1 and the first
 * difference in why.  world_compare_fresh: the same against a fresh boot of
 * t in w's own memory (t must be w's topology; w is that fresh boot after).
 */
/* Forget the states reached so far (features.h): an execution starts with none. */
void world_features_clear(struct world *w);
/*
 * Explain what the allocator does from now on into x (core/explain.h), or
 * stop (NULL).  The caller owns x; a snapshot restore forgets it.
 */
struct bf_explain;
void world_explain_set(struct world *w, struct bf_explain *x);

struct world_snapshot;
struct world_snapshot *world_snapshot_take(struct world *w, struct world_snapshot *s);
void world_snapshot_restore(struct world *w, const struct world_snapshot *s);
int world_snapshot_verify(const struct world *w, const struct world_snapshot *s, char *why, size_t len);
void world_snapshot_free(struct world_snapshot *s);
int world_compare_fresh(struct world *w, const struct bf_topology *t, char *why, size_t len);

/*
 * Allocation entry points (pfn of the head page, or NO_PFN).
 * alloc_pages() goes through the task's memory policy (alloc_pages_current);
 * alloc_pages_node() names a node (NUMA_NO_NODE: the CPU's node).
 */
unsigned long alloc_pages(struct world *w, int cpu, gfp_t gfp, unsigned int order);
unsigned long alloc_pages_node(struct world *w, int cpu, int nid, gfp_t gfp, unsigned int order);
unsigned long alloc_pages_exact(struct world *w, int cpu, size_t size, gfp_t gfp);
unsigned int get_order(size_t size);  /* asm-generic/getorder.h: size 0 gives 52 */
void free_pages_exact(struct world *w, int cpu, unsigned long pfn, size_t size);

/* Free path entry points.  Bad frees are reported (bad_page), never fatal. */
void __free_pages(struct world *w, int cpu, unsigned long pfn, unsigned int order);
void get_page(struct world *w, unsigned long pfn);
void put_page(struct world *w, int cpu, unsigned long pfn);
void split_page(struct world *w, unsigned long pfn, unsigned int order);

/* Drains: zone_idx < 0 means every zone. */
void drain_local_pages(struct world *w, int cpu, int nid, int zone_idx);
void drain_all_pages(struct world *w, int nid, int zone_idx);

/*
 * vmstat: the stat_refresh write (refresh_cpu_vm_stats(true) on every CPU),
 * or one CPU's periodic vmstat work.  Both fold per-cpu deltas and may trim
 * an idle remote zone's pcp (drain_zone_pages) after three quiet rounds.
 */
void vmstat_refresh(struct world *w);
void vmstat_update(struct world *w, int cpu);

/*
 * Sysctls at run time, as their 5.10 handlers re-run the setup.  0, or
 * -EINVAL with nothing changed.  lowmem_reserve_ratio takes MAX_NR_ZONES
 * values, the others one.
 */
enum bf_sysctl {
	SYSCTL_MIN_FREE_KBYTES,
	SYSCTL_WATERMARK_SCALE_FACTOR,
	SYSCTL_WATERMARK_BOOST_FACTOR,
	SYSCTL_LOWMEM_RESERVE_RATIO,
	SYSCTL_PERCPU_PAGELIST_FRACTION,
};
int world_sysctl(struct world *w, enum bf_sysctl which, const long *values, int n);

/* Per-CPU context: interrupt state and task flags of the CPU's current task. */
void world_set_irq(struct world *w, int cpu, bool in_interrupt);
void world_set_task_flags(struct world *w, int cpu, unsigned int pf_flags);
#define PF_MEMALLOC 0x00000800u
#define PF_MEMALLOC_NOFS 0x00040000u
#define PF_MEMALLOC_NOIO 0x00080000u
#define PF_MEMALLOC_NOCMA 0x10000000u

/*
 * Tasks and memory policies (mm/mempolicy.c).  world_task_run: CPU cpu now
 * runs task (its `current`); if the task was running on another CPU, that CPU
 * gets cpu's previous task (a task runs on one CPU at a time).  taskflags and
 * alloc_pages() read the CPU's current task.
 */
void world_task_run(struct world *w, int cpu, int task);
/* uapi/linux/mempolicy.h */
enum { MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_MAX };
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)
/*
 * set_mempolicy(2) as task `task` calls it (kernel_set_mempolicy,
 * do_set_mempolicy): mode, its mode flags, the nodemask (bit n = node n;
 * bits from BF_MAX_NODES up make get_nodes refuse).  0, or -EINVAL with
 * nothing changed.
 */
int world_set_mempolicy(struct world *w, int task, int mode, unsigned int flags, unsigned long nodes);

/*
 * Test hooks that stand for the rest of the kernel touching a page it owns:
 * set/clear page flags, mapping, mapcount, refcount, memcg.  They are how a
 * program makes a page "bad" before freeing it, or marks it on the LRU
 * (PG_lru) so that move_freepages_block counts it as movable.
 */
enum bf_poke_field { POKE_FLAGS_SET, POKE_FLAGS_CLEAR, POKE_MAPPING, POKE_MAPCOUNT,
		     POKE_REFCOUNT, POKE_MEMCG };
void page_poke(struct world *w, unsigned long pfn, enum bf_poke_field f, unsigned long value);

#endif /* BF_CORE_MM_H */
