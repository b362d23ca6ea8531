/*
 * The dummy module: classic Xen semantics without a policy. A privileged
 * domain may manage others; every domain may use hypercalls aimed at itself.
 */
#ifndef XSM_DUMMY_H
#define XSM_DUMMY_H

#include <xsm/hooks.h>

int dummy_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm);
int dummy_console_io(const struct domain *caller, unsigned int cmd);
int dummy_xen_version(const struct domain *caller, unsigned int op);
int dummy_sched_shutdown(const struct domain *caller, const struct domain *target);

#endif
