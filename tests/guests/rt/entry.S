/*
 * Entry stubs for everything the hypervisor bounces to a PV64 test guest:
 * exceptions (trap table), the event upcall, the failsafe callback and the
 * syscall callback. All arrive on Xen's bounce frame
 *
 *	rsp ->	rcx, r11, [ds, es, fs, gs: failsafe only], [error code],
 *		rip, cs, rflags, rsp, ss
 *
 * Each stub pops rcx and r11 back (they hold the interrupted values), pushes
 * a zero error code where the CPU gave none and the vector, and joins
 * rt_entry_common, which saves the registers as struct rt_regs (traps.h),
 * calls rt_trap_dispatch() and leaves through the iret hypercall: the stub in
 * the hypercall page pushes rcx, r11 and rax itself, so the guest jumps to it
 * with flags, rip, cs, rflags, rsp, ss on the stack (struct iret_context).
 */
#include <public/xen.h>

#define RT_VEC_SYSCALL  0x100
#define RT_VEC_FAILSAFE 0x101
#define RT_VEC_EVENT    0x102
#define HYPERCALL_IRET  (hypercall_page + __HYPERVISOR_iret * HYPERCALL_STUB_SIZE)

/* Offsets in struct rt_regs once iret_flags has been popped. */
#define REGS_ERROR_CODE (16 * 8)

	.text

.macro TRAP_STUB vec, has_ec
	.balign 16
	.globl	rt_entry_\vec
rt_entry_\vec:
	popq	%rcx
	popq	%r11
	.if \has_ec == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	rt_entry_common
.endm

	TRAP_STUB 0, 0
	TRAP_STUB 1, 0
	TRAP_STUB 2, 0
	TRAP_STUB 3, 0
	TRAP_STUB 4, 0
	TRAP_STUB 5, 0
	TRAP_STUB 6, 0
	TRAP_STUB 7, 0
	TRAP_STUB 8, 1
	TRAP_STUB 9, 0
	TRAP_STUB 10, 1
	TRAP_STUB 11, 1
	TRAP_STUB 12, 1
	TRAP_STUB 13, 1
	TRAP_STUB 14, 1
	TRAP_STUB 15, 0
	TRAP_STUB 16, 0
	TRAP_STUB 17, 1
	TRAP_STUB 18, 0
	TRAP_STUB 19, 0
	TRAP_STUB 128, 0

/* The event upcall: no error code; events are masked on entry. */
	.balign	16
	.globl	rt_entry_event
rt_entry_event:
	popq	%rcx
	popq	%r11
	pushq	$0
	pushq	$RT_VEC_EVENT
	jmp	rt_entry_common

/* A syscall from guest user mode: rcx = user rip, r11 = user rflags. */
	.balign	16
	.globl	rt_entry_syscall
rt_entry_syscall:
	popq	%rcx
	popq	%r11
	pushq	$0
	pushq	$RT_VEC_SYSCALL
	jmp	rt_entry_common

/* The failsafe callback: record and drop ds, es, fs, gs, then as a trap. */
	.balign	16
	.globl	rt_entry_failsafe
rt_entry_failsafe:
	popq	%rcx
	popq	%r11
	pushq	%rax
	movq	8(%rsp), %rax
	movq	%rax, rt_failsafe_segs(%rip)
	movq	16(%rsp), %rax
	movq	%rax, rt_failsafe_segs+8(%rip)
	movq	24(%rsp), %rax
	movq	%rax, rt_failsafe_segs+16(%rip)
	movq	32(%rsp), %rax
	movq	%rax, rt_failsafe_segs+24(%rip)
	popq	%rax
	addq	$32, %rsp
	pushq	$0
	pushq	$RT_VEC_FAILSAFE
	jmp	rt_entry_common

	.balign	16
rt_entry_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	$0			/* iret_flags */
	cld
	movq	%rsp, %rdi
	movq	%rsp, %rbx
	andq	$-16, %rsp		/* the ABI's call alignment */
	call	rt_trap_dispatch
	movq	%rbx, %rsp
	popq	%rax			/* iret_flags into the error-code slot */
	movq	%rax, REGS_ERROR_CODE(%rsp)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$8, %rsp		/* the vector */
	jmp	HYPERCALL_IRET		/* flags, rip, cs, rflags, rsp, ss */

/* void rt_iret(const uint64_t frame[6]): flags, rip, cs, rflags, rsp, ss. */
	.balign	16
	.globl	rt_iret
rt_iret:
	pushq	40(%rdi)
	pushq	32(%rdi)
	pushq	24(%rdi)
	pushq	16(%rdi)
	pushq	8(%rdi)
	pushq	0(%rdi)
	jmp	HYPERCALL_IRET
