/*
 * names.c - the name tables of the closed sets, generated once from their
 * X-macro tables: migratetypes (/proc/pagetypeinfo), zones (zone_names[] of
 * page_alloc.c), zone and NUMA counters (vmstat_text), WARN sites, events,
 * upstream fixes.
 * Dumps, the checker, the inspection API and the program format use these.
 */
#include <stdio.h>
#include "internal.h"

const char *const migratetype_names[MIGRATE_TYPES] = {
#define X(e, name, letter) [e] = name,
	MIGRATE_TYPE_TABLE(X)
#undef X
};

const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable" };

const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
#define X(e, name) [e] = name,
	ZONE_STAT_TABLE(X)
#undef X
};

const char *const numa_stat_names[NR_VM_NUMA_STAT_ITEMS] = {
#define X(e, name) [e] = name,
	NUMA_STAT_TABLE(X)
#undef X
};

const char *const bf_warn_names[NR_WARN_SITES] = {
#define X(e, name, site) name,
	WARN_SITE_TABLE(X)
#undef X
};

const char *const bf_warn_sites[NR_WARN_SITES] = {
#define X(e, name, site) site,
	WARN_SITE_TABLE(X)
#undef X
};

const char *const bf_event_names[NR_EVENT_KINDS] = {
#define X(e, name) name,
	EVENT_TABLE(X)
#undef X
};

const char *const bf_fix_names[BF_NR_FIXES] = {
#define X(e, name, commit, introduced) name,
	BF_FIX_TABLE(X)
#undef X
};

const char *const bf_fix_commits[BF_NR_FIXES] = {
#define X(e, name, commit, introduced) commit,
	BF_FIX_TABLE(X)
#undef X
};

const char *const bf_fix_introduced[BF_NR_FIXES] = {
#define X(e, name, commit, introduced) introduced,
	BF_FIX_TABLE(X)
#undef X
};

static const char *const testcase_names[] = {
#define X(e, name) name,
	TESTCASE_TABLE(X)
#undef X
#define X(e, name) name,
	STATE_FEATURE_TABLE(X)
#undef X
};

const char *bf_feature_name(int i, char *buf, unsigned long len)
{
	static const char *const band[4] = { "below min", "min..low", "low..high", "at or above high" };

	if (i < 0 || i >= NR_FEATURES)
		return "?";
	if (i < FEAT_WMARK_BAND)
		return testcase_names[i];
	if (i < FEAT_LIST_FILLED)
		snprintf(buf, len, "wmark band: %s free pages %s", zone_names[(i - FEAT_WMARK_BAND) / 4],
			 band[(i - FEAT_WMARK_BAND) % 4]);
	else if (i < FEAT_LIST_EMPTIED)
		snprintf(buf, len, "free list: %s order %d became non-empty", zone_names[(i - FEAT_LIST_FILLED) / MAX_ORDER],
			 (i - FEAT_LIST_FILLED) % MAX_ORDER);
	else
		snprintf(buf, len, "free list: %s order %d became empty", zone_names[(i - FEAT_LIST_EMPTIED) / MAX_ORDER],
			 (i - FEAT_LIST_EMPTIED) % MAX_ORDER);
	return buf;
}
