/*
 * minimize_stages.c - the minimizer's stages, syzkaller style: small, in a
 * fixed order, each offering one candidate at a time to bf_min_try (which
 * re-validates and re-runs it and keeps it only if the finding's signature
 * and title come out unchanged).  The round repeats until it accepts nothing
 * or the time is up; renumbering the handles h0.. comes last, once.
 *
 *   cut tail     ops after the one that failed never ran: drop them
 *   ddmin        drop chunks of ops, halving the chunk size down to one op,
 *                from the end (later ops depend on earlier ones, not the
 *                other way round); ops the drop orphaned go with the chunk
 *   pairs        drop a handle: its alloc with every op that names it
 *   orders       alloc order to 0, else one lower while that holds;
 *                alloc_exact size to one page, else halved
 *   gfp          clear the gfp bits one at a time (keep only those needed)
 *   zero         cpu=, node=, task flags to 0 (or the default)
 *   topology     upstream fixes off, sysctls and distances back to their
 *                defaults, holes dropped, the last node, the last CPU, zones
 *                dropped or halved
 *   merge        (only in a round where the others found nothing) two allocs
 *                of one order become one of the next order; in a short
 *                program, any alloc one order up may replace another
 *
 * A fix is part of the world: dropping it is offered like any other step,
 * and kept out only if the signature still reproduces without it.
 */
#include <stdlib.h>
#include <string.h>
#include "triage/minimize_int.h"

/* ---- the static walk of handles (bf_min_repair) ---- */

struct hwalk {
	int live, ever, refs, split, exact, compound;
	unsigned int order;
	unsigned long alive[MAX_ORDER_NR_PAGES / 64];
};

static int bit(const unsigned long *a, unsigned long i) { return (int)((a[i / 64] >> (i % 64)) & 1); }
static void setbit(unsigned long *a, unsigned long i, int on)
{
	if (on)
		a[i / 64] |= 1UL << (i % 64);
	else
		a[i / 64] &= ~(1UL << (i % 64));
}
static int any(const unsigned long *a)
{
	for (int i = 0; i < (int)(MAX_ORDER_NR_PAGES / 64); i++)
		if (a[i])
			return 1;
	return 0;
}

/* Would the op apply, given the handles so far?  Updates them if so. */
static int walk_op(struct hwalk *hs, int nh, const struct bf_op *op)
{
	struct hwalk *h = op->handle >= 0 && op->handle < nh ? &hs[op->handle] : NULL;
	unsigned long n;

	switch (op->kind) {
	case BF_OP_ALLOC:
	case BF_OP_ALLOC_EXACT:
		if (!h || h->live)
			return 0;
		memset(h, 0, sizeof(*h));
		h->live = h->ever = h->refs = 1;
		h->exact = op->kind == BF_OP_ALLOC_EXACT;
		h->order = h->exact ? get_order(op->size) : op->order;
		h->compound = !h->exact && op->order > 0 && (op->gfp & __GFP_COMP);
		n = (op->size + PAGE_SIZE - 1) / PAGE_SIZE;
		for (unsigned long i = 0; h->exact && i < n && i < MAX_ORDER_NR_PAGES; i++)
			setbit(h->alive, i, 1);
		return 1;
	case BF_OP_FREE:
		if (!h || !h->live)
			return 0;
		if (op->piece >= 0) {
			if (!(h->split || h->exact) || h->order >= MAX_ORDER ||
			    (unsigned long)op->piece >= (1UL << h->order) || !bit(h->alive, (unsigned long)op->piece))
				return 0;
			setbit(h->alive, (unsigned long)op->piece, 0);
			h->live = any(h->alive);
			return 1;
		}
		if (h->split || h->exact || --h->refs == 0)
			h->live = 0;
		else if (!h->compound && h->order)
			h->order = 0;
		return 1;
	case BF_OP_GET:
	case BF_OP_PUT:
		if (!h || !h->live || op->piece >= 0 || h->split || h->exact)
			return 0;
		if (op->kind == BF_OP_GET)
			h->refs++;
		else if (--h->refs == 0)
			h->live = 0;
		return 1;
	case BF_OP_SPLIT:
		if (!h || !h->live || h->split || h->exact || h->compound || h->refs != 1 || h->order >= MAX_ORDER)
			return 0;
		h->split = 1;
		for (unsigned long i = 0; i < (1UL << h->order); i++)
			setbit(h->alive, i, 1);
		return 1;
	case BF_OP_POKE:
		return h && h->live;
	case BF_OP_EXPECT:
		return !h || h->ever;
	default:
		return 1;
	}
}

/* Lines of ref's ops the walk refuses (a byte per line, malloc'd; *nl lines). */
static unsigned char *refused_lines(const struct bf_prog *ref, int *nl)
{
	struct hwalk *hs = calloc((size_t)ref->nr_handles + 1, sizeof(*hs));
	unsigned char *bad;
	int max = 0;

	for (int i = 0; i < ref->nr_ops; i++)
		if (ref->ops[i].line > max)
			max = ref->ops[i].line;
	bad = calloc((size_t)max + 1, 1);
	if (!hs || !bad)
		abort();
	for (int i = 0; i < ref->nr_ops; i++)
		if (!walk_op(hs, ref->nr_handles, &ref->ops[i]))
			bad[ref->ops[i].line] = 1;
	free(hs);
	*nl = max + 1;
	return bad;
}

int bf_min_repair(struct bf_prog *e, const struct bf_prog *ref)
{
	struct hwalk *hs = calloc((size_t)e->nr_handles + 1, sizeof(*hs));
	int nl, dropped = 0;
	unsigned char *keep = refused_lines(ref, &nl);

	if (!hs)
		abort();
	for (int i = 0; i < e->nr_ops;) {
		int line = e->ops[i].line;

		if (line >= 0 && line < nl && keep[line]) {
			i++;       /* refused already in ref: not ours to judge */
			continue;
		}
		if (walk_op(hs, e->nr_handles, &e->ops[i])) {
			i++;
		} else {
			bf_min_drop_op(e, i);
			dropped++;
		}
	}
	free(hs);
	free(keep);
	return dropped;
}

/* ---- the stages ---- */

/* Offer an edit and free it. */
static int offer(struct bf_min *m, struct bf_prog *e)
{
	int ok = bf_min_try(m, e);

	bf_min_edit_free(e);
	return ok;
}

static int st_cut_tail(struct bf_min *m)
{
	struct bf_prog e;

	if (m->fail_op < 0 || m->fail_op >= m->cur.nr_ops - 1)
		return 0;
	bf_min_edit(&m->cur, &e);
	e.nr_ops = m->fail_op + 1;
	return offer(m, &e);
}

/* Drop ops [s, s+n) and what they orphaned. */
static int drop_range(struct bf_min *m, int s, int n)
{
	struct bf_prog e;

	bf_min_edit(&m->cur, &e);
	memmove(&e.ops[s], &e.ops[s + n], sizeof(*e.ops) * (size_t)(e.nr_ops - s - n));
	e.nr_ops -= n;
	bf_min_repair(&e, &m->cur);
	return offer(m, &e);
}

static int st_ddmin(struct bf_min *m)
{
	int acc = 0;

	for (int chunk = m->cur.nr_ops > 1 ? m->cur.nr_ops / 2 : 1; chunk >= 1 && !m->out_of_time; chunk /= 2)
		for (int end = m->cur.nr_ops; end > 0 && !m->out_of_time; end -= chunk) {
			int s = end - chunk < 0 ? 0 : end - chunk;

			if (end > m->cur.nr_ops)
				end = m->cur.nr_ops;
			if (s < end)
				acc += drop_range(m, s, end - s);
		}
	return acc;
}

static int st_pairs(struct bf_min *m)
{
	int acc = 0;

	for (int h = m->cur.nr_handles - 1; h >= 0 && !m->out_of_time; h--) {
		struct bf_prog e;
		int n0;

		if (h >= m->cur.nr_handles)
			continue;
		bf_min_edit(&m->cur, &e);
		n0 = e.nr_ops;
		for (int i = e.nr_ops - 1; i >= 0; i--)
			if (e.ops[i].handle == h)
				bf_min_drop_op(&e, i);
		if (e.nr_ops == n0) {
			bf_min_edit_free(&e);
			continue;
		}
		bf_min_repair(&e, &m->cur);
		acc += offer(m, &e);
	}
	return acc;
}

/* Raise op keep's order by one and drop op gone (with what it orphaned). */
static int merge_into(struct bf_min *m, int keep, int gone)
{
	struct bf_prog e;

	bf_min_edit(&m->cur, &e);
	e.ops[keep].order++;
	bf_min_drop_op(&e, gone);
	bf_min_repair(&e, &m->cur);
	return offer(m, &e);
}

/*
 * Two allocations of one order become one of the next order: as many pages
 * taken, one op less.  Fills that a fuzzer built from many small blocks
 * collapse into a few big ones, which ddmin alone (it only drops) cannot do.
 * The nearest earlier alloc of the same order is tried, in its place and
 * then in the later one's; in a short program, then any alloc one order up.
 */
static int st_merge(struct bf_min *m)
{
	int acc = 0;

	for (int j = m->cur.nr_ops - 1; j > 0 && !m->out_of_time; j--) {
		int i = j - 1;

		if (j >= m->cur.nr_ops || m->cur.ops[j].kind != BF_OP_ALLOC || m->cur.ops[j].order + 1 >= MAX_ORDER)
			continue;
		while (i >= 0 && (m->cur.ops[i].kind != BF_OP_ALLOC || m->cur.ops[i].order != m->cur.ops[j].order))
			i--;
		if (i >= 0 && (merge_into(m, i, j) || merge_into(m, j, i))) {
			acc++;
			continue;
		}
		/* a short program: any other alloc one order up may stand in for this one */
		for (i = 0; m->cur.nr_ops <= 24 && i < m->cur.nr_ops && !m->out_of_time; i++)
			if (i != j && m->cur.ops[i].kind == BF_OP_ALLOC && m->cur.ops[i].order + 1 < MAX_ORDER &&
			    merge_into(m, i, j)) {
				acc++;
				break;
			}
	}
	return acc;
}

/* Set one field of op i of an edit of cur and offer it. */
#define TRY_FIELD(m, i, field, value)                            \
	({                                                       \
		struct bf_prog _e;                               \
		bf_min_edit(&(m)->cur, &_e);                     \
		_e.ops[i].field = (value);                       \
		offer((m), &_e);                                 \
	})

static int st_orders(struct bf_min *m)
{
	int acc = 0;

	for (int i = 0; i < m->cur.nr_ops && !m->out_of_time; i++) {
		const struct bf_op *op = &m->cur.ops[i];   /* valid until a step is accepted */

		if (op->kind == BF_OP_ALLOC && op->order > 0) {
			if (TRY_FIELD(m, i, order, 0u)) {
				acc++;
				continue;
			}
			while (m->cur.ops[i].order > 1 && TRY_FIELD(m, i, order, m->cur.ops[i].order - 1))
				acc++;
		} else if (op->kind == BF_OP_ALLOC_EXACT && op->size > PAGE_SIZE) {
			if (TRY_FIELD(m, i, size, PAGE_SIZE)) {
				acc++;
				continue;
			}
			while (m->cur.ops[i].size > PAGE_SIZE && TRY_FIELD(m, i, size, m->cur.ops[i].size / 2))
				acc++;
		}
	}
	return acc;
}

static int st_gfp(struct bf_min *m)
{
	int acc = 0;

	for (int i = 0; i < m->cur.nr_ops && !m->out_of_time; i++) {
		if (m->cur.ops[i].kind != BF_OP_ALLOC && m->cur.ops[i].kind != BF_OP_ALLOC_EXACT)
			continue;
		for (int b = 31; b >= 0 && !m->out_of_time; b--)
			if ((m->cur.ops[i].gfp >> b) & 1)
				acc += TRY_FIELD(m, i, gfp, m->cur.ops[i].gfp & ~(1u << b));
	}
	return acc;
}

static int st_zero(struct bf_min *m)
{
	int acc = 0;

	/* m->cur is replaced by every accepted step: read the op afresh each time */
#define OP (m->cur.ops[i])
	for (int i = 0; i < m->cur.nr_ops && !m->out_of_time; i++) {
		if (OP.cpu > 0)
			acc += TRY_FIELD(m, i, cpu, 0);
		if ((OP.kind == BF_OP_ALLOC || OP.kind == BF_OP_ALLOC_EXACT) && OP.has_node) {
			if (TRY_FIELD(m, i, has_node, 0))
				acc++;
			else if (OP.nid > 0)
				acc += TRY_FIELD(m, i, nid, 0);
		}
		if (OP.kind == BF_OP_DRAIN && OP.nid > 0)
			acc += TRY_FIELD(m, i, nid, 0);
		if (OP.kind == BF_OP_TASKFLAGS && OP.value)
			acc += TRY_FIELD(m, i, value, 0L);
	}
#undef OP
	return acc;
}

/* Offer cur with its topology changed by fn(topo, arg); fn returns 0 if it has nothing to change. */
static int try_topo(struct bf_min *m, int (*fn)(struct bf_topology *, int), int arg)
{
	struct bf_prog e;

	bf_min_edit(&m->cur, &e);
	if (!fn(&e.topo, arg)) {
		bf_min_edit_free(&e);
		return 0;
	}
	return offer(m, &e);
}

static int t_fix(struct bf_topology *t, int f)
{
	if (!(t->fixes & BF_FIX(f)))
		return 0;
	t->fixes &= ~BF_FIX(f);
	return 1;
}

static int t_sysctl(struct bf_topology *t, int which)
{
	long *v[] = { &t->min_free_kbytes, &t->watermark_scale_factor, &t->watermark_boost_factor,
		      &t->percpu_pagelist_fraction };
	int changed = 0;

	if (which < 4) {
		changed = *v[which] != -1;
		*v[which] = -1;
		return changed;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		changed |= t->lowmem_reserve_ratio[z] != -1;
		t->lowmem_reserve_ratio[z] = -1;
	}
	return changed;
}

static int t_distance(struct bf_topology *t, int unused)
{
	int changed = 0;

	for (int a = 0; a < BF_MAX_NODES; a++)
		for (int b = 0; b < BF_MAX_NODES; b++) {
			changed |= t->distance[a][b] != 0;
			t->distance[a][b] = 0;
		}
	return changed;
}

static int t_hole(struct bf_topology *t, int i)
{
	if (i >= t->nr_holes)
		return 0;
	memmove(&t->hole[i], &t->hole[i + 1], sizeof(t->hole[0]) * (size_t)(t->nr_holes - i - 1));
	t->nr_holes--;
	return 1;
}

static int popcount(unsigned int x) { return __builtin_popcount(x); }

/* The last node goes, with its CPUs if they are the highest-numbered. */
static int t_last_node(struct bf_topology *t, int unused)
{
	int n = t->nr_nodes - 1, k;
	unsigned int mask, top;

	if (n < 1)
		return 0;
	mask = t->node[n].cpumask;
	k = popcount(mask);
	top = ((1u << t->nr_cpus) - 1) & ~((1u << (t->nr_cpus - k)) - 1);
	if (k >= t->nr_cpus || mask != top)
		return 0;
	memset(&t->node[n], 0, sizeof(t->node[n]));
	for (int a = 0; a < BF_MAX_NODES; a++)
		t->distance[a][n] = t->distance[n][a] = 0;
	t->nr_nodes--;
	t->nr_cpus -= k;
	return 1;
}

static int t_last_cpu(struct bf_topology *t, int unused)
{
	int c = t->nr_cpus - 1;

	if (c < 1)
		return 0;
	for (int n = 0; n < t->nr_nodes; n++)
		t->node[n].cpumask &= ~(1u << c);
	t->nr_cpus--;
	return 1;
}

/* arg: node * 16 + zone * 4 + how (0 drop, 1 halve, 2 one less) */
static int t_zone(struct bf_topology *t, int arg)
{
	int n = arg / 16, z = arg / 4 % 4, how = arg % 4, others = 0;
	unsigned long *pb = &t->node[n].zone_pageblocks[z];

	for (int i = 0; i < MAX_NR_ZONES; i++)
		others += i != z && t->node[n].zone_pageblocks[i];
	if (!*pb || n >= t->nr_nodes || (how == 0 && !others) || (how > 0 && *pb < 2))
		return 0;
	*pb = how == 0 ? 0 : how == 1 ? *pb / 2 : *pb - 1;
	return 1;
}

static int st_topology(struct bf_min *m)
{
	int acc = 0;

	for (int f = 0; f < BF_NR_FIXES; f++)
		acc += try_topo(m, t_fix, f);
	for (int s = 0; s < 5; s++)
		acc += try_topo(m, t_sysctl, s);
	acc += try_topo(m, t_distance, 0);
	for (int i = m->cur.topo.nr_holes - 1; i >= 0; i--)
		acc += try_topo(m, t_hole, i);
	while (!m->out_of_time && try_topo(m, t_last_node, 0))
		acc++;
	while (!m->out_of_time && try_topo(m, t_last_cpu, 0))
		acc++;
	for (int n = 0; n < m->cur.topo.nr_nodes && !m->out_of_time; n++)
		for (int z = 0; z < MAX_NR_ZONES && !m->out_of_time; z++) {
			if (try_topo(m, t_zone, n * 16 + z * 4)) {
				acc++;
				continue;
			}
			while (!m->out_of_time && try_topo(m, t_zone, n * 16 + z * 4 + 1))
				acc++;
			while (!m->out_of_time && try_topo(m, t_zone, n * 16 + z * 4 + 2))
				acc++;
		}
	return acc;
}

/* late: tried only in a round where the others found nothing (merging early locks in a bigger world) */
static const struct {
	int (*fn)(struct bf_min *m);
	const char *name;
	int late;
} stages[] = {
	{ st_cut_tail, "cut tail", 0 },
	{ st_ddmin, "ddmin over ops", 0 },
	{ st_pairs, "drop alloc/free pairs", 0 },
	{ st_orders, "lower orders", 0 },
	{ st_gfp, "strip gfp bits", 0 },
	{ st_zero, "cpu/node/task to 0", 0 },
	{ st_topology, "shrink topology", 0 },
	{ st_merge, "merge allocs", 1 },
};

int bf_min_stages(struct bf_min *m)
{
	int acc = 0;

	for (int late = 0; late < 2 && !acc; late++)
		for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]) && !m->out_of_time; i++) {
			int ops0 = m->cur.nr_ops, n;
			double t0 = bf_min_now();

			if (stages[i].late != late)
				continue;
			m->tried = m->accepted = m->invalid = 0;
			n = stages[i].fn(m);
			acc += n;
			if (m->log)
				fprintf(m->log, "  %-22s ops %3d -> %3d, %4ld candidates (%ld invalid), %3ld accepted, %.2f s\n",
					stages[i].name, ops0, m->cur.nr_ops, m->tried, m->invalid, m->accepted,
					bf_min_now() - t0);
		}
	return acc;
}

/* Handles named h0, h1, ... in the order the program first names them. */
int bf_min_renumber(struct bf_min *m)
{
	struct bf_prog e;
	int n = m->cur.nr_handles, next = 0, same = 1, ok;
	int *map = malloc(sizeof(int) * (size_t)(n + 1));
	char **names = calloc((size_t)n + 1, sizeof(char *));

	if (!map || !names)
		abort();
	for (int i = 0; i < n; i++)
		map[i] = -1;
	for (int i = 0; i < m->cur.nr_ops; i++) {
		int h = m->cur.ops[i].handle;

		if (h >= 0 && h < n && map[h] < 0)
			map[h] = next++;
	}
	for (int i = 0; i < n; i++) {
		char buf[32];

		if (map[i] >= 0)
			snprintf(buf, sizeof(buf), "h%d", map[i]);
		else
			snprintf(buf, sizeof(buf), "unused%d", i);
		names[i] = strdup(buf);
		if (!names[i])
			abort();
		same &= !strcmp(names[i], m->cur.handle_names[i]);
	}
	ok = 0;
	if (!same) {
		m->tried = m->accepted = m->invalid = 0;
		bf_min_edit(&m->cur, &e);
		e.handle_names = names;
		ok = offer(m, &e);
		if (m->log)
			fprintf(m->log, "  %-22s %s\n", "renumber handles", ok ? "accepted" : "rejected");
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(map);
	return ok;
}
