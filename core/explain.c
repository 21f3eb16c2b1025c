/*
 * explain.c - the --explain sink and its decoders (model instrumentation,
 * not in 5.10; explain.h says what the trace is).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "explain.h"

static void put(struct bf_explain *x, int depth, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (x->truncated)
		return;
	for (;;) {
		size_t room = x->cap - x->len;

		va_copy(aq, ap);
		n = room ? snprintf(x->buf + x->len, room, "%*s", 2 * depth, "") : 0;
		if (n >= 0 && (size_t)n < room)
			n += vsnprintf(x->buf + x->len + n, room - (size_t)n, fmt, aq);
		va_end(aq);
		if (n >= 0 && (size_t)n + 1 < room) {
			x->len += (size_t)n;
			x->buf[x->len++] = '\n';
			x->buf[x->len] = 0;
			return;
		}
		if (x->cap >= BF_EXPLAIN_MAX) {
			x->truncated = 1;
			return;
		}
		{
			size_t cap = x->cap ? 2 * x->cap : 4096;
			char *b = realloc(x->buf, cap);

			if (!b) {
				x->truncated = 1;
				return;
			}
			x->buf = b;
			x->cap = cap;
			if (!x->len)
				b[0] = 0;
		}
	}
}

void explain_line(struct world *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put(w->explain, w->explain->depth + 1, fmt, ap);
	va_end(ap);
}

struct bf_explain *explain_enter(struct world *w, const char *fmt, ...)
{
	struct bf_explain *x = w->explain;
	va_list ap;

	va_start(ap, fmt);
	put(x, ++x->depth, fmt, ap);
	va_end(ap);
	return x;
}

const char *explain_gfp(struct world *w, gfp_t gfp)
{
	gfp_format(gfp, w->explain->gfp, sizeof(w->explain->gfp));
	return w->explain->gfp;
}

const char *explain_alloc_flags(struct world *w, unsigned int flags)
{
	char *buf = w->explain->flags;
	size_t len = sizeof(w->explain->flags);
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ ALLOC_NO_WATERMARKS, "ALLOC_NO_WATERMARKS" }, { ALLOC_OOM, "ALLOC_OOM" },
		{ ALLOC_HARDER, "ALLOC_HARDER" }, { ALLOC_HIGH, "ALLOC_HIGH" }, { ALLOC_CPUSET, "ALLOC_CPUSET" },
		{ ALLOC_CMA, "ALLOC_CMA" }, { ALLOC_NOFRAGMENT, "ALLOC_NOFRAGMENT" }, { ALLOC_KSWAPD, "ALLOC_KSWAPD" },
	};
	static const char *const wmark[] = { "ALLOC_WMARK_MIN", "ALLOC_WMARK_LOW", "ALLOC_WMARK_HIGH", "?" };
	size_t used = (size_t)snprintf(buf, len, "%s", wmark[flags & ALLOC_WMARK_MASK]);
	unsigned int left = flags & ~(unsigned int)ALLOC_WMARK_MASK;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (left & names[i].bit) {
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "|%s", names[i].name);
			left &= ~names[i].bit;
		}
	if (left)
		snprintf(buf + used, used < len ? len - used : 0, "|0x%x", left);
	return buf;
}
