/*
 * prog_bin_ext.c - the binary encoding's escape ops (docs/binary-format.md,
 * "Escape ops").  The sixteen low-nibble op codes are all taken; `check`
 * keeps only the byte 0x0f, and 0x1f..0xff -- before, dropped bytes -- name
 * further ops by their high nibble A.  A = 1..3 are the pressure ops, 4 and
 * 5 the task ops (task, set_mempolicy), the rest are reserved (dropped), so decoding stays total and every later
 * addition has room.  Like every op, each reads all its bytes first: its
 * length depends only on its own bytes.
 */
#include "fuzz/bin_internal.h"

/* X(A, kind): the high nibble of 0x?f that names each escape op */
#define BF_BIN_EXT_TABLE(X) X(1, BF_OP_FILL) X(2, BF_OP_FRAGMENT) X(3, BF_OP_FREE_ALL) \
	X(4, BF_OP_TASK) X(5, BF_OP_SET_MEMPOLICY)

static const unsigned char ext_kind[16] = {
#define X(a, kind) [a] = kind,
	BF_BIN_EXT_TABLE(X)
#undef X
};

static unsigned ext_code(enum bf_op_kind kind)
{
#define X(a, k) if (kind == k) return a;
	BF_BIN_EXT_TABLE(X)
#undef X
	return 0;
}

static int fold(unsigned v, unsigned mask, int n) { return (int)((v & mask) % (unsigned)n); }

int bf_bin_decode_ext(struct rd *r, unsigned a, struct bf_op *op, int nr_cpus, int nr_nodes)
{
	unsigned b1, b2;

	if (!ext_kind[a & 15])
		return 0;  /* reserved */
	op->kind = ext_kind[a & 15];
	b1 = u8(r);
	op->cpu = fold(b1, 7, nr_cpus);
	switch (op->kind) {
	case BF_OP_FILL: {
		unsigned orders = 0;

		b2 = u8(r);
		op->max = 1 + (int)(u16(r) % BF_FILL_MAX);
		op->norders = 1 + (int)((b2 >> 3) & 7);
		for (int i = 0; i < op->norders; i++) {
			if (i % 2 == 0)
				orders = u8(r);
			op->orders[i] = (unsigned char)(((orders >> (4 * (i % 2))) & 15) % MAX_ORDER);
		}
		op->gfp = bf_bin_read_gfp(r, b1 & 0x80);
		op->zid = (int)((b1 >> 3) & 3);
		op->value = BF_BAND_HIGH + (int)((b1 >> 5) & 3);
		op->has_node = (b2 >> 2) & 1;
		op->nid = op->has_node ? fold(b2, 3, nr_nodes) : 0;
		return 1;
	}
	case BF_OP_FRAGMENT: {
		unsigned z = ((b1 >> 3) & 7) % 5;  /* 0: every zone, else zone z-1 */

		b2 = u8(r);
		op->value = (long)((b1 >> 6) & 3);
		if (z) {
			op->zid = (int)z - 1;
			op->has_node = (b2 >> 2) & 1;
			op->nid = op->has_node ? fold(b2, 3, nr_nodes) : 0;
		}
		return 1;
	}
	case BF_OP_TASK:
		op->task = (int)((b1 >> 3) & 7);
		op->has_task = 1;
		return 1;
	case BF_OP_SET_MEMPOLICY:
		b2 = u8(r);
		op->has_task = (b1 >> 3) & 1;
		if (op->has_task) {
			op->task = (int)((b1 >> 4) & 7);
			op->cpu = 0;
		}
		op->mode = (int)((b2 & 7) % MPOL_MAX);
		op->mflags = ((b2 >> 3) & 1 ? MPOL_F_STATIC_NODES : 0) | ((b2 >> 4) & 1 ? MPOL_F_RELATIVE_NODES : 0);
		op->nodes = u8(r) & ((1u << BF_MAX_NODES) - 1);
		return 1;
	default:  /* free_all */
		return 1;
	}
}

int bf_bin_encode_ext(const struct bf_op *op, struct wr *w)
{
	unsigned a = ext_code(op->kind), cpu = (unsigned)(op->cpu < 0 ? 0 : op->cpu) & 7;
	unsigned node = (unsigned)op->nid & 3, has_node = op->has_node != 0;

	if (!a)
		return 0;
	w8(w, 0x0f | a << 4);
	switch (op->kind) {
	case BF_OP_FILL: {
		int tf = bf_bin_gfp_table_form(op->gfp);
		int n = op->norders < 1 ? 1 : op->norders > BF_FILL_MAX_ORDERS ? BF_FILL_MAX_ORDERS : op->norders;
		unsigned band = (unsigned)(op->value - BF_BAND_HIGH) & 3;

		w8(w, cpu | ((unsigned)op->zid & 3) << 3 | band << 5 | (tf < 0) << 7);
		w8(w, node | has_node << 2 | (unsigned)(n - 1) << 3);
		w16(w, (unsigned)(op->max - 1) % BF_FILL_MAX);
		for (int i = 0; i < n; i += 2)
			w8(w, (unsigned)(op->norders > i ? op->orders[i] : 0) % MAX_ORDER |
				      (unsigned)(i + 1 < n ? op->orders[i + 1] % MAX_ORDER : 0) << 4);
		bf_bin_write_gfp(w, op->gfp, tf);
		return 1;
	}
	case BF_OP_FRAGMENT: {
		unsigned z = op->zid < 0 || op->zid >= MAX_NR_ZONES ? 0u : (unsigned)op->zid + 1;

		w8(w, cpu | z << 3 | ((unsigned)op->value & 3) << 6);
		w8(w, z ? node | has_node << 2 : 0);
		return 1;
	}
	case BF_OP_TASK:
		w8(w, cpu | ((unsigned)op->task & 7) << 3);
		return 1;
	case BF_OP_SET_MEMPOLICY:
		w8(w, (op->has_task ? 0 : cpu) | (unsigned)(op->has_task != 0) << 3 | ((unsigned)op->task & 7) << 4);
		w8(w, ((unsigned)op->mode % MPOL_MAX) | (op->mflags & MPOL_F_STATIC_NODES ? 8u : 0) |
			      (op->mflags & MPOL_F_RELATIVE_NODES ? 16u : 0));
		w8(w, (unsigned)op->nodes & ((1u << BF_MAX_NODES) - 1));
		return 1;
	default:
		w8(w, cpu);
		return 1;
	}
}
