/*
 * debug.h - recording WARNs, bad_page() reports and events into the world.
 */
#ifndef BF_CORE_DEBUG_H
#define BF_CORE_DEBUG_H

#include "internal.h"

void bf_warn(struct world *w, enum bf_warn_site site, gfp_t gfp, unsigned int order);
void bf_event(struct world *w, enum bf_event_kind kind, int nid, int zone, int order, int highest_zoneidx);
void bad_page(struct world *w, struct page *page, const char *reason);

#endif /* BF_CORE_DEBUG_H */
