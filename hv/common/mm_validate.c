/*
 * What a PV64 guest may put in its page tables, level by level, and the
 * references each present entry holds. Xen's 64-bit PV rules (looked up in
 * xen/arch/x86/mm.c and pv/mm.h; the code is ours):
 *  - flag bits a present entry may use: P, RW, US, A, D, the three
 *    software bits 9-11, the software bits 52-62 and NX; Xen disallows PWT,
 *    PCD, PSE/PAT and G in L2-L4 (so no superpages), and PWT, PCD, PAT and
 *    bit 62 (its grant marker) in L1 for a domain without I/O resources.
 *    Xen allows G in L1 for user mappings; Moat refuses it ("no GLOBAL
 *    games"): a global mapping would survive the CR3 switch to another
 *    domain or to the guest's user tables. Linux PV never sets it.
 *  - an L1 entry maps a frame of the domain's own: read-only takes a
 *    general reference, RW takes the frame as WRITABLE (refused when it is a
 *    page table or a descriptor page); L2 -> L1, L3 -> L2, L4 -> L3 types.
 *    The one exception, a grant mapping of another domain's frame, is never
 *    validated here (map_grant_ref writes it into an already validated L1;
 *    a table offered with one is refused) and is revoked, not put, when its
 *    L1 devalidates (hv/grant.h).
 *    A table pointing at a table of its own level (a linear page table) is
 *    a type conflict and refused: Linux does not need them.
 *  - address bits above what the frame table covers are refused with the
 *    frame (no such frame), non-present entries may hold anything.
 *  - L4 slots 256-271 belong to the hypervisor: skipped when validating,
 *    rewritten from arch_fill_hypervisor_slots(), never guest-writable.
 *  - a present entry is stored with US set (the guest kernel runs in ring 3;
 *    Xen does the same) and, in an L4, with A set.
 * It must never take a reference it does not give back on failure.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>

#include "mm_priv.h"

#define HV_L4_SLOT_FIRST 256
#define HV_L4_SLOT_LAST  271
#define PTE_BIT62        (1ULL << 62)

uint64_t mm_pte_disallowed(unsigned int level)
{
	const uint64_t cache = _PAGE_PWT | _PAGE_PCD;

	if (level == 1) {
		/* PSE is PAT in an L1 entry. */
		return cache | _PAGE_PSE | _PAGE_GLOBAL | PTE_BIT62;
	}
	return cache | _PAGE_PSE | _PAGE_GLOBAL;
}

bool mm_l4_slot_is_guest(unsigned int slot)
{
	return slot < HV_L4_SLOT_FIRST || slot > HV_L4_SLOT_LAST;
}

uint64_t mm_pte_adjust(unsigned int level, uint64_t pte)
{
	if (!(pte & _PAGE_PRESENT)) {
		return pte;
	}
	pte |= _PAGE_USER;
	if (level == 4) {
		pte |= _PAGE_ACCESSED;
	}
	return pte;
}

int mm_pte_get(struct domain *d, unsigned int level, uint64_t pte)
{
	mfn_t target = pte_mfn(pte);

	BUG_ON(level < 1 || level > 4 || !(pte & _PAGE_PRESENT));
	if (pte & mm_pte_disallowed(level)) {
		printk(LOG_DEBUG, "d%u: L%u entry %016lx: flags %lx not allowed", d->id, level,
		       (unsigned long)pte, (unsigned long)(pte & mm_pte_disallowed(level)));
		return -XEN_EINVAL;
	}
	if (level == 1) {
		return (pte & _PAGE_RW) ? mm_get_page_type(d, target, MM_TYPE_WRITABLE)
					: mm_get_page(d, target);
	}
	return mm_get_page_type(d, target, (enum mm_type)(level - 1));
}

void mm_pte_put(struct domain *d, unsigned int level, uint64_t pte)
{
	mfn_t target = pte_mfn(pte);

	BUG_ON(level < 1 || level > 4 || !(pte & _PAGE_PRESENT));
	if (level == 1 && !(pte & _PAGE_RW)) {
		mm_put_page(d, target);
	} else {
		mm_put_page_type(d, target);
	}
}

static bool is_guest_slot(unsigned int level, unsigned int i)
{
	return level != 4 || mm_l4_slot_is_guest(i);
}

/*
 * The frame is already typed `level` (type_count 1) by mm_get_page_type, so
 * nothing the guest could write it through exists; its entries hold still.
 */
int mm_table_validate(struct domain *d, mfn_t m, unsigned int level)
{
	uint64_t *t = arch_frame_map(m);
	unsigned int i;
	int rc = 0;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = mm_pte_read(&t[i]);

		if (!is_guest_slot(level, i) || !(e & _PAGE_PRESENT)) {
			continue;
		}
		rc = mm_pte_get(d, level, e);
		if (rc != 0) {
			printk(LOG_DEBUG, "d%u: L%u table %lx slot %u refused (%d)", d->id, level,
			       (unsigned long)mfn_x(m), i, rc);
			break;
		}
	}
	if (rc != 0) {
		while (i-- > 0) {
			uint64_t e = mm_pte_read(&t[i]);

			if (is_guest_slot(level, i) && (e & _PAGE_PRESENT)) {
				mm_pte_put(d, level, e);
			}
		}
		return rc;
	}
	/* Accepted: store the entries as the hardware must see them. */
	for (i = 0; i < PT_ENTRIES; i++) {
		if (is_guest_slot(level, i)) {
			mm_pte_write(&t[i], mm_pte_adjust(level, mm_pte_read(&t[i])));
		}
	}
	if (level == 4) {
		arch_fill_hypervisor_slots(t);
	}
	return 0;
}

void mm_table_devalidate(struct domain *d, mfn_t m, unsigned int level)
{
	uint64_t *t = arch_frame_map(m);

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = mm_pte_read(&t[i]);

		if (!is_guest_slot(level, i)) {
			/* The frame may become the guest's to write: the hypervisor's
			 * entries (its physical layout) are not for it to read. */
			mm_pte_write(&t[i], 0);
		} else if ((e & _PAGE_PRESENT) && level == 1 && mm_frame_of(d, pte_mfn(e)) == NULL) {
			/* A grant mapping: revoked (PTE cleared, TLBs flushed,
			 * the granter's references released, handle revoked). */
			gnttab_l1_entry_dropped(d, m, i);
		} else if (e & _PAGE_PRESENT) {
			mm_pte_put(d, level, e);
		}
	}
}
