/*
 * gfp.h - the 5.10 gfp bit values and composite masks (include/linux/gfp.h,
 * x86_64, CONFIG_LOCKDEP=n), public so that programs can name them.
 *
 * GFP_FLAG_TABLE and GFP_MASK_TABLE are the one place the names live; the text
 * parser, the printer and the reports are generated from them.
 */
#ifndef BF_CORE_GFP_H
#define BF_CORE_GFP_H

typedef unsigned int gfp_t;

/* X(name, value) -- individual bits, in bit order. */
#define GFP_FLAG_TABLE(X)                      \
	X(__GFP_DMA, 0x01u)                    \
	X(__GFP_HIGHMEM, 0x02u)                \
	X(__GFP_DMA32, 0x04u)                  \
	X(__GFP_MOVABLE, 0x08u)                \
	X(__GFP_RECLAIMABLE, 0x10u)            \
	X(__GFP_HIGH, 0x20u)                   \
	X(__GFP_IO, 0x40u)                     \
	X(__GFP_FS, 0x80u)                     \
	X(__GFP_ZERO, 0x100u)                  \
	X(__GFP_ATOMIC, 0x200u)                \
	X(__GFP_DIRECT_RECLAIM, 0x400u)        \
	X(__GFP_KSWAPD_RECLAIM, 0x800u)        \
	X(__GFP_WRITE, 0x1000u)                \
	X(__GFP_NOWARN, 0x2000u)               \
	X(__GFP_RETRY_MAYFAIL, 0x4000u)        \
	X(__GFP_NOFAIL, 0x8000u)               \
	X(__GFP_NORETRY, 0x10000u)             \
	X(__GFP_MEMALLOC, 0x20000u)            \
	X(__GFP_COMP, 0x40000u)                \
	X(__GFP_NOMEMALLOC, 0x80000u)          \
	X(__GFP_HARDWALL, 0x100000u)           \
	X(__GFP_THISNODE, 0x200000u)           \
	X(__GFP_ACCOUNT, 0x400000u)

enum {
#define X(name, value) name = value,
	GFP_FLAG_TABLE(X)
#undef X
};

#define __GFP_NOLOCKDEP 0u /* CONFIG_LOCKDEP=n */
#define __GFP_BITS_SHIFT 23
#define __GFP_BITS_MASK ((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))
#define __GFP_RECLAIM ((gfp_t)(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM))
#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

/* X(name, value) -- composite masks, as gfp.h defines them. */
#define GFP_MASK_TABLE(X)                                                      \
	X(GFP_ATOMIC, __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)        \
	X(GFP_KERNEL, __GFP_RECLAIM | __GFP_IO | __GFP_FS)                     \
	X(GFP_KERNEL_ACCOUNT, __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_ACCOUNT) \
	X(GFP_NOWAIT, __GFP_KSWAPD_RECLAIM)                                    \
	X(GFP_NOIO, __GFP_RECLAIM)                                             \
	X(GFP_NOFS, __GFP_RECLAIM | __GFP_IO)                                  \
	X(GFP_USER, __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)      \
	X(GFP_DMA, __GFP_DMA)                                                  \
	X(GFP_DMA32, __GFP_DMA32)                                              \
	X(GFP_HIGHUSER, __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL | __GFP_HIGHMEM) \
	X(GFP_HIGHUSER_MOVABLE, __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL | __GFP_HIGHMEM | __GFP_MOVABLE) \
	X(GFP_TRANSHUGE_LIGHT, (__GFP_IO | __GFP_FS | __GFP_HARDWALL | __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN)) \
	X(GFP_TRANSHUGE, (__GFP_IO | __GFP_FS | __GFP_HARDWALL | __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN | __GFP_DIRECT_RECLAIM))

enum {
#define X(name, value) name = (value),
	GFP_MASK_TABLE(X)
#undef X
};

/*
 * Parse "GFP_KERNEL|__GFP_COMP|0x40" (names or hex, '|'-separated; "0" is the
 * empty mask, as gfp_format prints it).  Returns 0
 * on success; on error, *bad_at is the offset of the offending token.
 */
int gfp_parse(const char *s, gfp_t *out, int *bad_at);
/* Print a mask as the shortest readable "NAME|NAME|0x.." string. */
void gfp_format(gfp_t gfp, char *buf, unsigned long len);

#endif /* BF_CORE_GFP_H */
