/*
 * Operand helpers for the emulators that consume a decoded instruction: the
 * linear address of its memory operand and register access at a width, with
 * the CPU's rules for AH..BH, zero-extension and 32-bit address wrap. Pure
 * functions on values the caller passes in; no guest memory is touched.
 *
 * Register numbers come from insn_decode() (0..15) but are masked with & 15
 * anyway, so a corrupted struct insn cannot index outside gpr[16].
 */
#include "insn_priv.h"

bool insn_effective_address(const struct insn *insn, const struct insn_regs *r,
			    uint64_t *linear)
{
	uint64_t ea;

	if (!insn->mem) {
		return false;
	}
	ea = (uint64_t)insn->disp;
	if (insn->rip_relative) {
		ea += r->rip + insn->len;
	}
	if (insn->base >= 0) {
		ea += r->gpr[insn->base & 15];
	}
	if (insn->index >= 0) {
		ea += r->gpr[insn->index & 15] * insn->scale;
	}
	/* With 0x67 the address is computed in 32 bits, then zero-extended. */
	if (insn->addrsize == 4) {
		ea = (uint32_t)ea;
	}
	/* In 64-bit mode ES, CS, SS and DS have base 0; FS and GS do not. */
	if (insn->seg == INSN_SEG_FS) {
		ea += r->fs_base;
	} else if (insn->seg == INSN_SEG_GS) {
		ea += r->gs_base;
	}
	*linear = ea;
	return true;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

uint64_t insn_gpr_read(const uint64_t gpr[16], unsigned int reg, bool high8, unsigned int size)
{
	if (high8) {
		return (gpr[(reg - 4) & 3] >> 8) & 0xff;	/* AH..BH: rax..rbx 15:8 */
	}
	return gpr[reg & 15] & size_mask(size);
}

void insn_gpr_write(uint64_t gpr[16], unsigned int reg, bool high8, unsigned int size,
		    uint64_t val)
{
	uint64_t *g;

	if (high8) {
		g = &gpr[(reg - 4) & 3];
		*g = (*g & ~0xff00ULL) | ((val & 0xff) << 8);
	} else if (size == 4) {
		gpr[reg & 15] = (uint32_t)val;	/* 32-bit writes clear 63:32 */
	} else {
		g = &gpr[reg & 15];
		*g = (*g & ~size_mask(size)) | (val & size_mask(size));
	}
}

uint64_t insn_src_value(const struct insn *insn, const uint64_t gpr[16])
{
	switch (insn->kind) {
	case INSN_MEM_STORE:
	case INSN_MEM_XCHG:
	case INSN_MEM_CMPXCHG:
	case INSN_MEM_OR:
	case INSN_MEM_AND:
	case INSN_MEM_XOR:
		break;
	default:
		return 0;
	}
	if (insn->has_imm) {
		return insn->imm & size_mask(insn->opsize);
	}
	return insn_gpr_read(gpr, (unsigned int)insn->reg, insn->reg_high8, insn->opsize);
}
