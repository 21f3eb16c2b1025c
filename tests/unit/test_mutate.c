/*
 * test_mutate.c - the structure-aware mutator (fuzz/mutate.c).
 *
 * Expect:
 *  - every operator of the table applies to a typical input (a seed-like
 *    program) and changes it;
 *  - every output fits max_size (also tiny ones), decodes, and is a program
 *    that decode(encode()) keeps; long mutation chains stay valid and runnable;
 *  - a fixed seed gives the same outputs; the counters and the last operator
 *    name record what produced each output;
 *  - cross-over of two programs fits max_out and decodes.
 */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "fuzz/exec.h"
#include "fuzz/mutate.h"

#define MAX 4096

/* A typical input: a program of about 30 ops on a two-node world. */
static size_t typical(uint8_t *buf, size_t cap)
{
	static const char *text =
		"node 0 cpus=0-1\nzone 0 DMA32 2\nzone 0 Normal 4\nnode 1 cpus=2\nzone 1 Normal 2\n"
		"alloc h0 order=3 gfp=GFP_KERNEL\nalloc h1 order=0 gfp=GFP_KERNEL cpu=1\n"
		"alloc h2 order=2 gfp=GFP_KERNEL|__GFP_COMP cpu=2 node=1\nalloc_exact h3 size=20000 gfp=GFP_KERNEL\n"
		"get h2\nsplit h0\nfree h0.1\npoke h0.2 set=PG_lru\nfree h3.0\nput h2\ndrain cpu=all\n"
		"irq cpu=1 on\nalloc h4 order=1 gfp=GFP_ATOMIC cpu=1\nirq cpu=1 off\ntaskflags cpu=0 PF_MEMALLOC\n"
		"sysctl min_free_kbytes=2048\nvmstat_refresh\nvmstat_update cpu=2\nfree h1\nfree h0\nfree h3\n"
		"alloc h0 order=9 gfp=GFP_HIGHUSER_MOVABLE lru\nfree h2\nfree h4 cpu=1\ncheck\n";
	struct bf_prog p;
	char err[256];
	size_t n;

	if (bf_prog_parse(&p, "typical", text, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return 0;
	}
	n = bf_prog_encode(&p, buf, cap);
	bf_prog_free(&p);
	return n;
}

/* the output decodes to a program that re-encodes exactly */
static int valid(const uint8_t *d, size_t n)
{
	static uint8_t buf[1 << 16];
	struct bf_prog p, q;
	size_t m;
	int ok;

	bf_prog_init(&p);
	bf_prog_init(&q);
	bf_prog_decode(&p, d, n);
	m = bf_prog_encode(&p, buf, sizeof(buf));
	bf_prog_decode(&q, buf, m);
	ok = m > 0 && bf_prog_equal(&p, &q);
	bf_prog_free(&p);
	bf_prog_free(&q);
	return ok;
}

TEST(every_operator_applies_to_a_typical_input)
{
	uint8_t in[MAX], buf[MAX];
	size_t n = typical(in, sizeof(in));

	ASSERT_TRUE(n > 0);
	for (int op = 0; op < BF_NR_MUTATORS; op++) {
		struct bf_mutator *m = bf_mutator_new(1);
		int applied = 0;

		/* splice needs a partner: the previous input */
		memcpy(buf, in, n);
		bf_mutate(m, buf, n, sizeof(buf));
		for (int k = 0; k < 50 && !applied; k++) {
			size_t r;

			memcpy(buf, in, n);
			r = bf_mutate_with(m, (enum bf_mutator_op)op, buf, n, sizeof(buf));
			if (r) {
				applied = 1;
				ASSERT_TRUE(r <= sizeof(buf));
				ASSERT_TRUE(r != n || memcmp(buf, in, n));
				ASSERT_TRUE(valid(buf, r));
				ASSERT_STREQ(bf_mutator_last(m), bf_mutator_name((enum bf_mutator_op)op));
			}
		}
		if (!applied)
			fprintf(stderr, "  operator %s never applied\n", bf_mutator_name((enum bf_mutator_op)op));
		ASSERT_TRUE(applied);
		ASSERT_TRUE(bf_mutator_count(m, (enum bf_mutator_op)op) >= 1);
		bf_mutator_free(m);
	}
	return 0;
}

TEST(mutation_chains_stay_within_max_size_and_valid)
{
	static uint8_t buf[MAX];
	struct bf_mutator *m = bf_mutator_new(7);
	struct bf_prog p;
	size_t n = typical(buf, sizeof(buf));
	unsigned long seed = 3;
	int ran = 0;

	bf_prog_init(&p);
	for (int k = 0; k < 20000; k++) {
		size_t max = (k % 10 == 0) ? 1 + bf_rnd(&seed) % 64 : sizeof(buf);

		if (n > max)
			n = max;
		n = bf_mutate(m, buf, n, max);
		ASSERT_TRUE(n <= max);
		ASSERT_TRUE(valid(buf, n));
		if (k % 200 == 0) {
			struct bf_exec_opts o = { .lenient = 1 };
			struct bf_exec_result r;

			bf_prog_decode(&p, buf, n);
			bf_exec(&p, &o, &r, NULL);
			if (r.status == BF_EXEC_BAD_PROGRAM)
				fprintf(stderr, "  %s\n", r.msg);
			ASSERT_TRUE(r.status != BF_EXEC_BAD_PROGRAM);
			ran++;
		}
		if (k % 1000 == 999)  /* start again from the typical input now and then */
			n = typical(buf, sizeof(buf));
	}
	printf("  (%d runs);", ran);
	for (int op = 0; op < BF_NR_MUTATORS; op++)
		printf(" %s %lu", bf_mutator_name((enum bf_mutator_op)op), bf_mutator_count(m, (enum bf_mutator_op)op));
	printf("\n");
	bf_prog_free(&p);
	bf_mutator_free(m);
	return 0;
}

TEST(random_bytes_mutate_into_valid_programs)
{
	static uint8_t buf[MAX];
	struct bf_mutator *m = bf_mutator_new(11);
	unsigned long seed = 5;

	for (int k = 0; k < 5000; k++) {
		size_t n = bf_rnd(&seed) % 200;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)bf_rnd(&seed);
		n = bf_mutate(m, buf, n, sizeof(buf));
		ASSERT_TRUE(valid(buf, n));
	}
	bf_mutator_free(m);
	return 0;
}

TEST(a_fixed_seed_gives_the_same_outputs)
{
	static uint8_t a[MAX], b[MAX];
	struct bf_mutator *ma = bf_mutator_new(1234), *mb = bf_mutator_new(1234);
	size_t na = typical(a, sizeof(a)), nb = typical(b, sizeof(b));

	for (int k = 0; k < 2000; k++) {
		na = bf_mutate(ma, a, na, sizeof(a));
		nb = bf_mutate(mb, b, nb, sizeof(b));
		ASSERT_EQ(na, nb);
		ASSERT_TRUE(!memcmp(a, b, na));
		ASSERT_STREQ(bf_mutator_last(ma), bf_mutator_last(mb));
	}
	/* re-seeding restarts the sequence */
	bf_mutator_seed(ma, 99);
	bf_mutator_seed(mb, 99);
	na = bf_mutate(ma, a, na, sizeof(a));
	nb = bf_mutate(mb, b, nb, sizeof(b));
	ASSERT_EQ(na, nb);
	ASSERT_TRUE(!memcmp(a, b, na));
	bf_mutator_free(ma);
	bf_mutator_free(mb);
	return 0;
}

TEST(crossover_fits_and_decodes)
{
	static uint8_t a[MAX], b[MAX], out[MAX];
	struct bf_mutator *m = bf_mutator_new(5);
	size_t na = typical(a, sizeof(a)), nb;
	unsigned long seed = 8;

	memcpy(b, a, na);
	nb = na;
	for (int k = 0; k < 20; k++)
		nb = bf_mutate(m, b, nb, sizeof(b));
	for (int k = 0; k < 2000; k++) {
		size_t max = 1 + bf_rnd(&seed) % sizeof(out), n = bf_crossover(m, a, na, b, nb, out, max);

		ASSERT_TRUE(n <= max);
		ASSERT_TRUE(valid(out, n));
	}
	ASSERT_STREQ(bf_mutator_last(m), "splice");
	bf_mutator_free(m);
	return 0;
}

RUN_TESTS(T(every_operator_applies_to_a_typical_input), T(mutation_chains_stay_within_max_size_and_valid),
	  T(random_bytes_mutate_into_valid_programs), T(a_fixed_seed_gives_the_same_outputs),
	  T(crossover_fits_and_decodes))
