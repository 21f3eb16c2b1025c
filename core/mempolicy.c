/*
 * mempolicy.c - the NUMA entry points of v5.10.0 mm/mempolicy.c and gfp.h:
 * alloc_pages() -> alloc_pages_current(), alloc_pages_node(), and the task
 * policy set_mempolicy(2) installs (kernel_set_mempolicy, do_set_mempolicy,
 * mpol_new, mpol_set_nodemask and the mpol_ops create functions).
 *
 * Policies: default_policy {PREFERRED, MPOL_F_LOCAL}; preferred_node_policy[n]
 * {PREFERRED, MOF|MORON, n} (numa_policy_init, in the world); a task's own
 * policy in its task_struct.  Node masks are MAX_NUMNODES = BF_MAX_NODES bits.
 * Cpusets are off: cpuset_current_mems_allowed is the task's mems_allowed,
 * node_states[N_MEMORY] as kernel_init sets it, and
 * cpuset_nodemask_valid_mems_allowed() is nodes_intersects() with it.
 *
 * Not modelled: vma policies (alloc_pages_vma, mbind), mpol_rebind_* (the
 * cpuset part of the issue), shared policies.  policy_node()'s
 * WARN_ON_ONCE(BIND && __GFP_THISNODE) cannot fire from alloc_pages_current,
 * which gives every __GFP_THISNODE request default_policy; it is an explain
 * line here, no record site.
 */
#include <errno.h>
#include "internal.h"
#include "vmstat.h"

static unsigned long page_pfn_or_none(struct world *w, struct page *page)
{
	return page ? page_to_pfn(w, page) : NO_PFN;
}

#define MAX_NUMNODES BF_MAX_NODES
#define NODE_MASK_ALL ((1UL << MAX_NUMNODES) - 1)

/* include/linux/nodemask.h over an unsigned long */
static int first_node(unsigned long m) { return m ? __builtin_ctzl(m) : MAX_NUMNODES; }
static int next_node(int n, unsigned long m)
{
	m &= NODE_MASK_ALL;
	if (n + 1 >= MAX_NUMNODES)
		return MAX_NUMNODES;
	return first_node(m & (~0UL << (n + 1)));
}
/* lib/nodemask.c __next_node_in: past n, or wrap to the first; MAX_NUMNODES if empty */
static int next_node_in(int n, unsigned long m)
{
	int ret = next_node(n, m);

	return ret == MAX_NUMNODES ? first_node(m & NODE_MASK_ALL) : ret;
}

/* mpol_relative_nodemask: nodes_fold(orig, weight(rel)) then nodes_onto(rel) (bitmap_fold, bitmap_onto) */
static unsigned long relative_nodemask(unsigned long orig, unsigned long rel)
{
	unsigned long tmp = 0, ret = 0;
	int sz = __builtin_popcountl(rel), m = 0;

	for (int n = 0; n < MAX_NUMNODES; n++)
		if (orig & (1UL << n))
			tmp |= 1UL << (n % sz);   /* rel is N_MEMORY: never empty */
	for (int n = 0; n < MAX_NUMNODES; n++)
		if (rel & (1UL << n)) {
			if (tmp & (1UL << m))
				ret |= 1UL << n;
			m++;
		}
	return ret;
}

static const char *const mpol_mode_names[MPOL_MAX] = { "default", "preferred", "bind", "interleave", "local" };
static const char *const mpol_task_lines[MPOL_MAX] = { "", "preferred, task ", "bind, task ", "interleave, task ", "" };

/* node_states[N_MEMORY] / N_HIGH_MEMORY (= N_NORMAL_MEMORY without HIGHMEM): check_for_memory */
static unsigned long node_states_mask(const struct world *w, bool high)
{
	unsigned long m = 0;

	for (int nid = 0; nid < w->nr_nodes; nid++)
		for (int zid = 0; zid < (high ? ZONE_MOVABLE : MAX_NR_ZONES); zid++)
			if (populated_zone(&w->node[nid].node_zones[zid]))
				m |= 1UL << nid;
	return m;
}

/* numa_policy_init's preferred_node_policy[] and every task's mems_allowed (boot). */
void mempolicy_init(struct world *w)
{
	unsigned long mem = node_states_mask(w, false);

	for (int nid = 0; nid < w->nr_nodes; nid++)
		w->preferred_node_policy[nid] = (struct mempolicy){
			.mode = MPOL_PREFERRED, .flags = MPOL_F_MOF | MPOL_F_MORON, .v.preferred_node = (short)nid };
	for (int t = 0; t < BF_MAX_TASKS; t++) {
		w->task[t].pid = t + 1;
		w->task[t].mems_allowed = mem;
	}
}

/* mpol_new: validate mode, flags and nodes; 1 = a policy object (in *pol), 0 = none (DEFAULT), -EINVAL */
static int mpol_new(unsigned short mode, unsigned short flags, unsigned long nodes, struct mempolicy *pol)
{
	if (mode == MPOL_DEFAULT)
		return nodes ? -EINVAL : 0;
	if (mode == MPOL_PREFERRED) {
		if (!nodes && (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
			return -EINVAL;
	} else if (mode == MPOL_LOCAL) {
		if (nodes || (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
			return -EINVAL;
		mode = MPOL_PREFERRED;
	} else if (!nodes)
		return -EINVAL;
	*pol = (struct mempolicy){ .mode = mode, .flags = flags };
	return 1;
}

/* mpol_set_nodemask with the mpol_ops[mode].create functions */
static int mpol_set_nodemask(struct world *w, struct task_struct *tsk, struct mempolicy *pol, unsigned long nodes)
{
	unsigned long mask1 = tsk->mems_allowed & node_states_mask(w, false), mask2;
	bool local = pol->mode == MPOL_PREFERRED && !nodes;   /* explicit local allocation */

	if (!local) {
		if (pol->flags & MPOL_F_RELATIVE_NODES) {
			mask2 = relative_nodemask(nodes, mask1);
			feature(w, FEAT_MPOL_RELATIVE);
		} else
			mask2 = nodes & mask1;
		if (pol->flags & MPOL_MODE_FLAGS)   /* mpol_store_user_nodemask */
			pol->w.user_nodemask = nodes;
		else
			pol->w.cpuset_mems_allowed = tsk->mems_allowed;
		explain(w, "mpol_set_nodemask: nodes 0x%lx & allowed 0x%lx%s -> 0x%lx", nodes, mask1,
			pol->flags & MPOL_F_RELATIVE_NODES ? " (relative)" : "", mask2);
	}
	switch (pol->mode) {
	case MPOL_PREFERRED:   /* mpol_new_preferred */
		if (local)
			pol->flags |= MPOL_F_LOCAL;
		else if (!mask2)
			return -EINVAL;
		else
			pol->v.preferred_node = (short)first_node(mask2);
		return 0;
	default:               /* mpol_new_bind, mpol_new_interleave */
		if (!mask2)
			return -EINVAL;
		pol->v.nodes = mask2;
		return 0;
	}
}

int world_set_mempolicy(struct world *w, int task, int mode, unsigned int flags, unsigned long nodes)
{
	struct task_struct *tsk = &w->task[task];
	struct mempolicy new;
	int ret;

	explain_fn(w, "set_mempolicy(task=%d, mode=%d, flags=0x%x, nodes=0x%lx)", task, mode, flags, nodes);
	/* kernel_set_mempolicy, get_nodes (bits past MAX_NUMNODES must be clear) */
	if ((unsigned int)mode >= MPOL_MAX || (flags & ~(unsigned int)MPOL_MODE_FLAGS) ||
	    ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES)) || (nodes & ~NODE_MASK_ALL)) {
		explain(w, "kernel_set_mempolicy: bad mode, both STATIC and RELATIVE, or nodes past MAX_NUMNODES: -EINVAL");
		feature(w, FEAT_MPOL_EINVAL);
		return -EINVAL;
	}
	/* do_set_mempolicy */
	ret = mpol_new((unsigned short)mode, (unsigned short)flags, nodes, &new);
	if (ret > 0)
		ret = mpol_set_nodemask(w, tsk, &new, nodes);
	if (ret < 0) {
		explain(w, "do_set_mempolicy: %s refused: -EINVAL, the task's policy unchanged", mpol_mode_names[mode]);
		feature(w, FEAT_MPOL_EINVAL);
		return ret;
	}
	if (mode == MPOL_DEFAULT) {
		tsk->mempolicy = NULL;
	} else {
		tsk->mpol = new;
		tsk->mempolicy = &tsk->mpol;
		if (new.mode == MPOL_INTERLEAVE)
			tsk->il_prev = MAX_NUMNODES - 1;
	}
	explain(w, "do_set_mempolicy: task %d now %s (flags 0x%x, %s 0x%lx)", task,
		mode == MPOL_DEFAULT ? "without a policy" : mpol_mode_names[new.mode], new.flags,
		new.mode == MPOL_PREFERRED ? "preferred_node" : "nodes",
		new.mode == MPOL_PREFERRED ? (unsigned long)new.v.preferred_node : new.v.nodes);
	return 0;
}

void world_task_run(struct world *w, int cpu, int task)
{
	struct task_struct *old = w->cpu[cpu].current, *t = &w->task[task];

	for (int c = 0; c < w->nr_cpus; c++)
		if (c != cpu && w->cpu[c].current == t)
			w->cpu[c].current = old;   /* a task runs on one CPU at a time */
	w->cpu[cpu].current = t;
}

static const struct mempolicy default_policy = { .mode = MPOL_PREFERRED, .flags = MPOL_F_LOCAL };

/* get_task_policy: the task's own, else preferred_node_policy[numa_node_id()] (mode set at boot) */
static const struct mempolicy *get_task_policy(const struct context *cx, struct task_struct *p)
{
	int node = numa_node_id(cx);

	if (p->mempolicy)
		return p->mempolicy;
	if (node != NUMA_NO_NODE && cx->w->preferred_node_policy[node].mode)
		return &cx->w->preferred_node_policy[node];
	return &default_policy;
}

/* apply_policy_zone: BIND applies from policy_zone up (ZONE_MOVABLE if its nodes have only movable memory) */
static bool apply_policy_zone(struct world *w, const struct mempolicy *policy, enum zone_type zone)
{
	enum zone_type dynamic_policy_zone = w->policy_zone;

	if (!(policy->v.nodes & node_states_mask(w, true)))
		dynamic_policy_zone = ZONE_MOVABLE;
	return zone >= dynamic_policy_zone;
}

/* policy_nodemask: BIND's nodes, for zones the policy applies to and nodes the task may use */
static const unsigned long *policy_nodemask(const struct context *cx, gfp_t gfp, const struct mempolicy *policy)
{
	struct world *w = cx->w;

	if (policy->mode == MPOL_BIND) {
		if (apply_policy_zone(w, policy, gfp_zone(w, gfp)) &&
		    (policy->v.nodes & current_task(cx)->mems_allowed)) {  /* cpuset_nodemask_valid_mems_allowed */
			feature(w, FEAT_MPOL_BIND_MASK);
			explain(w, "policy_nodemask: BIND, gfp_zone %d >= policy_zone %d: nodemask 0x%lx",
				(int)gfp_zone(w, gfp), (int)w->policy_zone, policy->v.nodes);
			return &policy->v.nodes;
		}
		feature(w, FEAT_MPOL_BIND_LOWZONE);
		explain(w, "policy_nodemask: BIND does not apply to gfp_zone %d (policy_zone %d): no nodemask",
			(int)gfp_zone(w, gfp), (int)w->policy_zone);
	}
	return NULL;
}

/* policy_node: the preferred node of a PREFERRED policy without MPOL_F_LOCAL, else nd */
static int policy_node(const struct context *cx, gfp_t gfp, const struct mempolicy *policy, int nd)
{
	if (policy->mode == MPOL_PREFERRED && !(policy->flags & MPOL_F_LOCAL)) {
		if (policy->v.preferred_node != nd)
			feature(cx->w, FEAT_MPOL_PREFERRED_REMOTE);
		if (policy == current_task(cx)->mempolicy)
			explain(cx->w, "policy_node: PREFERRED: node %d", policy->v.preferred_node);
		return policy->v.preferred_node;
	}
	/* WARN_ON_ONCE(BIND && __GFP_THISNODE): alloc_pages_current never gets here with both */
	if (policy == current_task(cx)->mempolicy)
		explain(cx->w, "policy_node: %s: local node %d", mpol_mode_names[policy->mode], nd);
	return nd;
}

/* interleave_nodes: round robin after il_prev over the policy's nodes */
static int interleave_nodes(const struct context *cx, const struct mempolicy *policy)
{
	struct task_struct *me = current_task(cx);
	int next = next_node_in(me->il_prev, policy->v.nodes);

	if (next <= me->il_prev && me->il_prev != MAX_NUMNODES - 1)   /* round the mask and back */
		feature(cx->w, FEAT_MPOL_INTERLEAVE_WRAP);
	explain(cx->w, "interleave_nodes: next_node_in(il_prev %d, 0x%lx) = %d", me->il_prev, policy->v.nodes, next);
	if (next < MAX_NUMNODES)
		me->il_prev = (short)next;
	return next;
}

/* alloc_page_interleave: __alloc_pages on nid; NUMA_INTERLEAVE_HIT when the page is on nid (vm_numa_stat_key on) */
static struct page *alloc_page_interleave(struct context *cx, gfp_t gfp, unsigned int order, int nid)
{
	struct page *page = __alloc_pages_nodemask(cx, gfp, order, nid, NULL);

	if (page && page_to_nid(page) == nid) {
		feature(cx->w, FEAT_MPOL_INTERLEAVE_HIT);
		__inc_numa_state(cx, page_zone(cx->w, page), NUMA_INTERLEAVE_HIT);
	} else if (page)
		feature(cx->w, FEAT_MPOL_INTERLEAVE_MISS);
	return page;
}

/* alloc_pages_current - interrupt context and __GFP_THISNODE use default_policy (local). */
unsigned long alloc_pages(struct world *w, int cpu, gfp_t gfp, unsigned int order)
{
	struct context cx = context_of(w, cpu);
	const struct mempolicy *pol = &default_policy;
	struct task_struct *tsk = current_task(&cx);
	int nid = numa_node_id(&cx);
	struct page *page;

	if (!this_cpu(&cx)->in_interrupt && !(gfp & __GFP_THISNODE))
		pol = get_task_policy(&cx, tsk);
	/* the task's policy, or the line the walkthrough's traces hold */
	explain_fn(w, "alloc_pages_current(cpu=%d): %s, %s%d", cpu,
		   pol == tsk->mempolicy ? "the task's policy" :
		   this_cpu(&cx)->in_interrupt || (gfp & __GFP_THISNODE) ? "in interrupt or __GFP_THISNODE" :
		   "no task policy: preferred_node_policy[numa_node_id()]",
		   pol == tsk->mempolicy ? mpol_task_lines[pol->mode] : "default_policy: local node ",
		   pol == tsk->mempolicy ? (int)(tsk - w->task) : nid);
	if (tsk->mempolicy && pol == tsk->mempolicy)
		feature(w, FEAT_MPOL_TASK_POLICY);

	if (pol->mode == MPOL_INTERLEAVE)
		page = alloc_page_interleave(&cx, gfp, order, interleave_nodes(&cx, pol));
	else
		page = __alloc_pages_nodemask(&cx, gfp, order, policy_node(&cx, gfp, pol, nid),
					      policy_nodemask(&cx, gfp, pol));
	return page_pfn_or_none(w, page);
}

/* alloc_pages_node - NUMA_NO_NODE means the CPU's node (numa_mem_id). */
unsigned long alloc_pages_node(struct world *w, int cpu, int nid, gfp_t gfp, unsigned int order)
{
	struct context cx = context_of(w, cpu);

	explain_fn(w, "alloc_pages_node(nid=%d, cpu=%d)%s", nid, cpu, nid == NUMA_NO_NODE ? ": numa_mem_id()" : "");

	if (nid == NUMA_NO_NODE)
		nid = numa_node_id(&cx);
	return page_pfn_or_none(w, __alloc_pages_nodemask(&cx, gfp, order, nid, NULL));
}
