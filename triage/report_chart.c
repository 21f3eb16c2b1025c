/*
 * report_chart.c - the campaign charts of `bf-triage report`, from the runs
 * table: executions per second, corpus size and coverage of every run (one
 * series per engine/target/variant, at most eight plus "other runs") over
 * time, and findings over time (cumulative by first_seen, a step line).
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
		CH_W, CH_H, CH_W, CH_H, title, CH_W, CH_H, PX0, title);
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
		const char *c = series_colour[s % NR_SERIES_COLOURS];
		int first = 1;

		fprintf(m, "<g class=\"series\"><path fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"", c);
		for (int i = 0; i < n; i++) {
			double x, y;

			if (pts[i].series != s)
				continue;
			x = tmax > tmin ? PX0 + (PX1 - PX0) * (pts[i].t - tmin) / (tmax - tmin) : (PX0 + PX1) / 2.0;
			y = PY1 - (PY1 - PY0) * pts[i].v / vmax;
			if (first)
				fprintf(m, "M%.1f %.1f", x, y);
			else if (step)   /* a count that holds until the next event */
				fprintf(m, "H%.1fV%.1f", x, y);
			else
				fprintf(m, "L%.1f %.1f", x, y);
			first = 0;
		}
		fputs("\"/>", m);
		for (int i = 0; i < n; i++) {
			if (pts[i].series != s)
				continue;
			fprintf(m, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
				tmax > tmin ? PX0 + (PX1 - PX0) * (pts[i].t - tmin) / (tmax - tmin) : (PX0 + PX1) / 2.0,
				PY1 - (PY1 - PY0) * pts[i].v / vmax, c);
		}
		fprintf(m, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">",
			PX0 + (s % 3) * 160, PY1 + 24 + (s / 3) * 14, c, PX0 + (s % 3) * 160 + 14, PY1 + 33 + (s / 3) * 14);
		for (const char *p = series[s]; *p; p++)
			if (strchr("<>&\"'", *p))
				fprintf(m, "&#%d;", *p);
			else
				fputc(*p, m);
		fputs("</text>\n", m);
	}
	fputs("</svg>", m);
	fclose(m);
	return out;
}

int bf_rep_charts(sqlite3 *db, struct bf_rep_chart ch[BF_REP_NR_CHARTS])
{
	static const char *const files[BF_REP_NR_CHARTS] = { "execs_per_s.svg", "corpus.svg", "coverage.svg",
							     "findings.svg" };
	static const char *const titles[BF_REP_NR_CHARTS] = { "executions per second", "corpus size",
							      "coverage", "findings (cumulative, by first seen)" };
	struct pt *pts[BF_REP_NR_CHARTS] = { NULL };
	int npts[BF_REP_NR_CHARTS] = { 0 }, ns = 0, nf = 0, rc = 0;
	char series[9][96];
	sqlite3_stmt *s;

	memset(ch, 0, sizeof(*ch) * BF_REP_NR_CHARTS);
	if (sqlite3_prepare_v2(db, "SELECT coalesce(started_at, ingested_at), engine || ' ' || coalesce(target, '?') || "
				   "' (' || variant || ')', execs_per_s, corpus_size, coverage FROM runs ORDER BY 1, id",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 1);
		int si = 0;

		while (si < ns && strcmp(series[si], name ? name : ""))
			si++;
		if (si == ns && ns < 8) {
			snprintf(series[ns++], sizeof(series[0]), "%s", name ? name : "");
		} else if (si >= 8) {
			si = 8;   /* the ninth and later series share one line */
			if (ns == 8)
				snprintf(series[ns++], sizeof(series[0]), "other runs");
		}
		for (int c = 0; c < 3; c++) {
			struct pt *np;

			if (sqlite3_column_type(s, 2 + c) == SQLITE_NULL)
				continue;
			np = realloc(pts[c], (size_t)(npts[c] + 1) * sizeof(*np));
			if (!np)
				continue;
			pts[c] = np;
			np[npts[c]++] = (struct pt){ sqlite3_column_double(s, 0), sqlite3_column_double(s, 2 + c), si };
		}
	}
	sqlite3_finalize(s);
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

		ch[c].file = files[c];
		ch[c].title = titles[c];
		ch[c].svg = c == 3 ? chart(titles[c], pts[c], npts[c], one, 1, 1)
				   : chart(titles[c], pts[c], npts[c], series, ns, 0);
		if (!ch[c].svg)
			rc = -1;
		free(pts[c]);
	}
	return rc;
}
