/*
 * bf-replay - run a .bfp program: exit 0 when every expectation holds, 1 when
 * one fails (printing which, with the world's dumps), 2 on bad input.
 *   --trace  print each op and its result, and the trace hash
 *   --dump   print the /proc-style dumps at the end
 *   --check  run the invariant checker after every op (default in debug builds)
 */
#include <stdio.h>
#include <string.h>
#include "fuzz/exec.h"
#include "core/inspect.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: bf-replay [--trace] [--dump] [--check] FILE.bfp\n");
}

int main(int argc, char **argv)
{
	struct bf_exec_opts o = { 0 };
	struct bf_exec_result r;
	struct bf_prog p;
	struct world *w = NULL;
	const char *path = NULL;
	char err[1024];
	int dump = 0;

#ifdef BF_DEBUG_VM
	o.check_every_op = 1;
#endif
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--trace"))
			o.trace = stdout;
		else if (!strcmp(argv[i], "--dump"))
			dump = 1;
		else if (!strcmp(argv[i], "--check"))
			o.check_every_op = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), 0;
		else if (argv[i][0] == '-' || path)
			return usage(stderr), 2;
		else
			path = argv[i];
	}
	if (!path)
		return usage(stderr), 2;
	if (bf_prog_parse_file(&p, path, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		bf_prog_free(&p);
		return 2;
	}
	bf_exec(&p, &o, &r, &w);
	if (o.trace)
		printf("trace-hash: %016lx (%d ops)\n", r.trace_hash, r.ops_run);
	if (r.status != BF_EXEC_OK) {
		fprintf(stderr, "%s:%d:1: %s\n", path, r.line, r.msg);
		if (w && r.status == BF_EXEC_EXPECT_FAILED) {
			fprintf(stderr, "--- /proc/buddyinfo\n");
			bf_dump_buddyinfo(w, stderr);
			fprintf(stderr, "--- /proc/pagetypeinfo\n");
			bf_dump_pagetypeinfo(w, stderr);
		}
	}
	if (dump && w) {
		printf("--- /proc/buddyinfo\n");
		bf_dump_buddyinfo(w, stdout);
		printf("--- /proc/pagetypeinfo\n");
		bf_dump_pagetypeinfo(w, stdout);
		printf("--- /proc/zoneinfo\n");
		bf_dump_zoneinfo(w, stdout);
	}
	world_destroy(w);
	bf_prog_free(&p);
	return (int)r.status;
}
