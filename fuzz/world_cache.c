/*
 * world_cache.c - booted worlds for fuzz loops: for each of the last few
 * topologies a run context has seen (small worlds only), a world and its
 * snapshot taken right after boot.  A run with a cached topology gets the
 * world restored from its snapshot -- in time proportional to what the
 * previous run with that topology wrote -- instead of booted; any other
 * topology is booted once into the least recently used slot.  Worlds too big
 * to keep twice are booted every time in one recycled scratch world.
 *
 * Invariant: a cached world handed out is byte-identical to a fresh boot of
 * its topology (world_snapshot_verify / world_compare_fresh test it;
 * test_exec_ctx and fuzz_variants run those checks).
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/exec_internal.h"

/* Whole-array comparison: unused entries count too, so a hit boots exactly the same bytes. */
static int topo_equal(const struct bf_topology *a, const struct bf_topology *b)
{
	if (a->nr_nodes != b->nr_nodes || a->nr_cpus != b->nr_cpus || a->nr_holes != b->nr_holes ||
	    a->min_free_kbytes != b->min_free_kbytes || a->watermark_scale_factor != b->watermark_scale_factor ||
	    a->watermark_boost_factor != b->watermark_boost_factor ||
	    a->percpu_pagelist_fraction != b->percpu_pagelist_fraction || a->fixes != b->fixes)
		return 0;
	for (int n = 0; n < BF_MAX_NODES; n++) {
		if (a->node[n].cpumask != b->node[n].cpumask)
			return 0;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (a->node[n].zone_pageblocks[z] != b->node[n].zone_pageblocks[z])
				return 0;
		for (int m = 0; m < BF_MAX_NODES; m++)
			if (a->distance[n][m] != b->distance[n][m])
				return 0;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (a->lowmem_reserve_ratio[z] != b->lowmem_reserve_ratio[z])
			return 0;
	for (int i = 0; i < BF_MAX_HOLES; i++)
		if (a->hole[i].start_pfn != b->hole[i].start_pfn || a->hole[i].nr_pages != b->hole[i].nr_pages)
			return 0;
	return 1;
}

/* FNV-1a over the fields topo_equal compares: equal topologies, equal keys. */
static uint64_t topo_key(const struct bf_topology *t)
{
	uint64_t h = 0xcbf29ce484222325ULL;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 0x100000001b3ULL)
	MIX(t->nr_nodes); MIX(t->nr_cpus); MIX(t->nr_holes); MIX(t->min_free_kbytes);
	MIX(t->watermark_scale_factor); MIX(t->watermark_boost_factor); MIX(t->percpu_pagelist_fraction);
	MIX(t->fixes);
	for (int n = 0; n < BF_MAX_NODES; n++) {
		MIX(t->node[n].cpumask);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			MIX(t->node[n].zone_pageblocks[z]);
		for (int m = 0; m < BF_MAX_NODES; m++)
			MIX(t->distance[n][m]);
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		MIX(t->lowmem_reserve_ratio[z]);
	for (int i = 0; i < t->nr_holes && i < BF_MAX_HOLES; i++) {
		MIX(t->hole[i].start_pfn);
		MIX(t->hole[i].nr_pages);
	}
#undef MIX
	return h;
}

static unsigned long topo_pageblocks(const struct bf_topology *t)
{
	unsigned long n = 0;

	for (int nid = 0; nid < t->nr_nodes && nid < BF_MAX_NODES; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += t->node[nid].zone_pageblocks[z];
	return n;
}

static void slot_clear(struct bf_world_slot *s)
{
	world_destroy(s->w);
	world_snapshot_free(s->snap);
	memset(s, 0, sizeof(*s));
}

void bf_world_cache_free(struct bf_world_cache *c)
{
	for (int i = 0; i < BF_WORLD_SLOTS; i++)
		slot_clear(&c->slot[i]);
	world_destroy(c->scratch);
	c->scratch = NULL;
}

/* Boot t into slot s and take its snapshot.  NULL (slot empty) on failure. */
static struct world *slot_boot(struct bf_world_cache *c, struct bf_world_slot *s, const struct bf_topology *t,
			       char *err, size_t len)
{
	struct world *w = world_recreate(s->w, t, err, len);

	s->w = w;
	if (w && !(s->snap = world_snapshot_take(w, s->snap)))
		snprintf(err, len, "out of memory");
	if (!w || !s->snap) {
		slot_clear(s);
		return NULL;
	}
	s->topo = *t;
	s->key = topo_key(t);
	s->used = ++c->clock;
	c->boots++;
	return w;
}

struct bf_world_slot *bf_world_cache_find(struct bf_world_cache *c, const struct bf_topology *t)
{
	uint64_t key = topo_key(t);

	for (int i = 0; i < BF_WORLD_SLOTS; i++)
		if (c->slot[i].w && c->slot[i].key == key && topo_equal(&c->slot[i].topo, t))
			return &c->slot[i];
	return NULL;
}

struct world *bf_world_cache_get(struct bf_world_cache *c, const struct bf_topology *t, char *err, size_t len)
{
	struct bf_world_slot *s, *lru;

	c->cur = NULL;
	if (topo_pageblocks(t) > BF_WORLD_CACHE_MAX_PAGEBLOCKS || bf_topology_check(t, err, len)) {
		/* big (or invalid: world_recreate says why) worlds boot every time */
		c->scratch = world_recreate(c->scratch, t, err, len);
		return c->scratch;
	}
	if ((s = bf_world_cache_find(c, t))) {
		world_snapshot_restore(s->w, s->snap);
		s->used = ++c->clock;
		c->restores++;
		c->cur = s;
		return s->w;
	}
	lru = &c->slot[0];
	for (int i = 0; i < BF_WORLD_SLOTS; i++) {
		if (!c->slot[i].w) {
			lru = &c->slot[i];
			break;
		}
		if (c->slot[i].used < lru->used)
			lru = &c->slot[i];
	}
	if (!slot_boot(c, lru, t, err, len))
		return NULL;
	c->cur = lru;
	return lru->w;
}

struct world *bf_world_cache_detach(struct bf_world_cache *c, struct world *w)
{
	if (w == c->scratch) {
		c->scratch = NULL;
		return w;
	}
	for (int i = 0; i < BF_WORLD_SLOTS; i++) {
		struct bf_world_slot *s = &c->slot[i];

		if (s->w == w) {
			if (c->cur == s)
				c->cur = NULL;
			s->w = NULL;
			slot_clear(s);
			return w;
		}
	}
	return w;
}
