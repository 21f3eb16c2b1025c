/*
 * triage_main.c - the bf-triage command line (design brief §6).  A thin
 * argument parser over triage.h, store.h, minimize.h and report.h; every
 * error is one line on stderr and a non-zero exit (2: usage or a store that
 * cannot be opened; 1: the command failed or found bad input).
 * minimize and report are implemented by triage/minimize*.c and
 * triage/report*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/mm.h"
#include "triage/minimize.h"
#include "triage/report.h"
#include "triage/store.h"
#include "triage/triage.h"


static void usage(FILE *f)
{
	fprintf(f,
		"usage: bf-triage [--db PATH] [--build DIR] [-k K] [--timeout S] [-v] COMMAND ...\n"
		"  ingest DIR...            file new fuzzer artifacts (libFuzzer crash-*/timeout-*/oom-*/leak-*,\n"
		"                           AFL++ crashes/ hangs/) with their logs; [--engine E] [--variant V] [--target T]\n"
		"  list [--all] [--known-upstream|--new]  findings (--all: closed ones too; --known-upstream: only\n"
		"                           5.10.0's own bugs, docs/known-upstream.md; --new: only the others)\n"
		"  show ID                  one finding: title, inputs, reproductions, verdicts, minimized programs\n"
		"  repro ID                 replay its input K times in every built variant\n"
		"  verdict ID dup|undup|invalid|fixed [--of ID] [--note TEXT]\n"
		"  verify                   replay every open finding; close the fixed, reopen the not-fixed\n"
		"  minimize ID [--seconds S]  shrink its program (structure-aware), store .bfp + C reproducer\n"
		"  report [--out DIR] [--coverage FILE] [--reach FILE] [--coverage-html PATH]\n"
		"                           markdown + HTML reports (default DIR: triage-report); --coverage: llvm-cov\n"
		"                           export JSON of the corpus, --reach: bf-reach --all output (the coverage\n"
		"                           section), --coverage-html: the line-level report to link (relative to DIR)\n"
		"  sample --engine E --time T [--execs N] [--exec-per-s X] [--corpus C] [--coverage V]\n"
		"         [--source S] [--variant V] [--target T]\n"
		"                           one point of E's time series (the campaign's ticks; run 'campaign:E')\n"
		"defaults: --db findings.db, --build build (variants: build/<preset>/ with bf-replay), -k 3, --timeout 10\n");
}

static int parse_id(const char *s, long *id)
{
	char *end;

	*id = strtol(s, &end, 10);
	return *end || *id <= 0 ? -1 : 0;
}

static const char *first_line(const char *s, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(s, "\n"), s);
	return buf;
}

/* which: 0 every finding, 1 only known-upstream ones, 2 only new ones (not known upstream). */
static int cmd_list(struct bf_store *st, int all, int which)
{
	sqlite3_stmt *s;
	char line[160];
	long invalid = 0;
	const char *sql =
		"SELECT f.id, f.status, f.hits, f.kind, f.title,"
		" (SELECT group_concat(r.variant || ' ' || r.k || '/' || r.n, ', ') FROM reproductions r"
		"   WHERE r.finding_id = f.id AND r.id = (SELECT max(r2.id) FROM reproductions r2"
		"   WHERE r2.finding_id = f.id AND r2.variant = r.variant) AND r.k > 0),"
		" f.known_upstream"
		" FROM findings f WHERE (?1 OR f.status IN ('open','flaky','fixed'))"
		" AND (?2 = 0 OR (?2 = 1) = (f.known_upstream IS NOT NULL))"
		" ORDER BY f.known_upstream IS NOT NULL, f.id";

	if (sqlite3_prepare_v2(bf_store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(s, 1, all);
	sqlite3_bind_int(s, 2, which);
	printf("%-5s %-14s %5s  %-28s %s\n", "ID", "STATUS", "HITS", "KIND", "TITLE / REPRODUCES IN");
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *rep = (const char *)sqlite3_column_text(s, 5);
		const char *status = (const char *)sqlite3_column_text(s, 1);
		int ku = sqlite3_column_type(s, 6) != SQLITE_NULL;

		/* a known-upstream finding still open is shown as such: 5.10.0's bug, not the model's */
		if (ku && (!strcmp(status, "open") || !strcmp(status, "flaky")))
			status = "known-upstream";
		printf("%-5lld %-14s %5lld  %-28s %s\n", sqlite3_column_int64(s, 0), status,
		       sqlite3_column_int64(s, 2), sqlite3_column_text(s, 3),
		       first_line((const char *)sqlite3_column_text(s, 4), line, sizeof(line)));
		printf("%-5s %-14s %5s  %-28s   reproduces in: %s\n", "", "", "", "", rep ? rep : "(none)");
		if (ku) {
			const char *fix = (const char *)sqlite3_column_text(s, 6);
			int f = 0;

			while (f < BF_NR_FIXES && strcmp(bf_fix_names[f], fix))
				f++;
			printf("%-5s %-14s %5s  %-28s   known upstream: 5.10.0's own bug, gone with fix %s"
			       " (docs/known-upstream.md#%s)\n", "", "", "", "", fix, fix);
			if (f < BF_NR_FIXES)
				printf("%-5s %-14s %5s  %-28s   fixed by %s; introduced by %s\n", "", "", "", "",
				       bf_fix_commits[f], bf_fix_introduced[f]);
		}
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(bf_store_db(st), "SELECT count(*) FROM inputs WHERE status = 'invalid'", -1, &s,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			invalid = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	if (invalid)
		printf("(%ld invalid inputs stored; see `sqlite3 DB \"SELECT source_path, error FROM inputs"
		       " WHERE status='invalid'\"`)\n", invalid);
	return 0;
}

static void print_rows(struct bf_store *st, const char *title, const char *sql, long id)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(bf_store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, id);
	printf("%s:\n", title);
	while (sqlite3_step(s) == SQLITE_ROW) {
		printf("  ");
		for (int i = 0; i < sqlite3_column_count(s); i++) {
			const char *t = (const char *)sqlite3_column_text(s, i);

			printf("%s%s", i ? "  " : "", t ? t : "-");
		}
		printf("\n");
	}
	sqlite3_finalize(s);
}

static int cmd_show(struct bf_store *st, long id)
{
	struct bf_finding f;
	struct bf_input in;
	int rc = bf_store_get_finding(st, id, &f);
	char t1[64], t2[64];
	time_t a, b;

	if (rc)
		return rc;
	a = (time_t)f.first_seen, b = (time_t)f.last_seen;
	strftime(t1, sizeof(t1), "%Y-%m-%d %H:%M:%S", gmtime(&a));
	strftime(t2, sizeof(t2), "%Y-%m-%d %H:%M:%S", gmtime(&b));
	printf("finding %ld  [%s]%s", f.id, f.status, f.dup_of ? "" : "\n");
	if (f.dup_of)
		printf(" dup of %ld\n", f.dup_of);
	printf("title:     %s\nsignature: %s\nkind: %s  op: %s  frames: %s\n", f.title, f.signature, f.kind,
	       f.op[0] ? f.op : "-", f.frames[0] ? f.frames : "-");
	printf("hits: %ld  first seen %s UTC  last seen %s UTC  filed from variant %s\n", f.hits, t1, t2,
	       f.variant[0] ? f.variant : "-");
	print_rows(st, "known upstream (the fix that makes it go away; docs/known-upstream.md)",
		   "SELECT known_upstream FROM findings WHERE id = ? AND known_upstream IS NOT NULL", id);
	print_rows(st, "inputs (id sha1 artifact target format size status error source)",
		   "SELECT id, sha1, artifact, target, format, size, status, error, source_path FROM inputs"
		   " WHERE finding_id = ? ORDER BY id", id);
	print_rows(st, "reproductions (variant purpose k/n outcome build when)",
		   "SELECT variant, purpose, k || '/' || n, outcome, build_id, datetime(at, 'unixepoch')"
		   " FROM reproductions WHERE finding_id = ? ORDER BY id", id);
	print_rows(st, "verdicts",
		   "SELECT datetime(at, 'unixepoch'), verdict, coalesce('of ' || of_finding, ''), who,"
		   " coalesce(note, '') FROM verdicts WHERE finding_id = ? ORDER BY id", id);
	print_rows(st, "minimized (id sha1 note when)",
		   "SELECT id, sha1, coalesce(note, ''), datetime(created_at, 'unixepoch') FROM minimized"
		   " WHERE finding_id = ? ORDER BY id", id);
	if (!bf_store_finding_input(st, id, &in)) {
		printf("--- original program (input %ld, %s)\n%s", in.id, in.sha1, in.text);
		bf_input_free(&in);
	}
	printf("--- report (%s)\n%s%s", f.variant[0] ? f.variant : "fuzzer log", f.report,
	       f.report[0] && f.report[strlen(f.report) - 1] != '\n' ? "\n" : "");
	bf_finding_free(&f);
	return 0;
}

int main(int argc, char **argv)
{
	struct bf_triage_opts o;
	const char *db = "findings.db", *cmd, *user = getenv("USER");
	char err[1024];
	struct bf_store *st;
	int i = 1, rc = 0, ro;
	long id = 0;

	bf_triage_opts_default(&o);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return usage(stdout), 0;
		else if (!strcmp(a, "-v"))
			o.verbose = 1;
		else if (!v)
			return usage(stderr), 2;
		else if (!strcmp(a, "--db"))
			db = v, i++;
		else if (!strcmp(a, "--build"))
			o.build_dir = v, i++;
		else if (!strcmp(a, "-k") || !strcmp(a, "--k"))
			o.k = atoi(v), i++;
		else if (!strcmp(a, "--timeout"))
			o.timeout_s = atof(v), i++;
		else
			return usage(stderr), 2;
	}
	if (i >= argc || o.k < 1 || o.k > 100 || o.timeout_s <= 0)
		return usage(stderr), 2;
	cmd = argv[i++];
	if (strcmp(cmd, "ingest") && strcmp(cmd, "list") && strcmp(cmd, "show") && strcmp(cmd, "repro") &&
	    strcmp(cmd, "verdict") && strcmp(cmd, "verify") && strcmp(cmd, "minimize") && strcmp(cmd, "report") &&
	    strcmp(cmd, "sample")) {
		fprintf(stderr, "bf-triage: unknown command '%s'\n", cmd);
		return 2;
	}
	if (!strcmp(cmd, "show") || !strcmp(cmd, "repro") || !strcmp(cmd, "verdict") || !strcmp(cmd, "minimize")) {
		if (i >= argc || parse_id(argv[i], &id)) {
			fprintf(stderr, "bf-triage: %s needs a finding ID (a positive number)\n", cmd);
			return 2;
		}
		i++;
	}
	ro = !strcmp(cmd, "list") || !strcmp(cmd, "show") || !strcmp(cmd, "report");
	if (bf_store_open(&st, db, ro ? BF_STORE_READONLY : 0, err, sizeof(err))) {
		fprintf(stderr, "bf-triage: %s\n", err);
		return 2;
	}
	if (!strcmp(cmd, "ingest")) {
		char **dirs = calloc((size_t)argc, sizeof(char *));
		int nd = 0;

		for (; i < argc; i++) {
			if (!strcmp(argv[i], "--engine") && i + 1 < argc)
				o.engine = argv[++i];
			else if (!strcmp(argv[i], "--variant") && i + 1 < argc)
				o.variant = argv[++i];
			else if (!strcmp(argv[i], "--target") && i + 1 < argc)
				o.target = argv[++i];
			else if (argv[i][0] == '-')
				rc = 2;
			else
				dirs[nd++] = argv[i];
		}
		if (!nd || rc) {
			fprintf(stderr, "bf-triage: ingest needs DIR... (options: --engine E --variant V --target T)\n");
			rc = 2;
		} else {
			rc = bf_ingest(st, dirs, nd, &o);
			rc = rc < 0 ? 1 : rc;
		}
		free(dirs);
	} else if (!strcmp(cmd, "list")) {
		int all = 0, which = 0;

		for (; i < argc; i++) {
			if (!strcmp(argv[i], "--all"))
				all = 1;
			else if (!strcmp(argv[i], "--known-upstream"))
				which = 1;
			else if (!strcmp(argv[i], "--new"))
				which = 2;
			else
				rc = 2;
		}
		if (rc)
			fprintf(stderr, "bf-triage: list [--all] [--known-upstream|--new]\n");
		else
			rc = cmd_list(st, all, which) ? 1 : 0;
	} else if (!strcmp(cmd, "sample")) {
		const char *engine = NULL, *source = NULL, *variant = NULL, *target = NULL;
		long t = -1, execs = -1, corpus = -1, cov = -1;
		double eps = -1;

		for (; i + 1 < argc; i += 2) {
			const char *k = argv[i], *v = argv[i + 1];

			if (!strcmp(k, "--engine"))
				engine = v;
			else if (!strcmp(k, "--source"))
				source = v;
			else if (!strcmp(k, "--variant"))
				variant = v;
			else if (!strcmp(k, "--target"))
				target = v;
			else if (!strcmp(k, "--time"))
				t = atol(v);
			else if (!strcmp(k, "--execs"))
				execs = atol(v);
			else if (!strcmp(k, "--exec-per-s"))
				eps = atof(v);
			else if (!strcmp(k, "--corpus"))
				corpus = atol(v);
			else if (!strcmp(k, "--coverage"))
				cov = atol(v);
			else
				rc = 2;
		}
		if (rc || i < argc || !engine || !*engine || t <= 0) {
			fprintf(stderr, "bf-triage: sample --engine E --time UNIX [--execs N] [--exec-per-s X]"
					" [--corpus C] [--coverage V] [--source S] [--variant V] [--target T]\n");
			rc = 2;
		} else if (bf_sample(st, engine, source, variant, target, t, execs, eps, corpus, cov)) {
			fprintf(stderr, "bf-triage: sample not stored: %s\n", bf_store_errmsg(st));
			rc = 1;
		}
	} else if (!strcmp(cmd, "show")) {
		rc = cmd_show(st, id);
		if (rc > 0)
			fprintf(stderr, "bf-triage: no finding %ld\n", id);
		rc = rc ? 1 : 0;
	} else if (!strcmp(cmd, "repro")) {
		rc = bf_repro(st, id, &o, stdout);
		if (rc > 0)
			fprintf(stderr, "bf-triage: no finding %ld (or it has no valid input)\n", id);
		rc = rc ? 1 : 0;
	} else if (!strcmp(cmd, "verdict")) {
		const char *verdict = i < argc ? argv[i++] : "", *note = NULL;
		long of = 0;

		for (; i < argc; i++) {
			if (!strcmp(argv[i], "--of") && i + 1 < argc && !parse_id(argv[i + 1], &of))
				i++;
			else if (!strcmp(argv[i], "--note") && i + 1 < argc)
				note = argv[++i];
			else
				rc = 2;
		}
		if (rc || (strcmp(verdict, "dup") && strcmp(verdict, "undup") && strcmp(verdict, "invalid") &&
			   strcmp(verdict, "fixed")) || (!strcmp(verdict, "dup") != (of > 0))) {
			fprintf(stderr, "bf-triage: verdict ID dup|undup|invalid|fixed [--of ID] [--note TEXT]"
					" (--of ID with dup, and only with dup)\n");
			rc = 2;
		} else {
			rc = bf_store_add_verdict(st, id, verdict, of, note, user ? user : "?");
			if (rc > 0)
				fprintf(stderr, "bf-triage: no finding %ld%s\n", rc ? id : of, of ? " (or --of)" : "");
			else if (rc < 0)
				fprintf(stderr, "bf-triage: verdict not stored: %s\n", bf_store_errmsg(st));
			rc = rc ? 1 : 0;
		}
	} else if (!strcmp(cmd, "verify")) {
		rc = bf_verify(st, &o, stdout) ? 1 : 0;
	} else if (!strcmp(cmd, "minimize")) {
		double secs = 0;

		if (i + 1 < argc && !strcmp(argv[i], "--seconds"))
			secs = atof(argv[i + 1]);
		struct bf_minimize_opts mo = { .build_dir = o.build_dir, .seconds = secs > 0 ? secs : 60,
					       .timeout_s = o.timeout_s, .log = stderr };

		rc = bf_minimize_finding_opts(st, id, &mo) ? 1 : 0;
	} else if (!strcmp(cmd, "report")) {
		struct bf_report_opts ro = { .outdir = "triage-report" };

		for (; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--out"))
				ro.outdir = argv[i + 1];
			else if (!strcmp(argv[i], "--coverage"))
				ro.coverage_json = argv[i + 1];
			else if (!strcmp(argv[i], "--reach"))
				ro.reach = argv[i + 1];
			else if (!strcmp(argv[i], "--coverage-html"))
				ro.coverage_html = argv[i + 1];
			else
				break;
		}
		if (i < argc) {
			fprintf(stderr, "bf-triage: report [--out DIR] [--coverage FILE] [--reach FILE]"
					" [--coverage-html PATH]\n");
			rc = 2;
		} else {
			rc = bf_report_write_opts(st, &ro, stderr) ? 1 : 0;
		}
	}
	bf_store_close(st);
	return rc;
}
