/*
 * memory_op decrease_reservation, increase_reservation and populate_physmap
 * for a PV domain (extents are machine frames going out, guest frames coming
 * in). A frame leaves the domain only when the memory model says nothing
 * references it (no mapping, no type, no pin, not held by the hypervisor);
 * frames come in only up to the domain's limit (its manifest mem=).
 * Single pages only (extent_order 0), which is what Linux's PV paths use.
 * Preemptible, as on Xen: after each extent, when work is pending, the call
 * continues with the extents done so far in cmd's bits above
 * MEMOP_EXTENT_SHIFT; a re-issue starts there and returns the total. A
 * forged start only skips the guest's own extents: each one is checked again.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>

static int64_t decrease_one(struct domain *d, uint64_t m_raw)
{
	mfn_t m = mfn(m_raw);
	struct frame_info *f = frame_get(m);
	uint64_t pfn;

	if (f == NULL || f->state != FRAME_GUEST || f->owner != d->id ||
	    !mm_frame_unreferenced(d, m) || mfn_eq(m, d->shared_info_mfn)) {
		return -XEN_EINVAL;
	}
	pfn = arch_m2p_get(m);
	if (pfn < P2M_MAX_PFN && mfn_eq(p2m_get(&d->p2m, pfn), m)) {
		p2m_set(&d->p2m, pfn, mfn(INVALID_MFN_RAW));
	}
	arch_m2p_set(m, ~0ULL);
	frame_free(m);
	d->nr_pages--;
	return 0;
}

static int64_t increase_one(struct domain *d, uint64_t *slot, bool populate)
{
	mfn_t m;

	if (d->nr_pages >= d->max_pages) {
		return -XEN_ENOMEM;
	}
	if (populate) {
		/* *slot is the guest frame to back; it must be a hole. */
		if (*slot >= P2M_MAX_PFN || mfn_x(p2m_get(&d->p2m, *slot)) != INVALID_MFN_RAW) {
			return -XEN_EINVAL;
		}
	}
	m = frame_alloc(FRAME_GUEST, d->id);
	if (mfn_x(m) == INVALID_MFN_RAW) {
		return -XEN_ENOMEM;
	}
	memset(arch_frame_map(m), 0, PAGE_SIZE);
	if (populate) {
		if (p2m_set(&d->p2m, *slot, m) != 0) {
			frame_free(m);
			return -XEN_ENOMEM;
		}
		arch_m2p_set(m, *slot);
	} else {
		arch_m2p_set(m, ~0ULL);
	}
	d->nr_pages++;
	*slot = mfn_x(m);	/* PV: the guest learns the machine frame */
	return 0;
}

int64_t memory_op_reservation(struct vcpu *curr, unsigned int cmd, uint64_t arg,
			      uint64_t start)
{
	struct xen_memory_reservation res;
	struct domain *d = curr->domain;
	uint64_t done;

	if (copy_from_guest(curr, &res, guest_ptr(arg), sizeof(res)) != 0) {
		return -XEN_EFAULT;
	}
	if (res.domid != DOMID_SELF && res.domid != d->id) {
		return -XEN_EPERM;
	}
	/* A count too large to encode the progress of is refused outright. */
	if (res.extent_order != 0 || res.nr_extents > (UINT64_MAX >> MEMOP_EXTENT_SHIFT)) {
		return -XEN_EINVAL;
	}
	if (start >= res.nr_extents) {
		return (int64_t)start;
	}
	for (done = start; done < res.nr_extents; done++) {
		uint64_t at = res.extent_start + done * sizeof(uint64_t);
		uint64_t slot;
		int64_t rc;

		if (done > start && hypercall_preempt_check()) {
			struct hypercall_args rest = { { cmd | (done << MEMOP_EXTENT_SHIFT), arg } };

			return hypercall_continue(curr, &rest);
		}

		if (res.extent_start == 0 ||
		    copy_from_guest(curr, &slot, guest_ptr(at), sizeof(slot)) != 0) {
			break;
		}
		if (cmd == XENMEM_decrease_reservation) {
			rc = decrease_one(d, slot);
		} else {
			rc = increase_one(d, &slot, cmd == XENMEM_populate_physmap);
			if (rc == 0 && copy_to_guest(curr, guest_ptr(at), &slot, sizeof(slot)) != 0) {
				/* The guest cannot learn the frame: give it back. */
				decrease_one(d, slot);
				break;
			}
		}
		if (rc != 0) {
			break;
		}
	}
	/* Xen's convention: the number of extents done. */
	return (int64_t)done;
}
