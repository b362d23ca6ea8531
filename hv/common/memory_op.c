/*
 * memory_op: what a PV guest may learn and change about its own memory.
 * Queries (memory map, reservations, the M2P's place and size) and, with the
 * memory model, giving frames back and populating up to the domain's limit.
 * Only DOMID_SELF (or the caller's own id) for now: touching another
 * domain's memory needs the policy and comes with the control domain.
 */
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>

static int64_t reservation_query(struct vcpu *curr, uint64_t arg, unsigned int cmd)
{
	domid_t id;

	if (copy_from_guest(curr, &id, guest_ptr(arg), sizeof(id)) != 0) {
		return -XEN_EFAULT;
	}
	if (id != DOMID_SELF && id != curr->domain->id) {
		return -XEN_EPERM;
	}
	/* No ballooning above the manifest's mem= yet: both are the same. */
	(void)cmd;
	return (int64_t)curr->domain->nr_pages;
}

static int64_t memory_map(struct vcpu *curr, uint64_t arg)
{
	struct xen_memory_map map;
	struct e820_entry ram = {
		.addr = 0,
		.size = curr->domain->nr_pages << PAGE_SHIFT,
		.type = E820_RAM,
	};

	if (copy_from_guest(curr, &map, guest_ptr(arg), sizeof(map)) != 0) {
		return -XEN_EFAULT;
	}
	if (map.nr_entries < 1) {
		return -XEN_EINVAL;
	}
	if (copy_to_guest(curr, guest_ptr(map.buffer), &ram, sizeof(ram)) != 0) {
		return -XEN_EFAULT;
	}
	map.nr_entries = 1;
	return copy_to_guest(curr, guest_ptr(arg), &map, sizeof(map)) ? -XEN_EFAULT : 0;
}

static int64_t machphys_mapping(struct vcpu *curr, uint64_t arg)
{
	struct xen_machphys_mapping m = {
		.v_start = MACH2PHYS_VIRT_START,
		.v_end = MACH2PHYS_VIRT_END,
		.max_mfn = frame_total() - 1,
	};

	return copy_to_guest(curr, guest_ptr(arg), &m, sizeof(m)) ? -XEN_EFAULT : 0;
}

int64_t do_memory_op(struct vcpu *curr, const struct hypercall_args *args)
{
	unsigned int cmd = (unsigned int)args->a[0] & MEMOP_CMD_MASK;
	uint64_t arg = args->a[1];

	switch (cmd) {
	case XENMEM_maximum_ram_page:
		return (int64_t)frame_total() - 1;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		return reservation_query(curr, arg, cmd);
	case XENMEM_memory_map:
		return memory_map(curr, arg);
	case XENMEM_machphys_mapping:
		return machphys_mapping(curr, arg);
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
	case XENMEM_increase_reservation:
		return memory_op_reservation(curr, cmd, arg, args->a[0] >> MEMOP_EXTENT_SHIFT);
	default:
		return -XEN_ENOSYS;
	}
}
