/*
 * Bounces: entering a PV guest's kernel the way Xen's ABI defines, for an
 * exception, an event upcall or a syscall from user mode. The frame written
 * on the guest kernel stack is, from the lowest address:
 *   rcx, r11, [ds, es, fs, gs,] [error code,] rip, cs, rflags, rsp, ss
 * where cs carries the saved upcall mask in bits 32-39 and rflags.IF is the
 * inverse of that mask. A guest stack that cannot take the frame kills the
 * domain, never the hypervisor.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/pv.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <public/xen.h>

/* Wherever the guest placed it (register_vcpu_info moves it). */
struct vcpu_info *pv_vcpu_info(struct vcpu *v)
{
	return vcpu_info_of(v);
}

bool pv_bounce(struct vcpu *v, struct cpu_regs *r, const struct trap_bounce *tb)
{
	struct vcpu_info *vi = pv_vcpu_info(v);
	uint64_t frame[14];
	unsigned int n = 0;
	uint64_t cs = r->cs;
	uint64_t sp;
	uint8_t saved_mask;

	if (tb->eip == 0) {
		domain_crash(v->domain, "no guest handler to enter (vector %lu, rip 0x%lx)",
			     (unsigned long)r->vector, (unsigned long)r->rip);
		return false;
	}
	if (v->pv.kernel_mode) {
		sp = r->rsp;
		cs &= ~3ULL;	/* tells the guest it was in kernel mode */
	} else {
		pv_toggle_guest_mode(v);
		sp = v->pv.kernel_sp;
	}
	sp &= ~0xfULL;
	saved_mask = vi->evtchn_upcall_mask;
	if (tb->flags & TBF_INTERRUPT) {
		vi->evtchn_upcall_mask = 1;
	}

	/* Built from the top (ss) down, then written in one copy. */
	frame[n++] = r->ss;
	frame[n++] = r->rsp;
	frame[n++] = (r->rflags & ~X86_EFLAGS_IF) | (saved_mask ? 0 : X86_EFLAGS_IF);
	frame[n++] = (cs & 0xffff) | ((uint64_t)saved_mask << 32);
	frame[n++] = r->rip;
	if (tb->flags & TBF_EXCEPTION_ERRCODE) {
		frame[n++] = tb->error_code;
	}
	if (tb->flags & TBF_FAILSAFE) {
		frame[n++] = 0;	/* gs */
		frame[n++] = 0;	/* fs */
		frame[n++] = 0;	/* es */
		frame[n++] = 0;	/* ds */
	}
	frame[n++] = r->r11;
	frame[n++] = r->rcx;

	uint64_t bytes = n * sizeof(uint64_t);
	uint64_t base = sp - bytes;
	uint64_t words[14];

	/* The guest expects ascending addresses: rcx lowest. */
	for (unsigned int i = 0; i < n; i++) {
		words[i] = frame[n - 1 - i];
	}
	if (sp < bytes || !guest_range_ok(base, bytes) ||
	    copy_to_guest(v, guest_ptr(base), words, bytes) != 0) {
		domain_crash(v->domain,
			     "cannot write a trap frame on the guest stack at 0x%lx (vector %lu, rip 0x%lx)",
			     (unsigned long)sp, (unsigned long)r->vector, (unsigned long)r->rip);
		return false;
	}
	r->rflags &= ~(X86_EFLAGS_AC | X86_EFLAGS_TF | X86_EFLAGS_NT | (1ULL << 16) | (1ULL << 17));
	r->rflags |= X86_EFLAGS_IF | X86_EFLAGS_MBS;
	r->ss = FLAT_KERNEL_SS64;
	r->rsp = base;
	r->cs = FLAT_KERNEL_CS64;
	r->rip = tb->eip;
	return true;
}

/* Exceptions that push an error code. */
static bool vector_has_errcode(unsigned int vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 ||
	       vec == 30;
}

void pv_inject_exception(struct vcpu *v, struct cpu_regs *r, unsigned int vec,
			 uint32_t error_code)
{
	const struct trap_info *ti = &v->pv.traps[vec & 0xff];
	struct trap_bounce tb = {
		.eip = ti->address,
		.error_code = error_code,
		.flags = TBF_EXCEPTION,
	};

	if (vector_has_errcode(vec)) {
		tb.flags |= TBF_EXCEPTION_ERRCODE;
	}
	if (TI_GET_IF(ti->flags)) {
		tb.flags |= TBF_INTERRUPT;
	}
	if (ti->address == 0) {
		domain_crash(v->domain, "exception %u at rip 0x%lx (error 0x%x) and no handler for it",
			     vec, (unsigned long)r->rip, error_code);
		return;
	}
	pv_bounce(v, r, &tb);
}

void pv_deliver_events(struct vcpu *v, struct cpu_regs *r)
{
	struct trap_bounce tb = { .eip = v->pv.event.address, .flags = TBF_INTERRUPT };

	if (tb.eip == 0 || !evtchn_upcall_deliverable(v)) {
		return;
	}
	pv_bounce(v, r, &tb);
}

void pv_syscall_from_user(struct vcpu *v, struct cpu_regs *r)
{
	const struct pv_callback *cb = r->cs == GUEST_CS32 ? &v->pv.syscall32 : &v->pv.syscall;
	struct trap_bounce tb = { .eip = cb->address };

	if (tb.eip == 0 && r->cs == GUEST_CS32) {
		cb = &v->pv.syscall;
		tb.eip = cb->address;
	}
	if (cb->mask_events) {
		tb.flags |= TBF_INTERRUPT;
	}
	if (tb.eip == 0) {
		/* No syscall callback: the guest kernel sees #UD at the SYSCALL
		 * instruction, as with SYSCALL disabled in hardware. */
		r->rip -= 2;
		pv_inject_exception(v, r, 6, 0);
		return;
	}
	if (pv_bounce(v, r, &tb)) {
		r->rflags &= ~X86_EFLAGS_DF;
	}
}
