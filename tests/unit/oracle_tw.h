/*
 * oracle_tw.h - the test world of the oracle's unit tests (test_oracle.c,
 * test_oracle_sight.c): a world and an oracle side by side, ops run through
 * both (with the result the oracle is told optionally faked), and the
 * divergence the oracle reported checked by kind and detail.
 */
#ifndef BF_TESTS_ORACLE_TW_H
#define BF_TESTS_ORACLE_TW_H

#include <stdio.h>
#include <string.h>
#include "core/inspect.h"
#include "fuzz/exec.h"
#include "oracle/oracle.h"

#define KEEP (NO_PFN - 1)   /* oalloc: tell the oracle the world's own result */

struct tw {
	struct world *w;
	struct bf_oracle *o;
	struct bf_divergence d;
};

static inline int tw_open(struct tw *t, const struct bf_topology *topo)
{
	struct bf_topology def;
	char err[256];

	if (!topo) {
		bf_topology_default(&def);
		topo = &def;
	}
	t->w = world_create(topo, err, sizeof(err));
	if (!t->w)
		fprintf(stderr, "  world_create: %s\n", err);
	t->o = t->w ? bf_oracle_create(t->w) : NULL;
	return t->o ? 0 : -1;
}

static inline void tw_close(struct tw *t)
{
	bf_oracle_destroy(t->o);
	world_destroy(t->w);
}

static inline int expect_kind(struct tw *t, int rc, const char *name)
{
	if (!rc) {
		fprintf(stderr, "  no divergence, expected %s\n", name);
		return 1;
	}
	if (strcmp(t->d.name, name)) {
		fprintf(stderr, "  got %s (%s), expected %s\n", t->d.name, t->d.detail, name);
		return 1;
	}
	return 0;
}

static inline int expect_detail(struct tw *t, const char *part)
{
	if (!strstr(t->d.detail, part)) {
		fprintf(stderr, "  detail \"%s\" lacks \"%s\"\n", t->d.detail, part);
		return 1;
	}
	return 0;
}

/* An allocation through world and oracle; `fake` replaces the result the oracle is told. */
static inline int oalloc(struct tw *t, int cpu, int nid, gfp_t gfp, unsigned int order, unsigned long fake,
			 unsigned long *out)
{
	struct bf_oracle_op op = { .kind = BF_OOP_ALLOC, .cpu = cpu, .gfp = gfp, .order = order, .nid = nid, .zid = -1 };

	bf_oracle_before(t->o, t->w, &op);
	op.pfn = nid >= 0 ? alloc_pages_node(t->w, cpu, nid, gfp, order) : alloc_pages(t->w, cpu, gfp, order);
	if (out)
		*out = op.pfn;
	if (fake != KEEP)
		op.pfn = fake;
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

/* A free the oracle is told of; call_world 0: the world does not make it. */
static inline int ofree(struct tw *t, int cpu, unsigned long pfn, unsigned int order, int call_world)
{
	struct bf_oracle_op op = { .kind = BF_OOP_FREE_PAGES, .cpu = cpu, .pfn = pfn, .order = order, .nid = -1, .zid = -1 };

	bf_oracle_before(t->o, t->w, &op);
	if (call_world)
		__free_pages(t->w, cpu, pfn, order);
	return bf_oracle_after(t->o, t->w, &op, &t->d);
}

/* A text program run with the oracle: 0 (r filled), or -1 when it does not parse. */
static inline int tw_run_file(const char *path, struct bf_exec_result *r)
{
	struct bf_prog p;
	struct bf_exec_opts opts = { .oracle = 1 };
	char err[512];

	bf_prog_init(&p);
	if (bf_prog_parse_file(&p, path, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		bf_prog_free(&p);
		return -1;
	}
	bf_exec(&p, &opts, r, NULL);
	bf_prog_free(&p);
	return 0;
}

#endif
