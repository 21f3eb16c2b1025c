/*
 * parse_topo.c - the topology block of a .bfp program (node, zone, distance,
 * hole, sysctl lines), and the ops that take flag lists (sysctl after boot,
 * taskflags, poke).
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
	       !strcmp(s, "hole") || !strcmp(s, "sysctl");
}

/* "0-3" or "0,2,5" or "1" -> bitmask */
static int parse_cpulist(struct parser *ps, const char *s, int col, unsigned int *mask)
{
	char buf[128];
	char *save, *part;

	*mask = 0;
	if (strlen(s) >= sizeof(buf) || !*s)
		return fail(ps, col, "bad cpu list '%s'", s);
	strcpy(buf, s);
	for (part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		unsigned long a, b;
		char *dash = strchr(part, '-');

		if (dash) {
			*dash = 0;
			if (parse_num(ps, part, col, BF_MAX_CPUS - 1, &a) ||
			    parse_num(ps, dash + 1, col, BF_MAX_CPUS - 1, &b))
				return -1;
			if (b < a)
				return fail(ps, col, "bad cpu range in '%s'", s);
		} else {
			if (parse_num(ps, part, col, BF_MAX_CPUS - 1, &a))
				return -1;
			b = a;
		}
		for (unsigned long c = a; c <= b; c++)
			*mask |= 1U << c;
	}
	return 0;
}

/*
 * The `sysctl name=value` line, as topology (before boot) or as an op.
 * lowmem_reserve_ratio takes a list.
 */
static int sysctl_value(struct parser *ps, int *which, long vals[MAX_NR_ZONES], int *nvals)
{
	struct tok *t = &ps->t[1];
	char key[40];
	const char *val;
	int found = -1;

	if (ps->nt != 2 || !kv(t, key, sizeof(key), &val))
		return fail(ps, t->col, "usage: sysctl name=value");
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (!strcmp(key, sysctls[i].name))
			found = (int)i;
	if (found < 0)
		return fail(ps, t->col, "unknown sysctl '%s'", key);
	*which = (int)sysctls[found].which;
	*nvals = 0;
	if (*which == SYSCTL_LOWMEM_RESERVE_RATIO) {
		char buf[128], *save, *part;

		if (strlen(val) >= sizeof(buf))
			return fail(ps, t->col, "value too long");
		strcpy(buf, val);
		for (part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
			if (*nvals == MAX_NR_ZONES)
				return fail(ps, t->col, "lowmem_reserve_ratio takes %d values", MAX_NR_ZONES);
			if (parse_snum(ps, part, t->col + (int)strlen(key) + 1, &vals[(*nvals)++]))
				return -1;
		}
		if (*nvals != MAX_NR_ZONES)
			return fail(ps, t->col, "lowmem_reserve_ratio takes %d values", MAX_NR_ZONES);
		return 0;
	}
	*nvals = 1;
	return parse_snum(ps, val, t->col + (int)strlen(key) + 1, &vals[0]);
}

int parse_sysctl(struct parser *ps, struct bf_op *op)
{
	long vals[MAX_NR_ZONES];
	int which, n;

	if (sysctl_value(ps, &which, vals, &n))
		return -1;
	op->sysctl = which;
	op->value = vals[0];
	for (int i = 1; i < n; i++) {  /* one op per lowmem_reserve_ratio entry */
		struct bf_op *more = new_op(ps, BF_OP_SYSCTL);

		more->sysctl = which;
		more->sysctl_index = i;
		more->value = vals[i];
	}
	return 0;
}

static int topo_sysctl(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	long vals[MAX_NR_ZONES];
	int which, n;

	if (sysctl_value(ps, &which, vals, &n))
		return -1;
	for (int i = 0; i < n; i++)
		if (vals[i] < 0 || vals[i] > 0x7fffffff)
			return fail(ps, ps->t[1].col, "sysctl value out of range");
	switch (which) {
	case SYSCTL_MIN_FREE_KBYTES: t->min_free_kbytes = vals[0]; break;
	case SYSCTL_WATERMARK_SCALE_FACTOR:
		if (vals[0] < 1 || vals[0] > 1000)
			return fail(ps, ps->t[1].col, "watermark_scale_factor must be 1..1000");
		t->watermark_scale_factor = vals[0];
		break;
	case SYSCTL_WATERMARK_BOOST_FACTOR: t->watermark_boost_factor = vals[0]; break;
	case SYSCTL_LOWMEM_RESERVE_RATIO:
		for (int i = 0; i < MAX_NR_ZONES; i++)
			t->lowmem_reserve_ratio[i] = vals[i];
		break;
	case SYSCTL_PERCPU_PAGELIST_FRACTION:
		if (vals[0] != 0 && vals[0] < 8)
			return fail(ps, ps->t[1].col, "percpu_pagelist_fraction must be 0 or >= 8");
		t->percpu_pagelist_fraction = vals[0];
		break;
	}
	return 0;
}

int parse_topology_line(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	struct tok *tk = ps->t;
	unsigned long a, b, c;

	if (!strcmp(tk[0].s, "sysctl"))
		return topo_sysctl(ps);
	ps->saw_topology = 1;
	if (!strcmp(tk[0].s, "node")) {
		char key[16];
		const char *val;

		if (ps->nt < 2 || ps->nt > 3)
			return fail(ps, tk[0].col, "usage: node N [cpus=LIST]");
		if (parse_num(ps, tk[1].s, tk[1].col, BF_MAX_NODES - 1, &a))
			return -1;
		if (ps->node_seen[a])
			return fail(ps, tk[1].col, "node %lu declared twice", a);
		ps->node_seen[a] = 1;
		if ((int)a + 1 > t->nr_nodes)
			t->nr_nodes = (int)a + 1;
		if (ps->nt == 3) {
			if (!kv(&tk[2], key, sizeof(key), &val) || strcmp(key, "cpus"))
				return fail(ps, tk[2].col, "expected cpus=LIST");
			if (parse_cpulist(ps, val, tk[2].col + 5, &t->node[a].cpumask))
				return -1;
			for (int cpu = 0; cpu < BF_MAX_CPUS; cpu++)
				if ((t->node[a].cpumask >> cpu) & 1 && cpu + 1 > t->nr_cpus)
					t->nr_cpus = cpu + 1;
		}
		return 0;
	}
	if (!strcmp(tk[0].s, "zone")) {
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
		if (parse_num(ps, tk[3].s, tk[3].col, 1UL << 16, &b))
			return -1;
		if (!b)
			return fail(ps, tk[3].col, "a zone needs at least one pageblock");
		t->node[a].zone_pageblocks[zid] = b;
		return 0;
	}
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

/* The topology is complete: fill defaults, validate what the core will check. */
int finish_topology(struct parser *ps)
{
	struct bf_topology *t = &ps->p->topo;
	unsigned long total = 0;
	int line = ps->line;

	if (!ps->saw_topology) {
		struct bf_topology d;

		bf_topology_default(&d);
		t->nr_nodes = d.nr_nodes;
		t->nr_cpus = d.nr_cpus;
		memcpy(t->node, d.node, sizeof(d.node));
	}
	ps->line = line;
	for (int n = 0; n < t->nr_nodes; n++) {
		unsigned long pbs = 0;

		if (!ps->node_seen[n] && ps->saw_topology)
			return fail(ps, 1, "node %d is missing (nodes must be 0..%d)", n, t->nr_nodes - 1);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			pbs += t->node[n].zone_pageblocks[z];
		if (!pbs)
			return fail(ps, 1, "node %d has no zone", n);
		total += pbs * 512;
	}
	if (t->nr_cpus == 0)
		return fail(ps, 1, "no CPUs: give a node cpus=LIST");
	for (int cpu = 0; cpu < t->nr_cpus; cpu++) {
		int owners = 0;

		for (int n = 0; n < t->nr_nodes; n++)
			owners += (t->node[n].cpumask >> cpu) & 1;
		if (owners != 1)
			return fail(ps, 1, "cpu %d must belong to exactly one node (cpus are 0..%d)", cpu,
				    t->nr_cpus - 1);
	}
	for (int i = 0; i < t->nr_holes; i++)
		if (t->hole[i].start_pfn + t->hole[i].nr_pages > total)
			return fail(ps, 1, "hole %d ends past the last pfn 0x%lx", i, total);
	ps->booted = 1;
	return 0;
}

int parse_taskflags(struct parser *ps, struct bf_op *op)
{
	char key[16];
	const char *val;
	char buf[128], *save, *part;

	if (ps->nt != 3 || !kv(&ps->t[1], key, sizeof(key), &val) || strcmp(key, "cpu"))
		return fail(ps, ps->t[0].col, "usage: taskflags cpu=N PF_MEMALLOC|PF_MEMALLOC_NOFS|...|0");
	if (parse_cpu(ps, val, ps->t[1].col + 4, 0, &op->cpu))
		return -1;
	op->value = 0;
	if (!strcmp(ps->t[2].s, "0"))
		return 0;
	if (strlen(ps->t[2].s) >= sizeof(buf))
		return fail(ps, ps->t[2].col, "flag list too long");
	strcpy(buf, ps->t[2].s);
	for (part = strtok_r(buf, "|,", &save); part; part = strtok_r(NULL, "|,", &save)) {
		int found = 0;

		for (size_t i = 0; i < sizeof(pf_names) / sizeof(pf_names[0]); i++)
			if (!strcmp(part, pf_names[i].name)) {
				op->value |= pf_names[i].flag;
				found = 1;
			}
		if (!found)
			return fail(ps, ps->t[2].col + (int)(part - buf), "unknown task flag '%s'", part);
	}
	return 0;
}

static int flag_list(struct parser *ps, const char *val, int col, unsigned long *mask)
{
	char buf[256], *save, *part;

	*mask = 0;
	if (strlen(val) >= sizeof(buf) || !*val)
		return fail(ps, col, "bad flag list");
	strcpy(buf, val);
	for (part = strtok_r(buf, ",|", &save); part; part = strtok_r(NULL, ",|", &save)) {
		int bit = bf_pageflag_by_name(part);

		if (bit < 0)
			return fail(ps, col + (int)(part - buf), "unknown page flag '%s'", part);
		*mask |= 1UL << bit;
	}
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
		int col = t[i].col;
		unsigned long v;
		long sv;
		int field;

		if (!kv(&t[i], key, sizeof(key), &val))
			return fail(ps, col, "expected key=value, got '%s'", t[i].s);
		col += (int)strlen(key) + 1;
		if (!strcmp(key, "page")) {
			if (parse_num(ps, val, col, MAX_ORDER_NR_PAGES - 1, &v))
				return -1;
			op->page = (int)v;
			continue;
		}
		if (op->npoke == 6)
			return fail(ps, t[i].col, "too many fields in one poke");
		if (!strcmp(key, "set") || !strcmp(key, "clear")) {
			if (flag_list(ps, val, col, &v))
				return -1;
			field = !strcmp(key, "set") ? POKE_FLAGS_SET : POKE_FLAGS_CLEAR;
		} else if (!strcmp(key, "mapping") || !strcmp(key, "memcg")) {
			if (parse_num(ps, val, col, ~0UL, &v))
				return -1;
			field = !strcmp(key, "mapping") ? POKE_MAPPING : POKE_MEMCG;
		} else if (!strcmp(key, "mapcount") || !strcmp(key, "refcount")) {
			if (parse_snum(ps, val, col, &sv))
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
