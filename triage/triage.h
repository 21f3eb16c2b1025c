/*
 * triage.h - the bf-triage commands as library calls (ingest.c, verify.c),
 * so that tests drive them without a shell and triage_main.c stays a thin
 * argument parser.
 */
#ifndef BF_TRIAGE_TRIAGE_H
#define BF_TRIAGE_TRIAGE_H

#include <stdio.h>
#include "triage/run.h"
#include "triage/signature.h"

struct bf_store;

struct bf_triage_opts {
	const char *build_dir;    /* default "build" */
	int k;                    /* replays per variant (reliability), default 3 */
	double timeout_s;         /* per replay, default 10 */
	const char *engine;       /* ingest: force the engine of the runs read (NULL: from the files) */
	const char *variant;      /* ingest: force the fuzzing variant (NULL: from the files / path) */
	const char *target;       /* ingest: force the fuzz target (NULL: from the path, default fuzz_ops) */
	int verbose;
	FILE *log;                /* progress and per-artifact errors (stderr) */
};
void bf_triage_opts_default(struct bf_triage_opts *o);

/*
 * Replay a file K times in every variant and pick the finding's class: the
 * highest-ranked class any variant gave (signature.h); per variant, k = runs
 * whose signature equals it.  One mark per replay (crash-resistant).
 */
struct bf_variant_result {
	int k, n;
	char outcome[512];        /* signature of a run (a reproducing one if any) */
	char *output;             /* that run's output (malloc'd) */
};
struct bf_replay_all {
	int nv;
	struct bf_variant *v;
	struct bf_variant_result *res;
	struct bf_class best;     /* out == BF_OUT_OK if nothing reproduced */
	int best_variant;         /* index into v, -1 if none */
};
/* 0 ok, -1 error.  purpose: 'ingest' | 'repro' | 'verify' | 'minimize'.  want: a signature to count (NULL: pick the best). */
int bf_replay_all(struct bf_store *st, const struct bf_triage_opts *o, const char *sha1, const uint8_t *bytes,
		  size_t n, int fmt, const char *purpose, const char *want, struct bf_replay_all *ra);
void bf_replay_all_free(struct bf_replay_all *ra);

/*
 * ingest DIR...: every artifact found (libFuzzer crash-/timeout-/oom-/leak-*,
 * AFL++ crashes/ and hangs/ id:*) that is not stored yet is replayed and
 * filed, with the runs its logs describe, in ONE transaction.  Returns 0, 1
 * if some artifacts were invalid (stored as such, the rest filed), -1 on
 * error (nothing stored).
 */
int bf_ingest(struct bf_store *st, char *const *dirs, int ndirs, const struct bf_triage_opts *o);

/*
 * sample: one point of an engine's time series (the campaign's ticks), filed
 * under the run SOURCE (NULL/"": "campaign:<engine>", so a resumed campaign on
 * the same database continues its series); variant NULL: the engine's name;
 * target may be NULL.  t: unix seconds; a negative value (or eps) = not known.
 * A second sample of the same run and second replaces the first.  Its own
 * transaction unless one is open.  0 ok, -1 error.
 */
int bf_sample(struct bf_store *st, const char *engine, const char *source, const char *variant,
	      const char *target, long t, long execs, double eps, long corpus, long coverage);

/* repro ID: replay the finding's input in every variant, record and print. 0 ok, 1 no such finding, -1 error. */
int bf_repro(struct bf_store *st, long finding_id, const struct bf_triage_opts *o, FILE *out);

/*
 * verify: replay every open finding (status open / flaky / fixed) in every
 * variant; record k of K; a finding that reproduced before and now gives
 * 0 of K everywhere is closed ('verified'); a 'fixed' one
 * that reproduces again is reopened.  0 ok, -1 error.
 */
int bf_verify(struct bf_store *st, const struct bf_triage_opts *o, FILE *out);

#endif /* BF_TRIAGE_TRIAGE_H */
