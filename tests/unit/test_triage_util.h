/*
 * test_triage_util.h - fixtures shared by the triage tests: a scratch
 * directory, a fake build dir whose one variant "fake" is a shell script
 * standing in for bf-replay, synthetic artifacts named <kind>-<sha1>, and a
 * digest of a whole store for before/after comparisons.
 *
 * The fake replayer prints the input and exits 1 when it starts with
 * "DIVERGENCE"/"INVARIANT" (so an artifact's content is its own report),
 * sleeps on "HANG", and passes everything once a file "fixed" sits beside it.
 */
#ifndef BF_TEST_TRIAGE_UTIL_H
#define BF_TEST_TRIAGE_UTIL_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "triage/store.h"
#include "triage/triage.h"

static char tt_root[256];

static inline void tt_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

/* A fresh scratch dir with build/fake/bf-replay; returns tt_root. */
static inline const char *tt_setup(void)
{
	static const char script[] =
		"#!/bin/sh\n"
		"for f; do :; done\n"
		"[ -e \"$(dirname \"$0\")/fixed\" ] && exit 0\n"
		"if grep -q '^HANG' \"$f\"; then sleep 30; fi\n"
		"if grep -q '^DIVERGENCE\\|^INVARIANT' \"$f\"; then cat \"$f\"; exit 1; fi\n"
		"echo fine; exit 0\n";
	char p[512];

	snprintf(tt_root, sizeof(tt_root), "/tmp/bf-tt-XXXXXX");
	if (!mkdtemp(tt_root))
		abort();
	snprintf(p, sizeof(p), "%s/build", tt_root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/build/fake", tt_root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/build/fake/bf-replay", tt_root);
	tt_write(p, script, strlen(script));
	chmod(p, 0755);
	snprintf(p, sizeof(p), "%s/art", tt_root);
	mkdir(p, 0755);
	return tt_root;
}

static inline void tt_teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tt_root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tt_root);
}

/* A subdir of the scratch dir (created); returns a static path. */
static inline const char *tt_dir(const char *name)
{
	static char p[8][512];
	static int i;
	char *r = p[i++ % 8];

	snprintf(r, 512, "%s/%s", tt_root, name);
	mkdir(r, 0755);
	return r;
}

/* Write an artifact <kind>-<sha1 of content> into dir. */
static inline void tt_artifact(const char *dir, const char *kind, const char *content)
{
	char sha[41], p[700];

	bf_sha1_hex(content, strlen(content), sha);
	snprintf(p, sizeof(p), "%s/%s-%s", dir, kind, sha);
	tt_write(p, content, strlen(content));
}

static inline void tt_opts(struct bf_triage_opts *o, int k)
{
	static char build[300];
	static FILE *devnull;

	bf_triage_opts_default(o);
	snprintf(build, sizeof(build), "%s/build", tt_root);
	o->build_dir = build;
	o->k = k;
	o->timeout_s = 5;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	o->log = getenv("BF_TEST_VERBOSE") ? stderr : devnull;
}

static inline long tt_count(struct bf_store *st, const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;

	if (sqlite3_prepare_v2(bf_store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static inline int tt_integrity_ok(struct bf_store *st)
{
	sqlite3_stmt *s;
	int ok = 0;

	if (sqlite3_prepare_v2(bf_store_db(st), "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	return ok;
}

/* sha1 over every row of every table (and the schema), in a fixed order. */
static inline void tt_digest(struct bf_store *st, char out[41])
{
	static const char *const tables[] = { "runs", "findings", "inputs", "minimized", "reproductions",
					      "verdicts", "replay_marks", "sqlite_master" };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char sql[128];
		sqlite3_stmt *s;

		snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1, 2", tables[t]);
		if (sqlite3_prepare_v2(bf_store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(s); i++) {
				const void *b = sqlite3_column_blob(s, i);

				fwrite(b ? b : "", 1, (size_t)sqlite3_column_bytes(s, i), m);
				fputc(0, m);
			}
			fputc('\n', m);
		}
		sqlite3_finalize(s);
	}
	fclose(m);
	bf_sha1_hex(buf, len, out);
	free(buf);
}

static inline struct bf_store *tt_open(const char *path)
{
	struct bf_store *st;
	char err[1024];

	if (bf_store_open(&st, path, 0, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return NULL;
	}
	return st;
}

#endif /* BF_TEST_TRIAGE_UTIL_H */
