/*
 * world_check.c - the accounting and structure check of a zone, run after
 * every op on the zones that changed, and the oracle-vs-world diff for
 * reports.
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
 * Cost: one walk of the free and pcp lists, one branch-free pass of word
 * operations over the zone's bitmap words, work per free block, no
 * allocation (the block buffer grows only when a zone has more free blocks
 * than ever before).  An unchanged zone costs a few counter reads.
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
	long sum, cma;
	unsigned long nr[MAX_ORDER];
	unsigned long cnt[MAX_ORDER][MIGRATE_TYPES];
};

/*
 * An aligned block of a bitmap: below order 6 a mask of one word, from order
 * 6 on whole words.  block_bits: are any of its bits set (all: are all set)?
 */
static inline int block_bits(const uint64_t *bm, unsigned long pfn, unsigned int order, int all)
{
	const uint64_t *wd = &bm[pfn >> 6];
	uint64_t or = 0, and = ~0ULL;

	if (order < 6) {
		uint64_t m = ((1ULL << (1U << order)) - 1) << (pfn & 63);

		return all ? (*wd & m) == m : (*wd & m) != 0;
	}
	for (unsigned long k = 0; k < 1UL << (order - 6); k++) {
		or |= wd[k];
		and &= wd[k];
	}
	return all ? and == ~0ULL : or != 0;
}

static inline void block_set(uint64_t *bm, unsigned long pfn, unsigned int order)
{
	uint64_t *wd = &bm[pfn >> 6];

	if (order < 6) {
		*wd |= ((1ULL << (1U << order)) - 1) << (pfn & 63);
		return;
	}
	for (unsigned long k = 0; k < 1UL << (order - 6); k++)
		wd[k] = ~0ULL;
}

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
	if (block_bits(o->onlist, pfn, order, 0)) {
		c->bad = bf_o_div(c->d, BF_DIV_FREELIST_CORRUPT, NULL, z->nid, z->zid,
				  bm_first_range(o->onlist, pfn, n),
				  "order-%u block at pfn 0x%lx overlaps another free block", order, pfn);
		return;
	}
	block_set(o->onlist, pfn, order);
	c->cnt[order][mt]++;
	c->nr[order]++;
	if (mt != MIGRATE_ISOLATE)
		c->sum += (long)n;
	if (mt == MIGRATE_CMA)
		c->cma += (long)n;
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
}

/* compare_words' report: the first offending word, lost pages before pages wrongly on lists */
static int first_mismatch(struct bf_oracle *o, struct bf_ozone *z, struct bf_divergence *d)
{
	unsigned long w0 = z->start >> 6, w1 = (z->end + 63) >> 6;

	z->dirty = 0;
	for (unsigned long i = w0; i < w1; i++) {
		uint64_t span = bf_o_span_mask(z, i), world, held, freeo, v;

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

/*
 * Lost pages, allocated pages on lists, holes on lists; also notes tainted/
 * unknown free pages.  One branch-free pass over the zone's words; only a
 * mismatch pays for first_mismatch's search.
 */
static int compare_words(struct bf_oracle *o, struct bf_ozone *z, struct bf_divergence *d)
{
	unsigned long w0 = z->start >> 6, w1 = (z->end + 63) >> 6;
	uint64_t bad = 0, dirty = 0;

	for (unsigned long i = w0; i < w1; i++) {
		uint64_t span = bf_o_span_mask(z, i), world = (o->onlist[i] | o->onpcp[i]) & span;
		uint64_t held = o->held[i], unk = o->unk[i], present = o->present[i];

		dirty |= world & (o->taint[i] | unk);
		bad |= (present & ~held & ~unk & span & ~world) | (world & ((held & ~unk) | ~present));
	}
	if (bad)
		return first_mismatch(o, z, d);
	z->dirty = dirty != 0;
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

/* ---- the counters against what the lists held (z->nr, sum, cma, pcp_n) ---- */

static int judge_pcp_count(const struct world *w, const struct bf_ozone *z, int cpu, int n,
			   struct bf_divergence *d)
{
	struct bf_pcp_info pi;

	bf_pcp_info(w, cpu, z->nid, z->zid, &pi);
	if (pi.count == n)
		return 0;
	return bf_o_div(d, BF_DIV_ACCOUNTING, "pcp_count", z->nid, z->zid, NO_PFN,
			"%s/%d cpu %d: pcp count %d, lists hold %d", bf_zone_name(z->zid), z->nid, cpu, pi.count, n);
}

static int judge_nr_free(const struct world *w, const struct bf_ozone *z, struct bf_divergence *d)
{
	for (unsigned int k = 0; k < MAX_ORDER; k++) {
		unsigned long nf = bf_nr_free(w, z->nid, z->zid, k);

		if (nf != z->nr[k])
			return bf_o_div(d, BF_DIV_ACCOUNTING, "nr_free", z->nid, z->zid, NO_PFN,
					"%s/%d order %u: nr_free %lu, lists hold %lu", bf_zone_name(z->zid), z->nid, k,
					nf, z->nr[k]);
	}
	return 0;
}

static int judge_counters(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	return check_counter(o, w, z, 0, NR_FREE_PAGES, z->sum, d) ||
	       check_counter(o, w, z, 1, NR_FREE_CMA_PAGES, z->cma, d) || check_highatomic(w, z, d);
}

static int structure(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	unsigned long best = NO_PFN, buddy_of_best;
	unsigned int best_order = 0;
	int best_unmerged = 0;

	z->excused = 0;
	for (unsigned long i = 0; i < o->fb_n; i++) {
		unsigned long pfn = o->fb[i].pfn, n = 1UL << o->fb[i].order, buddy = pfn ^ n, parent = pfn & ~(2 * n - 1);

		if (o->fb[i].order >= MAX_ORDER - 1 || parent < z->start || parent + 2 * n > z->end ||
		    !block_bits(o->onlist, buddy, o->fb[i].order, 1))
			continue;
		if (o->fb[i].order == pageblock_order &&
		    (bf_pageblock_migratetype(w, pfn) == MIGRATE_ISOLATE ||
		     bf_pageblock_migratetype(w, buddy) == MIGRATE_ISOLATE)) {
			z->excused++;   /* depends on a pageblock flag, not only on the lists */
			continue;
		}
		if (pfn < best) {
			best = pfn;
			best_order = o->fb[i].order;
		}
	}
	if (best == NO_PFN)
		return 0;
	/* unmerged when its buddy is a free-list head of the same order */
	buddy_of_best = best ^ (1UL << best_order);
	for (unsigned long i = 0; i < o->fb_n; i++)
		best_unmerged |= o->fb[i].pfn == buddy_of_best && o->fb[i].order == best_order;
	if (best_unmerged)
		return bf_o_div(d, BF_DIV_UNMERGED_BUDDY, NULL, z->nid, z->zid, best,
				"%s/%d: free order-%u blocks at pfn 0x%lx and 0x%lx are buddies and did not merge",
				bf_zone_name(z->zid), z->nid, best_order, best, buddy_of_best);
	return bf_o_div(d, BF_DIV_WRONG_SPLIT, NULL, z->nid, z->zid, best,
			"%s/%d: free order-%u block at pfn 0x%lx lies in a free order-%u block [0x%lx, 0x%lx) split otherwise",
			bf_zone_name(z->zid), z->nid, best_order, best, best_order + 1,
			best & ~((2UL << best_order) - 1), (best & ~((2UL << best_order) - 1)) + (2UL << best_order));
}

static int check_zone(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	struct walk c = { .o = o, .z = z, .d = d };
	int zi = BF_ZI(z->nid, z->zid);

	o->fb_n = 0;
	bf_walk_free_lists(w, z->nid, z->zid, on_block, &c);
	for (int cpu = 0; cpu < o->nr_cpus && !c.bad; cpu++) {
		c.cpu = cpu;
		c.pcp_n = 0;
		memset(o->pcp_len[cpu][zi], 0, sizeof(o->pcp_len[cpu][zi]));
		bf_walk_pcp(w, cpu, z->nid, z->zid, on_pcp, &c);
		if (c.bad)
			break;
		z->pcp_n[cpu] = c.pcp_n;
		c.bad = judge_pcp_count(w, z, cpu, c.pcp_n, d);
	}
	if (c.bad)
		return 1;
	if (o->fb_oom)
		return 0;   /* could not record the blocks: judge nothing rather than guess */
	memcpy(z->nr, c.nr, sizeof(z->nr));
	z->sum = c.sum;
	z->cma = c.cma;
	if (judge_nr_free(w, z, d))
		return 1;
	memcpy(z->cnt, c.cnt, sizeof(z->cnt));
	if (compare_words(o, z, d) || judge_counters(o, w, z, d))
		return 1;
	z->rebase = 0;
	return structure(o, w, z, d);
}

/*
 * A zone whose lists and oracle state did not change since it last passed:
 * what check_zone would find again is only what can change without the lists
 * -- the counters -- so judge those against what the lists held, in
 * check_zone's order.
 */
static int recheck_counters(struct bf_oracle *o, const struct world *w, struct bf_ozone *z, struct bf_divergence *d)
{
	for (int cpu = 0; cpu < o->nr_cpus; cpu++)
		if (judge_pcp_count(w, z, cpu, z->pcp_n[cpu], d))
			return 1;
	return judge_nr_free(w, z, d) || judge_counters(o, w, z, d);
}

/*
 * Incremental: a zone whose lists did not change (bf_zone_list_seq, bumped by
 * the world on every free-list and pcp-list change) and whose oracle state
 * did not change (touched) is in the state its last passing check judged, so
 * judging its lists again can only agree -- skipping it cannot hide a
 * divergence of the contract, only delay one the world makes without touching
 * its lists (its counters), which the periodic check every BF_O_FULL_EVERY
 * ops and the complete one at the end catch.  A zone whose last verdict
 * leaned on an ISOLATE pageblock (z->excused) is walked again by the periodic
 * check: that flag can change without the lists.
 */
int bf_o_check(struct bf_oracle *o, const struct world *w, struct bf_divergence *d, enum bf_o_check_mode mode)
{
	int rc = 0;

	o->st.checks++;
	o->fb_oom = 0;
	for (int i = 0; i < o->nr_live && !rc; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];
		unsigned long seq;

		if (z->degraded)
			continue;
		seq = bf_zone_list_seq(w, z->nid, z->zid);
		if (mode != BF_O_CHECK_ALL && z->seq_valid && !z->touched && seq == z->seq_seen) {
			if (mode == BF_O_CHECK_CHANGED)
				continue;
			if (!z->excused) {
				rc = recheck_counters(o, w, z, d);
				z->seq_valid = !rc;
				continue;
			}
		}
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
	if (o->zl_bad) {
		*d = o->zl_div;
		o->zl_bad = 2;
		return 1;
	}
	return bf_o_check(o, w, d, BF_O_CHECK_ALL);
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
