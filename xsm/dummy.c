/*
 * The dummy XSM module. It encodes the classic rules in one place (the hooks
 * are never re-decided at call sites): self-directed operations are allowed,
 * operations on another domain need the privileged flag, and the console's
 * input belongs to privileged domains only.
 */
#include <hv/domain.h>
#include <hv/event.h>
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

/* What the hypervisor measured is for the privileged domain, as Xen's
 * XSM_PRIV: a guest that can read the log can watch what others boot. */
int dummy_attest_op(const struct domain *caller, unsigned int cmd)
{
	(void)cmd;
	return caller->privileged ? 0 : -XEN_EACCES;
}

/* The manifest's label is kept for the console; dummy has no SIDs. */
int dummy_domain_label(struct domain *d, const char *label)
{
	(void)label;
	d->sid = 0;
	d->xsm_gate_fast = 0;
	return 0;
}

/* Local channels: a domain may bind VIRQs and IPIs on its own vCPUs. */
int dummy_evtchn_bind_virq(const struct domain *caller, struct evtchn *chn, uint32_t virq)
{
	(void)caller;
	(void)virq;
	chn->ssid = 0;
	return 0;
}

int dummy_evtchn_bind_ipi(const struct domain *caller, struct evtchn *chn)
{
	(void)caller;
	chn->ssid = 0;
	return 0;
}

/* Xen's XSM_TARGET: a port for oneself, or a privileged caller's. */
int dummy_evtchn_unbound(const struct domain *caller, const struct domain *d1,
			 struct evtchn *chn, const struct domain *d2)
{
	(void)d2;
	chn->ssid = 0;
	return caller == d1 || caller->privileged ? 0 : -XEN_EACCES;
}

/* Xen's XSM_HOOK: binding to a port offered to us is always allowed. */
int dummy_evtchn_interdomain(const struct domain *d1, struct evtchn *chn1,
			     const struct domain *d2, const struct evtchn *chn2)
{
	(void)d1;
	(void)d2;
	(void)chn2;
	chn1->ssid = 0;
	return 0;
}

int dummy_evtchn_send(const struct domain *caller, const struct evtchn *chn)
{
	(void)caller;
	(void)chn;
	return 0;
}

/* Xen's XSM_TARGET; with no such port or domain, decided on the caller. */
int dummy_evtchn_status(const struct domain *caller, const struct domain *target,
			const struct evtchn *chn)
{
	(void)chn;
	return target == caller || caller->privileged ? 0 : -XEN_EACCES;
}

/* Xen's XSM_TARGET: one's own ports, or a privileged caller's. */
int dummy_evtchn_reset(const struct domain *caller, const struct domain *target)
{
	return caller == target || caller->privileged ? 0 : -XEN_EACCES;
}

/* Nothing changes under dummy: whatever was bound stays allowed. */
int dummy_evtchn_revalidate(const struct domain *d, struct evtchn *chn,
			    const struct domain *peer)
{
	(void)d;
	(void)chn;
	(void)peer;
	return 0;
}

/* Grant tables: setup and query are XSM_TARGET, the rest XSM_HOOK. */
int dummy_grant_setup(const struct domain *caller, const struct domain *target)
{
	return caller == target || caller->privileged ? 0 : -XEN_EACCES;
}

int dummy_grant_query_size(const struct domain *caller, const struct domain *target)
{
	return caller == target || caller->privileged ? 0 : -XEN_EACCES;
}

int dummy_grant_map(const struct domain *mapper, const struct domain *granter, bool readonly)
{
	(void)mapper;
	(void)granter;
	(void)readonly;
	return 0;
}

int dummy_grant_unmap(const struct domain *mapper, const struct domain *granter)
{
	(void)mapper;
	(void)granter;
	return 0;
}

int dummy_grant_copy(const struct domain *caller, const struct domain *src,
		     const struct domain *dst)
{
	(void)caller;
	(void)src;
	(void)dst;
	return 0;
}

int dummy_grant_transfer(const struct domain *caller, const struct domain *receiver)
{
	(void)caller;
	(void)receiver;
	return 0;
}
