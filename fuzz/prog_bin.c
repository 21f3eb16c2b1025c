/*
 * prog_bin.c - the binary program encoding for fuzzers (docs/binary-format.md).
 *
 * Decoding is TOTAL: every byte string, the empty one included, decodes to a
 * program the executor runs without a BAD_PROGRAM verdict (with `lenient`,
 * which skips ops on handles whose allocation failed at run time).  Reads past
 * the end give zero bytes; every field is folded into range; an op that names
 * a handle when no suitable handle is live is dropped.
 *
 * The decoder keeps a static mirror of the executor's handle state machine
 * (struct bf_bin_state) that assumes every allocation of order < MAX_ORDER
 * succeeds.  Handle and piece references are ranks among the currently
 * eligible handles/pieces, so any byte value picks something valid.
 *
 * The encoder drives the same state machine: it writes an op's bytes, then
 * decodes them with decode_op() to advance the state, so encoder and decoder
 * can never disagree about the state.  Invariants:
 *   - decode(encode(P)) == P for every P that decode produced;
 *   - every decoded program prints as text the parser accepts (gfp names and
 *     flag lists stay within its 255-character tokens);
 *   - encode is a function of the program, so encode(parse(print(P))) ==
 *     encode(P);
 *   - bf_prog_encode() is strict (0 unless the bytes decode back to P, handle
 *     names aside); bf_prog_encode_fold() folds whatever it is given (the
 *     mutator's output) into the nearest program the format can say.
 * Decoding reuses the program's buffers: no allocation once they have grown.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/prog.h"
#include "core/inspect.h"
#include "fuzz/bin_internal.h"

/* Op codes: the low nibble of an op's first byte.  X(code, kind); the first code of a kind is its canonical one. */
#define BF_BIN_OP_TABLE(X)                                              \
	X(0, BF_OP_ALLOC) X(1, BF_OP_FREE) X(2, BF_OP_ALLOC) X(3, BF_OP_FREE) \
	X(4, BF_OP_ALLOC_EXACT) X(5, BF_OP_GET) X(6, BF_OP_PUT) X(7, BF_OP_SPLIT) \
	X(8, BF_OP_DRAIN) X(9, BF_OP_POKE) X(10, BF_OP_IRQ) X(11, BF_OP_TASKFLAGS) \
	X(12, BF_OP_SYSCTL) X(13, BF_OP_VMSTAT_REFRESH) X(14, BF_OP_VMSTAT_UPDATE) X(15, BF_OP_CHECK)

static const unsigned char code_kind[16] = {
#define X(code, kind) [code] = kind,
	BF_BIN_OP_TABLE(X)
#undef X
};

/* alloc: the high nibble of the op byte is the order */
static const unsigned char order_tab[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3 };

/* gfp: a base mask (low nibble of g0) | modifiers (g1 bits 0-7, g0 bits 4-7) */
const gfp_t bf_bin_gfp_base[BF_BIN_NR_GFP_BASE] = {
	GFP_KERNEL, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_NOWAIT,
	GFP_KERNEL | __GFP_DMA, GFP_KERNEL | __GFP_DMA32, GFP_USER, GFP_NOFS,
	GFP_NOIO, GFP_TRANSHUGE, GFP_TRANSHUGE_LIGHT, GFP_KERNEL_ACCOUNT,
	GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC | __GFP_DMA, GFP_HIGHUSER, 0,
};
const gfp_t bf_bin_gfp_mod[BF_BIN_NR_GFP_MOD] = {
	__GFP_COMP, __GFP_NOWARN, __GFP_ZERO, __GFP_NORETRY,
	__GFP_RETRY_MAYFAIL, __GFP_THISNODE, __GFP_HIGH, __GFP_NOFAIL,
	__GFP_MEMALLOC, __GFP_NOMEMALLOC, __GFP_MOVABLE, __GFP_DMA32,
};

static const unsigned int pf_bits[4] = { PF_MEMALLOC, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, PF_MEMALLOC_NOCMA };

#define NR_PAGEFLAGS_MASK ((1UL << NR_PAGEFLAGS) - 1)

/* ---- the static mirror of the executor's handles ---- */

enum { S_EMPTY, S_BLOCK, S_SPLIT, S_EXACT };

struct bf_bin_handle {
	unsigned char kind, compound;
	unsigned short order;
	int refs;
	int nalive;
	uint64_t alive[MAX_ORDER_NR_PAGES / 64];
};

struct bf_bin_state {
	int nr_cpus, nr_nodes;
	int nh;                   /* handles used so far: h0..h(nh-1) */
	int nops;                 /* ops emitted */
	uint64_t mask[4];         /* handles eligible as E_LIVE, E_BLOCK, E_SPLITTABLE, E_EMPTY */
	struct bf_bin_handle h[BF_BIN_MAX_HANDLES];
};

/* which handles an op may name */
enum { E_LIVE, E_BLOCK, E_SPLITTABLE, E_EMPTY, E_NR };

/* Recompute handle hi's membership of the eligibility masks after its state changed. */
static void update_masks(struct bf_bin_state *st, int hi)
{
	const struct bf_bin_handle *h = &st->h[hi];
	uint64_t bit = 1ULL << hi;
	int in[E_NR] = {
		[E_LIVE] = h->kind != S_EMPTY,
		[E_BLOCK] = h->kind == S_BLOCK,
		[E_SPLITTABLE] = h->kind == S_BLOCK && !h->compound && h->order > 0 && h->refs == 1,
		[E_EMPTY] = h->kind == S_EMPTY,
	};

	for (int e = 0; e < E_NR; e++)
		st->mask[e] = in[e] ? st->mask[e] | bit : st->mask[e] & ~bit;
}

static int eligible(const struct bf_bin_state *st, int what, int hi)
{
	return (st->mask[what] >> hi) & 1;
}

static int count_eligible(const struct bf_bin_state *st, int what)
{
	return __builtin_popcountll(st->mask[what]);
}

static int nth_eligible(const struct bf_bin_state *st, int what, int k)
{
	uint64_t x = st->mask[what];

	while (k-- > 0)
		x &= x - 1;
	return x ? __builtin_ctzll(x) : -1;
}

static int rank_eligible(const struct bf_bin_state *st, int what, int h)
{
	return __builtin_popcountll(st->mask[what] & ((1ULL << h) - 1));
}

static int nth_alive(const struct bf_bin_handle *h, int k)
{
	for (int w = 0; w < (int)(sizeof(h->alive) / sizeof(h->alive[0])); w++) {
		int c = __builtin_popcountll(h->alive[w]);
		uint64_t x = h->alive[w];

		if (k >= c) {
			k -= c;
			continue;
		}
		while (k--)
			x &= x - 1;
		return w * 64 + __builtin_ctzll(x);
	}
	return -1;
}

static int rank_alive(const struct bf_bin_handle *h, int idx)
{
	int r = 0;

	for (int w = 0; w < idx / 64; w++)
		r += __builtin_popcountll(h->alive[w]);
	return r + __builtin_popcountll(h->alive[idx / 64] & ((1ULL << (idx % 64)) - 1));
}

static int is_alive(const struct bf_bin_handle *h, long idx)
{
	return idx >= 0 && idx < (long)MAX_ORDER_NR_PAGES && (h->alive[idx / 64] >> (idx % 64)) & 1;
}

static void set_alive(struct bf_bin_handle *h, unsigned long n)
{
	memset(h->alive, 0, sizeof(h->alive));
	for (unsigned long i = 0; i < n / 64; i++)
		h->alive[i] = ~0ULL;
	if (n % 64)
		h->alive[n / 64] = (1ULL << (n % 64)) - 1;
	h->nalive = (int)n;
}


/* ---- gfp ---- */

gfp_t bf_bin_read_gfp(struct rd *r, int raw)
{
	gfp_t g;
	unsigned g0, g1;

	if (raw)
		return u32(r);
	g0 = u8(r);
	g1 = u8(r);
	g = bf_bin_gfp_base[g0 & 15];
	for (int i = 0; i < 8; i++)
		if ((g1 >> i) & 1)
			g |= bf_bin_gfp_mod[i];
	for (int i = 0; i < 4; i++)
		if ((g0 >> (4 + i)) & 1)
			g |= bf_bin_gfp_mod[8 + i];
	return g;
}

/* The table form of a gfp (g0 | g1 << 8), or -1 if only the raw form says it. */
int bf_bin_gfp_table_form(gfp_t g)
{
	gfp_t mods = 0;

	for (int i = 0; i < BF_BIN_NR_GFP_MOD; i++)
		mods |= bf_bin_gfp_mod[i];
	for (int b = 0; b < BF_BIN_NR_GFP_BASE; b++) {
		gfp_t base = bf_bin_gfp_base[b], rest = g & ~base;
		unsigned g0 = (unsigned)b, g1 = 0;

		if ((g & base) != base || (rest & ~mods))
			continue;
		for (int i = 0; i < BF_BIN_NR_GFP_MOD; i++)
			if (rest & bf_bin_gfp_mod[i]) {
				if (i < 8)
					g1 |= 1u << i;
				else
					g0 |= 1u << (4 + i - 8);
			}
		return (int)(g0 | g1 << 8);
	}
	return -1;
}

/* ---- ops ---- */

static void op_clear(struct bf_op *op, enum bf_op_kind kind, int line)
{
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->line = line;
	op->handle = BF_NO_HANDLE;
	op->piece = -1;
	op->zid = -1;
	op->expect.pfn = NO_PFN;
}

static int fold_cpu(const struct bf_bin_state *st, unsigned v) { return (int)((v & 7) % (unsigned)st->nr_cpus); }
static int fold_node(const struct bf_bin_state *st, unsigned v) { return (int)((v & 3) % (unsigned)st->nr_nodes); }

/* The handle an alloc fills: 0 = a fresh one, k > 0 = the ((k-1) mod n)-th empty one. */
static int alloc_handle(struct bf_bin_state *st, unsigned sel)
{
	int nempty = count_eligible(st, E_EMPTY), h;

	if ((sel == 0 || nempty == 0) && st->nh < BF_BIN_MAX_HANDLES)
		h = st->nh++;
	else if (nempty)
		h = nth_eligible(st, E_EMPTY, sel ? (int)((sel - 1) % (unsigned)nempty) : 0);
	else
		return -1;
	if (h < 0 || h >= BF_BIN_MAX_HANDLES)
		return -1;
	memset(&st->h[h], 0, offsetof(struct bf_bin_handle, alive));
	return h;
}

static long fold_mapcount(int32_t v)
{
	/* the parser refuses values that read as a page type (PageBuddy/PageGuard) */
	if (((uint32_t)v & 0xf0000000u) == 0xf0000000u && (~(uint32_t)v & 0x880u))
		v = (int32_t)((uint32_t)v | 0x880u);
	return v;
}

/*
 * decode_op - read one op into *op.  Every op reads all its bytes first, so an
 * op's length depends only on its own bytes (and, for poke, its field count).
 * Returns 1 if the op is kept (and the state advanced), 0 if it is dropped.
 */
static int decode_op(struct bf_bin_state *st, struct rd *r, struct bf_op *op)
{
	unsigned k = u8(r), a = k >> 4;
	enum bf_op_kind kind = code_kind[k & 15];
	struct bf_bin_handle *h;
	int hi, n;

	op_clear(op, kind, st->nops + 1);
	/*
	 * `check` runs the world's O(pages) self-check: only the canonical byte
	 * 0x0f means it (1 in 256 random op bytes, not 1 in 16), so random
	 * programs are not mostly checks.  The other fifteen are the escape to
	 * more ops (prog_bin_ext.c: 0x1f fill, 0x2f fragment, 0x3f free_all; the
	 * rest dropped, reserved).
	 */
	if (kind == BF_OP_CHECK && a) {
		if (!bf_bin_decode_ext(r, a, op, st->nr_cpus, st->nr_nodes))
			return 0;
		if (op->kind == BF_OP_FREE_ALL)
			for (hi = 0; hi < st->nh; hi++) {
				st->h[hi].kind = S_EMPTY;  /* every handle freed until it holds nothing */
				update_masks(st, hi);
			}
		st->nops++;
		return 1;
	}
	switch (kind) {
	case BF_OP_ALLOC: {
		unsigned f = u8(r), sel = u8(r);

		op->gfp = bf_bin_read_gfp(r, f & 0x80);
		op->order = order_tab[a];
		op->cpu = fold_cpu(st, f);
		op->has_node = (f >> 3) & 1;
		op->nid = op->has_node ? fold_node(st, f >> 4) : 0;
		op->lru = (f >> 6) & 1;
		if ((hi = alloc_handle(st, sel)) < 0)
			return 0;
		op->handle = hi;
		h = &st->h[hi];
		if (op->order < MAX_ORDER) {  /* order >= MAX_ORDER always fails: the handle stays empty */
			h->kind = S_BLOCK;
			h->order = (unsigned short)op->order;
			h->compound = op->order > 0 && (op->gfp & __GFP_COMP);
			h->refs = 1;
		}
		break;
	}
	case BF_OP_ALLOC_EXACT: {
		unsigned sel = u8(r), sh = u8(r) % 11;
		uint32_t raw = u16(r);

		raw |= (uint32_t)u8(r) << 16;
		op->cpu = fold_cpu(st, a);
		op->size = 1 + raw % (PAGE_SIZE << sh);
		op->gfp = bf_bin_read_gfp(r, a & 8);
		if ((hi = alloc_handle(st, sel)) < 0)
			return 0;
		op->handle = hi;
		h = &st->h[hi];
		h->kind = S_EXACT;
		h->order = (unsigned short)get_order(op->size);
		h->refs = 1;
		set_alive(h, (op->size + PAGE_SIZE - 1) / PAGE_SIZE);
		break;
	}
	case BF_OP_FREE: {
		unsigned sel = u8(r), pr = u16(r);

		if (!(n = count_eligible(st, E_LIVE)))
			return 0;
		op->handle = hi = nth_eligible(st, E_LIVE, (int)(sel % (unsigned)n));
		op->cpu = fold_cpu(st, a);
		h = &st->h[hi];
		if (h->kind == S_BLOCK) {
			if (--h->refs == 0)
				h->kind = S_EMPTY;
			else if (!h->compound && h->order)
				h->order = 0;  /* __free_pages left page[0] to the other holder */
		} else if (a & 8) {
			int idx = nth_alive(h, (int)(pr % (unsigned)h->nalive));

			op->piece = idx;
			h->alive[idx / 64] &= ~(1ULL << (idx % 64));
			if (--h->nalive == 0)
				h->kind = S_EMPTY;
		} else {
			h->kind = S_EMPTY;
		}
		break;
	}
	case BF_OP_GET:
	case BF_OP_PUT:
	case BF_OP_SPLIT: {
		unsigned sel = u8(r);
		int what = kind == BF_OP_SPLIT ? E_SPLITTABLE : E_BLOCK;

		if (!(n = count_eligible(st, what)))
			return 0;
		op->handle = hi = nth_eligible(st, what, (int)(sel % (unsigned)n));
		h = &st->h[hi];
		if (kind == BF_OP_GET) {
			h->refs++;
		} else if (kind == BF_OP_PUT) {
			op->cpu = fold_cpu(st, a);
			if (--h->refs == 0)
				h->kind = S_EMPTY;
		} else {
			h->kind = S_SPLIT;
			set_alive(h, 1UL << h->order);
		}
		break;
	}
	case BF_OP_DRAIN: {
		unsigned b = u8(r), z = (b & 7) % 5;  /* 0: every zone, else zone z-1 */

		op->cpu = (a & 8) ? -1 : fold_cpu(st, a);
		if (z) {
			op->zid = (int)z - 1;
			op->has_node = (b >> 5) & 1;
			op->nid = op->has_node ? fold_node(st, b >> 3) : 0;
		}
		break;
	}
	case BF_OP_POKE: {
		unsigned sel = u8(r), ps = u16(r);
		int nf = a < 10 ? 1 : 2 + (int)(a - 10) % 5;

		op->npoke = nf;
		for (int i = 0; i < nf; i++) {
			int t = (int)(u8(r) % 6);
			unsigned long v;

			if (t == POKE_FLAGS_SET || t == POKE_FLAGS_CLEAR) {
				/*
				 * Never PG_head (the parser refuses it too): a forged head
				 * makes put_page read a compound_order from whatever page[1]
				 * holds, an erased one makes __free_pages free tails as
				 * pages -- memory corruption by the poking "subsystem",
				 * not an allocator bug.
				 */
				v = u32(r) & NR_PAGEFLAGS_MASK & ~(1UL << PG_head);
				while (__builtin_popcountl(v) > 8)  /* the text token stays short */
					v &= ~(1UL << (63 - __builtin_clzl(v)));
				if (!v)
					v = 1UL << PG_lru;
			} else if (t == POKE_MAPPING || t == POKE_MEMCG) {
				v = u64(r);
			} else if (t == POKE_MAPCOUNT) {
				v = (unsigned long)fold_mapcount((int32_t)u32(r));
			} else {
				v = (unsigned long)(long)(int32_t)u32(r);
			}
			op->poke[i].field = t;
			op->poke[i].value = v;
		}
		if (!(n = count_eligible(st, E_LIVE)))
			return 0;
		op->handle = hi = nth_eligible(st, E_LIVE, (int)(sel % (unsigned)n));
		h = &st->h[hi];
		if (h->kind == S_BLOCK) {
			op->page = (int)((ps & 0x7fff) % (1u << h->order));
		} else {
			int idx = nth_alive(h, (int)((ps & 0x7fff) % (unsigned)h->nalive));

			if (ps & 0x8000)
				op->piece = idx;
			else
				op->page = idx;
		}
		/*
		 * A refcount poke never goes below the references the program
		 * holds on that page: lower, and a later free would release a
		 * page the program still uses -- a use-after-free by the poking
		 * "subsystem" that corrupts the lists (kernel UB), not an
		 * allocator bug.  Higher only leaks, or makes a bad page.
		 */
		for (int i = 0; i < nf; i++) {
			long floor = h->kind != S_BLOCK ? 1 : op->page == 0 ? h->refs : LONG_MIN;

			if (op->poke[i].field == POKE_REFCOUNT && (long)op->poke[i].value < floor)
				op->poke[i].value = (unsigned long)floor;
		}
		break;
	}
	case BF_OP_IRQ:
		op->cpu = fold_cpu(st, a);
		op->value = (a >> 3) & 1;
		break;
	case BF_OP_TASKFLAGS: {
		unsigned b = u8(r);

		op->cpu = fold_cpu(st, a);
		for (int i = 0; i < 4; i++)
			if ((b >> i) & 1)
				op->value |= pf_bits[i];
		break;
	}
	case BF_OP_SYSCTL:
		op->sysctl = (int)(a % 5);
		op->nvalues = op->sysctl == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1;
		for (int i = 0; i < op->nvalues; i++)
			op->values[i] = (int32_t)u32(r);
		if (st->nops == 0)
			return 0;  /* before the first op, a sysctl line is topology in the text format */
		break;
	case BF_OP_VMSTAT_UPDATE:
		op->cpu = fold_cpu(st, a);
		break;
	default:  /* vmstat_refresh, check */
		break;
	}
	if (op->handle >= 0)
		update_masks(st, op->handle);
	st->nops++;
	return 1;
}

/* ---- the program ---- */

void bf_prog_reset(struct bf_prog *p)
{
	for (int i = 0; i < p->nr_strings; i++)
		free(p->strings[i]);
	p->nr_strings = 0;
	p->nr_ops = 0;
	bf_topology_default(&p->topo);
}

static int is_hname(const char *s, int i)
{
	int v = 0;

	if (s[0] != 'h' || !s[1])
		return 0;
	for (s++; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v == i;
}

static void ensure_names(struct bf_prog *p, int n)
{
	if (n > p->cap_handles) {
		char **nn = realloc(p->handle_names, BF_BIN_MAX_HANDLES * sizeof(char *));

		if (!nn)
			abort();  /* out of memory is not bad input */
		p->handle_names = nn;
		p->cap_handles = BF_BIN_MAX_HANDLES;
	}
	for (int i = 0; i < n; i++) {
		char buf[16];

		if (i < p->nr_handles && is_hname(p->handle_names[i], i))
			continue;
		snprintf(buf, sizeof(buf), "h%d", i);
		if (i < p->nr_handles)
			free(p->handle_names[i]);
		if (!(p->handle_names[i] = strdup(buf)))
			abort();
	}
	if (n > p->nr_handles)
		p->nr_handles = n;
}

int bf_prog_decode(struct bf_prog *p, const uint8_t *data, size_t size)
{
	struct rd r = { data, size, 0 };
	struct bf_bin_state st;

	bf_prog_reset(p);
	if (p->cap_ops < BF_BIN_MAX_OPS) {
		struct bf_op *ops = realloc(p->ops, BF_BIN_MAX_OPS * sizeof(*ops));

		if (!ops)
			abort();
		p->ops = ops;
		p->cap_ops = BF_BIN_MAX_OPS;
	}
	bf_bin_decode_topo(&p->topo, &r);
	st.nr_cpus = p->topo.nr_cpus;
	st.nr_nodes = p->topo.nr_nodes;
	st.nh = st.nops = 0;
	memset(st.mask, 0, sizeof(st.mask));
	while (r.i < r.n && p->nr_ops < BF_BIN_MAX_OPS)
		p->nr_ops += decode_op(&st, &r, &p->ops[p->nr_ops]);
	ensure_names(p, st.nh);
	return 0;
}

/* ---- encoding ---- */

#define MAX_PROG_HANDLES 4096

struct enc {
	struct bf_bin_state st;
	short map[MAX_PROG_HANDLES];  /* program handle -> decoder handle, -1 none */
	int task_pending;             /* the `task` op of an alloc's task= was written, the alloc is next */
};

static int mapped(const struct enc *e, int h)
{
	return h >= 0 && h < MAX_PROG_HANDLES ? e->map[h] : -1;
}

/* The selector byte naming program handle h among the eligible ones (folded if it is not one). */
static unsigned ref_sel(const struct enc *e, int what, int h)
{
	int d = mapped(e, h);

	if (d >= 0 && eligible(&e->st, what, d))
		return (unsigned)rank_eligible(&e->st, what, d);
	return (unsigned)h & 0xff;
}

void bf_bin_write_gfp(struct wr *w, gfp_t g, int tf)
{
	if (tf < 0)
		w32(w, g);
	else
		w16(w, (unsigned)tf);
}

static unsigned cpu_bits(int cpu) { return (unsigned)(cpu < 0 ? 0 : cpu) & 7; }

/* Write op's bytes (folding what the format cannot say); 0 if the op has no binary form at all. */
static int encode_op(const struct enc *e, const struct bf_op *op, struct wr *w)
{
	const struct bf_bin_state *st = &e->st;
	int d = mapped(e, op->handle);
	const struct bf_bin_handle *h = d >= 0 ? &st->h[d] : NULL;

	switch (op->kind) {
	case BF_OP_ALLOC:
	case BF_OP_ALLOC_EXACT: {
		int tf = bf_bin_gfp_table_form(op->gfp);
		unsigned sel = 0;

		if (h && h->kind == S_EMPTY)
			sel = 1 + (unsigned)rank_eligible(st, E_EMPTY, d);
		if (op->kind == BF_OP_ALLOC) {
			w8(w, 0 | (op->order <= 10 ? op->order : 11) << 4);
			w8(w, cpu_bits(op->cpu) | (unsigned)(op->has_node != 0) << 3 | ((unsigned)op->nid & 3) << 4 |
				      (unsigned)(op->lru != 0) << 6 | (tf < 0) << 7);
			w8(w, sel);
		} else {
			uint32_t raw = (uint32_t)((op->size - 1) & 0xffffff);

			w8(w, 4 | (cpu_bits(op->cpu) | (tf < 0) << 3) << 4);
			w8(w, sel);
			w8(w, 10);
			w16(w, raw & 0xffff);
			w8(w, raw >> 16);
		}
		bf_bin_write_gfp(w, op->gfp, tf);
		return 1;
	}
	case BF_OP_FREE: {
		unsigned pr = (unsigned)op->piece & 0xffff;

		if (h && op->piece >= 0 && (h->kind == S_SPLIT || h->kind == S_EXACT) && is_alive(h, op->piece))
			pr = (unsigned)rank_alive(h, op->piece);
		w8(w, 1 | (cpu_bits(op->cpu) | (op->piece >= 0) << 3) << 4);
		w8(w, ref_sel(e, E_LIVE, op->handle));
		w16(w, pr);
		return 1;
	}
	case BF_OP_GET:
		w8(w, 5);
		w8(w, ref_sel(e, E_BLOCK, op->handle));
		return 1;
	case BF_OP_PUT:
		w8(w, 6 | cpu_bits(op->cpu) << 4);
		w8(w, ref_sel(e, E_BLOCK, op->handle));
		return 1;
	case BF_OP_SPLIT:
		w8(w, 7);
		w8(w, ref_sel(e, E_SPLITTABLE, op->handle));
		return 1;
	case BF_OP_DRAIN:
		w8(w, 8 | (op->cpu < 0 ? 8u : cpu_bits(op->cpu)) << 4);
		w8(w, op->zid < 0 || op->zid >= MAX_NR_ZONES ? 0u :
		      (unsigned)(op->zid + 1) | ((unsigned)op->nid & 3) << 3 | (unsigned)(op->has_node != 0) << 5);
		return 1;
	case BF_OP_POKE: {
		int nf = op->npoke < 1 ? 1 : op->npoke > 6 ? 6 : op->npoke;
		unsigned ps = (unsigned)(op->piece >= 0 ? op->piece : op->page) & 0x7fff;

		if (h && (h->kind == S_SPLIT || h->kind == S_EXACT)) {
			if (op->piece >= 0 && is_alive(h, op->piece))
				ps = 0x8000 | (unsigned)rank_alive(h, op->piece);
			else if (op->piece < 0 && is_alive(h, op->page))
				ps = (unsigned)rank_alive(h, op->page);
		}
		w8(w, 9 | (nf == 1 ? 0u : (unsigned)nf + 8) << 4);
		w8(w, ref_sel(e, E_LIVE, op->handle));
		w16(w, ps);
		for (int i = 0; i < nf; i++) {
			int t = op->poke[i].field;
			unsigned long v = op->poke[i].value;

			w8(w, (unsigned)t % 6);
			if (t == POKE_FLAGS_SET || t == POKE_FLAGS_CLEAR)
				w32(w, (uint32_t)(v & NR_PAGEFLAGS_MASK));
			else if (t == POKE_MAPPING || t == POKE_MEMCG)
				w64(w, v);
			else
				w32(w, (uint32_t)v);
		}
		return 1;
	}
	case BF_OP_IRQ:
		w8(w, 10 | (cpu_bits(op->cpu) | (op->value != 0) << 3) << 4);
		return 1;
	case BF_OP_TASKFLAGS: {
		unsigned b = 0;

		for (int i = 0; i < 4; i++)
			if ((unsigned long)op->value & pf_bits[i])
				b |= 1u << i;
		w8(w, 11 | cpu_bits(op->cpu) << 4);
		w8(w, b);
		return 1;
	}
	case BF_OP_SYSCTL:
		w8(w, 12 | ((unsigned)op->sysctl % 5) << 4);
		for (int i = 0; i < (op->sysctl == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1); i++)
			w32(w, (uint32_t)(i < op->nvalues ? op->values[i] : 0));
		return 1;
	case BF_OP_VMSTAT_REFRESH:
		w8(w, 13);
		return 1;
	case BF_OP_VMSTAT_UPDATE:
		w8(w, 14 | cpu_bits(op->cpu) << 4);
		return 1;
	case BF_OP_CHECK:
		w8(w, 15);
		return 1;
	default:  /* the escape ops; expect, dump: text only (0) */
		return bf_bin_encode_ext(op, w);
	}
}

size_t bf_prog_encode_fold(const struct bf_prog *p, uint8_t *buf, size_t cap)
{
	struct enc enc, *e = &enc;
	struct wr w = { .n = 0 };
	struct bf_topology t;
	size_t n;
	int kept = 0;

	bf_bin_encode_topo(&p->topo, &w);
	if (w.n > cap)
		return 0;
	memcpy(buf, w.b, w.n);
	n = w.n;
	{
		struct rd r = { w.b, w.n, 0 };

		bf_bin_decode_topo(&t, &r);
	}
	memset(e->map, 0xff, sizeof(e->map));
	e->task_pending = 0;
	e->st.nr_cpus = t.nr_cpus;
	e->st.nr_nodes = t.nr_nodes;
	e->st.nh = e->st.nops = 0;
	memset(e->st.mask, 0, sizeof(e->st.mask));
	for (int i = 0; i < p->nr_ops && kept < BF_BIN_MAX_OPS; i++) {
		const struct bf_op *op = &p->ops[i];
		struct bf_op back, plain, run;
		struct rd r;

		/* alloc ... task=T has no form of its own: `task T cpu=C` (the same run), then the alloc */
		if ((op->kind == BF_OP_ALLOC || op->kind == BF_OP_ALLOC_EXACT) && op->has_task) {
			if (!e->task_pending) {
				run = (struct bf_op){ .kind = BF_OP_TASK, .cpu = op->cpu, .task = op->task, .has_task = 1,
						      .handle = BF_NO_HANDLE, .piece = -1, .zid = -1 };
				e->task_pending = 1;
				op = &run;
				i--;
			} else {
				plain = *op;
				plain.has_task = 0;
				plain.task = 0;
				op = &plain;
				e->task_pending = 0;
			}
		}
		w.n = 0;
		if (!encode_op(e, op, &w))
			continue;
		r = (struct rd){ w.b, w.n, 0 };
		if (n + w.n > cap)
			break;
		if (!decode_op(&e->st, &r, &back))
			continue;
		if ((back.kind == BF_OP_ALLOC || back.kind == BF_OP_ALLOC_EXACT) && op->handle >= 0 &&
		    op->handle < MAX_PROG_HANDLES)
			e->map[op->handle] = (short)back.handle;
		memcpy(buf + n, w.b, w.n);
		n += w.n;
		kept++;
	}
	return n;
}

size_t bf_prog_encode(const struct bf_prog *p, uint8_t *buf, size_t cap)
{
	struct bf_prog back;
	size_t n = bf_prog_encode_fold(p, buf, cap);
	int same;

	if (!n)
		return 0;
	bf_prog_init(&back);
	bf_prog_decode(&back, buf, n);
	same = bf_prog_equal_ex(p, &back, 0);
	bf_prog_free(&back);
	return same ? n : 0;
}
