/*
 * report_md.c - the markdown of `bf-triage report` (report.c drives it): the
 * index and the page of one finding, the same facts as the HTML pages.
 *
 * Invariants: text from the database lands either in a fenced code block
 * whose fence is longer than any backtick run inside it, or through md_text,
 * which backslashes every punctuation character markdown would act on and
 * flattens newlines (so a table row stays one row).
 */
#include <stdlib.h>
#include <string.h>
#include "core/mm.h"
#include "triage/report_int.h"

/* Text in a markdown paragraph or table cell: punctuation that means something is backslashed. */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else if (strchr("\\`*_[]<>|#!&", *s))
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
}

/* A fenced code block whose fence is longer than any backtick run inside. */
static void md_code(FILE *f, const char *lang, const char *s)
{
	int run = 0, longest = 0;

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	longest = longest < 3 ? 3 : longest + 1;
	fprintf(f, "%.*s%s\n%s%s%.*s\n\n", longest, "``````````````````````````````", lang, s,
		*s && s[strlen(s) - 1] != '\n' ? "\n" : "", longest, "``````````````````````````````");
}

/* n bytes of tab-separated fields as one table row. */
static void md_tsv_row(FILE *f, const char *s, size_t n)
{
	char *row = strndup(s, n);

	fputs("| ", f);
	for (char *c = row, *tab; c; c = tab ? tab + 1 : NULL) {
		tab = strchr(c, '\t');
		if (tab)
			*tab = 0;
		md_text(f, c);
		fputs(tab ? " | " : " |\n", f);
	}
	free(row);
}

int bf_rep_md_finding(FILE *f, const struct bf_rep_finding *rf)
{
	char t1[40], t2[40], line[512];

	fprintf(f, "# Finding %ld: ", rf->f.id);
	md_text(f, bf_rep_first_line(rf->f.title, line, sizeof(line)));
	fprintf(f, "\n\n[index](index.md)\n\n| | |\n|---|---|\n| status | ");
	md_text(f, bf_rep_status(rf->f.status, rf->known));
	if (rf->f.dup_of)
		fprintf(f, " of [finding %ld](finding-%ld.md)", rf->f.dup_of, rf->f.dup_of);
	if (*rf->known) {
		int fx = bf_rep_fix_index(rf->known);

		fputs(" |\n| known upstream | 5.10.0's own bug, gone with the upstream fix ", f);
		md_text(f, rf->known);
		fprintf(f, " ([docs/known-upstream.md](known-upstream.md#%s))", rf->known);
		if (fx >= 0) {
			fputs(" |\n| fixed upstream by | ", f);
			md_text(f, bf_fix_commits[fx]);
			fputs(" |\n| introduced upstream by | ", f);
			md_text(f, bf_fix_introduced[fx]);
		}
	}
	fprintf(f, " |\n| kind | ");
	md_text(f, rf->f.kind);
	if (*rf->meaning) {
		fputs(": ", f);
		md_text(f, rf->meaning);
	}
	fprintf(f, " |\n| op | ");
	md_text(f, *rf->f.op ? rf->f.op : "-");
	fprintf(f, " |\n| signature | ");
	md_text(f, rf->f.signature);
	bf_rep_time(rf->f.first_seen, t1, sizeof(t1));
	bf_rep_time(rf->f.last_seen, t2, sizeof(t2));
	fprintf(f, " |\n| first seen | %s |\n| last seen | %s |\n| hits | %ld |\n| reliability | %d/%d |\n",
		t1, t2, rf->f.hits, rf->k_sum, rf->n_sum);
	fprintf(f, "| reproduces in | ");
	md_text(f, *rf->variants_ok ? rf->variants_ok : "none");
	fprintf(f, " |\n\n");

	fprintf(f, "## First failing op\n\n");
	if (*rf->report_head) {
		fprintf(f, "In the run that filed it (the original input):\n\n");
		md_code(f, "", rf->report_head);
		if (*rf->report_op)
			md_code(f, "", rf->report_op);
	}
	fprintf(f, "Re-run of the %s program below with today's model: ", rf->minimized ? "minimized" : "original");
	md_text(f, rf->rr.outcome);
	fprintf(f, "\n\n");
	if (*rf->rr.fail_op)
		md_code(f, "", rf->rr.fail_op);
	if (*rf->rr.explain) {
		fprintf(f, "## The failing op through 5.10\n\n`bf-replay --explain` of the re-run: every modelled "
			   "function it entered and every decision, with the values it was made on.\n\n");
		md_code(f, "", rf->rr.explain);
	}

	if (*rf->report_sides) {
		/* a behaviour difference (bf-diff): both allocators' traces, the first differing op marked >> */
		fprintf(f, "## The two sides, op by op\n\nIn the run that filed it; `>>` marks the first differing op, "
			   "`=` a line both sides printed alike.\n\n");
		md_code(f, "", rf->report_sides);
	}
	fprintf(f, "## %s program\n\n", rf->minimized ? "Minimized" : "Original (not minimized yet)");
	if (rf->min_note) {
		md_text(f, rf->min_note);
		fprintf(f, "\n\n");
	}
	md_code(f, "", rf->prog_text ? rf->prog_text : "(no program: the input is not a valid program)\n");
	fprintf(f, "## C reproducer\n\n");
	if (rf->c_source)
		md_code(f, "c", rf->c_source);
	else
		fprintf(f, "Not generated (`bf-triage minimize %ld` writes one).\n\n", rf->f.id);

	fprintf(f, "## Oracle vs world\n\n");
	if (*rf->rr.diff) {
		fprintf(f, "At the divergence of the re-run (the memory map below):\n\n");
		md_code(f, "", rf->rr.diff);
	} else if (*rf->report_diff) {
		fprintf(f, "From the report of the run that filed it:\n\n");
		md_code(f, "", rf->report_diff);
	} else {
		fprintf(f, "No difference recorded (not a divergence).\n\n");
	}

	fprintf(f, "## Memory map %s\n\n", rf->rr.when);
	if (*rf->rr.svg)
		fprintf(f, "![memory map](finding-%ld-map.svg)\n\n", rf->f.id);
	else
		fprintf(f, "No world to draw.\n\n");
	if (*rf->rr.zones) {
		md_tsv_row(f, BF_REP_ZONE_COLS, strlen(BF_REP_ZONE_COLS));
		fputs("|", f);
		for (const char *c = BF_REP_ZONE_COLS; *c; c++)
			if (*c == '\t')
				fputs("---|", f);
		fputs("---|\n", f);
		for (const char *p = rf->rr.zones; *p;) {
			size_t n = strcspn(p, "\n");

			md_tsv_row(f, p, n);
			p += n + !!p[n];
		}
		fputc('\n', f);
	}

	fprintf(f, "## Reproductions (newest per variant)\n\n");
	if (!rf->nrepro)
		fprintf(f, "None recorded.\n\n");
	else
		fprintf(f, "| variant | reproduced | outcome | purpose | at |\n|---|---|---|---|---|\n");
	for (int i = 0; i < rf->nrepro; i++) {
		bf_rep_time(rf->repro[i].at, t1, sizeof(t1));
		fputs("| ", f);
		md_text(f, rf->repro[i].variant);
		fprintf(f, " | %d/%d | ", rf->repro[i].k, rf->repro[i].n);
		md_text(f, rf->repro[i].outcome);
		fputs(" | ", f);
		md_text(f, rf->repro[i].purpose);
		fprintf(f, " | %s |\n", t1);
	}
	if (rf->nrepro)
		fputc('\n', f);

	fprintf(f, "## Verdicts\n\n");
	if (!rf->nverdicts)
		fprintf(f, "None.\n\n");
	for (int i = 0; i < rf->nverdicts; i++) {
		bf_rep_time(rf->verdicts[i].at, t1, sizeof(t1));
		fprintf(f, "- %s: ", t1);
		md_text(f, rf->verdicts[i].verdict);
		if (rf->verdicts[i].of)
			fprintf(f, " of [finding %ld](finding-%ld.md)", rf->verdicts[i].of, rf->verdicts[i].of);
		fputs(" by ", f);
		md_text(f, rf->verdicts[i].who);
		if (*rf->verdicts[i].note) {
			fputs(": ", f);
			md_text(f, rf->verdicts[i].note);
		}
		fputc('\n', f);
	}
	if (rf->nverdicts)
		fputc('\n', f);

	fprintf(f, "## Inputs (%ld)\n\n| id | sha1 | artifact | target | format | bytes | status |\n"
		   "|---|---|---|---|---|---|---|\n", rf->total_inputs);
	for (int i = 0; i < rf->ninputs; i++) {
		const struct bf_rep_input *in = &rf->inputs[i];

		fprintf(f, "| %ld | %s | ", in->id, in->sha1);
		md_text(f, in->artifact);
		fputs(" | ", f);
		md_text(f, in->target);
		fprintf(f, " | %s | %ld | ", in->format, in->size);
		md_text(f, in->status);
		fputs(" |\n", f);
	}
	if (rf->total_inputs > rf->ninputs)
		fprintf(f, "\n(first %d shown)\n", rf->ninputs);

	fprintf(f, "\n## Report of the filing run\n\n");
	md_code(f, "", rf->f.report && *rf->f.report ? rf->f.report : "(none stored)\n");
	return ferror(f) ? -1 : 0;
}

void bf_rep_md_index(FILE *f, const struct bf_rep_row *rows, int nrows, const struct bf_rep_chart *ch,
		     const char *samples_md, const struct bf_rep_cov *cov)
{
	char t1[40], line[512];

	fprintf(f, "# buddyfuzz findings\n\n%d finding%s.\n\n", nrows, nrows == 1 ? "" : "s");
	fprintf(f, "| id | status | kind | title | op | reliability | reproduces in | first seen | last seen | hits |\n"
		   "|---|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < nrows; i++) {
		const struct bf_rep_row *r = &rows[i];

		fprintf(f, "| [%ld](finding-%ld.md) | ", r->id, r->id);
		md_text(f, r->status);
		if (r->dup_of)
			fprintf(f, " of %ld", r->dup_of);
		if (!strcmp(r->status, "known-upstream")) {
			fputs(" (fix ", f);
			md_text(f, r->known);
			fputs(")", f);
		}
		fputs(" | ", f);
		md_text(f, r->kind);
		fputs(" | ", f);
		md_text(f, bf_rep_first_line(r->title, line, sizeof(line)));
		fputs(" | ", f);
		md_text(f, *r->op ? r->op : "-");
		fprintf(f, " | %d/%d | ", r->k, r->n);
		md_text(f, *r->variants ? r->variants : "none");
		bf_rep_time(r->first_seen, t1, sizeof(t1));
		fprintf(f, " | %s | ", t1);
		bf_rep_time(r->last_seen, t1, sizeof(t1));
		fprintf(f, "%s | %ld |\n", t1, r->hits);
	}
	fprintf(f, "\n## Campaign\n\n");
	for (int i = 0; i < BF_REP_NR_CHARTS; i++)
		fprintf(f, "![%s](charts/%s)\n\n", ch[i].title, ch[i].file);
	fputs(samples_md, f);
	if (cov)
		bf_rep_cov_md(f, cov);
}

