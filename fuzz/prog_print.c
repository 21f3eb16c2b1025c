/*
 * prog_print.c - print a program as .bfp text (docs/bfp-format.md), and
 * decide whether two programs are the same program.
 *
 * Invariant: for every program P the parser accepts, parse(print(P)) is P
 * (bf_prog_equal) and print(parse(print(P))) is print(P) byte for byte.  The
 * topology is always printed in full (node, zone, distance, hole, sysctl and
 * fix lines), so the text never depends on the parser's defaults for the
 * layout; ops print every argument that differs from the parser's default.
 * Handles print under their names: a binary program's handles are h0, h1, ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/prog.h"
#include "core/inspect.h"

static const char *const zone_stat_enum[] = {
#define X(e, n) #e,
	ZONE_STAT_TABLE(X)
#undef X
};
static const char *const numa_stat_enum[] = {
#define X(e, n) #e,
	NUMA_STAT_TABLE(X)
#undef X
};
static const char *const vm_event_enum[] = {
#define X(e, n) #e,
	VM_EVENT_TABLE(X)
#undef X
};
static const char *const probe_names[BF_NR_PROBES] = {
#define X(e, kw, k) kw,
	BF_PROBE_TABLE(X)
#undef X
};
static const char *const page_field_names[BF_NR_PAGE_FIELDS] = {
#define X(e, kw) kw,
	BF_PAGE_FIELD_TABLE(X)
#undef X
};
static const char *const sysctl_names[] = { "min_free_kbytes", "watermark_scale_factor", "watermark_boost_factor",
					    "lowmem_reserve_ratio", "percpu_pagelist_fraction" };
static const struct { const char *name; unsigned int flag; } pf_names[] = {
	{ "PF_MEMALLOC", PF_MEMALLOC },
	{ "PF_MEMALLOC_NOFS", PF_MEMALLOC_NOFS },
	{ "PF_MEMALLOC_NOIO", PF_MEMALLOC_NOIO },
	{ "PF_MEMALLOC_NOCMA", PF_MEMALLOC_NOCMA },
};
static const char *const wmark_words[] = { "min", "low", "high" };
static const char *const pcp_words[] = { "count", "high", "batch", "threshold" };

#define NAME_OR(tab, i) ((i) >= 0 && (size_t)(i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : "?")

static void print_gfp(FILE *f, gfp_t g)
{
	char buf[512];
	gfp_t back;
	int bad;

	gfp_format(g, buf, sizeof(buf));
	/* hex when the names do not read back, or would pass the parser's 255-character token */
	if (strlen(buf) > 200 || gfp_parse(buf, &back, &bad) || back != g)
		snprintf(buf, sizeof(buf), "0x%x", g);
	fputs(buf, f);
}

static void print_cpus(FILE *f, unsigned int mask)
{
	const char *sep = "";

	for (int c = 0; c < BF_MAX_CPUS; c++) {
		int e = c;

		if (!((mask >> c) & 1))
			continue;
		while (e + 1 < BF_MAX_CPUS && ((mask >> (e + 1)) & 1))
			e++;
		if (e > c)
			fprintf(f, "%s%d-%d", sep, c, e);
		else
			fprintf(f, "%s%d", sep, c);
		sep = ",";
		c = e;
	}
}

static void print_topology(FILE *f, const struct bf_topology *t)
{
	for (int n = 0; n < t->nr_nodes; n++) {
		fprintf(f, "node %d", n);
		if (t->node[n].cpumask) {
			fputs(" cpus=", f);
			print_cpus(f, t->node[n].cpumask);
		}
		fputc('\n', f);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (t->node[n].zone_pageblocks[z])
				fprintf(f, "zone %d %s %lu\n", n, bf_zone_name(z), t->node[n].zone_pageblocks[z]);
	}
	for (int a = 0; a < BF_MAX_NODES; a++)
		for (int b = a; b < BF_MAX_NODES; b++)
			if (t->distance[a][b])
				fprintf(f, "distance %d %d %d\n", a, b, t->distance[a][b]);
	for (int i = 0; i < t->nr_holes; i++)
		fprintf(f, "hole 0x%lx %lu\n", t->hole[i].start_pfn, t->hole[i].nr_pages);
	if (t->min_free_kbytes >= 0)
		fprintf(f, "sysctl min_free_kbytes=%ld\n", t->min_free_kbytes);
	if (t->watermark_scale_factor >= 0)
		fprintf(f, "sysctl watermark_scale_factor=%ld\n", t->watermark_scale_factor);
	if (t->watermark_boost_factor >= 0)
		fprintf(f, "sysctl watermark_boost_factor=%ld\n", t->watermark_boost_factor);
	if (t->lowmem_reserve_ratio[0] >= 0)
		fprintf(f, "sysctl lowmem_reserve_ratio=%ld,%ld,%ld,%ld\n", t->lowmem_reserve_ratio[0],
			t->lowmem_reserve_ratio[1], t->lowmem_reserve_ratio[2], t->lowmem_reserve_ratio[3]);
	if (t->percpu_pagelist_fraction >= 0)
		fprintf(f, "sysctl percpu_pagelist_fraction=%ld\n", t->percpu_pagelist_fraction);
	for (int i = 0; i < BF_NR_FIXES; i++)
		if (t->fixes & BF_FIX(i))
			fprintf(f, "fix %s\n", bf_fix_names[i]);
}

static void print_handle(FILE *f, const struct bf_prog *p, const struct bf_op *op)
{
	fprintf(f, " %s", op->handle >= 0 && op->handle < p->nr_handles ? p->handle_names[op->handle] : "?");
	if (op->piece >= 0)
		fprintf(f, ".%d", op->piece);
}

static void print_flags(FILE *f, unsigned long mask)
{
	const char *sep = "";

	for (int b = 0; b < NR_PAGEFLAGS; b++)
		if ((mask >> b) & 1) {
			fprintf(f, "%s%s", sep, bf_pageflag_name(b));
			sep = ",";
		}
}

static void print_number(FILE *f, long v, enum bf_cmp cmp)
{
	/* a 64-bit pattern past LONG_MAX reads back from hex (== and != only) */
	if (v < -(1L << 40) && (cmp == BF_EQ || cmp == BF_NE))
		fprintf(f, "0x%lx", (unsigned long)v);
	else
		fprintf(f, "%ld", v);
}

static void print_expect(FILE *f, const struct bf_prog *p, const struct bf_op *op)
{
	const struct bf_expect *e = &op->expect;

	fputs("expect", f);
	if (e->probe == BF_PR_HANDLE) {
		print_handle(f, p, op);
		if (e->fail) {
			fputs(" fail\n", f);
			return;
		}
		if (e->pfn != NO_PFN)
			fprintf(f, " pfn=0x%lx", e->pfn);
		if (e->has_order)
			fprintf(f, " order=%d", e->order);
		if (e->has_zone)
			fprintf(f, " zone=%s", bf_zone_name(e->zid));
		if (e->has_node)
			fprintf(f, " node=%d", e->nid);
		fputc('\n', f);
		return;
	}
	fprintf(f, " %s", probe_names[e->probe]);
	if (bf_probe_is_dump(e->probe)) {
		fprintf(f, "\n%send\n", e->text ? e->text : "");
		return;
	}
	switch (e->probe) {
	case BF_PR_COUNTER:
	case BF_PR_SNAPSHOT: fprintf(f, " %s", NAME_OR(zone_stat_enum, e->item)); break;
	case BF_PR_NUMA: fprintf(f, " %s", NAME_OR(numa_stat_enum, e->item)); break;
	case BF_PR_EVENT: fprintf(f, " %s", NAME_OR(vm_event_enum, e->item)); break;
	case BF_PR_WMARK: fprintf(f, " %s", NAME_OR(wmark_words, e->sub)); break;
	case BF_PR_PCP: fprintf(f, " %s", NAME_OR(pcp_words, e->sub)); break;
	case BF_PR_PAGE:
		fprintf(f, " %s", e->sub == PF_FLAG ? bf_pageflag_name(e->item) : NAME_OR(page_field_names, e->sub));
		break;
	case BF_PR_WARN: fprintf(f, " %s", e->item >= 0 && e->item < NR_WARN_SITES ? bf_warn_names[e->item] : "?"); break;
	case BF_PR_EVENT_LOG:
		fprintf(f, " %s", e->item >= 0 && e->item < NR_EVENT_KINDS ? bf_event_names[e->item] : "?");
		break;
	case BF_PR_ZONELIST:
		if (e->sub == 1)
			fputs(" nofallback", f);
		break;
	default:
		break;
	}
	if (e->has_zone)
		fprintf(f, " zone=%s", bf_zone_name(e->zid));
	if (e->has_node)
		fprintf(f, " node=%d", e->nid);
	if (e->has_order)
		fprintf(f, " order=%d", e->order);
	if (e->has_mt)
		fprintf(f, " mt=%s", e->mt >= 0 && e->mt < MIGRATE_TYPES ? migratetype_names[e->mt] : "?");
	if (e->probe == BF_PR_PCP || e->probe == BF_PR_PCP_LIST)
		fprintf(f, " cpu=%d", e->cpu);
	if (e->probe == BF_PR_LOWMEM_RESERVE)
		fprintf(f, " idx=%d", e->idx);
	if (e->probe == BF_PR_BAD_PAGE)
		fprintf(f, " reason=\"%s\"", e->text ? e->text : "");
	if (e->pfn != NO_PFN)
		fprintf(f, " pfn=0x%lx", e->pfn);
	if (e->probe == BF_PR_BAD_PAGE) {
		fputc('\n', f);
		return;
	}
	fprintf(f, " %s ", bf_cmp_names[e->cmp]);
	switch (e->probe) {
	case BF_PR_PCP_LIST:
	case BF_PR_FREE_LIST:
		fputs(e->text && *e->text ? e->text : "empty", f);
		break;
	case BF_PR_ZONELIST:
		fputs(e->text ? e->text : "", f);
		break;
	case BF_PR_BAND:
		if (e->value >= 0 && e->value < BF_NR_BANDS) {
			fputs(bf_band_names[e->value], f);
			break;
		}
		print_number(f, e->value, e->cmp);
		break;
	case BF_PR_PAGEBLOCK:
		if (e->value >= 0 && e->value < MIGRATE_TYPES) {
			fputs(migratetype_names[e->value], f);
			break;
		}
		/* fall through */
	default:
		if (e->probe == BF_PR_ERRNO && e->value == 22) {
			fputs("EINVAL", f);
			break;
		}
		print_number(f, e->value, e->cmp);
	}
	fputc('\n', f);
}

static void print_op(FILE *f, const struct bf_prog *p, const struct bf_op *op)
{
	const char *name = bf_op_names[op->kind];

	if (op->kind == BF_OP_EXPECT) {
		print_expect(f, p, op);
		return;
	}
	fputs(name, f);
	switch (op->kind) {
	case BF_OP_ALLOC:
		print_handle(f, p, op);
		fprintf(f, " order=%u gfp=", op->order);
		print_gfp(f, op->gfp);
		if (op->cpu)
			fprintf(f, " cpu=%d", op->cpu);
		if (op->has_node)
			fprintf(f, " node=%d", op->nid);
		if (op->has_task)
			fprintf(f, " task=%d", op->task);
		if (op->lru)
			fputs(" lru", f);
		break;
	case BF_OP_ALLOC_EXACT:
		print_handle(f, p, op);
		fprintf(f, " size=%lu gfp=", op->size);
		print_gfp(f, op->gfp);
		if (op->cpu)
			fprintf(f, " cpu=%d", op->cpu);
		if (op->has_task)
			fprintf(f, " task=%d", op->task);
		break;
	case BF_OP_TASK:
		fprintf(f, " %d cpu=%d", op->task, op->cpu);
		break;
	case BF_OP_SET_MEMPOLICY:
		if (op->has_task)
			fprintf(f, " task=%d", op->task);
		else if (op->cpu)
			fprintf(f, " cpu=%d", op->cpu);
		fprintf(f, " mode=%s", NAME_OR(bf_mpol_mode_names, op->mode));
		if (op->nodes) {
			const char *sep = " nodes=";

			for (int n = 0; n < BF_MAX_NODES; n++)
				if (op->nodes & (1UL << n)) {
					fprintf(f, "%s%d", sep, n);
					sep = ",";
				}
		}
		if (op->mflags)
			fprintf(f, " flags=%s%s%s", op->mflags & MPOL_F_STATIC_NODES ? "static" : "",
				(op->mflags & MPOL_MODE_FLAGS) == MPOL_MODE_FLAGS ? "|" : "",
				op->mflags & MPOL_F_RELATIVE_NODES ? "relative" : "");
		break;
	case BF_OP_FREE:
	case BF_OP_PUT:
		print_handle(f, p, op);
		if (op->cpu)
			fprintf(f, " cpu=%d", op->cpu);
		break;
	case BF_OP_GET:
	case BF_OP_SPLIT:
		print_handle(f, p, op);
		break;
	case BF_OP_DRAIN:
		if (op->cpu < 0)
			fputs(" cpu=all", f);
		else
			fprintf(f, " cpu=%d", op->cpu);
		if (op->has_node)
			fprintf(f, " node=%d", op->nid);
		if (op->zid >= 0)
			fprintf(f, " zone=%s", bf_zone_name(op->zid));
		break;
	case BF_OP_POKE:
		print_handle(f, p, op);
		if (op->page)
			fprintf(f, " page=%d", op->page);
		for (int i = 0; i < op->npoke; i++) {
			unsigned long v = op->poke[i].value;

			switch (op->poke[i].field) {
			case POKE_FLAGS_SET: fputs(" set=", f); print_flags(f, v); break;
			case POKE_FLAGS_CLEAR: fputs(" clear=", f); print_flags(f, v); break;
			case POKE_MAPPING: fprintf(f, " mapping=0x%lx", v); break;
			case POKE_MEMCG: fprintf(f, " memcg=0x%lx", v); break;
			case POKE_MAPCOUNT: fprintf(f, " mapcount=%ld", (long)v); break;
			case POKE_REFCOUNT: fprintf(f, " refcount=%ld", (long)v); break;
			}
		}
		break;
	case BF_OP_IRQ:
		fprintf(f, " cpu=%d %s", op->cpu, op->value ? "on" : "off");
		break;
	case BF_OP_TASKFLAGS: {
		const char *sep = " ";

		fprintf(f, " cpu=%d", op->cpu);
		for (size_t i = 0; i < sizeof(pf_names) / sizeof(pf_names[0]); i++)
			if ((unsigned long)op->value & pf_names[i].flag) {
				fprintf(f, "%s%s", sep, pf_names[i].name);
				sep = "|";
			}
		if (!op->value)
			fputs(" 0", f);
		break;
	}
	case BF_OP_SYSCTL:
		fprintf(f, " %s=", NAME_OR(sysctl_names, op->sysctl));
		for (int i = 0; i < op->nvalues; i++)
			fprintf(f, "%s%ld", i ? "," : "", op->values[i]);
		break;
	case BF_OP_VMSTAT_UPDATE:
		fprintf(f, " cpu=%d", op->cpu);
		break;
	case BF_OP_DUMP:
		fprintf(f, " %s", op->value == BF_DUMP_BUDDYINFO ? "buddyinfo" :
				  op->value == BF_DUMP_PAGETYPEINFO ? "pagetypeinfo" : "zoneinfo");
		break;
	case BF_OP_FILL:
		fprintf(f, " zone=%s", bf_zone_name(op->zid));
		if (op->has_node)
			fprintf(f, " node=%d", op->nid);
		fprintf(f, " band=%s orders=", NAME_OR(bf_band_names, op->value));
		for (int i = 0; i < op->norders; i++)
			fprintf(f, "%s%u", i ? "," : "", op->orders[i]);
		if (op->gfp != GFP_KERNEL) {
			fputs(" gfp=", f);
			print_gfp(f, op->gfp);
		}
		if (op->max != BF_FILL_MAX)
			fprintf(f, " max=%d", op->max);
		if (op->cpu)
			fprintf(f, " cpu=%d", op->cpu);
		break;
	case BF_OP_FRAGMENT:
		if (op->zid >= 0)
			fprintf(f, " zone=%s", bf_zone_name(op->zid));
		if (op->has_node)
			fprintf(f, " node=%d", op->nid);
		fprintf(f, " pattern=%s", NAME_OR(bf_frag_names, op->value));
		/* fall through */
	case BF_OP_FREE_ALL:
		if (op->cpu)
			fprintf(f, " cpu=%d", op->cpu);
		break;
	default:  /* vmstat_refresh, check */
		break;
	}
	fputc('\n', f);
}

void bf_prog_print_op(const struct bf_prog *p, const struct bf_op *op, FILE *f)
{
	print_op(f, p, op);
}

int bf_prog_print(const struct bf_prog *p, FILE *f)
{
	print_topology(f, &p->topo);
	if (p->nr_ops)
		fputc('\n', f);
	for (int i = 0; i < p->nr_ops; i++)
		print_op(f, p, &p->ops[i]);
	return ferror(f) ? -1 : 0;
}

char *bf_prog_to_text(const struct bf_prog *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (bf_prog_print(p, f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* ---- equality ---- */

static int topo_equal(const struct bf_topology *a, const struct bf_topology *b)
{
	if (a->nr_nodes != b->nr_nodes || a->nr_cpus != b->nr_cpus || a->nr_holes != b->nr_holes ||
	    a->min_free_kbytes != b->min_free_kbytes || a->watermark_scale_factor != b->watermark_scale_factor ||
	    a->watermark_boost_factor != b->watermark_boost_factor ||
	    a->percpu_pagelist_fraction != b->percpu_pagelist_fraction || a->fixes != b->fixes)
		return 0;
	for (int n = 0; n < a->nr_nodes && n < BF_MAX_NODES; n++) {
		if (a->node[n].cpumask != b->node[n].cpumask)
			return 0;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (a->node[n].zone_pageblocks[z] != b->node[n].zone_pageblocks[z])
				return 0;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (a->lowmem_reserve_ratio[z] != b->lowmem_reserve_ratio[z])
			return 0;
	for (int x = 0; x < BF_MAX_NODES; x++)
		for (int y = 0; y < BF_MAX_NODES; y++)
			if (a->distance[x][y] != b->distance[x][y])
				return 0;
	for (int i = 0; i < a->nr_holes && i < BF_MAX_HOLES; i++)
		if (a->hole[i].start_pfn != b->hole[i].start_pfn || a->hole[i].nr_pages != b->hole[i].nr_pages)
			return 0;
	return 1;
}

static int str_equal(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && !strcmp(a, b));
}

static int expect_equal(const struct bf_expect *a, const struct bf_expect *b)
{
	return a->probe == b->probe && a->cmp == b->cmp && a->value == b->value && str_equal(a->text, b->text) &&
	       a->nid == b->nid && a->zid == b->zid && a->order == b->order && a->mt == b->mt &&
	       a->cpu == b->cpu && a->idx == b->idx && a->item == b->item && a->sub == b->sub &&
	       a->pfn == b->pfn && a->has_order == b->has_order && a->has_zone == b->has_zone &&
	       a->has_node == b->has_node && a->has_mt == b->has_mt && a->fail == b->fail;
}

static int handle_equal(const struct bf_prog *pa, int a, const struct bf_prog *pb, int b, int names)
{
	if (a < 0 || b < 0 || !names)
		return a == b;
	if (a >= pa->nr_handles || b >= pb->nr_handles)
		return 0;
	return !strcmp(pa->handle_names[a], pb->handle_names[b]);
}

static int op_equal(const struct bf_prog *pa, const struct bf_op *a, const struct bf_prog *pb,
		    const struct bf_op *b, int names)
{
	if (a->kind != b->kind || !handle_equal(pa, a->handle, pb, b->handle, names) || a->piece != b->piece ||
	    a->cpu != b->cpu || a->nid != b->nid || a->zid != b->zid || a->order != b->order || a->gfp != b->gfp ||
	    a->size != b->size || a->lru != b->lru || a->has_node != b->has_node || a->npoke != b->npoke ||
	    a->page != b->page || a->value != b->value || a->sysctl != b->sysctl || a->nvalues != b->nvalues)
		return 0;
	if (a->norders != b->norders || a->max != b->max || a->has_task != b->has_task ||
	    (a->has_task && a->task != b->task) || a->mode != b->mode || a->mflags != b->mflags ||
	    a->nodes != b->nodes)
		return 0;
	for (int i = 0; i < a->norders && i < BF_FILL_MAX_ORDERS; i++)
		if (a->orders[i] != b->orders[i])
			return 0;
	for (int i = 0; i < a->npoke && i < 6; i++)
		if (a->poke[i].field != b->poke[i].field || a->poke[i].value != b->poke[i].value)
			return 0;
	for (int i = 0; i < a->nvalues && i < MAX_NR_ZONES; i++)
		if (a->values[i] != b->values[i])
			return 0;
	return a->kind != BF_OP_EXPECT || expect_equal(&a->expect, &b->expect);
}

int bf_prog_equal_ex(const struct bf_prog *a, const struct bf_prog *b, int names)
{
	if (!topo_equal(&a->topo, &b->topo) || a->nr_ops != b->nr_ops)
		return 0;
	for (int i = 0; i < a->nr_ops; i++)
		if (!op_equal(a, &a->ops[i], b, &b->ops[i], names))
			return 0;
	return 1;
}

int bf_prog_equal(const struct bf_prog *a, const struct bf_prog *b)
{
	return bf_prog_equal_ex(a, b, 1);
}
