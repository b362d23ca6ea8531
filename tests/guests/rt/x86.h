/*
 * Architectural x86-64 facts the test guests use: exception vectors, page-
 * table entry bits, RFLAGS bits, and small instruction wrappers. Some of the
 * instructions (rdmsr, wrmsr, reads of control registers, cli/sti) are
 * privileged: in a PV guest they trap to the hypervisor, which emulates them
 * or bounces a #GP to the guest's handler. Nothing here is Xen-specific.
 */
#ifndef GUEST_RT_X86_H
#define GUEST_RT_X86_H

#include <stdint.h>

/* Exception vectors. */
#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_NMI 2
#define X86_EXC_BP  3
#define X86_EXC_OF  4
#define X86_EXC_BR  5
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_DF  8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19
#define X86_NR_EXC  20

/* Exceptions that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC. */
#define X86_EXC_HAVE_EC ((1U << 8) | (1U << 10) | (1U << 11) | (1U << 12) | \
			 (1U << 13) | (1U << 14) | (1U << 17))

/* Page-fault error code bits. */
#define PFEC_PRESENT 0x01U
#define PFEC_WRITE   0x02U
#define PFEC_USER    0x04U
#define PFEC_RSVD    0x08U
#define PFEC_INSN    0x10U

/* Page-table entry bits. */
#define PTE_P    0x001ULL
#define PTE_RW   0x002ULL
#define PTE_US   0x004ULL
#define PTE_PWT  0x008ULL
#define PTE_PCD  0x010ULL
#define PTE_A    0x020ULL
#define PTE_D    0x040ULL
#define PTE_PSE  0x080ULL
#define PTE_G    0x100ULL
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* What the test guests map with: data, read-only, and table links. */
#define PTE_DATA (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define PTE_RO   (PTE_P | PTE_US | PTE_A)
#define PTE_LINK (PTE_P | PTE_RW | PTE_US | PTE_A)

#define PT_SHIFT(level) (12 + 9 * ((level) - 1))
#define PT_INDEX(va, level) (((va) >> PT_SHIFT(level)) & 511)

/* RFLAGS. */
#define X86_EFLAGS_CF   0x00000001UL
#define X86_EFLAGS_MBS  0x00000002UL	/* must be set */
#define X86_EFLAGS_TF   0x00000100UL
#define X86_EFLAGS_IF   0x00000200UL
#define X86_EFLAGS_IOPL 0x00003000UL
#define X86_EFLAGS_NT   0x00004000UL
#define X86_EFLAGS_RF   0x00010000UL
#define X86_EFLAGS_AC   0x00040000UL

#define X86_CR0_PE 0x00000001UL
#define X86_CR0_TS 0x00000008UL
#define X86_CR0_PG 0x80000000UL

/* MSRs. */
#define MSR_EFER           0xc0000080U
#define MSR_FS_BASE        0xc0000100U
#define MSR_GS_BASE        0xc0000101U
#define MSR_KERNEL_GS_BASE 0xc0000102U
#define EFER_SCE 0x001ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* CPUID through Xen's forced-emulation prefix: the hypervisor's view. */
static inline struct cpuid_regs xen_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "0"(leaf), "2"(subleaf) : "memory");
	return r;
}

/* A plain CPUID: executes natively on the CPU in a PV guest. */
static inline struct cpuid_regs native_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "0"(leaf), "2"(subleaf) : "memory");
	return r;
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

#endif /* GUEST_RT_X86_H */
