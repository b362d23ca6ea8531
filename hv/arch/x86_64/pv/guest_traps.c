/*
 * Exceptions taken while a PV guest ran (kernel or user mode, both ring 3).
 * Each is either emulated (what a PV kernel may legitimately do: the
 * forced-emulation cpuid, safe MSRs, cli/sti, control-register reads, writes
 * to its own page tables), or bounced to the guest's handler from its trap
 * table, or, with no handler, kills the domain alone.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/pv.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <public/xen.h>

#define VEC_DB 1
#define VEC_BP 3
#define VEC_UD 6
#define VEC_NM 7
#define VEC_GP 13
#define VEC_PF 14

/* May this guest mode raise vector vec with INT n? (Xen's rule for PV64:
 * the guest kernel counts as ring 1, user mode as ring 3.) */
static bool softint_permitted(const struct vcpu *v, unsigned int vec)
{
	unsigned int dpl = TI_GET_DPL(v->pv.traps[vec].flags);

	return dpl >= (v->pv.kernel_mode ? 1U : 3U);
}

/*
 * #GP with a zero or IDT-flagged error code may be an INT n the IDT refused
 * (every gate but #BP and #OF is DPL 0). QEMU 7.2 reports a wrong error code
 * for it, so the instruction bytes decide, not the error code.
 */
static bool try_softint(struct vcpu *v, struct cpu_regs *r)
{
	uint8_t insn[2];
	unsigned int vec;
	struct trap_bounce tb = { .flags = 0 };

	if (copy_from_guest(v, insn, guest_ptr(r->rip), sizeof(insn)) != 0 || insn[0] != 0xcd) {
		return false;
	}
	vec = insn[1];
	if (!softint_permitted(v, vec) || v->pv.traps[vec].address == 0) {
		/* As hardware: #GP with the IDT-vector error code. */
		pv_inject_exception(v, r, VEC_GP, (vec << 3) | 2);
		return true;
	}
	tb.eip = v->pv.traps[vec].address;
	if (TI_GET_IF(v->pv.traps[vec].flags)) {
		tb.flags |= TBF_INTERRUPT;
	}
	r->rip += 2;	/* a software interrupt returns after itself */
	pv_bounce(v, r, &tb);
	return true;
}

void pv_guest_exception(struct vcpu *v, struct cpu_regs *r)
{
	unsigned int vec = (unsigned int)r->vector;
	uint32_t err = (uint32_t)r->error_code;

	switch (vec) {
	case VEC_PF: {
		uint64_t cr2 = read_cr2();

		if (pv_ldt_fault(v, r, cr2) || pv_emulate_pt_write(v, r, cr2)) {
			return;
		}
		pv_vcpu_info(v)->arch.cr2 = cr2;
		/* Both guest modes run in ring 3; the guest kernel must see its
		 * own faults as supervisor accesses (Xen clears the user bit). */
		if (v->pv.kernel_mode) {
			err &= ~4U;
		}
		pv_inject_exception(v, r, VEC_PF, err);
		return;
	}
	case VEC_GP:
		if (pv_emulate_privileged(v, r)) {
			return;
		}
		if (try_softint(v, r)) {
			return;
		}
		pv_inject_exception(v, r, VEC_GP, err);
		return;
	case VEC_UD:
		if (pv_emulate_forced(v, r)) {
			return;
		}
		pv_inject_exception(v, r, VEC_UD, 0);
		return;
	case VEC_NM:
		/* The guest asked for lazy FPU switching: it gets #NM once, with
		 * its virtual TS then cleared (it will call fpu_taskswitch(0)). */
		if (v->pv.fpu_ts) {
			v->pv.fpu_ts = false;
			__asm__ volatile("clts");
			pv_inject_exception(v, r, VEC_NM, 0);
		} else {
			__asm__ volatile("clts");
		}
		return;
	case VEC_DB: {
		uint64_t dr6;

		__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
		v->pv.debugreg[6] = dr6;
		__asm__ volatile("mov %0, %%db6" : : "r"(0xffff0ff0ULL));
		pv_inject_exception(v, r, VEC_DB, 0);
		return;
	}
	default:
		pv_inject_exception(v, r, vec, err);
		return;
	}
}
