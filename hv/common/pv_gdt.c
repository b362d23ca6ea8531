/*
 * set_gdt: a PV guest hands over up to 14 frames of descriptors for the low
 * part of its GDT. The frame list is copied in and bounded here; the memory
 * model checks every descriptor and types the frames, all or nothing.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/mm.h>
#include <public/errno.h>

int64_t do_set_gdt(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t frames[MM_GDT_MAX_FRAMES];
	uint64_t list = args->a[0];
	uint64_t entries = args->a[1];
	unsigned int nr;

	if (entries > MM_GDT_MAX_ENTRIES) {
		return -XEN_EINVAL;
	}
	nr = (unsigned int)((entries + 511) / 512);
	if (nr > 0 && copy_from_guest(curr, frames, guest_ptr(list), nr * sizeof(frames[0])) != 0) {
		return -XEN_EFAULT;
	}
	return mm_set_gdt(curr, frames, (unsigned int)entries);
}
