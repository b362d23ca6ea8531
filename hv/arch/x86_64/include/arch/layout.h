/*
 * The hypervisor's virtual memory layout. Everything lives in PML4 slots
 * 256-271 (0xffff800000000000-0xffff87ffffffffff), the range Xen's PV ABI
 * reserves for the hypervisor, so PV guests own the rest of the address space.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

/* Slot 256: the read-only machine-to-phys table guests may read. */
#define M2P_VIRT_START      0xffff800000000000
/* Slot 261: the hypervisor image, virt = phys + HV_IMAGE_OFFSET. */
#define HV_IMAGE_OFFSET     0xffff828000000000
#define HV_LOAD_PHYS        0x100000
/* Slots 262-263: all of RAM, 1:1 plus DIRECTMAP_BASE (at most 1 TiB). */
#define DIRECTMAP_BASE      0xffff830000000000
#define DIRECTMAP_SIZE      0x0000010000000000
/* Slot 264: device registers (local APIC, TPM), mapped uncached. */
#define FIXMAP_BASE         0xffff840000000000
#define FIXMAP_SLOTS        512
/* Slot 265: vCPU hypervisor stacks, each followed by an unmapped guard. */
#define STACKS_BASE         0xffff848000000000
#define STACK_STRIDE        (2 * HV_STACK_SIZE)
#define STACK_SLOTS         1024
/* Slot 266: the GDT. Pages 0-13 map the running vCPU's own descriptor
 * frames (read-only), pages 14-15 the hypervisor's descriptors. */
#define GDT_VIRT_BASE       0xffff850000000000
#define GDT_GUEST_PAGES     14
/* Right after the GDT: the running vCPU's LDT, 16 pages mapped lazily. */
#define LDT_VIRT_BASE       (GDT_VIRT_BASE + 0x10000)
#define LDT_PAGES           16
#define HV_LDT              0xe050

#define HV_SLOT_FIRST       256
#define HV_SLOT_LAST        271

/* Selectors in the 64 KiB GDT; the top two pages hold the hypervisor's own. */
#define HV_CS               0xe008
#define HV_DS               0xe010
#define GUEST_CS32          0xe023
#define GUEST_DS32          0xe02b
#define GUEST_CS64          0xe033
#define GUEST_SS            0xe02b
#define HV_TSS              0xe040
#define GDT_ENTRIES         8192

#define HV_STACK_ORDER      2		/* 16 KiB stacks */
#define HV_STACK_SIZE       (4096 << HV_STACK_ORDER)

/* Pseudo vector recorded in a guest frame that entered through SYSCALL. */
#define VEC_SYSCALL         0x100

#endif
