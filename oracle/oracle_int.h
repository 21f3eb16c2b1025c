/*
 * oracle_int.h - state shared by the oracle's files (not a public boundary:
 * only the oracle's own .c files include it).  The oracle sees a world through
 * core/inspect.h alone.
 *
 * Per-pfn bitmaps (uint64 words, one bit a pfn, sized to the highest zone end
 * rounded up to MAX_ORDER_NR_PAGES so a buddy lookup never leaves them):
 *   held     not free per the contract: held by the program, reserved at
 *            boot, or orphaned (page[1..] of a non-compound block whose last
 *            put freed page[0] alone)
 *   unk      unknown: leaked by a bad_page report, or touched by an invalid
 *            free/get; neither "free" nor "allocated" is asserted for it
 *   taint    poked by the program (or refcount-damaged): its state may be bad,
 *            so a bad_page report naming it is legitimate and its new-page
 *            state is not asserted
 *   hwp      poked with PG_hwpoison: may vanish silently (check_new_page)
 *   present  in a zone span and not a hole
 *   onlist/onpcp  scratch of one check: pages on free lists, on pcp lists
 *            (cleared again before the check returns)
 * Free per the oracle == present & ~held & ~unk.
 */
#ifndef BF_ORACLE_INT_H
#define BF_ORACLE_INT_H

#include <stdint.h>
#include "oracle/oracle.h"
#include "core/inspect.h"

#define BF_O_ZONES (BF_MAX_NODES * MAX_NR_ZONES)
#define BF_ZI(nid, zid) ((nid) * MAX_NR_ZONES + (zid))
#define BF_INF (~0UL)
#define BF_O_FULL_EVERY 16                       /* a periodic check of every zone every this many ops */

/* A block the program holds (head pfn; order; references as the head's refcount). */
struct bf_oblock {
	unsigned long pfn;       /* NO_PFN: empty slot */
	int refs;
	unsigned char order, compound, weird;   /* weird: PG_head poked, semantics unknown */
};

struct bf_ozone {
	/* hot: read for every zone after every op */
	int nid, zid, live;                      /* live: spans pages */
	int degraded;                            /* checks off after an invalid free or a hwpoison free */
	unsigned long start, end, present, managed;
	/* incremental checking: skip a zone neither side changed since it last passed */
	unsigned long seq_seen;                  /* bf_zone_list_seq at its last passing check */
	int seq_valid, touched;                  /* touched: the oracle's own state of it changed */
	int excused;                             /* buddies left unmerged because of an ISOLATE pageblock */
	int dirty;                               /* a tainted/unknown page sits on its lists */
	int rebase;                              /* accept the counter drift after a leak */
	long drift[2];                           /* NR_FREE_PAGES, NR_FREE_CMA_PAGES minus the lists */
	/* what the lists held at its last check (the state the next op starts from) */
	long sum, cma;                           /* pages on non-ISOLATE lists, on CMA lists */
	unsigned long nr[MAX_ORDER];             /* blocks per order */
	int pcp_n[BF_MAX_CPUS];                  /* pages on each CPU's pcp lists */
	unsigned long cnt[MAX_ORDER][MIGRATE_TYPES];
	/* snapshot before an op: the boost (events.c) */
	unsigned long boost_before;
	int flag_before;                         /* ZONE_BOOSTED_WATERMARK */
	/* snapshot before an allocation */
	long free_global, cma_global;
	unsigned long ilhit_before;              /* NUMA_INTERLEAVE_HIT (policy.c) */
	struct bf_zone_info zi;
};

/* What the op may/must leave in the records. */
struct bf_opexp {
	unsigned long lo[NR_WARN_SITES], hi[NR_WARN_SITES];
	unsigned long leak_pfn, leak_n;          /* pages the op freed (a bad page leaks them all) */
	unsigned int leak_order;                 /* alloc: a bad page leaks its aligned block of this order */
	int is_alloc;
	unsigned long fna_pfn;                   /* a free of a page with refcount 0 (must warn) */
	/* what the op freed and allocated, for the vm events (events.c) */
	unsigned long freed;                     /* pages handed back to the allocator */
	int freed_unsure;                        /* a free the oracle could not follow, or a hwpoison page */
	gfp_t gfp;                               /* alloc: the gfp the allocator saw (alloc_pages_exact's stripped) */
	unsigned int order;                      /* alloc: the order asked */
	int refused, hz;                         /* alloc: refused at the entry; gfp_zone() */
};

struct bf_fblock { unsigned long pfn; unsigned char order, mt; };

/* A task as policy.c models it: PF_* flags, memory policy, il_prev. */
struct bf_otask {
	int has_policy, mode;                    /* mode MPOL_PREFERRED for LOCAL */
	unsigned int flags;                      /* user mode flags, 2 = MPOL_F_LOCAL */
	int pref;                                /* PREFERRED's node, -1 local */
	unsigned long nodes, user;               /* BIND/INTERLEAVE nodes; user_nodemask or cpuset_mems_allowed */
	int il_prev;
	unsigned int pf;
};
/* Where the current allocation was sent (policy.c's bf_o_policy_decide). */
struct bf_opol {
	int kind;                                /* MPOL_DEFAULT (local or node asked), PREFERRED, BIND, INTERLEAVE */
	int pref;                                /* the preferred node */
	unsigned long mask;                      /* BIND's nodemask when it applies, else 0 */
};

struct bf_oracle {
	unsigned long npfn, nwords;
	uint64_t *held, *unk, *taint, *hwp, *present, *onlist, *onpcp;
	struct bf_ozone z[BF_O_ZONES];
	int nr_live, live[BF_O_ZONES];           /* indexes of the live zones, in z[] order */
	int nr_nodes, nr_cpus, cpu_node[BF_MAX_CPUS];
	/* zonelists: the world's as read at reset (zl), and 5.10's rule's (ezl, zonelist.c) that the checks use */
	int zl_n[BF_MAX_NODES][2], zl_nid[BF_MAX_NODES][2][BF_O_ZONES], zl_zid[BF_MAX_NODES][2][BF_O_ZONES];
	int ezl_n[BF_MAX_NODES][2], ezl_nid[BF_MAX_NODES][2][BF_O_ZONES], ezl_zid[BF_MAX_NODES][2][BF_O_ZONES];
	int dist[BF_MAX_NODES][BF_MAX_NODES];
	int zl_bad;                              /* 1: the world's zonelists break the rule, zl_div says how; 2: reported */
	struct bf_divergence zl_div;
	int irq[BF_MAX_CPUS];
	unsigned int pf[BF_MAX_CPUS];            /* PF_* of each CPU's current task */
	/* tasks and policies (policy.c) */
	int cur[BF_MAX_CPUS];                    /* the task each CPU runs */
	struct bf_otask task[BF_MAX_TASKS];
	unsigned long n_memory, n_high;          /* nodes with memory; with memory below Movable */
	int policy_zone, any_interleave;
	struct bf_opol pol;
	unsigned int fixes;
	int mobility_off;
	/* held blocks: open addressing on the head pfn, linear probing */
	struct bf_oblock *blk;
	unsigned long blk_cap, blk_n;
	/* records seen before the op */
	unsigned long warn_before[NR_WARN_SITES], bad_before;
	/* pcp list lengths of the last check */
	int pcp_len[BF_MAX_CPUS][BF_O_ZONES][MIGRATE_PCPTYPES];
	unsigned long check_epoch;               /* st.ops when the last full check passed */
	int before_fresh;                        /* the last check saw the state this op starts from */
	struct bf_opexp e;
	unsigned long ev_before[NR_VM_EVENT_ITEMS];   /* vm events before the op */
	unsigned long rec_ev_before;             /* records' nr_ev before the op */
	int boost_factor;                        /* watermark_boost_factor before the op */
	struct bf_oracle_stats st;
	/* scratch of a check */
	struct bf_fblock *fb;
	unsigned long fb_n, fb_cap;
	int fb_oom;
};

/* bitmap helpers (state.c) */
static inline int bm_test(const uint64_t *bm, unsigned long pfn) { return (bm[pfn >> 6] >> (pfn & 63)) & 1; }
static inline void bm_set(uint64_t *bm, unsigned long pfn) { bm[pfn >> 6] |= 1ULL << (pfn & 63); }
static inline void bm_clear(uint64_t *bm, unsigned long pfn) { bm[pfn >> 6] &= ~(1ULL << (pfn & 63)); }
void bm_set_range(uint64_t *bm, unsigned long pfn, unsigned long n);
void bm_clear_range(uint64_t *bm, unsigned long pfn, unsigned long n);
int bm_any_range(const uint64_t *bm, unsigned long pfn, unsigned long n);
int bm_all_range(const uint64_t *bm, unsigned long pfn, unsigned long n);
unsigned long bm_first_range(const uint64_t *bm, unsigned long pfn, unsigned long n); /* NO_PFN if none */
/* first pfn of [pfn, pfn+n) neither free per the oracle nor unknown; NO_PFN if none */
unsigned long bf_o_first_taken(const struct bf_oracle *o, unsigned long pfn, unsigned long n);

/* the bits of bitmap word i inside the zone span */
static inline uint64_t bf_o_span_mask(const struct bf_ozone *z, unsigned long i)
{
	uint64_t span = ~0ULL;

	if (i == z->start >> 6)
		span &= ~0ULL << (z->start & 63);
	if (i == (z->end - 1) >> 6 && (z->end & 63))
		span &= (1ULL << (z->end & 63)) - 1;
	return span;
}

/* zones and blocks (state.c) */
struct bf_ozone *bf_o_zone_of(struct bf_oracle *o, unsigned long pfn);
struct bf_oblock *bf_o_blk_find(struct bf_oracle *o, unsigned long pfn);
struct bf_oblock *bf_o_blk_containing(struct bf_oracle *o, unsigned long pfn);
struct bf_oblock *bf_o_blk_add(struct bf_oracle *o, unsigned long pfn, unsigned int order, int compound, int refs);
void bf_o_blk_del(struct bf_oracle *o, struct bf_oblock *b);
static inline int bf_o_is_free(const struct bf_oracle *o, unsigned long pfn)
{
	return pfn < o->npfn && bm_test(o->present, pfn) && !bm_test(o->held, pfn) && !bm_test(o->unk, pfn);
}
void bf_o_degrade(struct bf_oracle *o, unsigned long pfn, unsigned long n);
void bf_o_unknown(struct bf_oracle *o, unsigned long pfn, unsigned long n);   /* unk + taint */
void bf_o_touch(struct bf_oracle *o, unsigned long pfn, unsigned long n);     /* re-check these zones */
/*
 * The check.  CHANGED: the zones whose lists (bf_zone_list_seq) or oracle
 * state changed.  PERIODIC: those in full, the others' counters against what
 * their unchanged lists held.  ALL: every zone in full.
 */
enum bf_o_check_mode { BF_O_CHECK_CHANGED, BF_O_CHECK_PERIODIC, BF_O_CHECK_ALL };
int bf_o_check(struct bf_oracle *o, const struct world *w, struct bf_divergence *d, enum bf_o_check_mode mode);

/* divergence text (state.c) */
int bf_o_div(struct bf_divergence *d, enum bf_div_kind k, const char *sub, int nid, int zid,
	     unsigned long pfn, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* gfp rules (gfp_rules.c): the oracle's own tables, derived from include/linux/gfp.h */
int bf_o_gfp_zone(gfp_t gfp, int *bad);
int bf_o_gfp_mt_invalid(gfp_t gfp);
unsigned int bf_o_order_of_size(size_t size);
int bf_o_no_watermarks_possible(const struct bf_oracle *o, gfp_t gfp, int cpu);
int bf_o_watermark_breach(struct bf_oracle *o, const struct bf_ozone *z, gfp_t gfp, unsigned int order,
			  int cpu, struct bf_divergence *d);
/* A NOFAIL NULL at the model's loop cap where 5.10's reserve attempt would have served (gfp_rules.c). */
int bf_o_nofail_reserves_serve(struct bf_oracle *o, gfp_t gfp, unsigned int order, int cpu, int pref_nid,
			       unsigned long nodemask, char *why, size_t len);
int bf_o_must_succeed(struct bf_oracle *o, gfp_t gfp, unsigned int order, int cpu, int pref_nid,
		      unsigned long nodemask, char *why, size_t len);   /* nodemask 0: every node */
int bf_o_zone_must_serve(struct bf_oracle *o, struct bf_ozone *z, gfp_t gfp, unsigned int order, int cpu, int hz);

/* tasks and memory policies (policy.c) */
void bf_o_tasks_reset(struct bf_oracle *o);
void bf_o_task_flags(struct bf_oracle *o, int cpu, unsigned int pf);
void bf_o_task_apply(struct bf_oracle *o, const struct bf_oracle_op *op);
int bf_o_mempolicy_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
			 struct bf_divergence *d);
void bf_o_policy_decide(struct bf_oracle *o, const struct bf_oracle_op *op, gfp_t gfp);
int bf_o_policy_page(struct bf_oracle *o, const struct bf_oracle_op *op, gfp_t gfp, unsigned int order,
		     const struct bf_ozone *z, unsigned long pfn, struct bf_divergence *d);
void bf_o_policy_before(struct bf_oracle *o, const struct world *w);
int bf_o_policy_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		      struct bf_divergence *d);

/* zonelists (zonelist.c): build the rule's from the topology; judge the world's (zl_*) against them */
void bf_o_zonelists_build(struct bf_oracle *o, const struct world *w);
int bf_o_zonelists_judge(const struct bf_oracle *o, struct bf_divergence *d);

/* per-op rules (alloc_check.c, model.c, records.c) */
int bf_o_alloc_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		     struct bf_divergence *d);
void bf_o_apply(struct bf_oracle *o, const struct bf_oracle_op *op);
int bf_o_records_after(struct bf_oracle *o, const struct world *w, struct bf_divergence *d);
/* vm events (events.c): nbad is the number of bad_page reports the op made */
int bf_o_events_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		      unsigned long nbad, struct bf_divergence *d);

#endif /* BF_ORACLE_INT_H */
