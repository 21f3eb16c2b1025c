/*
 * div_names.c - the divergence kinds' names and meanings, generated once from
 * BF_DIV_TABLE (oracle.h); reports, signatures and --help read these.
 */
#include <string.h>
#include "oracle/oracle.h"

const char *const bf_div_names[BF_NR_DIVS] = {
#define X(e, name, meaning) name,
	BF_DIV_TABLE(X)
#undef X
};

const char *const bf_div_meanings[BF_NR_DIVS] = {
#define X(e, name, meaning) meaning,
	BF_DIV_TABLE(X)
#undef X
};

int bf_div_by_name(const char *name)
{
	if (!strncmp(name, "accounting:", 11))
		return BF_DIV_ACCOUNTING;
	for (int i = 0; i < BF_NR_DIVS; i++) {
		size_t n = strlen(bf_div_names[i]);

		if (!strncmp(name, bf_div_names[i], n) && (!name[n] || name[n] == ':'))   /* wrong-node:policy */
			return i;
	}
	return -1;
}
