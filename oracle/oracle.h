/*
 * oracle.h - the bitmap oracle: an independent model of the page allocator's
 * *contract*, held against a world after every operation.
 *
 * The oracle keeps its own state (one bit per pfn: allocated or not, the
 * order/owner/references of every block the program holds, pages it knows sit
 * on pcp lists, tainted and leaked pages) and its own small tables (gfp ->
 * allowed zones, allowed nodes, watermark arithmetic).  It never includes
 * core/'s internal headers and never calls into core/: it reads a world only
 * through core/inspect.h (the build enforces this, scripts/check-layout).
 *
 * Protocol (the executor drives it): for every operation
 *     bf_oracle_before(o, w, &op);      // snapshot what the op's check needs
 *     ... the executor calls the world ...
 *     op.pfn = result (for allocations);
 *     bf_oracle_after(o, w, &op, &d);   // per-op safety checks + accounting/structure
 * A non-zero return from bf_oracle_after means a divergence, described in d.
 * The oracle never aborts and never writes to the world.
 *
 * It never lies: every check asserts only what v5.10's contract guarantees.
 * A divergence on the correct model is an oracle bug.
 */
#ifndef BF_ORACLE_ORACLE_H
#define BF_ORACLE_ORACLE_H

#include <stddef.h>
#include <stdio.h>
#include "core/mm.h"

/* X(enum, kind name, one-line meaning) -- sorted by class; names are stable (signatures use them). */
#define BF_DIV_TABLE(X)                                                                                   \
	/* safety, after every op */                                                                       \
	X(BF_DIV_DOUBLE_ALLOC, "double-alloc", "a returned block overlaps pages that were not free")       \
	X(BF_DIV_MISALIGNED, "misaligned", "a returned block is not aligned to its order or leaves its zone") \
	X(BF_DIV_WRONG_ZONE, "wrong-zone", "a block came from a zone gfp_zone() and the zonelist do not allow") \
	X(BF_DIV_WRONG_NODE, "wrong-node", "a block came from a node the request does not allow (:policy, :interleave: against the memory policy)") \
	X(BF_DIV_MEMPOLICY, "mempolicy", "set_mempolicy's verdict or the policy it stored differs from do_set_mempolicy's") \
	X(BF_DIV_BAD_NEW_PAGE, "bad-new-page", "a new page is not in the state post_alloc_hook leaves")     \
	X(BF_DIV_COMPOUND_META, "compound-meta", "compound metadata differs from prep_compound_page's")    \
	X(BF_DIV_NOFAIL_NULL, "nofail-null", "a __GFP_NOFAIL request returned NULL")                       \
	X(BF_DIV_WATERMARK_BREACH, "watermark-breach", "an allocation dipped below a watermark its flags do not allow") \
	X(BF_DIV_FREE_NOT_ALLOCATED, "free-not-allocated", "a free of pages not allocated went unreported") \
	/* accounting */                                                                                   \
	X(BF_DIV_ACCOUNTING, "accounting", "a counter disagrees with the bitmap or a vm event with what the op did (detail names it)")       \
	X(BF_DIV_LOST_PAGE, "lost-page", "a free page is on no list")                                      \
	X(BF_DIV_FREELIST_CORRUPT, "freelist-corrupt", "a page is on two lists, or a list entry is not a free page") \
	/* structure */                                                                                    \
	X(BF_DIV_UNMERGED_BUDDY, "unmerged-buddy", "two free buddies that must have merged did not")       \
	X(BF_DIV_WRONG_SPLIT, "wrong-split", "free blocks are not the canonical buddy decomposition")      \
	X(BF_DIV_ZONELIST, "zonelist", "a zonelist differs from what build_zonelists gives the topology")  \
	/* liveness, only where provable */                                                                \
	X(BF_DIV_UNEXPECTED_FAIL, "unexpected-fail", "a request that must succeed returned NULL")          \
	/* what a watermark boost promises */                                                              \
	X(BF_DIV_WATERMARK_BOOST, "watermark-boost", "a watermark boost boost_watermark cannot give, or a boosted zone's kswapd wake-up missing") \
	/* warnings and bad_page records */                                                                \
	X(BF_DIV_MISSING_WARNING, "missing-warning", "a WARN or bad_page the contract requires is missing") \
	X(BF_DIV_SPURIOUS_WARNING, "spurious-warning", "a WARN or bad_page the contract does not allow")   \
	/* executor-level (fuzz_variants) */                                                               \
	X(BF_DIV_NONDETERMINISM, "nondeterminism", "two identical runs gave different trace hashes")

enum bf_div_kind {
#define X(e, name, meaning) e,
	BF_DIV_TABLE(X)
#undef X
	BF_NR_DIVS
};
extern const char *const bf_div_names[BF_NR_DIVS];
extern const char *const bf_div_meanings[BF_NR_DIVS];
int bf_div_by_name(const char *name);   /* -1 if unknown; "accounting:X" gives BF_DIV_ACCOUNTING */

/*
 * A divergence.  `name` is the full kind as reports and signatures print it
 * ("accounting:NR_FREE_PAGES" for BF_DIV_ACCOUNTING, else bf_div_names[kind]).
 * detail holds no addresses or timings, only values derived from the program,
 * so the same input always gives the same text.
 */
struct bf_divergence {
	enum bf_div_kind kind;
	char name[64];
	char detail[256];
	int nid, zid;            /* zone concerned, -1 if none */
	unsigned long pfn;       /* page concerned, NO_PFN if none */
};

/* What the executor did, in the terms of the mm.h entry points. */
enum bf_oop_kind {
	BF_OOP_ALLOC,            /* alloc_pages / alloc_pages_node: gfp, order, nid (NUMA_NO_NODE: policy) */
	BF_OOP_ALLOC_EXACT,      /* alloc_pages_exact: gfp, size */
	BF_OOP_FREE_PAGES,       /* __free_pages(pfn, order) */
	BF_OOP_FREE_EXACT,       /* free_pages_exact(pfn, size) */
	BF_OOP_GET,              /* get_page(pfn) */
	BF_OOP_PUT,              /* put_page(pfn) */
	BF_OOP_SPLIT,            /* split_page(pfn, order) */
	BF_OOP_POKE,             /* page_poke(pfn, field, value): the page is tainted */
	BF_OOP_IRQ,              /* world_set_irq(cpu, value) */
	BF_OOP_TASKFLAGS,        /* world_set_task_flags(cpu, value) */
	BF_OOP_DRAIN,            /* drain_local_pages (cpu >= 0) / drain_all_pages (cpu < 0): nid, zid */
	BF_OOP_SYSCTL,           /* world_sysctl: watermarks/reserves/pcp sizes may change */
	BF_OOP_VMSTAT,           /* vmstat_refresh / vmstat_update: may trim pcp lists */
	BF_OOP_OTHER,            /* anything that does not touch allocator state (check, dump, expect) */
	BF_OOP_TASK,             /* world_task_run(cpu, task) */
	BF_OOP_SET_MEMPOLICY,    /* world_set_mempolicy(task, mode, mflags, nodes): its result in rc */
};

struct bf_oracle_op {
	enum bf_oop_kind kind;
	int cpu;
	gfp_t gfp;
	unsigned int order;
	int nid, zid;            /* alloc: node asked (NUMA_NO_NODE = through the policy); drain: node/zone (-1 all zones) */
	size_t size;             /* alloc_exact / free_exact */
	unsigned long pfn;       /* alloc: the result (NO_PFN = NULL), set before bf_oracle_after; else the page */
	int field;               /* poke: enum bf_poke_field */
	unsigned long value;     /* poke value, irq on/off, task flags */
	int task;                /* task, set_mempolicy: the task */
	int mode;                /* set_mempolicy: MPOL_* */
	unsigned int mflags;     /* set_mempolicy: MPOL_F_STATIC_NODES/RELATIVE_NODES */
	unsigned long nodes;     /* set_mempolicy: node bits */
	long rc;                 /* set_mempolicy: what the world returned, set before bf_oracle_after */
};

struct bf_oracle;
struct world;

/* Create for a freshly booted world (reads its topology and boot state). NULL on OOM. */
struct bf_oracle *bf_oracle_create(const struct world *w);
/* Reuse for a new world without reallocating when the size allows (fuzz loops). */
int bf_oracle_reset(struct bf_oracle *o, const struct world *w);
void bf_oracle_destroy(struct bf_oracle *o);

void bf_oracle_before(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op);
/* 0: consistent; 1: divergence described in d (the oracle stays usable but state may be stale). */
int bf_oracle_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		    struct bf_divergence *d);
/* The full structural/accounting check alone (also run by bf_oracle_after). */
int bf_oracle_check(struct bf_oracle *o, const struct world *w, struct bf_divergence *d);

/*
 * Oracle-vs-world difference for reports: per zone and order, the free blocks
 * the oracle expects (canonical decomposition of its free pages outside pcp
 * lists) and those the world's free lists hold.  Deterministic text.
 */
void bf_oracle_diff(struct bf_oracle *o, const struct world *w, FILE *f);

/* What the oracle counted but could not decide (liveness "when in doubt, count"). */
struct bf_oracle_stats {
	unsigned long ops, checks, allocs, alloc_fails;
	unsigned long undecided_fails;     /* NULLs the liveness rule could not judge */
	unsigned long tainted_pages, leaked_pages;
};
void bf_oracle_stats(const struct bf_oracle *o, struct bf_oracle_stats *s);

#endif /* BF_ORACLE_ORACLE_H */
