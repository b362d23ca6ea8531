/*
 * CPUID as a PV guest sees it through the forced-emulation prefix: the
 * host's leaves with what a PV guest must not use hidden (virtualization,
 * MONITOR, x2APIC, TSC-deadline, XSAVE/AVX, whose state our fxsave-based
 * switch would not carry between guests, 1 GiB pages, RDTSCP), the
 * hypervisor bit set, and Xen's leaves 0x40000000-0x40000005 so a Xen
 * guest finds the hypervisor it expects.
 */
#include <arch/cpu.h>
#include <arch/pv.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>

#define XEN_LEAF_BASE 0x40000000U
#define XEN_LEAF_LAST 0x40000005U

/* Leaf 1 ECX / EDX bits hidden from guests. */
#define L1_ECX_HIDE ((1U << 3) | (1U << 5) | (1U << 6) | (1U << 12) | (1U << 21) | \
		     (1U << 24) | (1U << 26) | (1U << 27) | (1U << 28) | (1U << 29))
#define L1_ECX_HYPERVISOR (1U << 31)
#define L1_EDX_HIDE ((1U << 1) | (1U << 3) | (1U << 7) | (1U << 12) | (1U << 14) | \
		     (1U << 21) | (1U << 22) | (1U << 29))
/* Leaf 7.0 EBX: keep what needs no extra state or privilege. */
#define L7_EBX_KEEP ((1U << 0) | (1U << 3) | (1U << 7) | (1U << 8) | (1U << 9) | \
		     (1U << 18) | (1U << 19) | (1U << 23) | (1U << 29))
/* Leaf 0x80000001: hide SVM (ECX 2), 1 GiB pages and RDTSCP (EDX 26, 27). */
#define LX1_ECX_HIDE (1U << 2)
#define LX1_EDX_HIDE ((1U << 26) | (1U << 27))

static void xen_leaf(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	*a = *b = *c = *d = 0;
	switch (leaf - XEN_LEAF_BASE) {
	case 0:
		*a = XEN_LEAF_LAST;
		*b = 0x566e6558;	/* "XenV" */
		*c = 0x65584d4d;	/* "MMXe" */
		*d = 0x4d4d566e;	/* "nVMM" */
		break;
	case 1:
		*a = (4U << 16) | 17U;	/* the Xen ABI version we speak */
		break;
	case 2:
		*a = 1;			/* hypercall pages */
		*b = XEN_LEAF_BASE;	/* MSR base for the hypercall page */
		break;
	case 3:
		/* Time: TSC mode 0 (native), the TSC frequency in kHz. */
		*c = (uint32_t)arch_tsc_khz();
		break;
	default:
		break;
	}
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
	      uint32_t *c, uint32_t *d)
{
	(void)v;
	if (leaf >= XEN_LEAF_BASE && leaf <= XEN_LEAF_BASE + 0xffff) {
		xen_leaf(leaf, a, b, c, d);
		return;
	}
	cpuid(leaf, sub, a, b, c, d);
	switch (leaf) {
	case 1:
		*c = (*c & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
		*d &= ~L1_EDX_HIDE;
		/* One logical CPU per package, APIC id 0: the guest's vCPU view. */
		*b &= 0x0000ffffU;
		break;
	case 7:
		if (sub == 0) {
			*a = 0;
			*b &= L7_EBX_KEEP;
			*c = 0;
			*d = 0;
		} else {
			*a = *b = *c = *d = 0;
		}
		break;
	case 0xd:
		/* No XSAVE for guests (hidden in leaf 1). */
		*a = *b = *c = *d = 0;
		break;
	case 0x80000001:
		*c &= ~LX1_ECX_HIDE;
		*d &= ~LX1_EDX_HIDE;
		break;
	default:
		break;
	}
}
