/*
 * explain.h - the --explain trace (model instrumentation, not in 5.10): the
 * path of one call through the allocator, every modelled kernel function
 * entered with the arguments that matter, every decision with the values it
 * was made on.  Plain text, indented by call depth, each function line
 * naming the 5.10 function; no addresses, so tests can compare it.
 *
 * Off (w->explain NULL) a probe costs a load and a predicted branch; the
 * argument formatting happens only when on.  The sink is the caller's
 * (world_explain_set in mm.h), not world state: snapshots do not keep it.
 */
#ifndef BF_CORE_EXPLAIN_H
#define BF_CORE_EXPLAIN_H

#include "gfp.h"

struct world;

struct bf_explain {
	char *buf;            /* the lines, NUL-terminated; malloc'd, grown as needed */
	size_t len, cap;
	int depth;            /* of the function entered last */
	int truncated;        /* lines dropped past BF_EXPLAIN_MAX */
	char gfp[200], flags[160];  /* the decoders' output (one of each per line) */
};

#define BF_EXPLAIN_MAX (4UL << 20)   /* bytes of one trace; a long slow path loops */

/* cold: the compiler keeps the probes' argument code out of the hot paths */
void explain_line(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3), cold));
struct bf_explain *explain_enter(struct world *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), cold));

/* A decision or a fact, one level below the function it happens in. */
#define explain(w, ...)                                        \
	do {                                                   \
		if (__builtin_expect((w)->explain != NULL, 0)) \
			explain_line((w), __VA_ARGS__);        \
	} while (0)

/*
 * A function entered: its line, and what it explains until it returns
 * (the scope's cleanup) one level deeper.  Once per function, after its
 * declarations.
 */
struct explain_scope {
	struct bf_explain *x;
};

static inline void explain_leave(struct explain_scope *s)
{
	if (__builtin_expect(s->x != NULL, 0))
		s->x->depth--;
}

#define explain_fn(w, ...)                                                                      \
	struct explain_scope explain_scope_ __attribute__((cleanup(explain_leave), unused)) = {      \
		__builtin_expect((w)->explain != NULL, 0) ? explain_enter((w), __VA_ARGS__) : NULL \
	}

/* Decoders for the lines (explain.c), only while explaining: into the sink's buffers. */
const char *explain_gfp(struct world *w, gfp_t gfp) __attribute__((cold));
const char *explain_alloc_flags(struct world *w, unsigned int flags) __attribute__((cold));

#endif
