/*
 * hostile_evtchn_closed: uses ports that are closed, reserved or out of
 * range, and the half of an interdomain channel whose peer closed.
 *   send, close and status on a closed IPI port, on port 0 (reserved), on
 *     ports past the domain's limit and 0xffffffff: -EINVAL (send/close)
 *     or -EINVAL/EVTCHNSTAT_closed (status), never a delivery;
 *   a loopback interdomain channel (alloc_unbound for DOMID_SELF, bound by
 *     ourselves; Xen marks the newly bound port pending, so it is cleared
 *     first): a send is pending on the other end; after that end is
 *     closed ours reads EVTCHNSTAT_unbound (Xen's semantics), a send on it
 *     succeeds and is dropped (nothing pending), closing it works once.
 *
 * Keys: name; limit (the manifest's evtchn_ports, default 1024).
 * Pure Xen PV64 ABI.
 */
#include "hostile.h"

const char guest_image[] = "hostile_evtchn_closed";

static void bad_port(const char *check, evtchn_port_t port)
{
	struct evtchn_status st;
	long send = rt_evtchn_send(port);
	long close = rt_evtchn_close(port);
	long stat = rt_evtchn_status(port, &st);
	bool stat_ok = stat == -XEN_EINVAL || (stat == 0 && st.status == EVTCHNSTAT_closed);

	test_check(send == -XEN_EINVAL && close == -XEN_EINVAL && stat_ok, check,
		   "port %u: send %ld, close %ld, status %ld/%u", port, send, close, stat,
		   stat == 0 ? st.status : 0);
}

void guest_main(void)
{
	uint64_t limit = cmdline_get_u64("limit", 1024);
	evtchn_port_t ipi = 0, u = 0, l = 0;
	long rc;

	rt_traps_init();
	rc = rt_evtchn_bind_ipi(&ipi);
	if (!test_check(rc == 0, "bind_ipi", "rc %ld port %u", rc, ipi)) {
		return;
	}
	rc = rt_evtchn_close(ipi);
	test_check(rc == 0, "close", "port %u: rc %ld", ipi, rc);
	bad_port("closed_port", ipi);
	test_check(!rt_port_pending(ipi), "closed_not_pending", "port %u", ipi);
	bad_port("port_zero", 0);
	bad_port("past_limit", (evtchn_port_t)limit);
	bad_port("port_4096", 4096);
	bad_port("port_max", 0xffffffffu);

	rc = hyp_evtchn_alloc_unbound(DOMID_SELF, &u);
	if (!test_check(rc == 0, "alloc_unbound_self", "rc %ld port %u", rc, u)) {
		return;
	}
	rc = hyp_evtchn_bind_interdomain(DOMID_SELF, u, &l);
	if (!test_check(rc == 0 && l != u, "loopback", "bind d-self port %u: rc %ld local %u", u,
			rc, l)) {
		return;
	}
	rt_port_clear(u);
	rt_port_clear(l);
	rc = rt_evtchn_send(l);
	test_check(rc == 0 && rt_port_pending(u), "loopback_delivers", "send on %u: rc %ld, %u pending %d",
		   l, rc, u, rt_port_pending(u));
	rt_port_clear(u);
	rc = rt_evtchn_close(u);
	test_check(rc == 0, "close_peer_end", "port %u: rc %ld", u, rc);
	{
		struct evtchn_status st;

		rc = rt_evtchn_status(l, &st);
		test_check(rc == 0 && st.status == EVTCHNSTAT_unbound, "peer_closed_unbound",
			   "port %u: rc %ld status %u (want unbound)", l, rc, st.status);
	}
	rc = rt_evtchn_send(l);
	test_check(rc == 0 && !rt_port_pending(u) && !rt_port_pending(l), "send_dropped",
		   "send on %u after its peer closed: rc %ld, nothing pending", l, rc);
	rc = rt_evtchn_close(l);
	long again = rt_evtchn_close(l);

	test_check(rc == 0 && again == -XEN_EINVAL, "close_once", "close %u: rc %ld, again %ld", l,
		   rc, again);
}
