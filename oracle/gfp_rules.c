/*
 * gfp_rules.c - the oracle's own reading of a request: gfp -> highest zone
 * (GFP_ZONE_TABLE), invalid migratetypes, which alloc flags the request can
 * ever run with (across the fast path, the slow path and the reserve
 * attempts), and from that the two watermark rules:
 *
 *  - watermark-breach (safety): a block taken from zone Z passed, at the time
 *    of the check, __zone_watermark_ok/zone_watermark_fast with some alloc
 *    flags F the request can have, or F had ALLOC_NO_WATERMARKS.  The oracle
 *    checks the most lenient arithmetic any F can give (lowest min: WMARK_MIN,
 *    halved for __GFP_HIGH, a quarter off for ALLOC_HARDER; no highatomic
 *    reserve subtracted when HARDER is possible or reclaim may unreserve it;
 *    no CMA subtracted when ALLOC_CMA is possible; the boost dropped for the
 *    __GFP_ATOMIC order-0 exception) against values no larger than the ones
 *    the check read: NR_FREE_PAGES as zone_page_state() read it before the op
 *    (within an allocation the global counter only falls before the check:
 *    a failed rmqueue_bulk; the model's reclaim frees nothing, deviation 1),
 *    nr_reserved_highatomic before the op (it only grows before the check
 *    unless reclaim unreserves, which is why reclaiming requests drop it),
 *    watermark_boost before the op (it only grows within an allocation).
 *    5.10.0's zone_watermark_fast order-0 shortcut breaks this contract when
 *    its signed free count is negative (docs/known-upstream.md): the check
 *    fires there, by design.
 *
 *  - unexpected-fail (liveness): the fast path's first check uses
 *    WMARK_LOW, the highatomic reserve and (without ALLOC_CMA) free CMA
 *    pages; if an allowed zone passes it by the signed arithmetic (stricter
 *    than both the shortcut and __zone_watermark_ok), holds a block rmqueue
 *    may take (UNMOVABLE/MOVABLE/RECLAIMABLE lists of the order or above,
 *    CMA with ALLOC_CMA, or for order 0 a non-empty pcp list of the type), and
 *    no free page of the zone can be bad (none tainted or unknown), then
 *    rmqueue cannot fail there and a NULL is a divergence.  The allowed
 *    zones are those of the zonelist 5.10's build_zonelists gives the
 *    topology (zonelist.c: every zone with managed pages of every node with
 *    memory, or the preferred node's alone for __GFP_THISNODE), never the
 *    world's own zonelist, so a world that leaves a node out fails where the
 *    oracle knows memory is.  Anything else is counted, not judged.
 */
#include <stdio.h>
#include "oracle/oracle_int.h"

/*
 * gfp & GFP_ZONEMASK (DMA 1, HIGHMEM 2, DMA32 4, MOVABLE 8) -> highest zone
 * index, as GFP_ZONE_TABLE encodes it on x86_64 (no HIGHMEM: it maps to
 * NORMAL, or MOVABLE together with __GFP_MOVABLE).  -1: a GFP_ZONE_BAD
 * combination; its table slot holds 0, so a non-debug 5.10 uses ZONE_DMA.
 */
static const signed char gfp_zone_of_bits[16] = {
	[0x0] = ZONE_NORMAL, [0x1] = ZONE_DMA, [0x2] = ZONE_NORMAL, [0x3] = -1,
	[0x4] = ZONE_DMA32, [0x5] = -1, [0x6] = -1, [0x7] = -1,
	[0x8] = ZONE_NORMAL, [0x9] = ZONE_DMA, [0xa] = ZONE_MOVABLE, [0xb] = -1,
	[0xc] = ZONE_DMA32, [0xd] = -1, [0xe] = -1, [0xf] = -1,
};

int bf_o_gfp_zone(gfp_t gfp, int *bad)
{
	int z = gfp_zone_of_bits[gfp & 0xf];

	*bad = z < 0;
	return z < 0 ? ZONE_DMA : z;
}

/* __GFP_MOVABLE|__GFP_RECLAIMABLE: migratetype 3, refused by the model (deviation 3). */
int bf_o_gfp_mt_invalid(gfp_t gfp)
{
	return (gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) == (__GFP_MOVABLE | __GFP_RECLAIMABLE);
}

/* get_order(): smallest order whose block holds size bytes; size 0 gives 52. */
unsigned int bf_o_order_of_size(size_t size)
{
	unsigned long s = ((unsigned long)size - 1) >> PAGE_SHIFT;

	return s ? 64 - (unsigned int)__builtin_clzl(s) : 0;
}

/*
 * ALLOC_NO_WATERMARKS reachable: __gfp_pfmemalloc_flags (MEMALLOC, or
 * PF_MEMALLOC outside interrupts, never with NOMEMALLOC), or the OOM path's
 * __GFP_NOFAIL reserve attempt (needs direct reclaim to get there).
 */
int bf_o_no_watermarks_possible(const struct bf_oracle *o, gfp_t gfp, int cpu)
{
	int c = cpu >= 0 && cpu < BF_MAX_CPUS ? cpu : 0;

	if ((gfp & __GFP_NOFAIL) && (gfp & __GFP_DIRECT_RECLAIM))
		return 1;
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	if (gfp & __GFP_MEMALLOC)
		return 1;
	return !o->irq[c] && (o->pf[c] & PF_MEMALLOC);
}

static int cma_possible(const struct bf_oracle *o, gfp_t gfp, int cpu)
{
	int c = cpu >= 0 && cpu < BF_MAX_CPUS ? cpu : 0;

	return !o->mobility_off && (gfp & __GFP_MOVABLE) && !(gfp & __GFP_RECLAIMABLE) &&
	       !(o->pf[c] & PF_MEMALLOC_NOCMA);
}

int bf_o_watermark_breach(struct bf_oracle *o, const struct bf_ozone *z, gfp_t gfp, unsigned int order,
			  int cpu, struct bf_divergence *d)
{
	int bad, hz = bf_o_gfp_zone(gfp, &bad);
	int harder = (gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC);
	long free = z->free_global, unusable = (1L << order) - 1, min, lowmem;
	unsigned long mark;
	char g[160];

	if (bf_o_no_watermarks_possible(o, gfp, cpu))
		return 0;
	/* reclaim may unreserve highatomic blocks (should_reclaim_retry) before the check */
	if (!harder && !(gfp & __GFP_DIRECT_RECLAIM))
		unusable += (long)z->zi.nr_reserved_highatomic;
	if (!cma_possible(o, gfp, cpu))
		unusable += z->cma_global;
	mark = z->zi.wmark_base[WMARK_MIN];
	if (!(order == 0 && (gfp & __GFP_ATOMIC)))
		mark += z->zi.boost;
	min = (long)mark;
	if (gfp & __GFP_HIGH)
		min -= min / 2;
	if (harder)
		min -= min / 4;
	lowmem = z->zi.lowmem_reserve[hz];
	if (free - unusable > min + lowmem)
		return 0;
	gfp_format(gfp, g, sizeof(g));
	return bf_o_div(d, BF_DIV_WATERMARK_BREACH, NULL, z->nid, z->zid, NO_PFN,
			"order %u gfp %s from %s/%d: free %ld - unusable %ld <= lowest min %ld + lowmem_reserve[%d] %ld",
			order, g, bf_zone_name(z->zid), z->nid, free, unusable, min, hz, lowmem);
}

/* Would the fast path's first pass provably succeed in zone z? */
static int zone_must_serve(struct bf_oracle *o, struct bf_ozone *z, gfp_t gfp, unsigned int order, int cpu,
			   int hz, int cma)
{
	long free = z->free_global, unusable = (1L << order) - 1, mark;
	int mt = o->mobility_off ? MIGRATE_UNMOVABLE : (int)((gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) >> 3);

	if (z->degraded || z->dirty || z->rebase)
		return 0;
	unusable += (long)z->zi.nr_reserved_highatomic;
	if (!cma)
		unusable += z->cma_global;
	mark = (long)z->zi.wmark[WMARK_LOW];
	if (free - unusable <= mark + z->zi.lowmem_reserve[hz])
		return 0;
	if (order == 0 && (cma || mt != MIGRATE_MOVABLE) && cpu >= 0 && cpu < o->nr_cpus &&
	    o->pcp_len[cpu][BF_ZI(z->nid, z->zid)][mt] > 0)
		return 1;
	for (unsigned int k = order; k < MAX_ORDER; k++)
		if (z->cnt[k][MIGRATE_UNMOVABLE] || z->cnt[k][MIGRATE_MOVABLE] || z->cnt[k][MIGRATE_RECLAIMABLE] ||
		    (cma && z->cnt[k][MIGRATE_CMA]))
			return 1;
	return 0;
}

int bf_o_zone_must_serve(struct bf_oracle *o, struct bf_ozone *z, gfp_t gfp, unsigned int order, int cpu, int hz)
{
	return zone_must_serve(o, z, gfp, order, cpu, hz, cma_possible(o, gfp, cpu));
}

/*
 * A __GFP_NOFAIL request the model gave up on (its loop cap, deviation 2):
 * 5.10 would have kept looping, and every loop's __alloc_pages_may_oom gives
 * it ALLOC_NO_WATERMARKS (out_of_memory() fails, the NOFAIL branch) unless
 * the OOM path is skipped (a costly order, __GFP_RETRY_MAYFAIL or
 * __GFP_THISNODE, a request below ZONE_NORMAL; __GFP_NORETRY and PF_MEMALLOC
 * go to nopage before it, and NOFAIL's ALLOC_HARDER retry loops there).  Without watermarks and without ALLOC_HARDER, rmqueue takes any
 * Unmovable, Movable or Reclaimable block of the order or more (__rmqueue
 * falls back among them) or, at order 0, the CPU's pcp list: if a zone of the
 * list holds one, the loop would have ended with a page.
 */
int bf_o_nofail_reserves_serve(struct bf_oracle *o, gfp_t gfp, unsigned int order, int cpu, int pref_nid,
			       unsigned long nodemask, char *why, size_t len)
{
	int bad, hz = bf_o_gfp_zone(gfp, &bad);
	int mt = o->mobility_off ? MIGRATE_UNMOVABLE : (int)((gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) >> 3);
	int c = cpu >= 0 && cpu < BF_MAX_CPUS ? cpu : 0;

	if (!o->before_fresh || order > PAGE_ALLOC_COSTLY_ORDER || bf_o_gfp_mt_invalid(gfp) || pref_nid < 0 ||
	    pref_nid >= o->nr_nodes || !(gfp & __GFP_NOFAIL) || !(gfp & __GFP_DIRECT_RECLAIM) ||
	    (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE | __GFP_NORETRY)) || hz < ZONE_NORMAL ||
	    (o->pf[c] & PF_MEMALLOC))
		return 0;
	for (int i = 0; i < o->ezl_n[pref_nid][0]; i++) {
		int zid = o->ezl_zid[pref_nid][0][i];
		struct bf_ozone *z = &o->z[BF_ZI(o->ezl_nid[pref_nid][0][i], zid)];
		int found = order == 0 && cpu >= 0 && cpu < o->nr_cpus && o->pcp_len[cpu][BF_ZI(z->nid, zid)][mt] > 0;

		if (zid > hz || !z->live || z->degraded || z->dirty || z->rebase || (nodemask && !(nodemask >> z->nid & 1)))
			continue;
		for (unsigned int k = order; k < MAX_ORDER && !found; k++)
			found = z->cnt[k][MIGRATE_UNMOVABLE] || z->cnt[k][MIGRATE_MOVABLE] || z->cnt[k][MIGRATE_RECLAIMABLE];
		if (found) {
			snprintf(why, len, "__GFP_NOFAIL: 5.10's ALLOC_NO_WATERMARKS attempt (__alloc_pages_may_oom) "
				 "takes a free block of %s/%d", bf_zone_name(zid), z->nid);
			return 1;
		}
	}
	return 0;
}

int bf_o_must_succeed(struct bf_oracle *o, gfp_t gfp, unsigned int order, int cpu, int pref_nid,
		      unsigned long nodemask, char *why, size_t len)
{
	int bad, hz = bf_o_gfp_zone(gfp, &bad), nf = (gfp & __GFP_THISNODE) != 0;
	int cma = cma_possible(o, gfp, cpu);

	if (!o->before_fresh || order >= MAX_ORDER || bf_o_gfp_mt_invalid(gfp) || pref_nid < 0 ||
	    pref_nid >= o->nr_nodes)
		return 0;
	/* the zonelist 5.10's rule gives (zonelist.c), never the world's: a list missing a node with memory is caught */
	for (int i = 0; i < o->ezl_n[pref_nid][nf]; i++) {
		int zid = o->ezl_zid[pref_nid][nf][i];
		struct bf_ozone *z = &o->z[BF_ZI(o->ezl_nid[pref_nid][nf][i], zid)];

		if (zid > hz || !z->live || (nodemask && !(nodemask >> z->nid & 1)))
			continue;
		if (zone_must_serve(o, z, gfp, order, cpu, hz, cma)) {
			snprintf(why, len, "%s/%d: free %ld, highatomic %lu, low %lu, lowmem_reserve %ld, a usable block",
				 bf_zone_name(zid), z->nid, z->free_global, z->zi.nr_reserved_highatomic,
				 z->zi.wmark[WMARK_LOW], z->zi.lowmem_reserve[hz]);
			return 1;
		}
	}
	return 0;
}
