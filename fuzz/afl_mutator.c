/*
 * afl_mutator.c - the AFL++ custom mutator library (AFL_CUSTOM_MUTATOR_LIBRARY)
 * over the same C mutator as libFuzzer's hooks (fuzz/mutate.c), following
 * the AFL++ 4.04c custom mutator API:
 *   afl_custom_init      one instance per afl-fuzz, seeded from afl-fuzz's seed;
 *   afl_custom_fuzz      mutate buf (or cross it with add_buf, the splice
 *                        partner AFL++ passes) into the instance's own out
 *                        buffer -- AFL++ reads *out_buf and never frees it; the
 *                        output never exceeds max_size;
 *   afl_custom_describe  the operator that made the last output (AFL++ puts it
 *                        in the queue file name), so the corpus records how
 *                        each input was produced;
 *   afl_custom_deinit    frees the instance.
 * No global state: everything lives in the instance afl_custom_init returns.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/mutate.h"

struct bf_afl {
	struct bf_mutator *m;
	uint8_t *out;
	size_t out_cap;
	unsigned long calls;
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, unsigned char *buf, size_t buf_size, unsigned char **out_buf,
		       unsigned char *add_buf, size_t add_buf_size, size_t max_size);
const char *afl_custom_describe(void *data, size_t max_description_len);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct bf_afl *a = calloc(1, sizeof(*a));

	(void)afl;
	if (!a)
		return NULL;
	a->m = bf_mutator_new(seed);
	if (!a->m) {
		free(a);
		return NULL;
	}
	return a;
}

size_t afl_custom_fuzz(void *data, unsigned char *buf, size_t buf_size, unsigned char **out_buf,
		       unsigned char *add_buf, size_t add_buf_size, size_t max_size)
{
	struct bf_afl *a = data;
	size_t n;

	if (max_size > a->out_cap) {
		uint8_t *o = realloc(a->out, max_size);

		if (!o) {
			*out_buf = buf;  /* keep going with the input unchanged */
			return buf_size;
		}
		a->out = o;
		a->out_cap = max_size;
	}
	a->calls++;
	/* one call in eight crosses with AFL++'s splice partner, when it gives one */
	if (add_buf && add_buf_size && (a->calls & 7) == 0) {
		n = bf_crossover(a->m, buf, buf_size, add_buf, add_buf_size, a->out, max_size);
		if (n) {
			*out_buf = a->out;
			return n;
		}
	}
	n = buf_size < max_size ? buf_size : max_size;
	memcpy(a->out, buf, n);
	n = bf_mutate(a->m, a->out, n, max_size);
	*out_buf = a->out;
	return n;
}

const char *afl_custom_describe(void *data, size_t max_description_len)
{
	struct bf_afl *a = data;
	const char *name = bf_mutator_last(a->m);

	return strlen(name) <= max_description_len ? name : "";
}

void afl_custom_deinit(void *data)
{
	struct bf_afl *a = data;

	if (!a)
		return;
	bf_mutator_free(a->m);
	free(a->out);
	free(a);
}
