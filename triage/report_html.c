/*
 * report_html.c - the HTML of `bf-triage report` (report.c drives it): the
 * page of one finding, the page frame, the escaper and the stylesheet.
 *
 * Invariants: every byte that comes from the database or from a re-run goes
 * through bf_rep_html_escape (the SVG is built escaped by report_svg.c);
 * pages are static -- no script, no external resource, links only to files
 * of the report itself (style.css, index.html, finding-<id>.html).
 */
#include <string.h>
#include "core/mm.h"
#include "triage/report_int.h"

const char bf_rep_css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1a202c;background:#fff}\n"
	"header,main,footer{max-width:1180px;margin:0 auto;padding:0 16px}\n"
	"header{border-bottom:1px solid #cbd5e0;padding:8px 16px}\n"
	"footer{border-top:1px solid #cbd5e0;margin-top:32px;padding:8px 16px;color:#718096;font-size:small}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #e2e8f0}\n"
	"table{border-collapse:collapse;font-size:14px}\n"
	"th,td{border:1px solid #cbd5e0;padding:3px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#edf2f7}td.num{text-align:right}\n"
	"pre{background:#f7fafc;border:1px solid #e2e8f0;padding:8px;overflow-x:auto;font-size:13px}\n"
	".status{font-weight:bold}.status.open{color:#c53030}.status.flaky{color:#b7791f}\n"
	".status.fixed,.status.verified{color:#2f855a}.status.dup,.status.invalid{color:#718096}\n"
	".badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:bold}\n"
	".badge.known-upstream{background:#e9d8fd;color:#553c9a;border:1px solid #b794f4}\n"
	"tr.known-upstream td{background:#faf5ff}\n"
	".cov-never{color:#c53030;font-weight:bold}.cov-reached{color:#2f855a}\n"
	"table.cov td.bar{min-width:80px}.bar span{display:inline-block;height:8px;background:#38a169}\n"
	".kind{font-family:monospace}\n"
	"dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 16px}\n"
	"dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
	".charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}\n"
	"figcaption{font-size:small;color:#4a5568;text-align:center}\n"
	".memmap svg{max-width:100%;height:auto}\n";

void bf_rep_html_escape_n(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; s && i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* control characters other than newline and tab would make the page invalid */
			if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
				fprintf(f, "&#x%x;", 0x2400 + (unsigned char)s[i]);
			else
				fputc(s[i], f);
		}
	}
}

void bf_rep_html_escape(FILE *f, const char *s)
{
	bf_rep_html_escape_n(f, s, s ? strlen(s) : 0);
}

void bf_rep_html_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	bf_rep_html_escape(f, title);
	fputs("</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n"
	      "<header><a href=\"index.html\">buddyfuzz findings</a></header>\n", f);
}

void bf_rep_html_tail(FILE *f)
{
	fputs("<footer>Written by <code>bf-triage report</code> from the triage store.</footer>\n"
	      "</body>\n</html>\n", f);
}

static void pre(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<pre class=\"%s\">", cls);
	bf_rep_html_escape(f, s);
	fputs("</pre>\n", f);
}

/* bf-diff's two traces: the lines of the first differing op (">>") highlighted. */
static void sides(FILE *f, const char *s)
{
	fputs("<h2 id=\"two-sides\">The two sides, op by op</h2>\n"
	      "<p>In the run that filed it; the first differing op is highlighted.</p>\n<pre class=\"sides\">", f);
	for (const char *l = s; *l;) {
		size_t n = strcspn(l, "\n");
		int mark = !strncmp(l, ">>", 2);

		fputs(mark ? "<mark>" : "", f);
		bf_rep_html_escape_n(f, l, n);
		fputs(mark ? "</mark>\n" : "\n", f);
		l += n + (l[n] == '\n');
	}
	fputs("</pre>\n", f);
}

static void fact(FILE *f, const char *name, const char *value)
{
	fprintf(f, "<dt>%s</dt><dd>", name);
	bf_rep_html_escape(f, value);
	fputs("</dd>\n", f);
}

/* The tab-separated zone lines of the re-run as a table. */
static void zone_table(FILE *f, const char *zones)
{
	const char *p = zones;

	fputs("<table class=\"zones\">\n<thead><tr>", f);
	for (const char *c = BF_REP_ZONE_COLS; *c;) {
		size_t n = strcspn(c, "\t");

		fputs("<th>", f);
		bf_rep_html_escape_n(f, c, n);
		fputs("</th>", f);
		c += n + !!c[n];
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	while (*p) {
		size_t n = strcspn(p, "\n");

		fputs("<tr>", f);
		for (const char *c = p; c < p + n;) {
			size_t m = strcspn(c, "\t\n");

			fputs("<td>", f);
			bf_rep_html_escape_n(f, c, m);
			fputs("</td>", f);
			c += m + (c[m] == '\t');
		}
		fputs("</tr>\n", f);
		p += n + !!p[n];
	}
	fputs("</tbody>\n</table>\n", f);
}

int bf_rep_html_finding(FILE *f, const struct bf_rep_finding *rf)
{
	char t1[40], t2[40], line[512], buf[64];

	snprintf(buf, sizeof(buf), "Finding %ld", rf->f.id);
	bf_rep_html_head(f, buf);
	fprintf(f, "<main>\n<h1 id=\"title\">Finding %ld: ", rf->f.id);
	bf_rep_html_escape(f, bf_rep_first_line(rf->f.title, line, sizeof(line)));
	fputs("</h1>\n", f);
	if (strchr(rf->f.title, '\n'))
		pre(f, "title", rf->f.title);

	fputs("<dl class=\"facts\">\n<dt>status</dt><dd class=\"status ", f);
	bf_rep_html_escape(f, bf_rep_status(rf->f.status, rf->known));
	fputs("\">", f);
	if (!strcmp(bf_rep_status(rf->f.status, rf->known), "known-upstream"))
		fputs("<span class=\"badge known-upstream\">known-upstream</span>", f);
	else
		bf_rep_html_escape(f, rf->f.status);
	if (rf->f.dup_of)
		fprintf(f, " of <a href=\"finding-%ld.html\">finding %ld</a>", rf->f.dup_of, rf->f.dup_of);
	if (*rf->known) {
		int fx = bf_rep_fix_index(rf->known);

		fputs("</dd>\n<dt>known upstream</dt><dd class=\"known-upstream\">5.10.0&#39;s own bug, gone with the "
		      "upstream fix <code>", f);
		bf_rep_html_escape(f, rf->known);
		fputs("</code> (<a href=\"" BF_REP_KNOWN_PAGE "#", f);
		bf_rep_html_escape(f, rf->known);
		fputs("\">docs/known-upstream.md</a>)", f);
		if (fx >= 0) {
			fputs("</dd>\n<dt>fixed upstream by</dt><dd><code>", f);
			bf_rep_html_escape(f, bf_fix_commits[fx]);
			fputs("</code></dd>\n<dt>introduced upstream by</dt><dd><code>", f);
			bf_rep_html_escape(f, bf_fix_introduced[fx]);
			fputs("</code>", f);
		}
	}
	fputs("</dd>\n<dt>kind</dt><dd><span class=\"kind\">", f);
	bf_rep_html_escape(f, rf->f.kind);
	fputs("</span>", f);
	if (*rf->meaning) {
		fputs(": ", f);
		bf_rep_html_escape(f, rf->meaning);
	}
	fputs("</dd>\n", f);
	fact(f, "op", *rf->f.op ? rf->f.op : "-");
	fact(f, "signature", rf->f.signature);
	fact(f, "filed by variant", rf->f.variant && *rf->f.variant ? rf->f.variant : "fuzzer log");
	bf_rep_time(rf->f.first_seen, t1, sizeof(t1));
	bf_rep_time(rf->f.last_seen, t2, sizeof(t2));
	fact(f, "first seen", t1);
	fact(f, "last seen", t2);
	snprintf(buf, sizeof(buf), "%ld", rf->f.hits);
	fact(f, "hits", buf);
	snprintf(buf, sizeof(buf), "%d/%d", rf->k_sum, rf->n_sum);
	fact(f, "reliability", buf);
	fact(f, "reproduces in", *rf->variants_ok ? rf->variants_ok : "none");
	fputs("</dl>\n", f);

	fputs("<h2 id=\"first-failing-op\">First failing op</h2>\n", f);
	if (*rf->report_head) {
		fputs("<p>In the run that filed it (the original input):</p>\n", f);
		pre(f, "check", rf->report_head);
		if (*rf->report_op)
			pre(f, "opline", rf->report_op);
	}
	fprintf(f, "<p>Re-run of the %s program below with today&#39;s model: ",
		rf->minimized ? "minimized" : "original");
	bf_rep_html_escape(f, rf->rr.outcome);
	fputs("</p>\n", f);
	if (*rf->rr.fail_op)
		pre(f, "failing-op", rf->rr.fail_op);
	if (*rf->rr.explain) {
		fputs("<h2 id=\"explain\">The failing op through 5.10</h2>\n<details><summary><code>bf-replay "
		      "--explain</code> of the re-run: every modelled function it entered and every decision, with "
		      "the values it was made on</summary>\n", f);
		pre(f, "explain", rf->rr.explain);
		fputs("</details>\n", f);
	}

	if (*rf->report_sides)
		sides(f, rf->report_sides);
	fprintf(f, "<h2 id=\"program\">%s program</h2>\n",
		rf->minimized ? "Minimized" : "Original (not minimized yet)");
	if (rf->min_note) {
		fputs("<p>", f);
		bf_rep_html_escape(f, rf->min_note);
		fputs("</p>\n", f);
	}
	pre(f, "program", rf->prog_text ? rf->prog_text : "(no program: the input is not a valid program)");

	fputs("<h2 id=\"reproducer\">C reproducer</h2>\n", f);
	if (rf->c_source) {
		fputs("<details><summary>standalone C file</summary>\n", f);
		pre(f, "c-source", rf->c_source);
		fputs("</details>\n", f);
	} else {
		fprintf(f, "<p>Not generated (<code>bf-triage minimize %ld</code> writes one).</p>\n", rf->f.id);
	}

	fputs("<h2 id=\"diff\">Oracle vs world</h2>\n", f);
	if (*rf->rr.diff) {
		fputs("<p>At the divergence of the re-run (the memory map below):</p>\n", f);
		pre(f, "diff", rf->rr.diff);
	} else if (*rf->report_diff) {
		fputs("<p>From the report of the run that filed it:</p>\n", f);
		pre(f, "diff", rf->report_diff);
	} else {
		fputs("<p>No difference recorded (not a divergence).</p>\n", f);
	}

	fputs("<h2 id=\"memory-map\">Memory map ", f);
	bf_rep_html_escape(f, rf->rr.when);
	fputs("</h2>\n", f);
	if (*rf->rr.svg)
		fprintf(f, "<div class=\"memmap\">\n%s\n</div>\n", rf->rr.svg);
	else
		fputs("<p>No world to draw.</p>\n", f);
	if (*rf->rr.zones)
		zone_table(f, rf->rr.zones);

	fputs("<h2 id=\"reproductions\">Reproductions (newest per variant)</h2>\n", f);
	if (!rf->nrepro)
		fputs("<p>None recorded.</p>\n", f);
	else
		fputs("<table>\n<thead><tr><th>variant</th><th>reproduced</th><th>outcome</th><th>purpose</th>"
		      "<th>at</th></tr></thead>\n<tbody>\n", f);
	for (int i = 0; i < rf->nrepro; i++) {
		fputs("<tr><td>", f);
		bf_rep_html_escape(f, rf->repro[i].variant);
		fprintf(f, "</td><td class=\"num\">%d/%d</td><td class=\"kind\">", rf->repro[i].k, rf->repro[i].n);
		bf_rep_html_escape(f, rf->repro[i].outcome);
		fputs("</td><td>", f);
		bf_rep_html_escape(f, rf->repro[i].purpose);
		bf_rep_time(rf->repro[i].at, t1, sizeof(t1));
		fprintf(f, "</td><td>%s</td></tr>\n", t1);
	}
	if (rf->nrepro)
		fputs("</tbody>\n</table>\n", f);

	fputs("<h2 id=\"verdicts\">Verdicts</h2>\n", f);
	fputs(rf->nverdicts ? "<ul>\n" : "<p>None.</p>\n", f);
	for (int i = 0; i < rf->nverdicts; i++) {
		bf_rep_time(rf->verdicts[i].at, t1, sizeof(t1));
		fprintf(f, "<li>%s: <b>", t1);
		bf_rep_html_escape(f, rf->verdicts[i].verdict);
		fputs("</b>", f);
		if (rf->verdicts[i].of)
			fprintf(f, " of <a href=\"finding-%ld.html\">finding %ld</a>", rf->verdicts[i].of,
				rf->verdicts[i].of);
		fputs(" by ", f);
		bf_rep_html_escape(f, rf->verdicts[i].who);
		if (*rf->verdicts[i].note) {
			fputs(": ", f);
			bf_rep_html_escape(f, rf->verdicts[i].note);
		}
		fputs("</li>\n", f);
	}
	if (rf->nverdicts)
		fputs("</ul>\n", f);

	fprintf(f, "<h2 id=\"inputs\">Inputs (%ld)</h2>\n<table>\n<thead><tr><th>id</th><th>sha1</th>"
		   "<th>artifact</th><th>target</th><th>format</th><th>bytes</th><th>status</th></tr></thead>\n"
		   "<tbody>\n", rf->total_inputs);
	for (int i = 0; i < rf->ninputs; i++) {
		const struct bf_rep_input *in = &rf->inputs[i];

		fprintf(f, "<tr><td class=\"num\">%ld</td><td><code>", in->id);
		bf_rep_html_escape(f, in->sha1);
		fputs("</code></td><td>", f);
		bf_rep_html_escape(f, in->artifact);
		fputs("</td><td>", f);
		bf_rep_html_escape(f, in->target);
		fputs("</td><td>", f);
		bf_rep_html_escape(f, in->format);
		fprintf(f, "</td><td class=\"num\">%ld</td><td>", in->size);
		bf_rep_html_escape(f, in->status);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	if (rf->total_inputs > rf->ninputs)
		fprintf(f, "<p>(first %d shown)</p>\n", rf->ninputs);

	fputs("<h2 id=\"report\">Report of the filing run</h2>\n<details><summary>full output</summary>\n", f);
	pre(f, "report", rf->f.report && *rf->f.report ? rf->f.report : "(none stored)");
	fputs("</details>\n</main>\n", f);
	bf_rep_html_tail(f);
	return ferror(f) ? -1 : 0;
}

void bf_rep_html_index(FILE *f, const struct bf_rep_row *rows, int nrows, const struct bf_rep_chart *ch,
		       const struct bf_rep_cov *cov)
{
	char t1[40], line[512];

	bf_rep_html_head(f, "buddyfuzz findings");
	fprintf(f, "<main>\n<h1>buddyfuzz findings</h1>\n<p>%d finding%s.</p>\n", nrows, nrows == 1 ? "" : "s");
	fprintf(f, "<table class=\"findings\">\n<thead><tr><th>id</th><th>status</th><th>kind</th><th>title</th>"
		   "<th>op</th><th>reliability</th><th>reproduces in</th><th>first seen</th><th>last seen</th>"
		   "<th>hits</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < nrows; i++) {
		const struct bf_rep_row *r = &rows[i];

		int ku = !strcmp(r->status, "known-upstream");

		fprintf(f, "<tr class=\"finding%s\" id=\"f%ld\"><td><a href=\"finding-%ld.html\">%ld</a></td>"
			   "<td class=\"status ", ku ? " known-upstream" : "", r->id, r->id, r->id);
		bf_rep_html_escape(f, r->status);
		fputs("\">", f);
		if (ku) {
			fputs("<span class=\"badge known-upstream\">known-upstream</span> (fix <a href=\""
			      BF_REP_KNOWN_PAGE "#", f);
			bf_rep_html_escape(f, r->known);
			fputs("\">", f);
			bf_rep_html_escape(f, r->known);
			fputs("</a>)", f);
		} else {
			bf_rep_html_escape(f, r->status);
		}
		if (r->dup_of)
			fprintf(f, " of <a href=\"finding-%ld.html\">%ld</a>", r->dup_of, r->dup_of);
		fputs("</td><td class=\"kind\">", f);
		bf_rep_html_escape(f, r->kind);
		fprintf(f, "</td><td class=\"title\"><a href=\"finding-%ld.html\">", r->id);
		bf_rep_html_escape(f, bf_rep_first_line(r->title, line, sizeof(line)));
		fputs("</a></td><td>", f);
		bf_rep_html_escape(f, *r->op ? r->op : "-");
		fprintf(f, "</td><td class=\"num\">%d/%d</td><td>", r->k, r->n);
		bf_rep_html_escape(f, *r->variants ? r->variants : "none");
		bf_rep_time(r->first_seen, t1, sizeof(t1));
		fprintf(f, "</td><td>%s</td>", t1);
		bf_rep_time(r->last_seen, t1, sizeof(t1));
		fprintf(f, "<td>%s</td><td class=\"num\">%ld</td></tr>\n", t1, r->hits);
	}
	fprintf(f, "</tbody>\n</table>\n<h2>Campaign</h2>\n<div class=\"charts\">\n");
	for (int i = 0; i < BF_REP_NR_CHARTS; i++)
		fprintf(f, "<figure>%s<figcaption>%s</figcaption></figure>\n", ch[i].svg ? ch[i].svg : "", ch[i].title);
	fprintf(f, "</div>\n");
	if (cov)
		bf_rep_cov_html(f, cov);
	fprintf(f, "</main>\n");
	bf_rep_html_tail(f);
}

/*
 * A markdown document (docs/known-upstream.md) as a page: "#"/"##" headings
 * (a "## NAME: ..." heading gets id NAME, so entries can be linked by fix
 * name), indented blocks as <pre>, "- " items, paragraphs; inline markup is
 * shown as written (escaped).
 */
void bf_rep_html_doc(FILE *f, const char *title, const char *md)
{
	int in_pre = 0, in_p = 0, in_ul = 0;

	bf_rep_html_head(f, title);
	fputs("<main>\n<p><a href=\"index.html\">index</a></p>\n", f);
	for (const char *p = md; p && *p;) {
		size_t n = strcspn(p, "\n");
		int blank = n == 0, pre_line = n >= 4 && !strncmp(p, "    ", 4);

		if (in_pre && !pre_line && !blank) {
			fputs("</pre>\n", f);
			in_pre = 0;
		}
		if ((blank || pre_line || *p == '#' || !strncmp(p, "- ", 2)) && in_p) {
			fputs("</p>\n", f);
			in_p = 0;
		}
		if (in_ul && (blank || *p == '#' || pre_line)) {
			fputs("</ul>\n", f);
			in_ul = 0;
		}
		if (blank) {
			if (in_pre)
				fputc('\n', f);
		} else if (pre_line) {
			if (!in_pre)
				fputs("<pre>", f);
			in_pre = 1;
			bf_rep_html_escape_n(f, p + 4, n - 4);
			fputc('\n', f);
		} else if (*p == '#') {
			int level = (int)strspn(p, "#");
			const char *h = p + level + strspn(p + level, " ");
			size_t idl = strcspn(h, ": \n");

			fprintf(f, "<h%d", level > 6 ? 6 : level);
			if (level == 2 && h[idl] == ':') {
				fputs(" id=\"", f);
				bf_rep_html_escape_n(f, h, idl);
				fputc('"', f);
			}
			fputc('>', f);
			bf_rep_html_escape_n(f, h, n - (size_t)(h - p));
			fprintf(f, "</h%d>\n", level > 6 ? 6 : level);
		} else if (!strncmp(p, "- ", 2)) {
			if (!in_ul)
				fputs("<ul>\n", f);
			in_ul = 1;
			fputs("<li>", f);
			bf_rep_html_escape_n(f, p + 2, n - 2);
			fputs("\n", f);
		} else {
			if (!in_p && !in_ul)
				fputs("<p>", f);
			in_p = !in_ul;
			bf_rep_html_escape_n(f, p, n);
			fputc('\n', f);
		}
		p += n + (p[n] == '\n');
	}
	if (in_pre)
		fputs("</pre>\n", f);
	if (in_p)
		fputs("</p>\n", f);
	if (in_ul)
		fputs("</ul>\n", f);
	fputs("</main>\n", f);
	bf_rep_html_tail(f);
}

/* Load, re-run and write the pages of one finding; fill its index row. */
