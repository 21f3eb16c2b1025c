/*
 * fuzz_common.c - the verdict shared by the fuzz targets (fuzz_common.h).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz/fuzz_common.h"
#include "core/inspect.h"

void bf_fuzz_abort(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void bf_fuzz_run_or_abort(struct bf_exec_ctx *c, const struct bf_prog *p, const struct bf_exec_opts *o,
			  struct bf_exec_result *r)
{
	if (bf_exec_ctx_run(c, p, o, r) == BF_EXEC_OK) {
		bf_fuzz_feedback(bf_exec_ctx_world(c));
		return;
	}
	if (r->status == BF_EXEC_DIVERGENCE) {
		bf_report_divergence(stderr, p, r, bf_exec_ctx_world(c), bf_exec_ctx_oracle(c));
	} else {
		/* the world's own invariant checker, or a decoder bug: findings too */
		fprintf(stderr, "%s: %s in op %d\n--- program\n",
			r->status == BF_EXEC_EXPECT_FAILED ? "INVARIANT" : "BAD-PROGRAM", r->msg, r->ops_run);
		bf_prog_print(p, stderr);
	}
	fflush(stderr);
	abort();
}

unsigned int bf_fuzz_fixes_from_env(void)
{
	const char *e = getenv("BF_FIXES");
	char buf[256], *save = NULL;
	unsigned int fixes = 0;

	if (!e || !*e)
		return 0;
	if (!strcmp(e, "all"))
		return BF_FIX(BF_NR_FIXES) - 1;
	snprintf(buf, sizeof(buf), "%s", e);
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int f = bf_name_index(bf_fix_names, BF_NR_FIXES, name);

		if (f < 0)
			bf_fuzz_abort("BF_FIXES: unknown fix '%s'", name);
		fixes |= BF_FIX(f);
	}
	return fixes;
}

/* ---- BF_WARM: the topologies most inputs use, booted before the first run */

#define WARM_MAX 32          /* worlds warmed (the cache holds 64) */
#define WARM_TRACK 512       /* distinct topologies counted */
#define WARM_FILES 20000     /* inputs read at most */

struct warm {
	struct bf_prog *p;
	unsigned int fixes;
	struct { struct bf_topology t; unsigned long n, first; } *tab;
	int nr;
	unsigned long files;
	uint8_t *buf;
};

/* A copy with every padding byte zero, so that equal topologies compare equal with memcmp. */
static void topo_normal(struct bf_topology *d, const struct bf_topology *s)
{
	memset(d, 0, sizeof(*d));
	d->nr_nodes = s->nr_nodes;
	for (int n = 0; n < BF_MAX_NODES; n++) {
		memcpy(d->node[n].zone_pageblocks, s->node[n].zone_pageblocks, sizeof(d->node[n].zone_pageblocks));
		d->node[n].cpumask = s->node[n].cpumask;
	}
	d->nr_cpus = s->nr_cpus;
	memcpy(d->distance, s->distance, sizeof(d->distance));
	d->nr_holes = s->nr_holes;
	for (int i = 0; i < BF_MAX_HOLES; i++)
		d->hole[i] = s->hole[i];
	d->min_free_kbytes = s->min_free_kbytes;
	d->watermark_scale_factor = s->watermark_scale_factor;
	d->watermark_boost_factor = s->watermark_boost_factor;
	memcpy(d->lowmem_reserve_ratio, s->lowmem_reserve_ratio, sizeof(d->lowmem_reserve_ratio));
	d->percpu_pagelist_fraction = s->percpu_pagelist_fraction;
	d->fixes = s->fixes;
}

static void warm_file(struct warm *w, const char *path)
{
	size_t n, len = strlen(path);
	struct bf_topology t;
	FILE *f;
	int i;

	if (w->files >= WARM_FILES || (len > 4 && !strcmp(path + len - 4, ".bfp")))
		return;
	f = fopen(path, "rb");
	if (!f)
		return;
	n = fread(w->buf, 1, 65536, f);
	fclose(f);
	if (bf_prog_decode(w->p, w->buf, n))
		return;
	w->files++;
	w->p->topo.fixes |= w->fixes;
	topo_normal(&t, &w->p->topo);
	for (i = 0; i < w->nr; i++)
		if (!memcmp(&w->tab[i].t, &t, sizeof(t))) {
			w->tab[i].n++;
			return;
		}
	if (w->nr < WARM_TRACK) {
		w->tab[w->nr].t = t;
		w->tab[w->nr].n = 1;
		w->tab[w->nr].first = w->files;
		w->nr++;
	}
}

static void warm_path(struct warm *w, const char *path)
{
	struct stat st;
	struct dirent *e;
	char sub[4096];
	DIR *d;

	if (stat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		warm_file(w, path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (!stat(sub, &st) && S_ISREG(st.st_mode))
			warm_file(w, sub);
	}
	closedir(d);
}

/* Most used first; ties: first seen first. */
static int warm_cmp(const void *a, const void *b)
{
	const struct { struct bf_topology t; unsigned long n, first; } *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->first < y->first ? -1 : x->first > y->first;
}

int bf_fuzz_warm_from_env(struct bf_exec_ctx *c, struct bf_prog *scratch, unsigned int fixes)
{
	const char *e = getenv("BF_WARM");
	struct warm w = { .p = scratch, .fixes = fixes };
	char *list, *save = NULL;
	int warmed = 0;

	if (!e || !*e)
		return 0;
	w.tab = calloc(WARM_TRACK, sizeof(*w.tab));
	w.buf = malloc(65536);
	list = strdup(e);
	if (w.tab && w.buf && list) {
		for (char *path = strtok_r(list, ":", &save); path; path = strtok_r(NULL, ":", &save))
			warm_path(&w, path);
		qsort(w.tab, w.nr, sizeof(*w.tab), warm_cmp);
		for (int i = (w.nr < WARM_MAX ? w.nr : WARM_MAX) - 1; i >= 0; i--)
			warmed += bf_exec_ctx_warm(c, &w.tab[i].t) == 0;
	}
	fprintf(stderr, "BF_WARM: %d of %d topologies warmed (%lu inputs read)\n", warmed, w.nr, w.files);
	free(list);
	free(w.buf);
	free(w.tab);
	bf_prog_reset(scratch);
	return warmed;
}
