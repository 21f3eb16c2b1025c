/*
 * store.h - the triage store: one SQLite file (schema and its documentation:
 * triage/schema.sql, compiled into the binary).  Opening migrates the schema
 * to the newest version, turns on WAL and a busy timeout; callers group
 * writes in bf_store_begin() .. bf_store_commit() (BEGIN IMMEDIATE, so two
 * writers never deadlock on a lock upgrade).
 *
 * Bad input never crashes and never damages what is stored: a file that is
 * not a database, or a damaged one, fails bf_store_open() with a one-line
 * message and is not written to.
 *
 * Also here: the typed helpers the CLI, the minimizer and the report share,
 * and SHA-1 (artifact names and idempotency keys are sha1 hex).
 */
#ifndef BF_TRIAGE_STORE_H
#define BF_TRIAGE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

struct bf_store;

enum {
	BF_STORE_READONLY = 1,      /* open read-only (list, show, report); never creates */
	BF_STORE_NOCREATE = 2,      /* fail if the file does not exist */
};

/* 0 ok; -1 with a one-line message in err (nothing written to the file). */
int bf_store_open(struct bf_store **out, const char *path, int flags, char *err, size_t errlen);
void bf_store_close(struct bf_store *st);
sqlite3 *bf_store_db(struct bf_store *st);
const char *bf_store_errmsg(struct bf_store *st);
int bf_store_schema_version(void);          /* the newest migration in schema.sql */
const char *bf_store_schema_sql(void);      /* the embedded schema.sql text */

int bf_store_begin(struct bf_store *st);    /* BEGIN IMMEDIATE; 0 ok */
int bf_store_commit(struct bf_store *st);
void bf_store_rollback(struct bf_store *st);
/* Run SQL with no result rows; 0 ok, -1 (message in bf_store_errmsg). */
int bf_store_exec(struct bf_store *st, const char *sql);

/* A finding's row (strings owned by the struct, freed by bf_finding_free). */
struct bf_finding {
	long id;
	char *signature, *kind, *op, *frames, *title, *report, *status, *variant;
	long first_seen, last_seen, hits, dup_of;  /* dup_of 0 if none */
};
/* 0 found, 1 no such finding, -1 error. */
int bf_store_get_finding(struct bf_store *st, long id, struct bf_finding *f);
void bf_finding_free(struct bf_finding *f);

/* An input's row. */
struct bf_input {
	long id, finding_id;
	char sha1[41];
	char *artifact, *target, *format, *text, *source_path, *status, *error, *fuzz_report;
	uint8_t *bytes;
	size_t size;
};
/* The finding's original input (its first valid input). 0, 1 none, -1 error. */
int bf_store_finding_input(struct bf_store *st, long finding_id, struct bf_input *in);
int bf_store_get_input(struct bf_store *st, long input_id, struct bf_input *in);
void bf_input_free(struct bf_input *in);

/*
 * The minimizer's result: text .bfp (required), its binary encoding (may be
 * NULL), a standalone C reproducer (may be NULL), the signature it reproduced
 * with and a note.  Inserts a row of `minimized`; 0 ok, -1 error.
 */
int bf_store_add_minimized(struct bf_store *st, long finding_id, long input_id, const char *text,
			   const uint8_t *bytes, size_t nbytes, const char *c_source,
			   const char *signature, const char *note);

/*
 * A verdict row, and the finding's cached status updated to match, in one
 * transaction.  verdict: dup (of_finding required) | undup | invalid | fixed |
 * verified | reopened.  0 ok, 1 no such finding, -1 error.
 */
int bf_store_add_verdict(struct bf_store *st, long finding_id, const char *verdict, long of_finding,
			 const char *note, const char *who);

/* A reproduction row (reliability: k of n runs gave the finding's signature). */
int bf_store_add_repro(struct bf_store *st, long finding_id, long input_id, const char *variant,
		       const char *build_id, const char *purpose, int k, int n, const char *outcome,
		       const char *output);

/* Crash-resistant replay marks: returns the mark id (> 0) or -1. */
long bf_store_mark_started(struct bf_store *st, const char *sha1, const char *variant, const char *purpose);
void bf_store_mark_finished(struct bf_store *st, long mark, const char *outcome);

/* SHA-1 of a buffer as 40 hex digits + NUL (sha1.c). */
void bf_sha1_hex(const void *data, size_t n, char out[41]);

#endif /* BF_TRIAGE_STORE_H */
