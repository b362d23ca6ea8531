/*
 * rdmsr/wrmsr from a PV guest kernel. Only a small safe set is emulated: the
 * segment bases (Linux reads KERNEL_GS_BASE constantly), EFER and PAT as the
 * host has them (read-only), the TSC. Anything else raises #GP in the guest,
 * which is what Linux's rdmsr_safe/wrmsr_safe probes expect.
 */
#include <arch/cpu.h>
#include <arch/pv.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <public/callback.h>

#define MSR_IA32_TSC 0x10

static bool canonical(uint64_t a)
{
	/* cppcheck-suppress incorrectLogicOperator ; false: cppcheck 2.10 misreads 0xffff8000... */
	return a < 0x0000800000000000ULL || a >= 0xffff800000000000ULL;
}

bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_FS_BASE:
		*val = rdmsr(MSR_FS_BASE);
		return true;
	case MSR_GS_BASE:
		/* The active base: it sits in MSR_KERNEL_GS_BASE while we run. */
		*val = rdmsr(MSR_KERNEL_GS_BASE);
		return true;
	case MSR_KERNEL_GS_BASE:
		*val = v->pv.kernel_mode ? v->pv.gs_base_user : v->pv.gs_base_kernel;
		return true;
	case MSR_EFER:
		*val = rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | (1ULL << 10) | EFER_NXE);
		return true;
	case MSR_PAT:
		*val = rdmsr(MSR_PAT);
		return true;
	case MSR_IA32_TSC:
		*val = rdtsc();
		return true;
	default:
		return false;
	}
}

bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_FS_BASE:
		return canonical(val) && arch_pv_set_segment_base(v, SEGBASE_FS, val) == 0;
	case MSR_GS_BASE:
		return canonical(val) &&
		       arch_pv_set_segment_base(v, v->pv.kernel_mode ? SEGBASE_GS_KERNEL
								     : SEGBASE_GS_USER,
						val) == 0;
	case MSR_KERNEL_GS_BASE:
		/* From kernel mode this is the user base (swapgs's other half). */
		return canonical(val) && v->pv.kernel_mode &&
		       arch_pv_set_segment_base(v, SEGBASE_GS_USER, val) == 0;
	case MSR_EFER:
	case MSR_PAT: {
		uint64_t cur;

		/* Writing back what it read is fine; changing it is not. */
		return pv_rdmsr(v, msr, &cur) && cur == val;
	}
	default:
		return false;
	}
}
