/*
 * Per-CPU data, reached through the GS base while in the hypervisor. The
 * SYSCALL entry needs it before it has a stack, hence fixed offsets.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#define CPU_SELF        0
#define CPU_STACK_TOP   8
#define CPU_SCRATCH     16
#define CPU_CURRENT     24

#ifndef __ASSEMBLY__
#include <stdint.h>

struct vcpu;

struct cpu_info {
	struct cpu_info *self;
	uint64_t stack_top;	/* top of the running vCPU's hypervisor stack */
	uint64_t scratch;	/* guest rsp during SYSCALL entry */
	struct vcpu *current;	/* entry layer only: common code gets it passed */
	uint32_t id;
	uint32_t pad;
};
_Static_assert(__builtin_offsetof(struct cpu_info, stack_top) == CPU_STACK_TOP, "asm");
_Static_assert(__builtin_offsetof(struct cpu_info, scratch) == CPU_SCRATCH, "asm");
_Static_assert(__builtin_offsetof(struct cpu_info, current) == CPU_CURRENT, "asm");

extern struct cpu_info cpu0_info;
#endif

#endif
