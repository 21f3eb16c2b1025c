/*
 * test_triage_minimize.c - the structure-aware minimizer and the C
 * reproducer (triage/minimize.c, minimize_stages.c, repro_c.c).
 *
 * The finding used throughout is 5.10.0's known-upstream watermark bug
 * (tests/scenarios/wmark_fast_negative_free_passes_unsigned.bfp, the oracle
 * reports `watermark-breach`), hidden in a bigger world -- a second node with
 * a Movable zone and its own CPU, min_free_kbytes doubled so that node 0's
 * DMA32 keeps its watermarks (min_free_kbytes is shared out by managed pages)
 * -- among 50 ops that have nothing to do with it: allocations and frees on
 * node 1 from CPU 1, drains of CPU 1.  It is filed as a binary fuzzer
 * artifact, so handles are h0.. in order of allocation, as the format names them.
 *
 *   node 0  DMA32 16 pageblocks    cpu 0   <- the bug: 8 allocs, vmstat_refresh, the GFP_NOWAIT alloc
 *   node 1  Movable 16 pageblocks  cpu 1   <- the padding
 *
 * The tests run against a scratch store and a scratch build dir whose one
 * variant "real" is this build's bf-replay.  If the oracle does not report
 * the breach yet (a stub oracle), the tests that need it are skipped.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"
#include "fuzz/exec.h"
#include "triage/minimize.h"
#include "triage/minimize_int.h"
#include "triage/store.h"
#include "triage/triage.h"

struct fixture {
	char root[256], build[300], art[300], db[300];
	struct bf_store *st;
	FILE *log;
};

static void fx_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

static int fx_setup(struct fixture *x)
{
	char p[600], err[512];

	memset(x, 0, sizeof(*x));
	snprintf(x->root, sizeof(x->root), "/tmp/bf-min-test-XXXXXX");
	if (!mkdtemp(x->root))
		return -1;
	snprintf(x->build, sizeof(x->build), "%s/build", x->root);
	snprintf(x->art, sizeof(x->art), "%s/art", x->root);
	snprintf(x->db, sizeof(x->db), "%s/findings.db", x->root);
	mkdir(x->build, 0755);
	mkdir(x->art, 0755);
	snprintf(p, sizeof(p), "%s/real", x->build);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/real/bf-replay", x->build);
	if (symlink(BF_BINARY_DIR "/bf-replay", p))
		return -1;
	x->log = getenv("BF_TEST_VERBOSE") ? stderr : fopen("/dev/null", "w");
	if (bf_store_open(&x->st, x->db, 0, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return -1;
	}
	return 0;
}

static void fx_teardown(struct fixture *x)
{
	char cmd[400];

	if (x->st)
		bf_store_close(x->st);
	if (x->log && x->log != stderr)
		fclose(x->log);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->root);
	if (system(cmd))
		fprintf(stderr, "  cannot remove %s\n", x->root);
}

static void fx_opts(struct fixture *x, struct bf_triage_opts *o)
{
	bf_triage_opts_default(o);
	o->build_dir = x->build;
	o->k = 1;
	o->timeout_s = 10;
	o->log = x->log;
}

/* Ingest one artifact crash-<sha1> (binary) or crash-<sha1>.bfp (text). */
static int fx_ingest(struct fixture *x, const void *data, size_t n, int text)
{
	struct bf_triage_opts o;
	char sha[41], p[700], *dirs[1] = { x->art };

	bf_sha1_hex(data, n, sha);
	snprintf(p, sizeof(p), "%s/crash-%s%s", x->art, sha, text ? ".bfp" : "");
	fx_write(p, data, n);
	fx_opts(x, &o);
	return bf_ingest(x->st, dirs, 1, &o);
}

static long fx_count(struct fixture *x, const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;

	if (sqlite3_prepare_v2(bf_store_db(x->st), sql, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A column of the newest minimized row of a finding (malloc'd), or NULL. */
static char *fx_minimized(struct fixture *x, long fid, const char *col)
{
	sqlite3_stmt *s;
	char sql[200], *v = NULL;

	snprintf(sql, sizeof(sql), "SELECT %s FROM minimized WHERE finding_id = %ld ORDER BY id DESC LIMIT 1", col, fid);
	if (sqlite3_prepare_v2(bf_store_db(x->st), sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

/* The scenario's ops, without its comments and expectations and topology. */
static const char *const bug_ops[] = {
	"alloc m1 order=10 gfp=GFP_HIGHUSER_MOVABLE", "alloc m2 order=10 gfp=GFP_HIGHUSER_MOVABLE",
	"alloc m3 order=10 gfp=GFP_HIGHUSER_MOVABLE", "alloc m4 order=10 gfp=GFP_HIGHUSER_MOVABLE",
	"alloc m5 order=10 gfp=GFP_HIGHUSER_MOVABLE", "alloc a1 order=10 gfp=GFP_ATOMIC",
	"alloc a2 order=9 gfp=GFP_ATOMIC",            "alloc a3 order=9 gfp=GFP_ATOMIC",
	"alloc a4 order=0 gfp=GFP_ATOMIC",            "vmstat_refresh",
	"alloc n1 order=0 gfp=GFP_NOWAIT",
};
#define NR_BUG_OPS (int)(sizeof(bug_ops) / sizeof(bug_ops[0]))
#define NR_PAD 50

/* A small LCG: the padding is the same on every run. */
static unsigned int lcg(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* The bug among NR_PAD unrelated ops (malloc'd text). */
static char *padded_program(void)
{
	char *buf = NULL, pad[NR_PAD][96];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int seed = 7;
	int live[NR_PAD], nlive = 0, np = 0, i = 0, j = 0;

	for (int n = 0; np < NR_PAD; n++) {
		unsigned int r = lcg(&seed) % 100;

		if (r < 50 || !nlive) {
			snprintf(pad[np++], sizeof(pad[0]), "alloc p%d order=%u gfp=GFP_HIGHUSER_MOVABLE cpu=1 node=1", n,
				 lcg(&seed) % 4);
			live[nlive++] = n;
		} else if (r < 85) {
			int k = (int)(lcg(&seed) % (unsigned int)nlive);

			snprintf(pad[np++], sizeof(pad[0]), "free p%d cpu=1", live[k]);
			live[k] = live[--nlive];
		} else {
			snprintf(pad[np++], sizeof(pad[0]), "drain cpu=1");
		}
	}
	fprintf(f, "node 0 cpus=0\nzone 0 DMA32 16\nnode 1 cpus=1\nzone 1 Movable 16\nsysctl min_free_kbytes=16384\n");
	while (i < NR_BUG_OPS || j < NR_PAD) {
		if (j < NR_PAD && (i >= NR_BUG_OPS || lcg(&seed) % (NR_PAD + NR_BUG_OPS) < NR_PAD))
			fprintf(f, "%s\n", pad[j++]);
		else
			fprintf(f, "%s\n", bug_ops[i++]);
	}
	fclose(f);
	return buf;
}

/* Ingest the padded program as a binary fuzzer artifact; its finding's id, 0 if the oracle misses the bug. */
static long ingest_padded(struct fixture *x, int *ops, size_t *bytes)
{
	char *text = padded_program(), err[512];
	struct bf_prog p;
	uint8_t buf[8192];
	size_t n;

	if (bf_prog_parse(&p, "padded", text, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		free(text);
		return -1;
	}
	free(text);
	for (int i = 0; i < p.nr_handles; i++) {   /* the binary format's names: h0.. by first allocation */
		char name[16];

		snprintf(name, sizeof(name), "h%d", i);
		free(p.handle_names[i]);
		p.handle_names[i] = strdup(name);
	}
	*ops = p.nr_ops;
	n = bf_prog_encode(&p, buf, sizeof(buf));
	bf_prog_free(&p);
	*bytes = n;
	if (!n || fx_ingest(x, buf, n, 0) < 0)
		return -1;
	if (fx_count(x, "SELECT count(*) FROM findings WHERE kind = 'watermark-breach'") != 1)
		return 0;
	return fx_count(x, "SELECT id FROM findings WHERE kind = 'watermark-breach'");
}

static int oracle_missing(long fid)
{
	if (fid)
		return 0;
	printf("  skipped: the oracle does not report watermark-breach (stub oracle?)\n");
	return 1;
}

static int minimize(struct fixture *x, long fid, double secs)
{
	struct bf_minimize_opts o = { .build_dir = x->build, .seconds = secs, .timeout_s = 10, .log = x->log };

	return bf_minimize_finding_opts(x->st, fid, &o);
}

/*
 * A test that minimizes the watermark bug buried in 50 unrelated ops.
 * Expect the same signature, far fewer ops (the 11 of the bug at most), a
 * valid strict program that still diverges the same way, and the original
 * input untouched.
 */
TEST(minimize_padded_watermark_breach_keeps_signature)
{
	struct fixture x;
	struct bf_prog p;
	struct bf_exec_opts xo = { .oracle = 1 };
	struct bf_exec_result r;
	char err[512], sha0[41], *text, *sig, *note;
	long fid;
	int ops0;
	size_t bytes0;

	ASSERT_EQ(fx_setup(&x), 0);
	fid = ingest_padded(&x, &ops0, &bytes0);
	ASSERT_TRUE(fid >= 0);
	if (oracle_missing(fid))
		return fx_teardown(&x), 0;
	ASSERT_EQ(fx_count(&x, "SELECT count(*) FROM inputs"), 1);
	{
		struct bf_input in;

		ASSERT_EQ(bf_store_finding_input(x.st, fid, &in), 0);
		memcpy(sha0, in.sha1, sizeof(sha0));
		bf_input_free(&in);
	}
	ASSERT_EQ(minimize(&x, fid, 60), 0);
	text = fx_minimized(&x, fid, "text");
	sig = fx_minimized(&x, fid, "signature");
	note = fx_minimized(&x, fid, "note");
	ASSERT_TRUE(text && sig && note);
	ASSERT_STREQ(sig, "watermark-breach|alloc|");
	ASSERT_EQ(bf_prog_parse(&p, "minimized", text, err, sizeof(err)), 0);
	printf("  input: %d ops, %zu bytes; minimized: %d ops\n  note: %s\n", ops0, bytes0, p.nr_ops, note);
	ASSERT_TRUE(p.nr_ops <= NR_BUG_OPS);
	ASSERT_TRUE(p.nr_ops * 4 <= ops0);
	ASSERT_TRUE(strstr(text, "GFP_NOWAIT") != NULL);  /* the title names it: stripping it was refused */
	ASSERT_EQ(bf_exec(&p, &xo, &r, NULL), BF_EXEC_DIVERGENCE);
	ASSERT_STREQ(r.div.name, "watermark-breach");
	if (getenv("BF_TEST_VERBOSE"))
		printf("%s", text);
	bf_prog_free(&p);
	/* the original is kept as it was */
	{
		struct bf_input in;

		ASSERT_EQ(bf_store_finding_input(x.st, fid, &in), 0);
		ASSERT_STREQ(in.sha1, sha0);
		bf_input_free(&in);
	}
	ASSERT_EQ(fx_count(&x, "SELECT count(*) FROM inputs"), 1);
	ASSERT_EQ(fx_count(&x, "SELECT count(*) FROM minimized"), 1);
	free(text), free(sig), free(note);
	fx_teardown(&x);
	return 0;
}

/* Run cmd through the shell, output into *out (malloc'd); its exit status. */
static int run_cmd(const char *cmd, char **out)
{
	FILE *f = popen(cmd, "r");
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int st;

	if (!f)
		return -1;
	for (;;) {
		if (len + 4096 > cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 8192)))
			abort();
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	st = pclose(f);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * A test that compiles the C reproducer stored for the minimized watermark
 * bug against this build's libraries and runs it.  Expect exit 1 and a
 * DIVERGENCE line that classifies to the finding's own signature.
 */
TEST(c_reproducer_compiles_and_diverges_the_same_way)
{
	struct fixture x;
	struct bf_class c;
	char path[400], exe[400], cmd[2000], *src, *out = NULL, *sig;
	long fid;
	int ops0, rc = -1;
	size_t bytes0;

	ASSERT_EQ(fx_setup(&x), 0);
	fid = ingest_padded(&x, &ops0, &bytes0);
	ASSERT_TRUE(fid >= 0);
	if (oracle_missing(fid))
		return fx_teardown(&x), 0;
	ASSERT_EQ(minimize(&x, fid, 60), 0);
	src = fx_minimized(&x, fid, "c_source");
	sig = fx_minimized(&x, fid, "signature");
	ASSERT_TRUE(src && sig);
	snprintf(path, sizeof(path), "%s/repro.c", x.root);
	snprintf(exe, sizeof(exe), "%s/repro", x.root);
	fx_write(path, src, strlen(src));
	/* the build's own compiler and flags: its libraries may be LTO bitcode or instrumented */
	snprintf(cmd, sizeof(cmd), "%s %s -I'%s' '%s' -o '%s' '%s/libbfprog.a' '%s/libbforacle.a' '%s/libbfcore.a'"
		 " -lm -lpthread 2>&1", BF_C_COMPILER, BF_C_FLAGS, BF_SOURCE_DIR, path, exe, BF_BINARY_DIR,
		 BF_BINARY_DIR, BF_BINARY_DIR);
	rc = run_cmd(cmd, &out);
	if (rc)
		fprintf(stderr, "  %s\n%s", cmd, out);
	ASSERT_EQ(rc, 0);
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' 2>&1", exe);
	rc = run_cmd(cmd, &out);
	printf("  reproducer: exit %d, %.*s\n", rc, (int)strcspn(out, "\n"), out);
	ASSERT_EQ(rc, 1);
	ASSERT_TRUE(!strncmp(out, "DIVERGENCE: watermark-breach in alloc (", 39));
	bf_classify(out, rc, 0, 0, &c);
	ASSERT_STREQ(c.signature, sig);
	free(out), free(src), free(sig);
	fx_teardown(&x);
	return 0;
}

/*
 * A test that a program with no divergence is never "minimized" into one
 * that diverges: filed as no-reproduce, and even when its finding claims the
 * watermark breach, the minimizer refuses (1) and stores nothing.
 */
TEST(minimize_refuses_a_program_that_does_not_reproduce)
{
	static const char benign[] = "node 0 cpus=0-1\nzone 0 DMA32 16\nzone 0 Normal 16\n"
				     "alloc h1 order=3 gfp=GFP_KERNEL\nalloc h2 order=0 gfp=GFP_NOWAIT cpu=1\n"
				     "free h1\ndrain cpu=all\nfree h2 cpu=1\n";
	struct fixture x;
	long fid;

	ASSERT_EQ(fx_setup(&x), 0);
	ASSERT_TRUE(fx_ingest(&x, benign, strlen(benign), 1) >= 0);
	ASSERT_EQ(fx_count(&x, "SELECT count(*) FROM findings"), 1);
	fid = fx_count(&x, "SELECT id FROM findings");
	ASSERT_EQ(minimize(&x, fid, 10), 1);
	ASSERT_EQ(bf_store_exec(x.st, "UPDATE findings SET signature = 'watermark-breach|alloc|', kind = "
				       "'watermark-breach', op = 'alloc', title = 'DIVERGENCE: watermark-breach in alloc "
				       "(order N gfp GFP_NOWAIT from DMA32/N: free N - unusable N <= lowest min N + "
				       "lowmem_reserve[N] N)'"), 0);
	ASSERT_EQ(minimize(&x, fid, 10), 1);
	ASSERT_EQ(fx_count(&x, "SELECT count(*) FROM minimized"), 0);
	fx_teardown(&x);
	return 0;
}

/*
 * A test that a step changing the signature or the title is rejected.  The
 * bug (scenario ops, strict) is the current program; offered: (a) the
 * breaching alloc asks GFP_KERNEL -- it still breaches, same signature, but
 * the title names another gfp; (b) vmstat_refresh after the breaching alloc
 * instead of before -- the order of two ops decides, and the breach goes.
 * Expect both refused with the current program unchanged, and the unchanged
 * program itself accepted.
 */
TEST(step_that_changes_signature_or_title_is_rejected)
{
	struct bf_min m;
	struct bf_prog e;
	struct bf_class c;
	char err[512], *before, *after, text[2048];
	int bad, fail, n = 0, nowait = -1, refresh = -1;

	n = snprintf(text, sizeof(text), "node 0 cpus=0\nzone 0 DMA32 16\nsysctl min_free_kbytes=8192\n");
	for (int i = 0; i < NR_BUG_OPS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\n", bug_ops[i]);
	memset(&m, 0, sizeof(m));
	m.inproc = 1;
	m.xo.oracle = 1;
	m.deadline = bf_min_now() + 60;
	m.fail_op = -1;
	ASSERT_EQ(bf_prog_parse(&m.cur, "bug", text, err, sizeof(err)), 0);
	ASSERT_EQ(bf_min_run(&m, &m.cur, 0, &c, &bad, &fail), 0);
	if (c.out != BF_OUT_DIVERGENCE) {
		bf_prog_free(&m.cur);
		return oracle_missing(0), 0;
	}
	memcpy(m.want_sig, c.signature, sizeof(m.want_sig));
	memcpy(m.want_title, c.title, sizeof(m.want_title));
	ASSERT_STREQ(m.want_sig, "watermark-breach|alloc|");
	for (int i = 0; i < m.cur.nr_ops; i++) {
		if (m.cur.ops[i].kind == BF_OP_VMSTAT_REFRESH)
			refresh = i;
		if (m.cur.ops[i].kind == BF_OP_ALLOC && m.cur.ops[i].gfp == GFP_NOWAIT)
			nowait = i;
	}
	ASSERT_TRUE(refresh >= 0 && nowait == refresh + 1);
	before = bf_prog_to_text(&m.cur);

	bf_min_edit(&m.cur, &e);                 /* (a) another gfp: same signature, another title */
	e.ops[nowait].gfp = GFP_KERNEL;
	ASSERT_EQ(bf_min_try(&m, &e), 0);
	bf_min_edit_free(&e);

	bf_min_edit(&m.cur, &e);                 /* (b) the two ops swapped */
	e.ops[refresh] = m.cur.ops[nowait];
	e.ops[nowait] = m.cur.ops[refresh];
	ASSERT_EQ(bf_min_try(&m, &e), 0);
	bf_min_edit_free(&e);
	after = bf_prog_to_text(&m.cur);
	ASSERT_STREQ(after, before);
	ASSERT_EQ(m.accepted, 0);
	ASSERT_EQ(m.tried, 2);
	free(after);

	bf_min_edit(&m.cur, &e);                 /* the program as it is: accepted */
	ASSERT_EQ(bf_min_try(&m, &e), 1);
	bf_min_edit_free(&e);
	free(before);
	bf_prog_free(&m.cur);
	return 0;
}

RUN_TESTS({ "minimize_padded_watermark_breach_keeps_signature", minimize_padded_watermark_breach_keeps_signature },
	  { "c_reproducer_compiles_and_diverges_the_same_way", c_reproducer_compiles_and_diverges_the_same_way },
	  { "minimize_refuses_a_program_that_does_not_reproduce", minimize_refuses_a_program_that_does_not_reproduce },
	  { "step_that_changes_signature_or_title_is_rejected", step_that_changes_signature_or_title_is_rejected })
