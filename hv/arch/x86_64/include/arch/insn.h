/*
 * The x86-64 instruction decoder's interface: a small, strict decoder for the
 * instructions a PV guest kernel (ring 3) may need the hypervisor to emulate
 * after a #GP, #UD or #PF, and nothing else.
 *
 * The decoder is pure: it reads only the byte buffer it is given (a copy the
 * caller made from guest memory, never guest memory itself), has no side
 * effects and touches no hardware, so it builds freestanding in the image and
 * hosted in the unit tests and the fuzzer. The code lives in
 * hv/arch/x86_64/insn/.
 *
 * Strictness is the security property: a byte string decodes either exactly
 * as the CPU would execute it in 64-bit mode, or not at all. Anything the
 * decoder does not know, every prefix or REX bit with no effect on the
 * instruction, LOCK where the CPU would raise #UD, and VEX/EVEX/XOP encodings
 * are refused. The caller then bounces the original fault to the guest.
 *
 * 64-bit mode only: the caller must check that the guest's CS is a 64-bit code
 * segment first. In compatibility mode 0x40-0x4f are INC/DEC, not REX.
 */
#ifndef ARCH_INSN_H
#define ARCH_INSN_H

#include <hv/types.h>

/* The architectural limit: a longer instruction raises #GP. */
#define INSN_MAX_LEN 15

/* insn_decode() results. */
#define INSN_OK           0
#define INSN_EUNSUPPORTED (-1) /* not an instruction we emulate, or not valid */
#define INSN_ETRUNCATED   (-2) /* the buffer ended inside a candidate */

/*
 * What was decoded. The comment after each says which fields it fills; any
 * field not listed is zero, or -1 for register numbers.
 */
enum insn_kind {
	INSN_UNKNOWN = 0,	/* only in a failed decode */

	/* Privileged or trapping instructions, no operands unless stated. */
	INSN_FORCED_CPUID,	/* 0f 0b 'x' 'e' 'n' 0f a2: Xen's emulation prefix */
	INSN_CPUID,
	INSN_RDMSR,
	INSN_WRMSR,
	INSN_RDTSC,
	INSN_RDTSCP,
	INSN_RDPMC,
	INSN_CLI,
	INSN_STI,
	INSN_HLT,
	INSN_CLTS,
	INSN_WBINVD,
	INSN_INVD,
	INSN_XSETBV,
	INSN_SWAPGS,
	INSN_SYSRET,		/* opsize 8 (sysretq, REX.W) or 4 */
	INSN_IRET,		/* opsize 8 (iretq, REX.W), 4, or 2 (0x66) */
	INSN_MOV_FROM_CR,	/* reg = CR (0, 2, 3, 4 or 8), rm_reg = GPR, opsize 8 */
	INSN_MOV_TO_CR,		/* as above */
	INSN_MOV_FROM_DR,	/* reg = DR 0..7 (4 and 5 as encoded), rm_reg = GPR */
	INSN_MOV_TO_DR,		/* as above */
	INSN_INT,		/* cd ib: vector */
	INSN_INT3,		/* cc: vector = 3 */
	INSN_IN,		/* opsize 1, 2 or 4; port, or port_in_dx */
	INSN_OUT,		/* as above */
	INSN_INS,		/* opsize, rep, addrsize; mem = ES:rDI (no override) */
	INSN_OUTS,		/* opsize, rep, addrsize; mem = seg:rSI */
	INSN_INVLPG,		/* mem (no access: opsize 0) */
	INSN_LGDT,		/* mem, opsize 10 */
	INSN_LIDT,		/* mem, opsize 10 */
	INSN_LLDT,		/* mem or rm_reg, opsize 2 */
	INSN_LTR,		/* mem or rm_reg, opsize 2 */
	INSN_LMSW,		/* mem or rm_reg, opsize 2 */

	/*
	 * Writes to memory, the ones that fault on a read-only page-table page.
	 * All have mem; opsize is the width of the memory operand. The source is
	 * reg (with reg_high8) or imm, see insn_src_value().
	 */
	INSN_MEM_STORE,		/* mov reg/imm -> mem (88, 89, c6 /0, c7 /0) */
	INSN_MEM_XCHG,		/* xchg reg, mem: atomic even without LOCK */
	INSN_MEM_CMPXCHG,	/* cmpxchg reg, mem: compares with rAX */
	INSN_MEM_CMPXCHG8B,	/* cmpxchg8b mem: edx:eax vs mem, ecx:ebx in */
	INSN_MEM_CMPXCHG16B,	/* cmpxchg16b mem (REX.W), opsize 16 */
	INSN_MEM_OR,		/* or reg/imm -> mem */
	INSN_MEM_AND,		/* and reg/imm -> mem */
	INSN_MEM_XOR,		/* xor reg/imm -> mem */
	INSN_MEM_BTS,		/* bts $imm8, mem: imm = bit number mod width */
	INSN_MEM_BTR,		/* btr $imm8, mem */
	INSN_MEM_BTC,		/* btc $imm8, mem */

	INSN_KIND_COUNT
};

/* A segment override prefix. In 64-bit mode only FS and GS have a base. */
enum insn_seg {
	INSN_SEG_NONE = 0,
	INSN_SEG_ES,
	INSN_SEG_CS,
	INSN_SEG_SS,
	INSN_SEG_DS,
	INSN_SEG_FS,
	INSN_SEG_GS,
};

/*
 * A decoded instruction. Register numbers follow the x86 encoding:
 * 0 rax, 1 rcx, 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8..15 r8..r15;
 * -1 means "none".
 */
struct insn {
	enum insn_kind kind;
	uint8_t len;		/* bytes consumed, prefixes included: 1..15 */
	uint8_t opsize;		/* operand width in bytes, 0 if it has none */
	uint8_t addrsize;	/* 8, or 4 with a 0x67 prefix (memory forms only) */
	uint8_t rex;		/* the REX byte, 0 if none */
	bool lock;		/* an F0 prefix (XCHG is atomic without it) */
	bool rep;		/* an F3 prefix (INS/OUTS only) */
	enum insn_seg seg;	/* segment override, INSN_SEG_NONE if none */

	int8_t reg;		/* ModRM.reg + REX.R when a register: store source, CR/DR */
	bool reg_high8;		/* byte op without REX: reg 4..7 names AH, CH, DH, BH */
	int8_t rm_reg;		/* ModRM.rm + REX.B when ModRM.mod == 3 */

	bool has_imm;
	uint64_t imm;		/* sign-extended to 64 bits (BTx: bit number, masked) */
	uint8_t vector;		/* INT, INT3 */
	uint16_t port;		/* IN, OUT with an immediate port */
	bool port_in_dx;	/* IN, OUT, INS, OUTS: the port is in DX */

	/* The memory operand, for the caller to cross-check with the fault. */
	bool mem;
	int8_t base;		/* -1 for none (disp32 only, or RIP-relative) */
	int8_t index;		/* -1 for none */
	uint8_t scale;		/* 1, 2, 4 or 8 (1 when there is no index) */
	bool rip_relative;	/* disp is relative to the next instruction */
	int64_t disp;		/* sign-extended */
};

/*
 * Decode one instruction from buf[0..avail). Reads at most min(avail, 15)
 * bytes, never more. Returns INSN_OK and fills *out; otherwise *out is
 * reset (kind INSN_UNKNOWN, len 0, register numbers -1) and the result says
 * why:
 *  - INSN_ETRUNCATED: the buffer ended while the bytes so far could still
 *    begin a supported instruction (the copy hit an unmapped page);
 *  - INSN_EUNSUPPORTED: the bytes are not a supported, valid instruction, or
 *    need more than 15 bytes.
 * A result depends only on the bytes read: decoding the same bytes with more
 * available gives the same instruction.
 */
int insn_decode(struct insn *out, const uint8_t *buf, size_t avail);

/* The guest state an address or an operand is computed from. */
struct insn_regs {
	uint64_t gpr[16];	/* in the encoding order above */
	uint64_t rip;		/* address of the instruction's first byte */
	uint64_t fs_base;
	uint64_t gs_base;
};

/*
 * The linear address of insn's memory operand: base + index * scale + disp
 * (or next RIP + disp), truncated to 32 bits under a 0x67 prefix, plus the
 * FS or GS base when overridden. For INS/OUTS the first element's address.
 * Returns false if insn has no memory operand. Canonical checks are the
 * caller's.
 */
bool insn_effective_address(const struct insn *insn, const struct insn_regs *r,
			    uint64_t *linear);

/* Read a general register at a width (1, 2, 4, 8), high8 for AH..BH. */
uint64_t insn_gpr_read(const uint64_t gpr[16], unsigned int reg, bool high8,
		       unsigned int size);

/*
 * Write a general register as the CPU does: a 4-byte write zero-extends to
 * 64 bits, 1- and 2-byte writes (and high8) keep the other bits.
 */
void insn_gpr_write(uint64_t gpr[16], unsigned int reg, bool high8,
		    unsigned int size, uint64_t val);

/*
 * The value a memory-writing instruction stores or combines (INSN_MEM_*
 * except CMPXCHG8B/16B and BTx): its immediate or its reg operand, truncated
 * to opsize. 0 for other kinds.
 */
uint64_t insn_src_value(const struct insn *insn, const uint64_t gpr[16]);

/* A short lower-case name for console lines ("rdmsr", "mem_store"). */
const char *insn_kind_name(enum insn_kind kind);

#endif
