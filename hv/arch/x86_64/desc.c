/*
 * Descriptor tables: the 64 KiB GDT (the hypervisor's own descriptors sit
 * at 0xe000 and up, where Xen's PV ABI puts them; the guest's part below is
 * empty until set_gdt exists), the TSS with IST stacks for #DB, NMI, #DF and
 * #MC (entry.S says why each needs its own), the IDT, and the SYSCALL MSRs. Gates are DPL 0 but #BP and #OF: any other
 * `int N` from a guest raises #GP, which the trap code decodes.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/entry.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <hv/lib.h>

struct tss64 {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));

struct cpu_info cpu0_info;

extern const uint64_t idt_stub_table[256];
extern char syscall_entry[], syscall32_entry[];

static void set_gate(unsigned int vec, uint64_t handler, unsigned int ist, unsigned int dpl)
{
	idt[vec] = (struct idt_gate){
		.off0 = (uint16_t)handler,
		.sel = HV_CS,
		.ist = (uint8_t)ist,
		.type = (uint8_t)(0x8e | (dpl << 5)),	/* present, 64-bit interrupt gate */
		.off1 = (uint16_t)(handler >> 16),
		.off2 = (uint32_t)(handler >> 32),
	};
}

void arch_set_stack_top(uint64_t top)
{
	tss.rsp[0] = top;
	cpu0_info.stack_top = top;
}

/*
 * A zero page for the guest part of the GDT when a vCPU has no descriptor
 * frames: every selector below 0xe000 is then a not-present descriptor.
 */
static uint8_t gdt_empty_page[4096] __attribute__((aligned(4096)));

void gdt_load_guest(const mfn_t *frames, unsigned int nr)
{
	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++) {
		/* cppcheck-suppress nullPointer ; frames is read only below nr, and NULL comes with nr 0 */
		uint64_t phys = i < nr ? mfn_x(frames[i]) << PAGE_SHIFT
				       : hv_virt_to_phys(gdt_empty_page);

		/* Writable for the CPU's accessed-bit updates; supervisor-only,
		 * and the frames are typed descriptor pages (see the LDT). */
		gdt_area_map(i, phys, true);
	}
}

/*
 * Point LDTR at the LDT area for ents descriptors, every page unmapped: the
 * first access to each faults and is mapped from the guest's frames after
 * the memory model checks them (pv_ldt_fault). ents 0: no LDT at all.
 */
void ldt_load_guest(uint32_t ents)
{
	uint64_t base = LDT_VIRT_BASE;

	for (unsigned int i = 0; i < LDT_PAGES; i++) {
		gdt_area_unmap(GDT_GUEST_PAGES + 2 + i);
	}
	if (ents == 0) {
		__asm__ volatile("lldt %w0" : : "r"(0));
		return;
	}
	gdt[HV_LDT >> 3] = ((uint64_t)ents * 8 - 1) | ((base & 0xffffff) << 16) | (0x82ULL << 40) |
			   (((base >> 24) & 0xff) << 56);
	gdt[(HV_LDT >> 3) + 1] = base >> 32;
	__asm__ volatile("lldt %w0" : : "r"(HV_LDT));
}

void desc_init(void)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, GDT_VIRT_BASE };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	uint64_t tss_base = (uint64_t)(uintptr_t)&tss;

	gdt[HV_CS >> 3] = 0x00af9a000000ffffULL;		/* ring 0, 64-bit code */
	gdt[HV_DS >> 3] = 0x00cf92000000ffffULL;		/* ring 0, data */
	gdt[GUEST_CS32 >> 3] = 0x00cffa000000ffffULL;		/* ring 3, 32-bit code */
	gdt[GUEST_DS32 >> 3] = 0x00cff2000000ffffULL;		/* ring 3, data */
	gdt[GUEST_CS64 >> 3] = 0x00affa000000ffffULL;		/* ring 3, 64-bit code */
	gdt[HV_TSS >> 3] = (sizeof(tss) - 1) | ((tss_base & 0xffffff) << 16) |
			   (0x89ULL << 40) | (((tss_base >> 24) & 0xff) << 56);
	gdt[(HV_TSS >> 3) + 1] = tss_base >> 32;

	tss.iomap_base = sizeof(tss);	/* no I/O bitmap: ring 3 port I/O faults */
	for (unsigned int i = 0; i < IST_COUNT; i++) {
		tss.ist[i] = (uint64_t)(uintptr_t)&ist_stacks[i][IST_STACK_SIZE];
	}

	for (unsigned int v = 0; v < 256; v++) {
		unsigned int ist = v == 8    ? IST_DF
				   : v == 2  ? IST_NMI
				   : v == 18 ? IST_MC
				   : v == 1  ? IST_DB
					     : 0;

		/* int3 and into may come straight from a guest (as on Xen). */
		set_gate(v, idt_stub_table[v], ist, (v == 3 || v == 4) ? 3 : 0);
	}

	/* The GDT is used through its own area: the hypervisor's two pages
	 * there, the guest's frames below them per vCPU. */
	gdt_load_guest(NULL, 0);
	gdt_area_map(14, hv_virt_to_phys((uint8_t *)gdt + 14 * 4096), true);
	gdt_area_map(15, hv_virt_to_phys((uint8_t *)gdt + 15 * 4096), true);
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	__asm__ volatile(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ss\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:
		: [cs] "i"(HV_CS), [ds] "i"(HV_DS)
		: "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(HV_TSS));
	__asm__ volatile("lidt %0" : : "m"(idtr));

	/* Per-CPU data through GS while in the hypervisor; the guest's GS base
	 * lives in KERNEL_GS_BASE meanwhile (swapgs on every ring change). */
	cpu0_info.self = &cpu0_info;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&cpu0_info);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/* SYSCALL enters at HV_CS; SYSRET would return to GUEST_CS32 + 16. */
	wrmsr(MSR_STAR, ((uint64_t)GUEST_CS32 << 48) | ((uint64_t)HV_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)syscall32_entry);
	wrmsr(MSR_SFMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_NT |
				  X86_EFLAGS_AC | X86_EFLAGS_IOPL);
	wrmsr(MSR_SYSENTER_CS, 0);	/* SYSENTER raises #GP */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	entry_selfcheck();
}
