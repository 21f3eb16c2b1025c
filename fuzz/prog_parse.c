/*
 * prog_parse.c - the strict .bfp text parser (docs/bfp-format.md).
 *
 * Every error names file:line:col of the offending token.  The parser checks
 * everything it can without running the program: keywords, argument names and
 * ranges, handle syntax, topology consistency (via the core's own check when
 * the world is built).  Runtime conditions (a free of a handle whose
 * allocation failed) are the executor's business.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/parse_internal.h"
#include "core/inspect.h"

int fail(struct parser *ps, int col, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->err, ps->errlen, "%s:%d:%d: ", ps->name, ps->line, col);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

void bf_prog_init(struct bf_prog *p)
{
	memset(p, 0, sizeof(*p));
	bf_topology_default(&p->topo);
}

void bf_prog_free(struct bf_prog *p)
{
	for (int i = 0; i < p->nr_handles; i++)
		free(p->handle_names[i]);
	for (int i = 0; i < p->nr_strings; i++)
		free(p->strings[i]);
	free(p->handle_names);
	free(p->strings);
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

static void *grow(void *arr, int *cap, int need, size_t elem)
{
	if (need <= *cap)
		return arr;
	int ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	void *n = realloc(arr, (size_t)ncap * elem);
	if (!n)
		abort();  /* out of memory is not bad input */
	*cap = ncap;
	return n;
}

const char *keep_string(struct bf_prog *p, const char *s)
{
	p->strings = grow(p->strings, &p->cap_strings, p->nr_strings + 1, sizeof(char *));
	p->strings[p->nr_strings] = strdup(s);
	if (!p->strings[p->nr_strings])
		abort();
	return p->strings[p->nr_strings++];
}

static int handle_index(struct bf_prog *p, const char *name)
{
	for (int i = 0; i < p->nr_handles; i++)
		if (!strcmp(p->handle_names[i], name))
			return i;
	p->handle_names = grow(p->handle_names, &p->cap_handles, p->nr_handles + 1, sizeof(char *));
	p->handle_names[p->nr_handles] = strdup(name);
	if (!p->handle_names[p->nr_handles])
		abort();
	return p->nr_handles++;
}

/* Split a line into tokens (comments removed); returns -1 on a too-long token. */
static int tokenize(struct parser *ps, const char *line, size_t len)
{
	size_t i = 0;

	ps->nt = 0;
	while (i < len) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		if (ps->nt == MAX_TOKENS)
			return fail(ps, (int)i + 1, "too many tokens on one line");
		start = i;
		if (line[i] == '"') {  /* quoted: "..." up to the closing quote */
			i++;
			while (i < len && line[i] != '"')
				i++;
			if (i >= len)
				return fail(ps, (int)start + 1, "unterminated string");
			i++;
		} else {
			while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '#') {
				if (line[i] == '=' && i + 1 < len && line[i + 1] == '"') {
					i += 2;
					while (i < len && line[i] != '"')
						i++;
					if (i >= len)
						return fail(ps, (int)start + 1, "unterminated string");
				}
				i++;
			}
		}
		if (i - start >= sizeof(ps->t[0].s))
			return fail(ps, (int)start + 1, "token too long");
		memcpy(ps->t[ps->nt].s, line + start, i - start);
		ps->t[ps->nt].s[i - start] = 0;
		ps->t[ps->nt].col = (int)start + 1;
		ps->nt++;
	}
	return 0;
}

/*
 * bf_strtoul - decimal, or hex after 0x: never octal (a leading 0 is just a
 * digit, as the format says).  *end as strtoul; errno ERANGE on overflow.
 */
unsigned long bf_strtoul(const char *s, char **end)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return isxdigit((unsigned char)s[2]) ? strtoul(s, end, 16) : (*end = (char *)s + 1, 0UL);
	return isdigit((unsigned char)s[0]) ? strtoul(s, end, 10) : (*end = (char *)s, 0UL);
}

/* Unsigned number, decimal or 0x hex, fitting `max`. */
int parse_num(struct parser *ps, const char *s, int col, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = bf_strtoul(s, &end);
	if (!*s || errno || *end || end == s)
		return fail(ps, col, "expected a number, got '%s'", s);
	if (v > max)
		return fail(ps, col, "%s is out of range (max %lu)", s, max);
	*out = v;
	return 0;
}

/*
 * Signed number; also a 64-bit unsigned pattern such as 0xdead000000000400,
 * which reads back as a negative long (*big says so: only == and != may
 * compare it).
 */
int parse_snum(struct parser *ps, const char *s, int col, long *out, int *big)
{
	int neg = *s == '-';
	unsigned long v;
	char *end;

	errno = 0;
	v = bf_strtoul(s + neg, &end);
	if (!s[neg] || errno || *end || end == s + neg || (neg && v > 0x8000000000000000UL))
		return fail(ps, col, "expected a number, got '%s'", s);
	if (big)
		*big = !neg && v > 0x7fffffffffffffffUL;
	*out = neg ? (long)(0 - v) : (long)v;
	return 0;
}

/*
 * split_list - call fn on each item of a `seps`-separated list with the
 * item's column; empty items are errors.
 */
int split_list(struct parser *ps, const char *val, int col, const char *seps,
	       int (*fn)(struct parser *ps, const char *item, int col, void *arg), void *arg)
{
	const char *p = val;

	for (;;) {
		size_t n = strcspn(p, seps);
		char item[128];

		if (n == 0 || n >= sizeof(item))
			return fail(ps, col + (int)(p - val), n ? "list item too long" : "empty item in list '%s'", val);
		memcpy(item, p, n);
		item[n] = 0;
		if (fn(ps, item, col + (int)(p - val), arg))
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* key=value split; value points into the token, *vcol is the value's column. */
int kvc(struct tok *t, char *key, size_t klen, const char **val, int *vcol)
{
	char *eq = strchr(t->s, '=');

	if (!eq || eq == t->s || (size_t)(eq - t->s) >= klen)
		return 0;
	memcpy(key, t->s, (size_t)(eq - t->s));
	key[eq - t->s] = 0;
	*val = eq + 1;
	if (vcol)
		*vcol = t->col + (int)(eq - t->s) + 1;
	return 1;
}

int kv(struct tok *t, char *key, size_t klen, const char **val)
{
	return kvc(t, key, klen, val, NULL);
}

int parse_cpu(struct parser *ps, const char *v, int col, int allow_all, int *cpu)
{
	unsigned long n = 0;

	if (allow_all && !strcmp(v, "all")) {
		*cpu = -1;
		return 0;
	}
	if (parse_num(ps, v, col, BF_MAX_CPUS - 1, &n))
		return -1;
	*cpu = (int)n;
	return 0;
}

int parse_zone(struct parser *ps, const char *v, int col, int *zid)
{
	*zid = bf_zone_by_name(v);
	if (*zid < 0)
		return fail(ps, col, "unknown zone '%s' (DMA, DMA32, Normal, Movable)", v);
	return 0;
}

int parse_handle_ref(struct parser *ps, const char *s, int col, int *handle, int *piece)
{
	char name[64];
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (n == 0 || n >= sizeof(name) || !islower((unsigned char)s[0]))
		return fail(ps, col, "expected a handle like h1, got '%s'", s);
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return fail(ps, col, "bad handle name '%s'", s);
	memcpy(name, s, n);
	name[n] = 0;
	if (is_probe_keyword(name))
		return fail(ps, col, "'%s' names an expectation; pick another handle name", name);
	*piece = -1;
	if (dot) {
		unsigned long v;

		if (parse_num(ps, dot + 1, col + (int)n + 1, MAX_ORDER_NR_PAGES - 1, &v))
			return -1;
		*piece = (int)v;
	}
	*handle = handle_index(ps->p, name);
	return 0;
}


struct bf_op *new_op(struct parser *ps, enum bf_op_kind kind)
{
	struct bf_prog *p = ps->p;
	struct bf_op *op;

	p->ops = grow(p->ops, &p->cap_ops, p->nr_ops + 1, sizeof(*p->ops));
	op = &p->ops[p->nr_ops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->line = ps->line;
	op->handle = BF_NO_HANDLE;
	op->piece = -1;
	op->zid = -1;
	op->expect.pfn = NO_PFN;
	return op;
}

static int parse_op(struct parser *ps)
{
	struct tok *t = ps->t;
	char key[32];
	const char *val;
	int kind = -1, vcol = 0;

	for (int k = 0; k < BF_NR_OPS; k++)
		if (!strcmp(t[0].s, bf_op_names[k]))
			kind = k;
	if (kind < 0)
		return fail(ps, t[0].col, "unknown operation '%s'", t[0].s);
	ps->booted = 1;
	struct bf_op *op = new_op(ps, kind);

	switch (kind) {
	case BF_OP_ALLOC:
	case BF_OP_ALLOC_EXACT: {
		int have_gfp = 0, have_size = 0;

		if (ps->nt < 2)
			return fail(ps, t[0].col, "%s needs a handle", t[0].s);
		if (parse_handle_ref(ps, t[1].s, t[1].col, &op->handle, &op->piece))
			return -1;
		if (op->piece >= 0)
			return fail(ps, t[1].col, "allocate into a whole handle, not a piece");
		for (int i = 2; i < ps->nt; i++) {
			unsigned long n;

			if (kind == BF_OP_ALLOC && !strcmp(t[i].s, "lru")) {
				op->lru = 1;
				continue;
			}
			if (!kvc(&t[i], key, sizeof(key), &val, &vcol))
				return fail(ps, t[i].col, "expected key=value, got '%s'", t[i].s);
			if (!strcmp(key, "gfp")) {
				int bad;

				if (gfp_parse(val, &op->gfp, &bad))
					return fail(ps, vcol + bad, "unknown gfp flag in '%s'", val);
				have_gfp = 1;
			} else if (kind == BF_OP_ALLOC && !strcmp(key, "order")) {
				/* orders >= MAX_ORDER are legal input: the kernel's verdict is NULL + WARN */
				if (parse_num(ps, val, vcol, 63, &n))
					return -1;
				op->order = (unsigned int)n;
			} else if (kind == BF_OP_ALLOC_EXACT && !strcmp(key, "size")) {
				if (parse_num(ps, val, vcol, 1UL << 40, &n))
					return -1;
				op->size = n;
				have_size = 1;
			} else if (!strcmp(key, "cpu")) {
				if (parse_cpu(ps, val, vcol, 0, &op->cpu))
					return -1;
			} else if (kind == BF_OP_ALLOC && !strcmp(key, "node")) {
				if (parse_num(ps, val, vcol, BF_MAX_NODES - 1, &n))
					return -1;
				op->nid = (int)n;
				op->has_node = 1;
			} else if (!strcmp(key, "task")) {
				if (parse_task_id(ps, val, vcol, &op->task))
					return -1;
				op->has_task = 1;
			} else {
				return fail(ps, t[i].col, "unknown argument '%s' for %s", key, t[0].s);
			}
		}
		if (!have_gfp)
			return fail(ps, t[0].col, "%s needs gfp=", t[0].s);
		if (kind == BF_OP_ALLOC_EXACT && !have_size)
			return fail(ps, t[0].col, "alloc_exact needs size=");
		return 0;
	}
	case BF_OP_FREE:
	case BF_OP_GET:
	case BF_OP_PUT:
	case BF_OP_SPLIT:
		if (ps->nt < 2)
			return fail(ps, t[0].col, "%s needs a handle", t[0].s);
		if (parse_handle_ref(ps, t[1].s, t[1].col, &op->handle, &op->piece))
			return -1;
		if (op->piece >= 0 && kind != BF_OP_FREE)
			return fail(ps, t[1].col, "%s takes a whole handle", t[0].s);
		for (int i = 2; i < ps->nt; i++) {
			if (kind != BF_OP_GET && kind != BF_OP_SPLIT && kvc(&t[i], key, sizeof(key), &val, &vcol) &&
			    !strcmp(key, "cpu")) {
				if (parse_cpu(ps, val, vcol, 0, &op->cpu))
					return -1;
				continue;
			}
			return fail(ps, t[i].col, "unexpected '%s'", t[i].s);
		}
		return 0;
	case BF_OP_DRAIN: {
		int have_cpu = 0, have_zone = 0;

		for (int i = 1; i < ps->nt; i++) {
			unsigned long n;

			if (!kvc(&t[i], key, sizeof(key), &val, &vcol))
				return fail(ps, t[i].col, "expected key=value, got '%s'", t[i].s);
			if (!strcmp(key, "cpu")) {
				if (parse_cpu(ps, val, vcol, 1, &op->cpu))
					return -1;
				have_cpu = 1;
			} else if (!strcmp(key, "node")) {
				if (parse_num(ps, val, vcol, BF_MAX_NODES - 1, &n))
					return -1;
				op->nid = (int)n;
				op->has_node = 1;
			} else if (!strcmp(key, "zone")) {
				if (parse_zone(ps, val, vcol, &op->zid))
					return -1;
				have_zone = 1;
			} else {
				return fail(ps, t[i].col, "unknown argument '%s' for drain", key);
			}
		}
		if (!have_cpu)
			return fail(ps, t[0].col, "drain needs cpu=N or cpu=all");
		if (op->has_node && !have_zone)
			return fail(ps, t[0].col, "drain node=N needs zone= too (without zone=, every zone is drained)");
		if (!have_zone)
			op->zid = -1;
		return 0;
	}
	case BF_OP_POKE:
		return parse_poke(ps, op);
	case BF_OP_IRQ:
		if (ps->nt != 3 || !kvc(&t[1], key, sizeof(key), &val, &vcol) || strcmp(key, "cpu"))
			return fail(ps, t[0].col, "usage: irq cpu=N on|off");
		if (parse_cpu(ps, val, vcol, 0, &op->cpu))
			return -1;
		if (strcmp(t[2].s, "on") && strcmp(t[2].s, "off"))
			return fail(ps, t[2].col, "expected on or off");
		op->value = !strcmp(t[2].s, "on");
		return 0;
	case BF_OP_TASKFLAGS:
		return parse_taskflags(ps, op);
	case BF_OP_TASK:
	case BF_OP_SET_MEMPOLICY:
		return parse_task_op(ps, op);
	case BF_OP_VMSTAT_UPDATE:
		if (ps->nt != 2 || !kvc(&t[1], key, sizeof(key), &val, &vcol) || strcmp(key, "cpu"))
			return fail(ps, t[0].col, "usage: vmstat_update cpu=N");
		return parse_cpu(ps, val, vcol, 0, &op->cpu);
	case BF_OP_SYSCTL:
		return parse_sysctl(ps, op);
	case BF_OP_VMSTAT_REFRESH:
	case BF_OP_CHECK:
		if (ps->nt != 1)
			return fail(ps, t[1].col, "%s takes no arguments", t[0].s);
		return 0;
	case BF_OP_DUMP:
		if (ps->nt != 2)
			return fail(ps, t[0].col, "usage: dump buddyinfo|pagetypeinfo|zoneinfo");
		if (!strcmp(t[1].s, "buddyinfo"))
			op->value = BF_DUMP_BUDDYINFO;
		else if (!strcmp(t[1].s, "pagetypeinfo"))
			op->value = BF_DUMP_PAGETYPEINFO;
		else if (!strcmp(t[1].s, "zoneinfo"))
			op->value = BF_DUMP_ZONEINFO;
		else
			return fail(ps, t[1].col, "unknown dump '%s'", t[1].s);
		return 0;
	case BF_OP_EXPECT:
		return parse_expect(ps, op);
	case BF_OP_FILL:
	case BF_OP_FRAGMENT:
	case BF_OP_FREE_ALL:
		return parse_pressure(ps, op);
	}
	return fail(ps, t[0].col, "internal: unhandled op");
}

/* Lines of an `expect <dump>` block up to `end`; *pos advances past it. */
static int read_block(struct parser *ps, const char *text, size_t *pos, struct bf_op *op)
{
	size_t cap = 256, len = 0;
	char *buf = malloc(cap);
	int start_line = ps->line;

	if (!buf)
		abort();
	buf[0] = 0;
	while (text[*pos]) {
		const char *l = text + *pos;
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		ps->line++;
		*pos += n + (nl ? 1 : 0);
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
			n--;
		if (n == 3 && !memcmp(l, "end", 3)) {
			op->expect.text = keep_string(ps->p, buf);
			free(buf);
			return 0;
		}
		while (len + n + 2 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		memcpy(buf + len, l, n);
		len += n;
		buf[len++] = '\n';
		buf[len] = 0;
	}
	free(buf);
	ps->line = start_line;
	return fail(ps, 1, "expect block is not closed with a line 'end'");
}

int bf_prog_parse(struct bf_prog *p, const char *name, const char *text, char *err, size_t errlen)
{
	struct parser ps = { .p = p, .name = name, .err = err, .errlen = errlen };
	size_t pos = 0;

	bf_prog_init(p);
	p->topo.nr_nodes = 0;
	p->topo.nr_cpus = 0;
	memset(p->topo.node, 0, sizeof(p->topo.node));
	while (text[pos]) {
		const char *l = text + pos;
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		ps.line++;
		pos += n + (nl ? 1 : 0);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)l[i] < 0x20 && l[i] != '\t' && l[i] != '\r')
				return fail(&ps, (int)i + 1, "control character in program text");
		if (tokenize(&ps, l, n))
			return -1;
		if (!ps.nt)
			continue;
		if (is_topology_keyword(ps.t[0].s) && !(ps.booted && !strcmp(ps.t[0].s, "sysctl"))) {
			if (ps.booted)
				return fail(&ps, ps.t[0].col, "topology line after the first operation");
			if (parse_topology_line(&ps))
				return -1;
			continue;
		}
		if (!ps.booted && finish_topology(&ps))
			return -1;
		if (parse_op(&ps))
			return -1;
		if (p->ops[p->nr_ops - 1].kind == BF_OP_EXPECT &&
		    bf_probe_is_dump(p->ops[p->nr_ops - 1].expect.probe) &&
		    read_block(&ps, text, &pos, &p->ops[p->nr_ops - 1]))
			return -1;
	}
	if (!ps.booted && finish_topology(&ps))
		return -1;
	return 0;
}

int bf_prog_parse_file(struct bf_prog *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;
	int rc;

	bf_prog_init(p);
	if (!f)
		return snprintf(err, errlen, "%s:0:0: cannot open: %s", path, strerror(errno)), -1;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return snprintf(err, errlen, "%s:0:0: cannot read", path), -1;
	}
	buf = malloc((size_t)size + 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		return snprintf(err, errlen, "%s:0:0: cannot read", path), -1;
	}
	fclose(f);
	buf[size] = 0;
	if (strlen(buf) != (size_t)size) {
		free(buf);
		return snprintf(err, errlen, "%s:1:1: NUL byte in program text", path), -1;
	}
	rc = bf_prog_parse(p, path, buf, err, errlen);
	free(buf);
	return rc;
}
