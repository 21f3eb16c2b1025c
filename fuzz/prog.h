/*
 * prog.h - a buddyfuzz program: a topology plus a list of operations and
 * expectations.  One representation serves the text format (.bfp, parsed
 * strictly here), replay, and -- with the fuzzing issue -- the binary
 * encoding and the minimizer.  Op kinds and expectation probes are closed
 * sets defined once below.
 */
#ifndef BF_FUZZ_PROG_H
#define BF_FUZZ_PROG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "core/mm.h"

/*
 * X(enum, keyword).  New kinds go at the end: the trace hash mixes the kind's
 * number, and the golden hashes (tests/trace-hashes.txt) must not move.
 */
#define BF_OP_TABLE(X)                        \
	X(BF_OP_ALLOC, "alloc")               \
	X(BF_OP_ALLOC_EXACT, "alloc_exact")   \
	X(BF_OP_FREE, "free")                 \
	X(BF_OP_GET, "get")                   \
	X(BF_OP_PUT, "put")                   \
	X(BF_OP_SPLIT, "split")               \
	X(BF_OP_DRAIN, "drain")               \
	X(BF_OP_POKE, "poke")                 \
	X(BF_OP_IRQ, "irq")                   \
	X(BF_OP_TASKFLAGS, "taskflags")       \
	X(BF_OP_SYSCTL, "sysctl")             \
	X(BF_OP_VMSTAT_REFRESH, "vmstat_refresh") \
	X(BF_OP_VMSTAT_UPDATE, "vmstat_update") \
	X(BF_OP_DUMP, "dump")                 \
	X(BF_OP_CHECK, "check")               \
	X(BF_OP_EXPECT, "expect")             \
	X(BF_OP_FILL, "fill")                 \
	X(BF_OP_FRAGMENT, "fragment")         \
	X(BF_OP_FREE_ALL, "free_all")         \
	X(BF_OP_TASK, "task")                 \
	X(BF_OP_SET_MEMPOLICY, "set_mempolicy")

enum bf_op_kind {
#define X(e, kw) e,
	BF_OP_TABLE(X)
#undef X
	BF_NR_OPS
};
extern const char *const bf_op_names[BF_NR_OPS];

/* Expectation probes: X(enum, keyword, kind of value) -- 'n' number, 's' text, 'h' handle form, 'd' dump */
#define BF_PROBE_TABLE(X)                          \
	X(BF_PR_HANDLE, "<handle>", 'h')           \
	X(BF_PR_NR_FREE, "nr_free", 'n')           \
	X(BF_PR_COUNTER, "counter", 'n')           \
	X(BF_PR_SNAPSHOT, "snapshot", 'n')         \
	X(BF_PR_EVENT, "event", 'n')               \
	X(BF_PR_NUMA, "numa", 'n')                 \
	X(BF_PR_WMARK, "wmark", 'n')               \
	X(BF_PR_BOOST, "boost", 'n')               \
	X(BF_PR_BOOSTED, "boosted", 'n')           \
	X(BF_PR_MANAGED, "managed", 'n')           \
	X(BF_PR_PRESENT, "present", 'n')           \
	X(BF_PR_SPANNED, "spanned", 'n')           \
	X(BF_PR_LOWMEM_RESERVE, "lowmem_reserve", 'n') \
	X(BF_PR_HIGHATOMIC, "highatomic", 'n')     \
	X(BF_PR_PCP, "pcp", 'n')                   \
	X(BF_PR_PCP_LIST, "pcp_list", 's')         \
	X(BF_PR_FREE_LIST, "free_list", 's')       \
	X(BF_PR_PAGEBLOCK, "pageblock", 'n')       \
	X(BF_PR_PAGE, "page", 'n')                 \
	X(BF_PR_WARN, "warn", 'n')                 \
	X(BF_PR_BAD_PAGES, "bad_pages", 'n')       \
	X(BF_PR_BAD_PAGE, "bad_page", 's')         \
	X(BF_PR_EVENT_LOG, "event_log", 'n')       \
	X(BF_PR_MIN_FREE_KBYTES, "min_free_kbytes", 'n') \
	X(BF_PR_ZONELIST, "zonelist", 's')         \
	X(BF_PR_BUDDYINFO, "buddyinfo", 'd')       \
	X(BF_PR_PAGETYPEINFO, "pagetypeinfo", 'd') \
	X(BF_PR_ZONEINFO, "zoneinfo", 'd')         \
	X(BF_PR_BAND, "band", 'n')                 \
	X(BF_PR_POOL, "pool", 'n')                 \
	X(BF_PR_ERRNO, "errno", 'n')

enum bf_probe {
#define X(e, kw, k) e,
	BF_PROBE_TABLE(X)
#undef X
	BF_NR_PROBES
};

enum bf_cmp { BF_EQ, BF_NE, BF_LT, BF_LE, BF_GT, BF_GE, BF_NR_CMPS };
extern const char *const bf_cmp_names[BF_NR_CMPS];  /* "==", "!=", ... */
int bf_probe_is_dump(enum bf_probe p);

/*
 * Watermark bands of a zone (docs/bfp-format.md, "Pressure"): F, the zone's
 * NR_FREE_PAGES as zone_page_state() reads it, against wmark_pages() (boost
 * included).  A band is named by the mark F has reached: `high` is
 * low < F <= high, ... `below-min` is F <= min/2.  X(enum, keyword); `fill`
 * targets all but the first.
 */
#define BF_BAND_TABLE(X)                      \
	X(BF_BAND_ABOVE_HIGH, "above-high")   \
	X(BF_BAND_HIGH, "high")               \
	X(BF_BAND_LOW, "low")                 \
	X(BF_BAND_MIN, "min")                 \
	X(BF_BAND_BELOW_MIN, "below-min")

enum bf_band {
#define X(e, kw) e,
	BF_BAND_TABLE(X)
#undef X
	BF_NR_BANDS
};
extern const char *const bf_band_names[BF_NR_BANDS];

/* What `fragment` frees among the pool's blocks of a zone, in pfn order. X(enum, keyword) */
#define BF_FRAG_TABLE(X)                                    \
	X(BF_FRAG_EVERY_OTHER, "every-other")               \
	X(BF_FRAG_ONE_PER_PAGEBLOCK, "one-per-pageblock")   \
	X(BF_FRAG_KEEP_ONE_PER_PAGEBLOCK, "keep-one-per-pageblock") \
	X(BF_FRAG_ALL, "all")

enum bf_frag_pattern {
#define X(e, kw) e,
	BF_FRAG_TABLE(X)
#undef X
	BF_NR_FRAGS
};
extern const char *const bf_frag_names[BF_NR_FRAGS];

#define BF_FILL_MAX_ORDERS 8      /* orders=a,b,...: used round-robin */
#define BF_FILL_MAX 4096          /* allocations of one fill, at most (max=) */

enum bf_dump_kind { BF_DUMP_BUDDYINFO, BF_DUMP_PAGETYPEINFO, BF_DUMP_ZONEINFO };

/* Fields a `poke` or `expect page` names. */
#define BF_PAGE_FIELD_TABLE(X)             \
	X(PF_REFCOUNT, "refcount")         \
	X(PF_MAPCOUNT, "mapcount")         \
	X(PF_PRIVATE, "private")           \
	X(PF_INDEX, "index")               \
	X(PF_MAPPING, "mapping")           \
	X(PF_MEMCG, "memcg")               \
	X(PF_COMPOUND_HEAD, "compound_head") \
	X(PF_COMPOUND_ORDER, "compound_order") \
	X(PF_COMPOUND_NR, "compound_nr")   \
	X(PF_COMPOUND_DTOR, "compound_dtor") \
	X(PF_COMPOUND_MAPCOUNT, "compound_mapcount") \
	X(PF_PINCOUNT, "pincount")         \
	X(PF_BUDDY, "buddy")               \
	X(PF_GUARD, "guard")               \
	X(PF_HEAD, "head")                 \
	X(PF_TAIL, "tail")                 \
	X(PF_FLAG, "PG_*")

enum bf_page_field {
#define X(e, kw) e,
	BF_PAGE_FIELD_TABLE(X)
#undef X
	BF_NR_PAGE_FIELDS
};

#define BF_NO_HANDLE (-1)

struct bf_expect {
	enum bf_probe probe;
	enum bf_cmp cmp;
	long value;               /* number, or parsed name value */
	const char *text;         /* expected text: lists, reasons, dump lines ('\n'-joined) */
	int nid, zid, order, mt, cpu, idx, item, sub;  /* probe arguments; sub: wmark index, pcp field, page field/flag */
	unsigned long pfn;        /* pageblock / page / bad_page pfn (NO_PFN if not given) */
	int has_order, has_zone, has_node, has_mt;
	/* handle form: expect H pfn=.. order=.. zone=.. node=.. | fail */
	int fail;
};

struct bf_op {
	enum bf_op_kind kind;
	int line;
	int handle;               /* index into prog->handle_names, or BF_NO_HANDLE */
	int piece;                /* H.I after split; -1 = whole */
	int cpu;                  /* -1 = all (drain) */
	int nid, zid;             /* node/zone arguments; zid -1 = all */
	unsigned int order;
	gfp_t gfp;
	unsigned long size;       /* alloc_exact bytes */
	int lru;                  /* alloc ... lru: mark PG_lru after allocation */
	int has_node;
	/* poke: up to 6 fields */
	int npoke;
	struct { int field; unsigned long value; } poke[6];
	int page;                 /* poke page=K */
	long value;               /* irq on/off, taskflags, fill band, fragment pattern */
	int sysctl;               /* enum bf_sysctl */
	int nvalues;              /* sysctl values (lowmem_reserve_ratio: MAX_NR_ZONES) */
	long values[MAX_NR_ZONES];
	/* fill: orders used round-robin, at most `max` allocations */
	int norders;
	unsigned char orders[BF_FILL_MAX_ORDERS];
	int max;
	/*
	 * task T cpu=C; alloc ... task=T (CPU cpu runs task T from this op on);
	 * set_mempolicy task=T (has_task) or the current task of CPU cpu
	 */
	int task, has_task;
	/* set_mempolicy: MPOL_* mode, MPOL_F_STATIC_NODES/RELATIVE_NODES, node bits */
	int mode;
	unsigned int mflags;
	unsigned long nodes;
	struct bf_expect expect;
};

struct bf_prog {
	struct bf_topology topo;
	struct bf_op *ops;
	int nr_ops, cap_ops;
	char **handle_names;
	int nr_handles, cap_handles;
	char **strings;           /* owned strings (expect texts) */
	int nr_strings, cap_strings;
};

void bf_prog_init(struct bf_prog *p);
void bf_prog_free(struct bf_prog *p);

/*
 * Parse a .bfp text.  0 on success; on error -1 with "file:line:col: message"
 * in err.  `name` is used in messages.
 */
int bf_prog_parse(struct bf_prog *p, const char *name, const char *text, char *err, size_t errlen);
int bf_prog_parse_file(struct bf_prog *p, const char *path, char *err, size_t errlen);

/* Print as .bfp text that parses back to the same program (fuzz/prog_print.c). */
int bf_prog_print(const struct bf_prog *p, FILE *f);
/* One op as its .bfp line (with the newline). */
void bf_prog_print_op(const struct bf_prog *p, const struct bf_op *op, FILE *f);
/* Two programs are the same program (topology and ops). */
int bf_prog_equal(const struct bf_prog *a, const struct bf_prog *b);
/*
 * The binary encoding for fuzzers (fuzz/prog_bin.c, docs/binary-format.md).
 * Decoding is total: any bytes give a valid program (0); encode returns the
 * size written, 0 if the program has no binary form or cap is too small.
 */
size_t bf_prog_encode(const struct bf_prog *p, uint8_t *buf, size_t cap);
int bf_prog_decode(struct bf_prog *p, const uint8_t *data, size_t size);
/*
 * The folding encoder (the mutator's): any program, valid or not, becomes the
 * nearest program the format can say -- ops naming a handle that is not live
 * pick a live one or are dropped, values are folded into range, expect/dump
 * ops are left out, and the ops stop at the last one that fits in cap.  0 only
 * if not even the topology fits.
 */
size_t bf_prog_encode_fold(const struct bf_prog *p, uint8_t *buf, size_t cap);
/* Empty the program for reuse, keeping its buffers (bf_prog_decode does this itself). */
void bf_prog_reset(struct bf_prog *p);
/* Same program; names = 0 compares handles by index rather than by name. */
int bf_prog_equal_ex(const struct bf_prog *a, const struct bf_prog *b, int names);
/* The program as .bfp text (malloc'd, NUL-terminated), or NULL. */
char *bf_prog_to_text(const struct bf_prog *p);

/* Limits and tables of the binary format (docs/binary-format.md). */
#define BF_BIN_MAX_OPS 256
#define BF_BIN_MAX_HANDLES 64
#define BF_BIN_MAX_PAGEBLOCKS 32      /* the whole world, so that a run stays fast */
#define BF_BIN_MAX_EXACT_SIZE (PAGE_SIZE << (MAX_ORDER - 1))
#define BF_BIN_NR_GFP_BASE 16
#define BF_BIN_NR_GFP_MOD 12
extern const gfp_t bf_bin_gfp_base[BF_BIN_NR_GFP_BASE];
extern const gfp_t bf_bin_gfp_mod[BF_BIN_NR_GFP_MOD];

/* Look-ups shared by the parser, printer and reports. */
extern const char *const bf_mpol_mode_names[MPOL_MAX];   /* set_mempolicy mode= names */
int bf_page_field_by_name(const char *s, int *flagbit);
int bf_pageflag_by_name(const char *s);  /* "PG_lru" -> bit, -1 */
const char *bf_pageflag_name(int bit);
int bf_name_index(const char *const *names, int n, const char *s);
int bf_migratetype_by_name(const char *s);
int bf_warn_by_name(const char *s);
int bf_event_by_name(const char *s);

#endif /* BF_FUZZ_PROG_H */
