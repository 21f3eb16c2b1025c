/*
 * mutate.h - the structure-aware mutator on binary programs, one C
 * implementation behind libFuzzer's LLVMFuzzerCustomMutator /
 * LLVMFuzzerCustomCrossOver (fuzz/fuzz_ops.c) and the AFL++ custom mutator
 * library (fuzz/afl_mutator.c).
 *
 * Each call decodes the input (decoding is total), applies one operator from
 * a closed table to the program -- insert, delete, duplicate or swap ops,
 * tweak an order, gfp, cpu, node, handle, value or topology field, splice
 * with another program -- and re-encodes it with the folding encoder, never
 * past max_size.  Every output decodes to a valid program.  The instance owns
 * its PRNG (never rand()), its buffers and its statistics: no global state.
 */
#ifndef BF_FUZZ_MUTATE_H
#define BF_FUZZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/* X(name): the operators, in table order. */
#define BF_MUTATOR_TABLE(X) \
	X(insert_op)        \
	X(delete_op)        \
	X(delete_range)     \
	X(duplicate_op)     \
	X(swap_ops)         \
	X(move_op)          \
	X(tweak_order)      \
	X(tweak_gfp)        \
	X(tweak_cpu)        \
	X(tweak_node)       \
	X(tweak_handle)     \
	X(tweak_value)      \
	X(tweak_topology)   \
	X(splice)

enum bf_mutator_op {
#define X(name) BF_MUT_##name,
	BF_MUTATOR_TABLE(X)
#undef X
	BF_NR_MUTATORS
};

struct bf_mutator;

struct bf_mutator *bf_mutator_new(unsigned int seed);
void bf_mutator_free(struct bf_mutator *m);
/* Restart the PRNG: same seed, same inputs in the same order -> same outputs. */
void bf_mutator_seed(struct bf_mutator *m, unsigned int seed);

/*
 * Mutate data[0..size) in place (data holds max_size bytes); returns the new
 * size, 1..max_size (0 only if max_size cannot hold a topology header).
 * The previous input is kept as the partner of the splice operator.
 */
size_t bf_mutate(struct bf_mutator *m, uint8_t *data, size_t size, size_t max_size);
/* Cross-over: ops prefix of d1 + ops suffix of d2 (topology of one of them) into out. */
size_t bf_crossover(struct bf_mutator *m, const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
		    uint8_t *out, size_t max_out);
/* Apply one given operator; 0 if it does not apply to this input (tests). */
size_t bf_mutate_with(struct bf_mutator *m, enum bf_mutator_op op, uint8_t *data, size_t size, size_t max_size);

/* What produced the last output, and how often each operator was applied. */
const char *bf_mutator_last(const struct bf_mutator *m);
const char *bf_mutator_name(enum bf_mutator_op op);
unsigned long bf_mutator_count(const struct bf_mutator *m, enum bf_mutator_op op);

#endif /* BF_FUZZ_MUTATE_H */
