/*
 * hostile_evtchn_exhaust: binds event channels until the hypervisor says
 * no. With the manifest's evtchn_ports=N the domain owns ports 0..N-1 and
 * port 0 is never handed out, so exactly N-1 binds succeed (IPI ports and
 * unbound ports for a peer alike), the next ones get -ENOSPC and nothing
 * else changes; a closed port is handed out again; after closing them all,
 * binding works as before.
 *
 * Keys: name; limit=N (the evtchn_ports= of its manifest, default 1024);
 * peer=<a domain id for alloc_unbound> (default: DOMID_SELF).
 * Pure Xen PV64 ABI (on Xen the limit is the toolstack's max_event_channels).
 */
#include "hostile.h"

const char guest_image[] = "hostile_evtchn_exhaust";

#define MAX_PORTS 4096

static bool bound[MAX_PORTS];

void guest_main(void)
{
	uint64_t limit = cmdline_get_u64("limit", 1024);
	domid_t peer = (domid_t)cmdline_get_u64("peer", DOMID_SELF);
	unsigned int count = 0, bad = 0, highest = 0;
	evtchn_port_t port = 0;
	long rc = 0;

	if (limit < 2 || limit > MAX_PORTS) {
		test_fail("args", "limit=%lu", (unsigned long)limit);
		return;
	}
	for (unsigned int i = 0; i < MAX_PORTS + 8; i++) {
		/* Alternate the two ways of taking a port. */
		rc = (i & 1) ? hyp_evtchn_alloc_unbound(peer, &port) : rt_evtchn_bind_ipi(&port);
		if (rc != 0) {
			break;
		}
		if (port == 0 || port >= limit || bound[port]) {
			bad++;
		} else {
			bound[port] = true;
		}
		highest = port > highest ? port : highest;
		count++;
	}
	rt_printf("%s: %u ports bound (highest %u), then rc %ld\n", rt_guest_name, count, highest,
		  rc);
	test_check(count == limit - 1 && bad == 0 && rc == -XEN_ENOSPC, "exhausted",
		   "%u binds of ports 1..%u (want %lu), %u bad ports, then rc %ld (want -ENOSPC)",
		   count, highest, (unsigned long)(limit - 1), bad, rc);
	rc = rt_evtchn_bind_ipi(&port);
	long rc2 = hyp_evtchn_alloc_unbound(peer, &port);

	test_check(rc == -XEN_ENOSPC && rc2 == -XEN_ENOSPC, "still_full",
		   "bind_ipi rc %ld, alloc_unbound rc %ld", rc, rc2);
	/* A closed port comes back. */
	if (bound[5]) {
		rc = rt_evtchn_close(5);
		rc2 = rt_evtchn_bind_ipi(&port);
		test_check(rc == 0 && rc2 == 0 && port == 5, "reuse", "close 5: rc %ld, bind: rc %ld port %u",
			   rc, rc2, port);
	}
	/* Close everything; each close must succeed exactly once. */
	bad = 0;
	for (unsigned int p = 1; p < limit; p++) {
		if (bound[p] && rt_evtchn_close(p) != 0) {
			bad++;
		}
		if (bound[p] && rt_evtchn_close(p) != -XEN_EINVAL) {
			bad++;
		}
	}
	test_check(bad == 0, "closed_all", "%u closes misbehaved", bad);
	rc = rt_evtchn_bind_ipi(&port);
	test_check(rc == 0 && port == 1, "bind_after", "rc %ld port %u", rc, port);
}
