/*
 * flask_chan: an event channel that a policy change may take away.
 *
 * Keys: name; expect=revoked|kept (default revoked); loops=N (default
 * 2000). Binds an IPI port, sends to itself and sees the pending bit and
 * the upcall a few times, then polls EVTCHNOP_status on the port, yielding
 * between polls, for at most N rounds. expect=revoked: the status must
 * turn EVTCHNSTAT_closed (the hypervisor closed the port when a new policy
 * no longer allowed it) and a send on it must then fail. expect=kept: the
 * port must stay an IPI port for every round, and still deliver at the end.
 *
 * Run as web_t beside a flask_ctl that loads a policy while this guest
 * polls. If the new policy also denies event:status on the port, an
 * EVTCHNOP_close returning -EINVAL tells that it was already closed. Pure Xen
 * PV64 ABI; on real Xen only expect=kept passes.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "traps.h"

const char guest_image[] = "flask_chan";

#define SENDS 3

/* Send once and wait (a few yields at most) for the upcall to count it. */
static bool send_and_see(evtchn_port_t port, long *rc)
{
	unsigned int before = rt_port_events[port];

	*rc = rt_evtchn_send(port);
	for (unsigned int i = 0; i < 10 && rt_port_events[port] == before; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	return *rc == 0 && rt_port_events[port] == before + 1;
}

static void exercise(evtchn_port_t port)
{
	long rc;

	/* Masked: the send only sets the pending bit; unmask delivers it. */
	rt_port_mask(port);
	rc = rt_evtchn_send(port);
	test_check(rc == 0 && rt_port_pending(port) && rt_port_events[port] == 0,
		   "send_masked_pends", "rc %ld pending %d events %u", rc,
		   rt_port_pending(port), rt_port_events[port]);
	rc = rt_evtchn_unmask(port);
	test_check(rc == 0 && rt_port_events[port] == 1, "unmask_delivers",
		   "rc %ld events %u", rc, rt_port_events[port]);
	for (unsigned int i = 0; i < SENDS; i++) {
		bool ok = send_and_see(port, &rc);

		test_check(ok, "send_upcall", "send %u: rc %ld events %u", i, rc,
			   rt_port_events[port]);
	}
}

/*
 * Whether the port is gone. EVTCHNOP_status saying EVTCHNSTAT_closed is
 * the direct answer. A policy that takes the channel away may also take
 * away event:status on it (test-revoke.blob does), and a denial must not
 * tell whether the port exists, so after a -EACCES from status the
 * unchecked EVTCHNOP_close decides: -EINVAL means the port was already
 * closed (revoked); 0 means it was still bound when the policy already
 * denied status, and this guest has just closed it itself (a failure).
 */
static bool port_gone(evtchn_port_t port, const char **how, bool *self_closed)
{
	long rc = rt_evtchn_close(port);

	if (rc == -XEN_EINVAL) {
		*how = "close -EINVAL (already closed) after status -EACCES";
		return true;
	}
	if (rc == 0) {
		*how = "still bound after status was denied: closed by the guest";
		*self_closed = true;
	}
	return false;
}

static void poll_status(evtchn_port_t port, bool want_revoked, uint64_t loops)
{
	struct evtchn_status st;
	uint64_t i, denied = 0;
	const char *how = "";
	long rc = 0;
	bool closed = false, changed = false, self_closed = false;

	for (i = 0; i < loops; i++) {
		rc = rt_evtchn_status(port, &st);
		if (rc == 0 && st.status == EVTCHNSTAT_closed) {
			closed = true;
			how = "status EVTCHNSTAT_closed";
			break;
		}
		if (rc == -XEN_EACCES) {
			denied++;
			if (want_revoked && port_gone(port, &how, &self_closed)) {
				closed = true;
				break;
			}
			if (self_closed) {
				break;
			}
		} else if (rc != 0 || st.status != EVTCHNSTAT_ipi) {
			changed = true;
			break;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (want_revoked) {
		test_check(closed, "revoked", "port %u closed after %lu polls: %s (rc %ld, %lu denied)",
			   port, (unsigned long)i, closed || self_closed ? how : "never", rc, (unsigned long)denied);
		if (closed) {
			rc = rt_evtchn_send(port);
			test_check(rc < 0, "send_revoked_refused", "port %u: rc %ld", port, rc);
		}
	} else {
		bool ok;

		test_check(!closed && !changed && denied == 0 && i == loops, "kept",
			   "port %u still an IPI port after %lu polls (rc %ld status %u, %lu denied)",
			   port, (unsigned long)i, rc, st.status, (unsigned long)denied);
		ok = send_and_see(port, &rc);
		test_check(ok, "send_after_kept", "rc %ld events %u", rc, rt_port_events[port]);
	}
}

void guest_main(void)
{
	char expect[16] = "revoked";
	uint64_t loops = cmdline_get_u64("loops", 2000);
	evtchn_port_t port = 0;
	long rc;

	cmdline_get("expect", expect, sizeof(expect));
	if (strcmp(expect, "revoked") != 0 && strcmp(expect, "kept") != 0) {
		test_fail("args", "expect=%s: want revoked or kept", expect);
		return;
	}
	rc = rt_traps_init();
	if (!test_check(rc == 0, "traps_init", "rc %ld", rc)) {
		return;
	}
	rc = rt_evtchn_bind_ipi(&port);
	if (!test_check(rc == 0 && port > 0 && port < RT_NR_PORTS, "bind_ipi", "rc %ld port %u",
			rc, port)) {
		return;
	}
	rt_printf("%s: bound IPI port %u, waiting for it to be %s\n", rt_guest_name, port,
		  expect);
	rt_events_mask(0);
	exercise(port);
	poll_status(port, strcmp(expect, "revoked") == 0, loops);
	rt_events_mask(1);
}
