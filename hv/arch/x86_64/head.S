/*
 * The hypervisor's first instructions. Both boot protocols enter here in
 * 32-bit protected mode with paging off: Multiboot 1 (QEMU -kernel, which
 * refuses ELF64 images, so we carry the a.out-kludge address fields) and
 * Multiboot 2 (GRUB's multiboot2, through the address and entry tags). The
 * code builds throw-away page tables that map the first GiB both 1:1 and at
 * HV_IMAGE_OFFSET, enters long mode and jumps to the high-half image.
 * It must never touch memory above the first GiB nor trust the boot loader's
 * GDT or stack.
 */
#include <arch/layout.h>

#define MB1_MAGIC       0x1BADB002
#define MB1_FLAGS       0x00010003	/* page-align modules, mem info, a.out kludge */
#define MB2_MAGIC       0xE85250D6
#define MB1_BOOT_MAGIC  0x2BADB002
#define MB2_BOOT_MAGIC  0x36d76289

#define PHYS(sym)       ((sym) - HV_IMAGE_OFFSET)

	.section .boot.text, "ax"
	.code32

	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header			/* header_addr */
	.long __image_phys_start		/* load_addr */
	.long __load_phys_end			/* load_end_addr */
	.long __bss_phys_end			/* bss_end_addr */
	.long start32				/* entry_addr */

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0					/* architecture: i386 */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* address tag */
	.align 8
	.word 2, 0
	.long 24
	.long mb2_header
	.long __image_phys_start
	.long __load_phys_end
	.long __bss_phys_end
	/* entry address tag */
	.align 8
	.word 3, 0
	.long 12
	.long start32
	/* module alignment tag: page-aligned modules */
	.align 8
	.word 6, 0
	.long 8
	/* end tag */
	.align 8
	.word 0, 0
	.long 8
mb2_header_end:

	.globl start32
start32:
	cli
	cld
	movl %eax, %edi			/* boot magic */
	movl %ebx, %esi			/* boot information */
	lgdt boot_gdt_desc
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $boot_stack32_top, %esp

	/* Refuse a CPU without long mode, loudly, on COM1. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* PML4[0] and PML4[261] -> one PDPT -> one PD of 512 x 2 MiB. */
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	movl %eax, boot_pml4 + 261 * 8
	movl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax			/* present, writable, 2 MiB */
	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jb 2b

	movl %cr4, %eax
	orl $0x620, %eax		/* PAE, OSFXSR, OSXMMEXCPT: guests use SSE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $0x0900, %eax		/* LME, NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG, WP, PE */
	movl %eax, %cr0
	ljmp $0x18, $long_entry

no_long_mode:
	movl $no_lm_msg, %esi
3:	lodsb
	testb %al, %al
	jz 5f
	movb %al, %bl
	movw $0x3fd, %dx
4:	inb %dx, %al
	testb $0x20, %al
	jz 4b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 3b
5:	hlt
	jmp 5b

	.code64
long_entry:
	movabsq $high_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff		/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff		/* 0x10: data */
	.quad 0x00af9a000000ffff		/* 0x18: 64-bit code */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
no_lm_msg:
	.asciz "moat: this CPU has no long mode (x86-64); cannot boot\r\n"

	.align 4096
boot_pml4:
	.fill 512, 8, 0
boot_pdpt:
	.fill 512, 8, 0
boot_pd:
	.fill 512, 8, 0
	.fill 1024, 1, 0
boot_stack32_top:

	.text
	.code64
high_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	/* edi = magic, esi = physical address of the boot information */
	call arch_start
6:	hlt
	jmp 6b

	.bss
	.align 4096
	.globl boot_stack
boot_stack:
	.fill HV_STACK_SIZE, 1, 0
	.globl boot_stack_top
boot_stack_top:
