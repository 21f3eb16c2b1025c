/*
 * signature.h - what a replay's output means: its class (ok, divergence,
 * sanitizer report, ...), the crash kind, the op it fired in, the top frames
 * inside core/, a normalised title and the signature findings are keyed by:
 *
 *     <kind>|<op>|<frame1>;<frame2>;<frame3>
 *
 * kind: a divergence kind (oracle.h BF_DIV_TABLE), a sanitizer crash kind
 * from the closed table in signature.c ("asan:heap-use-after-free"), or
 * "invariant", "bad-program", "timeout", "signal:SIGSEGV".  Frames: function
 * names of the innermost three frames whose file lies in core/ (frames of the
 * harness, libc and the sanitizer runtimes dropped).  Numbers that vary
 * between inputs of one bug (pfns, counts, op indices, addresses, compiler
 * clone suffixes) are normalised away by a table of rules.
 */
#ifndef BF_TRIAGE_SIGNATURE_H
#define BF_TRIAGE_SIGNATURE_H

#include <stddef.h>

enum bf_outcome {
	BF_OUT_OK,             /* exit 0: nothing found */
	BF_OUT_TIMEOUT,        /* killed after the timeout */
	BF_OUT_SIGNAL,         /* a deadly signal with no sanitizer report */
	BF_OUT_BAD_PROGRAM,    /* the executor rejected a decoded program (a decoder bug) */
	BF_OUT_INVARIANT,      /* the world's invariant checker or an expectation failed */
	BF_OUT_DIVERGENCE,     /* the oracle disagreed */
	BF_OUT_SANITIZER,      /* an ASan/UBSan/MSan/TSan/LSan report */
	BF_OUT_BAD_INPUT,      /* the replayer could not read the input (not a finding) */
	BF_OUT_UNKNOWN,        /* non-zero exit with nothing recognisable */
};

struct bf_class {
	enum bf_outcome out;
	char kind[96];
	char op[32];
	int nframes;
	char frames[3][128];
	char title[512];       /* normalised; line 1 the violated check, line 2 "at f1 < f2 < f3" */
	char signature[512];
};

/* A closed, sorted table of sanitizer crash kinds (for tests and --help). */
extern const char *const bf_crash_kinds[];
extern const int bf_nr_crash_kinds;

/*
 * Classify a run: its combined stdout+stderr, exit code (-1 if signalled),
 * terminating signal (0 if none) and whether it timed out.
 */
void bf_classify(const char *output, int exit_code, int sig, int timed_out, struct bf_class *c);

/*
 * For a binary input: exit 2 with "FILE:L:C: message" means the executor
 * rejected a program the (total) decoder produced -- a decoder bug, so a
 * finding: re-class such bad input as bad-program.  A usage error or
 * "cannot open" stays bad input.
 */
void bf_class_binary_bad_program(struct bf_class *c);

/* The class is a finding (not ok, not bad input). */
int bf_class_is_finding(const struct bf_class *c);
/* Preference when variants disagree: a sanitizer report beats a divergence, ... (higher wins). */
int bf_class_rank(const struct bf_class *c);

/* Apply the normalisation table to one line of text. */
void bf_normalise(const char *in, char *out, size_t outlen);

/* Every normalisation rule compiles and says why it exists (a unit test). */
int bf_norm_rules_ok(void);

/* Classify a fuzzer's own report (from its log), e.g. when no variant reproduces. */
void bf_classify_log_report(const char *report, struct bf_class *c);

#endif /* BF_TRIAGE_SIGNATURE_H */
