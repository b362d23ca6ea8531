/*
 * Revocation after the security server's decisions changed: every live
 * domain's cached gate vector is recomputed, then every bound event channel
 * is relabelled and rechecked through the XSM module; what the policy no
 * longer allows is closed, as if the guest had closed it (the peer of an
 * interdomain channel sees it unbound, as after EVTCHNOP_close).
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/revoke.h>
#include <xsm/hooks.h>

static const char *const chn_kind[] = {
	[ECS_UNBOUND] = "unbound", [ECS_INTERDOMAIN] = "interdomain",
	[ECS_VIRQ] = "virq",       [ECS_IPI] = "ipi",
};

static void revoke_line(const struct domain *d, evtchn_port_t port, const struct evtchn *chn,
			domid_t peer)
{
	printk(LOG_WARN, "xsm: revoked d%u (%s) event channel %u (%s, peer d%u): no longer allowed",
	       d->id, d->name, port,
	       chn->state < ARRAY_SIZE(chn_kind) && chn_kind[chn->state] ? chn_kind[chn->state] : "?",
	       peer);
}

/* The domain an unbound port is offered to; itself when that one is gone
 * (the label is then derived as for a local channel). */
static struct domain *unbound_peer(struct domain *d, const struct evtchn *chn)
{
	struct domain *peer = domain_by_id(chn->remote_dom);

	return peer != NULL ? peer : d;
}

/*
 * Both ends of interdomain port (d, port) at once, so the answer does not
 * depend on which domain is visited first: relabel and recheck each end
 * (d's end twice, so its cross check sees the peer's new label). When
 * either is refused, the refused end is closed as if its guest had closed
 * it: the other end reverts to an unbound port offered to the closer, and
 * is kept only if the policy still allows that unbound port. Returns how
 * many ports were closed.
 */
static unsigned int revoke_pair(struct domain *d, evtchn_port_t port, struct evtchn *chn)
{
	struct domain *rd = domain_by_id(chn->remote_dom);
	evtchn_port_t rport = chn->remote_port;
	struct evtchn *rchn;
	struct domain *cd, *od;
	evtchn_port_t cport, oport;
	bool ok_local, ok_remote;

	BUG_ON(rd == NULL);
	rchn = evtchn_get(rd, rport);
	BUG_ON(rchn == NULL || rchn->state != ECS_INTERDOMAIN);
	(void)xsm_evtchn_revalidate(d, chn, rd);
	ok_remote = xsm_evtchn_revalidate(rd, rchn, d) == 0;
	ok_local = xsm_evtchn_revalidate(d, chn, rd) == 0;
	if (ok_local && ok_remote) {
		return 0;
	}
	cd = ok_local ? rd : d;
	cport = ok_local ? rport : port;
	od = ok_local ? d : rd;
	oport = ok_local ? port : rport;
	revoke_line(cd, cport, evtchn_get(cd, cport), od->id);
	evtchn_commit_close(cd, cport);
	/* The other end is an unbound port for cd now: is that allowed? */
	if (xsm_evtchn_revalidate(od, evtchn_get(od, oport), cd) == 0) {
		return 1;
	}
	revoke_line(od, oport, evtchn_get(od, oport), cd->id);
	evtchn_commit_close(od, oport);
	return 2;
}

static unsigned int revoke_channels(struct domain *d)
{
	unsigned int revoked = 0;

	for (evtchn_port_t port = 1; port < d->event.max_ports; port++) {
		struct evtchn *chn = evtchn_get(d, port);
		struct domain *peer = d;

		if (chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
			continue;
		}
		if (chn->state == ECS_INTERDOMAIN) {
			revoked += revoke_pair(d, port, chn);
			continue;
		}
		if (chn->state == ECS_UNBOUND) {
			peer = unbound_peer(d, chn);
		}
		if (xsm_evtchn_revalidate(d, chn, peer) == 0) {
			continue;
		}
		revoke_line(d, port, chn, peer->id);
		evtchn_commit_close(d, port);
		revoked++;
	}
	return revoked;
}

/*
 * Every live grant mapping is asked again (xsm_grant_revalidate: the map
 * check under the new policy); a refused one is torn down as the hypervisor
 * revokes any mapping: PTE cleared, the mapper's TLBs flushed, references
 * released, the handle left revoked for the mapper's unmap.
 */
static unsigned int revoke_grants(void)
{
	unsigned int revoked = 0;

	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *m = domain_by_id(id);
		unsigned int limit;

		if (m == NULL || m->state == DOM_DYING) {
			continue;
		}
		limit = gnttab_maptrack_limit(m);
		for (unsigned int h = 0; h < limit; h++) {
			const struct gnttab_maptrack *mt = gnttab_maptrack_get(m, h);
			const struct domain *g;

			if (mt == NULL || mt->state != GNTTAB_MT_LIVE) {
				continue;
			}
			g = domain_by_id(mt->granter);
			if (g != NULL && xsm_grant_revalidate(m, g, mt->readonly != 0) == 0) {
				continue;
			}
			printk(LOG_WARN,
			       "xsm: revoked d%u (%s) grant mapping %u of d%u ref %u: no longer allowed",
			       m->id, m->name, h, mt->granter, mt->ref);
			gnttab_revoke_mapping(m, h);
			revoked++;
		}
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
	revoked += revoke_grants();
	if (revoked != 0) {
		printk(LOG_WARN, "xsm: %u object%s revoked after the policy change", revoked,
		       revoked == 1 ? "" : "s");
	}
	return revoked;
}
