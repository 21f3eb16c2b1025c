/*
 * exec_internal.h - executor state shared by exec.c (operations) and
 * exec_expect.c (expectations).  Not a public boundary.
 */
#ifndef BF_FUZZ_EXEC_INTERNAL_H
#define BF_FUZZ_EXEC_INTERNAL_H

#include <stdint.h>
#include "fuzz/exec.h"
#include "core/inspect.h"
#include "core/explain.h"
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

/* A block a fill allocated: the program holds it under no name (fragment, free_all). */
struct bf_pool_block {
	unsigned long pfn;
	unsigned int order;
	int nid, zid;                      /* where it landed */
};
struct bf_pool {
	struct bf_pool_block *b;           /* in allocation order */
	int n, cap;
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
	struct bf_pool *pool;
	struct bf_explain explain;         /* --explain: the current op's path (opts.explain) */
	int explaining;
	int last_errno;                    /* the last set_mempolicy's errno, positive (expect errno) */
};

/*
 * Around every call into the world: tell the oracle what is about to happen,
 * then what happened.  bf_exec_after returns -1 (status set) on a divergence.
 */
void bf_exec_before(struct bf_exec *x, const struct bf_oracle_op *oop);
int bf_exec_after(struct bf_exec *x, struct bf_oracle_op *oop);

/* world_cache.c: booted worlds and their snapshots, by topology */
/*
 * Fuzz worlds are at most 32 pageblocks: a 1 MiB memmap, kept twice (world
 * and image).  A fuzzer's corpus holds many topologies, seeds alone 22, so
 * the cache holds 64 (at most 256 MiB in all) and evicts the least recently
 * used.
 */
#define BF_WORLD_SLOTS 64
#define BF_WORLD_CACHE_MAX_PAGEBLOCKS 64

struct bf_world_slot {
	uint64_t key;                      /* hash of topo: most lookups compare only this */
	struct bf_topology topo;
	struct world *w;                   /* NULL: empty slot */
	struct world_snapshot *snap;       /* w right after boot */
	unsigned long used;                /* clock of its last use (LRU) */
};

struct bf_world_cache {
	struct bf_world_slot slot[BF_WORLD_SLOTS];
	struct bf_world_slot *cur;         /* the slot of the world last handed out, or NULL */
	struct world *scratch;             /* worlds too big to cache, booted every time */
	unsigned long clock, boots, restores;
};

/*
 * A world in t's boot state: restored from its snapshot, else booted (and
 * snapshotted).  NULL with the reason in err on a bad topology.  The world
 * stays the cache's; detach takes it out of the cache (the caller destroys it).
 */
struct world *bf_world_cache_get(struct bf_world_cache *c, const struct bf_topology *t, char *err, size_t len);
struct bf_world_slot *bf_world_cache_find(struct bf_world_cache *c, const struct bf_topology *t);
struct world *bf_world_cache_detach(struct bf_world_cache *c, struct world *w);
void bf_world_cache_free(struct bf_world_cache *c);

int bf_exec_fail(struct bf_exec *x, enum bf_exec_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int bf_exec_expect(struct bf_exec *x, const struct bf_op *op);
/* exec.c's checked steps, which the pressure ops repeat */
int bf_exec_check_cpu(struct bf_exec *x, int cpu);
int bf_exec_free_pages(struct bf_exec *x, int cpu, unsigned long pfn, unsigned int order);
int bf_exec_op_free(struct bf_exec *x, const struct bf_op *op);
void bf_exec_trace(struct bf_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* exec_pressure.c: fill, fragment, free_all, and what `expect band|pool` read */
int bf_exec_pressure(struct bf_exec *x, const struct bf_op *op);
enum bf_band bf_exec_band(const struct world *w, int nid, int zid);
long bf_exec_pool_count(const struct bf_exec *x, int has_zone, int nid, int zid);
void bf_exec_dump(const struct world *w, int which, FILE *f);

#endif /* BF_FUZZ_EXEC_INTERNAL_H */
