/*
 * Register-level PV hypercalls: fpu_taskswitch (the virtual CR0.TS),
 * set_segment_base (FS, user and kernel GS), set_debugreg/get_debugreg, and
 * physdev set_iopl. Values are checked here; the arch layer loads them.
 * A guest must never get a breakpoint on hypervisor addresses or on I/O, nor
 * the general-detect bit that would trap the hypervisor's own DR accesses.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/callback.h>
#include <public/errno.h>
#include <public/physdev.h>

#define DR7_GD          (1ULL << 13)
#define DR7_RESERVED_1  (1ULL << 10)
#define DR6_DEFAULT     0xffff0ff0ULL

int64_t do_fpu_taskswitch(struct vcpu *curr, const struct hypercall_args *args)
{
	curr->pv.fpu_ts = args->a[0] != 0;
	arch_pv_fpu_taskswitch(curr);
	return 0;
}

static bool canonical(uint64_t a)
{
	/* cppcheck-suppress incorrectLogicOperator ; false: cppcheck 2.10 misreads 0xffff8000... */
	return a < 0x0000800000000000ULL || a >= 0xffff800000000000ULL;
}

int64_t do_set_segment_base(struct vcpu *curr, const struct hypercall_args *args)
{
	unsigned int which = (unsigned int)args->a[0];
	uint64_t value = args->a[1];

	switch (which) {
	case SEGBASE_FS:
	case SEGBASE_GS_USER:
	case SEGBASE_GS_KERNEL:
		if (!canonical(value)) {
			return -XEN_EINVAL;
		}
		break;
	case SEGBASE_GS_USER_SEL:
		if (value > 0xffff) {
			return -XEN_EINVAL;
		}
		break;
	default:
		return -XEN_EINVAL;
	}
	return arch_pv_set_segment_base(curr, which, value);
}

/* Is value acceptable for debug register reg? */
static bool debugreg_ok(unsigned int reg, uint64_t value)
{
	switch (reg) {
	case 0:
	case 1:
	case 2:
	case 3:
		/* A breakpoint address inside the hypervisor would fire in it. */
		return guest_range_ok(value, 8) && canonical(value);
	case 6:
		return (value >> 32) == 0;
	case 7:
		if ((value >> 32) != 0 || (value & DR7_GD)) {
			return false;
		}
		/* R/W = 10b (I/O breakpoints) in any of the four slots. */
		for (unsigned int i = 0; i < 4; i++) {
			if (((value >> (16 + 4 * i)) & 3) == 2) {
				return false;
			}
		}
		return true;
	default:
		return false;
	}
}

int64_t do_set_debugreg(struct vcpu *curr, const struct hypercall_args *args)
{
	return pv_set_debugreg(curr, (unsigned int)args->a[0], args->a[1]);
}

int pv_set_debugreg(struct vcpu *curr, unsigned int reg, uint64_t value)
{
	/* DR4/DR5 alias DR6/DR7, as with CR4.DE clear. */
	if (reg == 4 || reg == 5) {
		reg += 2;
	}
	if (reg > 7 || !debugreg_ok(reg, value)) {
		return -XEN_EINVAL;
	}
	if (reg == 6) {
		value |= DR6_DEFAULT;
	} else if (reg == 7) {
		value |= DR7_RESERVED_1;
	}
	curr->pv.debugreg[reg] = value;
	arch_pv_load_debugregs(curr);
	return 0;
}

int64_t do_get_debugreg(struct vcpu *curr, const struct hypercall_args *args)
{
	return (int64_t)pv_get_debugreg(curr, (unsigned int)args->a[0]);
}

int64_t pv_get_debugreg(struct vcpu *curr, unsigned int reg)
{
	if (reg == 4 || reg == 5) {
		reg += 2;
	}
	if (reg > 7) {
		return -XEN_EINVAL;
	}
	/* The hypercall returns the value itself, as on Xen. */
	return (int64_t)curr->pv.debugreg[index_nospec(reg, 8)];
}

int64_t do_physdev_op(struct vcpu *curr, const struct hypercall_args *args)
{
	switch (args->a[0]) {
	case PHYSDEVOP_set_iopl: {
		struct physdev_set_iopl s;

		if (copy_from_guest(curr, &s, guest_ptr(args->a[1]), sizeof(s)) != 0) {
			return -XEN_EFAULT;
		}
		if (s.iopl > 3) {
			return -XEN_EINVAL;
		}
		/* Virtual only: it grants no port, this domain has none. */
		curr->pv.iopl = s.iopl;
		return 0;
	}
	default:
		/* No physical devices are given to guests. */
		return -XEN_ENOSYS;
	}
}
