/*
 * gfp.c - gfp masks: gfp_zone() with GFP_ZONE_TABLE, gfp_migratetype(),
 * current_gfp_context(), and the name table used by programs and reports.
 *
 * Models include/linux/gfp.h and include/linux/sched/mm.h of v5.10.0.
 * A GFP_ZONE_BAD combination gets the non-DEBUG_VM verdict: the table slot
 * holds 0, so the zone is ZONE_DMA; the model records a WARN for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "debug.h"

/* gfp_zone_bad - the GFP_ZONE_BAD combinations gfp_zone() (internal.h) meets. */
void gfp_zone_bad(struct world *w, gfp_t flags)
{
	bf_warn(w, WARN_GFP_ZONE_BAD, flags, 0);
}


/* current_gfp_context - PF_MEMALLOC_NOIO drops IO|FS, PF_MEMALLOC_NOFS drops FS. */
gfp_t current_gfp_context(const struct context *cx, gfp_t flags)
{
	unsigned int pf = current_task(cx)->flags;

	if (pf & PF_MEMALLOC_NOIO)
		flags &= ~(__GFP_IO | __GFP_FS);
	else if (pf & PF_MEMALLOC_NOFS)
		flags &= ~__GFP_FS;
	return flags;
}

static const struct gfp_name {
	const char *name;
	gfp_t value;
	int composite;
} gfp_names[] = {
#define X(n, v) { #n, v, 1 },
	GFP_MASK_TABLE(X)
#undef X
#define X(n, v) { #n, v, 0 },
	GFP_FLAG_TABLE(X)
#undef X
	{ "__GFP_RECLAIM", __GFP_RECLAIM, 1 },
};
#define NR_GFP_NAMES (sizeof(gfp_names) / sizeof(gfp_names[0]))

int gfp_parse(const char *s, gfp_t *out, int *bad_at)
{
	gfp_t acc = 0;
	const char *p = s;

	for (;;) {
		const char *end = strchr(p, '|');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int found = 0;

		if (n == 0) {
			*bad_at = (int)(p - s);
			return -1;
		}
		if (n == 1 && p[0] == '0') {
			found = 1;      /* the empty mask, as gfp_format prints it */
		} else if (n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			char buf[32], *e;
			unsigned long v;

			if (n >= sizeof(buf))
				goto bad;
			memcpy(buf, p, n);
			buf[n] = 0;
			v = strtoul(buf, &e, 16);
			if (*e || v > 0xffffffffUL)
				goto bad;
			acc |= (gfp_t)v;
			found = 1;
		} else {
			for (size_t i = 0; i < NR_GFP_NAMES; i++) {
				if (strlen(gfp_names[i].name) == n && !memcmp(gfp_names[i].name, p, n)) {
					acc |= gfp_names[i].value;
					found = 1;
					break;
				}
			}
		}
		if (!found)
			goto bad;
		if (!end)
			break;
		p = end + 1;
	}
	*out = acc;
	return 0;
bad:
	*bad_at = (int)(p - s);
	return -1;
}

/* Greedy: the composite masks first (largest first as listed), then single bits. */
void gfp_format(gfp_t gfp, char *buf, unsigned long len)
{
	size_t used = 0;
	gfp_t left = gfp;

	buf[0] = 0;
	for (size_t i = 0; i < NR_GFP_NAMES && left; i++) {
		gfp_t v = gfp_names[i].value;
		int better = 0;

		if (!v || (left & v) != v)
			continue;
		if (gfp_names[i].composite) {
			/* take the widest composite that fits */
			for (size_t j = 0; j < NR_GFP_NAMES; j++)
				if (gfp_names[j].composite && (left & gfp_names[j].value) == gfp_names[j].value &&
				    (gfp_names[j].value & v) == v && gfp_names[j].value != v)
					better = 1;
			if (better)
				continue;
		}
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "|" : "", gfp_names[i].name);
		left &= ~v;
	}
	if (!gfp)
		snprintf(buf, len, "0");   /* 5.10 has no name for the empty mask */
	else if (left)
		snprintf(buf + used, used < len ? len - used : 0, "%s0x%x", used ? "|" : "", left);
}
