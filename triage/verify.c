/*
 * verify.c - replaying stored inputs in every built variant: the shared
 * K-times-per-variant replay (bf_replay_all, used by ingest and the
 * minimizer too), `repro ID` and `verify`.
 *
 * Crash resistance: before each replay a replay_marks row is committed and
 * finished after it, so if bf-triage itself dies mid-batch the input it was
 * replaying is known.  Replays happen outside any write transaction (a
 * replay can take seconds); results are written afterwards in short ones.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "triage/store.h"
#include "triage/triage.h"

void bf_triage_opts_default(struct bf_triage_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->build_dir = "build";
	o->k = 3;
	o->timeout_s = 10;
	o->log = stderr;
}

/* Write bytes to a fresh temp dir as <sha1>[.bfp]; path in out.  0 ok. */
static int write_temp(const char *sha1, const uint8_t *bytes, size_t n, int fmt, char *dir, char *out, size_t outlen)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	snprintf(dir, 4096, "%s/bf-triage-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(out, outlen, "%s/%s%s", dir, sha1, fmt == 't' ? ".bfp" : "");
	f = fopen(out, "wb");
	if (!f || (n && fwrite(bytes, 1, n, f) != n) || fclose(f)) {
		if (f)
			unlink(out);
		rmdir(dir);
		return -1;
	}
	return 0;
}

int bf_replay_all(struct bf_store *st, const struct bf_triage_opts *o, const char *sha1, const uint8_t *bytes,
		  size_t n, int fmt, const char *purpose, const char *want, struct bf_replay_all *ra)
{
	char dir[4096], path[4200];
	struct bf_class *cls;
	int k = o->k > 0 ? o->k : 1;

	memset(ra, 0, sizeof(*ra));
	ra->best_variant = -1;
	ra->nv = bf_variants_list(o->build_dir, &ra->v);
	if (ra->nv < 0) {
		ra->nv = 0;
		fprintf(o->log, "bf-triage: %s: cannot read the build dir\n", o->build_dir);
		return -1;
	}
	ra->res = calloc((size_t)ra->nv + 1, sizeof(*ra->res));
	cls = calloc((size_t)ra->nv * (size_t)k + 1, sizeof(*cls));
	char **outs = calloc((size_t)ra->nv * (size_t)k + 1, sizeof(char *));

	if (!ra->res || !cls || !outs || write_temp(sha1, bytes, n, fmt, dir, path, sizeof(path))) {
		fprintf(o->log, "bf-triage: cannot prepare a replay of %s\n", sha1);
		free(cls), free(outs);
		return -1;
	}
	for (int v = 0; v < ra->nv; v++) {
		for (int i = 0; i < k; i++) {
			struct bf_run_result r;
			struct bf_class *c = &cls[v * k + i];
			long mark = st ? bf_store_mark_started(st, sha1, ra->v[v].name, purpose) : -1;

			struct bf_variant rv = ra->v[v];

			/* a fuzz_diff input (or a difference) is a question for bf-diff, not bf-replay */
			if (bf_is_diff_target(o->target) || bf_is_diff_kind(want))
				bf_variant_use_diff(&rv);
			if (bf_run_variant(&rv, path, fmt, o->timeout_s, &r)) {
				fprintf(o->log, "bf-triage: %s: %s\n", ra->v[v].name, r.output ? r.output : "cannot run");
				bf_classify("", 2, 0, 0, c);
			} else {
				bf_classify(r.output, r.exit_code, r.sig, r.timed_out, c);
			}
			if (fmt == 'b')
				bf_class_binary_bad_program(c);
			if (st)
				bf_store_mark_finished(st, mark, c->signature);
			outs[v * k + i] = r.output;   /* keep; freed below */
			r.output = NULL;
			bf_run_result_free(&r);
			if (o->verbose)
				fprintf(o->log, "  %s run %d: %s\n", ra->v[v].name, i + 1, c->signature);
			if (!want && bf_class_rank(c) > bf_class_rank(&ra->best) && bf_class_is_finding(c)) {
				ra->best = *c;
				ra->best_variant = v;
			}
		}
	}
	if (want) {
		snprintf(ra->best.signature, sizeof(ra->best.signature), "%s", want);
		for (int i = 0; i < ra->nv * k; i++)
			if (!strcmp(cls[i].signature, want) && ra->best_variant < 0)
				ra->best = cls[i], ra->best_variant = i / k;
	}
	for (int v = 0; v < ra->nv; v++) {
		struct bf_variant_result *vr = &ra->res[v];
		int pick = v * k + k - 1;

		vr->n = k;
		for (int i = 0; i < k; i++)
			if (ra->best.signature[0] && !strcmp(cls[v * k + i].signature, ra->best.signature))
				vr->k++, pick = v * k + i;
		snprintf(vr->outcome, sizeof(vr->outcome), "%s", cls[pick].signature);
		vr->output = outs[pick];
		outs[pick] = NULL;
	}
	for (int i = 0; i < ra->nv * k; i++)
		free(outs[i]);
	free(outs);
	free(cls);
	unlink(path);
	rmdir(dir);
	return 0;
}

void bf_replay_all_free(struct bf_replay_all *ra)
{
	for (int v = 0; ra->res && v < ra->nv; v++)
		free(ra->res[v].output);
	free(ra->res);
	free(ra->v);
	memset(ra, 0, sizeof(*ra));
}

static int record(struct bf_store *st, long fid, long iid, const struct bf_replay_all *ra, const char *purpose)
{
	for (int v = 0; v < ra->nv; v++)
		if (bf_store_add_repro(st, fid, iid, ra->v[v].name, ra->v[v].build_id, purpose, ra->res[v].k,
				       ra->res[v].n, ra->res[v].outcome, ra->res[v].output))
			return -1;
	return 0;
}

/* Replay finding fid's input for `purpose`, counting its own signature; prints one line per variant. */
static int replay_finding(struct bf_store *st, long fid, const struct bf_triage_opts *o, const char *purpose,
			  FILE *out, int *total_k)
{
	struct bf_finding f;
	struct bf_input in;
	struct bf_replay_all ra;
	int rc = bf_store_get_finding(st, fid, &f);

	if (rc)
		return rc;
	rc = bf_store_finding_input(st, fid, &in);
	if (rc) {
		fprintf(o->log, "bf-triage: finding %ld has no valid input\n", fid);
		bf_finding_free(&f);
		return rc < 0 ? -1 : 1;
	}
	rc = bf_replay_all(st, o, in.sha1, in.bytes, in.size, in.format[0] == 't' ? 't' : 'b', purpose,
			   f.signature, &ra);
	*total_k = 0;
	if (!rc) {
		fprintf(out, "finding %ld: %s\n", fid, f.signature);
		if (!ra.nv)
			fprintf(out, "  no built variant under %s\n", o->build_dir);
		for (int v = 0; v < ra.nv; v++) {
			fprintf(out, "  %-12s %s %d/%d%s%s\n", ra.v[v].name,
				ra.res[v].k ? "reproduced" : "not reproduced", ra.res[v].k, ra.res[v].n,
				ra.res[v].k ? "" : "  last: ", ra.res[v].k ? "" : ra.res[v].outcome);
			*total_k += ra.res[v].k;
		}
		if (bf_store_begin(st) || record(st, fid, in.id, &ra, purpose) || bf_store_commit(st)) {
			fprintf(o->log, "bf-triage: cannot record: %s\n", bf_store_errmsg(st));
			bf_store_rollback(st);
			rc = -1;
		}
		if (ra.nv == 0)
			*total_k = -1;   /* nothing ran: no conclusion */
	}
	bf_replay_all_free(&ra);
	bf_input_free(&in);
	bf_finding_free(&f);
	return rc;
}

int bf_repro(struct bf_store *st, long finding_id, const struct bf_triage_opts *o, FILE *out)
{
	int k;

	return replay_finding(st, finding_id, o, "repro", out, &k);
}

int bf_verify(struct bf_store *st, const struct bf_triage_opts *o, FILE *out)
{
	sqlite3_stmt *s;
	long *ids = NULL;
	int n = 0, rc = 0, closed = 0, reopened = 0;

	if (sqlite3_prepare_v2(bf_store_db(st), "SELECT id FROM findings WHERE status IN ('open','flaky','fixed')"
						" ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		long *ni = realloc(ids, (size_t)(n + 1) * sizeof(*ids));

		if (!ni)
			break;
		ids = ni;
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	for (int i = 0; i < n; i++) {
		struct bf_finding f;
		int k, before = 0;
		char note[256];

		if (replay_finding(st, ids[i], o, "verify", out, &k) < 0) {
			rc = -1;
			continue;
		}
		if (k < 0 || bf_store_get_finding(st, ids[i], &f))
			continue;
		/* did it ever reproduce before (else a flaky finding would be "fixed" by chance)? */
		if (sqlite3_prepare_v2(bf_store_db(st), "SELECT count(*) FROM reproductions WHERE finding_id = ?"
							" AND k > 0 AND purpose <> 'verify'", -1, &s, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(s, 1, ids[i]);
			if (sqlite3_step(s) == SQLITE_ROW)
				before = sqlite3_column_int(s, 0);
			sqlite3_finalize(s);
		}
		if (k == 0 && before) {
			snprintf(note, sizeof(note), "0 of %d in every built variant", o->k);
			if (bf_store_add_verdict(st, ids[i], "verified", 0, note, "bf-triage verify"))
				rc = -1;
			else
				closed++, fprintf(out, "  -> closed as verified (fixed)\n");
		} else if (k > 0 && !strcmp(f.status, "fixed")) {
			if (bf_store_add_verdict(st, ids[i], "reopened", 0, "marked fixed, still reproduces",
						 "bf-triage verify"))
				rc = -1;
			else
				reopened++, fprintf(out, "  -> marked fixed but reproduces: reopened\n");
		}
		bf_finding_free(&f);
	}
	fprintf(out, "verify: %d findings replayed, %d closed as verified, %d reopened\n", n, closed, reopened);
	free(ids);
	return rc;
}
