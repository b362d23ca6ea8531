/*
 * libFuzzer harness for the x86-64 instruction decoder. The input is the
 * byte buffer a caller would have copied from guest memory; libFuzzer hands
 * it over in an exact-size heap allocation, and every shorter decode here
 * runs on its own exact-size copy, so ASan reports any read past the count.
 *
 * Checked with a trap, never by changing the decoder's behaviour:
 *  - results are 0, EUNSUPPORTED or ETRUNCATED; a failure resets *out;
 *  - an accepted instruction is 1..15 bytes, within the input, and its
 *    fields are in range and consistent with its kind;
 *  - decoding is deterministic and depends only on the bytes it consumed:
 *    cut to any length it is truncated before its end and identical after,
 *    a refusal stays a refusal with more bytes, and "truncated" is never
 *    reported with 15 or more bytes available;
 *  - the operand helpers accept whatever the decoder produced.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <hv/lib.h>
#include "hv/arch/x86_64/include/arch/insn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                        \
	do {                               \
		if (!(cond)) {             \
			__builtin_trap();  \
		}                          \
	} while (0)

static int decode_copy(struct insn *insn, const uint8_t *data, size_t n)
{
	uint8_t *copy = NULL;
	int rc;

	if (n > 0) {
		copy = malloc(n);
		CHECK(copy != NULL);
		memcpy(copy, data, n);
	}
	rc = insn_decode(insn, copy, n);
	free(copy);
	return rc;
}

static int same(const struct insn *a, const struct insn *b)
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

static void check_reset(const struct insn *in)
{
	CHECK(in->kind == INSN_UNKNOWN && in->len == 0);
	CHECK(in->reg == -1 && in->rm_reg == -1 && in->base == -1 && in->index == -1);
	CHECK(!in->mem && !in->has_imm && !in->lock && !in->rep);
}

static void check_fields(const struct insn *in, size_t size)
{
	CHECK(in->kind > INSN_UNKNOWN && in->kind < INSN_KIND_COUNT);
	CHECK(in->len >= 1 && in->len <= INSN_MAX_LEN && in->len <= size);
	CHECK(in->opsize == 0 || in->opsize == 1 || in->opsize == 2 || in->opsize == 4 ||
	      in->opsize == 8 || in->opsize == 10 || in->opsize == 16);
	CHECK(in->addrsize == 4 || in->addrsize == 8);
	CHECK(in->reg >= -1 && in->reg <= 15 && in->rm_reg >= -1 && in->rm_reg <= 15);
	CHECK(in->base >= -1 && in->base <= 15 && in->index >= -1 && in->index <= 15);
	CHECK(!in->reg_high8 || (in->reg >= 4 && in->reg <= 7 && in->rex == 0));
	CHECK(in->rex == 0 || (in->rex & 0xf0) == 0x40);
	if (in->mem) {
		CHECK(in->scale == 1 || in->scale == 2 || in->scale == 4 || in->scale == 8);
		CHECK(in->index >= 0 || in->scale == 1);
		CHECK(!in->rip_relative || (in->base == -1 && in->index == -1));
		CHECK(in->disp >= INT32_MIN && in->disp <= INT32_MAX);
		CHECK(in->rm_reg == -1);
	} else {
		CHECK(in->base == -1 && in->index == -1 && !in->rip_relative && in->disp == 0);
		CHECK(in->scale == 0);
		CHECK(in->addrsize == 8 && in->seg == INSN_SEG_NONE && !in->lock);
	}
	/* LOCK only on the memory writes that allow it. */
	CHECK(!in->lock || (in->kind >= INSN_MEM_XCHG && in->kind <= INSN_MEM_BTC));
	CHECK(!in->rep || in->kind == INSN_INS || in->kind == INSN_OUTS);
	if (in->kind >= INSN_MEM_STORE && in->kind <= INSN_MEM_BTC) {
		CHECK(in->mem);
	}
	if (in->kind == INSN_MEM_BTS || in->kind == INSN_MEM_BTR || in->kind == INSN_MEM_BTC) {
		CHECK(in->has_imm && in->imm < in->opsize * 8u);
	}
	if (in->kind == INSN_MOV_FROM_CR || in->kind == INSN_MOV_TO_CR) {
		CHECK(in->reg == 0 || in->reg == 2 || in->reg == 3 || in->reg == 4 || in->reg == 8);
		CHECK(in->rm_reg >= 0);
	}
	if (in->kind == INSN_MOV_FROM_DR || in->kind == INSN_MOV_TO_DR) {
		CHECK(in->reg >= 0 && in->reg <= 7 && in->rm_reg >= 0);
	}
	if (in->kind == INSN_FORCED_CPUID) {
		CHECK(in->len == 7);
	}
	CHECK(strcmp(insn_kind_name(in->kind), "invalid") != 0);
}

/* The operand helpers must take any decoded instruction. */
static void exercise_helpers(const struct insn *in, const uint8_t *data, size_t size)
{
	struct insn_regs r;
	uint64_t ea = 0, v;
	size_t i;

	for (i = 0; i < 16; i++) {
		r.gpr[i] = 0x0101010101010101ULL * (i + 1) ^ (size > i ? data[i] : 0);
	}
	r.rip = 0xffffffff81000000ULL;
	r.fs_base = 0x7f0000000000ULL;
	r.gs_base = 0xffff888000000000ULL;
	CHECK(insn_effective_address(in, &r, &ea) == in->mem);
	if (in->mem && in->addrsize == 4 && in->seg != INSN_SEG_FS && in->seg != INSN_SEG_GS) {
		CHECK(ea <= 0xffffffffULL);
	}
	v = insn_src_value(in, r.gpr);
	if (in->opsize > 0 && in->opsize < 8) {
		CHECK(v >> (8 * in->opsize) == 0);
	}
	if (in->reg >= 0) {
		insn_gpr_write(r.gpr, (unsigned int)in->reg, in->reg_high8, in->opsize, v);
		CHECK(insn_gpr_read(r.gpr, (unsigned int)in->reg, in->reg_high8, in->opsize) ==
		      (in->opsize >= 8 || in->opsize == 0 ? v : v & ((1ULL << (8 * in->opsize)) - 1)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct insn full, again, cut;
	size_t k, top;
	int rc, rk;
	int refused = 0;

	rc = insn_decode(&full, data, size);
	CHECK(rc == INSN_OK || rc == INSN_EUNSUPPORTED || rc == INSN_ETRUNCATED);
	CHECK(decode_copy(&again, data, size) == rc && same(&full, &again));
	if (rc != INSN_OK) {
		check_reset(&full);
	}
	if (rc == INSN_ETRUNCATED) {
		CHECK(size < INSN_MAX_LEN);
	}
	if (rc == INSN_OK) {
		check_fields(&full, size);
		exercise_helpers(&full, data, size);
	}

	/* Every shorter copy, up to one past the architectural limit. */
	top = size < INSN_MAX_LEN + 1 ? size : INSN_MAX_LEN + 1;
	for (k = 0; k <= top; k++) {
		rk = decode_copy(&cut, data, k);
		if (rc == INSN_OK) {
			if (k < full.len) {
				CHECK(rk == INSN_ETRUNCATED);
			} else {
				CHECK(rk == INSN_OK && same(&cut, &full));
			}
		} else {
			/* Refused stays refused; nothing shorter is accepted. */
			CHECK(rk != INSN_OK);
			CHECK(!(refused && rk == INSN_ETRUNCATED));
			refused = rk == INSN_EUNSUPPORTED;
		}
		if (rk == INSN_ETRUNCATED) {
			CHECK(k < INSN_MAX_LEN);
		}
	}
	if (rc == INSN_EUNSUPPORTED && size > 0) {
		CHECK(refused);
	}
	return 0;
}
