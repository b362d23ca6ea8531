/*
 * The XSM hooks the event-channel handlers call, in decode order, before
 * any side effect. Private to hv/common/evtchn*.c.
 *
 * TODO(lead): these are stand-ins until xsm/hooks.h declares the hooks of
 * the same names and signatures (and policy/ gets their permissions). Then
 * replace everything below with `#include <xsm/hooks.h>`; the call sites
 * stay as they are. Each stand-in implements what the dummy module would
 * (classic Xen semantics), so nothing is more open meanwhile:
 *   xsm_evtchn_bind_virq  event:bind_virq (ours; Xen has no hook)   allow
 *   xsm_evtchn_bind_ipi   event:bind_ipi  (ours; Xen has no hook)   allow
 *   xsm_evtchn_send       event:send      (Xen XSM_HOOK)            allow
 *   xsm_evtchn_status     event:status    (Xen XSM_TARGET)          self or privileged
 * A denial is -XEN_EACCES and is checked before the target's or the port's
 * existence is revealed (status).
 */
#ifndef HV_COMMON_EVTCHN_XSM_H
#define HV_COMMON_EVTCHN_XSM_H

#include <hv/domain.h>
#include <hv/event.h>
#include <public/errno.h>

/* caller binds a VIRQ (global or per-vCPU) on one of its own vCPUs. */
static inline int xsm_evtchn_bind_virq(const struct domain *caller, uint32_t virq)
{
	(void)caller;
	(void)virq;
	return 0;
}

/* caller binds an IPI port on one of its own vCPUs. */
static inline int xsm_evtchn_bind_ipi(const struct domain *caller)
{
	(void)caller;
	return 0;
}

/* caller sends on its own port chn (IPI now; interdomain next). */
static inline int xsm_evtchn_send(const struct domain *caller, const struct evtchn *chn)
{
	(void)caller;
	(void)chn;
	return 0;
}

/*
 * caller asks for the status of port chn of target. target and chn may be
 * NULL (no such domain or port): the hook decides on the caller alone then,
 * so a denial cannot tell whether they exist.
 */
static inline int xsm_evtchn_status(const struct domain *caller, const struct domain *target,
				    const struct evtchn *chn)
{
	(void)chn;
	if (target == caller || caller->privileged) {
		return 0;
	}
	return -XEN_EACCES;
}

#endif
