/*
 * hostile_priv: privileged instructions from the guest kernel. With a trap
 * table (default) each must come back as #GP to the guest's handler (or be
 * emulated harmlessly, as reading CR3 is); the guest must survive them all.
 * With handlers=no there is no trap table and the first one (hlt) must
 * kill the domain.
 *
 * Keys: name, handlers=yes|no.
 */
#include "hostile.h"

const char guest_image[] = "hostile_priv";

static unsigned int gp_count(void)
{
	return rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_GP;
}

void guest_main(void)
{
	char handlers[8] = "yes";
	unsigned int gp = 0, n = 0;
	static const uint8_t gdtr[10];

	cmdline_get("handlers", handlers, sizeof(handlers));
	if (strcmp(handlers, "no") == 0) {
		fatal_step("hlt without a trap table");
		__asm__ volatile("hlt");
		survived("hlt without a trap table");
		return;
	}
	rt_traps_init();
#define PRIV(insn, ...) do {							\
		rt_trap_reset();						\
		__asm__ volatile(RT_TRY(insn) : : __VA_ARGS__ : "memory");	\
		gp += gp_count();						\
		n++;								\
	} while (0)
	PRIV("hlt", "a"(0));
	PRIV("lgdt (%%rax)", "a"(gdtr));
	PRIV("lidt (%%rax)", "a"(gdtr));
	PRIV("ltr %%ax", "a"(0x28));
	PRIV("lldt %%ax", "a"(0x28));
	PRIV("invd", "a"(0));
	PRIV("swapgs", "a"(0));
	PRIV("inb $0x64, %%al", "a"(0));
	PRIV("outb %%al, $0xf4", "a"(0));	/* isa-debug-exit under QEMU */
	PRIV("wrmsr", "c"(MSR_EFER), "a"(0), "d"(0));
	PRIV("wrmsr", "c"(0xc0000082U), "a"(0x1000), "d"(0));	/* LSTAR */
	PRIV("wrmsr", "c"(0x1bU), "a"(0), "d"(0));		/* APIC base */
	PRIV("movq %%rax, %%cr8", "a"(0xfUL));
#undef PRIV
	rt_printf("%s: %u of %u privileged instructions came back as #GP\n", rt_guest_name, gp, n);
	test_check(gp >= n - 3, "privileged_gp", "%u of %u bounced as #GP, the rest emulated "
		   "harmlessly; still running", gp, n);
	/* Still the same root, still the same time: nothing took effect. */
	test_check(rt_pte_get((uint64_t)_image_start, 1) & PTE_P, "survived", "after %u", n);
}
