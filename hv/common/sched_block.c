/*
 * Waiting for events: SCHEDOP_block (enable upcalls and sleep until one is
 * due), SCHEDOP_poll (sleep until one of some ports is pending, or a
 * timeout) and set_timer_op (the single-shot timer). The scheduler takes
 * the vCPU off the CPU; event delivery (evtchn_kick) or a timer brings it
 * back. One CPU with interrupts off: nothing can happen between the last
 * check and sched_block(), so no wakeup is lost.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/errno.h>

/* Xen's bound on the ports one poll may name. */
#define POLL_MAX_PORTS 128U

/* Timeouts beyond about 13 days (2^50 ns) or wrapped negative: Xen's Linux
 * workaround fires them in 100 ms instead. */
#define TIMER_OP_FAR     (1ULL << 50)
#define TIMER_OP_FALLBACK_NS 100000000ULL

int64_t sched_op_block(struct vcpu *curr)
{
	struct vcpu_info *vi = vcpu_info_of(curr);

	/* Blocking enables delivery: the guest wakes into its upcall. */
	__atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
		return 0;
	}
	sched_block(curr);
	schedule(curr);
	return 0;
}

int64_t sched_op_poll(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	evtchn_port_t ports[POLL_MAX_PORTS];
	struct sched_poll p;

	if (copy_from_guest(curr, &p, guest_ptr(arg), sizeof(p)) != 0) {
		return -XEN_EFAULT;
	}
	if (p.nr_ports > POLL_MAX_PORTS) {
		return -XEN_EINVAL;
	}
	if (p.nr_ports > 0 &&
	    copy_from_guest(curr, ports, guest_ptr(p.ports), p.nr_ports * sizeof(ports[0])) != 0) {
		return -XEN_EFAULT;
	}
	/* Every port must name the table, checked before anything else. */
	for (unsigned int i = 0; i < p.nr_ports; i++) {
		if (ports[i] >= EVTCHN_MAX_PORTS) {
			return -XEN_EINVAL;
		}
	}
	/* Nothing to wait for: an upcall is due, a port is pending, or the
	 * timeout has passed. (Polling leaves the upcall mask alone.) */
	if (evtchn_upcall_deliverable(curr)) {
		return 0;
	}
	for (unsigned int i = 0; i < p.nr_ports; i++) {
		if (evtchn_port_is_pending(d, ports[i])) {
			return 0;
		}
	}
	if (p.timeout != 0 && p.timeout <= arch_time_ns()) {
		return 0;
	}

	curr->event.polling = true;
	curr->event.poll_any = p.nr_ports != 1;
	curr->event.poll_port = p.nr_ports == 1 ? ports[0] : 0;
	if (p.timeout != 0) {
		timer_set(&curr->event.poll_timer, p.timeout);
	}
	sched_block(curr);
	schedule(curr);
	/* Woken: by a port, an upcall or the timeout, which all end the poll;
	 * end it here too in case the scheduler woke us for another reason. */
	evtchn_poll_end(curr);
	return 0;
}

int64_t do_set_timer_op(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t timeout = args->a[0];
	uint64_t now = arch_time_ns();

	if (timeout == 0) {
		evtchn_singleshot_stop(curr);
		return 0;
	}
	/* As a signed time: negative, or more than 2^50 ns ahead. */
	if ((int64_t)timeout < 0 || (timeout > now && timeout - now >= TIMER_OP_FAR)) {
		evtchn_singleshot_set(curr, now + TIMER_OP_FALLBACK_NS);
		return 0;
	}
	evtchn_singleshot_set(curr, timeout);
	return 0;
}
