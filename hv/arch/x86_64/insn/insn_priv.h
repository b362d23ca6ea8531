/*
 * Internals of the instruction decoder shared by its files: the bounded byte
 * cursor every read goes through, and the opcode table's row format. Nothing
 * here may read outside the caller's buffer: only cursor_get() touches it.
 */
#ifndef INSN_PRIV_H
#define INSN_PRIV_H

/* Through -I. in both worlds, so hosted code needs no arch include path. */
#include "hv/arch/x86_64/include/arch/insn.h"

/*
 * The bytes left to decode. limit is min(avail, 15); running into it is
 * "truncated" if the caller's copy was short, and "unsupported" if it was
 * the 15-byte architectural limit (the CPU raises #GP for longer ones).
 */
struct insn_cursor {
	const uint8_t *buf;
	size_t limit;
	size_t pos;
	bool at_arch_limit;	/* limit == INSN_MAX_LEN, not the copy's end */
};

static inline int cursor_get(struct insn_cursor *c, uint8_t *byte)
{
	if (c->pos >= c->limit) {
		return c->at_arch_limit ? INSN_EUNSUPPORTED : INSN_ETRUNCATED;
	}
	*byte = c->buf[c->pos++];
	return INSN_OK;
}

/* Read an n-byte (1, 2 or 4) little-endian value and sign-extend it. */
static inline int cursor_get_signed(struct insn_cursor *c, unsigned int n, int64_t *val)
{
	uint64_t v = 0, sign;
	unsigned int i;
	uint8_t b;
	int rc;

	for (i = 0; i < n; i++) {
		rc = cursor_get(c, &b);
		if (rc != INSN_OK) {
			return rc;
		}
		v |= (uint64_t)b << (8 * i);
	}
	/* Sign-extend without shifting a negative value: (v ^ s) - s. */
	sign = 1ULL << (8 * n - 1);
	*val = (int64_t)((v ^ sign) - sign);
	return INSN_OK;
}

/* Opcode maps: one-byte opcodes and those after 0x0f. */
enum insn_map {
	MAP_1B,
	MAP_0F,
};

/* What a row of the opcode table needs and allows. */
#define OP_MODRM  0x0001u	/* a ModRM byte follows the opcode */
#define OP_MEM    0x0002u	/* ModRM must name memory (mod != 3) */
#define OP_REG    0x0004u	/* ModRM must name a register (mod == 3) */
#define OP_REGOP  0x0008u	/* ModRM.reg is a general register operand */
#define OP_CTLREG 0x0010u	/* ModRM.reg (+ REX.R) is a CR or DR number */
#define OP_66     0x0020u	/* a 0x66 prefix selects opsize 2 */
#define OP_W      0x0040u	/* REX.W selects opsize 8 */
#define OP_IMM8   0x0080u	/* an 8-bit immediate follows */
#define OP_IMMZ   0x0100u	/* a 16-bit (opsize 2) or 32-bit immediate follows */
#define OP_LOCK   0x0200u	/* LOCK is valid (on the memory form) */
#define OP_REP    0x0400u	/* an F3 (REP) prefix is valid */
#define OP_SIZED  (OP_66 | OP_W)

/*
 * One supported encoding. ext and rm are -1 when any value is allowed;
 * otherwise ModRM.reg must equal ext (an opcode extension, "/n"), and rm
 * is checked for the register forms of 0f 01 (xsetbv, swapgs, rdtscp).
 */
struct insn_op {
	uint8_t map;
	uint8_t opcode;
	int8_t ext;
	int8_t rm;
	uint8_t kind;		/* enum insn_kind */
	uint8_t size;		/* opsize without 0x66 or REX.W */
	uint16_t flags;		/* OP_* */
};

/* Whether any row has this opcode, and whether its rows take a ModRM byte. */
bool insn_op_exists(enum insn_map map, uint8_t opcode, bool *has_modrm);

/* The row for an opcode and its ModRM byte (ignored without OP_MODRM). */
const struct insn_op *insn_op_find(enum insn_map map, uint8_t opcode, uint8_t modrm);

/* REX bits as they sit in the REX byte. */
#define REX_B 0x1u
#define REX_X 0x2u
#define REX_R 0x4u
#define REX_W 0x8u

/*
 * Decode the memory operand of a ModRM byte with mod != 3 (SIB and
 * displacement included) into insn. Adds the REX bits it gives a meaning to
 * into *rex_used.
 */
int insn_decode_modrm_mem(struct insn_cursor *c, struct insn *insn, uint8_t modrm,
			  uint8_t rex, unsigned int *rex_used);

#endif
