/*
 * parse_topo.c - the topology block of a .bfp program (node, zone, distance,
 * hole, sysctl lines), and the ops that take lists (sysctl after boot,
 * taskflags, poke).  Every list goes through split_list(), so each item's
 * column is exact and empty items are errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/parse_internal.h"
#include "core/inspect.h"

static const struct { const char *name; enum bf_sysctl which; } sysctls[] = {
	{ "min_free_kbytes", SYSCTL_MIN_FREE_KBYTES },
	{ "watermark_scale_factor", SYSCTL_WATERMARK_SCALE_FACTOR },
	{ "watermark_boost_factor", SYSCTL_WATERMARK_BOOST_FACTOR },
	{ "lowmem_reserve_ratio", SYSCTL_LOWMEM_RESERVE_RATIO },
	{ "percpu_pagelist_fraction", SYSCTL_PERCPU_PAGELIST_FRACTION },
};

static const struct { const char *name; unsigned int flag; } pf_names[] = {
	{ "PF_MEMALLOC", PF_MEMALLOC },
	{ "PF_MEMALLOC_NOFS", PF_MEMALLOC_NOFS },
	{ "PF_MEMALLOC_NOIO", PF_MEMALLOC_NOIO },
	{ "PF_MEMALLOC_NOCMA", PF_MEMALLOC_NOCMA },
};

int is_topology_keyword(const char *s)
{
	return !strcmp(s, "node") || !strcmp(s, "zone") || !strcmp(s, "distance") ||
	       !strcmp(s, "hole") || !strcmp(s, "sysctl") || !strcmp(s, "fix");
}

/* cpu list items: "3" or "0-3" */
static int cpu_item(struct parser *ps, const char *item, int col, void *arg)
{
	unsigned int *mask = arg;
	unsigned long a, b;
	const char *dash = strchr(item, '-');
	char lo[32];

	if (dash) {
		if ((size_t)(dash - item) >= sizeof(lo))
			return fail(ps, col, "bad cpu range '%s'", item);
		memcpy(lo, item, (size_t)(dash - item));
		lo[dash - item] = 0;
		if (parse_num(ps, lo, col, BF_MAX_CPUS - 1, &a) ||
		    parse_num(ps, dash + 1, col + (int)(dash - item) + 1, BF_MAX_CPUS - 1, &b))
			return -1;
		if (b < a)
			return fail(ps, col, "bad cpu range '%s'", item);
	} else {
		if (parse_num(ps, item, col, BF_MAX_CPUS - 1, &a))
			return -1;
		b = a;
	}
	for (unsigned long c = a; c <= b; c++)
		*mask |= 1U << c;
	return 0;
}

struct values { long v[MAX_NR_ZONES]; int n; };

static int value_item(struct parser *ps, const char *item, int col, void *arg)
{
	struct values *vals = arg;

	if (vals->n == MAX_NR_ZONES)
		return fail(ps, col, "at most %d values", MAX_NR_ZONES);
	return parse_snum(ps, item, col, &vals->v[vals->n++], NULL);
}

/*
 * The `sysctl name=value` line, as topology (before boot) or as an op.
 * lowmem_reserve_ratio takes one value per zone.
 */
static int sysctl_value(struct parser *ps, int *which, struct values *vals)
{
	struct tok *t = &ps->t[1];
	char key[40];
	const char *val;
	int found = -1, vcol;

	if (ps->nt != 2 || !kvc(t, key, sizeof(key), &val, &vcol))
		return fail(ps, ps->t[0].col, "usage: sysctl name=value");
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (!strcmp(key, sysctls[i].name))
			found = (int)i;
	if (found < 0)
		return fail(ps, t->col, "unknown sysctl '%s'", key);
	*which = (int)sysctls[found].which;
	vals->n = 0;
	if (split_list(ps, val, vcol, ",", value_item, vals))
		return -1;
	if (vals->n != (*which == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1))
		return fail(ps, vcol, "%s takes %d value%s", key,
			    *which == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1,
			    *which == SYSCTL_LOWMEM_RESERVE_RATIO ? "s" : "");
	return 0;
}

/* After boot: the handler runs; a value it rejects (-EINVAL) changes nothing. */
int parse_sysctl(struct parser *ps, struct bf_op *op)
{
	struct values vals;
	int which = 0;

	if (sysctl_value(ps, &which, &vals))
		return -1;
	op->sysctl = which;
	op->nvalues = vals.n;
	memcpy(op->values, vals.v, sizeof(vals.v));
	return 0;
}

static int topo_sysctl(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	struct values vals;
	int which = 0;

	if (sysctl_value(ps, &which, &vals))
		return -1;
	for (int i = 0; i < vals.n; i++)
		if (vals.v[i] < 0 || vals.v[i] > 0x7fffffff)
			return fail(ps, ps->t[1].col, "sysctl value out of range");
	switch (which) {
	case SYSCTL_MIN_FREE_KBYTES: t->min_free_kbytes = vals.v[0]; break;
	case SYSCTL_WATERMARK_SCALE_FACTOR:
		if (vals.v[0] < 1 || vals.v[0] > 1000)
			return fail(ps, ps->t[1].col, "watermark_scale_factor must be 1..1000");
		t->watermark_scale_factor = vals.v[0];
		break;
	case SYSCTL_WATERMARK_BOOST_FACTOR: t->watermark_boost_factor = vals.v[0]; break;
	case SYSCTL_LOWMEM_RESERVE_RATIO:
		for (int i = 0; i < MAX_NR_ZONES; i++)
			t->lowmem_reserve_ratio[i] = vals.v[i];
		break;
	case SYSCTL_PERCPU_PAGELIST_FRACTION:
		if (vals.v[0] != 0 && vals.v[0] < 8)
			return fail(ps, ps->t[1].col, "percpu_pagelist_fraction must be 0 or >= 8");
		t->percpu_pagelist_fraction = vals.v[0];
		break;
	}
	return 0;
}

static int topo_node(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	struct tok *tk = ps->t;
	unsigned long a;
	char key[16];
	const char *val;
	int vcol;

	if (ps->nt < 2 || ps->nt > 3)
		return fail(ps, tk[0].col, "usage: node N [cpus=LIST]");
	if (parse_num(ps, tk[1].s, tk[1].col, BF_MAX_NODES - 1, &a))
		return -1;
	if (ps->node_seen[a])
		return fail(ps, tk[1].col, "node %lu declared twice", a);
	ps->node_seen[a] = 1;
	ps->node_line[a] = ps->line;
	if ((int)a + 1 > t->nr_nodes)
		t->nr_nodes = (int)a + 1;
	if (ps->nt == 3) {
		if (!kvc(&tk[2], key, sizeof(key), &val, &vcol) || strcmp(key, "cpus"))
			return fail(ps, tk[2].col, "expected cpus=LIST");
		if (split_list(ps, val, vcol, ",", cpu_item, &t->node[a].cpumask))
			return -1;
		for (int cpu = 0; cpu < BF_MAX_CPUS; cpu++)
			if ((t->node[a].cpumask >> cpu) & 1 && cpu + 1 > t->nr_cpus)
				t->nr_cpus = cpu + 1;
	}
	return 0;
}

static int topo_zone(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	struct tok *tk = ps->t;
	unsigned long a, b;
	int zid;

	if (ps->nt != 4)
		return fail(ps, tk[0].col, "usage: zone NODE DMA|DMA32|Normal|Movable PAGEBLOCKS");
	if (parse_num(ps, tk[1].s, tk[1].col, BF_MAX_NODES - 1, &a))
		return -1;
	if (!ps->node_seen[a])
		return fail(ps, tk[1].col, "zone of node %lu before its 'node' line", a);
	if (parse_zone(ps, tk[2].s, tk[2].col, &zid))
		return -1;
	if (t->node[a].zone_pageblocks[zid])
		return fail(ps, tk[2].col, "zone %s of node %lu declared twice", tk[2].s, a);
	if (parse_num(ps, tk[3].s, tk[3].col, BF_MAX_PAGEBLOCKS, &b))
		return -1;
	if (!b)
		return fail(ps, tk[3].col, "a zone needs at least one pageblock");
	t->node[a].zone_pageblocks[zid] = b;
	return 0;
}

int parse_topology_line(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	struct tok *tk = ps->t;
	unsigned long a, b, c;

	if (!strcmp(tk[0].s, "sysctl"))
		return topo_sysctl(ps);
	if (!strcmp(tk[0].s, "fix")) {
		int f;

		if (ps->nt != 2)
			return fail(ps, tk[0].col, "usage: fix NAME (an upstream fix: %s%s)", bf_fix_names[0],
				    BF_NR_FIXES > 1 ? ", ..." : "");
		f = bf_name_index(bf_fix_names, BF_NR_FIXES, tk[1].s);
		if (f < 0)
			return fail(ps, tk[1].col, "unknown fix '%s'", tk[1].s);
		t->fixes |= BF_FIX(f);
		return 0;
	}
	ps->saw_topology = 1;
	if (!strcmp(tk[0].s, "node"))
		return topo_node(ps);
	if (!strcmp(tk[0].s, "zone"))
		return topo_zone(ps);
	if (!strcmp(tk[0].s, "distance")) {
		if (ps->nt != 4)
			return fail(ps, tk[0].col, "usage: distance A B D");
		if (parse_num(ps, tk[1].s, tk[1].col, BF_MAX_NODES - 1, &a) ||
		    parse_num(ps, tk[2].s, tk[2].col, BF_MAX_NODES - 1, &b) ||
		    parse_num(ps, tk[3].s, tk[3].col, 255, &c))
			return -1;
		if (a == b && c != 10)
			return fail(ps, tk[3].col, "a node's distance to itself is 10");
		if (a != b && c <= 10)
			return fail(ps, tk[3].col, "a remote distance must be above 10");
		t->distance[a][b] = t->distance[b][a] = (int)c;
		return 0;
	}
	/* hole PFN NPAGES */
	if (ps->nt != 3)
		return fail(ps, tk[0].col, "usage: hole PFN NPAGES");
	if (t->nr_holes == BF_MAX_HOLES)
		return fail(ps, tk[0].col, "at most %d holes", BF_MAX_HOLES);
	if (parse_num(ps, tk[1].s, tk[1].col, 1UL << 40, &a) || parse_num(ps, tk[2].s, tk[2].col, 1UL << 40, &b))
		return -1;
	if (!b)
		return fail(ps, tk[2].col, "an empty hole");
	t->hole[t->nr_holes].start_pfn = a;
	t->hole[t->nr_holes].nr_pages = b;
	t->nr_holes++;
	return 0;
}

/*
 * The topology is complete (the first op, or the end of the file): fill in
 * the default layout if none was given, and check what the core would refuse,
 * pointing at the node line concerned where there is one.
 */
int finish_topology(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	unsigned long total = 0;

	if (!ps->saw_topology) {
		struct bf_topology d;

		bf_topology_default(&d);
		t->nr_nodes = d.nr_nodes;
		t->nr_cpus = d.nr_cpus;
		memcpy(t->node, d.node, sizeof(d.node));
	}
	for (int n = 0; n < t->nr_nodes; n++) {
		unsigned long pbs = 0;

		if (!ps->node_seen[n] && ps->saw_topology)
			return fail(ps, 1, "node %d is missing (nodes must be 0..%d)", n, t->nr_nodes - 1);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			pbs += t->node[n].zone_pageblocks[z];
		if (!pbs) {
			ps->line = ps->node_line[n];
			return fail(ps, 1, "node %d has no zone", n);
		}
		total += pbs;
	}
	if (total > BF_MAX_PAGEBLOCKS)
		return fail(ps, 1, "the world has %lu pageblocks, more than %d", total, BF_MAX_PAGEBLOCKS);
	if (t->nr_cpus == 0)
		return fail(ps, 1, "no CPUs: give a node cpus=LIST");
	for (int cpu = 0; cpu < t->nr_cpus; cpu++) {
		int owners = 0, last = 0;

		for (int n = 0; n < t->nr_nodes; n++)
			if ((t->node[n].cpumask >> cpu) & 1) {
				owners++;
				last = n;
			}
		if (owners != 1) {
			if (owners)
				ps->line = ps->node_line[last];
			return fail(ps, 1, "cpu %d must belong to exactly one node (cpus are 0..%d)", cpu,
				    t->nr_cpus - 1);
		}
	}
	for (int i = 0; i < t->nr_holes; i++)
		if (t->hole[i].start_pfn + t->hole[i].nr_pages > total * pageblock_nr_pages)
			return fail(ps, 1, "hole %d ends past the last pfn 0x%lx", i, total * pageblock_nr_pages);
	ps->booted = 1;
	return 0;
}

static int taskflag_item(struct parser *ps, const char *item, int col, void *arg)
{
	long *value = arg;

	for (size_t i = 0; i < sizeof(pf_names) / sizeof(pf_names[0]); i++)
		if (!strcmp(item, pf_names[i].name)) {
			*value |= pf_names[i].flag;
			return 0;
		}
	return fail(ps, col, "unknown task flag '%s'", item);
}

int parse_taskflags(struct parser *ps, struct bf_op *op)
{
	char key[16];
	const char *val;
	int vcol;

	if (ps->nt != 3 || !kvc(&ps->t[1], key, sizeof(key), &val, &vcol) || strcmp(key, "cpu"))
		return fail(ps, ps->t[0].col, "usage: taskflags cpu=N PF_MEMALLOC|PF_MEMALLOC_NOFS|...|0");
	if (parse_cpu(ps, val, vcol, 0, &op->cpu))
		return -1;
	op->value = 0;
	if (!strcmp(ps->t[2].s, "0"))
		return 0;
	return split_list(ps, ps->t[2].s, ps->t[2].col, "|,", taskflag_item, &op->value);
}

static int pageflag_item(struct parser *ps, const char *item, int col, void *arg)
{
	unsigned long *mask = arg;
	int bit = bf_pageflag_by_name(item);

	if (bit < 0)
		return fail(ps, col, "unknown page flag '%s'", item);
	/* PG_head is the page's identity, not state: forging or erasing it corrupts the compound page */
	if (bit == PG_head)
		return fail(ps, col, "PG_head cannot be poked (it makes or unmakes a compound page)");
	*mask |= 1UL << bit;
	return 0;
}

int parse_poke(struct parser *ps, struct bf_op *op)
{
	struct tok *t = ps->t;

	if (ps->nt < 3)
		return fail(ps, t[0].col, "usage: poke H[.I] [page=K] set=FLAGS|clear=FLAGS|mapping=V|mapcount=V|refcount=V|memcg=V");
	if (parse_handle_ref(ps, t[1].s, t[1].col, &op->handle, &op->piece))
		return -1;
	for (int i = 2; i < ps->nt; i++) {
		char key[16];
		const char *val;
		unsigned long v = 0;
		long sv;
		int field, col;

		if (!kvc(&t[i], key, sizeof(key), &val, &col))
			return fail(ps, t[i].col, "expected key=value, got '%s'", t[i].s);
		if (!strcmp(key, "page")) {
			if (parse_num(ps, val, col, MAX_ORDER_NR_PAGES - 1, &v))
				return -1;
			op->page = (int)v;
			continue;
		}
		if (op->npoke == 6)
			return fail(ps, t[i].col, "too many fields in one poke");
		if (!strcmp(key, "set") || !strcmp(key, "clear")) {
			if (split_list(ps, val, col, ",|", pageflag_item, &v))
				return -1;
			field = !strcmp(key, "set") ? POKE_FLAGS_SET : POKE_FLAGS_CLEAR;
		} else if (!strcmp(key, "mapping") || !strcmp(key, "memcg")) {
			if (parse_num(ps, val, col, ~0UL, &v))
				return -1;
			field = !strcmp(key, "mapping") ? POKE_MAPPING : POKE_MEMCG;
		} else if (!strcmp(key, "mapcount") || !strcmp(key, "refcount")) {
			if (parse_snum(ps, val, col, &sv, NULL))
				return -1;
			if (sv < -0x80000000L || sv > 0x7fffffffL)
				return fail(ps, col, "%s is not a 32-bit value", val);
			/* No subsystem puts a page *type* on a page it owns: refuse buddy/guard look-alikes. */
			if (!strcmp(key, "mapcount") && (((unsigned int)sv & 0xf0000000u) == 0xf0000000u) &&
			    (~(unsigned int)sv & (0x80u | 0x800u)))
				return fail(ps, col, "mapcount %ld would read as a page type (PageBuddy/PageGuard)", sv);
			v = (unsigned long)sv;
			field = !strcmp(key, "mapcount") ? POKE_MAPCOUNT : POKE_REFCOUNT;
		} else {
			return fail(ps, t[i].col, "unknown poke field '%s'", key);
		}
		op->poke[op->npoke].field = field;
		op->poke[op->npoke].value = v;
		op->npoke++;
	}
	if (!op->npoke)
		return fail(ps, t[0].col, "poke changes nothing");
	return 0;
}
