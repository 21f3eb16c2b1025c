/*
 * diff_side.c - one side of a differential run (diff.h): run a program with
 * the executor and, after every op, reduce what the world shows to one
 * digest per channel; or, asked to describe op K, write the same
 * observations as text lines.  Both come from the same emitters (PUT), so
 * two sides' digests differ exactly when their descriptions do.
 *
 * This file is compiled into every side: into bfprog as side A, and by
 * scripts/diff-side into a side-B shared library with
 * -DBF_DIFF_SIDE_ENTRY=bf_diff_side_b and everything else hidden.
 */
#include <stdlib.h>
#include <string.h>
#include "core/inspect.h"
#include "fuzz/diff.h"
#include "fuzz/exec.h"

#ifndef BF_DIFF_SIDE_ENTRY
#define BF_DIFF_SIDE_ENTRY bf_diff_side_a
#endif

const char *const bf_diff_channel_names[BF_DIFF_NR_CH] = {
#define X(e, name) name,
	BF_DIFF_CHANNEL_TABLE(X)
#undef X
};

/* Where one channel's observations go: a digest, or text lines when f is set. */
struct sink {
	FILE *f;
	uint64_t h;
};

static void mix(struct sink *s, unsigned long v)
{
	s->h = (s->h ^ v) * 0x100000001b3UL;
	s->h ^= s->h >> 29;
}

/* One observation: its value mixed into the digest, or "<label>: <value>" printed. */
#define PUT_(s, fmtv, v, ...)                                          \
	do {                                                           \
		if ((s)->f) {                                          \
			fprintf((s)->f, __VA_ARGS__);                  \
			fprintf((s)->f, ": " fmtv "\n", (unsigned long)(v)); \
		} else {                                               \
			mix((s), (unsigned long)(v));                  \
		}                                                      \
	} while (0)
#define PUT(s, v, ...) PUT_(s, "%lu", v, __VA_ARGS__)
#define PUTX(s, v, ...) PUT_(s, "0x%lx", v, __VA_ARGS__)

/* A text observation: printed as is, its characters mixed in. */
static void put_text(struct sink *s, const char *label, const char *text)
{
	if (s->f) {
		fprintf(s->f, "%s: %s\n", label, text ? text : "(none)");
		return;
	}
	for (const char *c = text ? text : ""; *c; c++)
		mix(s, (unsigned char)*c);
	mix(s, 0);
}

struct side {
	struct bf_exec_ctx *ctx;
	const struct bf_diff_run_opts *o;
	struct bf_diff_obs *out;
	int nr_ops;
	unsigned long nr_ev, nr_bad;       /* records already seen */
};

static const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
#define X(e, name) name,
	VM_EVENT_TABLE(X)
#undef X
};

static const char *const hkind_names[] = { "empty", "failed", "block", "split", "exact" };

static void ch_result(struct sink *s, const struct bf_exec_step *st)
{
	int nid = -1, zid = -1;

	if (st->hkind < 0)
		return;
	if (st->pfn != NO_PFN && st->hkind != 1)
		bf_pfn_zone(st->w, st->pfn, &nid, &zid);
	put_text(s, "returned", st->hkind == 1 ? "NULL" : "pages");
	PUT(s, nid, "node");
	put_text(s, "zone", zid >= 0 ? bf_zone_name(zid) : "-");
	PUTX(s, st->pfn, "pfn");
	PUT(s, st->order, "order");
	PUT(s, st->refs, "refs");
	put_text(s, "handle", hkind_names[st->hkind]);
}

/*
 * Every struct page of the block the op's handle holds (after an alloc: what
 * prep_new_page and prep_compound_page left): the fields, with the tail's
 * compound_head as the head's pfn (the raw word is an address).
 */
static void ch_pages(struct sink *s, const struct bf_exec_step *st)
{
	struct bf_page_info head;

	if (st->hkind < 2 || st->pfn == NO_PFN || st->order >= MAX_ORDER)
		return;
	bf_page_info(st->w, st->pfn, &head);
	for (unsigned long i = 0; i < 1UL << st->order; i++) {
		struct bf_page_info pi;

		bf_page_info(st->w, st->pfn + i, &pi);
		/*
		 * page[1]'s compound fields and page[2]'s pincount overlay list
		 * pointers (addresses) unless the block is a compound page
		 */
		if (!head.head || i == 0 || i > 2) {
			pi.compound_dtor = pi.compound_order = 0;
			pi.compound_mapcount = 0;
			pi.compound_nr = 0;
			pi.hpage_pinned_refcount = 0;
		} else if (i == 1) {
			pi.hpage_pinned_refcount = 0;
		} else {
			pi.compound_dtor = pi.compound_order = 0;
			pi.compound_mapcount = 0;
			pi.compound_nr = 0;
		}
		PUTX(s, pi.flags, "page +%lu flags", i);
		PUT(s, (unsigned)pi.mapcount, "page +%lu mapcount", i);
		PUT(s, (unsigned)pi.refcount, "page +%lu refcount", i);
		PUTX(s, pi.private_, "page +%lu private", i);
		PUTX(s, pi.index, "page +%lu index", i);
		PUTX(s, pi.mapping, "page +%lu mapping", i);
		PUTX(s, pi.memcg, "page +%lu memcg", i);
		PUTX(s, pi.head_pfn, "page +%lu compound head pfn", i);
		PUT(s, pi.compound_dtor | (unsigned)pi.compound_order << 8, "page +%lu compound dtor|order<<8", i);
		PUT(s, (unsigned)pi.compound_mapcount, "page +%lu compound_mapcount", i);
		PUT(s, pi.compound_nr, "page +%lu compound_nr", i);
		PUT(s, (unsigned)pi.hpage_pinned_refcount, "page +%lu hpage_pinned_refcount", i);
		PUT(s, pi.buddy | pi.guard << 1 | pi.head << 2 | pi.tail << 3, "page +%lu buddy|guard|head|tail", i);
	}
}

static void ch_warn(struct sink *s, const struct bf_records *rec)
{
	for (int i = 0; i < NR_WARN_SITES; i++)
		PUT(s, rec->warn_count[i], "warn:%s", bf_warn_names[i]);
}

/* Counts, and every record written since the previous op (the ring keeps the last 64). */
static void ch_bad_page(struct sink *s, struct side *sd, const struct bf_records *rec)
{
	unsigned long from = sd->nr_bad + BF_RECORD_RING < rec->bad_page_count ? rec->bad_page_count - BF_RECORD_RING
										: sd->nr_bad;

	PUT(s, rec->bad_page_count, "bad-page count");
	for (unsigned long i = from; i < rec->bad_page_count; i++) {
		const struct bf_bad_page *b = &rec->bad[i % BF_RECORD_RING];

		PUTX(s, b->pfn, "bad-page #%lu pfn", i);
		put_text(s, "bad-page reason", b->reason);
		PUTX(s, b->flags, "bad-page #%lu flags", i);
		PUT(s, (unsigned)b->mapcount, "bad-page #%lu mapcount", i);
		PUT(s, (unsigned)b->refcount, "bad-page #%lu refcount", i);
		PUTX(s, b->mapping, "bad-page #%lu mapping", i);
	}
}

static void ch_event(struct sink *s, struct side *sd, const struct bf_records *rec)
{
	unsigned long from = sd->nr_ev + BF_RECORD_RING < rec->nr_ev ? rec->nr_ev - BF_RECORD_RING : sd->nr_ev;

	for (int i = 0; i < NR_EVENT_KINDS; i++)
		PUT(s, rec->event_count[i], "event:%s count", bf_event_names[i]);
	for (unsigned long i = from; i < rec->nr_ev; i++) {
		const struct bf_event *e = &rec->ev[i % BF_RECORD_RING];
		const char *n = bf_event_names[e->kind];

		PUT(s, e->nid, "event:%s #%lu node", n, i);
		PUT(s, e->zone, "event:%s #%lu zone", n, i);
		PUT(s, e->order, "event:%s #%lu order", n, i);
		PUT(s, e->highest_zoneidx, "event:%s #%lu highest_zoneidx", n, i);
	}
}

static int zone_exists(const struct world *w, int nid, int zid, struct bf_zone_info *zi)
{
	return !bf_zone_info(w, nid, zid, zi) && zi->spanned;
}

/* The counters as zone_page_state() reads them and as the exact snapshot, the NUMA stats, the vm events. */
static void ch_counter(struct sink *s, const struct world *w)
{
	struct bf_zone_info zi;

	for (int n = 0; n < bf_nr_nodes(w); n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			if (!zone_exists(w, n, z, &zi))
				continue;
			for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
				PUT(s, bf_zone_stat_raw(w, n, z, i), "counter:%s node %d %s", zone_stat_names[i], n,
				    zi.name);
				PUT(s, bf_zone_stat(w, n, z, i, true), "counter:%s node %d %s (snapshot)",
				    zone_stat_names[i], n, zi.name);
			}
			for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++)
				PUT(s, bf_numa_stat(w, n, z, i), "counter:%s node %d %s", numa_stat_names[i], n,
				    zi.name);
		}
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		PUT(s, bf_vm_event(w, i), "counter:%s", vm_event_names[i]);
}

/* Watermarks, boost, the highatomic reserve, lowmem_reserve, and each pcp's count/high/batch. */
static void ch_zone(struct sink *s, const struct world *w)
{
	static const char *const wm[3] = { "min", "low", "high" };
	struct bf_zone_info zi;

	for (int n = 0; n < bf_nr_nodes(w); n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			if (!zone_exists(w, n, z, &zi))
				continue;
			for (int i = 0; i < 3; i++)
				PUT(s, zi.wmark_base[i], "zone-state node %d %s watermark %s", n, zi.name, wm[i]);
			PUT(s, zi.boost, "zone-state node %d %s watermark_boost", n, zi.name);
			PUT(s, zi.boosted_flag, "zone-state node %d %s ZONE_BOOSTED_WATERMARK", n, zi.name);
			PUT(s, zi.nr_reserved_highatomic, "zone-state node %d %s nr_reserved_highatomic", n, zi.name);
			PUT(s, zi.nr_isolate_pageblock, "zone-state node %d %s nr_isolate_pageblock", n, zi.name);
			for (int i = 0; i < MAX_NR_ZONES; i++)
				PUT(s, (unsigned long)zi.lowmem_reserve[i], "zone-state node %d %s lowmem_reserve[%d]", n,
				    zi.name, i);
			for (int cpu = 0; cpu < bf_nr_cpus(w); cpu++) {
				struct bf_pcp_info pi;

				bf_pcp_info(w, cpu, n, z, &pi);
				PUT(s, (unsigned)pi.count, "zone-state cpu %d node %d %s pcp count", cpu, n, zi.name);
				PUT(s, (unsigned)pi.high, "zone-state cpu %d node %d %s pcp high", cpu, n, zi.name);
				PUT(s, (unsigned)pi.batch, "zone-state cpu %d node %d %s pcp batch", cpu, n, zi.name);
			}
		}
}

/* List walks: every entry, in list order, with its position (a reordered list differs). */
struct walk {
	struct sink *s;
	int n, cpu;
	const char *zone;
	unsigned long pos;
	int last_order, last_mt;
};

static void free_block(void *arg, unsigned int order, int mt, unsigned long pfn)
{
	struct walk *k = arg;

	if ((int)order != k->last_order || mt != k->last_mt)
		k->pos = 0;
	k->last_order = (int)order;
	k->last_mt = mt;
	PUTX(k->s, pfn, "free-lists node %d %s order %u %s [%lu]", k->n, k->zone, order, migratetype_names[mt],
	     k->pos++);
}

static void pcp_page(void *arg, int list, unsigned long pfn, unsigned long index)
{
	struct walk *k = arg;

	if (list != k->last_mt)
		k->pos = 0;
	k->last_mt = list;
	PUTX(k->s, pfn, "pcp-lists cpu %d node %d %s list %d [%lu]", k->cpu, k->n, k->zone, list, k->pos++);
	PUT(k->s, index, "pcp-lists cpu %d node %d %s list %d [%lu] migratetype", k->cpu, k->n, k->zone, list,
	    k->pos - 1);
}

static void ch_lists(struct sink *fl, struct sink *pl, const struct world *w)
{
	struct bf_zone_info zi;

	for (int n = 0; n < bf_nr_nodes(w); n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct walk k = { .s = fl, .n = n, .zone = bf_zone_name(z), .last_order = -1, .last_mt = -1 };

			if (!zone_exists(w, n, z, &zi))
				continue;
			for (unsigned int o = 0; o < MAX_ORDER; o++)
				PUT(fl, bf_nr_free(w, n, z, o), "free-lists node %d %s order %u nr_free", n, k.zone, o);
			bf_walk_free_lists(w, n, z, free_block, &k);
			k.s = pl;
			for (int cpu = 0; cpu < bf_nr_cpus(w); cpu++) {
				k.cpu = cpu;
				k.last_mt = -1;
				bf_walk_pcp(w, cpu, n, z, pcp_page, &k);
			}
		}
}

static void section(FILE *f, int ch)
{
	if (f)
		fprintf(f, "== %s\n", bf_diff_channel_names[ch]);
}

/* Every channel of one op (st NULL: the end of the run, with the run's status). */
static void observe(struct side *sd, const struct world *w, const struct bf_exec_step *st, int lists,
		    const struct bf_exec_result *r, struct bf_diff_rec *rec, FILE *f)
{
	const struct bf_records *records = bf_records(w);
	struct sink s[BF_DIFF_NR_CH];

	for (int i = 0; i < BF_DIFF_NR_CH; i++)
		s[i] = (struct sink){ .f = f, .h = 0xcbf29ce484222325UL };
	section(f, BF_CH_STATUS);
	if (st) {
		PUT(&s[BF_CH_STATUS], st->failed, "status failed");
		PUT(&s[BF_CH_STATUS], st->skipped, "status skipped");
	} else {
		PUT(&s[BF_CH_STATUS], r->status, "status");
		put_text(&s[BF_CH_STATUS], "status message", r->msg);
	}
	section(f, BF_CH_RESULT);
	if (st)
		ch_result(&s[BF_CH_RESULT], st);
	section(f, BF_CH_PAGES);
	if (st)
		ch_pages(&s[BF_CH_PAGES], st);
	section(f, BF_CH_POOL);
	if (st) {
		PUT(&s[BF_CH_POOL], st->pool_n, "pool blocks");
		PUTX(&s[BF_CH_POOL], st->pool_hash, "pool hash");
	}
	section(f, BF_CH_WARN);
	ch_warn(&s[BF_CH_WARN], records);
	section(f, BF_CH_BAD_PAGE);
	ch_bad_page(&s[BF_CH_BAD_PAGE], sd, records);
	section(f, BF_CH_EVENT);
	ch_event(&s[BF_CH_EVENT], sd, records);
	section(f, BF_CH_COUNTER);
	ch_counter(&s[BF_CH_COUNTER], w);
	section(f, BF_CH_ZONE);
	ch_zone(&s[BF_CH_ZONE], w);
	if (lists) {
		if (f) {
			/* the two list channels' lines are interleaved by zone: print them one after the other */
			struct sink none = { .f = NULL };

			section(f, BF_CH_FREE_LISTS);
			ch_lists(&s[BF_CH_FREE_LISTS], &none, w);
			section(f, BF_CH_PCP_LISTS);
			ch_lists(&none, &s[BF_CH_PCP_LISTS], w);
		} else {
			ch_lists(&s[BF_CH_FREE_LISTS], &s[BF_CH_PCP_LISTS], w);
		}
	}
	sd->nr_ev = records->nr_ev;
	sd->nr_bad = records->bad_page_count;
	for (int i = 0; i < BF_DIFF_NR_CH; i++)
		rec->h[i] = s[i].h;
	rec->seen = 1;
}

static int after_op(void *arg, const struct bf_exec_step *st)
{
	struct side *sd = arg;
	const struct bf_diff_run_opts *o = sd->o;
	int lists = o->checkpoint > 0 && (st->op_index + 1) % o->checkpoint == 0;
	int describe = o->describe_op == st->op_index;

	if (o->trace)
		fprintf(o->trace, "@@ %d\n", st->op_index);
	if (o->describe_op >= 0 && !describe)
		lists = 0;  /* only the described op's observations are wanted: skip the walks */
	observe(sd, st->w, st, lists || describe, NULL, &sd->out->rec[st->op_index], describe ? o->describe : NULL);
	return describe;
}

static void *side_create(void)
{
	struct side *sd = calloc(1, sizeof(*sd));

	if (sd && !(sd->ctx = bf_exec_ctx_new())) {
		free(sd);
		return NULL;
	}
	return sd;
}

static void side_destroy(void *st)
{
	struct side *sd = st;

	if (sd) {
		bf_exec_ctx_free(sd->ctx);
		free(sd);
	}
}

static int side_run(void *stp, const struct bf_prog *p, const struct bf_diff_run_opts *o, struct bf_diff_obs *out)
{
	struct side *sd = stp;
	struct bf_prog q = *p;  /* the same ops; only the topology's fixes change */
	struct bf_exec_opts eo = { .lenient = o->lenient, .trace = o->trace, .after_op = after_op, .after_op_arg = sd };
	struct bf_exec_result r;
	const struct world *w;

	if (o->abi != BF_DIFF_ABI)
		return -1;
	q.topo.fixes |= o->fixes;
	sd->o = o;
	sd->out = out;
	sd->nr_ev = sd->nr_bad = 0;
	memset(out->rec, 0, ((size_t)p->nr_ops + 1) * sizeof(out->rec[0]));
	bf_exec_ctx_run(sd->ctx, &q, &eo, &r);
	out->status = (int)r.status;
	snprintf(out->msg, sizeof(out->msg), "%.*s", (int)sizeof(out->msg) - 1, r.msg);  /* gcc: bounded, not truncated */
	w = bf_exec_ctx_world(sd->ctx);
	if (o->describe_op >= 0 && o->describe_op < p->nr_ops)
		return 0;
	if (w)
		observe(sd, w, NULL, 1, &r, &out->rec[p->nr_ops], o->describe_op >= 0 ? o->describe : NULL);
	else
		out->rec[p->nr_ops] = (struct bf_diff_rec){ .h = { (uint64_t)r.status }, .seen = 1 };
	return 0;
}

__attribute__((visibility("default"))) const struct bf_diff_side_api *BF_DIFF_SIDE_ENTRY(void)
{
	static const struct bf_diff_side_api api = { BF_DIFF_ABI, side_create, side_destroy, side_run };

	return &api;
}
