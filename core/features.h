/*
 * features.h - allocator states an execution reached (model instrumentation,
 * not in 5.10), for the fuzzers' feedback beside code coverage and for the
 * "what was reached" figures.  A closed set, defined once here: each
 * feature is a byte of the world's feature vector, set to 1 by a probe in
 * core/ when the allocator passes through that state.  The vector is not
 * part of the world's state: snapshots neither save nor compare it, and a
 * run starts by clearing it (world_features_clear).
 *
 * Groups (X(enum, name)):
 *  - testcase() markers (SQLite's testcase(): a boundary the tests should reach)
 *  - the zone's free pages against its watermarks at a watermark check, per zone type
 *  - a free list of an order becoming empty / non-empty, per zone type
 *  - pcp lists: refilled, refilled partly (the zone ran dry mid-batch), spilled at high
 *  - watermark boosting, the highatomic reserve, fallback outcomes
 *  - the slow path's labels and steps
 */
#ifndef BF_CORE_FEATURES_H
#define BF_CORE_FEATURES_H

/* X(enum suffix, name) -- the testcase() markers of core/ */
#define TESTCASE_TABLE(X)                                                       \
	X(EXPAND_FROM_TOP_ORDER, "expand: split from MAX_ORDER-1")              \
	X(EXPAND_ONE_LEVEL, "expand: one split")                                \
	X(MERGE_TO_TOP_ORDER, "__free_one_page: merged to MAX_ORDER-1")         \
	X(MERGE_TO_PAGEBLOCK, "__free_one_page: merged to pageblock_order")     \
	X(STEAL_EXACTLY_HALF, "steal_suitable_fallback: exactly half the pageblock alike") \
	X(STEAL_HALF_MINUS_ONE, "steal_suitable_fallback: one page short of half") \
	X(FALLBACK_PAGEBLOCK_ORDER, "__rmqueue_fallback: steal at pageblock_order") \
	X(FALLBACK_SMALLEST_IS_ORDER, "__rmqueue_fallback: smallest steal is the order asked") \
	X(WMARK_EXACTLY_MIN, "__zone_watermark_ok: free == min + lowmem_reserve") \
	X(WMARK_MIN_PLUS_ONE, "__zone_watermark_ok: free == min + lowmem_reserve + 1") \
	X(WMARK_FAST_NEGATIVE, "zone_watermark_fast: negative free passes unsigned") \
	X(PCP_PARTIAL_REFILL, "rmqueue_bulk: partial refill")                   \
	X(PCP_BATCH_CARRIED, "free_pcppages_bulk: batch_free carried over an emptied list")

/* X(enum suffix, name) -- the other states, one each */
#define STATE_FEATURE_TABLE(X)                                                  \
	X(PCP_REFILL, "pcp: refilled from the buddy")                           \
	X(PCP_REFILL_EMPTY, "pcp: refill found nothing")                        \
	X(PCP_SPILL_AT_HIGH, "pcp: count reached high, a batch spilled")        \
	X(BOOST_RAISED, "boost_watermark: boost raised")                        \
	X(BOOST_AT_CAP, "boost_watermark: boost at its cap")                    \
	X(BOOST_SKIPPED, "boost_watermark: no boost (factor 0 or small zone)")  \
	X(KSWAPD_WAKEUP, "wakeup_kswapd: recorded")                             \
	X(HIGHATOMIC_RESERVED, "reserve_highatomic_pageblock: a pageblock reserved") \
	X(HIGHATOMIC_AT_CAP, "reserve_highatomic_pageblock: at the limit, refused") \
	X(HIGHATOMIC_UNRESERVED, "unreserve_highatomic_pageblock: a pageblock given back") \
	X(FALLBACK_CLAIMED_BLOCK, "steal_suitable_fallback: whole pageblock claimed") \
	X(FALLBACK_SINGLE, "steal_suitable_fallback: pages taken, pageblock kept") \
	X(FALLBACK_NONE, "__rmqueue_fallback: no fallback block")               \
	X(NOFRAGMENT_RETRY, "get_page_from_freelist: ALLOC_NOFRAGMENT dropped, retried") \
	X(NO_WATERMARKS_USED, "get_page_from_freelist: ALLOC_NO_WATERMARKS took a page below min") \
	X(SLOW_ENTER, "__alloc_pages_slowpath: entered")                        \
	X(SLOW_FIRST_TRY_OK, "__alloc_pages_slowpath: the adjusted alloc_flags succeeded") \
	X(SLOW_COMPACT_FIRST, "__alloc_pages_slowpath: compaction before reclaim") \
	X(SLOW_RETRY, "__alloc_pages_slowpath: retry:")                         \
	X(SLOW_RESERVE_FLAGS, "__alloc_pages_slowpath: reserve access (ALLOC_NO_WATERMARKS / OOM)") \
	X(SLOW_DIRECT_RECLAIM, "__alloc_pages_slowpath: direct reclaim")        \
	X(SLOW_RECLAIM_RETRY, "__alloc_pages_slowpath: should_reclaim_retry said retry") \
	X(SLOW_OOM, "__alloc_pages_slowpath: __alloc_pages_may_oom")            \
	X(SLOW_NOPAGE, "__alloc_pages_slowpath: nopage:")                       \
	X(SLOW_NOFAIL_FALLBACK, "__alloc_pages_slowpath: __GFP_NOFAIL cpuset fallback") \
	X(SLOW_FAIL, "__alloc_pages_slowpath: fail:")                           \
	X(SLOW_GOT_PAGE, "__alloc_pages_slowpath: got_pg with a page")         \
	X(MPOL_EINVAL, "set_mempolicy: refused (-EINVAL)")                     \
	X(MPOL_RELATIVE, "mpol_set_nodemask: MPOL_F_RELATIVE_NODES remap")     \
	X(MPOL_TASK_POLICY, "alloc_pages_current: the task's own policy")       \
	X(MPOL_PREFERRED_REMOTE, "policy_node: a preferred node not the local one") \
	X(MPOL_BIND_MASK, "policy_nodemask: BIND's nodemask applied")          \
	X(MPOL_BIND_LOWZONE, "policy_nodemask: BIND below policy_zone, no nodemask") \
	X(MPOL_INTERLEAVE_WRAP, "interleave_nodes: wrapped round the mask")    \
	X(MPOL_INTERLEAVE_HIT, "alloc_page_interleave: NUMA_INTERLEAVE_HIT")   \
	X(MPOL_INTERLEAVE_MISS, "alloc_page_interleave: the page from another node")

enum bf_feature {
#define X(e, name) FEAT_TC_##e,
	TESTCASE_TABLE(X)
#undef X
#define X(e, name) FEAT_##e,
	STATE_FEATURE_TABLE(X)
#undef X
	/* per zone type (4): free pages below min, min..low, low..high, at or above high */
	FEAT_WMARK_BAND,
	/* per zone type (4) and order (11): a free list became non-empty, then empty */
	FEAT_LIST_FILLED = FEAT_WMARK_BAND + 4 * 4,
	FEAT_LIST_EMPTIED = FEAT_LIST_FILLED + 4 * 11,
	NR_FEATURES = FEAT_LIST_EMPTIED + 4 * 11
};

#define NR_TESTCASES (FEAT_TC_PCP_BATCH_CARRIED + 1)
_Static_assert(NR_FEATURES <= 256, "fuzz/feedback.c has 256 distinct edges");

/* The name of feature i (core/names.c), e.g. "wmark-band Normal below-min". */
const char *bf_feature_name(int i, char *buf, unsigned long len);

#endif /* BF_CORE_FEATURES_H */
