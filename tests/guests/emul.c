/*
 * emul: what a PV kernel gets by trapping to the hypervisor for emulation:
 * CPUID through the forced-emulation prefix (Xen's leaves at 0x40000000),
 * RDMSR/WRMSR of MSRs the ABI lets a PV kernel use and #GP for unknown
 * ones, reads of CR0, CR2, CR3 and CR4, CLTS, moves to and from debug
 * registers (DR6 and DR7 start at their reset values 0xffff0ff0 and 0x400),
 * and CLI/STI, which need a virtual IOPL (physdev set_iopl).
 *
 * What Xen 4.17 does with CLI/STI at IOPL 1 (no fault, the event mask left
 * unchanged) is printed but not checked: Moat may emulate them as masking.
 *
 * Keys: name. Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"

const char guest_image[] = "emul";

static void test_cpuid(void)
{
	struct cpuid_regs r = xen_cpuid(XEN_CPUID_FIRST_LEAF, 0);
	long ver = hyp_xen_version(XENVER_version, NULL);

	test_check(r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
		   r.edx == XEN_CPUID_SIGNATURE_EDX, "cpuid_signature",
		   "0x40000000: ebx 0x%x ecx 0x%x edx 0x%x ('%.4s%.4s%.4s')", r.ebx, r.ecx, r.edx,
		   (const char *)&r.ebx, (const char *)&r.ecx, (const char *)&r.edx);
	test_check(r.eax >= XEN_CPUID_LEAF(2) && r.eax < XEN_CPUID_LEAF(0x100), "cpuid_max_leaf",
		   "0x40000000: eax 0x%x (Xen 4.17: 0x40000005)", r.eax);
	r = xen_cpuid(XEN_CPUID_LEAF(1), 0);
	test_check((long)r.eax == ver, "cpuid_version", "0x40000001: eax 0x%x, xen_version 0x%lx",
		   r.eax, ver);
	r = xen_cpuid(XEN_CPUID_LEAF(2), 0);
	test_check(r.eax == 1, "cpuid_hypercall_pages",
		   "0x40000002: eax %u pages, msr base 0x%x, features 0x%x 0x%x",
		   r.eax, r.ebx, r.ecx, r.edx);
	r = xen_cpuid(0, 0);
	test_check(r.eax >= 1 && r.ebx != 0, "cpuid_leaf0", "max leaf 0x%x vendor '%.4s%.4s%.4s'",
		   r.eax, (const char *)&r.ebx, (const char *)&r.edx, (const char *)&r.ecx);
	r = xen_cpuid(1, 0);
	test_check(r.ecx & (1U << 31), "cpuid_hypervisor_bit", "leaf 1 ecx 0x%x", r.ecx);
}

/* rdmsr/wrmsr that may #GP: the trap (if any) lands in rt_last_trap. */
static uint64_t rdmsr_try(uint32_t msr, bool *faulted)
{
	uint32_t lo = 0, hi = 0;

	rt_trap_reset();
	__asm__ volatile(RT_TRY("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*faulted = rt_last_trap.count != 0;
	return ((uint64_t)hi << 32) | lo;
}

static bool wrmsr_try(uint32_t msr, uint64_t v)
{
	rt_trap_reset();
	__asm__ volatile(RT_TRY("wrmsr") : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
	return rt_last_trap.count == 0;
}

static uint64_t fs_word(void)
{
	uint64_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v) : : "memory");
	return v;
}

static uint64_t gs_word(void)
{
	uint64_t v;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(v) : : "memory");
	return v;
}

static void test_msrs(void)
{
	static uint64_t fs_target = 0x46534653aa55aa55ULL, gs_target = 0x4753475355aa55aaULL;
	bool f;
	uint64_t v;
	long rc;

	v = rdmsr_try(MSR_EFER, &f);
	test_check(!f && (v & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "rdmsr_efer",
		   "EFER 0x%lx%s", (unsigned long)v, f ? " (#GP)" : "");

	rc = hyp_set_segment_base(SEGBASE_FS, (uint64_t)&fs_target);
	v = rdmsr_try(MSR_FS_BASE, &f);
	test_check(rc == 0 && !f && v == (uint64_t)&fs_target && fs_word() == fs_target,
		   "fs_base", "set_segment_base rc %ld, rdmsr 0x%lx, %%fs:0 0x%lx", rc,
		   (unsigned long)v, (unsigned long)fs_word());
	rc = hyp_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)&gs_target);
	v = rdmsr_try(MSR_GS_BASE, &f);
	test_check(rc == 0 && !f && v == (uint64_t)&gs_target && gs_word() == gs_target,
		   "gs_base_kernel", "set_segment_base rc %ld, rdmsr 0x%lx, %%gs:0 0x%lx", rc,
		   (unsigned long)v, (unsigned long)gs_word());
	/* The user GS base is what a kernel sees as KERNEL_GS_BASE (swapgs). */
	rc = hyp_set_segment_base(SEGBASE_GS_USER, 0x12345000);
	v = rdmsr_try(MSR_KERNEL_GS_BASE, &f);
	test_check(rc == 0 && !f && v == 0x12345000, "gs_base_user_msr",
		   "set_segment_base rc %ld, rdmsr KERNEL_GS_BASE 0x%lx", rc, (unsigned long)v);
	f = !wrmsr_try(MSR_KERNEL_GS_BASE, 0x6789a000);
	v = f ? 0 : rdmsr_try(MSR_KERNEL_GS_BASE, &f);
	test_check(!f && v == 0x6789a000, "wrmsr_kernel_gs_base", "read back 0x%lx%s",
		   (unsigned long)v, f ? " (#GP)" : "");
	hyp_set_segment_base(SEGBASE_FS, 0);
	hyp_set_segment_base(SEGBASE_GS_KERNEL, 0);
	hyp_set_segment_base(SEGBASE_GS_USER, 0);

	v = rdmsr_try(0x12345678U, &f);
	test_check(f && rt_last_trap.vector == X86_EXC_GP && rt_last_trap.error_code == 0,
		   "rdmsr_unknown_gp", "MSR 0x12345678: vector %u err 0x%lx", rt_last_trap.vector,
		   (unsigned long)rt_last_trap.error_code);
	f = !wrmsr_try(0x12345678U, 0);
	test_check(f && rt_last_trap.vector == X86_EXC_GP, "wrmsr_unknown_gp",
		   "MSR 0x12345678: vector %u", rt_last_trap.vector);
}

static uint64_t read_cr(int n, bool *faulted)
{
	uint64_t v = 0;

	rt_trap_reset();
	switch (n) {
	case 0:
		__asm__ volatile(RT_TRY("movq %%cr0, %0") : "+r"(v) : : "memory");
		break;
	case 2:
		__asm__ volatile(RT_TRY("movq %%cr2, %0") : "+r"(v) : : "memory");
		break;
	case 3:
		__asm__ volatile(RT_TRY("movq %%cr3, %0") : "+r"(v) : : "memory");
		break;
	default:
		__asm__ volatile(RT_TRY("movq %%cr4, %0") : "+r"(v) : : "memory");
		break;
	}
	*faulted = rt_last_trap.count != 0;
	return v;
}

static void test_control_registers(void)
{
	bool f;
	uint64_t cr0, cr3, cr4, cr0_ts;
	long rc;

	cr0 = read_cr(0, &f);
	test_check(!f && (cr0 & (X86_CR0_PE | X86_CR0_PG)) == (X86_CR0_PE | X86_CR0_PG) &&
		   !(cr0 & X86_CR0_TS), "cr0_read", "CR0 0x%lx%s", (unsigned long)cr0,
		   f ? " (#GP)" : "");
	cr3 = read_cr(3, &f);
	test_check(!f && cr3 >> 12 == rt_l4_mfn, "cr3_read", "CR3 0x%lx, root mfn 0x%lx",
		   (unsigned long)cr3, (unsigned long)rt_l4_mfn);
	cr4 = read_cr(4, &f);
	test_check(!f && (cr4 & 0x20), "cr4_read", "CR4 0x%lx (PAE 0x20)", (unsigned long)cr4);

	rc = hyp_fpu_taskswitch(1);
	cr0_ts = read_cr(0, &f);
	test_check(rc == 0 && !f && (cr0_ts & X86_CR0_TS), "cr0_ts_after_fpu_taskswitch",
		   "rc %ld CR0 0x%lx", rc, (unsigned long)cr0_ts);
	rt_trap_reset();
	__asm__ volatile(RT_TRY("clts") : : : "memory");
	cr0 = read_cr(0, &f);
	test_check(rt_last_trap.count == 0 && !(cr0 & X86_CR0_TS), "clts_emulated",
		   "CR0 0x%lx after clts", (unsigned long)cr0);
}

static void test_debug_registers(void)
{
	uint64_t v = 0, dr6 = 0, dr7 = 0;
	long rc, rc6, rc7;

	/* Nothing has written them yet: the architectural reset values. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %%dr6, %0") : "+r"(dr6) : : "memory");
	__asm__ volatile(RT_TRY("movq %%dr7, %0") : "+r"(dr7) : : "memory");
	rc6 = hyp_get_debugreg(6);
	rc7 = hyp_get_debugreg(7);
	test_check(rt_last_trap.count == 0 && dr6 == 0xffff0ff0 && dr7 == 0x400 &&
		   rc6 == 0xffff0ff0 && rc7 == 0x400, "dr6_dr7_reset_values",
		   "mov: dr6 0x%lx dr7 0x%lx; get_debugreg: dr6 0x%lx dr7 0x%lx (want 0xffff0ff0, "
		   "0x400); traps %u", (unsigned long)dr6, (unsigned long)dr7, (unsigned long)rc6,
		   (unsigned long)rc7, rt_last_trap.count);

	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, %%dr0") : : "r"((uint64_t)_image_start) : "memory");
	__asm__ volatile(RT_TRY("movq %%dr0, %0") : "+r"(v) : : "memory");
	rc = hyp_get_debugreg(0);
	test_check(rt_last_trap.count == 0 && v == (uint64_t)_image_start &&
		   rc == (long)(uint64_t)_image_start, "dr0_mov_emulated",
		   "mov dr0: 0x%lx, get_debugreg 0x%lx, traps %u", (unsigned long)v,
		   (unsigned long)rc, rt_last_trap.count);
	hyp_set_debugreg(0, 0);
}

static void test_cli_sti(void)
{
	struct physdev_set_iopl io = { .iopl = 1 };
	uint8_t before, after_cli, after_sti;
	long rc;

	rt_trap_reset();
	__asm__ volatile(RT_TRY("cli") : : : "memory");
	test_check(rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_GP, "cli_iopl0_gp",
		   "vector %u count %u", rt_last_trap.vector, rt_last_trap.count);

	rc = hyp_physdev_op(PHYSDEVOP_set_iopl, &io);
	test_check(rc == 0, "set_iopl_1", "rc %ld", rc);
	before = rt_events_mask(0);
	rt_trap_reset();
	__asm__ volatile(RT_TRY("cli") : : : "memory");
	after_cli = rt_vcpu_info()->evtchn_upcall_mask;
	__asm__ volatile(RT_TRY("sti") : : : "memory");
	after_sti = rt_vcpu_info()->evtchn_upcall_mask;
	test_check(rt_last_trap.count == 0, "cli_sti_iopl1", "no fault (traps %u)",
		   rt_last_trap.count);
	rt_printf("%s: at IOPL 1, cli left the upcall mask at %u, sti at %u "
		  "(Xen 4.17: 0 and 0, the mask is not touched)\n", rt_guest_name,
		  after_cli, after_sti);
	rt_events_mask(before);
	io.iopl = 0;
	hyp_physdev_op(PHYSDEVOP_set_iopl, &io);
}

void guest_main(void)
{
	long rc = rt_traps_init();

	test_check(rc == 0, "set_trap_table", "rc %ld", rc);
	if (rc) {
		return;
	}
	test_cpuid();
	test_msrs();
	test_control_registers();
	test_debug_registers();
	test_cli_sti();
}
