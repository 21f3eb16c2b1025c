/*
 * test_triage_signature.c - classification of captured replay outputs and
 * the signature normalisation (triage/signature.c).  The sample outputs are
 * written here in the exact shapes the runtimes print: an ASan report with
 * frames in core/buddy.c under harness and libc frames, a UBSan runtime
 * error, a divergence report, an invariant, a timeout, a plain SEGV.
 */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "fuzz/prog.h"
#include "triage/signature.h"

static const char asan_report[] =
	"=================================================================\n"
	"==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000051 at pc 0x55d0c3 bp 0x7ffd sp 0x7ffc\n"
	"READ of size 8 at 0x602000000051 thread T0\n"
	"    #0 0x55d0c3 in __free_one_page /work/main/core/buddy.c:123:4\n"
	"    #1 0x55d1aa in free_pcppages_bulk.constprop.0 /work/main/core/pcp.c:210:3\n"
	"    #2 0x55d2bb in drain_pages_zone /work/main/core/pcp.c:300:2\n"
	"    #3 0x55d3cc in drain_local_pages /work/main/core/pcp.c:320:2\n"
	"    #4 0x55d4dd in bf_exec_op /work/main/fuzz/exec.c:400:5\n"
	"    #5 0x7f0000 in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x23d09)\n"
	"\n"
	"0x602000000051 is located 1 bytes to the right of 16-byte region\n"
	"allocated by thread T0 here:\n"
	"    #0 0x4a0000 in malloc (/work/main/build/asan-ubsan/bf-replay+0x4a0000)\n"
	"    #1 0x55e000 in world_create /work/main/core/world.c:50:9\n"
	"SUMMARY: AddressSanitizer: heap-buffer-overflow /work/main/core/buddy.c:123:4 in __free_one_page\n";

TEST(asan_report_keeps_core_frames_only)
{
	/* A test that an ASan report's signature holds the crash type and the innermost three core/ frames. */
	struct bf_class c;

	bf_classify(asan_report, -1, 6, 0, &c);
	ASSERT_EQ(c.out, BF_OUT_SANITIZER);
	ASSERT_STREQ(c.kind, "asan:heap-buffer-overflow");
	ASSERT_EQ(c.nframes, 3);
	ASSERT_STREQ(c.frames[0], "__free_one_page");
	ASSERT_STREQ(c.frames[1], "free_pcppages_bulk");   /* clone suffix normalised away */
	ASSERT_STREQ(c.frames[2], "drain_pages_zone");
	ASSERT_STREQ(c.signature, "asan:heap-buffer-overflow||__free_one_page;free_pcppages_bulk;drain_pages_zone");
	ASSERT_TRUE(!strncmp(c.title, "AddressSanitizer: heap-buffer-overflow on address ADDR\n", 55));
	ASSERT_TRUE(strstr(c.title, "at __free_one_page < free_pcppages_bulk < drain_pages_zone") != NULL);
	return 0;
}

TEST(asan_reports_differing_in_addresses_and_lines_share_a_signature)
{
	char other[sizeof(asan_report) + 64];
	struct bf_class a, b;

	snprintf(other, sizeof(other), "%s", asan_report);
	memcpy(strstr(other, "==4242=="), "==9999==", 8);
	memcpy(strstr(other, "0x602000000051"), "0x603000000aa0", 14);
	memcpy(strstr(other, "buddy.c:123:4"), "buddy.c:777:1", 13);
	bf_classify(asan_report, -1, 6, 0, &a);
	bf_classify(other, -1, 6, 0, &b);
	ASSERT_STREQ(a.signature, b.signature);
	ASSERT_STREQ(a.title, b.title);
	return 0;
}

TEST(different_core_frames_give_different_signatures)
{
	char other[sizeof(asan_report) + 64];
	char *p;
	struct bf_class a, b;

	snprintf(other, sizeof(other), "%s", asan_report);
	p = strstr(other, "in __free_one_page");
	memcpy(p, "in __free_one_pagX", 18);
	bf_classify(asan_report, -1, 6, 0, &a);
	bf_classify(other, -1, 6, 0, &b);
	ASSERT_TRUE(strcmp(a.signature, b.signature) != 0);
	return 0;
}

TEST(ubsan_runtime_error_is_classified_with_its_file)
{
	static const char out[] =
		"/work/main/core/fastpath.c:88:21: runtime error: signed integer overflow: 9223372036854775807 + 1"
		" cannot be represented in type 'long'\n"
		"    #0 0x4f00 in __zone_watermark_ok /work/main/core/fastpath.c:88:21\n"
		"    #1 0x4f10 in zone_watermark_fast /work/main/core/fastpath.c:120:9\n"
		"    #2 0x4f20 in bf_exec /work/main/fuzz/exec.c:10:1\n"
		"SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /work/main/core/fastpath.c:88:21 in\n";
	struct bf_class c;

	bf_classify(out, -1, 6, 0, &c);
	ASSERT_EQ(c.out, BF_OUT_SANITIZER);
	ASSERT_STREQ(c.kind, "ubsan:signed-integer-overflow");
	ASSERT_STREQ(c.signature, "ubsan:signed-integer-overflow||__zone_watermark_ok;zone_watermark_fast");
	ASSERT_TRUE(!strncmp(c.title, "core/fastpath.c: runtime error: signed integer overflow: N + N cannot be", 72));
	return 0;
}

static const char div1[] =
	"DIVERGENCE: watermark-breach in alloc (zone Normal: free 1023 pages < min 1100, pfn 4096 order 3, op 17)\n"
	"op: 17 (line 30)\nmeaning: an allocation dipped below a watermark its flags do not allow\n--- program\n";
static const char div2[] =
	"DIVERGENCE: watermark-breach in alloc (zone Normal: free 7 pages < min 12, pfn 0x1f000 order 0, op 3)\n"
	"op: 3 (line 9)\n--- program\n";

TEST(divergences_differing_in_pfns_counts_op_indices_share_a_signature)
{
	struct bf_class a, b;

	bf_classify(div1, 1, 0, 0, &a);
	bf_classify(div2, 1, 0, 0, &b);
	ASSERT_EQ(a.out, BF_OUT_DIVERGENCE);
	ASSERT_STREQ(a.kind, "watermark-breach");
	ASSERT_STREQ(a.op, "alloc");
	ASSERT_STREQ(a.signature, "watermark-breach|alloc|");
	ASSERT_STREQ(a.signature, b.signature);
	ASSERT_STREQ(a.title, b.title);
	ASSERT_STREQ(a.title, "DIVERGENCE: watermark-breach in alloc (zone Normal: free N pages < min N, pfn N order N, op N)");
	return 0;
}

TEST(different_divergence_kinds_or_ops_differ)
{
	struct bf_class a, b, c;

	bf_classify(div1, 1, 0, 0, &a);
	bf_classify("DIVERGENCE: wrong-zone in alloc (pfn 12)\n", 1, 0, 0, &b);
	bf_classify("DIVERGENCE: watermark-breach in alloc_exact (pfn 12)\n", 1, 0, 0, &c);
	ASSERT_TRUE(strcmp(a.signature, b.signature) != 0);
	ASSERT_TRUE(strcmp(a.signature, c.signature) != 0);
	return 0;
}

TEST(accounting_kind_keeps_counter_name_loses_index)
{
	struct bf_class a, b;

	bf_classify("DIVERGENCE: accounting:nr_free[3] in free (Normal: 5 != 6)\n", 1, 0, 0, &a);
	bf_classify("DIVERGENCE: accounting:nr_free[7] in free (DMA32: 1 != 0)\n", 1, 0, 0, &b);
	ASSERT_STREQ(a.kind, "accounting:nr_free[N]");
	ASSERT_STREQ(a.signature, b.signature);
	bf_classify("DIVERGENCE: accounting:NR_FREE_CMA_PAGES in free (x)\n", 1, 0, 0, &b);
	ASSERT_STREQ(b.kind, "accounting:NR_FREE_CMA_PAGES");
	return 0;
}

TEST(invariant_fuzz_target_and_replay_forms)
{
	struct bf_class a, b, c;

	bf_classify("INVARIANT: zone Normal nr_free[2] 5 != list length 4 in op 12\n--- program\n", -1, 6, 0, &a);
	bf_classify("INVARIANT: zone Normal nr_free[2] 9 != list length 8 in op 3\n", -1, 6, 0, &b);
	ASSERT_EQ(a.out, BF_OUT_INVARIANT);
	ASSERT_STREQ(a.signature, b.signature);
	bf_classify("/tmp/x/crash-1:14:1: zone Normal nr_free[2] 5 != list length 4\n", 1, 0, 0, &c);
	ASSERT_EQ(c.out, BF_OUT_INVARIANT);
	ASSERT_STREQ(c.title, "INVARIANT: zone Normal nr_free[N] N != list length N");
	return 0;
}

TEST(vm_bug_on_keeps_its_condition)
{
	struct bf_class a, b;

	bf_classify("VM_BUG_ON(page_ref_count(buddy) != 0) at /w/core/buddy.c:134\n", -1, 6, 0, &a);
	bf_classify("VM_BUG_ON(!zone->initialized) at /w/core/buddy.c:181\n", -1, 6, 0, &b);
	ASSERT_STREQ(a.kind, "vm-bug-on");
	ASSERT_STREQ(a.title, "VM_BUG_ON(page_ref_count(buddy) != N) at core/buddy.c");
	ASSERT_TRUE(strcmp(a.signature, b.signature) != 0);
	return 0;
}

TEST(timeout_signal_ok_bad_input)
{
	struct bf_class c;

	bf_classify("partial output\n", -1, 0, 1, &c);
	ASSERT_EQ(c.out, BF_OUT_TIMEOUT);
	ASSERT_STREQ(c.signature, "timeout||");
	bf_classify("", -1, 11, 0, &c);
	ASSERT_EQ(c.out, BF_OUT_SIGNAL);
	ASSERT_STREQ(c.kind, "signal:SIGSEGV");
	bf_classify("trace-hash: 0123\n", 0, 0, 0, &c);
	ASSERT_EQ(c.out, BF_OUT_OK);
	ASSERT_TRUE(!bf_class_is_finding(&c));
	bf_classify("x.bfp:3:7: unknown op 'allok'\n", 2, 0, 0, &c);
	ASSERT_EQ(c.out, BF_OUT_BAD_INPUT);
	ASSERT_TRUE(!bf_class_is_finding(&c));
	/* libFuzzer's own deadly-signal line only counts when nothing better was printed */
	bf_classify("==1==ERROR: libFuzzer: deadly signal\n    #0 0x1 in f /w/fuzz/x.c:1\n", -1, 6, 0, &c);
	ASSERT_STREQ(c.kind, "libfuzzer:deadly-signal");
	bf_classify("DIVERGENCE: lost-page in free (pfn 3)\n==1==ERROR: libFuzzer: deadly signal\n", -1, 6, 0, &c);
	ASSERT_STREQ(c.kind, "lost-page");
	return 0;
}

TEST(tsan_frames_without_pc)
{
	static const char out[] =
		"==================\nWARNING: ThreadSanitizer: data race (pid=77)\n"
		"  Write of size 8 at 0x7b0400000000 by thread T2:\n"
		"    #0 __rmqueue_smallest /work/main/core/buddy.c:200:3 (fuzz_threads+0x1234)\n"
		"    #1 rmqueue /work/main/core/fastpath.c:300:9 (fuzz_threads+0x2234)\n";
	struct bf_class c;

	bf_classify(out, 66, 0, 0, &c);
	ASSERT_STREQ(c.kind, "tsan:data-race");
	ASSERT_STREQ(c.signature, "tsan:data-race||__rmqueue_smallest;rmqueue");
	return 0;
}

TEST(crash_table_is_sorted_and_rules_are_sound)
{
	for (int i = 1; i < bf_nr_crash_kinds; i++)
		ASSERT_TRUE(strcmp(bf_crash_kinds[i - 1], bf_crash_kinds[i]) <= 0);
	ASSERT_TRUE(bf_norm_rules_ok());
	return 0;
}

TEST(normalise_keeps_identifier_digits)
{
	char out[256];

	bf_normalise("zone DMA32 NR_FREE_CMA_PAGES 12 h3.1 pfn=0x10 line 7 in op 4 -5", out, sizeof(out));
	ASSERT_STREQ(out, "zone DMA32 NR_FREE_CMA_PAGES N hN pfn=N line N in op N N");
	return 0;
}

TEST(hex_gfp_in_a_title_is_named_not_an_address)
{
	/*
	 * A test that a gfp mask written in hex -- 0x20 (__GFP_HIGH alone: no
	 * composite name), 0x820 (GFP_NOWAIT|__GFP_HIGH), 0 -- is named by its
	 * flags in the title, as the printer names it, and never read as an
	 * address or a count; a real address next to it still is.
	 * Expect the flag names, no ADDR for the mask, ADDR for the pointer.
	 */
	struct bf_class c;
	char out[256];

	bf_classify("DIVERGENCE: watermark-breach in alloc (order 0 gfp 0x20 from DMA32/0: free 1023 - unusable 1024"
		    " <= lowest min 2048 + lowmem_reserve[2] 0)\nop: 3 (line 9)\n", 1, 0, 0, &c);
	ASSERT_TRUE(strstr(c.title, "gfp __GFP_HIGH from DMA32/N") != NULL);
	ASSERT_TRUE(strstr(c.title, "ADDR") == NULL);
	bf_normalise("order 3 gfp=0x820 at 0x7ffd1234 gfp:GFP_KERNEL|0x40000 gfp 0x0", out, sizeof(out));
	ASSERT_STREQ(out, "order N gfp=GFP_NOWAIT|__GFP_HIGH at ADDR gfp:GFP_KERNEL|__GFP_COMP gfp 0");
	/* a mask with bits 5.10 has no name for keeps them, in hex, not as ADDR */
	bf_normalise("gfp 0x800020", out, sizeof(out));
	ASSERT_STREQ(out, "gfp __GFP_HIGH|0x800000");
	/* not a gfp mask: "gfp_mask" stays a word, what follows is normalised as before */
	bf_normalise("gfp_mask 0x10", out, sizeof(out));
	ASSERT_STREQ(out, "gfp_mask ADDR");
	return 0;
}

TEST(empty_gfp_prints_as_0_and_parses_back)
{
	/*
	 * A test that an empty mask (what the minimizer's gfp stripping leaves)
	 * prints as gfp=0 -- 5.10 has no name for it -- and that the parser reads
	 * what the printer wrote, and 0x0 too.  Expect the same program back.
	 */
	struct bf_prog p, q;
	char err[256], *text, *again;

	ASSERT_EQ(bf_prog_parse(&p, "t", "node 0 cpus=0\nzone 0 Normal 8\nalloc h1 order=0 gfp=0x0\n"
					 "alloc h2 order=1 gfp=0x20\n", err, sizeof(err)), 0);
	text = bf_prog_to_text(&p);
	ASSERT_TRUE(text && strstr(text, "alloc h1 order=0 gfp=0\n") && strstr(text, "gfp=__GFP_HIGH"));
	ASSERT_TRUE(!strstr(text, "0x0"));
	ASSERT_EQ(bf_prog_parse(&q, "t2", text, err, sizeof(err)), 0);
	again = bf_prog_to_text(&q);
	ASSERT_STREQ(again, text);
	ASSERT_EQ(q.ops[q.nr_ops - 2].gfp, 0u);
	free(text), free(again);
	bf_prog_free(&p), bf_prog_free(&q);
	return 0;
}

RUN_TESTS(T(hex_gfp_in_a_title_is_named_not_an_address), T(empty_gfp_prints_as_0_and_parses_back),
	  T(asan_report_keeps_core_frames_only), T(asan_reports_differing_in_addresses_and_lines_share_a_signature),
	  T(different_core_frames_give_different_signatures), T(ubsan_runtime_error_is_classified_with_its_file),
	  T(divergences_differing_in_pfns_counts_op_indices_share_a_signature), T(different_divergence_kinds_or_ops_differ),
	  T(accounting_kind_keeps_counter_name_loses_index), T(invariant_fuzz_target_and_replay_forms),
	  T(vm_bug_on_keeps_its_condition), T(timeout_signal_ok_bad_input), T(tsan_frames_without_pc),
	  T(crash_table_is_sorted_and_rules_are_sound), T(normalise_keeps_identifier_digits))
