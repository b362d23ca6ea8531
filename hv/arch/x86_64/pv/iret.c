/*
 * The iret hypercall: how a PV guest kernel returns from a trap, an event
 * or a syscall, to its kernel or to its user mode. The guest's stack holds
 * struct iret_context (rax, r11, rcx, flags, rip, cs, rflags, rsp, ss).
 * Whatever the guest wrote there, it goes back to ring 3 with interrupts on
 * and IOPL 0; a return to user mode needs a user page-table root; a
 * non-canonical or hypervisor return address, or one above 4 GiB in the
 * 32-bit code segment, kills the domain (iretq to it would fault inside the
 * hypervisor; exit.c catches what gets past this all the same).
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/pv.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/callback.h>
#include <public/xen.h>

static bool guest_rip_ok(uint64_t rip)
{
	return rip < 0x0000800000000000ULL || rip >= HYPERVISOR_VIRT_END;
}

static int64_t iret_fail(struct vcpu *curr, const char *why, uint64_t value)
{
	domain_crash(curr->domain, "iret hypercall: %s (0x%lx)", why, (unsigned long)value);
	schedule(curr);
	panic("a crashed vCPU was scheduled again");
}

int64_t do_iret(struct vcpu *curr, const struct hypercall_args *args)
{
	struct cpu_regs *r = curr->arch.regs;
	struct iret_context ctx;
	bool to_user;
	uint64_t cs, ss;

	(void)args;
	if (copy_from_guest(curr, &ctx, guest_ptr(r->rsp), sizeof(ctx)) != 0) {
		return iret_fail(curr, "unreadable iret frame at rsp", r->rsp);
	}
	to_user = (ctx.cs & 3) == 3;
	/* Decode: every check before the first change. */
	if (!guest_rip_ok(ctx.rip)) {
		return iret_fail(curr, "return address outside the guest", ctx.rip);
	}
	/* Bits 32-39 of the CS slot carry the saved upcall mask (bounce frame).
	 * Of the hypervisor's descriptors (0xe000 up) only the two guest code
	 * segments; below, the guest's own GDT and LDT, as on Xen: whatever
	 * iretq cannot load there (not present, not code, a limit) goes to the
	 * failsafe callback (exit.c), never faults the hypervisor. */
	cs = (ctx.cs & 0xffff) | 3;
	if (!(cs & 4) && cs >= (GDT_GUEST_PAGES << 12) && cs != GUEST_CS64 && cs != GUEST_CS32) {
		return iret_fail(curr, "unsupported code selector", ctx.cs);
	}
	/* The 32-bit segment's limit is 4 GiB: iretq past it faults in ring 0. */
	if (cs == GUEST_CS32 && ctx.rip > 0xffffffffULL) {
		return iret_fail(curr, "return address above 4 GiB in the 32-bit code segment",
				 ctx.rip);
	}
	ss = (ctx.ss & 0xffff) | 3;
	if (ss != GUEST_SS) {
		ss = GUEST_SS;
	}
	if (to_user && !curr->pv.kernel_mode) {
		return iret_fail(curr, "iret from user mode", ctx.cs);
	}
	if (to_user && mfn_x(curr->pv.user_root) == INVALID_MFN_RAW) {
		return iret_fail(curr, "return to user mode without a user page table", ctx.rip);
	}
	/* Commit. */
	if (to_user) {
		pv_toggle_guest_mode(curr);
	}
	r->rip = ctx.rip;
	r->cs = cs;
	r->rflags = (ctx.rflags & ~(X86_EFLAGS_IOPL | (1ULL << 17) | X86_EFLAGS_NT)) |
		    X86_EFLAGS_IF | X86_EFLAGS_MBS;
	r->rsp = ctx.rsp;
	r->ss = ss;
	if (!(ctx.flags & VGCF_in_syscall)) {
		r->r11 = ctx.r11;
		r->rcx = ctx.rcx;
	}
	/* The guest's virtual IF becomes the event mask. */
	pv_vcpu_info(curr)->evtchn_upcall_mask = (ctx.rflags & X86_EFLAGS_IF) ? 0 : 1;
	/* The dispatcher writes this into rax. */
	return (int64_t)ctx.rax;
}
