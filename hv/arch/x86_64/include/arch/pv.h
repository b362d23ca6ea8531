/*
 * The x86-64 mechanics of the PV ABI: entering the guest kernel with an
 * exception frame (a "bounce"), switching between guest kernel and guest
 * user mode, and the virtual register state loaded on a vCPU switch.
 */
#ifndef ARCH_PV_H
#define ARCH_PV_H

#include <arch/regs.h>
#include <hv/types.h>

struct vcpu;
struct vcpu_info;

/* trap_bounce.flags */
#define TBF_EXCEPTION          1	/* a CPU exception (not an event) */
#define TBF_EXCEPTION_ERRCODE  2	/* push an error code */
#define TBF_INTERRUPT          8	/* mask event upcalls on entry */
#define TBF_FAILSAFE          16	/* push ds, es, fs, gs too */

struct trap_bounce {
	uint64_t eip;
	uint32_t error_code;
	uint8_t flags;
};

/* The vCPU's vcpu_info wherever it lives. */
struct vcpu_info *pv_vcpu_info(struct vcpu *v);

/*
 * Rewrite r so that the guest resumes in its kernel at tb->eip with Xen's
 * PV64 exception frame on its kernel stack. Returns false, having crashed
 * the domain with a reason, when the frame cannot be written.
 */
bool pv_bounce(struct vcpu *v, struct cpu_regs *r, const struct trap_bounce *tb);

/* Deliver CPU exception vec (with error code when the vector has one). */
void pv_inject_exception(struct vcpu *v, struct cpu_regs *r, unsigned int vec,
			 uint32_t error_code);

/* Switch between guest kernel and guest user mode (CR3 and GS bases). */
void pv_toggle_guest_mode(struct vcpu *v);

/* Load the vCPU's page-table root for its current mode into CR3. */
void pv_load_cr3(struct vcpu *v);

/* The guest's virtual register state, around a vCPU switch. */
void pv_state_save(struct vcpu *v);
void pv_state_load(struct vcpu *v);

/* Handle an exception taken in guest context (ring 3). */
void pv_guest_exception(struct vcpu *v, struct cpu_regs *r);

/*
 * Emulation of what a PV kernel may do that faults in ring 3. Each returns
 * true when it handled the fault (emulated, or bounced an exception).
 */
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *r);	/* from #GP */
bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *r);	/* from #UD */
bool pv_emulate_pt_write(struct vcpu *v, struct cpu_regs *r, uint64_t cr2);	/* from #PF */
bool pv_ldt_fault(struct vcpu *v, struct cpu_regs *r, uint64_t cr2);	/* from #PF */
bool pv_ldt_fault_hv(struct vcpu *v, uint64_t cr2);	/* #PF in the hypervisor */

/* Registers in the decoder's encoding order (rax, rcx, ..., r15) and back. */
void pv_regs_to_gpr(const struct cpu_regs *r, uint64_t g[16]);
void pv_gpr_to_regs(const uint64_t g[16], struct cpu_regs *r);

/* CPUID as guests see it, and the MSRs they may touch. */
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
	      uint32_t *c, uint32_t *d);
bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

/* On the way out to a guest: deliver a pending event upcall. */
void pv_deliver_events(struct vcpu *v, struct cpu_regs *r);

/* SYSCALL from guest user mode: bounce to the syscall callback. */
void pv_syscall_from_user(struct vcpu *v, struct cpu_regs *r);

#endif
