/*
 * The update_va_mapping hypercall (14): change the L1 entry that maps va in
 * the caller's current kernel tables, then flush as the flags ask. Also the
 * TLB flushes it shares with mmuext_op. Decode (va, flags, the vCPU mask
 * copied in, the walk) before the update; the flush after it cannot fail.
 * Flags: bits 0-1 the flush (UVMF_NONE, UVMF_TLB_FLUSH, UVMF_INVLPG; 3 is
 * refused), the rest UVMF_LOCAL (0), UVMF_ALL (4) or a guest pointer to a
 * vCPU bitmap (UVMF_MULTI), as in Xen.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>
#include <public/mmu.h>

#include "mm_priv.h"

void mm_flush(struct domain *d, unsigned int kind, uint64_t vcpu_mask, uint64_t va)
{
	vcpu_mask &= MM_VCPU_MASK(d);
	if (vcpu_mask == 0) {
		return;
	}
	if (kind == MM_FLUSH_TLB) {
		arch_tlb_flush_vcpus(d, vcpu_mask);
	} else if (kind == MM_FLUSH_INVLPG && guest_range_ok(va, 1)) {
		/* An address no guest mapping can have needs no invlpg. */
		arch_tlb_invlpg_vcpus(d, vcpu_mask, va);
	}
}

int mm_copy_vcpumask(struct vcpu *curr, uint64_t ptr, uint64_t *mask)
{
	uint64_t m;

	if (copy_from_guest(curr, &m, guest_ptr(ptr), sizeof(m)) != 0) {
		return -XEN_EFAULT;
	}
	*mask = m & MM_VCPU_MASK(curr->domain);
	return 0;
}

int64_t do_update_va_mapping(struct vcpu *curr, const struct hypercall_args *args)
{
	struct domain *d = curr->domain;
	uint64_t va = args->a[0];
	uint64_t val = args->a[1];
	uint64_t flags = args->a[2];
	unsigned int kind = (unsigned int)(flags & UVMF_FLUSHTYPE_MASK);
	uint64_t target = flags & ~UVMF_FLUSHTYPE_MASK;
	uint64_t mask = 0;
	mfn_t root = mm_kernel_root(curr), l1;
	unsigned int idx;
	int rc;

	if (!guest_range_ok(va, 1) || kind == UVMF_FLUSHTYPE_MASK) {
		return -XEN_EINVAL;
	}
	if (kind != UVMF_NONE) {
		if (target == UVMF_LOCAL) {
			mask = 1ULL << curr->id;
		} else if (target == UVMF_ALL) {
			mask = MM_VCPU_MASK(d);
		} else {
			rc = mm_copy_vcpumask(curr, target, &mask);
			if (rc != 0) {
				return rc;
			}
		}
	}
	if (mfn_x(root) == INVALID_MFN_RAW) {
		return -XEN_EINVAL;
	}
	rc = mm_walk_to_l1(d, root, va, &l1, &idx);
	if (rc != 0) {
		return rc;
	}
	rc = mm_pt_write_entry(d, l1, 1, idx, val, false, NULL);
	if (rc != 0) {
		return rc;
	}
	mm_flush(d, kind == UVMF_TLB_FLUSH ? MM_FLUSH_TLB : kind == UVMF_INVLPG ? MM_FLUSH_INVLPG
									      : MM_FLUSH_NONE,
		 mask, va);
	return 0;
}
