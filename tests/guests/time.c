/*
 * time: shared_info time and events. The vcpu_time_info version protocol,
 * system time advancing, the wallclock, VCPUOP timers (single-shot with and
 * without VCPU_SSHOTTMR_future, periodic, stop), set_timer_op, sched_op
 * block woken by a VIRQ_TIMER upcall and poll, event channels on local
 * ports (bind_virq, bind_ipi, send, per-port mask and unmask, the vCPU's
 * upcall mask, close, status), vcpu_op is_up and the runstate area.
 *
 * Keys: name. Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "time.h"
#include "traps.h"

const char guest_image[] = "time";

#define MS 1000000ULL
/* 2020-09-13 and 2100-01-01, as seconds since the epoch. */
#define WALLCLOCK_MIN 1600000000ULL
#define WALLCLOCK_MAX 4102444800ULL

static evtchn_port_t timer_port;

static void test_time_info(void)
{
	struct rt_time_snapshot s;
	uint64_t t0, t1, prev, sec;
	uint32_t nsec, wcv;
	bool monotonic = true;

	rt_time_snapshot(&s);
	test_check(!(s.version & 1) && s.version != 0 && s.mul != 0, "vcpu_time_info",
		   "version %u system_time %lu ns mul 0x%x shift %d tsc_timestamp 0x%lx (%u retries)",
		   s.version, (unsigned long)s.system_time, s.mul, s.shift,
		   (unsigned long)s.tsc_timestamp, s.retries);
	t0 = prev = rt_system_time();
	for (int i = 0; i < 2000; i++) {
		uint64_t t = rt_system_time();

		monotonic = monotonic && t >= prev;
		prev = t;
		if (i % 200 == 0) {
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
	}
	t1 = rt_system_time();
	test_check(monotonic && t1 > t0, "system_time_advances", "%lu ns -> %lu ns%s",
		   (unsigned long)t0, (unsigned long)t1, monotonic ? "" : " (went backwards)");

	rt_wallclock(&sec, &nsec, &wcv);
	sec += t1 / 1000000000ULL;
	test_check(!(wcv & 1) && sec >= WALLCLOCK_MIN && sec < WALLCLOCK_MAX && nsec < 1000000000U,
		   "wallclock", "version %u, now %lu s since 1970 (+%u ns at boot)", wcv,
		   (unsigned long)sec, nsec);
}

static void test_stop_timers(void)
{
	long rc1 = hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	long rc2 = hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);

	test_check(rc1 == 0 && rc2 == 0, "stop_timers", "stop_periodic %ld stop_singleshot %ld",
		   rc1, rc2);
}

/*
 * Block until the timer port has fired `want` times in all, or until
 * `limit` (system time) has passed at a wake-up. The caller arms a timer
 * that fires by `limit`, so this cannot block for ever.
 */
static bool block_for_timer(unsigned int want, uint64_t limit)
{
	while (rt_port_events[timer_port] < want) {
		if (rt_system_time() > limit) {
			return false;
		}
		hyp_sched_op(SCHEDOP_block, NULL);
	}
	return true;
}

static long singleshot(uint64_t when, uint32_t flags)
{
	struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = when, .flags = flags };

	return hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
}

/* Spin (events enabled) for `ns` of system time. */
static void spin_for(uint64_t ns)
{
	uint64_t until = rt_system_time() + ns;

	while (rt_system_time() < until) {
		__asm__ volatile("pause" : : : "memory");
	}
}

/*
 * Periodic, 2 ms. In Xen the periodic timer counts while the vCPU runs: it
 * is stopped when the vCPU is descheduled (so it does not wake a blocked
 * vCPU) and re-armed when it runs again. So the ticks are counted while
 * spinning with events enabled.
 */
static void test_periodic(void)
{
	struct vcpu_set_periodic_timer pt = { .period_ns = 2 * MS };
	unsigned int base, ticks, after_stop;
	long rc, rc2;

	rt_events_mask(0);
	base = rt_port_events[timer_port];
	rc = hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
	spin_for(40 * MS);
	ticks = rt_port_events[timer_port] - base;
	rc2 = hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	after_stop = rt_port_events[timer_port];
	spin_for(10 * MS);
	/* 20 periods; a loaded host delays timer interrupts under TCG. */
	test_check(rc == 0 && rc2 == 0 && ticks >= 2 && ticks <= 22 &&
		   rt_port_events[timer_port] <= after_stop + 1, "periodic_timer",
		   "rc %ld/%ld, %u ticks in 40 ms, %u after stop", rc, rc2, ticks,
		   rt_port_events[timer_port] - after_stop);
	pt.period_ns = 1000;
	rc = hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
	test_check(rc == -XEN_EINVAL, "periodic_timer_too_short", "1 us: rc %ld", rc);
}

static void test_virq_timer(void)
{
	evtchn_port_t again;
	unsigned int before;
	uint64_t deadline, woke;
	long rc;
	bool ok;

	rc = rt_evtchn_bind_virq(VIRQ_TIMER, &timer_port);
	test_check(rc == 0 && timer_port > 0 && timer_port < RT_NR_PORTS, "bind_virq_timer",
		   "rc %ld port %u", rc, timer_port);
	if (rc) {
		return;
	}
	rc = rt_evtchn_bind_virq(VIRQ_TIMER, &again);
	test_check(rc == -XEN_EEXIST, "bind_virq_twice", "rc %ld", rc);
	rc = rt_evtchn_unmask(timer_port);
	test_check(rc == 0, "unmask_timer_port", "rc %ld", rc);

	/* Single shot 2 ms ahead, then block: the upcall wakes us. */
	before = rt_port_events[timer_port];
	deadline = rt_system_time() + 2 * MS;
	rc = singleshot(deadline, 0);
	ok = block_for_timer(before + 1, deadline + 1000 * MS);
	woke = rt_system_time();
	test_check(rc == 0 && ok, "singleshot_block_wakes", "rc %ld, %u upcall(s) on port %u",
		   rc, rt_port_events[timer_port] - before, timer_port);
	test_check(woke + MS >= deadline, "singleshot_not_early", "woke at %lu, deadline %lu",
		   (unsigned long)woke, (unsigned long)deadline);
	test_check(rt_vcpu_info()->evtchn_upcall_mask == 0, "block_unmasks_events",
		   "upcall mask %u after block", rt_vcpu_info()->evtchn_upcall_mask);

	/* Xen 4.17 ignores VCPU_SSHOTTMR_future (the timer fires at once);
	 * older Xen returned -ETIME. */
	before = rt_port_events[timer_port];
	rc = singleshot(rt_system_time() - MS, VCPU_SSHOTTMR_future);
	test_check(rc == 0 || rc == -XEN_ETIME, "singleshot_in_the_past", "rc %ld", rc);
	if (rc == 0) {
		ok = block_for_timer(before + 1, rt_system_time() + 1000 * MS);
		test_check(ok, "singleshot_past_fires", "%u upcall(s)",
			   rt_port_events[timer_port] - before);
	}

	/* The old interface: set_timer_op arms the same single-shot timer. */
	before = rt_port_events[timer_port];
	rc = hyp_set_timer_op(rt_system_time() + MS);
	ok = rc == 0 && block_for_timer(before + 1, rt_system_time() + 1000 * MS);
	test_check(ok, "set_timer_op_block_wakes", "rc %ld", rc);

	test_periodic();
}

static void test_ipi(void)
{
	struct evtchn_status st;
	evtchn_port_t ipi;
	unsigned int n;
	long rc;

	rc = rt_evtchn_bind_ipi(&ipi);
	test_check(rc == 0 && ipi < RT_NR_PORTS && ipi != timer_port, "bind_ipi", "rc %ld port %u",
		   rc, ipi);
	if (rc) {
		return;
	}
	rt_evtchn_unmask(ipi);
	rt_events_mask(0);

	rc = rt_evtchn_send(ipi);
	test_check(rc == 0 && rt_port_events[ipi] == 1, "send_ipi_delivers",
		   "rc %ld, %u upcall(s)", rc, rt_port_events[ipi]);

	/* Masked port: pending but no upcall; unmask delivers it. */
	rt_port_mask(ipi);
	rc = rt_evtchn_send(ipi);
	n = rt_port_events[ipi];
	test_check(rc == 0 && n == 1 && rt_port_pending(ipi), "send_masked_port_pends",
		   "rc %ld, events %u, pending %d", rc, n, rt_port_pending(ipi));
	rc = rt_evtchn_unmask(ipi);
	test_check(rc == 0 && rt_port_events[ipi] == 2 && !rt_port_pending(ipi),
		   "unmask_delivers_pending", "rc %ld, events %u", rc, rt_port_events[ipi]);

	/* Masked vCPU: pending in the selector, delivered once unmasked. */
	rt_events_mask(1);
	rc = rt_evtchn_send(ipi);
	n = rt_port_events[ipi];
	rt_events_mask(0);
	test_check(rc == 0 && n == 2 && rt_port_events[ipi] == 3, "upcall_mask_defers",
		   "rc %ld, events while masked %u, after unmask %u", rc, n, rt_port_events[ipi]);

	rc = rt_evtchn_status(ipi, &st);
	test_check(rc == 0 && st.status == EVTCHNSTAT_ipi && st.vcpu == 0, "status_ipi",
		   "rc %ld status %u vcpu %u", rc, st.status, st.vcpu);
	rc = rt_evtchn_status(timer_port, &st);
	test_check(rc == 0 && st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER,
		   "status_virq", "rc %ld status %u virq %u", rc, st.status, st.u.virq);

	rc = rt_evtchn_close(ipi);
	test_check(rc == 0, "close_ipi", "rc %ld", rc);
	rc = rt_evtchn_status(ipi, &st);
	test_check(rc == 0 && st.status == EVTCHNSTAT_closed, "status_closed",
		   "rc %ld status %u", rc, st.status);
	rc = rt_evtchn_send(ipi);
	test_check(rc < 0, "send_closed_refused", "rc %ld", rc);
	rc = rt_evtchn_send(4095);
	test_check(rc < 0, "send_unbound_port_refused", "port 4095: rc %ld", rc);
}

static void test_poll(void)
{
	evtchn_port_t p;
	uint64_t deadline;
	long rc;

	rt_evtchn_bind_ipi(&p);
	rt_port_mask(p);
	deadline = rt_system_time() + 2 * MS;
	rc = hyp_sched_poll(&p, 1, deadline);
	test_check(rc == 0 && rt_system_time() + MS >= deadline, "poll_timeout",
		   "rc %ld, returned %ld ns before the deadline", rc,
		   (long)(deadline - rt_system_time()));
	rt_evtchn_send(p);
	deadline = rt_system_time() + 1000 * MS;
	rc = hyp_sched_poll(&p, 1, deadline);
	test_check(rc == 0 && rt_system_time() < deadline && rt_port_pending(p), "poll_pending",
		   "rc %ld, pending %d", rc, rt_port_pending(p));
	rt_port_clear(p);
	rt_evtchn_close(p);
}

static void test_vcpu(void)
{
	static struct vcpu_runstate_info rs;
	struct vcpu_register_runstate_memory_area area = { .addr = (uint64_t)&rs };
	long up0 = hyp_vcpu_op(VCPUOP_is_up, 0, NULL);
	long rc;

	test_check(up0 == 1, "vcpu_is_up", "vcpu 0: %ld", up0);
	rc = hyp_vcpu_op(VCPUOP_is_up, XEN_LEGACY_MAX_VCPUS + 1, NULL);
	test_check(rc < 0, "vcpu_is_up_bad", "vcpu %u: rc %ld", XEN_LEGACY_MAX_VCPUS + 1, rc);
	rs.state = -1;
	rc = hyp_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
	test_check(rc == 0 && rs.state == RUNSTATE_running && rs.time[RUNSTATE_running] > 0,
		   "runstate_area", "rc %ld state %d running %lu ns entry %lu", rc, rs.state,
		   (unsigned long)rs.time[RUNSTATE_running], (unsigned long)rs.state_entry_time);
}

void guest_main(void)
{
	long rc = rt_traps_init();

	test_check(rc == 0 && rt_shared_info != NULL, "shared_info_mapped",
		   "set_trap_table rc %ld, shared_info at %p", rc, (void *)rt_shared_info);
	if (rc) {
		return;
	}
	test_time_info();
	test_stop_timers();
	test_virq_timer();
	test_ipi();
	test_poll();
	test_vcpu();
	rt_events_mask(1);
	hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}
