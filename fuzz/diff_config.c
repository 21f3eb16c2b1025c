/*
 * diff_config.c - the side B a build was configured with (CMake
 * -DBF_DIFF_PATCH=FILE): that patch's side library, built by
 * scripts/diff-side at build time (BF_DIFF_SIDE_SO names it); without one,
 * 5.10.0 with every upstream fix on (no second build: the same core, other
 * world options), so fuzz_diff is useful out of the box.  Compiled into each
 * executable that needs it, since only those carry the path.
 */
#include <string.h>
#include "core/mm.h"
#include "fuzz/diff.h"

int bf_diff_side_configured(struct bf_diff_side *s, char *err, size_t len)
{
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
