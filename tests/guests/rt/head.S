/*
 * Entry of every test guest, its hypercall page and its Xen ELF notes.
 *
 * The hypervisor starts us in ring 3 with %rsi = virtual address of
 * start_info and %rsp = a valid stack inside the bootstrap region. We keep
 * both, zero .bss, move to our own stack and call rt_main(start_info, rsp).
 * Nothing here may assume anything beyond Xen's PV64 ABI.
 */
#include <public/xen.h>
#include <public/elfnote.h>

#define VIRT_BASE 0xffffffff80000000

	.section .text.head, "ax"
	.globl _start
_start:
	cld
	movq	%rsi, %r12		/* start_info (callee-saved, survives) */
	movq	%rsp, %r13		/* the entry stack pointer, for checks */

	/* Zero .bss: the loader should have, but do not rely on it. */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	leaq	rt_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	rt_main
	/* rt_main never returns; if it did, stop by crashing on purpose. */
1:	ud2
	jmp	1b

/*
 * The hypercall page: one 4 KiB page-aligned page in the image that the
 * hypervisor fills with 32-byte stubs. It starts as zeros so a test can tell
 * whether it was filled.
 */
	.section .text.hypercall_page, "ax"
	.balign	4096
	.globl	hypercall_page
hypercall_page:
	.fill	4096, 1, 0

	.section .bss.stack, "aw", @nobits
	.balign	4096
rt_stack:
	.fill	16384, 1, 0
	.globl	rt_stack_top
rt_stack_top:

/*
 * Xen ELF notes: name "Xen", 4-byte aligned fields. Numbers are 8 bytes,
 * strings NUL-ended. The linker script puts .note.Xen in a PT_NOTE program
 * header, which is where Xen's loader looks for them.
 */
#define XEN_NOTE(type, desc...)				\
	.balign 4;					\
	.long	2f - 1f;	/* namesz */		\
	.long	4f - 3f;	/* descsz */		\
	.long	type;					\
1:	.asciz	"Xen";					\
2:	.balign	4;					\
3:	desc;						\
4:	.balign	4

	.section .note.Xen, "a", @note
	XEN_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "moat-test")
	XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "1")
	XEN_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	XEN_NOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
	XEN_NOTE(XEN_ELFNOTE_ENTRY, .quad _start)
	XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
	XEN_NOTE(XEN_ELFNOTE_VIRT_BASE, .quad VIRT_BASE)
	XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
