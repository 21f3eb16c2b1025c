/*
 * signature.c - classify a replay's output and compute its signature
 * (signature.h).  Two tables drive it, syzkaller style:
 *
 *   crash_table   the closed set of sanitizer/abort report kinds, sorted by
 *                 kind (a unit test checks the order); a report line is
 *                 matched by the LONGEST pattern it contains, so "asan:other"
 *                 only catches what no specific row names.
 *   norm_table    regex rewrites applied to titles and frames, each with the
 *                 reason the text varies between inputs of one bug.  Before
 *                 them, a gfp mask ("gfp 0x820", "gfp=GFP_KERNEL|0x40") is
 *                 named by its flags (core gfp_format, as programs print it)
 *                 and set aside, so that no rule reads its hex as an address
 *                 or its digits as a count: the mask is the request, not noise.
 *
 * The first recognised report line in the output decides (a sanitizer report
 * ends the process, so anything after it is epilogue); libFuzzer's own
 * "deadly signal" lines count only when nothing else was recognised.
 * Frames: the first stack after that line; kept are those whose source file
 * lies directly in a directory of our allow-list, and the signature uses the
 * innermost three in core/ (the harness dirs oracle/, fuzz/, triage/ are ours
 * but are not the bug's location).  When a report has no stack (a divergence,
 * an invariant, VM_BUG_ON), the third field carries the normalised "where"
 * from the message instead, so different checks do not merge.
 */
#define _GNU_SOURCE
#include <regex.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/gfp.h"
#include "triage/signature.h"

/* X(kind, pattern) -- sorted by kind, then pattern. */
#define BF_CRASH_TABLE(X)                                                                       \
	X("abort:assertion", "Assertion `")                                                     \
	X("asan:SEGV", "ERROR: AddressSanitizer: SEGV")                                         \
	X("asan:alloc-dealloc-mismatch", "ERROR: AddressSanitizer: alloc-dealloc-mismatch")     \
	X("asan:bad-free", "ERROR: AddressSanitizer: attempting free on address")               \
	X("asan:double-free", "ERROR: AddressSanitizer: attempting double-free")                \
	X("asan:global-buffer-overflow", "ERROR: AddressSanitizer: global-buffer-overflow")     \
	X("asan:heap-buffer-overflow", "ERROR: AddressSanitizer: heap-buffer-overflow")         \
	X("asan:heap-use-after-free", "ERROR: AddressSanitizer: heap-use-after-free")           \
	X("asan:other", "ERROR: AddressSanitizer:")                                             \
	X("asan:stack-buffer-overflow", "ERROR: AddressSanitizer: stack-buffer-overflow")       \
	X("asan:stack-overflow", "ERROR: AddressSanitizer: stack-overflow")                     \
	X("asan:stack-use-after-return", "ERROR: AddressSanitizer: stack-use-after-return")     \
	X("asan:stack-use-after-scope", "ERROR: AddressSanitizer: stack-use-after-scope")       \
	X("libfuzzer:deadly-signal", "ERROR: libFuzzer: deadly signal")                         \
	X("libfuzzer:out-of-memory", "ERROR: libFuzzer: out-of-memory")                         \
	X("libfuzzer:timeout", "ERROR: libFuzzer: timeout")                                     \
	X("lsan:memory-leak", "ERROR: LeakSanitizer: detected memory leaks")                    \
	X("msan:other", "WARNING: MemorySanitizer:")                                            \
	X("msan:use-of-uninitialized-value", "WARNING: MemorySanitizer: use-of-uninitialized-value") \
	X("tsan:data-race", "WARNING: ThreadSanitizer: data race")                              \
	X("tsan:lock-order-inversion", "WARNING: ThreadSanitizer: lock-order-inversion")        \
	X("tsan:other", "WARNING: ThreadSanitizer:")                                            \
	X("tsan:thread-leak", "WARNING: ThreadSanitizer: thread leak")                          \
	X("ubsan:division-by-zero", "runtime error: division by zero")                          \
	X("ubsan:implicit-conversion", "runtime error: implicit conversion")                    \
	X("ubsan:index-out-of-bounds", "runtime error: index ")                                 \
	X("ubsan:invalid-value", "runtime error: load of value")                                \
	X("ubsan:misaligned-access", "runtime error: load of misaligned address")               \
	X("ubsan:misaligned-access", "runtime error: member access within misaligned address")  \
	X("ubsan:misaligned-access", "runtime error: store to misaligned address")              \
	X("ubsan:negation-overflow", "runtime error: negation of")                              \
	X("ubsan:null-dereference", "runtime error: load of null pointer")                      \
	X("ubsan:null-dereference", "runtime error: member access within null pointer")         \
	X("ubsan:null-dereference", "runtime error: store to null pointer")                     \
	X("ubsan:other", "runtime error:")                                                      \
	X("ubsan:pointer-overflow", "runtime error: addition of unsigned offset")               \
	X("ubsan:pointer-overflow", "runtime error: applying non-zero offset")                  \
	X("ubsan:pointer-overflow", "runtime error: pointer index expression")                  \
	X("ubsan:shift-out-of-bounds", "runtime error: left shift of")                          \
	X("ubsan:shift-out-of-bounds", "runtime error: shift exponent")                         \
	X("ubsan:signed-integer-overflow", "runtime error: signed integer overflow")            \
	X("ubsan:unreachable", "runtime error: execution reached an unreachable program point") \
	X("ubsan:unsigned-integer-overflow", "runtime error: unsigned integer overflow")        \
	X("vm-bug-on", "VM_BUG_ON(")

static const struct { const char *kind, *pattern; } crash_table[] = {
#define X(k, p) { k, p },
	BF_CRASH_TABLE(X)
#undef X
};
#define NR_CRASH (int)(sizeof(crash_table) / sizeof(crash_table[0]))

/* The distinct kinds, for tests and --help (the table is sorted, so adjacent duplicates). */
const char *const bf_crash_kinds[] = {
#define X(k, p) k,
	BF_CRASH_TABLE(X)
#undef X
};
const int bf_nr_crash_kinds = NR_CRASH;

/* Normalisations: (regex, replacement with \1..\9, why). Applied in order. */
static const struct { const char *re, *rep, *why; } norm_table[] = {
	{ "==[0-9]+==", "", "sanitizer lines carry the pid" },
	{ " at pc 0x[0-9a-fA-F]+ bp 0x[0-9a-fA-F]+ sp 0x[0-9a-fA-F]+", "",
	  "register values of the faulting instruction vary with ASLR and say nothing of the bug" },
	{ "(pfns?[ =:]+)(0x[0-9a-fA-F]+|[0-9]+)", "\\1N",
	  "pfns (hex or decimal) depend on the topology and on which block the allocator picked" },
	{ "0x[0-9a-fA-F]+", "ADDR", "addresses vary with ASLR and heap layout" },
	{ "([^ ()'`]*/)?((core|oracle|fuzz|triage)/[A-Za-z0-9_.-]+)(:[0-9]+)+", "\\2",
	  "build paths differ between machines; line numbers move with unrelated edits" },
	{ "\\.(constprop|isra|part|cold|lto_priv)\\.[0-9]+", "",
	  "compiler clone suffixes differ between builds of the same function" },
	{ "(^|[^A-Za-z0-9_])h[0-9]+(\\.[0-9]+)?([^A-Za-z0-9_]|$)", "\\1hN\\3",
	  "handle names (h3, h3.1) are numbered by the program, not the bug" },
	{ "(in|at) op #?[0-9]+", "\\1 op N", "the op index depends on the program's length and on minimization" },
	{ "(^|[^A-Za-z0-9_])-?[0-9]+", "\\1N",
	  "pfns, counts, orders, sizes depend on the program's topology; digits inside identifiers (DMA32) stay" },
};
#define NR_NORM (int)(sizeof(norm_table) / sizeof(norm_table[0]))

static void sub_one(const regex_t *re, const char *rep, const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = in;
	regmatch_t m[10];

#define PUT(c) do { if (o + 1 < outlen) out[o++] = (c); } while (0)
	while (*p && !regexec(re, p, 10, m, p == in ? 0 : REG_NOTBOL)) {
		for (regoff_t i = 0; i < m[0].rm_so; i++)
			PUT(p[i]);
		for (const char *r = rep; *r; r++) {
			if (r[0] == '\\' && r[1] >= '1' && r[1] <= '9') {
				int g = *++r - '0';

				for (regoff_t i = m[g].rm_so; m[g].rm_so >= 0 && i < m[g].rm_eo; i++)
					PUT(p[i]);
			} else {
				PUT(*r);
			}
		}
		if (m[0].rm_eo == 0) {          /* empty match: copy one char and go on */
			PUT(*p);
			p++;
		} else {
			p += m[0].rm_eo;
		}
	}
	while (*p)
		PUT(*p++);
	out[o] = 0;
#undef PUT
}

#define GFP_HOLD "\001GFPMASK\002"   /* a set-aside mask: no rule matches it */
#define MAX_HELD 8

/*
 * The gfp masks of s ("gfp" then ' ', '=' or ':' then names/hex joined by '|')
 * rewritten in place as GFP_HOLD, their gfp_format names saved in held[] in
 * order; a token gfp_parse refuses is left alone.  Returns how many.
 */
static int hold_gfp_masks(char *s, size_t cap, char held[MAX_HELD][256])
{
	int n = 0;

	for (char *p = s; n < MAX_HELD && (p = strstr(p, "gfp")) != NULL;) {
		char *v = p + 3, tok[256];
		size_t len;
		gfp_t g;
		int bad;

		if ((p > s && (p[-1] == '_' || (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z'))) ||
		    (*v != ' ' && *v != '=' && *v != ':')) {
			p = v;
			continue;
		}
		while (*v == ' ' || *v == '=' || *v == ':')
			v++;
		len = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_|");
		if (!len || len >= sizeof(tok)) {
			p = v;
			continue;
		}
		memcpy(tok, v, len);
		tok[len] = 0;
		if (gfp_parse(tok, &g, &bad) || strlen(s) - len + strlen(GFP_HOLD) >= cap) {
			p = v + len;
			continue;
		}
		gfp_format(g, held[n++], sizeof(held[0]));
		memmove(v + strlen(GFP_HOLD), v + len, strlen(v + len) + 1);
		memcpy(v, GFP_HOLD, strlen(GFP_HOLD));
		p = v + strlen(GFP_HOLD);
	}
	return n;
}

/* Put the held masks back, in order, writing to out. */
static void restore_gfp_masks(const char *in, char *out, size_t outlen, char held[MAX_HELD][256], int n)
{
	size_t o = 0;
	int i = 0;

	for (const char *p = in; *p && o + 1 < outlen;) {
		if (i < n && !strncmp(p, GFP_HOLD, strlen(GFP_HOLD))) {
			o += (size_t)snprintf(out + o, outlen - o, "%s", held[i++]);
			if (o >= outlen)
				o = outlen - 1;
			p += strlen(GFP_HOLD);
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = 0;
}

void bf_normalise(const char *in, char *out, size_t outlen)
{
	size_t blen = outlen > 4096 ? outlen : 4096;
	char *a = malloc(blen), *b = malloc(blen), held[MAX_HELD][256];
	int nheld;

	if (!a || !b) {
		snprintf(out, outlen, "%s", in);
		free(a), free(b);
		return;
	}
	snprintf(a, blen, "%s", in);
	nheld = hold_gfp_masks(a, blen, held);
	for (int i = 0; i < NR_NORM; i++) {
		regex_t re;

		if (regcomp(&re, norm_table[i].re, REG_EXTENDED))
			continue;   /* a unit test compiles every rule */
		sub_one(&re, norm_table[i].rep, a, b, blen);
		regfree(&re);
		free(a);
		a = strdup(b);
		if (!a)
			break;
	}
	if (a)
		restore_gfp_masks(a, out, outlen, held, nheld);
	else
		snprintf(out, outlen, "%s", in);
	free(a), free(b);
}

/* snprintf whose truncation is intended (titles and signatures are capped). */
static void fmt(char *buf, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

/* Copy line starting at p (without '\n') into buf. */
static void get_line(const char *p, char *buf, size_t n)
{
	size_t l = strcspn(p, "\n");

	if (l >= n)
		l = n - 1;
	memcpy(buf, p, l);
	buf[l] = 0;
}

static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	return p ? p + 1 : NULL;
}

/* The longest crash_table pattern in line, or -1. */
static int crash_kind_of(const char *line)
{
	int best = -1;
	size_t bl = 0;

	for (int i = 0; i < NR_CRASH; i++) {
		size_t l = strlen(crash_table[i].pattern);

		if (l > bl && strstr(line, crash_table[i].pattern))
			best = i, bl = l;
	}
	return best;
}

/* Does the frame's file lie directly in a directory called dir? */
static int file_in_dir(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t dl = strlen(dir);

	if (!slash || (size_t)(slash - path) < dl || strncmp(slash - dl, dir, dl))
		return 0;
	return slash - dl == path || slash[-(long)dl - 1] == '/';
}

/*
 * Parse the first stack from p on.  Frame forms:
 *   #3 0x55d0c3 in __free_one_page /src/core/buddy.c:123:4   (ASan, MSan, UBSan)
 *   #3 __free_one_page /src/core/buddy.c:123:4 (bf-replay+0x1234)   (TSan)
 */
static void parse_frames(const char *p, struct bf_class *c)
{
	int started = 0;

	for (; p; p = next_line(p)) {
		char line[1024], func[256] = "", path[512] = "";
		const char *q = p;
		int n;

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '#') {
			if (started)
				return;
			continue;
		}
		started = 1;
		get_line(q, line, sizeof(line));
		if (sscanf(line, "#%*d 0x%*x in %255s %511s", func, path) < 2 &&
		    sscanf(line, "#%*d %255s %511s", func, path) < 2)
			continue;
		path[strcspn(path, ":")] = 0;
		if (!file_in_dir(path, "core") || c->nframes == 3)
			continue;
		n = c->nframes++;
		bf_normalise(func, c->frames[n], sizeof(c->frames[n]));
	}
}

static void set_title(struct bf_class *c, const char *line1)
{
	char l1[512];

	bf_normalise(line1, l1, sizeof(l1));
	if (c->nframes) {
		fmt(c->title, sizeof(c->title), "%s\nat %s%s%s%s%s", l1, c->frames[0],
			 c->nframes > 1 ? " < " : "", c->nframes > 1 ? c->frames[1] : "",
			 c->nframes > 2 ? " < " : "", c->nframes > 2 ? c->frames[2] : "");
	} else {
		snprintf(c->title, sizeof(c->title), "%s", l1);
	}
}

static void set_signature(struct bf_class *c, const char *where)
{
	char fr[400] = "", w[256] = "";

	for (int i = 0; i < c->nframes; i++)
		snprintf(fr + strlen(fr), sizeof(fr) - strlen(fr), "%s%s", i ? ";" : "", c->frames[i]);
	if (!c->nframes && where)
		bf_normalise(where, w, sizeof(w));
	fmt(c->signature, sizeof(c->signature), "%s|%s|%s", c->kind, c->op, c->nframes ? fr : w);
}

/* "DIVERGENCE: <kind> in <op> (<detail>)" */
static void parse_divergence(const char *line, struct bf_class *c)
{
	const char *k = strstr(line, "DIVERGENCE: ") + 12, *in = strstr(k, " in ");
	size_t kl = in ? (size_t)(in - k) : strcspn(k, " (");

	c->out = BF_OUT_DIVERGENCE;
	snprintf(c->kind, sizeof(c->kind), "%.*s", (int)(kl < 95 ? kl : 95), k);
	if (in)
		snprintf(c->op, sizeof(c->op), "%.*s", (int)strcspn(in + 4, " ("), in + 4);
	/* kinds like "accounting:nr_free[3]" keep their name, lose the numbers */
	bf_normalise(c->kind, c->kind, sizeof(c->kind));
}

/* Strip everything up to "VM_BUG_ON(" / "Assertion `" / the message of a "file:L:C: msg" line. */
static const char *after(const char *line, const char *pat)
{
	const char *p = strstr(line, pat);

	return p ? p : line;
}

/* "path:LINE:COL: message" */
static int is_loc_line(const char *line)
{
	const char *c = strstr(line, ": "), *q = c;

	if (!c)
		return 0;
	for (int g = 0; g < 2; g++) {
		const char *e = q;

		while (q > line && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if (q == e || q == line || q[-1] != ':')
			return 0;
		q--;
	}
	return q > line;
}

void bf_classify(const char *output, int exit_code, int sig, int timed_out, struct bf_class *c)
{
	const char *fallback = NULL, *locline = NULL;
	char line[1024];

	memset(c, 0, sizeof(*c));
	output = output ? output : "";
	for (const char *p = output; p && *p; p = next_line(p)) {
		int ck;

		get_line(p, line, sizeof(line));
		if (strstr(line, "DIVERGENCE: ") == line) {
			parse_divergence(line, c);
			set_title(c, line);
			set_signature(c, NULL);
			return;
		}
		if (!strncmp(line, "INVARIANT: ", 11) || !strncmp(line, "BAD-PROGRAM: ", 13)) {
			int inv = line[0] == 'I';
			char msg[1024];

			c->out = inv ? BF_OUT_INVARIANT : BF_OUT_BAD_PROGRAM;
			snprintf(c->kind, sizeof(c->kind), "%s", inv ? "invariant" : "bad-program");
			snprintf(msg, sizeof(msg), "%s", strchr(line, ' ') + 1);
			set_title(c, line);
			set_signature(c, msg);
			return;
		}
		ck = crash_kind_of(line);
		if (ck >= 0 && !strncmp(crash_table[ck].kind, "libfuzzer:", 10)) {
			if (!fallback)
				fallback = p;
			continue;
		}
		if (ck >= 0) {
			int abort_like = !strcmp(crash_table[ck].kind, "vm-bug-on") ||
					 !strcmp(crash_table[ck].kind, "abort:assertion");

			c->out = abort_like ? BF_OUT_INVARIANT : BF_OUT_SANITIZER;
			snprintf(c->kind, sizeof(c->kind), "%s", crash_table[ck].kind);
			parse_frames(p, c);
			if (abort_like)
				set_title(c, after(line, crash_table[ck].pattern));
			else if (strstr(line, "ERROR: "))
				set_title(c, strstr(line, "ERROR: ") + 7);
			else if (strstr(line, "WARNING: "))
				set_title(c, strstr(line, "WARNING: ") + 9);
			else
				set_title(c, line);
			set_signature(c, abort_like ? after(line, crash_table[ck].pattern) : NULL);
			return;
		}
		/* bf-replay's "file:line:col: message" (failed expectation, invariant, bad input) */
		if (!locline && is_loc_line(line))
			locline = p;
	}
	if (timed_out) {
		c->out = BF_OUT_TIMEOUT;
		snprintf(c->kind, sizeof(c->kind), "timeout");
		set_title(c, "timeout: the run did not finish in time");
		set_signature(c, NULL);
		return;
	}
	if (fallback) {
		get_line(fallback, line, sizeof(line));
		c->out = BF_OUT_SIGNAL;
		snprintf(c->kind, sizeof(c->kind), "%s", crash_table[crash_kind_of(line)].kind);
		parse_frames(fallback, c);
		set_title(c, after(line, "ERROR: "));
		set_signature(c, NULL);
		return;
	}
	if (sig) {
		const char *abbr = sigabbrev_np(sig);

		c->out = BF_OUT_SIGNAL;
		snprintf(c->kind, sizeof(c->kind), "signal:SIG%s", abbr ? abbr : "?");
		snprintf(line, sizeof(line), "deadly signal SIG%s", abbr ? abbr : "?");
		set_title(c, line);
		set_signature(c, NULL);
		return;
	}
	if (exit_code == 0) {
		c->out = BF_OUT_OK;
		snprintf(c->kind, sizeof(c->kind), "ok");
		snprintf(c->title, sizeof(c->title), "ok");
		snprintf(c->signature, sizeof(c->signature), "ok");
		return;
	}
	if (locline) {
		const char *msg;

		get_line(locline, line, sizeof(line));
		msg = strstr(line, ": ") + 2;
		/* exit 2 is bf-replay's "bad input"; exit 1 a failed expectation / invariant */
		c->out = exit_code == 2 ? BF_OUT_BAD_INPUT : BF_OUT_INVARIANT;
		snprintf(c->kind, sizeof(c->kind), "%s", exit_code == 2 ? "bad-input" : "invariant");
		snprintf(c->title, sizeof(c->title), "%s: ", exit_code == 2 ? "BAD-INPUT" : "INVARIANT");
		bf_normalise(msg, c->title + strlen(c->title), sizeof(c->title) - strlen(c->title));
		set_signature(c, msg);
		return;
	}
	c->out = exit_code == 2 ? BF_OUT_BAD_INPUT : BF_OUT_UNKNOWN;
	snprintf(c->kind, sizeof(c->kind), exit_code == 2 ? "bad-input" : "exit:%d", exit_code);
	snprintf(c->title, sizeof(c->title), "%s", c->kind);
	set_signature(c, NULL);
}

void bf_class_binary_bad_program(struct bf_class *c)
{
	char t[sizeof(c->title)], sg[sizeof(c->signature)];

	if (c->out != BF_OUT_BAD_INPUT || strncmp(c->title, "BAD-INPUT: ", 11) || strstr(c->title, "cannot open"))
		return;
	c->out = BF_OUT_BAD_PROGRAM;
	snprintf(c->kind, sizeof(c->kind), "bad-program");
	snprintf(t, sizeof(t), "BAD-PROGRAM: %s", c->title + 11);
	snprintf(sg, sizeof(sg), "bad-program%s", c->signature + strlen("bad-input"));
	memcpy(c->title, t, sizeof(t));
	memcpy(c->signature, sg, sizeof(sg));
}

int bf_class_is_finding(const struct bf_class *c)
{
	return c->out != BF_OUT_OK && c->out != BF_OUT_BAD_INPUT;
}

int bf_class_rank(const struct bf_class *c)
{
	static const int rank[] = {
		[BF_OUT_OK] = 0, [BF_OUT_BAD_INPUT] = 1, [BF_OUT_UNKNOWN] = 2, [BF_OUT_TIMEOUT] = 3,
		[BF_OUT_SIGNAL] = 4, [BF_OUT_BAD_PROGRAM] = 5, [BF_OUT_INVARIANT] = 6,
		[BF_OUT_DIVERGENCE] = 7, [BF_OUT_SANITIZER] = 8,
	};

	return rank[c->out];
}

int bf_norm_rules_ok(void)
{
	for (int i = 0; i < NR_NORM; i++) {
		regex_t re;

		if (regcomp(&re, norm_table[i].re, REG_EXTENDED))
			return 0;
		regfree(&re);
		if (!norm_table[i].why[0])
			return 0;
	}
	return 1;
}

void bf_classify_log_report(const char *report, struct bf_class *c)
{
	/* A fuzz target aborts after its report: exit code unknown, treat as failed. */
	bf_classify(report, 1, 0, 0, c);
}
