/*
 * test_triage_ingest.c - ingest reliability: idempotency, concurrent
 * ingests, an ingest killed with SIGKILL mid-transaction, bad artifacts,
 * libFuzzer logs and AFL++ output dirs, timeouts, and verify closing fixed
 * findings.  Every test builds its own scratch dir with synthetic artifacts
 * and the fake variant of test_triage_util.h (and, when the lead's tree has
 * one, a real build/release/bf-replay for one end-to-end check).
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "test.h"
#include "test_triage_util.h"

/* Three divergences (two of them one bug with different numbers), one invariant, one passing input. */
static void five_artifacts(const char *dir)
{
	tt_artifact(dir, "crash", "DIVERGENCE: wrong-zone in alloc (pfn 100 order 2, op 5)\n");
	tt_artifact(dir, "crash", "DIVERGENCE: wrong-zone in alloc (pfn 0x3000 order 0, op 17)\n");
	tt_artifact(dir, "crash", "DIVERGENCE: lost-page in free (pfn 7)\n");
	tt_artifact(dir, "crash", "INVARIANT: zone Normal nr_free[1] 3 != list length 2 in op 4\n");
	tt_artifact(dir, "timeout", "this one passes everywhere\n");
}

TEST(ingest_twice_changes_nothing)
{
	/* A test that ingesting the same dir twice files each artifact once. Expect identical stores. */
	struct bf_triage_opts o;
	struct bf_store *st;
	char d1[41], d2[41], db[300];
	const char *art;
	int rc;

	tt_setup();
	art = tt_dir("art");
	five_artifacts(art);
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	tt_opts(&o, 2);
	st = tt_open(db);
	ASSERT_TRUE(st);
	rc = bf_ingest(st, (char *const[]){ (char *)art }, 1, &o);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 5);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings"), 4);
	ASSERT_EQ(tt_count(st, "SELECT hits FROM findings WHERE signature = 'wrong-zone|alloc|'"), 2);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE status = 'flaky' AND kind = 'noreproduce:timeout'"), 1);
	/* reliability: 2 of 2 in the one variant */
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM reproductions WHERE purpose = 'ingest' AND k = 2 AND n = 2"), 4);
	tt_digest(st, d1);
	rc = bf_ingest(st, (char *const[]){ (char *)art, (char *)art }, 2, &o);
	ASSERT_EQ(rc, 0);
	tt_digest(st, d2);
	ASSERT_STREQ(d1, d2);
	ASSERT_TRUE(tt_integrity_ok(st));
	bf_store_close(st);
	tt_teardown();
	return 0;
}

static pid_t spawn_ingest(const char *db, char *const *dirs, int n, long sleep_ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct bf_triage_opts o;
		struct bf_store *st;
		char v[32];

		if (sleep_ms) {
			snprintf(v, sizeof(v), "%ld", sleep_ms);
			setenv("BF_TRIAGE_TEST_SLEEP_MS", v, 1);
		}
		tt_opts(&o, 1);
		st = tt_open(db);
		if (!st)
			_exit(3);
		_exit(bf_ingest(st, dirs, n, &o) < 0 ? 4 : 0);
	}
	return pid;
}

static void twelve_artifacts(const char *a, const char *b)
{
	char buf[128];

	for (int i = 0; i < 12; i++) {
		/* kinds: 4 distinct signatures, 3 inputs each, split over two overlapping dirs */
		static const char *const kinds[] = { "wrong-zone in alloc", "lost-page in free",
						     "unmerged-buddy in free", "double-alloc in alloc" };

		snprintf(buf, sizeof(buf), "DIVERGENCE: %s (pfn %d, op %d)\n", kinds[i % 4], i * 8, i);
		if (i < 8)
			tt_artifact(a, "crash", buf);
		if (i >= 4)
			tt_artifact(b, "crash", buf);
	}
}

TEST(concurrent_ingests_file_everything_exactly_once)
{
	/* Three processes ingest the same and overlapping dirs at once. Expect every input and finding once. */
	char db[300];
	char *a, *b;
	pid_t p[3];
	struct bf_store *st;

	tt_setup();
	a = strdup(tt_dir("a"));
	b = strdup(tt_dir("b"));
	twelve_artifacts(a, b);
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	p[0] = spawn_ingest(db, (char *const[]){ a, b }, 2, 0);
	p[1] = spawn_ingest(db, (char *const[]){ b }, 1, 0);
	p[2] = spawn_ingest(db, (char *const[]){ a }, 1, 0);
	for (int i = 0; i < 3; i++) {
		int status;

		ASSERT_EQ(waitpid(p[i], &status, 0), p[i]);
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	st = tt_open(db);
	ASSERT_TRUE(st);
	ASSERT_TRUE(tt_integrity_ok(st));
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 12);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings"), 4);
	ASSERT_EQ(tt_count(st, "SELECT sum(hits) FROM findings"), 12);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE hits = 3"), 4);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs WHERE finding_id IS NULL"), 0);
	bf_store_close(st);
	free(a), free(b);
	tt_teardown();
	return 0;
}

TEST(ingest_killed_mid_transaction_loses_nothing)
{
	/*
	 * A test that SIGKILL inside the ingest transaction leaves a sound store.
	 * The child sleeps 300 ms after filing each input; once its replays are
	 * all marked finished we wait a little and kill it.  Expect integrity_check
	 * ok, nothing half-filed, and a re-run filing every finding exactly once.
	 */
	char db[300];
	char *a, *b;
	struct bf_store *st;
	struct bf_triage_opts o;
	pid_t pid;
	int status;
	long marks = 0;

	tt_setup();
	a = strdup(tt_dir("a"));
	b = strdup(tt_dir("b"));
	twelve_artifacts(a, b);
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);          /* create the store first, so we can watch the marks */
	ASSERT_TRUE(st);
	pid = spawn_ingest(db, (char *const[]){ a, b }, 2, 300);
	for (int i = 0; i < 3000 && marks < 12; i++) {
		usleep(10000);
		marks = tt_count(st, "SELECT count(*) FROM replay_marks WHERE finished_at IS NOT NULL");
	}
	ASSERT_EQ(marks, 12);
	usleep(700000);            /* inside the transaction: ~2 of 12 inputs filed */
	kill(pid, SIGKILL);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_TRUE(tt_integrity_ok(st));
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings"), 0);
	tt_opts(&o, 1);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ a, b }, 2, &o), 0);
	ASSERT_TRUE(tt_integrity_ok(st));
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 12);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings"), 4);
	ASSERT_EQ(tt_count(st, "SELECT sum(hits) FROM findings"), 12);
	bf_store_close(st);
	free(a), free(b);
	tt_teardown();
	return 0;
}

TEST(bad_artifacts_are_stored_invalid_without_losing_others)
{
	/* Empty, oversized and unparsable artifacts beside a good one. Expect 3 invalid rows, 1 finding, rc 1. */
	char db[300], p[600];
	const char *art;
	struct bf_store *st;
	struct bf_triage_opts o;
	char *huge;

	tt_setup();
	art = tt_dir("art");
	snprintf(p, sizeof(p), "%s/crash-empty", art);
	tt_write(p, "", 0);
	huge = calloc(1, (1 << 20) + 10);
	snprintf(p, sizeof(p), "%s/oom-huge", art);
	tt_write(p, huge, (1 << 20) + 10);
	free(huge);
	snprintf(p, sizeof(p), "%s/crash-notaprogram.bfp", art);
	tt_write(p, "this is not a program\n", 22);
	tt_artifact(art, "crash", "DIVERGENCE: lost-page in free (pfn 7)\n");
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 1);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)art }, 1, &o), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs WHERE status = 'invalid' AND error <> ''"), 3);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs WHERE status = 'invalid' AND size = 1048586 AND bytes IS NULL"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs WHERE status = 'ok' AND finding_id = 1"), 1);
	/* a second ingest neither re-files nor loses them */
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)art }, 1, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 4);
	/* a missing dir is an error and stores nothing */
	ASSERT_EQ(bf_ingest(st, (char *const[]){ "/nonexistent/dir" }, 1, &o), -1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 4);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(libfuzzer_log_gives_run_stats_and_report)
{
	char db[300], p[600], sha[41], log[2048];
	const char *art, *content = "INVARIANT: zone DMA32 nr_free[0] 1 != list length 0 in op 2\n";
	struct bf_store *st;
	struct bf_triage_opts o;

	tt_setup();
	art = tt_dir("lf");
	tt_artifact(art, "crash", content);
	bf_sha1_hex(content, strlen(content), sha);
	snprintf(log, sizeof(log),
		 "INFO: Seed: 1234\n#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n"
		 "#4096\tNEW    cov: 57 ft: 80 corp: 9/120b lim: 4 exec/s: 2048 rss: 31Mb\n"
		 "DIVERGENCE: lost-page in free (pfn 9)\nop: 2 (line 4)\n==7== ERROR: libFuzzer: deadly signal\n"
		 "artifact_prefix='%s/'; Test unit written to %s/crash-%s\n"
		 "stat::number_of_executed_units: 5000\nstat::average_exec_per_sec: 2500\n", art, art, sha);
	snprintf(p, sizeof(p), "%s/fuzz-0.log", art);
	tt_write(p, log, strlen(log));
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 1);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)art }, 1, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM runs WHERE engine = 'libfuzzer' AND execs = 5000"
			       " AND execs_per_s = 2500 AND coverage = 57 AND corpus_size = 9"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs WHERE run_id = 1 AND fuzz_report LIKE 'DIVERGENCE: lost-page%'"), 1);
	/* the replay (an invariant) decides the signature, not the log */
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE kind = 'invariant' AND status = 'open'"), 1);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(samples_from_libfuzzer_log_plot_data_and_ticks)
{
	/*
	 * A test of the time series: a libFuzzer log with a "# started:" line
	 * and four status lines (pulse, NEW, REDUCE; times start + N / exec/s),
	 * an AFL++ instance dir with fuzzer_stats and a plot_data of three
	 * ticks, and `bf-triage sample` calls as the campaign makes them.
	 * Expect one point per status line / plot_data line at the right time,
	 * re-ingesting (also after the log grew) keeps one point per time, and
	 * a sample of a second campaign run on the same store continues the
	 * same run's series.
	 */
	char db[300], p[600];
	const char *lf, *def;
	struct bf_store *st;
	struct bf_triage_opts o;
	static const char log1[] =
		"# campaign: build/libfuzzer/fuzz_ops -fork=0 corpus\n# started: 1700000000\n"
		"INFO: Seed: 1\n#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n"
		"#1024\tpulse  cov: 40 ft: 50 corp: 5/50b lim: 4 exec/s: 512 rss: 31Mb\n"
		"#4096\tNEW    cov: 57 ft: 80 corp: 9/120b lim: 4 exec/s: 1024 rss: 31Mb\n"
		"#10000\tREDUCE cov: 60 ft: 90 corp: 9/110b lim: 8 exec/s: 1000 rss: 32Mb\n";
	static const char log2[] = "#30000\tpulse  cov: 66 ft: 99 corp: 12/150b lim: 8 exec/s: 1000 rss: 32Mb\n";
	static const char stats[] = "start_time        : 1700000000\nlast_update       : 1700000600\n"
				    "execs_done        : 123456\nexecs_per_sec     : 205.76\ncorpus_count      : 77\n"
				    "edges_found       : 321\ncommand_line      : afl-fuzz -i in -o out -- build/afl/fuzz_ops\n";
	static const char plot[] =
		"# relative_time, cycles_done, cur_item, corpus_count, pending_total, pending_favs, map_size,"
		" saved_crashes, saved_hangs, max_depth, execs_per_sec, total_execs, edges_found\n"
		"5, 0, 0, 40, 40, 10, 1.20%, 0, 0, 2, 180.50, 900, 200\n"
		"10, 0, 3, 55, 50, 12, 1.40%, 0, 0, 3, 200.00, 2000, 250\n"
		"15, 1, 7, 77, 60, 13, 1.60%, 1, 0, 3, 205.76, 3100, 321\n";

	tt_setup();
	lf = tt_dir("lf");
	snprintf(p, sizeof(p), "%s/fuzz-0.log", lf);
	tt_write(p, log1, strlen(log1));
	tt_dir("out");
	def = tt_dir("out/default");
	snprintf(p, sizeof(p), "%s/fuzzer_stats", def);
	tt_write(p, stats, strlen(stats));
	snprintf(p, sizeof(p), "%s/plot_data", def);
	tt_write(p, plot, strlen(plot));
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 1);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)lf, (char *)tt_dir("out") }, 2, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples s JOIN runs r ON r.id = s.run_id"
			       " WHERE r.engine = 'libfuzzer'"), 4);
	/* #2 at 0 s, #1024 / 512 = 2 s, #4096 / 1024 = 4 s, #10000 / 1000 = 10 s */
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples s JOIN runs r ON r.id = s.run_id WHERE r.engine = 'libfuzzer'"
			       " AND s.t - 1700000000 IN (0, 2, 4, 10)"), 4);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples WHERE t = 1700000004 AND execs = 4096 AND coverage = 57"
			       " AND corpus_size = 9 AND execs_per_s = 1024"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples WHERE t = 1700000010 AND execs = 10000"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM runs WHERE source LIKE '%fuzz-0.log' AND started_at = 1700000000"), 1);
	/* plot_data: start_time + relative_time, edges_found as coverage */
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples s JOIN runs r ON r.id = s.run_id WHERE r.engine = 'afl'"), 3);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples WHERE t = 1700000015 AND corpus_size = 77 AND coverage = 321"
			       " AND execs = 3100"), 1);
	/* again, and after the log grew: one point per time, the new one added */
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)lf, (char *)tt_dir("out") }, 2, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples"), 7);
	{
		FILE *f = fopen(p, "a");   /* p: plot_data; append to the log instead */

		fclose(f);
		snprintf(p, sizeof(p), "%s/fuzz-0.log", lf);
		f = fopen(p, "a");
		fputs(log2, f);
		fclose(f);
	}
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)lf }, 1, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples"), 8);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples WHERE t = 1700000030 AND coverage = 66"), 1);
	/* the campaign's ticks: one run per engine; the same second twice keeps the later values */
	ASSERT_EQ(bf_sample(st, "libfuzzer", NULL, NULL, "fuzz_ops", 1700000005, 5000, 1000, 9, 57), 0);
	ASSERT_EQ(bf_sample(st, "libfuzzer", NULL, NULL, "fuzz_ops", 1700000010, 10000, 1000, 10, 60), 0);
	ASSERT_EQ(bf_sample(st, "libfuzzer", NULL, NULL, "fuzz_ops", 1700000010, 10100, 1010, 10, 61), 0);
	bf_store_close(st);
	/* a resumed campaign: same store, same run, the series goes on */
	st = tt_open(db);
	ASSERT_TRUE(st);
	ASSERT_EQ(bf_sample(st, "libfuzzer", NULL, NULL, "fuzz_ops", 1700003600, 90000, 900, 20, 80), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM runs WHERE source = 'campaign:libfuzzer'"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples s JOIN runs r ON r.id = s.run_id"
			       " WHERE r.source = 'campaign:libfuzzer'"), 3);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM samples WHERE t = 1700000010 AND execs = 10100 AND coverage = 61"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM runs WHERE source = 'campaign:libfuzzer' AND started_at = 1700000005"
			       " AND execs = 90000 AND coverage = 80 AND duration_s = 3595"), 1);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(afl_dirs_with_stats_skip_readme)
{
	char db[300], p[600];
	const char *crashes, *hangs, *def;
	struct bf_store *st;
	struct bf_triage_opts o;
	static const char stats[] = "start_time        : 1700000000\nlast_update       : 1700000600\n"
				    "execs_done        : 123456\nexecs_per_sec     : 205.76\ncorpus_count      : 77\n"
				    "edges_found       : 321\ncommand_line      : afl-fuzz -i in -o out -- build/afl/fuzz_ops\n";

	tt_setup();
	tt_dir("out");
	def = tt_dir("out/default");
	crashes = tt_dir("out/default/crashes");
	hangs = tt_dir("out/default/hangs");
	tt_dir("out/default/queue");
	snprintf(p, sizeof(p), "%s/fuzzer_stats", def);
	tt_write(p, stats, strlen(stats));
	snprintf(p, sizeof(p), "%s/README.txt", crashes);
	tt_write(p, "Command line used to find this crash:\n", 38);
	snprintf(p, sizeof(p), "%s/id:000000,sig:06,src:000001,time:12,execs:99,op:havoc,rep:4", crashes);
	tt_write(p, "DIVERGENCE: double-alloc in alloc (pfn 1)\n", 42);
	snprintf(p, sizeof(p), "%s/id:000000,src:000002,time:13,execs:100,op:havoc,rep:2", hangs);
	tt_write(p, "HANG\n", 5);
	snprintf(p, sizeof(p), "%s/out/default/queue/id:000000,time:0,execs:0,orig:seed", tt_root);
	tt_write(p, "DIVERGENCE: lost-page in free\n", 30);
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 1);
	o.timeout_s = 0.5;
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)tt_dir("out") }, 1, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM runs WHERE engine = 'afl' AND variant = 'afl' AND execs = 123456"
			       " AND corpus_size = 77 AND coverage = 321 AND duration_s = 600"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs"), 2);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM inputs WHERE run_id = 1"), 2);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE kind = 'double-alloc'"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE kind = 'timeout' AND signature = 'timeout||'"), 1);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(verify_reopens_fixed_that_reproduce_and_closes_the_fixed)
{
	char db[300], p[600];
	const char *art;
	struct bf_store *st;
	struct bf_triage_opts o;
	FILE *out = fopen("/dev/null", "w");

	tt_setup();
	art = tt_dir("art");
	tt_artifact(art, "crash", "DIVERGENCE: lost-page in free (pfn 7)\n");
	tt_artifact(art, "crash", "DIVERGENCE: wrong-zone in alloc (pfn 7)\n");
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 2);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)art }, 1, &o), 0);
	ASSERT_EQ(bf_store_add_verdict(st, 1, "fixed", 0, "thought so", "tester"), 0);
	ASSERT_EQ(bf_store_add_verdict(st, 2, "dup", 0, NULL, "tester"), -1);    /* dup needs --of */
	ASSERT_EQ(bf_store_add_verdict(st, 2, "dup", 99, NULL, "tester"), 1);    /* no finding 99 */
	ASSERT_EQ(bf_verify(st, &o, out), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM verdicts WHERE finding_id = 1 AND verdict = 'reopened'"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE status = 'open'"), 2);
	snprintf(p, sizeof(p), "%s/build/fake/fixed", tt_root);
	tt_write(p, "", 0);
	ASSERT_EQ(bf_verify(st, &o, out), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE status = 'verified'"), 2);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM reproductions WHERE purpose = 'verify' AND k = 0 AND n = 2"), 2);
	/* history is rows: 1 fixed + 1 reopened + 1 verified for finding 1 */
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM verdicts WHERE finding_id = 1"), 3);
	ASSERT_EQ(bf_store_add_verdict(st, 2, "dup", 1, "same bug", "tester"), 0);
	ASSERT_EQ(tt_count(st, "SELECT dup_of FROM findings WHERE id = 2 AND status = 'dup'"), 1);
	fclose(out);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

TEST(real_replay_of_known_upstream_scenario)
{
	/* End to end with the lead's build/release/bf-replay, when it exists and its oracle reports the breach. */
	char db[300], cmd[1200], p[700], sha[41];
	const char *scen = BF_SOURCE_DIR "/tests/scenarios/wmark_fast_negative_free_passes_unsigned.bfp";
	const char *replay = BF_SOURCE_DIR "/build/release/bf-replay";
	struct bf_store *st;
	struct bf_triage_opts o;
	size_t n;
	char *text;
	FILE *f;

	if (access(replay, X_OK) || access(scen, R_OK))
		return printf("  (skipped: no build/release/bf-replay)\n"), 0;
	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null 2>&1", replay, scen);
	if (WEXITSTATUS(system(cmd)) != 1)
		return printf("  (skipped: this build's oracle does not report the scenario yet)\n"), 0;
	tt_setup();
	f = fopen(scen, "rb");
	text = calloc(1, 1 << 16);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	bf_sha1_hex(text, n, sha);
	snprintf(p, sizeof(p), "%s/crash-%s.bfp", tt_dir("art"), sha);
	tt_write(p, text, n);
	free(text);
	snprintf(p, sizeof(p), "%s/build/release", tt_root);
	if (symlink(BF_SOURCE_DIR "/build/release", p))
		return 1;
	snprintf(p, sizeof(p), "%s/build/fake/fixed", tt_root);   /* the fake variant passes */
	tt_write(p, "", 0);
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	tt_opts(&o, 2);
	ASSERT_EQ(bf_ingest(st, (char *const[]){ (char *)tt_dir("art") }, 1, &o), 0);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM findings WHERE kind = 'watermark-breach' AND variant = 'release'"), 1);
	ASSERT_EQ(tt_count(st, "SELECT count(*) FROM reproductions WHERE variant = 'release' AND k = 2"), 1);
	bf_store_close(st);
	tt_teardown();
	return 0;
}

RUN_TESTS(T(ingest_twice_changes_nothing), T(samples_from_libfuzzer_log_plot_data_and_ticks), T(concurrent_ingests_file_everything_exactly_once),
	  T(ingest_killed_mid_transaction_loses_nothing), T(bad_artifacts_are_stored_invalid_without_losing_others),
	  T(libfuzzer_log_gives_run_stats_and_report), T(afl_dirs_with_stats_skip_readme),
	  T(verify_reopens_fixed_that_reproduce_and_closes_the_fixed), T(real_replay_of_known_upstream_scenario))
