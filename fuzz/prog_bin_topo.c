/*
 * prog_bin_topo.c - the binary encoding's topology header: nodes, zone sizes
 * from a small table (small worlds keep runs fast and exhaustion reachable),
 * the CPU map and distances, holes, sysctls and upstream fixes.  Decoding
 * folds every field into a topology world_create accepts; encoding writes
 * the codes that decode back to the same topology.
 */
#include <string.h>
#include "fuzz/bin_internal.h"

/* zone sizes in pageblocks; code 0 is the zone's default */
static const unsigned char zone_tab[16] = { 0, 0, 1, 1, 2, 2, 3, 4, 0, 1, 2, 3, 4, 6, 8, 16 };  /* small worlds: fast runs, reachable exhaustion */
static const unsigned char zone_default[MAX_NR_ZONES] = { 1, 2, 4, 0 };
static const long min_free_tab[16] = { -1, 0, 16, 64, 128, 256, 512, 724, 1024, 2048, 4096, 8192,
				       16384, 32768, 65536, 262144 };

#define HDR_MAP 0x20
#define HDR_HOLES 0x40
#define HDR_SYSCTL 0x80

static const unsigned char zone_sizes_desc[] = { 16, 8, 6, 4, 3, 2, 1, 0 };  /* zone_tab's sizes, descending */

/* the largest size the table has that is <= max */
static unsigned long clamp_size(unsigned long s, unsigned long max)
{
	if (s <= max)
		return s;
	for (size_t i = 0; i < sizeof(zone_sizes_desc); i++)
		if (zone_sizes_desc[i] <= max)
			return zone_sizes_desc[i];
	return 0;
}

void bf_bin_decode_topo(struct bf_topology *t, struct rd *r)
{
	unsigned h0 = u8(r);
	unsigned long used = 0;

	bf_topology_default(t);
	memset(t->node, 0, sizeof(t->node));
	t->nr_nodes = 1 + (int)(h0 & 3);
	t->nr_cpus = (int)(((h0 >> 2) + 1) & 7) + 1;
	for (int n = 0; n < t->nr_nodes; n++) {
		unsigned z0 = u8(r), z1 = u8(r);
		unsigned codes[MAX_NR_ZONES] = { z0 & 15, z0 >> 4, z1 & 15, z1 >> 4 };
		unsigned long node_total = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++) {
			unsigned long s = codes[z] ? zone_tab[codes[z]] : zone_default[z];
			unsigned long room = BF_BIN_MAX_PAGEBLOCKS - used - node_total - (unsigned long)(t->nr_nodes - 1 - n);

			s = clamp_size(s, room);
			t->node[n].zone_pageblocks[z] = s;
			node_total += s;
		}
		if (!node_total)
			t->node[n].zone_pageblocks[ZONE_NORMAL] = node_total = 1;
		used += node_total;
	}
	if (h0 & HDR_MAP) {
		unsigned m = u16(r);

		for (int c = 0; c < t->nr_cpus; c++)
			t->node[(m >> (2 * c) & 3) % (unsigned)t->nr_nodes].cpumask |= 1u << c;
		for (int a = 0; a < t->nr_nodes; a++)
			for (int b = a + 1; b < t->nr_nodes; b++) {
				unsigned d = u8(r);

				t->distance[a][b] = t->distance[b][a] = d ? 11 + (int)((d - 1) % 245) : 0;
			}
	} else {
		for (int c = 0; c < t->nr_cpus; c++)
			t->node[c % t->nr_nodes].cpumask |= 1u << c;
	}
	if (h0 & HDR_HOLES)
		for (int i = 0; i < 2; i++) {
			unsigned b0 = u8(r), b1 = u8(r), b2 = u8(r);

			if (!(b0 & 0x80))
				continue;
			t->hole[t->nr_holes].start_pfn = ((b0 & 0x7f) % used) * pageblock_nr_pages + b2;
			t->hole[t->nr_holes].nr_pages = 1 + b1 % 255;
			t->nr_holes++;
		}
	if (h0 & HDR_SYSCTL) {
		unsigned m = u8(r), v;

		if (m & 1)
			t->min_free_kbytes = min_free_tab[u8(r) & 15];
		if (m & 2)
			t->watermark_scale_factor = (v = u16(r) % 1001) ? (long)v : -1;
		if (m & 4)
			t->watermark_boost_factor = (v = u16(r)) ? (long)v - 1 : -1;
		if (m & 8)
			for (int z = 0; z < MAX_NR_ZONES; z++)
				t->lowmem_reserve_ratio[z] = u16(r);
		if (m & 16)
			t->percpu_pagelist_fraction = (v = u8(r)) == 0 ? -1 : v == 1 ? 0 : (long)v + 6;
		if (m & 32)
			t->fixes = u8(r) & (BF_FIX(BF_NR_FIXES) - 1);
	}
}

static unsigned zone_code(int z, unsigned long s)
{
	if (s == zone_default[z])
		return 0;
	for (unsigned c = 1; c < 16; c++)
		if (zone_tab[c] == s)
			return c;
	s = clamp_size(s, s > BF_BIN_MAX_PAGEBLOCKS ? BF_BIN_MAX_PAGEBLOCKS : s);
	for (unsigned c = 1; c < 16; c++)
		if (zone_tab[c] == s)
			return c;
	return 1;
}

static int cpu_node(const struct bf_topology *t, int c)
{
	for (int n = 0; n < t->nr_nodes; n++)
		if ((t->node[n].cpumask >> c) & 1)
			return n;
	return c % t->nr_nodes;
}

void bf_bin_encode_topo(const struct bf_topology *tp, struct wr *w)
{
	struct bf_topology t = *tp;
	unsigned h0, m = 0, map = 0;
	int need_map = 0;

	t.nr_nodes = t.nr_nodes < 1 ? 1 : t.nr_nodes > BF_MAX_NODES ? BF_MAX_NODES : t.nr_nodes;
	t.nr_cpus = t.nr_cpus < 1 ? 1 : t.nr_cpus > BF_MAX_CPUS ? BF_MAX_CPUS : t.nr_cpus;
	for (int c = 0; c < t.nr_cpus; c++) {
		int n = cpu_node(&t, c);

		map |= (unsigned)n << (2 * c);
		need_map |= n != c % t.nr_nodes;
	}
	for (int a = 0; a < t.nr_nodes; a++)
		for (int b = a + 1; b < t.nr_nodes; b++)
			need_map |= t.distance[a][b] > 10;
	m |= (t.min_free_kbytes >= 0) * 1u | (t.watermark_scale_factor >= 1 && t.watermark_scale_factor <= 1000) * 2u |
	     (t.watermark_boost_factor >= 0) * 4u | (t.lowmem_reserve_ratio[0] >= 0) * 8u |
	     (t.percpu_pagelist_fraction >= 0) * 16u | (t.fixes != 0) * 32u;
	h0 = (unsigned)(t.nr_nodes - 1) | (unsigned)((t.nr_cpus - 2) & 7) << 2 | (need_map ? HDR_MAP : 0) |
	     (t.nr_holes ? HDR_HOLES : 0) | (m ? HDR_SYSCTL : 0);
	w8(w, h0);
	for (int n = 0; n < t.nr_nodes; n++) {
		const unsigned long *zp = t.node[n].zone_pageblocks;

		w8(w, zone_code(0, zp[0]) | zone_code(1, zp[1]) << 4);
		w8(w, zone_code(2, zp[2]) | zone_code(3, zp[3]) << 4);
	}
	if (need_map) {
		w16(w, map);
		for (int a = 0; a < t.nr_nodes; a++)
			for (int b = a + 1; b < t.nr_nodes; b++)
				w8(w, t.distance[a][b] > 10 ? (unsigned)(t.distance[a][b] > 255 ? 255 : t.distance[a][b]) - 10 : 0);
	}
	if (t.nr_holes)
		for (int i = 0; i < 2; i++) {
			unsigned long s = i < t.nr_holes ? t.hole[i].start_pfn : 0, np = i < t.nr_holes ? t.hole[i].nr_pages : 0;
			unsigned long off = s % pageblock_nr_pages;

			w8(w, i < t.nr_holes ? 0x80 | ((s / pageblock_nr_pages) & 0x7f) : 0);
			w8(w, np ? (unsigned)((np > 255 ? 255 : np) - 1) : 0);
			w8(w, (unsigned)(off > 255 ? 255 : off));
		}
	if (m) {
		w8(w, m);
		if (m & 1) {
			unsigned c = 1;

			for (unsigned i = 1; i < 16; i++)
				if (min_free_tab[i] <= t.min_free_kbytes)
					c = i;
			w8(w, c);
		}
		if (m & 2)
			w16(w, (unsigned)t.watermark_scale_factor);
		if (m & 4)
			w16(w, (unsigned)(t.watermark_boost_factor > 65534 ? 65534 : t.watermark_boost_factor) + 1);
		if (m & 8)
			for (int z = 0; z < MAX_NR_ZONES; z++) {
				long v = t.lowmem_reserve_ratio[z];

				w16(w, (unsigned)(v < 0 ? 0 : v > 65535 ? 65535 : v));
			}
		if (m & 16) {
			long v = t.percpu_pagelist_fraction;

			w8(w, v < 8 ? 1u : (unsigned)(v > 261 ? 261 : v) - 6);
		}
		if (m & 32)
			w8(w, t.fixes);
	}
}

