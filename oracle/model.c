/*
 * model.c - what each operation does to the oracle's state, by the 5.10
 * contract of the free side (include/linux/mm.h, mm/swap.c, page_alloc.c):
 *
 *  __free_pages(pfn, order) drops one reference of the head: the last one
 *      frees the whole block; otherwise a NON-compound block of order > 0
 *      frees everything but page[0] at once (as blocks of order-1 .. 0) and
 *      page[0] waits for the last put (the 5.10 quirk, deviations.md);
 *  put_page(pfn) works on compound_head(pfn): the last reference frees a
 *      compound block whole, a non-compound one page[0] alone (the upper
 *      pages are orphaned: never free again);
 *  get_page(pfn) takes a reference of compound_head(pfn);
 *  split_page(pfn, order) makes 2^order order-0 blocks of one reference;
 *  alloc_pages_exact keeps PAGE_ALIGN(size) pages as order-0 blocks and frees
 *      the rest at once; free_pages_exact frees each kept page;
 *  a reference dropped from 0 is put_page_testzero's VM_BUG_ON (recorded as
 *      WARN put-page-zero, which the op must show) and leaves the count at -1;
 *  a poke taints its page (its state may be bad; refcount pokes are followed
 *      on a head); PG_hwpoison pages may vanish silently once freed.
 * Frees the contract cannot follow (a wrong order, a tail, an orphan, a free
 * page of order > 0, a hwpoison page) make the pages unknown and the zone
 * degraded: the structural checks stop there rather than guess.
 * Where freed pages land (pcp or buddy) is never predicted: the checks read it.
 */
#include "oracle/oracle_int.h"

/* A page's _refcount is an atomic_t: it wraps, it does not overflow. */
static int ref_add(int r, int d) { return (int)((unsigned int)r + (unsigned int)d); }

/*
 * A free or put of a page whose count is already 0: put_page_testzero must
 * WARN (put-page-zero), the first such pfn is the op's free-not-allocated
 * candidate, and the page (taint_pfn) is bad from now on.
 */
static void expect_put_zero(struct bf_oracle *o, unsigned long pfn, unsigned long taint_pfn)
{
	o->e.lo[WARN_PUT_ZERO]++;
	o->e.hi[WARN_PUT_ZERO]++;
	if (o->e.fna_pfn == NO_PFN)
		o->e.fna_pfn = pfn;
	bm_set(o->taint, taint_pfn);
}

static void leak_range(struct bf_oracle *o, unsigned long pfn, unsigned long n)
{
	if (!o->e.leak_n) {
		o->e.leak_pfn = pfn;
		o->e.leak_n = n;
	} else {
		unsigned long lo = pfn < o->e.leak_pfn ? pfn : o->e.leak_pfn;
		unsigned long hi = pfn + n > o->e.leak_pfn + o->e.leak_n ? pfn + n : o->e.leak_pfn + o->e.leak_n;

		o->e.leak_pfn = lo;
		o->e.leak_n = hi - lo;
	}
}

/* pages leave the program: free per the oracle, unless hwpoison makes their fate unknown */
static void release(struct bf_oracle *o, unsigned long pfn, unsigned long n)
{
	bm_clear_range(o->held, pfn, n);
	leak_range(o, pfn, n);
	o->e.freed += n;
	if (bm_any_range(o->hwp, pfn, n)) {
		o->e.freed_unsure = 1;   /* free_pages_prepare drops an order-0 hwpoison page uncounted */
		bf_o_unknown(o, pfn, n);
		bf_o_degrade(o, pfn, n);
	}
}

/* A reference dropped where the oracle cannot follow the count. */
static void lost_track(struct bf_oracle *o, unsigned long pfn, unsigned long n, int must_warn)
{
	o->e.freed_unsure = 1;
	if (must_warn) {
		o->e.lo[WARN_PUT_ZERO]++;
		if (o->e.fna_pfn == NO_PFN)
			o->e.fna_pfn = pfn;
	}
	if (o->e.hi[WARN_PUT_ZERO] != BF_INF)
		o->e.hi[WARN_PUT_ZERO]++;
	bf_o_unknown(o, pfn, n);
	leak_range(o, pfn, n);
}

static int refcount_zero_known(const struct bf_oracle *o, unsigned long pfn)
{
	return bf_o_is_free(o, pfn) && !bm_test(o->taint, pfn);
}

static void do_free_pages(struct bf_oracle *o, unsigned long pfn, unsigned int order)
{
	unsigned long n = order < MAX_ORDER ? 1UL << order : 1;
	struct bf_oblock *b = pfn < o->npfn ? bf_o_blk_find(o, pfn) : NULL;
	int r;

	if (pfn >= o->npfn)
		return;
	if (!b || b->weird || b->order != order) {
		/* a free page (count 0: must warn), a tail, an orphan, a wrong order */
		int zero = refcount_zero_known(o, pfn);

		if (b) {
			lost_track(o, b->pfn, 1UL << b->order, 0);
			bf_o_degrade(o, b->pfn, 1UL << b->order);
			bf_o_blk_del(o, b);
		}
		lost_track(o, pfn, n, zero);
		if (!zero || order > 0)
			bf_o_degrade(o, pfn, n);
		return;
	}
	r = b->refs;
	if (r == 0)
		expect_put_zero(o, pfn, pfn);
	if ((r = ref_add(r, -1)) == 0) {
		release(o, pfn, n);
		bf_o_blk_del(o, b);
		return;
	}
	b->refs = r;
	if (!b->compound && b->order > 0) {
		release(o, pfn + 1, n - 1);
		b->order = 0;
	}
}

static void do_put(struct bf_oracle *o, unsigned long pfn)
{
	struct bf_oblock *c = pfn < o->npfn ? bf_o_blk_containing(o, pfn) : NULL, *b;
	int r;

	if (pfn >= o->npfn)
		return;
	b = c && c->compound ? c : bf_o_blk_find(o, pfn);
	if (!b || b->weird) {
		int zero = (!c && refcount_zero_known(o, pfn)) ||
			   (c && !c->compound && !bm_test(o->taint, pfn) && !bm_test(o->unk, pfn));

		if (b) {
			lost_track(o, b->pfn, 1UL << b->order, 0);
			bf_o_degrade(o, b->pfn, 1UL << b->order);
			bf_o_blk_del(o, b);
			return;
		}
		lost_track(o, pfn, 1, zero);
		if (!zero)
			bf_o_degrade(o, pfn, 1);
		return;
	}
	r = b->refs;
	if (r == 0)
		expect_put_zero(o, pfn, b->pfn);
	if ((r = ref_add(r, -1)) != 0) {
		b->refs = r;
		return;
	}
	/* __page_cache_release clears PG_lru/active/unevictable; the block leaves */
	release(o, b->pfn, b->compound ? 1UL << b->order : 1);
	bf_o_blk_del(o, b);
}

static void do_get(struct bf_oracle *o, unsigned long pfn)
{
	struct bf_oblock *c = pfn < o->npfn ? bf_o_blk_containing(o, pfn) : NULL;

	if (pfn >= o->npfn)
		return;
	if (c && (c->compound || c->pfn == pfn)) {
		c->refs = ref_add(c->refs, 1);
		return;
	}
	/* a reference on a page nobody can drop properly: its state is now bad */
	bm_set(o->taint, pfn);
	if (!c)
		bf_o_unknown(o, pfn, 1);
}

static void do_split(struct bf_oracle *o, unsigned long pfn, unsigned int order)
{
	struct bf_oblock *b = pfn < o->npfn ? bf_o_blk_find(o, pfn) : NULL;
	unsigned long n = order < MAX_ORDER ? 1UL << order : 1;
	int r;

	if (pfn >= o->npfn)
		return;
	if (!b || b->compound || b->weird || b->refs == 0 || b->order != order) {
		/* split_page's VM_BUG_ON_PAGE(PageCompound || !page_count): recorded, then done anyway */
		int must = (b && (b->compound || b->refs == 0)) || refcount_zero_known(o, pfn);

		o->e.lo[WARN_SPLIT_COMPOUND] = (unsigned long)must;
		o->e.hi[WARN_SPLIT_COMPOUND] = 1;
		if (b) {
			bf_o_unknown(o, b->pfn, 1UL << b->order);
			bf_o_degrade(o, b->pfn, 1UL << b->order);
			bf_o_blk_del(o, b);
		}
		bf_o_unknown(o, pfn, n);
		bf_o_degrade(o, pfn, n);
		return;
	}
	r = b->refs;
	b->order = 0;
	b->refs = r;
	for (unsigned long i = 1; i < n; i++)
		bf_o_blk_add(o, pfn + i, 0, 0, 1);
}

static void do_poke(struct bf_oracle *o, unsigned long pfn, int field, unsigned long value)
{
	struct bf_oblock *b;

	if (pfn >= o->npfn)
		return;
	bm_set(o->taint, pfn);
	if (!bm_test(o->held, pfn))
		bf_o_unknown(o, pfn, 1);    /* a free page changed under the allocator */
	if (field == POKE_FLAGS_SET && (value & (1UL << PG_hwpoison)))
		bm_set(o->hwp, pfn);
	b = bf_o_blk_find(o, pfn);
	if (!b)
		return;
	if (field == POKE_REFCOUNT)
		b->refs = (int)value;
	if ((field == POKE_FLAGS_SET || field == POKE_FLAGS_CLEAR) && (value & (1UL << PG_head)) && b->order)
		b->weird = 1;
}

static void do_alloc(struct bf_oracle *o, const struct bf_oracle_op *op)
{
	unsigned long pfn = op->pfn;

	if (pfn == NO_PFN)
		return;
	if (op->kind == BF_OOP_ALLOC_EXACT) {
		unsigned long kept = (op->size + PAGE_SIZE - 1) >> PAGE_SHIFT;

		bm_set_range(o->held, pfn, kept);
		for (unsigned long i = 0; i < kept; i++)
			bf_o_blk_add(o, pfn + i, 0, 0, 1);
		return;
	}
	bm_set_range(o->held, pfn, 1UL << op->order);
	bf_o_blk_add(o, pfn, op->order, op->order > 0 && (op->gfp & __GFP_COMP), 1);
}

void bf_o_apply(struct bf_oracle *o, const struct bf_oracle_op *op)
{
	int c = op->cpu >= 0 && op->cpu < BF_MAX_CPUS ? op->cpu : 0;

	switch (op->kind) {
	case BF_OOP_ALLOC:
	case BF_OOP_ALLOC_EXACT:
		do_alloc(o, op);
		break;
	case BF_OOP_FREE_PAGES:
		do_free_pages(o, op->pfn, op->order);
		break;
	case BF_OOP_FREE_EXACT: {
		unsigned long kept = (op->size + PAGE_SIZE - 1) >> PAGE_SHIFT;

		for (unsigned long i = 0; i < kept; i++)
			do_free_pages(o, op->pfn + i, 0);
		break;
	}
	case BF_OOP_GET:
		do_get(o, op->pfn);
		break;
	case BF_OOP_PUT:
		do_put(o, op->pfn);
		break;
	case BF_OOP_SPLIT:
		do_split(o, op->pfn, op->order);
		break;
	case BF_OOP_POKE:
		do_poke(o, op->pfn, op->field, op->value);
		break;
	case BF_OOP_IRQ:
		o->irq[c] = op->value != 0;
		break;
	case BF_OOP_TASKFLAGS:
		bf_o_task_flags(o, c, (unsigned int)op->value);
		break;
	case BF_OOP_TASK:
		bf_o_task_apply(o, op);
		break;
	case BF_OOP_SET_MEMPOLICY:   /* bf_o_mempolicy_after */
	case BF_OOP_DRAIN:
	case BF_OOP_SYSCTL:
	case BF_OOP_VMSTAT:
	case BF_OOP_OTHER:
		break;
	}
}
