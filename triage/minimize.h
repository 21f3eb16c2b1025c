/*
 * minimize.h - the structure-aware minimizer's entry point (design brief §6),
 * implemented in triage/minimize.c by the minimizer.
 *
 * bf_minimize_finding() loads the finding's signature and original input
 * through store.h (bf_store_get_finding, bf_store_finding_input), shrinks the
 * program in stages (ddmin over ops, drop alloc/free pairs, lower orders,
 * strip gfp bits, cpu/node/task to 0, shrink topology), accepting a step only
 * when the same signature reproduces (run.h: bf_run_variant + signature.h:
 * bf_classify), re-validates the result, and stores the minimized program
 * (text .bfp and binary) and a standalone C reproducer with
 * bf_store_add_minimized().  The original input is never changed.
 *
 * seconds: the time budget (<= 0: a default).  log: progress lines, may be NULL.
 * Returns 0 on success, 1 if the finding does not reproduce (nothing stored),
 * -1 on error (a message on log / stderr).
 */
#ifndef BF_TRIAGE_MINIMIZE_H
#define BF_TRIAGE_MINIMIZE_H

#include <stdio.h>

struct bf_store;

int bf_minimize_finding(struct bf_store *st, long finding_id, double seconds, FILE *log);

/*
 * The same with every knob (bf_minimize_finding: the build dir is $BF_BUILD_DIR
 * or "build").  build_dir: where the variants live (build/<preset>/bf-replay):
 * sanitizer findings are tested there, and an in-process result is verified
 * in the finding's variant.  in_process: 0 where the finding's kind allows
 * (divergence, invariant, bad-program), -1 never.  timeout_s: per variant run.
 */
struct bf_minimize_opts {
	const char *build_dir;
	double seconds;
	double timeout_s;
	int in_process;
	FILE *log;
};
int bf_minimize_finding_opts(struct bf_store *st, long finding_id, const struct bf_minimize_opts *o);

/*
 * repro_c.c: write a standalone C file that replays p against the library
 * (core/mm.h world calls, the oracle around each, as fuzz/exec.c does) and
 * exits 1 printing "DIVERGENCE: <kind> in <op> (...)" at the same op, 0 if
 * nothing diverges.  Its header comment holds the title, the .bfp program and
 * the build command.  0 ok, -1 if p cannot be said in C (never for a program
 * that parsed).
 */
struct bf_prog;
int bf_repro_c(const struct bf_prog *p, const char *title, FILE *f);

#endif /* BF_TRIAGE_MINIMIZE_H */
