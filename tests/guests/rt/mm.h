/*
 * Page tables of a PV64 test guest, through the hypercalls only: the guest
 * reads its tables through read-only mappings (the bootstrap region maps
 * them, others go through a view window) and changes them with mmu_update,
 * update_va_mapping and mmuext_op, as Xen's ABI requires.
 *
 * The bootstrap region maps pseudo-physical frame i at VIRT_BASE + i * 4 KiB
 * up to a 4 MiB boundary, with at least 512 KiB free at its end (Xen's
 * documented layout). The last RT_NR_WINDOWS pages of that slack are the
 * runtime's windows: virtual pages it remaps to any frame. Frames past the
 * region are mapped nowhere; rt_frame_alloc() hands them out.
 */
#ifndef GUEST_RT_MM_H
#define GUEST_RT_MM_H

#include "rt.h"
#include "x86.h"

#define RT_VIRT_BASE 0xffffffff80000000ULL

/* Window slots (virtual pages at the end of the bootstrap region). */
#define RT_WIN_VIEW      0	/* read-only view of a page-table frame */
#define RT_WIN_SCRATCH   1	/* read-write, to fill a frame before it is typed */
#define RT_WIN_SHARED    2	/* shared_info */
#define RT_WIN_TEST      3	/* first slot free for tests */
#define RT_NR_WINDOWS    12

extern uint64_t rt_region_end;		/* first virtual address past the region */
extern uint64_t rt_region_pages;	/* frames the region maps */
extern uint64_t rt_l4_mfn;		/* the current kernel root (new_baseptr) */
extern const uint64_t *rt_p2m;		/* start_info.mfn_list */

/* Find the region and the root; idempotent. */
void rt_mm_init(void);

static inline uint64_t rt_pfn_to_mfn(uint64_t pfn)
{
	return rt_p2m[pfn];
}

/* The read-only M2P the hypervisor maps at MACH2PHYS_VIRT_START. */
static inline uint64_t rt_mfn_to_pfn(uint64_t mfn)
{
	return ((const volatile uint64_t *)MACH2PHYS_VIRT_START)[mfn];
}

uint64_t rt_window(unsigned int slot);

/* update_va_mapping with a local INVLPG. */
long rt_map(uint64_t va, uint64_t mfn, uint64_t flags);
long rt_unmap(uint64_t va);

/* A frame past the region (mapped nowhere): its pfn, or 0 when none is left. */
uint64_t rt_frame_alloc(void);

/* A readable view of a page-table frame, valid until the next call. */
const uint64_t *rt_table_view(uint64_t mfn);

/* The entry at `level` (4..1) that maps va under the current root, its
 * machine address (0 if a higher level is not present). */
uint64_t rt_pte_maddr(uint64_t va, int level);
uint64_t rt_pte_get(uint64_t va, int level);
/* The frame va maps to, or ~0 when unmapped. */
uint64_t rt_va_to_mfn(uint64_t va);

/* A new frame filled with init (NULL: zeros), then unmapped, so it can
 * become a page table. Returns its mfn, 0 on failure. */
uint64_t rt_pt_alloc(const uint64_t *init);

/* Checked write of one entry with mmu_update (MMU_NORMAL_PT_UPDATE). */
long rt_pt_set(uint64_t table_mfn, unsigned int index, uint64_t val);

long rt_pin(int level, uint64_t mfn);
long rt_unpin(uint64_t mfn);

/* Make sure L3, L2 and L1 tables exist under the current root for va. */
long rt_ensure_l1(uint64_t va);

/* Addresses of PT frames of the region, from the bootstrap mapping. */
static inline uint64_t rt_region_va(uint64_t pfn)
{
	return RT_VIRT_BASE + pfn * RT_PAGE_SIZE;
}

#endif /* GUEST_RT_MM_H */
