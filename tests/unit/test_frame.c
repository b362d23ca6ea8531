/*
 * Unit tests of the frame table and allocator (hv/common/frame.c) on the
 * fake machine: marking and sealing, the free count, lowest-first handing
 * out, reuse, bounds, and the BUG_ON paths that guard the invariant "only
 * a FRAME_FREE frame is on the free list and handed out"; and that the
 * fake machine under them starts all poison every time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <hv/boot.h>
#include <hv/frame.h>
#include <hv/lib.h>

#define NR 16

static int setup(void **state)
{
	(void)state;
	fake_machine_init(NR);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_machine_fini();
	return 0;
}

/* The statement must end in panic() with a message containing needle. */
#define assert_panics(stmt, needle)                                                   \
	do {                                                                          \
		if (!FAKE_EXITED(stmt)) {                                             \
			fail_msg("%s did not panic", #stmt);                          \
		}                                                                     \
		assert_int_equal(fake_exit_last()->kind, FAKE_EXIT_PANIC);            \
		assert_int_equal(fake_exit_last()->status, HV_EXIT_PANIC);            \
		if (strstr(fake_exit_last()->panic_msg, needle) == NULL) {            \
			fail_msg("panic \"%s\" lacks \"%s\"",                         \
				 fake_exit_last()->panic_msg, needle);                \
		}                                                                     \
	} while (0)

static void test_init_all_absent(void **state)
{
	(void)state;
	assert_int_equal(frame_total(), NR);
	assert_int_equal(frame_free_count(), 0);
	for (uint64_t m = 0; m < NR; m++) {
		struct frame_info *f = frame_get(mfn(m));

		assert_non_null(f);
		assert_int_equal(f->state, FRAME_ABSENT);
		assert_int_equal(f->owner, FRAME_OWNER_NONE);
	}
	frame_table_seal();
	assert_int_equal(frame_free_count(), 0);
	assert_int_equal(mfn_x(frame_alloc(FRAME_HV, FRAME_OWNER_NONE)), INVALID_MFN_RAW);
}

static void test_get_bounds(void **state)
{
	(void)state;
	assert_non_null(frame_get(mfn(NR - 1)));
	assert_ptr_equal(frame_get(mfn(1)), frame_get(mfn(0)) + 1);
	assert_null(frame_get(mfn(NR)));
	assert_null(frame_get(mfn(NR + 1000)));
	assert_null(frame_get(mfn(INVALID_MFN_RAW)));
	assert_null(frame_get(mfn(1ULL << 32)));
}

static void test_mark_and_seal_count(void **state)
{
	(void)state;
	frame_mark(mfn(2), 8, FRAME_FREE);		/* 2..9 */
	frame_mark(mfn(4), 1, FRAME_HV);		/* a later mark wins */
	frame_mark(mfn(12), 100, FRAME_MODULE);	/* clipped at the end */
	assert_int_equal(frame_free_count(), 0);	/* nothing free before the seal */
	frame_table_seal();
	assert_int_equal(frame_free_count(), 7);
	assert_true(frame_reserve_check(7));
	assert_false(frame_reserve_check(8));
	assert_true(frame_reserve_check(0));
	assert_int_equal(frame_get(mfn(4))->state, FRAME_HV);
	assert_int_equal(frame_get(mfn(15))->state, FRAME_MODULE);
	assert_int_equal(frame_get(mfn(1))->state, FRAME_ABSENT);
}

static void test_alloc_lowest_first(void **state)
{
	static const uint64_t want[] = { 2, 3, 5, 6, 7, 8, 9 };

	(void)state;
	frame_mark(mfn(2), 8, FRAME_FREE);
	frame_mark(mfn(4), 1, FRAME_HV);
	frame_table_seal();
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		mfn_t m = frame_alloc(FRAME_GUEST, 7);
		struct frame_info *f = frame_get(m);

		assert_int_equal(mfn_x(m), want[i]);
		assert_int_equal(f->state, FRAME_GUEST);
		assert_int_equal(f->owner, 7);
		assert_int_equal(frame_free_count(), ARRAY_SIZE(want) - i - 1);
	}
	assert_int_equal(mfn_x(frame_alloc(FRAME_GUEST, 7)), INVALID_MFN_RAW);
	assert_int_equal(frame_free_count(), 0);
	/* A failed allocation changes nothing. */
	assert_int_equal(frame_get(mfn(9))->owner, 7);
}

static void test_free_and_reuse(void **state)
{
	mfn_t a, b, c;
	struct frame_info *f;

	(void)state;
	fake_machine_boot(NR, 4);
	assert_int_equal(frame_free_count(), NR - 4);
	a = frame_alloc(FRAME_GUEST, 1);
	b = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);
	assert_int_equal(mfn_x(a), 4);
	assert_int_equal(mfn_x(b), 5);
	f = frame_get(a);
	f->type = 3;
	f->type_count = 2;
	f->ref_count = 5;
	frame_free(a);
	assert_int_equal(frame_free_count(), NR - 5);
	assert_int_equal(f->state, FRAME_FREE);
	assert_int_equal(f->owner, FRAME_OWNER_NONE);
	assert_int_equal(f->type, 0);
	assert_int_equal(f->type_count, 0);
	assert_int_equal(f->ref_count, 0);
	/* The frame freed last is the next handed out. */
	c = frame_alloc(FRAME_GUEST, 2);
	assert_int_equal(mfn_x(c), 4);
	assert_int_equal(frame_get(c)->owner, 2);
	assert_int_equal(mfn_x(frame_alloc(FRAME_GUEST, 2)), 6);
}

static void test_free_module_frame(void **state)
{
	(void)state;
	/* Boot modules are given back to the allocator once their domain is built. */
	frame_mark(mfn(0), 2, FRAME_MODULE);
	frame_table_seal();
	assert_int_equal(frame_free_count(), 0);
	frame_free(mfn(1));
	assert_int_equal(frame_free_count(), 1);
	assert_int_equal(mfn_x(frame_alloc(FRAME_HV, FRAME_OWNER_NONE)), 1);
}

static void test_count_state(void **state)
{
	(void)state;
	fake_machine_boot(NR, 4);
	assert_int_equal(frame_count_state(FRAME_HV), 4);
	assert_int_equal(frame_count_state(FRAME_FREE), NR - 4);
	assert_int_equal(frame_count_state(FRAME_GUEST), 0);
	frame_alloc(FRAME_GUEST, 3);
	frame_alloc(FRAME_GUEST, 4);
	assert_int_equal(frame_count_state(FRAME_GUEST), 2);
	assert_int_equal(frame_count_state(FRAME_FREE), NR - 6);
	frame_free(mfn(4));
	assert_int_equal(frame_count_state(FRAME_GUEST), 1);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(frame_state_name(FRAME_ABSENT), "absent");
	assert_string_equal(frame_state_name(FRAME_FREE), "free");
	assert_string_equal(frame_state_name(FRAME_HV), "hypervisor");
	assert_string_equal(frame_state_name(FRAME_MODULE), "module");
	assert_string_equal(frame_state_name(FRAME_GUEST), "guest");
	assert_string_equal(frame_state_name((enum frame_state)42), "?");
}

static void test_bug_double_free(void **state)
{
	mfn_t m;

	(void)state;
	fake_machine_boot(NR, 4);
	m = frame_alloc(FRAME_GUEST, 1);
	frame_free(m);
	assert_panics(frame_free(m), "BUG at");
	/* The free list was not corrupted by the refused free. */
	assert_int_equal(frame_free_count(), NR - 4);
}

static void test_bug_free_never_allocated(void **state)
{
	(void)state;
	fake_machine_boot(NR, 4);
	assert_panics(frame_free(mfn(10)), "FRAME_FREE");	/* free, never taken */
	fake_machine_init(NR);
	frame_mark(mfn(8), 8, FRAME_FREE);
	frame_table_seal();
	assert_panics(frame_free(mfn(3)), "FRAME_ABSENT");	/* not RAM */
	assert_panics(frame_free(mfn(NR)), "NULL");		/* beyond the table */
	assert_panics(frame_free(mfn(INVALID_MFN_RAW)), "NULL");
	assert_int_equal(frame_free_count(), 8);
}

static void test_bug_mark_after_seal(void **state)
{
	(void)state;
	frame_table_seal();
	assert_panics(frame_mark(mfn(0), 1, FRAME_FREE), "frame_sealed");
	assert_panics(frame_table_seal(), "frame_sealed");
	assert_int_equal(frame_free_count(), 0);
}

static void test_bug_alloc_corrupt_list(void **state)
{
	(void)state;
	fake_machine_boot(NR, 4);
	/* Someone changed a listed frame behind the allocator's back. */
	frame_get(mfn(4))->state = FRAME_GUEST;
	assert_panics(frame_alloc(FRAME_HV, FRAME_OWNER_NONE), "FRAME_FREE");
}

static void test_bug_table_too_big(void **state)
{
	(void)state;
	/* Frame numbers are 32-bit in the free list. */
	assert_panics(frame_table_init(NULL, 0xffffffffULL), "NO_FRAME");
}

/* The fake machine keeps its memory from one machine to the next
 * (tests/fake_arch/machine.c): whatever was written through any of its
 * pointers, a new machine must be all FAKE_POISON again, as a fresh one
 * was, and a smaller one must not hand out the larger one's frames. */
static bool all_poison(uint64_t frames)
{
	/* Read through frame 0's pointer (the fake machine is one block), so
	 * that the check itself marks no other frame as written. */
	const uint8_t *base = arch_frame_map(mfn(0));

	for (uint64_t a = 0; a < frames * PAGE_SIZE; a++) {
		if (base[a] != FAKE_POISON) {
			return false;
		}
	}
	return true;
}

static void test_machine_reuse_poisons_again(void **state)
{
	static const uint8_t bytes[3 * PAGE_SIZE] = { 1 };

	(void)state;
	assert_true(all_poison(NR));
	memset(arch_frame_map(mfn(3)), 0, PAGE_SIZE);
	memset((uint8_t *)arch_frame_map(mfn(NR - 1)) + PAGE_SIZE - 1, 0, 1);
	fake_machine_write(5 * PAGE_SIZE + 100, bytes, sizeof(bytes));
	fake_machine_init(NR);
	assert_true(all_poison(NR));
	*(uint8_t *)fake_machine_ptr(7 * PAGE_SIZE + 9) = 0;
	fake_machine_init(NR / 2);
	assert_int_equal(fake_machine_frames(), NR / 2);
	assert_null(fake_machine_ptr(NR / 2 * PAGE_SIZE));
	assert_true(all_poison(NR / 2));
	fake_machine_init(NR * 2);
	assert_true(all_poison(NR * 2));
	assert_int_equal(frame_total(), NR * 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_all_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark_and_seal_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_lowest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_module_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bug_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bug_free_never_allocated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bug_mark_after_seal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bug_alloc_corrupt_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bug_table_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_machine_reuse_poisons_again, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
