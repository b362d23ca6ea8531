/*
 * The dummy XSM module. It encodes the classic rules in one place (the hooks
 * are never re-decided at call sites): self-directed operations are allowed,
 * operations on another domain need the privileged flag, and the console's
 * input belongs to privileged domains only.
 */
#include <hv/domain.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/xen.h>
#include <xsm/dummy.h>

int dummy_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm)
{
	(void)caller;
	return perm > XSM_HC_NONE && perm < XSM_HC_COUNT ? 0 : -XEN_EACCES;
}

int dummy_console_io(const struct domain *caller, unsigned int cmd)
{
	if (cmd == CONSOLEIO_read && !caller->privileged) {
		return -XEN_EACCES;
	}
	return 0;
}

int dummy_xen_version(const struct domain *caller, unsigned int op)
{
	/* The hypervisor's command line is for privileged eyes only. */
	if (op == XENVER_commandline && !caller->privileged) {
		return -XEN_EACCES;
	}
	return 0;
}

int dummy_sched_shutdown(const struct domain *caller, const struct domain *target)
{
	if (caller == target || caller->privileged) {
		return 0;
	}
	return -XEN_EACCES;
}
