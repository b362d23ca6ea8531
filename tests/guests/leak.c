/*
 * leak: one of a pair of domains (leak_a, leak_b) that must never see each
 * other's register state. Each round a domain fills every register it can
 * reach with markers of its own (the domain's tag in the top 16 bits, what
 * the register is, the round):
 *
 *   - the 15 general registers other than %rsp;
 *   - %xmm0-%xmm15, MXCSR, the x87 control word and an integer in st(0);
 *   - the FS base and both GS bases (set_segment_base), each pointing at a
 *     word of its own image whose contents say which base it is;
 *   - %ds and %es: FLAT_RING3_DS32 for role a, the null selector for role b;
 *   - DR0-DR3 (set_debugreg) at addresses in its own image, DR7 left alone
 *     (no breakpoint enabled).
 *
 * Then it gives the CPU away: `yields` sched_op yields (each one a switch to
 * the other domain when it is runnable), and a spin that makes no hypercall
 * with all 15 general registers loaded until the timer preempts it (seen
 * as a change of the runstate area's state_entry_time). After every yield
 * and every spin chunk it reads everything back: a value that is not its
 * own marker is a FAIL line naming the register, the value and whether it
 * is the other domain's marker. The FS/GS bases are read both through the
 * segment (%fs:0, %gs:0) and with rdmsr, the debug registers both with
 * get_debugreg and with mov from %dbN (both emulated).
 *
 * SSE needs CR4.OSFXSR, which only the hypervisor sets: if stmxcsr or movdqu
 * raise #UD, `sse_usable` FAILs and the xmm/MXCSR checks are skipped (the
 * x87 ones, also in the fxsave area, still run).
 *
 * Both domains run the same image at the same addresses, so the address
 * markers of the two roles are different words of the one image: an FS
 * base leaked from the other domain reads the other role's tag from our
 * own copy.
 *
 * Keys: name, role=a|b, rounds (default 200), yields (per round, default
 * 20), chunk (spin iterations per chunk, default 500000: about 1 ms under
 * TCG with icount), chunks (most chunks per round, default 40).
 * Pure PV64 ABI, but only meaningful as a pair (Moat boots both).
 */
#include "rt.h"
#include "hyp.h"
#include "traps.h"
#include "x86.h"
#include <public/callback.h>
#include <public/vcpu.h>

const char guest_image[] = "leak";

#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- what the assembly routines load and store -------------------------- */

#define NGPR 15
static const char *const gpr_names[NGPR] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
enum { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15 };

/* Referenced by name from the assembly below (so not static). */
uint64_t leak_gpr_in[NGPR], leak_gpr_out[NGPR];
uint64_t leak_xmm_in[32] __attribute__((aligned(16)));
uint64_t leak_xmm_out[32] __attribute__((aligned(16)));
uint32_t leak_mxcsr_in, leak_mxcsr_out;
uint16_t leak_fcw_in, leak_fcw_out;
uint64_t leak_st0_in, leak_st0_out;
uint64_t leak_spin_left;

/* Load all 15 GPRs, spin leak_spin_left times with no register in use, store. */
void leak_spin_regs(void);
/* Load all 15 GPRs, %rdi = SCHEDOP_yield, sched_op through the hypercall page, store. */
void leak_yield_regs(void);
/* fninit, then load the x87 control word and st(0). */
void leak_x87_load(void);
/* Store them (st(0) through a copy, so the stack stays as it is). */
void leak_x87_peek(void);
/* Load / store xmm0-15 and MXCSR. */
void leak_sse_load(void);
void leak_sse_peek(void);

#define LOAD_GPRS(a)                                 \
	"	movq " a "+0(%rip), %rax\n"          \
	"	movq " a "+8(%rip), %rbx\n"          \
	"	movq " a "+16(%rip), %rcx\n"         \
	"	movq " a "+24(%rip), %rdx\n"         \
	"	movq " a "+32(%rip), %rsi\n"         \
	"	movq " a "+40(%rip), %rdi\n"         \
	"	movq " a "+48(%rip), %rbp\n"         \
	"	movq " a "+56(%rip), %r8\n"          \
	"	movq " a "+64(%rip), %r9\n"          \
	"	movq " a "+72(%rip), %r10\n"         \
	"	movq " a "+80(%rip), %r11\n"         \
	"	movq " a "+88(%rip), %r12\n"         \
	"	movq " a "+96(%rip), %r13\n"         \
	"	movq " a "+104(%rip), %r14\n"        \
	"	movq " a "+112(%rip), %r15\n"
#define STORE_GPRS(a)                                \
	"	movq %rax, " a "+0(%rip)\n"          \
	"	movq %rbx, " a "+8(%rip)\n"          \
	"	movq %rcx, " a "+16(%rip)\n"         \
	"	movq %rdx, " a "+24(%rip)\n"         \
	"	movq %rsi, " a "+32(%rip)\n"         \
	"	movq %rdi, " a "+40(%rip)\n"         \
	"	movq %rbp, " a "+48(%rip)\n"         \
	"	movq %r8, " a "+56(%rip)\n"          \
	"	movq %r9, " a "+64(%rip)\n"          \
	"	movq %r10, " a "+72(%rip)\n"         \
	"	movq %r11, " a "+80(%rip)\n"         \
	"	movq %r12, " a "+88(%rip)\n"         \
	"	movq %r13, " a "+96(%rip)\n"         \
	"	movq %r14, " a "+104(%rip)\n"        \
	"	movq %r15, " a "+112(%rip)\n"
#define PUSH_CALLEE "	pushq %rbx\n	pushq %rbp\n	pushq %r12\n	pushq %r13\n" \
	"	pushq %r14\n	pushq %r15\n"
#define POP_CALLEE "	popq %r15\n	popq %r14\n	popq %r13\n	popq %r12\n" \
	"	popq %rbp\n	popq %rbx\n"

#define XMM_LOAD(i)  "	movdqu leak_xmm_in+" STR(i) "*16(%rip), %xmm" STR(i) "\n"
#define XMM_STORE(i) "	movdqu %xmm" STR(i) ", leak_xmm_out+" STR(i) "*16(%rip)\n"
#define XMM_ALL(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) \
	m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)

/* The runtime is built without SSE, so everything touching the FPU and SSE
 * state is here, in assembly (SSE2 and x87 only: always there on x86-64). */
__asm__(
	"	.text\n"
	"	.globl leak_spin_regs\n"
	"	.type leak_spin_regs, @function\n"
	"leak_spin_regs:\n"
	PUSH_CALLEE
	LOAD_GPRS("leak_gpr_in")
	"1:	decq leak_spin_left(%rip)\n"
	"	jnz 1b\n"
	STORE_GPRS("leak_gpr_out")
	POP_CALLEE
	"	ret\n"
	"	.size leak_spin_regs, . - leak_spin_regs\n"

	"	.globl leak_yield_regs\n"
	"	.type leak_yield_regs, @function\n"
	"leak_yield_regs:\n"
	PUSH_CALLEE
	LOAD_GPRS("leak_gpr_in")
	"	movl $" STR(SCHEDOP_yield) ", %edi\n"
	"	call hypercall_page + (" STR(__HYPERVISOR_sched_op) " * 32)\n"
	STORE_GPRS("leak_gpr_out")
	POP_CALLEE
	"	ret\n"
	"	.size leak_yield_regs, . - leak_yield_regs\n"

	"	.globl leak_x87_load\n"
	"	.type leak_x87_load, @function\n"
	"leak_x87_load:\n"
	"	fninit\n"
	"	fldcw leak_fcw_in(%rip)\n"
	"	fildq leak_st0_in(%rip)\n"
	"	ret\n"
	"	.size leak_x87_load, . - leak_x87_load\n"

	"	.globl leak_x87_peek\n"
	"	.type leak_x87_peek, @function\n"
	"leak_x87_peek:\n"
	"	fnstcw leak_fcw_out(%rip)\n"
	"	fld %st(0)\n"
	"	fistpq leak_st0_out(%rip)\n"
	"	ret\n"
	"	.size leak_x87_peek, . - leak_x87_peek\n"

	"	.globl leak_sse_load\n"
	"	.type leak_sse_load, @function\n"
	"leak_sse_load:\n"
	"	ldmxcsr leak_mxcsr_in(%rip)\n"
	XMM_ALL(XMM_LOAD)
	"	ret\n"
	"	.size leak_sse_load, . - leak_sse_load\n"

	"	.globl leak_sse_peek\n"
	"	.type leak_sse_peek, @function\n"
	"leak_sse_peek:\n"
	XMM_ALL(XMM_STORE)
	"	stmxcsr leak_mxcsr_out(%rip)\n"
	"	ret\n"
	"	.size leak_sse_peek, . - leak_sse_peek\n");

/*
 * SSE needs CR4.OSFXSR, which only the hypervisor can set: without it every
 * SSE instruction raises #UD. Probe once (stmxcsr, movdqu) so a hypervisor
 * that leaves it clear gets one FAIL line and the other checks still run.
 */
static bool sse_usable(void)
{
	uint32_t mx = 0;
	uint64_t x[2];

	rt_trap_reset();
	__asm__ volatile(RT_TRY("stmxcsr %0") : "=m"(mx) : : "memory");
	__asm__ volatile(RT_TRY("movdqu %%xmm0, %0") : "=m"(x) : : "memory");
	return rt_last_trap.count == 0;
}
static bool have_sse;

/* ---- markers ----------------------------------------------------------- */

enum kind { K_GPR = 1, K_XMM, K_X87, K_BASE, K_DR };

/* Per role: the tag in the top 16 bits ("LA", "LB"), the selector for ds/es,
 * MXCSR (all exceptions masked, rounding down / up) and the x87 control word
 * (all masked, 64-bit precision, rounding down / up). */
static const uint16_t role_tag[2] = { 0x4c41, 0x4c42 };
static const uint16_t role_sel[2] = { FLAT_RING3_DS32, 0 };
static const uint32_t role_mxcsr[2] = { 0x3f80, 0x5f80 };
static const uint16_t role_fcw[2] = { 0x077f, 0x0b7f };

#define NSLOT 8
/* Words the FS and GS bases point at, [role][fs, gs kernel, gs user][slot],
 * and the debug-register targets, [role][dr][slot]. Both roles' words
 * exist in each image, with each role's tag. */
static uint64_t base_words[2][3][NSLOT];
static uint8_t dr_targets[2][4][NSLOT][8];
static const char *const base_names[3] = { "fs_base", "gs_base_kernel", "gs_base_user" };

static unsigned int role, other;
static uint32_t round;

static uint64_t marker_of(unsigned int r, enum kind k, unsigned int idx, uint32_t rnd)
{
	return ((uint64_t)role_tag[r] << 48) | ((uint64_t)k << 40) |
	       ((uint64_t)(idx & 0xff) << 32) | rnd;
}

static uint64_t marker(enum kind k, unsigned int idx)
{
	return marker_of(role, k, idx, round);
}

static uint64_t base_addr(unsigned int r, unsigned int which)
{
	return (uint64_t)(uintptr_t)&base_words[r][which][round % NSLOT];
}

static uint64_t dr_addr(unsigned int r, unsigned int dr)
{
	return (uint64_t)(uintptr_t)&dr_targets[r][dr][round % NSLOT][0];
}

static bool others_tag(uint64_t v)
{
	return (v >> 48) == role_tag[other];
}

/* Is v an address of the other role's base words or debug targets? */
static bool others_addr(uint64_t v)
{
	uint64_t b = (uint64_t)(uintptr_t)base_words[other];
	uint64_t d = (uint64_t)(uintptr_t)dr_targets[other];

	return (v >= b && v < b + sizeof(base_words[other])) ||
	       (v >= d && v < d + sizeof(dr_targets[other]));
}

/* ---- checking ------------------------------------------------------------ */

enum cls { C_GPR, C_XMM, C_FPU, C_SEG, C_BASE, C_DR, C_NR };
static const char *const cls_names[C_NR] = {
	"gprs", "xmm", "fpu_control", "segments", "segment_bases", "debugregs",
};
static uint64_t nbad[C_NR], nchecked[C_NR], nothers;
/* FAIL lines per class: a few examples each, the counts at the end. */
static unsigned int fail_lines[C_NR];
#define MAX_FAIL_LINES 6

static const char *phase;

static void bad(enum cls c, const char *reg, uint64_t got, uint64_t want, bool theirs)
{
	nbad[c]++;
	nothers += theirs;
	if (fail_lines[c] < MAX_FAIL_LINES) {
		fail_lines[c]++;
		test_fail(cls_names[c], "round %u after %s: %s = 0x%lx, want 0x%lx (%s)",
			  (unsigned int)round, phase, reg, (unsigned long)got, (unsigned long)want,
			  theirs ? "the OTHER domain's value" : "not ours");
	} else if (fail_lines[c] == MAX_FAIL_LINES) {
		fail_lines[c]++;
		rt_printf("%s: more %s mismatches not shown\n", rt_guest_name, cls_names[c]);
	}
}

/* Exact: our marker. */
static void expect(enum cls c, const char *reg, uint64_t got, uint64_t want, bool theirs)
{
	nchecked[c]++;
	if (got != want) {
		bad(c, reg, got, want, theirs);
	}
}

/* Registers the ABI lets a hypercall clobber: anything but the other's. */
static void expect_not_theirs(enum cls c, const char *reg, uint64_t got, uint64_t ours)
{
	nchecked[c]++;
	if (others_tag(got)) {
		bad(c, reg, got, ours, true);
	}
}

static uint64_t rdmsr64(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static uint16_t read_ds(void)
{
	uint16_t v;

	__asm__ volatile("mov %%ds, %0" : "=r"(v));
	return v;
}

static uint16_t read_es(void)
{
	uint16_t v;

	__asm__ volatile("mov %%es, %0" : "=r"(v));
	return v;
}

static uint16_t read_fs(void)
{
	uint16_t v;

	__asm__ volatile("mov %%fs, %0" : "=r"(v));
	return v;
}

static uint16_t read_gs(void)
{
	uint16_t v;

	__asm__ volatile("mov %%gs, %0" : "=r"(v));
	return v;
}

static uint64_t read_dr(unsigned int i)
{
	uint64_t v = 0;

	switch (i) {
	case 0: __asm__ volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%db2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%db3, %0" : "=r"(v)); break;
	default: break;
	}
	return v;
}

static uint16_t fs_sel0, gs_sel0;

enum gpr_mode { GPR_NONE, GPR_ALL, GPR_HYPERCALL };

static void check_gprs(enum gpr_mode mode)
{
	if (mode == GPR_NONE) {
		return;
	}
	for (unsigned int i = 0; i < NGPR; i++) {
		uint64_t got = leak_gpr_out[i];

		if (mode == GPR_HYPERCALL) {
			/* rax is the result; rdi the command; rdx, rsi, r8-r10 may be
			 * clobbered (argument registers). rcx and r11 come back through
			 * the stub's push/pop, the others are preserved. */
			if (i == RAX) {
				expect(C_GPR, "rax(yield rc)", got, 0, others_tag(got));
				continue;
			}
			if (i == RDI || i == RDX || i == RSI || i == R8 || i == R9 || i == R10) {
				expect_not_theirs(C_GPR, gpr_names[i], got, leak_gpr_in[i]);
				continue;
			}
		}
		expect(C_GPR, gpr_names[i], got, leak_gpr_in[i], others_tag(got));
	}
}

static void check_fpu(void)
{
	static const char *const xmm_names[32] = {
		"xmm0.lo", "xmm0.hi", "xmm1.lo", "xmm1.hi", "xmm2.lo", "xmm2.hi",
		"xmm3.lo", "xmm3.hi", "xmm4.lo", "xmm4.hi", "xmm5.lo", "xmm5.hi",
		"xmm6.lo", "xmm6.hi", "xmm7.lo", "xmm7.hi", "xmm8.lo", "xmm8.hi",
		"xmm9.lo", "xmm9.hi", "xmm10.lo", "xmm10.hi", "xmm11.lo", "xmm11.hi",
		"xmm12.lo", "xmm12.hi", "xmm13.lo", "xmm13.hi", "xmm14.lo", "xmm14.hi",
		"xmm15.lo", "xmm15.hi",
	};

	if (have_sse) {
		leak_sse_peek();
		for (unsigned int i = 0; i < 32; i++) {
			expect(C_XMM, xmm_names[i], leak_xmm_out[i], leak_xmm_in[i],
			       others_tag(leak_xmm_out[i]));
		}
		expect(C_FPU, "mxcsr", leak_mxcsr_out, leak_mxcsr_in,
		       leak_mxcsr_out == role_mxcsr[other]);
	}
	leak_x87_peek();
	expect(C_FPU, "x87_fcw", leak_fcw_out, leak_fcw_in, leak_fcw_out == role_fcw[other]);
	expect(C_FPU, "x87_st0", leak_st0_out, leak_st0_in, others_tag(leak_st0_out));
}

static void check_segments(void)
{
	uint16_t ds = read_ds(), es = read_es();

	expect(C_SEG, "ds", ds, role_sel[role], ds == role_sel[other]);
	expect(C_SEG, "es", es, role_sel[role], es == role_sel[other]);
	expect(C_SEG, "fs_selector", read_fs(), fs_sel0, false);
	expect(C_SEG, "gs_selector", read_gs(), gs_sel0, false);
}

static void check_bases(void)
{
	static const uint32_t msrs[3] = { MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE };
	char name[40];
	uint64_t v;

	for (unsigned int w = 0; w < 3; w++) {
		v = rdmsr64(msrs[w]);
		rt_snprintf(name, sizeof(name), "%s(rdmsr)", base_names[w]);
		expect(C_BASE, name, v, base_addr(role, w), others_addr(v));
	}
	/* Through the segments themselves: the word the base points at. */
	__asm__ volatile("movq %%fs:0, %0" : "=r"(v) : : "memory");
	expect(C_BASE, "fs_base(%fs:0)", v, base_words[role][0][round % NSLOT], others_tag(v));
	__asm__ volatile("movq %%gs:0, %0" : "=r"(v) : : "memory");
	expect(C_BASE, "gs_base_kernel(%gs:0)", v, base_words[role][1][round % NSLOT],
	       others_tag(v));
}

static void check_debugregs(void)
{
	char name[32];
	uint64_t v;
	long d7;

	for (unsigned int i = 0; i < 4; i++) {
		v = (uint64_t)hyp_get_debugreg((int)i);
		rt_snprintf(name, sizeof(name), "dr%u(get_debugreg)", i);
		expect(C_DR, name, v, dr_addr(role, i), others_addr(v));
		v = read_dr(i);
		rt_snprintf(name, sizeof(name), "dr%u(mov)", i);
		expect(C_DR, name, v, dr_addr(role, i), others_addr(v));
	}
	/* DR7: we never enable a breakpoint, nor may anyone else for us. */
	d7 = hyp_get_debugreg(7);
	nchecked[C_DR]++;
	if (d7 < 0 || (d7 & 0xff) != 0) {
		bad(C_DR, "dr7(enables)", (uint64_t)d7, 0, false);
	}
}

static void check_all(const char *what, enum gpr_mode mode)
{
	phase = what;
	check_gprs(mode);
	check_fpu();
	check_segments();
	check_bases();
	check_debugregs();
}

/* ---- a round ----------------------------------------------------------- */

static struct vcpu_runstate_info runstate;

static uint64_t switched_in_at(void)
{
	return ((volatile struct vcpu_runstate_info *)&runstate)->state_entry_time;
}

static void fill_words(void)
{
	for (unsigned int r = 0; r < 2; r++) {
		for (unsigned int w = 0; w < 3; w++) {
			for (unsigned int s = 0; s < NSLOT; s++) {
				base_words[r][w][s] = marker_of(r, K_BASE, w * NSLOT + s, 0);
			}
		}
	}
}

/* Returns the number of hypercalls that failed. */
static unsigned int set_markers(void)
{
	static const unsigned int which[3] = { SEGBASE_FS, SEGBASE_GS_KERNEL, SEGBASE_GS_USER };
	unsigned int failures = 0;
	long rc;

	for (unsigned int i = 0; i < NGPR; i++) {
		leak_gpr_in[i] = marker(K_GPR, i);
	}
	for (unsigned int i = 0; i < 32; i++) {
		leak_xmm_in[i] = marker(K_XMM, i);
	}
	leak_mxcsr_in = role_mxcsr[role];
	leak_fcw_in = role_fcw[role];
	/* Exact in the 64-bit x87 mantissa; positive, so fistp gives it back. */
	leak_st0_in = marker(K_X87, 0);

	for (unsigned int w = 0; w < 3; w++) {
		rc = hyp_set_segment_base(which[w], base_addr(role, w));
		if (rc != 0 && failures++ < 4) {
			test_fail("set_segment_base", "round %u %s: rc %ld", (unsigned int)round,
				  base_names[w], rc);
		}
	}
	for (unsigned int i = 0; i < 4; i++) {
		rc = hyp_set_debugreg((int)i, dr_addr(role, i));
		if (rc != 0 && failures++ < 4) {
			test_fail("set_debugreg", "round %u dr%u: rc %ld", (unsigned int)round, i, rc);
		}
	}
	__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es" : : "r"((uint32_t)role_sel[role]) : "memory");
	leak_x87_load();
	if (have_sse) {
		leak_sse_load();
	}
	return failures;
}

void guest_main(void)
{
	uint64_t rounds = cmdline_get_u64("rounds", 200);
	uint64_t yields = cmdline_get_u64("yields", 20);
	uint64_t chunk = cmdline_get_u64("chunk", 500000);
	uint64_t max_chunks = cmdline_get_u64("chunks", 40);
	struct vcpu_register_runstate_memory_area area = {
		.addr = (uint64_t)(uintptr_t)&runstate,
	};
	uint64_t switches = 0, preempted = 0, spins = 0, set_failures = 0;
	char role_buf[8] = "";
	long rc;

	if (!cmdline_get("role", role_buf, sizeof(role_buf)) ||
	    (strcmp(role_buf, "a") != 0 && strcmp(role_buf, "b") != 0)) {
		test_fail("role", "role=a or role=b expected, got '%s'", role_buf);
		return;
	}
	role = role_buf[0] == 'a' ? 0 : 1;
	other = 1 - role;
	if (chunk == 0) {
		chunk = 1;
	}

	rc = rt_traps_init();
	if (!test_check(rc == 0, "traps", "set_trap_table rc %ld", rc)) {
		return;
	}
	rc = hyp_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
	if (!test_check(rc == 0, "runstate_area", "rc %ld", rc)) {
		return;
	}
	have_sse = sse_usable();
	test_check(have_sse, "sse_usable", "stmxcsr/movdqu: %s",
		   have_sse ? "ok" : "#UD (CR4.OSFXSR clear?): xmm/MXCSR checks skipped");
	fill_words();
	fs_sel0 = read_fs();
	gs_sel0 = read_gs();
	rt_printf("%s: role %c, tag 0x%x, ds/es 0x%x, %lu rounds of %lu yields and a spin\n",
		  rt_guest_name, 'a' + role, role_tag[role], role_sel[role],
		  (unsigned long)rounds, (unsigned long)yields);

	for (round = 0; round < rounds; round++) {
		set_failures += set_markers();
		check_all("set", GPR_NONE);

		for (uint64_t y = 0; y < yields; y++) {
			uint64_t t0 = switched_in_at();

			leak_yield_regs();
			switches += switched_in_at() != t0;
			check_all("yield", GPR_HYPERCALL);
		}

		/* Spin, all GPRs loaded and no hypercall, until the timer takes
		 * the CPU away (the runstate area is rewritten on switch-in). */
		spins++;
		for (uint64_t c = 0; c < max_chunks; c++) {
			uint64_t t0 = switched_in_at();

			leak_spin_left = chunk;
			leak_spin_regs();
			check_all("spin", GPR_ALL);
			if (switched_in_at() != t0) {
				preempted++;
				break;
			}
		}
		if (rounds >= 4 && (round + 1) % (rounds / 4) == 0 && round + 1 < rounds) {
			rt_printf("%s: round %u/%lu, %lu yields switched, %lu spins preempted\n",
				  rt_guest_name, (unsigned int)round + 1, (unsigned long)rounds,
				  (unsigned long)switches, (unsigned long)preempted);
		}
	}

	test_check(set_failures == 0, "set_hypercalls", "%lu failed", (unsigned long)set_failures);
	for (unsigned int c = 0; c < C_NR; c++) {
		test_check(nbad[c] == 0, cls_names[c], "%lu checks, %lu mismatched",
			   (unsigned long)nchecked[c], (unsigned long)nbad[c]);
	}
	test_check(nothers == 0, "no_foreign_marker", "%lu values were the other domain's",
		   (unsigned long)nothers);
	/* Evidence that the checks saw switches at all: the other domain was
	 * running for part of the time, so some yields and spins switched. */
	test_check(switches > 0 && preempted > 0, "switched",
		   "%lu of %lu yields switched, %lu of %lu spins preempted",
		   (unsigned long)switches, (unsigned long)(rounds * yields),
		   (unsigned long)preempted, (unsigned long)spins);
	/* Leave nothing armed behind us. */
	for (unsigned int i = 0; i < 4; i++) {
		hyp_set_debugreg((int)i, 0);
	}
}
