/*
 * Writable page tables, the portable half. A guest kernel wrote to one of
 * its page-table frames through a read-only mapping; the arch decoded the
 * instruction (a store, xchg or cmpxchg of 1, 2, 4 or 8 bytes) and asks
 * here. The entry that results is checked and applied exactly as
 * MMU_NORMAL_PT_UPDATE would; anything else is refused and the #PF goes to
 * the guest.
 * Xen 4.17 facts followed: emulation only when the domain enabled vm_assist
 * writable_pagetables (Linux does, in setup_arch), only for guest kernel
 * mode write faults on present read-only mappings (the arch's check), the
 * mapping looked up through the kernel tables, sub-word writes merged into
 * the whole entry, and L1 frames only: a write to an L2-L4 through its
 * read-only mapping is the guest's #PF, as on Xen (those go through
 * mmu_update).
 * The write passes the emulation gate with mmu_update's permission
 * (hv/common/emul_gate.c): a domain the policy denies mmu_update gets the
 * #PF, as a CPU without the emulation would give it.
 * It must never apply a value it has not validated, nor write a frame
 * other than the page table the faulting address maps.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/emul_gate.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>
#include <public/xen.h>

#include "mm_priv.h"

/* The page table the read-only mapping of va shows, and its level. */
static int find_table(struct vcpu *curr, uint64_t va, mfn_t *table, unsigned int *level)
{
	struct domain *d = curr->domain;
	mfn_t root = mm_kernel_root(curr), l1;
	const struct frame_info *f;
	unsigned int idx;
	uint64_t e;
	int rc;

	if (mfn_x(root) == INVALID_MFN_RAW) {
		return -XEN_EINVAL;
	}
	rc = mm_walk_to_l1(d, root, va, &l1, &idx);
	if (rc != 0) {
		return rc;
	}
	e = mm_pte_read((const uint64_t *)arch_frame_map(l1) + idx);
	if ((e & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT) {
		return -XEN_EINVAL;
	}
	*table = pte_mfn(e);
	f = mm_frame_of(d, *table);
	if (f == NULL || f->type_count == 0 || !mm_type_is_pt(f->type)) {
		return -XEN_EINVAL;
	}
	*level = f->type;
	return 0;
}

int mm_emulate_pt_write(struct vcpu *curr, const struct mm_ptwr *w, uint64_t *old_out)
{
	struct domain *d = curr->domain;
	unsigned int bytes = w->bytes, shift, idx, level;
	uint64_t mask, cur, new, old;
	mfn_t table;
	int rc;

	if (!mm_vm_assist(d, VMASST_TYPE_writable_pagetables)) {
		return -XEN_EPERM;
	}
	if ((bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) || (w->va & (bytes - 1)) != 0 ||
	    w->kind > MM_PTWR_CMPXCHG) {
		return -XEN_EINVAL;
	}
	rc = find_table(curr, w->va, &table, &level);
	if (rc != 0) {
		return rc;
	}
	if (level != 1) {
		return -XEN_EINVAL;
	}
	/*
	 * A write to one of its page tables, decoded: from here on it is the
	 * MMU_NORMAL_PT_UPDATE it is equivalent to, and needs that hypercall's
	 * permission. Checked only now, so that a write to a page that is no
	 * page table is no denial to audit (it is the guest's plain #PF).
	 */
	rc = emul_gate(curr, EMUL_PT_WRITE);
	if (rc != 0) {
		return rc;
	}
	idx = (unsigned int)((w->va & (PAGE_SIZE - 1)) >> 3);
	shift = (unsigned int)(w->va & 7) * 8;
	mask = (bytes == 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1) << shift;
	cur = mm_pte_read((const uint64_t *)arch_frame_map(table) + idx);
	if (w->kind == MM_PTWR_CMPXCHG && (cur & mask) != ((w->expected << shift) & mask)) {
		/* No swap: nothing changes, the guest sees what is there. */
		*old_out = (cur & mask) >> shift;
		return 0;
	}
	new = (cur & ~mask) | ((w->val << shift) & mask);
	rc = mm_pt_write_entry(d, table, level, idx, new, false, &old);
	if (rc != 0) {
		return rc;
	}
	*old_out = (old & mask) >> shift;
	return 0;
}
