/*
 * Unit tests of the x86-64 instruction decoder (hv/arch/x86_64/insn/).
 *
 * The accepted table was made by assembling each instruction with GNU as
 * 2.40 and reading it back with objdump: the bytes are as's, the second
 * string is objdump's disassembly, and the expected description was derived
 * from objdump's text (operands, sizes, prefixes), not from the decoder.
 * Every decode runs on a heap copy of exactly the bytes given, so ASan stops
 * any read past the count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <hv/lib.h>
/* By path from the repository root (-I.): no arch include path is exposed
 * to the other hosted objects, whose <arch/...> is the fake arch's. */
#include "hv/arch/x86_64/include/arch/insn.h"

struct ok_case {
	const char *hex;	/* what as emitted */
	const char *dis;	/* what objdump read back */
	const char *want;	/* describe() of the expected decode */
	uint64_t ea;		/* linear address with test_regs(), 0 if no memory */
};

struct bad_case {
	const char *hex;
	const char *why;
};

/* ---- helpers ------------------------------------------------------------ */

static size_t parse_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;
	int used;

	while (sscanf(hex, " %2x%n", &v, &used) == 1) {
		assert_true(n < max);
		out[n++] = (uint8_t)v;
		hex += used;
	}
	return n;
}

/* Decode from a heap buffer of exactly n bytes (or none when n is 0). */
static int decode_exact(struct insn *insn, const uint8_t *bytes, size_t n)
{
	uint8_t *copy = NULL;
	int rc;

	if (n > 0) {
		copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, bytes, n);
	}
	rc = insn_decode(insn, copy, n);
	free(copy);
	return rc;
}

static const char *const seg_names[] = { "", "es", "cs", "ss", "ds", "fs", "gs" };

/* The description format gen.py writes; every field the decoder fills. */
static void describe(const struct insn *in, char *buf, size_t size)
{
	size_t n = 0;

#define ADD(...) (n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
	ADD("%s len=%u", insn_kind_name(in->kind), in->len);
	if (in->opsize) {
		ADD(" op=%u", in->opsize);
	}
	if (in->addrsize == 4) {
		ADD(" a32");
	}
	if (in->lock) {
		ADD(" lock");
	}
	if (in->rep) {
		ADD(" rep");
	}
	if (in->seg != INSN_SEG_NONE) {
		ADD(" seg=%s", seg_names[in->seg]);
	}
	if (in->reg >= 0) {
		ADD(" reg=%d%s", in->reg, in->reg_high8 ? "h" : "");
	}
	if (in->rm_reg >= 0) {
		ADD(" rm=%d", in->rm_reg);
	}
	if (in->has_imm) {
		ADD(" imm=0x%llx", (unsigned long long)in->imm);
	}
	if (in->kind == INSN_INT || in->kind == INSN_INT3) {
		ADD(" vec=%u", in->vector);
	}
	if (in->kind == INSN_IN || in->kind == INSN_OUT || in->kind == INSN_INS ||
	    in->kind == INSN_OUTS) {
		if (in->port_in_dx) {
			ADD(" port=dx");
		} else {
			ADD(" port=0x%x", in->port);
		}
	}
	if (in->mem) {
		if (in->rip_relative) {
			ADD(" mem=rip,");
		} else if (in->base >= 0) {
			ADD(" mem=b%d,", in->base);
		} else {
			ADD(" mem=-,");
		}
		if (in->index >= 0) {
			ADD("i%d*%u,", in->index, in->scale);
		} else {
			ADD("-,");
		}
		ADD("%s0x%llx", in->disp < 0 ? "-" : "",
		    (unsigned long long)(in->disp < 0 ? -in->disp : in->disp));
	}
#undef ADD
	assert_true(n < size);
}

/* Field by field: struct padding is not part of the result. */
static bool insn_same(const struct insn *a, const struct insn *b)
{
	return a->kind == b->kind && a->len == b->len && a->opsize == b->opsize &&
	       a->addrsize == b->addrsize && a->rex == b->rex && a->lock == b->lock &&
	       a->rep == b->rep && a->seg == b->seg && a->reg == b->reg &&
	       a->reg_high8 == b->reg_high8 && a->rm_reg == b->rm_reg &&
	       a->has_imm == b->has_imm && a->imm == b->imm && a->vector == b->vector &&
	       a->port == b->port && a->port_in_dx == b->port_in_dx && a->mem == b->mem &&
	       a->base == b->base && a->index == b->index && a->scale == b->scale &&
	       a->rip_relative == b->rip_relative && a->disp == b->disp;
}

static void assert_reset(const struct insn *in)
{
	assert_int_equal(in->kind, INSN_UNKNOWN);
	assert_int_equal(in->len, 0);
	assert_int_equal(in->reg, -1);
	assert_int_equal(in->rm_reg, -1);
	assert_int_equal(in->base, -1);
	assert_int_equal(in->index, -1);
	assert_false(in->mem);
	assert_false(in->has_imm);
}

/* The register file gen.py computed the expected addresses with. */
static void test_regs(struct insn_regs *r)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		r->gpr[i] = 0xc0de000000000000ULL + (uint64_t)(i + 1) * 0x0000001000100010ULL;
	}
	r->rip = 0xffffffff81000000ULL;
	r->fs_base = 0x00007f0000000000ULL;
	r->gs_base = 0xffff888000000000ULL;
}

/* ---- the tables ----------------------------------------------------------- */

static const struct ok_case ok_cases[] = {
