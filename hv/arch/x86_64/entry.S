/*
 * Every way into and out of the hypervisor: the 256 IDT stubs, the SYSCALL
 * entry (hypercalls), the common save/restore of a register frame, the
 * stack switch between vCPUs, and the fault-safe copy to and from guest
 * memory. Guest frames always sit at the top of the vCPU's stack, so a vCPU
 * has exactly one guest frame and the C code finds it there.
 * Interrupts stay off in the hypervisor; guests always run with IF=1.
 *
 * #DB, NMI, #DF and #MC come in on IST stacks of their own (desc.c), never
 * on the stack the CPU was using: a #DB deferred by a guest's MOV SS/POP SS
 * lands on the first instruction of the SYSCALL entry, before the stack
 * switch, with a stack pointer the guest chose (the MOV SS class,
 * CVE-2018-8897); an NMI or #MC may land anywhere. Two rules keep an IST
 * stack from being overwritten by a second use of the same vector:
 *  - from guest mode (CS RPL 3) the frame is moved at once to the top of
 *    the vCPU's stack and handled there like any guest frame (it may
 *    schedule; nothing stays on the IST stack);
 *  - from the hypervisor (CS RPL 0) it is handled on the IST stack by
 *    ist_trap_hv(), which never touches guest memory (no data breakpoint
 *    fires in it), runs with TF clear, never faults and never schedules,
 *    and returns with iretq: so no #DB nests in a #DB; NMIs stay blocked
 *    until that iretq (nothing in the handler executes an iretq first), so
 *    no NMI nests in an NMI; a second #MC with MCIP set shuts the CPU down
 *    rather than nesting; #DF never returns. Different vectors use
 *    different stacks, so an NMI in a #DB handler (or the reverse) is safe.
 *    The ring-0 path never uses %gs either: it may have interrupted one of
 *    the windows where GS still holds the guest's base (the first
 *    instruction of the SYSCALL entry and of every IDT stub, and restore_all
 *    between swapgs and iretq).
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

/* Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30. The IST
 * vectors (1, 2, 8, 18: desc.c) go to ist_entry. */
.macro STUB vec
	.align 16
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	pushq $\vec
	.else
	pushq $0
	pushq $\vec
	.endif
	.if (\vec == 1) || (\vec == 2) || (\vec == 8) || (\vec == 18)
	jmp ist_entry
	.else
	jmp common_entry
	.endif
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

	.globl common_entry
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
 * An IST vector (see the top of this file). From guest mode: swapgs, save
 * the registers on the IST stack, copy the whole frame to the top of the
 * vCPU's stack and go on there as common_entry does. From the hypervisor:
 * handle it where it is and return to the interrupted instruction.
 */
	.globl ist_entry
ist_entry:
	testb $3, (REGS_CS - REGS_VECTOR)(%rsp)
	jz ist_from_hv
	swapgs
	SAVE_GPRS
	cld
	movq %rsp, %rsi
	movq %gs:CPU_STACK_TOP, %rdi
	subq $REGS_SIZE, %rdi
	movq %rdi, %rdx
	movl $(REGS_SIZE / 8), %ecx
	rep movsq
	movq %rdx, %rsp
	movq %rsp, %rdi
	call trap_dispatch
	jmp restore_all
ist_from_hv:
	SAVE_GPRS
	cld
	movq %rsp, %rdi
	call ist_trap_hv
	RESTORE_GPRS
	addq $16, %rsp
	iretq

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

/*
 * Back to whatever the frame at %rsp interrupted. To the guest, the frame
 * is checked first (exit_frame_check: an iretq that would fault goes to
 * the guest's failsafe callback instead; exit_to_guest_work's bounces
 * only make valid frames); if iretq faults all the same
 * (exit_iretq: a selector it cannot load), the fault is taken in ring 0
 * with the guest's registers live and its GS loaded, and trap_dispatch
 * resumes at exit_iretq_fault, which rebuilds the guest frame in place and
 * lets exit_iretq_failed() decide. Never a fault the hypervisor dies of.
 */
	.globl restore_all
restore_all:
	testb $3, REGS_CS(%rsp)
	jz 2f
	movq %rsp, %rdi
	call exit_frame_check
	movq %rsp, %rdi
	call exit_to_guest_work
	RESTORE_GPRS
	addq $16, %rsp
	swapgs
	.globl exit_iretq
exit_iretq:
	iretq
2:	RESTORE_GPRS
	addq $16, %rsp
	iretq

/* Here from trap_dispatch with %rsp at the failed frame's rip and the
 * guest's registers and GS as they were at exit_iretq. */
	.globl exit_iretq_fault
exit_iretq_fault:
	swapgs
	subq $16, %rsp
	SAVE_GPRS
	cld
	movq %rsp, %rdi
	call exit_iretq_failed
	jmp restore_all

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
