/*
 * hostile_emul_bypass: what a domain the policy denies set_debugreg,
 * get_debugreg, set_segment_base, fpu_taskswitch and mmu_update tries
 * through instruction emulation instead: mov to/from %db0 and %db7, wrmsr
 * to FS_BASE, GS_BASE and KERNEL_GS_BASE, clts, mov to %cr0, and a plain
 * store into its own read-only L1 page table (writable page tables).
 *
 * expect=denied (labelled untrusted_t): each must fault as on hardware, a
 * #GP(0) at the instruction (a #PF for the page-table store), and leave the
 * state as it was (read back with what stays ungated: rdmsr, mov from %cr0,
 * the table through its read-only mapping). expect=allowed (domU_t): each
 * must take effect without a fault. Either way the ungated emulation
 * (rdmsr, mov from %cr0, forced cpuid) keeps working.
 *
 * It needs set_trap_table and iret (to catch the faults) and vm_assist (to
 * turn on writable page tables): the test policy variant `emul` gives
 * untrusted_t these three and nothing else (policy/test/README.md). No
 * shared_info mapping, no callbacks. Keys: name, expect=denied|allowed.
 *
 * traps=no (under the default policy, where untrusted_t may not even
 * register a trap table): one mov to %db0 and nothing else; the #GP it must
 * get has no handler and kills the domain. Surviving it is a FAIL.
 */
#include "hostile.h"

const char guest_image[] = "hostile_emul_bypass";

static bool denied;

/* Vectors 0-19 through the runtime's stubs, and nothing else. */
static struct trap_info table[X86_NR_EXC + 1];

static void traps_minimal(void)
{
	unsigned int n = 0;

	for (unsigned int v = 0; v < X86_NR_EXC; v++) {
		table[n++] = (struct trap_info){
			.vector = (uint8_t)v, .flags = 4, .cs = FLAT_KERNEL_CS64,
			.address = rt_trap_stub(v),
		};
	}
	table[n] = (struct trap_info){ .address = 0 };
	if (rt_traps_set(table) != 0) {
		test_fail("set_trap_table", "refused: the emul policy variant must allow it");
		test_end();
	}
}

/* The fault expected for one attempt: #GP(0) when denied, none when allowed. */
static bool faulted_as_expected(const char *check, unsigned int vec, const char *what)
{
	if (denied) {
		return test_check(rt_last_trap.count == 1 && rt_last_trap.vector == vec &&
				  (vec != X86_EXC_GP || rt_last_trap.error_code == 0), check,
				  "%s: %u trap(s), vector %u, error code 0x%lx (want #%s%s)", what,
				  rt_last_trap.count, rt_last_trap.vector,
				  (unsigned long)rt_last_trap.error_code,
				  vec == X86_EXC_GP ? "GP" : "PF", vec == X86_EXC_GP ? "(0)" : "");
	}
	return test_check(rt_last_trap.count == 0, check, "%s: %u trap(s) (vector %u)", what,
			  rt_last_trap.count, rt_last_trap.vector);
}

static uint64_t rdmsr_plain(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;

	rt_trap_reset();
	__asm__ volatile(RT_TRY("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	return rt_last_trap.count ? ~0ULL : ((uint64_t)hi << 32) | lo;
}

static void wrmsr_try(uint32_t msr, uint64_t v)
{
	rt_trap_reset();
	__asm__ volatile(RT_TRY("wrmsr") : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)) : "memory");
}

static uint64_t cr0_read(void)
{
	uint64_t v = 0;

	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %%cr0, %0") : "+r"(v) : : "memory");
	return rt_last_trap.count ? ~0ULL : v;
}

static volatile uint64_t watched;

static void test_debugregs(void)
{
	uint64_t addr = (uint64_t)&watched, v = 0, dr7 = 0x400 | 1;	/* L0, execute */

	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, %%db0") : : "r"(addr) : "memory");
	faulted_as_expected("dr0_write", X86_EXC_GP, "mov %rax,%db0");
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %%db0, %0") : "+r"(v) : : "memory");
	faulted_as_expected("dr0_read", X86_EXC_GP, "mov %db0,%rax");
	if (!denied) {
		test_check(v == addr, "dr0_value", "0x%lx (want 0x%lx)", (unsigned long)v,
			   (unsigned long)addr);
	}
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, %%db7") : : "r"(dr7) : "memory");
	faulted_as_expected("dr7_write", X86_EXC_GP, "mov %rax,%db7");
	v = 0;
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %%db7, %0") : "+r"(v) : : "memory");
	faulted_as_expected("dr7_read", X86_EXC_GP, "mov %db7,%rax");
	if (!denied) {
		test_check((v & 0xff) == 1, "dr7_value", "0x%lx", (unsigned long)v);
		/* Leave nothing armed. */
		__asm__ volatile("movq %0, %%db7" : : "r"(0x400UL) : "memory");
		__asm__ volatile("movq %0, %%db0" : : "r"(0UL) : "memory");
	}
}

/* Each base MSR: the write faults (denied) or lands (allowed); rdmsr,
 * which stays ungated, tells which. */
static void test_segment_bases(void)
{
	static const struct {
		const char *check;
		uint32_t msr;
	} msrs[] = {
		{ "wrmsr_fs_base", MSR_FS_BASE },
		{ "wrmsr_gs_base", MSR_GS_BASE },
		{ "wrmsr_kernel_gs_base", MSR_KERNEL_GS_BASE },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
		uint64_t before = rdmsr_plain(msrs[i].msr), want = 0x5a5a000ULL + i * 0x1000, after;
		char check[40];

		test_check(before != ~0ULL, "rdmsr_ungated", "msr 0x%x readable", msrs[i].msr);
		wrmsr_try(msrs[i].msr, want);
		faulted_as_expected(msrs[i].check, X86_EXC_GP, msrs[i].check);
		after = rdmsr_plain(msrs[i].msr);
		rt_snprintf(check, sizeof(check), "%s_value", msrs[i].check);
		test_check(after == (denied ? before : want), check, "0x%lx -> 0x%lx",
			   (unsigned long)before, (unsigned long)after);
		if (!denied) {
			wrmsr_try(msrs[i].msr, before);
		}
	}
}

static void test_cr0_ts(void)
{
	uint64_t cr0 = cr0_read(), after;

	test_check(cr0 != ~0ULL && !(cr0 & X86_CR0_TS), "cr0_read_ungated", "CR0 0x%lx",
		   (unsigned long)cr0);
	/* mov to %cr0 setting TS: fpu_taskswitch(1) by another name. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, %%cr0") : : "r"(cr0 | X86_CR0_TS) : "memory");
	faulted_as_expected("cr0_write_ts", X86_EXC_GP, "mov %rax,%cr0 (TS)");
	after = cr0_read();
	test_check(denied ? !(after & X86_CR0_TS) : (after & X86_CR0_TS) != 0, "cr0_ts_value",
		   "CR0 0x%lx", (unsigned long)after);
	/* clts: fpu_taskswitch(0) by another name. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("clts") : : : "memory");
	faulted_as_expected("clts", X86_EXC_GP, "clts");
	after = cr0_read();
	test_check(!(after & X86_CR0_TS), "clts_value", "CR0 0x%lx", (unsigned long)after);
}

/* A page of its own to remap, and its L1 entry through the read-only
 * linear view of the bootstrap tables. */
static uint8_t scratch[RT_PAGE_SIZE] __attribute__((aligned(RT_PAGE_SIZE)));

static void test_pt_write(void)
{
	uint64_t va = (uint64_t)scratch, ma, before, after, want;
	const uint64_t *view;
	volatile uint64_t *pte;
	long rc;

	scratch[0] = 1;
	rc = hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	if (!test_check(rc == 0, "vm_assist", "writable_pagetables: rc %ld", rc)) {
		return;
	}
	ma = rt_pte_maddr(va, 1);
	view = ma ? rt_table_view(ma >> 12) : NULL;
	if (!test_check(view != NULL, "l1_view", "L1 entry of %p at maddr 0x%lx", scratch,
			(unsigned long)ma)) {
		return;
	}
	pte = (volatile uint64_t *)((uint64_t)view + (ma & 0xfff));
	before = *pte;
	/* Read-only now: a change mmu_update would make, and check. */
	want = before & ~(uint64_t)PTE_RW;
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"(want), "r"(pte) : "memory");
	faulted_as_expected("pt_write", X86_EXC_PF, "store into its read-only L1");
	after = *pte;
	test_check(after == (denied ? before : want), "pt_write_value", "entry 0x%lx -> 0x%lx",
		   (unsigned long)before, (unsigned long)after);
	if (!denied && after == want) {
		/* Writable again, by the same path. */
		rt_trap_reset();
		__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"(before), "r"(pte) : "memory");
		test_check(rt_last_trap.count == 0 && *pte == before, "pt_write_restore",
			   "entry 0x%lx", (unsigned long)*pte);
	}
}

void guest_main(void)
{
	char mode[16] = "denied", traps[8] = "yes";
	struct cpuid_regs c;

	cmdline_get("traps", traps, sizeof(traps));
	if (strcmp(traps, "no") == 0) {
		fatal_step("mov %rax,%db0 with set_debugreg denied and no trap table");
		__asm__ volatile("movq %0, %%db0" : : "r"((uint64_t)&watched) : "memory");
		survived("mov %rax,%db0 with set_debugreg denied");
		return;
	}
	cmdline_get("expect", mode, sizeof(mode));
	if (strcmp(mode, "denied") != 0 && strcmp(mode, "allowed") != 0) {
		test_fail("args", "expect=%s: want denied or allowed", mode);
		return;
	}
	denied = strcmp(mode, "denied") == 0;
	rt_printf("%s: emulated twins of gated hypercalls must be %s\n", rt_guest_name, mode);
	traps_minimal();
	rt_mm_init();
	c = xen_cpuid(XEN_CPUID_FIRST_LEAF, 0);
	test_check(c.ebx == XEN_CPUID_SIGNATURE_EBX, "cpuid_ungated", "leaf 0x40000000 ebx 0x%x",
		   c.ebx);
	test_debugregs();
	test_segment_bases();
	test_cr0_ts();
	test_pt_write();
}
