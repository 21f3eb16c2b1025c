/*
 * exec_internal.h - executor state shared by exec.c (operations) and
 * exec_expect.c (expectations).  Not a public boundary.
 */
#ifndef BF_FUZZ_EXEC_INTERNAL_H
#define BF_FUZZ_EXEC_INTERNAL_H

#include "fuzz/exec.h"
#include "core/inspect.h"
#include "oracle/oracle.h"

enum bf_hkind { H_EMPTY, H_FAILED, H_BLOCK, H_SPLIT, H_EXACT };

struct bf_hstate {
	enum bf_hkind kind;
	unsigned long pfn;
	unsigned int order;
	int compound;
	int refs;                          /* references the program holds */
	unsigned long size;                /* alloc_exact */
	unsigned long alive[MAX_ORDER_NR_PAGES / 64];  /* pieces after split / exact */
};

struct bf_exec {
	const struct bf_prog *p;
	const struct bf_exec_opts *o;
	struct bf_exec_result *r;
	struct world *w;
	struct bf_hstate *h;
	const struct bf_op *op;
	int op_index;
	struct bf_oracle *oracle;          /* NULL: no oracle */
	int skip;                          /* lenient: the current op was rejected, skip it */
};

/*
 * Around every call into the world: tell the oracle what is about to happen,
 * then what happened.  bf_exec_after returns -1 (status set) on a divergence.
 */
void bf_exec_before(struct bf_exec *x, const struct bf_oracle_op *oop);
int bf_exec_after(struct bf_exec *x, struct bf_oracle_op *oop);

int bf_exec_fail(struct bf_exec *x, enum bf_exec_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int bf_exec_expect(struct bf_exec *x, const struct bf_op *op);
void bf_exec_dump(const struct world *w, int which, FILE *f);

#endif /* BF_FUZZ_EXEC_INTERNAL_H */
