/*
 * The interface the architecture layer offers the portable core. It is
 * declared once, here; hv/arch/x86_64 implements it on the machine and
 * tests/fake_arch implements it over host memory for unit tests and fuzzing.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <hv/types.h>

struct vcpu;
struct domain;

/* Console output, one chunk at a time; never fails. */
void arch_console_write(const char *s, size_t len);
/* Take up to len bytes of pending console input; never blocks. */
size_t arch_console_read(char *buf, size_t len);

/* A hypervisor pointer to physical memory handed over at boot (modules). */
const void *arch_phys_map(uint64_t paddr, uint64_t size);

/* A hypervisor pointer to a machine frame (direct map). */
void *arch_frame_map(mfn_t m);

/* Nanoseconds since boot, monotonic. */
uint64_t arch_time_ns(void);
/* The raw time-stamp counter and its frequency, for guests' pvclock. */
uint64_t arch_tsc_now(void);
uint64_t arch_tsc_khz(void);
/* Seconds since 1970 at boot (the RTC), 0 when unknown. */
uint64_t arch_wallclock_boot_sec(void);

/* Power the machine off with an exit status a test harness can read (QEMU's
 * isa-debug-exit), or halt it forever when there is no such device. */
void arch_system_exit(int status) __noreturn;
void arch_system_halt(void) __noreturn;

/* Write the 32-byte hypercall stubs into one page. */
void arch_hypercall_page_init(void *page);

/* Where a PV guest's kernel mode starts. */
struct guest_entry {
	uint64_t rip;
	uint64_t rsp;
	uint64_t rsi;
	mfn_t l4;
};

/* Frames one vCPU costs the hypervisor (its stack). */
#define HV_VCPU_FRAMES 4

/* Give a vCPU its hypervisor stack and initial guest frame; 0 or -errno. */
int arch_vcpu_create(struct vcpu *v, const struct guest_entry *e);
/* Set up the idle vCPU for this CPU (runs arch_idle_loop). */
int arch_idle_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* Switch from prev to next; returns when prev is switched back in. */
void arch_context_switch(struct vcpu *prev, struct vcpu *next);
/* Wait for an interrupt with interrupts enabled, then return with them off. */
void arch_wait_for_interrupt(void);

/*
 * Flush every TLB entry and every paging-structure-cache entry of guest
 * translations on the CPUs in cpu_mask (bit i = CPU i; bits past the CPU
 * count are ignored), and report each CPU's flush to the TLB-flush clock
 * (tlb_clock_flush_begin/done, hv/tlb_clock.h). The arch reports every
 * other full flush it does too (x86 without PCID or global guest pages: any
 * CR3 write), so the clock knows every flush, whoever asked for it.
 */
void arch_tlb_flush_cpus(uint64_t cpu_mask);

/* The hypervisor's L4 slots, copied into every guest kernel L4. */
void arch_fill_hypervisor_slots(uint64_t *l4);
/* Machine-to-phys table update for a guest frame. */
void arch_m2p_set(mfn_t m, uint64_t pfn);
uint64_t arch_m2p_get(mfn_t m);	/* ~0 when unknown */

/*
 * The platform TPM 2.0 (TIS FIFO interface at 0xFED40000 + locality *
 * 0x1000). arch_tpm_open maps that locality's register page and only that
 * one, checks that a TPM answers there and requests the locality; 0,
 * -XEN_ENODEV (no TPM), -XEN_ETIMEDOUT (the locality was not granted).
 * arch_tpm_transmit sends one command and reads the whole response into
 * rsp[0, cap), its length in *rsp_len; 0, -XEN_ENODEV (not opened),
 * -XEN_ETIMEDOUT (the TPM stopped answering), -XEN_EIO (a protocol error),
 * -XEN_ENOSPC (the response is larger than cap: drained and dropped). The
 * response is untrusted: the caller parses it with attest/tpm2.h.
 */
int arch_tpm_open(unsigned int locality);
int arch_tpm_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len);

/* Fault inside the hypervisor on purpose (selftest=fault). */
void arch_selftest_fault(void);
/* Take a #DB at the first instruction of each SYSCALL and int3 entry from
 * now on, as hardware does after a guest's MOV SS (selftest=entry-db). */
void arch_selftest_entry_db(void);

/* PV register state the arch holds in hardware. */
void arch_pv_fpu_taskswitch(struct vcpu *curr);
int arch_pv_set_segment_base(struct vcpu *curr, unsigned int which, uint64_t value);
void arch_pv_load_debugregs(struct vcpu *curr);

/* Print a backtrace from the caller. */
void arch_backtrace(void);

#endif
