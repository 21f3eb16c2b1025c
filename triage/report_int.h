/*
 * report_int.h - what the report writer's files share (report.c loads a
 * finding from the store and writes the markdown; report_html.c writes the
 * HTML; report_svg.c re-runs the program for the memory map and draws the
 * campaign charts).  Private to triage/report*.c.
 *
 * Invariant: everything here is a function of the database (and of today's
 * model, for the re-run): no clock, no pid, no path of the machine goes into
 * a page, so the same database gives the same files byte for byte.
 */
#ifndef BF_TRIAGE_REPORT_INT_H
#define BF_TRIAGE_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "triage/store.h"

struct bf_rep_cov;   /* report_cov.c */

/* The newest reproduction row of one variant. */
struct bf_rep_repro {
	char *variant, *outcome, *purpose;
	int k, n;
	long at;
};

struct bf_rep_verdict {
	char *verdict, *note, *who;
	long of, at;
};

struct bf_rep_input {
	long id, size;
	char *sha1, *artifact, *target, *format, *status;
};

/*
 * What the in-process re-run of the finding's program gave (report_svg.c).
 * Every string is malloc'd and never NULL ("" when there is nothing).
 */
struct bf_rep_rerun {
	char *outcome;    /* one sentence: "divergence watermark-breach in op 18", "passed", ... */
	char *fail_op;    /* the failing op as .bfp text ("" if none) */
	char *diff;       /* bf_oracle_diff at the divergence ("" if none) */
	char *svg;        /* the memory map: one <svg> element with its legend ("" if no world) */
	char *zones;      /* per zone, one line of tab-separated fields (BF_REP_ZONE_COLS) */
	char *when;       /* "at the divergence" / "at the end of the run" / "" */
	char *explain;    /* bf-replay --explain of the failing op ("" if none) */
};
#define BF_REP_ZONE_COLS "zone\tpfns\tfree\tpcp\tallocated\treserved\tholes\tfree blocks by order 0..10"

struct bf_rep_finding {
	struct bf_finding f;
	char *meaning;            /* one-line meaning of the kind (divergence kinds), "" if unknown */
	char *prog_text;          /* the program shown: minimized if there is one, else the original */
	int minimized;            /* prog_text is the newest minimized program */
	char *min_note, *c_source; /* NULL when absent */
	char *orig_format, *orig_target; /* the original input's, "" if none */
	const uint8_t *run_bytes; /* what the re-run executes (owned by the arrays below) */
	size_t run_len;
	int run_binary;           /* decode (lenient) rather than parse */
	uint8_t *owned_bytes;
	struct bf_rep_repro *repro;
	int nrepro;
	struct bf_rep_verdict *verdicts;
	int nverdicts;
	struct bf_rep_input *inputs;
	int ninputs;
	long total_inputs;
	int k_sum, n_sum;         /* reliability over the newest row of every variant */
	char *variants_ok;        /* "release 3/3, asan 3/3" of variants with k > 0, "" if none */
	char *report_head;        /* the stored report's first line */
	char *report_op;          /* its "op: N (line L)" line, "" if none */
	char *report_diff;        /* its "--- oracle vs world" section, "" if none */
	char *report_sides;       /* a behaviour difference's "--- two sides" section (bf-diff's traces), "" if none */
	struct bf_rep_rerun rr;
	char *known;              /* the upstream fix that makes it go away (findings.known_upstream), "" if none */
};

/* One row of the index (kept for every finding while the pages are written). */
struct bf_rep_row {
	long id, hits, first_seen, last_seen, dup_of;
	int k, n;
	char *status, *kind, *op, *title, *variants;
	char *known;              /* as bf_rep_finding.known */
};

/* report.c */
void bf_rep_time(long t, char *buf, size_t n);   /* "2024-05-01 12:00 UTC" or "-" */
/*
 * Known upstream: the status shown for a finding -- "known-upstream" for an
 * open or flaky finding that one of the model's upstream fixes makes go away
 * (5.10.0's own bug; a verdict such as dup or invalid still shows as such) --
 * and the fix's BF_FIX_TABLE index (-1 if known is not a fix name).
 */
const char *bf_rep_status(const char *status, const char *known);
int bf_rep_fix_index(const char *known);
#define BF_REP_KNOWN_PAGE "known-upstream.html"   /* OUTDIR's copy of docs/known-upstream.md */
const char *bf_rep_first_line(const char *s, char *buf, size_t n);

/* report_md.c */
int bf_rep_md_finding(FILE *f, const struct bf_rep_finding *rf);
struct bf_rep_chart;
void bf_rep_md_index(FILE *f, const struct bf_rep_row *rows, int nrows, const struct bf_rep_chart *ch,
		     const char *samples_md, const struct bf_rep_cov *cov);

/* report_html.c */
void bf_rep_html_escape(FILE *f, const char *s);
void bf_rep_html_escape_n(FILE *f, const char *s, size_t n);
void bf_rep_html_head(FILE *f, const char *title);
void bf_rep_html_tail(FILE *f);
int bf_rep_html_finding(FILE *f, const struct bf_rep_finding *rf);
void bf_rep_html_index(FILE *f, const struct bf_rep_row *rows, int nrows, const struct bf_rep_chart *ch,
		       const struct bf_rep_cov *cov);
void bf_rep_html_doc(FILE *f, const char *title, const char *md);   /* a markdown document as a page */
extern const char bf_rep_css[];

/* report_svg.c */
/* Re-run the finding's program in a child process (crash- and hang-proof). */
void bf_rep_rerun(const struct bf_rep_finding *rf, long finding_id, struct bf_rep_rerun *rr, FILE *log);
void bf_rep_rerun_free(struct bf_rep_rerun *rr);

/* report_chart.c: the campaign charts from the runs table, SVG text per chart (malloc'd); 0 ok. */
struct bf_rep_chart { const char *file, *title; char *svg; };
#define BF_REP_NR_CHARTS 4
int bf_rep_charts(sqlite3 *db, struct bf_rep_chart charts[BF_REP_NR_CHARTS]);
/* The samples per engine as a markdown table (index.md), malloc'd ("" if none). */
char *bf_rep_samples_md(sqlite3 *db);

/* report_cov.c: the section "coverage of the 5.10 allocator" (both formats); 0 ok, -1 a file unreadable. */
struct bf_rep_cov;
int bf_rep_cov_load(const char *json, const char *reach, const char *html, struct bf_rep_cov **out, FILE *log);
void bf_rep_cov_md(FILE *f, const struct bf_rep_cov *c);
void bf_rep_cov_html(FILE *f, const struct bf_rep_cov *c);
void bf_rep_cov_free(struct bf_rep_cov *c);

#endif /* BF_TRIAGE_REPORT_INT_H */
