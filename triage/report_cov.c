/*
 * report_cov.c - the report's section "coverage of the 5.10 allocator"
 * (`bf-triage report --coverage FILE --reach FILE --coverage-html PATH`).
 *
 * Inputs:
 *   --coverage  `llvm-cov export` JSON of the campaign corpus replayed in the
 *               coverage build (scripts/coverage writes it).  The full export
 *               gives per function its execution count, its lines (llvm-cov's
 *               own rule over the file's segments: a line is mapped when a
 *               region starts on it or one with a count wraps it; covered when
 *               the highest such count is > 0) and its branches (each branch
 *               two outcomes, covered when taken); a -summary-only export
 *               gives per file totals only.
 *   --reach     `bf-reach --all` output: "reached|never  <function>: <state>"
 *               lines; the states named in core/features.h TESTCASE_TABLE are
 *               the testcase() boundary markers.
 *   --coverage-html  the line-level report (llvm-cov show -format=html), linked as given.
 *
 * Every modelled kernel function (named as in mm/page_alloc.c, mm/mempolicy.c)
 * of core/ is put in one of the groups of the seed walkthrough by its file,
 * with a few by name (the group table below); the model's own helpers
 * (instrumentation, inspection, snapshots, names) are left out.  Functions
 * never reached are listed first, in the summary and in each group.
 *
 * Invariant: a function of the inputs only -- same files, same section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/features.h"
#include "triage/report_int.h"

/* ---- a small JSON reader (values kept as a tree; numbers as double) ---- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jv {
	int type;
	double num;
	char *str;                 /* J_STR */
	struct jv *kids;           /* J_ARR / J_OBJ values */
	char **keys;               /* J_OBJ */
	int n;
};

struct jp { const char *p, *end; int err, depth; };

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static char *jstr(struct jp *j)
{
	size_t cap = 16, n = 0;
	char *s = malloc(cap);

	j->p++;   /* '"' */
	while (s && j->p < j->end && *j->p != '"') {
		char c = *j->p++;

		if (c == '\\' && j->p < j->end) {
			c = *j->p++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'u') {
				c = '?';
				j->p += j->end - j->p >= 4 ? 4 : j->end - j->p;
			} else if (c != '"' && c != '\\' && c != '/')
				c = '?';
		}
		if (n + 2 > cap) {
			char *ns = realloc(s, cap *= 2);

			if (!ns) {
				free(s);
				s = NULL;
				break;
			}
			s = ns;
		}
		s[n++] = c;
	}
	if (!s || j->p >= j->end) {
		free(s);
		j->err = 1;
		return NULL;
	}
	j->p++;
	s[n] = 0;
	return s;
}

static void jparse(struct jp *j, struct jv *v)
{
	memset(v, 0, sizeof(*v));
	ws(j);
	if (j->p >= j->end || j->err || ++j->depth > 64) {
		j->err = 1;
		return;
	}
	if (*j->p == '{' || *j->p == '[') {
		int obj = *j->p == '{';
		int cap = 0;

		v->type = obj ? J_OBJ : J_ARR;
		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
			j->p++;
			j->depth--;
			return;
		}
		while (!j->err) {
			char *key = NULL;

			ws(j);
			if (obj) {
				if (j->p >= j->end || *j->p != '"' || !(key = jstr(j))) {
					j->err = 1;
					break;
				}
				ws(j);
				if (j->p >= j->end || *j->p != ':') {
					free(key);
					j->err = 1;
					break;
				}
				j->p++;
			}
			if (v->n == cap) {
				struct jv *nk;
				char **nkeys = NULL;

				cap = cap ? cap * 2 : 8;
				nk = realloc(v->kids, (size_t)cap * sizeof(*nk));
				if (nk)
					v->kids = nk;
				if (obj && (nkeys = realloc(v->keys, (size_t)cap * sizeof(*nkeys))))
					v->keys = nkeys;
				if (!nk || (obj && !nkeys)) {
					free(key);
					j->err = 1;
					break;
				}
			}
			if (obj)
				v->keys[v->n] = key;
			jparse(j, &v->kids[v->n++]);
			ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
				j->p++;
				break;
			}
			j->err = 1;
		}
	} else if (*j->p == '"') {
		v->type = J_STR;
		v->str = jstr(j);
	} else if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
		v->type = J_BOOL;
		v->num = *j->p == 't';
		j->p += *j->p == 't' ? 4 : 5;
	} else if (!strncmp(j->p, "null", 4)) {
		j->p += 4;
	} else {
		char *e;

		v->type = J_NUM;
		v->num = strtod(j->p, &e);
		if (e == j->p)
			j->err = 1;
		j->p = e;
	}
	j->depth--;
}

static void jfree(struct jv *v)
{
	for (int i = 0; i < v->n; i++) {
		jfree(&v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids), free(v->keys), free(v->str);
}

static const struct jv *jget(const struct jv *v, const char *key)
{
	for (int i = 0; v && v->type == J_OBJ && i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->kids[i];
	return NULL;
}

static const struct jv *jat(const struct jv *v, int i)
{
	return v && v->type == J_ARR && i >= 0 && i < v->n ? &v->kids[i] : NULL;
}

static double jnum(const struct jv *v)
{
	return v && (v->type == J_NUM || v->type == J_BOOL) ? v->num : 0;
}

/* ---- the groups ---- */

static const char *const group_names[] = {
	"entry and mempolicy", "fast path", "buddy", "pcp", "fallback", "compound pages", "slow path", "free path",
	"boot, sysctls and vmstat",
};
#define NR_GROUPS (int)(sizeof(group_names) / sizeof(group_names[0]))

static const struct { const char *file; int group; } file_groups[] = {
	{ "mempolicy.c", 0 }, { "gfp.c", 0 }, { "fastpath.c", 1 }, { "buddy.c", 2 }, { "pcp.c", 3 },
	{ "fallback.c", 4 }, { "compound.c", 5 }, { "slowpath.c", 6 }, { "free.c", 7 }, { "setup.c", 8 },
	{ "vmstat.c", 8 },
};

/* By name, before the file decides: -1 = a model helper, not a kernel function. */
static const struct { const char *name; int group; } name_groups[] = {
	{ "__alloc_pages_nodemask", 0 }, { "prepare_alloc_pages", 0 }, { "current_gfp_context", 0 },
	{ "alloc_pages_exact", 0 }, { "free_pages_prepare", 7 }, { "free_tail_pages_check", 7 },
	{ "check_free_page", 7 }, { "bulkfree_pcp_prepare", 7 }, { "split_page", 5 },
	{ "local_irq_save", -1 }, { "local_irq_restore", -1 }, { "wmark_band_feature", -1 }, { "gfp_parse", -1 },
	{ "gfp_format", -1 }, { "gfp_zone_bad", -1 }, { "page_pfn_or_none", -1 }, { "node_states_mask", -1 },
	{ "mempolicy_init", -1 }, { "node_has_memory", -1 }, { "node_has_cpus", -1 }, { "fls", -1 },
	{ "mult_frac", -1 }, { "zone_page_state_add_global", -1 },
};

static int group_of(const char *file, const char *name)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	if (!strncmp(name, "bf_", 3) || !strncmp(name, "world_", 6) || !strncmp(name, "explain", 7))
		return -1;
	for (size_t i = 0; i < sizeof(name_groups) / sizeof(name_groups[0]); i++)
		if (!strcmp(name_groups[i].name, name))
			return name_groups[i].group;
	if (!strstr(file, "core/"))
		return -1;
	for (size_t i = 0; i < sizeof(file_groups) / sizeof(file_groups[0]); i++)
		if (!strcmp(file_groups[i].file, base))
			return file_groups[i].group;
	return -1;
}

static const char *const testcase_names[] = {
#define X(e, name) name,
	TESTCASE_TABLE(X)
#undef X
};
#define NR_TC_NAMES (int)(sizeof(testcase_names) / sizeof(testcase_names[0]))

/* ---- the data ---- */

struct cfunc {
	char name[96], file[160];
	int group, line;
	double count;
	long lines, lines_hit, branches, branches_hit;
	int have_lines;
};

struct cstate { char func[96], label[160]; int reached, marker; };

struct cfile { char name[160]; long lines, lines_hit, branches, branches_hit; };

struct bf_rep_cov {
	struct cfunc *f;
	int nf;
	struct cstate *s;
	int ns;
	struct cfile *files;
	int nfiles;
	int have_json, have_funcs, have_reach;
	char *html;
};

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	*n = 0;
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc((size_t)len + 1))) {
		*n = fread(buf, 1, (size_t)len, f);
		buf[*n] = 0;
	}
	fclose(f);
	return buf;
}

static const char *core_rel(const char *file)
{
	const char *c = strstr(file, "core/");

	return c ? c : file;
}

/* llvm-cov's LineCoverageStats over one file's segments: mapped and covered lines in [l0, l1]. */
static void lines_in(const struct jv *segs, long l0, long l1, long *mapped, long *hit)
{
	int i = 0, n = segs ? segs->n : 0;
	const struct jv *wrapped = NULL;

	*mapped = *hit = 0;
	/* segments: [line, col, count, hasCount, isRegionEntry, isGapRegion] sorted by position */
	while (i < n && jnum(jat(jat(segs, i), 0)) < l0)
		wrapped = jat(segs, i++);
	for (long l = l0; l <= l1; l++) {
		int starts = 0, skipped_start = 0, first = 1;
		double count = 0;
		const struct jv *last = NULL;

		for (; i < n && (long)jnum(jat(jat(segs, i), 0)) == l; i++) {
			const struct jv *s = jat(segs, i);
			int has = jnum(jat(s, 3)) != 0, entry = jnum(jat(s, 4)) != 0, gap = jnum(jat(s, 5)) != 0;

			if (first && !has && entry)
				skipped_start = 1;
			first = 0;
			if (!gap && has && entry) {
				starts++;
				count = jnum(jat(s, 2)) > count ? jnum(jat(s, 2)) : count;
			}
			last = s;
		}
		if (!skipped_start && ((wrapped && jnum(jat(wrapped, 3))) || starts)) {
			double c = wrapped && jnum(jat(wrapped, 3)) ? jnum(jat(wrapped, 2)) : 0;

			(*mapped)++;
			if ((starts ? (count > c ? count : c) : c) > 0)
				(*hit)++;
		}
		if (last)
			wrapped = last;
	}
}

static struct cfunc *func_slot(struct bf_rep_cov *c, const char *name, const char *file)
{
	struct cfunc *nf;

	for (int i = 0; i < c->nf; i++)
		if (!strcmp(c->f[i].name, name) && !strcmp(c->f[i].file, file))
			return &c->f[i];
	nf = realloc(c->f, (size_t)(c->nf + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	c->f = nf;
	nf = &c->f[c->nf++];
	memset(nf, 0, sizeof(*nf));
	snprintf(nf->name, sizeof(nf->name), "%s", name);
	snprintf(nf->file, sizeof(nf->file), "%s", file);
	return nf;
}

static void load_json(struct bf_rep_cov *c, const struct jv *root)
{
	const struct jv *data = jat(jget(root, "data"), 0), *files = jget(data, "files"), *funcs = jget(data, "functions");

	c->have_json = 1;
	for (int i = 0; files && i < files->n; i++) {
		const struct jv *fl = jat(files, i), *sum = jget(fl, "summary");
		const struct jv *fn = jget(fl, "filename");
		struct cfile *nf;

		if (!fn || fn->type != J_STR || !strstr(fn->str, "core/"))
			continue;
		nf = realloc(c->files, (size_t)(c->nfiles + 1) * sizeof(*nf));
		if (!nf)
			break;
		c->files = nf;
		nf = &c->files[c->nfiles++];
		snprintf(nf->name, sizeof(nf->name), "%s", core_rel(fn->str));
		nf->lines = (long)jnum(jget(jget(sum, "lines"), "count"));
		nf->lines_hit = (long)jnum(jget(jget(sum, "lines"), "covered"));
		nf->branches = (long)jnum(jget(jget(sum, "branches"), "count"));
		nf->branches_hit = (long)jnum(jget(jget(sum, "branches"), "covered"));
	}
	for (int i = 0; funcs && i < funcs->n; i++) {
		const struct jv *fn = jat(funcs, i), *nm = jget(fn, "name"), *fnames = jget(fn, "filenames");
		const struct jv *regions = jget(fn, "regions"), *br = jget(fn, "branches"), *r0 = jat(regions, 0);
		const struct jv *file0 = jat(fnames, (int)jnum(jat(r0, 5)));
		const char *name;
		struct cfunc *cf;
		long l0, l1, m = 0, h = 0;
		int g;

		if (!nm || nm->type != J_STR || !file0 || file0->type != J_STR)
			continue;
		name = strrchr(nm->str, ':') ? strrchr(nm->str, ':') + 1 : nm->str;  /* "buddy.c:expand" */
		g = group_of(file0->str, name);
		if (g < 0)
			continue;
		cf = func_slot(c, name, core_rel(file0->str));
		if (!cf)
			break;
		c->have_funcs = 1;
		cf->group = g;
		cf->count += jnum(jget(fn, "count"));
		l0 = (long)jnum(jat(r0, 0));
		l1 = (long)jnum(jat(r0, 2));
		if (!cf->line || l0 < cf->line)
			cf->line = (int)l0;
		for (int b = 0; br && b < br->n; b++) {
			const struct jv *x = jat(br, b);

			cf->branches += 2;
			cf->branches_hit += (jnum(jat(x, 4)) > 0) + (jnum(jat(x, 5)) > 0);
		}
		for (int k = 0; files && k < files->n; k++) {
			const struct jv *fl = jat(files, k), *fname = jget(fl, "filename");

			if (fname && fname->type == J_STR && !strcmp(fname->str, file0->str) && jget(fl, "segments")) {
				lines_in(jget(fl, "segments"), l0, l1, &m, &h);
				cf->have_lines = 1;
				/* the same function from several objects: the best of them */
				if (m > cf->lines)
					cf->lines = m;
				if (h > cf->lines_hit)
					cf->lines_hit = h;
				break;
			}
		}
	}
}

static void load_reach(struct bf_rep_cov *c, const char *text)
{
	c->have_reach = 1;
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char line[400], *st, *colon;
		/* "reached N/M states, ..." is the summary line, not a state */
		int reached = !strncmp(p, "reached ", 8) && !(p[8] >= '0' && p[8] <= '9'), never = !strncmp(p, "never ", 6);
		struct cstate *ns;

		if (!reached && !never)
			continue;   /* the summary line, or something else */
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		st = line + strcspn(line, " ");
		st += strspn(st, " ");
		ns = realloc(c->s, (size_t)(c->ns + 1) * sizeof(*ns));
		if (!ns)
			return;
		c->s = ns;
		ns = &c->s[c->ns++];
		memset(ns, 0, sizeof(*ns));
		ns->reached = reached;
		snprintf(ns->label, sizeof(ns->label), "%s", st);
		colon = strstr(st, ": ");
		snprintf(ns->func, sizeof(ns->func), "%.*s", colon ? (int)(colon - st) : 0, st);
		for (int i = 0; i < NR_TC_NAMES; i++)
			if (!strcmp(testcase_names[i], st))
				ns->marker = 1;
	}
}

int bf_rep_cov_load(const char *json, const char *reach, const char *html, struct bf_rep_cov **out, FILE *log)
{
	struct bf_rep_cov *c = calloc(1, sizeof(*c));
	int rc = 0;

	*out = c;
	if (!c)
		return -1;
	c->html = html && *html ? strdup(html) : NULL;
	if (json) {
		size_t n;
		char *text = slurp(json, &n);
		struct jv root;
		struct jp jp = { text, text + n, 0, 0 };

		if (!text) {
			fprintf(log, "report: cannot read the coverage export %s\n", json);
			rc = -1;
		} else {
			jparse(&jp, &root);
			if (jp.err || !jget(&root, "data")) {
				fprintf(log, "report: %s: not llvm-cov export JSON\n", json);
				rc = -1;
			} else {
				load_json(c, &root);
			}
			jfree(&root);
			free(text);
		}
	}
	if (reach) {
		size_t n;
		char *text = slurp(reach, &n);

		if (!text) {
			fprintf(log, "report: cannot read the reach file %s\n", reach);
			rc = -1;
		} else {
			load_reach(c, text);
			free(text);
		}
	}
	return rc;
}

void bf_rep_cov_free(struct bf_rep_cov *c)
{
	if (!c)
		return;
	free(c->f), free(c->s), free(c->files), free(c->html);
	free(c);
}

/* ---- output ---- */

static int func_order(const void *a, const void *b)
{
	const struct cfunc *x = a, *y = b;
	int rx = x->count > 0, ry = y->count > 0, fc;

	if (x->group != y->group)
		return x->group - y->group;
	if (rx != ry)
		return rx - ry;            /* never reached first */
	fc = strcmp(x->file, y->file);
	return fc ? fc : x->line - y->line;
}

static void markers_of(const struct bf_rep_cov *c, const char *func, int *hit, int *all)
{
	*hit = *all = 0;
	for (int i = 0; i < c->ns; i++)
		if (c->s[i].marker && !strcmp(c->s[i].func, func)) {
			(*all)++;
			*hit += c->s[i].reached;
		}
}

struct totals { long fn, fn_hit, l, l_hit, b, b_hit; int m, m_hit, st, st_hit; };

static void totals(const struct bf_rep_cov *c, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < c->nf; i++) {
		t->fn++;
		t->fn_hit += c->f[i].count > 0;
		t->l += c->f[i].lines, t->l_hit += c->f[i].lines_hit;
		t->b += c->f[i].branches, t->b_hit += c->f[i].branches_hit;
	}
	if (!c->have_funcs)
		for (int i = 0; i < c->nfiles; i++)
			t->l += c->files[i].lines, t->l_hit += c->files[i].lines_hit,
			t->b += c->files[i].branches, t->b_hit += c->files[i].branches_hit;
	for (int i = 0; i < c->ns; i++) {
		if (c->s[i].marker)
			t->m++, t->m_hit += c->s[i].reached;
		t->st++, t->st_hit += c->s[i].reached;
	}
}

static void pct(char *buf, size_t n, long a, long b)
{
	if (b)
		snprintf(buf, n, "%ld/%ld (%.0f%%)", a, b, 100.0 * (double)a / (double)b);
	else
		snprintf(buf, n, "-");
}

static void sort_funcs(const struct bf_rep_cov *c)
{
	if (c->nf > 1)   /* none loaded: no array, and qsort must not see NULL */
		qsort(c->f, (size_t)c->nf, sizeof(*c->f), func_order);
}

void bf_rep_cov_md(FILE *f, const struct bf_rep_cov *c)
{
	struct totals t;
	char a[64], b[64];
	int first = 1;

	sort_funcs(c);
	totals(c, &t);
	fputs("## Coverage of the 5.10 allocator\n\n", f);
	if (!c->have_json)
		fputs("No coverage export given (`bf-triage report --coverage FILE`, from `scripts/coverage`).\n\n", f);
	pct(a, sizeof(a), t.l_hit, t.l);
	pct(b, sizeof(b), t.b_hit, t.b);
	if (c->have_json)
		fprintf(f, "Modelled kernel functions reached: %ld/%ld; lines %s; branches %s.\n", t.fn_hit, t.fn, a, b);
	if (c->have_reach)
		fprintf(f, "testcase() markers reached: %d/%d; allocator states reached: %d/%d.\n", t.m_hit, t.m,
			t.st_hit, t.st);
	if (c->html)
		fprintf(f, "Line-level coverage: [%s](%s).\n", c->html, c->html);
	fputc('\n', f);
	for (int i = 0; i < c->nf; i++)
		if (c->f[i].count <= 0) {
			fprintf(f, "%s`%s`", first ? "Never reached: " : ", ", c->f[i].name);
			first = 0;
		}
	if (!first)
		fputs(".\n\n", f);
	for (int g = 0; g < NR_GROUPS; g++) {
		int any = 0;

		for (int i = 0; i < c->nf; i++) {
			const struct cfunc *x = &c->f[i];
			int mh, ma;

			if (x->group != g)
				continue;
			if (!any)
				fprintf(f, "### %s\n\n| function | file | calls | lines | branches | testcase() markers |\n"
					   "|---|---|---|---|---|---|\n", group_names[g]);
			any = 1;
			markers_of(c, x->name, &mh, &ma);
			pct(a, sizeof(a), x->lines_hit, x->lines);
			pct(b, sizeof(b), x->branches_hit, x->branches);
			fprintf(f, "| `%s`%s | %s:%d | %.0f | %s | %s | ", x->name, x->count > 0 ? "" : " **never reached**",
				x->file, x->line, x->count, x->have_lines ? a : "-", b);
			if (ma)
				fprintf(f, "%d/%d |\n", mh, ma);
			else
				fputs("- |\n", f);
		}
		if (any)
			fputc('\n', f);
	}
	if (c->have_reach) {
		fputs("### testcase() markers\n\n| marker | |\n|---|---|\n", f);
		for (int r = 0; r < 2; r++)   /* not reached first */
			for (int i = 0; i < c->ns; i++)
				if (c->s[i].marker && c->s[i].reached == r)
					fprintf(f, "| %s | %s |\n", c->s[i].label, r ? "reached" : "**not reached**");
		fputc('\n', f);
	}
	if (!c->have_funcs && c->nfiles) {
		fputs("Per file (a -summary-only export has no per-function data):\n\n| file | lines | branches |\n"
		      "|---|---|---|\n", f);
		for (int i = 0; i < c->nfiles; i++) {
			pct(a, sizeof(a), c->files[i].lines_hit, c->files[i].lines);
			pct(b, sizeof(b), c->files[i].branches_hit, c->files[i].branches);
			fprintf(f, "| %s | %s | %s |\n", c->files[i].name, a, b);
		}
		fputc('\n', f);
	}
}

static void esc(FILE *f, const char *s)
{
	bf_rep_html_escape(f, s);
}

static void bar(FILE *f, long a, long b)
{
	char buf[64];

	pct(buf, sizeof(buf), a, b);
	fprintf(f, "<td class=\"bar\">%s", buf);
	if (b)
		fprintf(f, "<br><span style=\"width:%ldpx\"></span>", 80 * a / b);
	fputs("</td>", f);
}

void bf_rep_cov_html(FILE *f, const struct bf_rep_cov *c)
{
	struct totals t;
	char a[64], b[64];
	int first = 1;

	sort_funcs(c);
	totals(c, &t);
	fputs("<section id=\"coverage\">\n<h2>Coverage of the 5.10 allocator</h2>\n<p>", f);
	if (!c->have_json)
		fputs("No coverage export given (<code>bf-triage report --coverage FILE</code>, from "
		      "<code>scripts/coverage</code>). ", f);
	pct(a, sizeof(a), t.l_hit, t.l);
	pct(b, sizeof(b), t.b_hit, t.b);
	if (c->have_json)
		fprintf(f, "Modelled kernel functions reached: <b>%ld/%ld</b>; lines %s; branches %s. ", t.fn_hit, t.fn,
			a, b);
	if (c->have_reach)
		fprintf(f, "testcase() markers reached: <b>%d/%d</b>; allocator states reached: %d/%d. ", t.m_hit, t.m,
			t.st_hit, t.st);
	if (c->html) {
		fputs("<a class=\"coverage-html\" href=\"", f);
		esc(f, c->html);
		fputs("\">Line-level coverage</a>.", f);
	}
	fputs("</p>\n", f);
	for (int i = 0; i < c->nf; i++)
		if (c->f[i].count <= 0) {
			fputs(first ? "<p class=\"never-reached\">Never reached: " : ", ", f);
			fputs("<code class=\"cov-never\">", f);
			esc(f, c->f[i].name);
			fputs("</code>", f);
			first = 0;
		}
	if (!first)
		fputs("</p>\n", f);
	for (int g = 0; g < NR_GROUPS; g++) {
		int any = 0;

		for (int i = 0; i < c->nf; i++) {
			const struct cfunc *x = &c->f[i];
			int mh, ma;

			if (x->group != g)
				continue;
			if (!any) {
				fputs("<h3>", f);
				esc(f, group_names[g]);
				fputs("</h3>\n<table class=\"cov\">\n<thead><tr><th>function</th><th>file</th><th>calls</th>"
				      "<th>lines</th><th>branches</th><th>testcase() markers</th></tr></thead>\n<tbody>\n", f);
			}
			any = 1;
			markers_of(c, x->name, &mh, &ma);
			fprintf(f, "<tr class=\"%s\"><td><code>", x->count > 0 ? "cov-reached" : "cov-never");
			esc(f, x->name);
			fprintf(f, "</code>%s</td><td>", x->count > 0 ? "" : " never reached");
			esc(f, x->file);
			fprintf(f, ":%d</td><td class=\"num\">%.0f</td>", x->line, x->count);
			if (x->have_lines)
				bar(f, x->lines_hit, x->lines);
			else
				fputs("<td>-</td>", f);
			bar(f, x->branches_hit, x->branches);
			if (ma)
				fprintf(f, "<td class=\"num\">%d/%d</td></tr>\n", mh, ma);
			else
				fputs("<td>-</td></tr>\n", f);
		}
		if (any)
			fputs("</tbody>\n</table>\n", f);
	}
	if (c->have_reach) {
		fputs("<h3>testcase() markers</h3>\n<table class=\"cov markers\">\n<tbody>\n", f);
		for (int r = 0; r < 2; r++)
			for (int i = 0; i < c->ns; i++)
				if (c->s[i].marker && c->s[i].reached == r) {
					fprintf(f, "<tr class=\"%s\"><td>", r ? "cov-reached" : "cov-never");
					esc(f, c->s[i].label);
					fprintf(f, "</td><td>%s</td></tr>\n", r ? "reached" : "not reached");
				}
		fputs("</tbody>\n</table>\n", f);
	}
	if (!c->have_funcs && c->nfiles) {
		fputs("<p>Per file (a -summary-only export has no per-function data):</p>\n<table class=\"cov\">\n"
		      "<thead><tr><th>file</th><th>lines</th><th>branches</th></tr></thead>\n<tbody>\n", f);
		for (int i = 0; i < c->nfiles; i++) {
			fputs("<tr><td>", f);
			esc(f, c->files[i].name);
			fputs("</td>", f);
			bar(f, c->files[i].lines_hit, c->files[i].lines);
			bar(f, c->files[i].branches_hit, c->files[i].branches);
			fputs("</tr>\n", f);
		}
		fputs("</tbody>\n</table>\n", f);
	}
	fputs("</section>\n", f);
}
