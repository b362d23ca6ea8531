/*
 * insn_decode(): prefixes, opcode, ModRM operands and immediates of one
 * instruction, checked against its row in the opcode table (optable.c).
 *
 * It runs on a copy of guest memory and must never read past the caller's
 * count (every read goes through the cursor), never accept a byte string the
 * CPU would execute differently from what it reports, and never depend on a
 * byte beyond the instruction's end. What the CPU would ignore (a second
 * prefix of one group, a REX bit that selects nothing, a REX before a legacy
 * prefix) is refused rather than interpreted: no compiler emits it, and one
 * meaning per accepted byte string is easier to trust.
 */
#include <hv/lib.h>

#include "insn_priv.h"

/* Legacy prefixes (at most one per group) and the REX byte before the opcode. */
struct prefixes {
	uint8_t lock_rep;	/* group 1: F0, F2, F3, or 0 */
	enum insn_seg seg;	/* group 2 */
	bool opsize;		/* group 3: 66 */
	bool addrsize;		/* group 4: 67 */
	uint8_t rex;		/* 0x40..0x4f, or 0 */
};

static bool is_rex(uint8_t b)
{
	return (b & 0xf0) == 0x40;
}

static enum insn_seg seg_of(uint8_t b)
{
	switch (b) {
	case 0x26:
		return INSN_SEG_ES;
	case 0x2e:
		return INSN_SEG_CS;
	case 0x36:
		return INSN_SEG_SS;
	case 0x3e:
		return INSN_SEG_DS;
	case 0x64:
		return INSN_SEG_FS;
	case 0x65:
		return INSN_SEG_GS;
	default:
		return INSN_SEG_NONE;
	}
}

static bool is_legacy_prefix(uint8_t b)
{
	return b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x66 || b == 0x67 ||
	       seg_of(b) != INSN_SEG_NONE;
}

/* Record one legacy prefix; a second one of the same group is refused. */
static int add_prefix(struct prefixes *p, uint8_t b)
{
	if (b == 0xf0 || b == 0xf2 || b == 0xf3) {
		if (p->lock_rep != 0) {
			return INSN_EUNSUPPORTED;
		}
		p->lock_rep = b;
	} else if (b == 0x66) {
		if (p->opsize) {
			return INSN_EUNSUPPORTED;
		}
		p->opsize = true;
	} else if (b == 0x67) {
		if (p->addrsize) {
			return INSN_EUNSUPPORTED;
		}
		p->addrsize = true;
	} else {
		if (p->seg != INSN_SEG_NONE) {
			return INSN_EUNSUPPORTED;
		}
		p->seg = seg_of(b);
	}
	return INSN_OK;
}

/*
 * Legacy prefixes, then an optional REX, then the first opcode byte. The CPU
 * ignores a REX that is not last before the opcode; we refuse it.
 */
static int read_prefixes(struct insn_cursor *c, struct prefixes *p, uint8_t *opcode)
{
	uint8_t b;
	int rc;

	for (;;) {
		rc = cursor_get(c, &b);
		if (rc != INSN_OK) {
			return rc;
		}
		if (!is_legacy_prefix(b)) {
			break;
		}
		rc = add_prefix(p, b);
		if (rc != INSN_OK) {
			return rc;
		}
	}
	if (is_rex(b)) {
		p->rex = b;
		rc = cursor_get(c, &b);
		if (rc != INSN_OK) {
			return rc;
		}
		if (is_rex(b) || is_legacy_prefix(b)) {
			return INSN_EUNSUPPORTED;
		}
	}
	*opcode = b;
	return INSN_OK;
}

static bool any_prefix(const struct prefixes *p)
{
	return p->lock_rep != 0 || p->seg != INSN_SEG_NONE || p->opsize || p->addrsize ||
	       p->rex != 0;
}

/*
 * Xen's forced-emulation prefix: ud2 (already read), "xen", then the
 * instruction to emulate. Xen accepts only cpuid after it, with no prefix
 * anywhere, and so do we. A plain ud2 is refused: the caller bounces #UD.
 */
static int decode_forced(struct insn_cursor *c, struct insn *insn, const struct prefixes *p)
{
	static const uint8_t rest[] = { 'x', 'e', 'n', 0x0f, 0xa2 };
	size_t i;
	uint8_t b;
	int rc;

	if (any_prefix(p)) {
		return INSN_EUNSUPPORTED;
	}
	for (i = 0; i < sizeof(rest); i++) {
		rc = cursor_get(c, &b);
		if (rc != INSN_OK) {
			return rc;
		}
		if (b != rest[i]) {
			return INSN_EUNSUPPORTED;
		}
	}
	insn->kind = INSN_FORCED_CPUID;
	return INSN_OK;
}

/*
 * The operands ModRM names (or the implicit ones of INS/OUTS). Adds the REX
 * bits given a meaning to *rex_used.
 */
static int decode_operands(struct insn_cursor *c, struct insn *insn, const struct insn_op *op,
			   const struct prefixes *p, uint8_t modrm, unsigned int *rex_used)
{
	unsigned int reg = (modrm >> 3) & 7, rm = modrm & 7;

	if (op->flags & (OP_REGOP | OP_CTLREG)) {
		insn->reg = (int8_t)(reg | ((p->rex & REX_R) ? 8 : 0));
		*rex_used |= REX_R;
		/* Without any REX, byte registers 4..7 are AH, CH, DH, BH. */
		insn->reg_high8 = (op->flags & OP_REGOP) && op->size == 1 && p->rex == 0 &&
				  reg >= 4;
	}
	if (insn->kind == INSN_INS || insn->kind == INSN_OUTS) {
		insn->mem = true;
		insn->base = insn->kind == INSN_INS ? 7 : 6;	/* rdi, rsi */
		insn->scale = 1;
		insn->port_in_dx = true;
	}
	if (!(op->flags & OP_MODRM)) {
		return INSN_OK;
	}
	if ((modrm >> 6) != 3) {
		return insn_decode_modrm_mem(c, insn, modrm, p->rex, rex_used);
	}
	if (op->rm < 0) {
		insn->rm_reg = (int8_t)(rm | ((p->rex & REX_B) ? 8 : 0));
		*rex_used |= REX_B;
	}
	return INSN_OK;
}

/*
 * Every prefix must mean something for this instruction, as the row and the
 * decoded operands say; sets the operand size they select.
 */
static int check_prefixes(struct insn *insn, const struct insn_op *op, const struct prefixes *p,
			  uint8_t modrm, unsigned int rex_used)
{
	unsigned int size = op->size;

	if (p->lock_rep == 0xf0 && !((op->flags & OP_LOCK) && insn->mem)) {
		return INSN_EUNSUPPORTED;	/* the CPU raises #UD */
	}
	/* F2 and F3 change the meaning of other opcodes, or are HLE hints. */
	if (p->lock_rep == 0xf2 || (p->lock_rep == 0xf3 && !(op->flags & OP_REP))) {
		return INSN_EUNSUPPORTED;
	}
	/* INS always writes through ES; an override would be ignored. */
	if (p->seg != INSN_SEG_NONE && (!insn->mem || insn->kind == INSN_INS)) {
		return INSN_EUNSUPPORTED;
	}
	if (p->addrsize && !insn->mem) {
		return INSN_EUNSUPPORTED;
	}
	if (p->opsize) {
		if (!(op->flags & OP_66)) {
			return INSN_EUNSUPPORTED;
		}
		size = 2;
	}
	if (p->rex & REX_W) {
		/* With both, REX.W wins on the CPU; no compiler emits the pair. */
		if (!(op->flags & OP_W) || p->opsize) {
			return INSN_EUNSUPPORTED;
		}
		rex_used |= REX_W;
		size = 8;
	}
	if (p->rex & 0xf & ~rex_used) {
		return INSN_EUNSUPPORTED;
	}
	/* An empty REX (0x40) only matters where it turns AH..BH into SPL..DIL. */
	if (p->rex == 0x40 && !((op->flags & OP_REGOP) && op->size == 1 && ((modrm >> 3) & 4))) {
		return INSN_EUNSUPPORTED;
	}
	insn->opsize = (uint8_t)size;
	insn->addrsize = p->addrsize ? 4 : 8;
	insn->lock = p->lock_rep == 0xf0;
	insn->rep = p->lock_rep == 0xf3;
	insn->seg = p->seg;
	insn->rex = p->rex;
	return INSN_OK;
}

static int decode_imm(struct insn_cursor *c, struct insn *insn, const struct insn_op *op)
{
	unsigned int n;
	int64_t v;
	int rc;

	if (op->flags & OP_IMM8) {
		n = 1;
	} else if (op->flags & OP_IMMZ) {
		n = insn->opsize == 2 ? 2 : 4;
	} else {
		return INSN_OK;
	}
	rc = cursor_get_signed(c, n, &v);
	if (rc != INSN_OK) {
		return rc;
	}
	insn->has_imm = true;
	insn->imm = (uint64_t)v;
	return INSN_OK;
}

/* What only some kinds need: unsigned 8-bit operands, register checks. */
static int finish(struct insn *insn)
{
	uint8_t imm8 = (uint8_t)insn->imm;

	switch (insn->kind) {
	case INSN_INT:
		insn->vector = imm8;
		insn->has_imm = false;
		insn->imm = 0;
		break;
	case INSN_INT3:
		insn->vector = 3;
		break;
	case INSN_IN:
	case INSN_OUT:
		if (insn->has_imm) {
			insn->port = imm8;
			insn->has_imm = false;
			insn->imm = 0;
		} else {
			insn->port_in_dx = true;
		}
		break;
	case INSN_MEM_BTS:
	case INSN_MEM_BTR:
	case INSN_MEM_BTC:
		/* The CPU takes the bit number modulo the operand width. */
		insn->imm = imm8 & (insn->opsize * 8u - 1);
		break;
	case INSN_MEM_CMPXCHG8B:
		if (insn->opsize == 8 && (insn->rex & REX_W)) {
			insn->kind = INSN_MEM_CMPXCHG16B;
			insn->opsize = 16;
		}
		break;
	case INSN_MOV_FROM_CR:
	case INSN_MOV_TO_CR:
		/* CR1, CR5-CR7 and CR9-CR15 raise #UD. */
		if (insn->reg != 0 && insn->reg != 2 && insn->reg != 3 && insn->reg != 4 &&
		    insn->reg != 8) {
			return INSN_EUNSUPPORTED;
		}
		break;
	case INSN_MOV_FROM_DR:
	case INSN_MOV_TO_DR:
		if (insn->reg > 7) {
			return INSN_EUNSUPPORTED;	/* REX.R: #UD */
		}
		break;
	default:
		break;
	}
	return INSN_OK;
}

static int decode(struct insn_cursor *c, struct insn *insn)
{
	enum insn_map map = MAP_1B;
	const struct insn_op *op;
	struct prefixes p = { 0 };
	unsigned int rex_used = 0;
	uint8_t opcode, modrm = 0;
	bool has_modrm;
	int rc;

	rc = read_prefixes(c, &p, &opcode);
	if (rc != INSN_OK) {
		return rc;
	}
	/* VEX (c4, c5), EVEX (62) and XOP (8f) would start a longer encoding. */
	if (opcode == 0xc4 || opcode == 0xc5 || opcode == 0x62 || opcode == 0x8f) {
		return INSN_EUNSUPPORTED;
	}
	if (opcode == 0x0f) {
		map = MAP_0F;
		rc = cursor_get(c, &opcode);
		if (rc != INSN_OK) {
			return rc;
		}
		if (opcode == 0x0b) {
			return decode_forced(c, insn, &p);
		}
	}
	if (!insn_op_exists(map, opcode, &has_modrm)) {
		return INSN_EUNSUPPORTED;
	}
	if (has_modrm) {
		rc = cursor_get(c, &modrm);
		if (rc != INSN_OK) {
			return rc;
		}
	}
	op = insn_op_find(map, opcode, modrm);
	if (op == NULL) {
		return INSN_EUNSUPPORTED;
	}
	insn->kind = (enum insn_kind)op->kind;
	rc = decode_operands(c, insn, op, &p, modrm, &rex_used);
	if (rc != INSN_OK) {
		return rc;
	}
	rc = check_prefixes(insn, op, &p, modrm, rex_used);
	if (rc != INSN_OK) {
		return rc;
	}
	rc = decode_imm(c, insn, op);
	if (rc != INSN_OK) {
		return rc;
	}
	return finish(insn);
}

static void insn_reset(struct insn *insn)
{
	memset(insn, 0, sizeof(*insn));
	insn->kind = INSN_UNKNOWN;
	insn->reg = -1;
	insn->rm_reg = -1;
	insn->base = -1;
	insn->index = -1;
	insn->addrsize = 8;
}

int insn_decode(struct insn *out, const uint8_t *buf, size_t avail)
{
	struct insn_cursor c;
	struct insn insn;
	int rc;

	c.buf = buf;
	c.pos = 0;
	c.limit = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN;
	c.at_arch_limit = avail >= INSN_MAX_LEN;
	insn_reset(&insn);
	rc = decode(&c, &insn);
	if (rc != INSN_OK) {
		insn_reset(out);
		return rc;
	}
	insn.len = (uint8_t)c.pos;
	*out = insn;
	return INSN_OK;
}
