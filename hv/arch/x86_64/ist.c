/*
 * The IST vectors (#DB, NMI, #DF, #MC) when they hit the hypervisor itself,
 * on their own stacks (entry.S explains why they cannot nest; entry_check.c
 * proves at boot that the IDT, TSS and SYSCALL entry are laid out so).
 *
 * What runs here must never use %gs (it may hold the guest's base: per-CPU
 * data comes from the fixed symbol cpu0_info instead), never touch guest
 * memory, never fault, never schedule: it looks at the frame and DR6,
 * prints (rate-limited) and returns, or stops the machine.
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
extern const uint64_t idt_stub_table[256];

static unsigned int warned_entry, warned_entry_hostile, warned_gate, warned_watch, warned_nmi;
static bool entry_db_selftest;

static unsigned int curr_domid(void)
{
	const struct vcpu *curr = cpu0_info.current;

	return curr != NULL && curr->domain != NULL ? curr->domain->id : 0;
}

enum entry_point { ENTRY_NONE, ENTRY_SYSCALL, ENTRY_SYSCALL32, ENTRY_GATE };

static const char *const entry_names[] = {
	[ENTRY_SYSCALL] = "SYSCALL", [ENTRY_SYSCALL32] = "SYSCALL (compat)",
	[ENTRY_GATE] = "interrupt gate",
};

/* The first instruction of a way in from ring 3: where a #DB deferred by
 * MOV SS lands, with GS still the guest's. */
static enum entry_point entry_point_at(uint64_t rip)
{
	uint64_t stubs = (uint64_t)(uintptr_t)idt_stubs_start;

	if (rip == (uint64_t)(uintptr_t)syscall_entry) {
		return ENTRY_SYSCALL;
	}
	if (rip == (uint64_t)(uintptr_t)syscall32_entry) {
		return ENTRY_SYSCALL32;
	}
	if (rip >= stubs && rip < stubs + 256 * 16 && (rip - stubs) % 16 == 0) {
		return ENTRY_GATE;
	}
	return ENTRY_NONE;
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
	enum entry_point entry = entry_point_at(r->rip);
	uint64_t dr6;

	__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%db6" : : "r"(DR6_RESET));
	if (entry != ENTRY_NONE) {
		/* At a gate the CPU switched to our stack already; at SYSCALL the
		 * rsp is the guest's, reported apart when it is not even a guest
		 * address (that is the attack). The first few of each kind. */
		bool gate = entry == ENTRY_GATE;
		bool hostile = !gate && !guest_range_ok(r->rsp, 8);
		unsigned int *n = gate ? &warned_gate : hostile ? &warned_entry_hostile : &warned_entry;

		r->rflags = (r->rflags | X86_EFLAGS_RF) & ~X86_EFLAGS_TF;
		if (*n < WARNINGS) {
			(*n)++;
			printk(LOG_WARN, "d%u: #DB at the %s entry (deferred by MOV SS/POP SS, or "
			       "selftest=entry-db), %s rsp %lx, dr6 %lx: taken on its own stack and "
			       "ignored%s", curr_domid(), entry_names[entry],
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
