/*
 * diff_config.c - the side B a build was configured with (CMake
 * -DBF_DIFF_PATCH=FILE): that patch's side library, built by
 * scripts/diff-side at build time (BF_DIFF_SIDE_SO names it); without one,
 * 5.10.0 with every upstream fix on (no second build: the same core, other
 * world options), so fuzz_diff is useful out of the box.  At run time
 * BF_DIFF_SIDE=LIB (a library scripts/diff-side built; BF_DIFF_SIDE_NAME
 * names it) or BF_DIFF_FIXES=all|NAME,... override the build's choice: the
 * campaign's --against sets them for the fuzzers and triage alike.  Compiled into each
 * executable that needs it, since only those carry the path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/mm.h"
#include "fuzz/diff.h"
#include "fuzz/prog.h"

/* BF_DIFF_FIXES=all or NAME,NAME,...: the fixes' bits, or -1 naming the unknown one in err. */
static long fixes_from(const char *v, char *err, size_t len)
{
	unsigned int fixes = 0;
	char buf[256], *tok, *save = NULL;

	if (!strcmp(v, "all"))
		return (1u << BF_NR_FIXES) - 1;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int f = bf_name_index(bf_fix_names, BF_NR_FIXES, tok);

		if (f < 0) {
			snprintf(err, len, "BF_DIFF_FIXES: unknown fix '%s'", tok);
			return -1;
		}
		fixes |= 1u << f;
	}
	return fixes;
}

int bf_diff_side_configured(struct bf_diff_side *s, char *err, size_t len)
{
	/* the campaign's --against: a side library, or fixes, for this run (env wins over the build) */
	const char *so = getenv("BF_DIFF_SIDE"), *fx = getenv("BF_DIFF_FIXES");

	if (so && *so)
		return bf_diff_side_load(s, so, getenv("BF_DIFF_SIDE_NAME") ? getenv("BF_DIFF_SIDE_NAME") : so, err, len);
	if (fx && *fx) {
		long f = fixes_from(fx, err, len);
		char name[300];

		if (f < 0)
			return -1;
		snprintf(name, sizeof(name), "5.10.0 with %s", fx);
		return bf_diff_side_builtin(s, (unsigned int)f, name);
	}
#ifdef BF_DIFF_SIDE_SO
	return bf_diff_side_load(s, BF_DIFF_SIDE_SO, "patch " BF_DIFF_PATCH_NAME, err, len);
#else
	char name[256] = "5.10.0 with every upstream fix on:";

	(void)err;
	(void)len;
	for (int i = 0; i < BF_NR_FIXES; i++)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), " %s", bf_fix_names[i]);
	return bf_diff_side_builtin(s, (1u << BF_NR_FIXES) - 1, name);
#endif
}
