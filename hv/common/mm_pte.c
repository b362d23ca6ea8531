/*
 * Changing one entry of a validated page table, and finding the L1 entry
 * that maps a virtual address: the two steps every page-table hypercall and
 * the writable-page-table emulation share. Decode then commit: the new
 * entry's references are taken first (all or nothing), then the entry is
 * written, then the old entry's references go, which cannot fail.
 * It must never write a hypervisor L4 slot or an entry it has not checked,
 * nor overwrite a grant mapping (an L1 entry of a foreign frame).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>

#include "mm_priv.h"

int mm_pt_write_entry(struct domain *d, mfn_t table, unsigned int level, unsigned int idx,
		      uint64_t val, bool preserve_ad, uint64_t *old_out)
{
	uint64_t *t;
	uint64_t old, new = val;
	int rc;

	/* Callers found the table validated at this level; idx comes from an
	 * address masked to the page. */
	BUG_ON(!mm_is_table(d, table, level) || idx >= PT_ENTRIES);
	if (level == 4 && !mm_l4_slot_is_guest(idx)) {
		printk(LOG_DEBUG, "d%u: update of hypervisor L4 slot %u refused", d->id, idx);
		return -XEN_EINVAL;
	}
	t = arch_frame_map(table);
	old = mm_pte_read(&t[idx]);
	if (level == 1 && (old & _PAGE_PRESENT) && mm_frame_of(d, pte_mfn(old)) == NULL) {
		/* Only a grant mapping references a foreign frame; it is
		 * removed with unmap_grant_ref, never overwritten. */
		printk(LOG_DEBUG, "d%u: update of grant mapping L1 %lx[%u] refused", d->id,
		       (unsigned long)mfn_x(table), idx);
		return -XEN_EINVAL;
	}
	if (preserve_ad) {
		new |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
	}
	if (new & _PAGE_PRESENT) {
		new = mm_pte_adjust(level, new);
		rc = mm_pte_get(d, level, new);
		if (rc != 0) {
			return rc;
		}
	}
	/* Commit. */
	mm_pte_write(&t[idx], new);
	if (old & _PAGE_PRESENT) {
		mm_pte_put(d, level, old);
	}
	if (old_out != NULL) {
		*old_out = old;
	}
	return 0;
}

int mm_walk_to_l1(const struct domain *d, mfn_t root, uint64_t va, mfn_t *l1_out,
		  unsigned int *idx_out)
{
	mfn_t table = root;

	if (!guest_range_ok(va, 1)) {
		return -XEN_EINVAL;
	}
	for (unsigned int level = 4; level > 1; level--) {
		const uint64_t *t;
		unsigned int i = pt_index(va, level);
		uint64_t e;

		/* Everything below a validated L4 is validated; checked anyway,
		 * it is cheap and the walk must never leave d's tables. */
		if (!mm_is_table(d, table, level) || (level == 4 && !mm_l4_slot_is_guest(i))) {
			return -XEN_EINVAL;
		}
		t = arch_frame_map(table);
		e = mm_pte_read(&t[i]);
		if (!(e & _PAGE_PRESENT)) {
			return -XEN_EINVAL;
		}
		table = pte_mfn(e);
	}
	if (!mm_is_table(d, table, 1)) {
		return -XEN_EINVAL;
	}
	*l1_out = table;
	*idx_out = pt_index(va, 1);
	return 0;
}
