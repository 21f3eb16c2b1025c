/*
 * report.c - the divergence report (exec.h): what a fuzz target prints before
 * it aborts, what bf-replay prints before it exits 1, what triage stores.
 *
 *   DIVERGENCE: <kind> in <op> (<detail>)
 *   op: <index> (line <n>)
 *   --- program            the whole program as .bfp text
 *   --- oracle vs world    free blocks per zone and order, expected and found
 *   --- /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo
 *
 * Invariant: nothing here depends on addresses, timings or the environment;
 * the same input gives the same report byte for byte.
 */
#include "fuzz/exec.h"
#include "core/inspect.h"

void bf_report_divergence(FILE *f, const struct bf_prog *p, const struct bf_exec_result *r,
			  const struct world *w, struct bf_oracle *o)
{
	const struct bf_op *op = r->div_op < p->nr_ops ? &p->ops[r->div_op] : NULL;

	fprintf(f, "DIVERGENCE: %s in %s (%s)\n", r->div.name, op ? bf_op_names[op->kind] : "end",
		r->div.detail);
	fprintf(f, "op: %d (line %d)\n", r->div_op, op ? op->line : 0);
	fprintf(f, "meaning: %s\n", bf_div_meanings[r->div.kind]);
	fprintf(f, "--- program\n");
	bf_prog_print(p, f);
	if (o && w) {
		fprintf(f, "--- oracle vs world\n");
		bf_oracle_diff(o, w, f);
	}
	if (w) {
		fprintf(f, "--- /proc/buddyinfo\n");
		bf_dump_buddyinfo(w, f);
		fprintf(f, "--- /proc/pagetypeinfo\n");
		bf_dump_pagetypeinfo(w, f);
		fprintf(f, "--- /proc/zoneinfo\n");
		bf_dump_zoneinfo(w, f);
	}
	fprintf(f, "--- end of report\n");
}
