/*
 * Unit tests of waiting for events (hv/common/sched_block.c) on the fake
 * arch: SCHEDOP_block, SCHEDOP_poll and set_timer_op. The fake
 * arch_context_switch returns at once, so what happens while a vCPU sleeps
 * is played by a switch hook ("the world while v is away"): it sends
 * events, runs timers, and checks who is awake.
 */
#include "test_evtchn_env.h"

#define POLL_VA (GUEST_VA + 0x100)
#define PORTS_VA (GUEST_VA + 0x200)

static struct domain *d;
static struct vcpu *v0, *v1;
static evtchn_port_t timer_port, ipi_a, ipi_b;
static void (*away)(void);
static unsigned int away_calls;

static void switch_hook(struct vcpu *prev, struct vcpu *next)
{
	(void)prev;
	(void)next;
	away_calls++;
	if (away != NULL) {
		away();
	}
}

static int setup(void **state)
{
	(void)state;
	env_boot();
	d = env_domain("blk", 2);
	v0 = &d->vcpus[0];
	v1 = &d->vcpus[1];
	timer_port = env_bind_virq(v0, VIRQ_TIMER, 0);
	ipi_a = env_bind_ipi(v1, 0);
	ipi_b = env_bind_ipi(v1, 0);
	/* Quiet periodic timers: these tests drive time themselves. */
	evtchn_periodic_set(v0, 0);
	evtchn_periodic_set(v1, 0);
	away = NULL;
	away_calls = 0;
	fake_switch_set_hook(switch_hook);
	fake_time_set(1000000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_switch_set_hook(NULL);
	env_shutdown();
	return 0;
}

static struct vcpu_info *vi(struct vcpu *v)
{
	return vcpu_info_of(v);
}

static int64_t poll(struct vcpu *curr, const evtchn_port_t *ports, uint32_t nr, uint64_t timeout)
{
	struct sched_poll p = { .ports = PORTS_VA, .nr_ports = nr, .timeout = timeout };

	memcpy(guest_buf + (POLL_VA - GUEST_VA), &p, sizeof(p));
	if (nr > 0 && nr <= 256) {
		memcpy(guest_buf + (PORTS_VA - GUEST_VA), ports, nr * sizeof(*ports));
	}
	return sched_op_poll(curr, POLL_VA);
}

/* ---- block ------------------------------------------------------------------ */

static void test_block_returns_at_once_when_pending(void **state)
{
	(void)state;
	vi(v0)->evtchn_upcall_mask = 1;
	vi(v0)->evtchn_upcall_pending = 1;
	assert_int_equal(sched_op_block(v0), 0);
	assert_int_equal(vi(v0)->evtchn_upcall_mask, 0);	/* delivery enabled */
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_int_equal(away_calls, 0);
}

static void away_send_timer_virq(void)
{
	assert_int_equal(v0->state, VCPU_BLOCKED);
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
}

static void test_block_until_event(void **state)
{
	(void)state;
	vi(v0)->evtchn_upcall_mask = 1;
	away = away_send_timer_virq;
	assert_int_equal(sched_op_block(v0), 0);
	assert_int_equal(away_calls, 1);
	assert_int_equal(vi(v0)->evtchn_upcall_mask, 0);
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 1);
	assert_true(evtchn_upcall_deliverable(v0));
}

static void away_run_timers_later(void)
{
	assert_int_equal(v0->state, VCPU_BLOCKED);
	fake_time_advance(4000000);
	timer_run_expired(arch_time_ns());
	assert_int_equal(v0->state, VCPU_BLOCKED);	/* not yet */
	fake_time_advance(1000000);
	timer_run_expired(arch_time_ns());
	assert_int_equal(v0->state, VCPU_RUNNABLE);
}

static void test_block_until_singleshot(void **state)
{
	(void)state;
	assert_int_equal(env_call(do_set_timer_op, v0, arch_time_ns() + 5000000, 0, 0), 0);
	assert_true(timer_pending(&v0->event.singleshot));
	away = away_run_timers_later;
	assert_int_equal(sched_op_block(v0), 0);
	assert_true(env_pending(d, timer_port));
	assert_false(timer_pending(&v0->event.singleshot));
}

/* ---- poll ------------------------------------------------------------------- */

static void test_poll_bad_args(void **state)
{
	evtchn_port_t ports[130] = { 0 };

	(void)state;
	assert_int_equal(poll(v0, ports, 129, 0), -XEN_EINVAL);
	ports[1] = EVTCHN_MAX_PORTS;
	assert_int_equal(poll(v0, ports, 2, 0), -XEN_EINVAL);
	ports[1] = 0xffffffff;
	assert_int_equal(poll(v0, ports, 2, 0), -XEN_EINVAL);
	/* The port list is unmapped; so is the argument. */
	struct sched_poll p = { .ports = 0x5000, .nr_ports = 1 };

	memcpy(guest_buf, &p, sizeof(p));
	assert_int_equal(sched_op_poll(v0, GUEST_VA), -XEN_EFAULT);
	assert_int_equal(sched_op_poll(v0, 0x5000), -XEN_EFAULT);
	assert_false(v0->event.polling);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_int_equal(away_calls, 0);
}

static void test_poll_returns_at_once(void **state)
{
	evtchn_port_t ports[2] = { ipi_a, ipi_b };

	(void)state;
	/* A polled port is pending (masked, even). */
	env_mask(d, ipi_b);
	assert_int_equal(env_port_op(v1, EVTCHNOP_send, ipi_b), 0);
	assert_int_equal(poll(v0, ports, 2, 0), 0);
	/* The timeout has passed. */
	assert_int_equal(poll(v0, ports, 1, arch_time_ns()), 0);
	/* An upcall is due. */
	vi(v0)->evtchn_upcall_mask = 0;
	vi(v0)->evtchn_upcall_pending = 1;
	assert_int_equal(poll(v0, ports, 1, 0), 0);
	assert_int_equal(away_calls, 0);
	assert_false(v0->event.polling);
}

static void away_other_port_then_polled_port(void)
{
	assert_true(v0->event.polling);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	/* Another port, masked so no upcall: the poller sleeps on. */
	env_mask(d, ipi_b);
	assert_int_equal(env_port_op(v1, EVTCHNOP_send, ipi_b), 0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	/* The polled port, masked too: that wakes it. */
	env_mask(d, ipi_a);
	assert_int_equal(env_port_op(v1, EVTCHNOP_send, ipi_a), 0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->event.polling);
	assert_false(timer_pending(&v0->event.poll_timer));
}

static void test_poll_one_port(void **state)
{
	(void)state;
	vi(v0)->evtchn_upcall_mask = 1;	/* Linux polls with events masked */
	away = away_other_port_then_polled_port;
	assert_int_equal(poll(v0, &ipi_a, 1, arch_time_ns() + 50000000), 0);
	assert_int_equal(away_calls, 1);
	assert_int_equal(vi(v0)->evtchn_upcall_mask, 1);	/* poll leaves it */
}

static void away_any_port(void)
{
	env_mask(d, ipi_b);
	assert_int_equal(env_port_op(v1, EVTCHNOP_send, ipi_b), 0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
}

static void test_poll_any_of_several(void **state)
{
	evtchn_port_t ports[2] = { ipi_a, timer_port };

	(void)state;
	vi(v0)->evtchn_upcall_mask = 1;
	away = away_any_port;
	/* Several ports: any port of the domain ends the poll (as Xen). */
	assert_int_equal(poll(v0, ports, 2, 0), 0);
	assert_int_equal(away_calls, 1);
}

static void away_timeout(void)
{
	assert_true(timer_pending(&v0->event.poll_timer));
	fake_time_advance(2000000);
	timer_run_expired(arch_time_ns());
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->event.polling);
}

static void test_poll_timeout(void **state)
{
	(void)state;
	vi(v0)->evtchn_upcall_mask = 1;
	away = away_timeout;
	assert_int_equal(poll(v0, &ipi_a, 1, arch_time_ns() + 2000000), 0);
	assert_int_equal(away_calls, 1);
	assert_false(env_pending(d, ipi_a));
}

static void away_upcall(void)
{
	/* An unmasked event for the poller, on a port it does not poll: the
	 * upcall kick ends the poll too (as Xen's vcpu_kick). */
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->event.polling);
}

static void test_poll_ended_by_upcall(void **state)
{
	(void)state;
	vi(v0)->evtchn_upcall_mask = 1;
	away = away_upcall;
	assert_int_equal(poll(v0, &ipi_a, 1, 0), 0);
}

/* ---- set_timer_op ------------------------------------------------------------ */

static void test_set_timer_op(void **state)
{
	uint64_t now = arch_time_ns();

	(void)state;
	assert_int_equal(env_call(do_set_timer_op, v0, now + 777, 0, 0), 0);
	assert_int_equal(v0->event.singleshot.deadline, now + 777);
	assert_int_equal(env_call(do_set_timer_op, v0, 0, 0, 0), 0);
	assert_false(timer_pending(&v0->event.singleshot));
	/* Wrapped negative, or more than 2^50 ns ahead: in 100 ms instead. */
	assert_int_equal(env_call(do_set_timer_op, v0, (uint64_t)-5, 0, 0), 0);
	assert_int_equal(v0->event.singleshot.deadline, now + 100000000);
	assert_int_equal(env_call(do_set_timer_op, v0, now + (1ULL << 50), 0, 0), 0);
	assert_int_equal(v0->event.singleshot.deadline, now + 100000000);
	assert_int_equal(env_call(do_set_timer_op, v0, now + (1ULL << 50) - 1, 0, 0), 0);
	assert_int_equal(v0->event.singleshot.deadline, now + (1ULL << 50) - 1);
	/* In the past: fires at the next interrupt. */
	assert_int_equal(env_call(do_set_timer_op, v0, 5, 0, 0), 0);
	timer_run_expired(now);
	assert_true(env_pending(d, timer_port));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_block_returns_at_once_when_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_until_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_until_singleshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_returns_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_one_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_any_of_several, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_ended_by_upcall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_timer_op, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
