/*
 * report.c - `bf-triage report`: markdown and a static HTML site (no
 * JavaScript, no network) written from the triage store (design brief §6).
 *
 *   OUTDIR/index.md, index.html      every finding: status, kind, reliability,
 *                                    variants where it reproduces, first seen, hits;
 *                                    the campaign charts
 *   OUTDIR/finding-<id>.md, .html    one finding: the first failing op, the
 *                                    program (minimized if there is one), the C
 *                                    reproducer, the oracle-vs-world difference,
 *                                    the memory map of every zone at the divergence
 *   OUTDIR/finding-<id>-map.svg      that memory map (inlined in the HTML)
 *   OUTDIR/charts/<name>.svg          exec/s, corpus, coverage, findings over time
 *   OUTDIR/style.css
 *
 * This file loads each finding from the store (SQL over the tables
 * documented in schema.sql) and writes the files; report_md.c and
 * report_html.c format the pages, report_svg.c re-runs the program for the
 * memory map (in a child process, so a program that crashes or hangs the
 * model costs a map, not the report), report_chart.c draws the charts.
 *
 * Invariants: it only reads the store (opened read-only by the CLI) and
 * writes only under OUTDIR; the same database gives the same files byte for
 * byte (times come from the rows, never from the clock); everything taken
 * from the database is escaped for the format it lands in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "core/mm.h"
#include "oracle/oracle.h"
#include "triage/report.h"
#include "triage/report_int.h"

#define MAX_INPUTS_SHOWN 50

#ifndef BF_KNOWN_UPSTREAM_MD
#define BF_KNOWN_UPSTREAM_MD "docs/known-upstream.md"
#endif
__asm__(".pushsection .rodata\n"
	".global bf_known_upstream_md\n"
	"bf_known_upstream_md:\n"
	".incbin \"" BF_KNOWN_UPSTREAM_MD "\"\n"
	".byte 0\n"
	".popsection\n");
extern const char bf_known_upstream_md[];

const char *bf_rep_status(const char *status, const char *known)
{
	if (known && *known && status && (!strcmp(status, "open") || !strcmp(status, "flaky")))
		return "known-upstream";
	return status ? status : "";
}

int bf_rep_fix_index(const char *known)
{
	for (int i = 0; known && i < BF_NR_FIXES; i++)
		if (!strcmp(bf_fix_names[i], known))
			return i;
	return -1;
}

/* Kinds that are not divergences: what they mean, by prefix (first match wins). */
static const struct { const char *prefix, *meaning; } kind_meanings[] = {
	{ "asan:", "AddressSanitizer reported a memory error in the model" },
	{ "ubsan:", "UndefinedBehaviorSanitizer reported undefined behaviour in the model" },
	{ "msan:", "MemorySanitizer reported a use of uninitialised memory" },
	{ "tsan:", "ThreadSanitizer reported a data race" },
	{ "lsan:", "LeakSanitizer reported leaked memory" },
	{ "invariant", "the world's invariant checker or an expectation failed" },
	{ "bad-program", "the executor rejected a decoded program (a decoder bug)" },
	{ "timeout", "the run did not finish within the timeout" },
	{ "signal:", "the run died of a signal without a sanitizer report" },
	{ "noreproduce:", "no variant reproduced the artifact; filed from the fuzzer's log" },
};

void bf_rep_time(long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, n, "-");
}

const char *bf_rep_first_line(const char *s, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(s ? s : "", "\n"), s ? s : "");
	return buf;
}

static char *dup0(const unsigned char *s)
{
	return strdup(s ? (const char *)s : "");
}

static char *col(sqlite3_stmt *s, int i)
{
	return dup0(sqlite3_column_text(s, i));
}

static const char *meaning_of(const char *kind)
{
	int d = bf_div_by_name(kind);

	if (d >= 0)
		return bf_div_meanings[d];
	for (size_t i = 0; i < sizeof(kind_meanings) / sizeof(kind_meanings[0]); i++)
		if (!strncmp(kind, kind_meanings[i].prefix, strlen(kind_meanings[i].prefix)))
			return kind_meanings[i].meaning;
	return "";
}

/* A section "--- name" of a divergence report, up to the next "--- " line. */
static char *report_section(const char *rep, const char *name)
{
	char hdr[64];
	const char *p, *e;

	snprintf(hdr, sizeof(hdr), "--- %s\n", name);
	for (p = rep; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, hdr, strlen(hdr)))
			break;
	if (!p || !*p)
		return strdup("");
	p += strlen(hdr);
	for (e = p; *e; e = strchr(e, '\n') ? strchr(e, '\n') + 1 : e + strlen(e))
		if (!strncmp(e, "--- ", 4))
			break;
	return strndup(p, (size_t)(e - p));
}

static char *report_line(const char *rep, const char *prefix)
{
	char buf[512];

	for (const char *p = rep; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, prefix, strlen(prefix)))
			return strdup(bf_rep_first_line(p, buf, sizeof(buf)));
	return strdup("");
}

static int load_lists(sqlite3 *db, struct bf_rep_finding *rf)
{
	static const char *const q_repro =
		"SELECT r.variant, r.k, r.n, r.outcome, r.purpose, r.at FROM reproductions r"
		" WHERE r.finding_id = ?1 AND r.id = (SELECT max(r2.id) FROM reproductions r2"
		" WHERE r2.finding_id = ?1 AND r2.variant = r.variant) ORDER BY r.variant";
	static const char *const q_verdict =
		"SELECT verdict, of_finding, note, who, at FROM verdicts WHERE finding_id = ?1 ORDER BY id";
	static const char *const q_inputs =
		"SELECT id, sha1, artifact, target, format, size, status, (SELECT count(*) FROM inputs"
		" WHERE finding_id = ?1) FROM inputs WHERE finding_id = ?1 ORDER BY id LIMIT 50";
	sqlite3_stmt *s;
	struct strbuf { char *b; size_t n; } ok = { NULL, 0 };
	FILE *m;

	if (sqlite3_prepare_v2(db, q_repro, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, rf->f.id);
	m = open_memstream(&ok.b, &ok.n);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct bf_rep_repro *r = realloc(rf->repro, (size_t)(rf->nrepro + 1) * sizeof(*r));

		if (!r)
			break;
		rf->repro = r;
		r += rf->nrepro++;
		r->variant = col(s, 0);
		r->k = sqlite3_column_int(s, 1);
		r->n = sqlite3_column_int(s, 2);
		r->outcome = col(s, 3);
		r->purpose = col(s, 4);
		r->at = (long)sqlite3_column_int64(s, 5);
		rf->k_sum += r->k;
		rf->n_sum += r->n;
		if (r->k > 0 && m)
			fprintf(m, "%s%s %d/%d", ftell(m) ? ", " : "", r->variant, r->k, r->n);
	}
	sqlite3_finalize(s);
	if (m)
		fclose(m);
	rf->variants_ok = ok.b ? ok.b : strdup("");

	if (sqlite3_prepare_v2(db, q_verdict, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, rf->f.id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct bf_rep_verdict *v = realloc(rf->verdicts, (size_t)(rf->nverdicts + 1) * sizeof(*v));

		if (!v)
			break;
		rf->verdicts = v;
		v += rf->nverdicts++;
		v->verdict = col(s, 0);
		v->of = (long)sqlite3_column_int64(s, 1);
		v->note = col(s, 2);
		v->who = col(s, 3);
		v->at = (long)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);

	if (sqlite3_prepare_v2(db, q_inputs, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, rf->f.id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct bf_rep_input *in = realloc(rf->inputs, (size_t)(rf->ninputs + 1) * sizeof(*in));

		if (!in)
			break;
		rf->inputs = in;
		in += rf->ninputs++;
		in->id = (long)sqlite3_column_int64(s, 0);
		in->sha1 = col(s, 1);
		in->artifact = col(s, 2);
		in->target = col(s, 3);
		in->format = col(s, 4);
		in->size = (long)sqlite3_column_int64(s, 5);
		in->status = col(s, 6);
		rf->total_inputs = (long)sqlite3_column_int64(s, 7);
	}
	sqlite3_finalize(s);
	return 0;
}

/* The program to show and to re-run: the newest minimized one, else the original input. */
static int load_program(struct bf_store *st, struct bf_rep_finding *rf)
{
	sqlite3_stmt *s;
	struct bf_input in;
	int rc;

	rc = bf_store_finding_input(st, rf->f.id, &in);
	if (rc < 0)
		return -1;
	rf->orig_format = strdup(rc == 0 && in.format ? in.format : "");
	rf->orig_target = strdup(rc == 0 && in.target ? in.target : "");
	if (rc == 0) {
		rf->prog_text = in.text ? strdup(in.text) : NULL;
		rf->run_binary = in.format && !strcmp(in.format, "bin");
		if (in.bytes && in.size) {
			rf->owned_bytes = malloc(in.size);
			if (rf->owned_bytes) {
				memcpy(rf->owned_bytes, in.bytes, in.size);
				rf->run_bytes = rf->owned_bytes;
				rf->run_len = in.size;
			}
		}
		bf_input_free(&in);
	}
	if (sqlite3_prepare_v2(bf_store_db(st),
			       "SELECT text, c_source, note FROM minimized WHERE finding_id = ?1 ORDER BY id DESC LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, rf->f.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		free(rf->prog_text);
		rf->prog_text = col(s, 0);
		rf->minimized = 1;
		rf->c_source = sqlite3_column_type(s, 1) == SQLITE_NULL ? NULL : col(s, 1);
		rf->min_note = sqlite3_column_type(s, 2) == SQLITE_NULL ? NULL : col(s, 2);
		/* the minimized program runs from its text: it is valid .bfp by construction */
		rf->run_bytes = (const uint8_t *)rf->prog_text;
		rf->run_len = strlen(rf->prog_text);
		rf->run_binary = 0;
	}
	sqlite3_finalize(s);
	return 0;
}

static void finding_free(struct bf_rep_finding *rf)
{
	bf_finding_free(&rf->f);
	for (int i = 0; i < rf->nrepro; i++) {
		free(rf->repro[i].variant);
		free(rf->repro[i].outcome);
		free(rf->repro[i].purpose);
	}
	for (int i = 0; i < rf->nverdicts; i++) {
		free(rf->verdicts[i].verdict);
		free(rf->verdicts[i].note);
		free(rf->verdicts[i].who);
	}
	for (int i = 0; i < rf->ninputs; i++) {
		free(rf->inputs[i].sha1);
		free(rf->inputs[i].artifact);
		free(rf->inputs[i].target);
		free(rf->inputs[i].format);
		free(rf->inputs[i].status);
	}
	free(rf->repro);
	free(rf->verdicts);
	free(rf->inputs);
	free(rf->meaning);
	free(rf->prog_text);
	free(rf->min_note);
	free(rf->c_source);
	free(rf->orig_format);
	free(rf->orig_target);
	free(rf->owned_bytes);
	free(rf->variants_ok);
	free(rf->report_head);
	free(rf->report_op);
	free(rf->report_diff);
	free(rf->report_sides);
	free(rf->known);
	bf_rep_rerun_free(&rf->rr);
	memset(rf, 0, sizeof(*rf));
}
/* ---- files ---- */

static int mkdir_p(const char *dir, FILE *log)
{
	char p[4096];

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p)) {
		fprintf(log, "report: output path too long\n");
		return -1;
	}
	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c == '/' || !c) {
			*s = 0;
			if (mkdir(p, 0755) && errno != EEXIST) {
				fprintf(log, "report: cannot create %s: %s\n", p, strerror(errno));
				return -1;
			}
			*s = c;
		}
		if (!c)
			break;
	}
	return 0;
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t n, FILE *log)
{
	FILE *f;

	snprintf(path, n, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(log, "report: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path, int rc, FILE *log)
{
	int bad = ferror(f);

	if (fclose(f) || bad || rc) {
		fprintf(log, "report: writing %s failed\n", path);
		return -1;
	}
	return 0;
}

static int write_text(const char *dir, const char *name, const char *text, FILE *log)
{
	char path[4200];
	FILE *f = open_out(dir, name, path, sizeof(path), log);

	if (!f)
		return -1;
	fputs(text, f);
	return close_out(f, path, 0, log);
}

/* An inline <svg> element as a file of its own: the XML prolog and the namespace it needs there. */
static int write_svg(const char *dir, const char *name, const char *svg, FILE *log)
{
	char path[4200];
	FILE *f = open_out(dir, name, path, sizeof(path), log);

	if (!f)
		return -1;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	if (!strncmp(svg, "<svg ", 5)) {
		fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" ", f);
		svg += 5;
	}
	fprintf(f, "%s\n", svg);
	return close_out(f, path, 0, log);
}

static int write_finding(struct bf_store *st, long id, const char *outdir, struct bf_rep_row *row, FILE *log)
{
	struct bf_rep_finding rf;
	char name[64], path[4200];
	FILE *f;
	int rc;

	memset(&rf, 0, sizeof(rf));
	if (bf_store_get_finding(st, id, &rf.f))
		return -1;
	rf.meaning = strdup(meaning_of(rf.f.kind));
	rf.report_head = report_line(rf.f.report, "");
	rf.report_op = report_line(rf.f.report, "op: ");
	rf.report_diff = report_section(rf.f.report, "oracle vs world");
	rf.report_sides = report_section(rf.f.report, "two sides");
	{
		sqlite3_stmt *s;

		if (sqlite3_prepare_v2(bf_store_db(st), "SELECT known_upstream FROM findings WHERE id = ?", -1, &s,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_int64(s, 1, id);
			if (sqlite3_step(s) == SQLITE_ROW)
				rf.known = col(s, 0);
			sqlite3_finalize(s);
		}
		if (!rf.known)
			rf.known = strdup("");
	}
	if (load_lists(bf_store_db(st), &rf) || load_program(st, &rf)) {
		fprintf(log, "report: finding %ld: %s\n", id, sqlite3_errmsg(bf_store_db(st)));
		finding_free(&rf);
		return -1;
	}
	bf_rep_rerun(&rf, id, &rf.rr, log);

	snprintf(name, sizeof(name), "finding-%ld.md", id);
	rc = (f = open_out(outdir, name, path, sizeof(path), log)) ? close_out(f, path, bf_rep_md_finding(f, &rf), log) : -1;
	snprintf(name, sizeof(name), "finding-%ld.html", id);
	if (!rc)
		rc = (f = open_out(outdir, name, path, sizeof(path), log)) ?
			     close_out(f, path, bf_rep_html_finding(f, &rf), log) : -1;
	snprintf(name, sizeof(name), "finding-%ld-map.svg", id);
	if (!rc && *rf.rr.svg)
		rc = write_svg(outdir, name, rf.rr.svg, log);
	row->id = id;
	row->hits = rf.f.hits;
	row->first_seen = rf.f.first_seen;
	row->last_seen = rf.f.last_seen;
	row->dup_of = rf.f.dup_of;
	row->k = rf.k_sum;
	row->n = rf.n_sum;
	row->status = strdup(bf_rep_status(rf.f.status, rf.known));
	row->known = strdup(rf.known);
	row->kind = strdup(rf.f.kind);
	row->op = strdup(rf.f.op);
	row->title = strdup(rf.f.title);
	row->variants = strdup(rf.variants_ok);
	finding_free(&rf);
	return rc;
}

static int row_order(const void *a, const void *b)
{
	const struct bf_rep_row *x = a, *y = b;
	int kx = !strcmp(x->status, "known-upstream"), ky = !strcmp(y->status, "known-upstream");

	return kx != ky ? kx - ky : (x->id > y->id) - (x->id < y->id);
}

int bf_report_write(struct bf_store *st, const char *outdir, FILE *log)
{
	struct bf_report_opts o = { .outdir = outdir };

	return bf_report_write_opts(st, &o, log);
}

int bf_report_write_opts(struct bf_store *st, const struct bf_report_opts *o, FILE *log)
{
	const char *outdir = o->outdir;
	struct bf_rep_cov *cov = NULL;
	char *samples_md = NULL;
	struct bf_rep_chart charts[BF_REP_NR_CHARTS];
	struct bf_rep_row *rows = NULL;
	int nrows = 0, rc = 0;
	sqlite3_stmt *s;
	char path[4200], sub[4200];
	FILE *f;

	if (!log)
		log = stderr;
	snprintf(sub, sizeof(sub), "%s/charts", outdir);
	if (mkdir_p(outdir, log) || mkdir_p(sub, log))
		return -1;
	if (sqlite3_prepare_v2(bf_store_db(st), "SELECT id FROM findings ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		fprintf(log, "report: %s\n", sqlite3_errmsg(bf_store_db(st)));
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		long id = (long)sqlite3_column_int64(s, 0);
		struct bf_rep_row *r = realloc(rows, (size_t)(nrows + 1) * sizeof(*r));

		if (!r) {
			rc = -1;
			break;
		}
		rows = r;
		memset(&rows[nrows], 0, sizeof(rows[nrows]));
		if (write_finding(st, id, outdir, &rows[nrows], log)) {
			fprintf(log, "report: finding %ld could not be written\n", id);
			rc = -1;
		}
		if (rows[nrows].status)
			nrows++;
	}
	sqlite3_finalize(s);
	/* new findings first, then the known-upstream ones (5.10.0's own bugs), each by id */
	if (nrows > 1)   /* an empty store has no array: qsort must not see NULL */
		qsort(rows, (size_t)nrows, sizeof(*rows), row_order);
	if ((o->coverage_json || o->reach || o->coverage_html) &&
	    bf_rep_cov_load(o->coverage_json, o->reach, o->coverage_html, &cov, log))
		rc = -1;
	samples_md = bf_rep_samples_md(bf_store_db(st));

	if (bf_rep_charts(bf_store_db(st), charts))
		rc = -1;
	for (int i = 0; i < BF_REP_NR_CHARTS; i++) {
		char name[128];

		snprintf(name, sizeof(name), "charts/%s", charts[i].file);
		if (charts[i].svg && write_svg(outdir, name, charts[i].svg, log))
			rc = -1;
	}
	if (write_text(outdir, "style.css", bf_rep_css, log))
		rc = -1;
	if (write_text(outdir, "known-upstream.md", bf_known_upstream_md, log))
		rc = -1;
	if ((f = open_out(outdir, BF_REP_KNOWN_PAGE, path, sizeof(path), log))) {
		bf_rep_html_doc(f, "Places where 5.10.0 breaks its own contract", bf_known_upstream_md);
		rc |= close_out(f, path, 0, log);
	} else {
		rc = -1;
	}
	if ((f = open_out(outdir, "index.md", path, sizeof(path), log))) {
		bf_rep_md_index(f, rows, nrows, charts, samples_md ? samples_md : "", cov);
		rc |= close_out(f, path, 0, log);
	} else {
		rc = -1;
	}
	if ((f = open_out(outdir, "index.html", path, sizeof(path), log))) {
		bf_rep_html_index(f, rows, nrows, charts, cov);
		rc |= close_out(f, path, 0, log);
	} else {
		rc = -1;
	}
	for (int i = 0; i < nrows; i++) {
		free(rows[i].status);
		free(rows[i].kind);
		free(rows[i].op);
		free(rows[i].title);
		free(rows[i].variants);
		free(rows[i].known);
	}
	free(rows);
	for (int i = 0; i < BF_REP_NR_CHARTS; i++)
		free(charts[i].svg);
	free(samples_md);
	bf_rep_cov_free(cov);
	if (!rc)
		fprintf(log, "report: %d finding%s written to %s/index.html\n", nrows, nrows == 1 ? "" : "s", outdir);
	return rc ? -1 : 0;
}
