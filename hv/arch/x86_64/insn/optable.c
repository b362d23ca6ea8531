/*
 * The opcode table: every encoding the decoder accepts, one row each. An
 * opcode that is not here is refused, so adding an instruction means adding
 * a row (and a test). Never add a row whose prefixes or ModRM forms the CPU
 * treats differently from what the flags say: decode.c trusts the row.
 *
 * Sources: Intel SDM vol. 2 and AMD APM vol. 3, 64-bit mode columns. LOCK is
 * allowed only where the CPU allows it (a memory destination of OR, AND, XOR,
 * XCHG, CMPXCHG, CMPXCHG8B/16B, BTS, BTR, BTC); elsewhere it raises #UD.
 */
#include "insn_priv.h"

_Static_assert(INSN_KIND_COUNT <= 256, "a row keeps the kind in a uint8_t");

#define ROW(m, op, e, r, k, sz, fl) { (m), (op), (e), (r), (k), (sz), (fl) }

/* Memory-destination ALU forms: 08/09 (or), 20/21 (and), 30/31 (xor). */
#define ALU_RM(op, k)                                                             \
	ROW(MAP_1B, (op), -1, -1, (k), 1, OP_MODRM | OP_MEM | OP_REGOP | OP_LOCK), \
	ROW(MAP_1B, (op) + 1, -1, -1, (k), 4, OP_MODRM | OP_MEM | OP_REGOP | OP_SIZED | OP_LOCK)

/* Immediate-group forms 80/81/83 with extension n. */
#define ALU_IMM(n, k)                                                              \
	ROW(MAP_1B, 0x80, (n), -1, (k), 1, OP_MODRM | OP_MEM | OP_IMM8 | OP_LOCK),  \
	ROW(MAP_1B, 0x81, (n), -1, (k), 4, OP_MODRM | OP_MEM | OP_SIZED | OP_IMMZ | OP_LOCK), \
	ROW(MAP_1B, 0x83, (n), -1, (k), 4, OP_MODRM | OP_MEM | OP_SIZED | OP_IMM8 | OP_LOCK)

static const struct insn_op insn_ops[] = {
	/* Writes that fault on read-only page-table pages. */
	ROW(MAP_1B, 0x88, -1, -1, INSN_MEM_STORE, 1, OP_MODRM | OP_MEM | OP_REGOP),
	ROW(MAP_1B, 0x89, -1, -1, INSN_MEM_STORE, 4, OP_MODRM | OP_MEM | OP_REGOP | OP_SIZED),
	ROW(MAP_1B, 0xc6, 0, -1, INSN_MEM_STORE, 1, OP_MODRM | OP_MEM | OP_IMM8),
	ROW(MAP_1B, 0xc7, 0, -1, INSN_MEM_STORE, 4, OP_MODRM | OP_MEM | OP_SIZED | OP_IMMZ),
	ROW(MAP_1B, 0x86, -1, -1, INSN_MEM_XCHG, 1, OP_MODRM | OP_MEM | OP_REGOP | OP_LOCK),
	ROW(MAP_1B, 0x87, -1, -1, INSN_MEM_XCHG, 4, OP_MODRM | OP_MEM | OP_REGOP | OP_SIZED | OP_LOCK),
	ROW(MAP_0F, 0xb0, -1, -1, INSN_MEM_CMPXCHG, 1, OP_MODRM | OP_MEM | OP_REGOP | OP_LOCK),
	ROW(MAP_0F, 0xb1, -1, -1, INSN_MEM_CMPXCHG, 4,
	    OP_MODRM | OP_MEM | OP_REGOP | OP_SIZED | OP_LOCK),
	/* REX.W turns it into CMPXCHG16B (decode.c switches the kind). */
	ROW(MAP_0F, 0xc7, 1, -1, INSN_MEM_CMPXCHG8B, 8, OP_MODRM | OP_MEM | OP_W | OP_LOCK),
	ALU_RM(0x08, INSN_MEM_OR),
	ALU_RM(0x20, INSN_MEM_AND),
	ALU_RM(0x30, INSN_MEM_XOR),
	ALU_IMM(1, INSN_MEM_OR),
	ALU_IMM(4, INSN_MEM_AND),
	ALU_IMM(6, INSN_MEM_XOR),
	ROW(MAP_0F, 0xba, 5, -1, INSN_MEM_BTS, 4, OP_MODRM | OP_MEM | OP_SIZED | OP_IMM8 | OP_LOCK),
	ROW(MAP_0F, 0xba, 6, -1, INSN_MEM_BTR, 4, OP_MODRM | OP_MEM | OP_SIZED | OP_IMM8 | OP_LOCK),
	ROW(MAP_0F, 0xba, 7, -1, INSN_MEM_BTC, 4, OP_MODRM | OP_MEM | OP_SIZED | OP_IMM8 | OP_LOCK),

	/* Privileged in ring 3 (#GP), or trapping by configuration. */
	ROW(MAP_0F, 0xa2, -1, -1, INSN_CPUID, 0, 0),
	ROW(MAP_0F, 0x32, -1, -1, INSN_RDMSR, 0, 0),
	ROW(MAP_0F, 0x30, -1, -1, INSN_WRMSR, 0, 0),
	ROW(MAP_0F, 0x31, -1, -1, INSN_RDTSC, 0, 0),
	ROW(MAP_0F, 0x33, -1, -1, INSN_RDPMC, 0, 0),
	ROW(MAP_1B, 0xfa, -1, -1, INSN_CLI, 0, 0),
	ROW(MAP_1B, 0xfb, -1, -1, INSN_STI, 0, 0),
	ROW(MAP_1B, 0xf4, -1, -1, INSN_HLT, 0, 0),
	ROW(MAP_0F, 0x06, -1, -1, INSN_CLTS, 0, 0),
	ROW(MAP_0F, 0x09, -1, -1, INSN_WBINVD, 0, 0),
	ROW(MAP_0F, 0x08, -1, -1, INSN_INVD, 0, 0),
	ROW(MAP_0F, 0x07, -1, -1, INSN_SYSRET, 4, OP_W),
	ROW(MAP_1B, 0xcf, -1, -1, INSN_IRET, 4, OP_SIZED),
	/* The CPU ignores ModRM.mod here; only the register form (mod 3) is taken. */
	ROW(MAP_0F, 0x20, -1, -1, INSN_MOV_FROM_CR, 8, OP_MODRM | OP_REG | OP_CTLREG),
	ROW(MAP_0F, 0x22, -1, -1, INSN_MOV_TO_CR, 8, OP_MODRM | OP_REG | OP_CTLREG),
	ROW(MAP_0F, 0x21, -1, -1, INSN_MOV_FROM_DR, 8, OP_MODRM | OP_REG | OP_CTLREG),
	ROW(MAP_0F, 0x23, -1, -1, INSN_MOV_TO_DR, 8, OP_MODRM | OP_REG | OP_CTLREG),
	ROW(MAP_0F, 0x01, 2, 1, INSN_XSETBV, 0, OP_MODRM | OP_REG),
	ROW(MAP_0F, 0x01, 7, 0, INSN_SWAPGS, 0, OP_MODRM | OP_REG),
	ROW(MAP_0F, 0x01, 7, 1, INSN_RDTSCP, 0, OP_MODRM | OP_REG),
	ROW(MAP_0F, 0x01, 2, -1, INSN_LGDT, 10, OP_MODRM | OP_MEM),
	ROW(MAP_0F, 0x01, 3, -1, INSN_LIDT, 10, OP_MODRM | OP_MEM),
	ROW(MAP_0F, 0x01, 6, -1, INSN_LMSW, 2, OP_MODRM),
	ROW(MAP_0F, 0x01, 7, -1, INSN_INVLPG, 0, OP_MODRM | OP_MEM),
	ROW(MAP_0F, 0x00, 2, -1, INSN_LLDT, 2, OP_MODRM),
	ROW(MAP_0F, 0x00, 3, -1, INSN_LTR, 2, OP_MODRM),

	/* Software interrupts: decoded because QEMU 7.2 misreports int N's #GP. */
	ROW(MAP_1B, 0xcd, -1, -1, INSN_INT, 0, OP_IMM8),
	ROW(MAP_1B, 0xcc, -1, -1, INSN_INT3, 0, 0),

	/* Port I/O (#GP without I/O privilege). */
	ROW(MAP_1B, 0xe4, -1, -1, INSN_IN, 1, OP_IMM8),
	ROW(MAP_1B, 0xe5, -1, -1, INSN_IN, 4, OP_IMM8 | OP_66),
	ROW(MAP_1B, 0xe6, -1, -1, INSN_OUT, 1, OP_IMM8),
	ROW(MAP_1B, 0xe7, -1, -1, INSN_OUT, 4, OP_IMM8 | OP_66),
	ROW(MAP_1B, 0xec, -1, -1, INSN_IN, 1, 0),
	ROW(MAP_1B, 0xed, -1, -1, INSN_IN, 4, OP_66),
	ROW(MAP_1B, 0xee, -1, -1, INSN_OUT, 1, 0),
	ROW(MAP_1B, 0xef, -1, -1, INSN_OUT, 4, OP_66),
	ROW(MAP_1B, 0x6c, -1, -1, INSN_INS, 1, OP_REP),
	ROW(MAP_1B, 0x6d, -1, -1, INSN_INS, 4, OP_REP | OP_66),
	ROW(MAP_1B, 0x6e, -1, -1, INSN_OUTS, 1, OP_REP),
	ROW(MAP_1B, 0x6f, -1, -1, INSN_OUTS, 4, OP_REP | OP_66),
};

/*
 * Every row of one opcode agrees on OP_MODRM (the table is written so), which
 * lets the decoder know whether to read a ModRM byte before choosing a row.
 */
bool insn_op_exists(enum insn_map map, uint8_t opcode, bool *has_modrm)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(insn_ops); i++) {
		if (insn_ops[i].map == map && insn_ops[i].opcode == opcode) {
			*has_modrm = (insn_ops[i].flags & OP_MODRM) != 0;
			return true;
		}
	}
	return false;
}

static bool row_matches(const struct insn_op *op, uint8_t modrm)
{
	unsigned int mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;

	if (!(op->flags & OP_MODRM)) {
		return true;
	}
	if (op->ext >= 0 && reg != (unsigned int)op->ext) {
		return false;
	}
	if ((op->flags & OP_MEM) && mod == 3) {
		return false;
	}
	if ((op->flags & OP_REG) && mod != 3) {
		return false;
	}
	return op->rm < 0 || (mod == 3 && rm == (unsigned int)op->rm);
}

const struct insn_op *insn_op_find(enum insn_map map, uint8_t opcode, uint8_t modrm)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(insn_ops); i++) {
		const struct insn_op *op = &insn_ops[i];

		if (op->map == map && op->opcode == opcode && row_matches(op, modrm)) {
			return op;
		}
	}
	return NULL;
}
