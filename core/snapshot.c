/*
 * snapshot.c - world snapshots for fuzz loops (model instrumentation, not in
 * 5.10): remember a booted world and bring it back for the next input in
 * time proportional to what the previous input wrote, instead of booting.
 *
 * A snapshot is a byte image of the world's own memory: struct world, the
 * pagesets, the pageblock bits and the memmap.  It is restored in place, into
 * the same buffers, so every pointer inside (list links into the memmap and
 * the zones, zone->pageset, pgdat->world, cpu->current) is right without
 * relocation.  Struct world, the pagesets and the pageblock bits are small
 * and copied whole; of the memmap only the pages marked dirty (page_touch /
 * lru_touch in internal.h, at every write to a struct page) are copied back.
 *
 * Invariant: after world_snapshot_restore the world is byte-identical to the
 * image; world_snapshot_verify checks exactly that, and world_compare_fresh
 * checks that a world is byte-identical to a fresh boot of its topology.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct world_snapshot {
	const struct world *w;           /* the world the image belongs to */
	struct world img;
	struct page *mem_map;
	size_t mem_map_cap;              /* pages */
	unsigned long *pbf;
	size_t pbf_cap;                  /* words */
	struct per_cpu_pageset pagesets[BF_MAX_NODES * MAX_NR_ZONES * BF_MAX_CPUS];
};

_Static_assert(offsetof(struct world, distance) == offsetof(struct world, node) + sizeof(((struct world *)0)->node),
	       "restore copies struct world around node[nr_nodes..]");

static size_t pbf_words(const struct world *w)
{
	return w->memmap_pfns / pageblock_nr_pages * NR_PAGEBLOCK_BITS / 64 + 1;
}

static size_t pagesets_used(const struct world *w)
{
	return (size_t)w->nr_nodes * MAX_NR_ZONES * BF_MAX_CPUS;
}

struct world_snapshot *world_snapshot_take(struct world *w, struct world_snapshot *s)
{
	size_t words = pbf_words(w);

	if (!s && !(s = calloc(1, sizeof(*s))))
		return NULL;
	if (s->mem_map_cap < w->memmap_pfns) {
		free(s->mem_map);
		s->mem_map = malloc(w->memmap_pfns * sizeof(struct page));
		s->mem_map_cap = s->mem_map ? w->memmap_pfns : 0;
	}
	if (s->pbf_cap < words) {
		free(s->pbf);
		s->pbf = malloc(words * sizeof(unsigned long));
		s->pbf_cap = s->pbf ? words : 0;
	}
	if (!s->mem_map || !s->pbf) {
		world_snapshot_free(s);
		return NULL;
	}
	s->w = w;
	memcpy(&s->img, w, sizeof(*w));
	memcpy(s->mem_map, w->mem_map, w->memmap_pfns * sizeof(struct page));
	memcpy(s->pbf, w->pageblock_flags, words * sizeof(unsigned long));
	memcpy(s->pagesets, w->pagesets, pagesets_used(w) * sizeof(struct per_cpu_pageset));
	memset(w->dirty, 0, w->memmap_pfns / 64 * sizeof(unsigned long));
	return s;
}

void world_snapshot_free(struct world_snapshot *s)
{
	if (!s)
		return;
	free(s->mem_map);
	free(s->pbf);
	free(s);
}

void world_snapshot_restore(struct world *w, const struct world_snapshot *s)
{
	unsigned long words = s->img.memmap_pfns / 64;

	/* the world's buffers must be the image's (restoring in place) */
	if (w != s->w || w->mem_map != s->img.mem_map || w->dirty != s->img.dirty)
		abort();
	for (unsigned long i = 0; i < words; i++) {
		unsigned long bits = w->dirty[i];

		if (!bits)
			continue;
		w->dirty[i] = 0;
		if (bits == ~0UL) {
			memcpy(&w->mem_map[i * 64], &s->mem_map[i * 64], 64 * sizeof(struct page));
			continue;
		}
		do {
			unsigned long pfn = i * 64 + (unsigned long)__builtin_ctzl(bits);

			w->mem_map[pfn] = s->mem_map[pfn];
			bits &= bits - 1;
		} while (bits);
	}
	/* struct world without the nodes past nr_nodes, which nothing writes after boot */
	memcpy(w, &s->img, offsetof(struct world, node[s->img.nr_nodes]));
	memcpy(&w->distance, &s->img.distance, sizeof(*w) - offsetof(struct world, distance));
	memcpy(w->pageblock_flags, s->pbf, pbf_words(w) * sizeof(unsigned long));
	memcpy(w->pagesets, s->pagesets, pagesets_used(w) * sizeof(struct per_cpu_pageset));
}

/* Names for the first differing byte of a struct page / struct world, for the report. */
static const char *page_field(size_t off)
{
	static const struct { size_t off; const char *name; } f[] = {
		{ offsetof(struct page, flags), "flags" },
		{ offsetof(struct page, lru.next), "lru.next/compound_head" },
		{ offsetof(struct page, lru.prev), "lru.prev" },
		{ offsetof(struct page, mapping), "mapping/compound_nr" },
		{ offsetof(struct page, index), "index" },
		{ offsetof(struct page, private), "private" },
		{ offsetof(struct page, _mapcount), "_mapcount/page_type" },
		{ offsetof(struct page, _refcount), "_refcount" },
		{ offsetof(struct page, memcg_data), "memcg_data" },
	};
	const char *name = "?";

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (off >= f[i].off)
			name = f[i].name;
	return name;
}

static void world_field(const struct world *w, size_t off, char *out, size_t len)
{
	size_t zones = offsetof(struct world, node), zsz = sizeof(struct zone);

	for (int n = 0; n < BF_MAX_NODES; n++) {
		size_t z0 = zones + (size_t)n * sizeof(pg_data_t);

		if (off >= z0 && off < z0 + MAX_NR_ZONES * zsz) {
			size_t zoff = (off - z0) % zsz;

			snprintf(out, len, "node %d zone %s +%zu%s", n, zone_names[(off - z0) / zsz], zoff,
				 zoff >= offsetof(struct zone, free_area) &&
				 zoff < offsetof(struct zone, free_area) + sizeof(w->node[0].node_zones[0].free_area) ?
				 " (free_area)" : zoff >= offsetof(struct zone, vm_stat) ? " (vm_stat)" : "");
			return;
		}
	}
	snprintf(out, len, "struct world +%zu", off);
}

/* The first byte where a and b differ, or -1. */
static long first_diff(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	if (!memcmp(a, b, n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

/*
 * Compare a world's memory with an image of it (struct world, memmap,
 * pageblock bits, pagesets): 0 if identical, else 1 with the first
 * difference named in why.
 */
static int compare_image(const struct world *w, const struct world *img, const struct page *mem_map,
			 const unsigned long *pbf, const struct per_cpu_pageset *pagesets, const char *what,
			 char *why, size_t len)
{
	long d;
	char f[128];

	for (unsigned long pfn = 0; pfn < w->memmap_pfns; pfn++)
		if ((d = first_diff(&w->mem_map[pfn], &mem_map[pfn], sizeof(struct page))) >= 0)
			return snprintf(why, len, "pfn %#lx %s differs from %s", pfn, page_field((size_t)d), what), 1;
	if ((d = first_diff(w, img, sizeof(*w))) >= 0) {
		world_field(w, (size_t)d, f, sizeof(f));
		return snprintf(why, len, "%s differs from %s", f, what), 1;
	}
	if ((d = first_diff(w->pageblock_flags, pbf, pbf_words(w) * sizeof(unsigned long))) >= 0)
		return snprintf(why, len, "pageblock bits of pfn %#lx differ from %s",
				(unsigned long)d * 8 / NR_PAGEBLOCK_BITS * pageblock_nr_pages, what), 1;
	if ((d = first_diff(w->pagesets, pagesets, pagesets_used(w) * sizeof(struct per_cpu_pageset))) >= 0) {
		size_t i = (size_t)d / sizeof(struct per_cpu_pageset);

		return snprintf(why, len, "pageset of node %zu zone %s cpu %zu (+%zu) differs from %s",
				i / BF_MAX_CPUS / MAX_NR_ZONES, zone_names[i / BF_MAX_CPUS % MAX_NR_ZONES],
				i % BF_MAX_CPUS, (size_t)d % sizeof(struct per_cpu_pageset), what), 1;
	}
	return 0;
}

int world_snapshot_verify(const struct world *w, const struct world_snapshot *s, char *why, size_t len)
{
	if (w != s->w || w->memmap_pfns != s->img.memmap_pfns)
		return snprintf(why, len, "not the world of this snapshot"), 1;
	return compare_image(w, &s->img, s->mem_map, s->pbf, s->pagesets, "the snapshot", why, len);
}

/*
 * world_compare_fresh - boot t afresh in w's own memory and compare it with
 * what w held, byte for byte.  Afterwards w is that fresh boot (all pages
 * dirty).  0: identical; 1: the first difference in why; -1: no memory or
 * w was not the same topology (the boot moved the buffers).
 */
int world_compare_fresh(struct world *w, const struct bf_topology *t, char *why, size_t len)
{
	struct world_snapshot *copy = world_snapshot_take(w, NULL);
	struct world *fresh;
	char err[256];
	int rc;

	if (!copy)
		return snprintf(why, len, "out of memory"), -1;
	fresh = world_recreate(w, t, err, sizeof(err));
	if (fresh != w || fresh->mem_map != copy->img.mem_map || fresh->memmap_pfns != copy->img.memmap_pfns) {
		world_snapshot_free(copy);
		return snprintf(why, len, "the fresh boot did not reuse the world's memory (%s)",
				fresh ? "other topology" : err), -1;
	}
	/* the dirty bitmap is bookkeeping, not state: compare the rest */
	copy->img.dirty_cap = w->dirty_cap;
	rc = compare_image(w, &copy->img, copy->mem_map, copy->pbf, copy->pagesets, "a fresh boot", why, len);
	world_snapshot_free(copy);
	return rc;
}
