/*
 * mutate.c - the structure-aware mutator (see mutate.h).
 *
 * decode -> one operator on the struct bf_prog -> bf_prog_encode_fold.  The
 * operators work on program handles (indices), not decoder ranks: the folding
 * encoder re-binds every reference, so an op moved past its handle's free
 * picks another live handle or disappears, and the output is always a valid
 * program.  All operators share one signature and return 0 when they cannot
 * apply; bf_mutate tries others until one changes the bytes.
 *
 * Invariants: output size <= max_size; no global state (the PRNG, the scratch
 * programs and the splice partner live in the instance); buffers are reused.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/mutate.h"
#include "fuzz/prog.h"
#include "core/tables.h"

struct bf_mutator {
	uint64_t rng;
	struct bf_prog prog, other;    /* the input, and a second program (splice / cross-over) */
	uint8_t *donor;                /* the previous input: the splice partner */
	size_t donor_size, donor_cap;
	uint8_t *orig;                 /* the input before mutation (to tell a no-op) */
	size_t orig_cap;
	unsigned long count[BF_NR_MUTATORS];
	int last;
};

typedef int (*bf_mut_fn)(struct bf_mutator *m, struct bf_prog *p);

/* ---- PRNG: splitmix64 ---- */

static uint64_t rnd(struct bf_mutator *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static unsigned below(struct bf_mutator *m, unsigned n) { return n ? (unsigned)(rnd(m) % n) : 0; }
static int chance(struct bf_mutator *m, unsigned pct) { return below(m, 100) < pct; }

/* ---- interesting values ---- */

static const unsigned int orders[] = { 0, 0, 0, 1, 2, 3, 3, 4, 5, 8, 9, 9, 10, 10, 11 };
static const unsigned long exact_sizes[] = { 1, 4096, 4097, 8192, 12288, 20480, 65536, 65537,
					     1 << 20, (1 << 20) + 4096, (2 << 20) - 4096, 2 << 20, 4 << 20 };
static const long sysctl_vals[] = { -1, 0, 1, 7, 8, 10, 16, 32, 100, 128, 256, 512, 1000, 1001,
				    1024, 4096, 15000, 65536, 262144, 0x7fffffff };
static const unsigned long poke_vals[] = { 0, 1, 2, 3, 0xffffffffffffffffUL, 0x7fffffff, 0x80000000UL,
					   0xdead000000000400UL, 0xffffffffffffff7fUL, 0x1000 };

#define PICK(m, tab) (tab[below(m, (unsigned)(sizeof(tab) / sizeof(tab[0])))])

static gfp_t random_gfp(struct bf_mutator *m)
{
	gfp_t g = bf_bin_gfp_base[below(m, BF_BIN_NR_GFP_BASE)];

	while (chance(m, 35))
		g |= bf_bin_gfp_mod[below(m, BF_BIN_NR_GFP_MOD)];
	if (chance(m, 5))
		g ^= 1u << below(m, chance(m, 90) ? __GFP_BITS_SHIFT : 32);
	return g;
}

/* one past the largest handle index the ops use */
static int handles_used(const struct bf_prog *p)
{
	int n = 0;

	for (int i = 0; i < p->nr_ops; i++)
		if (p->ops[i].handle >= n)
			n = p->ops[i].handle + 1;
	return n;
}

static int random_cpu(struct bf_mutator *m, const struct bf_prog *p)
{
	return (int)below(m, (unsigned)(p->topo.nr_cpus > 0 ? p->topo.nr_cpus : 1));
}

/*
 * fill and fragment: the zone pressed (mostly one that exists on node 0, where
 * a fill without node= measures its band), the band or pattern, the order mix.
 */
static void random_pressure(struct bf_mutator *m, const struct bf_prog *p, struct bf_op *op)
{
	int zones[MAX_NR_ZONES], nz = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (p->topo.node[0].zone_pageblocks[z])
			zones[nz++] = z;
	op->zid = nz && chance(m, 90) ? zones[below(m, (unsigned)nz)] : (int)below(m, MAX_NR_ZONES);
	if (op->kind == BF_OP_FRAGMENT) {
		op->value = (long)below(m, BF_NR_FRAGS);
		if (chance(m, 25))
			op->zid = -1;   /* every zone */
		return;
	}
	op->value = BF_BAND_HIGH + (long)below(m, BF_NR_BANDS - BF_BAND_HIGH);
	op->gfp = chance(m, 60) ? GFP_KERNEL : random_gfp(m);
	op->norders = 1 + (int)below(m, chance(m, 70) ? 2 : BF_FILL_MAX_ORDERS);
	for (int i = 0; i < op->norders; i++)
		op->orders[i] = (unsigned char)(chance(m, 50) ? 0 : PICK(m, orders) % MAX_ORDER);
	op->max = chance(m, 70) ? BF_FILL_MAX : 1 + (int)below(m, 256);
}

/* set_mempolicy: mostly valid (bind/interleave/preferred over the world's nodes), sometimes what 5.10 refuses */
static void random_mempolicy(struct bf_mutator *m, const struct bf_prog *p, struct bf_op *op)
{
	unsigned long all = (1UL << p->topo.nr_nodes) - 1;

	op->mode = (int)below(m, MPOL_MAX);
	op->nodes = op->mode == MPOL_DEFAULT || op->mode == MPOL_LOCAL ? (chance(m, 10) ? 1 : 0) :
		    chance(m, 10) ? below(m, 1u << BF_MAX_NODES) : (1 + below(m, (unsigned)all)) & all;
	op->mflags = chance(m, 80) ? 0 : chance(m, 45) ? MPOL_F_STATIC_NODES :
		     chance(m, 80) ? MPOL_F_RELATIVE_NODES : MPOL_MODE_FLAGS;
	op->has_task = chance(m, 40);
	op->task = op->has_task ? (int)below(m, BF_MAX_TASKS) : 0;
	if (op->has_task)
		op->cpu = 0;
}

static void random_op(struct bf_mutator *m, const struct bf_prog *p, struct bf_op *op)
{
	static const enum bf_op_kind kinds[] = {
		BF_OP_ALLOC, BF_OP_ALLOC, BF_OP_ALLOC, BF_OP_ALLOC, BF_OP_ALLOC, BF_OP_FREE, BF_OP_FREE,
		BF_OP_FREE, BF_OP_FREE, BF_OP_ALLOC_EXACT, BF_OP_GET, BF_OP_PUT, BF_OP_SPLIT, BF_OP_DRAIN,
		BF_OP_POKE, BF_OP_IRQ, BF_OP_TASKFLAGS, BF_OP_SYSCTL, BF_OP_VMSTAT_REFRESH, BF_OP_VMSTAT_UPDATE,
		BF_OP_CHECK, BF_OP_FILL, BF_OP_FILL, BF_OP_FRAGMENT, BF_OP_FREE_ALL, BF_OP_TASK,
		BF_OP_SET_MEMPOLICY, BF_OP_SET_MEMPOLICY,
	};
	int used = handles_used(p);

	memset(op, 0, sizeof(*op));
	op->kind = PICK(m, kinds);
	op->handle = BF_NO_HANDLE;
	op->piece = -1;
	op->zid = -1;
	op->expect.pfn = NO_PFN;
	op->cpu = random_cpu(m, p);
	switch (op->kind) {
	case BF_OP_ALLOC:
		op->order = PICK(m, orders);
		op->gfp = random_gfp(m);
		op->handle = chance(m, 80) || !used ? used : (int)below(m, (unsigned)used);
		if (chance(m, 20)) {
			op->has_node = 1;
			op->nid = (int)below(m, (unsigned)p->topo.nr_nodes);
		}
		op->lru = chance(m, 10);
		break;
	case BF_OP_ALLOC_EXACT:
		op->size = chance(m, 50) ? PICK(m, exact_sizes) : 1 + below(m, BF_BIN_MAX_EXACT_SIZE);
		op->gfp = random_gfp(m);
		op->handle = used;
		break;
	case BF_OP_FREE:
	case BF_OP_GET:
	case BF_OP_PUT:
	case BF_OP_SPLIT:
	case BF_OP_POKE:
		op->handle = (int)below(m, (unsigned)(used ? used : 1));
		if (op->kind == BF_OP_FREE && chance(m, 20))
			op->piece = (int)below(m, 16);
		if (op->kind == BF_OP_POKE) {
			static const int fields[] = { POKE_FLAGS_SET, POKE_FLAGS_CLEAR, POKE_MAPPING, POKE_MAPCOUNT,
						      POKE_REFCOUNT, POKE_MEMCG };

			op->npoke = 1;
			op->poke[0].field = PICK(m, fields);
			op->poke[0].value = op->poke[0].field <= POKE_FLAGS_CLEAR ?
					    (chance(m, 60) ? 1UL << PG_lru : 1UL << below(m, NR_PAGEFLAGS)) :
					    PICK(m, poke_vals);
		}
		break;
	case BF_OP_DRAIN:
		if (chance(m, 40))
			op->cpu = -1;
		if (chance(m, 40)) {
			op->zid = (int)below(m, MAX_NR_ZONES);
			op->has_node = 1;
			op->nid = (int)below(m, (unsigned)p->topo.nr_nodes);
		}
		break;
	case BF_OP_IRQ:
		op->value = chance(m, 60);
		break;
	case BF_OP_TASKFLAGS:
		op->value = chance(m, 30) ? 0 : chance(m, 60) ? PF_MEMALLOC : (long)(rnd(m) & 0x100c0800u);
		break;
	case BF_OP_SYSCTL:
		op->sysctl = (int)below(m, 5);
		op->nvalues = op->sysctl == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1;
		for (int i = 0; i < op->nvalues; i++)
			op->values[i] = PICK(m, sysctl_vals);
		break;
	case BF_OP_FILL:
	case BF_OP_FRAGMENT:
		random_pressure(m, p, op);
		break;
	case BF_OP_TASK:
		op->task = (int)below(m, BF_MAX_TASKS);
		op->has_task = 1;
		break;
	case BF_OP_SET_MEMPOLICY:
		random_mempolicy(m, p, op);
		break;
	default:
		break;
	}
}

/* a random op index whose kind passes pred, or -1 */
static int pick_op(struct bf_mutator *m, const struct bf_prog *p, int (*pred)(const struct bf_op *))
{
	int n = 0, k;

	for (int i = 0; i < p->nr_ops; i++)
		n += pred(&p->ops[i]);
	if (!n)
		return -1;
	k = (int)below(m, (unsigned)n);
	for (int i = 0; i < p->nr_ops; i++)
		if (pred(&p->ops[i]) && k-- == 0)
			return i;
	return -1;
}

static int is_alloc(const struct bf_op *op) { return op->kind == BF_OP_ALLOC || op->kind == BF_OP_ALLOC_EXACT; }
static int has_cpu(const struct bf_op *op)
{
	return op->kind != BF_OP_GET && op->kind != BF_OP_SPLIT && op->kind != BF_OP_POKE && op->kind != BF_OP_SYSCTL &&
	       op->kind != BF_OP_VMSTAT_REFRESH && op->kind != BF_OP_CHECK &&
	       !(op->kind == BF_OP_SET_MEMPOLICY && op->has_task);
}
static int has_node(const struct bf_op *op)
{
	return op->kind == BF_OP_ALLOC || op->kind == BF_OP_DRAIN || op->kind == BF_OP_FILL ||
	       (op->kind == BF_OP_FRAGMENT && op->zid >= 0);
}
static int refs_handle(const struct bf_op *op) { return op->handle >= 0 && !is_alloc(op); }
static int has_value(const struct bf_op *op)
{
	return op->kind == BF_OP_SYSCTL || op->kind == BF_OP_POKE || op->kind == BF_OP_IRQ ||
	       op->kind == BF_OP_TASKFLAGS || op->kind == BF_OP_ALLOC || op->kind == BF_OP_FILL ||
	       op->kind == BF_OP_FRAGMENT || op->kind == BF_OP_TASK || op->kind == BF_OP_SET_MEMPOLICY;
}

static int ensure_room(struct bf_prog *p)
{
	if (p->nr_ops >= BF_BIN_MAX_OPS)
		return 0;
	if (p->nr_ops + 1 > p->cap_ops) {
		struct bf_op *ops = realloc(p->ops, BF_BIN_MAX_OPS * sizeof(*ops));

		if (!ops)
			abort();
		p->ops = ops;
		p->cap_ops = BF_BIN_MAX_OPS;
	}
	return 1;
}

static void insert_at(struct bf_prog *p, int pos, const struct bf_op *op)
{
	memmove(&p->ops[pos + 1], &p->ops[pos], (size_t)(p->nr_ops - pos) * sizeof(*op));
	p->ops[pos] = *op;
	p->nr_ops++;
}

static void remove_at(struct bf_prog *p, int pos, int n)
{
	memmove(&p->ops[pos], &p->ops[pos + n], (size_t)(p->nr_ops - pos - n) * sizeof(p->ops[0]));
	p->nr_ops -= n;
}

/* ---- the operators ---- */

static int mut_insert_op(struct bf_mutator *m, struct bf_prog *p)
{
	struct bf_op op;

	if (!ensure_room(p))
		return 0;
	random_op(m, p, &op);
	insert_at(p, (int)below(m, (unsigned)p->nr_ops + 1), &op);
	return 1;
}

static int mut_delete_op(struct bf_mutator *m, struct bf_prog *p)
{
	if (!p->nr_ops)
		return 0;
	remove_at(p, (int)below(m, (unsigned)p->nr_ops), 1);
	return 1;
}

static int mut_delete_range(struct bf_mutator *m, struct bf_prog *p)
{
	int pos, n;

	if (p->nr_ops < 2)
		return 0;
	pos = (int)below(m, (unsigned)p->nr_ops);
	n = 1 + (int)below(m, (unsigned)(p->nr_ops - pos));
	remove_at(p, pos, n);
	return 1;
}

static int mut_duplicate_op(struct bf_mutator *m, struct bf_prog *p)
{
	struct bf_op op;

	if (!p->nr_ops || !ensure_room(p))
		return 0;
	op = p->ops[below(m, (unsigned)p->nr_ops)];
	if (is_alloc(&op) && chance(m, 70))
		op.handle = handles_used(p);  /* a second block like it, not a re-use */
	insert_at(p, (int)below(m, (unsigned)p->nr_ops + 1), &op);
	return 1;
}

static int mut_swap_ops(struct bf_mutator *m, struct bf_prog *p)
{
	int a, b;
	struct bf_op t;

	if (p->nr_ops < 2)
		return 0;
	a = (int)below(m, (unsigned)p->nr_ops);
	b = chance(m, 60) ? (a + 1 < p->nr_ops ? a + 1 : a - 1) : (int)below(m, (unsigned)p->nr_ops);
	if (a == b)
		return 0;
	t = p->ops[a];
	p->ops[a] = p->ops[b];
	p->ops[b] = t;
	return 1;
}

static int mut_move_op(struct bf_mutator *m, struct bf_prog *p)
{
	int a, b;
	struct bf_op t;

	if (p->nr_ops < 2)
		return 0;
	a = (int)below(m, (unsigned)p->nr_ops);
	b = (int)below(m, (unsigned)p->nr_ops);
	if (a == b)
		return 0;
	t = p->ops[a];
	remove_at(p, a, 1);
	insert_at(p, b, &t);
	return 1;
}

static int mut_tweak_order(struct bf_mutator *m, struct bf_prog *p)
{
	int i = pick_op(m, p, is_alloc);
	struct bf_op *op;

	if (i < 0)
		return 0;
	op = &p->ops[i];
	if (op->kind == BF_OP_ALLOC_EXACT) {
		op->size = chance(m, 50) ? PICK(m, exact_sizes) :
			   chance(m, 50) ? op->size + (chance(m, 50) ? 1 : PAGE_SIZE) : 1 + below(m, BF_BIN_MAX_EXACT_SIZE);
		if (op->size > BF_BIN_MAX_EXACT_SIZE)
			op->size = BF_BIN_MAX_EXACT_SIZE;
		return 1;
	}
	if (chance(m, 50))
		op->order = op->order + 1 <= MAX_ORDER && chance(m, 50) ? op->order + 1 : op->order ? op->order - 1 : 1;
	else
		op->order = PICK(m, orders);
	return 1;
}

static int mut_tweak_gfp(struct bf_mutator *m, struct bf_prog *p)
{
	int i = pick_op(m, p, is_alloc);
	gfp_t *g;

	if (i < 0)
		return 0;
	g = &p->ops[i].gfp;
	switch (below(m, 4)) {
	case 0:  /* flip a bit: mostly a real gfp bit, now and then one past __GFP_BITS_SHIFT */
		*g ^= 1u << below(m, chance(m, 95) ? __GFP_BITS_SHIFT : 32);
		break;
	case 1:  /* toggle a common modifier */
		*g ^= bf_bin_gfp_mod[below(m, BF_BIN_NR_GFP_MOD)];
		break;
	case 2: {  /* swap the base mask, keep the modifiers */
		gfp_t mods = 0;

		for (int k = 0; k < BF_BIN_NR_GFP_MOD; k++)
			mods |= bf_bin_gfp_mod[k];
		*g = bf_bin_gfp_base[below(m, BF_BIN_NR_GFP_BASE)] | (*g & mods);
		break;
	}
	default:
		*g = random_gfp(m);
	}
	return 1;
}

static int mut_tweak_cpu(struct bf_mutator *m, struct bf_prog *p)
{
	int i = pick_op(m, p, has_cpu);
	struct bf_op *op;

	if (i < 0)
		return 0;
	op = &p->ops[i];
	op->cpu = op->kind == BF_OP_DRAIN && chance(m, 30) ? -1 : random_cpu(m, p);
	return 1;
}

static int mut_tweak_node(struct bf_mutator *m, struct bf_prog *p)
{
	int i = pick_op(m, p, has_node);
	struct bf_op *op;

	if (i < 0)
		return 0;
	op = &p->ops[i];
	if (op->kind == BF_OP_DRAIN && chance(m, 50))
		op->zid = chance(m, 25) ? -1 : (int)below(m, MAX_NR_ZONES);
	if ((op->kind == BF_OP_FILL || op->kind == BF_OP_FRAGMENT) && chance(m, 50))
		op->zid = (int)below(m, MAX_NR_ZONES);
	op->has_node = op->kind == BF_OP_DRAIN && op->zid < 0 ? 0 : chance(m, 70);
	op->nid = op->has_node ? (int)below(m, (unsigned)p->topo.nr_nodes) : 0;
	if (op->kind == BF_OP_ALLOC && op->has_node && chance(m, 30))
		op->gfp ^= __GFP_THISNODE;
	return 1;
}

static int mut_tweak_handle(struct bf_mutator *m, struct bf_prog *p)
{
	int i = pick_op(m, p, refs_handle), used = handles_used(p);
	struct bf_op *op;

	if (i < 0)
		return 0;
	op = &p->ops[i];
	if ((op->kind == BF_OP_FREE || op->kind == BF_OP_POKE) && chance(m, 40)) {
		if (op->kind == BF_OP_POKE && chance(m, 50))
			op->page = (int)below(m, 1u << below(m, MAX_ORDER));
		else
			op->piece = chance(m, 30) ? -1 : (int)below(m, 1u << below(m, MAX_ORDER));
		return 1;
	}
	/* mostly a handle allocated before this op (likely live), else any */
	{
		int cand[64], nc = 0;

		for (int k = 0; k < i && nc < 64; k++)
			if (is_alloc(&p->ops[k]) && p->ops[k].handle != op->handle)
				cand[nc++] = p->ops[k].handle;
		op->handle = nc && chance(m, 80) ? cand[below(m, (unsigned)nc)] : (int)below(m, (unsigned)used);
	}
	return 1;
}

static int mut_tweak_value(struct bf_mutator *m, struct bf_prog *p)
{
	int i = pick_op(m, p, has_value);
	struct bf_op *op;

	if (i < 0)
		return 0;
	op = &p->ops[i];
	switch (op->kind) {
	case BF_OP_SYSCTL:
		if (chance(m, 30)) {
			op->sysctl = (int)below(m, 5);
			op->nvalues = op->sysctl == SYSCTL_LOWMEM_RESERVE_RATIO ? MAX_NR_ZONES : 1;
		}
		op->values[below(m, (unsigned)op->nvalues)] = chance(m, 70) ? PICK(m, sysctl_vals) : (int32_t)rnd(m);
		break;
	case BF_OP_POKE: {
		int k = (int)below(m, (unsigned)op->npoke);

		if (op->npoke < 6 && chance(m, 20))
			k = op->npoke++;
		op->poke[k].field = (int)below(m, 6);
		op->poke[k].value = op->poke[k].field <= POKE_FLAGS_CLEAR ? 1UL << below(m, NR_PAGEFLAGS) :
				    chance(m, 70) ? PICK(m, poke_vals) : rnd(m);
		break;
	}
	case BF_OP_IRQ:
		op->value = !op->value;
		break;
	case BF_OP_FILL:
	case BF_OP_FRAGMENT:
		if (chance(m, 50))
			random_pressure(m, p, op);   /* a new zone, order mix, band or pattern */
		else if (op->kind == BF_OP_FILL)
			op->value = BF_BAND_HIGH + (long)below(m, BF_NR_BANDS - BF_BAND_HIGH);
		else
			op->value = (long)below(m, BF_NR_FRAGS);
		break;
	case BF_OP_TASK:
		op->task = (int)below(m, BF_MAX_TASKS);
		break;
	case BF_OP_SET_MEMPOLICY:
		if (chance(m, 40))
			random_mempolicy(m, p, op);
		else if (chance(m, 60))
			op->nodes ^= 1UL << below(m, (unsigned)p->topo.nr_nodes);   /* one node in or out */
		else
			op->mflags ^= chance(m, 50) ? MPOL_F_STATIC_NODES : MPOL_F_RELATIVE_NODES;
		break;
	case BF_OP_TASKFLAGS:
		op->value ^= (long)(chance(m, 50) ? PF_MEMALLOC :
				    chance(m, 50) ? PF_MEMALLOC_NOFS : chance(m, 50) ? PF_MEMALLOC_NOIO : PF_MEMALLOC_NOCMA);
		break;
	default:  /* alloc: the lru mark */
		op->lru = !op->lru;
		break;
	}
	return 1;
}

static int mut_tweak_topology(struct bf_mutator *m, struct bf_prog *p)
{
	struct bf_topology *t = &p->topo;
	int n = (int)below(m, (unsigned)t->nr_nodes);
	static const unsigned long sizes[] = { 0, 1, 1, 2, 2, 3, 4, 6, 8, 16, 32 };
	static const long mfk[] = { -1, 0, 16, 128, 512, 1024, 4096, 65536 };

	switch (below(m, 9)) {
	case 0:  /* add or remove a node; CPUs are re-dealt round-robin by the encoder */
		if (t->nr_nodes < BF_MAX_NODES && (t->nr_nodes == 1 || chance(m, 50))) {
			memset(&t->node[t->nr_nodes], 0, sizeof(t->node[0]));
			t->node[t->nr_nodes].zone_pageblocks[ZONE_NORMAL] = 1 + below(m, 4);
			t->nr_nodes++;
		} else if (t->nr_nodes > 1) {
			t->nr_nodes--;
			t->node[0].cpumask |= t->node[t->nr_nodes].cpumask;
		}
		break;
	case 1:
		t->nr_cpus = 1 + (int)below(m, BF_MAX_CPUS);
		for (int c = 0; c < BF_MAX_CPUS; c++)
			for (int k = 0; k < BF_MAX_NODES; k++)
				t->node[k].cpumask &= (1u << t->nr_cpus) - 1;
		break;
	case 2:
	case 3:
		t->node[n].zone_pageblocks[below(m, MAX_NR_ZONES)] = PICK(m, sizes);
		break;
	case 4: {  /* move a CPU to another node */
		int c = (int)below(m, (unsigned)t->nr_cpus);

		for (int k = 0; k < BF_MAX_NODES; k++)
			t->node[k].cpumask &= ~(1u << c);
		t->node[n].cpumask |= 1u << c;
		break;
	}
	case 5: {
		int a = (int)below(m, (unsigned)t->nr_nodes), b = (int)below(m, (unsigned)t->nr_nodes);

		if (a == b)
			return 0;
		t->distance[a][b] = t->distance[b][a] = chance(m, 20) ? 0 : 11 + (int)below(m, 245);
		break;
	}
	case 6:
		if (t->nr_holes && chance(m, 50)) {
			t->nr_holes--;
		} else if (t->nr_holes < 2) {
			t->hole[t->nr_holes].start_pfn = below(m, 16) * pageblock_nr_pages + below(m, 256);
			t->hole[t->nr_holes].nr_pages = 1 + below(m, 255);
			t->nr_holes++;
		}
		break;
	case 7:
		switch (below(m, 5)) {
		case 0: t->min_free_kbytes = PICK(m, mfk); break;
		case 1: t->watermark_scale_factor = chance(m, 20) ? -1 : 1 + (long)below(m, 1000); break;
		case 2: t->watermark_boost_factor = chance(m, 20) ? -1 : chance(m, 30) ? 0 : (long)below(m, 65535); break;
		case 3:
			for (int z = 0; z < MAX_NR_ZONES; z++)
				t->lowmem_reserve_ratio[z] = chance(m, 20) ? -1 : (long)below(m, 512);
			if (t->lowmem_reserve_ratio[0] < 0)
				for (int z = 0; z < MAX_NR_ZONES; z++)
					t->lowmem_reserve_ratio[z] = -1;
			break;
		default: t->percpu_pagelist_fraction = chance(m, 30) ? -1 : chance(m, 30) ? 0 : 8 + (long)below(m, 200);
		}
		break;
	default:
		t->fixes ^= BF_FIX(below(m, BF_NR_FIXES));
	}
	return 1;
}

/* ops[0..cut_a) of a + ops[cut_b..) of b, the handles b allocates in its part moved past a's. */
static void splice_progs(struct bf_mutator *m, struct bf_prog *a, const struct bf_prog *b)
{
	int cut_a = (int)below(m, (unsigned)a->nr_ops + 1), cut_b = (int)below(m, (unsigned)b->nr_ops + 1);
	int off = handles_used(a), n = cut_a;
	unsigned char moved[4096 / 8] = { 0 };

	for (int i = cut_b; i < b->nr_ops; i++)
		if (is_alloc(&b->ops[i]) && b->ops[i].handle >= 0 && b->ops[i].handle < 4096)
			moved[b->ops[i].handle / 8] |= (unsigned char)(1u << (b->ops[i].handle % 8));
	for (int i = cut_b; i < b->nr_ops && n < BF_BIN_MAX_OPS; i++, n++) {
		struct bf_op op = b->ops[i];

		if (op.handle >= 0 && op.handle < 4096 && (moved[op.handle / 8] >> (op.handle % 8)) & 1)
			op.handle += off;
		a->ops[n] = op;  /* a's ops hold BF_BIN_MAX_OPS after decoding */
	}
	a->nr_ops = n;
	if (chance(m, 25))
		a->topo = b->topo;
}

static int mut_splice(struct bf_mutator *m, struct bf_prog *p)
{
	if (!m->donor_size)
		return 0;
	bf_prog_decode(&m->other, m->donor, m->donor_size);
	if (!m->other.nr_ops && !p->nr_ops)
		return 0;
	splice_progs(m, p, &m->other);
	return 1;
}

static const struct {
	bf_mut_fn fn;
	const char *name;
} mutators[BF_NR_MUTATORS] = {
#define X(name) { mut_##name, #name },
	BF_MUTATOR_TABLE(X)
#undef X
};

/* ---- the instance ---- */

struct bf_mutator *bf_mutator_new(unsigned int seed)
{
	struct bf_mutator *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	bf_prog_init(&m->prog);
	bf_prog_init(&m->other);
	m->last = -1;
	bf_mutator_seed(m, seed);
	return m;
}

void bf_mutator_free(struct bf_mutator *m)
{
	if (!m)
		return;
	bf_prog_free(&m->prog);
	bf_prog_free(&m->other);
	free(m->donor);
	free(m->orig);
	free(m);
}

void bf_mutator_seed(struct bf_mutator *m, unsigned int seed)
{
	m->rng = 0x6a09e667f3bcc909ULL ^ ((uint64_t)seed << 17) ^ seed;
}

static void keep_copy(uint8_t **buf, size_t *cap, const uint8_t *data, size_t size)
{
	if (size > *cap) {
		uint8_t *n = realloc(*buf, size);

		if (!n)
			abort();
		*buf = n;
		*cap = size;
	}
	if (size)
		memcpy(*buf, data, size);
}

/* One operator on data: 0 if it did not apply or changed nothing. */
static size_t apply(struct bf_mutator *m, int k, uint8_t *data, size_t size, size_t max_size)
{
	size_t n;

	bf_prog_decode(&m->prog, data, size);
	if (!mutators[k].fn(m, &m->prog))
		return 0;
	n = bf_prog_encode_fold(&m->prog, data, max_size);
	if (!n || (n == size && !memcmp(data, m->orig, n))) {
		memcpy(data, m->orig, size);
		return 0;
	}
	m->count[k]++;
	m->last = k;
	return n;
}

size_t bf_mutate_with(struct bf_mutator *m, enum bf_mutator_op op, uint8_t *data, size_t size, size_t max_size)
{
	size_t n;

	if (size > max_size)
		size = max_size;
	keep_copy(&m->orig, &m->orig_cap, data, size);
	n = (unsigned)op < BF_NR_MUTATORS ? apply(m, (int)op, data, size, max_size) : 0;
	keep_copy(&m->donor, &m->donor_cap, m->orig, size);
	m->donor_size = size;
	return n;
}

size_t bf_mutate(struct bf_mutator *m, uint8_t *data, size_t size, size_t max_size)
{
	size_t n = 0;

	if (size > max_size)
		size = max_size;
	keep_copy(&m->orig, &m->orig_cap, data, size);
	for (int tries = 0; tries < 12 && !n; tries++)
		n = apply(m, (int)below(m, BF_NR_MUTATORS), data, size, max_size);
	if (!n) {
		/* nothing structural applied: change one byte, or grow by one (an op byte) */
		n = size;
		if (size && (size == max_size || chance(m, 50)))
			data[below(m, (unsigned)size)] ^= (uint8_t)(1u << below(m, 8));
		else if (size < max_size)
			data[n++] = (uint8_t)rnd(m);
		m->last = -1;
	}
	keep_copy(&m->donor, &m->donor_cap, m->orig, size);
	m->donor_size = size;
	return n;
}

size_t bf_crossover(struct bf_mutator *m, const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
		    uint8_t *out, size_t max_out)
{
	bf_prog_decode(&m->prog, d1, s1);
	bf_prog_decode(&m->other, d2, s2);
	splice_progs(m, &m->prog, &m->other);
	m->count[BF_MUT_splice]++;
	m->last = BF_MUT_splice;
	return bf_prog_encode_fold(&m->prog, out, max_out);
}

const char *bf_mutator_last(const struct bf_mutator *m)
{
	return m->last >= 0 ? mutators[m->last].name : "bytes";
}

const char *bf_mutator_name(enum bf_mutator_op op)
{
	return (unsigned)op < BF_NR_MUTATORS ? mutators[op].name : "?";
}

unsigned long bf_mutator_count(const struct bf_mutator *m, enum bf_mutator_op op)
{
	return (unsigned)op < BF_NR_MUTATORS ? m->count[op] : 0;
}
