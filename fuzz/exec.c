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

	if (st == BF_EXEC_BAD_PROGRAM && x->o->lenient && x->op) {
		x->skip = 1;   /* a binary program's op that cannot apply: skipped */
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(x->r->msg, sizeof(x->r->msg), fmt, ap);
	va_end(ap);
	x->r->status = st;
	x->r->line = x->op ? x->op->line : 0;
	return -1;
}

/* Append a world call to the run's log (grows; stops growing if out of memory). */
static void log_call(struct bf_exec *x, const struct bf_oracle_op *oop)
{
	struct bf_call_log *l = x->o->log;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 256;
		struct bf_call *c = realloc(l->call, (size_t)cap * sizeof(*c));

		if (!c)
			return;
		l->call = c;
		l->cap = cap;
	}
	l->call[l->n++] = (struct bf_call){ *oop, x->op };
}

void bf_exec_before(struct bf_exec *x, const struct bf_oracle_op *oop)
{
	if (__builtin_expect(x->o->log != NULL, 0))
		log_call(x, oop);
	if (x->oracle)
		bf_oracle_before(x->oracle, x->w, oop);
}

int bf_exec_after(struct bf_exec *x, struct bf_oracle_op *oop)
{
	if (!x->oracle || !bf_oracle_after(x->oracle, x->w, oop, &x->r->div))
		return 0;
	x->r->div_op = x->op_index;
	return bf_exec_fail(x, BF_EXEC_DIVERGENCE, "DIVERGENCE: %s in %s (%s)", x->r->div.name,
			    bf_op_names[x->op->kind], x->r->div.detail);
}

/* Shorthands for the oracle ops the executor's world calls stand for. */
static struct bf_oracle_op oop_of(enum bf_oop_kind kind, int cpu, unsigned long pfn, unsigned int order)
{
	return (struct bf_oracle_op){ .kind = kind, .cpu = cpu, .pfn = pfn, .order = order,
				      .nid = NUMA_NO_NODE, .zid = -1 };
}

int bf_exec_free_pages(struct bf_exec *x, int cpu, unsigned long pfn, unsigned int order)
{
	struct bf_oracle_op oop = oop_of(BF_OOP_FREE_PAGES, cpu, pfn, order);

	bf_exec_before(x, &oop);
	__free_pages(x->w, cpu, pfn, order);
	return bf_exec_after(x, &oop);
}

static int poke_checked(struct bf_exec *x, unsigned long pfn, int field, unsigned long value)
{
	struct bf_oracle_op oop = oop_of(BF_OOP_POKE, 0, pfn, 0);

	oop.field = field;
	oop.value = value;
	bf_exec_before(x, &oop);
	page_poke(x->w, pfn, field, value);
	return bf_exec_after(x, &oop);
}

/* FNV-1a, a byte at a time, in a register (the result must not alias-spill to memory 8 times a word). */
static void hash_mix(struct bf_exec *x, unsigned long v)
{
	unsigned long h = x->r->trace_hash;

	for (int i = 0; i < 8; i++) {
		h ^= (v >> (i * 8)) & 0xff;
		h *= 0x100000001b3UL;
	}
	x->r->trace_hash = h;
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

int bf_exec_check_cpu(struct bf_exec *x, int cpu)
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

void bf_exec_trace(struct bf_exec *x, const char *fmt, ...)
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
/* the short name within this file (exec_pressure.c traces through bf_exec_trace too) */
#define trace(...) bf_exec_trace(__VA_ARGS__)

/* CPU cpu runs task from now on (task T cpu=C, alloc ... task=T). */
static int op_task_run(struct bf_exec *x, int cpu, int task)
{
	struct bf_oracle_op oop = oop_of(BF_OOP_TASK, cpu, NO_PFN, 0);

	if (bf_exec_check_cpu(x, cpu))
		return -1;
	oop.task = task;
	bf_exec_before(x, &oop);
	world_task_run(x->w, cpu, task);
	return bf_exec_after(x, &oop);
}

/* set_mempolicy(2) as task T, or as CPU cpu's current task */
static int op_set_mempolicy(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_oracle_op oop = oop_of(BF_OOP_SET_MEMPOLICY, op->cpu, NO_PFN, 0);
	int rc;

	if (!op->has_task && bf_exec_check_cpu(x, op->cpu))
		return -1;
	oop.task = op->has_task ? op->task : bf_current_task(x->w, op->cpu);
	oop.mode = op->mode;
	oop.mflags = op->mflags;
	oop.nodes = op->nodes;
	bf_exec_before(x, &oop);
	rc = world_set_mempolicy(x->w, oop.task, op->mode, op->mflags, op->nodes);
	oop.rc = rc;
	x->last_errno = -rc;
	trace(x, "set_mempolicy task=%d mode=%s nodes=0x%lx flags=0x%x -> %d", oop.task,
	      op->mode >= 0 && op->mode < MPOL_MAX ? bf_mpol_mode_names[op->mode] : "?", op->nodes, op->mflags, rc);
	hash_mix(x, (unsigned long)rc);
	return bf_exec_after(x, &oop);
}

static int op_alloc(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h = &x->h[op->handle];
	struct bf_oracle_op oop;
	char gfps[256] = "";
	int nid = 0, zid = 0;

	if (h->kind != H_EMPTY && h->kind != H_FAILED)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s still holds pages; free it first",
				    hname(x, op->handle));
	if (bf_exec_check_cpu(x, op->cpu))
		return -1;
	if (op->has_node && op->nid >= bf_nr_nodes(x->w))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "node %d does not exist", op->nid);
	if (op->has_task && op_task_run(x, op->cpu, op->task))
		return -1;
	memset(h, 0, sizeof(*h));
	oop = oop_of(op->kind == BF_OP_ALLOC_EXACT ? BF_OOP_ALLOC_EXACT : BF_OOP_ALLOC, op->cpu, NO_PFN, op->order);
	oop.gfp = op->gfp;
	oop.size = op->size;
	if (op->has_node)
		oop.nid = op->nid;
	bf_exec_before(x, &oop);
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
	}
	oop.pfn = h->pfn;
	if (bf_exec_after(x, &oop))
		return -1;
	if (h->kind == H_BLOCK && h->pfn != NO_PFN && op->lru &&
	    poke_checked(x, h->pfn, POKE_FLAGS_SET, 1UL << PG_lru))
		return -1;
	h->refs = 1;
	hash_mix(x, h->pfn);
	if (x->o->trace)
		gfp_format(op->gfp, gfps, sizeof(gfps));
	if (h->pfn == NO_PFN) {
		h->kind = H_FAILED;
		trace(x, "%s %s order=%u gfp=%s cpu=%d -> NULL", bf_op_names[op->kind], hname(x, op->handle),
		      h->order, gfps, op->cpu);
		return 0;
	}
	if (x->o->trace)
		bf_pfn_zone(x->w, h->pfn, &nid, &zid);
	trace(x, "%s %s order=%u gfp=%s cpu=%d -> pfn 0x%lx (%s node %d)", bf_op_names[op->kind],
	      hname(x, op->handle), h->order, gfps, op->cpu, h->pfn, bf_zone_name(zid), nid);
	return 0;
}

int bf_exec_op_free(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_hstate *h;

	if (live_handle(x, op, &h) || bf_exec_check_cpu(x, op->cpu))
		return -1;
	if (op->piece >= 0) {
		piece_set(h, (unsigned long)op->piece, 0);
		if (!pieces_left(h))
			h->kind = H_EMPTY;
		if (bf_exec_free_pages(x, op->cpu, h->pfn + (unsigned long)op->piece, 0))
			return -1;
		trace(x, "free %s.%d (pfn 0x%lx)", hname(x, op->handle), op->piece, h->pfn + (unsigned long)op->piece);
		return 0;
	}
	if (h->kind == H_BLOCK) {
		unsigned int order = h->order;

		trace(x, "free %s (pfn 0x%lx order %u, refs %d)", hname(x, op->handle), h->pfn, h->order, h->refs);
		if (--h->refs == 0) {
			h->kind = H_EMPTY;
		} else if (!h->compound && h->order) {
			/* __free_pages freed everything but page[0] to the other holder */
			h->order = 0;
		}
		return bf_exec_free_pages(x, op->cpu, h->pfn, order);
	}
	trace(x, "free %s (pieces of pfn 0x%lx)", hname(x, op->handle), h->pfn);
	if (h->kind == H_EXACT && exact_intact(h)) {
		struct bf_oracle_op oop = oop_of(BF_OOP_FREE_EXACT, op->cpu, h->pfn, h->order);

		oop.size = h->size;
		h->kind = H_EMPTY;
		bf_exec_before(x, &oop);
		free_pages_exact(x->w, op->cpu, h->pfn, h->size);
		return bf_exec_after(x, &oop);
	}
	h->kind = H_EMPTY;
	for (unsigned long i = 0; i < (1UL << h->order); i++)
		if (piece_alive(h, i) && bf_exec_free_pages(x, op->cpu, h->pfn + i, 0))
			return -1;
	return 0;
}

static int op_refs(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_oracle_op oop;
	struct bf_hstate *h;

	if (live_handle(x, op, &h) || bf_exec_check_cpu(x, op->cpu))
		return -1;
	if (op->piece >= 0 || h->kind != H_BLOCK)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "%s takes a whole, unsplit handle", bf_op_names[op->kind]);
	oop = oop_of(op->kind == BF_OP_GET ? BF_OOP_GET : BF_OOP_PUT, op->cpu, h->pfn, h->order);
	bf_exec_before(x, &oop);
	if (op->kind == BF_OP_GET) {
		get_page(x->w, h->pfn);
		h->refs++;
		trace(x, "get %s (refs %d)", hname(x, op->handle), h->refs);
		return bf_exec_after(x, &oop);
	}
	put_page(x->w, op->cpu, h->pfn);
	trace(x, "put %s (refs %d)", hname(x, op->handle), h->refs - 1);
	if (--h->refs == 0)
		h->kind = H_EMPTY;
	return bf_exec_after(x, &oop);
}

static int op_split(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_oracle_op oop;
	struct bf_hstate *h;

	if (live_handle(x, op, &h))
		return -1;
	if (h->kind != H_BLOCK || h->compound || h->refs != 1)
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM,
				    "split %s: only a non-compound block with one reference can be split",
				    hname(x, op->handle));
	oop = oop_of(BF_OOP_SPLIT, 0, h->pfn, h->order);
	bf_exec_before(x, &oop);
	split_page(x->w, h->pfn, h->order);
	for (unsigned long i = 0; i < (1UL << h->order); i++)
		piece_set(h, i, 1);
	h->kind = H_SPLIT;
	trace(x, "split %s into %lu pages", hname(x, op->handle), 1UL << h->order);
	return bf_exec_after(x, &oop);
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
		if (poke_checked(x, pfn, op->poke[i].field, op->poke[i].value))
			return -1;
	trace(x, "poke pfn 0x%lx (%d fields)", pfn, op->npoke);
	return 0;
}

/* The ops that change world-wide state: drains, context, sysctls, vmstat work. */
static int op_world(struct bf_exec *x, const struct bf_op *op)
{
	struct bf_oracle_op oop = oop_of(BF_OOP_OTHER, op->cpu, NO_PFN, 0);
	int rc = 0;

	if (op->kind != BF_OP_SYSCTL && op->kind != BF_OP_VMSTAT_REFRESH &&
	    !(op->kind == BF_OP_DRAIN && op->cpu < 0) && bf_exec_check_cpu(x, op->cpu))
		return -1;
	if (op->kind == BF_OP_DRAIN && op->nid >= bf_nr_nodes(x->w))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "node %d does not exist", op->nid);
	switch (op->kind) {
	case BF_OP_DRAIN:
		oop.kind = BF_OOP_DRAIN;
		oop.nid = op->nid;
		oop.zid = op->zid;
		break;
	case BF_OP_IRQ:
		oop.kind = BF_OOP_IRQ;
		oop.value = op->value != 0;
		break;
	case BF_OP_TASKFLAGS:
		oop.kind = BF_OOP_TASKFLAGS;
		oop.value = (unsigned long)op->value;
		break;
	case BF_OP_SYSCTL:
		oop.kind = BF_OOP_SYSCTL;
		break;
	default:
		oop.kind = BF_OOP_VMSTAT;
		break;
	}
	bf_exec_before(x, &oop);
	switch (op->kind) {
	case BF_OP_DRAIN:
		if (op->cpu < 0)
			drain_all_pages(x->w, op->nid, op->zid);
		else
			drain_local_pages(x->w, op->cpu, op->nid, op->zid);
		trace(x, "drain cpu=%d", op->cpu);
		break;
	case BF_OP_IRQ:
		world_set_irq(x->w, op->cpu, op->value != 0);
		break;
	case BF_OP_TASKFLAGS:
		world_set_task_flags(x->w, op->cpu, (unsigned int)op->value);
		break;
	case BF_OP_SYSCTL:
		rc = world_sysctl(x->w, op->sysctl, op->values, op->nvalues);
		trace(x, "sysctl -> %d", rc);
		hash_mix(x, (unsigned long)rc);
		break;
	case BF_OP_VMSTAT_REFRESH:
		vmstat_refresh(x->w);
		break;
	default:
		vmstat_update(x->w, op->cpu);
		break;
	}
	return bf_exec_after(x, &oop);
}

static int run_op(struct bf_exec *x, const struct bf_op *op)
{
	switch (op->kind) {
	case BF_OP_ALLOC:
	case BF_OP_ALLOC_EXACT:
		return op_alloc(x, op);
	case BF_OP_FREE:
		return bf_exec_op_free(x, op);
	case BF_OP_GET:
	case BF_OP_PUT:
		return op_refs(x, op);
	case BF_OP_SPLIT:
		return op_split(x, op);
	case BF_OP_POKE:
		return op_poke(x, op);
	case BF_OP_DRAIN:
	case BF_OP_IRQ:
	case BF_OP_TASKFLAGS:
	case BF_OP_SYSCTL:
	case BF_OP_VMSTAT_REFRESH:
	case BF_OP_VMSTAT_UPDATE:
		return op_world(x, op);
	case BF_OP_DUMP:
		bf_exec_dump(x->w, (int)op->value, x->o->dump_out ? x->o->dump_out : stdout);
		return 0;
	case BF_OP_CHECK: {
		char why[512];

		/* the world's own checker is for text programs and --check; fuzzing has the oracle */
		if ((!x->o->lenient || x->o->check_every_op || x->o->world_check) &&
		    bf_check_world(x->w, why, sizeof(why)))
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "check: %s", why);
		if (x->oracle && bf_oracle_check(x->oracle, x->w, &x->r->div)) {
			x->r->div_op = x->op_index;
			return bf_exec_fail(x, BF_EXEC_DIVERGENCE, "DIVERGENCE: %s in check (%s)",
					    x->r->div.name, x->r->div.detail);
		}
		return 0;
	}
	case BF_OP_EXPECT:
		return bf_exec_expect(x, op);
	case BF_OP_FILL:
	case BF_OP_FRAGMENT:
	case BF_OP_FREE_ALL:
		return bf_exec_pressure(x, op);
	case BF_OP_TASK:
		if (op_task_run(x, op->cpu, op->task))
			return -1;
		trace(x, "task %d cpu=%d", op->task, op->cpu);
		return 0;
	case BF_OP_SET_MEMPOLICY:
		return op_set_mempolicy(x, op);
	case BF_NR_OPS:
		break;
	}
	return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "unknown op");
}

/* fuzz_variants: every CPU's pcp lists drained after the op, as one more checked step. */
static int drain_after(struct bf_exec *x)
{
	struct bf_oracle_op oop = oop_of(BF_OOP_DRAIN, -1, NO_PFN, 0);

	oop.nid = 0;
	bf_exec_before(x, &oop);
	drain_all_pages(x->w, 0, -1);
	return bf_exec_after(x, &oop);
}

/* Tell the observer what the op did (opts.after_op); non-zero: it wants the run stopped. */
static int observe(struct bf_exec *x, int failed)
{
	struct bf_exec_step s = { .op_index = x->op_index, .op = x->op, .w = x->w, .failed = failed && !x->skip,
				  .skipped = failed && x->skip, .hkind = -1, .pfn = NO_PFN,
				  .pool_n = x->pool->n, .pool_hash = 0xcbf29ce484222325UL };

	if (x->op->handle != BF_NO_HANDLE) {
		const struct bf_hstate *h = &x->h[x->op->handle];

		s.hkind = (int)h->kind;
		s.pfn = h->pfn;
		s.order = h->order;
		s.refs = h->refs;
	}
	for (int i = 0; i < x->pool->n; i++)
		s.pool_hash = (s.pool_hash ^ (x->pool->b[i].pfn << 4 ^ x->pool->b[i].order)) * 0x100000001b3UL;
	return x->o->after_op(x->o->after_op_arg, &s);
}

/* --explain: the op's path through 5.10 into its own buffer, printed after the op. */
static void explain_begin(struct bf_exec *x)
{
	const struct bf_op *op = x->op;
	int num = op->line > 0 ? op->line : x->op_index + 1;

	if (!x->o->explain || (x->o->explain_op && x->o->explain_op != num) || op->kind == BF_OP_EXPECT ||
	    op->kind == BF_OP_DUMP)
		return;
	x->explain.len = 0;
	x->explain.depth = 0;
	x->explain.truncated = 0;
	if (x->explain.buf)
		x->explain.buf[0] = 0;
	world_explain_set(x->w, &x->explain);
	x->explaining = 1;
	fprintf(x->o->explain, "op %d: ", num);
	bf_prog_print_op(x->p, op, x->o->explain);
}

static void explain_end(struct bf_exec *x)
{
	if (!x->explaining)
		return;
	x->explaining = 0;
	world_explain_set(x->w, NULL);
	if (x->explain.len)
		fputs(x->explain.buf, x->o->explain);
	if (x->explain.truncated)
		fprintf(x->o->explain, "  ... (trace truncated at %lu bytes)\n", (unsigned long)BF_EXPLAIN_MAX);
}

/* What a run keeps between runs (fuzz loops): the worlds, the oracle, the handle table. */
struct bf_exec_ctx {
	struct bf_world_cache worlds;
	struct world *w;                   /* of the last run: the cache's, or detached */
	struct bf_oracle *oracle;
	struct bf_hstate *h;
	size_t hcap;
	struct bf_pool pool;               /* blocks fills allocated (exec_pressure.c) */
};

struct bf_exec_ctx *bf_exec_ctx_new(void)
{
	return calloc(1, sizeof(struct bf_exec_ctx));
}

void bf_exec_ctx_free(struct bf_exec_ctx *c)
{
	if (!c)
		return;
	bf_world_cache_free(&c->worlds);
	if (c->oracle)
		bf_oracle_destroy(c->oracle);
	free(c->h);
	free(c->pool.b);
	free(c);
}

int bf_exec_ctx_warm(struct bf_exec_ctx *c, const struct bf_topology *t)
{
	char err[256];

	c->w = bf_world_cache_get(&c->worlds, t, err, sizeof(err));
	return c->w ? 0 : -1;
}

int bf_exec_ctx_verify_restore(struct bf_exec_ctx *c, char *why, size_t len)
{
	struct bf_world_slot *s = c->worlds.cur;

	if (!s || s->w != c->w)
		return 0;
	world_snapshot_restore(s->w, s->snap);
	if (world_snapshot_verify(s->w, s->snap, why, len))
		return 1;
	/* the fresh boot lands in the same memory: the snapshot stays valid */
	return world_compare_fresh(s->w, &s->topo, why, len) != 0;
}

const struct world *bf_exec_ctx_world(const struct bf_exec_ctx *c) { return c->w; }
struct bf_oracle *bf_exec_ctx_oracle(const struct bf_exec_ctx *c) { return c->oracle; }

enum bf_exec_status bf_exec_ctx_run(struct bf_exec_ctx *c, const struct bf_prog *p, const struct bf_exec_opts *o,
				    struct bf_exec_result *r)
{
	struct bf_exec x = { .p = p, .o = o, .r = r };
	size_t nh = (size_t)p->nr_handles + 1;
	char err[256];

	memset(r, 0, sizeof(*r));
	r->trace_hash = 0xcbf29ce484222325UL;
	x.w = c->w = bf_world_cache_get(&c->worlds, &p->topo, err, sizeof(err));
	if (x.w)
		world_features_clear(x.w);
	if (!x.w) {
		bf_exec_fail(&x, BF_EXEC_BAD_PROGRAM, "topology: %s", err);
		r->line = 1;  /* the topology block starts the program */
		return r->status;
	}
	if (nh > c->hcap) {
		free(c->h);
		if (!(c->h = malloc(nh * sizeof(*c->h))))
			abort();
		c->hcap = nh;
	}
	x.h = c->h;
	memset(x.h, 0, nh * sizeof(*x.h));
	c->pool.n = 0;
	x.pool = &c->pool;
	if (o->oracle) {
		if (!c->oracle)
			c->oracle = bf_oracle_create(x.w);
		else if (bf_oracle_reset(c->oracle, x.w))
			abort();
		if (!c->oracle)
			abort();
		x.oracle = c->oracle;
	}
	for (int i = 0; i < p->nr_ops; i++) {
		int failed;

		x.op = &p->ops[i];
		x.op_index = i;
		explain_begin(&x);
		failed = run_op(&x, x.op) || (o->drain_every_op && drain_after(&x));
		explain_end(&x);
		if (failed) {
			if (o->after_op && observe(&x, 1) && x.skip)
				break;
			if (!x.skip)
				break;
			x.skip = 0;
			r->ops_skipped++;
			continue;
		}
		r->ops_run++;
		hash_op(&x, x.op);
		if (o->after_op && observe(&x, 0))
			break;
		if (o->check_every_op) {
			char why[512];

			if (bf_check_world(x.w, why, sizeof(why))) {
				bf_exec_fail(&x, BF_EXEC_EXPECT_FAILED, "invariant after %s: %s",
					     bf_op_names[x.op->kind], why);
				break;
			}
		}
	}
	/* the incremental per-op checks end with a full one */
	if (x.oracle && r->status == BF_EXEC_OK && bf_oracle_check(x.oracle, x.w, &r->div)) {
		x.op = NULL;
		r->div_op = p->nr_ops;
		bf_exec_fail(&x, BF_EXEC_DIVERGENCE, "DIVERGENCE: %s at the end (%s)", r->div.name, r->div.detail);
	}
	hash_final(&x);
	free(x.explain.buf);
	return r->status;
}

enum bf_exec_status bf_exec_keep(const struct bf_prog *p, const struct bf_exec_opts *o,
				 struct bf_exec_result *r, struct world **keep,
				 struct bf_oracle **keep_oracle)
{
	struct bf_exec_ctx *c = bf_exec_ctx_new();
	enum bf_exec_status st;

	if (!c)
		abort();
	st = bf_exec_ctx_run(c, p, o, r);
	if (keep) {
		*keep = c->w ? bf_world_cache_detach(&c->worlds, c->w) : NULL;
		c->w = NULL;
	}
	if (keep_oracle && o->oracle) {
		*keep_oracle = c->oracle;
		c->oracle = NULL;
	} else if (keep_oracle) {
		*keep_oracle = NULL;
	}
	bf_exec_ctx_free(c);
	return st;
}

enum bf_exec_status bf_exec(const struct bf_prog *p, const struct bf_exec_opts *o,
			    struct bf_exec_result *r, struct world **keep)
{
	return bf_exec_keep(p, o, r, keep, NULL);
}
