/*
 * The x86-64 4-level page-table entry format. For a PV guest this format is
 * part of the ABI (the guest writes entries and the hypervisor validates
 * them), so portable code may build and read entries with these helpers.
 */
#ifndef HV_PV_PT_H
#define HV_PV_PT_H

#include <hv/types.h>

#define _PAGE_PRESENT  (1ULL << 0)
#define _PAGE_RW       (1ULL << 1)
#define _PAGE_USER     (1ULL << 2)
#define _PAGE_PWT      (1ULL << 3)
#define _PAGE_PCD      (1ULL << 4)
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY    (1ULL << 6)
#define _PAGE_PSE      (1ULL << 7)
#define _PAGE_GLOBAL   (1ULL << 8)
#define _PAGE_NX       (1ULL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000ULL

#define PT_ENTRIES 512

static inline uint64_t pte_make(mfn_t m, uint64_t flags)
{
	return (mfn_x(m) << PAGE_SHIFT) | flags;
}

static inline mfn_t pte_mfn(uint64_t pte)
{
	return mfn((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* Index of va in the table at level (1 = L1 ... 4 = L4). */
static inline unsigned int pt_index(uint64_t va, unsigned int level)
{
	return (unsigned int)((va >> (PAGE_SHIFT + 9 * (level - 1))) & 511);
}

#endif
