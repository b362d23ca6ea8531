/*
 * Unit tests of the round-robin scheduler (hv/common/sched.c) on the fake
 * arch. No stack is ever switched: arch_context_switch only records the
 * choice, and run() then plays "the chosen vCPU resumes" by calling
 * sched_after_switch() for it, as its own stack would on the machine.
 * The idle loop runs for real, with a switch hook playing the guests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/sched.h>

#define NR_FRAMES 256

static struct vcpu idle;
static struct domain *doms[3];
static struct vcpu *a, *b, *c;
static uint64_t free_at_start;

static struct domain *guest_make(const char *name)
{
	struct domain *d = domain_alloc(name);
	struct guest_entry e = { .rip = 0x1000 };

	assert_non_null(d);
	d->state = DOM_RUNNING;
	d->vcpus[0].domain = d;
	assert_int_equal(arch_vcpu_create(&d->vcpus[0], &e), 0);
	d->vcpu_count = 1;
	d->vcpus_alive = 1;
	d->vcpus[0].state = VCPU_RUNNABLE;
	return d;
}

static int setup(void **state)
{
	(void)state;
	fake_machine_boot(NR_FRAMES, 16);
	free_at_start = frame_free_count();
	memset(&idle, 0, sizeof(idle));
	assert_int_equal(arch_idle_vcpu_create(&idle), 0);
	sched_init(&idle);
	doms[0] = guest_make("a");
	doms[1] = guest_make("b");
	doms[2] = guest_make("c");
	a = &doms[0]->vcpus[0];
	b = &doms[1]->vcpus[0];
	c = &doms[2]->vcpus[0];
	/* Start on the idle vCPU with a clean slate. */
	schedule(&idle);
	assert_false(sched_need_resched());
	fake_switch_reset();
	fake_console_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_switch_reset();
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			sched_remove(&d->vcpus[0]);
			domain_free_unstarted(d);
		}
	}
	arch_vcpu_destroy(&idle);
	fake_machine_fini();
	return 0;
}

/* curr gives up the CPU; returns whom the scheduler chose (curr if nobody
 * else) and lets that vCPU resume as its stack would. */
static struct vcpu *run(struct vcpu *curr)
{
	unsigned int before = fake_switch_count();
	struct vcpu *next;

	schedule(curr);
	if (fake_switch_count() == before) {
		return curr;
	}
	assert_int_equal(fake_switch_count(), before + 1);
	assert_ptr_equal(fake_switch_get(before)->prev, curr);
	next = fake_switch_get(before)->next;
	/* next's stack carries on, as on the machine. */
	fake_set_current(next);
	sched_after_switch(next);
	return next;
}

static void test_round_robin(void **state)
{
	struct vcpu *curr = &idle;

	(void)state;
	sched_add(a);
	sched_add(b);
	sched_add(c);
	assert_true(sched_has_runnable());
	for (unsigned int round = 0; round < 4; round++) {
		assert_ptr_equal(curr = run(curr), a);
		assert_ptr_equal(curr = run(curr), b);
		assert_ptr_equal(curr = run(curr), c);
	}
	assert_int_equal(a->arch.switched_in, 4);
	assert_int_equal(b->arch.switched_in, 4);
	assert_int_equal(c->arch.switched_in, 4);
	assert_int_equal(idle.arch.switched_in, 0);
}

static void test_add_twice_and_late(void **state)
{
	struct vcpu *curr = &idle;

	(void)state;
	sched_add(a);
	sched_add(b);
	sched_add(a);	/* already queued: no second turn */
	assert_ptr_equal(curr = run(curr), a);
	assert_ptr_equal(curr = run(curr), b);
	assert_ptr_equal(curr = run(curr), a);
	/* A late arrival (while a runs) waits at most one round of the three,
	 * and from then on every round runs each vCPU exactly once. */
	sched_add(c);
	assert_ptr_equal(curr = run(curr), b);
	curr = run(curr);
	if (curr != c) {
		assert_ptr_equal(curr, a);
		assert_ptr_equal(curr = run(curr), c);
	}
	for (unsigned int round = 0; round < 3; round++) {
		unsigned int seen_a = 0, seen_b = 0, seen_c = 0;

		for (unsigned int i = 0; i < 3; i++) {
			curr = run(curr);
			seen_a += curr == a;
			seen_b += curr == b;
			seen_c += curr == c;
		}
		assert_int_equal(seen_a, 1);
		assert_int_equal(seen_b, 1);
		assert_int_equal(seen_c, 1);
	}
}

static void test_remove_running(void **state)
{
	struct vcpu *curr = &idle;

	(void)state;
	sched_add(a);
	sched_add(b);
	sched_add(c);
	assert_ptr_equal(curr = run(curr), a);
	assert_ptr_equal(curr = run(curr), b);
	assert_false(sched_need_resched());
	/* b stops while on the CPU: it must be switched out at the next exit. */
	sched_remove(b);
	assert_true(sched_need_resched());
	assert_ptr_equal(curr = run(curr), c);
	assert_false(sched_need_resched());
	for (unsigned int i = 0; i < 3; i++) {
		assert_ptr_equal(curr = run(curr), a);
		assert_ptr_equal(curr = run(curr), c);
	}
	assert_int_equal(b->arch.switched_in, 1);
	assert_null(b->rq_next);
}

static void test_remove_queued(void **state)
{
	struct vcpu *curr = &idle;

	(void)state;
	sched_add(a);
	sched_add(b);
	sched_add(c);
	assert_ptr_equal(curr = run(curr), a);
	/* Taking a waiting vCPU (the next in line) off needs no reschedule. */
	sched_remove(b);
	assert_false(sched_need_resched());
	assert_ptr_equal(curr = run(curr), c);
	assert_ptr_equal(curr = run(curr), a);
	/* Removing one that is not queued at all is harmless. */
	sched_remove(b);
	sched_remove(&idle);
	assert_ptr_equal(curr = run(curr), c);
}

static void test_idle_when_empty(void **state)
{
	struct vcpu *curr;

	(void)state;
	assert_false(sched_has_runnable());
	/* Nothing to run: the idle vCPU stays. */
	assert_ptr_equal(run(&idle), &idle);
	assert_int_equal(fake_switch_count(), 0);
	/* The last runnable vCPU leaves: the idle vCPU takes over. */
	sched_add(a);
	assert_ptr_equal(curr = run(&idle), a);
	sched_remove(a);
	assert_false(sched_has_runnable());
	assert_ptr_equal(curr = run(curr), &idle);
	assert_ptr_equal(fake_last_switch()->next, &idle);
}

static void test_alone_keeps_cpu(void **state)
{
	struct vcpu *curr;

	(void)state;
	sched_add(a);
	curr = run(&idle);
	assert_ptr_equal(curr, a);
	/* Its slice ends, nobody else wants the CPU: no switch at all. */
	sched_tick();
	assert_ptr_equal(run(curr), a);
	assert_int_equal(fake_switch_count(), 1);
	/* When another arrives, a's next yield hands over. */
	sched_add(b);
	assert_ptr_equal(run(curr), b);
}

static void test_tick(void **state)
{
	struct vcpu *curr;

	(void)state;
	sched_add(a);
	sched_add(b);
	curr = run(&idle);
	assert_false(sched_need_resched());
	sched_tick();
	assert_true(sched_need_resched());
	sched_tick();
	assert_true(sched_need_resched());
	/* Scheduling ends the slice whoever comes next. */
	curr = run(curr);
	assert_ptr_equal(curr, b);
	assert_false(sched_need_resched());
	fake_time_advance(SCHED_SLICE_NS);
	sched_tick();
	assert_true(sched_need_resched());
	assert_ptr_equal(run(curr), a);
	assert_false(sched_need_resched());
}

static void test_sched_start(void **state)
{
	(void)state;
	/* The boot stack is left for the idle vCPU and never resumed: here the
	 * fake switch returns, which the core reports as the bug it would be. */
	assert_true(FAKE_EXITED(sched_start()));
	assert_int_equal(fake_exit_last()->kind, FAKE_EXIT_PANIC);
	assert_non_null(strstr(fake_exit_last()->panic_msg, "boot context was resumed"));
	assert_int_equal(fake_switch_count(), 1);
	assert_ptr_equal(fake_switch_get(0)->next, &idle);
}

/* ---- the idle loop, with a hook playing the guests ------------------------ */

static unsigned int guest_runs;
static uint32_t hook_reason;

/* Each guest runs once and shuts itself down (as sched_op would). */
static void guest_shuts_down(struct vcpu *prev, struct vcpu *next)
{
	(void)prev;
	if (next->domain == NULL) {
		return;
	}
	guest_runs++;
	domain_shutdown(next->domain, hook_reason);
	schedule(next);
}

static void test_idle_loop_until_all_gone(void **state)
{
	(void)state;
	sched_add(a);
	sched_add(b);
	sched_add(c);
	guest_runs = 0;
	hook_reason = SHUTDOWN_poweroff;
	fake_switch_set_hook(guest_shuts_down);
	/* Every guest runs, stops and is reaped; then the machine powers off. */
	assert_true(FAKE_EXITED(sched_idle_loop(&idle)));
	assert_int_equal(fake_exit_last()->kind, FAKE_EXIT_EXIT);
	assert_int_equal(fake_exit_last()->status, HV_EXIT_OK);
	assert_int_equal(guest_runs, 3);
	assert_int_equal(domain_count_alive(), 0);
	assert_null(domain_by_id(doms[0]->id));
	assert_int_equal(frame_free_count(), free_at_start - HV_VCPU_FRAMES);
	assert_non_null(strstr(fake_console_output(), "domain 3 (c) destroyed"));
	assert_non_null(strstr(fake_console_output(), "no guest frame left behind"));
	assert_non_null(strstr(fake_console_output(), "powering off"));
	assert_int_equal(fake_wfi_count(), 0);
}

static unsigned int waits;

/* The timer fires while idle and makes a blocked guest runnable again. */
static void wake_a(void)
{
	waits++;
	sched_add(a);
}

static void test_idle_loop_waits(void **state)
{
	(void)state;
	doms[1]->state = DOM_DYING;	/* b and c are gone already */
	doms[2]->state = DOM_DYING;
	doms[1]->vcpus[0].state = VCPU_DEAD;
	doms[2]->vcpus[0].state = VCPU_DEAD;
	waits = 0;
	guest_runs = 0;
	hook_reason = SHUTDOWN_crash;
	fake_wfi_set_hook(wake_a);
	fake_switch_set_hook(guest_shuts_down);
	assert_true(FAKE_EXITED(sched_idle_loop(&idle)));
	/* It waited for an interrupt, ran a, and a crashed: status 1. */
	assert_int_equal(waits, 1);
	assert_int_equal(guest_runs, 1);
	assert_int_equal(fake_exit_last()->status, HV_EXIT_DOMAIN_CRASHED);
	assert_non_null(strstr(fake_console_output(), "(at least one crashed)"));
}

static void test_idle_loop_leak_check(void **state)
{
	mfn_t lost;

	(void)state;
	/* A guest frame nobody owns any more: the leak check stops the machine. */
	lost = frame_alloc(FRAME_GUEST, 99);
	assert_int_not_equal(mfn_x(lost), INVALID_MFN_RAW);
	for (unsigned int i = 0; i < 3; i++) {
		doms[i]->state = DOM_DYING;
		doms[i]->vcpus[0].state = VCPU_DEAD;
	}
	assert_true(FAKE_EXITED(sched_idle_loop(&idle)));
	assert_int_equal(fake_exit_last()->kind, FAKE_EXIT_PANIC);
	assert_non_null(strstr(fake_exit_last()->panic_msg, "1 guest frames still owned"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_twice_and_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_when_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alone_keeps_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sched_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_loop_until_all_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_loop_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_loop_leak_check, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
