/*
 * Routes each hook to the module chosen at boot. The choice is made once, in
 * xsm_init(); there is no table of function pointers a memory corruption
 * could redirect. Until a module is chosen every hook denies (fail closed).
 */
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/dummy.h>
#include <xsm/hooks.h>

static bool xsm_ready;
static enum xsm_module xsm_active;

static const char *const hc_perm_names[XSM_HC_COUNT] = {
	[XSM_HC_NONE] = "none",
	[XSM_HC_CONSOLE_IO] = "console_io",
	[XSM_HC_XEN_VERSION] = "xen_version",
	[XSM_HC_SCHED_OP] = "sched_op",
	[XSM_HC_SET_TRAP_TABLE] = "set_trap_table",
	[XSM_HC_MMU_UPDATE] = "mmu_update",
	[XSM_HC_SET_GDT] = "set_gdt",
	[XSM_HC_STACK_SWITCH] = "stack_switch",
	[XSM_HC_SET_CALLBACKS] = "set_callbacks",
	[XSM_HC_FPU_TASKSWITCH] = "fpu_taskswitch",
	[XSM_HC_SET_DEBUGREG] = "set_debugreg",
	[XSM_HC_GET_DEBUGREG] = "get_debugreg",
	[XSM_HC_UPDATE_DESCRIPTOR] = "update_descriptor",
	[XSM_HC_MEMORY_OP] = "memory_op",
	[XSM_HC_MULTICALL] = "multicall",
	[XSM_HC_UPDATE_VA_MAPPING] = "update_va_mapping",
	[XSM_HC_SET_TIMER_OP] = "set_timer_op",
	[XSM_HC_VM_ASSIST] = "vm_assist",
	[XSM_HC_IRET] = "iret",
	[XSM_HC_VCPU_OP] = "vcpu_op",
	[XSM_HC_SET_SEGMENT_BASE] = "set_segment_base",
	[XSM_HC_MMUEXT_OP] = "mmuext_op",
	[XSM_HC_CALLBACK_OP] = "callback_op",
	[XSM_HC_EVENT_CHANNEL_OP] = "event_channel_op",
	[XSM_HC_PHYSDEV_OP] = "physdev_op",
};

int xsm_init(enum xsm_module module)
{
	if (module != XSM_MODULE_DUMMY) {
		/* FLASK is not built yet: refuse rather than run unprotected. */
		return -XEN_EINVAL;
	}
	xsm_active = module;
	xsm_ready = true;
	return 0;
}

const char *xsm_module_name(void)
{
	if (!xsm_ready) {
		return "none";
	}
	return xsm_active == XSM_MODULE_FLASK ? "flask" : "dummy";
}

const char *xsm_hypercall_perm_name(enum xsm_hypercall_perm perm)
{
	if ((unsigned int)perm >= XSM_HC_COUNT) {
		return "?";
	}
	return hc_perm_names[perm];
}

int xsm_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm)
{
	if (!xsm_ready) {
		return -XEN_EACCES;
	}
	return dummy_hypercall(caller, perm);
}

int xsm_console_io(const struct domain *caller, unsigned int cmd)
{
	if (!xsm_ready) {
		return -XEN_EACCES;
	}
	return dummy_console_io(caller, cmd);
}

int xsm_xen_version(const struct domain *caller, unsigned int op)
{
	if (!xsm_ready) {
		return -XEN_EACCES;
	}
	return dummy_xen_version(caller, op);
}

int xsm_sched_shutdown(const struct domain *caller, const struct domain *target)
{
	if (!xsm_ready) {
		return -XEN_EACCES;
	}
	return dummy_sched_shutdown(caller, target);
}
