/*
 * report.h - the report writer (design brief §6), implemented in
 * triage/report.c by the report helper: markdown and a static HTML page per
 * finding plus an index, read straight from the SQLite store with SQL (every
 * table and column is documented in triage/schema.sql; bf_store_db() gives
 * the sqlite3 handle).  Writes only under outdir (created if missing).
 *
 * Returns 0 on success, -1 on error (a message on log / stderr).
 */
#ifndef BF_TRIAGE_REPORT_H
#define BF_TRIAGE_REPORT_H

#include <stdio.h>

struct bf_store;

int bf_report_write(struct bf_store *st, const char *outdir, FILE *log);

/*
 * The same with the coverage section "coverage of the 5.10 allocator"
 * (report_cov.c): coverage_json is `llvm-cov export` JSON of the campaign
 * corpus (full or -summary-only; per function lines and branches need the
 * full export), reach the output of `bf-reach --all` (the testcase() markers
 * reached and not), coverage_html a path or URL of the line-level report
 * (`llvm-cov show -format=html`), linked as given.  Any may be NULL: the
 * section says what it lacks.  A file that cannot be read is an error.
 */
struct bf_report_opts {
	const char *outdir;
	const char *coverage_json, *reach, *coverage_html;
};
int bf_report_write_opts(struct bf_store *st, const struct bf_report_opts *o, FILE *log);

#endif /* BF_TRIAGE_REPORT_H */
