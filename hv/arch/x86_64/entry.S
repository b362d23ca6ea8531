/*
 * Every way into and out of the hypervisor: the 256 IDT stubs, the SYSCALL
 * entry (hypercalls), the common save/restore of a register frame, the
 * stack switch between vCPUs, and the fault-safe copy to and from guest
 * memory. Guest frames always sit at the top of the vCPU's stack, so a vCPU
 * has exactly one guest frame and the C code finds it there.
 * Interrupts stay off in the hypervisor; guests always run with IF=1.
 */
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/regs.h>

	.text

.macro SAVE_GPRS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro RESTORE_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
.endm

/* Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30. */
.macro STUB vec
	.align 16
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	pushq $\vec
	.else
	pushq $0
	pushq $\vec
	.endif
	jmp common_entry
.endm

	.align 16
	.globl idt_stubs_start
idt_stubs_start:
	.altmacro
	.set v, 0
	.rept 256
	STUB %v
	.set v, v + 1
	.endr
	.noaltmacro

common_entry:
	/* From ring 3, GS must become the hypervisor's before anything else. */
	testb $3, (REGS_CS - REGS_VECTOR)(%rsp)
	jz 1f
	swapgs
1:	SAVE_GPRS
	cld
	movq %rsp, %rdi
	call trap_dispatch
	jmp restore_all

/*
 * SYSCALL from ring 3: no stack switch by the CPU, so take the vCPU's stack
 * from the per-CPU area and build the same frame an interrupt would.
 */
.macro SYSCALL_ENTRY name, cs, vec, handler
	.globl \name
\name:
	swapgs
	movq %rsp, %gs:CPU_SCRATCH
	movq %gs:CPU_STACK_TOP, %rsp
	pushq $GUEST_SS
	pushq %gs:CPU_SCRATCH
	pushq %r11
	pushq $\cs
	pushq %rcx
	pushq $0
	pushq $\vec
	SAVE_GPRS
	movq %rsp, %rdi
	call \handler
	jmp restore_all
.endm

	SYSCALL_ENTRY syscall_entry, GUEST_CS64, VEC_SYSCALL, syscall_dispatch
	/* SYSCALL from 32-bit compatibility mode (a 64-bit kernel's 32-bit users). */
	SYSCALL_ENTRY syscall32_entry, GUEST_CS32, (VEC_SYSCALL + 1), syscall32_dispatch

	.globl restore_all
restore_all:
	testb $3, REGS_CS(%rsp)
	jz 2f
	movq %rsp, %rdi
	call exit_to_guest_work
	RESTORE_GPRS
	addq $16, %rsp
	swapgs
	iretq
2:	RESTORE_GPRS
	addq $16, %rsp
	iretq

/* void switch_stacks(uint64_t *save_rsp, uint64_t new_rsp) */
	.globl switch_stacks
switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* A new guest vCPU's first switch lands here, with its frame at %rsp. */
	.globl vcpu_first_entry
vcpu_first_entry:
	call vcpu_first_run
	jmp restore_all

/* The idle vCPU's first switch lands here. */
	.globl idle_first_entry
idle_first_entry:
	call idle_first_run
3:	hlt
	jmp 3b

/*
 * size_t raw_copy(void *dst, const void *src, size_t len): returns the
 * bytes NOT copied. A fault on either side jumps to the fixup through
 * the exception table instead of killing the hypervisor.
 */
	.globl raw_copy
raw_copy:
	movq %rdx, %rcx
4:	rep movsb
5:	movq %rcx, %rax
	ret

	.section .ex_table, "a"
	.quad 4b, 5b
	.previous

	.section .rodata
	.align 8
	.globl idt_stub_table
idt_stub_table:
	.set v, 0
	.rept 256
	.quad idt_stubs_start + v * 16
	.set v, v + 1
	.endr
