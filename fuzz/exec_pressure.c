/*
 * exec_pressure.c - the pressure ops (docs/bfp-format.md, "Pressure").
 *
 * Each expands at run time into ordinary allocator calls, one by one, each
 * between bf_exec_before and bf_exec_after like any other op's: the oracle
 * checks every step, and a divergence stops the run at the pressure op's
 * line.  What the run depends on (how many allocations a fill makes) is
 * decided here, from the world, so the program stays one readable line.
 *
 * The blocks a fill allocates go into the pool: hidden handles that fragment
 * and free_all free.  Named handles are never touched by fill or fragment,
 * so the binary decoder's static mirror of the handles stays exact;
 * free_all empties them all, which the mirror can say too.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/exec_internal.h"

static unsigned long free_pages_of(const struct world *w, int nid, int zid)
{
	/* what the watermark checks of the fast path read: zone_page_state() */
	return bf_zone_stat(w, nid, zid, NR_FREE_PAGES, false);
}

/* A fill to band b stops once the zone's free pages are at most this. */
static unsigned long band_level(const struct bf_zone_info *zi, enum bf_band b)
{
	switch (b) {
	case BF_BAND_HIGH: return zi->wmark[WMARK_HIGH];
	case BF_BAND_LOW: return zi->wmark[WMARK_LOW];
	case BF_BAND_MIN: return zi->wmark[WMARK_MIN];
	default: return zi->wmark[WMARK_MIN] / 2;  /* where __GFP_HIGH alone may take it */
	}
}

enum bf_band bf_exec_band(const struct world *w, int nid, int zid)
{
	struct bf_zone_info zi;
	unsigned long f = free_pages_of(w, nid, zid);
	int b;

	bf_zone_info(w, nid, zid, &zi);
	for (b = BF_BAND_BELOW_MIN; b > BF_BAND_ABOVE_HIGH && f > band_level(&zi, (enum bf_band)b); b--)
		;
	return (enum bf_band)b;
}

static int in_zone(const struct bf_pool_block *b, int has_zone, int nid, int zid)
{
	return !has_zone || (b->nid == nid && b->zid == zid);
}

long bf_exec_pool_count(const struct bf_exec *x, int has_zone, int nid, int zid)
{
	long n = 0;

	for (int i = 0; i < x->pool->n; i++)
		n += in_zone(&x->pool->b[i], has_zone, nid, zid);
	return n;
}

static void pool_add(struct bf_pool *pl, const struct bf_pool_block *b)
{
	if (pl->n == pl->cap) {
		int cap = pl->cap ? 2 * pl->cap : 256;
		struct bf_pool_block *nb = realloc(pl->b, (size_t)cap * sizeof(*nb));

		if (!nb)
			abort();  /* out of memory is not bad input */
		pl->b = nb;
		pl->cap = cap;
	}
	pl->b[pl->n++] = *b;
}

static const char *const stop_names[] = { "band reached", "allocation failed", "landed in another zone",
					  "max allocations" };
enum { STOP_BAND, STOP_FAILED, STOP_ELSEWHERE, STOP_MAX };

static int op_fill(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_zone_info zi;
	int n = 0, stop = STOP_MAX;

	if (bf_exec_check_cpu(x, op->cpu))
		return -1;
	if (op->nid >= bf_nr_nodes(x->w) || bf_zone_info(x->w, op->nid, op->zid, &zi))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "node %d does not exist", op->nid);
	for (; n < op->max && n < BF_FILL_MAX; n++) {
		unsigned int order = op->norders > 0 ? op->orders[n % op->norders] : 0;
		struct bf_oracle_op oop = { .kind = BF_OOP_ALLOC, .cpu = op->cpu, .gfp = op->gfp, .order = order,
					    .nid = op->has_node ? op->nid : NUMA_NO_NODE, .zid = -1, .pfn = NO_PFN };
		struct bf_pool_block b = { .order = order };

		bf_zone_info(x->w, op->nid, op->zid, &zi);  /* boost moves the marks as the fill steals */
		if (free_pages_of(x->w, op->nid, op->zid) <= band_level(&zi, (enum bf_band)op->value)) {
			stop = STOP_BAND;
			break;
		}
		bf_exec_before(x, &oop);
		b.pfn = op->has_node ? alloc_pages_node(x->w, op->cpu, op->nid, op->gfp, order)
				     : alloc_pages(x->w, op->cpu, op->gfp, order);
		oop.pfn = b.pfn;
		if (bf_exec_after(x, &oop))
			return -1;
		if (b.pfn == NO_PFN) {
			stop = STOP_FAILED;
			break;
		}
		bf_pfn_zone(x->w, b.pfn, &b.nid, &b.zid);
		pool_add(x->pool, &b);
		if (b.nid != op->nid || b.zid != op->zid) {
			/* the zone refused (its watermark): the rest would only press other zones */
			n++;
			stop = STOP_ELSEWHERE;
			break;
		}
	}
	bf_exec_trace(x, "fill %s node %d: %d allocations, %s; free %lu (min %lu low %lu high %lu), pool %d",
		      bf_zone_name(op->zid), op->nid, n, stop_names[stop], free_pages_of(x->w, op->nid, op->zid),
		      zi.wmark[WMARK_MIN], zi.wmark[WMARK_LOW], zi.wmark[WMARK_HIGH], x->pool->n);
	return 0;
}

static int by_pfn(const void *a, const void *b)
{
	unsigned long pa = ((const struct bf_pool_block *)a)->pfn, pb = ((const struct bf_pool_block *)b)->pfn;

	return pa < pb ? -1 : pa > pb;
}

/* Does the pattern free the k-th of the zone's pool blocks (pfn order)? */
static int chosen(enum bf_frag_pattern pat, int k, int first_in_pageblock)
{
	switch (pat) {
	case BF_FRAG_EVERY_OTHER: return k % 2 == 0;
	case BF_FRAG_ONE_PER_PAGEBLOCK: return first_in_pageblock;
	case BF_FRAG_KEEP_ONE_PER_PAGEBLOCK: return !first_in_pageblock;
	default: return 1;
	}
}

static int op_fragment(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_pool *pl = x->pool;
	int has_zone = op->zid >= 0, kept = 0, k = 0, freed = 0;
	unsigned long last_pb = ~0UL;   /* pageblock of the zone's previous block */

	if (bf_exec_check_cpu(x, op->cpu))
		return -1;
	/* pfn order: "every other" and "per pageblock" are about where blocks sit */
	if (pl->n > 1)   /* an empty pool has no array: qsort's pointer must not be NULL */
		qsort(pl->b, (size_t)pl->n, sizeof(*pl->b), by_pfn);
	for (int i = 0; i < pl->n; i++) {
		struct bf_pool_block b = pl->b[i];

		if (!in_zone(&b, has_zone, op->nid, op->zid)) {
			pl->b[kept++] = b;
			continue;
		}
		int first = b.pfn >> pageblock_order != last_pb;

		last_pb = b.pfn >> pageblock_order;
		if (!chosen((enum bf_frag_pattern)op->value, k++, first)) {
			pl->b[kept++] = b;
			continue;
		}
		freed++;
		if (bf_exec_free_pages(x, op->cpu, b.pfn, b.order)) {
			/* a divergence ends the run: keep the pool whole for the report's sake */
			memmove(&pl->b[kept], &pl->b[i + 1], (size_t)(pl->n - i - 1) * sizeof(*pl->b));
			pl->n = kept + pl->n - i - 1;
			return -1;
		}
	}
	pl->n = kept;
	bf_exec_trace(x, "fragment %s: freed %d blocks, pool %d", has_zone ? bf_zone_name(op->zid) : "every zone",
		      freed, pl->n);
	return 0;
}

static int op_free_all(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_pool *pl = x->pool;

	if (bf_exec_check_cpu(x, op->cpu))
		return -1;
	for (int h = 0; h < x->p->nr_handles; h++) {
		/* as `free H` until it holds nothing: each free drops one of the program's references */
		struct bf_op f = { .kind = BF_OP_FREE, .line = op->line, .handle = h, .piece = -1, .cpu = op->cpu };

		while (x->h[h].kind != H_EMPTY && x->h[h].kind != H_FAILED)
			if (bf_exec_op_free(x, &f))
				return -1;
	}
	for (int i = 0; i < pl->n; i++)
		if (bf_exec_free_pages(x, op->cpu, pl->b[i].pfn, pl->b[i].order)) {
			memmove(pl->b, &pl->b[i + 1], (size_t)(pl->n - i - 1) * sizeof(*pl->b));
			pl->n -= i + 1;
			return -1;
		}
	bf_exec_trace(x, "free_all: handles and %d pool blocks", pl->n);
	pl->n = 0;
	return 0;
}

int bf_exec_pressure(struct bf_exec *x, const struct bf_op *op)
{
	switch (op->kind) {
	case BF_OP_FILL:
		return op_fill(x, op);
	case BF_OP_FRAGMENT:
		return op_fragment(x, op);
	default:
		return op_free_all(x, op);
	}
}
