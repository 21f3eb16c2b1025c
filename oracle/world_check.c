/*
 * world_check.c - the full accounting and structure check of every zone,
 * run after every op, and the oracle-vs-world diff for reports.
 *
 * Per zone (degraded zones are skipped, see model.c), in this order, the
 * first failure reported:
 *   freelist-corrupt  a free-list entry misaligned, of a bad order or outside
 *                     the zone; a page on two free lists, or on a free list
 *                     and a pcp list, or twice on pcp lists; a pcp page
 *                     outside the zone
 *   accounting:nr_free     nr_free[o] == Σ_mt len(o, mt)               (I1)
 *   accounting:pcp_count   pcp->count == Σ len(pcp lists)              (I7)
 *   lost-page         every page free per the oracle is on a free or pcp
 *                     list (unknown pages excepted)
 *   freelist-corrupt  no list holds a page the oracle holds, or a hole
 *   accounting:NR_FREE_PAGES / NR_FREE_CMA_PAGES  the exact snapshot ==
 *                     Σ non-ISOLATE (resp. CMA) len × 2^o + drift, where
 *                     the drift is 0 until a bad_page leak re-bases it
 *                     (I5/I6 with 11.2b: the snapshot has no per-cpu lag;
 *                     11.2c: the buddy route leaves the counter high)
 *   accounting:nr_reserved_highatomic  whole pageblocks, below managed/100
 *                     + 2 pageblocks (I11)
 *   unmerged-buddy / wrong-split  every free-list block is maximal: its
 *                     parent (the aligned block twice its size, inside the
 *                     zone span) is not all on the free lists.  A partition
 *                     of the buddy-free pages into maximal aligned blocks is
 *                     the canonical decomposition (aligned blocks nest, so
 *                     two maximal ones never overlap); pcp pages are not free
 *                     heads (11.2 I8), holes and zone edges cut (11.2h),
 *                     merging across migratetypes is allowed (11.2e), an
 *                     ISOLATE pageblock stops the merge at pageblock_order.
 *                     The offender with the lowest pfn is named: unmerged-
 *                     buddy when its buddy is a free head of the same order,
 *                     wrong-split otherwise.
 * Cost: one walk of the free and pcp lists, word operations over the zone's
 * bitmap words, no allocation (the block buffer grows only when a zone has
 * more free blocks than ever before).
 */
#include <stdlib.h>
#include <string.h>
#include "oracle/oracle_int.h"

struct walk {
	struct bf_oracle *o;
	struct bf_ozone *z;
	struct bf_divergence *d;
	int bad;
	int cpu, pcp_n;
	unsigned long cnt[MAX_ORDER][MIGRATE_TYPES];
};

static void on_block(void *arg, unsigned int order, int mt, unsigned long pfn)
{
	struct walk *c = arg;
	struct bf_oracle *o = c->o;
	struct bf_ozone *z = c->z;
	unsigned long n;

	if (c->bad)
		return;
	if (order >= MAX_ORDER || mt < 0 || mt >= MIGRATE_TYPES || (pfn & ((1UL << order) - 1)) ||
	    pfn < z->start || pfn >= z->end || (1UL << order) > z->end - pfn) {
		c->bad = bf_o_div(c->d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid, pfn,
				  "free list (order %u, %s) holds pfn 0x%lx: misaligned or outside the zone", order,
				  mt >= 0 && mt < MIGRATE_TYPES ? migratetype_names[mt] : "?", pfn);
		return;
	}
	n = 1UL << order;
	if (order < 6) {   /* the common case: one word */
		uint64_t m = ((1ULL << n) - 1) << (pfn & 63), *wd = &o->onlist[pfn >> 6];

		if (*wd & m) {
			c->bad = bf_o_div(c->d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid,
					  bm_first_range(o->onlist, pfn, n),
					  "order-%u block at pfn 0x%lx overlaps another free block", order, pfn);
			return;
		}
		*wd |= m;
	} else if (bm_any_range(o->onlist, pfn, n)) {
		c->bad = bf_o_div(c->d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid,
				  bm_first_range(o->onlist, pfn, n),
				  "order-%u block at pfn 0x%lx overlaps another free block", order, pfn);
		return;
	} else {
		bm_set_range(o->onlist, pfn, n);
	}
	bm_set(o->head, pfn);
	o->ord[pfn] = (unsigned char)order;
	c->cnt[order][mt]++;
	if (o->fb_n == o->fb_cap) {
		struct bf_fblock *nf = realloc(o->fb, 2 * o->fb_cap * sizeof(*nf));

		if (!nf) {
			o->fb_oom = 1;
			return;
		}
		o->fb = nf;
		o->fb_cap *= 2;
	}
	o->fb[o->fb_n++] = (struct bf_fblock){ pfn, (unsigned char)order, (unsigned char)mt };
}

static void on_pcp(void *arg, int list, unsigned long pfn, unsigned long index)
{
	struct walk *c = arg;
	struct bf_oracle *o = c->o;
	struct bf_ozone *z = c->z;

	(void)index;
	if (c->bad)
		return;
	if (pfn < z->start || pfn >= z->end) {
		c->bad = bf_o_div(c->d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid, pfn,
				  "cpu %d's pcp list %d holds pfn 0x%lx outside the zone", c->cpu, list, pfn);
		return;
	}
	if (bm_test(o->onlist, pfn) || bm_test(o->onpcp, pfn)) {
		c->bad = bf_o_div(c->d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid, pfn,
				  "pfn 0x%lx on cpu %d's pcp list is also on %s", pfn, c->cpu,
				  bm_test(o->onlist, pfn) ? "a free list" : "another pcp list");
		return;
	}
	bm_set(o->onpcp, pfn);
	c->pcp_n++;
	if (list >= 0 && list < MIGRATE_PCPTYPES)
		o->pcp_len[c->cpu][BF_ZI(z->nid, z->zid)][list]++;
}

static void clear_scratch(struct bf_oracle *o, const struct bf_ozone *z)
{
	unsigned long w0 = z->start >> 6, w1 = (z->end + 63) >> 6;

	memset(o->onlist + w0, 0, (w1 - w0) * sizeof(uint64_t));
	memset(o->onpcp + w0, 0, (w1 - w0) * sizeof(uint64_t));
	memset(o->head + w0, 0, (w1 - w0) * sizeof(uint64_t));
}

/* lost pages, allocated pages on lists, holes on lists; also notes tainted/unknown free pages */
static int compare_words(struct bf_oracle *o, struct bf_ozone *z, struct bf_divergence *d)
{
	unsigned long w0 = z->start >> 6, w1 = (z->end + 63) >> 6;

	z->dirty = 0;
	for (unsigned long i = w0; i < w1; i++) {
		uint64_t span = ~0ULL, world, held, freeo, v;

		if (i == w0)
			span &= ~0ULL << (z->start & 63);
		if (i == w1 - 1 && (z->end & 63))
			span &= (1ULL << (z->end & 63)) - 1;
		world = (o->onlist[i] | o->onpcp[i]) & span;
		held = o->held[i] & ~o->unk[i];
		freeo = o->present[i] & ~o->held[i] & ~o->unk[i] & span;
		if (world & (o->taint[i] | o->unk[i]))
			z->dirty = 1;
		if ((v = freeo & ~world))
			return bf_o_div(d, BF_DIV_LOST_PAGE, NULL, z->nid, z->zid, i * 64 + (unsigned long)__builtin_ctzll(v),
					"pfn 0x%lx is free but on no free or pcp list",
					i * 64 + (unsigned long)__builtin_ctzll(v));
		if ((v = world & (held | ~o->present[i]))) {
			unsigned long p = i * 64 + (unsigned long)__builtin_ctzll(v);

			return bf_o_div(d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid, p,
					"pfn 0x%lx is on a %s list but %s", p, bm_test(o->onlist, p) ? "free" : "pcp",
					bm_test(o->present, p) ? "allocated" : "not present (a hole)");
		}
	}
	return 0;
}

static int check_counter(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, int idx, int item,
			 long lists, struct bf_divergence *d)
{
	long snap = (long)bf_zone_stat(w, z->nid, z->zid, item, true);

	(void)o;
	if (z->rebase) {
		z->drift[idx] = snap - lists;
		return 0;
	}
	if (snap == lists + z->drift[idx])
		return 0;
	return bf_o_div(d, BF_DIV_ACCOUNTING, idx ? "NR_FREE_CMA_PAGES" : "NR_FREE_PAGES", z->nid, z->zid, NO_PFN,
			"%s/%d: snapshot %ld, free lists hold %ld%s", bf_zone_name(z->zid), z->nid,
			snap, lists, z->drift[idx] ? " (+ drift after a leak)" : "");
}

/*
 * The highatomic reserve (spec I11): reserve_highatomic_pageblock adds one
 * pageblock only while nr_reserved_highatomic < managed/100 + pageblock_nr_pages,
 * and reserving/unreserving moves whole pageblocks, so the count stays a
 * multiple of pageblock_nr_pages below managed/100 + 2 * pageblock_nr_pages.
 */
static int check_highatomic(const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	struct bf_zone_info zi;
	unsigned long limit;

	if (bf_zone_info(w, z->nid, z->zid, &zi))
		return 0;
	limit = zi.managed / 100 + 2 * pageblock_nr_pages;
	if (zi.nr_reserved_highatomic % pageblock_nr_pages == 0 && zi.nr_reserved_highatomic < limit)
		return 0;
	return bf_o_div(d, BF_DIV_ACCOUNTING, "nr_reserved_highatomic", z->nid, z->zid, NO_PFN,
			"%s/%d: nr_reserved_highatomic %lu (managed %lu): not whole pageblocks below %lu",
			bf_zone_name(z->zid), z->nid, zi.nr_reserved_highatomic, zi.managed, limit);
}

static int structure(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	unsigned long best = NO_PFN;
	unsigned int best_order = 0;
	int best_unmerged = 0;

	for (unsigned long i = 0; i < o->fb_n; i++) {
		unsigned long pfn = o->fb[i].pfn, n = 1UL << o->fb[i].order, buddy = pfn ^ n, parent = pfn & ~(2 * n - 1);

		if (o->fb[i].order >= MAX_ORDER - 1 || parent < z->start || parent + 2 * n > z->end)
			continue;
		if (o->fb[i].order < 6) {
			uint64_t m = ((1ULL << n) - 1) << (buddy & 63);

			if ((o->onlist[buddy >> 6] & m) != m)
				continue;
		} else if (!bm_all_range(o->onlist, buddy, n)) {
			continue;
		}
		if (o->fb[i].order == pageblock_order &&
		    (bf_pageblock_migratetype(w, pfn) == MIGRATE_ISOLATE ||
		     bf_pageblock_migratetype(w, buddy) == MIGRATE_ISOLATE))
			continue;
		if (pfn < best) {
			best = pfn;
			best_order = o->fb[i].order;
			best_unmerged = bm_test(o->head, buddy) && o->ord[buddy] == o->fb[i].order;
		}
	}
	if (best == NO_PFN)
		return 0;
	if (best_unmerged)
		return bf_o_div(d, BF_DIV_UNMERGED_BUDDY, NULL, z->nid, z->zid, best,
				"%s/%d: free order-%u blocks at pfn 0x%lx and 0x%lx are buddies and did not merge",
				bf_zone_name(z->zid), z->nid, best_order, best, best ^ (1UL << best_order));
	return bf_o_div(d, BF_DIV_WRONG_SPLIT, NULL, z->nid, z->zid, best,
			"%s/%d: free order-%u block at pfn 0x%lx lies in a free order-%u block [0x%lx, 0x%lx) split otherwise",
			bf_zone_name(z->zid), z->nid, best_order, best, best_order + 1,
			best & ~((2UL << best_order) - 1), (best & ~((2UL << best_order) - 1)) + (2UL << best_order));
}

static int check_zone(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	struct walk c = { .o = o, .z = z, .d = d };
	long sum = 0, cma = 0;
	int zi = BF_ZI(z->nid, z->zid);

	o->fb_n = 0;
	bf_walk_free_lists(w, z->nid, z->zid, on_block, &c);
	for (int cpu = 0; cpu < o->nr_cpus && !c.bad; cpu++) {
		struct bf_pcp_info pi;

		c.cpu = cpu;
		c.pcp_n = 0;
		memset(o->pcp_len[cpu][zi], 0, sizeof(o->pcp_len[cpu][zi]));
		bf_walk_pcp(w, cpu, z->nid, z->zid, on_pcp, &c);
		if (c.bad)
			break;
		bf_pcp_info(w, cpu, z->nid, z->zid, &pi);
		if (pi.count != c.pcp_n)
			c.bad = bf_o_div(d, BF_DIV_ACCOUNTING, "pcp_count", z->nid, z->zid, NO_PFN,
					 "%s/%d cpu %d: pcp count %d, lists hold %d", bf_zone_name(z->zid), z->nid, cpu,
					 pi.count, c.pcp_n);
	}
	if (c.bad)
		return 1;
	if (o->fb_oom)
		return 0;   /* could not record the blocks: judge nothing rather than guess */
	for (unsigned int k = 0; k < MAX_ORDER; k++) {
		unsigned long n = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			n += c.cnt[k][mt];
			if (mt != MIGRATE_ISOLATE)
				sum += (long)(c.cnt[k][mt] << k);
			if (mt == MIGRATE_CMA)
				cma += (long)(c.cnt[k][mt] << k);
		}
		if (bf_nr_free(w, z->nid, z->zid, k) != n)
			return bf_o_div(d, BF_DIV_ACCOUNTING, "nr_free", z->nid, z->zid, NO_PFN,
					"%s/%d order %u: nr_free %lu, lists hold %lu", bf_zone_name(z->zid), z->nid, k,
					bf_nr_free(w, z->nid, z->zid, k), n);
	}
	memcpy(z->cnt, c.cnt, sizeof(z->cnt));
	if (compare_words(o, z, d))
		return 1;
	if (check_counter(o, w, z, 0, NR_FREE_PAGES, sum, d) || check_counter(o, w, z, 1, NR_FREE_CMA_PAGES, cma, d))
		return 1;
	if (check_highatomic(w, z, d))
		return 1;
	z->rebase = 0;
	return structure(o, w, z, d);
}

/*
 * Incremental: a zone whose lists did not change (bf_zone_list_seq, bumped by
 * the world on every free-list and pcp-list change) and whose oracle state
 * did not change (touched) is in the state its last passing check judged, so
 * judging it again can only agree -- skipping it cannot hide a divergence of
 * the contract, only delay one the world makes without touching its lists,
 * which the full check every BF_O_FULL_EVERY ops and at the end catches.
 */
int bf_o_check(struct bf_oracle *o, const struct world *w, struct bf_divergence *d, int full)
{
	int rc = 0;

	o->st.checks++;
	o->fb_oom = 0;
	for (int i = 0; i < BF_O_ZONES && !rc; i++) {
		struct bf_ozone *z = &o->z[i];
		unsigned long seq;

		if (!z->live || z->degraded)
			continue;
		seq = bf_zone_list_seq(w, z->nid, z->zid);
		if (!full && z->seq_valid && !z->touched && seq == z->seq_seen)
			continue;
		rc = check_zone(o, w, z, d);
		clear_scratch(o, z);
		z->seq_valid = !rc && !o->fb_oom;
		z->seq_seen = seq;
		z->touched = 0;
	}
	if (!rc)
		o->check_epoch = o->st.ops;
	return rc;
}

int bf_oracle_check(struct bf_oracle *o, const struct world *w, struct bf_divergence *d)
{
	return bf_o_check(o, w, d, 1);
}

/* ---- diff ---- */

static void pcp_mark(void *arg, int list, unsigned long pfn, unsigned long index)
{
	struct bf_oracle *o = arg;

	(void)list;
	(void)index;
	if (pfn < o->npfn)
		bm_set(o->onpcp, pfn);
}

void bf_oracle_diff(struct bf_oracle *o, const struct world *w, FILE *f)
{
	for (int i = 0; i < BF_O_ZONES; i++) {
		struct bf_ozone *z = &o->z[i];
		unsigned long exp[MAX_ORDER] = { 0 };
		int same = 1;

		if (!z->live)
			continue;
		for (int cpu = 0; cpu < o->nr_cpus; cpu++)
			bf_walk_pcp(w, cpu, z->nid, z->zid, pcp_mark, o);
		/* greedy maximal aligned blocks of the oracle's free pages outside pcp lists */
		for (unsigned long p = z->start; p < z->end;) {
			int k;

			if (!bf_o_is_free(o, p) || bm_test(o->onpcp, p)) {
				p++;
				continue;
			}
			for (k = MAX_ORDER - 1; k > 0; k--) {
				unsigned long n = 1UL << k;

				if (!(p & (n - 1)) && p + n <= z->end && bm_all_range(o->present, p, n) &&
				    !bm_any_range(o->held, p, n) && !bm_any_range(o->unk, p, n) &&
				    !bm_any_range(o->onpcp, p, n))
					break;
			}
			exp[k]++;
			p += 1UL << k;
		}
		clear_scratch(o, z);
		for (unsigned int k = 0; k < MAX_ORDER; k++)
			same &= exp[k] == bf_nr_free(w, z->nid, z->zid, k);
		fprintf(f, "node %d zone %s%s%s\n", z->nid, bf_zone_name(z->zid), same ? ": as expected" : "",
			z->degraded ? " (degraded: not checked)" : "");
		if (same)
			continue;
		fprintf(f, "  order  expected  actual\n");
		for (unsigned int k = 0; k < MAX_ORDER; k++) {
			unsigned long act = bf_nr_free(w, z->nid, z->zid, k);

			if (exp[k] || act)
				fprintf(f, "  %5u  %8lu  %6lu%s\n", k, exp[k], act, exp[k] != act ? "  <--" : "");
		}
	}
}
