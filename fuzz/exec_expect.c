/*
 * exec_expect.c - evaluating `expect` lines against the world, through the
 * inspection API only.  A failure message says what was expected and what
 * the world holds.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/exec_internal.h"

void bf_exec_dump(const struct world *w, int which, FILE *f)
{
	if (which == BF_DUMP_BUDDYINFO)
		bf_dump_buddyinfo(w, f);
	else if (which == BF_DUMP_PAGETYPEINFO)
		bf_dump_pagetypeinfo(w, f);
	else
		bf_dump_zoneinfo(w, f);
}

static int compare(enum bf_cmp c, long a, long b)
{
	switch (c) {
	case BF_EQ: return a == b;
	case BF_NE: return a != b;
	case BF_LT: return a < b;
	case BF_LE: return a <= b;
	case BF_GT: return a > b;
	case BF_GE: return a >= b;
	case BF_NR_CMPS: break;
	}
	return 0;
}

struct listbuf {
	char s[4096];
	size_t n;
	int want_list, want_order, want_mt;
};

static void list_add_pfn(struct listbuf *b, unsigned long pfn)
{
	if (b->n < sizeof(b->s) - 24)
		b->n += (size_t)snprintf(b->s + b->n, sizeof(b->s) - b->n, "%s0x%lx", b->n ? "," : "", pfn);
}

static void on_free_block(void *arg, unsigned int order, int mt, unsigned long pfn)
{
	struct listbuf *b = arg;

	if ((int)order == b->want_order && mt == b->want_mt)
		list_add_pfn(b, pfn);
}

static void on_pcp_page(void *arg, int list, unsigned long pfn, unsigned long index)
{
	struct listbuf *b = arg;

	if (list == b->want_list)
		list_add_pfn(b, pfn);
}

/* The node (and, for pcp probes, the CPU) an expectation names must exist. */
static int check_place(struct bf_exec *x, const struct bf_expect *e, int with_cpu)
{
	if (e->nid >= bf_nr_nodes(x->w))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "node %d does not exist", e->nid);
	if (with_cpu && e->cpu >= bf_nr_cpus(x->w))
		return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "cpu %d is not online", e->cpu);
	return 0;
}

static int page_field(const struct bf_page_info *pi, const struct bf_expect *e, long *v)
{
	switch (e->sub) {
	case PF_REFCOUNT: *v = pi->refcount; break;
	case PF_MAPCOUNT: *v = pi->mapcount; break;
	case PF_PRIVATE: *v = (long)pi->private_; break;
	case PF_INDEX: *v = (long)pi->index; break;
	case PF_MAPPING: *v = (long)pi->mapping; break;
	case PF_MEMCG: *v = (long)pi->memcg; break;
	case PF_COMPOUND_HEAD: *v = pi->head_pfn == NO_PFN ? -1 : (long)pi->head_pfn; break;
	case PF_COMPOUND_ORDER: *v = pi->compound_order; break;
	case PF_COMPOUND_NR: *v = pi->compound_nr; break;
	case PF_COMPOUND_DTOR: *v = pi->compound_dtor; break;
	case PF_COMPOUND_MAPCOUNT: *v = pi->compound_mapcount; break;
	case PF_PINCOUNT: *v = pi->hpage_pinned_refcount; break;
	case PF_BUDDY: *v = pi->buddy; break;
	case PF_GUARD: *v = pi->guard; break;
	case PF_HEAD: *v = pi->head; break;
	case PF_TAIL: *v = pi->tail; break;
	case PF_FLAG: *v = (long)((pi->flags >> e->item) & 1); break;
	default: return -1;
	}
	return 0;
}

/* Compare a whole dump, line by line, trailing blanks ignored. */
static int expect_dump(struct bf_exec *x, const struct bf_expect *e, int which)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *a, *b;
	int line = 1, rc = 0;

	if (!f)
		abort();
	bf_exec_dump(x->w, which, f);
	fclose(f);
	a = buf;
	b = e->text;
	while (*a || *b) {
		const char *ae = strchr(a, '\n'), *be = strchr(b, '\n');
		size_t aw = ae ? (size_t)(ae - a) : strlen(a), bw = be ? (size_t)(be - b) : strlen(b);
		size_t al = aw, bl = bw;

		while (al && (a[al - 1] == ' ' || a[al - 1] == '\t'))
			al--;
		while (bl && (b[bl - 1] == ' ' || b[bl - 1] == '\t'))
			bl--;
		if (al != bl || memcmp(a, b, al)) {
			rc = bf_exec_fail(x, BF_EXEC_EXPECT_FAILED,
					  "dump line %d differs:\n  expected: %.*s\n  actual:   %.*s", line, (int)bl, b,
					  (int)al, a);
			break;
		}
		a = ae ? ae + 1 : a + aw;
		b = be ? be + 1 : b + bw;
		line++;
	}
	free(buf);
	return rc;
}

static int expect_handle(struct bf_exec *x, const struct bf_op *op)
{
	const struct bf_expect *e = &op->expect;
	const struct bf_hstate *h = &x->h[op->handle];
	const char *name = x->p->handle_names[op->handle];
	int nid, zid;

	if (e->fail) {
		if (h->kind != H_FAILED)
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s to have failed, but %s", name,
					    h->kind == H_EMPTY ? "it holds nothing" : "it holds pages");
		return 0;
	}
	if (h->kind == H_EMPTY || h->kind == H_FAILED)
		return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s at pfn 0x%lx, but %s", name, e->pfn,
				    h->kind == H_FAILED ? "its allocation failed" : "it holds nothing");
	if (e->pfn != NO_PFN && h->pfn != e->pfn)
		return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s at pfn 0x%lx, got 0x%lx", name, e->pfn,
				    h->pfn);
	if (e->has_order && (int)h->order != e->order)
		return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s of order %d, got %u", name, e->order,
				    h->order);
	bf_pfn_zone(x->w, h->pfn, &nid, &zid);
	if ((e->has_zone && zid != e->zid) || (e->has_node && nid != e->nid))
		return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s in %s node %d, got %s node %d", name,
				    e->has_zone ? bf_zone_name(e->zid) : bf_zone_name(zid), e->has_node ? e->nid : nid,
				    bf_zone_name(zid), nid);
	return 0;
}

int bf_exec_expect(struct bf_exec *x, const struct bf_op *op)
{
	const struct bf_expect *e = &op->expect;
	const struct bf_records *rec = bf_records(x->w);
	struct bf_zone_info zi;
	struct bf_pcp_info pi;
	struct bf_page_info pg;
	struct listbuf lb;
	long v = 0;

	switch (e->probe) {
	case BF_PR_HANDLE:
		return expect_handle(x, op);
	case BF_PR_BUDDYINFO:
		return expect_dump(x, e, BF_DUMP_BUDDYINFO);
	case BF_PR_PAGETYPEINFO:
		return expect_dump(x, e, BF_DUMP_PAGETYPEINFO);
	case BF_PR_ZONEINFO:
		return expect_dump(x, e, BF_DUMP_ZONEINFO);
	case BF_PR_BAD_PAGE: {
		const struct bf_bad_page *b;

		if (!rec->bad_page_count)
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected a bad_page report, there is none");
		b = &rec->bad[(rec->bad_page_count - 1) % BF_RECORD_RING];
		if (strcmp(b->reason, e->text) || (e->pfn != NO_PFN && e->pfn != b->pfn))
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED,
					    "expected bad_page \"%s\"%s, last report: \"%s\" at pfn 0x%lx", e->text,
					    e->pfn != NO_PFN ? " at the given pfn" : "", b->reason, b->pfn);
		return 0;
	}
	case BF_PR_PCP_LIST:
	case BF_PR_FREE_LIST:
	case BF_PR_ZONELIST: {
		char want[4096];

		memset(&lb, 0, sizeof(lb));
		if (check_place(x, e, e->probe == BF_PR_PCP_LIST))
			return -1;
		if (e->probe == BF_PR_ZONELIST) {
			int nids[64], zids[64], n;

			n = bf_zonelist(x->w, e->nid, e->sub, nids, zids, 64);
			for (int i = 0; i < n; i++)
				lb.n += (size_t)snprintf(lb.s + lb.n, sizeof(lb.s) - lb.n, "%s%s/%d", i ? "," : "",
							 bf_zone_name(zids[i]), nids[i]);
			snprintf(want, sizeof(want), "%s", e->text);
		} else {
			if (e->probe == BF_PR_PCP_LIST) {
				lb.want_list = e->mt;
				bf_walk_pcp(x->w, e->cpu, e->nid, e->zid, on_pcp_page, &lb);
			} else {
				lb.want_order = e->order;
				lb.want_mt = e->mt;
				bf_walk_free_lists(x->w, e->nid, e->zid, on_free_block, &lb);
			}
			snprintf(want, sizeof(want), "%s", e->text);  /* normalised by the parser */
		}
		if ((strcmp(lb.s, want) == 0) != (e->cmp == BF_EQ))
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s %s %s, actual %s",
					    e->probe == BF_PR_ZONELIST ? "zonelist" : "list", bf_cmp_names[e->cmp],
					    want[0] ? want : "empty", lb.s[0] ? lb.s : "empty");
		return 0;
	}
	case BF_PR_WARN: v = (long)rec->warn_count[e->item]; break;
	case BF_PR_BAD_PAGES: v = (long)rec->bad_page_count; break;
	case BF_PR_EVENT_LOG: v = (long)rec->event_count[e->item]; break;
	case BF_PR_MIN_FREE_KBYTES: v = bf_min_free_kbytes(x->w); break;
	case BF_PR_ERRNO: v = x->last_errno; break;
	case BF_PR_EVENT: v = (long)bf_vm_event(x->w, e->item); break;
	case BF_PR_PAGEBLOCK:
	case BF_PR_PAGE:
		if (e->pfn >= bf_max_pfn(x->w))
			return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "pfn 0x%lx is past the end of memory", e->pfn);
		if (e->probe == BF_PR_PAGEBLOCK) {
			v = bf_pageblock_migratetype(x->w, e->pfn);
			break;
		}
		bf_page_info(x->w, e->pfn, &pg);
		page_field(&pg, e, &v);
		break;
	case BF_PR_PCP:
		if (check_place(x, e, 1))
			return -1;
		bf_pcp_info(x->w, e->cpu, e->nid, e->zid, &pi);
		v = e->sub == 0 ? pi.count : e->sub == 1 ? pi.high : e->sub == 2 ? pi.batch : pi.stat_threshold;
		break;
	case BF_PR_POOL:
		v = bf_exec_pool_count(x, e->has_zone, e->nid, e->zid);
		break;
	case BF_PR_BAND:
		if (check_place(x, e, 0))
			return -1;
		v = bf_exec_band(x->w, e->nid, e->zid);
		if (!compare(e->cmp, v, e->value))
			return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected band %s %s, actual %s (free %lu)",
					    bf_cmp_names[e->cmp], e->value >= 0 && e->value < BF_NR_BANDS ?
					    bf_band_names[e->value] : "?", bf_band_names[v],
					    bf_zone_stat(x->w, e->nid, e->zid, NR_FREE_PAGES, false));
		return 0;
	default:
		if (check_place(x, e, 0))
			return -1;
		bf_zone_info(x->w, e->nid, e->zid, &zi);
		switch (e->probe) {
		case BF_PR_NR_FREE:
			v = (long)(e->has_mt ? bf_free_list_len(x->w, e->nid, e->zid, (unsigned)e->order, e->mt)
					     : bf_nr_free(x->w, e->nid, e->zid, (unsigned)e->order));
			break;
		case BF_PR_COUNTER: v = (long)bf_zone_stat(x->w, e->nid, e->zid, e->item, false); break;
		case BF_PR_SNAPSHOT: v = (long)bf_zone_stat(x->w, e->nid, e->zid, e->item, true); break;
		case BF_PR_NUMA: v = (long)bf_numa_stat(x->w, e->nid, e->zid, e->item); break;
		case BF_PR_WMARK: v = (long)zi.wmark[e->sub]; break;
		case BF_PR_BOOST: v = (long)zi.boost; break;
		case BF_PR_BOOSTED: v = zi.boosted_flag; break;
		case BF_PR_MANAGED: v = (long)zi.managed; break;
		case BF_PR_PRESENT: v = (long)zi.present; break;
		case BF_PR_SPANNED: v = (long)zi.spanned; break;
		case BF_PR_LOWMEM_RESERVE: v = zi.lowmem_reserve[e->idx]; break;
		case BF_PR_HIGHATOMIC: v = (long)zi.nr_reserved_highatomic; break;
		default:
			return bf_exec_fail(x, BF_EXEC_BAD_PROGRAM, "unhandled expectation");
		}
	}
	if (!compare(e->cmp, v, e->value))
		return bf_exec_fail(x, BF_EXEC_EXPECT_FAILED, "expected %s %ld, actual %ld", bf_cmp_names[e->cmp],
				    e->value, v);
	return 0;
}
