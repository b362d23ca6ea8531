/*
 * The only way the hypervisor touches memory through a guest pointer. Both
 * check that the whole range lies outside the hypervisor's slots and catch
 * faults, so a hostile pointer gives -XEN_EFAULT and nothing else.
 * The caller passes the vCPU whose address space is loaded.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>

struct vcpu;

int copy_from_guest(struct vcpu *curr, void *dst, const void __guest *src, size_t len);
int copy_to_guest(struct vcpu *curr, void __guest *dst, const void *src, size_t len);

/* True when [addr, addr+len) is a range a guest may name at all. */
static inline bool guest_range_ok(uint64_t addr, size_t len)
{
	uint64_t end = addr + len;

	if (end < addr) {
		return false;
	}
	/* Below the canonical hole, or at/above the hypervisor's slots' end. */
	if (end <= 0x0000800000000000ULL) {
		return true;
	}
	return addr >= 0xffff880000000000ULL;
}

#define guest_ptr(x) ((void __guest *)(uintptr_t)(x))

#endif
