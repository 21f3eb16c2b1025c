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

#endif /* BF_TRIAGE_REPORT_H */
