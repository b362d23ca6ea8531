/* Thin wrappers over x86 instructions: ports, MSRs, control registers. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <hv/tlb_clock.h>
#include <hv/types.h>

#define MSR_EFER            0xc0000080
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_SFMASK          0xc0000084
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_KERNEL_GS_BASE  0xc0000102
#define MSR_APIC_BASE       0x0000001b
#define MSR_SYSENTER_CS     0x00000174
#define MSR_PAT             0x00000277

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_NXE (1ULL << 11)

#define X86_EFLAGS_IF   (1ULL << 9)
#define X86_EFLAGS_TF   (1ULL << 8)
#define X86_EFLAGS_DF   (1ULL << 10)
#define X86_EFLAGS_NT   (1ULL << 14)
#define X86_EFLAGS_AC   (1ULL << 18)
#define X86_EFLAGS_IOPL (3ULL << 12)
#define X86_EFLAGS_MBS  (1ULL << 1)

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)(v & 0xffffffffU)), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Without PCID, and with no global guest mappings (guests may not set G,
 * and CR4.PGE is off), a CR3 write drops every TLB and paging-structure-
 * cache entry of this CPU: a full flush, reported to the TLB-flush clock.
 * CPU 0: one CPU until SMP. */
static inline void write_cr3(uint64_t v)
{
	uint32_t t = tlb_clock_flush_begin();

	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
	tlb_clock_flush_done(0, t);
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Everything the arch layer shares between its own files. */
struct boot_info;
void serial_init(void);
void serial_putc(char c);
int serial_getc(void);
void paging_init(const struct boot_info *bi, uint64_t max_phys);
void *fixmap_map_mmio(uint64_t paddr);
void desc_init(void);
void traps_init(void);
void time_init(void);
void rtc_init(void);
void lapic_eoi(void);
void timer_interrupt(void);
uint64_t hv_image_phys_end(void);
void arch_set_stack_top(uint64_t top);
void *stack_map(unsigned int slot, const mfn_t *frames, unsigned int pages);
void stack_unmap_free(unsigned int slot, unsigned int pages);
uint64_t idle_cr3(void);
void gdt_area_map(unsigned int page, uint64_t phys, bool writable);
uint64_t hv_virt_to_phys(const void *p);
void gdt_load_guest(const mfn_t *frames, unsigned int nr);
void gdt_area_unmap(unsigned int page);
void ldt_load_guest(uint32_t ents);
void m2p_init(uint64_t phys, uint64_t entries);
void multiboot_parse(struct boot_info *bi, uint32_t magic, uint64_t info_pa);
void arch_start(uint32_t magic, uint32_t info_pa);
void switch_stacks(uint64_t *save_rsp, uint64_t new_rsp);
unsigned long raw_copy(void *dst, const void *src, unsigned long len);

/* Called from entry.S only. */
struct cpu_regs;
void trap_dispatch(struct cpu_regs *r);
void syscall_dispatch(struct cpu_regs *r);
void syscall32_dispatch(struct cpu_regs *r);
void exit_to_guest_work(struct cpu_regs *r);
void vcpu_first_run(void);
void idle_first_run(void);

#endif
