/*
 * parse_task.c - the task ops (docs/bfp-format.md, "Tasks and memory
 * policies"): `task T cpu=C` (CPU C now runs task T) and
 * `set_mempolicy [task=T|cpu=C] mode=M [nodes=LIST] [flags=static|relative]`,
 * set_mempolicy(2) as task T (or CPU C's current task, CPU 0's by default)
 * calls it.  The `task=T` argument of alloc and alloc_exact is parsed with
 * them (prog_parse.c).
 */
#include <string.h>
#include "fuzz/parse_internal.h"
#include "core/inspect.h"

const char *const bf_mpol_mode_names[MPOL_MAX] = { "default", "preferred", "bind", "interleave", "local" };

int parse_task_id(struct parser *ps, const char *v, int col, int *task)
{
	unsigned long n;

	if (parse_num(ps, v, col, BF_MAX_TASKS - 1, &n))
		return -1;
	*task = (int)n;
	return 0;
}

/* nodes=LIST items: N or A-B, node ids below MAX_NUMNODES (BF_MAX_NODES) */
static int node_item(struct parser *ps, const char *item, int col, void *arg)
{
	unsigned long *mask = arg, a, b;
	const char *dash = strchr(item, '-');
	char lo[32];

	if (dash) {
		if ((size_t)(dash - item) >= sizeof(lo))
			return fail(ps, col, "bad node range '%s'", item);
		memcpy(lo, item, (size_t)(dash - item));
		lo[dash - item] = 0;
		if (parse_num(ps, lo, col, BF_MAX_NODES - 1, &a) ||
		    parse_num(ps, dash + 1, col + (int)(dash - item) + 1, BF_MAX_NODES - 1, &b))
			return -1;
		if (b < a)
			return fail(ps, col, "bad node range '%s'", item);
	} else {
		if (parse_num(ps, item, col, BF_MAX_NODES - 1, &a))
			return -1;
		b = a;
	}
	for (unsigned long n = a; n <= b; n++)
		*mask |= 1UL << n;
	return 0;
}

static int flag_item(struct parser *ps, const char *item, int col, void *arg)
{
	unsigned int *flags = arg;

	if (!strcmp(item, "static"))
		*flags |= MPOL_F_STATIC_NODES;
	else if (!strcmp(item, "relative"))
		*flags |= MPOL_F_RELATIVE_NODES;
	else
		return fail(ps, col, "unknown mempolicy flag '%s' (static, relative)", item);
	return 0;
}

int parse_task_op(struct parser *ps, struct bf_op *op)
{
	struct tok *t = ps->t;
	char key[32];
	const char *val;
	int vcol, have_mode = 0, have_cpu = 0;

	if (op->kind == BF_OP_TASK) {
		if (ps->nt != 3 || !kvc(&t[2], key, sizeof(key), &val, &vcol) || strcmp(key, "cpu"))
			return fail(ps, t[0].col, "usage: task T cpu=C");
		if (parse_task_id(ps, t[1].s, t[1].col, &op->task))
			return -1;
		op->has_task = 1;
		return parse_cpu(ps, val, vcol, 0, &op->cpu);
	}
	for (int i = 1; i < ps->nt; i++) {
		if (!kvc(&t[i], key, sizeof(key), &val, &vcol))
			return fail(ps, t[i].col, "expected key=value, got '%s'", t[i].s);
		if (!strcmp(key, "task")) {
			if (parse_task_id(ps, val, vcol, &op->task))
				return -1;
			op->has_task = 1;
		} else if (!strcmp(key, "cpu")) {
			if (parse_cpu(ps, val, vcol, 0, &op->cpu))
				return -1;
			have_cpu = 1;
		} else if (!strcmp(key, "mode")) {
			op->mode = bf_name_index(bf_mpol_mode_names, MPOL_MAX, val);
			if (op->mode < 0)
				return fail(ps, vcol, "unknown mode '%s' (default, preferred, bind, interleave, local)", val);
			have_mode = 1;
		} else if (!strcmp(key, "nodes")) {
			if (split_list(ps, val, vcol, ",", node_item, &op->nodes))
				return -1;
		} else if (!strcmp(key, "flags")) {
			if (split_list(ps, val, vcol, "|", flag_item, &op->mflags))
				return -1;
		} else {
			return fail(ps, t[i].col, "unknown argument '%s' for set_mempolicy", key);
		}
	}
	if (!have_mode)
		return fail(ps, t[0].col, "set_mempolicy needs mode=");
	if (have_cpu && op->has_task)
		return fail(ps, t[0].col, "set_mempolicy names a task or a CPU's current task, not both");
	return 0;
}
