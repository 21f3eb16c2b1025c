/*
 * state.c - the oracle's own state: bitmaps over pfns, the zone table read
 * once from the booted world, the table of held blocks, create/reset/destroy
 * and the statistics.
 *
 * Invariants kept:
 *  - every bitmap covers npfn pfns, npfn a multiple of MAX_ORDER_NR_PAGES and
 *    at least every zone end, so any buddy of any block lies inside them;
 *  - held blocks never overlap (the table is keyed by head pfn; the alloc
 *    check refuses an overlapping result before one is added);
 *  - the boot state is read, not predicted: pages present but on no list at
 *    boot are held (reserved) for ever.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "oracle/oracle_int.h"

/* ---- bitmaps ---- */

static inline uint64_t range_mask(unsigned long lo, unsigned long n) /* bits lo..lo+n-1 of one word */
{
	return (n >= 64 ? ~0ULL : ((1ULL << n) - 1)) << lo;
}

/*
 * A range as a partial first word, whole middle words and a partial last
 * word: WORD runs once per word with i_ its index and m_ the range's bits in
 * it (a constant ~0 for the middle words, so those loops vectorize; aligned
 * blocks of order >= 6 are all middle words).  WORD may return.
 */
#define BM_FOR_WORDS(pfn, n, WORD)                                                           \
	do {                                                                                 \
		unsigned long p_ = (pfn), n_ = (n), i_;                                     \
		uint64_t m_;                                                                \
		if (n_ && (p_ & 63)) {                                                      \
			unsigned long k_ = 64 - (p_ & 63) < n_ ? 64 - (p_ & 63) : n_;       \
			m_ = range_mask(p_ & 63, k_);                                       \
			i_ = p_ >> 6;                                                       \
			WORD;                                                               \
			p_ += k_;                                                           \
			n_ -= k_;                                                           \
		}                                                                           \
		for (m_ = ~0ULL, i_ = p_ >> 6; n_ >= 64; i_++, n_ -= 64, p_ += 64)          \
			WORD;                                                               \
		if (n_) {                                                                   \
			m_ = range_mask(0, n_);                                             \
			i_ = p_ >> 6;                                                       \
			WORD;                                                               \
		}                                                                           \
	} while (0)

void bm_set_range(uint64_t *bm, unsigned long pfn, unsigned long n)
{
	BM_FOR_WORDS(pfn, n, bm[i_] |= m_);
}

void bm_clear_range(uint64_t *bm, unsigned long pfn, unsigned long n)
{
	BM_FOR_WORDS(pfn, n, bm[i_] &= ~m_);
}

int bm_any_range(const uint64_t *bm, unsigned long pfn, unsigned long n)
{
	BM_FOR_WORDS(pfn, n, if (bm[i_] & m_) return 1);
	return 0;
}

int bm_all_range(const uint64_t *bm, unsigned long pfn, unsigned long n)
{
	BM_FOR_WORDS(pfn, n, if ((bm[i_] & m_) != m_) return 0);
	return 1;
}

unsigned long bm_first_range(const uint64_t *bm, unsigned long pfn, unsigned long n)
{
	while (n) {
		unsigned long off = pfn & 63, k = 64 - off < n ? 64 - off : n;
		uint64_t v = bm[pfn >> 6] & range_mask(off, k);

		if (v)
			return (pfn & ~63UL) + (unsigned long)__builtin_ctzll(v);
		pfn += k;
		n -= k;
	}
	return NO_PFN;
}

/* not free (held, or not present) and not unknown: word by word */
unsigned long bf_o_first_taken(const struct bf_oracle *o, unsigned long pfn, unsigned long n)
{
	while (n) {
		unsigned long off = pfn & 63, k = 64 - off < n ? 64 - off : n, i = pfn >> 6;
		uint64_t v = ~o->unk[i] & (o->held[i] | ~o->present[i]) & range_mask(off, k);

		if (v)
			return (pfn & ~63UL) + (unsigned long)__builtin_ctzll(v);
		pfn += k;
		n -= k;
	}
	return NO_PFN;
}

/* ---- zones ---- */

struct bf_ozone *bf_o_zone_of(struct bf_oracle *o, unsigned long pfn)
{
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];

		if (pfn >= z->start && pfn < z->end)
			return z;
	}
	return NULL;
}

/* Give up on the zones holding [pfn, pfn+n): the contract no longer says what they hold. */
void bf_o_degrade(struct bf_oracle *o, unsigned long pfn, unsigned long n)
{
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];

		if (pfn < z->end && pfn + n > z->start)
			z->degraded = 1;
	}
}

void bf_o_touch(struct bf_oracle *o, unsigned long pfn, unsigned long n)
{
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];

		if (pfn < z->end && pfn + n > z->start)
			z->touched = 1;
	}
}

void bf_o_unknown(struct bf_oracle *o, unsigned long pfn, unsigned long n)
{
	bf_o_touch(o, pfn, n);
	if (pfn >= o->npfn)
		return;
	if (n > o->npfn - pfn)
		n = o->npfn - pfn;
	bm_set_range(o->unk, pfn, n);
	bm_set_range(o->taint, pfn, n);
}

/* ---- held blocks: open addressing, linear probing, backward-shift delete ---- */

static unsigned long blk_hash(const struct bf_oracle *o, unsigned long pfn)
{
	return (pfn * 0x9e3779b97f4a7c15UL >> 17) & (o->blk_cap - 1);
}

struct bf_oblock *bf_o_blk_find(struct bf_oracle *o, unsigned long pfn)
{
	for (unsigned long i = blk_hash(o, pfn);; i = (i + 1) & (o->blk_cap - 1)) {
		if (o->blk[i].pfn == pfn)
			return &o->blk[i];
		if (o->blk[i].pfn == NO_PFN)
			return NULL;
	}
}

struct bf_oblock *bf_o_blk_containing(struct bf_oracle *o, unsigned long pfn)
{
	for (unsigned int k = 0; k < MAX_ORDER; k++) {
		struct bf_oblock *b = bf_o_blk_find(o, pfn & ~((1UL << k) - 1));

		if (b && pfn - b->pfn < (1UL << b->order))
			return b;
	}
	return NULL;
}

static int blk_grow(struct bf_oracle *o)
{
	unsigned long oldcap = o->blk_cap;
	struct bf_oblock *old = o->blk, *nb = malloc(2 * oldcap * sizeof(*nb));

	if (!nb)
		return -1;
	for (unsigned long i = 0; i < 2 * oldcap; i++)
		nb[i].pfn = NO_PFN;
	o->blk = nb;
	o->blk_cap = 2 * oldcap;
	for (unsigned long i = 0; i < oldcap; i++)
		if (old[i].pfn != NO_PFN) {
			unsigned long j = blk_hash(o, old[i].pfn);

			while (nb[j].pfn != NO_PFN)
				j = (j + 1) & (o->blk_cap - 1);
			nb[j] = old[i];
		}
	free(old);
	return 0;
}

struct bf_oblock *bf_o_blk_add(struct bf_oracle *o, unsigned long pfn, unsigned int order, int compound, int refs)
{
	unsigned long i;

	if ((o->blk_n + 1) * 2 > o->blk_cap && blk_grow(o))
		return NULL;
	for (i = blk_hash(o, pfn); o->blk[i].pfn != NO_PFN; i = (i + 1) & (o->blk_cap - 1))
		if (o->blk[i].pfn == pfn)
			break;
	if (o->blk[i].pfn == NO_PFN)
		o->blk_n++;
	o->blk[i] = (struct bf_oblock){ .pfn = pfn, .refs = refs, .order = (unsigned char)order,
					.compound = (unsigned char)compound };
	return &o->blk[i];
}

void bf_o_blk_del(struct bf_oracle *o, struct bf_oblock *b)
{
	unsigned long mask = o->blk_cap - 1, i = (unsigned long)(b - o->blk), j = i;

	o->blk[i].pfn = NO_PFN;
	o->blk_n--;
	for (;;) {
		unsigned long h;

		j = (j + 1) & mask;
		if (o->blk[j].pfn == NO_PFN)
			return;
		h = blk_hash(o, o->blk[j].pfn);
		/* move j back to i if its home slot is not in (i, j] */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			o->blk[i] = o->blk[j];
			o->blk[j].pfn = NO_PFN;
			i = j;
		}
	}
}

/* ---- divergences ---- */

int bf_o_div(struct bf_divergence *d, enum bf_div_kind k, const char *sub, int nid, int zid,
	     unsigned long pfn, const char *fmt, ...)
{
	va_list ap;

	d->kind = k;
	if (sub)   /* accounting:NR_FREE_PAGES, wrong-node:policy */
		snprintf(d->name, sizeof(d->name), "%s:%s", bf_div_names[k], sub);
	else
		snprintf(d->name, sizeof(d->name), "%s", bf_div_names[k]);
	d->nid = nid;
	d->zid = zid;
	d->pfn = pfn;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
	return 1;
}

/* ---- create / reset ---- */

static void boot_block(void *arg, unsigned int order, int mt, unsigned long pfn)
{
	struct bf_oracle *o = arg;

	(void)mt;
	if (order < MAX_ORDER && pfn < o->npfn && (1UL << order) <= o->npfn - pfn)
		bm_clear_range(o->held, pfn, 1UL << order);
}

static void boot_pcp(void *arg, int list, unsigned long pfn, unsigned long index)
{
	struct bf_oracle *o = arg;

	(void)list;
	(void)index;
	if (pfn < o->npfn)
		bm_clear(o->held, pfn);
}

/* a pfn of z that bf_pfn_present denies: neither present nor held */
static unsigned long drop_if_hole(struct bf_oracle *o, const struct world *w, unsigned long pfn)
{
	if (bf_pfn_present(w, pfn))
		return 0;
	bm_clear(o->present, pfn);
	bm_clear(o->held, pfn);
	return 1;
}

/*
 * The holes of a zone span, asking the world about few pages: a hole is on
 * no boot list, so it is among the pages still held after the boot walk
 * (reserved pages and holes).  When those hold spanned - present holes --
 * every hole of the span, as present_pages counts them -- the pages the
 * lists freed are all present; otherwise ask about every page.
 */
static void find_holes(struct bf_oracle *o, const struct world *w, const struct bf_ozone *z)
{
	unsigned long found = 0;

	for (unsigned long i = z->start >> 6; i < (z->end + 63) >> 6; i++) {
		for (uint64_t v = o->held[i] & bf_o_span_mask(z, i); v; v &= v - 1)
			found += drop_if_hole(o, w, i * 64 + (unsigned long)__builtin_ctzll(v));
	}
	if (found == (z->end - z->start) - z->present)
		return;
	for (unsigned long p = z->start; p < z->end; p++)
		if (bm_test(o->present, p))
			drop_if_hole(o, w, p);
}

static void free_bitmaps(struct bf_oracle *o)
{
	free(o->held);
	free(o->unk);
	free(o->taint);
	free(o->hwp);
	free(o->present);
	free(o->onlist);
	free(o->onpcp);
	o->held = o->unk = o->taint = o->hwp = o->present = o->onlist = o->onpcp = NULL;
	o->nwords = o->npfn = 0;
}

int bf_oracle_reset(struct bf_oracle *o, const struct world *w)
{
	unsigned long end = bf_max_pfn(w);
	/* the state, then the scratch of a check (onlist, onpcp) */
	uint64_t **bms[] = { &o->held, &o->unk, &o->taint, &o->hwp, &o->present, &o->onlist, &o->onpcp };
	const size_t nstate = 5;

	o->nr_nodes = bf_nr_nodes(w);
	o->nr_cpus = bf_nr_cpus(w);
	/* only live zones are ever written: clearing those clears the table */
	for (int i = 0; i < o->nr_live; i++)
		memset(&o->z[o->live[i]], 0, sizeof(o->z[0]));
	o->nr_live = 0;
	for (int n = 0; n < BF_MAX_NODES; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct bf_ozone *oz = &o->z[BF_ZI(n, z)];
			struct bf_zone_info zi;

			oz->nid = n;
			oz->zid = z;
			if (n >= o->nr_nodes || bf_zone_info(w, n, z, &zi) || !zi.spanned)
				continue;
			oz->live = 1;
			o->live[o->nr_live++] = BF_ZI(n, z);
			oz->start = zi.start_pfn;
			oz->end = zi.start_pfn + zi.spanned;
			oz->present = zi.present;
			oz->managed = zi.managed;
			if (oz->end > end)
				end = oz->end;
		}
	end = (end + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
	if (end / 64 != o->nwords) {
		free_bitmaps(o);
		o->npfn = end;
		o->nwords = end / 64;
		for (size_t i = 0; i < sizeof(bms) / sizeof(bms[0]); i++)
			if (!(*bms[i] = calloc(o->nwords ? o->nwords : 1, sizeof(uint64_t))))
				return -1;
	} else {
		/* onlist and onpcp are clean: every check clears what it set */
		for (size_t i = 0; i < nstate; i++)
			memset(*bms[i], 0, o->nwords * sizeof(uint64_t));
	}
	if (!o->blk) {
		o->blk_cap = 256;
		if (!(o->blk = malloc(o->blk_cap * sizeof(*o->blk))))
			return -1;
	}
	memset(o->blk, 0xff, o->blk_cap * sizeof(*o->blk));   /* every pfn NO_PFN: empty */
	o->blk_n = 0;
	if (!o->fb) {
		o->fb_cap = 4096;
		if (!(o->fb = malloc(o->fb_cap * sizeof(*o->fb))))
			return -1;
	}
	/* every page of a zone span starts present and held; the boot lists free theirs; then the holes */
	for (int i = 0; i < BF_O_ZONES; i++)
		if (o->z[i].live)
			bm_set_range(o->present, o->z[i].start, o->z[i].end - o->z[i].start);
	memcpy(o->held, o->present, o->nwords * sizeof(uint64_t));
	for (int i = 0; i < BF_O_ZONES; i++) {
		struct bf_ozone *z = &o->z[i];

		if (!z->live)
			continue;
		bf_walk_free_lists(w, z->nid, z->zid, boot_block, o);
		for (int cpu = 0; cpu < o->nr_cpus; cpu++)
			bf_walk_pcp(w, cpu, z->nid, z->zid, boot_pcp, o);
	}
	for (int i = 0; i < BF_O_ZONES; i++)
		if (o->z[i].live && o->z[i].present != o->z[i].end - o->z[i].start)
			find_holes(o, w, &o->z[i]);
	for (int cpu = 0; cpu < BF_MAX_CPUS; cpu++) {
		o->cpu_node[cpu] = cpu < o->nr_cpus ? bf_cpu_to_node(w, cpu) : 0;
		o->irq[cpu] = 0;
		o->pf[cpu] = 0;
	}
	for (int n = 0; n < o->nr_nodes; n++)
		for (int nf = 0; nf < 2; nf++)
			o->zl_n[n][nf] = bf_zonelist(w, n, nf, o->zl_nid[n][nf], o->zl_zid[n][nf], BF_O_ZONES);
	bf_o_zonelists_build(o, w);
	o->zl_bad = bf_o_zonelists_judge(o, &o->zl_div);
	bf_o_tasks_reset(o);
	o->fixes = bf_fixes(w);
	o->mobility_off = bf_mobility_grouping_disabled(w);
	memcpy(o->warn_before, bf_records(w)->warn_count, sizeof(o->warn_before));
	o->bad_before = bf_records(w)->bad_page_count;
	memset(&o->st, 0, sizeof(o->st));
	memset(o->pcp_len, 0, sizeof(o->pcp_len));
	o->check_epoch = ~0UL;
	o->before_fresh = 0;
	o->fb_n = 0;
	o->fb_oom = 0;
	{
		/* judge the boot state once; a clean one lets the first op's liveness rule apply (the zonelist verdict is the first op's) */
		struct bf_divergence d;

		if (!bf_o_check(o, w, &d, BF_O_CHECK_ALL))
			o->check_epoch = 0;
		o->st.checks = 0;
	}
	return 0;
}

struct bf_oracle *bf_oracle_create(const struct world *w)
{
	struct bf_oracle *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	if (bf_oracle_reset(o, w)) {
		bf_oracle_destroy(o);
		return NULL;
	}
	return o;
}

void bf_oracle_destroy(struct bf_oracle *o)
{
	if (!o)
		return;
	free_bitmaps(o);
	free(o->blk);
	free(o->fb);
	free(o);
}

void bf_oracle_stats(const struct bf_oracle *o, struct bf_oracle_stats *s)
{
	*s = o->st;
	s->tainted_pages = 0;
	s->leaked_pages = 0;
	for (unsigned long i = 0; i < o->nwords; i++) {
		s->tainted_pages += (unsigned long)__builtin_popcountll(o->taint[i]);
		s->leaked_pages += (unsigned long)__builtin_popcountll(o->unk[i]);
	}
}
