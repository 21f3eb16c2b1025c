/*
 * zonelist.c - the zonelists 5.10 builds for a topology, derived by the
 * oracle itself from what it reads of the memory (which zones have managed
 * pages, which nodes have present pages and CPUs, node_distance()), and the
 * world's zonelists held against them (kind `zonelist`).
 *
 * v5.10.0 build_all_zonelists (CONFIG_NUMA, node order): node_load[] is
 * zeroed once, then build_zonelists() runs for every online node in id order:
 *   find_next_best_node  the local node first (memory or not), then among the
 *                        N_MEMORY nodes not yet used the least
 *                        val = (node_distance(local, n) + (n < local)
 *                               + PENALTY_FOR_NODE_WITH_CPUS if n has CPUs)
 *                              * MAX_NODE_LOAD * MAX_NUMNODES + node_load[n],
 *                        the lowest id on a tie (strict <);
 *   node_load[n] = load  for the first node of each new distance group
 *                        (its distance differs from the previous node's),
 *                        load counting down from nr_online_nodes -- it
 *                        carries over to the nodes built later;
 *   ZONELIST_FALLBACK    the zones of each node in that order, highest zone
 *                        first, those with managed pages only
 *                        (build_zonerefs_node);
 *   ZONELIST_NOFALLBACK  the local node's zones alone, the same way.
 * MAX_NODE_LOAD is nr_online_nodes, MAX_NUMNODES 1 << NODES_SHIFT (1024, a
 * distribution config); distances are at most 255, so val fits an int.
 *
 * The liveness rule and the zone rule (alloc_check.c, gfp_rules.c) use these
 * lists, never the world's: a world whose zonelist leaves out a node with
 * memory fails requests the oracle knows must succeed (unexpected-fail).
 * Built and judged once per reset (boot or restore): O(nodes^2 + zones).
 */
#include <stdio.h>
#include "oracle/oracle_int.h"

#define MAX_NUMNODES 1024
#define PENALTY_FOR_NODE_WITH_CPUS 1

static int node_has_memory(const struct bf_oracle *o, int nid)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (o->z[BF_ZI(nid, z)].live && o->z[BF_ZI(nid, z)].present)
			return 1;
	return 0;
}

static int node_has_cpus(const struct bf_oracle *o, int nid)
{
	for (int cpu = 0; cpu < o->nr_cpus; cpu++)
		if (o->cpu_node[cpu] == nid)
			return 1;
	return 0;
}

static int next_best_node(const struct bf_oracle *o, int local, unsigned int *used, const int *node_load)
{
	int min_val = 0x7fffffff, best = -1;

	if (!(*used & (1u << local))) {
		*used |= 1u << local;
		return local;
	}
	for (int n = 0; n < o->nr_nodes; n++) {
		int val;

		if (!node_has_memory(o, n) || (*used & (1u << n)))
			continue;
		val = o->dist[local][n] + (n < local);
		if (node_has_cpus(o, n))
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val *= o->nr_nodes * MAX_NUMNODES;
		val += node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		*used |= 1u << best;
	return best;
}

static void zones_of_node(struct bf_oracle *o, int nid, int local, int nf)
{
	for (int zid = MAX_NR_ZONES - 1; zid >= 0; zid--) {
		const struct bf_ozone *z = &o->z[BF_ZI(nid, zid)];
		int k = o->ezl_n[local][nf];

		if (!z->live || !z->managed || k >= BF_O_ZONES)
			continue;
		o->ezl_nid[local][nf][k] = nid;
		o->ezl_zid[local][nf][k] = zid;
		o->ezl_n[local][nf] = k + 1;
	}
}

void bf_o_zonelists_build(struct bf_oracle *o, const struct world *w)
{
	int node_load[BF_MAX_NODES] = { 0 };

	for (int a = 0; a < o->nr_nodes; a++)
		for (int b = 0; b < o->nr_nodes; b++)
			o->dist[a][b] = bf_node_distance(w, a, b);
	for (int local = 0; local < o->nr_nodes; local++) {
		unsigned int used = 0;
		int node, prev = local, load = o->nr_nodes;

		o->ezl_n[local][0] = o->ezl_n[local][1] = 0;
		while ((node = next_best_node(o, local, &used, node_load)) >= 0) {
			if (o->dist[local][node] != o->dist[local][prev])
				node_load[node] = load;
			zones_of_node(o, node, local, 0);
			prev = node;
			load--;
		}
		zones_of_node(o, local, local, 1);
	}
}

/* The world's lists (read at reset into zl_*) against the rule's; 0 if every one agrees. */
int bf_o_zonelists_judge(const struct bf_oracle *o, struct bf_divergence *d)
{
	for (int nid = 0; nid < o->nr_nodes; nid++)
		for (int nf = 0; nf < 2; nf++) {
			int n = o->zl_n[nid][nf], en = o->ezl_n[nid][nf];

			for (int i = 0; i < n || i < en; i++) {
				char got[32] = "the end", want[32] = "the end";

				if (i < n && i < en && o->zl_nid[nid][nf][i] == o->ezl_nid[nid][nf][i] &&
				    o->zl_zid[nid][nf][i] == o->ezl_zid[nid][nf][i])
					continue;
				if (i < n)
					snprintf(got, sizeof(got), "%s/%d", bf_zone_name(o->zl_zid[nid][nf][i]),
						 o->zl_nid[nid][nf][i]);
				if (i < en)
					snprintf(want, sizeof(want), "%s/%d", bf_zone_name(o->ezl_zid[nid][nf][i]),
						 o->ezl_nid[nid][nf][i]);
				return bf_o_div(d, BF_DIV_ZONELIST, NULL, nid, -1, NO_PFN,
						"node %d's %s zonelist entry %d is %s, build_zonelists gives %s", nid,
						nf ? "NOFALLBACK" : "FALLBACK", i, got, want);
			}
		}
	return 0;
}
