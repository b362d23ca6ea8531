/*
 * Every XSM hook, in one place. Handlers call these; xsm.c sends each to the
 * module chosen at boot (xsm=dummy|flask). A hook returns 0 to allow or
 * -XEN_EACCES to deny; a denial never says whether the object exists.
 * Adding a hypercall or sub-op means adding its hook here, its permission in
 * policy/, and a line in SECURITY.md.
 */
#ifndef XSM_HOOKS_H
#define XSM_HOOKS_H

#include <hv/types.h>

struct domain;

/* The gate: one permission per hypercall, checked before any handler. */
enum xsm_hypercall_perm {
	XSM_HC_NONE = 0,		/* no handler: the gate is not reached */
	XSM_HC_CONSOLE_IO,
	XSM_HC_XEN_VERSION,
	XSM_HC_SCHED_OP,
	XSM_HC_SET_TRAP_TABLE,
	XSM_HC_MMU_UPDATE,
	XSM_HC_SET_GDT,
	XSM_HC_STACK_SWITCH,
	XSM_HC_SET_CALLBACKS,
	XSM_HC_FPU_TASKSWITCH,
	XSM_HC_SET_DEBUGREG,
	XSM_HC_GET_DEBUGREG,
	XSM_HC_UPDATE_DESCRIPTOR,
	XSM_HC_MEMORY_OP,
	XSM_HC_MULTICALL,
	XSM_HC_UPDATE_VA_MAPPING,
	XSM_HC_SET_TIMER_OP,
	XSM_HC_VM_ASSIST,
	XSM_HC_IRET,
	XSM_HC_VCPU_OP,
	XSM_HC_SET_SEGMENT_BASE,
	XSM_HC_MMUEXT_OP,
	XSM_HC_CALLBACK_OP,
	XSM_HC_EVENT_CHANNEL_OP,
	XSM_HC_PHYSDEV_OP,
	XSM_HC_COUNT,
};

enum xsm_module {
	XSM_MODULE_DUMMY = 0,
	XSM_MODULE_FLASK = 1,
};

/* Choose the module; 0, or -XEN_EINVAL when it is not available. */
int xsm_init(enum xsm_module module);
const char *xsm_module_name(void);
const char *xsm_hypercall_perm_name(enum xsm_hypercall_perm perm);

int xsm_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm);
int xsm_console_io(const struct domain *caller, unsigned int cmd);
int xsm_xen_version(const struct domain *caller, unsigned int op);
int xsm_sched_shutdown(const struct domain *caller, const struct domain *target);

#endif
