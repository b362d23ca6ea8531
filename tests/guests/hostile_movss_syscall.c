/*
 * hostile_movss_syscall: the MOV SS class (CVE-2018-8897). `mov ss` delays
 * debug exceptions, a data breakpoint on its own memory operand included,
 * until after the next instruction. When that instruction is `syscall` (or
 * int3), real CPUs deliver the #DB in ring 0 on the first instruction of
 * the hypervisor's entry, before it has switched to its own stack: with
 * the rsp this guest chose. A hypervisor that takes #DB on the current
 * stack then writes its exception frame wherever that rsp points (its own
 * memory) or, rsp unmapped, double-faults.
 *
 * Steps:
 *  1. a read/write breakpoint on the word `mov ss` loads, armed with
 *     set_debugreg; `mov ss; syscall` (xen_version) and `mov ss; int3`;
 *  2. the same breakpoint armed by `mov %rax,%dr0/%dr7` (emulated);
 *  3. `syscall` with rsp in the hypervisor's direct map, 0 and
 *     non-canonical, no breakpoint armed (a hostile rsp with the breakpoint
 *     armed kills the domain on a CPU that delivers the #DB early, as QEMU
 *     does: the #DB is then the guest's and is bounced to that rsp);
 *     with selftest=entry-db the hypervisor arms an instruction breakpoint
 *     on its SYSCALL entry, which puts the #DB exactly where real CPUs
 *     deliver the deferred one, with these rsp values.
 * The hypervisor must stay up, every hypercall must return its result, and
 * the breakpoint, wherever it is delivered, must not disturb the guest. On
 * QEMU the #DB comes early, in guest mode (PV-NOTES.md), and is counted.
 *
 * Keys: name, attack=yes (step 3 with the breakpoint armed: on QEMU the
 * domain must then be killed alone).
 */
#include "hostile.h"

const char guest_image[] = "hostile_movss_syscall";

#define DR7_L0        0x1ULL
#define DR7_RW0_RW    (3ULL << 16)	/* break on data reads or writes */
#define DR7_LEN0_2    (1ULL << 18)	/* two bytes */
#define DR7_WATCH_SS  (DR7_L0 | DR7_RW0_RW | DR7_LEN0_2)

/* The word `mov ss` reads: the guest kernel's own stack selector. */
static volatile uint16_t ss_word __attribute__((aligned(8))) = FLAT_KERNEL_SS64;
uint64_t hms_saved_rsp;

static volatile unsigned int db_count;
static volatile uint64_t db_rip, db_dr6;

static void db_handler(struct rt_regs *r)
{
	db_count++;
	db_rip = r->rip;
	db_dr6 = (uint64_t)hyp_get_debugreg(6);
	hyp_set_debugreg(6, 0);
}

static void bp_handler(struct rt_regs *r)
{
	rt_trap_record_only(r);
}

/* mov ss from the watched word, then syscall: xen_version(XENVER_version). */
static long movss_syscall(void)
{
	long rax = __HYPERVISOR_xen_version;

	__asm__ volatile("xorl %%edi, %%edi\n\t"
			 "xorl %%esi, %%esi\n\t"
			 "movw ss_word(%%rip), %%ss\n\t"
			 "syscall\n\t"
			 : "+a"(rax) : : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10",
			   "memory");
	return rax;
}

static void movss_int3(void)
{
	__asm__ volatile("movw ss_word(%%rip), %%ss\n\t"
			 "int3\n\t" : : : "memory");
}

/* syscall (xen_version) with rsp = bad, after mov ss if watch. */
static long syscall_with_rsp(uint64_t bad, bool watch)
{
	long rax = __HYPERVISOR_xen_version;

	if (watch) {
		__asm__ volatile("movq %%rsp, hms_saved_rsp(%%rip)\n\t"
				 "xorl %%edi, %%edi\n\t"
				 "xorl %%esi, %%esi\n\t"
				 "movq %[bad], %%rsp\n\t"
				 "movw ss_word(%%rip), %%ss\n\t"
				 "syscall\n\t"
				 "movq hms_saved_rsp(%%rip), %%rsp\n\t"
				 : "+a"(rax) : [bad] "r"(bad)
				 : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory");
	} else {
		__asm__ volatile("movq %%rsp, hms_saved_rsp(%%rip)\n\t"
				 "xorl %%edi, %%edi\n\t"
				 "xorl %%esi, %%esi\n\t"
				 "movq %[bad], %%rsp\n\t"
				 "syscall\n\t"
				 "movq hms_saved_rsp(%%rip), %%rsp\n\t"
				 : "+a"(rax) : [bad] "r"(bad)
				 : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory");
	}
	return rax;
}

static void run_round(const char *how, long want)
{
	unsigned int before = db_count;
	long got = movss_syscall();

	test_check(got == want, "movss_syscall", "%s: mov ss; syscall returned 0x%lx (xen_version "
		   "0x%lx); #DB in guest mode: %u (rip 0x%lx dr6 0x%lx)", how, (unsigned long)got,
		   (unsigned long)want, db_count - before, (unsigned long)db_rip,
		   (unsigned long)db_dr6);
	rt_trap_reset();
	movss_int3();
	test_check(rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_BP, "movss_int3",
		   "%s: mov ss; int3 came back as #BP (%u trap(s), vector %u)", how,
		   rt_last_trap.count, rt_last_trap.vector);
}

void guest_main(void)
{
	static const uint64_t bad_rsp[] = { HV_DIRECT, 0, 0x0000800000000000ULL };
	char attack[8] = "no";
	long want, rc0, rc7;
	uint64_t dr7 = DR7_WATCH_SS;

	cmdline_get("attack", attack, sizeof(attack));
	if (!test_check(rt_traps_init() == 0, "set_trap_table", "trap table registered")) {
		return;
	}
	rt_trap_set_handler(X86_EXC_DB, db_handler);
	rt_trap_set_handler(X86_EXC_BP, bp_handler);
	/* No event may be bounced onto a hostile rsp below. */
	rt_events_mask(1);
	want = hyp_xen_version(XENVER_version, NULL);

	/* 1. Armed with set_debugreg. */
	rc0 = hyp_set_debugreg(0, (uint64_t)&ss_word);
	rc7 = hyp_set_debugreg(7, DR7_WATCH_SS);
	test_check(rc0 == 0 && rc7 == 0, "set_debugreg", "dr0 = &ss_word: %ld, dr7 = 0x%lx: %ld",
		   rc0, (unsigned long)DR7_WATCH_SS, rc7);
	run_round("set_debugreg", want);
	hyp_set_debugreg(7, 0);

	/* 2. Armed by emulated moves to the debug registers. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, %%dr0") : : "r"((uint64_t)&ss_word) : "memory");
	__asm__ volatile(RT_TRY("movq %0, %%dr7") : : "r"(dr7) : "memory");
	test_check(rt_last_trap.count == 0 && hyp_get_debugreg(7) == (long)(dr7 | 0x400),
		   "mov_dr7", "dr7 read back 0x%lx, traps %u", (unsigned long)hyp_get_debugreg(7),
		   rt_last_trap.count);
	run_round("mov to dr7", want);

	/* 3. Hostile stack pointers at the SYSCALL entry. */
	if (strcmp(attack, "yes") == 0) {
		fatal_step("mov ss (watched); syscall with rsp in the hypervisor's direct map");
		syscall_with_rsp(HV_DIRECT, true);
		survived("a #DB bounced onto a hypervisor rsp");
		return;
	}
	hyp_set_debugreg(7, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_rsp); i++) {
		long got = syscall_with_rsp(bad_rsp[i], false);

		test_check(got == want, "hostile_rsp", "syscall with rsp 0x%lx returned 0x%lx",
			   (unsigned long)bad_rsp[i], (unsigned long)got);
	}
	rt_events_mask(0);
	hyp_set_debugreg(0, 0);
}
