/*
 * Unit tests of vcpu_op (hv/common/vcpu_op.c), vcpu_info placement
 * (vcpu_info.c), the guest timers (evtchn_timer.c) and the runstate area
 * (time.c) on the fake arch: every error the guest can provoke, what each
 * call commits, and that a failing call commits nothing.
 */
#include "test_evtchn_env.h"

#include <hv/mm.h>

#define ARG_VA (GUEST_VA + 0x100)
#define RS_VA  (GUEST_VA + 0x400)

static struct domain *d;
static struct vcpu *v0, *v1;
static evtchn_port_t timer0;

static int setup(void **state)
{
	(void)state;
	env_boot();
	fake_time_set(1000000000ULL);
	d = env_domain("vop", 2);
	v0 = &d->vcpus[0];
	v1 = &d->vcpus[1];
	timer0 = env_bind_virq(v0, VIRQ_TIMER, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	env_shutdown();
	return 0;
}

static int64_t vop(struct vcpu *curr, unsigned int cmd, unsigned int id, const void *arg,
		   size_t len)
{
	if (arg != NULL) {
		memcpy(guest_buf + (ARG_VA - GUEST_VA), arg, len);
	}
	return env_call(do_vcpu_op, curr, cmd, id, ARG_VA);
}

/* A guest frame of d's own, for vcpu_info. */
static mfn_t own_frame(struct domain *owner)
{
	mfn_t m = frame_alloc(FRAME_GUEST, owner->id);

	assert_true(mfn_x(m) != INVALID_MFN_RAW);
	memset(arch_frame_map(m), 0, PAGE_SIZE);
	return m;
}

/* ---- generic ----------------------------------------------------------------- */

static void test_bad_vcpu_and_unknown_ops(void **state)
{
	(void)state;
	for (unsigned int cmd = 0; cmd <= 13; cmd++) {
		assert_int_equal(env_call(do_vcpu_op, v0, cmd, 2, ARG_VA), -XEN_ENOENT);
		assert_int_equal(env_call(do_vcpu_op, v0, cmd, MAX_VCPUS_PER_DOM, ARG_VA),
				 -XEN_ENOENT);
		assert_int_equal(env_call(do_vcpu_op, v0, cmd, ~0ULL, ARG_VA), -XEN_ENOENT);
	}
	assert_int_equal(vop(v0, VCPUOP_initialise, 1, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, VCPUOP_up, 1, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, VCPUOP_down, 0, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, VCPUOP_send_nmi, 1, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, VCPUOP_get_physid, 0, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_time_memory_area, 0, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, 14, 0, NULL, 0), -XEN_ENOSYS);
	assert_int_equal(vop(v0, 0xffffffff, 0, NULL, 0), -XEN_ENOSYS);
}

static void test_is_up(void **state)
{
	(void)state;
	assert_int_equal(vop(v0, VCPUOP_is_up, 0, NULL, 0), 1);
	sched_block(v1);
	assert_int_equal(vop(v0, VCPUOP_is_up, 1, NULL, 0), 1);
	sched_wake(v1);
	sched_remove(v1);
	v1->state = VCPU_OFFLINE;
	assert_int_equal(vop(v0, VCPUOP_is_up, 1, NULL, 0), 0);
}

/* ---- timers ------------------------------------------------------------------ */

static void test_default_periodic_and_stop(void **state)
{
	(void)state;
	/* Every PV vCPU starts with a 10 ms tick, as on Xen. */
	assert_true(timer_pending(&v0->event.periodic));
	assert_int_equal(v0->event.periodic.deadline, 1000000000ULL + 10000000);
	fake_time_advance(10000000);
	timer_run_expired(arch_time_ns());
	assert_true(env_pending(d, timer0));
	assert_int_equal(v0->event.periodic.deadline, 1000000000ULL + 20000000);
	/* Late by 3.5 periods: one event, next a period from now. */
	d->shared_info->evtchn_pending[0] = 0;
	fake_time_advance(35000000);
	timer_run_expired(arch_time_ns());
	assert_true(env_pending(d, timer0));
	assert_int_equal(v0->event.periodic.deadline, arch_time_ns() + 10000000);

	assert_int_equal(vop(v0, VCPUOP_stop_periodic_timer, 0, NULL, 0), 0);
	assert_false(timer_pending(&v0->event.periodic));
	/* Another vCPU's periodic timer may be stopped too. */
	assert_int_equal(vop(v0, VCPUOP_stop_periodic_timer, 1, NULL, 0), 0);
	assert_false(timer_pending(&v1->event.periodic));
}

static void test_set_periodic(void **state)
{
	struct vcpu_set_periodic_timer t;

	(void)state;
	t.period_ns = 999999;
	assert_int_equal(vop(v0, VCPUOP_set_periodic_timer, 0, &t, sizeof(t)), -XEN_EINVAL);
	t.period_ns = 1ULL << 62;
	assert_int_equal(vop(v0, VCPUOP_set_periodic_timer, 0, &t, sizeof(t)), -XEN_EINVAL);
	assert_int_equal(env_call(do_vcpu_op, v0, VCPUOP_set_periodic_timer, 0, 0x5000),
			 -XEN_EFAULT);
	/* Nothing changed by the refusals. */
	assert_int_equal(v0->event.periodic_period, EVTCHN_DEFAULT_PERIOD_NS);

	t.period_ns = 1000000;
	assert_int_equal(vop(v0, VCPUOP_set_periodic_timer, 1, &t, sizeof(t)), 0);
	assert_int_equal(v1->event.periodic_period, 1000000);
	assert_int_equal(v1->event.periodic.deadline, arch_time_ns() + 1000000);
}

static void test_singleshot(void **state)
{
	struct vcpu_set_singleshot_timer t;
	uint64_t now = arch_time_ns();

	(void)state;
	evtchn_periodic_set(v0, 0);
	/* Only one's own. */
	t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = now + 100 };
	assert_int_equal(vop(v0, VCPUOP_set_singleshot_timer, 1, &t, sizeof(t)), -XEN_EINVAL);
	assert_int_equal(vop(v0, VCPUOP_stop_singleshot_timer, 1, NULL, 0), -XEN_EINVAL);
	/* In the past with "future": -ETIME and nothing armed. */
	t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = now - 1,
						.flags = VCPU_SSHOTTMR_future };
	assert_int_equal(vop(v0, VCPUOP_set_singleshot_timer, 0, &t, sizeof(t)), -XEN_ETIME);
	assert_false(timer_pending(&v0->event.singleshot));
	assert_int_equal(env_call(do_vcpu_op, v0, VCPUOP_set_singleshot_timer, 0, 0x5000),
			 -XEN_EFAULT);

	/* In the future: fires once, at its deadline. */
	t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = now + 5000,
						.flags = VCPU_SSHOTTMR_future };
	assert_int_equal(vop(v0, VCPUOP_set_singleshot_timer, 0, &t, sizeof(t)), 0);
	timer_run_expired(now + 4999);
	assert_false(env_pending(d, timer0));
	timer_run_expired(now + 5000);
	assert_true(env_pending(d, timer0));
	assert_false(timer_pending(&v0->event.singleshot));

	/* In the past without the flag (Linux): fires at the next interrupt. */
	d->shared_info->evtchn_pending[0] = 0;
	t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = now - 1 };
	assert_int_equal(vop(v0, VCPUOP_set_singleshot_timer, 0, &t, sizeof(t)), 0);
	timer_run_expired(now);
	assert_true(env_pending(d, timer0));

	/* Stop (Linux BUGs if it fails). */
	t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = now + 9000 };
	assert_int_equal(vop(v0, VCPUOP_set_singleshot_timer, 0, &t, sizeof(t)), 0);
	assert_int_equal(vop(v0, VCPUOP_stop_singleshot_timer, 0, NULL, 0), 0);
	assert_false(timer_pending(&v0->event.singleshot));
	assert_int_equal(vop(v0, VCPUOP_stop_singleshot_timer, 0, NULL, 0), 0);
}

/* ---- vcpu_info placement -------------------------------------------------------- */

static void test_register_vcpu_info(void **state)
{
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *old = vcpu_info_of(v0), *next;
	mfn_t m = own_frame(d);

	(void)state;
	old->evtchn_upcall_mask = 1;
	old->arch.cr2 = 0x1234;
	r = (struct vcpu_register_vcpu_info){ .mfn = mfn_x(m), .offset = 128 };
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), 0);
	next = vcpu_info_of(v0);
	assert_ptr_equal(next, (struct vcpu_info *)((uint8_t *)arch_frame_map(m) + 128));
	assert_true(vcpu_info_frame_in_use(d, m));
	/* Held writable: it cannot become a page table or leave the domain. */
	assert_false(mm_frame_unreferenced(d, m));
	assert_int_equal(frame_get(m)->type, MM_TYPE_WRITABLE);
	assert_int_equal(mm_get_page_type(d, m, MM_TYPE_L1), -XEN_EINVAL);
	/* Copied, then every selector bit and the upcall raised. */
	assert_int_equal(next->evtchn_upcall_mask, 1);
	assert_int_equal(next->arch.cr2, 0x1234);
	assert_int_equal(next->evtchn_pending_sel, ~0ULL);
	assert_int_equal(next->evtchn_upcall_pending, 1);
	assert_int_equal(next->time.version % 2, 0);
	assert_int_not_equal(next->time.version, 0);
	assert_int_equal(next->time.system_time, arch_time_ns());

	/* Delivery goes to the new place. */
	next->evtchn_pending_sel = 0;
	next->evtchn_upcall_pending = 0;
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_int_equal(next->evtchn_pending_sel, 1);
	assert_int_equal(next->evtchn_upcall_pending, 1);
	assert_int_equal(old->evtchn_upcall_pending, 0);

	/* Once only. */
	r.offset = 0;
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);

	/* Teardown lets go of the frame. */
	evtchn_vcpu_destroy(v0);
	assert_true(mm_frame_unreferenced(d, m));
	assert_false(vcpu_info_frame_in_use(d, m));
}

static void test_register_vcpu_info_refusals(void **state)
{
	struct domain *other = env_domain("other", 1);
	struct vcpu_register_vcpu_info r;
	mfn_t mine = own_frame(d), theirs = own_frame(other), typed = own_frame(d);
	mfn_t hv = frame_alloc(FRAME_HV, FRAME_OWNER_NONE), freed = own_frame(d);
	struct vcpu_info *before = vcpu_info_of(v0);

	(void)state;
	frame_free(freed);
	/* A page table (an empty L1 validates). */
	assert_int_equal(mm_get_page_type(d, typed, MM_TYPE_L1), 0);

	r = (struct vcpu_register_vcpu_info){ .mfn = mfn_x(mine), .offset = PAGE_SIZE - 63 };
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_ENXIO);
	r.offset = 0xffffffff;
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_ENXIO);
	r.offset = 4;	/* misaligned */
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_ENXIO);
	r.offset = PAGE_SIZE - 64;	/* the last place that fits */
	r.mfn = mfn_x(theirs);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	r.mfn = mfn_x(hv);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	r.mfn = mfn_x(freed);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	r.mfn = mfn_x(typed);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	r.mfn = mfn_x(d->shared_info_mfn);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	r.mfn = ENV_FRAMES + 5;
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	r.mfn = ~0ULL;
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 0, &r, sizeof(r)), -XEN_EINVAL);
	assert_int_equal(env_call(do_vcpu_op, v0, VCPUOP_register_vcpu_info, 0, 0x5000),
			 -XEN_EFAULT);
	/* Another vCPU that is up: only itself may move it. */
	r.mfn = mfn_x(mine);
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 1, &r, sizeof(r)), -XEN_EINVAL);
	assert_ptr_equal(vcpu_info_of(v0), before);
	assert_false(vcpu_info_frame_in_use(d, mine));

	/* A vCPU that is down may be set up by another. */
	sched_remove(v1);
	v1->state = VCPU_OFFLINE;
	assert_int_equal(vop(v0, VCPUOP_register_vcpu_info, 1, &r, sizeof(r)), 0);
	assert_true(vcpu_info_frame_in_use(d, mine));
	mm_put_page_type(d, typed);
	frame_free(hv);
}

/* ---- runstate ------------------------------------------------------------------ */

static struct vcpu_runstate_info *guest_rs(void)
{
	return (struct vcpu_runstate_info *)(guest_buf + (RS_VA - GUEST_VA));
}

static void test_runstate(void **state)
{
	struct vcpu_register_runstate_memory_area a = { .addr = RS_VA };
	struct vcpu_runstate_info info;
	uint64_t t0 = arch_time_ns();

	(void)state;
	runstate_update(v0, RUNSTATE_running);
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)), 0);
	assert_int_equal(guest_rs()->state, RUNSTATE_running);
	assert_int_equal(guest_rs()->state_entry_time, t0);

	fake_time_advance(500);
	runstate_update(v0, RUNSTATE_blocked);
	assert_int_equal(guest_rs()->state, RUNSTATE_blocked);
	assert_int_equal(guest_rs()->state_entry_time, t0 + 500);
	assert_int_equal(guest_rs()->time[RUNSTATE_running], 500);

	/* Accounting without a copy (a wake, from anywhere). */
	fake_time_advance(300);
	runstate_change(v0, RUNSTATE_runnable);
	assert_int_equal(guest_rs()->state, RUNSTATE_blocked);
	fake_time_advance(200);
	runstate_update(v0, RUNSTATE_running);
	assert_int_equal(guest_rs()->time[RUNSTATE_blocked], 300);
	assert_int_equal(guest_rs()->time[RUNSTATE_runnable], 200);

	/* The query counts the time in the current state so far. */
	fake_time_advance(50);
	assert_int_equal(vop(v0, VCPUOP_get_runstate_info, 0, NULL, 0), 0);
	memcpy(&info, guest_buf + (ARG_VA - GUEST_VA), sizeof(info));
	assert_int_equal(info.state, RUNSTATE_running);
	assert_int_equal(info.time[RUNSTATE_running], 550);
	assert_int_equal(env_call(do_vcpu_op, v0, VCPUOP_get_runstate_info, 0, 0x5000), -XEN_EFAULT);
	assert_int_equal(env_call(do_vcpu_op, v0, VCPUOP_get_runstate_info, 1, ARG_VA), 0);

	/* Unregister: no more copies. */
	a.addr = 0;
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)), 0);
	fake_time_advance(10);
	runstate_update(v0, RUNSTATE_blocked);
	assert_int_equal(guest_rs()->state, RUNSTATE_running);
}

static void test_runstate_bad_area(void **state)
{
	struct vcpu_register_runstate_memory_area a;

	(void)state;
	/* Not an address a guest may name: refused. */
	a.addr = 0xffff800000000000ULL;
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)),
			 -XEN_EFAULT);
	a.addr = 0x00007fffffffffe0ULL;	/* runs into the hole */
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)),
			 -XEN_EFAULT);
	assert_int_equal(v0->event.runstate_guest, 0);
	assert_int_equal(env_call(do_vcpu_op, v0, VCPUOP_register_runstate_memory_area, 0, 0x5000),
			 -XEN_EFAULT);

	/* Nameable but unmapped now (as in guest user mode): accepted, the
	 * copy is retried once it can succeed. */
	a.addr = 0x30000000ULL;
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)), 0);
	runstate_update(v0, RUNSTATE_running);
	assert_true(v0->event.runstate_dirty);
	static struct vcpu_runstate_info late;

	fake_guest_map(0x30000000ULL, &late, sizeof(late));
	runstate_retry(v0);
	assert_false(v0->event.runstate_dirty);
	assert_int_equal(late.state, RUNSTATE_running);
}

static void test_runstate_update_flag(void **state)
{
	struct vcpu_register_runstate_memory_area a = { .addr = RS_VA };
	static uint8_t torn[16];

	(void)state;
	assert_int_equal(env_call(do_vm_assist, v0, VMASST_CMD_enable,
				  VMASST_TYPE_runstate_update_flag, 0), 0);
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)), 0);
	fake_time_advance(100);
	runstate_update(v0, RUNSTATE_running);
	/* A whole update leaves the flag clear. */
	assert_int_equal(guest_rs()->state_entry_time & XEN_RUNSTATE_UPDATE, 0);
	assert_int_equal(guest_rs()->state_entry_time, arch_time_ns());

	/* An update torn half way (the area's tail unmapped) leaves the flag
	 * set, so the guest knows not to trust it. */
	fake_guest_map(0x40000000ULL, torn, sizeof(torn));
	a.addr = 0x40000000ULL;
	assert_int_equal(vop(v0, VCPUOP_register_runstate_memory_area, 0, &a, sizeof(a)), 0);
	fake_time_advance(100);
	runstate_update(v0, RUNSTATE_blocked);
	uint64_t entry;

	memcpy(&entry, torn + 8, sizeof(entry));
	assert_true(entry & XEN_RUNSTATE_UPDATE);
	assert_true(v0->event.runstate_dirty);

	/* Without the flag the same tear is silent. */
	assert_int_equal(env_call(do_vm_assist, v0, VMASST_CMD_disable,
				  VMASST_TYPE_runstate_update_flag, 0), 0);
	fake_time_advance(100);
	runstate_update(v0, RUNSTATE_running);
	memcpy(&entry, torn + 8, sizeof(entry));
	assert_false(entry & XEN_RUNSTATE_UPDATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_vcpu_and_unknown_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_periodic_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_periodic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_singleshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_vcpu_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_vcpu_info_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runstate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runstate_bad_area, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runstate_update_flag, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
