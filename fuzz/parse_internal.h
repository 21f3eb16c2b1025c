/*
 * parse_internal.h - shared by the .bfp parser's files (prog_parse.c: lines,
 * tokens and operations; parse_topo.c: the topology block and sysctls;
 * parse_expect.c: expectations).  Not a public boundary.
 */
#ifndef BF_FUZZ_PARSE_INTERNAL_H
#define BF_FUZZ_PARSE_INTERNAL_H

#include <stddef.h>
#include "fuzz/prog.h"

#define MAX_TOKENS 32

struct tok {
	char s[256];
	int col;
};

struct parser {
	struct bf_prog *p;
	const char *name;
	int line;
	char *err;
	size_t errlen;
	int booted;               /* an op has been seen: topology is closed */
	int saw_topology;
	int node_seen[BF_MAX_NODES];
	int node_line[BF_MAX_NODES];  /* where each node was declared, for late errors */
	struct tok t[MAX_TOKENS];
	int nt;
};

int fail(struct parser *ps, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int parse_num(struct parser *ps, const char *s, int col, unsigned long max, unsigned long *out);
int parse_snum(struct parser *ps, const char *s, int col, long *out, int *big);
unsigned long bf_strtoul(const char *s, char **end);
int split_list(struct parser *ps, const char *val, int col, const char *seps,
	       int (*fn)(struct parser *ps, const char *item, int col, void *arg), void *arg);
int kv(struct tok *t, char *key, size_t klen, const char **val);
int kvc(struct tok *t, char *key, size_t klen, const char **val, int *vcol);
int parse_cpu(struct parser *ps, const char *v, int col, int allow_all, int *cpu);
int parse_zone(struct parser *ps, const char *v, int col, int *zid);
int parse_handle_ref(struct parser *ps, const char *s, int col, int *handle, int *piece);
const char *keep_string(struct bf_prog *p, const char *s);
struct bf_op *new_op(struct parser *ps, enum bf_op_kind kind);

/* parse_topo.c */
int is_topology_keyword(const char *s);
int parse_topology_line(struct parser *ps);
int finish_topology(struct parser *ps);
int parse_sysctl(struct parser *ps, struct bf_op *op);
int parse_taskflags(struct parser *ps, struct bf_op *op);
int parse_poke(struct parser *ps, struct bf_op *op);

/* parse_pressure.c: fill, fragment, free_all */
int parse_pressure(struct parser *ps, struct bf_op *op);

/* parse_task.c: task, set_mempolicy; task= of alloc */
int parse_task_op(struct parser *ps, struct bf_op *op);
int parse_task_id(struct parser *ps, const char *v, int col, int *task);

/* parse_expect.c */
int parse_expect(struct parser *ps, struct bf_op *op);
int is_probe_keyword(const char *s);

#endif /* BF_FUZZ_PARSE_INTERNAL_H */
