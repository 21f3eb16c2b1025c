/*
 * minimize.c - the structure-aware minimizer (design brief §6, style.md
 * item 11): load a finding's original input, shrink the program in stages
 * (minimize_stages.c), store the result next to the original.
 *
 * How a candidate is tested.  A finding whose kind is a divergence, an
 * invariant or a bad program runs IN PROCESS with bf_exec (the oracle on, as
 * bf-replay runs), and its class is computed by feeding the text bf-replay
 * would print (bf_report_divergence, or "FILE:LINE:1: message") through the
 * same classifier ingest used (signature.c), so the signature cannot drift
 * from the stored one.  A behaviour difference (behaviour-diff:*, from
 * fuzz_diff) runs in the variant's bf-diff, so a step is kept only when the
 * same difference remains between the same two sides.  Everything else (a
 * sanitizer report, a signal, a timeout) runs in the variant that filed it, as a fork + exec of its
 * bf-replay on a temporary .bfp (run.h) -- a memory bug must not take the
 * minimizer down with it; a variant that only has a fuzz target gets the
 * candidate's exact binary encoding (a candidate the binary format cannot
 * say is not tested there, so not taken).  If the in-process result does not reproduce in the
 * finding's variant at the end, the minimization is redone in that variant.
 *
 * Invariants: a step is accepted only when the candidate parses back from its
 * own text and gives the finding's signature AND normalised title; the
 * original input is never written to (the result is a new `minimized` row);
 * the minimized program is strict text: a binary input, which bf-replay runs
 * leniently (ops on handles that hold nothing are skipped), first loses the
 * ops that were skipped, so the .bfp reproduces as it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "triage/minimize.h"
#include "triage/minimize_int.h"
#include "triage/store.h"

double bf_min_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* verify.c's rule: exit 2 with "FILE:L:C: message" on a binary input is a decoder bug, a bad program. */
/* The text bf-replay prints for this result, through the classifier. */
static void classify_inproc(const struct bf_prog *p, const struct bf_exec_result *r, struct bf_class *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int code = 0;

	if (!f) {
		bf_classify("", 2, 0, 0, c);
		return;
	}
	if (r->status == BF_EXEC_DIVERGENCE) {
		bf_report_divergence(f, p, r, NULL, NULL);
		code = 1;
	} else if (r->status != BF_EXEC_OK) {
		fprintf(f, "min.bfp:%d:1: %s\n", r->line, r->msg);
		code = (int)r->status;
	}
	fclose(f);
	bf_classify(buf, code, 0, 0, c);
	free(buf);
}

/* "cand.bfp:LINE:1: ..." in a variant's output: the line of the op bf-replay refused. */
static int bad_line_of(const char *out, const char *path)
{
	const char *p = out ? strstr(out, path) : NULL;

	return p && p[strlen(path)] == ':' ? atoi(p + strlen(path) + 1) : 0;
}

static int run_file(struct bf_min *m, const char *path, int fmt, struct bf_class *c, int *bad_line)
{
	struct bf_run_result rr;

	if (bf_run_variant(&m->var, path, fmt, m->timeout_s, &rr)) {
		if (m->log)
			fprintf(m->log, "minimize: %s: %s\n", m->var.name, rr.output ? rr.output : "cannot run");
		bf_run_result_free(&rr);
		return -1;
	}
	bf_classify(rr.output, rr.exit_code, rr.sig, rr.timed_out, c);
	if (bad_line)
		*bad_line = c->out == BF_OUT_BAD_INPUT ? bad_line_of(rr.output, path) : 0;
	bf_run_result_free(&rr);
	return 0;
}

int bf_min_run(struct bf_min *m, const struct bf_prog *p, int lenient, struct bf_class *c, int *bad_line,
	       int *fail_op)
{
	*bad_line = 0;
	*fail_op = -1;
	if (m->inproc) {
		struct bf_exec_opts xo = m->xo;
		struct bf_exec_result r;

		xo.lenient = lenient;
		bf_exec(p, &xo, &r, NULL);
		classify_inproc(p, &r, c);
		if (r.status == BF_EXEC_BAD_PROGRAM)
			*bad_line = r.line;
		if (r.status == BF_EXEC_DIVERGENCE)
			*fail_op = r.div_op;
		for (int i = 0; r.status != BF_EXEC_OK && r.status != BF_EXEC_DIVERGENCE && i < p->nr_ops; i++)
			if (p->ops[i].line == r.line)
				*fail_op = i;
	} else if (m->var.is_replay) {
		char path[4200];
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/cand.bfp", m->tmpdir);
		f = fopen(path, "w");
		if (!f)
			return -1;
		rc = bf_prog_print(p, f);
		if (fclose(f) || rc < 0)
			return -1;
		if (run_file(m, path, 't', c, bad_line))
			return -1;
	} else {
		/* a fuzz target reads bytes: the exact binary encoding, or the candidate cannot be tested */
		char path[4200];
		uint8_t *buf = malloc(1 << 20);
		size_t n = buf ? bf_prog_encode(p, buf, 1 << 20) : 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/cand", m->tmpdir);
		f = n ? fopen(path, "wb") : NULL;
		if (!f || fwrite(buf, 1, n, f) != n) {
			if (f)
				fclose(f);
			free(buf);
			return -1;
		}
		free(buf);
		if (fclose(f) || run_file(m, path, 'b', c, bad_line))
			return -1;
	}
	if (m->want_bin_bad_program)
		bf_class_binary_bad_program(c);
	return 0;
}

int bf_min_matches(const struct bf_min *m, const struct bf_class *c)
{
	return !strcmp(c->signature, m->want_sig) && !strcmp(c->title, m->want_title);
}

/* Print + parse: the candidate as the format says it (NULL text or parse error: invalid). */
static int reparse(const struct bf_prog *e, struct bf_prog *out)
{
	char err[512], *text = bf_prog_to_text(e);
	int rc;

	bf_prog_init(out);
	if (!text)
		return -1;
	rc = bf_prog_parse(out, "candidate", text, err, sizeof(err));
	free(text);
	if (rc)
		bf_prog_free(out);
	return rc;
}

int bf_min_try(struct bf_min *m, const struct bf_prog *cand)
{
	struct bf_prog p;
	struct bf_class c;
	int bad, fail;

	if (m->out_of_time || bf_min_now() > m->deadline) {
		m->out_of_time = 1;
		return 0;
	}
	m->tried++;
	m->total_tried++;
	if (reparse(cand, &p)) {
		m->invalid++;
		return 0;
	}
	if (bf_min_run(m, &p, 0, &c, &bad, &fail) || !bf_min_matches(m, &c)) {
		bf_prog_free(&p);
		return 0;
	}
	bf_prog_free(&m->cur);
	m->cur = p;
	m->fail_op = fail;
	m->accepted++;
	m->total_accepted++;
	return 1;
}

void bf_min_edit(const struct bf_prog *p, struct bf_prog *e)
{
	*e = *p;
	e->cap_ops = p->nr_ops + 1;
	e->ops = malloc(sizeof(*e->ops) * (size_t)e->cap_ops);
	if (!e->ops)
		abort();
	memcpy(e->ops, p->ops, sizeof(*e->ops) * (size_t)p->nr_ops);
}

void bf_min_edit_free(struct bf_prog *e)
{
	free(e->ops);
	e->ops = NULL;
	e->nr_ops = 0;
}

void bf_min_drop_op(struct bf_prog *e, int i)
{
	memmove(&e->ops[i], &e->ops[i + 1], sizeof(*e->ops) * (size_t)(e->nr_ops - i - 1));
	e->nr_ops--;
}

/* ---- loading, choosing how to run, the result ---- */

static int kind_runs_inproc(const char *kind)
{
	return bf_div_by_name(kind) >= 0 || !strcmp(kind, "invariant") || !strcmp(kind, "bad-program");
}

static int load_input(const struct bf_input *in, struct bf_prog *p, char *err, size_t errlen)
{
	struct bf_prog raw;
	int rc;

	bf_prog_init(&raw);
	if (!strcmp(in->format, "bin")) {
		rc = bf_prog_decode(&raw, in->bytes, in->size);
	} else {
		char *t = malloc(in->size + 1);

		if (!t)
			return -1;
		memcpy(t, in->bytes, in->size);
		t[in->size] = 0;
		rc = bf_prog_parse(&raw, "original", t, err, errlen);
		free(t);
	}
	if (!rc && (rc = reparse(&raw, p)))
		snprintf(err, errlen, "the program does not parse back from its own text");
	bf_prog_free(&raw);
	return rc;
}

/* Run the original (as ingest did) and say whether it gives the finding. */
static int original_reproduces(struct bf_min *m, const struct bf_input *in)
{
	struct bf_class c;
	int bad, fail;

	if (m->inproc) {
		if (bf_min_run(m, &m->cur, !strcmp(in->format, "bin"), &c, &bad, &fail))
			return 0;
	} else {
		char path[4200];
		FILE *f;

		snprintf(path, sizeof(path), "%s/orig%s", m->tmpdir, strcmp(in->format, "bin") ? ".bfp" : "");
		f = fopen(path, "wb");
		if (!f || (in->size && fwrite(in->bytes, 1, in->size, f) != in->size) || fclose(f))
			return 0;
		if (run_file(m, path, strcmp(in->format, "bin") ? 't' : 'b', &c, &bad))
			return 0;
		if (m->want_bin_bad_program)
			bf_class_binary_bad_program(&c);
	}
	if (m->log && !bf_min_matches(m, &c))
		fprintf(m->log, "minimize: %s gives %s\n", m->inproc ? "in process" : m->var.name, c.signature);
	return bf_min_matches(m, &c);
}

/*
 * A binary input runs leniently; the stored .bfp runs strictly.  Drop the
 * ops bf-replay would have skipped (the ones a strict run refuses), one at a
 * time, until the strict program reproduces.
 */
static int make_strict(struct bf_min *m)
{
	for (int guard = 0; guard <= m->cur.nr_ops + 1; guard++) {
		struct bf_class c;
		struct bf_prog e, p;
		int bad, fail, at = -1;

		if (bf_min_run(m, &m->cur, 0, &c, &bad, &fail))
			return -1;
		if (bf_min_matches(m, &c)) {
			m->fail_op = fail;
			return 0;
		}
		for (int i = 0; bad && i < m->cur.nr_ops; i++)
			if (m->cur.ops[i].line == bad)
				at = i;
		if (at < 0)
			return -1;
		bf_min_edit(&m->cur, &e);
		bf_min_drop_op(&e, at);
		if (reparse(&e, &p)) {
			bf_min_edit_free(&e);
			return -1;
		}
		bf_min_edit_free(&e);
		bf_prog_free(&m->cur);
		m->cur = p;
	}
	return -1;
}

/* Pick the variant: the finding's own, else the first that reproduces the original. */
static int pick_variant(struct bf_min *m, const char *build_dir, const char *want, const struct bf_input *in)
{
	struct bf_variant *v = NULL;
	int n = bf_variants_list(build_dir, &v), found = 0;

	for (int pass = 0; pass < 2 && !found; pass++)
		for (int i = 0; i < n && !found; i++) {
			if ((pass == 0) != (want && !strcmp(v[i].name, want)))
				continue;
			m->var = v[i];
			if (bf_is_diff_kind(m->want_sig))
				bf_variant_use_diff(&m->var);  /* the same difference must remain: bf-diff decides */
			found = original_reproduces(m, in);
		}
	free(v);
	return found ? 0 : -1;
}

/* Does the finding's variant (if it is built) give the signature for the final program? */
static int verify_in_variant(struct bf_min *m, const char *build_dir, const char *want, char *why, size_t n)
{
	struct bf_variant *v = NULL, save = m->var;
	int nv = bf_variants_list(build_dir, &v), rc = 1, inproc = m->inproc;

	snprintf(why, n, "variant %s not built", want && *want ? want : "?");
	for (int i = 0; i < nv; i++) {
		struct bf_class c;
		int bad, fail;

		if (!want || strcmp(v[i].name, want))
			continue;
		m->var = v[i];
		m->inproc = 0;
		if (bf_is_diff_kind(m->want_sig))
			bf_variant_use_diff(&m->var);
		if (bf_min_run(m, &m->cur, 0, &c, &bad, &fail)) {
			snprintf(why, n, "%s could not run", want);
			rc = -1;
		} else {
			rc = bf_min_matches(m, &c) ? 0 : -1;
			snprintf(why, n, "%s gives %s", want, c.signature);
		}
	}
	m->inproc = inproc;
	if (rc == -1 && !inproc)
		m->var = save;
	free(v);
	return rc;
}

static int minimize_loop(struct bf_min *m, const char *label)
{
	int n0 = m->cur.nr_ops;

	if (m->log)
		fprintf(m->log, "minimize: %s: %d ops\n", label, n0);
	while (!m->out_of_time && bf_min_stages(m) > 0)
		;
	bf_min_renumber(m);
	return n0;
}

static char *make_note(const struct bf_min *m, int ops0, size_t bytes0, int ops1, size_t bytes1, int bin,
		       double secs, const char *verified, const char *creproc)
{
	char *note = NULL;

	if (asprintf(&note, "ops %d -> %d, bytes %zu -> %zu%s; %ld candidates, %ld accepted, %.1f s%s; tested %s%s; "
			    "verified: %s; C reproducer: %s",
		     ops0, ops1, bytes0, bytes1, bin ? " (binary)" : " (text: no binary form)", m->total_tried, m->total_accepted, secs,
		     m->out_of_time ? " (time up)" : "", m->inproc ? "in process" : "in variant ",
		     m->inproc ? "" : m->var.name, verified, creproc) < 0)
		return NULL;
	return note;
}

int bf_minimize_finding_opts(struct bf_store *st, long finding_id, const struct bf_minimize_opts *o)
{
	struct bf_finding f;
	struct bf_input in;
	struct bf_min m;
	struct bf_prog orig_strict;
	char err[1024], verified[600] = "no variant to check";
	const char *build = o->build_dir ? o->build_dir : "build";
	double t0 = bf_min_now(), secs = o->seconds > 0 ? o->seconds : 60;
	int rc = -1, ops0;
	uint8_t *bin = NULL;
	size_t nbin = 0, bytes0;
	char *text = NULL, *csrc = NULL, *note = NULL;

	memset(&m, 0, sizeof(m));
	bf_prog_init(&m.cur);
	bf_prog_init(&orig_strict);
	m.log = o->log;
	m.timeout_s = o->timeout_s > 0 ? o->timeout_s : 10;
	m.deadline = t0 + secs;
	m.fail_op = -1;
	m.xo.oracle = 1;
	if (bf_store_get_finding(st, finding_id, &f)) {
		if (m.log)
			fprintf(m.log, "minimize: no finding %ld\n", finding_id);
		return -1;
	}
	if (bf_store_finding_input(st, finding_id, &in)) {
		if (m.log)
			fprintf(m.log, "minimize: finding %ld has no valid input: nothing to minimize\n", finding_id);
		bf_finding_free(&f);
		return 1;
	}
	snprintf(m.want_sig, sizeof(m.want_sig), "%s", f.signature);
	snprintf(m.want_title, sizeof(m.want_title), "%s", f.title);
	m.want_bin_bad_program = !strcmp(in.format, "bin");
	bytes0 = in.size;
	snprintf(m.tmpdir, sizeof(m.tmpdir), "%s/bf-min-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ?
		 getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(m.tmpdir)) {
		if (m.log)
			fprintf(m.log, "minimize: cannot make a temp dir: %s\n", strerror(errno));
		goto out;
	}
	if (load_input(&in, &m.cur, err, sizeof(err))) {
		if (m.log)
			fprintf(m.log, "minimize: input %ld does not load: %s\n", in.id, err);
		goto out;
	}
	ops0 = m.cur.nr_ops;
	/* in process if the kind allows, with the per-op invariant checker as the variant had it or not */
	rc = 1;
	m.inproc = o->in_process >= 0 && kind_runs_inproc(f.kind);
	if (m.inproc && !original_reproduces(&m, &in)) {
		m.xo.check_every_op = 1;
		if (!original_reproduces(&m, &in))
			m.inproc = 0;
	}
	if (!m.inproc && pick_variant(&m, build, f.variant, &in)) {
		if (m.log)
			fprintf(m.log, "minimize: finding %ld (%s) does not reproduce: nothing to minimize\n",
				finding_id, f.signature);
		goto out;
	}
	if (make_strict(&m)) {
		if (m.log)
			fprintf(m.log, "minimize: finding %ld does not reproduce as a strict text program\n", finding_id);
		goto out;
	}
	if (reparse(&m.cur, &orig_strict))
		goto out;
	minimize_loop(&m, m.inproc ? "in process" : m.var.name);
	if (m.inproc) {
		int v = verify_in_variant(&m, build, f.variant, verified, sizeof(verified));

		m.inproc = v < 0 ? 0 : 1;
		if (v < 0 && pick_variant(&m, build, f.variant, &in))
			m.inproc = 1;   /* the variant does not even reproduce the original: keep the result */
		if (!m.inproc) {
			/* the in-process result does not hold in the variant: redo it there */
			if (m.log)
				fprintf(m.log, "minimize: %s; minimizing again in %s\n", verified, m.var.name);
			bf_prog_free(&m.cur);
			m.cur = orig_strict;
			bf_prog_init(&orig_strict);
			m.fail_op = -1;
			m.out_of_time = 0;
			if (m.deadline < bf_min_now() + secs / 2)
				m.deadline = bf_min_now() + secs / 2;
			minimize_loop(&m, m.var.name);
			snprintf(verified, sizeof(verified), "every step in %s", m.var.name);
		} else if (v == 0) {
			snprintf(verified, sizeof(verified), "in %s", f.variant);
		}
	} else {
		snprintf(verified, sizeof(verified), "every step in %s", m.var.name);
	}
	text = bf_prog_to_text(&m.cur);
	bin = malloc(1 << 20);
	if (!text || !bin)
		goto fail;
	nbin = bf_prog_encode(&m.cur, bin, 1 << 20);
	{
		size_t cl = 0;
		FILE *cf = open_memstream(&csrc, &cl);

		if (!cf)
			goto fail;
		rc = bf_repro_c(&m.cur, f.title, cf);
		fclose(cf);
		if (rc) {
			free(csrc);
			csrc = NULL;
		}
	}
	note = make_note(&m, ops0, bytes0, m.cur.nr_ops, nbin ? nbin : strlen(text), nbin > 0, bf_min_now() - t0,
			 verified, csrc ? "generated" : "none (the program has ops it cannot say)");
	if (m.log)
		fprintf(m.log, "minimize: finding %ld: %s\n", finding_id, note ? note : "");
	rc = bf_store_add_minimized(st, finding_id, in.id, text, nbin ? bin : NULL, nbin, csrc, f.signature, note);
	if (rc && m.log)
		fprintf(m.log, "minimize: cannot store: %s\n", bf_store_errmsg(st));
	goto out;
fail:
	rc = -1;
out:
	if (m.tmpdir[0]) {
		char p[4200];

		snprintf(p, sizeof(p), "%s/cand.bfp", m.tmpdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/cand", m.tmpdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/orig", m.tmpdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/orig.bfp", m.tmpdir);
		unlink(p);
		rmdir(m.tmpdir);
	}
	free(text), free(bin), free(csrc), free(note);
	bf_prog_free(&m.cur);
	bf_prog_free(&orig_strict);
	bf_input_free(&in);
	bf_finding_free(&f);
	return rc;
}

int bf_minimize_finding(struct bf_store *st, long finding_id, double seconds, FILE *log)
{
	struct bf_minimize_opts o = { .seconds = seconds, .log = log };
	const char *b = getenv("BF_BUILD_DIR");

	o.build_dir = b && *b ? b : "build";
	return bf_minimize_finding_opts(st, finding_id, &o);
}
