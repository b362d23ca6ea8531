/*
 * Emulation of what a PV guest kernel may execute that faults in ring 3:
 * the forced-emulation cpuid (#UD), and from #GP the safe MSRs, cli/sti as
 * the event mask, control and debug register access, clts, wbinvd, and
 * software interrupts its trap table allows. Every emulated instruction is
 * first classified (emul_class.c) and passes the emulation gate
 * (hv/common/emul_gate.c) with the permission of its equivalent hypercall,
 * before it changes anything. The instruction is decoded from
 * guest memory by insn_decode(); a decode that does not match the fault
 * (the guest may rewrite its code) is not emulated. Guest user mode gets
 * none of this: its faults go to its kernel.
 */
#include <arch/cpu.h>
#include <arch/insn.h>
#include <arch/layout.h>
#include <arch/pv.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/emul_gate.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/pv.h>
#include <public/callback.h>
#include <public/xen.h>

#include "emul_class.h"

#define MAX_INSN 15
#define VEC_GP 13

_Static_assert(EMUL_MSR_EFER == MSR_EFER && EMUL_MSR_FS_BASE == MSR_FS_BASE &&
	       EMUL_MSR_GS_BASE == MSR_GS_BASE && EMUL_MSR_KERNEL_GS_BASE == MSR_KERNEL_GS_BASE &&
	       EMUL_MSR_PAT == MSR_PAT, "emul_class.h's MSR numbers are arch/cpu.h's");

/* Copy what is readable of the up to 15 bytes at rip. */
static size_t fetch(struct vcpu *v, uint64_t rip, uint8_t *buf)
{
	size_t first = MIN((size_t)MAX_INSN, (size_t)(PAGE_SIZE - (rip & (PAGE_SIZE - 1))));

	if (copy_from_guest(v, buf, guest_ptr(rip), first) != 0) {
		return 0;
	}
	if (first < MAX_INSN &&
	    copy_from_guest(v, buf + first, guest_ptr(rip + first), MAX_INSN - first) == 0) {
		return MAX_INSN;
	}
	return first;
}

static bool decode_at_rip(struct vcpu *v, const struct cpu_regs *r, struct insn *in)
{
	uint8_t buf[MAX_INSN];
	size_t n;

	/* The decoder knows 64-bit mode only. */
	if (r->cs != GUEST_CS64) {
		return false;
	}
	n = fetch(v, r->rip, buf);
	return n > 0 && insn_decode(in, buf, n) == INSN_OK;
}

bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *r)
{
	struct insn in;
	uint32_t a, b, c, d;

	if (!decode_at_rip(v, r, &in) || in.kind != INSN_FORCED_CPUID) {
		return false;
	}
	if (emul_gate(v, EMUL_CPUID) != 0) {
		return false;	/* the guest's #UD, as without emulation */
	}
	pv_cpuid(v, (uint32_t)r->rax, (uint32_t)r->rcx, &a, &b, &c, &d);
	r->rax = a;
	r->rbx = b;
	r->rcx = c;
	r->rdx = d;
	r->rip += in.len;
	return true;
}

static uint64_t read_cr(struct vcpu *v, int cr)
{
	switch (cr) {
	case 0: {
		uint64_t cr0;

		__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
		return (cr0 & ~8ULL) | (v->pv.fpu_ts ? 8 : 0);
	}
	case 2:
		return pv_vcpu_info(v)->arch.cr2;
	case 3: {
		mfn_t root = v->pv.kernel_mode ? v->pv.kernel_root : v->pv.user_root;

		return mfn_x(root) << PAGE_SHIFT;
	}
	case 4:
		return v->pv.cr4;
	default:
		return 0;
	}
}

/* CR4 bits a PV guest may flip: its view only, nothing real changes.
 * TSD, DE, PGE, PCE, OSFXSR, OSXMMEXCPT. PAE must stay set. */
#define CR4_GUEST_CHANGEABLE ((1ULL << 2) | (1ULL << 3) | (1ULL << 7) | (1ULL << 8) | \
			      (1ULL << 9) | (1ULL << 10))

static bool write_cr(struct vcpu *v, int cr, uint64_t val)
{
	switch (cr) {
	case 0:
		/* Only TS may change (lazy FPU); everything else must stay. */
		if ((val & ~8ULL) != (read_cr(v, 0) & ~8ULL)) {
			return false;
		}
		v->pv.fpu_ts = (val & 8) != 0;
		arch_pv_fpu_taskswitch(v);
		return true;
	case 4:
		if ((val ^ v->pv.cr4) & ~CR4_GUEST_CHANGEABLE) {
			return false;
		}
		v->pv.cr4 = val;
		return true;
	default:
		return false;
	}
}

static void skip(struct cpu_regs *r, const struct insn *in)
{
	r->rip += in->len;
}

/*
 * Perform op, which emul_gate() allowed. Returns false to refuse it (the
 * guest gets #GP(0) with nothing changed). Each case is one emul_op and
 * the switch has no default: an op the table gains must be handled here,
 * or said to be handled elsewhere.
 */
static bool execute(struct vcpu *v, struct cpu_regs *r, const struct insn *in, enum emul_op op)
{
	uint64_t g[16];
	uint64_t val;

	pv_regs_to_gpr(r, g);
	switch (op) {
	case EMUL_CLI_STI:
		/* As on Xen, only with a virtual IOPL the guest kernel asked for
		 * (physdev set_iopl >= 1); then they mask and unmask events. */
		if (v->pv.iopl < 1) {
			return false;
		}
		pv_vcpu_info(v)->evtchn_upcall_mask = in->kind == INSN_CLI;
		return true;
	case EMUL_RDMSR:
		if (!pv_rdmsr(v, (uint32_t)r->rcx, &val)) {
			return false;
		}
		r->rax = (uint32_t)val;
		r->rdx = val >> 32;
		return true;
	case EMUL_WRMSR_SEGBASE:
	case EMUL_WRMSR_SAME:
		return pv_wrmsr(v, (uint32_t)r->rcx,
				((r->rdx & 0xffffffffULL) << 32) | (r->rax & 0xffffffffULL));
	case EMUL_CR_READ:
		g[in->rm_reg] = read_cr(v, in->reg);
		pv_gpr_to_regs(g, r);
		return true;
	case EMUL_CR0_WRITE:
	case EMUL_CR4_WRITE:
		return write_cr(v, in->reg, g[in->rm_reg]);
	case EMUL_DR_READ: {
		int64_t dr = pv_get_debugreg(v, (unsigned int)in->reg);

		g[in->rm_reg] = (uint64_t)dr;
		pv_gpr_to_regs(g, r);
		return true;
	}
	case EMUL_DR_WRITE:
		return pv_set_debugreg(v, (unsigned int)in->reg, g[in->rm_reg]) == 0;
	case EMUL_CLTS:
		v->pv.fpu_ts = false;
		arch_pv_fpu_taskswitch(v);
		return true;
	case EMUL_CACHE_FLUSH:
		/* Caches are the hypervisor's; a guest's flush request is moot. */
		return true;
	case EMUL_CPUID:	/* from #UD: pv_emulate_forced() */
	case EMUL_PT_WRITE:	/* from #PF: pt_write.c, gated in mm_ptwr.c */
	case EMUL_LDT_MAP:	/* from #PF: mm_hooks.c, gated in mm_desc.c */
	case EMUL_OP_COUNT:
		return false;
	}
	return false;
}

/*
 * Decode, classify, gate, execute. A denial is what the CPU does with a
 * privileged instruction in ring 3, #GP(0), as when the emulation refuses
 * the value: the guest cannot tell a policy denial from an unsupported
 * write, and the XSM module audited it as it audits the hypercall's.
 */
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *r)
{
	struct insn in;
	enum emul_op op;

	if (!v->pv.kernel_mode || !decode_at_rip(v, r, &in)) {
		return false;
	}
	if (!pv_emul_classify(&in, (uint32_t)r->rcx, &op)) {
		/* hlt, port I/O, descriptor tables, xsetbv...: #GP in the guest. */
		return false;
	}
	if (emul_gate(v, op) != 0 || !execute(v, r, &in, op)) {
		pv_inject_exception(v, r, VEC_GP, 0);
		return true;
	}
	skip(r, &in);
	return true;
}
