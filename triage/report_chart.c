/*
 * report_chart.c - the campaign charts of `bf-triage report`: executions per
 * second, corpus size and coverage over time from the samples table (one
 * polyline per engine, at most eight, plus the total when there are two or
 * more), findings over time (cumulative by first_seen, a step line), and the
 * same series as a small markdown table for index.md.
 *
 * An engine's line: when the engine has samples of the campaign's own ticks
 * (runs 'campaign:<engine>', `bf-triage sample`), those; otherwise its runs'
 * points (libFuzzer logs, AFL++ plot_data; a run without samples counts as
 * one point at its start) combined at every time one of them has a point:
 * exec/s summed over the runs alive then (between their first and last
 * point), corpus and coverage their maximum (one shared corpus).  The total
 * combines the engines the same way: exec/s summed, corpus and coverage the
 * maximum (libFuzzer's cov and AFL++'s edges are different units: the total
 * is the best of them, not a sum).  At most MAX_PTS points per line (the
 * last of each time bucket).
 *
 * Invariants: the SVG is inline-able -- no xmlns (report.c adds it to the
 * .svg files), no script, no external reference; every number printed is a
 * function of the rows (times as UTC dates, values with fixed precision).
 */
#include <stdlib.h>
#include <string.h>
#include "triage/report_int.h"

#define CH_W 560
#define CH_H 220
#define PX0 64
#define PX1 (CH_W - 16)
#define PY0 16
#define PY1 176
#define NR_SERIES_COLOURS 8
static const char *const series_colour[NR_SERIES_COLOURS] = { "#3182ce", "#dd6b20", "#38a169", "#805ad5",
							      "#d53f8c", "#319795", "#b7791f", "#4a5568" };

struct pt { double t, v; int series; };

static void fmt_num(double v, char *buf, size_t n)
{
	if (v >= 1e9)
		snprintf(buf, n, "%.1fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

/* The axis top: the smallest 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten above 1.05 v. */
static double nice_max(double v)
{
	static const double steps[] = { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	double p = 1;

	if (v <= 0)
		return 1;
	v *= 1.05;
	while (p * 10 < v)
		p *= 10;
	while (p > v)
		p /= 10;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * p >= v)
			return steps[i] * p;
	return 10 * p;
}

static void put_name(FILE *m, const char *name)
{
	for (const char *p = name; *p; p++)
		if (strchr("<>&\"'", *p))
			fprintf(m, "&#%d;", *p);
		else
			fputc(*p, m);
}

static char *chart(const char *title, const struct pt *pts, int n, char series[][96], int ns, int step)
{
	double tmin = 0, tmax = 0, vmax = 0;
	char *out = NULL, a[40], b[40];
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m)
		return NULL;
	for (int i = 0; i < n; i++) {
		tmin = i == 0 || pts[i].t < tmin ? pts[i].t : tmin;
		tmax = i == 0 || pts[i].t > tmax ? pts[i].t : tmax;
		vmax = pts[i].v > vmax ? pts[i].v : vmax;
	}
	vmax = nice_max(vmax);
	fprintf(m, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
		   "font-family=\"sans-serif\" font-size=\"10\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\" "
		   "stroke=\"#cbd5e0\"/>\n<text x=\"%d\" y=\"12\" font-size=\"12\" font-weight=\"bold\">%s</text>\n",
		CH_W, CH_H + 14 * ((ns + 2) / 3 - 1 > 0 ? (ns + 2) / 3 - 1 : 0), CH_W,
		CH_H + 14 * ((ns + 2) / 3 - 1 > 0 ? (ns + 2) / 3 - 1 : 0), title, CH_W,
		CH_H + 14 * ((ns + 2) / 3 - 1 > 0 ? (ns + 2) / 3 - 1 : 0), PX0, title);
	fprintf(m, "<path d=\"M%d %dV%dH%d\" fill=\"none\" stroke=\"#4a5568\"/>\n", PX0, PY0, PY1, PX1);
	if (!n) {
		fprintf(m, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#718096\">no data recorded</text>\n</svg>",
			(PX0 + PX1) / 2, (PY0 + PY1) / 2);
		fclose(m);
		return out;
	}
	fmt_num(vmax, a, sizeof(a));
	fmt_num(vmax / 2, b, sizeof(b));
	fprintf(m, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
		   "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
		PX0 - 4, PY0 + 4, a, PX0 - 4, (PY0 + PY1) / 2 + 4, b, PX0 - 4, PY1 + 4);
	fprintf(m, "<path d=\"M%d %dH%d\" stroke=\"#e2e8f0\"/>\n", PX0 + 1, (PY0 + PY1) / 2, PX1);
	bf_rep_time((long)tmin, a, sizeof(a));
	bf_rep_time((long)tmax, b, sizeof(b));
	fprintf(m, "<text x=\"%d\" y=\"%d\">%s</text>", PX0, PY1 + 14, a);
	if (tmax > tmin)
		fprintf(m, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", PX1, PY1 + 14, b);
	fputc('\n', m);
	for (int s = 0; s < ns; s++) {
		int total = !strncmp(series[s], "total", 5) || !strncmp(series[s], "all engines", 11);
		const char *c = total ? "#1a202c" : series_colour[s % NR_SERIES_COLOURS];
		int first = 1, cnt = 0;
		double py = 0;

		fputs("<g class=\"series\" data-series=\"", m);
		put_name(m, series[s]);
		fprintf(m, "\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"", c,
			total ? "2" : "1.5", total ? " stroke-dasharray=\"5 3\"" : "");
		for (int i = 0; i < n; i++) {
			double x, y;

			if (pts[i].series != s)
				continue;
			x = tmax > tmin ? PX0 + (PX1 - PX0) * (pts[i].t - tmin) / (tmax - tmin) : (PX0 + PX1) / 2.0;
			y = PY1 - (PY1 - PY0) * pts[i].v / vmax;
			if (!first && step)   /* a count that holds until the next event */
				fprintf(m, " %.1f,%.1f", x, py);
			fprintf(m, "%s%.1f,%.1f", first ? "" : " ", x, y);
			first = 0;
			py = y;
			cnt++;
		}
		fputs("\"/>", m);
		for (int i = 0; cnt <= 60 && i < n; i++) {
			if (pts[i].series != s)
				continue;
			fprintf(m, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>",
				tmax > tmin ? PX0 + (PX1 - PX0) * (pts[i].t - tmin) / (tmax - tmin) : (PX0 + PX1) / 2.0,
				PY1 - (PY1 - PY0) * pts[i].v / vmax, c);
		}
		fprintf(m, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">",
			PX0 + (s % 3) * 160, PY1 + 24 + (s / 3) * 14, c, PX0 + (s % 3) * 160 + 14, PY1 + 33 + (s / 3) * 14);
		put_name(m, series[s]);
		fputs("</text>\n", m);
	}
	fputs("</svg>", m);
	fclose(m);
	return out;
}

/* ---- the series: engines and their runs' points ---- */

#define MAX_ENGINES 8
#define MAX_PTS 300
#define NM 3    /* exec/s, corpus, coverage */

struct rpt { long t; double v[NM]; int has[NM]; };
struct rrun { long id; int campaign; struct rpt *p; int np; };
struct eng { char name[96]; struct rrun *r; int nr; int has_campaign; };
struct line { long *t; double *v; int n; };   /* one metric's combined series */

static int load_engines(sqlite3 *db, struct eng *e, int *ne)
{
	sqlite3_stmt *s;

	*ne = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT r.engine, r.id, r.source LIKE 'campaign:%', s.t, s.execs_per_s, s.corpus_size,"
			       " s.coverage FROM samples s JOIN runs r ON r.id = s.run_id"
			       " UNION ALL SELECT engine, id, source LIKE 'campaign:%', coalesce(started_at, ingested_at),"
			       " execs_per_s, corpus_size, coverage FROM runs"
			       " WHERE NOT EXISTS (SELECT 1 FROM samples WHERE run_id = runs.id)"
			       " ORDER BY 1, 2, 4", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		long id = (long)sqlite3_column_int64(s, 1);
		int ei = 0;
		struct eng *g;
		struct rrun *r;
		struct rpt *np, p = { (long)sqlite3_column_int64(s, 3), { 0 }, { 0 } };

		while (ei < *ne && strcmp(e[ei].name, name ? name : ""))
			ei++;
		if (ei == *ne) {
			if (*ne == MAX_ENGINES)
				ei = MAX_ENGINES - 1;   /* a ninth engine joins the eighth's line */
			else
				snprintf(e[(*ne)++].name, sizeof(e[0].name), "%s", name ? name : "");
		}
		g = &e[ei];
		if (!g->nr || g->r[g->nr - 1].id != id) {
			struct rrun *nr = realloc(g->r, (size_t)(g->nr + 1) * sizeof(*nr));

			if (!nr)
				break;
			g->r = nr;
			memset(&g->r[g->nr], 0, sizeof(g->r[0]));
			g->r[g->nr].id = id;
			g->r[g->nr].campaign = sqlite3_column_int(s, 2);
			g->has_campaign |= g->r[g->nr].campaign;
			g->nr++;
		}
		r = &g->r[g->nr - 1];
		for (int c = 0; c < NM; c++)
			if (sqlite3_column_type(s, 4 + c) != SQLITE_NULL)
				p.v[c] = sqlite3_column_double(s, 4 + c), p.has[c] = 1;
		np = realloc(r->p, (size_t)(r->np + 1) * sizeof(*np));
		if (!np)
			break;
		r->p = np;
		r->p[r->np++] = p;
	}
	sqlite3_finalize(s);
	return 0;
}

static void engines_free(struct eng *e, int ne)
{
	for (int i = 0; i < ne; i++) {
		for (int j = 0; j < e[i].nr; j++)
			free(e[i].r[j].p);
		free(e[i].r);
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Sorted distinct times; n in/out. */
static void uniq_times(long *t, int *n)
{
	int k = 0;

	if (*n > 1)   /* no samples: maybe no array, and qsort must not see NULL */
		qsort(t, (size_t)*n, sizeof(*t), cmp_long);
	for (int i = 0; i < *n; i++)
		if (!k || t[k - 1] != t[i])
			t[k++] = t[i];
	*n = k;
}

/* Keep at most MAX_PTS points: the last of each of MAX_PTS equal time buckets. */
static void thin(struct line *l)
{
	int k = 0;

	if (l->n <= MAX_PTS)
		return;
	for (int i = 0; i < l->n; i++) {
		long span = l->t[l->n - 1] - l->t[0] + 1;
		long b = (l->t[i] - l->t[0]) * MAX_PTS / span;
		long bn = i + 1 < l->n ? (l->t[i + 1] - l->t[0]) * MAX_PTS / span : -1;

		if (bn != b) {
			l->t[k] = l->t[i];
			l->v[k++] = l->v[i];
		}
	}
	l->n = k;
}

/*
 * Combine n sources (runs, or engines' lines) of metric c: at every time a
 * source has a point, the sum (c == 0) or maximum of the sources alive then
 * (between their first and last point), each at its newest point so far.
 */
static void combine(struct line *src, int n, int c, struct line *out)
{
	int nt = 0, *at = calloc((size_t)n + 1, sizeof(int));
	long *t = NULL;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++)
		nt += src[i].n;
	t = malloc(((size_t)nt + 1) * sizeof(*t));
	out->t = malloc(((size_t)nt + 1) * sizeof(long));
	out->v = malloc(((size_t)nt + 1) * sizeof(double));
	if (!t || !at || !out->t || !out->v) {
		free(t), free(at);
		return;
	}
	nt = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < src[i].n; j++)
			t[nt++] = src[i].t[j];
	uniq_times(t, &nt);
	for (int k = 0; k < nt; k++) {
		double acc = 0;
		int any = 0;

		for (int i = 0; i < n; i++) {
			struct line *l = &src[i];

			while (at[i] < l->n && l->t[at[i]] <= t[k])
				at[i]++;
			if (!at[i] || (at[i] == l->n && l->t[l->n - 1] < t[k]))
				continue;     /* not started, or over */
			acc = c == 0 ? acc + l->v[at[i] - 1] : (any && acc > l->v[at[i] - 1] ? acc : l->v[at[i] - 1]);
			any = 1;
		}
		if (any) {
			out->t[out->n] = t[k];
			out->v[out->n++] = acc;
		}
	}
	free(t), free(at);
}

static void line_free(struct line *l)
{
	free(l->t), free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The line of engine g, metric c (unthinned). */
static void engine_line(const struct eng *g, int c, struct line *out)
{
	struct line *src = calloc((size_t)g->nr + 1, sizeof(*src));
	int ns = 0;

	memset(out, 0, sizeof(*out));
	if (!src)
		return;
	for (int i = 0; i < g->nr; i++) {
		const struct rrun *r = &g->r[i];
		struct line *l = &src[ns];

		if (g->has_campaign && !r->campaign)
			continue;   /* the campaign's ticks already count every process of the engine */
		l->t = malloc(((size_t)r->np + 1) * sizeof(long));
		l->v = malloc(((size_t)r->np + 1) * sizeof(double));
		if (!l->t || !l->v) {
			line_free(l);
			continue;
		}
		for (int j = 0; j < r->np; j++)
			if (r->p[j].has[c]) {
				l->t[l->n] = r->p[j].t;
				l->v[l->n++] = r->p[j].v[c];
			}
		ns++;
	}
	combine(src, ns, c, out);
	for (int i = 0; i < ns; i++)
		line_free(&src[i]);
	free(src);
}

/* lines[c][0..ne-1] the engines', lines[c][ne] the total (n 0 when fewer than two engines). */
static void all_lines(struct eng *e, int ne, struct line lines[NM][MAX_ENGINES + 1])
{
	memset(lines, 0, sizeof(struct line) * NM * (MAX_ENGINES + 1));
	for (int c = 0; c < NM; c++) {
		for (int i = 0; i < ne; i++)
			engine_line(&e[i], c, &lines[c][i]);
		if (ne > 1)
			combine(lines[c], ne, c, &lines[c][ne]);
	}
}

static const char *total_name(int c)
{
	return c == 0 ? "total (sum)" : "all engines (max)";
}

int bf_rep_charts(sqlite3 *db, struct bf_rep_chart ch[BF_REP_NR_CHARTS])
{
	static const char *const files[BF_REP_NR_CHARTS] = { "execs_per_s.svg", "corpus.svg", "coverage.svg",
							     "findings.svg" };
	static const char *const titles[BF_REP_NR_CHARTS] = { "executions per second", "corpus size",
							      "coverage", "findings (cumulative, by first seen)" };
	struct pt *pts[BF_REP_NR_CHARTS] = { NULL };
	int npts[BF_REP_NR_CHARTS] = { 0 }, ne = 0, nf = 0, rc = 0;
	struct eng e[MAX_ENGINES];
	struct line lines[NM][MAX_ENGINES + 1];
	char series[MAX_ENGINES + 1][96];
	sqlite3_stmt *s;

	memset(ch, 0, sizeof(*ch) * BF_REP_NR_CHARTS);
	memset(e, 0, sizeof(e));
	if (load_engines(db, e, &ne))
		rc = -1;
	all_lines(e, ne, lines);
	for (int i = 0; i < ne; i++)
		snprintf(series[i], sizeof(series[0]), "%.*s", (int)sizeof(series[0]) - 1, e[i].name);
	for (int c = 0; c < NM; c++) {
		for (int i = 0; i <= ne; i++) {
			struct line *l = &lines[c][i];

			thin(l);
			for (int j = 0; j < l->n; j++) {
				struct pt *np = realloc(pts[c], (size_t)(npts[c] + 1) * sizeof(*np));

				if (!np)
					break;
				pts[c] = np;
				np[npts[c]++] = (struct pt){ (double)l->t[j], l->v[j], i };
			}
			line_free(l);
		}
	}
	engines_free(e, ne);
	if (sqlite3_prepare_v2(db, "SELECT first_seen FROM findings ORDER BY first_seen, id", -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			struct pt *np = realloc(pts[3], (size_t)(npts[3] + 1) * sizeof(*np));

			if (!np)
				break;
			pts[3] = np;
			np[npts[3]++] = (struct pt){ sqlite3_column_double(s, 0), ++nf, 0 };
		}
		sqlite3_finalize(s);
	} else {
		rc = -1;
	}
	for (int c = 0; c < BF_REP_NR_CHARTS; c++) {
		char one[1][96] = { "all findings" };
		int nsr = ne + (ne > 1);

		if (ne > 1 && c < NM)
			snprintf(series[ne], sizeof(series[0]), "%s", total_name(c));
		ch[c].file = files[c];
		ch[c].title = titles[c];
		ch[c].svg = c == 3 ? chart(titles[c], pts[c], npts[c], one, 1, 1)
				   : chart(titles[c], pts[c], npts[c], series, nsr, 0);
		if (!ch[c].svg)
			rc = -1;
		free(pts[c]);
	}
	return rc;
}

/* The value of line l at time t (its newest point so far), or -1 if not alive. */
static double at_time(const struct line *l, long t)
{
	int i = 0;

	if (!l->n || t < l->t[0] || t > l->t[l->n - 1])
		return -1;
	while (i + 1 < l->n && l->t[i + 1] <= t)
		i++;
	return l->v[i];
}

char *bf_rep_samples_md(sqlite3 *db)
{
	struct eng e[MAX_ENGINES];
	struct line lines[NM][MAX_ENGINES + 1];
	int ne = 0, nl;
	long t0 = 0, t1 = 0;
	char *out = NULL;
	size_t len = 0;
	FILE *m;

	memset(e, 0, sizeof(e));
	if (load_engines(db, e, &ne) || !ne) {
		engines_free(e, ne);
		return strdup("");
	}
	all_lines(e, ne, lines);
	nl = ne + (ne > 1);
	for (int c = 0; c < NM; c++)
		for (int i = 0; i < nl; i++)
			if (lines[c][i].n) {
				if (!t0 || lines[c][i].t[0] < t0)
					t0 = lines[c][i].t[0];
				if (lines[c][i].t[lines[c][i].n - 1] > t1)
					t1 = lines[c][i].t[lines[c][i].n - 1];
			}
	m = open_memstream(&out, &len);
	if (m) {
		int rows = t1 > t0 ? 10 : 1;

		fprintf(m, "Samples (exec/s, corpus, coverage at %d time%s; `-`: no run of that engine then):\n\n"
			   "| time | since start |", rows, rows == 1 ? "" : "s");
		for (int i = 0; i < nl; i++)
			fprintf(m, " %s |", i < ne ? e[i].name : "total");
		fputs("\n|---|---|", m);
		for (int i = 0; i < nl; i++)
			fputs("---|", m);
		fputc('\n', m);
		for (int r = 0; r < rows; r++) {
			long t = rows == 1 ? t0 : t0 + (t1 - t0) * r / (rows - 1);
			char tb[40];

			bf_rep_time(t, tb, sizeof(tb));
			fprintf(m, "| %s | %ld:%02ld |", tb, (t - t0) / 60, (t - t0) % 60);
			for (int i = 0; i < nl; i++) {
				double v[NM];

				for (int c = 0; c < NM; c++)
					v[c] = at_time(&lines[c][i], t);
				if (v[0] < 0 && v[1] < 0 && v[2] < 0) {
					fputs(" - |", m);
					continue;
				}
				for (int c = 0; c < NM; c++) {
					char nb[32];

					fmt_num(v[c] < 0 ? 0 : v[c], nb, sizeof(nb));
					fprintf(m, "%s%s", c ? " / " : " ", v[c] < 0 ? "-" : nb);
				}
				fputs(" |", m);
			}
			fputc('\n', m);
		}
		fputc('\n', m);
		fclose(m);
	}
	for (int c = 0; c < NM; c++)
		for (int i = 0; i < nl; i++)
			line_free(&lines[c][i]);
	engines_free(e, ne);
	return out ? out : strdup("");
}
