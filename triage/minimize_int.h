/*
 * minimize_int.h - the minimizer's state, shared by minimize.c (loading,
 * testing a candidate, storing), minimize_stages.c (the stages) and the unit
 * test.  Not a public boundary.
 *
 * Invariant: m->cur is always a valid program (it came out of
 * bf_prog_parse(bf_prog_print(...))) that reproduces m->want_sig with the
 * title m->want_title.  A stage never changes m->cur itself: it edits a
 * shallow copy (bf_min_edit) and offers it to bf_min_try, which re-validates
 * it, runs it, and replaces m->cur only when the same signature and title come
 * out.
 */
#ifndef BF_TRIAGE_MINIMIZE_INT_H
#define BF_TRIAGE_MINIMIZE_INT_H

#include <stdio.h>
#include "fuzz/exec.h"
#include "triage/run.h"
#include "triage/signature.h"

struct bf_min {
	/* what must reproduce: the finding's signature and normalised title */
	char want_sig[512], want_title[512];
	int want_bin_bad_program;      /* classify BAD-INPUT as bad-program, as verify.c does for binary inputs */
	/* how a candidate runs: in this process (divergences, invariants) or in a variant's bf-replay */
	int inproc;
	struct bf_exec_opts xo;        /* in-process: oracle on, strict (text programs) */
	struct bf_variant var;         /* out of process */
	char tmpdir[4096];             /* the candidate file lives here (variant mode) */
	double timeout_s;
	double deadline;               /* monotonic seconds */
	FILE *log;
	/* the smallest program so far: valid and reproducing */
	struct bf_prog cur;
	int fail_op;                   /* index in cur of the op that failed (in-process), -1 unknown */
	/* counters: of the stage running, and of the whole minimization */
	long tried, accepted, invalid;
	long total_tried, total_accepted;
	int out_of_time;
};

double bf_min_now(void);
/* Classify one run of p (lenient: as bf-replay runs binary inputs).  bad_line: the line of a
 * BAD-PROGRAM op (0 if none).  fail_op: index of the failing op (-1 unknown).  0 ok, -1 could not run. */
int bf_min_run(struct bf_min *m, const struct bf_prog *p, int lenient, struct bf_class *c, int *bad_line,
	       int *fail_op);
int bf_min_matches(const struct bf_min *m, const struct bf_class *c);
/*
 * Offer a candidate: print it, parse it back (invalid: rejected), run it;
 * accepted (1) only with the same signature and title -- then it becomes
 * m->cur.  0 rejected (or out of time).
 */
int bf_min_try(struct bf_min *m, const struct bf_prog *cand);

/* A shallow copy of p whose ops (only) are owned: free with bf_min_edit_free. */
void bf_min_edit(const struct bf_prog *p, struct bf_prog *e);
void bf_min_edit_free(struct bf_prog *e);
/* Drop the op at index i of an edit. */
void bf_min_drop_op(struct bf_prog *e, int i);
/*
 * Drop ops of an edit that can no longer apply (a free of a handle whose
 * alloc was dropped, ...), judged by a static walk of the handles that
 * assumes every alloc succeeds; ops the same walk already refuses in ref (the
 * program the edit came from, same line numbers) are kept.  Returns how many.
 */
int bf_min_repair(struct bf_prog *e, const struct bf_prog *ref);

/*
 * The stages, in order; each returns the steps it accepted.  Run until a
 * round accepts nothing or the time is up.  Renumbering comes last, once.
 */
int bf_min_stages(struct bf_min *m);
int bf_min_renumber(struct bf_min *m);

#endif /* BF_TRIAGE_MINIMIZE_INT_H */
