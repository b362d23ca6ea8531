/*
 * Emulation of instructions a PV kernel may execute that fault in ring 3.
 * Not yet built: it arrives with the instruction decoder. Until then each
 * such fault is bounced to the guest exactly as the hardware raised it
 * (these functions decline), so nothing is pretended.
 */
#include <arch/pv.h>

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *r)
{
	(void)v;
	(void)r;
	return false;
}

bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *r)
{
	(void)v;
	(void)r;
	return false;
}

bool pv_emulate_pt_write(struct vcpu *v, struct cpu_regs *r, uint64_t cr2)
{
	(void)v;
	(void)r;
	(void)cr2;
	return false;
}
