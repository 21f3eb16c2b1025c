/*
 * parse_pressure.c - the pressure ops `fill`, `fragment` and `free_all`
 * (docs/bfp-format.md, "Pressure").  Each is one line that the executor
 * expands at run time into ordinary allocator calls.
 */
#include <string.h>
#include "fuzz/parse_internal.h"
#include "core/inspect.h"

static int order_item(struct parser *ps, const char *item, int col, void *arg)
{
	struct bf_op *op = arg;
	unsigned long n;

	if (op->norders == BF_FILL_MAX_ORDERS)
		return fail(ps, col, "at most %d orders", BF_FILL_MAX_ORDERS);
	if (parse_num(ps, item, col, MAX_ORDER - 1, &n))
		return -1;
	op->orders[op->norders++] = (unsigned char)n;
	return 0;
}

/* A name of a table (first..n-1), or an error listing them. */
static int name_arg(struct parser *ps, const char *v, int col, const char *const *names, int first, int n,
		    const char *what, long *out)
{
	char list[160] = "";
	int k = bf_name_index(names + first, n - first, v);

	if (k >= 0) {
		*out = k + first;
		return 0;
	}
	for (int i = first; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i > first ? ", " : "", names[i]);
	return fail(ps, col, "unknown %s '%s' (%s)", what, v, list);
}

int parse_pressure(struct parser *ps, struct bf_op *op)
{
	struct tok *t = ps->t;
	int have_zone = 0, have_what = 0, vcol;
	const char *val;
	char key[32];

	if (op->kind == BF_OP_FILL) {
		op->gfp = GFP_KERNEL;
		op->norders = 1;
		op->max = BF_FILL_MAX;
	}
	for (int i = 1; i < ps->nt; i++) {
		unsigned long n;

		if (!kvc(&t[i], key, sizeof(key), &val, &vcol))
			return fail(ps, t[i].col, "expected key=value, got '%s'", t[i].s);
		if (!strcmp(key, "cpu")) {
			if (parse_cpu(ps, val, vcol, 0, &op->cpu))
				return -1;
		} else if (op->kind == BF_OP_FREE_ALL) {
			return fail(ps, t[i].col, "unknown argument '%s' for free_all (it takes cpu= only)", key);
		} else if (!strcmp(key, "zone")) {
			if (parse_zone(ps, val, vcol, &op->zid))
				return -1;
			have_zone = 1;
		} else if (!strcmp(key, "node")) {
			if (parse_num(ps, val, vcol, BF_MAX_NODES - 1, &n))
				return -1;
			op->nid = (int)n;
			op->has_node = 1;
		} else if (op->kind == BF_OP_FRAGMENT && !strcmp(key, "pattern")) {
			if (name_arg(ps, val, vcol, bf_frag_names, 0, BF_NR_FRAGS, "pattern", &op->value))
				return -1;
			have_what = 1;
		} else if (op->kind == BF_OP_FILL && !strcmp(key, "band")) {
			/* above-high is where a zone starts, not a place to fill it to */
			if (name_arg(ps, val, vcol, bf_band_names, BF_BAND_HIGH, BF_NR_BANDS, "band", &op->value))
				return -1;
			have_what = 1;
		} else if (op->kind == BF_OP_FILL && !strcmp(key, "orders")) {
			op->norders = 0;
			if (split_list(ps, val, vcol, ",", order_item, op))
				return -1;
		} else if (op->kind == BF_OP_FILL && !strcmp(key, "gfp")) {
			int bad;

			if (gfp_parse(val, &op->gfp, &bad))
				return fail(ps, vcol + bad, "unknown gfp flag in '%s'", val);
		} else if (op->kind == BF_OP_FILL && !strcmp(key, "max")) {
			if (parse_num(ps, val, vcol, BF_FILL_MAX, &n))
				return -1;
			if (!n)
				return fail(ps, vcol, "max= is at least 1");
			op->max = (int)n;
		} else {
			return fail(ps, t[i].col, "unknown argument '%s' for %s", key, t[0].s);
		}
	}
	if (op->kind == BF_OP_FILL && (!have_zone || !have_what))
		return fail(ps, t[0].col, "fill needs zone= and band= (high, low, min, below-min)");
	if (op->kind == BF_OP_FRAGMENT && !have_what)
		return fail(ps, t[0].col, "fragment needs pattern=");
	if (op->kind == BF_OP_FRAGMENT && op->has_node && !have_zone)
		return fail(ps, t[0].col, "fragment node=N needs zone= too (without zone=, every zone's blocks)");
	return 0;
}
