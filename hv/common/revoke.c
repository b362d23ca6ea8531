/*
 * Revocation after the security server's decisions changed: every live
 * domain's cached gate vector is recomputed, then every bound event channel
 * is relabelled and rechecked through the XSM module; what the policy no
 * longer allows is closed, as if the guest had closed it (the peer of an
 * interdomain channel sees it unbound, as after EVTCHNOP_close).
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/revoke.h>
#include <xsm/hooks.h>

static const char *const chn_kind[] = {
	[ECS_UNBOUND] = "unbound", [ECS_INTERDOMAIN] = "interdomain",
	[ECS_VIRQ] = "virq",       [ECS_IPI] = "ipi",
};

static unsigned int revoke_channels(struct domain *d)
{
	unsigned int revoked = 0;

	for (evtchn_port_t port = 1; port < EVTCHN_MAX_PORTS; port++) {
		struct evtchn *chn = evtchn_get(d, port);
		const struct domain *peer = d;

		if (chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
			continue;
		}
		if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN) {
			peer = domain_by_id(chn->remote_dom);
			if (peer == NULL) {
				peer = d;
			}
		}
		if (xsm_evtchn_revalidate(d, chn, peer) == 0) {
			continue;
		}
		printk(LOG_WARN, "xsm: revoked d%u (%s) event channel %u (%s, peer d%u): no longer allowed",
		       d->id, d->name, port,
		       chn->state < ARRAY_SIZE(chn_kind) && chn_kind[chn->state] ? chn_kind[chn->state] : "?",
		       peer->id);
		evtchn_commit_close(d, port);
		revoked++;
	}
	return revoked;
}

unsigned int revoke_after_policy_change(void)
{
	unsigned int revoked = 0;

	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL && d->state != DOM_DYING) {
			xsm_domain_refresh(d);
		}
	}
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d == NULL || d->state == DOM_DYING || d->event.table[0] == NULL) {
			continue;
		}
		revoked += revoke_channels(d);
	}
	if (revoked != 0) {
		printk(LOG_WARN, "xsm: %u object%s revoked after the policy change", revoked,
		       revoked == 1 ? "" : "s");
	}
	return revoked;
}
