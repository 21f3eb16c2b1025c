/*
 * exec.h - the executor: build a world from a program's topology and run its
 * operations one by one, holding expectations against the world.  It never
 * exits or aborts: a failed expectation or a program that asks for something
 * impossible (a free of a handle that holds nothing) ends the run with a
 * status and a message.
 */
#ifndef BF_FUZZ_EXEC_H
#define BF_FUZZ_EXEC_H

#include <stdio.h>
#include "fuzz/prog.h"
#include "oracle/oracle.h"

enum bf_exec_status {
	BF_EXEC_OK = 0,
	BF_EXEC_EXPECT_FAILED = 1,   /* an expectation or the invariant checker failed */
	BF_EXEC_BAD_PROGRAM = 2,     /* the program cannot run (bad topology, dead handle, ...) */
	BF_EXEC_DIVERGENCE = 3,      /* the oracle disagrees with the world (see div) */
};

/*
 * The world calls of a run, in order, as the oracle is told of them (the op
 * each came from beside it, for the arguments the oracle does not need:
 * sysctl values, which vmstat op).  bench/bf_fuzz_bench replays them on a
 * restored world to time the allocator without oracle and executor.
 */
struct bf_call {
	struct bf_oracle_op oop;
	const struct bf_op *op;
};
struct bf_call_log {
	struct bf_call *call;
	int n, cap;
};

/*
 * What an op did, for an observer (fuzz/diff_side.c compares two builds op by
 * op): the state of the handle it touched after it (kind is exec_internal.h's
 * enum bf_hkind; -1 if it names none), and for fill/fragment/free_all the
 * unnamed blocks the run holds.
 */
struct bf_exec_step {
	int op_index;
	const struct bf_op *op;
	const struct world *w;
	int failed;             /* the op ended the run (status set) */
	int skipped;            /* lenient: the op could not apply and was skipped */
	int hkind, refs;
	unsigned long pfn;
	unsigned int order;
	int pool_n;
	unsigned long pool_hash;
};

struct bf_exec_opts {
	FILE *trace;            /* print each op and its result here (NULL: quiet) */
	FILE *dump_out;         /* where `dump` ops print (NULL: stdout) */
	int check_every_op;     /* run the world's invariant checker after every op */
	int oracle;             /* check every op against the bitmap oracle */
	int lenient;            /* binary programs: an op on a handle that holds nothing is skipped */
	int drain_every_op;     /* drain every CPU's pcp lists after each op (fuzz_variants) */
	int world_check;        /* lenient programs: `check` ops run the world's own checker too */
	struct bf_call_log *log; /* if not NULL: every world call is appended */
	/*
	 * if not NULL: the path of each op through 5.10 (core/explain.h) is
	 * printed here, of every op (explain_op 0) or of the op numbered
	 * explain_op only (its line in a text program, index + 1 in a binary one)
	 */
	FILE *explain;
	int explain_op;
	/* if not NULL: called after every op (skipped or failed ones too); non-zero stops the run */
	int (*after_op)(void *arg, const struct bf_exec_step *s);
	void *after_op_arg;
};

struct bf_exec_result {
	enum bf_exec_status status;
	int line;               /* line of the failing op, 0 if none */
	/*
	 * FNV-1a over every op (its kind and the state of the handle it touched:
	 * what an allocation returned, what a free left), then the status and the
	 * final world: free blocks, counters, pcp counts, events, WARN/bad_page
	 * records.  Same program, same topology: same hash in every build.
	 */
	unsigned long trace_hash;
	int ops_run;
	int ops_skipped;        /* lenient mode */
	int div_op;             /* index of the op the oracle stopped at (status DIVERGENCE) */
	struct bf_divergence div;
	char msg[2048];
};

struct world;
/*
 * Run a program.  If keep is not NULL the world is handed back (the caller
 * destroys it), e.g. for printing dumps after a failure.
 */
enum bf_exec_status bf_exec(const struct bf_prog *p, const struct bf_exec_opts *o,
			    struct bf_exec_result *r, struct world **keep);

/*
 * The same, keeping the oracle too (for the divergence report); either keep
 * pointer may be NULL.  The caller destroys what it kept.
 */
enum bf_exec_status bf_exec_keep(const struct bf_prog *p, const struct bf_exec_opts *o,
				 struct bf_exec_result *r, struct world **keep,
				 struct bf_oracle **keep_oracle);

/*
 * A reusable run context for fuzz loops.  It keeps a booted world and its
 * snapshot for each of the last few topologies it ran (small worlds only), so
 * a run restores the snapshot -- in time proportional to what the previous
 * run with that topology changed -- instead of booting; bigger worlds are
 * booted in recycled memory (world_recreate).  The oracle and the handle
 * table are recycled too, so a run allocates nothing once the buffers have
 * grown.  After a run the world and oracle stay readable (for a report)
 * until the next run.
 */
struct bf_exec_ctx;
struct bf_exec_ctx *bf_exec_ctx_new(void);
void bf_exec_ctx_free(struct bf_exec_ctx *c);
enum bf_exec_status bf_exec_ctx_run(struct bf_exec_ctx *c, const struct bf_prog *p, const struct bf_exec_opts *o,
				    struct bf_exec_result *r);
/*
 * Boot a topology's world and take its snapshot now, so that the first run
 * with that topology only restores it (a fuzzer's start-up, before an AFL++
 * fork server forks).  0, or -1 on an invalid topology or no memory.
 */
int bf_exec_ctx_warm(struct bf_exec_ctx *c, const struct bf_topology *t);
/*
 * The snapshot's promise, for tests and fuzz_variants: restore the last
 * run's world from its snapshot as the next run would, and compare it byte
 * for byte with the snapshot (a write the dirty marks missed) and with a
 * fresh boot of its topology.  0: identical, or the world is not a cached
 * one; 1: the first difference in why.
 */
int bf_exec_ctx_verify_restore(struct bf_exec_ctx *c, char *why, size_t len);
const struct world *bf_exec_ctx_world(const struct bf_exec_ctx *c);
struct bf_oracle *bf_exec_ctx_oracle(const struct bf_exec_ctx *c);

/*
 * The divergence report: first line "DIVERGENCE: <kind> in <op> (<detail>)",
 * then the op index, the program as text, the oracle-vs-world difference and
 * the /proc dumps.  No addresses or timings: same input, same report.
 */
void bf_report_divergence(FILE *f, const struct bf_prog *p, const struct bf_exec_result *r,
			  const struct world *w, struct bf_oracle *o);

#endif /* BF_FUZZ_EXEC_H */
