/*
 * Guest kernel and guest user mode. Both run in ring 3; what differs is the
 * page-table root (kernel_root or user_root, each an L4 the memory model
 * validated) and the GS base, which the guest kernel switches with what it
 * believes is swapgs. Also the virtual register state a vCPU switch must
 * carry: FS and GS bases, debug registers, the virtual CR0.TS.
 * While the hypervisor runs, the guest's active GS base sits in
 * MSR_KERNEL_GS_BASE (our entry did swapgs); the inactive one in pv state.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <public/callback.h>
#include <public/errno.h>

static bool running_on_cpu(const struct vcpu *v)
{
	return cpu0_info.current == v;
}

void pv_load_cr3(struct vcpu *v)
{
	mfn_t root = v->pv.kernel_mode ? v->pv.kernel_root : v->pv.user_root;

	BUG_ON(mfn_x(root) == INVALID_MFN_RAW);
	if (read_cr3() != (mfn_x(root) << PAGE_SHIFT)) {
		write_cr3(mfn_x(root) << PAGE_SHIFT);
	}
}

void pv_toggle_guest_mode(struct vcpu *v)
{
	/* Keep the outgoing mode's GS base, load the incoming one's. */
	if (v->pv.kernel_mode) {
		v->pv.gs_base_kernel = rdmsr(MSR_KERNEL_GS_BASE);
		wrmsr(MSR_KERNEL_GS_BASE, v->pv.gs_base_user);
	} else {
		v->pv.gs_base_user = rdmsr(MSR_KERNEL_GS_BASE);
		wrmsr(MSR_KERNEL_GS_BASE, v->pv.gs_base_kernel);
	}
	v->pv.kernel_mode = !v->pv.kernel_mode;
	pv_load_cr3(v);
	/* A runstate copy that faulted under the user tables is retried now. */
	if (v->pv.kernel_mode) {
		runstate_retry(v);
	}
}

#define SEG_READ(seg, out) __asm__ volatile("movw %%" seg ", %0" : "=r"(out))

/*
 * Load a data selector the guest had; one that does not load under the
 * next vCPU's GDT (it may have changed) becomes null rather than a fault in
 * the hypervisor: the exception table sends #GP/#NP to the fallback.
 */
#define SEG_LOAD_SAFE(seg, sel)                                                  \
	__asm__ volatile("1: movw %w0, %%" seg "\n\t"                            \
			 "jmp 3f\n"                                                \
			 "2: movw %w1, %%" seg "\n"                                \
			 "3:\n"                                                    \
			 ".pushsection .ex_table, \"a\"\n\t.quad 1b, 2b\n.popsection" \
			 :                                                         \
			 : "r"(sel), "r"(0)                                        \
			 : "memory")

static void load_data_selectors(const struct vcpu *v)
{
	SEG_LOAD_SAFE("ds", v->pv.sel_ds);
	SEG_LOAD_SAFE("es", v->pv.sel_es);
	SEG_LOAD_SAFE("fs", v->pv.sel_fs);
	/* Loading %gs rewrites the active GS base, which is ours while in the
	 * hypervisor: put it back right after (interrupts are off). */
	SEG_LOAD_SAFE("gs", v->pv.sel_gs);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&cpu0_info);
}

void pv_state_save(struct vcpu *v)
{
	SEG_READ("ds", v->pv.sel_ds);
	SEG_READ("es", v->pv.sel_es);
	SEG_READ("fs", v->pv.sel_fs);
	SEG_READ("gs", v->pv.sel_gs);
	v->pv.fs_base = rdmsr(MSR_FS_BASE);
	if (v->pv.kernel_mode) {
		v->pv.gs_base_kernel = rdmsr(MSR_KERNEL_GS_BASE);
	} else {
		v->pv.gs_base_user = rdmsr(MSR_KERNEL_GS_BASE);
	}
}

static void load_debugregs(const struct vcpu *v)
{
	const uint64_t *dr = v->pv.debugreg;
	uint64_t dr2 = dr[2], dr3 = dr[3], dr7 = dr[7] ? dr[7] : 0x400ULL;

	entry_db_selftest_regs(&dr2, &dr3, &dr7);	/* selftest=entry-db only */
	__asm__ volatile("mov %0, %%db0" : : "r"(dr[0]));
	__asm__ volatile("mov %0, %%db1" : : "r"(dr[1]));
	__asm__ volatile("mov %0, %%db2" : : "r"(dr2));
	__asm__ volatile("mov %0, %%db3" : : "r"(dr3));
	__asm__ volatile("mov %0, %%db6" : : "r"(dr[6] ? dr[6] : 0xffff0ff0ULL));
	__asm__ volatile("mov %0, %%db7" : : "r"(dr7));
}

static void set_cr0_ts(bool on)
{
	if (on) {
		uint64_t cr0;

		__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
		__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 8));
	} else {
		__asm__ volatile("clts");
	}
}

void pv_state_load(struct vcpu *v)
{
	gdt_load_guest(v->arch.gdt, v->arch.gdt_nr);
	ldt_load_guest(v->arch.ldt_ents);
	/* Selectors first: loading %fs/%gs resets their bases. */
	load_data_selectors(v);
	wrmsr(MSR_FS_BASE, v->pv.fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, v->pv.kernel_mode ? v->pv.gs_base_kernel : v->pv.gs_base_user);
	load_debugregs(v);
	set_cr0_ts(v->pv.fpu_ts);
	pv_load_cr3(v);
}

void arch_pv_fpu_taskswitch(struct vcpu *curr)
{
	if (running_on_cpu(curr)) {
		set_cr0_ts(curr->pv.fpu_ts);
	}
}

void arch_pv_load_debugregs(struct vcpu *curr)
{
	if (running_on_cpu(curr)) {
		load_debugregs(curr);
	}
}

int arch_pv_set_segment_base(struct vcpu *curr, unsigned int which, uint64_t value)
{
	switch (which) {
	case SEGBASE_FS:
		wrmsr(MSR_FS_BASE, value);
		curr->pv.fs_base = value;
		return 0;
	case SEGBASE_GS_KERNEL:
		curr->pv.gs_base_kernel = value;
		if (curr->pv.kernel_mode) {
			wrmsr(MSR_KERNEL_GS_BASE, value);
		}
		return 0;
	case SEGBASE_GS_USER:
		curr->pv.gs_base_user = value;
		if (!curr->pv.kernel_mode) {
			wrmsr(MSR_KERNEL_GS_BASE, value);
		}
		return 0;
	case SEGBASE_GS_USER_SEL: {
		/*
		 * Load the user GS selector; loading it resets the user GS base to
		 * the descriptor's, which is 0 for every selector a guest has now.
		 * Only null and our flat ring-3 data selector are valid here.
		 */
		uint16_t sel = (uint16_t)value;

		if (sel != 0 && sel != GUEST_DS32 && (sel & ~3U) != 0) {
			return -XEN_EINVAL;
		}
		curr->pv.gs_base_user = 0;
		if (!curr->pv.kernel_mode) {
			wrmsr(MSR_KERNEL_GS_BASE, 0);
		}
		return 0;
	}
	default:
		return -XEN_EINVAL;
	}
}
