/*
 * The boot check of the entry layout (entry_selfcheck): the IDT, the TSS,
 * the SYSCALL MSRs and the first instructions of the SYSCALL entries, read
 * back from the CPU, must be what entry.S's IST and MOV SS reasoning
 * assumes; otherwise the hypervisor stops before any guest runs. It only
 * reads. scripts/check-entry.py checks the same code statically (make
 * check).
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/entry.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <hv/lib.h>

#define VEC_DB  1
#define VEC_NMI 2
#define VEC_DF  8
#define VEC_MC  18

extern char syscall_entry[], syscall32_entry[], ist_entry[], common_entry[];
extern const uint64_t idt_stub_table[256];

static uint64_t gate_target(const struct idt_gate *g)
{
	return g->off0 | ((uint64_t)g->off1 << 16) | ((uint64_t)g->off2 << 32);
}

/* Where the 16-byte stub at p jumps: pushq imm8/imm32 twice at most, then
 * jmp rel8/rel32. 0 when it does not look like that. */
static uint64_t stub_jump_target(const uint8_t *p)
{
	unsigned int i = 0;

	for (unsigned int n = 0; n < 2 && i < 16; n++) {
		if (p[i] == 0x6a) {
			i += 2;
		} else if (p[i] == 0x68) {
			i += 5;
		}
	}
	if (i + 2 <= 16 && p[i] == 0xeb) {
		return (uint64_t)(uintptr_t)(p + i + 2) + (uint64_t)(int64_t)(int8_t)p[i + 1];
	}
	if (i + 5 <= 16 && p[i] == 0xe9) {
		int32_t rel;

		memcpy(&rel, p + i + 1, sizeof(rel));
		return (uint64_t)(uintptr_t)(p + i + 5) + (uint64_t)(int64_t)rel;
	}
	return 0;
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		panic("entry check: %s", what);
	}
}

/*
 * The layout the MOV SS and IST reasoning rests on, read back from the CPU
 * (sidt, sgdt, the MSRs) rather than from the tables desc.c meant to build:
 *  - #DB, NMI, #DF, #MC each on an IST stack of its own, no other vector on
 *    an IST (so nothing else can nest on one), the stacks disjoint;
 *  - every gate points at its stub, and the stubs of those four vectors jump
 *    to ist_entry, all others to common_entry;
 *  - LSTAR/CSTAR are the SYSCALL entries, SFMASK clears TF, IF, DF and AC;
 *  - the SYSCALL entry's first three instructions are swapgs, the save of
 *    the guest rsp, the load of the hypervisor stack: nothing touches the
 *    stack before it is ours.
 */
void entry_selfcheck(void)
{
	static const uint8_t want_entry[] = {
		0x0f, 0x01, 0xf8,						/* swapgs */
		0x65, 0x48, 0x89, 0x24, 0x25, CPU_SCRATCH, 0, 0, 0,		/* mov %rsp,%gs:scratch */
		0x65, 0x48, 0x8b, 0x24, 0x25, CPU_STACK_TOP, 0, 0, 0,		/* mov %gs:stack_top,%rsp */
	};
	static const unsigned int ist_vec[IST_COUNT] = { VEC_DB, VEC_NMI, VEC_DF, VEC_MC };
	struct desc_ptr idtr, gdtr;
	const struct idt_gate *idt;
	const uint64_t *gdt;
	const uint8_t *tss;
	uint64_t tss_base, stacks[IST_COUNT];
	unsigned int seen = 0;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	check(idtr.limit == 256 * sizeof(struct idt_gate) - 1, "the IDT has 256 gates");
	idt = (const struct idt_gate *)(uintptr_t)idtr.base;
	gdt = (const uint64_t *)(uintptr_t)gdtr.base;
	tss_base = ((gdt[HV_TSS >> 3] >> 16) & 0xffffff) | (((gdt[HV_TSS >> 3] >> 56) & 0xff) << 24) |
		   ((gdt[(HV_TSS >> 3) + 1] & 0xffffffffULL) << 32);
	tss = (const uint8_t *)(uintptr_t)tss_base;

	for (unsigned int v = 0; v < 256; v++) {
		bool on_ist = false;
		uint64_t target = stub_jump_target((const uint8_t *)(uintptr_t)idt_stub_table[v]);

		for (unsigned int k = 0; k < IST_COUNT; k++) {
			on_ist = on_ist || ist_vec[k] == v;
		}
		check(gate_target(&idt[v]) == idt_stub_table[v], "a gate does not point at its stub");
		if (!on_ist) {
			check((idt[v].ist & 7) == 0, "a vector other than #DB/NMI/#DF/#MC uses an IST");
			check(target == (uint64_t)(uintptr_t)common_entry,
			      "a stub does not jump to common_entry");
			continue;
		}
		check((idt[v].ist & 7) != 0, "#DB, NMI, #DF or #MC has no IST stack");
		check(!(seen & (1U << (idt[v].ist & 7))), "two IST vectors share a stack");
		seen |= 1U << (idt[v].ist & 7);
		check(target == (uint64_t)(uintptr_t)ist_entry, "an IST stub does not jump to ist_entry");
	}
	for (unsigned int k = 0; k < IST_COUNT; k++) {
		unsigned int slot = idt[ist_vec[k]].ist & 7;

		/* TSS: ist[slot - 1] at byte offset 36 + 8 * (slot - 1). */
		memcpy(&stacks[k], tss + 36 + 8 * (slot - 1), sizeof(stacks[k]));
		check(stacks[k] != 0 && IS_ALIGNED(stacks[k], 16), "an IST stack pointer is unset");
		for (unsigned int j = 0; j < k; j++) {
			uint64_t d = stacks[k] > stacks[j] ? stacks[k] - stacks[j] : stacks[j] - stacks[k];

			check(d >= IST_STACK_SIZE, "two IST stacks overlap");
		}
	}
	check(rdmsr(MSR_LSTAR) == (uint64_t)(uintptr_t)syscall_entry &&
	      rdmsr(MSR_CSTAR) == (uint64_t)(uintptr_t)syscall32_entry, "LSTAR/CSTAR");
	check((rdmsr(MSR_SFMASK) & (X86_EFLAGS_TF | X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC)) ==
	      (X86_EFLAGS_TF | X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC),
	      "SFMASK must clear TF, IF, DF and AC");
	check(memcmp(syscall_entry, want_entry, sizeof(want_entry)) == 0 &&
	      memcmp(syscall32_entry, want_entry, sizeof(want_entry)) == 0,
	      "the SYSCALL entry uses the stack before switching to the hypervisor's");
	printk(LOG_INFO, "entry check: #DB, NMI, #DF, #MC on IST stacks %u, %u, %u, %u; "
	       "SYSCALL switches stacks before any push", idt[VEC_DB].ist & 7,
	       idt[VEC_NMI].ist & 7, idt[VEC_DF].ist & 7, idt[VEC_MC].ist & 7);
}
