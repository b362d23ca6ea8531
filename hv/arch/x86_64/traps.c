/*
 * Exceptions and interrupts. A fault in the hypervisor is either a guest
 * access that the exception table fixes up, or a bug: then the registers
 * and a backtrace go to the console and the machine stops. A fault in a
 * guest kills that guest only (trap bouncing to guest handlers comes with
 * set_trap_table). Hypercalls arrive through SYSCALL and go to the common
 * dispatcher.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <arch/regs.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>

#define VEC_TIMER    0x20
#define VEC_SPURIOUS 0xff

struct ex_entry {
	uint64_t fault;
	uint64_t fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
};

static const char *exc_name(uint64_t vec)
{
	if (vec < 32 && exc_names[vec] != NULL) {
		return exc_names[vec];
	}
	return "interrupt";
}

static bool ex_fixup(struct cpu_regs *regs)
{
	/* cppcheck-suppress comparePointers ; the linker script places both bounds of one table */
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->fault == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static bool hv_stack_addr(uint64_t p)
{
	return (p >= HV_IMAGE_OFFSET && p < HV_IMAGE_OFFSET + (1ULL << 30)) ||
	       (p >= STACKS_BASE && p < STACKS_BASE + (uint64_t)STACK_SLOTS * STACK_STRIDE);
}

static void backtrace_from(uint64_t rbp)
{
	printk(LOG_ERR, "backtrace:");
	for (unsigned int depth = 0; depth < 16; depth++) {
		if (!IS_ALIGNED(rbp, 8) || !hv_stack_addr(rbp) || !hv_stack_addr(rbp + 8)) {
			break;
		}
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

		printk(LOG_ERR, "  [<%016lx>]", (unsigned long)frame[1]);
		if (frame[0] <= rbp) {
			break;
		}
		rbp = frame[0];
	}
}

void arch_selftest_fault(void)
{
	/* The top of the hypervisor's slots is never mapped. */
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0xffff87fffffff000ULL;

	(void)*p;
}

void arch_backtrace(void)
{
	backtrace_from((uint64_t)(uintptr_t)__builtin_frame_address(0));
}

static void dump_regs(const struct cpu_regs *r)
{
	printk(LOG_ERR, "rip %016lx  cs %04lx  rflags %016lx", (unsigned long)r->rip,
	       (unsigned long)r->cs, (unsigned long)r->rflags);
	printk(LOG_ERR, "rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx", (unsigned long)r->rsp,
	       (unsigned long)r->ss, (unsigned long)read_cr2(), (unsigned long)read_cr3());
	printk(LOG_ERR, "rax %016lx  rbx %016lx  rcx %016lx", (unsigned long)r->rax,
	       (unsigned long)r->rbx, (unsigned long)r->rcx);
	printk(LOG_ERR, "rdx %016lx  rsi %016lx  rdi %016lx", (unsigned long)r->rdx,
	       (unsigned long)r->rsi, (unsigned long)r->rdi);
	printk(LOG_ERR, "rbp %016lx  r8  %016lx  r9  %016lx", (unsigned long)r->rbp,
	       (unsigned long)r->r8, (unsigned long)r->r9);
	printk(LOG_ERR, "r10 %016lx  r11 %016lx  r12 %016lx", (unsigned long)r->r10,
	       (unsigned long)r->r11, (unsigned long)r->r12);
	printk(LOG_ERR, "r13 %016lx  r14 %016lx  r15 %016lx", (unsigned long)r->r13,
	       (unsigned long)r->r14, (unsigned long)r->r15);
}

void __noreturn trap_fatal(const struct cpu_regs *r)
{
	printk(LOG_ERR, "hypervisor fault: %s (vector %lu), error code 0x%lx",
	       exc_name(r->vector), (unsigned long)r->vector, (unsigned long)r->error_code);
	dump_regs(r);
	backtrace_from(r->rbp);
	printk(LOG_ERR, "stopping the machine");
	arch_system_exit(HV_EXIT_PANIC);
}

static void guest_fault(struct vcpu *curr, struct cpu_regs *r)
{
	pv_guest_exception(curr, r);
	if (curr->domain->state != DOM_RUNNING) {
		/* The exception killed the domain: leave this vCPU for good. */
		schedule(curr);
		panic("a crashed vCPU was scheduled again");
	}
}

void trap_dispatch(struct cpu_regs *r)
{
	bool from_guest = (r->cs & 3) == 3;

	if (r->vector == VEC_TIMER) {
		lapic_eoi();
		timer_interrupt();
		return;
	}
	if (r->vector == VEC_SPURIOUS) {
		return;
	}
	if (r->vector >= 32) {
		/* Nothing else is routed to this CPU; acknowledge and go on. */
		lapic_eoi();
		return;
	}
	if (!from_guest) {
		/* (#DB, NMI, #DF and #MC in the hypervisor go to ist_trap_hv.) */
		if (r->vector == 14 && pv_ldt_fault_hv(cpu0_info.current, read_cr2())) {
			return;
		}
		/* Guest accesses (#PF) and guest selector loads (#GP, #NP, #SS). */
		if ((r->vector == 14 || r->vector == 13 || r->vector == 11 || r->vector == 12) &&
		    (ex_fixup(r) || exit_iretq_fixup(r))) {
			return;
		}
		trap_fatal(r);
	}
	if (ist_trap_guest(r)) {
		return;
	}
	guest_fault(cpu0_info.current, r);
}

void syscall_dispatch(struct cpu_regs *r)
{
	struct vcpu *curr = cpu0_info.current;
	struct hypercall_args args = { { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 } };
	int64_t ret;

	/* SYSCALL from guest user mode is the guest kernel's business. */
	if (!curr->pv.kernel_mode) {
		pv_syscall_from_user(curr, r);
		return;
	}
	ret = hypercall_dispatch(curr, r->rax, &args);
	if (hypercall_continued(curr, ret)) {
		/*
		 * The rest of the call goes back into the argument registers and
		 * RIP back onto the 2-byte SYSCALL (0f 05): on the way out the
		 * scheduler and event delivery run, and the guest re-issues the
		 * call when it next runs (after its event callback, if one is
		 * delivered). rax still holds the hypercall number.
		 */
		r->rdi = args.a[0];
		r->rsi = args.a[1];
		r->rdx = args.a[2];
		r->r10 = args.a[3];
		r->r8 = args.a[4];
		r->r9 = args.a[5];
		r->rip -= 2;
		return;
	}
	r->rax = (uint64_t)ret;
}

void syscall32_dispatch(struct cpu_regs *r)
{
	struct vcpu *curr = cpu0_info.current;

	/* A 32-bit user process of a 64-bit PV kernel: its kernel handles it. */
	if (!curr->pv.kernel_mode) {
		pv_syscall_from_user(curr, r);
		return;
	}
	domain_crash(curr->domain, "SYSCALL from 32-bit mode at rip 0x%lx: no 32-bit PV ABI",
		     (unsigned long)r->rip);
	schedule(curr);
	panic("a crashed vCPU was scheduled again");
}

void exit_to_guest_work(struct cpu_regs *r)
{
	struct vcpu *curr = cpu0_info.current;

	while (sched_need_resched()) {
		schedule(curr);
	}
	pv_deliver_events(curr, r);
	if (curr->domain->state != DOM_RUNNING) {
		schedule(curr);
		panic("a crashed vCPU was scheduled again");
	}
}

void panic(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(LOG_ERR, "PANIC: %s", msg);
	arch_backtrace();
	arch_system_exit(HV_EXIT_PANIC);
}
