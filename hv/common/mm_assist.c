/*
 * The vm_assist hypercall (21): per-domain switches of Xen's PV ABI. Moat
 * offers writable_pagetables (2: emulate writes to read-only page tables,
 * mm_ptwr.c) and runstate_update_flag (5: the runstate area's update bit,
 * used by the vCPU runstate code). Other types are -EINVAL, an unknown
 * command -ENOSYS, as in Xen.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/mm.h>
#include <public/errno.h>
#include <public/xen.h>

#define MM_VMASST_VALID ((1ULL << VMASST_TYPE_writable_pagetables) | \
			 (1ULL << VMASST_TYPE_runstate_update_flag))

bool mm_vm_assist(const struct domain *d, unsigned int type)
{
	return type < 64 && (d->mm.vm_assist & (1ULL << type)) != 0;
}

int64_t do_vm_assist(struct vcpu *curr, const struct hypercall_args *args)
{
	struct domain *d = curr->domain;
	uint32_t cmd = (uint32_t)args->a[0];
	uint32_t type = (uint32_t)args->a[1];

	if (type >= 64 || !(MM_VMASST_VALID & (1ULL << type))) {
		return -XEN_EINVAL;
	}
	switch (cmd) {
	case VMASST_CMD_enable:
		d->mm.vm_assist |= 1ULL << type;
		return 0;
	case VMASST_CMD_disable:
		d->mm.vm_assist &= ~(1ULL << type);
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}
