/*
 * The register frame saved on a vCPU's hypervisor stack whenever its guest
 * enters the hypervisor (SYSCALL, exception or interrupt). The hardware part
 * (rip..ss) is exactly an iretq frame, so the exit path is a plain iretq.
 */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#define REGS_R15     0
#define REGS_R14     8
#define REGS_R13     16
#define REGS_R12     24
#define REGS_RBP     32
#define REGS_RBX     40
#define REGS_R11     48
#define REGS_R10     56
#define REGS_R9      64
#define REGS_R8      72
#define REGS_RAX     80
#define REGS_RCX     88
#define REGS_RDX     96
#define REGS_RSI     104
#define REGS_RDI     112
#define REGS_VECTOR  120
#define REGS_ERROR   128
#define REGS_RIP     136
#define REGS_CS      144
#define REGS_RFLAGS  152
#define REGS_RSP     160
#define REGS_SS      168
#define REGS_SIZE    176

#ifndef __ASSEMBLY__
#include <stdint.h>

struct cpu_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE, "asm offsets");
_Static_assert(__builtin_offsetof(struct cpu_regs, rip) == REGS_RIP, "asm offsets");
#endif

#endif
