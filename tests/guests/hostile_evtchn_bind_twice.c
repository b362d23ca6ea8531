/*
 * hostile_evtchn_bind_twice: binds ports it has no right to bind.
 *   an unbound port for ourselves (loopback) bound once, then again:
 *     -EINVAL (it is no longer unbound);
 *   an unbound port we allocated for another domain (peer=), bound by us:
 *     -EINVAL (it is meant for the peer);
 *   the peer's ports 1..16 (whatever state they are in, none unbound for
 *     us): -EINVAL or -EACCES each;
 *   alloc_unbound on behalf of another domain (dom=peer): refused;
 *   a domain that does not exist (99): -ESRCH for alloc_unbound and bind.
 * The peer's channel stays usable by the peer: it is not closed by any of
 * this (status still unbound for the peer).
 *
 * Keys: name; peer=<another domain's id> (default 2). Pure Xen PV64 ABI.
 */
#include "hostile.h"

const char guest_image[] = "hostile_evtchn_bind_twice";

void guest_main(void)
{
	domid_t peer = (domid_t)cmdline_get_u64("peer", 2);
	evtchn_port_t u = 0, l = 0, l2 = 0, forp = 0, x = 0;
	unsigned int bound = 0;
	long rc, rc2;

	rc = hyp_evtchn_alloc_unbound(DOMID_SELF, &u);
	rc2 = rc == 0 ? hyp_evtchn_bind_interdomain(DOMID_SELF, u, &l) : rc;
	test_check(rc == 0 && rc2 == 0, "bind_once", "alloc %ld port %u, bind %ld local %u", rc, u,
		   rc2, l);
	rc = hyp_evtchn_bind_interdomain(DOMID_SELF, u, &l2);
	test_check(rc == -XEN_EINVAL, "bind_twice", "second bind of %u: rc %ld (want -EINVAL)", u, rc);

	rc = hyp_evtchn_alloc_unbound(peer, &forp);
	test_check(rc == 0, "alloc_for_peer", "for d%u: rc %ld port %u", peer, rc, forp);
	rc = hyp_evtchn_bind_interdomain(DOMID_SELF, forp, &x);
	test_check(rc == -XEN_EINVAL, "bind_meant_for_other",
		   "our port %u meant for d%u bound by us: rc %ld (want -EINVAL)", forp, peer, rc);
	for (evtchn_port_t p = 1; p <= 16; p++) {
		rc = hyp_evtchn_bind_interdomain(peer, p, &x);
		if (rc == 0) {
			bound++;
			rt_printf("%s: bound d%u port %u as %u\n", rt_guest_name, peer, p, x);
		}
	}
	test_check(bound == 0, "peer_ports_refused", "%u of d%u's ports 1..16 bound", bound, peer);
	{
		struct evtchn_alloc_unbound a = { .dom = peer, .remote_dom = DOMID_SELF };

		rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);
		test_check(rc < 0, "alloc_on_behalf", "alloc_unbound dom=d%u: rc %ld", peer, rc);
	}
	rc = hyp_evtchn_alloc_unbound(99, &x);
	rc2 = hyp_evtchn_bind_interdomain(99, 1, &x);
	test_check(rc == -XEN_ESRCH && rc2 == -XEN_ESRCH, "no_such_domain",
		   "alloc_unbound for d99: rc %ld, bind to d99: rc %ld (want -ESRCH)", rc, rc2);
	{
		struct evtchn_status st;

		rc = rt_evtchn_status(forp, &st);
		test_check(rc == 0 && st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == peer,
			   "still_for_peer", "port %u: rc %ld status %u dom %u", forp, rc, st.status,
			   st.u.unbound.dom);
	}
}
