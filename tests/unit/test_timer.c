/*
 * Unit tests of the software timers (hv/common/timer.c) and of the time
 * guests see (hv/common/time.c): ordering and expiry, what the arch is
 * asked to program, callbacks that re-arm or stop timers, and the pvclock
 * arithmetic checked against the arch clock over many TSC frequencies,
 * odd ones included, plus the wallclock in shared_info.
 */
#include "test_evtchn_env.h"

#define MAX_FIRED 16

static struct timer tm[6];
static unsigned int fired[MAX_FIRED];
static unsigned int fired_count;

static void record_fn(void *data)
{
	if (fired_count < MAX_FIRED) {
		fired[fired_count] = (unsigned int)(uintptr_t)data;
	}
	fired_count++;
}

static int setup(void **state)
{
	(void)state;
	env_boot();
	fired_count = 0;
	memset(tm, 0, sizeof(tm));
	for (unsigned int i = 0; i < ARRAY_SIZE(tm); i++) {
		timer_init(&tm[i], record_fn, (void *)(uintptr_t)i);
	}
	fake_timer_records_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(tm); i++) {
		timer_stop(&tm[i]);
	}
	env_shutdown();
	return 0;
}

static void test_order_and_expiry(void **state)
{
	(void)state;
	timer_set(&tm[3], 300);
	timer_set(&tm[1], 100);
	timer_set(&tm[2], 200);
	assert_int_equal(timer_next_deadline(), 100);
	assert_int_equal(fake_timer_programmed(), 100);

	timer_run_expired(99);
	assert_int_equal(fired_count, 0);
	timer_run_expired(250);
	assert_int_equal(fired_count, 2);
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired[1], 2);
	assert_false(timer_pending(&tm[1]));
	assert_true(timer_pending(&tm[3]));
	assert_int_equal(fake_timer_programmed(), 300);

	timer_run_expired(300);	/* a deadline equal to now has expired */
	assert_int_equal(fired_count, 3);
	assert_int_equal(fired[2], 3);
	assert_int_equal(timer_next_deadline(), 0);
	assert_int_equal(fake_timer_programmed(), 0);
}

static void test_equal_deadlines_keep_set_order(void **state)
{
	(void)state;
	timer_set(&tm[4], 50);
	timer_set(&tm[2], 50);
	timer_set(&tm[5], 50);
	timer_set(&tm[1], 40);
	timer_run_expired(60);
	assert_int_equal(fired_count, 4);
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired[1], 4);
	assert_int_equal(fired[2], 2);
	assert_int_equal(fired[3], 5);
}

static void test_rearm_and_stop(void **state)
{
	(void)state;
	timer_set(&tm[1], 100);
	timer_set(&tm[1], 500);	/* moves it: only one entry */
	timer_run_expired(200);
	assert_int_equal(fired_count, 0);
	assert_int_equal(timer_next_deadline(), 500);

	timer_stop(&tm[1]);
	assert_false(timer_pending(&tm[1]));
	assert_int_equal(timer_next_deadline(), 0);
	assert_int_equal(fake_timer_programmed(), 0);
	timer_run_expired(1000);
	assert_int_equal(fired_count, 0);

	/* Stopping an idle or a never-initialised (zeroed) timer is nothing. */
	timer_stop(&tm[1]);
	struct timer zero = { 0 };

	timer_stop(&zero);
	assert_false(timer_pending(&zero));
}

static void test_programs_only_on_change(void **state)
{
	unsigned int n;

	(void)state;
	timer_set(&tm[1], 100);
	n = fake_timer_program_count();
	timer_set(&tm[2], 200);	/* not the earliest: nothing to reprogram */
	timer_stop(&tm[2]);
	assert_int_equal(fake_timer_program_count(), n);
	timer_set(&tm[3], 50);
	assert_int_equal(fake_timer_program_count(), n + 1);
	assert_int_equal(fake_timer_programmed(), 50);

	/* An early interrupt used up the one-shot: it is always reprogrammed. */
	n = fake_timer_program_count();
	timer_run_expired(10);
	assert_int_equal(fired_count, 0);
	assert_int_equal(fake_timer_program_count(), n + 1);
	assert_int_equal(fake_timer_programmed(), 50);
}

static void test_deadline_zero_is_not_none(void **state)
{
	(void)state;
	timer_set(&tm[1], 0);
	assert_int_equal(timer_next_deadline(), 1);
	assert_int_equal(fake_timer_programmed(), 1);
	timer_run_expired(0);
	assert_int_equal(fired_count, 1);
}

/* ---- callbacks that change timers ---------------------------------------- */

static uint64_t rearm_at;

static void rearm_self_fn(void *data)
{
	record_fn(data);
	timer_set(&tm[0], rearm_at);
}

static void stop_other_fn(void *data)
{
	record_fn(data);
	timer_stop(&tm[2]);
}

static void set_other_fn(void *data)
{
	record_fn(data);
	timer_set(&tm[3], 0);	/* long expired */
}

static void test_callback_rearms_itself_in_the_past(void **state)
{
	(void)state;
	timer_init(&tm[0], rearm_self_fn, (void *)(uintptr_t)0);
	rearm_at = 5;	/* <= now: must not loop */
	timer_set(&tm[0], 10);
	timer_run_expired(100);
	assert_int_equal(fired_count, 1);
	assert_true(timer_pending(&tm[0]));
	assert_int_equal(fake_timer_programmed(), 5);
	timer_run_expired(100);
	assert_int_equal(fired_count, 2);
	/* A periodic re-arm in the future just waits. */
	rearm_at = 1000;
	timer_run_expired(100);
	assert_int_equal(fired_count, 3);
	assert_int_equal(timer_next_deadline(), 1000);
}

static void test_callback_stops_one_in_the_batch(void **state)
{
	(void)state;
	timer_init(&tm[1], stop_other_fn, (void *)(uintptr_t)1);
	timer_set(&tm[1], 10);
	timer_set(&tm[2], 20);
	timer_set(&tm[4], 30);
	timer_run_expired(100);
	assert_int_equal(fired_count, 2);
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired[1], 4);	/* 2 was stopped before its turn */
	assert_false(timer_pending(&tm[2]));
}

static void test_callback_sets_an_expired_one(void **state)
{
	(void)state;
	timer_init(&tm[1], set_other_fn, (void *)(uintptr_t)1);
	timer_set(&tm[1], 10);
	timer_run_expired(100);
	assert_int_equal(fired_count, 1);
	assert_true(timer_pending(&tm[3]));
	assert_int_equal(fake_timer_programmed(), 1);
	timer_run_expired(100);
	assert_int_equal(fired_count, 2);
	assert_int_equal(fired[1], 3);
}

/* ---- pvclock ------------------------------------------------------------- */

/* What Linux's pvclock reader computes from the published fields. */
static uint64_t guest_time(const struct vcpu_time_info *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;

	if (t->tsc_shift >= 0) {
		delta <<= t->tsc_shift;
	} else {
		delta >>= -t->tsc_shift;
	}
	return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

static const uint64_t freqs_khz[] = {
	1, 3, 999, 1000, 1001, 32768, 999999, 1000000, 1000001, 1193182,
	1999999, 2000000, 2000001, 2893432, 3600000, 4294967, 4294968,
	10000000, 123456789, 1ULL << 32,
};

static void test_scale_bounds(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(freqs_khz); i++) {
		uint32_t mul;
		int8_t shift;
		uint64_t hz = freqs_khz[i] * 1000, one_sec;

		time_scale_from_khz(freqs_khz[i], &mul, &shift);
		assert_true(mul >= (1U << 31) - 1);
		/* One second of ticks is one second, to 1 ns per 2^30 ns. */
		one_sec = shift >= 0 ? hz << shift : hz >> -shift;
		one_sec = (uint64_t)(((unsigned __int128)one_sec * mul) >> 32);
		assert_true(one_sec <= 1000000000ULL);
		assert_true(one_sec >= 1000000000ULL - 2 - (shift < 0 ? (1ULL << -shift) : 0));
	}
	uint32_t mul = 1;
	int8_t shift = 1;

	time_scale_from_khz(0, &mul, &shift);
	assert_int_equal(mul, 0);
	assert_int_equal(shift, 0);
}

static void test_pvclock_matches_arch_time(void **state)
{
	static const uint64_t deltas[] = {
		0, 1, 999, 1000000, 10000003, 999999999, 1000000000, 7777777777ULL, 10000000000ULL,
	};
	struct domain *d = env_domain("clock", 2);

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(freqs_khz); i++) {
		uint64_t t0 = 5000000000ULL + i * 123457;
		uint64_t tick_ns = 1000000 / freqs_khz[i] + 1;

		fake_tsc_set_khz(freqs_khz[i]);
		fake_tsc_set_base(0xfff0000000ULL * (i + 1));
		fake_time_set(t0);
		for (unsigned int vi = 0; vi < 2; vi++) {
			struct vcpu *v = &d->vcpus[vi];
			const struct vcpu_time_info *t = &vcpu_info_of(v)->time;
			uint32_t before = t->version;

			time_update_vcpu(v);
			assert_int_equal(t->version % 2, 0);
			assert_true(t->version != before);
			assert_int_equal(t->system_time, t0);
			for (unsigned int k = 0; k < ARRAY_SIZE(deltas); k++) {
				uint64_t now, seen, err;

				fake_time_set(t0 + deltas[k]);
				now = arch_time_ns();
				seen = guest_time(t, arch_tsc_now());
				err = seen > now ? seen - now : now - seen;
				/* Rounding: a TSC tick, the 31-bit scale, 2 ns. */
				if (err > tick_ns + deltas[k] / (1ULL << 30) + 2) {
					fail_msg("%llu kHz, +%llu ns: guest %llu, arch %llu",
						 (unsigned long long)freqs_khz[i],
						 (unsigned long long)deltas[k], (unsigned long long)seen,
						 (unsigned long long)now);
				}
				/* Never ahead of the arch clock by more than a tick:
				 * the scale rounds down. */
				assert_true(seen <= now + tick_ns);
			}
			fake_time_set(t0);
		}
	}
}

static void test_pvclock_version_forced_even(void **state)
{
	struct domain *d = env_domain("ver", 1);
	struct vcpu_time_info *t = &vcpu_info_of(&d->vcpus[0])->time;

	(void)state;
	t->version = 5;	/* the guest wrote an odd value */
	time_update_vcpu(&d->vcpus[0]);
	assert_int_equal(t->version, 8);
	t->version = 0xffffffff;
	time_update_vcpu(&d->vcpus[0]);
	assert_int_equal(t->version % 2, 0);
}

static void test_wallclock(void **state)
{
	struct domain *d;

	(void)state;
	fake_wallclock_set(0x123456789ULL);
	d = env_domain("wall", 1);
	assert_int_equal(d->shared_info->wc_sec, 0x23456789);
	assert_int_equal(d->shared_info->wc_sec_hi, 1);
	assert_int_equal(d->shared_info->wc_nsec, 0);
	assert_int_not_equal(d->shared_info->wc_version, 0);
	assert_int_equal(d->shared_info->wc_version % 2, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_equal_deadlines_keep_set_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rearm_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_programs_only_on_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_zero_is_not_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_rearms_itself_in_the_past, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stops_one_in_the_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_sets_an_expired_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvclock_matches_arch_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvclock_version_forced_even, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wallclock, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
