/*
 * The fake arch's PV register hooks: it has no CPU registers to load, so it
 * counts the calls and keeps what a real CPU would have been given. The iret
 * hypercall needs a real guest frame and stack: here it refuses.
 */
#include <fake_arch.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <public/errno.h>

static unsigned int fpu_switches, debugreg_loads;

void arch_pv_fpu_taskswitch(struct vcpu *curr)
{
	(void)curr;
	fpu_switches++;
}

void arch_pv_load_debugregs(struct vcpu *curr)
{
	(void)curr;
	debugreg_loads++;
}

int arch_pv_set_segment_base(struct vcpu *curr, unsigned int which, uint64_t value)
{
	switch (which) {
	case 0:
		curr->pv.fs_base = value;
		return 0;
	case 1:
		curr->pv.gs_base_user = value;
		return 0;
	case 2:
		curr->pv.gs_base_kernel = value;
		return 0;
	case 3:
		curr->pv.gs_base_user = 0;
		return 0;
	default:
		return -XEN_EINVAL;
	}
}

int64_t do_iret(struct vcpu *curr, const struct hypercall_args *args)
{
	(void)curr;
	(void)args;
	return -XEN_ENOSYS;
}

unsigned int fake_pv_fpu_switches(void)
{
	return fpu_switches;
}

unsigned int fake_pv_debugreg_loads(void)
{
	return debugreg_loads;
}
