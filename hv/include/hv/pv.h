/*
 * The PV64 state of a vCPU that the Xen ABI defines: trap table, callbacks,
 * guest kernel stack, the two page-table roots and which mode the guest is
 * in, segment bases, debug registers, the virtual FPU-switched flag.
 * Registered by portable hypercall handlers; used by the arch layer when it
 * bounces a trap or an event, switches guest mode, or switches vCPUs.
 */
#ifndef HV_PV_H
#define HV_PV_H

#include <hv/types.h>
#include <public/callback.h>

#define PV_NR_TRAPS 256

struct pv_callback {
	uint64_t address;	/* 0: none registered */
	bool mask_events;	/* deliver with upcalls masked */
};

struct pv_vcpu {
	struct trap_info traps[PV_NR_TRAPS];
	struct pv_callback event, failsafe, syscall, syscall32, sysenter, nmi;
	uint64_t kernel_ss, kernel_sp;		/* stack_switch */
	mfn_t kernel_root, user_root;		/* L4s: new_baseptr, new_user_baseptr */
	bool kernel_mode;			/* guest kernel (true) or user */
	uint64_t fs_base;
	uint64_t gs_base_kernel, gs_base_user;
	uint64_t debugreg[8];
	bool fpu_ts;				/* fpu_taskswitch(1): #NM until clts */
	uint32_t iopl;				/* physdev set_iopl: 0 or 3 */
	bool nmi_pending;
	bool in_multicall;			/* no nesting, no iret inside */
	bool cont_pending;			/* hypercall_continue() ran */
	uint64_t cont_args[6];			/* ... with these arguments */
	uint64_t cr4;				/* the guest's view, never loaded */
	uint16_t sel_ds, sel_es, sel_fs, sel_gs;	/* data selectors, saved on switch-out */
};

struct vcpu;

void pv_vcpu_init(struct pv_vcpu *pv);
/* Checked debug-register access, shared by the hypercalls and the
 * emulation of mov to/from %dr. 0/value or -XEN_EINVAL. */
int pv_set_debugreg(struct vcpu *curr, unsigned int reg, uint64_t value);
int64_t pv_get_debugreg(struct vcpu *curr, unsigned int reg);

#endif
