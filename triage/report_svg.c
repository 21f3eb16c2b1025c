/*
 * report_svg.c - the memory map of `bf-triage report`: a finding's world
 * drawn as SVG, where its program stops.
 *
 * Memory map: the finding's program (minimized if there is one, else the
 * original: binary -> bf_prog_decode, lenient as fuzz_ops runs it; text ->
 * bf_prog_parse) is re-run with the oracle by bf_exec_keep, which keeps the
 * world where the run stopped: at the divergence, at the failed check, or --
 * for sanitizer findings, which today's uninstrumented process does not see
 * -- at the end of the run.  Each zone is drawn as rows of cells (a row is a
 * pageblock while that keeps a zone at <= 4096 cells; a cell aggregates a
 * power of two of pages), each cell coloured by the state most of its pages
 * are in:
 *   hole       !bf_pfn_present
 *   free, by order  inside a block on a free list (bf_walk_free_lists)
 *   pcp        on a per-cpu list of any CPU (bf_walk_pcp)
 *   reserved   PG_reserved
 *   allocated  anything else (what the program holds)
 * with each row's pageblock migratetype beside it and the divergence's pfn
 * outlined in red.  Runs of equal cells in a row are one <rect>, so a map
 * stays a few KB.
 *
 * The re-run happens in a forked child with an alarm: a program that crashes
 * the model (a sanitizer finding) or loops (a timeout, a corrupted list) costs
 * the map, not the report.  The child sends its results back over a pipe as
 * length-prefixed fields.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/inspect.h"
#include "fuzz/exec.h"
#include "triage/report_int.h"

#define RERUN_SECONDS 20
#define MAX_CELLS 4096
#define GRID_X 96                /* left of the grid: the row labels */
#define GRID_W 512
#define ROW_H 12
#define MAP_W (GRID_X + GRID_W + 200)

enum { ST_ALLOC, ST_FREE0, ST_PCP = ST_FREE0 + MAX_ORDER, ST_RESERVED, ST_HOLE, NR_ST };

/* Ties between states of a cell go to the rarer, more telling one: this order. */
static const int tie_order[NR_ST] = { ST_PCP, ST_FREE0, ST_FREE0 + 1, ST_FREE0 + 2, ST_FREE0 + 3, ST_FREE0 + 4,
				      ST_FREE0 + 5, ST_FREE0 + 6, ST_FREE0 + 7, ST_FREE0 + 8, ST_FREE0 + 9,
				      ST_FREE0 + 10, ST_RESERVED, ST_ALLOC, ST_HOLE };

static const char *const mt_colour[MIGRATE_TYPES] = { "#d69e2e", "#3182ce", "#38a169", "#d53f8c", "#319795",
						      "#718096" };
static const char mt_letter[MIGRATE_TYPES] = { 'U', 'M', 'E', 'H', 'C', 'I' };

static void state_colour(int st, char out[8])
{
	if (st >= ST_FREE0 && st < ST_FREE0 + MAX_ORDER) {
		/* light green (order 0) to dark green (order 10) */
		int k = st - ST_FREE0, n = MAX_ORDER - 1;

		snprintf(out, 8, "#%02x%02x%02x", ((0xc6 * (n - k) + 0x1c * k) / n) & 0xff,
			 ((0xf6 * (n - k) + 0x4f * k) / n) & 0xff, ((0xd5 * (n - k) + 0x32 * k) / n) & 0xff);
		return;
	}
	snprintf(out, 8, "%s", st == ST_PCP ? "#ed8936" : st == ST_RESERVED ? "#9f7aea" : st == ST_HOLE ? "#edf2f7"
											   : "#4a5568");
}

struct zmap {
	unsigned long start, n;
	uint8_t *st;
	unsigned long count[NR_ST];
	unsigned long blocks[MAX_ORDER];
};

static void on_free(void *arg, unsigned int order, int mt, unsigned long pfn)
{
	struct zmap *z = arg;

	if (order >= MAX_ORDER)
		return;
	z->blocks[order]++;
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (pfn + i >= z->start && pfn + i - z->start < z->n)
			z->st[pfn + i - z->start] = (uint8_t)(ST_FREE0 + order);
}

static void on_pcp(void *arg, int list, unsigned long pfn, unsigned long index)
{
	struct zmap *z = arg;

	if (pfn >= z->start && pfn - z->start < z->n)
		z->st[pfn - z->start] = ST_PCP;
}

static int cell_state(const struct zmap *z, unsigned long first, unsigned long cell)
{
	unsigned long cnt[NR_ST] = { 0 }, best = 0;
	int s = ST_HOLE;

	for (unsigned long i = first; i < first + cell && i < z->n; i++)
		cnt[z->st[i]]++;
	for (int i = 0; i < NR_ST; i++)
		if (cnt[tie_order[i]] > best) {
			best = cnt[tie_order[i]];
			s = tie_order[i];
		}
	return s;
}

/* Cell size and row length of a zone of n pages (see the comment at the top). */
static void zone_geometry(unsigned long n, unsigned long *cell, unsigned long *row_pages)
{
	*cell = 1;
	while (n / *cell > MAX_CELLS)
		*cell <<= 1;
	*row_pages = pageblock_nr_pages > 64 * *cell ? pageblock_nr_pages : 64 * *cell;
}

static void legend(FILE *m, int y)
{
	char c[8];
	int x = 8;

	fprintf(m, "<g class=\"legend\" font-size=\"11\">\n");
	state_colour(ST_ALLOC, c);
	fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">allocated</text>\n",
		x, y, c, x + 16, y + 10);
	x += 86;
	for (int k = 0; k < MAX_ORDER; k++) {
		state_colour(ST_FREE0 + k, c);
		fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"12\" fill=\"%s\"/>\n", x + 10 * k, y, c);
	}
	fprintf(m, "<text x=\"%d\" y=\"%d\">free, order 0&#8594;10</text>\n", x + 10 * MAX_ORDER + 4, y + 10);
	x += 10 * MAX_ORDER + 124;
	static const int others[] = { ST_PCP, ST_RESERVED, ST_HOLE };
	static const char *const names[] = { "pcp", "reserved", "hole" };
	for (int i = 0; i < 3; i++) {
		state_colour(others[i], c);
		fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#a0aec0\"/>"
			   "<text x=\"%d\" y=\"%d\">%s</text>\n", x, y, c, x + 16, y + 10, names[i]);
		x += 16 + 8 * (int)strlen(names[i]) + 12;
	}
	fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#e53e3e\" stroke-width=\"2\"/>"
		   "<text x=\"%d\" y=\"%d\">divergence</text>\n", x, y, x + 16, y + 10);
	y += 18;
	x = 8;
	fprintf(m, "<text x=\"%d\" y=\"%d\">pageblock type:</text>\n", x, y + 10);
	x += 100;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			   "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"#fff\">%c</text><text x=\"%d\" y=\"%d\">%s</text>\n",
			x, y, mt_colour[mt], x + 3, y + 10, mt_letter[mt], x + 16, y + 10, migratetype_names[mt]);
		x += 16 + 7 * (int)strlen(migratetype_names[mt]) + 14;
	}
	fprintf(m, "</g>\n");
}

/* Draw one zone at y; returns the height used. */
static int draw_zone(FILE *m, const struct world *w, const struct bf_zone_info *zi, const struct zmap *z, int y,
		     const struct bf_divergence *div)
{
	unsigned long div_pfn = div ? div->pfn : NO_PFN;
	unsigned long cell, row_pages, rows;
	int cpr, cw;
	char c[8];

	zone_geometry(z->n, &cell, &row_pages);
	rows = (z->n + row_pages - 1) / row_pages;
	cpr = (int)(row_pages / cell);
	cw = GRID_W / cpr;
	fprintf(m, "<g class=\"zone\" data-zone=\"%d-%s\">\n<text x=\"8\" y=\"%d\" font-size=\"12\" font-weight=\"bold\">"
		   "Node %d, zone %s: pfn 0x%lx-0x%lx (a cell is %lu page%s, a row %lu pages)</text>\n",
		zi->nid, zi->name, y + 12, zi->nid, zi->name, z->start, z->start + z->n - 1, cell, cell == 1 ? "" : "s",
		row_pages);
	if (div && div->nid == zi->nid && div->zid == zi->zid)
		fprintf(m, "<text class=\"divergence\" x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#e53e3e\">"
			   "&#9664; divergence in this zone</text>\n", GRID_X + GRID_W + 20, y + 12);
	y += 18;
	for (unsigned long r = 0; r < rows; r++) {
		int ry = y + (int)r * ROW_H;
		unsigned long rstart = r * row_pages;

		fprintf(m, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">0x%lx</text>\n", GRID_X - 4,
			ry + 9, z->start + rstart);
		for (int i = 0; i < cpr && rstart + (unsigned long)i * cell < z->n;) {
			int s = cell_state(z, rstart + (unsigned long)i * cell, cell), j = i + 1;

			while (j < cpr && rstart + (unsigned long)j * cell < z->n &&
			       cell_state(z, rstart + (unsigned long)j * cell, cell) == s)
				j++;
			state_colour(s, c);
			fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", GRID_X + i * cw, ry,
				(j - i) * cw, ROW_H - 1, c);
			i = j;
		}
		if (row_pages == pageblock_nr_pages && bf_pfn_present(w, z->start + rstart)) {
			int mt = bf_pageblock_migratetype(w, z->start + rstart);

			if (mt >= 0 && mt < MIGRATE_TYPES)
				fprintf(m, "<rect x=\"%d\" y=\"%d\" width=\"11\" height=\"11\" fill=\"%s\"/>"
					   "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"#fff\">%c</text>\n",
					GRID_X + GRID_W + 4, ry, mt_colour[mt], GRID_X + GRID_W + 6, ry + 9, mt_letter[mt]);
		}
		if (div_pfn != NO_PFN && div_pfn >= z->start + rstart && div_pfn - z->start - rstart < row_pages &&
		    div_pfn - z->start < z->n) {
			int col = (int)((div_pfn - z->start - rstart) / cell), mw = cw < 4 ? 4 : cw;

			fprintf(m, "<rect class=\"divergence\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
				   "stroke=\"#e53e3e\" stroke-width=\"2\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"10\" "
				   "fill=\"#e53e3e\">&#9664; pfn 0x%lx</text>\n",
				GRID_X + col * cw - (mw - cw) / 2, ry - 1, mw, ROW_H + 1, GRID_X + GRID_W + 20, ry + 9, div_pfn);
		}
	}
	fprintf(m, "</g>\n");
	return 18 + (int)rows * ROW_H + 12;
}

/* The memory map of every populated zone, and one summary line per zone. */
static void draw_world(FILE *m, FILE *zl, const struct world *w, const struct bf_divergence *div)
{
	struct bf_zone_info zi[BF_MAX_NODES * MAX_NR_ZONES];
	struct zmap zm[BF_MAX_NODES * MAX_NR_ZONES];
	int nz = 0, h = 48;
	char *body = NULL;
	size_t blen = 0;
	FILE *b = open_memstream(&body, &blen);

	if (!b)
		return;
	for (int nid = 0; nid < bf_nr_nodes(w) && nid < BF_MAX_NODES; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zmap *z = &zm[nz];

			if (bf_zone_info(w, nid, zid, &zi[nz]) || !zi[nz].spanned)
				continue;
			memset(z, 0, sizeof(*z));
			z->start = zi[nz].start_pfn;
			z->n = zi[nz].spanned;
			z->st = calloc(z->n, 1);
			if (!z->st)
				continue;
			for (unsigned long i = 0; i < z->n; i++) {
				struct bf_page_info pi;

				if (!bf_pfn_present(w, z->start + i)) {
					z->st[i] = ST_HOLE;
					continue;
				}
				bf_page_info(w, z->start + i, &pi);
				z->st[i] = pi.flags & (1UL << PG_reserved) ? ST_RESERVED : ST_ALLOC;
			}
			bf_walk_free_lists(w, nid, zid, on_free, z);
			for (int cpu = 0; cpu < bf_nr_cpus(w); cpu++)
				bf_walk_pcp(w, cpu, nid, zid, on_pcp, z);
			for (unsigned long i = 0; i < z->n; i++)
				z->count[z->st[i]]++;
			h += draw_zone(b, w, &zi[nz], z, h, div);
			nz++;
		}
	fclose(b);
	fprintf(m, "<svg class=\"memory-map\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		   "aria-label=\"memory map\" font-family=\"monospace\">\n<rect class=\"bg\" width=\"%d\" height=\"%d\" "
		   "fill=\"#fff\"/>\n",
		MAP_W, h, MAP_W, h, MAP_W, h);
	legend(m, 6);
	fputs(body ? body : "", m);
	fputs("</svg>", m);
	free(body);
	for (int i = 0; i < nz; i++) {
		unsigned long fr = 0;

		for (int k = 0; k < MAX_ORDER; k++)
			fr += zm[i].count[ST_FREE0 + k];
		fprintf(zl, "Node %d %s\t0x%lx-0x%lx\t%lu\t%lu\t%lu\t%lu\t%lu\t", zi[i].nid, zi[i].name, zm[i].start,
			zm[i].start + zm[i].n - 1, fr, zm[i].count[ST_PCP], zm[i].count[ST_ALLOC],
			zm[i].count[ST_RESERVED], zm[i].count[ST_HOLE]);
		for (int k = 0; k < MAX_ORDER; k++)
			fprintf(zl, "%s%lu", k ? " " : "", zm[i].blocks[k]);
		fputc('\n', zl);
		free(zm[i].st);
	}
}

/* The failing op as text: the program printed with ops [0, idx] minus the one printed with [0, idx). */
static char *op_text(struct bf_prog *p, int idx)
{
	int save = p->nr_ops;
	char *a, *b, *r = NULL;

	if (idx < 0 || idx >= p->nr_ops)
		return strdup("");
	p->nr_ops = idx;
	a = bf_prog_to_text(p);
	p->nr_ops = idx + 1;
	b = bf_prog_to_text(p);
	p->nr_ops = save;
	if (a && b && !strncmp(a, b, strlen(a))) {
		const char *s = b + strlen(a);

		while (*s == '\n')
			s++;
		char at[32] = "";

		if (p->ops[idx].line)
			snprintf(at, sizeof(at), " (line %d)", p->ops[idx].line);
		if (asprintf(&r, "op %d%s: %.*s", idx, at, (int)strcspn(s, "\n"), s) < 0)
			r = NULL;
	}
	free(a);
	free(b);
	return r ? r : strdup("");
}

static void put_field(FILE *m, const char *s)
{
	fprintf(m, "%zu\n%s", strlen(s ? s : ""), s ? s : "");
}

/*
 * The failing op's path through 5.10 (bf-replay --explain=OP): a second run
 * of the same program, explaining only that op.  "" if no op failed.
 */
#define EXPLAIN_SHOWN (64 * 1024)

static char *explain_op(const struct bf_rep_finding *rf, const struct bf_prog *p, int idx)
{
	struct bf_exec_opts o = { .oracle = 1, .lenient = rf->run_binary };
	struct bf_exec_result r;
	char *text = NULL;
	size_t n = 0;

	if (idx < 0 || idx >= p->nr_ops || !(o.explain = open_memstream(&text, &n)))
		return strdup("");
	o.explain_op = p->ops[idx].line > 0 ? p->ops[idx].line : idx + 1;
	o.dump_out = fopen("/dev/null", "w");
	bf_exec_keep(p, &o, &r, NULL, NULL);
	fclose(o.explain);
	if (o.dump_out)
		fclose(o.dump_out);
	if (text && n > EXPLAIN_SHOWN) {
		/* a pressure op explains thousands of calls: the page shows the start */
		char *cut = memrchr(text, '\n', EXPLAIN_SHOWN);

		snprintf(cut ? cut + 1 : text, n - (size_t)(cut ? cut + 1 - text : 0) + 1,
			 "... (%zu more bytes: bf-replay --explain=%d shows them all)\n", n - (size_t)(cut - text),
			 o.explain_op);
	}
	return text ? text : strdup("");
}

/* The child: run, draw, send the seven fields of struct bf_rep_rerun; never returns. */
static void rerun_child(const struct bf_rep_finding *rf, int fd)
{
	struct bf_exec_opts o = { .oracle = 1, .check_every_op = 1, .lenient = rf->run_binary };
	struct bf_exec_result r;
	struct bf_prog p;
	struct world *w = NULL;
	struct bf_oracle *orc = NULL;
	char *out = NULL, *svg = NULL, *zones = NULL, *diff = NULL, *fail = NULL, *explain, outcome[2600], when[80];
	size_t n = 0, ns = 0, nz = 0, nd = 0;
	FILE *m, *ms, *mz, *md;
	char err[512];
	int idx = -1;

	alarm(RERUN_SECONDS);
	o.dump_out = fopen("/dev/null", "w");
	bf_prog_init(&p);
	when[0] = 0;
	if (!rf->run_bytes || !rf->run_len) {
		snprintf(outcome, sizeof(outcome), "not run: no program is stored");
	} else if (rf->run_binary ? bf_prog_decode(&p, rf->run_bytes, rf->run_len)
				  : bf_prog_parse(&p, "program", strndup((const char *)rf->run_bytes, rf->run_len), err,
						  sizeof(err))) {
		snprintf(outcome, sizeof(outcome), "not run: %s", rf->run_binary ? "the bytes do not decode" : err);
	} else {
		bf_exec_keep(&p, &o, &r, &w, &orc);
		switch (r.status) {
		case BF_EXEC_DIVERGENCE:
			idx = r.div_op;
			snprintf(outcome, sizeof(outcome), "DIVERGENCE: %s in op %d (%s)", r.div.name, idx, r.div.detail);
			snprintf(when, sizeof(when), "at the divergence (op %d)", idx);
			break;
		case BF_EXEC_EXPECT_FAILED:
			idx = r.ops_run + r.ops_skipped;
			snprintf(outcome, sizeof(outcome), "a check failed in op %d: %s", idx, r.msg);
			snprintf(when, sizeof(when), "at the failed check (op %d)", idx);
			break;
		case BF_EXEC_BAD_PROGRAM:
			idx = w ? r.ops_run + r.ops_skipped : -1;
			snprintf(outcome, sizeof(outcome), "the program cannot run: %s", r.msg);
			if (w)
				snprintf(when, sizeof(when), "where the program stopped (op %d)", idx);
			break;
		default:
			snprintf(outcome, sizeof(outcome), "passed (%d ops run, %d skipped); a sanitizer finding "
				 "shows only in an instrumented build", r.ops_run, r.ops_skipped);
			snprintf(when, sizeof(when), "at the end of the run");
		}
	}
	fail = op_text(&p, idx);
	ms = open_memstream(&svg, &ns);
	mz = open_memstream(&zones, &nz);
	md = open_memstream(&diff, &nd);
	if (!ms || !mz || !md)
		_exit(3);
	if (w) {
		draw_world(ms, mz, w, r.status == BF_EXEC_DIVERGENCE ? &r.div : NULL);
		if (orc && r.status == BF_EXEC_DIVERGENCE)
			bf_oracle_diff(orc, w, md);
	}
	fclose(ms);
	fclose(mz);
	fclose(md);
	explain = explain_op(rf, &p, idx);
	if (!(m = open_memstream(&out, &n)))
		_exit(3);
	put_field(m, outcome);
	put_field(m, fail);
	put_field(m, diff);
	put_field(m, svg);
	put_field(m, zones);
	put_field(m, when);
	put_field(m, explain);
	fclose(m);
	for (size_t off = 0; off < n;) {
		ssize_t k = write(fd, out + off, n - off);

		if (k <= 0)
			_exit(4);
		off += (size_t)k;
	}
	_exit(0);
}

static char *get_field(const char **p, const char *end)
{
	char *e;
	unsigned long n = strtoul(*p, &e, 10);

	if (e >= end || *e != '\n' || n > (unsigned long)(end - e - 1))
		return NULL;
	*p = e + 1 + n;
	return strndup(e + 1, n);
}

void bf_rep_rerun_free(struct bf_rep_rerun *rr)
{
	free(rr->outcome);
	free(rr->fail_op);
	free(rr->diff);
	free(rr->svg);
	free(rr->zones);
	free(rr->when);
	free(rr->explain);
	memset(rr, 0, sizeof(*rr));
}

void bf_rep_rerun(const struct bf_rep_finding *rf, long finding_id, struct bf_rep_rerun *rr, FILE *log)
{
	char *buf = NULL, **fields[7] = { &rr->outcome, &rr->fail_op, &rr->diff, &rr->svg, &rr->zones, &rr->when,
					  &rr->explain };
	size_t len = 0, cap = 0;
	int fds[2], status = 0, ok = 0;
	pid_t pid;

	memset(rr, 0, sizeof(*rr));
	fflush(NULL);
	if (pipe(fds) == 0 && (pid = fork()) >= 0) {
		if (pid == 0) {
			close(fds[0]);
			rerun_child(rf, fds[1]);
		}
		close(fds[1]);
		for (;;) {
			ssize_t k;

			if (len == cap) {
				char *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

				if (!nb)
					break;
				buf = nb;
			}
			k = read(fds[0], buf + len, cap - len);
			if (k <= 0)
				break;
			len += (size_t)k;
		}
		close(fds[0]);
		while (waitpid(pid, &status, 0) < 0)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			const char *p = buf, *end = buf + len;

			ok = 1;
			for (int i = 0; i < 7; i++)
				if (!p || !(*fields[i] = get_field(&p, end)))
					ok = 0;
		}
	}
	if (!ok) {
		char msg[128];

		bf_rep_rerun_free(rr);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			snprintf(msg, sizeof(msg), "the re-run did not finish within %d s; no memory map", RERUN_SECONDS);
		else if (WIFSIGNALED(status))
			snprintf(msg, sizeof(msg), "the re-run died of signal %d; no memory map", WTERMSIG(status));
		else
			snprintf(msg, sizeof(msg), "the re-run could not be made; no memory map");
		fprintf(log, "report: finding %ld: %s\n", finding_id, msg);
		rr->outcome = strdup(msg);
		rr->fail_op = strdup("");
		rr->diff = strdup("");
		rr->svg = strdup("");
		rr->zones = strdup("");
		rr->when = strdup("");
		rr->explain = strdup("");
	}
	free(buf);
}
