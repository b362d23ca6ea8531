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
	/* ---- mov reg/imm -> mem: the plain page-table writes */
	{ "48 89 07", "movq %rax,(%rdi)",
	  "mem_store len=3 op=8 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "89 07", "movl %eax,(%rdi)",
	  "mem_store len=2 op=4 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 89 07", "movw %ax,(%rdi)",
	  "mem_store len=3 op=2 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "88 07", "movb %al,(%rdi)",
	  "mem_store len=2 op=1 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "88 27", "movb %ah,(%rdi)",
	  "mem_store len=2 op=1 reg=4h mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "88 3e", "movb %bh,(%rsi)",
	  "mem_store len=2 op=1 reg=7h mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "40 88 27", "movb %spl,(%rdi)",
	  "mem_store len=3 op=1 reg=4 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "40 88 3e", "movb %dil,(%rsi)",
	  "mem_store len=3 op=1 reg=7 mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "44 88 07", "movb %r8b,(%rdi)",
	  "mem_store len=3 op=1 reg=8 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "45 88 3f", "movb %r15b,(%r15)",
	  "mem_store len=3 op=1 reg=15 mem=b15,-,0x0", 0xc0de010001000100ULL },
	{ "4d 89 01", "movq %r8,(%r9)",
	  "mem_store len=3 op=8 reg=8 mem=b9,-,0x0", 0xc0de00a000a000a0ULL },
	{ "4c 89 38", "movq %r15,(%rax)",
	  "mem_store len=3 op=8 reg=15 mem=b0,-,0x0", 0xc0de001000100010ULL },
	{ "45 89 13", "movl %r10d,(%r11)",
	  "mem_store len=3 op=4 reg=10 mem=b11,-,0x0", 0xc0de00c000c000c0ULL },
	{ "66 44 89 23", "movw %r12w,(%rbx)",
	  "mem_store len=4 op=2 reg=12 mem=b3,-,0x0", 0xc0de004000400040ULL },
	{ "48 89 57 10", "movq %rdx,0x10(%rdi)",
	  "mem_store len=4 op=8 reg=2 mem=b7,-,0x10", 0xc0de008000800090ULL },
	{ "48 89 57 f8", "movq %rdx,-0x8(%rdi)",
	  "mem_store len=4 op=8 reg=2 mem=b7,-,-0x8", 0xc0de008000800078ULL },
	{ "48 89 57 7f", "movq %rdx,0x7f(%rdi)",
	  "mem_store len=4 op=8 reg=2 mem=b7,-,0x7f", 0xc0de0080008000ffULL },
	{ "48 89 57 80", "movq %rdx,-0x80(%rdi)",
	  "mem_store len=4 op=8 reg=2 mem=b7,-,-0x80", 0xc0de008000800000ULL },
	{ "48 89 97 00 10 00 00", "movq %rdx,0x1000(%rdi)",
	  "mem_store len=7 op=8 reg=2 mem=b7,-,0x1000", 0xc0de008000801080ULL },
	{ "48 89 97 00 00 00 80", "movq %rdx,-0x80000000(%rdi)",
	  "mem_store len=7 op=8 reg=2 mem=b7,-,-0x80000000", 0xc0de007f80800080ULL },
	{ "48 89 97 ff ff ff 7f", "movq %rdx,0x7fffffff(%rdi)",
	  "mem_store len=7 op=8 reg=2 mem=b7,-,0x7fffffff", 0xc0de00808080007fULL },
	{ "48 89 04 24", "movq %rax,(%rsp)",
	  "mem_store len=4 op=8 reg=0 mem=b4,-,0x0", 0xc0de005000500050ULL },
	{ "48 89 44 24 08", "movq %rax,0x8(%rsp)",
	  "mem_store len=5 op=8 reg=0 mem=b4,-,0x8", 0xc0de005000500058ULL },
	{ "49 89 04 24", "movq %rax,(%r12)",
	  "mem_store len=4 op=8 reg=0 mem=b12,-,0x0", 0xc0de00d000d000d0ULL },
	{ "49 89 84 24 00 01 00 00", "movq %rax,0x100(%r12)",
	  "mem_store len=8 op=8 reg=0 mem=b12,-,0x100", 0xc0de00d000d001d0ULL },
	{ "48 89 45 00", "movq %rax,0x0(%rbp)",
	  "mem_store len=4 op=8 reg=0 mem=b5,-,0x0", 0xc0de006000600060ULL },
	{ "49 89 45 00", "movq %rax,0x0(%r13)",
	  "mem_store len=4 op=8 reg=0 mem=b13,-,0x0", 0xc0de00e000e000e0ULL },
	{ "48 89 45 e8", "movq %rax,-0x18(%rbp)",
	  "mem_store len=4 op=8 reg=0 mem=b5,-,-0x18", 0xc0de006000600048ULL },
	{ "48 89 04 d8", "movq %rax,(%rax,%rbx,8)",
	  "mem_store len=4 op=8 reg=0 mem=b0,i3*8,0x0", 0xc7ce021002100210ULL },
	{ "48 89 04 18", "movq %rax,(%rax,%rbx,1)",
	  "mem_store len=4 op=8 reg=0 mem=b0,i3*1,0x0", 0x81bc005000500050ULL },
	{ "48 89 04 58", "movq %rax,(%rax,%rbx,2)",
	  "mem_store len=4 op=8 reg=0 mem=b0,i3*2,0x0", 0x429a009000900090ULL },
	{ "4a 89 04 20", "movq %rax,(%rax,%r12,1)",
	  "mem_store len=4 op=8 reg=0 mem=b0,i12*1,0x0", 0x81bc00e000e000e0ULL },
	{ "4b 89 04 a4", "movq %rax,(%r12,%r12,4)",
	  "mem_store len=4 op=8 reg=0 mem=b12,i12*4,0x0", 0xc456041004100410ULL },
	{ "48 89 44 8c 08", "movq %rax,0x8(%rsp,%rcx,4)",
	  "mem_store len=5 op=8 reg=0 mem=b4,i1*4,0x8", 0xc45600d000d000d8ULL },
	{ "48 89 04 cd 78 56 34 12", "movq %rax,0x12345678(,%rcx,8)",
	  "mem_store len=8 op=8 reg=0 mem=-,i1*8,0x12345678", 0x6f0010013345778ULL },
	{ "4a 89 04 4d f0 ff ff ff", "movq %rax,-0x10(,%r9,2)",
	  "mem_store len=8 op=8 reg=0 mem=-,i9*2,-0x10", 0x81bc014001400130ULL },
	{ "48 89 04 25 78 56 34 12", "movq %rax,0x12345678",
	  "mem_store len=8 op=8 reg=0 mem=-,-,0x12345678", 0x12345678ULL },
	{ "48 89 05 10 00 00 00", "movq %rax,0x10(%rip)",
	  "mem_store len=7 op=8 reg=0 mem=rip,-,0x10", 0xffffffff81000017ULL },
	{ "48 89 05 f0 ff ff ff", "movq %rax,-0x10(%rip)",
	  "mem_store len=7 op=8 reg=0 mem=rip,-,-0x10", 0xffffffff80fffff7ULL },
	{ "4b 89 4c 75 00", "movq %rcx,0x0(%r13,%r14,2)",
	  "mem_store len=5 op=8 reg=1 mem=b13,i14*2,0x0", 0x429a02c002c002c0ULL },
	{ "4f 89 8c fd ff 7f 00 00", "movq %r9,0x7fff(%r13,%r15,8)",
	  "mem_store len=8 op=8 reg=9 mem=b13,i15*8,0x7fff", 0xc7ce08e008e088dfULL },
	{ "48 89 44 05 00", "movq %rax,0x0(%rbp,%rax,1)",
	  "mem_store len=5 op=8 reg=0 mem=b5,i0*1,0x0", 0x81bc007000700070ULL },
	{ "64 48 89 04 25 28 00 00 00", "movq %rax,%fs:0x28",
	  "mem_store len=9 op=8 seg=fs reg=0 mem=-,-,0x28", 0x7f0000000028ULL },
	{ "65 48 89 07", "movq %rax,%gs:(%rdi)",
	  "mem_store len=4 op=8 seg=gs reg=0 mem=b7,-,0x0", 0xc0dd890000800080ULL },
	{ "65 48 89 05 10 00 00 00", "movq %rax,%gs:0x10(%rip)",
	  "mem_store len=8 op=8 seg=gs reg=0 mem=rip,-,0x10", 0xffff887f81000018ULL },
	{ "3e 48 89 07", "ds movq %rax,(%rdi)",
	  "mem_store len=4 op=8 seg=ds reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "2e 48 89 07", "cs movq %rax,(%rdi)",
	  "mem_store len=4 op=8 seg=cs reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "36 48 89 07", "ss movq %rax,(%rdi)",
	  "mem_store len=4 op=8 seg=ss reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "26 48 89 07", "es movq %rax,(%rdi)",
	  "mem_store len=4 op=8 seg=es reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "67 89 00", "movl %eax,(%eax)",
	  "mem_store len=3 op=4 a32 reg=0 mem=b0,-,0x0", 0x100010ULL },
	{ "67 89 05 10 00 00 00", "movl %eax,0x10(%eip)",
	  "mem_store len=7 op=4 a32 reg=0 mem=rip,-,0x10", 0x81000017ULL },
	{ "67 48 89 04 b3", "movq %rax,(%ebx,%esi,4)",
	  "mem_store len=5 op=8 a32 reg=0 mem=b3,i6*4,0x0", 0x2000200ULL },
	{ "67 49 89 40 fc", "movq %rax,-0x4(%r8d)",
	  "mem_store len=5 op=8 a32 reg=0 mem=b8,-,-0x4", 0x90008cULL },
	{ "65 67 48 89 44 24 20", "movq %rax,%gs:0x20(%esp)",
	  "mem_store len=7 op=8 a32 seg=gs reg=0 mem=b4,-,0x20", 0xffff888000500070ULL },
	{ "48 c7 07 01 00 00 00", "movq $0x1,(%rdi)",
	  "mem_store len=7 op=8 imm=0x1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 c7 07 ff ff ff ff", "movq $0xffffffffffffffff,(%rdi)",
	  "mem_store len=7 op=8 imm=0xffffffffffffffff mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 c7 07 00 00 00 80", "movq $0xffffffff80000000,(%rdi)",
	  "mem_store len=7 op=8 imm=0xffffffff80000000 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 c7 07 ff ff ff 7f", "movq $0x7fffffff,(%rdi)",
	  "mem_store len=7 op=8 imm=0x7fffffff mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "c7 07 78 56 34 12", "movl $0x12345678,(%rdi)",
	  "mem_store len=6 op=4 imm=0x12345678 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "c7 07 ff ff ff ff", "movl $0xffffffff,(%rdi)",
	  "mem_store len=6 op=4 imm=0xffffffffffffffff mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 c7 07 34 12", "movw $0x1234,(%rdi)",
	  "mem_store len=5 op=2 imm=0x1234 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 c7 07 fe ff", "movw $0xfffe,(%rdi)",
	  "mem_store len=5 op=2 imm=0xfffffffffffffffe mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "c6 07 80", "movb $0x80,(%rdi)",
	  "mem_store len=3 op=1 imm=0xffffffffffffff80 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "41 c6 00 7f", "movb $0x7f,(%r8)",
	  "mem_store len=4 op=1 imm=0x7f mem=b8,-,0x0", 0xc0de009000900090ULL },
	{ "48 c7 05 10 00 00 00 ff ff ff 7f", "movq $0x7fffffff,0x10(%rip)",
	  "mem_store len=11 op=8 imm=0x7fffffff mem=rip,-,0x10", 0xffffffff8100001bULL },
	{ "65 48 c7 05 10 00 00 00 05 00 00 00", "movq $0x5,%gs:0x10(%rip)",
	  "mem_store len=12 op=8 seg=gs imm=0x5 mem=rip,-,0x10", 0xffff887f8100001cULL },
	{ "66 c7 05 e0 ff ff ff 01 00", "movw $0x1,-0x20(%rip)",
	  "mem_store len=9 op=2 imm=0x1 mem=rip,-,-0x20", 0xffffffff80ffffe9ULL },
	{ "c6 05 08 00 00 00 01", "movb $0x1,0x8(%rip)",
	  "mem_store len=7 op=1 imm=0x1 mem=rip,-,0x8", 0xffffffff8100000fULL },
	/* ---- xchg (implicitly locked) */
	{ "48 87 07", "xchgq %rax,(%rdi)",
	  "mem_xchg len=3 op=8 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "87 07", "xchgl %eax,(%rdi)",
	  "mem_xchg len=2 op=4 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 87 07", "xchgw %ax,(%rdi)",
	  "mem_xchg len=3 op=2 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "86 07", "xchgb %al,(%rdi)",
	  "mem_xchg len=2 op=1 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "86 2f", "xchgb %ch,(%rdi)",
	  "mem_xchg len=2 op=1 reg=5h mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 87 07", "lock xchgq %rax,(%rdi)",
	  "mem_xchg len=4 op=8 lock reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "4d 87 5a 08", "xchgq %r11,0x8(%r10)",
	  "mem_xchg len=4 op=8 reg=11 mem=b10,-,0x8", 0xc0de00b000b000b8ULL },
	{ "64 48 87 04 ca", "xchgq %rax,%fs:(%rdx,%rcx,8)",
	  "mem_xchg len=5 op=8 seg=fs reg=0 mem=b2,i1*8,0x0", 0xc7ce803001300130ULL },
	/* ---- cmpxchg */
	{ "f0 48 0f b1 0f", "lock cmpxchgq %rcx,(%rdi)",
	  "mem_cmpxchg len=5 op=8 lock reg=1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 0f b1 0f", "lock cmpxchgl %ecx,(%rdi)",
	  "mem_cmpxchg len=4 op=4 lock reg=1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 f0 0f b1 0f", "lock cmpxchgw %cx,(%rdi)",
	  "mem_cmpxchg len=5 op=2 lock reg=1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 0f b0 0f", "lock cmpxchgb %cl,(%rdi)",
	  "mem_cmpxchg len=4 op=1 lock reg=1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 0f b0 37", "lock cmpxchgb %dh,(%rdi)",
	  "mem_cmpxchg len=4 op=1 lock reg=6h mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 0f b1 0f", "cmpxchgq %rcx,(%rdi)",
	  "mem_cmpxchg len=4 op=8 reg=1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "65 f0 4f 0f b1 44 d1 10", "lock cmpxchgq %r8,%gs:0x10(%r9,%r10,8)",
	  "mem_cmpxchg len=8 op=8 lock seg=gs reg=8 mem=b9,i10*8,0x10", 0xc7cd8ea006200630ULL },
	{ "f0 48 0f b1 35 10 00 00 00", "lock cmpxchgq %rsi,0x10(%rip)",
	  "mem_cmpxchg len=9 op=8 lock reg=6 mem=rip,-,0x10", 0xffffffff81000019ULL },
	{ "f0 0f c7 0f", "lock cmpxchg8b (%rdi)",
	  "mem_cmpxchg8b len=4 op=8 lock mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 0f c7 0f", "lock cmpxchg16b (%rdi)",
	  "mem_cmpxchg16b len=5 op=16 lock mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "0f c7 4e 08", "cmpxchg8b 0x8(%rsi)",
	  "mem_cmpxchg8b len=4 op=8 mem=b6,-,0x8", 0xc0de007000700078ULL },
	{ "f0 49 0f c7 4c 44 10", "lock cmpxchg16b 0x10(%r12,%rax,2)",
	  "mem_cmpxchg16b len=7 op=16 lock mem=b12,i0*2,0x10", 0x429a00f000f00100ULL },
	/* ---- or/and/xor to memory (A/D and RW bit tweaks) */
	{ "f0 80 0f 01", "lock orb $0x1,(%rdi)",
	  "mem_or len=4 op=1 lock imm=0x1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 80 27 fd", "lock andb $0xfd,(%rdi)",
	  "mem_and len=4 op=1 lock imm=0xfffffffffffffffd mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 80 67 01 df", "lock andb $0xdf,0x1(%rdi)",
	  "mem_and len=5 op=1 lock imm=0xffffffffffffffdf mem=b7,-,0x1", 0xc0de008000800081ULL },
	{ "f0 80 37 04", "lock xorb $0x4,(%rdi)",
	  "mem_xor len=4 op=1 lock imm=0x4 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "80 0f 80", "orb $0x80,(%rdi)",
	  "mem_or len=3 op=1 imm=0xffffffffffffff80 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 83 0f 20", "lock orq $0x20,(%rdi)",
	  "mem_or len=5 op=8 lock imm=0x20 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 83 27 df", "lock andq $0xffffffffffffffdf,(%rdi)",
	  "mem_and len=5 op=8 lock imm=0xffffffffffffffdf mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 83 37 7f", "lock xorq $0x7f,(%rdi)",
	  "mem_xor len=5 op=8 lock imm=0x7f mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 81 27 78 56 34 12", "andq $0x12345678,(%rdi)",
	  "mem_and len=7 op=8 imm=0x12345678 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 81 27 00 f0 ff ff", "andq $0xfffffffffffff000,(%rdi)",
	  "mem_and len=7 op=8 imm=0xfffffffffffff000 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "81 27 00 f0 ff ff", "andl $0xfffff000,(%rdi)",
	  "mem_and len=6 op=4 imm=0xfffffffffffff000 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "81 0f 00 00 00 80", "orl $0x80000000,(%rdi)",
	  "mem_or len=6 op=4 imm=0xffffffff80000000 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 81 37 00 00 01 00", "lock xorl $0x10000,(%rdi)",
	  "mem_xor len=7 op=4 lock imm=0x10000 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 81 0f 34 12", "orw $0x1234,(%rdi)",
	  "mem_or len=5 op=2 imm=0x1234 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 83 0f 01", "orw $0x1,(%rdi)",
	  "mem_or len=4 op=2 imm=0x1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 81 27 00 ff", "andw $0xff00,(%rdi)",
	  "mem_and len=5 op=2 imm=0xffffffffffffff00 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 83 37 f0", "xorw $0xfff0,(%rdi)",
	  "mem_xor len=4 op=2 imm=0xfffffffffffffff0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "09 07", "orl %eax,(%rdi)",
	  "mem_or len=2 op=4 reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 09 07", "lock orq %rax,(%rdi)",
	  "mem_or len=4 op=8 lock reg=0 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "48 21 0e", "andq %rcx,(%rsi)",
	  "mem_and len=3 op=8 reg=1 mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "20 27", "andb %ah,(%rdi)",
	  "mem_and len=2 op=1 reg=4h mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "40 20 37", "andb %sil,(%rdi)",
	  "mem_and len=3 op=1 reg=6 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 31 57 08", "lock xorq %rdx,0x8(%rdi)",
	  "mem_xor len=5 op=8 lock reg=2 mem=b7,-,0x8", 0xc0de008000800088ULL },
	{ "66 45 31 0a", "xorw %r9w,(%r10)",
	  "mem_xor len=4 op=2 reg=9 mem=b10,-,0x0", 0xc0de00b000b000b0ULL },
	{ "65 f0 80 0d 10 00 00 00 01", "lock orb $0x1,%gs:0x10(%rip)",
	  "mem_or len=9 op=1 lock seg=gs imm=0x1 mem=rip,-,0x10", 0xffff887f81000019ULL },
	{ "f0 48 83 25 f0 ff ff 7f fd", "lock andq $0xfffffffffffffffd,0x7ffffff0(%rip)",
	  "mem_and len=9 op=8 lock imm=0xfffffffffffffffd mem=rip,-,0x7ffffff0", 0xfffff9ULL },
	/* ---- bit test and modify with an immediate */
	{ "f0 48 0f ba 2f 05", "lock btsq $0x5,(%rdi)",
	  "mem_bts len=6 op=8 lock imm=0x5 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 0f ba 37 05", "lock btrq $0x5,(%rdi)",
	  "mem_btr len=6 op=8 lock imm=0x5 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 0f ba 3f 01", "lock btcq $0x1,(%rdi)",
	  "mem_btc len=6 op=8 lock imm=0x1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 48 0f ba 77 08 3f", "lock btrq $0x3f,0x8(%rdi)",
	  "mem_btr len=7 op=8 lock imm=0x3f mem=b7,-,0x8", 0xc0de008000800088ULL },
	{ "0f ba 37 21", "btrl $0x21,(%rdi)",
	  "mem_btr len=4 op=4 imm=0x1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 0f ba 2f 11", "btsw $0x11,(%rdi)",
	  "mem_bts len=5 op=2 imm=0x1 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f0 43 0f ba 2c 88 1f", "lock btsl $0x1f,(%r8,%r9,4)",
	  "mem_bts len=7 op=4 lock imm=0x1f mem=b8,i9*4,0x0", 0xc456031003100310ULL },
	{ "48 0f ba 3d 10 00 00 00 40", "btcq $0x40,0x10(%rip)",
	  "mem_btc len=9 op=8 imm=0x0 mem=rip,-,0x10", 0xffffffff81000019ULL },
	{ "66 f0 0f ba 37 ff", "lock btrw $0xff,(%rdi)",
	  "mem_btr len=6 op=2 lock imm=0xf mem=b7,-,0x0", 0xc0de008000800080ULL },
	/* ---- privileged or trapping, no operands */
	{ "0f a2", "cpuid",
	  "cpuid len=2", 0x0ULL },
	{ "0f 32", "rdmsr",
	  "rdmsr len=2", 0x0ULL },
	{ "0f 30", "wrmsr",
	  "wrmsr len=2", 0x0ULL },
	{ "0f 31", "rdtsc",
	  "rdtsc len=2", 0x0ULL },
	{ "0f 01 f9", "rdtscp",
	  "rdtscp len=3", 0x0ULL },
	{ "0f 33", "rdpmc",
	  "rdpmc len=2", 0x0ULL },
	{ "fa", "cli",
	  "cli len=1", 0x0ULL },
	{ "fb", "sti",
	  "sti len=1", 0x0ULL },
	{ "f4", "hlt",
	  "hlt len=1", 0x0ULL },
	{ "0f 06", "clts",
	  "clts len=2", 0x0ULL },
	{ "0f 09", "wbinvd",
	  "wbinvd len=2", 0x0ULL },
	{ "0f 08", "invd",
	  "invd len=2", 0x0ULL },
	{ "0f 01 d1", "xsetbv",
	  "xsetbv len=3", 0x0ULL },
	{ "0f 01 f8", "swapgs",
	  "swapgs len=3", 0x0ULL },
	{ "48 0f 07", "sysretq",
	  "sysret len=3 op=8", 0x0ULL },
	{ "0f 07", "sysretl",
	  "sysret len=2 op=4", 0x0ULL },
	{ "48 cf", "iretq",
	  "iret len=2 op=8", 0x0ULL },
	{ "cf", "iretl",
	  "iret len=1 op=4", 0x0ULL },
	{ "66 cf", "iretw",
	  "iret len=2 op=2", 0x0ULL },
	/* ---- control and debug registers */
	{ "0f 20 c0", "movq %cr0,%rax",
	  "mov_from_cr len=3 op=8 reg=0 rm=0", 0x0ULL },
	{ "0f 20 d7", "movq %cr2,%rdi",
	  "mov_from_cr len=3 op=8 reg=2 rm=7", 0x0ULL },
	{ "41 0f 20 df", "movq %cr3,%r15",
	  "mov_from_cr len=4 op=8 reg=3 rm=15", 0x0ULL },
	{ "0f 20 e0", "movq %cr4,%rax",
	  "mov_from_cr len=3 op=8 reg=4 rm=0", 0x0ULL },
	{ "44 0f 20 c0", "movq %cr8,%rax",
	  "mov_from_cr len=4 op=8 reg=8 rm=0", 0x0ULL },
	{ "41 0f 20 e0", "movq %cr4,%r8",
	  "mov_from_cr len=4 op=8 reg=4 rm=8", 0x0ULL },
	{ "0f 22 c0", "movq %rax,%cr0",
	  "mov_to_cr len=3 op=8 reg=0 rm=0", 0x0ULL },
	{ "0f 22 e0", "movq %rax,%cr4",
	  "mov_to_cr len=3 op=8 reg=4 rm=0", 0x0ULL },
	{ "41 0f 22 d9", "movq %r9,%cr3",
	  "mov_to_cr len=4 op=8 reg=3 rm=9", 0x0ULL },
	{ "0f 22 d2", "movq %rdx,%cr2",
	  "mov_to_cr len=3 op=8 reg=2 rm=2", 0x0ULL },
	{ "44 0f 22 c0", "movq %rax,%cr8",
	  "mov_to_cr len=4 op=8 reg=8 rm=0", 0x0ULL },
	{ "45 0f 22 c4", "movq %r12,%cr8",
	  "mov_to_cr len=4 op=8 reg=8 rm=12", 0x0ULL },
	{ "0f 21 c0", "movq %db0,%rax",
	  "mov_from_dr len=3 op=8 reg=0 rm=0", 0x0ULL },
	{ "0f 21 f2", "movq %db6,%rdx",
	  "mov_from_dr len=3 op=8 reg=6 rm=2", 0x0ULL },
	{ "0f 21 f9", "movq %db7,%rcx",
	  "mov_from_dr len=3 op=8 reg=7 rm=1", 0x0ULL },
	{ "41 0f 21 db", "movq %db3,%r11",
	  "mov_from_dr len=4 op=8 reg=3 rm=11", 0x0ULL },
	{ "0f 23 f8", "movq %rax,%db7",
	  "mov_to_dr len=3 op=8 reg=7 rm=0", 0x0ULL },
	{ "41 0f 23 d8", "movq %r8,%db3",
	  "mov_to_dr len=4 op=8 reg=3 rm=8", 0x0ULL },
	{ "0f 21 e0", "movq %db4,%rax",
	  "mov_from_dr len=3 op=8 reg=4 rm=0", 0x0ULL },
	{ "0f 23 e8", "movq %rax,%db5",
	  "mov_to_dr len=3 op=8 reg=5 rm=0", 0x0ULL },
	/* ---- software interrupts */
	{ "cd 80", "int $0x80",
	  "int len=2 vec=128", 0x0ULL },
	{ "cd 03", "int $0x3",
	  "int len=2 vec=3", 0x0ULL },
	{ "cd 00", "int $0x0",
	  "int len=2 vec=0", 0x0ULL },
	{ "cd ff", "int $0xff",
	  "int len=2 vec=255", 0x0ULL },
	{ "cc", "int3",
	  "int3 len=1 vec=3", 0x0ULL },
	/* ---- port I/O */
	{ "e4 80", "inb $0x80,%al",
	  "in len=2 op=1 port=0x80", 0x0ULL },
	{ "66 e5 60", "inw $0x60,%ax",
	  "in len=3 op=2 port=0x60", 0x0ULL },
	{ "e5 71", "inl $0x71,%eax",
	  "in len=2 op=4 port=0x71", 0x0ULL },
	{ "e4 ff", "inb $0xff,%al",
	  "in len=2 op=1 port=0xff", 0x0ULL },
	{ "ec", "inb (%dx),%al",
	  "in len=1 op=1 port=dx", 0x0ULL },
	{ "66 ed", "inw (%dx),%ax",
	  "in len=2 op=2 port=dx", 0x0ULL },
	{ "ed", "inl (%dx),%eax",
	  "in len=1 op=4 port=dx", 0x0ULL },
	{ "e6 80", "outb %al,$0x80",
	  "out len=2 op=1 port=0x80", 0x0ULL },
	{ "66 e7 60", "outw %ax,$0x60",
	  "out len=3 op=2 port=0x60", 0x0ULL },
	{ "e7 f4", "outl %eax,$0xf4",
	  "out len=2 op=4 port=0xf4", 0x0ULL },
	{ "ee", "outb %al,(%dx)",
	  "out len=1 op=1 port=dx", 0x0ULL },
	{ "66 ef", "outw %ax,(%dx)",
	  "out len=2 op=2 port=dx", 0x0ULL },
	{ "ef", "outl %eax,(%dx)",
	  "out len=1 op=4 port=dx", 0x0ULL },
	{ "6c", "insb (%dx),%es:(%rdi)",
	  "ins len=1 op=1 port=dx mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "66 6d", "insw (%dx),%es:(%rdi)",
	  "ins len=2 op=2 port=dx mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "6d", "insl (%dx),%es:(%rdi)",
	  "ins len=1 op=4 port=dx mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f3 6c", "rep insb (%dx),%es:(%rdi)",
	  "ins len=2 op=1 rep port=dx mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "f3 6d", "rep insl (%dx),%es:(%rdi)",
	  "ins len=2 op=4 rep port=dx mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "67 66 f3 6d", "rep insw (%dx),%es:(%edi)",
	  "ins len=4 op=2 a32 rep port=dx mem=b7,-,0x0", 0x800080ULL },
	{ "67 6c", "insb (%dx),%es:(%edi)",
	  "ins len=2 op=1 a32 port=dx mem=b7,-,0x0", 0x800080ULL },
	{ "6e", "outsb %ds:(%rsi),(%dx)",
	  "outs len=1 op=1 port=dx mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "66 6f", "outsw %ds:(%rsi),(%dx)",
	  "outs len=2 op=2 port=dx mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "6f", "outsl %ds:(%rsi),(%dx)",
	  "outs len=1 op=4 port=dx mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "f3 6e", "rep outsb %ds:(%rsi),(%dx)",
	  "outs len=2 op=1 rep port=dx mem=b6,-,0x0", 0xc0de007000700070ULL },
	{ "64 6e", "outsb %fs:(%rsi),(%dx)",
	  "outs len=2 op=1 seg=fs port=dx mem=b6,-,0x0", 0xc0de7f7000700070ULL },
	{ "65 67 f3 6f", "rep outsl %gs:(%esi),(%dx)",
	  "outs len=4 op=4 a32 rep seg=gs port=dx mem=b6,-,0x0", 0xffff888000700070ULL },
	{ "67 66 f3 6f", "rep outsw %ds:(%esi),(%dx)",
	  "outs len=4 op=2 a32 rep port=dx mem=b6,-,0x0", 0x700070ULL },
	/* ---- TLB and descriptor tables */
	{ "0f 01 38", "invlpg (%rax)",
	  "invlpg len=3 mem=b0,-,0x0", 0xc0de001000100010ULL },
	{ "0f 01 7c 77 10", "invlpg 0x10(%rdi,%rsi,2)",
	  "invlpg len=5 mem=b7,i6*2,0x10", 0x429a016001600170ULL },
	{ "41 0f 01 3b", "invlpg (%r11)",
	  "invlpg len=4 mem=b11,-,0x0", 0xc0de00c000c000c0ULL },
	{ "65 0f 01 38", "invlpg %gs:(%rax)",
	  "invlpg len=4 seg=gs mem=b0,-,0x0", 0xc0dd889000100010ULL },
	{ "0f 01 3d 00 01 00 00", "invlpg 0x100(%rip)",
	  "invlpg len=7 mem=rip,-,0x100", 0xffffffff81000107ULL },
	{ "67 0f 01 78 ff", "invlpg -0x1(%eax)",
	  "invlpg len=5 a32 mem=b0,-,-0x1", 0x10000fULL },
	{ "0f 01 17", "lgdt (%rdi)",
	  "lgdt len=3 op=10 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "0f 01 54 24 08", "lgdt 0x8(%rsp)",
	  "lgdt len=5 op=10 mem=b4,-,0x8", 0xc0de005000500058ULL },
	{ "0f 01 5c 24 08", "lidt 0x8(%rsp)",
	  "lidt len=5 op=10 mem=b4,-,0x8", 0xc0de005000500058ULL },
	{ "64 0f 01 1c 25 40 00 00 00", "lidt %fs:0x40",
	  "lidt len=9 op=10 seg=fs mem=-,-,0x40", 0x7f0000000040ULL },
	{ "0f 00 d0", "lldt %ax",
	  "lldt len=3 op=2 rm=0", 0x0ULL },
	{ "41 0f 00 d0", "lldt %r8w",
	  "lldt len=4 op=2 rm=8", 0x0ULL },
	{ "0f 00 17", "lldt (%rdi)",
	  "lldt len=3 op=2 mem=b7,-,0x0", 0xc0de008000800080ULL },
	{ "0f 00 d8", "ltr %ax",
	  "ltr len=3 op=2 rm=0", 0x0ULL },
	{ "41 0f 00 d9", "ltr %r9w",
	  "ltr len=4 op=2 rm=9", 0x0ULL },
	{ "0f 00 5b 02", "ltr 0x2(%rbx)",
	  "ltr len=4 op=2 mem=b3,-,0x2", 0xc0de004000400042ULL },
	{ "0f 01 f0", "lmsw %ax",
	  "lmsw len=3 op=2 rm=0", 0x0ULL },
	{ "41 0f 01 f2", "lmsw %r10w",
	  "lmsw len=4 op=2 rm=10", 0x0ULL },
	{ "0f 01 37", "lmsw (%rdi)",
	  "lmsw len=3 op=2 mem=b7,-,0x0", 0xc0de008000800080ULL },
	/* ---- the longest accepted form: exactly 15 bytes */
	{ "64 67 f0 81 8c 24 44 33 22 11 78 56 34 12", "lock orl $0x12345678,%fs:0x11223344(%esp)",
	  "mem_or len=14 op=4 a32 lock seg=fs imm=0x12345678 mem=b4,-,0x11223344", 0x7f0011723394ULL },
	{ "65 67 f0 43 81 8c ec 44 33 22 11 78 56 34 12", "lock orl $0x12345678,%gs:0x11223344(%r12d,%r13d,8)",
	  "mem_or len=15 op=4 a32 lock seg=gs imm=0x12345678 mem=b12,i13*8,0x11223344", 0xffff888018f23b14ULL },
	{ "3e 6e", "outsb %ds:(%rsi),(%dx)",
	  "outs len=2 op=1 seg=ds port=dx mem=b6,-,0x0", 0xc0de007000700070ULL },

};

/* Refused: each would #UD on the CPU, is not something a PV kernel needs
 * emulated, or carries a prefix or REX bit that selects nothing. */
static const struct bad_case bad_cases[] = {
	{ "f0 48 89 07", "LOCK on mov: #UD" },
	{ "f0 0f a2", "LOCK on cpuid: #UD" },
	{ "f0 fa", "LOCK on cli" },
	{ "f0 48 87 c0", "LOCK on a register xchg: #UD" },
	{ "f0 0f 20 c0", "LOCK mov from cr0 (AMD's alternative CR8 encoding)" },
	{ "f3 48 89 07", "F3 (XRELEASE) on mov" },
	{ "f2 f0 48 0f b1 0f", "XACQUIRE LOCK cmpxchg: two group-1 prefixes" },
	{ "f2 48 89 07", "F2 on mov" },
	{ "f2 6c", "REPNE on ins" },
	{ "f3 ec", "REP on in" },
	{ "f3 0f a2", "F3 on cpuid" },
	{ "f0 f0 48 87 07", "LOCK twice" },
	{ "66 66 89 07", "0x66 twice" },
	{ "67 67 89 00", "0x67 twice" },
	{ "64 65 48 89 07", "two segment overrides" },
	{ "3e 3e 48 89 07", "DS twice" },
	{ "48 66 89 07", "REX before a legacy prefix (the CPU ignores it)" },
	{ "48 48 89 07", "two REX prefixes" },
	{ "40 89 07", "empty REX on a non-byte operation" },
	{ "40 88 07", "empty REX on a byte store of %al (selects nothing)" },
	{ "48 88 07", "REX.W on a byte store" },
	{ "66 88 07", "0x66 on a byte store" },
	{ "66 48 89 07", "0x66 and REX.W together" },
	{ "66 48 c7 07 01 00 00 00", "0x66 and REX.W on mov imm" },
	{ "4c c7 07 01 00 00 00", "REX.R on an opcode extension (c7 /0)" },
	{ "4a 89 07", "REX.X without a SIB byte" },
	{ "49 89 05 00 00 00 00", "REX.B on RIP-relative" },
	{ "49 89 04 25 00 00 00 00", "REX.B on a SIB without base" },
	{ "41 0f a2", "REX on cpuid" },
	{ "48 fa", "REX.W on cli" },
	{ "41 0f 01 f8", "REX.B on swapgs" },
	{ "4c 0f 00 d0", "REX.R on lldt (an opcode extension)" },
	{ "48 0f 01 38", "REX.W on invlpg" },
	{ "48 0f 20 c0", "REX.W on mov from cr0" },
	{ "48 cd 80", "REX.W on int" },
	{ "48 6c", "REX.W on ins" },
	{ "48 e4 80", "REX.W on in" },
	{ "48 0f c7 c8", "cmpxchg16b register form" },
	{ "66 0f 32", "0x66 on rdmsr" },
	{ "64 0f 30", "segment override on wrmsr" },
	{ "67 fa", "0x67 on cli" },
	{ "67 cd 80", "0x67 on int" },
	{ "2e cc", "CS on int3" },
	{ "66 0f 20 c0", "0x66 on mov from cr" },
	{ "26 6c", "segment override on ins (always ES)" },
	{ "66 ec", "0x66 on a byte in" },
	{ "67 ec", "0x67 on in" },
	{ "66 0f c7 0f", "0x66 on cmpxchg8b" },
	{ "f3 0f c7 0f", "F3 on cmpxchg8b" },
	{ "66 0f 01 38", "0x66 on invlpg" },
	{ "48 89 c7", "mov between registers (no memory)" },
	{ "48 87 c7", "xchg between registers" },
	{ "48 0f b1 c8", "cmpxchg between registers" },
	{ "80 c8 01", "or to a register" },
	{ "0f ba e8 05", "bts on a register" },
	{ "0f c7 c8", "cmpxchg8b register form" },
	{ "0f 01 ff", "mod 3 rm 7 under 0f 01 /7 (tlbsync), not invlpg" },
	{ "0f 01 d0", "xgetbv: does not trap" },
	{ "0f 01 c8", "monitor" },
	{ "0f 01 fa", "monitorx" },
	{ "0f 01 07", "sgdt" },
	{ "0f 00 c0", "sldt" },
	{ "0f 01 e0", "smsw" },
	{ "48 8b 07", "mov load: reads do not fault on read-only pages" },
	{ "48 a3 00 00 00 00 00 00 00 00", "movabs store" },
	{ "48 01 07", "add to memory" },
	{ "f0 80 07 01", "lock add" },
	{ "80 3f 01", "cmp with memory (no write)" },
	{ "f0 0f ba 27 05", "lock bt (no write)" },
	{ "f0 48 0f ab 07", "lock bts with a register bit offset" },
	{ "f0 48 0f c1 07", "lock xadd" },
	{ "82 0f 01", "0x82: invalid in 64-bit mode" },
	{ "48 ab", "stosq" },
	{ "f3 48 a5", "rep movsq" },
	{ "0f c3 07", "movnti" },
	{ "0f 20 00", "mov from cr with mod 0 (the CPU ignores mod; we refuse it)" },
	{ "0f 22 40 10", "mov to cr with mod 1" },
	{ "0f 20 c8", "mov from cr1" },
	{ "0f 20 e8", "mov from cr5" },
	{ "0f 22 f8", "mov to cr7" },
	{ "44 0f 20 c8", "mov from cr9" },
	{ "44 0f 22 f8", "mov to cr15" },
	{ "44 0f 21 c0", "mov from dr8" },
	{ "44 0f 23 f8", "mov to dr15" },
	{ "c4 e2 79 18 07", "VEX3: vbroadcastss" },
	{ "c5 f8 77", "VEX2: vzeroupper" },
	{ "62 f1 7c 48 11 07", "EVEX: vmovups" },
	{ "8f e9 78 c1 c0", "XOP" },
	{ "8f 07", "pop to memory (0x8f, refused with XOP)" },
	{ "0f 38 00 07", "three-byte map 0f 38" },
	{ "0f 3a 0f c1 08", "three-byte map 0f 3a" },
	{ "ce", "into: invalid in 64-bit mode" },
	{ "f1", "int1 (icebp)" },
	{ "9d", "popf: never traps in ring 3" },
	{ "9c", "pushf" },
	{ "d6", "undefined" },
	{ "0f 0b 90", "plain ud2" },
	{ "0f 0b 78 90", "ud2 then 'x' only" },
	{ "0f 0b 78 65 6e 90", "Xen prefix then nop" },
	{ "0f 0b 78 65 6e 0f 31", "Xen prefix then rdtsc (Xen emulates cpuid only)" },
	{ "0f 0b 78 65 6e 66 0f a2", "Xen prefix then a prefixed cpuid" },
	{ "66 0f 0b 78 65 6e 0f a2", "a prefix before the Xen prefix" },
	{ "48 0f 0b 78 65 6e 0f a2", "REX before the Xen prefix" },
	{ "0f 0b 58 45 4e 0f a2", "\"XEN\" in upper case" },
	{ "f3 0f 1e fa", "endbr64" },
	{ "0f 05", "syscall" },
};

/* ---- accepted forms ------------------------------------------------------- */

static void check_ok_case(const struct ok_case *c)
{
	static const uint8_t fills[] = { 0x00, 0x90, 0xcc, 0x0f, 0x66, 0xff };
	uint8_t bytes[INSN_MAX_LEN], padded[INSN_MAX_LEN];
	struct insn insn, again;
	char got[256];
	size_t n, i;

	n = parse_hex(c->hex, bytes, sizeof(bytes));
	if (decode_exact(&insn, bytes, n) != INSN_OK) {
		fail_msg("%s (%s): refused", c->dis, c->hex);
	}
	describe(&insn, got, sizeof(got));
	if (strcmp(got, c->want) != 0) {
		fail_msg("%s (%s):\n  got  %s\n  want %s", c->dis, c->hex, got, c->want);
	}
	/* Whatever follows the instruction must not change the result. */
	for (i = 0; i < sizeof(fills); i++) {
		memset(padded, fills[i], sizeof(padded));
		memcpy(padded, bytes, n);
		assert_int_equal(decode_exact(&again, padded, sizeof(padded)), INSN_OK);
		assert_true(insn_same(&insn, &again));
	}
}

static void test_accepts_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		check_ok_case(&ok_cases[i]);
	}
}

/* A copy cut short anywhere inside a supported instruction is "truncated". */
static void test_truncated_at_every_length(void **state)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	size_t i, n, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		n = parse_hex(ok_cases[i].hex, bytes, sizeof(bytes));
		for (k = 0; k < n; k++) {
			if (decode_exact(&insn, bytes, k) != INSN_ETRUNCATED) {
				fail_msg("%s cut to %zu bytes: not truncated", ok_cases[i].dis, k);
			}
			assert_reset(&insn);
		}
	}
}

/* Each kind the API names is reached by at least one row of the table. */
static void test_every_kind_covered(void **state)
{
	bool seen[INSN_KIND_COUNT] = { false };
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	size_t i, n;
	int k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		n = parse_hex(ok_cases[i].hex, bytes, sizeof(bytes));
		assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
		seen[insn.kind] = true;
	}
	assert_int_equal(decode_exact(&insn, (const uint8_t *)"\x0f\x0b" "xen\x0f\xa2", 7), INSN_OK);
	seen[insn.kind] = true;
	for (k = INSN_UNKNOWN + 1; k < INSN_KIND_COUNT; k++) {
		if (!seen[k]) {
			fail_msg("no test decodes to %s", insn_kind_name((enum insn_kind)k));
		}
	}
}

/* ---- refusals ------------------------------------------------------------- */

static void test_rejects_table(void **state)
{
	uint8_t bytes[INSN_MAX_LEN], padded[INSN_MAX_LEN];
	struct insn insn;
	bool refused;
	size_t i, n, k;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		n = parse_hex(c->hex, bytes, sizeof(bytes));
		rc = decode_exact(&insn, bytes, n);
		if (rc != INSN_EUNSUPPORTED) {
			fail_msg("%s (%s): got %d", c->why, c->hex, rc);
		}
		assert_reset(&insn);
		memset(padded, 0x90, sizeof(padded));
		memcpy(padded, bytes, n);
		assert_int_equal(decode_exact(&insn, padded, sizeof(padded)), INSN_EUNSUPPORTED);
		/* Shorter copies: truncated until the refusing byte, refused after. */
		refused = false;
		for (k = 0; k < n; k++) {
			rc = decode_exact(&insn, bytes, k);
			assert_true(rc == INSN_ETRUNCATED || rc == INSN_EUNSUPPORTED);
			assert_false(refused && rc == INSN_ETRUNCATED);
			refused = rc == INSN_EUNSUPPORTED;
		}
	}
}

static void expect_rc(const char *hex, int want)
{
	uint8_t bytes[32];
	struct insn insn;
	size_t n;
	int rc;

	n = parse_hex(hex, bytes, sizeof(bytes));
	rc = decode_exact(&insn, bytes, n);
	if (rc != want) {
		fail_msg("\"%s\": got %d, want %d", hex, rc, want);
	}
}

/* Truncated only while the bytes could still begin something supported. */
static void test_truncated_or_refused_early(void **state)
{
	(void)state;
	expect_rc("", INSN_ETRUNCATED);
	expect_rc("f0", INSN_ETRUNCATED);
	expect_rc("66 67 64 f0", INSN_ETRUNCATED);
	expect_rc("48", INSN_ETRUNCATED);
	expect_rc("0f", INSN_ETRUNCATED);
	expect_rc("0f 01", INSN_ETRUNCATED);
	expect_rc("0f 0b", INSN_ETRUNCATED);
	expect_rc("0f 0b 78 65 6e 0f", INSN_ETRUNCATED);
	expect_rc("48 89 84 24 00 01", INSN_ETRUNCATED);
	expect_rc("cd", INSN_ETRUNCATED);
	/* Refused on the first byte that rules everything out. */
	expect_rc("c4", INSN_EUNSUPPORTED);
	expect_rc("c5", INSN_EUNSUPPORTED);
	expect_rc("62", INSN_EUNSUPPORTED);
	expect_rc("8f", INSN_EUNSUPPORTED);
	expect_rc("d6", INSN_EUNSUPPORTED);
	expect_rc("f0 f0", INSN_EUNSUPPORTED);
	expect_rc("48 48", INSN_EUNSUPPORTED);
	expect_rc("48 66", INSN_EUNSUPPORTED);
	expect_rc("0f 0b 90", INSN_EUNSUPPORTED);
	expect_rc("0f 05", INSN_EUNSUPPORTED);
	expect_rc("0f 01 d0", INSN_EUNSUPPORTED);
	expect_rc("f0 48 89", INSN_ETRUNCATED);	/* ModRM decides the form */
	expect_rc("f0 48 89 07", INSN_EUNSUPPORTED);
}

/* ---- the forced-emulation prefix ------------------------------------------ */

static void test_forced_cpuid(void **state)
{
	static const uint8_t sig[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2, 0x0f, 0x0b };
	struct insn insn;
	char got[128];
	size_t k;

	(void)state;
	assert_int_equal(decode_exact(&insn, sig, 7), INSN_OK);
	describe(&insn, got, sizeof(got));
	assert_string_equal(got, "forced_cpuid len=7");
	assert_int_equal(insn.opsize, 0);
	assert_false(insn.mem);
	/* The next instruction (another prefix here) is not part of it. */
	assert_int_equal(decode_exact(&insn, sig, sizeof(sig)), INSN_OK);
	assert_int_equal(insn.len, 7);
	for (k = 0; k < 7; k++) {
		assert_int_equal(decode_exact(&insn, sig, k), INSN_ETRUNCATED);
	}
}

/* ---- the 15-byte limit ---------------------------------------------------- */

static void test_length_limit(void **state)
{
	/* lock orl $0x12345678,%gs:0x11223344(%r12d,%r13d,8): 15 bytes. */
	static const char *longest =
		"65 67 f0 43 81 8c ec 44 33 22 11 78 56 34 12";
	uint8_t bytes[INSN_MAX_LEN], *heap;
	struct insn insn;
	size_t n;

	(void)state;
	n = parse_hex(longest, bytes, sizeof(bytes));
	assert_int_equal(n, INSN_MAX_LEN);
	assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
	assert_int_equal(insn.len, 15);
	/* A caller's count above 15 must not make it read a 16th byte. */
	heap = malloc(INSN_MAX_LEN);
	assert_non_null(heap);
	memcpy(heap, bytes, INSN_MAX_LEN);
	assert_int_equal(insn_decode(&insn, heap, 4096), INSN_OK);
	assert_int_equal(insn.len, 15);
	assert_int_equal(insn_decode(&insn, heap, SIZE_MAX), INSN_OK);
	free(heap);
	assert_int_equal(decode_exact(&insn, bytes, 14), INSN_ETRUNCATED);
}

/* ---- addresses and operands ----------------------------------------------- */

static void test_effective_address_table(void **state)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn_regs r;
	struct insn insn;
	uint64_t ea;
	size_t i, n;

	(void)state;
	test_regs(&r);
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		n = parse_hex(ok_cases[i].hex, bytes, sizeof(bytes));
		assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
		ea = 0;
		assert_int_equal(insn_effective_address(&insn, &r, &ea), insn.mem);
		if (ea != ok_cases[i].ea) {
			fail_msg("%s: address %#llx, want %#llx", ok_cases[i].dis,
				 (unsigned long long)ea, (unsigned long long)ok_cases[i].ea);
		}
	}
}

static uint64_t ea_of(const char *hex, const struct insn_regs *r)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	uint64_t ea = 0;
	size_t n;

	n = parse_hex(hex, bytes, sizeof(bytes));
	assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
	assert_true(insn_effective_address(&insn, r, &ea));
	return ea;
}

static void test_effective_address_edges(void **state)
{
	struct insn_regs r;
	struct insn insn;
	uint64_t ea = 0x55;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* movl %eax,0x1(%eax): the 32-bit sum wraps to 0, then zero-extends. */
	r.gpr[0] = 0x12345678ffffffffULL;
	assert_int_equal(ea_of("67 89 40 01", &r), 0);
	/* ... and FS's base is added after the wrap. */
	r.fs_base = 0x7f0000001000ULL;
	assert_int_equal(ea_of("64 67 89 40 01", &r), 0x7f0000001000ULL);
	/* movq %rax,(%rax,%rcx,8): 64-bit arithmetic wraps modulo 2^64. */
	r.gpr[0] = 1;
	r.gpr[1] = 0x2000000000000000ULL;
	assert_int_equal(ea_of("48 89 04 c8", &r), 1);
	/* movq %rax,-0x8(%rdi) with rdi = 4: below zero wraps too. */
	r.gpr[7] = 4;
	assert_int_equal(ea_of("48 89 47 f8", &r), 0xfffffffffffffffcULL);
	/* movq $0x7fffffff,0x10(%rip): relative to the end, immediate included. */
	r.rip = 0x1000;
	assert_int_equal(ea_of("48 c7 05 10 00 00 00 ff ff ff 7f", &r), 0x1000 + 11 + 0x10);
	/* movl %eax,-0x10(%eip): EIP-relative, computed in 32 bits. */
	r.rip = 0x100000004ULL;
	assert_int_equal(ea_of("67 89 05 f0 ff ff ff", &r), 0xfffffffbULL);
	/* DS, CS, SS and ES overrides have no base in 64-bit mode. */
	r.gpr[7] = 0x1000;
	r.fs_base = 0xaaaa000;
	r.gs_base = 0xbbbb000;
	assert_int_equal(ea_of("3e 48 89 07", &r), 0x1000);
	assert_int_equal(ea_of("36 48 89 07", &r), 0x1000);
	assert_int_equal(ea_of("64 48 89 07", &r), 0xaaab000);
	assert_int_equal(ea_of("65 48 89 07", &r), 0xbbbc000);
	/* rep outsl %gs:(%esi),(%dx) and insb: the first element's address. */
	r.gpr[6] = 0xffffffff00000010ULL;
	assert_int_equal(ea_of("65 67 f3 6f", &r), 0xbbbb010);
	assert_int_equal(ea_of("6c", &r), 0x1000);
	/* No memory operand: false, *linear untouched. */
	assert_int_equal(decode_exact(&insn, (const uint8_t *)"\x0f\xa2", 2), INSN_OK);
	assert_false(insn_effective_address(&insn, &r, &ea));
	assert_int_equal(ea, 0x55);
}

static void test_gpr_access(void **state)
{
	uint64_t g[16];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		g[i] = 0x1122334455667788ULL + i;
	}
	assert_int_equal(insn_gpr_read(g, 0, false, 1), 0x88);
	assert_int_equal(insn_gpr_read(g, 0, false, 2), 0x7788);
	assert_int_equal(insn_gpr_read(g, 0, false, 4), 0x55667788);
	assert_int_equal(insn_gpr_read(g, 0, false, 8), 0x1122334455667788ULL);
	assert_int_equal(insn_gpr_read(g, 4, true, 1), 0x77);	/* ah */
	assert_int_equal(insn_gpr_read(g, 7, true, 1), 0x77);	/* bh */
	assert_int_equal(insn_gpr_read(g, 4, false, 1), 0x8c);	/* spl */
	assert_int_equal(insn_gpr_read(g, 15, false, 1), 0x97);	/* r15b */
	assert_int_equal(insn_gpr_read(g, 17, false, 8), g[1]);	/* masked */

	insn_gpr_write(g, 0, false, 4, 0xffffffffaabbccddULL);
	assert_int_equal(g[0], 0xaabbccddULL);	/* 32-bit writes zero-extend */
	g[1] = 0x1122334455667788ULL;
	insn_gpr_write(g, 1, false, 2, 0xeeff);
	assert_int_equal(g[1], 0x112233445566eeffULL);
	insn_gpr_write(g, 1, false, 1, 0x1234);
	assert_int_equal(g[1], 0x112233445566ee34ULL);
	insn_gpr_write(g, 5, true, 1, 0xab);	/* ch */
	assert_int_equal(g[1], 0x112233445566ab34ULL);
	insn_gpr_write(g, 5, false, 1, 0xcd);	/* bpl */
	assert_int_equal(g[5] & 0xffff, ((0x7788 + 5) & 0xff00) | 0xcd);
	insn_gpr_write(g, 9, false, 8, 0x0123456789abcdefULL);
	assert_int_equal(g[9], 0x0123456789abcdefULL);
}

static uint64_t src_of(const char *hex, const uint64_t g[16])
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	size_t n;

	n = parse_hex(hex, bytes, sizeof(bytes));
	assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
	return insn_src_value(&insn, g);
}

static void test_src_value(void **state)
{
	uint64_t g[16] = { 0 };

	(void)state;
	g[0] = 0xfedcba9876543210ULL;
	g[8] = 0x1ff;
	assert_int_equal(src_of("48 89 07", g), 0xfedcba9876543210ULL);	/* movq %rax */
	assert_int_equal(src_of("89 07", g), 0x76543210);			/* movl %eax */
	assert_int_equal(src_of("88 27", g), 0x32);				/* movb %ah */
	assert_int_equal(src_of("44 88 07", g), 0xff);				/* movb %r8b */
	assert_int_equal(src_of("c7 07 ff ff ff ff", g), 0xffffffff);		/* movl $-1 */
	assert_int_equal(src_of("48 c7 07 ff ff ff ff", g), ~0ULL);		/* movq $-1 */
	assert_int_equal(src_of("66 c7 07 fe ff", g), 0xfffe);			/* movw */
	assert_int_equal(src_of("f0 48 83 27 df", g), 0xffffffffffffffdfULL);	/* andq $-0x21 */
	assert_int_equal(src_of("f0 80 27 fd", g), 0xfd);			/* andb $0xfd */
	assert_int_equal(src_of("f0 0f b0 37", g), 0);				/* cmpxchg %dh */
	assert_int_equal(src_of("f0 0f c7 0f", g), 0);				/* cmpxchg8b */
	assert_int_equal(src_of("f0 48 0f ba 2f 05", g), 0);			/* bts: no source */
	assert_int_equal(src_of("0f a2", g), 0);
}

static void test_kind_names(void **state)
{
	const char *names[INSN_KIND_COUNT];
	int k, j;

	(void)state;
	for (k = 0; k < INSN_KIND_COUNT; k++) {
		names[k] = insn_kind_name((enum insn_kind)k);
		assert_non_null(names[k]);
		assert_string_not_equal(names[k], "invalid");
		for (j = 0; j < k; j++) {
			assert_string_not_equal(names[j], names[k]);
		}
	}
	assert_string_equal(insn_kind_name(INSN_KIND_COUNT), "invalid");
	assert_string_equal(insn_kind_name((enum insn_kind)1000), "invalid");
	assert_string_equal(insn_kind_name(INSN_MEM_STORE), "mem_store");
	assert_string_equal(insn_kind_name(INSN_FORCED_CPUID), "forced_cpuid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_table),
		cmocka_unit_test(test_truncated_at_every_length),
		cmocka_unit_test(test_every_kind_covered),
		cmocka_unit_test(test_rejects_table),
		cmocka_unit_test(test_truncated_or_refused_early),
		cmocka_unit_test(test_forced_cpuid),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_effective_address_table),
		cmocka_unit_test(test_effective_address_edges),
		cmocka_unit_test(test_gpr_access),
		cmocka_unit_test(test_src_value),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
