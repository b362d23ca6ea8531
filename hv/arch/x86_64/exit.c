/*
 * The last step back to a guest: the iretq at the end of restore_all
 * (entry.S). That iretq runs in ring 0, so a fault of it is a fault of the
 * hypervisor: it must never happen for a reason a guest controls, and if
 * it happens anyway it must become the guest's problem, never a stop.
 *
 * Two layers. exit_frame_check() looks at the frame before the iretq and
 * sends a frame the CPU would refuse (a non-canonical rip, which the
 * guest reaches by a `syscall` or an emulated instruction ending at the
 * top of the lower half; a rip past 4 GiB in the 32-bit code segment) to
 * the guest's failsafe callback, as Xen does when it cannot return to a
 * guest. Faults it cannot predict cheaply (a guest code or stack selector
 * from its own GDT or LDT that no longer loads) are caught at the iretq
 * itself: trap_dispatch() sees the fault at exit_iretq, and the frame goes
 * the same way through exit_iretq_failed(). No guest has a SYSRET path to
 * worry about: Moat returns with iretq only.
 *
 * Nothing here may touch guest memory except through the bounce, which
 * checks the guest stack itself.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <arch/regs.h>
#include <hv/domain.h>
#include <hv/lib.h>

extern char exit_iretq[], exit_iretq_fault[];

/* The fault that stopped the last exit_iretq: trap_dispatch sets it, the
 * fixup reads it a few instructions later (one CPU, interrupts off). */
static uint64_t exit_fault_vector, exit_fault_error;

static bool rip_canonical(uint64_t a)
{
	/* cppcheck-suppress incorrectLogicOperator ; false: cppcheck 2.10 misreads 0xffff8000... */
	return a < 0x0000800000000000ULL || a >= 0xffff800000000000ULL;
}

/* Would iretq accept this return to the guest as far as rip goes? */
static bool exit_rip_ok(const struct cpu_regs *r)
{
	if ((r->cs & 0xffff) == GUEST_CS32) {
		return r->rip <= 0xffffffffULL;	/* the 32-bit segment's limit */
	}
	return rip_canonical(r->rip);
}

/*
 * Give the frame the CPU cannot return to to the guest's failsafe callback
 * (the frame it gets carries the rip, cs and flags that failed), or kill
 * the domain when it has none. The bounce writes a frame that always
 * loads: the kernel's 64-bit selectors and a callback address checked
 * canonical and outside the hypervisor when it was registered.
 */
static void exit_to_failsafe(struct vcpu *curr, struct cpu_regs *r, const char *why)
{
	struct trap_bounce tb = { .eip = curr->pv.failsafe.address, .flags = TBF_FAILSAFE };

	if (curr->pv.failsafe.mask_events) {
		tb.flags |= TBF_INTERRUPT;
	}
	if (tb.eip == 0 || r->rip == tb.eip) {
		/* No callback, or the callback itself could not be entered. */
		domain_crash(curr->domain, "cannot return to the guest at cs 0x%lx rip 0x%lx "
			     "(%s) and no failsafe callback to take it", (unsigned long)r->cs,
			     (unsigned long)r->rip, why);
		return;
	}
	pv_bounce(curr, r, &tb);
}

/* restore_all, before exit_to_guest_work: r is the guest frame at the top
 * of the running vCPU's stack. A crash is acted on by exit_to_guest_work. */
void exit_frame_check(struct cpu_regs *r)
{
	if (!exit_rip_ok(r)) {
		exit_to_failsafe(cpu0_info.current, r, "return address the CPU would refuse");
	}
}

/*
 * trap_dispatch, for a fault in the hypervisor: was it the exit iretq? Then
 * resume at exit_iretq_fault instead (entry.S), which puts the guest frame
 * back together. #PF there is first offered to the lazy LDT mapping, which
 * retries the iretq.
 */
bool exit_iretq_fixup(struct cpu_regs *r)
{
	if (r->rip != (uint64_t)(uintptr_t)exit_iretq) {
		return false;
	}
	exit_fault_vector = r->vector;
	exit_fault_error = r->error_code;
	r->rip = (uint64_t)(uintptr_t)exit_iretq_fault;
	return true;
}

/* From exit_iretq_fault, on the rebuilt guest frame; restore_all follows. */
void exit_iretq_failed(struct cpu_regs *r)
{
	struct vcpu *curr = cpu0_info.current;
	static unsigned int reported;

	if (reported < 8) {
		reported++;
		printk(LOG_WARN, "d%u: the return to cs 0x%lx rip 0x%lx ss 0x%lx faulted (vector %lu, "
		       "error 0x%lx): the failsafe callback takes it", curr->domain->id,
		       (unsigned long)r->cs, (unsigned long)r->rip, (unsigned long)r->ss,
		       (unsigned long)exit_fault_vector, (unsigned long)exit_fault_error);
	}
	exit_to_failsafe(curr, r, "iretq faulted");
}
