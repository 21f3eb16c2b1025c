/*
 * test_triage_store.c - the store itself (triage/store.c) and the bf-triage
 * CLI's handling of bad databases: schema version and WAL on a new file,
 * garbage and truncated files refused with one line and left byte for byte
 * untouched, the minimizer's helpers, the replay runner (timeouts, output).
 */
#include <sys/wait.h>
#include "test.h"
#include "test_triage_util.h"
#include "triage/run.h"

static void file_sha1(const char *path, char out[41])
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 22];
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	bf_sha1_hex(buf, n, out);
}

/* Run bf-triage with args; stderr into err; returns the exit code. */
static int cli(const char *args, char *err, size_t errlen)
{
	char cmd[1024], path[400];
	FILE *f;
	size_t n;
	int st;

	snprintf(path, sizeof(path), "%s/cli.err", tt_root);
	snprintf(cmd, sizeof(cmd), "%s/bf-triage %s >/dev/null 2>%s", BF_BINARY_DIR, args, path);
	st = system(cmd);
	f = fopen(path, "r");
	n = f ? fread(err, 1, errlen - 1, f) : 0;
	err[n] = 0;
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(new_store_has_schema_version_and_wal)
{
	char db[300];
	struct bf_store *st;
	sqlite3_stmt *s;

	tt_setup();
	snprintf(db, sizeof(db), "%s/new.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	ASSERT_TRUE(bf_store_schema_version() >= 1);
	ASSERT_EQ(tt_count(st, "PRAGMA user_version"), bf_store_schema_version());
	ASSERT_EQ(sqlite3_prepare_v2(bf_store_db(st), "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
	ASSERT_STREQ((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
			       " ('runs','findings','inputs','minimized','reproductions','verdicts','replay_marks')"), 7);
	bf_store_close(st);
	/* reopening migrates nothing and changes nothing */
	st = tt_open(db);
	ASSERT_TRUE(st);
	ASSERT_EQ(tt_count(st, "PRAGMA user_version"), bf_store_schema_version());
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(migration_3_adds_samples_to_a_version_2_store)
{
	/*
	 * A test that a store made by a bf-triage of schema version 2 (runs and
	 * findings rows, no samples table) is migrated on open: the samples
	 * table appears, the rows are kept, user_version is the newest.
	 * Expect the old rows intact and a sample insertable against an old run.
	 */
	char db[300];
	struct bf_store *st;
	sqlite3 *raw;
	const char *a, *sql = bf_store_schema_sql();
	char *upto2;

	tt_setup();
	snprintf(db, sizeof(db), "%s/v2.db", tt_root);
	a = strstr(sql, "-- migration 3:");
	ASSERT_TRUE(a != NULL);
	upto2 = strndup(sql, (size_t)(a - sql));
	ASSERT_EQ(sqlite3_open(db, &raw), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(raw, upto2, NULL, NULL, NULL), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 2; INSERT INTO runs (source, engine, variant, ingested_at)"
				    " VALUES ('/old/fuzz-0.log', 'libfuzzer', 'libfuzzer', 1);"
				    " INSERT INTO findings (signature, kind, title, first_seen, last_seen, known_upstream)"
				    " VALUES ('x||', 'x', 'x', 1, 1, 'watermark-fast-negative')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	free(upto2);
	st = tt_open(db);
	ASSERT_TRUE(st);
	ASSERT_EQ(tt_count(st, "PRAGMA user_version"), bf_store_schema_version());
	ASSERT_TRUE(bf_store_schema_version() >= 3);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'samples'"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM runs"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE known_upstream = 'watermark-fast-negative'"), 1);
	ASSERT_EQ(bf_store_exec(st, "INSERT INTO samples (run_id, t, execs) VALUES (1, 100, 5)"), 0);
	/* keyed by run and time */
	ASSERT_TRUE(bf_store_exec(st, "INSERT INTO samples (run_id, t, execs) VALUES (1, 100, 6)") != 0);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(garbage_database_is_refused_and_untouched)
{
	char db[300], before[41], after[41], args[2048], err[4096];
	char junk[8192];
	struct bf_store *st;
	char e[1024];

	tt_setup();
	snprintf(db, sizeof(db), "%s/junk.db", tt_root);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	tt_write(db, junk, sizeof(junk));
	file_sha1(db, before);
	ASSERT_EQ(bf_store_open(&st, db, 0, e, sizeof(e)), -1);
	ASSERT_TRUE(strstr(e, "junk.db") != NULL);
	if (access(BF_BINARY_DIR "/bf-triage", X_OK) == 0) {
		static const char *const cmds[] = { "list", "ingest %s/art", "verify", "show 1" };

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			char c[300];

			snprintf(c, sizeof(c), cmds[i], tt_root);
			snprintf(args, sizeof(args), "--db %s --build %s/build %s", db, tt_root, c);
			ASSERT_TRUE(cli(args, err, sizeof(err)) != 0);
			ASSERT_EQ(lines(err), 1);
			ASSERT_TRUE(strstr(err, "junk.db") != NULL);
		}
	}
	file_sha1(db, after);
	ASSERT_STREQ(before, after);
	tt_teardown();
	return 0;
}

TEST(truncated_database_is_refused_and_untouched)
{
	char db[300], before[41], after[41], args[2048], err[4096];
	struct bf_store *st;
	struct bf_triage_opts o;
	struct stat sb;
	const char *art;
	char e[1024];

	tt_setup();
	art = tt_dir("art");
	for (int i = 0; i < 40; i++) {
		char buf[4096];
		int n = snprintf(buf, sizeof(buf), "DIVERGENCE: lost-page in free (%d)\n", i);

		memset(buf + n, 'x', sizeof(buf) - 1 - (size_t)n);   /* padding: a store of many pages */
		buf[sizeof(buf) - 1] = 0;
		tt_artifact(art, "crash", buf);
	}
	snprintf(db, sizeof(db), "%s/t.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 1);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)art }, 1, &o), 0);
	bf_store_close(st);               /* last connection: checkpointed into t.db */
	ASSERT_EQ(stat(db, &sb), 0);
	ASSERT_TRUE(sb.st_size > 100000);
	ASSERT_EQ(truncate(db, sb.st_size / 2), 0);
	file_sha1(db, before);
	ASSERT_EQ(bf_store_open(&st, db, 0, e, sizeof(e)), -1);
	ASSERT_EQ(bf_store_open(&st, db, BF_STORE_READONLY, e, sizeof(e)), -1);
	if (access(BF_BINARY_DIR "/bf-triage", X_OK) == 0) {
		snprintf(args, sizeof(args), "--db %s --build %s/build ingest %s", db, tt_root, art);
		ASSERT_EQ(cli(args, err, sizeof(err)), 2);
		ASSERT_EQ(lines(err), 1);
		snprintf(args, sizeof(args), "--db %s list", db);
		ASSERT_EQ(cli(args, err, sizeof(err)), 2);
	}
	file_sha1(db, after);
	ASSERT_STREQ(before, after);
	tt_teardown();
	return 0;
}

TEST(minimizer_helpers_round_trip)
{
	char db[300];
	struct bf_store *st;
	struct bf_triage_opts o;
	struct bf_finding f;
	struct bf_input in;
	const char *art;

	tt_setup();
	art = tt_dir("art");
	tt_artifact(art, "crash", "DIVERGENCE: lost-page in free (pfn 7)\n");
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 1);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)art }, 1, &o), 0);
	ASSERT_EQ(bf_store_get_finding(st, 1, &f), 0);
	ASSERT_STREQ(f.signature, "lost-page|free|");
	{
		struct bf_finding none;

		ASSERT_EQ(bf_store_get_finding(st, 2, &none), 1);
	}
	ASSERT_EQ(bf_store_finding_input(st, 1, &in), 0);
	ASSERT_EQ(in.size, strlen("DIVERGENCE: lost-page in free (pfn 7)\n"));
	ASSERT_TRUE(!memcmp(in.bytes, "DIVERGENCE", 10));
	ASSERT_STREQ(in.format, "bin");
	ASSERT_EQ(bf_store_add_minimized(st, 1, in.id, "node 0\n", (const uint8_t *)"\x01\x02", 2, "int main(){}\n",
					 f.signature, "3 ops -> 1"), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM minimized WHERE finding_id = 1 AND length(bytes) = 2"), 1);
	bf_input_free(&in);
	bf_finding_free(&f);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(runner_captures_output_and_kills_on_timeout)
{
	struct bf_variant *v;
	struct bf_run_result r;
	char p[400];
	int n;

	tt_setup();
	n = bf_variants_list(tt_dir("build"), &v);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(v[0].name, "fake");
	ASSERT_TRUE(v[0].is_replay && !v[0].sanitizer);
	snprintf(p, sizeof(p), "%s/in", tt_root);
	tt_write(p, "DIVERGENCE: x in y (z)\n", 23);
	ASSERT_EQ(bf_run_variant(&v[0], p, 'b', 5, &r), 0);
	ASSERT_EQ(r.exit_code, 1);
	ASSERT_STREQ(r.output, "DIVERGENCE: x in y (z)\n");
	bf_run_result_free(&r);
	tt_write(p, "HANG\n", 5);
	ASSERT_EQ(bf_run_variant(&v[0], p, 'b', 0.3, &r), 0);
	ASSERT_TRUE(r.timed_out);
	ASSERT_TRUE(r.seconds < 5);
	bf_run_result_free(&r);
	free(v);
	ASSERT_EQ(bf_variants_list("/nonexistent", &v), -1);
	tt_teardown();
	return 0;
}

TEST(schema_text_is_embedded_once)
{
	/* The binary's schema is triage/schema.sql itself, not a copy. */
	FILE *f = fopen(BF_SOURCE_DIR "/triage/schema.sql", "rb");
	static char buf[1 << 16];
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	ASSERT_TRUE(n > 0);
	ASSERT_STREQ(bf_store_schema_sql(), buf);
	return 0;
}

RUN_TESTS(T(new_store_has_schema_version_and_wal), T(migration_3_adds_samples_to_a_version_2_store), T(garbage_database_is_refused_and_untouched),
	  T(truncated_database_is_refused_and_untouched), T(minimizer_helpers_round_trip),
	  T(runner_captures_output_and_kills_on_timeout), T(schema_text_is_embedded_once))
