/*
 * repro_c.c - a standalone C reproducer for a program (minimize.h:
 * bf_repro_c): one file that includes only core/mm.h, core/gfp.h,
 * core/inspect.h and oracle/oracle.h, boots the program's topology (a struct
 * bf_topology literal) and issues its ops as direct calls into the model,
 * each between bf_oracle_before/bf_oracle_after exactly as fuzz/exec.c
 * drives the oracle -- so it stops at the same op with the same
 * "DIVERGENCE: <kind> in <op> (<detail>)" line (exit 1), or exits 0.
 *
 * Handles become variables holding the head pfn.  What exec.c tracks at run
 * time about a handle (its order after a free that left page[0] to a get,
 * split pieces, alloc_pages_exact pages) is worked out here, statically,
 * with the same rules, so the C file holds only the calls.  An allocation
 * that fails where the program later uses the handle makes the reproducer
 * exit 2 ("BAD-PROGRAM"), as bf-replay would.  `expect` lines are carried as
 * comments and not checked; `dump` prints to stdout.
 */
#include <stdlib.h>
#include <string.h>
#include "core/inspect.h"
#include "fuzz/prog.h"
#include "oracle/oracle.h"
#include "triage/minimize.h"

/* What exec.c's struct bf_hstate would hold, assuming every allocation succeeded. */
struct rstate {
	int live;               /* holds pages (if its allocation succeeded) */
	int split, exact, compound, refs;
	unsigned int order;
	unsigned long size;
	unsigned char alive[MAX_ORDER_NR_PAGES];
};

static void emit_call(FILE *f, enum bf_oop_kind k, int cpu, const char *pfn, unsigned int order, const char *extra,
		      const char *call);

static const char *const oop_names[] = {
	[BF_OOP_ALLOC] = "BF_OOP_ALLOC", [BF_OOP_ALLOC_EXACT] = "BF_OOP_ALLOC_EXACT",
	[BF_OOP_FREE_PAGES] = "BF_OOP_FREE_PAGES", [BF_OOP_FREE_EXACT] = "BF_OOP_FREE_EXACT",
	[BF_OOP_GET] = "BF_OOP_GET", [BF_OOP_PUT] = "BF_OOP_PUT", [BF_OOP_SPLIT] = "BF_OOP_SPLIT",
	[BF_OOP_POKE] = "BF_OOP_POKE", [BF_OOP_IRQ] = "BF_OOP_IRQ", [BF_OOP_TASKFLAGS] = "BF_OOP_TASKFLAGS",
	[BF_OOP_DRAIN] = "BF_OOP_DRAIN", [BF_OOP_SYSCTL] = "BF_OOP_SYSCTL", [BF_OOP_VMSTAT] = "BF_OOP_VMSTAT",
	[BF_OOP_OTHER] = "BF_OOP_OTHER", [BF_OOP_TASK] = "BF_OOP_TASK",
	[BF_OOP_SET_MEMPOLICY] = "BF_OOP_SET_MEMPOLICY",
};

/* task T cpu=C, and the task= of alloc: CPU C runs task T from here on */
static void emit_task_run(FILE *f, int cpu, int task)
{
	char extra[64], call[96];

	snprintf(extra, sizeof(extra), "\t\top.task = %d;\n", task);
	snprintf(call, sizeof(call), "world_task_run(r.w, %d, %d)", cpu, task);
	emit_call(f, BF_OOP_TASK, cpu, "NO_PFN", 0, extra, call);
}

static const char *const poke_names[] = {
	[POKE_FLAGS_SET] = "POKE_FLAGS_SET", [POKE_FLAGS_CLEAR] = "POKE_FLAGS_CLEAR",
	[POKE_MAPPING] = "POKE_MAPPING", [POKE_MAPCOUNT] = "POKE_MAPCOUNT",
	[POKE_REFCOUNT] = "POKE_REFCOUNT", [POKE_MEMCG] = "POKE_MEMCG",
};

/* Text inside a C comment: "*" "/" may not appear together. */
static void comment_text(FILE *f, const char *prefix, const char *s, const char *suffix)
{
	while (*s) {
		size_t n = strcspn(s, "\n");

		fputs(prefix, f);
		for (size_t i = 0; i < n; i++) {
			fputc(s[i], f);
			if (s[i] == '*' && s[i + 1] == '/')
				fputc(' ', f);
		}
		fputs(suffix, f);
		fputc('\n', f);
		s += n + (s[n] == '\n');
	}
}

static void emit_topology(FILE *f, const struct bf_topology *t)
{
	fprintf(f, "\tstatic const struct bf_topology topo = {\n");
	fprintf(f, "\t\t.nr_nodes = %d,\n\t\t.nr_cpus = %d,\n\t\t.node = {\n", t->nr_nodes, t->nr_cpus);
	for (int n = 0; n < t->nr_nodes; n++) {
		fprintf(f, "\t\t\t[%d] = { .zone_pageblocks = {", n);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			fprintf(f, " %luUL%s", t->node[n].zone_pageblocks[z], z + 1 < MAX_NR_ZONES ? "," : "");
		fprintf(f, " }, .cpumask = 0x%xu },\n", t->node[n].cpumask);
	}
	fprintf(f, "\t\t},\n");
	for (int a = 0; a < BF_MAX_NODES; a++)
		for (int b = 0; b < BF_MAX_NODES; b++)
			if (t->distance[a][b])
				fprintf(f, "\t\t.distance[%d][%d] = %d,\n", a, b, t->distance[a][b]);
	if (t->nr_holes) {
		fprintf(f, "\t\t.nr_holes = %d,\n", t->nr_holes);
		for (int i = 0; i < t->nr_holes; i++)
			fprintf(f, "\t\t.hole[%d] = { 0x%lxUL, %luUL },\n", i, t->hole[i].start_pfn, t->hole[i].nr_pages);
	}
	fprintf(f, "\t\t.min_free_kbytes = %ld,\n\t\t.watermark_scale_factor = %ld,\n"
		   "\t\t.watermark_boost_factor = %ld,\n\t\t.lowmem_reserve_ratio = {",
		t->min_free_kbytes, t->watermark_scale_factor, t->watermark_boost_factor);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		fprintf(f, " %ld%s", t->lowmem_reserve_ratio[z], z + 1 < MAX_NR_ZONES ? "," : "");
	fprintf(f, " },\n\t\t.percpu_pagelist_fraction = %ld,\n\t\t.fixes = 0x%xu,", t->percpu_pagelist_fraction,
		t->fixes);
	for (int i = 0; i < BF_NR_FIXES; i++)
		if (t->fixes & BF_FIX(i))
			fprintf(f, " /* fix %s */", bf_fix_names[i]);
	fprintf(f, "\n\t};\n");
}

/* Line n (from 1) of text, or NULL. */
static const char *line_of(const char *text, int n)
{
	for (int i = 1; text && n > 0; i++) {
		if (i == n)
			return *text ? text : NULL;
		text = strchr(text, '\n');
		text = text ? text + 1 : NULL;
	}
	return NULL;
}

/* The fixed part: the oracle around every call, as fuzz/exec.c does it. */
static const char prologue[] =
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"#include \"core/mm.h\"\n"
	"#include \"core/gfp.h\"\n"
	"#include \"core/inspect.h\"\n"
	"#include \"oracle/oracle.h\"\n"
	"\n"
	"#ifndef BF_REPRO_CHECK\n"
	"#define BF_REPRO_CHECK %d  /* 1: the world's invariant checker after every op, as debug builds of bf-replay */\n"
	"#endif\n"
	"\n"
	"struct repro {\n"
	"\tstruct world *w;\n"
	"\tstruct bf_oracle *o;\n"
	"\tint op;                 /* index of the op running */\n"
	"\tconst char *opname;     /* its kind, as the report names it */\n"
	"};\n"
	"\n"
	"__attribute__((unused)) static struct bf_oracle_op oop(enum bf_oop_kind kind, int cpu, unsigned long pfn, unsigned int order)\n"
	"{\n"
	"\treturn (struct bf_oracle_op){ .kind = kind, .cpu = cpu, .pfn = pfn, .order = order,\n"
	"\t\t\t\t      .nid = NUMA_NO_NODE, .zid = -1 };\n"
	"}\n"
	"\n"
	"__attribute__((unused)) static void start(struct repro *r, int op, const char *name)\n"
	"{\n"
	"\tr->op = op;\n"
	"\tr->opname = name;\n"
	"}\n"
	"\n"
	"__attribute__((unused)) static void before(struct repro *r, const struct bf_oracle_op *op)\n"
	"{\n"
	"\tbf_oracle_before(r->o, r->w, op);\n"
	"}\n"
	"\n"
	"/* The oracle's verdict on the call just made: a divergence ends the run (exit 1). */\n"
	"__attribute__((unused)) static void after(struct repro *r, struct bf_oracle_op *op)\n"
	"{\n"
	"\tstruct bf_divergence d;\n"
	"\n"
	"\tif (!bf_oracle_after(r->o, r->w, op, &d))\n"
	"\t\treturn;\n"
	"\tprintf(\"DIVERGENCE: %%s in %%s (%%s)\\nop: %%d\\n\", d.name, r->opname, d.detail, r->op);\n"
	"\texit(1);\n"
	"}\n"
	"\n"
	"/* After each op, when BF_REPRO_CHECK: the world's own invariants. */\n"
	"__attribute__((unused)) static void done(struct repro *r)\n"
	"{\n"
	"\tchar why[512];\n"
	"\n"
	"\tif (BF_REPRO_CHECK && bf_check_world(r->w, why, sizeof(why))) {\n"
	"\t\tprintf(\"INVARIANT: invariant after %%s: %%s\\nop: %%d\\n\", r->opname, why, r->op);\n"
	"\t\texit(1);\n"
	"\t}\n"
	"}\n"
	"\n"
	"/* A handle the program uses must hold pages (bf-replay: a bad program, exit 2). */\n"
	"__attribute__((unused)) static void need(struct repro *r, unsigned long pfn, const char *handle)\n"
	"{\n"
	"\tif (pfn != NO_PFN)\n"
	"\t\treturn;\n"
	"\tprintf(\"BAD-PROGRAM: op %%d: %%s holds no pages (its allocation failed)\\n\", r->op, handle);\n"
	"\texit(2);\n"
	"}\n"
	"\n"
	"__attribute__((unused)) static void free_checked(struct repro *r, int cpu, unsigned long pfn, unsigned int order)\n"
	"{\n"
	"\tstruct bf_oracle_op op = oop(BF_OOP_FREE_PAGES, cpu, pfn, order);\n"
	"\n"
	"\tbefore(r, &op);\n"
	"\t__free_pages(r->w, cpu, pfn, order);\n"
	"\tafter(r, &op);\n"
	"}\n"
	"\n"
	"__attribute__((unused)) static void poke_checked(struct repro *r, unsigned long pfn, enum bf_poke_field field, unsigned long value)\n"
	"{\n"
	"\tstruct bf_oracle_op op = oop(BF_OOP_POKE, 0, pfn, 0);\n"
	"\n"
	"\top.field = field;\n"
	"\top.value = value;\n"
	"\tbefore(r, &op);\n"
	"\tpage_poke(r->w, pfn, field, value);\n"
	"\tafter(r, &op);\n"
	"}\n"
	"\n"
	"__attribute__((unused)) static void check_op(struct repro *r)\n"
	"{\n"
	"\tstruct bf_divergence d;\n"
	"\tchar why[512];\n"
	"\n"
	"\tif (bf_check_world(r->w, why, sizeof(why))) {\n"
	"\t\tprintf(\"INVARIANT: check: %%s\\nop: %%d\\n\", why, r->op);\n"
	"\t\texit(1);\n"
	"\t}\n"
	"\tif (bf_oracle_check(r->o, r->w, &d)) {\n"
	"\t\tprintf(\"DIVERGENCE: %%s in check (%%s)\\nop: %%d\\n\", d.name, d.detail, r->op);\n"
	"\t\texit(1);\n"
	"\t}\n"
	"}\n"
	"\n";

/*
 * The pressure ops' run-time expansion (fuzz/exec_pressure.c, the same
 * rules): only in reproducers of programs that use them.
 */
static const char pool_prologue[] =
	"/* The blocks fills allocated (fill, fragment, free_all: fuzz/exec_pressure.c). */\n"
	"struct pool {\n"
	"\tstruct { unsigned long pfn; unsigned int order; int nid, zid; } *b;\n"
	"\tint n, cap;\n"
	"};\n"
	"\n"
	"static unsigned long band_level(int nid, int zid, const struct world *w, int band)\n"
	"{\n"
	"\tstruct bf_zone_info zi;\n"
	"\n"
	"\tbf_zone_info(w, nid, zid, &zi);\n"
	"\treturn band == 1 ? zi.wmark[WMARK_HIGH] : band == 2 ? zi.wmark[WMARK_LOW] :\n"
	"\t       band == 3 ? zi.wmark[WMARK_MIN] : zi.wmark[WMARK_MIN] / 2;\n"
	"}\n"
	"\n"
	"/* Allocate until the zone's NR_FREE_PAGES is at most the band's level, an allocation fails or lands elsewhere, or max. */\n"
	"__attribute__((unused)) static void fill(struct repro *r, struct pool *pl, int cpu, int nid, int zid, int has_node,\n"
	"\t\t\t\t\t gfp_t gfp, const unsigned char *orders, int norders, int band, int max)\n"
	"{\n"
	"\tfor (int n = 0; n < max; n++) {\n"
	"\t\tstruct bf_oracle_op op = oop(BF_OOP_ALLOC, cpu, NO_PFN, orders[n %% norders]);\n"
	"\t\tint bn, bz;\n"
	"\n"
	"\t\tif (bf_zone_stat(r->w, nid, zid, NR_FREE_PAGES, false) <= band_level(nid, zid, r->w, band))\n"
	"\t\t\treturn;\n"
	"\t\top.gfp = gfp;\n"
	"\t\tif (has_node)\n"
	"\t\t\top.nid = nid;\n"
	"\t\tbefore(r, &op);\n"
	"\t\top.pfn = has_node ? alloc_pages_node(r->w, cpu, nid, gfp, op.order) : alloc_pages(r->w, cpu, gfp, op.order);\n"
	"\t\tafter(r, &op);\n"
	"\t\tif (op.pfn == NO_PFN)\n"
	"\t\t\treturn;\n"
	"\t\tif (pl->n == pl->cap && !(pl->b = realloc(pl->b, (size_t)(pl->cap = 2 * pl->cap + 256) * sizeof(*pl->b))))\n"
	"\t\t\tabort();\n"
	"\t\tbf_pfn_zone(r->w, op.pfn, &bn, &bz);\n"
	"\t\tpl->b[pl->n].pfn = op.pfn;\n"
	"\t\tpl->b[pl->n].order = op.order;\n"
	"\t\tpl->b[pl->n].nid = bn;\n"
	"\t\tpl->b[pl->n++].zid = bz;\n"
	"\t\tif (bn != nid || bz != zid)\n"
	"\t\t\treturn;\n"
	"\t}\n"
	"}\n"
	"\n"
	"static int by_pfn(const void *a, const void *b)\n"
	"{\n"
	"\tunsigned long pa = *(const unsigned long *)a, pb = *(const unsigned long *)b;\n"
	"\n"
	"\treturn pa < pb ? -1 : pa > pb;\n"
	"}\n"
	"\n"
	"/* pattern: 0 every other, 1 one per pageblock, 2 all but one per pageblock, 3 all; zid -1: every zone */\n"
	"__attribute__((unused)) static void fragment(struct repro *r, struct pool *pl, int cpu, int nid, int zid, int pattern)\n"
	"{\n"
	"\tunsigned long last_pb = ~0UL;\n"
	"\tint kept = 0, k = 0;\n"
	"\n"
	"\tqsort(pl->b, (size_t)pl->n, sizeof(*pl->b), by_pfn);\n"
	"\tfor (int i = 0; i < pl->n; i++) {\n"
	"\t\tint first = pl->b[i].pfn >> pageblock_order != last_pb, pick;\n"
	"\n"
	"\t\tif (zid >= 0 && (pl->b[i].nid != nid || pl->b[i].zid != zid)) {\n"
	"\t\t\tpl->b[kept++] = pl->b[i];\n"
	"\t\t\tcontinue;\n"
	"\t\t}\n"
	"\t\tlast_pb = pl->b[i].pfn >> pageblock_order;\n"
	"\t\tpick = pattern == 0 ? k %% 2 == 0 : pattern == 1 ? first : pattern == 2 ? !first : 1;\n"
	"\t\tk++;\n"
	"\t\tif (pick)\n"
	"\t\t\tfree_checked(r, cpu, pl->b[i].pfn, pl->b[i].order);\n"
	"\t\telse\n"
	"\t\t\tpl->b[kept++] = pl->b[i];\n"
	"\t}\n"
	"\tpl->n = kept;\n"
	"}\n"
	"\n"
	"__attribute__((unused)) static void pool_free_all(struct repro *r, struct pool *pl, int cpu)\n"
	"{\n"
	"\tfor (int i = 0; i < pl->n; i++)\n"
	"\t\tfree_checked(r, cpu, pl->b[i].pfn, pl->b[i].order);\n"
	"\tpl->n = 0;\n"
	"}\n"
	"\n";

static int uses_pool(const struct bf_prog *p)
{
	for (int i = 0; i < p->nr_ops; i++)
		if (p->ops[i].kind == BF_OP_FILL || p->ops[i].kind == BF_OP_FRAGMENT || p->ops[i].kind == BF_OP_FREE_ALL)
			return 1;
	return 0;
}

/* A call into the world between before() and after(); extra: statements setting fields of op. */
static void emit_call(FILE *f, enum bf_oop_kind k, int cpu, const char *pfn, unsigned int order, const char *extra,
		      const char *call)
{
	fprintf(f, "\t{\n\t\tstruct bf_oracle_op op = oop(%s, %d, %s, %u);\n\n%s\t\tbefore(&r, &op);\n\t\t%s;\n"
		   "\t\tafter(&r, &op);\n\t}\n", oop_names[k], cpu, pfn, order, extra, call);
}

static void emit_alloc(FILE *f, const struct bf_prog *p, const struct bf_op *op, struct rstate *h)
{
	const char *hn = p->handle_names[op->handle];
	char extra[640], call[512], gfps[256];
	int exact = op->kind == BF_OP_ALLOC_EXACT;

	gfp_format(op->gfp, gfps, sizeof(gfps));
	if (op->has_task)
		emit_task_run(f, op->cpu, op->task);
	memset(h, 0, sizeof(*h));
	h->exact = exact;
	h->refs = h->live = 1;
	if (exact) {
		unsigned long used = (op->size + PAGE_SIZE - 1) / PAGE_SIZE;

		h->size = op->size;
		h->order = get_order(op->size);
		for (unsigned long i = 0; i < used && i < MAX_ORDER_NR_PAGES; i++)
			h->alive[i] = 1;
		snprintf(extra, sizeof(extra), "\t\top.gfp = 0x%xu;  /* %s */\n\t\top.size = %luUL;\n", op->gfp, gfps,
			 op->size);
		snprintf(call, sizeof(call), "op.pfn = pfn_%s = alloc_pages_exact(r.w, %d, %luUL, 0x%xu)", hn, op->cpu,
			 op->size, op->gfp);
		emit_call(f, BF_OOP_ALLOC_EXACT, op->cpu, "NO_PFN", op->order, extra, call);
		return;
	}
	h->order = op->order;
	h->compound = op->order > 0 && (op->gfp & __GFP_COMP);
	snprintf(extra, sizeof(extra), "\t\top.gfp = 0x%xu;  /* %s */\n", op->gfp, gfps);
	if (op->has_node)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "\t\top.nid = %d;\n", op->nid);
	if (op->has_node)
		snprintf(call, sizeof(call), "op.pfn = pfn_%s = alloc_pages_node(r.w, %d, %d, 0x%xu, %u)", hn, op->cpu,
			 op->nid, op->gfp, op->order);
	else
		snprintf(call, sizeof(call), "op.pfn = pfn_%s = alloc_pages(r.w, %d, 0x%xu, %u)", hn, op->cpu, op->gfp,
			 op->order);
	emit_call(f, BF_OOP_ALLOC, op->cpu, "NO_PFN", op->order, extra, call);
	if (op->lru)
		fprintf(f, "\tif (pfn_%s != NO_PFN)\n\t\tpoke_checked(&r, pfn_%s, POKE_FLAGS_SET, 1UL << PG_lru);\n",
			hn, hn);
}

static void emit_free(FILE *f, const struct bf_prog *p, const struct bf_op *op, struct rstate *h)
{
	const char *hn = p->handle_names[op->handle];

	fprintf(f, "\tneed(&r, pfn_%s, \"%s\");\n", hn, hn);
	if (op->piece >= 0) {
		h->alive[op->piece] = 0;
		h->live = memchr(h->alive, 1, sizeof(h->alive)) != NULL;
		fprintf(f, "\tfree_checked(&r, %d, pfn_%s + %d, 0);\n", op->cpu, hn, op->piece);
		return;
	}
	if (!h->split && !h->exact) {
		unsigned int order = h->order;

		if (--h->refs > 0 && !h->compound && h->order)
			h->order = 0;   /* __free_pages left page[0] to the other holder */
		h->live = h->refs > 0;
		fprintf(f, "\tfree_checked(&r, %d, pfn_%s, %u);\n", op->cpu, hn, order);
		return;
	}
	h->live = 0;
	if (h->exact) {
		int intact = 1;

		for (unsigned long i = 0; i < (h->size + PAGE_SIZE - 1) / PAGE_SIZE && i < MAX_ORDER_NR_PAGES; i++)
			intact &= h->alive[i];
		if (intact) {
			char extra[64], call[128], pfn[96];

			snprintf(extra, sizeof(extra), "\t\top.size = %luUL;\n", h->size);
			snprintf(call, sizeof(call), "free_pages_exact(r.w, %d, pfn_%s, %luUL)", op->cpu, hn, h->size);
			snprintf(pfn, sizeof(pfn), "pfn_%s", hn);
			emit_call(f, BF_OOP_FREE_EXACT, op->cpu, pfn, h->order, extra, call);
			return;
		}
	}
	for (unsigned long i = 0; h->order < MAX_ORDER && i < (1UL << h->order); i++)
		if (h->alive[i])
			fprintf(f, "\tfree_checked(&r, %d, pfn_%s + %lu, 0);\n", op->cpu, hn, i);
}

/* free_all's named handles, as exec.c frees them: each as `free H` until it holds nothing. */
static void emit_free_all(FILE *f, const struct bf_prog *p, const struct bf_op *op, struct rstate *hs)
{
	for (int h = 0; h < p->nr_handles; h++) {
		struct bf_op fr = { .kind = BF_OP_FREE, .handle = h, .piece = -1, .cpu = op->cpu };
		struct rstate *s = &hs[h];

		if (!s->live)
			continue;
		/* a failed allocation holds nothing to free: skipped at run time too */
		fprintf(f, "	if (pfn_%s != NO_PFN) {\n", p->handle_names[h]);
		while (s->live)
			emit_free(f, p, &fr, s);
		fprintf(f, "	}\n");
	}
	fprintf(f, "	pool_free_all(&r, &pool, %d);\n", op->cpu);
}

static void emit_op(FILE *f, const struct bf_prog *p, int i, struct rstate *hs)
{
	const struct bf_op *op = &p->ops[i];
	struct rstate *h = op->handle >= 0 ? &hs[op->handle] : NULL;
	const char *hn = h ? p->handle_names[op->handle] : "";
	char pfn[96], extra[256], call[256];

	snprintf(pfn, sizeof(pfn), "pfn_%s", hn);
	fprintf(f, "\tstart(&r, %d, \"%s\");\n", i, bf_op_names[op->kind]);
	switch (op->kind) {
	case BF_OP_ALLOC:
	case BF_OP_ALLOC_EXACT:
		emit_alloc(f, p, op, h);
		break;
	case BF_OP_FREE:
		emit_free(f, p, op, h);
		break;
	case BF_OP_GET:
	case BF_OP_PUT:
		fprintf(f, "\tneed(&r, pfn_%s, \"%s\");\n", hn, hn);
		if (op->kind == BF_OP_GET) {
			h->refs++;
			snprintf(call, sizeof(call), "get_page(r.w, pfn_%s)", hn);
		} else {
			h->live = --h->refs > 0;
			snprintf(call, sizeof(call), "put_page(r.w, %d, pfn_%s)", op->cpu, hn);
		}
		emit_call(f, op->kind == BF_OP_GET ? BF_OOP_GET : BF_OOP_PUT, op->cpu, pfn, h->order, "", call);
		break;
	case BF_OP_SPLIT:
		fprintf(f, "\tneed(&r, pfn_%s, \"%s\");\n", hn, hn);
		h->split = 1;
		for (unsigned long k = 0; h->order < MAX_ORDER && k < (1UL << h->order); k++)
			h->alive[k] = 1;
		snprintf(call, sizeof(call), "split_page(r.w, pfn_%s, %u)", hn, h->order);
		emit_call(f, BF_OOP_SPLIT, 0, pfn, h->order, "", call);
		break;
	case BF_OP_POKE: {
		int idx = op->piece >= 0 ? op->piece : op->page;

		fprintf(f, "\tneed(&r, pfn_%s, \"%s\");\n", hn, hn);
		for (int k = 0; k < op->npoke; k++)
			fprintf(f, "\tpoke_checked(&r, pfn_%s + %d, %s, 0x%lxUL);\n", hn, idx,
				op->poke[k].field >= 0 && op->poke[k].field <= POKE_MEMCG ? poke_names[op->poke[k].field]
											  : "0",
				op->poke[k].value);
		break;
	}
	case BF_OP_DRAIN:
		snprintf(extra, sizeof(extra), "\t\top.nid = %d;\n\t\top.zid = %d;\n", op->nid, op->zid);
		if (op->cpu < 0)
			snprintf(call, sizeof(call), "drain_all_pages(r.w, %d, %d)", op->nid, op->zid);
		else
			snprintf(call, sizeof(call), "drain_local_pages(r.w, %d, %d, %d)", op->cpu, op->nid, op->zid);
		emit_call(f, BF_OOP_DRAIN, op->cpu, "NO_PFN", 0, extra, call);
		break;
	case BF_OP_IRQ:
		snprintf(extra, sizeof(extra), "\t\top.value = %d;\n", op->value != 0);
		snprintf(call, sizeof(call), "world_set_irq(r.w, %d, %s)", op->cpu, op->value ? "true" : "false");
		emit_call(f, BF_OOP_IRQ, op->cpu, "NO_PFN", 0, extra, call);
		break;
	case BF_OP_TASKFLAGS:
		snprintf(extra, sizeof(extra), "\t\top.value = 0x%lxUL;\n", (unsigned long)op->value);
		snprintf(call, sizeof(call), "world_set_task_flags(r.w, %d, 0x%xu)", op->cpu, (unsigned int)op->value);
		emit_call(f, BF_OOP_TASKFLAGS, op->cpu, "NO_PFN", 0, extra, call);
		break;
	case BF_OP_TASK:
		emit_task_run(f, op->cpu, op->task);
		break;
	case BF_OP_SET_MEMPOLICY: {
		char task[64];

		if (op->has_task)
			snprintf(task, sizeof(task), "%d", op->task);
		else
			snprintf(task, sizeof(task), "bf_current_task(r.w, %d)", op->cpu);
		snprintf(extra, sizeof(extra),
			 "\t\top.task = %s;\n\t\top.mode = %d;\n\t\top.mflags = 0x%xu;\n\t\top.nodes = 0x%lxUL;\n",
			 task, op->mode, op->mflags, op->nodes);
		snprintf(call, sizeof(call), "op.rc = world_set_mempolicy(r.w, op.task, %d, 0x%xu, 0x%lxUL)", op->mode,
			 op->mflags, op->nodes);
		emit_call(f, BF_OOP_SET_MEMPOLICY, op->cpu, "NO_PFN", 0, extra, call);
		break;
	}
	case BF_OP_SYSCTL: {
		int n = snprintf(call, sizeof(call), "world_sysctl(r.w, %d, (const long[]){", op->sysctl);

		for (int k = 0; k < op->nvalues && k < MAX_NR_ZONES; k++)
			n += snprintf(call + n, sizeof(call) - (size_t)n, "%s%ld", k ? ", " : " ", op->values[k]);
		snprintf(call + n, sizeof(call) - (size_t)n, "%s}, %d)", op->nvalues ? " " : "0", op->nvalues);
		emit_call(f, BF_OOP_SYSCTL, op->cpu, "NO_PFN", 0, "", call);
		break;
	}
	case BF_OP_VMSTAT_REFRESH:
		emit_call(f, BF_OOP_VMSTAT, op->cpu, "NO_PFN", 0, "", "vmstat_refresh(r.w)");
		break;
	case BF_OP_VMSTAT_UPDATE:
		snprintf(call, sizeof(call), "vmstat_update(r.w, %d)", op->cpu);
		emit_call(f, BF_OOP_VMSTAT, op->cpu, "NO_PFN", 0, "", call);
		break;
	case BF_OP_DUMP:
		fprintf(f, "\tbf_dump_%s(r.w, stdout);\n", op->value == BF_DUMP_BUDDYINFO ? "buddyinfo"
							   : op->value == BF_DUMP_PAGETYPEINFO ? "pagetypeinfo" : "zoneinfo");
		break;
	case BF_OP_CHECK:
		fprintf(f, "\tcheck_op(&r);\n");
		break;
	case BF_OP_FILL: {
		int n = snprintf(call, sizeof(call), "(const unsigned char[]){");

		for (int k = 0; k < op->norders && k < BF_FILL_MAX_ORDERS; k++)
			n += snprintf(call + n, sizeof(call) - (size_t)n, "%s%u", k ? ", " : " ", op->orders[k]);
		fprintf(f, "\tfill(&r, &pool, %d, %d, %d, %d, 0x%xu, %s }, %d, %ld, %d);\n", op->cpu, op->nid, op->zid,
			op->has_node, op->gfp, call, op->norders, op->value, op->max);
		break;
	}
	case BF_OP_FRAGMENT:
		fprintf(f, "\tfragment(&r, &pool, %d, %d, %d, %ld);\n", op->cpu, op->nid, op->zid, op->value);
		break;
	case BF_OP_FREE_ALL:
		emit_free_all(f, p, op, hs);
		break;
	case BF_OP_EXPECT:
	case BF_NR_OPS:
		fprintf(f, "\t/* an expectation: not checked by the reproducer */\n");
		return;
	}
	fprintf(f, "\tdone(&r);\n");
}

int bf_repro_c(const struct bf_prog *p, const char *title, FILE *f)
{
	struct rstate *hs = calloc((size_t)p->nr_handles + 1, sizeof(*hs));
	char *text = bf_prog_to_text(p);
	int invariant = title && !strncmp(title, "INVARIANT", 9);
	struct bf_prog q;
	char err[256];

	if (!hs || !text) {
		free(hs), free(text);
		return -1;
	}
	fprintf(f, "/*\n * buddyfuzz reproducer, generated by bf-triage minimize (triage/repro_c.c).\n *\n");
	comment_text(f, " *   ", title && *title ? title : "(no title)", "");
	fprintf(f, " *\n * Replays the program below against the model with the bitmap oracle checking\n"
		   " * every call, as bf-replay does: exit 1 printing \"DIVERGENCE: <kind> in <op> (...)\"\n"
		   " * at the op bf-replay stops at, 0 if nothing diverges, 2 if an allocation the\n"
		   " * program relies on fails.  `expect` lines are not checked.\n *\n"
		   " * Build (from the repository root; a Debug build's libraries are simplest):\n"
		   " *   cc -I. repro.c build/debug/libbfprog.a build/debug/libbforacle.a build/debug/libbfcore.a"
		   " -lm -lpthread\n"
		   " * Add -DBF_REPRO_CHECK=1 to run the world's invariant checker after every op.\n *\n"
		   " * The program (.bfp):\n *\n");
	comment_text(f, " *   ", text, "");
	fprintf(f, " */\n");
	fprintf(f, prologue, invariant);
	if (uses_pool(p))
		fputs(pool_prologue, f);
	fprintf(f, "int main(void)\n{\n");
	emit_topology(f, &p->topo);
	fprintf(f, "\tstruct repro r = { 0 };\n\tchar err[256];\n");
	if (uses_pool(p))
		fprintf(f, "\tstruct pool pool = { 0 };\n");
	for (int h = 0; h < p->nr_handles; h++)
		fprintf(f, "\tunsigned long pfn_%s = NO_PFN;\n", p->handle_names[h]);
	fprintf(f, "\n\tr.w = world_create(&topo, err, sizeof(err));\n"
		   "\tif (!r.w) {\n\t\tprintf(\"BAD-PROGRAM: topology: %%s\\n\", err);\n\t\treturn 2;\n\t}\n"
		   "\tr.o = bf_oracle_create(r.w);\n\tif (!r.o)\n\t\treturn 2;\n");
	/* the op's own line: where the printed text puts it (parse it back for the line numbers) */
	bf_prog_init(&q);
	if (bf_prog_parse(&q, "repro", text, err, sizeof(err)) || q.nr_ops != p->nr_ops)
		q.nr_ops = 0;
	for (int i = 0; i < p->nr_ops; i++) {
		const char *l = i < q.nr_ops ? line_of(text, q.ops[i].line) : NULL;
		char c[300];

		snprintf(c, sizeof(c), "op %d: %.*s", i, l ? (int)strcspn(l, "\n") : 0, l ? l : "");
		fprintf(f, "\n");
		comment_text(f, "\t/* ", l ? c : bf_op_names[p->ops[i].kind], " */");
		emit_op(f, p, i, hs);
	}
	for (int h = 0; h < p->nr_handles; h++)
		fprintf(f, "\t(void)pfn_%s;\n", p->handle_names[h]);
	if (uses_pool(p))
		fprintf(f, "\tfree(pool.b);\n");
	fprintf(f, "\n\tprintf(\"no divergence (%d ops)\\n\");\n\tbf_oracle_destroy(r.o);\n\tworld_destroy(r.w);\n"
		   "\treturn 0;\n}\n", p->nr_ops);
	bf_prog_free(&q);
	free(hs);
	free(text);
	return ferror(f) ? -1 : 0;
}
