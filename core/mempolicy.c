/*
 * mempolicy.c - the NUMA entry points of v5.10.0 mm/mempolicy.c and gfp.h:
 * alloc_pages() -> alloc_pages_current(), alloc_pages_node().
 *
 * Only the default policy exists yet: get_task_policy() finds no task policy
 * and preferred_node_policy[numa_node_id()] ({PREFERRED, MOF|MORON, local
 * node}); policy_node() then gives the local node (MPOL_F_MORON is not
 * MPOL_F_LOCAL, but its preferred node is the local node) and
 * policy_nodemask() gives no mask.  The later mempolicy issue adds BIND,
 * INTERLEAVE and PREFERRED through this same function.
 */
#include "internal.h"

static unsigned long page_pfn_or_none(struct world *w, struct page *page)
{
	return page ? page_to_pfn(w, page) : NO_PFN;
}

/* alloc_pages_current - interrupt context and __GFP_THISNODE use default_policy (local). */
unsigned long alloc_pages(struct world *w, int cpu, gfp_t gfp, unsigned int order)
{
	struct context cx = context_of(w, cpu);
	int nid = numa_node_id(&cx);
	explain_fn(w, "alloc_pages_current(cpu=%d): %s, default_policy: local node %d", cpu,
		   this_cpu(&cx)->in_interrupt || (gfp & __GFP_THISNODE) ? "in interrupt or __GFP_THISNODE" :
		   "no task policy: preferred_node_policy[numa_node_id()]", nid);

	return page_pfn_or_none(w, __alloc_pages_nodemask(&cx, gfp, order, nid, NULL));
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
