/*
 * Emulation of what a PV guest kernel may execute that faults in ring 3:
 * the forced-emulation cpuid (#UD), and from #GP the safe MSRs, cli/sti as
 * the event mask, control and debug register access, clts, wbinvd, and
 * software interrupts its trap table allows. The instruction is decoded from
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
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/pv.h>
#include <public/callback.h>
#include <public/xen.h>

#define MAX_INSN 15
#define VEC_GP 13

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

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *r)
{
	struct insn in;
	uint64_t g[16];
	uint64_t val;

	if (!v->pv.kernel_mode || !decode_at_rip(v, r, &in)) {
		return false;
	}
	pv_regs_to_gpr(r, g);
	switch (in.kind) {
	case INSN_CLI:
	case INSN_STI:
		/* As on Xen, only with a virtual IOPL the guest kernel asked for
		 * (physdev set_iopl >= 1); then they mask and unmask events. */
		if (v->pv.iopl < 1) {
			return false;
		}
		pv_vcpu_info(v)->evtchn_upcall_mask = in.kind == INSN_CLI;
		break;
	case INSN_RDMSR:
		if (!pv_rdmsr(v, (uint32_t)r->rcx, &val)) {
			pv_inject_exception(v, r, VEC_GP, 0);
			return true;
		}
		r->rax = (uint32_t)val;
		r->rdx = val >> 32;
		break;
	case INSN_WRMSR:
		if (!pv_wrmsr(v, (uint32_t)r->rcx, ((r->rdx & 0xffffffffULL) << 32) |
							(r->rax & 0xffffffffULL))) {
			pv_inject_exception(v, r, VEC_GP, 0);
			return true;
		}
		break;
	case INSN_MOV_FROM_CR:
		g[in.rm_reg] = read_cr(v, in.reg);
		pv_gpr_to_regs(g, r);
		break;
	case INSN_MOV_TO_CR:
		if (!write_cr(v, in.reg, g[in.rm_reg])) {
			pv_inject_exception(v, r, VEC_GP, 0);
			return true;
		}
		break;
	case INSN_MOV_FROM_DR: {
		int64_t dr = pv_get_debugreg(v, (unsigned int)in.reg);

		g[in.rm_reg] = (uint64_t)dr;
		pv_gpr_to_regs(g, r);
		break;
	}
	case INSN_MOV_TO_DR:
		if (pv_set_debugreg(v, (unsigned int)in.reg, g[in.rm_reg]) != 0) {
			pv_inject_exception(v, r, VEC_GP, 0);
			return true;
		}
		break;
	case INSN_CLTS:
		v->pv.fpu_ts = false;
		arch_pv_fpu_taskswitch(v);
		break;
	case INSN_WBINVD:
	case INSN_INVD:
		/* Caches are the hypervisor's; a guest's flush request is moot. */
		break;
	default:
		/* hlt, port I/O, descriptor tables, xsetbv...: #GP in the guest. */
		return false;
	}
	skip(r, &in);
	return true;
}
