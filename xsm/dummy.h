/*
 * The dummy module: classic Xen semantics without a policy. A privileged
 * domain may manage others; every domain may use hypercalls aimed at itself.
 */
#ifndef XSM_DUMMY_H
#define XSM_DUMMY_H

#include <xsm/hooks.h>

int dummy_domain_label(struct domain *d, const char *label);
int dummy_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm);
int dummy_console_io(const struct domain *caller, unsigned int cmd);
int dummy_xen_version(const struct domain *caller, unsigned int op);
int dummy_sched_shutdown(const struct domain *caller, const struct domain *target);
int dummy_attest_op(const struct domain *caller, unsigned int cmd);
int dummy_evtchn_bind_virq(const struct domain *caller, struct evtchn *chn, uint32_t virq);
int dummy_evtchn_bind_ipi(const struct domain *caller, struct evtchn *chn);
int dummy_evtchn_unbound(const struct domain *caller, const struct domain *d1, struct evtchn *chn, const struct domain *d2);
int dummy_evtchn_interdomain(const struct domain *d1, struct evtchn *chn1, const struct domain *d2, const struct evtchn *chn2);
int dummy_evtchn_send(const struct domain *caller, const struct evtchn *chn);
int dummy_evtchn_status(const struct domain *caller, const struct domain *target, const struct evtchn *chn);
int dummy_evtchn_reset(const struct domain *caller, const struct domain *target);
int dummy_evtchn_revalidate(const struct domain *d, struct evtchn *chn, const struct domain *peer);
int dummy_grant_setup(const struct domain *caller, const struct domain *target);
int dummy_grant_query_size(const struct domain *caller, const struct domain *target);
int dummy_grant_map(const struct domain *mapper, const struct domain *granter, bool readonly);
int dummy_grant_unmap(const struct domain *mapper, const struct domain *granter);
int dummy_grant_copy(const struct domain *caller, const struct domain *src, const struct domain *dst);
int dummy_grant_transfer(const struct domain *caller, const struct domain *receiver);

#endif
