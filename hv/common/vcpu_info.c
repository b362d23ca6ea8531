/*
 * Where each vCPU's vcpu_info lives. By default vCPU n < 32 uses
 * shared_info->vcpu_info[n] (a vCPU beyond that has a private, masked
 * stand-in until it registers); VCPUOP_register_vcpu_info moves it, once,
 * into a frame the domain owns. The hypervisor then writes it through its
 * direct map, never through the guest's page tables.
 *
 * Security: the frame must be the domain's own ordinary RAM. A frame
 * validated as a page table or descriptor table must never be written here
 * (a selector bit in a PTE would be a way out of the guest), and the frame
 * must stay the domain's for as long as it is registered. Both come from
 * the memory model's writable hold (mm_hold_writable_page): a WRITABLE
 * type reference excludes every page-table and descriptor type, and a
 * referenced frame cannot leave the domain. The hold is dropped by
 * evtchn_vcpu_destroy.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>

struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (v->event.vcpu_info != NULL) {
		return v->event.vcpu_info;
	}
	if (d != NULL && d->shared_info != NULL && v->id < XEN_LEGACY_MAX_VCPUS) {
		return &d->shared_info->vcpu_info[index_nospec(v->id, XEN_LEGACY_MAX_VCPUS)];
	}
	return &v->event.vcpu_info_dummy;
}

bool evtchn_upcall_deliverable(struct vcpu *v)
{
	const struct vcpu_info *vi = vcpu_info_of(v);

	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) != 0 &&
	       __atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST) == 0;
}

bool vcpu_info_frame_in_use(const struct domain *d, mfn_t m)
{
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		const struct vcpu *v = &d->vcpus[i];

		if (v->event.vcpu_info != NULL && mfn_eq(v->event.vcpu_info_mfn, m)) {
			return true;
		}
	}
	return false;
}

int vcpu_info_register(struct vcpu *curr, struct vcpu *v, uint64_t mfn_raw, uint32_t offset)
{
	struct domain *d = v->domain;
	struct vcpu_info *now, *next;
	int rc;

	/* Decode: the whole struct within the page, naturally aligned. */
	if (offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
	    !IS_ALIGNED(offset, _Alignof(struct vcpu_info))) {
		return -XEN_ENXIO;
	}
	if (v->event.vcpu_info != NULL) {
		return -XEN_EINVAL;	/* once per vCPU (Xen 4.17: -EINVAL) */
	}
	/* On yourself, or on a vCPU that is down. */
	if (v != curr && v->state != VCPU_OFFLINE) {
		return -XEN_EINVAL;
	}
	/* shared_info is the domain's too, but is ours to lay out. */
	if (mfn_eq(mfn(mfn_raw), d->shared_info_mfn)) {
		return -XEN_EINVAL;
	}
	/* The last check, and all or nothing: d's own frame, now typed
	 * writable and referenced (-EINVAL: not d's, or a table; -ENOSPC). */
	rc = mm_hold_writable_page(d, mfn(mfn_raw));
	if (rc != 0) {
		return rc;
	}

	/* Commit: copy what the guest sees now, switch, and make sure no event
	 * is lost in the move: every selector bit and the upcall are raised
	 * (a spurious scan is harmless). */
	now = vcpu_info_of(v);
	next = (struct vcpu_info *)((uint8_t *)arch_frame_map(mfn(mfn_raw)) + offset);
	memcpy(next, now, sizeof(*next));
	v->event.vcpu_info_mfn = mfn(mfn_raw);
	v->event.vcpu_info = next;
	__atomic_store_n(&next->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
	evtchn_mark_upcall_pending(v);
	time_update_vcpu(v);
	return 0;
}
