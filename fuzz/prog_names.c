/*
 * prog_names.c - name tables of the program format, generated from the
 * X-macro tables (op kinds, page fields, page flags, migratetypes, WARN
 * sites, events), so that parser, printer and reports agree.
 */
#include <string.h>
#include "fuzz/prog.h"
#include "core/inspect.h"

const char *const bf_op_names[BF_NR_OPS] = {
#define X(e, kw) kw,
	BF_OP_TABLE(X)
#undef X
};

const char *const bf_band_names[BF_NR_BANDS] = {
#define X(e, kw) kw,
	BF_BAND_TABLE(X)
#undef X
};

const char *const bf_frag_names[BF_NR_FRAGS] = {
#define X(e, kw) kw,
	BF_FRAG_TABLE(X)
#undef X
};

const char *const bf_cmp_names[BF_NR_CMPS] = { "==", "!=", "<", "<=", ">", ">=" };

static const char *const page_field_names[BF_NR_PAGE_FIELDS] = {
#define X(e, kw) kw,
	BF_PAGE_FIELD_TABLE(X)
#undef X
};

static const char *const pageflag_names[] = {
#define X(name) #name,
	PAGEFLAG_TABLE(X)
#undef X
};
#define NR_PAGEFLAG_NAMES ((int)(sizeof(pageflag_names) / sizeof(pageflag_names[0])))

int bf_pageflag_by_name(const char *s) { return bf_name_index(pageflag_names, NR_PAGEFLAG_NAMES, s); }

const char *bf_pageflag_name(int bit)
{
	return bit >= 0 && bit < NR_PAGEFLAG_NAMES ? pageflag_names[bit] : "?";
}

int bf_page_field_by_name(const char *s, int *flagbit)
{
	*flagbit = -1;
	for (int i = 0; i < BF_NR_PAGE_FIELDS; i++)
		if (i != PF_FLAG && !strcmp(s, page_field_names[i]))
			return i;
	*flagbit = bf_pageflag_by_name(s);
	return *flagbit >= 0 ? PF_FLAG : -1;
}

/* bf_name_index - position of s in a name table, or -1. */
int bf_name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -1;
}

int bf_migratetype_by_name(const char *s) { return bf_name_index(migratetype_names, MIGRATE_TYPES, s); }
int bf_warn_by_name(const char *s) { return bf_name_index(bf_warn_names, NR_WARN_SITES, s); }
int bf_event_by_name(const char *s) { return bf_name_index(bf_event_names, NR_EVENT_KINDS, s); }
