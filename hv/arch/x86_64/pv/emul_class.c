/*
 * The classification of a decoded instruction into the emulation gate's
 * ops (emul_class.h). The switch names every instruction kind the decoder
 * knows and has no default, so a kind added to the decoder does not build
 * until it is classified here: emulated (and so gated) or refused.
 */
#include "emul_class.h"

bool pv_emul_classify(const struct insn *in, uint32_t msr, enum emul_op *op)
{
	switch (in->kind) {
	case INSN_FORCED_CPUID:
		*op = EMUL_CPUID;
		return true;
	case INSN_RDMSR:
		*op = EMUL_RDMSR;
		return true;
	case INSN_WRMSR:
		switch (msr) {
		case EMUL_MSR_FS_BASE:
		case EMUL_MSR_GS_BASE:
		case EMUL_MSR_KERNEL_GS_BASE:
			*op = EMUL_WRMSR_SEGBASE;
			return true;
		case EMUL_MSR_EFER:
		case EMUL_MSR_PAT:
			*op = EMUL_WRMSR_SAME;
			return true;
		default:
			return false;	/* unknown MSR: #GP, as Linux's probes expect */
		}
	case INSN_MOV_FROM_CR:
		*op = EMUL_CR_READ;
		return true;
	case INSN_MOV_TO_CR:
		if (in->reg == 0) {
			*op = EMUL_CR0_WRITE;
			return true;
		}
		if (in->reg == 4) {
			*op = EMUL_CR4_WRITE;
			return true;
		}
		return false;	/* %cr2, %cr3 (use new_baseptr), %cr8 */
	case INSN_CLTS:
		*op = EMUL_CLTS;
		return true;
	case INSN_MOV_FROM_DR:
		*op = EMUL_DR_READ;
		return true;
	case INSN_MOV_TO_DR:
		*op = EMUL_DR_WRITE;
		return true;
	case INSN_CLI:
	case INSN_STI:
		*op = EMUL_CLI_STI;
		return true;
	case INSN_WBINVD:
	case INSN_INVD:
		*op = EMUL_CACHE_FLUSH;
		return true;
	/* Not emulated from #GP: the guest gets its #GP (INT n is bounced by
	 * the trap code, a memory write to a page table comes from #PF). */
	case INSN_UNKNOWN:
	case INSN_CPUID:
	case INSN_RDTSC:
	case INSN_RDTSCP:
	case INSN_RDPMC:
	case INSN_HLT:
	case INSN_XSETBV:
	case INSN_SWAPGS:
	case INSN_SYSRET:
	case INSN_IRET:
	case INSN_INT:
	case INSN_INT3:
	case INSN_IN:
	case INSN_OUT:
	case INSN_INS:
	case INSN_OUTS:
	case INSN_INVLPG:
	case INSN_LGDT:
	case INSN_LIDT:
	case INSN_LLDT:
	case INSN_LTR:
	case INSN_LMSW:
	case INSN_MEM_STORE:
	case INSN_MEM_XCHG:
	case INSN_MEM_CMPXCHG:
	case INSN_MEM_CMPXCHG8B:
	case INSN_MEM_CMPXCHG16B:
	case INSN_MEM_OR:
	case INSN_MEM_AND:
	case INSN_MEM_XOR:
	case INSN_MEM_BTS:
	case INSN_MEM_BTR:
	case INSN_MEM_BTC:
	case INSN_KIND_COUNT:
		return false;
	}
	return false;
}
