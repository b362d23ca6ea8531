/*
 * Revocation after a change in the security server's decisions (a policy
 * load, a boolean commit, enforcing switched on, a domain relabelled).
 * Xen leaves event channels and grant mappings in place when the policy
 * stops allowing them; Moat re-derives every live object's label and
 * repeats its checks, closing what is no longer allowed.
 */
#ifndef HV_REVOKE_H
#define HV_REVOKE_H

/*
 * For every live domain: xsm_domain_refresh(), then every bound event
 * channel through xsm_evtchn_revalidate() (closed when refused, with a
 * console line), then (issue 5) every grant mapping. Returns how many
 * objects were revoked. Called by the flask module with the policy already
 * switched; interrupts are off (one CPU), so nothing runs in between.
 */
unsigned int revoke_after_policy_change(void);

#endif
