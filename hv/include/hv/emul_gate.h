/*
 * The emulation gate. A guest changes privileged state through hypercalls,
 * which the dispatcher gates, and through a few other ways: an instruction
 * the hypervisor emulates after a fault (mov to a debug register, wrmsr to
 * a segment base, clts, ...) and a write it traps (a store to a read-only
 * page table, the first touch of an LDT page). Each such way is one
 * enum emul_op, and hv/common/emul_gate.c maps each to the gate permission
 * of the hypercall it is equivalent to, so a policy that denies a hypercall
 * denies its emulated twin. That table is the one place this is decided:
 * callers never name a permission. An op that changes nothing privileged
 * (a read of state the guest may read, a write of the value already there)
 * says so in the table with its reason.
 *
 * Adding an emulated path means adding its op here, its row in
 * emul_gate.c (the build checks the count), and a call to emul_gate()
 * before it takes effect; scripts/emul-gate-check.py fails make check for
 * any path from a guest trap to privileged state that does not pass it.
 */
#ifndef HV_EMUL_GATE_H
#define HV_EMUL_GATE_H

#include <hv/types.h>
#include <xsm/hooks.h>

struct vcpu;

enum emul_op {
	EMUL_CPUID = 0,		/* forced-emulation cpuid (#UD) */
	EMUL_RDMSR,		/* rdmsr of the MSRs a PV kernel may read */
	EMUL_WRMSR_SEGBASE,	/* wrmsr FS_BASE, GS_BASE, KERNEL_GS_BASE */
	EMUL_WRMSR_SAME,	/* wrmsr EFER or PAT with the value they hold */
	EMUL_CR_READ,		/* mov from %cr0, %cr2, %cr3, %cr4, %cr8 */
	EMUL_CR0_WRITE,		/* mov to %cr0: only TS may change */
	EMUL_CR4_WRITE,		/* mov to %cr4: the guest's virtual view */
	EMUL_CLTS,		/* clts: virtual CR0.TS cleared */
	EMUL_DR_READ,		/* mov from %dr0-%dr7 */
	EMUL_DR_WRITE,		/* mov to %dr0-%dr7 */
	EMUL_CLI_STI,		/* cli/sti at virtual IOPL >= 1: the event mask */
	EMUL_CACHE_FLUSH,	/* wbinvd, invd: nothing is done */
	EMUL_PT_WRITE,		/* a store to a read-only L1 page table (ptwr) */
	EMUL_LDT_MAP,		/* an LDT page mapped on first touch */
	EMUL_OP_COUNT
};

struct emul_gate_def {
	enum emul_op op;		/* its own index: checked by the unit test */
	const char *name;		/* short name, as SECURITY.md lists it */
	const char *what;		/* the instruction or trapped access */
	enum xsm_hypercall_perm perm;	/* the equivalent hypercall's gate permission */
	const char *ungated;		/* perm == XSM_HC_NONE: why no gate applies */
};

extern const struct emul_gate_def emul_gate_table[];	/* EMUL_OP_COUNT rows */

/*
 * May curr perform op? 0, or -XEN_EACCES (audited by the XSM module as the
 * hypercall's denial would be). Called after decoding, before any effect.
 * An op without a row, or a row with neither a permission nor a reason,
 * is denied (fail closed).
 */
int emul_gate(struct vcpu *curr, enum emul_op op);

#endif
