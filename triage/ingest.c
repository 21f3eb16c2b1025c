/*
 * ingest.c - `bf-triage ingest DIR...`: find the artifacts fuzzers saved,
 * replay the new ones in every built variant, and file them.
 *
 * What it looks for (up to 6 levels deep, skipping AFL++ queue/ and hidden
 * dirs):
 *   libFuzzer  crash-* timeout-* oom-* leak-* artifacts; fuzz-*.log logs (run
 *              statistics, and the report printed before each
 *              "Test unit written to <artifact>" line)
 *   AFL++      crashes/id:* and hangs/id:* (README.txt skipped); the
 *              fuzzer_stats beside those dirs (run statistics) and the
 *              plot_data there (the run's time series)
 * Time series (table samples): each status line of a libFuzzer log and each
 * line of plot_data is a point of its run; re-reading a source replaces its
 * run's points (so ingesting again is idempotent).  bf_sample() adds one
 * point of the campaign's own ticks (`bf-triage sample`).
 *
 * Two phases, so the write lock is held only briefly:
 *   1. without a transaction: hash each artifact (sha1 of its bytes); skip
 *      the ones stored already; validate the rest (empty, oversized or
 *      unparsable -> stored as 'invalid'); replay each K times in every
 *      variant and classify (a new finding is filed only with its
 *      reliability measured);
 *   2. ONE transaction: upsert the runs, insert each input by sha1 with
 *      INSERT OR IGNORE -- if a concurrent ingest stored it meanwhile,
 *      nothing happens -- and file it under its finding (one per signature).
 * A killed ingest leaves no trace of phase 2; re-running it does it all.
 * BF_TRIAGE_TEST_SLEEP_MS (tests only) sleeps inside the transaction after
 * each input, so a test can kill the process mid-transaction.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fuzz/exec.h"
#include "fuzz/prog.h"
#include "triage/store.h"
#include "triage/triage.h"

#define MAX_ARTIFACT (1 << 20)   /* larger than any engine's max_len: not an input we made */

struct artifact {
	char path[PATH_MAX];
	char kind[16];            /* crash timeout oom leak afl-crash afl-hang */
	char sha1[41];
	char target[32];
	int fmt;                  /* 'b' or 't' */
	uint8_t *bytes;
	size_t size;
	char *text, *error, *report;
	const char *run_source;   /* the log / fuzzer_stats naming it, if any */
	struct bf_class cls;
	struct bf_replay_all ra;
	int known, flaky;
	const char *upstream_fix; /* a BF_FIX name that makes the divergence go away, or NULL */
};

struct sample {
	long t, execs, corpus, coverage;   /* t: unix seconds; -1: not known */
	double eps;                        /* < 0: not known */
};

struct run {
	char source[PATH_MAX];
	char engine[16], variant[64], target[32];
	long started, execs, corpus, coverage;
	double duration, eps;
	int has_duration, has_eps;
	int started_estimated;    /* from the file's mtime: a stored start wins */
	struct sample *s;         /* its time series, times relative to started (rel = 1) or absolute */
	int ns, rel;
};

static void add_sample(struct run *r, struct sample sm)
{
	struct sample *ns = realloc(r->s, (size_t)(r->ns + 1) * sizeof(*ns));

	if (!ns)
		return;
	r->s = ns;
	r->s[r->ns++] = sm;
}

struct scan {
	struct artifact *a;
	int na;
	struct run *r;
	int nr;
	char **lognames;          /* for libFuzzer logs: artifact basename -> report (parallel arrays) */
	char **logreports;
	int *logruns;             /* index into r (not a pointer: r grows while logs are read) */
	int nl;
};

static const char *const fuzz_targets[] = { "fuzz_parse", "fuzz_variants", "fuzz_threads", "fuzz_diff", "fuzz_ops" };

static void guess_target(const char *path, const struct bf_triage_opts *o, char *out, size_t n)
{
	snprintf(out, n, "%s", o->target ? o->target : "fuzz_ops");
	if (o->target)
		return;
	for (size_t i = 0; i < sizeof(fuzz_targets) / sizeof(fuzz_targets[0]); i++)
		if (strstr(path, fuzz_targets[i])) {
			snprintf(out, n, "%s", fuzz_targets[i]);
			return;
		}
}

static void guess_variant(const char *path, const struct bf_triage_opts *o, char *out, size_t n)
{
	struct bf_variant *v;
	int nv = bf_variants_list(o->build_dir, &v);

	snprintf(out, n, "%s", o->variant ? o->variant : "unknown");
	for (int i = 0; !o->variant && i < nv; i++) {
		char comp[80];

		snprintf(comp, sizeof(comp), "/%s/", v[i].name);
		if (strstr(path, comp))
			snprintf(out, n, "%s", v[i].name);
	}
	free(v);
}

static char *read_file(const char *path, size_t cap, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	*size = 0;
	if (!f)
		return NULL;
	buf = malloc(cap + 2);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, cap + 1, f);
	fclose(f);
	buf[n] = 0;
	*size = n;
	return buf;
}

static int add_artifact(struct scan *sc, const char *path, const char *kind)
{
	struct artifact *na = realloc(sc->a, (size_t)(sc->na + 1) * sizeof(*na));

	if (!na)
		return -1;
	sc->a = na;
	memset(&sc->a[sc->na], 0, sizeof(sc->a[0]));
	if (!realpath(path, sc->a[sc->na].path))
		snprintf(sc->a[sc->na].path, sizeof(sc->a[0].path), "%s", path);
	snprintf(sc->a[sc->na].kind, sizeof(sc->a[0].kind), "%s", kind);
	sc->na++;
	return 0;
}

static struct run *add_run(struct scan *sc, const char *path, const char *engine, const struct bf_triage_opts *o)
{
	struct run *nr = realloc(sc->r, (size_t)(sc->nr + 1) * sizeof(*nr)), *r;

	if (!nr)
		return NULL;
	sc->r = nr;
	r = &sc->r[sc->nr++];
	memset(r, 0, sizeof(*r));
	if (!realpath(path, r->source))
		snprintf(r->source, sizeof(r->source), "%s", path);
	snprintf(r->engine, sizeof(r->engine), "%s", o->engine ? o->engine : engine);
	guess_variant(r->source, o, r->variant, sizeof(r->variant));
	guess_target(r->source, o, r->target, sizeof(r->target));
	r->started = -1, r->execs = -1, r->corpus = -1, r->coverage = -1;
	return r;
}

/* A report line of a fuzz target, sanitizer or libFuzzer: where a crash report starts. */
static int report_start(const char *l)
{
	return !strncmp(l, "DIVERGENCE: ", 12) || !strncmp(l, "INVARIANT: ", 11) || !strncmp(l, "BAD-PROGRAM: ", 13) ||
	       strstr(l, "ERROR: AddressSanitizer") || strstr(l, "ERROR: LeakSanitizer") ||
	       strstr(l, "WARNING: MemorySanitizer") || strstr(l, "WARNING: ThreadSanitizer") ||
	       strstr(l, "runtime error:") || strstr(l, "VM_BUG_ON(") || strstr(l, "ERROR: libFuzzer");
}

static void parse_libfuzzer_log(struct scan *sc, const char *path, const struct bf_triage_opts *o)
{
	size_t n;
	char *text = read_file(path, 64 << 20, &n), *line, *save = NULL, *rep_start = NULL;
	struct run *r;
	struct stat sb;

	if (!text || !(r = add_run(sc, path, "libfuzzer", o))) {
		free(text);
		return;
	}
	long header_start = -1, elapsed = 0;

	r->rel = 1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p;
		unsigned long u;
		double d;
		long l;

		if (sscanf(line, "# started: %ld", &l) == 1 && header_start < 0) {
			header_start = l;  /* written by the campaign when it starts the process */
		} else if (line[0] == '#' && line[1] >= '0' && line[1] <= '9' && strstr(line, "cov:")) {
			struct sample sm = { -1, -1, -1, -1, -1 };

			if (sscanf(line, "#%lu", &u) == 1)
				r->execs = (long)u, sm.execs = (long)u;
			if ((p = strstr(line, "cov: ")) && sscanf(p, "cov: %lu", &u) == 1)
				sm.coverage = (long)u;
			if ((p = strstr(line, "corp: ")) && sscanf(p, "corp: %lu", &u) == 1)
				sm.corpus = (long)u;
			if ((p = strstr(line, "exec/s: ")) && sscanf(p, "exec/s: %lf", &d) == 1)
				sm.eps = d;
			/* libFuzzer's exec/s is runs / seconds since the process started */
			if (sm.eps > 0 && sm.execs > 0 && (long)(sm.execs / sm.eps) > elapsed)
				elapsed = (long)(sm.execs / sm.eps);
			sm.t = elapsed;
			add_sample(r, sm);
		}
		if (line[0] == '#' && strstr(line, "cov:")) {
			if (sscanf(line, "#%lu", &u) == 1)
				r->execs = (long)u;
			if ((p = strstr(line, "cov: ")) && sscanf(p, "cov: %lu", &u) == 1)
				r->coverage = (long)u;
			if ((p = strstr(line, "corp: ")) && sscanf(p, "corp: %lu", &u) == 1)
				r->corpus = (long)u;
			if ((p = strstr(line, "exec/s: ")) && sscanf(p, "exec/s: %lf", &d) == 1)
				r->eps = d, r->has_eps = 1;
			if ((p = strstr(line, " time: ")) && sscanf(p, " time: %lfs", &d) == 1)
				r->duration = d, r->has_duration = 1;
			rep_start = NULL;
		} else if (sscanf(line, "stat::number_of_executed_units: %lu", &u) == 1) {
			r->execs = (long)u;
		} else if (sscanf(line, "stat::average_exec_per_sec: %lf", &d) == 1) {
			r->eps = d, r->has_eps = 1;
		} else if (sscanf(line, "Done %lu runs in %lf second", &u, &d) == 2) {
			r->execs = (long)u, r->duration = d, r->has_duration = 1;
		} else if ((p = strstr(line, "Test unit written to "))) {
			const char *name = strrchr(p, '/') ? strrchr(p, '/') + 1 : p + 21;
			char **ln = realloc(sc->lognames, (size_t)(sc->nl + 1) * sizeof(char *));
			char **lr = ln ? realloc(sc->logreports, (size_t)(sc->nl + 1) * sizeof(char *)) : NULL;
			int *ls = lr ? realloc(sc->logruns, (size_t)(sc->nl + 1) * sizeof(int)) : NULL;

			if (ln)
				sc->lognames = ln;
			if (lr)
				sc->logreports = lr;
			if (!ls)
				continue;
			sc->logruns = ls;
			sc->lognames[sc->nl] = strdup(name);
			/* the report: from its first line up to here (strtok_r put NULs in between) */
			if (rep_start) {
				size_t len = (size_t)(line - rep_start);
				char *rep = malloc(len + 1);

				for (size_t i = 0; rep && i < len; i++)
					rep[i] = rep_start[i] ? rep_start[i] : '\n';
				if (rep)
					rep[len] = 0;
				sc->logreports[sc->nl] = rep;
			} else {
				sc->logreports[sc->nl] = NULL;
			}
			sc->logruns[sc->nl] = (int)(r - sc->r);
			sc->nl++;
			rep_start = NULL;
		} else if (!rep_start && report_start(line)) {
			rep_start = line;
		}
	}
	if (header_start >= 0)
		r->started = header_start;
	else if (!stat(path, &sb))
		r->started = (long)sb.st_mtime - (r->has_duration ? (long)r->duration : elapsed),
		r->started_estimated = 1;
	if (!r->has_duration && r->ns)
		r->duration = (double)elapsed, r->has_duration = 1;
	if (!r->has_eps && r->has_duration && r->duration > 0 && r->execs > 0)
		r->eps = r->execs / r->duration, r->has_eps = 1;
	free(text);
}

static void parse_afl_stats(struct scan *sc, const char *path, const struct bf_triage_opts *o)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	struct run *r;
	long last = -1;

	if (!f || !(r = add_run(sc, path, "afl", o))) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[64];
		const char *v = strchr(line, ':');
		double d;

		if (!v || sscanf(line, "%63s", key) != 1)
			continue;
		v++;
		if (!strcmp(key, "start_time"))
			r->started = strtol(v, NULL, 10);
		else if (!strcmp(key, "last_update"))
			last = strtol(v, NULL, 10);
		else if (!strcmp(key, "run_time") && sscanf(v, "%lf", &d) == 1)
			r->duration = d, r->has_duration = 1;
		else if (!strcmp(key, "execs_done"))
			r->execs = strtol(v, NULL, 10);
		else if (!strcmp(key, "execs_per_sec") && sscanf(v, "%lf", &d) == 1)
			r->eps = d, r->has_eps = 1;
		else if (!strcmp(key, "corpus_count"))
			r->corpus = strtol(v, NULL, 10);
		else if (!strcmp(key, "edges_found"))
			r->coverage = strtol(v, NULL, 10);
		else if (!strcmp(key, "command_line")) {
			const char *b = strstr(v, "build/");

			if (b && !o->variant) {
				b += 6;
				snprintf(r->variant, sizeof(r->variant), "%.*s", (int)strcspn(b, "/ \n"), b);
			}
			if (!o->target)
				guess_target(v, o, r->target, sizeof(r->target));
		}
	}
	fclose(f);
	if (!r->has_duration && r->started > 0 && last >= r->started)
		r->duration = (double)(last - r->started), r->has_duration = 1;
}

/*
 * plot_data of an AFL++ instance (beside its fuzzer_stats): a header
 * "# relative_time, cycles_done, ..., execs_per_sec, total_execs, edges_found"
 * (AFL++ 4) or "# unix_time, ..." (older), then one comma-separated line per
 * tick.  Its points belong to the instance's fuzzer_stats run.
 */
static void parse_afl_plot(struct scan *sc, const char *dir, const char *path, const struct bf_triage_opts *o)
{
	enum { C_TIME, C_CORPUS, C_EPS, C_EXECS, C_EDGES, NR_C };
	static const char *const names[NR_C][2] = {
		{ "relative_time", "unix_time" }, { "corpus_count", "paths_total" }, { "execs_per_sec", NULL },
		{ "total_execs", NULL }, { "edges_found", NULL },
	};
	int col[NR_C] = { -1, -1, -1, -1, -1 }, rel = 1;
	char line[4096], stats[PATH_MAX + 16], real[PATH_MAX];
	FILE *f = fopen(path, "r");
	struct run *r = NULL;

	if (!f)
		return;
	snprintf(stats, sizeof(stats), "%s/fuzzer_stats", realpath(dir, real) ? real : dir);
	for (int i = 0; i < sc->nr && !r; i++)
		if (!strcmp(sc->r[i].source, stats))
			r = &sc->r[i];
	if (!r && !(r = add_run(sc, stats, "afl", o))) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;
		double v[NR_C];
		int have[NR_C] = { 0 }, c = 0;

		if (line[0] == '#') {
			for (tok = strtok_r(line + 1, ", \n", &save); tok; tok = strtok_r(NULL, ", \n", &save), c++)
				for (int k = 0; k < NR_C; k++)
					for (int a = 0; a < 2; a++)
						if (names[k][a] && !strcmp(tok, names[k][a])) {
							col[k] = c;
							if (k == C_TIME)
								rel = a == 0;
						}
			continue;
		}
		if (col[C_TIME] < 0)
			col[C_TIME] = 0, rel = 0;   /* no header: classic AFL's unix_time first */
		for (tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), c++)
			for (int k = 0; k < NR_C; k++)
				if (col[k] == c) {
					v[k] = strtod(tok, NULL);
					have[k] = 1;
				}
		if (!have[C_TIME])
			continue;
		add_sample(r, (struct sample){ (long)v[C_TIME], have[C_EXECS] ? (long)v[C_EXECS] : -1,
					       have[C_CORPUS] ? (long)v[C_CORPUS] : -1,
					       have[C_EDGES] ? (long)v[C_EDGES] : -1, have[C_EPS] ? v[C_EPS] : -1 });
	}
	r->rel = rel;
	fclose(f);
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static void walk(struct scan *sc, const char *dir, int depth, const struct bf_triage_opts *o)
{
	struct dirent **ents;
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	int afl = !strcmp(base, "crashes") ? 1 : !strcmp(base, "hangs") ? 2 : 0;
	int n = scandir(dir, &ents, NULL, alphasort);  /* sorted: same order every time */
	int plot = 0;

	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		char path[PATH_MAX];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", dir, e);
		if (e[0] == '.' || stat(path, &sb))
			goto next;
		if (S_ISDIR(sb.st_mode)) {
			if (depth < 6 && strcmp(e, "queue"))
				walk(sc, path, depth + 1, o);
		} else if (!S_ISREG(sb.st_mode)) {
			goto next;
		} else if (afl && starts(e, "id:")) {
			add_artifact(sc, path, afl == 1 ? "afl-crash" : "afl-hang");
		} else if (starts(e, "crash-") || starts(e, "timeout-") || starts(e, "oom-") || starts(e, "leak-")) {
			char kind[16];

			snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(e, "-"), e);
			add_artifact(sc, path, kind);
		} else if (starts(e, "fuzz-") && strlen(e) > 4 && !strcmp(e + strlen(e) - 4, ".log")) {
			parse_libfuzzer_log(sc, path, o);
		} else if (!strcmp(e, "fuzzer_stats")) {
			parse_afl_stats(sc, path, o);
		} else if (!strcmp(e, "plot_data")) {
			plot = 1;
		}
next:
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	if (plot) {   /* after fuzzer_stats, whose start time it is relative to */
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/plot_data", dir);
		parse_afl_plot(sc, dir, path, o);
	}
}

/* Phase 1 for one artifact: read, hash, known?, validate, replay. */
/*
 * Known upstream: a program that diverges as 5.10.0 is released and not with
 * one of the upstream fixes forced on shows a bug of 5.10.0 itself
 * (docs/known-upstream.md).  In-process replays: the library is this build's.
 */
static const char *known_upstream_fix(const struct bf_prog *p0, int fmt)
{
	struct bf_exec_opts eo = { .oracle = 1, .lenient = fmt == 'b' };
	struct bf_exec_result r;
	struct bf_prog p = *p0;     /* shallow: only the topology's fix bits change */

	if (bf_exec(&p, &eo, &r, NULL) != BF_EXEC_DIVERGENCE)
		return NULL;
	for (int f = 0; f < BF_NR_FIXES; f++) {
		if (p0->topo.fixes & BF_FIX(f))
			continue;
		p.topo.fixes = p0->topo.fixes | BF_FIX(f);
		if (bf_exec(&p, &eo, &r, NULL) == BF_EXEC_OK)
			return bf_fix_names[f];
	}
	return NULL;
}

static void prepare(struct bf_store *st, struct scan *sc, struct artifact *a, const struct bf_triage_opts *o)
{
	char err[1024] = "";
	struct bf_prog p;
	sqlite3_stmt *s;
	size_t n;
	const char *base = strrchr(a->path, '/') + 1;

	a->bytes = (uint8_t *)read_file(a->path, MAX_ARTIFACT, &n);
	if (!a->bytes) {
		if (asprintf(&a->error, "cannot read: %s", strerror(errno)) < 0)
			a->error = NULL;
		a->bytes = (uint8_t *)strdup("");
		n = 0;
	}
	a->size = n;
	bf_sha1_hex(a->bytes, n, a->sha1);   /* of an oversized file: its first MAX_ARTIFACT + 1 bytes */
	if (sqlite3_prepare_v2(bf_store_db(st), "SELECT 1 FROM inputs WHERE sha1 = ?", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, a->sha1, -1, SQLITE_STATIC);
		a->known = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	for (struct artifact *b = sc->a; !a->known && b < a; b++)
		a->known = !b->known && !strcmp(b->sha1, a->sha1);   /* the same bytes twice in this scan */
	if (a->known)
		return;
	guess_target(a->path, o, a->target, sizeof(a->target));
	a->fmt = !strcmp(a->target, "fuzz_parse") || (strlen(base) > 4 && !strcmp(base + strlen(base) - 4, ".bfp"))
		 ? 't' : 'b';
	for (int i = 0; i < sc->nl; i++)
		if (!strcmp(sc->lognames[i], base)) {
			a->run_source = sc->r[sc->logruns[i]].source;
			if (sc->logreports[i] && !a->report)
				a->report = strdup(sc->logreports[i]);
		}
	if (!a->run_source && !strncmp(a->kind, "afl-", 4)) {
		char stats[PATH_MAX + 32];

		/* .../default/crashes/id:... -> .../default/fuzzer_stats */
		snprintf(stats, sizeof(stats), "%s", a->path);
		*strrchr(stats, '/') = 0;
		if (strrchr(stats, '/'))
			*strrchr(stats, '/') = 0;
		strcat(stats, "/fuzzer_stats");
		for (int i = 0; i < sc->nr; i++)
			if (!strcmp(sc->r[i].source, stats))
				a->run_source = sc->r[i].source;
	}
	if (a->error)
		return;
	if (n == 0) {
		a->error = strdup("empty artifact (0 bytes): not an input a fuzz target saved");
		return;
	}
	if (n > MAX_ARTIFACT) {
		struct stat sb;

		if (!stat(a->path, &sb))
			a->size = (size_t)sb.st_size;
		if (asprintf(&a->error, "artifact of %zu bytes, larger than %d: not an input a fuzz target saved",
			     a->size, MAX_ARTIFACT) < 0)
			a->error = NULL;
		return;
	}
	bf_prog_init(&p);
	if (a->fmt == 't') {
		if (memchr(a->bytes, 0, n) || bf_prog_parse(&p, base, (const char *)a->bytes, err, sizeof(err))) {
			a->error = strdup(err[0] ? err : "binary data where a .bfp program was expected");
			bf_prog_free(&p);
			return;
		}
	} else if (bf_prog_decode(&p, a->bytes, n)) {
		a->error = strdup("the binary decoder rejected it");
		bf_prog_free(&p);
		return;
	}
	{
		size_t tl = 0;
		FILE *m = open_memstream(&a->text, &tl);

		if (m) {
			bf_prog_print(&p, m);
			fclose(m);
		}
	}
	a->upstream_fix = known_upstream_fix(&p, a->fmt);
	bf_prog_free(&p);
	if (o->verbose)
		fprintf(o->log, "replaying %s (%s)\n", a->path, a->sha1);
	struct bf_triage_opts ro = *o;

	ro.target = a->target;  /* fuzz_diff's artifacts replay in bf-diff */
	if (bf_replay_all(st, &ro, a->sha1, a->bytes, n, a->fmt, "ingest", NULL, &a->ra)) {
		a->error = strdup("cannot replay");
		return;
	}
	a->cls = a->ra.best;
	if (a->cls.out == BF_OUT_OK) {
		/* Reproduces nowhere: file it by what the fuzzer said, or by its artifact kind. */
		a->flaky = 1;
		if (a->report)
			bf_classify_log_report(a->report, &a->cls);
		if (!a->report || !bf_class_is_finding(&a->cls)) {
			memset(&a->cls, 0, sizeof(a->cls));
			a->cls.out = BF_OUT_UNKNOWN;
			snprintf(a->cls.kind, sizeof(a->cls.kind), "noreproduce:%s", a->kind);
			snprintf(a->cls.title, sizeof(a->cls.title), "%s artifact that no variant reproduces", a->kind);
			snprintf(a->cls.signature, sizeof(a->cls.signature), "%s||", a->cls.kind);
		}
	}
}

static long lookup_id(struct bf_store *st, const char *sql, const char *key);

static int bind_sample(sqlite3_stmt *s, long run_id, const struct sample *sm)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, sm->t);
	if (sm->execs >= 0)
		sqlite3_bind_int64(s, 3, sm->execs);
	if (sm->eps >= 0)
		sqlite3_bind_double(s, 4, sm->eps);
	if (sm->corpus >= 0)
		sqlite3_bind_int64(s, 5, sm->corpus);
	if (sm->coverage >= 0)
		sqlite3_bind_int64(s, 6, sm->coverage);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

#define SAMPLE_UPSERT "INSERT INTO samples (run_id, t, execs, execs_per_s, corpus_size, coverage)" \
		      " VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(run_id, t) DO UPDATE SET execs=?3," \
		      " execs_per_s=?4, corpus_size=?5, coverage=?6"

/* The run's points, replacing what an earlier read of the same source stored. */
static int sql_samples(struct bf_store *st, const struct run *r)
{
	sqlite3 *db = bf_store_db(st);
	sqlite3_stmt *s;
	long rid = 0, start = r->started;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, started_at FROM runs WHERE source = ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, r->source, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		rid = (long)sqlite3_column_int64(s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			start = (long)sqlite3_column_int64(s, 1);   /* the stored start: stable across re-reads */
	}
	sqlite3_finalize(s);
	if (!rid || (r->rel && start < 0))
		return rid ? 0 : -1;
	if (sqlite3_prepare_v2(db, "DELETE FROM samples WHERE run_id = ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, rid);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	if (rc || sqlite3_prepare_v2(db, SAMPLE_UPSERT, -1, &s, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < r->ns && !rc; i++) {
		struct sample sm = r->s[i];

		if (r->rel)
			sm.t += start;
		rc = bind_sample(s, rid, &sm);
	}
	sqlite3_finalize(s);
	return rc;
}

int bf_sample(struct bf_store *st, const char *engine, const char *source, const char *variant,
	      const char *target, long t, long execs, double eps, long corpus, long coverage)
{
	char src[300];
	struct sample sm = { t, execs, corpus, coverage, eps };
	sqlite3_stmt *s;
	long rid = 0;
	int rc = -1, own = sqlite3_get_autocommit(bf_store_db(st));

	snprintf(src, sizeof(src), "%s", source && *source ? source : "");
	if (!*src)
		snprintf(src, sizeof(src), "campaign:%s", engine);
	if (own && bf_store_begin(st))
		return -1;
	/* the run: created by its first sample, its totals those of its newest sample */
	if (sqlite3_prepare_v2(bf_store_db(st),
			       "INSERT INTO runs (source, engine, variant, target, started_at, duration_s, execs,"
			       " execs_per_s, corpus_size, coverage, ingested_at) VALUES (?1,?2,?3,?4,?5,0,?6,?7,?8,?9,?5)"
			       " ON CONFLICT(source) DO UPDATE SET started_at = min(coalesce(started_at, ?5), ?5),"
			       " duration_s = max(?5, ingested_at) - min(coalesce(started_at, ?5), ?5),"
			       " execs = CASE WHEN ?5 >= ingested_at THEN coalesce(?6, execs) ELSE execs END,"
			       " execs_per_s = CASE WHEN ?5 >= ingested_at THEN coalesce(?7, execs_per_s) ELSE execs_per_s END,"
			       " corpus_size = CASE WHEN ?5 >= ingested_at THEN coalesce(?8, corpus_size) ELSE corpus_size END,"
			       " coverage = CASE WHEN ?5 >= ingested_at THEN coalesce(?9, coverage) ELSE coverage END,"
			       " ingested_at = max(ingested_at, ?5)", -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, engine, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, variant && *variant ? variant : engine, -1, SQLITE_STATIC);
	if (target && *target)
		sqlite3_bind_text(s, 4, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, t);
	if (execs >= 0)
		sqlite3_bind_int64(s, 6, execs);
	if (eps >= 0)
		sqlite3_bind_double(s, 7, eps);
	if (corpus >= 0)
		sqlite3_bind_int64(s, 8, corpus);
	if (coverage >= 0)
		sqlite3_bind_int64(s, 9, coverage);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	if (rc)
		goto out;
	rid = lookup_id(st, "SELECT id FROM runs WHERE source = ?", src);
	rc = -1;
	if (!rid || sqlite3_prepare_v2(bf_store_db(st), SAMPLE_UPSERT, -1, &s, NULL) != SQLITE_OK)
		goto out;
	rc = bind_sample(s, rid, &sm);
	sqlite3_finalize(s);
out:
	if (own) {
		if (!rc && bf_store_commit(st))
			rc = -1;
		if (rc)
			bf_store_rollback(st);
	}
	return rc;
}

static int sql_run(struct bf_store *st, const struct run *r, long now)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(bf_store_db(st),
			       "INSERT INTO runs (source, engine, variant, target, started_at, duration_s, execs,"
			       " execs_per_s, corpus_size, coverage, ingested_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
			       " ON CONFLICT(source) DO UPDATE SET engine=?2, variant=?3, target=?4,"
			       " started_at=CASE WHEN ?12 AND started_at IS NOT NULL THEN started_at ELSE ?5 END,"
			       " duration_s=?6, execs=?7, execs_per_s=?8, corpus_size=?9, coverage=?10, ingested_at=?11"
			       " WHERE engine IS NOT ?2 OR variant IS NOT ?3 OR target IS NOT ?4"
			       " OR (started_at IS NOT ?5 AND NOT (?12 AND started_at IS NOT NULL))"
			       " OR duration_s IS NOT ?6 OR execs IS NOT ?7 OR execs_per_s IS NOT ?8"
			       " OR corpus_size IS NOT ?9 OR coverage IS NOT ?10", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->engine, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->variant, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->target, -1, SQLITE_STATIC);
#define OPT_LONG(i, v) ((v) >= 0 ? sqlite3_bind_int64(s, i, v) : sqlite3_bind_null(s, i))
	OPT_LONG(5, r->started);
	if (r->has_duration)
		sqlite3_bind_double(s, 6, r->duration);
	OPT_LONG(7, r->execs);
	if (r->has_eps)
		sqlite3_bind_double(s, 8, r->eps);
	OPT_LONG(9, r->corpus);
	OPT_LONG(10, r->coverage);
#undef OPT_LONG
	sqlite3_bind_int64(s, 11, now);
	sqlite3_bind_int(s, 12, r->started_estimated);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	return r->ns ? sql_samples(st, r) : 0;
}

static long lookup_id(struct bf_store *st, const char *sql, const char *key)
{
	sqlite3_stmt *s;
	long id = 0;

	if (!key || sqlite3_prepare_v2(bf_store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

/* Phase 2 for one artifact.  1 if filed, 0 if a concurrent ingest had it, -1 on error. */
static int file_artifact(struct bf_store *st, const struct artifact *a, long now, long *fid_out)
{
	sqlite3 *db = bf_store_db(st);
	sqlite3_stmt *s;
	long iid, fid = 0, rid = lookup_id(st, "SELECT id FROM runs WHERE source = ?", a->run_source);
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO inputs (sha1, run_id, artifact, source_path, target, format,"
				   " size, bytes, text, fuzz_report, status, error, ingested_at)"
				   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, a->sha1, -1, SQLITE_STATIC);
	if (rid)
		sqlite3_bind_int64(s, 2, rid);
	sqlite3_bind_text(s, 3, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->target[0] ? a->target : "fuzz_ops", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, a->fmt == 't' ? "text" : "bin", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)a->size);
	if (a->size <= MAX_ARTIFACT)
		sqlite3_bind_blob(s, 8, a->bytes, (int)a->size, SQLITE_STATIC);
	if (a->text && !a->error)
		sqlite3_bind_text(s, 9, a->text, -1, SQLITE_STATIC);
	if (a->report)
		sqlite3_bind_text(s, 10, a->report, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, a->error ? "invalid" : "ok", -1, SQLITE_STATIC);
	if (a->error)
		sqlite3_bind_text(s, 12, a->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 13, now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;                       /* stored meanwhile by another ingest */
	iid = (long)sqlite3_last_insert_rowid(db);
	if (a->error)
		return 1;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO findings (signature, kind, op, frames, title, report, variant,"
				   " first_seen, last_seen, hits, status, known_upstream) VALUES (?,?,?,?,?,?,?,?,?,0,?,?)",
			       -1, &s, NULL))
		return -1;
	{
		char frames[400] = "";
		int bv = a->ra.best_variant;

		for (int i = 0; i < a->cls.nframes; i++)
			snprintf(frames + strlen(frames), sizeof(frames) - strlen(frames), "%s%s", i ? ";" : "",
				 a->cls.frames[i]);
		sqlite3_bind_text(s, 1, a->cls.signature, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, a->cls.kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, a->cls.op, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, frames, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 5, a->cls.title, -1, SQLITE_STATIC);
		if (bv >= 0 && a->ra.res[bv].output)
			sqlite3_bind_text(s, 6, a->ra.res[bv].output, -1, SQLITE_STATIC);
		else if (a->report)
			sqlite3_bind_text(s, 6, a->report, -1, SQLITE_STATIC);
		if (bv >= 0)
			sqlite3_bind_text(s, 7, a->ra.v[bv].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 8, now);
		sqlite3_bind_int64(s, 9, now);
		sqlite3_bind_text(s, 10, a->flaky ? "flaky" : "open", -1, SQLITE_STATIC);
		if (a->upstream_fix && !a->flaky)
			sqlite3_bind_text(s, 11, a->upstream_fix, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	fid = lookup_id(st, "SELECT id FROM findings WHERE signature = ?", a->cls.signature);
	if (sqlite3_prepare_v2(db, "UPDATE findings SET hits = hits + 1, last_seen = max(last_seen, ?) WHERE id = ?",
			       -1, &s, NULL))
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, fid);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(db, "UPDATE inputs SET finding_id = ? WHERE id = ?", -1, &s, NULL))
		return -1;
	sqlite3_bind_int64(s, 1, fid);
	sqlite3_bind_int64(s, 2, iid);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	for (int v = 0; v < a->ra.nv; v++)
		if (bf_store_add_repro(st, fid, iid, a->ra.v[v].name, a->ra.v[v].build_id, "ingest", a->ra.res[v].k,
				       a->ra.res[v].n, a->ra.res[v].outcome, a->ra.res[v].output))
			return -1;
	*fid_out = fid;
	return 1;
}

static void scan_free(struct scan *sc)
{
	for (int i = 0; i < sc->na; i++) {
		free(sc->a[i].bytes), free(sc->a[i].text), free(sc->a[i].error), free(sc->a[i].report);
		bf_replay_all_free(&sc->a[i].ra);
	}
	for (int i = 0; i < sc->nl; i++)
		free(sc->lognames[i]), free(sc->logreports[i]);
	for (int i = 0; i < sc->nr; i++)
		free(sc->r[i].s);
	free(sc->a), free(sc->r), free(sc->lognames), free(sc->logreports), free(sc->logruns);
}

int bf_ingest(struct bf_store *st, char *const *dirs, int ndirs, const struct bf_triage_opts *o)
{
	struct scan sc = { 0 };
	long now = (long)time(NULL), sleep_ms = getenv("BF_TRIAGE_TEST_SLEEP_MS") ?
						  atol(getenv("BF_TRIAGE_TEST_SLEEP_MS")) : 0;
	int filed = 0, known = 0, invalid = 0, raced = 0, rc = 0;

	for (int i = 0; i < ndirs; i++) {
		struct stat sb;

		if (stat(dirs[i], &sb) || !S_ISDIR(sb.st_mode)) {
			fprintf(o->log, "bf-triage: %s: not a directory\n", dirs[i]);
			return -1;
		}
	}
	for (int i = 0; i < ndirs; i++)
		walk(&sc, dirs[i], 0, o);
	for (int i = 0; i < sc.na; i++)
		prepare(st, &sc, &sc.a[i], o);
	if (bf_store_begin(st))
		goto fail;
	for (int i = 0; i < sc.nr; i++)
		if (sql_run(st, &sc.r[i], now))
			goto fail;
	for (int i = 0; i < sc.na; i++) {
		struct artifact *a = &sc.a[i];
		long fid = 0;
		int r;

		if (a->known) {
			known++;
			continue;
		}
		r = file_artifact(st, a, now, &fid);
		if (r < 0)
			goto fail;
		if (r == 0) {
			raced++;
		} else if (a->error) {
			invalid++;
			fprintf(o->log, "bf-triage: %s: invalid input: %s\n", a->path, a->error);
		} else {
			filed++;
			if (o->verbose)
				fprintf(o->log, "%s -> finding %ld %s\n", a->path, fid, a->cls.signature);
		}
		if (sleep_ms)
			usleep((useconds_t)sleep_ms * 1000);
	}
	if (bf_store_commit(st))
		goto fail;
	fprintf(o->log, "ingest: %d artifacts: %d filed, %d already stored, %d invalid%s; %d runs\n", sc.na, filed,
		known + raced, invalid, raced ? " (some stored by a concurrent ingest)" : "", sc.nr);
	rc = invalid ? 1 : 0;
	scan_free(&sc);
	return rc;
fail:
	fprintf(o->log, "bf-triage: ingest failed, nothing stored: %s\n", bf_store_errmsg(st));
	bf_store_rollback(st);
	scan_free(&sc);
	return -1;
}
