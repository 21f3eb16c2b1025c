/*
 * diff.h - differential runs: two builds of the model (or one build with
 * different upstream fixes) run the same program op by op, and every op's
 * observable result is compared.  The first difference is a divergence of
 * kind "behaviour-diff:<what>" with both sides' values (docs in fuzz/README.md,
 * "Differential runs").
 *
 * A side is a copy of core/ + oracle/ + the executor, compiled into this
 * binary (side A, "bf_diff_side_a") or into a shared library whose every
 * symbol but its entry point is hidden (side B, "bf_diff_side_b", built by
 * scripts/diff-side from a patched core/ or another revision's), so two
 * allocators run in one process without a symbol clash.  The two sides meet
 * only through the types below, which both compile from this header.
 */
#ifndef BF_FUZZ_DIFF_H
#define BF_FUZZ_DIFF_H

#include <stdint.h>
#include <stdio.h>
#include "fuzz/prog.h"

/*
 * What is compared after each op, as one digest per channel.  X(enum, name).
 * The lists are walked only at checkpoints (every N ops and at the end).
 */
#define BF_DIFF_CHANNEL_TABLE(X)             \
	X(BF_CH_STATUS, "status")            \
	X(BF_CH_RESULT, "result")            \
	X(BF_CH_POOL, "pool")                \
	X(BF_CH_WARN, "warn")                \
	X(BF_CH_BAD_PAGE, "bad-page")        \
	X(BF_CH_EVENT, "event")              \
	X(BF_CH_COUNTER, "counter")          \
	X(BF_CH_ZONE, "zone-state")          \
	X(BF_CH_FREE_LISTS, "free-lists")    \
	X(BF_CH_PCP_LISTS, "pcp-lists")      \
	X(BF_CH_PAGES, "page-state")

enum bf_diff_channel {
#define X(e, name) e,
	BF_DIFF_CHANNEL_TABLE(X)
#undef X
	BF_DIFF_NR_CH
};
extern const char *const bf_diff_channel_names[BF_DIFF_NR_CH];

/* One op's observation (the last record, index nr_ops, is the end of the run). */
struct bf_diff_rec {
	uint64_t h[BF_DIFF_NR_CH];
	int seen;                /* the side reached this op */
};

/* What the caller asks of a side's run. */
struct bf_diff_run_opts {
	int abi;                 /* BF_DIFF_ABI: both sides compiled from this header */
	unsigned int fixes;      /* BF_FIX_* bits or-ed into the program's topology */
	int lenient;             /* binary programs (exec.h) */
	int checkpoint;          /* walk the lists every N ops (0: only at the end) */
	int describe_op;         /* >= 0: stop after this op (nr_ops: the end) and describe it */
	FILE *describe;          /* ... as text lines "<what> <where>: <value>", one section per channel */
	FILE *trace;             /* the executor's trace, with a line "@@ N" after op N */
};
#define BF_DIFF_ABI ((int)(sizeof(struct bf_diff_run_opts) * 1000 + sizeof(struct bf_prog) * 10 + BF_DIFF_NR_CH))

struct bf_diff_obs {
	struct bf_diff_rec *rec; /* caller's, nr_ops + 1 records */
	int status;              /* enum bf_exec_status */
	char msg[512];
};

/* A side's entry points.  Its state holds the run context (worlds recycled between runs). */
struct bf_diff_side_api {
	int abi;
	void *(*create)(void);
	void (*destroy)(void *st);
	int (*run)(void *st, const struct bf_prog *p, const struct bf_diff_run_opts *o, struct bf_diff_obs *out);
};
const struct bf_diff_side_api *bf_diff_side_a(void);
const struct bf_diff_side_api *bf_diff_side_b(void);

/* One side as the comparison sees it: a build and the fixes forced on in it. */
struct bf_diff_side {
	const struct bf_diff_side_api *api;
	void *st;
	void *dl;                /* dlopen handle of a loaded side */
	unsigned int fixes;
	char name[512];          /* "5.10.0", "patch FILE", "fix NAME", ... */
};
/* This binary's own core (side A's build), with fixes forced on. */
int bf_diff_side_builtin(struct bf_diff_side *s, unsigned int fixes, const char *name);
/* A side built by scripts/diff-side (a shared library); 0, or -1 with a message. */
int bf_diff_side_load(struct bf_diff_side *s, const char *so_path, const char *name, char *err, size_t len);
/* The side B this build was configured with (fuzz_diff's, bf-diff without a side option). */
int bf_diff_side_configured(struct bf_diff_side *s, char *err, size_t len);
void bf_diff_side_close(struct bf_diff_side *s);

struct bf_diff_opts {
	int lenient;
	int checkpoint;          /* default 1: every op */
};

struct bf_diff_result {
	int differ;              /* 1: a behaviour difference */
	int op;                  /* its op index (nr_ops: the end of the run) */
	int line;                /* the op's line, 0 at the end */
	char kind[96];           /* "behaviour-diff:pfn" */
	char a[256], b[256];     /* the first differing observation of each side */
	char title[640];         /* "DIVERGENCE: behaviour-diff:pfn in alloc (op 3: A ... | B ...)" */
};

/* Run p on both sides; 0 (r says whether they differ), or -1 if a side refused to run. */
int bf_diff_run(struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		const struct bf_diff_opts *o, struct bf_diff_result *r);

/*
 * The report of a difference: the DIVERGENCE line, the op, both sides, the
 * differing observations with context, the program, and the two traces side
 * by side with the first differing op marked ">>".  Re-runs both sides.
 */
void bf_diff_report(FILE *f, struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		    const struct bf_diff_opts *o, const struct bf_diff_result *r);
/* The two traces alone, side by side (the triage report's view); the differing op marked. */
void bf_diff_traces(FILE *f, struct bf_diff_side *a, struct bf_diff_side *b, const struct bf_prog *p,
		    const struct bf_diff_opts *o, int mark_op);

#endif /* BF_FUZZ_DIFF_H */
