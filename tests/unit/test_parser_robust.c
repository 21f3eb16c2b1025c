/*
 * test_parser_robust.c - the parser and the executor on hostile input.
 * Every scenario is mutated many times (byte flips, deletions, insertions,
 * line swaps, deterministic PRNG); each mutant must either parse or be
 * rejected with a "name:line:col: message" error, and every mutant that
 * parses must run to a status without crashing (ASan/UBSan builds make the
 * "without crashing" strict).  Worlds above 16k pageblocks are skipped to
 * keep memory small.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "fuzz/exec.h"

#ifndef BF_SCENARIO_DIR
#error "BF_SCENARIO_DIR must name tests/scenarios"
#endif

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(*len + 1);
	if (fread(buf, 1, *len, f) != *len)
		*len = 0;
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static void mutate(char *buf, size_t *len, size_t cap, unsigned long *seed)
{
	static const char *const words[] = { "order=", "gfp=", "0x", "|", "=", " ", "\n", "expect ", "free ",
					     "alloc h1 ", ".", "-1", "99999999999999999999", "cpu=7", "\"",
					     "end\n", "zone 0 Normal ", "node 3 ", "hole ", "#" };
	int n = 1 + (int)(bf_rnd(seed) % 4);

	while (n--) {
		size_t at = *len ? bf_rnd(seed) % *len : 0;

		switch (bf_rnd(seed) % 4) {
		case 0:
			if (*len)
				buf[at] = (char)(bf_rnd(seed) & 0xff);
			break;
		case 1: {
			size_t del = 1 + bf_rnd(seed) % 8;

			if (at + del <= *len) {
				memmove(buf + at, buf + at + del, *len - at - del);
				*len -= del;
			}
			break;
		}
		default: {
			const char *w = words[bf_rnd(seed) % (sizeof(words) / sizeof(words[0]))];
			size_t wl = strlen(w);

			if (*len + wl < cap) {
				memmove(buf + at + wl, buf + at, *len - at);
				memcpy(buf + at, w, wl);
				*len += wl;
			}
		}
		}
	}
	buf[*len] = 0;
}

static unsigned long world_pageblocks(const struct bf_prog *p)
{
	unsigned long n = 0;

	for (int i = 0; i < p->topo.nr_nodes && i < BF_MAX_NODES; i++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += p->topo.node[i].zone_pageblocks[z];
	return n;
}

TEST(mutated_scenarios_parse_or_fail_cleanly_and_run)
{
	DIR *d = opendir(BF_SCENARIO_DIR);
	struct dirent *e;
	unsigned long seed = 0x243f6a8885a308d3UL;
	int parsed = 0, rejected = 0, ran = 0;
	FILE *devnull = fopen("/dev/null", "w");

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		char path[1024], err[1024];
		size_t len;
		char *orig;

		if (!strstr(e->d_name, ".bfp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BF_SCENARIO_DIR, e->d_name);
		orig = slurp(path, &len);
		ASSERT_TRUE(orig != NULL);
		for (int i = 0; i < 60; i++) {
			size_t cap = len + 512, l = len;
			char *buf = malloc(cap + 1);
			struct bf_prog p;

			memcpy(buf, orig, len + 1);
			mutate(buf, &l, cap, &seed);
			if (bf_prog_parse(&p, "mut.bfp", buf, err, sizeof(err))) {
				/* "mut.bfp:LINE:COL: message" */
				int line, col;
				char rest[8];

				if (sscanf(err, "mut.bfp:%d:%d:%7s", &line, &col, rest) != 3) {
					fprintf(stderr, "  bad error format: %s\n", err);
					return 1;
				}
				rejected++;
			} else {
				parsed++;
				if (world_pageblocks(&p) <= 16384) {
					struct bf_exec_opts o = { .dump_out = devnull, .check_every_op = 1 };
					struct bf_exec_result r;

					bf_exec(&p, &o, &r, NULL);
					/* expectations may fail on a mutant; the world's invariants may not */
					if (strstr(r.msg, "invariant")) {
						fprintf(stderr, "  %s mutant %d: %s\n%s\n", e->d_name, i, r.msg, buf);
						return 1;
					}
					ran++;
				}
			}
			bf_prog_free(&p);
			free(buf);
		}
		free(orig);
	}
	closedir(d);
	fclose(devnull);
	printf("  %d mutants parsed (%d run), %d rejected\n", parsed, ran, rejected);
	ASSERT_TRUE(parsed > 100 && rejected > 100);
	return 0;
}

/* Token soup: program words, numbers and punctuation in random order. */
TEST(token_soup_is_rejected_with_a_position)
{
	static const char *const words[] = {
		"alloc", "free", "expect", "node", "zone", "sysctl", "h1", "h1.3", "order=", "gfp=",
		"GFP_KERNEL", "|", "0x", "12", "-1", "==", "<", "cpu=", "all", "Normal", "DMA",
		"end", "\n", "\n", " ", " ", "=", ",", "\"", "#", "poke", "set=PG_lru", "pfn=0x10",
		"nr_free", "counter", "NR_FREE_PAGES", "buddyinfo", "drain", "split", "hole",
	};
	unsigned long seed = 99;
	char buf[1024], err[512];
	int rejected = 0;

	for (int i = 0; i < 20000; i++) {
		struct bf_prog p;
		size_t n = 0;
		int nw = (int)(bf_rnd(&seed) % 40);

		buf[0] = 0;
		while (nw-- > 0) {
			const char *w = words[bf_rnd(&seed) % (sizeof(words) / sizeof(words[0]))];

			if (n + strlen(w) + 1 >= sizeof(buf))
				break;
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", w);
		}
		if (bf_prog_parse(&p, "g", buf, err, sizeof(err))) {
			int line, col;

			/* "g:LINE:COL: message", LINE and COL from 1 */
			ASSERT_TRUE(sscanf(err, "g:%d:%d: ", &line, &col) == 2 && line >= 1 && col >= 1);
			rejected++;
		}
		bf_prog_free(&p);
	}
	ASSERT_TRUE(rejected > 1000);
	return 0;
}

/* Numbers are decimal or 0x hex: a leading zero is a digit, not octal. */
TEST(leading_zero_is_decimal)
{
	struct bf_prog p;
	char err[256];

	ASSERT_EQ(bf_prog_parse(&p, "n", "alloc h1 order=010 gfp=0x0cc0\n", err, sizeof(err)), 0);
	ASSERT_EQ(p.ops[0].order, 10);
	ASSERT_EQ(p.ops[0].gfp, 0xcc0);
	bf_prog_free(&p);
	ASSERT_EQ(bf_prog_parse(&p, "n", "alloc h1 order=0x gfp=GFP_KERNEL\n", err, sizeof(err)), -1);
	ASSERT_STREQ(err, "n:1:16: expected a number, got '0x'");
	bf_prog_free(&p);
	return 0;
}

RUN_TESTS(T(mutated_scenarios_parse_or_fail_cleanly_and_run), T(token_soup_is_rejected_with_a_position),
	  T(leading_zero_is_decimal))
