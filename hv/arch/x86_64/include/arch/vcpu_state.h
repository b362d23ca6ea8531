/*
 * The x86-64 part of a vCPU, embedded in struct vcpu. Common code never
 * looks inside; it only needs the size.
 */
#ifndef ARCH_VCPU_STATE_H
#define ARCH_VCPU_STATE_H

#include <hv/types.h>

struct arch_vcpu {
	uint64_t hv_rsp;	/* saved hypervisor rsp while switched out */
	void *stack;		/* base of the hypervisor stack (direct map) */
	mfn_t stack_mfn;
	mfn_t cr3;		/* guest kernel L4, or the idle table */
	struct cpu_regs *regs;	/* the guest frame at the top of the stack */
	mfn_t gdt[14];		/* the guest's descriptor frames (set_gdt) */
	unsigned int gdt_nr;
	uint32_t ldt_ents;	/* MMUEXT_SET_LDT; 0 = no LDT */
};

#include <arch/regs.h>

#endif
