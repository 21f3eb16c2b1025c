/*
 * fuzz_common.c - the verdict shared by the fuzz targets (fuzz_common.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_common.h"
#include "core/inspect.h"

void bf_fuzz_abort(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void bf_fuzz_run_or_abort(struct bf_exec_ctx *c, const struct bf_prog *p, const struct bf_exec_opts *o,
			  struct bf_exec_result *r)
{
	if (bf_exec_ctx_run(c, p, o, r) == BF_EXEC_OK) {
		bf_fuzz_feedback(bf_exec_ctx_world(c));
		return;
	}
	if (r->status == BF_EXEC_DIVERGENCE) {
		bf_report_divergence(stderr, p, r, bf_exec_ctx_world(c), bf_exec_ctx_oracle(c));
	} else {
		/* the world's own invariant checker, or a decoder bug: findings too */
		fprintf(stderr, "%s: %s in op %d\n--- program\n",
			r->status == BF_EXEC_EXPECT_FAILED ? "INVARIANT" : "BAD-PROGRAM", r->msg, r->ops_run);
		bf_prog_print(p, stderr);
	}
	fflush(stderr);
	abort();
}

unsigned int bf_fuzz_fixes_from_env(void)
{
	const char *e = getenv("BF_FIXES");
	char buf[256], *save = NULL;
	unsigned int fixes = 0;

	if (!e || !*e)
		return 0;
	if (!strcmp(e, "all"))
		return BF_FIX(BF_NR_FIXES) - 1;
	snprintf(buf, sizeof(buf), "%s", e);
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int f = bf_name_index(bf_fix_names, BF_NR_FIXES, name);

		if (f < 0)
			bf_fuzz_abort("BF_FIXES: unknown fix '%s'", name);
		fixes |= BF_FIX(f);
	}
	return fixes;
}
