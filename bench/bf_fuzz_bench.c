/*
 * bf_fuzz_bench.c - what one fuzz execution costs: exec/s of fuzz_ops' work
 * (decode + a fresh world + every op checked by the oracle) and the oracle's
 * share, in whatever preset this is built (release, asan-ubsan, ...).
 *
 * Runs recycle one run context (bf_exec_ctx), as fuzz_ops does.
 *  execs_per_s_seeds      the seed corpus (build/<preset>/seeds-bin), oracle on
 *  execs_per_s_100ops     100-op programs decoded from fixed pseudo-random bytes, oracle on
 *  execs_per_s_100ops_no_oracle   the same programs without the oracle
 *  oracle_ratio_100ops    time with the oracle / time without (the aim: < 2, i.e.
 *                         the oracle costs less than the allocator and harness)
 *  world_create_us_<n>pb  world_create + world_destroy alone for an n-pageblock world
 *  direct_us_100ops       the same world calls as a 100-op run made, called
 *                         directly on a pre-booted world (restored from a
 *                         snapshot between programs, untimed): the allocator alone
 *  harness_efficiency_100ops  time of a whole execution (oracle on) / direct_us:
 *                         what the harness multiplies the allocator's cost by (aim <= 4)
 *
 * Each figure is the median of several rounds: "<name> median=<x> min=<x> max=<x> runs=<n>".
 * Usage: bf-fuzz-bench [--quick] [SEED_DIR]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz/exec.h"

#define MAX_PROGS 64
#define ROUNDS 7

struct corpus { struct bf_prog p[MAX_PROGS]; int n; };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%s median=%.1f min=%.1f max=%.1f runs=%d\n", name, v[n / 2], v[0], v[n - 1], n);
}

/* xorshift64*: the bench's own PRNG, fixed seed, so every build runs the same programs */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void load_seeds(struct corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	static uint8_t buf[1 << 16];

	if (!d)
		return;
	while ((e = readdir(d)) && c->n < MAX_PROGS) {
		char path[4096];
		FILE *f;
		size_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		bf_prog_init(&c->p[c->n]);
		if (!bf_prog_decode(&c->p[c->n], buf, n))
			c->n++;
	}
	closedir(d);
}

/* Programs of exactly 100 ops: decode growing random byte strings until they hold 100. */
static void make_100op(struct corpus *c, int count)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	static uint8_t buf[1 << 15];

	for (int i = 0; i < count && c->n < MAX_PROGS; i++) {
		struct bf_prog *p = &c->p[c->n];

		bf_prog_init(p);
		for (size_t len = 256; len <= sizeof(buf); len *= 2) {
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)rnd(&s);
			if (!bf_prog_decode(p, buf, len) && p->nr_ops >= 100)
				break;
		}
		if (p->nr_ops >= 100) {
			p->nr_ops = 100;
			c->n++;
		}
	}
}

/* exec/s over the corpus, repeated until at least `secs` of work */
static double execs_per_s(const struct corpus *c, int oracle, double secs)
{
	static struct bf_exec_ctx *ctx;   /* recycled, as fuzz_ops does */
	struct bf_exec_opts o = { .oracle = oracle, .lenient = 1 };
	struct bf_exec_result r;
	long execs = 0;
	double t0 = now_s(), t;

	if (!ctx)
		ctx = bf_exec_ctx_new();
	do {
		for (int i = 0; i < c->n; i++) {
			bf_exec_ctx_run(ctx, &c->p[i], &o, &r);
			if (r.status != BF_EXEC_OK && r.status != BF_EXEC_DIVERGENCE)
				fprintf(stderr, "program %d: status %d: %s\n", i, r.status, r.msg);
			execs++;
		}
		t = now_s() - t0;
	} while (t < secs);
	return (double)execs / t;
}

/* One world call as the executor made it (its oracle op), straight into core/. */
static void call_direct(struct world *w, const struct bf_call *c)
{
	const struct bf_oracle_op *o = &c->oop;

	switch (o->kind) {
	case BF_OOP_ALLOC:
		if (o->nid != NUMA_NO_NODE)
			alloc_pages_node(w, o->cpu, o->nid, o->gfp, o->order);
		else
			alloc_pages(w, o->cpu, o->gfp, o->order);
		break;
	case BF_OOP_ALLOC_EXACT:
		alloc_pages_exact(w, o->cpu, o->size, o->gfp);
		break;
	case BF_OOP_FREE_PAGES:
		__free_pages(w, o->cpu, o->pfn, o->order);
		break;
	case BF_OOP_FREE_EXACT:
		free_pages_exact(w, o->cpu, o->pfn, o->size);
		break;
	case BF_OOP_GET:
		get_page(w, o->pfn);
		break;
	case BF_OOP_PUT:
		put_page(w, o->cpu, o->pfn);
		break;
	case BF_OOP_SPLIT:
		split_page(w, o->pfn, o->order);
		break;
	case BF_OOP_POKE:
		page_poke(w, o->pfn, (enum bf_poke_field)o->field, o->value);
		break;
	case BF_OOP_DRAIN:
		if (o->cpu < 0)
			drain_all_pages(w, o->nid, o->zid);
		else
			drain_local_pages(w, o->cpu, o->nid, o->zid);
		break;
	case BF_OOP_IRQ:
		world_set_irq(w, o->cpu, o->value != 0);
		break;
	case BF_OOP_TASKFLAGS:
		world_set_task_flags(w, o->cpu, (unsigned int)o->value);
		break;
	case BF_OOP_SYSCTL:
		world_sysctl(w, c->op->sysctl, c->op->values, c->op->nvalues);
		break;
	case BF_OOP_VMSTAT:
		if (c->op->kind == BF_OP_VMSTAT_REFRESH)
			vmstat_refresh(w);
		else
			vmstat_update(w, c->op->cpu);
		break;
	default:
		break;
	}
}

/*
 * Microseconds per program of the corpus's world calls made directly: each
 * program is run once through the executor to log its calls, then the log
 * is replayed on its own world, restored to the boot state (untimed) before
 * each replay.
 */
static double direct_us(const struct corpus *c, double secs)
{
	static struct bf_call_log log[MAX_PROGS];
	static struct world *w[MAX_PROGS];
	static struct world_snapshot *snap[MAX_PROGS];
	struct bf_exec_opts o = { .lenient = 1 };
	struct bf_exec_result r;
	double spent = 0;
	long runs = 0;
	char err[256];

	for (int i = 0; i < c->n && !w[i]; i++) {
		o.log = &log[i];
		bf_exec(&c->p[i], &o, &r, NULL);
		w[i] = world_create(&c->p[i].topo, err, sizeof(err));
		if (!w[i] || !(snap[i] = world_snapshot_take(w[i], NULL)))
			abort();
	}
	do {
		for (int i = 0; i < c->n; i++) {
			double t0;

			world_snapshot_restore(w[i], snap[i]);
			t0 = now_s();
			for (int k = 0; k < log[i].n; k++)
				call_direct(w[i], &log[i].call[k]);
			spent += now_s() - t0;
			runs++;
		}
	} while (spent < secs);
	return spent / (double)runs * 1e6;
}

static double world_us(unsigned long pbs, int n)
{
	struct bf_topology t;
	char err[256];
	double t0;

	bf_topology_default(&t);
	memset(t.node[0].zone_pageblocks, 0, sizeof(t.node[0].zone_pageblocks));
	t.node[0].zone_pageblocks[ZONE_DMA] = pbs / 4 ? pbs / 4 : 1;
	t.node[0].zone_pageblocks[ZONE_DMA32] = pbs / 4;
	t.node[0].zone_pageblocks[ZONE_NORMAL] = pbs - t.node[0].zone_pageblocks[ZONE_DMA] - pbs / 4;
	t0 = now_s();
	for (int i = 0; i < n; i++)
		world_destroy(world_create(&t, err, sizeof(err)));
	return (now_s() - t0) / n * 1e6;
}

int main(int argc, char **argv)
{
	static struct corpus seeds, ops100;
	const char *dir = "seeds-bin";
	int quick = 0, rounds;
	double v[ROUNDS], with[ROUNDS], without[ROUNDS], ratio[ROUNDS], secs;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else
			dir = argv[i];
	}
	rounds = quick ? 3 : ROUNDS;
	secs = quick ? 0.1 : 0.5;
	load_seeds(&seeds, dir);
	make_100op(&ops100, 32);
	printf("# %d seed programs from %s, %d programs of 100 ops\n", seeds.n, dir, ops100.n);
	if (seeds.n) {
		for (int i = 0; i < rounds; i++)
			v[i] = execs_per_s(&seeds, 1, secs);
		report("execs_per_s_seeds", v, rounds);
	}
	if (ops100.n) {
		for (int i = 0; i < rounds; i++) {
			with[i] = execs_per_s(&ops100, 1, secs);
			without[i] = execs_per_s(&ops100, 0, secs);
			ratio[i] = without[i] / with[i];
		}
		report("execs_per_s_100ops", with, rounds);
		report("execs_per_s_100ops_no_oracle", without, rounds);
		report("oracle_ratio_100ops", ratio, rounds);
		for (int i = 0; i < rounds; i++) {
			v[i] = direct_us(&ops100, secs);
			ratio[i] = 1e6 / with[i] / v[i];
		}
		report("direct_us_100ops", v, rounds);
		report("harness_efficiency_100ops", ratio, rounds);
	}
	for (unsigned long pbs = 4; pbs <= 64; pbs *= 4) {
		char name[64];

		for (int i = 0; i < rounds; i++)
			v[i] = world_us(pbs, quick ? 20 : 200);
		snprintf(name, sizeof(name), "world_create_us_%lupb", pbs);
		report(name, v, rounds);
	}
	return 0;
}
