/*
 * A vCPU's guest timers, each ending in an event: the single-shot timer
 * (VCPUOP_set_singleshot_timer, set_timer_op) and the periodic one
 * (VCPUOP_set_periodic_timer; every PV vCPU starts with a 10 ms period, as
 * on Xen, until the guest stops it) raise VIRQ_TIMER; the poll timer ends a
 * SCHEDOP_poll. Callbacks run from timer_run_expired with interrupts off.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/sched.h>
#include <hv/timer.h>

static void singleshot_fn(void *data)
{
	evtchn_send_virq(data, VIRQ_TIMER);
}

static void periodic_fn(void *data)
{
	struct vcpu *v = data;
	uint64_t now = arch_time_ns();
	uint64_t next = v->event.periodic.deadline + v->event.periodic_period;

	evtchn_send_virq(v, VIRQ_TIMER);
	/* Ticks missed while we were late are not replayed: one event, and
	 * the next a whole period from now (Xen does the same). */
	if (next <= now) {
		next = now + v->event.periodic_period;
	}
	timer_set(&v->event.periodic, next);
}

static void poll_timeout_fn(void *data)
{
	struct vcpu *v = data;

	if (v->event.polling) {
		evtchn_poll_end(v);
		sched_wake(v);
	}
}

void evtchn_timers_init(struct vcpu *v)
{
	evtchn_timers_stop(v);
	timer_init(&v->event.singleshot, singleshot_fn, v);
	timer_init(&v->event.periodic, periodic_fn, v);
	timer_init(&v->event.poll_timer, poll_timeout_fn, v);
	evtchn_periodic_set(v, EVTCHN_DEFAULT_PERIOD_NS);
}

void evtchn_timers_stop(struct vcpu *v)
{
	timer_stop(&v->event.singleshot);
	timer_stop(&v->event.periodic);
	timer_stop(&v->event.poll_timer);
	v->event.periodic_period = 0;
}

void evtchn_singleshot_set(struct vcpu *v, uint64_t deadline_ns)
{
	timer_set(&v->event.singleshot, deadline_ns);
}

void evtchn_singleshot_stop(struct vcpu *v)
{
	timer_stop(&v->event.singleshot);
}

void evtchn_periodic_set(struct vcpu *v, uint64_t period_ns)
{
	v->event.periodic_period = period_ns;
	if (period_ns == 0) {
		timer_stop(&v->event.periodic);
		return;
	}
	/* The caller bounded the period, so now + period cannot wrap. */
	timer_set(&v->event.periodic, arch_time_ns() + period_ns);
}

void evtchn_poll_end(struct vcpu *v)
{
	v->event.polling = false;
	v->event.poll_any = false;
	v->event.poll_port = 0;
	timer_stop(&v->event.poll_timer);
}
