/*
 * The IST vectors (#DB, NMI, #DF, #MC) when they hit the hypervisor itself,
 * on their own stacks (entry.S explains why they cannot nest), and the
 * boot check that the IDT, the TSS and the SYSCALL entry really have the
 * layout that reasoning needs.
 *
 * What runs here must never use %gs (it may hold the guest's base), never
 * touch guest memory, never fault, never schedule: it looks at the frame
 * and DR6, prints (rate-limited) and returns, or stops the machine.
 *
 * The MOV SS class (CVE-2018-8897): `mov ss`/`pop ss` delays every debug
 * exception, a data breakpoint on its own operand included, until after
 * the next instruction. When that instruction is a SYSCALL, INT3 or any
 * other way into ring 0, the #DB is delivered in ring 0 on the first
 * instruction of the entry, before swapgs, and (SYSCALL) before the stack
 * switch, with the guest's rsp. Here it lands on the #DB IST stack, is
 * recognised by its address, and is dropped (as Xen drops a guest's
 * breakpoint that fires in it): RF is set so that an instruction breakpoint
 * does not fire again, and the entry then runs as if nothing happened.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/regs.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>

#define X86_EFLAGS_RF  (1ULL << 16)
#define DR6_RESET      0xffff0ff0ULL
#define WARNINGS       8

#define VEC_DB  1
#define VEC_NMI 2
#define VEC_DF  8
#define VEC_MC  18

extern char syscall_entry[], syscall32_entry[], idt_stubs_start[];
extern char ist_entry[], common_entry[];
extern const uint64_t idt_stub_table[256];

static unsigned int warned_entry, warned_entry_hostile, warned_gate, warned_watch, warned_nmi;
static bool entry_db_selftest;

static unsigned int curr_domid(void)
{
	const struct vcpu *curr = cpu0_info.current;

	return curr != NULL && curr->domain != NULL ? curr->domain->id : 0;
}

/* The first instruction of a way in from ring 3: where a #DB deferred by
 * MOV SS lands, with GS still the guest's. */
static const char *entry_point_name(uint64_t rip)
{
	uint64_t stubs = (uint64_t)(uintptr_t)idt_stubs_start;

	if (rip == (uint64_t)(uintptr_t)syscall_entry) {
		return "SYSCALL";
	}
	if (rip == (uint64_t)(uintptr_t)syscall32_entry) {
		return "SYSCALL (compat)";
	}
	if (rip >= stubs && rip < stubs + 256 * 16 && (rip - stubs) % 16 == 0) {
		return "interrupt gate";
	}
	return NULL;
}

/*
 * A #DB in the hypervisor. At an entry point: the MOV SS class, dropped.
 * Elsewhere, a guest's data breakpoint on its own memory fired while we
 * copied to or from it (its DR0-3 and DR7 stay loaded in a hypercall): a
 * trap, taken after the access, dropped too. set_debugreg keeps DR0-3 out
 * of our range (no instruction breakpoint can fire in our code) and refuses
 * DR7.GD, and SYSCALL and every gate clear TF, so TF set anywhere else is a
 * bug of ours: fatal. Nothing is decided on DR6: the guest may write any
 * status bits there (set_debugreg). It is reset either way; the guest's own
 * view of it is not touched.
 */
static bool db_in_hv(struct cpu_regs *r)
{
	const char *entry = entry_point_name(r->rip);
	uint64_t dr6;

	__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%db6" : : "r"(DR6_RESET));
	if (entry != NULL) {
		/* At a gate the CPU switched to our stack already; at SYSCALL the
		 * rsp is the guest's, reported apart when it is not even a guest
		 * address (that is the attack). The first few of each kind. */
		bool gate = entry[0] == 'i';
		bool hostile = !gate && !guest_range_ok(r->rsp, 8);
		unsigned int *n = gate ? &warned_gate : hostile ? &warned_entry_hostile : &warned_entry;

		r->rflags = (r->rflags | X86_EFLAGS_RF) & ~X86_EFLAGS_TF;
		if (*n < WARNINGS) {
			(*n)++;
			printk(LOG_WARN, "d%u: #DB at the %s entry (deferred by MOV SS/POP SS, or "
			       "selftest=entry-db), %s rsp %lx, dr6 %lx: taken on its own stack and "
			       "ignored%s", curr_domid(), entry,
			       gate ? "hypervisor" : hostile ? "hostile guest" : "guest",
			       (unsigned long)r->rsp, (unsigned long)dr6,
			       *n == WARNINGS ? " (not reported again)" : "");
		}
		return true;
	}
	if (r->rflags & X86_EFLAGS_TF) {
		return false;
	}
	if (warned_watch < WARNINGS) {
		warned_watch++;
		printk(LOG_WARN, "d%u: a data breakpoint of its own fired in the hypervisor at "
		       "rip %lx (dr6 %lx): ignored%s", curr_domid(), (unsigned long)r->rip,
		       (unsigned long)dr6, warned_watch == WARNINGS ? " (not reported again)" : "");
	}
	return true;
}

/* Nothing in Moat sends NMIs (no watchdog, no IPIs): one from the platform
 * is reported and otherwise ignored, wherever it hit. */
static void nmi_seen(const struct cpu_regs *r)
{
	if (warned_nmi < WARNINGS) {
		warned_nmi++;
		printk(LOG_WARN, "NMI at rip %lx (cs %lx): nothing sends NMIs here; ignored",
		       (unsigned long)r->rip, (unsigned long)r->cs);
	}
}

void ist_trap_hv(struct cpu_regs *r)
{
	if (r->vector == VEC_DB && db_in_hv(r)) {
		return;
	}
	if (r->vector == VEC_NMI) {
		nmi_seen(r);
		return;
	}
	/* #DF, #MC (the hardware failed: no recovery here) or a #DB of ours. */
	trap_fatal(r);
}

bool ist_trap_guest(struct cpu_regs *r)
{
	switch (r->vector) {
	case VEC_NMI:
		nmi_seen(r);
		return true;
	case VEC_DF:
	case VEC_MC:
		/* Not the guest's doing: a machine check is the hardware's, a double
		 * fault the hypervisor's (delivery into ring 0 failed). */
		trap_fatal(r);
	default:
		return false;
	}
}

/* ---- selftest=entry-db --------------------------------------------------- */

void arch_selftest_entry_db(void)
{
	entry_db_selftest = true;
}

/*
 * QEMU delivers a MOV SS-deferred data breakpoint right after the MOV SS,
 * in guest mode, so under QEMU the guest's attack alone never reaches the
 * entry. With selftest=entry-db, every guest vCPU also carries instruction
 * breakpoints on the SYSCALL entry (DR3) and on the int3 stub (DR2): the
 * #DB then arrives exactly where real hardware delivers the deferred one,
 * in ring 0, before swapgs and (SYSCALL) with the guest's rsp. The guest's
 * own DR2/DR3 are not loaded meanwhile (its view of them is kept).
 */
void entry_db_selftest_regs(uint64_t *dr2, uint64_t *dr3, uint64_t *dr7)
{
	if (!entry_db_selftest) {
		return;
	}
	*dr2 = idt_stub_table[3];
	*dr3 = (uint64_t)(uintptr_t)syscall_entry;
	/* L2, L3; R/W and LEN 00 (execute, one byte) for both. */
	*dr7 = (*dr7 & ~(0xffULL << 24) & ~(0xfULL << 4)) | (1ULL << 4) | (1ULL << 6);
}

/* ---- the boot check ---------------------------------------------------------- */

struct live_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t rsvd;
} __packed;

struct live_dtr {
	uint16_t limit;
	uint64_t base;
} __packed;

static uint64_t gate_target(const struct live_gate *g)
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
	struct live_dtr idtr, gdtr;
	const struct live_gate *idt;
	const uint64_t *gdt;
	const uint8_t *tss;
	uint64_t tss_base, stacks[IST_COUNT];
	unsigned int seen = 0;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	check(idtr.limit == 256 * sizeof(struct live_gate) - 1, "the IDT has 256 gates");
	idt = (const struct live_gate *)(uintptr_t)idtr.base;
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
