/*
 * testhook.h - TEST-ONLY world mutations: each corrupts a world on purpose so
 * that the oracle's own tests (tests/unit/test_oracle*.c) can prove that the
 * check meant to catch that corruption fires.  Never called outside tests:
 * nothing in core/, fuzz/ or oracle/ may use them, and no program op reaches
 * them.  Each names the invariant it breaks (spec 11.1).
 */
#ifndef BF_CORE_TESTHOOK_H
#define BF_CORE_TESTHOOK_H

#include "mm.h"
#include "record.h"

struct world;

/* Add delta to a zone's global vm_stat counter (I5: NR_FREE_PAGES off the lists). */
void bf_test_bump_stat(struct world *w, int nid, int zid, int item, long delta);
/* Add delta to nr_free[order] without touching a list (I1). */
/* nr_reserved_highatomic := pages (past the reserve's limit, or not whole pageblocks) */
void bf_test_set_highatomic(struct world *w, int nid, int zid, unsigned long pages);
void bf_test_bump_nr_free(struct world *w, int nid, int zid, unsigned int order, long delta);
/* Add delta to a pcp count without touching a list (I7). */
void bf_test_bump_pcp_count(struct world *w, int cpu, int nid, int zid, int delta);
/*
 * Take the free block headed by pfn off its list, keeping nr_free and
 * NR_FREE_PAGES consistent with the lists: the pages are then free on no
 * list (I4 with the oracle's bitmap: a lost page).  0, or -1 if pfn heads
 * no free block.
 */
int bf_test_drop_free_block(struct world *w, unsigned long pfn);
/*
 * Replace the free order-o block at pfn by its two halves (depth 1: two free
 * buddies that did not merge, I8), or by the lower half and the upper half
 * split once more (depth 2: a non-canonical decomposition whose first block
 * is a wrong split).  Counters stay consistent.  0, or -1.
 */
int bf_test_split_free_block(struct world *w, unsigned long pfn, int depth);
/* Move the free block at pfn to another order's list of the same type (I2: private != list order). */
int bf_test_move_free_block(struct world *w, unsigned long pfn, unsigned int new_order);
/* Put an allocated order-0 page on a CPU's MOVABLE pcp list, count + 1 (I4: a list entry not free). */
void bf_test_pcp_add(struct world *w, int cpu, unsigned long pfn);
/* Page state corruption of an allocated page (I9/I10). */
void bf_test_set_refcount(struct world *w, unsigned long pfn, int refcount);
void bf_test_set_flag(struct world *w, unsigned long pfn, int bit, int on);
void bf_test_set_buddy(struct world *w, unsigned long pfn);
void bf_test_set_compound_order(struct world *w, unsigned long head_pfn, unsigned int order);
/* Records: a WARN at a site, a bad_page report on a page. */
void bf_test_warn(struct world *w, enum bf_warn_site site);
void bf_test_bad_page(struct world *w, unsigned long pfn, const char *reason);

#endif /* BF_CORE_TESTHOOK_H */
