/*
 * Xen's CPUID interface for PV guests: the forced-emulation prefix that
 * makes a PV kernel's CPUID trap to the hypervisor, and the hypervisor
 * leaves at 0x40000000. Numbers are facts of Xen's ABI
 * (xen/include/public/arch-x86/xen.h and arch-x86/cpuid.h); the text is ours.
 */
#ifndef MOAT_PUBLIC_CPUID_H
#define MOAT_PUBLIC_CPUID_H

/*
 * "ud2; .ascii \"xen\"" before an instruction: the #UD it raises is taken by
 * the hypervisor, which emulates the instruction that follows (CPUID) and
 * resumes after it. Bytes 0f 0b 78 65 6e, then 0f a2 for cpuid.
 */
#define XEN_EMULATE_PREFIX_BYTES 0x0f, 0x0b, 0x78, 0x65, 0x6e
#define XEN_EMULATE_PREFIX_LEN   5

#define XEN_CPUID_FIRST_LEAF 0x40000000U
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))

/* Leaf 0: eax = the largest Xen leaf, ebx:ecx:edx = "XenVMMXenVMM". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558U	/* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4dU	/* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eU	/* "nVMM" */

/* Leaf 1: eax = major << 16 | minor (as XENVER_version). */
/* Leaf 2: eax = hypercall pages (1), ebx = base of Xen's MSRs, ecx/edx features. */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1U << 0)

#endif /* MOAT_PUBLIC_CPUID_H */
