/*
 * Page-table hypercalls of Xen's x86-64 PV ABI: mmu_update (1),
 * update_va_mapping (14) flags and mmuext_op (26). Xen declares these in its
 * xen.h; here they have a header of their own. Numbers and layouts are facts
 * of Xen's ABI (xen/include/public/xen.h); the text is ours.
 */
#ifndef MOAT_PUBLIC_MMU_H
#define MOAT_PUBLIC_MMU_H

#include <public/xen.h>

/* mmu_update: the low two bits of mmu_update.ptr select the command. */
#define MMU_NORMAL_PT_UPDATE       0	/* ptr = machine address of a PTE, checked *ptr = val */
#define MMU_MACHPHYS_UPDATE        1	/* ptr = machine address in a frame, val = its new pfn */
#define MMU_PT_UPDATE_PRESERVE_AD  2	/* as NORMAL, but keep the entry's A and D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3	/* as NORMAL, no p2m translation (HVM/PVH tools) */
#define MMU_CMD_MASK               7	/* Xen takes the low three bits */

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE        0
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4
#define MMUEXT_NEW_BASEPTR         5
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7
#define MMUEXT_TLB_FLUSH_MULTI     8
#define MMUEXT_INVLPG_MULTI        9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13
#define MMUEXT_NEW_USER_BASEPTR   15
#define MMUEXT_CLEAR_PAGE         16
#define MMUEXT_COPY_PAGE          17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

/* update_va_mapping flags (OR-able). UVMF_MULTI also carries a vCPU
 * bitmap pointer in the upper bits; UVMF_LOCAL is MULTI with none. */
#define UVMF_NONE           0UL
#define UVMF_TLB_FLUSH      1UL
#define UVMF_INVLPG         2UL
#define UVMF_FLUSHTYPE_MASK 3UL
#define UVMF_MULTI          0UL
#define UVMF_LOCAL          0UL
#define UVMF_ALL            4UL

#ifndef __ASSEMBLY__
struct mmu_update {
	uint64_t ptr;	/* machine address of the PTE | MMU_* command */
	uint64_t val;	/* the new PTE, or the new pfn for MACHPHYS */
};
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update ABI");

struct mmuext_op {
	uint32_t cmd;
	uint32_t pad;
	union {
		xen_pfn_t mfn;		/* (UN)PIN_*, NEW_BASEPTR, NEW_USER_BASEPTR, CLEAR/COPY_PAGE */
		uint64_t linear_addr;	/* INVLPG_*, SET_LDT */
	} arg1;
	union {
		uint32_t nr_ents;	/* SET_LDT */
		uint64_t vcpumask;	/* TLB_FLUSH_MULTI, INVLPG_MULTI: guest pointer to a bitmap */
		xen_pfn_t src_mfn;	/* COPY_PAGE */
	} arg2;
};
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op ABI");
_Static_assert(__builtin_offsetof(struct mmuext_op, arg1) == 8, "mmuext_op ABI");
_Static_assert(__builtin_offsetof(struct mmuext_op, arg2) == 16, "mmuext_op ABI");
#endif

#endif /* MOAT_PUBLIC_MMU_H */
