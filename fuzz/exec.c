/*
 * exec.c - run a program's operations against a world (see exec.h).
 * Handles track what the program holds: a block, pieces after split_page or
 * alloc_pages_exact, and the references taken with get.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/exec_internal.h"

int bf_exec_fail(struct bf_exec *x, enum bf_exec_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->r->msg, sizeof(x->r->msg), fmt, ap);
	va_end(ap);
	x->r->status = st;
	x->r->line = x->op ? x->op->line : 0;
	return -1;
}

static void hash_mix(struct bf_exec *x, unsigned long v)
{
	for (int i = 0; i < 8; i++) {
		x->r->trace_hash ^= (v >> (i * 8)) & 0xff;
		x->r->trace_hash *= 0x100000001b3UL;
	}
}

/* After each op: its kind, and the state of the handle it touched. */
static void hash_op(struct bf_exec *x, const struct bf_op *op)
{
	hash_mix(x, (unsigned long)op->kind);
	if (op->handle != BF_NO_HANDLE) {
		const struct bf_hstate *h = &x->h[op->handle];

		hash_mix(x, (unsigned long)h->kind);
		hash_mix(x, h->pfn);
		hash_mix(x, h->order);
		hash_mix(x, (unsigned long)h->refs);
	}
}

/*
 * At the end: the status, and what the world holds -- free blocks per zone
 * and order, the counters (global and per-cpu pcp counts), the records.
 */
static void hash_final(struct bf_exec *x)
{
	const struct bf_records *rec = bf_records(x->w);

	hash_mix(x, (unsigned long)x->r->status);
	hash_mix(x, (unsigned long)x->r->ops_run);
	for (int n = 0; n < bf_nr_nodes(x->w); n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			for (unsigned int o = 0; o < MAX_ORDER; o++)
				hash_mix(x, bf_nr_free(x->w, n, z, o));
			for (int item = 0; item < NR_VM_ZONE_STAT_ITEMS; item++)
				hash_mix(x, (unsigned long)bf_zone_stat_raw(x->w, n, z, item));
			for (int cpu = 0; cpu < bf_nr_cpus(x->w); cpu++) {
				struct bf_pcp_info pi;

				bf_pcp_info(x->w, cpu, n, z, &pi);
				hash_mix(x, (unsigned long)pi.count);
			}
		}
	for (int item = 0; item < NR_VM_EVENT_ITEMS; item++)
		hash_mix(x, bf_vm_event(x->w, item));
	hash_mix(x, rec->bad_page_count);
	for (int i = 0; i < NR_WARN_SITES; i++)
		hash_mix(x, rec->warn_count[i]);
	for (int i = 0; i < NR_EVENT_KINDS; i++)
		hash_mix(x, rec->event_count[i]);
}

static const char *hname(struct bf_exec *x, int h) { return x->p->handle_names[h]; }

static void piece_set(struct bf_hstate *h, unsigned long i, int on)
{
	if (on)
		h->alive[i / 64] |= 1UL << (i % 64);
	else
		h->alive[i / 64] &= ~(1UL << (i % 64));
}
static int piece_alive(const struct bf_hstate *h, unsigned long i) { return (h->alive[i / 64] >> (i % 64)) & 1; }
static int pieces_left(const struct bf_hstate *h)
{
	for (size_t i = 0; i < sizeof(h->alive) / sizeof(h->alive[0]); i++)
		if (h->alive[i])
			return 1;
	return 0;
}

/* every page alloc_pages_exact kept is still held: free_pages_exact applies */
static int exact_intact(const struct bf_hstate *h)
{
	for (unsigned long i = 0; i < (h->size + PAGE_SIZE - 1) / PAGE_SIZE; i++)
		if (!piece_alive(h, i))
			return 0;
	return 1;
}

static int check_cpu(struct bf_exec *x, int cpu)
{
	if (cpu >= bf_nr_cpus(x->w))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "cpu %d is not online (cpus 0..%d)", cpu,
				    bf_nr_cpus(x->w) - 1);
	return 0;
}

static int live_handle(struct bf_exec *x, const struct bf_op *op, struct bf_hstate **out)
{
	struct bf_hstate *h = &x->h[op->handle];

	if (h->kind == H_EMPTY || h->kind == H_FAILED)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s %s: the handle holds no pages (%s)",
				    bf_op_names[op->kind], hname(x, op->handle),
				    h->kind == H_FAILED ? "its allocation failed" : "never allocated or already freed");
	if (op->piece >= 0) {
		if (h->kind == H_BLOCK)
			return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s.%d: %s was not split",
					    hname(x, op->handle), op->piece, hname(x, op->handle));
		if ((unsigned long)op->piece >= (1UL << h->order) || !piece_alive(h, (unsigned long)op->piece))
			return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s.%d: no such live piece",
					    hname(x, op->handle), op->piece);
	}
	*out = h;
	return 0;
}

static void trace(struct bf_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(struct bf_exec *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->o->trace)
		return;
	fprintf(x->o->trace, "%4d: ", x->op->line);
	va_start(ap, fmt);
	vfprintf(x->o->trace, fmt, ap);
	va_end(ap);
	fputc('\n', x->o->trace);
}

static int op_alloc(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h = &x->h[op->handle];
	char gfps[256];
	int nid, zid;

	if (h->kind != H_EMPTY && h->kind != H_FAILED)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s still holds pages; free it first",
				    hname(x, op->handle));
	if (check_cpu(x, op->cpu))
		return -1;
	if (op->has_node && op->nid >= bf_nr_nodes(x->w))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "node %d does not exist", op->nid);
	memset(h, 0, sizeof(*h));
	if (op->kind == BF_OP_ALLOC_EXACT) {
		unsigned long used = (op->size + PAGE_SIZE - 1) / PAGE_SIZE;

		h->pfn = alloc_pages_exact(x->w, op->cpu, op->size, op->gfp);
		h->size = op->size;
		h->order = get_order(op->size);
		for (unsigned long i = 0; h->pfn != NO_PFN && i < used; i++)
			piece_set(h, i, 1);
		h->kind = H_EXACT;
	} else {
		h->pfn = op->has_node ? alloc_pages_node(x->w, op->cpu, op->nid, op->gfp, op->order)
				      : alloc_pages(x->w, op->cpu, op->gfp, op->order);
		h->order = op->order;
		h->compound = op->order > 0 && (op->gfp & __GFP_COMP);
		h->kind = H_BLOCK;
		if (h->pfn != NO_PFN && op->lru)
			page_poke(x->w, h->pfn, POKE_FLAGS_SET, 1UL << PG_lru);
	}
	h->refs = 1;
	hash_mix(x, h->pfn);
	gfp_format(op->gfp, gfps, sizeof(gfps));
	if (h->pfn == NO_PFN) {
		h->kind = H_FAILED;
		trace(x, "%s %s order=%u gfp=%s cpu=%d -> NULL", bf_op_names[op->kind], hname(x, op->handle),
		      h->order, gfps, op->cpu);
		return 0;
	}
	bf_pfn_zone(x->w, h->pfn, &nid, &zid);
	trace(x, "%s %s order=%u gfp=%s cpu=%d -> pfn 0x%lx (%s node %d)", bf_op_names[op->kind],
	      hname(x, op->handle), h->order, gfps, op->cpu, h->pfn, bf_zone_name(zid), nid);
	return 0;
}

static int op_free(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h;

	if (live_handle(x, op, &h) || check_cpu(x, op->cpu))
		return -1;
	if (op->piece >= 0) {
		__free_pages(x->w, op->cpu, h->pfn + (unsigned long)op->piece, 0);
		piece_set(h, (unsigned long)op->piece, 0);
		trace(x, "free %s.%d (pfn 0x%lx)", hname(x, op->handle), op->piece, h->pfn + (unsigned long)op->piece);
		if (!pieces_left(h))
			h->kind = H_EMPTY;
		return 0;
	}
	if (h->kind == H_BLOCK) {
		__free_pages(x->w, op->cpu, h->pfn, h->order);
		trace(x, "free %s (pfn 0x%lx order %u, refs %d)", hname(x, op->handle), h->pfn, h->order, h->refs);
		if (--h->refs == 0) {
			h->kind = H_EMPTY;
		} else if (!h->compound && h->order) {
			/* __free_pages freed everything but page[0] to the other holder */
			h->order = 0;
		}
		return 0;
	}
	trace(x, "free %s (pieces of pfn 0x%lx)", hname(x, op->handle), h->pfn);
	if (h->kind == H_EXACT && exact_intact(h)) {
		free_pages_exact(x->w, op->cpu, h->pfn, h->size);
	} else {
		for (unsigned long i = 0; i < (1UL << h->order); i++)
			if (piece_alive(h, i))
				__free_pages(x->w, op->cpu, h->pfn + i, 0);
	}
	h->kind = H_EMPTY;
	return 0;
}

static int op_refs(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h;

	if (live_handle(x, op, &h) || check_cpu(x, op->cpu))
		return -1;
	if (op->piece >= 0 || h->kind != H_BLOCK)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s takes a whole, unsplit handle", bf_op_names[op->kind]);
	if (op->kind == BF_OP_GET) {
		get_page(x->w, h->pfn);
		h->refs++;
		trace(x, "get %s (refs %d)", hname(x, op->handle), h->refs);
		return 0;
	}
	put_page(x->w, op->cpu, h->pfn);
	trace(x, "put %s (refs %d)", hname(x, op->handle), h->refs - 1);
	if (--h->refs == 0)
		h->kind = H_EMPTY;
	return 0;
}

static int op_split(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h;

	if (live_handle(x, op, &h))
		return -1;
	if (h->kind != H_BLOCK || h->compound || h->refs != 1)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM,
				    "split %s: only a non-compound block with one reference can be split",
				    hname(x, op->handle));
	split_page(x->w, h->pfn, h->order);
	for (unsigned long i = 0; i < (1UL << h->order); i++)
		piece_set(h, i, 1);
	h->kind = H_SPLIT;
	trace(x, "split %s into %lu pages", hname(x, op->handle), 1UL << h->order);
	return 0;
}

static int op_poke(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h;
	unsigned long pfn, idx;

	if (live_handle(x, op, &h))
		return -1;
	idx = op->piece >= 0 ? (unsigned long)op->piece : (unsigned long)op->page;
	if ((op->piece >= 0 && op->page) || idx >= (1UL << h->order) ||
	    ((h->kind == H_SPLIT || h->kind == H_EXACT) && !piece_alive(h, idx)))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "poke: page %lu of %s is not held by the program",
				    idx, hname(x, op->handle));
	pfn = h->pfn + idx;
	for (int i = 0; i < op->npoke; i++)
		page_poke(x->w, pfn, op->poke[i].field, op->poke[i].value);
	trace(x, "poke pfn 0x%lx (%d fields)", pfn, op->npoke);
	return 0;
}

static int run_op(struct bf_exec *x, const struct bf_op *op)
{
	switch (op->kind) {
	case BF_OP_ALLOC:
	case BF_OP_ALLOC_EXACT:
		return op_alloc(x, op);
	case BF_OP_FREE:
		return op_free(x, op);
	case BF_OP_GET:
	case BF_OP_PUT:
		return op_refs(x, op);
	case BF_OP_SPLIT:
		return op_split(x, op);
	case BF_OP_POKE:
		return op_poke(x, op);
	case BF_OP_DRAIN:
		if (op->cpu >= 0 && check_cpu(x, op->cpu))
			return -1;
		if (op->nid >= bf_nr_nodes(x->w))
			return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "node %d does not exist", op->nid);
		if (op->cpu < 0)
			drain_all_pages(x->w, op->nid, op->zid);
		else
			drain_local_pages(x->w, op->cpu, op->nid, op->zid);
		trace(x, "drain cpu=%d", op->cpu);
		return 0;
	case BF_OP_IRQ:
		if (check_cpu(x, op->cpu))
			return -1;
		world_set_irq(x->w, op->cpu, op->value != 0);
		return 0;
	case BF_OP_TASKFLAGS:
		if (check_cpu(x, op->cpu))
			return -1;
		world_set_task_flags(x->w, op->cpu, (unsigned int)op->value);
		return 0;
	case BF_OP_SYSCTL: {
		int rc = world_sysctl(x->w, op->sysctl, op->values, op->nvalues);

		trace(x, "sysctl -> %d", rc);
		hash_mix(x, (unsigned long)rc);
		return 0;
	}
	case BF_OP_VMSTAT_REFRESH:
		vmstat_refresh(x->w);
		return 0;
	case BF_OP_VMSTAT_UPDATE:
		if (check_cpu(x, op->cpu))
			return -1;
		vmstat_update(x->w, op->cpu);
		return 0;
	case BF_OP_DUMP:
		bf_exec_dump(x->w, (int)op->value, x->o->dump_out ? x->o->dump_out : stdout);
		return 0;
	case BF_OP_CHECK: {
		char why[512];

		if (bf_check_world(x->w, why, sizeof(why)))
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "check: %s", why);
		return 0;
	}
	case BF_OP_EXPECT:
		return bf_exec_expect(x, op);
	case BF_NR_OPS:
		break;
	}
	return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "unknown op");
}

enum bf_exec_status bf_exec(const struct bf_prog *p, const struct bf_exec_opts *o,
			    struct bf_exec_result *r, struct world **keep)
{
	struct bf_exec x = { .p = p, .o = o, .r = r };
	char err[256];

	memset(r, 0, sizeof(*r));
	r->trace_hash = 0xcbf29ce484222325UL;
	x.w = world_create(&p->topo, err, sizeof(err));
	if (!x.w) {
		bf_exec_fail(&x, BF_EXEC_BAD_PROGRAM, "topology: %s", err);
		r->line = 1;  /* the topology block starts the program */
		return r->status;
	}
	x.h = calloc((size_t)p->nr_handles + 1, sizeof(*x.h));
	if (!x.h)
		abort();
	for (int i = 0; i < p->nr_ops; i++) {
		x.op = &p->ops[i];
		if (run_op(&x, x.op))
			break;
		r->ops_run++;
		hash_op(&x, x.op);
		if (o->check_every_op) {
			char why[512];

			if (bf_check_world(x.w, why, sizeof(why))) {
				bf_exec_fail(&x, BF_EXEC_EXPECT_FAILED, "invariant after %s: %s",
					     bf_op_names[x.op->kind], why);
				break;
			}
		}
	}
	hash_final(&x);
	free(x.h);
	if (keep)
		*keep = x.w;
	else
		world_destroy(x.w);
	return r->status;
}
