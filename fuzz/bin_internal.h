/*
 * bin_internal.h - what the two halves of the binary codec share: the byte
 * reader (zeros past the end) and writer, and the topology header's codec
 * (prog_bin_topo.c).  Not a public boundary: fuzz/prog_bin*.c only.
 */
#ifndef BF_FUZZ_BIN_INTERNAL_H
#define BF_FUZZ_BIN_INTERNAL_H

#include <stdint.h>
#include "fuzz/prog.h"

struct rd {
	const uint8_t *p;
	size_t n, i;
};

static inline unsigned u8(struct rd *r)
{
	unsigned v = r->i < r->n ? r->p[r->i] : 0;

	r->i++;
	return v;
}
static inline unsigned u16(struct rd *r) { unsigned lo = u8(r); return lo | u8(r) << 8; }
static inline uint32_t u32(struct rd *r) { uint32_t lo = u16(r); return lo | (uint32_t)u16(r) << 16; }
static inline uint64_t u64(struct rd *r) { uint64_t lo = u32(r); return lo | (uint64_t)u32(r) << 32; }

struct wr {
	uint8_t b[128];
	size_t n;
};
static inline void w8(struct wr *w, unsigned v) { w->b[w->n++] = (uint8_t)v; }
static inline void w16(struct wr *w, unsigned v) { w8(w, v & 0xff); w8(w, (v >> 8) & 0xff); }
static inline void w32(struct wr *w, uint32_t v) { w16(w, v & 0xffff); w16(w, v >> 16); }
static inline void w64(struct wr *w, uint64_t v) { w32(w, (uint32_t)v); w32(w, (uint32_t)(v >> 32)); }

/* The topology header (docs/binary-format.md "Topology header"). */
void bf_bin_decode_topo(struct bf_topology *t, struct rd *r);
void bf_bin_encode_topo(const struct bf_topology *t, struct wr *w);

/* gfp, table form (g0 | g1 << 8) or raw (prog_bin.c); table form -1: raw only */
gfp_t bf_bin_read_gfp(struct rd *r, int raw);
int bf_bin_gfp_table_form(gfp_t g);
void bf_bin_write_gfp(struct wr *w, gfp_t g, int tf);

/*
 * The escape ops (prog_bin_ext.c): the op byte 0x?f with A = 1..15 after it
 * was read.  Decode: 1 with *op filled (kind included), 0 dropped.  Encode:
 * 1 written, 0 if op is not one of them.
 */
int bf_bin_decode_ext(struct rd *r, unsigned a, struct bf_op *op, int nr_cpus, int nr_nodes);
int bf_bin_encode_ext(const struct bf_op *op, struct wr *w);

#endif /* BF_FUZZ_BIN_INTERNAL_H */
