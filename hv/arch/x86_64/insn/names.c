/*
 * Names of instruction kinds for console lines. A switch, not an array, so
 * that a kind value from anywhere cannot index outside a table, and so that
 * -Wswitch flags a kind added without a name.
 */
#include "insn_priv.h"

const char *insn_kind_name(enum insn_kind kind)
{
	switch (kind) {
	case INSN_UNKNOWN:
		return "unknown";
	case INSN_FORCED_CPUID:
		return "forced_cpuid";
	case INSN_CPUID:
		return "cpuid";
	case INSN_RDMSR:
		return "rdmsr";
	case INSN_WRMSR:
		return "wrmsr";
	case INSN_RDTSC:
		return "rdtsc";
	case INSN_RDTSCP:
		return "rdtscp";
	case INSN_RDPMC:
		return "rdpmc";
	case INSN_CLI:
		return "cli";
	case INSN_STI:
		return "sti";
	case INSN_HLT:
		return "hlt";
	case INSN_CLTS:
		return "clts";
	case INSN_WBINVD:
		return "wbinvd";
	case INSN_INVD:
		return "invd";
	case INSN_XSETBV:
		return "xsetbv";
	case INSN_SWAPGS:
		return "swapgs";
	case INSN_SYSRET:
		return "sysret";
	case INSN_IRET:
		return "iret";
	case INSN_MOV_FROM_CR:
		return "mov_from_cr";
	case INSN_MOV_TO_CR:
		return "mov_to_cr";
	case INSN_MOV_FROM_DR:
		return "mov_from_dr";
	case INSN_MOV_TO_DR:
		return "mov_to_dr";
	case INSN_INT:
		return "int";
	case INSN_INT3:
		return "int3";
	case INSN_IN:
		return "in";
	case INSN_OUT:
		return "out";
	case INSN_INS:
		return "ins";
	case INSN_OUTS:
		return "outs";
	case INSN_INVLPG:
		return "invlpg";
	case INSN_LGDT:
		return "lgdt";
	case INSN_LIDT:
		return "lidt";
	case INSN_LLDT:
		return "lldt";
	case INSN_LTR:
		return "ltr";
	case INSN_LMSW:
		return "lmsw";
	case INSN_MEM_STORE:
		return "mem_store";
	case INSN_MEM_XCHG:
		return "mem_xchg";
	case INSN_MEM_CMPXCHG:
		return "mem_cmpxchg";
	case INSN_MEM_CMPXCHG8B:
		return "mem_cmpxchg8b";
	case INSN_MEM_CMPXCHG16B:
		return "mem_cmpxchg16b";
	case INSN_MEM_OR:
		return "mem_or";
	case INSN_MEM_AND:
		return "mem_and";
	case INSN_MEM_XOR:
		return "mem_xor";
	case INSN_MEM_BTS:
		return "mem_bts";
	case INSN_MEM_BTR:
		return "mem_btr";
	case INSN_MEM_BTC:
		return "mem_btc";
	case INSN_KIND_COUNT:
		break;
	}
	return "invalid";
}
