/*
 * The memory operand of a ModRM byte in 64-bit mode: SIB, displacement and
 * RIP-relative addressing. Pure: it reads the caller's buffer only through
 * the cursor and must never guess a byte the cursor did not return.
 *
 * The special cases are where decoders go wrong, and the CPU's rules are
 * applied to the 3-bit fields, before REX extends them:
 *  - rm 100 means "a SIB byte follows" (so rsp and r12 as a base need SIB);
 *  - mod 00 with rm 101 is RIP-relative disp32 (rbp and r13 need a disp8);
 *  - in a SIB, index 100 without REX.X means no index (with it, r12);
 *  - in a SIB, mod 00 with base 101 means no base, disp32.
 */
#include "insn_priv.h"

/* A SIB byte: fills base, index and scale; base 101 with mod 00 has none. */
static int decode_sib(struct insn_cursor *c, struct insn *insn, unsigned int mod,
		      uint8_t rex, unsigned int *rex_used, bool *disp32)
{
	unsigned int ss, index, base;
	uint8_t sib;
	int rc;

	rc = cursor_get(c, &sib);
	if (rc != INSN_OK) {
		return rc;
	}
	ss = sib >> 6;
	index = ((sib >> 3) & 7) | ((rex & REX_X) ? 8 : 0);
	base = sib & 7;
	*rex_used |= REX_X;	/* X picks between "no index" and r12 */
	if (index != 4) {
		insn->index = (int8_t)index;
		insn->scale = (uint8_t)(1u << ss);
	}
	/* Without an index the CPU ignores the scale bits; scale stays 1. */
	if (mod == 0 && base == 5) {
		*disp32 = true;	/* no base; REX.B selects nothing */
	} else {
		insn->base = (int8_t)(base | ((rex & REX_B) ? 8 : 0));
		*rex_used |= REX_B;
	}
	return INSN_OK;
}

int insn_decode_modrm_mem(struct insn_cursor *c, struct insn *insn, uint8_t modrm,
			  uint8_t rex, unsigned int *rex_used)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	bool disp32 = (mod == 2);
	int64_t disp = 0;
	int rc;

	insn->mem = true;
	insn->scale = 1;
	if (rm == 4) {
		rc = decode_sib(c, insn, mod, rex, rex_used, &disp32);
		if (rc != INSN_OK) {
			return rc;
		}
	} else if (mod == 0 && rm == 5) {
		insn->rip_relative = true;	/* REX.B selects nothing */
		disp32 = true;
	} else {
		insn->base = (int8_t)(rm | ((rex & REX_B) ? 8 : 0));
		*rex_used |= REX_B;
	}
	if (mod == 1) {
		rc = cursor_get_signed(c, 1, &disp);
	} else if (disp32) {
		rc = cursor_get_signed(c, 4, &disp);
	} else {
		rc = INSN_OK;
	}
	insn->disp = disp;
	return rc;
}
