/*
 * store.c - open, validate and migrate the triage store (store.h); typed
 * helpers shared by the CLI, the minimizer and the report.
 *
 * The schema is triage/schema.sql, embedded here with .incbin by absolute
 * path (BF_SCHEMA_SQL from the build: with LTO the assembler runs at link
 * time, without the include path) so it lives in one place.  Its "-- migration N:" sections are
 * applied in order, each in one BEGIN IMMEDIATE transaction that re-reads
 * user_version first, so two processes creating the same new file at once
 * apply each migration exactly once.
 *
 * Opening never writes to a file it has not validated: an existing file is
 * first opened read-only and checked (it is a database, PRAGMA quick_check
 * says ok, its user_version is not newer than ours); only then is it opened
 * for writing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "triage/store.h"

#ifndef BF_SCHEMA_SQL
#define BF_SCHEMA_SQL "triage/schema.sql"
#endif
__asm__(".pushsection .rodata\n"
	".global bf_schema_text\n"
	"bf_schema_text:\n"
	".incbin \"" BF_SCHEMA_SQL "\"\n"
	".byte 0\n"
	".popsection\n");
extern const char bf_schema_text[];

struct bf_store {
	sqlite3 *db;
	char path[4096];
};

#define BUSY_MS 60000  /* ingests hold the write lock for one transaction: wait, never fail */

const char *bf_store_schema_sql(void)
{
	return bf_schema_text;
}

/* Find migration n's section: [*start, *end) of the embedded text; 0 if absent. */
static int migration_section(int n, const char **start, const char **end)
{
	const char *s = bf_schema_text, *found = NULL;

	for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		int m;

		if (sscanf(p, "-- migration %d:", &m) == 1 && !strncmp(p, "-- migration ", 13)) {
			if (found) {
				*end = p;
				return 1;
			}
			if (m == n)
				found = *start = p;
		}
	}
	if (found)
		*end = s + strlen(s);
	return found != NULL;
}

int bf_store_schema_version(void)
{
	const char *a, *b;
	int n = 0;

	while (migration_section(n + 1, &a, &b))
		n++;
	return n;
}

static long query_long(sqlite3 *db, const char *sql, int *rc)
{
	sqlite3_stmt *s;
	long v = -1;

	*rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(s);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int64(s, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return v;
}

/* Read-only validation of an existing, non-empty file. */
static int validate(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ok = 0;
	long ver;

	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, BUSY_MS);
	ver = query_long(db, "PRAGMA user_version", &rc);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		goto fail;
	if (strcmp((const char *)sqlite3_column_text(s, 0), "ok")) {
		snprintf(err, errlen, "%s: damaged database (quick_check: %.200s); not touching it", path,
			 (const char *)sqlite3_column_text(s, 0));
		goto out;
	}
	if (ver > bf_store_schema_version()) {
		snprintf(err, errlen, "%s: schema version %ld is newer than this bf-triage's %d", path, ver,
			 bf_store_schema_version());
		goto out;
	}
	if (ver > 0 && query_long(db, "SELECT count(*) FROM sqlite_master WHERE name='findings'", &rc) != 1) {
		snprintf(err, errlen, "%s: user_version %ld but no findings table: not a triage store", path, ver);
		goto out;
	}
	ok = 1;
	goto out;
fail:
	snprintf(err, errlen, "%s: not a usable database (%s); not touching it", path,
		 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ok ? 0 : -1;
}

static int migrate(struct bf_store *st, char *err, size_t errlen)
{
	int newest = bf_store_schema_version();

	for (int n = 1; n <= newest; n++) {
		const char *a, *b;
		char *sql, setv[64], *msg = NULL;
		int rc;
		long cur;

		if (bf_store_begin(st))
			goto fail;
		cur = query_long(st->db, "PRAGMA user_version", &rc);
		if (rc != SQLITE_OK)
			goto fail_rb;
		if (cur >= n) {
			bf_store_commit(st);
			continue;
		}
		migration_section(n, &a, &b);
		sql = strndup(a, (size_t)(b - a));
		rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
		free(sql);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "%s: migration %d failed: %s", st->path, n, msg ? msg : "?");
			sqlite3_free(msg);
			bf_store_rollback(st);
			return -1;
		}
		snprintf(setv, sizeof(setv), "PRAGMA user_version = %d", n);
		if (bf_store_exec(st, setv) || bf_store_commit(st))
			goto fail_rb;
	}
	return 0;
fail_rb:
	bf_store_rollback(st);
fail:
	snprintf(err, errlen, "%s: cannot migrate the schema: %s", st->path, sqlite3_errmsg(st->db));
	return -1;
}

int bf_store_open(struct bf_store **out, const char *path, int flags, char *err, size_t errlen)
{
	struct bf_store *st;
	struct stat sb;
	int exists = !stat(path, &sb), rc, oflags;

	*out = NULL;
	if (!exists && (flags & (BF_STORE_READONLY | BF_STORE_NOCREATE))) {
		snprintf(err, errlen, "%s: no such database", path);
		return -1;
	}
	if (exists && !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (exists && sb.st_size > 0 && validate(path, err, errlen))
		return -1;
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(st->path, sizeof(st->path), "%s", path);
	oflags = (flags & BF_STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		bf_store_close(st);
		return -1;
	}
	sqlite3_busy_timeout(st->db, BUSY_MS);
	sqlite3_extended_result_codes(st->db, 0);
	if (!(flags & BF_STORE_READONLY)) {
		/* journal_mode can answer BUSY without calling the busy handler: retry. */
		for (int i = 0; i < 600; i++) {
			rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
			if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
				break;
			usleep(100000);
		}
		if (rc != SQLITE_OK || bf_store_exec(st, "PRAGMA synchronous=NORMAL") ||
		    bf_store_exec(st, "PRAGMA foreign_keys=ON")) {
			snprintf(err, errlen, "%s: cannot set up WAL: %s", path, sqlite3_errmsg(st->db));
			bf_store_close(st);
			return -1;
		}
		if (migrate(st, err, errlen)) {
			bf_store_close(st);
			return -1;
		}
	} else if (query_long(st->db, "PRAGMA user_version", &rc) < 1 || rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: not a triage store (empty schema)", path);
		bf_store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void bf_store_close(struct bf_store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	free(st);
}

sqlite3 *bf_store_db(struct bf_store *st)
{
	return st->db;
}

const char *bf_store_errmsg(struct bf_store *st)
{
	return sqlite3_errmsg(st->db);
}

int bf_store_exec(struct bf_store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int bf_store_begin(struct bf_store *st)
{
	return bf_store_exec(st, "BEGIN IMMEDIATE");
}

int bf_store_commit(struct bf_store *st)
{
	return bf_store_exec(st, "COMMIT");
}

void bf_store_rollback(struct bf_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return strdup(t ? (const char *)t : "");
}

int bf_store_get_finding(struct bf_store *st, long id, struct bf_finding *f)
{
	sqlite3_stmt *s;
	int rc;

	memset(f, 0, sizeof(*f));
	if (sqlite3_prepare_v2(st->db,
			       "SELECT id, signature, kind, op, frames, title, report, status, variant, first_seen,"
			       " last_seen, hits, coalesce(dup_of, 0) FROM findings WHERE id = ?",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		f->id = sqlite3_column_int64(s, 0);
		f->signature = col_dup(s, 1);
		f->kind = col_dup(s, 2);
		f->op = col_dup(s, 3);
		f->frames = col_dup(s, 4);
		f->title = col_dup(s, 5);
		f->report = col_dup(s, 6);
		f->status = col_dup(s, 7);
		f->variant = col_dup(s, 8);
		f->first_seen = sqlite3_column_int64(s, 9);
		f->last_seen = sqlite3_column_int64(s, 10);
		f->hits = sqlite3_column_int64(s, 11);
		f->dup_of = sqlite3_column_int64(s, 12);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

void bf_finding_free(struct bf_finding *f)
{
	free(f->signature), free(f->kind), free(f->op), free(f->frames), free(f->title);
	free(f->report), free(f->status), free(f->variant);
	memset(f, 0, sizeof(*f));
}

#define INPUT_COLS "id, coalesce(finding_id, 0), sha1, artifact, target, format, text, source_path, status," \
		   " error, fuzz_report, bytes, size FROM inputs "

static int get_input(struct bf_store *st, const char *where, long key, struct bf_input *in)
{
	char sql[512];
	sqlite3_stmt *s;
	int rc;

	memset(in, 0, sizeof(*in));
	snprintf(sql, sizeof(sql), "SELECT " INPUT_COLS "%s", where);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(s, 11);
		size_t n = (size_t)sqlite3_column_bytes(s, 11);

		in->id = sqlite3_column_int64(s, 0);
		in->finding_id = sqlite3_column_int64(s, 1);
		snprintf(in->sha1, sizeof(in->sha1), "%s", (const char *)sqlite3_column_text(s, 2));
		in->artifact = col_dup(s, 3);
		in->target = col_dup(s, 4);
		in->format = col_dup(s, 5);
		in->text = col_dup(s, 6);
		in->source_path = col_dup(s, 7);
		in->status = col_dup(s, 8);
		in->error = col_dup(s, 9);
		in->fuzz_report = col_dup(s, 10);
		in->bytes = malloc(n + 1);
		if (in->bytes && n)
			memcpy(in->bytes, b, n);
		in->size = n;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int bf_store_finding_input(struct bf_store *st, long finding_id, struct bf_input *in)
{
	return get_input(st, "WHERE finding_id = ? AND status = 'ok' ORDER BY id LIMIT 1", finding_id, in);
}

int bf_store_get_input(struct bf_store *st, long input_id, struct bf_input *in)
{
	return get_input(st, "WHERE id = ?", input_id, in);
}

void bf_input_free(struct bf_input *in)
{
	free(in->artifact), free(in->target), free(in->format), free(in->text), free(in->source_path);
	free(in->status), free(in->error), free(in->fuzz_report), free(in->bytes);
	memset(in, 0, sizeof(*in));
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

int bf_store_add_minimized(struct bf_store *st, long finding_id, long input_id, const char *text,
			   const uint8_t *bytes, size_t nbytes, const char *c_source,
			   const char *signature, const char *note)
{
	sqlite3_stmt *s;
	char sha[41];
	int rc;

	bf_sha1_hex(text, strlen(text), sha);
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO minimized (finding_id, input_id, text, bytes, sha1, c_source, signature,"
			       " note, created_at) VALUES (?,?,?,?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, finding_id);
	sqlite3_bind_int64(s, 2, input_id);
	bind_text(s, 3, text);
	if (bytes)
		sqlite3_bind_blob(s, 4, bytes, (int)nbytes, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 4);
	bind_text(s, 5, sha);
	bind_text(s, 6, c_source);
	bind_text(s, 7, signature);
	bind_text(s, 8, note);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int bf_store_add_verdict(struct bf_store *st, long finding_id, const char *verdict, long of_finding,
			 const char *note, const char *who)
{
	static const struct { const char *verdict, *status; } to_status[] = {
		{ "dup", "dup" }, { "undup", "open" }, { "invalid", "invalid" },
		{ "fixed", "fixed" }, { "verified", "verified" }, { "reopened", "open" },
	};
	const char *status = NULL;
	sqlite3_stmt *s = NULL;
	int rc, own = sqlite3_get_autocommit(st->db);
	struct bf_finding f;

	for (size_t i = 0; i < sizeof(to_status) / sizeof(to_status[0]); i++)
		if (!strcmp(verdict, to_status[i].verdict))
			status = to_status[i].status;
	if (!status || (!strcmp(verdict, "dup") && (of_finding <= 0 || of_finding == finding_id)))
		return -1;
	if (own && bf_store_begin(st))
		return -1;
	rc = bf_store_get_finding(st, finding_id, &f);
	bf_finding_free(&f);
	if (!rc && of_finding > 0) {
		rc = bf_store_get_finding(st, of_finding, &f);
		bf_finding_free(&f);
	}
	if (rc)
		goto out;
	rc = -1;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO verdicts (finding_id, verdict, of_finding, note, who, at)"
				       " VALUES (?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, finding_id);
	bind_text(s, 2, verdict);
	if (of_finding > 0)
		sqlite3_bind_int64(s, 3, of_finding);
	bind_text(s, 4, note);
	bind_text(s, 5, who ? who : "?");
	sqlite3_bind_int64(s, 6, (sqlite3_int64)time(NULL));
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, "UPDATE findings SET status = ?, dup_of = ? WHERE id = ?", -1, &s, NULL))
		goto out;
	bind_text(s, 1, status);
	if (!strcmp(verdict, "dup"))
		sqlite3_bind_int64(s, 2, of_finding);
	sqlite3_bind_int64(s, 3, finding_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	if (own) {
		if (rc == 0 && bf_store_commit(st))
			rc = -1;
		if (rc)
			bf_store_rollback(st);
	}
	return rc;
}

int bf_store_add_repro(struct bf_store *st, long finding_id, long input_id, const char *variant,
		       const char *build_id, const char *purpose, int k, int n, const char *outcome,
		       const char *output)
{
	sqlite3_stmt *s;
	int rc;
	size_t len = output ? strlen(output) : 0;

	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO reproductions (finding_id, input_id, variant, build_id, purpose, k, n,"
			       " outcome, output, at) VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (finding_id > 0)
		sqlite3_bind_int64(s, 1, finding_id);
	sqlite3_bind_int64(s, 2, input_id);
	bind_text(s, 3, variant);
	bind_text(s, 4, build_id);
	bind_text(s, 5, purpose);
	sqlite3_bind_int(s, 6, k);
	sqlite3_bind_int(s, 7, n);
	bind_text(s, 8, outcome);
	if (output)
		sqlite3_bind_text(s, 9, output, (int)(len > 65536 ? 65536 : len), SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

long bf_store_mark_started(struct bf_store *st, const char *sha1, const char *variant, const char *purpose)
{
	sqlite3_stmt *s;
	long id = -1;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO replay_marks (input_sha1, variant, purpose, pid, started_at)"
				       " VALUES (?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	bind_text(s, 1, sha1);
	bind_text(s, 2, variant);
	bind_text(s, 3, purpose);
	sqlite3_bind_int64(s, 4, getpid());
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	if (sqlite3_step(s) == SQLITE_DONE)
		id = (long)sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return id;
}

void bf_store_mark_finished(struct bf_store *st, long mark, const char *outcome)
{
	sqlite3_stmt *s;

	if (mark <= 0 || sqlite3_prepare_v2(st->db, "UPDATE replay_marks SET finished_at = ?, outcome = ?"
						    " WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)time(NULL));
	bind_text(s, 2, outcome);
	sqlite3_bind_int64(s, 3, mark);
	sqlite3_step(s);
	sqlite3_finalize(s);
}
