/*
 * policy.c - tasks and memory policies as the oracle reads 5.10's contract
 * (mm/mempolicy.c, include/uapi/linux/mempolicy.h), in its own terms:
 *
 *   tasks       which task each CPU runs (a `task` op moves one, the CPU it
 *               left gets the mover's previous task), each task's PF_* flags
 *               (pf[cpu] stays the flags of the CPU's current task), policy
 *               and il_prev;
 *   mempolicy   set_mempolicy's verdict: -EINVAL for a mode past MPOL_LOCAL,
 *               flags besides STATIC/RELATIVE or both, node bits past
 *               MAX_NUMNODES; DEFAULT with nodes; LOCAL with nodes or flags;
 *               PREFERRED without nodes but with flags; BIND/INTERLEAVE
 *               without nodes; any mode whose nodes, restricted to the
 *               nodes with memory (or remapped onto them with RELATIVE: the
 *               k-th requested bit names the (k mod w)-th such node), leave
 *               none.  Else the policy: PREFERRED the lowest node (none:
 *               local), BIND/INTERLEAVE the nodes, il_prev MAX_NUMNODES - 1
 *               for INTERLEAVE.  A different verdict, or a different stored
 *               policy (bf_task_info), is kind `mempolicy`;
 *   allocation  alloc_pages() in interrupt or with __GFP_THISNODE: the local
 *               node; else the task's policy: PREFERRED its node, BIND the
 *               local node with the nodes as a mask when gfp_zone >= the
 *               policy zone (the highest zone below Movable with managed
 *               pages; Movable if the nodes have no memory below it),
 *               INTERLEAVE the node after il_prev in the mask (wrapping),
 *               which becomes il_prev.  alloc_pages_node: the node asked.
 *
 * Checks (wrong-node:policy, wrong-node:interleave for an interleave
 * allocation): under BIND's mask a page from a node outside it, unless the
 * slow path may have dropped the mask (__GFP_ATOMIC clears ALLOC_CPUSET;
 * reserve access, __GFP_MEMALLOC or PF_MEMALLOC outside interrupts); and the
 * preferred node first: the fast path walks the preferred node's zonelist
 * (restricted to the mask) in order and takes the first zone that serves, so
 * if a zone provably serves (gfp_rules.c's liveness rule) a page from a zone
 * further down the list, on another node, is a divergence.  Liveness with a
 * mask: unexpected-fail only when a zone in the mask provably serves.
 * NUMA_INTERLEAVE_HIT (accounting:NUMA_INTERLEAVE_HIT, judged once a task
 * of the run has an interleave policy): +1 in the page's zone exactly when
 * an interleave allocation's page is on the node interleave_nodes picked,
 * no change otherwise.
 */
#include <stdio.h>
#include <string.h>
#include "oracle/oracle_int.h"

#define O_MAX_NUMNODES BF_MAX_NODES   /* the model's MAX_NUMNODES (il_prev starts at its last node) */
#define O_ALL_NODES ((1UL << O_MAX_NUMNODES) - 1)

static const char *const mode_names[MPOL_MAX] = { "default", "preferred", "bind", "interleave", "local" };

void bf_o_tasks_reset(struct bf_oracle *o)
{
	memset(o->task, 0, sizeof(o->task));
	for (int c = 0; c < BF_MAX_CPUS; c++)
		o->cur[c] = c;
	o->n_memory = o->n_high = 0;
	o->policy_zone = ZONE_DMA;
	for (int i = 0; i < BF_O_ZONES; i++) {
		const struct bf_ozone *z = &o->z[i];

		if (!z->live)
			continue;
		if (z->present) {
			o->n_memory |= 1UL << z->nid;
			if (z->zid < ZONE_MOVABLE)
				o->n_high |= 1UL << z->nid;
		}
		if (z->managed && z->zid < ZONE_MOVABLE && z->zid > o->policy_zone)
			o->policy_zone = z->zid;
	}
	o->any_interleave = 0;
	o->pol.kind = -1;
}

void bf_o_task_flags(struct bf_oracle *o, int cpu, unsigned int pf)
{
	o->task[o->cur[cpu]].pf = pf;
	o->pf[cpu] = pf;
}

static void task_run(struct bf_oracle *o, int cpu, int task)
{
	int prev = o->cur[cpu];

	for (int c = 0; c < o->nr_cpus; c++)
		if (c != cpu && o->cur[c] == task)
			o->cur[c] = prev;
	o->cur[cpu] = task;
	for (int c = 0; c < o->nr_cpus; c++)
		o->pf[c] = o->task[o->cur[c]].pf;
}

/* the (k mod w)-th node with memory for each requested bit k */
static unsigned long remap_relative(unsigned long req, unsigned long onto)
{
	int nodes[O_MAX_NUMNODES], w = 0;
	unsigned long out = 0;

	for (int n = 0; n < O_MAX_NUMNODES; n++)
		if (onto >> n & 1)
			nodes[w++] = n;
	for (int k = 0; k < O_MAX_NUMNODES && w; k++)
		if (req >> k & 1)
			out |= 1UL << nodes[k % w];
	return out;
}

static int lowest(unsigned long m) { return m ? __builtin_ctzl(m) : -1; }

/* set_mempolicy's verdict and result, from the contract */
static long verdict(const struct bf_oracle *o, const struct bf_oracle_op *op, struct bf_otask *t)
{
	unsigned int fl = op->mflags;
	unsigned long req = op->nodes, eff;
	int mode = op->mode;

	if (mode < 0 || mode >= MPOL_MAX || (fl & ~(unsigned int)MPOL_MODE_FLAGS) || fl == MPOL_MODE_FLAGS ||
	    (req & ~O_ALL_NODES))
		return -22;
	if (mode == MPOL_DEFAULT) {
		if (req)
			return -22;
		t->has_policy = 0;
		return 0;
	}
	if (mode == MPOL_LOCAL && (req || fl))
		return -22;
	if (mode == MPOL_BIND || mode == MPOL_INTERLEAVE) {
		if (!req)
			return -22;
	}
	if ((mode == MPOL_PREFERRED || mode == MPOL_LOCAL) && !req) {
		if (fl)
			return -22;
		*t = (struct bf_otask){ .has_policy = 1, .mode = MPOL_PREFERRED, .flags = fl | 2 /* MPOL_F_LOCAL */,
					.pref = -1, .il_prev = t->il_prev, .pf = t->pf };
		return 0;
	}
	eff = fl & MPOL_F_RELATIVE_NODES ? remap_relative(req, o->n_memory) : req & o->n_memory;
	if (!eff)
		return -22;
	*t = (struct bf_otask){ .has_policy = 1, .mode = mode, .flags = fl, .il_prev = t->il_prev, .pf = t->pf,
				.user = fl ? req : o->n_memory };
	if (mode == MPOL_PREFERRED)
		t->pref = lowest(eff);
	else
		t->nodes = eff;
	if (mode == MPOL_INTERLEAVE)
		t->il_prev = O_MAX_NUMNODES - 1;
	return 0;
}

static int task_differs(const struct bf_otask *t, const struct bf_task_info *ti)
{
	if (ti->has_policy != t->has_policy || ti->il_prev != t->il_prev)
		return 1;
	if (!t->has_policy)
		return 0;
	if (ti->mode != t->mode || ti->mpol_flags != t->flags)
		return 1;
	if (t->mode == MPOL_PREFERRED)
		return ti->preferred_node != t->pref || (t->pref >= 0 && ti->user_nodemask != t->user);
	return ti->nodes != t->nodes || ti->user_nodemask != t->user;
}

int bf_o_mempolicy_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
			 struct bf_divergence *d)
{
	struct bf_otask want;
	struct bf_task_info ti;
	long rc;

	if (op->task < 0 || op->task >= BF_MAX_TASKS)
		return 0;
	want = o->task[op->task];
	rc = verdict(o, op, &want);
	if (rc != op->rc)
		return bf_o_div(d, BF_DIV_MEMPOLICY, NULL, -1, -1, NO_PFN,
				"set_mempolicy mode=%s nodes=0x%lx flags=0x%x for task %d: %ld, 5.10 says %ld",
				op->mode >= 0 && op->mode < MPOL_MAX ? mode_names[op->mode] : "?", op->nodes,
				op->mflags, op->task, op->rc, rc);
	if (!rc) {
		o->task[op->task] = want;
		if (want.has_policy && want.mode == MPOL_INTERLEAVE)
			o->any_interleave = 1;
	}
	if (bf_task_info(w, op->task, &ti) == 0 && task_differs(&o->task[op->task], &ti))
		return bf_o_div(d, BF_DIV_MEMPOLICY, NULL, -1, -1, NO_PFN,
				"task %d holds mode %d flags 0x%x node %d nodes 0x%lx w 0x%lx il_prev %d; 5.10: %s%d flags "
				"0x%x node %d nodes 0x%lx w 0x%lx il_prev %d",
				op->task, ti.has_policy ? ti.mode : -1, ti.mpol_flags, ti.preferred_node, ti.nodes,
				ti.user_nodemask, ti.il_prev, o->task[op->task].has_policy ? "mode " : "no policy ",
				o->task[op->task].has_policy ? o->task[op->task].mode : -1, o->task[op->task].flags,
				o->task[op->task].pref, o->task[op->task].nodes, o->task[op->task].user,
				o->task[op->task].il_prev);
	return 0;
}

void bf_o_task_apply(struct bf_oracle *o, const struct bf_oracle_op *op)
{
	if (op->kind == BF_OOP_TASK && op->task >= 0 && op->task < BF_MAX_TASKS && op->cpu >= 0 &&
	    op->cpu < o->nr_cpus)
		task_run(o, op->cpu, op->task);
}

/* Where alloc_pages sends this request; advances the task's il_prev for an interleave allocation. */
void bf_o_policy_decide(struct bf_oracle *o, const struct bf_oracle_op *op, gfp_t gfp)
{
	int c = op->cpu >= 0 && op->cpu < BF_MAX_CPUS ? op->cpu : 0, bad;
	struct bf_opol *p = &o->pol;
	struct bf_otask *t = &o->task[o->cur[c]];

	*p = (struct bf_opol){ .kind = MPOL_DEFAULT, .pref = o->cpu_node[c] };
	if (op->nid >= 0) {
		p->pref = op->nid;
		return;
	}
	if (o->irq[c] || (gfp & __GFP_THISNODE) || !t->has_policy)
		return;
	p->kind = t->mode;
	switch (t->mode) {
	case MPOL_PREFERRED:
		if (t->pref >= 0)
			p->pref = t->pref;
		break;
	case MPOL_BIND: {
		int zone = (t->nodes & o->n_high) ? o->policy_zone : ZONE_MOVABLE;

		if (bf_o_gfp_zone(gfp, &bad) >= zone && (t->nodes & o->n_memory))
			p->mask = t->nodes;
		break;
	}
	case MPOL_INTERLEAVE: {
		unsigned long above = t->nodes & (t->il_prev + 1 < O_MAX_NUMNODES ? ~0UL << (t->il_prev + 1) : 0);
		int next = lowest(above) >= 0 ? lowest(above) : lowest(t->nodes);

		if (next >= 0) {
			t->il_prev = next;
			p->pref = next;
		}
		break;
	}
	}
}

/* the slow path drops the nodemask: no ALLOC_CPUSET (__GFP_ATOMIC) or reserve access */
static int mask_may_drop(const struct bf_oracle *o, gfp_t gfp, int cpu)
{
	int c = cpu >= 0 && cpu < BF_MAX_CPUS ? cpu : 0;

	if (gfp & __GFP_ATOMIC)
		return 1;
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	return (gfp & __GFP_MEMALLOC) || (!o->irq[c] && (o->pf[c] & PF_MEMALLOC));
}

/* The judgement of a returned block z/pfn against the policy decision. */
int bf_o_policy_page(struct bf_oracle *o, const struct bf_oracle_op *op, gfp_t gfp, unsigned int order,
		     const struct bf_ozone *z, unsigned long pfn, struct bf_divergence *d)
{
	const struct bf_opol *p = &o->pol;
	const char *sub = p->kind == MPOL_INTERLEAVE ? "interleave" : "policy";
	int bad, hz = bf_o_gfp_zone(gfp, &bad), pos = -1, k = -1, knid = -1, pref = p->pref;
	char g[160];

	if (p->mask && !(p->mask >> z->nid & 1) && !mask_may_drop(o, gfp, op->cpu)) {
		gfp_format(gfp, g, sizeof(g));
		return bf_o_div(d, BF_DIV_WRONG_NODE, sub, z->nid, z->zid, pfn,
				"BIND to nodes 0x%lx (gfp %s, zone %s >= policy_zone %s), got node %d", p->mask, g,
				bf_zone_name(hz), bf_zone_name(o->policy_zone), z->nid);
	}
	if ((gfp & __GFP_THISNODE) || !o->before_fresh || pref < 0 || pref >= o->nr_nodes)
		return 0;
	/* the preferred node first: the first zone of the (masked) list that provably serves bounds the walk */
	for (int i = 0, n = 0; i < o->ezl_n[pref][0]; i++) {
		int nid = o->ezl_nid[pref][0][i], zid = o->ezl_zid[pref][0][i];
		struct bf_ozone *zz = &o->z[BF_ZI(nid, zid)];

		if (zid > hz || !zz->live || (p->mask && !(p->mask >> nid & 1)))
			continue;
		if (zz == z)
			pos = n;
		if (k < 0 && bf_o_zone_must_serve(o, zz, gfp, order, op->cpu, hz)) {
			k = n;
			knid = nid;
		}
		n++;
	}
	if (k < 0 || (pos >= 0 && pos <= k) || z->nid == knid)
		return 0;
	gfp_format(gfp, g, sizeof(g));
	return bf_o_div(d, BF_DIV_WRONG_NODE, sub, z->nid, z->zid, pfn,
			"%s to node %d%s: zone %d of its list (node %d) had a block to give, got %s/%d", mode_names[p->kind],
			pref, p->mask ? " within the mask" : "", k, knid, bf_zone_name(z->zid), z->nid);
}

/* NUMA_INTERLEAVE_HIT before an allocation (only once a task of the run interleaves) */
void bf_o_policy_before(struct bf_oracle *o, const struct world *w)
{
	if (!o->any_interleave)
		return;
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];

		z->ilhit_before = bf_numa_stat(w, z->nid, z->zid, NUMA_INTERLEAVE_HIT);
	}
}

int bf_o_policy_after(struct bf_oracle *o, const struct world *w, const struct bf_oracle_op *op,
		      struct bf_divergence *d)
{
	int hit_nid = -1, hit_zid = -1;

	if (!o->any_interleave)
		return 0;
	if (o->pol.kind == MPOL_INTERLEAVE && op->pfn != NO_PFN && !o->e.refused) {
		const struct bf_ozone *z = bf_o_zone_of(o, op->pfn);

		if (z && z->nid == o->pol.pref) {
			hit_nid = z->nid;
			hit_zid = z->zid;
		}
	}
	for (int i = 0; i < o->nr_live; i++) {
		struct bf_ozone *z = &o->z[o->live[i]];
		unsigned long now = bf_numa_stat(w, z->nid, z->zid, NUMA_INTERLEAVE_HIT);
		unsigned long want = z->ilhit_before + (z->nid == hit_nid && z->zid == hit_zid);

		if (now != want)
			return bf_o_div(d, BF_DIV_ACCOUNTING, "NUMA_INTERLEAVE_HIT", z->nid, z->zid, op->pfn,
					"%s/%d: numa_interleave %lu -> %lu, expected %lu (interleave to node %d: %s)",
					bf_zone_name(z->zid), z->nid, z->ilhit_before, now, want,
					o->pol.kind == MPOL_INTERLEAVE ? o->pol.pref : -1,
					o->pol.kind != MPOL_INTERLEAVE ? "not an interleave allocation" :
					hit_nid >= 0 ? "the page is on it" : "the page is elsewhere");
	}
	return 0;
}
