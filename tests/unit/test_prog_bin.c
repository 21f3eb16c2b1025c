/*
 * test_prog_bin.c - the binary program encoding and the text printer
 * (fuzz/prog_bin.c, fuzz/prog_print.c, docs/binary-format.md).
 *
 * Expect:
 *  - decoding is total: every byte string (all of length <= 2, random ones of
 *    every length up to 64, 100k random ones up to 600 bytes) decodes, and the
 *    program runs (lenient executor) without a BAD_PROGRAM verdict;
 *  - decode(encode(P)) == P for every decoded P, and the strict encoder
 *    accepts it;
 *  - binary -> text -> binary is the identity: parse(print(P)) == P (names
 *    included) and encodes to the same bytes, on 10k random programs;
 *  - every scenario prints to text that parses back to the same program and
 *    prints again identically; every seed program encodes exactly;
 *  - decoding reuses the program's buffers.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "test.h"
#include "fuzz/exec.h"

#ifndef BF_SCENARIO_DIR
#error "BF_SCENARIO_DIR must name tests/scenarios"
#endif
#ifndef BF_SOURCE_DIR
#define BF_SOURCE_DIR BF_SCENARIO_DIR "/../.."
#endif

#define BUF 65536

static void random_bytes(unsigned long *seed, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)bf_rnd(seed);
}

/* decode(encode(P)) == P and the strict encoder agrees; 0 on success */
static int identity(const struct bf_prog *p, uint8_t *buf)
{
	struct bf_prog q;
	size_t n = bf_prog_encode(p, buf, BUF);
	int same;

	if (!n)
		return 1;
	bf_prog_init(&q);
	bf_prog_decode(&q, buf, n);
	same = bf_prog_equal(p, &q);
	bf_prog_free(&q);
	return !same;
}

/* run leniently: never BAD_PROGRAM */
static int runs(const struct bf_prog *p, char *why, size_t len)
{
	struct bf_exec_opts o = { .lenient = 1 };
	struct bf_exec_result r;

	bf_exec(p, &o, &r, NULL);
	if (r.status == BF_EXEC_BAD_PROGRAM) {
		snprintf(why, len, "line %d: %s", r.line, r.msg);
		return 0;
	}
	return 1;
}

TEST(empty_input_is_the_default_small_world)
{
	struct bf_prog p;

	bf_prog_init(&p);
	ASSERT_EQ(bf_prog_decode(&p, NULL, 0), 0);
	ASSERT_EQ(p.nr_ops, 0);
	ASSERT_EQ(p.topo.nr_nodes, 1);
	ASSERT_EQ(p.topo.nr_cpus, 2);
	ASSERT_EQ(p.topo.node[0].zone_pageblocks[ZONE_DMA], 1);
	ASSERT_EQ(p.topo.node[0].zone_pageblocks[ZONE_DMA32], 2);
	ASSERT_EQ(p.topo.node[0].zone_pageblocks[ZONE_NORMAL], 4);
	ASSERT_EQ(p.topo.node[0].cpumask, 3);
	bf_prog_free(&p);
	return 0;
}

/*
 * Bytes decode to exactly the text `want` (printed on a mismatch); with
 * round_trip, the program's encoding decodes back to it too.
 */
static int decodes_to(const uint8_t *b, size_t n, const char *want, int round_trip)
{
	static uint8_t buf[BUF];
	struct bf_prog p;
	char *text;
	int bad;

	bf_prog_init(&p);
	bf_prog_decode(&p, b, n);
	text = bf_prog_to_text(&p);
	bad = !text || strcmp(text, want);
	if (bad)
		fprintf(stderr, "  decoded to:\n%s  expected:\n%s", text ? text : "(nothing)\n", want);
	else if (round_trip && identity(&p, buf))
		bad = 1;
	free(text);
	bf_prog_free(&p);
	return bad;
}

/* A test that spells ops out byte by byte, as docs/binary-format.md lists them. */
TEST(hand_written_bytes_mean_what_the_format_says)
{
	static const uint8_t b[] = {
		0x00, 0x00, 0x00,             /* 1 node, 2 cpus, default zones */
		0x30, 0x01, 0x00, 0x00, 0x01, /* alloc h0 order=3 GFP_KERNEL|__GFP_COMP cpu=1 */
		0x05, 0x00,                   /* get h0 */
		0x01, 0x00, 0x00, 0x00,       /* free h0 (a reference stays) */
		0x01, 0x00, 0x00, 0x00,       /* free h0 */
		0x01, 0x00, 0x00, 0x00,       /* free: nothing live, dropped */
		0x98, 0x00,                   /* drain cpu=all */
	};

	ASSERT_EQ(decodes_to(b, sizeof(b), "node 0 cpus=0-1\nzone 0 DMA 1\nzone 0 DMA32 2\nzone 0 Normal 4\n\n"
			   "alloc h0 order=3 gfp=GFP_KERNEL|__GFP_COMP cpu=1\nget h0\nfree h0\nfree h0\ndrain cpu=all\n", 0), 0);
	return 0;
}

TEST(hand_written_escape_bytes_are_the_task_ops)
{
	static const uint8_t b[] = {
		0x01, 0x00, 0x00, 0x00, 0x00, /* 2 nodes, 2 cpus, default zones */
		0x5f, 0x00, 0x03, 0x03,       /* set_mempolicy (cpu 0's task) interleave nodes 0,1 */
		0x5f, 0x39, 0x0a, 0x02,       /* set_mempolicy task=3 bind static nodes 1 (cpu bits ignored) */
		0x4f, 0x19,                   /* task 3 cpu=1 */
		0x5f, 0x00, 0x18, 0x01,       /* both flags: refused by 5.10 */
	};

	ASSERT_EQ(decodes_to(b, sizeof(b), "node 0 cpus=0\nzone 0 DMA 1\nzone 0 DMA32 2\nzone 0 Normal 4\n"
			   "node 1 cpus=1\nzone 1 DMA 1\nzone 1 DMA32 2\nzone 1 Normal 4\n\n"
			   "set_mempolicy mode=interleave nodes=0,1\n"
			   "set_mempolicy task=3 mode=bind nodes=1 flags=static\ntask 3 cpu=1\n"
			   "set_mempolicy mode=default nodes=0 flags=static|relative\n", 1), 0);
	return 0;
}

TEST(hand_written_escape_bytes_are_the_pressure_ops)
{
	static const uint8_t b[] = {
		0x00, 0x00, 0x00,             /* 1 node, 2 cpus, default zones */
		0x1f, 0x31, 0x08, 0x63, 0x00, /* fill: cpu 1, Normal, band low; 2 orders; max 100 */
		0x30, 0x00, 0x00,             /* orders 0 and 3; gfp GFP_KERNEL */
		0x2f, 0x58, 0x00,             /* fragment Normal one-per-pageblock */
		0x6f,                         /* reserved escape: dropped, one byte */
		0x3f, 0x01,                   /* free_all cpu=1 */
	};

	ASSERT_EQ(decodes_to(b, sizeof(b), "node 0 cpus=0-1\nzone 0 DMA 1\nzone 0 DMA32 2\nzone 0 Normal 4\n\n"
			   "fill zone=Normal band=low orders=0,3 max=100 cpu=1\n"
			   "fragment zone=Normal pattern=one-per-pageblock\nfree_all cpu=1\n", 1), 0);
	return 0;
}

TEST(every_input_up_to_two_bytes_decodes_runs_and_round_trips)
{
	static uint8_t buf[BUF];
	struct bf_prog p;
	char why[2300];

	bf_prog_init(&p);
	for (unsigned v = 0; v < 256 + 65536; v++) {
		uint8_t in[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
		size_t n = v < 256 ? 1 : 2;

		ASSERT_EQ(bf_prog_decode(&p, in, n), 0);
		if (identity(&p, buf)) {
			fprintf(stderr, "  input %02x %02x\n", in[0], in[1]);
			ASSERT_TRUE(!"identity");
		}
		if (v < 256 && !runs(&p, why, sizeof(why))) {
			fprintf(stderr, "  input %02x: %s\n", in[0], why);
			ASSERT_TRUE(!"runs");
		}
	}
	bf_prog_free(&p);
	return 0;
}

TEST(random_inputs_of_every_short_length_decode_run_and_round_trip)
{
	static uint8_t in[64], buf[BUF];
	unsigned long seed = 0x1234567;
	struct bf_prog p;
	char why[2300];

	bf_prog_init(&p);
	for (size_t len = 0; len <= 64; len++)
		for (int k = 0; k < 400; k++) {
			random_bytes(&seed, in, len);
			ASSERT_EQ(bf_prog_decode(&p, in, len), 0);
			ASSERT_EQ(identity(&p, buf), 0);
			if (k < 8 && !runs(&p, why, sizeof(why))) {
				fprintf(stderr, "  length %zu: %s\n", len, why);
				ASSERT_TRUE(!"runs");
			}
		}
	bf_prog_free(&p);
	return 0;
}

TEST(hundred_thousand_random_inputs_decode_and_round_trip)
{
	static uint8_t in[600], buf[BUF];
	unsigned long seed = 0xfeedbeef;
	struct bf_prog p;
	char why[2300];
	int ran = 0;

	bf_prog_init(&p);
	for (int k = 0; k < 100000; k++) {
		size_t len = bf_rnd(&seed) % sizeof(in);

		random_bytes(&seed, in, len);
		/* a third of the inputs start from the default header, so that the ops matter */
		if (k % 3 == 0 && len >= 3)
			in[0] = in[1] = in[2] = 0;
		ASSERT_EQ(bf_prog_decode(&p, in, len), 0);
		ASSERT_TRUE(p.nr_ops <= BF_BIN_MAX_OPS);
		ASSERT_EQ(identity(&p, buf), 0);
		if (k % 50 == 0) {
			if (!runs(&p, why, sizeof(why))) {
				fprintf(stderr, "  input %d: %s\n", k, why);
				bf_prog_print(&p, stderr);
				ASSERT_TRUE(!"runs");
			}
			ran++;
		}
	}
	printf("  (%d of them run through the executor)\n", ran);
	bf_prog_free(&p);
	return 0;
}

TEST(binary_text_binary_is_the_identity)
{
	static uint8_t in[400], b1[BUF], b2[BUF];
	unsigned long seed = 42;
	struct bf_prog p, q;
	char err[512];

	bf_prog_init(&p);
	for (int k = 0; k < 10000; k++) {
		size_t len = bf_rnd(&seed) % sizeof(in), n1, n2;
		char *text, *again;

		random_bytes(&seed, in, len);
		bf_prog_decode(&p, in, len);
		text = bf_prog_to_text(&p);
		if (bf_prog_parse(&q, "printed", text, err, sizeof(err))) {
			fprintf(stderr, "  %s\n%s", err, text);
			ASSERT_TRUE(!"parses");
		}
		ASSERT_TRUE(bf_prog_equal(&p, &q));
		n1 = bf_prog_encode(&p, b1, BUF);
		n2 = bf_prog_encode(&q, b2, BUF);
		ASSERT_TRUE(n1 > 0);
		ASSERT_EQ(n1, n2);
		ASSERT_TRUE(!memcmp(b1, b2, n1));
		again = bf_prog_to_text(&q);
		ASSERT_STREQ(text, again);
		free(again);
		free(text);
		bf_prog_free(&q);
	}
	bf_prog_free(&p);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Call fn on every .bfp file of dir; returns the number of files, -1 on failure. */
static int each_program(const char *dir, int (*fn)(const char *path, const char *text))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, bad = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[1024];
		char *text;
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".bfp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		text = slurp(path);
		if (!text || fn(path, text))
			bad = 1;
		free(text);
		n++;
	}
	closedir(d);
	return bad ? -1 : n;
}

static int scenario_round_trip(const char *path, const char *text)
{
	struct bf_prog p, q;
	char err[512], *t1, *t2;
	int ok;

	if (bf_prog_parse(&p, path, text, err, sizeof(err)))
		return fprintf(stderr, "  %s\n", err), 1;
	t1 = bf_prog_to_text(&p);
	if (bf_prog_parse(&q, "printed", t1, err, sizeof(err))) {
		fprintf(stderr, "  %s: printed text does not parse: %s\n", path, err);
		bf_prog_free(&p);
		free(t1);
		return 1;
	}
	t2 = bf_prog_to_text(&q);
	ok = bf_prog_equal(&p, &q) && !strcmp(t1, t2);
	if (!ok)
		fprintf(stderr, "  %s: round trip differs\n", path);
	free(t1);
	free(t2);
	bf_prog_free(&p);
	bf_prog_free(&q);
	return !ok;
}

TEST(every_scenario_prints_and_parses_back)
{
	int n = each_program(BF_SCENARIO_DIR, scenario_round_trip);

	printf("  (%d scenarios)\n", n);
	ASSERT_TRUE(n >= 62);
	return 0;
}

static int seed_exact(const char *path, const char *text)
{
	static uint8_t buf[BUF];
	struct bf_prog p, q;
	char err[512];
	size_t n;
	int ok;

	if (bf_prog_parse(&p, path, text, err, sizeof(err)))
		return fprintf(stderr, "  %s\n", err), 1;
	n = bf_prog_encode(&p, buf, sizeof(buf));
	bf_prog_init(&q);
	bf_prog_decode(&q, buf, n);
	ok = n > 0 && bf_prog_equal(&p, &q);  /* names too: seeds call their handles h0, h1, ... */
	if (!ok)
		fprintf(stderr, "  %s: has no exact binary form\n", path);
	bf_prog_free(&p);
	bf_prog_free(&q);
	return !ok;
}

TEST(every_seed_program_has_an_exact_binary_form)
{
	int n = each_program(BF_SOURCE_DIR "/corpus/seeds", seed_exact);

	printf("  (%d seeds)\n", n);
	ASSERT_TRUE(n >= 15);
	return 0;
}

static int nr_exact, nr_scen;
static int scenario_ops_encode(const char *path, const char *text)
{
	static uint8_t buf[BUF];
	struct bf_prog p;
	char err[512];
	int k = 0;

	if (bf_prog_parse(&p, path, text, err, sizeof(err)))
		return 1;
	for (int i = 0; i < p.nr_ops; i++)  /* the binary format has no expectations or dumps */
		if (p.ops[i].kind != BF_OP_EXPECT && p.ops[i].kind != BF_OP_DUMP)
			p.ops[k++] = p.ops[i];
	p.nr_ops = k;
	nr_scen++;
	nr_exact += bf_prog_encode(&p, buf, sizeof(buf)) > 0;
	/* the folding encoder takes any program and gives one that decodes */
	if (!bf_prog_encode_fold(&p, buf, sizeof(buf)))
		return 1;
	bf_prog_free(&p);
	return 0;
}

TEST(scenarios_without_expectations_encode)
{
	ASSERT_TRUE(each_program(BF_SCENARIO_DIR, scenario_ops_encode) > 0);
	printf("  (%d of %d scenarios, expectations stripped, have an exact binary form)\n", nr_exact, nr_scen);
	ASSERT_TRUE(nr_exact > 0);
	return 0;
}

TEST(decoding_reuses_the_program_buffers)
{
	static uint8_t in[300];
	unsigned long seed = 7;
	struct bf_prog p;
	struct bf_op *ops;
	char **names;

	bf_prog_init(&p);
	random_bytes(&seed, in, sizeof(in));
	in[0] = 0;
	bf_prog_decode(&p, in, sizeof(in));
	ops = p.ops;
	names = p.handle_names;
	for (int k = 0; k < 1000; k++) {
		random_bytes(&seed, in, sizeof(in));
		bf_prog_decode(&p, in, sizeof(in));
		ASSERT_TRUE(p.ops == ops);
		ASSERT_TRUE(p.handle_names == names);
	}
	bf_prog_free(&p);
	return 0;
}

TEST(decode_speed)
{
	static uint8_t in[BUF];
	unsigned long seed = 99;
	struct bf_prog p;
	struct timespec a, b;
	size_t n = 0;
	int ops = 0, reps = 20000;

	/* a program of about 100 ops: random op bytes after a default header */
	bf_prog_init(&p);
	for (int tries = 0; tries < 1000 && (ops < 95 || ops > 105); tries++) {
		n = 3 + 5 * (size_t)(80 + tries % 60);
		random_bytes(&seed, in, n);
		in[0] = in[1] = in[2] = 0;
		bf_prog_decode(&p, in, n);
		ops = p.nr_ops;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int k = 0; k < reps; k++)
		bf_prog_decode(&p, in, n);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("  decode: %.0f ns per %d-op program (%zu bytes)\n",
	       ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / reps, ops, n);
	bf_prog_free(&p);
	return 0;
}

RUN_TESTS(T(empty_input_is_the_default_small_world), T(hand_written_bytes_mean_what_the_format_says),
	  T(hand_written_escape_bytes_are_the_pressure_ops), T(hand_written_escape_bytes_are_the_task_ops),
	  T(every_input_up_to_two_bytes_decodes_runs_and_round_trips),
	  T(random_inputs_of_every_short_length_decode_run_and_round_trip),
	  T(hundred_thousand_random_inputs_decode_and_round_trip), T(binary_text_binary_is_the_identity),
	  T(every_scenario_prints_and_parses_back), T(every_seed_program_has_an_exact_binary_form),
	  T(scenarios_without_expectations_encode), T(decoding_reuses_the_program_buffers), T(decode_speed))
