/*
 * parse_expect.c - `expect` lines: the probe keyword, its positional words and
 * key=value arguments, a comparison and the expected value (docs/bfp-format.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/parse_internal.h"
#include "core/inspect.h"

static const char *const probe_names[BF_NR_PROBES] = {
#define X(e, kw, k) kw,
	BF_PROBE_TABLE(X)
#undef X
};
static const char probe_kinds[BF_NR_PROBES] = {
#define X(e, kw, k) k,
	BF_PROBE_TABLE(X)
#undef X
};

static int parse_cmp(const char *s) { return bf_name_index(bf_cmp_names, BF_NR_CMPS, s); }

/* probe_names[0] is the handle form, not a keyword */
int is_probe_keyword(const char *s) { return bf_name_index(probe_names + 1, BF_NR_PROBES - 1, s) >= 0; }

int bf_probe_is_dump(enum bf_probe p)
{
	return probe_kinds[p] == 'd';
}

/* pfn list items: numbers; kept normalised as "0x41,0x42" */
static int pfn_item(struct parser *ps, const char *item, int col, void *arg)
{
	char *out = arg;
	unsigned long v;
	size_t n = strlen(out);

	if (parse_num(ps, item, col, 1UL << 40, &v))
		return -1;
	if (n > 3800)
		return fail(ps, col, "list too long");
	snprintf(out + n, 4096 - n, "%s0x%lx", n ? "," : "", v);
	return 0;
}

/* zonelist items: Zone/node */
static int zoneref_item(struct parser *ps, const char *item, int col, void *arg)
{
	const char *slash = strchr(item, '/');
	char zone[16];
	unsigned long nid;
	int zid;

	(void)arg;
	if (!slash || (size_t)(slash - item) >= sizeof(zone))
		return fail(ps, col, "expected Zone/node, got '%s'", item);
	memcpy(zone, item, (size_t)(slash - item));
	zone[slash - item] = 0;
	if (parse_zone(ps, zone, col, &zid))
		return -1;
	return parse_num(ps, slash + 1, col + (int)(slash - item) + 1, BF_MAX_NODES - 1, &nid);
}

/* key=value arguments common to the probes; `allowed` lists the keys this probe takes. */
static int probe_arg(struct parser *ps, struct tok *t, struct bf_expect *e, const char *allowed)
{
	char key[16];
	const char *val;
	unsigned long n;
	int col;

	if (!kvc(t, key, sizeof(key), &val, &col))
		return 1;  /* not key=value: a positional word */
	{
		char pat[20];

		snprintf(pat, sizeof(pat), " %s ", key);
		if (!strstr(allowed, pat))
			return fail(ps, t->col, "'%s' is not an argument of this expectation", key);
	}
	if (!strcmp(key, "zone")) {
		e->has_zone = 1;
		return parse_zone(ps, val, col, &e->zid);
	}
	if (!strcmp(key, "mt")) {
		e->mt = bf_migratetype_by_name(val);
		e->has_mt = 1;
		return e->mt < 0 ? fail(ps, col, "unknown migratetype '%s'", val) : 0;
	}
	if (!strcmp(key, "reason")) {
		size_t l = strlen(val);

		if (l < 2 || val[0] != '"' || val[l - 1] != '"')
			return fail(ps, col, "reason must be quoted: reason=\"...\"");
		char buf[256];
		memcpy(buf, val + 1, l - 2);
		buf[l - 2] = 0;
		e->text = keep_string(ps->p, buf);
		return 0;
	}
	if (!strcmp(key, "pfn"))
		return parse_num(ps, val, col, 1UL << 40, &e->pfn);
	if (parse_num(ps, val, col, 1UL << 20, &n))
		return -1;
	if (!strcmp(key, "node")) {
		if (n >= BF_MAX_NODES)
			return fail(ps, col, "node %lu out of range", n);
		e->nid = (int)n;
		e->has_node = 1;
	} else if (!strcmp(key, "order")) {
		if (n >= MAX_ORDER)
			return fail(ps, col, "order %lu out of range", n);
		e->order = (int)n;
		e->has_order = 1;
	} else if (!strcmp(key, "cpu")) {
		if (n >= BF_MAX_CPUS)
			return fail(ps, col, "cpu %lu out of range", n);
		e->cpu = (int)n;
	} else if (!strcmp(key, "idx")) {
		if (n >= MAX_NR_ZONES)
			return fail(ps, col, "idx %lu out of range", n);
		e->idx = (int)n;
	}
	return 0;
}

static int expect_handle(struct parser *ps, struct bf_op *op)
{
	struct tok *t = ps->t;
	struct bf_expect *e = &op->expect;
	int piece;

	e->probe = BF_PR_HANDLE;
	if (parse_handle_ref(ps, t[1].s, t[1].col, &op->handle, &piece))
		return -1;
	if (piece >= 0)
		return fail(ps, t[1].col, "expect a whole handle");
	if (ps->nt == 3 && !strcmp(t[2].s, "fail")) {
		e->fail = 1;
		return 0;
	}
	if (ps->nt < 3)
		return fail(ps, t[1].col, "usage: expect H pfn=N [order=N] [zone=Z] [node=N] | expect H fail");
	for (int i = 2; i < ps->nt; i++) {
		int r = probe_arg(ps, &t[i], e, " pfn order zone node ");

		if (r < 0)
			return -1;
		if (r > 0)
			return fail(ps, t[i].col, "unexpected '%s'", t[i].s);
	}
	return 0;
}

/* Positional word of a probe: counter/event name, wmark/pcp field, page field, warn site. */
static int probe_word(struct parser *ps, struct tok *t, struct bf_op *op, int *words)
{
	struct bf_expect *e = &op->expect;
	int kind, flagbit;

	(*words)++;
	switch (e->probe) {
	case BF_PR_COUNTER:
	case BF_PR_SNAPSHOT:
	case BF_PR_EVENT:
	case BF_PR_NUMA:
		e->item = bf_stat_by_name(t->s, &kind);
		if (e->item < 0 || kind != (e->probe == BF_PR_EVENT ? 2 : e->probe == BF_PR_NUMA ? 1 : 0))
			return fail(ps, t->col, "unknown %s name '%s'", probe_names[e->probe], t->s);
		return 0;
	case BF_PR_WMARK:
		e->sub = !strcmp(t->s, "min") ? 0 : !strcmp(t->s, "low") ? 1 : !strcmp(t->s, "high") ? 2 : -1;
		return e->sub < 0 ? fail(ps, t->col, "expected min, low or high") : 0;
	case BF_PR_PCP:
		e->sub = !strcmp(t->s, "count") ? 0 : !strcmp(t->s, "high") ? 1 : !strcmp(t->s, "batch") ? 2 :
			 !strcmp(t->s, "threshold") ? 3 : -1;
		return e->sub < 0 ? fail(ps, t->col, "expected count, high, batch or threshold") : 0;
	case BF_PR_PAGE:
		e->sub = bf_page_field_by_name(t->s, &flagbit);
		e->item = flagbit;
		return e->sub < 0 ? fail(ps, t->col, "unknown page field '%s'", t->s) : 0;
	case BF_PR_WARN:
		e->item = bf_warn_by_name(t->s);
		return e->item < 0 ? fail(ps, t->col, "unknown warn site '%s'", t->s) : 0;
	case BF_PR_EVENT_LOG:
		e->item = bf_event_by_name(t->s);
		return e->item < 0 ? fail(ps, t->col, "unknown event '%s'", t->s) : 0;
	case BF_PR_ZONELIST:
		if (strcmp(t->s, "nofallback"))
			return fail(ps, t->col, "unexpected '%s'", t->s);
		e->sub = 1;
		return 0;
	default:
		return fail(ps, t->col, "unexpected '%s'", t->s);
	}
}

static const char *probe_keys(enum bf_probe p)
{
	switch (p) {
	case BF_PR_NR_FREE: return " zone node order mt ";
	case BF_PR_PCP: return " cpu zone node ";
	case BF_PR_PCP_LIST: return " cpu zone node mt ";
	case BF_PR_FREE_LIST: return " zone node order mt ";
	case BF_PR_LOWMEM_RESERVE: return " zone node idx ";
	case BF_PR_PAGEBLOCK: return " pfn ";
	case BF_PR_PAGE: return " pfn ";
	case BF_PR_BAD_PAGE: return " reason pfn ";
	case BF_PR_ZONELIST: return " node ";
	case BF_PR_WARN: case BF_PR_BAD_PAGES: case BF_PR_EVENT_LOG: case BF_PR_MIN_FREE_KBYTES:
	case BF_PR_EVENT: case BF_PR_ERRNO:
		return " ";
	default: return " zone node ";
	}
}

static int needs_words(enum bf_probe p)
{
	switch (p) {
	case BF_PR_COUNTER: case BF_PR_SNAPSHOT: case BF_PR_EVENT: case BF_PR_NUMA: case BF_PR_WMARK:
	case BF_PR_PCP: case BF_PR_PAGE: case BF_PR_WARN: case BF_PR_EVENT_LOG:
		return 1;
	default:
		return 0;
	}
}

int parse_expect(struct parser *ps, struct bf_op *op)
{
	struct tok *t = ps->t;
	struct bf_expect *e = &op->expect;
	int probe, words = 0, i;

	if (ps->nt < 2)
		return fail(ps, t[0].col, "expect what?");
	probe = bf_name_index(probe_names + 1, BF_NR_PROBES - 1, t[1].s);
	if (probe >= 0)
		probe++;
	e->zid = -1;
	e->mt = -1;
	if (probe < 0)
		return expect_handle(ps, op);
	e->probe = probe;
	if (probe_kinds[probe] == 'd') {
		if (ps->nt != 2)
			return fail(ps, t[2].col, "expect %s is followed by the dump lines and 'end'", t[1].s);
		return 0;
	}
	for (i = 2; i < ps->nt && parse_cmp(t[i].s) < 0; i++) {
		int r = probe_arg(ps, &t[i], e, probe_keys(probe));

		if (r < 0)
			return -1;
		if (r > 0 && probe_word(ps, &t[i], op, &words))
			return -1;
	}
	if (needs_words(probe) && words != 1)
		return fail(ps, t[1].col, "expect %s needs exactly one name or field", t[1].s);
	if ((probe == BF_PR_NR_FREE || probe == BF_PR_FREE_LIST) && !e->has_order)
		return fail(ps, t[1].col, "expect %s needs order=", t[1].s);
	if ((probe == BF_PR_PCP_LIST || probe == BF_PR_FREE_LIST) && !e->has_mt)
		return fail(ps, t[1].col, "expect %s needs mt=", t[1].s);
	if ((probe == BF_PR_PAGEBLOCK || probe == BF_PR_PAGE) && e->pfn == NO_PFN)
		return fail(ps, t[1].col, "expect %s needs pfn=", t[1].s);
	/* pool counts every zone's blocks unless zone= narrows it */
	if (strstr(probe_keys(probe), " zone ") && !e->has_zone && (probe != BF_PR_POOL || e->has_node))
		return fail(ps, t[1].col, "expect %s needs zone=", t[1].s);
	if (probe == BF_PR_PCP_LIST && e->mt >= MIGRATE_PCPTYPES)
		return fail(ps, t[1].col, "pcp lists are Unmovable, Movable and Reclaimable");
	if (probe == BF_PR_BAD_PAGE) {
		if (i != ps->nt || !e->text)
			return fail(ps, t[1].col, "usage: expect bad_page reason=\"...\" [pfn=N]");
		return 0;
	}
	if (i >= ps->nt)
		return fail(ps, t[ps->nt - 1].col, "expected a comparison (== != < <= > >=)");
	e->cmp = parse_cmp(t[i].s);
	if (i + 2 != ps->nt)
		return fail(ps, t[i].col, "expected one value after %s", t[i].s);
	{
		struct tok *v = &t[i + 1];

		int big;

		if (probe_kinds[probe] == 's') {
			char list[4096] = "";

			if (e->cmp != BF_EQ && e->cmp != BF_NE)
				return fail(ps, t[i].col, "lists compare with == or != only");
			if (probe == BF_PR_ZONELIST) {
				if (split_list(ps, v->s, v->col, ",", zoneref_item, NULL))
					return -1;
				e->text = keep_string(ps->p, v->s);
				return 0;
			}
			if (strcmp(v->s, "empty") && split_list(ps, v->s, v->col, ",", pfn_item, list))
				return -1;
			e->text = keep_string(ps->p, list);
			return 0;
		}
		if (probe == BF_PR_BAND && bf_name_index(bf_band_names, BF_NR_BANDS, v->s) >= 0) {
			e->value = bf_name_index(bf_band_names, BF_NR_BANDS, v->s);
			return 0;
		}
		if (probe == BF_PR_ERRNO && !strcmp(v->s, "EINVAL")) {
			e->value = 22;   /* the errno of the last set_mempolicy, positive */
			return 0;
		}
		if (probe == BF_PR_PAGEBLOCK && bf_migratetype_by_name(v->s) >= 0) {
			e->value = bf_migratetype_by_name(v->s);
			return 0;
		}
		if (parse_snum(ps, v->s, v->col, &e->value, &big))
			return -1;
		if (big && e->cmp != BF_EQ && e->cmp != BF_NE)
			return fail(ps, v->col, "%s is past LONG_MAX: compare it with == or != only", v->s);
		return 0;
	}
}
