/*
 * Writable page tables: a guest kernel writes one of its own page-table
 * entries with a plain instruction, through the read-only mapping it has of
 * that table (Linux does this about a thousand times per boot). The write
 * faults; here the instruction is decoded, checked against the fault
 * address, turned into one validated entry update by the memory model, and
 * its register and flag effects are applied. A write the model refuses, or
 * an instruction we do not recognise, is the guest's #PF as the CPU raised it.
 */
#include <arch/cpu.h>
#include <arch/insn.h>
#include <arch/layout.h>
#include <arch/pv.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/xen.h>

#define PFEC_PRESENT (1U << 0)
#define PFEC_WRITE   (1U << 1)
#define PFEC_USER    (1U << 2)
#define PFEC_RSVD    (1U << 3)
#define PFEC_FETCH   (1U << 4)

#define FLAG_CF (1ULL << 0)
#define FLAG_PF (1ULL << 2)
#define FLAG_ZF (1ULL << 6)
#define FLAG_SF (1ULL << 7)
#define FLAG_OF (1ULL << 11)

static uint64_t width_mask(unsigned int bytes)
{
	return bytes == 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* Logic-op flags: CF and OF clear, ZF/SF/PF from the result. */
static void logic_flags(struct cpu_regs *r, uint64_t res, unsigned int bytes)
{
	uint64_t f = r->rflags & ~(FLAG_CF | FLAG_PF | FLAG_ZF | FLAG_SF | FLAG_OF);

	if ((res & width_mask(bytes)) == 0) {
		f |= FLAG_ZF;
	}
	if (res & (1ULL << (bytes * 8 - 1))) {
		f |= FLAG_SF;
	}
	if (!(__builtin_popcountll(res & 0xff) & 1)) {
		f |= FLAG_PF;
	}
	r->rflags = f;
}

bool pv_emulate_pt_write(struct vcpu *v, struct cpu_regs *r, uint64_t cr2)
{
	uint32_t err = (uint32_t)r->error_code;
	uint8_t buf[15];
	struct insn in;
	struct insn_regs ir;
	struct mm_ptwr w;
	uint64_t ea, old, cur, g[16];
	size_t n;

	/* Only a guest-kernel write to a present, read-only page. */
	if (!v->pv.kernel_mode || (err & (PFEC_PRESENT | PFEC_WRITE)) != (PFEC_PRESENT | PFEC_WRITE) ||
	    (err & (PFEC_RSVD | PFEC_FETCH)) || r->cs != GUEST_CS64) {
		return false;
	}
	n = 0;
	while (n < sizeof(buf) && copy_from_guest(v, buf + n, guest_ptr(r->rip + n), 1) == 0) {
		n++;
	}
	if (n == 0 || insn_decode(&in, buf, n) != INSN_OK || !in.mem) {
		return false;
	}
	pv_regs_to_gpr(r, g);
	memcpy(ir.gpr, g, sizeof(g));
	ir.rip = r->rip;
	ir.fs_base = v->pv.fs_base;
	ir.gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	/* The guest may have changed its code since it faulted: the decoded
	 * access must be the one that faulted. */
	if (!insn_effective_address(&in, &ir, &ea) || ea != cr2 || in.opsize == 0 ||
	    in.opsize > 8 || (ea & (in.opsize - 1)) != 0) {
		return false;
	}
	memset(&w, 0, sizeof(w));
	w.va = ea;
	w.bytes = in.opsize;
	if (copy_from_guest(v, &cur, guest_ptr(ea & ~7ULL), 8) != 0) {
		return false;
	}
	cur = (cur >> ((ea & 7) * 8)) & width_mask(in.opsize);

	switch (in.kind) {
	case INSN_MEM_STORE:
		w.kind = MM_PTWR_STORE;
		w.val = insn_src_value(&in, g);
		break;
	case INSN_MEM_XCHG:
		w.kind = MM_PTWR_XCHG;
		w.val = insn_src_value(&in, g);
		break;
	case INSN_MEM_CMPXCHG:
		w.kind = MM_PTWR_CMPXCHG;
		w.val = insn_src_value(&in, g);
		w.expected = g[0] & width_mask(in.opsize);
		break;
	case INSN_MEM_OR:
	case INSN_MEM_AND:
	case INSN_MEM_XOR:
	case INSN_MEM_BTS:
	case INSN_MEM_BTR:
	case INSN_MEM_BTC: {
		uint64_t src = in.kind >= INSN_MEM_BTS ? (1ULL << in.imm) : insn_src_value(&in, g);

		/* A read-modify-write, made atomic against itself as a cmpxchg. */
		w.kind = MM_PTWR_CMPXCHG;
		w.expected = cur;
		w.val = in.kind == INSN_MEM_OR || in.kind == INSN_MEM_BTS ? cur | src
			: in.kind == INSN_MEM_AND ? cur & src
			: in.kind == INSN_MEM_BTR ? cur & ~src
						   : cur ^ src;
		break;
	}
	default:
		return false;
	}
	if (mm_emulate_pt_write(v, &w, &old) != 0) {
		return false;
	}
	/* The instruction's effects on registers and flags. */
	switch (in.kind) {
	case INSN_MEM_XCHG:
		insn_gpr_write(g, (unsigned int)in.reg, in.reg_high8, in.opsize, old);
		break;
	case INSN_MEM_CMPXCHG:
		if (old == w.expected) {
			r->rflags |= FLAG_ZF;
		} else {
			r->rflags &= ~FLAG_ZF;
			insn_gpr_write(g, 0, false, in.opsize, old);
		}
		break;
	case INSN_MEM_OR:
	case INSN_MEM_AND:
	case INSN_MEM_XOR:
		if (old != w.expected) {
			return false;	/* cannot happen on one CPU; never half-emulate */
		}
		logic_flags(r, w.val, in.opsize);
		break;
	case INSN_MEM_BTS:
	case INSN_MEM_BTR:
	case INSN_MEM_BTC:
		r->rflags = (r->rflags & ~FLAG_CF) | ((old >> in.imm) & 1 ? FLAG_CF : 0);
		break;
	default:
		break;
	}
	pv_gpr_to_regs(g, r);
	r->rip += in.len;
	return true;
}
