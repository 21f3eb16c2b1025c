/*
 * run.h - run one input in one built variant: fork + exec
 * <build>/<preset>/bf-replay [--bin|--text] FILE (or the preset's fuzz_ops
 * when it has no bf-replay) with a timeout, capturing stdout and stderr
 * together.  Sanitizer variants get reproducible *SAN_OPTIONS and, when
 * vm.mmap_rnd_bits > 28, run under `setarch $(uname -m) -R`.
 */
#ifndef BF_TRIAGE_RUN_H
#define BF_TRIAGE_RUN_H

#include <stddef.h>

struct bf_variant {
	char name[64];            /* the preset: subdir name of the build dir */
	char exe[4096];           /* bf-replay (or fuzz_ops) */
	int is_replay;            /* exe is bf-replay (takes --bin/--text) */
	int sanitizer;            /* built with -fsanitize= (from its CMakeCache.txt or its name) */
	char build_id[64];        /* "<mtime>-<size>" of exe: which build ran */
};

/*
 * The built variants: subdirs of build_dir holding an executable bf-replay
 * (or fuzz_ops), sorted by name.  Returns the count (0: none) and a malloc'd
 * array in *out (free it), -1 if build_dir cannot be read.
 */
int bf_variants_list(const char *build_dir, struct bf_variant **out);

struct bf_run_result {
	int exit_code;            /* -1 if killed by a signal */
	int sig;                  /* terminating signal, 0 if none */
	int timed_out;
	double seconds;
	char *output;             /* stdout + stderr, NUL-terminated (capped at 1 MiB) */
	size_t len;
};

/*
 * Run file in variant v; fmt 'b' binary, 't' text.  0 when the child ran
 * (whatever its verdict), -1 if it could not be started (message in
 * r->output).  Free r with bf_run_result_free.
 */
int bf_run_variant(const struct bf_variant *v, const char *file, int fmt, double timeout_s,
		   struct bf_run_result *r);
void bf_run_result_free(struct bf_run_result *r);

/*
 * A behaviour difference (kind behaviour-diff:*, target fuzz_diff) replays in
 * the variant's bf-diff (fuzz/diff.h: its configured side B), which takes
 * --text/--bin FILE as bf-replay does: v is switched to it.  0, or -1 if the
 * variant has no bf-diff (v unchanged).
 */
int bf_variant_use_diff(struct bf_variant *v);
int bf_is_diff_target(const char *target);  /* "fuzz_diff" */
int bf_is_diff_kind(const char *kind);      /* "behaviour-diff:..." (a kind or a signature) */

#endif /* BF_TRIAGE_RUN_H */
