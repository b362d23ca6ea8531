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
