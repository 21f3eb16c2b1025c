/*
 * test_triage_report.c - `bf-triage report` (triage/report*.c): a scratch
 * store with two findings -- a real divergence (the watermark-breach of
 * tests/scenarios/wmark_fast_negative_free_passes_unsigned.bfp, minimized,
 * with a C reproducer and reproductions in three variants) and a
 * sanitizer-style one (a binary input, a report full of HTML metacharacters,
 * an 'invalid' verdict) -- plus four runs; the report is written and its
 * files read back.  The report of the main test is left in
 * BF_BINARY_DIR/report-fixture for tests/report/chromium-check.
 */
#include <sys/stat.h>
#include "test.h"
#include "test_triage_util.h"
#include "core/inspect.h"
#include "fuzz/exec.h"
#include "triage/report.h"

#define SCENARIO BF_SOURCE_DIR "/tests/scenarios/wmark_fast_negative_free_passes_unsigned.bfp"
#define FIXTURE_OUT BF_BINARY_DIR "/report-fixture"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

static int exists(const char *dir, const char *name)
{
	char p[600];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &sb) == 0 && sb.st_size > 0;
}

static char *read_out(const char *dir, const char *name)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return slurp(p);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The tags the pages open must be closed as often. */
static int balanced(const char *html)
{
	static const char *const tags[] = { "main", "table", "svg", "pre", "details", "dl", "ul", "g", "tr", "h1", "h2" };

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		char open[16], open2[16], close[16];

		snprintf(open, sizeof(open), "<%s>", tags[i]);
		snprintf(open2, sizeof(open2), "<%s ", tags[i]);
		snprintf(close, sizeof(close), "</%s>", tags[i]);
		if (count(html, open) + count(html, open2) != count(html, close)) {
			fprintf(stderr, "  unbalanced <%s>: %d + %d open, %d closed\n", tags[i], count(html, open),
				count(html, open2), count(html, close));
			return 0;
		}
	}
	return count(html, "<html") == 1 && count(html, "</html>") == 1 && count(html, "<body>") == 1 &&
	       count(html, "</body>") == 1;
}

static long insert_finding(struct bf_store *st, const char *sig, const char *kind, const char *op, const char *title,
			   const char *report, long seen, long hits)
{
	sqlite3_stmt *s;
	long id = -1;

	if (sqlite3_prepare_v2(bf_store_db(st),
			       "INSERT INTO findings(signature, kind, op, title, report, variant, first_seen, last_seen, hits)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, 'release', ?6, ?6 + 600, ?7)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, sig, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, report, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, seen);
	sqlite3_bind_int64(s, 7, hits);
	if (sqlite3_step(s) == SQLITE_DONE)
		id = (long)sqlite3_last_insert_rowid(bf_store_db(st));
	sqlite3_finalize(s);
	return id;
}

static long insert_input(struct bf_store *st, long finding, const char *format, const void *bytes, size_t n,
			 const char *text, long at)
{
	sqlite3_stmt *s;
	char sha[41];
	long id = -1;

	bf_sha1_hex(bytes, n, sha);
	if (sqlite3_prepare_v2(bf_store_db(st),
			       "INSERT INTO inputs(sha1, finding_id, artifact, source_path, target, format, size, bytes,"
			       " text, status, ingested_at) VALUES (?1, ?2, 'crash', '/fuzz/crash-' || ?1, ?3, ?4, ?5, ?6,"
			       " ?7, 'ok', ?8)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, finding);
	sqlite3_bind_text(s, 3, !strcmp(format, "bin") ? "fuzz_ops" : "fuzz_parse", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (long)n);
	sqlite3_bind_blob(s, 6, bytes, (int)n, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(s, 7, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, at);
	if (sqlite3_step(s) == SQLITE_DONE)
		id = (long)sqlite3_last_insert_rowid(bf_store_db(st));
	sqlite3_finalize(s);
	return id;
}

/* The divergence report bf-replay prints for the scenario (today's oracle). */
static char *scenario_report(const char *text)
{
	struct bf_exec_opts o = { .oracle = 1 };
	struct bf_exec_result r;
	struct bf_prog p;
	struct world *w = NULL;
	struct bf_oracle *orc = NULL;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (bf_prog_parse(&p, "scenario", text, err, sizeof(err)))
		return NULL;
	bf_exec_keep(&p, &o, &r, &w, &orc);
	m = open_memstream(&buf, &len);
	if (r.status == BF_EXEC_DIVERGENCE)
		bf_report_divergence(m, &p, &r, w, orc);
	else
		fprintf(m, "DIVERGENCE: watermark-breach in alloc (the oracle stub did not report it)\n"
			   "op: 18 (line 47)\n--- program\n%s--- end of report\n", text);
	fclose(m);
	if (w)
		world_destroy(w);
	if (orc)
		bf_oracle_destroy(orc);
	bf_prog_free(&p);
	return buf;
}

/* The scenario without its expectations: what the minimizer would store. */
static char *strip_expects(const char *text)
{
	struct bf_prog p;
	char err[512], *out;
	int n = 0;

	if (bf_prog_parse(&p, "scenario", text, err, sizeof(err)))
		return NULL;
	for (int i = 0; i < p.nr_ops; i++)
		if (p.ops[i].kind != BF_OP_EXPECT)
			p.ops[n++] = p.ops[i];
	p.nr_ops = n;
	out = bf_prog_to_text(&p);
	bf_prog_free(&p);
	return out;
}

static const char asan_report[] =
	"==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000014\n"
	"READ of size 8 at 0x602000000014 thread T0\n"
	"    #0 0x4f1a2b in __free_one_page core/buddy.c:210:9\n"
	"    #1 0x4f2c3d in free_pcppages_bulk core/pcp.c:88:3\n"
	"    #2 0x4f3e4f in drain_pages core/pcp.c:140:2\n"
	"note: <script>alert('x')</script> & \"quotes\" | pipes | `ticks`\n"
	"SUMMARY: AddressSanitizer: heap-buffer-overflow core/buddy.c:210:9 in __free_one_page\n";

static const char small_prog[] =
	"node 0 cpus=0-1\nzone 0 DMA32 4\nzone 0 Normal 16\n\n"
	"alloc a order=3 gfp=GFP_KERNEL\nalloc b order=0 gfp=GFP_KERNEL cpu=1\nfree b cpu=1\n"
	"alloc c order=9 gfp=GFP_HIGHUSER_MOVABLE\nfree a\n";

/* Build the two-finding store; returns it open, or NULL. */
static struct bf_store *fixture(const char *db, long *div_id, long *san_id)
{
	struct bf_store *st = tt_open(db);
	char *text = slurp(SCENARIO), *rep, *min;
	struct bf_prog p;
	uint8_t bin[4096];
	size_t nbin = 0;
	char err[512];
	long in1, in2;
	const long t0 = 1714550400; /* 2024-05-01 08:00 UTC */

	if (!st || !text)
		return NULL;
	rep = scenario_report(text);
	min = strip_expects(text);
	if (!rep || !min)
		return NULL;
	bf_store_exec(st, "INSERT INTO runs(source, engine, variant, target, started_at, duration_s, execs, execs_per_s,"
			  " corpus_size, coverage, ingested_at) VALUES"
			  " ('/fuzz/a/fuzz-0.log', 'libfuzzer', 'libfuzzer', 'fuzz_ops', 1714550400, 3600, 36000000, 10000, 420, 1800, 1714554000),"
			  " ('/fuzz/a/fuzz-1.log', 'libfuzzer', 'libfuzzer', 'fuzz_ops', 1714557600, 3600, 43200000, 12000, 610, 2100, 1714561200),"
			  " ('/fuzz/b/fuzzer_stats', 'afl', 'afl', 'fuzz_ops', 1714554000, 7200, 28800000, 4000, 900, 2300, 1714561200),"
			  " ('/fuzz/c/fuzz-0.log', 'libfuzzer', 'libfuzzer', 'fuzz_parse', 1714564800, 1800, 9000000, 5000, 300, 1500, 1714566600)");
	*div_id = insert_finding(st, "watermark-breach|alloc|", "watermark-breach", "alloc",
				 "watermark-breach in alloc (order 0 gfp GFP_NOWAIT)", rep, t0 + 1800, 3);
	/* 5.10.0's own bug: gone with the upstream fix (as ingest's known_upstream_fix records it) */
	bf_store_exec(st, "UPDATE findings SET known_upstream = 'watermark-fast-negative' WHERE kind = 'watermark-breach'");
	*san_id = insert_finding(st, "asan:heap-buffer-overflow||__free_one_page;free_pcppages_bulk;drain_pages",
				 "asan:heap-buffer-overflow", "",
				 "AddressSanitizer: heap-buffer-overflow <READ of size 8>\n"
				 "at __free_one_page < free_pcppages_bulk < drain_pages",
				 asan_report, t0 + 9000, 1);
	if (*div_id <= 0 || *san_id <= 0)
		return NULL;
	in1 = insert_input(st, *div_id, "text", text, strlen(text), min, t0 + 1800);
	if (bf_prog_parse(&p, "small", small_prog, err, sizeof(err)))
		return NULL;
	nbin = bf_prog_encode(&p, bin, sizeof(bin));
	bf_prog_free(&p);
	if (!nbin) {  /* no binary form (yet): any bytes decode to a program */
		memcpy(bin, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
		nbin = 8;
	}
	in2 = insert_input(st, *san_id, "bin", bin, nbin, small_prog, t0 + 9000);
	if (in1 <= 0 || in2 <= 0)
		return NULL;
	bf_store_add_repro(st, *div_id, in1, "release", "1-1", "ingest", 3, 3, "watermark-breach|alloc|", rep);
	bf_store_add_repro(st, *div_id, in1, "asan", "1-1", "ingest", 3, 3, "watermark-breach|alloc|", rep);
	bf_store_add_repro(st, *div_id, in1, "release", "1-2", "repro", 2, 3, "watermark-breach|alloc|", rep);
	bf_store_add_repro(st, *div_id, in1, "fixes", "1-1", "ingest", 0, 3, "ok", "fine\n");
	bf_store_add_repro(st, *san_id, in2, "asan", "1-1", "ingest", 1, 3, "asan:heap-buffer-overflow", asan_report);
	bf_store_add_minimized(st, *div_id, in1, min, NULL, 0,
			       "/* reproducer for finding 1 */\n#include <stdio.h>\nint main(void) { return 0; }\n",
			       "watermark-breach|alloc|", "ddmin: 23 ops -> 10");
	bf_store_add_verdict(st, *san_id, "invalid", 0, "<b>harness bug</b>, not the model", "tester");
	{
		/* a new finding whose oracle line had the gfp mask in hex, titled as ingest titles it */
		struct bf_class c;
		long id3;

		bf_classify("DIVERGENCE: wrong-zone in alloc (order 1 gfp 0x20 from DMA32/0: gfp allows Normal)\n"
			    "op: 2 (line 5)\n", 1, 0, 0, &c);
		id3 = insert_finding(st, c.signature, c.kind, c.op, c.title, "DIVERGENCE: wrong-zone in alloc\n",
				     t0 + 12000, 1);
		if (id3 <= 0 || insert_input(st, id3, "text", "x3", 2, small_prog, t0 + 12000) <= 0)
			return NULL;
	}
	/* the campaign's ticks: libFuzzer and AFL++ every 5 minutes for an hour, with a restart gap for AFL++ */
	for (int i = 0; i <= 12; i++) {
		bf_sample(st, "libfuzzer", NULL, NULL, "fuzz_ops", t0 + 300 * i, 3000000L * i, 9000 + 100 * i,
			  100 + 30 * i, 900 + 60 * i);
		if (i != 6)
			bf_sample(st, "afl", NULL, NULL, "fuzz_ops", t0 + 300 * i + 60, 1000000L * i, 3000 + 50 * i,
				  80 + 20 * i, 1200 + 40 * i);
	}
	free(text);
	free(rep);
	free(min);
	return st;
}

/*
 * The coverage fixture: an llvm-cov export (full) with one function reached
 * (__rmqueue_smallest: lines 100-120, 19 of 21 covered by llvm-cov's rule
 * over the segments, one branch taken one way) and one never reached
 * (__alloc_pages_may_oom), plus a model helper that must not be listed; and
 * bf-reach --all output with one testcase() marker reached, one not.
 */
static const char cov_json[] =
	"{\"data\":[{\"files\":[{\"filename\":\"/src/core/buddy.c\",\"segments\":[[100,1,5,true,true,false],"
	"[110,3,0,true,true,false],[112,2,5,true,false,false],[120,2,0,false,false,false]],"
	"\"summary\":{\"lines\":{\"count\":21,\"covered\":19},\"branches\":{\"count\":2,\"covered\":1}}},"
	"{\"filename\":\"/src/core/slowpath.c\",\"segments\":[[300,1,0,true,true,false],[310,2,0,false,false,false]],"
	"\"summary\":{\"lines\":{\"count\":11,\"covered\":0},\"branches\":{\"count\":0,\"covered\":0}}}],"
	"\"functions\":[{\"name\":\"buddy.c:__rmqueue_smallest\",\"count\":5,\"filenames\":[\"/src/core/buddy.c\"],"
	"\"regions\":[[100,1,120,2,5,0,0,0]],\"branches\":[[105,7,105,20,3,0,0,0,4]]},"
	"{\"name\":\"__alloc_pages_may_oom\",\"count\":0,\"filenames\":[\"/src/core/slowpath.c\"],"
	"\"regions\":[[300,1,310,2,0,0,0,0]],\"branches\":[]},"
	"{\"name\":\"bf_dump_zoneinfo\",\"count\":0,\"filenames\":[\"/src/core/dump.c\"],"
	"\"regions\":[[1,1,2,2,0,0,0,0]],\"branches\":[]}],"
	"\"totals\":{\"lines\":{\"count\":32,\"covered\":19,\"percent\":59.4}}}],"
	"\"type\":\"llvm.coverage.json.export\",\"version\":\"2.0.1\"}\n";
static const char reach_txt[] =
	"reached 2/3 states, 1/2 testcase markers, 5 programs\n"
	"reached __rmqueue_fallback: steal at pageblock_order\n"
	"never   rmqueue_bulk: partial refill\n"
	"reached pcp: refilled from the buddy\n";

static void rm_rf(const char *dir)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

TEST(report_shows_both_findings_with_program_diff_and_map)
{
	/*
	 * A test that the report of a two-finding store has an index listing
	 * both (status, kind, reliability, variants) and a page per finding with
	 * the program, the oracle-vs-world diff and an SVG memory map with its
	 * legend.  Expect well-formed HTML, no external reference, escaped text.
	 */
	struct bf_store *st;
	long d, s;
	char db[300];
	FILE *devnull = fopen("/dev/null", "w");
	char *ix, *ixmd, *f1, *f1md, *f2, *map;

	tt_setup();
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	st = fixture(db, &d, &s);
	ASSERT_TRUE(st);
	rm_rf(FIXTURE_OUT);
	{
		char cov[300], reach[300];
		struct bf_report_opts ro = { .outdir = FIXTURE_OUT, .coverage_json = cov, .reach = reach,
					     .coverage_html = "coverage/index.html" };

		snprintf(cov, sizeof(cov), "%s/coverage.json", tt_root);
		snprintf(reach, sizeof(reach), "%s/reach.txt", tt_root);
		tt_write(cov, cov_json, strlen(cov_json));
		tt_write(reach, reach_txt, strlen(reach_txt));
		ASSERT_EQ(bf_report_write_opts(st, &ro, getenv("BF_TEST_VERBOSE") ? stderr : devnull), 0);
	}
	bf_store_close(st);

	ASSERT_TRUE(exists(FIXTURE_OUT, "index.md") && exists(FIXTURE_OUT, "index.html"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "style.css"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "finding-1.md") && exists(FIXTURE_OUT, "finding-1.html"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "finding-2.md") && exists(FIXTURE_OUT, "finding-2.html"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "finding-1-map.svg") && exists(FIXTURE_OUT, "finding-2-map.svg"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "charts/execs_per_s.svg") && exists(FIXTURE_OUT, "charts/findings.svg"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "charts/corpus.svg") && exists(FIXTURE_OUT, "charts/coverage.svg"));

	ix = read_out(FIXTURE_OUT, "index.html");
	ixmd = read_out(FIXTURE_OUT, "index.md");
	f1 = read_out(FIXTURE_OUT, "finding-1.html");
	f1md = read_out(FIXTURE_OUT, "finding-1.md");
	f2 = read_out(FIXTURE_OUT, "finding-2.html");
	map = read_out(FIXTURE_OUT, "finding-1-map.svg");
	ASSERT_TRUE(ix && ixmd && f1 && f1md && f2 && map);

	/* the index: both findings, their status, kind, reliability and variants */
	ASSERT_TRUE(strstr(ix, "href=\"finding-1.html\"") && strstr(ix, "href=\"finding-2.html\""));
	ASSERT_TRUE(strstr(ix, ">watermark-breach<") && strstr(ix, ">asan:heap-buffer-overflow<"));
	ASSERT_TRUE(strstr(ix, ">open<") && strstr(ix, ">invalid<"));
	/* finding 1 is 5.10.0's own bug: a status of its own, with its fix, listed below the new ones */
	ASSERT_TRUE(strstr(ix, "<span class=\"badge known-upstream\">known-upstream</span>"));
	ASSERT_TRUE(strstr(ix, "href=\"known-upstream.html#watermark-fast-negative\""));
	ASSERT_TRUE(strstr(ix, "id=\"f3\"") < strstr(ix, "id=\"f1\"") && strstr(ix, "id=\"f2\"") < strstr(ix, "id=\"f1\""));
	ASSERT_TRUE(strstr(ixmd, "known-upstream (fix watermark-fast-negative)"));
	ASSERT_TRUE(exists(FIXTURE_OUT, "known-upstream.html") && exists(FIXTURE_OUT, "known-upstream.md"));
	{
		char *ku = read_out(FIXTURE_OUT, "known-upstream.html");

		ASSERT_TRUE(ku && strstr(ku, "<h2 id=\"watermark-fast-negative\">") && strstr(ku, "9282012fc0aa"));
		ASSERT_TRUE(balanced(ku));
		free(ku);
	}
	/* the hex gfp mask of finding 3's oracle line is named in its title */
	ASSERT_TRUE(strstr(ix, "gfp __GFP_HIGH from DMA32/N") && !strstr(ix, "gfp ADDR"));
	/* the time series: one polyline per engine with every tick, plus the total */
	ASSERT_TRUE(strstr(ix, "data-series=\"libfuzzer\"") && strstr(ix, "data-series=\"afl\"") &&
		    strstr(ix, "data-series=\"total (sum)\""));
	ASSERT_TRUE(count(ix, "<polyline") == 3 * 3 + 1);
	ASSERT_TRUE(strstr(ixmd, "| time | since start | afl | libfuzzer | total |"));
	ASSERT_TRUE(strstr(ixmd, "| 2024-05-01 09:01 UTC | 61:00 |"));
	/* the coverage section: the never-reached function first, the reached one with its lines */
	ASSERT_TRUE(strstr(ix, "Coverage of the 5.10 allocator"));
	ASSERT_TRUE(strstr(ix, "Never reached: <code class=\"cov-never\">__alloc_pages_may_oom</code>"));
	ASSERT_TRUE(strstr(ix, "<code>__rmqueue_smallest</code>") && strstr(ix, "19/21 (90%)") && strstr(ix, "1/2 (50%)"));
	ASSERT_TRUE(strstr(ix, "<h3>buddy</h3>") && strstr(ix, "<h3>slow path</h3>") && !strstr(ix, "bf_dump_zoneinfo"));
	ASSERT_TRUE(strstr(ix, "testcase() markers reached: <b>1/2</b>") && strstr(ix, "href=\"coverage/index.html\""));
	ASSERT_TRUE(strstr(ix, "rmqueue_bulk: partial refill</td><td>not reached"));
	ASSERT_TRUE(strstr(ixmd, "## Coverage of the 5.10 allocator") && strstr(ixmd, "Never reached: `__alloc_pages_may_oom`"));
	ASSERT_TRUE(strstr(ix, "asan 3/3, release 2/3"));  /* newest row per variant; 'fixes' 0/3 left out */
	ASSERT_TRUE(strstr(ix, ">5/9<"));                   /* reliability over those rows, fixes 0/3 too */
	ASSERT_TRUE(strstr(ix, "2024-05-01 08:30 UTC"));     /* first seen of finding 1 */
	ASSERT_TRUE(strstr(ix, "executions per second"));
	ASSERT_TRUE(strstr(ixmd, "[1](finding-1.md)") && strstr(ixmd, "watermark-breach") &&
		    strstr(ixmd, "asan:heap-buffer-overflow") && strstr(ixmd, "charts/findings.svg"));
	ASSERT_TRUE(balanced(ix));

	/* finding 1: the minimized program, the C reproducer, the first failing op, the diff, the map */
	ASSERT_TRUE(strstr(f1, "Minimized program"));
	ASSERT_TRUE(strstr(f1, "alloc n1 order=0 gfp=GFP_NOWAIT"));
	{
		/* the program shown is the minimized one: no expectations */
		const char *prog = strstr(f1, "<pre class=\"program\">"), *end = prog ? strstr(prog, "</pre>") : NULL;
		const char *ex = prog ? strstr(prog, "expect a3") : NULL;

		ASSERT_TRUE(prog && end && (!ex || ex > end));
	}
	ASSERT_TRUE(strstr(f1, "reproducer for finding 1"));
	ASSERT_TRUE(strstr(f1, "DIVERGENCE: watermark-breach in alloc"));
	ASSERT_TRUE(strstr(f1, "Oracle vs world") && strstr(f1, "<pre class=\"diff\">"));
	ASSERT_TRUE(strstr(f1, "<svg class=\"memory-map\"") && strstr(f1, "class=\"legend\""));
	ASSERT_TRUE(strstr(f1, ">allocated<") && strstr(f1, ">pcp<") && strstr(f1, ">reserved<"));
	ASSERT_TRUE(strstr(f1, "Node 0, zone DMA32"));
	ASSERT_TRUE(count(f1, "<rect") > 20);
	ASSERT_TRUE(strstr(f1, "release") && strstr(f1, "ddmin: 23 ops -&gt; 10"));
	ASSERT_TRUE(strstr(f1, "<span class=\"badge known-upstream\">known-upstream</span>"));
	ASSERT_TRUE(strstr(f1, "9282012fc0aa mm/page_alloc: fix invalid watermark check on a negative value (v5.19)"));
	ASSERT_TRUE(strstr(f1, "f27ce0e14088 page_alloc: consider highatomic reserve in watermark fast (v5.9)"));
	ASSERT_TRUE(strstr(f1md, "| status | known-upstream |") && strstr(f1md, "(known-upstream.md#watermark-fast-negative)"));
	ASSERT_TRUE(strstr(map, "<svg xmlns=\"http://www.w3.org/2000/svg\"") && strstr(map, "class=\"legend\""));
	ASSERT_TRUE(strstr(f1md, "## Minimized program") && strstr(f1md, "alloc n1 order=0 gfp=GFP_NOWAIT") &&
		    strstr(f1md, "![memory map](finding-1-map.svg)") && strstr(f1md, "```c"));
	ASSERT_TRUE(balanced(f1));
	{
		/* today's oracle reports it (5.10.0 breaks its contract here): the re-run stops there, marks the map */
		ASSERT_TRUE(strstr(f1, "DIVERGENCE: watermark-breach in op 10"));
		ASSERT_TRUE(strstr(f1, "at the divergence (op "));
		ASSERT_TRUE(strstr(f1, "alloc n1 order=0 gfp=GFP_NOWAIT"));
		/* and its path through 5.10: the request, the zones, the watermark arithmetic */
		ASSERT_TRUE(strstr(f1, "The failing op through 5.10") && strstr(f1, "<pre class=\"explain\">"));
		ASSERT_TRUE(strstr(f1, "__alloc_pages_nodemask(gfp=GFP_NOWAIT, order=0") &&
			    strstr(f1, "get_page_from_freelist(order=0"));
		ASSERT_TRUE(strstr(f1md, "## The failing op through 5.10"));
	}

	/* finding 2: escaped sanitizer report, the world at the end of the run, the verdict */
	ASSERT_TRUE(strstr(f2, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"));
	ASSERT_TRUE(!strstr(f2, "<script"));
	ASSERT_TRUE(strstr(f2, "&lt;b&gt;harness bug&lt;/b&gt;"));
	ASSERT_TRUE(strstr(f2, "AddressSanitizer reported a memory error"));
	ASSERT_TRUE(strstr(f2, "Original (not minimized yet)"));
	ASSERT_TRUE(strstr(f2, "<svg class=\"memory-map\"") && strstr(f2, "Memory map at the end of the run"));
	ASSERT_TRUE(count(f2, "fill=\"#ed8936\"") >= 2);  /* pcp: the legend and the pages freed on cpu 1 */
	ASSERT_TRUE(balanced(f2));

	/* static: no external reference anywhere in the HTML */
	ASSERT_TRUE(!strstr(ix, "http://") && !strstr(ix, "https://") && !strstr(ix, "<script"));
	ASSERT_TRUE(!strstr(f1, "http://") && !strstr(f1, "https://") && !strstr(f1, "<script"));
	ASSERT_TRUE(!strstr(f2, "http://") && !strstr(f2, "https://"));

	free(ix);
	free(ixmd);
	free(f1);
	free(f1md);
	free(f2);
	free(map);
	fclose(devnull);
	tt_teardown();
	return 0;
}

TEST(report_is_deterministic)
{
	/* A test that the same database gives the same files. Expect byte-identical pages twice. */
	static const char *const files[] = { "index.html", "index.md", "finding-1.html", "finding-1.md",
					     "finding-2.html", "finding-1-map.svg", "charts/execs_per_s.svg",
					     "charts/findings.svg" };
	struct bf_store *st;
	long d, s;
	char db[300], out1[300], out2[300];
	FILE *devnull = fopen("/dev/null", "w");

	tt_setup();
	snprintf(db, sizeof(db), "%s/f.db", tt_root);
	snprintf(out1, sizeof(out1), "%s/r1", tt_root);
	snprintf(out2, sizeof(out2), "%s/r2/nested", tt_root);
	st = fixture(db, &d, &s);
	ASSERT_TRUE(st);
	ASSERT_EQ(bf_report_write(st, out1, devnull), 0);
	ASSERT_EQ(bf_report_write(st, out2, devnull), 0);
	bf_store_close(st);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *a = read_out(out1, files[i]), *b = read_out(out2, files[i]);

		ASSERT_TRUE(a && b);
		if (strcmp(a, b))
			fprintf(stderr, "  %s differs\n", files[i]);
		ASSERT_TRUE(!strcmp(a, b));
		free(a);
		free(b);
	}
	fclose(devnull);
	tt_teardown();
	return 0;
}

TEST(report_of_empty_store_and_unrunnable_program)
{
	/*
	 * A test that an empty store gives an index with "0 findings" and empty
	 * charts, and that a finding whose program does not parse still gets a
	 * page (saying why there is no map).  Expect success both times.
	 */
	struct bf_store *st;
	char db[300], out[300];
	FILE *devnull = fopen("/dev/null", "w");
	char *ix, *f1;
	long id;

	tt_setup();
	snprintf(db, sizeof(db), "%s/e.db", tt_root);
	snprintf(out, sizeof(out), "%s/r", tt_root);
	st = tt_open(db);
	ASSERT_TRUE(st);
	ASSERT_EQ(bf_report_write(st, out, devnull), 0);
	ix = read_out(out, "index.html");
	ASSERT_TRUE(ix && strstr(ix, "0 findings") && strstr(ix, "no data recorded") && balanced(ix));
	free(ix);

	id = insert_finding(st, "invariant|free|", "invariant", "free", "INVARIANT: zone Normal", "INVARIANT: x\n",
			    1714550400, 1);
	ASSERT_TRUE(id > 0);
	ASSERT_TRUE(insert_input(st, id, "text", "node 0 cpus=frobnicate\n", 23, NULL, 1714550400) > 0);
	ASSERT_EQ(bf_report_write(st, out, devnull), 0);
	f1 = read_out(out, "finding-1.html");
	ASSERT_TRUE(f1 && strstr(f1, "not run:") && strstr(f1, "No world to draw.") && balanced(f1));
	ASSERT_TRUE(strstr(f1, "the world&#39;s invariant checker"));
	free(f1);
	bf_store_close(st);
	fclose(devnull);
	tt_teardown();
	return 0;
}

RUN_TESTS({ "report_shows_both_findings_with_program_diff_and_map", report_shows_both_findings_with_program_diff_and_map },
	  { "report_is_deterministic", report_is_deterministic },
	  { "report_of_empty_store_and_unrunnable_program", report_of_empty_store_and_unrunnable_program })
