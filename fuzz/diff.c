/*
 * diff.c - compare two sides op by op (diff.h).  Each side runs the program
 * once, leaving one digest per channel per op; the first op and channel
 * where the digests differ is the difference.  Only then are both sides run
 * again to that op to describe it as text, and the first differing line of
 * that channel names what differs and holds both values -- so the fast path
 * (fuzzing) formats nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/diff.h"
#include "core/mm.h"

int bf_diff_side_builtin(struct bf_diff_side *s, unsigned int fixes, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->api = bf_diff_side_a();
	s->fixes = fixes;
	snprintf(s->name, sizeof(s->name), "%s", name);
	return (s->st = s->api->create()) ? 0 : -1;
}

int bf_diff_side_load(struct bf_diff_side *s, const char *so_path, const char *name, char *err, size_t len)
{
	const struct bf_diff_side_api *(*entry)(void);

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	/* RTLD_LOCAL and the library's hidden symbols: its core never meets this binary's */
	if (!(s->dl = dlopen(so_path, RTLD_NOW | RTLD_LOCAL))) {
		snprintf(err, len, "%s", dlerror());
		return -1;
	}
	entry = (const struct bf_diff_side_api *(*)(void))dlsym(s->dl, "bf_diff_side_b");
	if (!entry || !(s->api = entry()) || s->api->abi != BF_DIFF_ABI) {
		snprintf(err, len, "%s: not a side library of this build (rebuild it)", so_path);
		dlclose(s->dl);
		s->dl = NULL;
		return -1;
	}
	if (!(s->st = s->api->create())) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	return 0;
}

void bf_diff_side_close(struct bf_diff_side *s)
{
	if (s->api && s->st)
		s->api->destroy(s->st);
	if (s->dl)
		dlclose(s->dl);
	memset(s, 0, sizeof(*s));
}

static int run_side(struct bf_diff_side *s, const struct bf_prog *p, const struct bf_diff_opts *o, int describe_op,
		    FILE *describe, FILE *trace, struct bf_diff_obs *obs)
{
	struct bf_diff_run_opts ro = { .abi = BF_DIFF_ABI, .fixes = s->fixes, .lenient = o->lenient,
				       .checkpoint = o->checkpoint, .describe_op = describe_op,
				       .describe = describe, .trace = trace };

	return s->api->run(s->st, p, &ro, obs);
}

/* A side's description of one op, as text (malloc'd), or NULL. */
static char *describe(struct bf_diff_side *s, const struct bf_prog *p, const struct bf_diff_opts *o, int op,
		      struct bf_diff_rec *rec)
{
	struct bf_diff_obs obs = { .rec = rec };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	run_side(s, p, o, op, f, NULL, &obs);
	fclose(f);
	return buf;
}

/* The lines of one channel's section ("== name" up to the next "== "), as a pointer into text and a length. */
static const char *section_of(const char *text, int ch, size_t *len)
{
	char head[64];
	const char *s, *e;

	snprintf(head, sizeof(head), "== %s\n", bf_diff_channel_names[ch]);
	if (!text || !(s = strstr(text, head)))
		return *len = 0, "";
	s += strlen(head);
	e = strstr(s, "\n== ");
	*len = e ? (size_t)(e - s) + 1 : strlen(s);
	return s;
}

static const char *next_line(const char *s, const char *end, char *out, size_t cap)
{
	size_t n = 0;

	if (s >= end) {
		snprintf(out, cap, "(nothing)");
		return s;
	}
	while (s < end && *s != '\n') {
		if (n + 1 < cap)
			out[n++] = *s;
		s++;
	}
	out[n] = 0;
	return s < end ? s + 1 : s;
}

/* The first differing lines of a channel's sections; 0 if the sections are equal. */
static int first_diff(const char *ta, size_t la, const char *tb, size_t lb, char *a, char *b, size_t cap)
{
	const char *ea = ta + la, *eb = tb + lb;

	while (ta < ea || tb < eb) {
		ta = next_line(ta, ea, a, cap);
		tb = next_line(tb, eb, b, cap);
		if (strcmp(a, b))
			return 1;
	}
	return 0;
}

/* "counter:pgfree: 3" -> "counter:pgfree"; the result channel's "returned: NULL" -> "null". */
static void what_of(int ch, const char *line, char *what, size_t cap)
{
	size_t n = strcspn(line, " ");

	if (n && line[n - 1] == ':')
		n--;
	if (ch == BF_CH_RESULT && !strncmp(line, "returned", n))
		snprintf(what, cap, "null");
	else if (!strcmp(line, "(nothing)"))
		snprintf(what, cap, "%s", bf_diff_channel_names[ch]);
	else
		snprintf(what, cap, "%.*s", (int)n, line);
}

static void explain(struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		    const struct bf_diff_opts *o, int ch, struct bf_diff_result *r, struct bf_diff_rec *rec)
{
	char *da = describe(a, p, o, r->op, rec), *db = describe(b, p, o, r->op, rec);
	size_t la, lb;
	const char *sa = section_of(da, ch, &la), *sb = section_of(db, ch, &lb);
	char what[80];
	const char *opname = r->op < p->nr_ops ? bf_op_names[p->ops[r->op].kind] : NULL;

	if (!first_diff(sa, la, sb, lb, r->a, r->b, sizeof(r->a))) {
		/* equal texts, different digests: a side that is not deterministic */
		snprintf(r->a, sizeof(r->a), "(the descriptions are equal: a side is not deterministic)");
		snprintf(r->b, sizeof(r->b), "%s", r->a);
	}
	what_of(ch, r->a, what, sizeof(what));
	snprintf(r->kind, sizeof(r->kind), "behaviour-diff:%s", what);
	if (opname)
		snprintf(r->title, sizeof(r->title), "DIVERGENCE: %s in %s (op %d: A %.200s | B %.200s)", r->kind, opname,
			 r->op, r->a, r->b);
	else
		snprintf(r->title, sizeof(r->title), "DIVERGENCE: %s at the end (A %.200s | B %.200s)", r->kind, r->a,
			 r->b);
	free(da);
	free(db);
}

int bf_diff_run(struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		const struct bf_diff_opts *o, struct bf_diff_result *r)
{
	size_t n = (size_t)p->nr_ops + 1;
	struct bf_diff_rec *ra = calloc(n, sizeof(*ra)), *rb = calloc(n, sizeof(*rb));
	struct bf_diff_obs oa = { .rec = ra }, ob = { .rec = rb };
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!ra || !rb || run_side(a, p, o, -1, NULL, NULL, &oa) || run_side(b, p, o, -1, NULL, NULL, &ob))
		goto out;
	rc = 0;
	for (size_t i = 0; i < n && !r->differ; i++) {
		if (!ra[i].seen && !rb[i].seen)
			continue;  /* both stopped before this op (the status channel said where) */
		for (int ch = 0; ch < BF_DIFF_NR_CH; ch++) {
			if (ra[i].seen == rb[i].seen && ra[i].h[ch] == rb[i].h[ch])
				continue;
			r->differ = 1;
			r->op = (int)i;
			r->line = (int)i < p->nr_ops ? p->ops[i].line : 0;
			explain(a, b, p, o, ch, r, ra);
			break;
		}
	}
out:
	free(ra);
	free(rb);
	return rc;
}

/* A side's trace, cut at its "@@ N" markers: ops[i] points into text at op i's lines (NULL: none). */
struct trace {
	char *text;
	char **op_start;
	int n;
};

static void trace_of(struct bf_diff_side *s, const struct bf_prog *p, const struct bf_diff_opts *o, struct trace *t)
{
	struct bf_diff_rec *rec = calloc((size_t)p->nr_ops + 1, sizeof(*rec));
	struct bf_diff_obs obs = { .rec = rec };
	size_t len = 0;
	FILE *f = open_memstream(&t->text, &len);
	char *c;

	t->n = p->nr_ops;
	t->op_start = calloc((size_t)p->nr_ops + 1, sizeof(char *));
	if (!f || !rec || !t->op_start)
		abort();
	run_side(s, p, o, -1, NULL, f, &obs);
	fclose(f);
	free(rec);
	/* lines before "@@ i" belong to op i */
	c = t->text;
	while (c && *c) {
		char *m = strstr(c, "@@ ");
		int i;

		if (!m || (m != t->text && m[-1] != '\n'))
			break;
		i = atoi(m + 3);
		*m = 0;
		if (i >= 0 && i < p->nr_ops)
			t->op_start[i] = c;
		c = strchr(m + 3, '\n');
		c = c ? c + 1 : NULL;
	}
}

/* The next line of a trace chunk without the executor's "%4d: " line prefix; NULL at its end. */
static const char *trace_line(const char *s, char *out, size_t cap)
{
	size_t n;

	if (!s || !*s)
		return NULL;
	while (*s == ' ')
		s++;
	while (*s >= '0' && *s <= '9')
		s++;
	if (s[0] == ':' && s[1] == ' ')
		s += 2;
	n = strcspn(s, "\n");
	snprintf(out, cap, "%.*s", (int)n, s);
	return s[n] ? s + n + 1 : s + n;
}

void bf_diff_traces(FILE *f, struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		    const struct bf_diff_opts *o, int mark_op)
{
	struct trace ta = { 0 }, tb = { 0 };
	int last = mark_op + 5 < p->nr_ops ? mark_op + 5 : p->nr_ops - 1;

	trace_of(a, p, o, &ta);
	trace_of(b, p, o, &tb);
	/* one row per trace line: "=" when both sides wrote the same, else the A and B lines under each other */
	fprintf(f, "    op line  A: %s\n              B: %s\n", a->name, b->name);
	for (int i = 0; i <= last; i++) {
		const char *la = ta.op_start[i], *lb = tb.op_start[i], *mark = i == mark_op ? ">>" : "  ";
		char l[512], r[512];
		int rows = 0;

		for (;;) {
			const char *na = trace_line(la, l, sizeof(l)), *nb = trace_line(lb, r, sizeof(r));

			if (!na && !nb)
				break;
			if (!na)
				l[0] = 0;
			if (!nb)
				r[0] = 0;
			if (!strcmp(l, r))
				fprintf(f, "%s %3d %4d  %s  = \n", mark, i, p->ops[i].line, l);
			else
				fprintf(f, "%s %3d %4d  A: %s\n              B: %s\n", mark, i, p->ops[i].line, na ? l : "-",
					nb ? r : "-");
			la = na;
			lb = nb;
			rows++;
		}
		if (!rows)
			fprintf(f, "%s %3d %4d  (%s)\n", mark, i, p->ops[i].line, bf_op_names[p->ops[i].kind]);
	}
	if (last < p->nr_ops - 1)
		fprintf(f, "    ... %d more ops\n", p->nr_ops - 1 - last);
	free(ta.text);
	free(tb.text);
	free(ta.op_start);
	free(tb.op_start);
}

void bf_diff_report(FILE *f, struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		    const struct bf_diff_opts *o, const struct bf_diff_result *r)
{
	fprintf(f, "%s\n", r->title);
	if (r->op < p->nr_ops)
		fprintf(f, "op: %d (line %d)\n", r->op, r->line);
	else
		fprintf(f, "op: end of the run\n");
	fprintf(f, "side A: %s\nside B: %s\n", a->name, b->name);
	fprintf(f, "first differing observation:\n  A: %s\n  B: %s\n", r->a, r->b);
	fprintf(f, "\nprogram:\n");
	bf_prog_print(p, f);
	/* a "--- " section: the triage report shows it (report_sides) */
	fprintf(f, "\n--- two sides\n");
	bf_diff_traces(f, a, b, p, o, r->op);
}
