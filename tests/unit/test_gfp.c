/*
 * test_gfp.c - gfp names and values against include/linux/gfp.h of 5.10
 * (spec 2.1, 2.2): each composite mask has the value the kernel defines, and
 * parse/format round-trip.
 */
#include "test.h"
#include "core/gfp.h"

TEST(composite_masks_have_5_10_values)
{
	ASSERT_EQ(GFP_ATOMIC, 0xa20);
	ASSERT_EQ(GFP_KERNEL, 0xcc0);
	ASSERT_EQ(GFP_KERNEL_ACCOUNT, 0x400cc0);
	ASSERT_EQ(GFP_NOWAIT, 0x800);
	ASSERT_EQ(GFP_NOIO, 0xc00);
	ASSERT_EQ(GFP_NOFS, 0xc40);
	ASSERT_EQ(GFP_USER, 0x100cc0);
	ASSERT_EQ(GFP_HIGHUSER, 0x100cc2);
	ASSERT_EQ(GFP_HIGHUSER_MOVABLE, 0x100cca);
	ASSERT_EQ(GFP_TRANSHUGE_LIGHT, 0x1c20ca);
	ASSERT_EQ(GFP_TRANSHUGE, 0x1c24ca);
	ASSERT_EQ(__GFP_BITS_MASK, 0x7fffff);
	return 0;
}

TEST(parse_accepts_names_hex_and_mixes)
{
	gfp_t g;
	int bad;

	ASSERT_EQ(gfp_parse("GFP_KERNEL|__GFP_COMP", &g, &bad), 0);
	ASSERT_EQ(g, 0xcc0 | 0x40000);
	ASSERT_EQ(gfp_parse("0x20|__GFP_ATOMIC", &g, &bad), 0);
	ASSERT_EQ(g, 0x220);
	ASSERT_EQ(gfp_parse("GFP_KERNEL|__GFP_BOGUS", &g, &bad), -1);
	ASSERT_EQ(bad, 11);
	ASSERT_EQ(gfp_parse("GFP_KERNEL|", &g, &bad), -1);
	ASSERT_EQ(gfp_parse("", &g, &bad), -1);
	return 0;
}

TEST(format_round_trips_every_mask)
{
	for (gfp_t g = 0; g < 0x800000; g += 0x1235) {
		char buf[512];
		gfp_t back;
		int bad;

		gfp_format(g, buf, sizeof(buf));
		ASSERT_EQ(gfp_parse(buf, &back, &bad), 0);
		ASSERT_EQ(back, g);
	}
	return 0;
}

TEST(format_prefers_composite_names)
{
	char buf[256];

	gfp_format(GFP_KERNEL | __GFP_COMP, buf, sizeof(buf));
	ASSERT_STREQ(buf, "GFP_KERNEL|__GFP_COMP");
	gfp_format(GFP_HIGHUSER_MOVABLE, buf, sizeof(buf));
	ASSERT_STREQ(buf, "GFP_HIGHUSER_MOVABLE");
	gfp_format(0, buf, sizeof(buf));
	ASSERT_STREQ(buf, "0");     /* no kernel name for the empty mask; gfp_parse reads it back */
	return 0;
}

RUN_TESTS(T(composite_masks_have_5_10_values), T(parse_accepts_names_hex_and_mixes),
	  T(format_round_trips_every_mask), T(format_prefers_composite_names))
