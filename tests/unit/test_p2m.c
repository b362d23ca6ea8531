/*
 * Unit tests of the p2m radix tree (hv/common/p2m.c) on the fake machine:
 * lookups through all three levels, empty slots, bounds, running out of
 * frames half-way, and destroy giving every table frame back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/p2m.h>
#include <public/errno.h>

#define NR      64
#define HV      4
#define L1_SPAN (1ULL << 9)	/* pfns per leaf table */
#define L2_SPAN (1ULL << 18)	/* pfns per middle table */

static struct p2m p;

static int setup(void **state)
{
	(void)state;
	fake_machine_boot(NR, HV);
	p2m_init(&p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_machine_fini();
	return 0;
}

static uint64_t get(uint64_t pfn)
{
	return mfn_x(p2m_get(&p, pfn));
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(mfn_x(p.root), INVALID_MFN_RAW);
	assert_int_equal(get(0), INVALID_MFN_RAW);
	assert_int_equal(get(12345), INVALID_MFN_RAW);
	assert_int_equal(get(P2M_MAX_PFN - 1), INVALID_MFN_RAW);
	p2m_destroy(&p);
	assert_int_equal(frame_free_count(), NR - HV);
}

static void test_set_get_levels(void **state)
{
	static const uint64_t pfns[] = {
		0, 1, L1_SPAN - 1, L1_SPAN, L1_SPAN + 1, L2_SPAN - 1, L2_SPAN,
		L2_SPAN + L1_SPAN, P2M_MAX_PFN - 1,
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(pfns); i++) {
		assert_int_equal(p2m_set(&p, pfns[i], mfn(0x1000 + i)), 0);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(pfns); i++) {
		assert_int_equal(get(pfns[i]), 0x1000 + i);
	}
	/* Neighbours in the same tables stay empty (the frames were poisoned). */
	assert_int_equal(get(2), INVALID_MFN_RAW);
	assert_int_equal(get(L1_SPAN + 2), INVALID_MFN_RAW);
	assert_int_equal(get(2 * L1_SPAN), INVALID_MFN_RAW);
	assert_int_equal(get(L2_SPAN + 1), INVALID_MFN_RAW);
	assert_int_equal(get(2 * L2_SPAN), INVALID_MFN_RAW);
	assert_int_equal(get(P2M_MAX_PFN - 2), INVALID_MFN_RAW);
}

static void test_table_frames(void **state)
{
	uint64_t free0 = frame_free_count();

	(void)state;
	/* First entry: root, middle and leaf tables. */
	assert_int_equal(p2m_set(&p, 0, mfn(7)), 0);
	assert_int_equal(frame_free_count(), free0 - 3);
	assert_int_equal(frame_get(p.root)->state, FRAME_HV);
	/* Same leaf: nothing new. Next leaf: one. Next middle: two. */
	assert_int_equal(p2m_set(&p, L1_SPAN - 1, mfn(8)), 0);
	assert_int_equal(frame_free_count(), free0 - 3);
	assert_int_equal(p2m_set(&p, L1_SPAN, mfn(9)), 0);
	assert_int_equal(frame_free_count(), free0 - 4);
	assert_int_equal(p2m_set(&p, L2_SPAN, mfn(10)), 0);
	assert_int_equal(frame_free_count(), free0 - 6);
	/* Overwriting an entry takes nothing and replaces the value. */
	assert_int_equal(p2m_set(&p, 0, mfn(11)), 0);
	assert_int_equal(frame_free_count(), free0 - 6);
	assert_int_equal(get(0), 11);
	/* Clearing an entry back to invalid. */
	assert_int_equal(p2m_set(&p, 0, mfn(INVALID_MFN_RAW)), 0);
	assert_int_equal(get(0), INVALID_MFN_RAW);
	assert_int_equal(get(L1_SPAN - 1), 8);
}

static void test_out_of_range(void **state)
{
	uint64_t free0 = frame_free_count();

	(void)state;
	assert_int_equal(p2m_set(&p, P2M_MAX_PFN, mfn(1)), -XEN_EINVAL);
	assert_int_equal(p2m_set(&p, UINT64_MAX, mfn(1)), -XEN_EINVAL);
	/* Refused before anything was allocated. */
	assert_int_equal(mfn_x(p.root), INVALID_MFN_RAW);
	assert_int_equal(frame_free_count(), free0);
	assert_int_equal(p2m_set(&p, 5, mfn(1)), 0);
	assert_int_equal(get(P2M_MAX_PFN), INVALID_MFN_RAW);
	assert_int_equal(get(P2M_MAX_PFN + 5), INVALID_MFN_RAW);
	assert_int_equal(get(UINT64_MAX), INVALID_MFN_RAW);
	/* Bits above the tree's 27 must not alias onto pfn 5. */
	assert_int_equal(get(P2M_MAX_PFN | 5), INVALID_MFN_RAW);
}

static void test_enomem(void **state)
{
	(void)state;
	/* No free frame at all: not even a root. */
	fake_machine_boot(NR, NR);
	p2m_init(&p);
	assert_int_equal(p2m_set(&p, 0, mfn(1)), -XEN_ENOMEM);
	assert_int_equal(mfn_x(p.root), INVALID_MFN_RAW);
	p2m_destroy(&p);

	/* Two free frames: root and middle, then the leaf is missing. */
	fake_machine_boot(NR, NR - 2);
	p2m_init(&p);
	assert_int_equal(p2m_set(&p, 0, mfn(1)), -XEN_ENOMEM);
	assert_int_equal(frame_free_count(), 0);
	assert_int_equal(get(0), INVALID_MFN_RAW);
	p2m_destroy(&p);
	assert_int_equal(frame_free_count(), 2);

	/* Three: one entry fits, an entry in the next leaf does not. */
	fake_machine_boot(NR, NR - 3);
	p2m_init(&p);
	assert_int_equal(p2m_set(&p, 0, mfn(1)), 0);
	assert_int_equal(p2m_set(&p, L1_SPAN, mfn(2)), -XEN_ENOMEM);
	assert_int_equal(get(0), 1);
	assert_int_equal(get(L1_SPAN), INVALID_MFN_RAW);
	p2m_destroy(&p);
	assert_int_equal(frame_free_count(), 3);
}

static void test_destroy_returns_all(void **state)
{
	uint64_t free0 = frame_free_count();

	(void)state;
	/* Entries spread over 3 middle tables and 6 leaves: 10 table frames. */
	for (uint64_t i = 0; i < 3; i++) {
		assert_int_equal(p2m_set(&p, i * L2_SPAN, mfn(i)), 0);
		assert_int_equal(p2m_set(&p, i * L2_SPAN + 3 * L1_SPAN + 7, mfn(i)), 0);
	}
	assert_int_equal(frame_free_count(), free0 - 10);
	for (uint64_t m = HV; m < NR; m++) {
		uint8_t st = frame_get(mfn(m))->state;

		assert_true(st == FRAME_FREE || st == FRAME_HV);
	}
	p2m_destroy(&p);
	assert_int_equal(frame_free_count(), free0);
	assert_int_equal(mfn_x(p.root), INVALID_MFN_RAW);
	assert_int_equal(get(0), INVALID_MFN_RAW);
	/* Usable again, and destroying twice is harmless. */
	assert_int_equal(p2m_set(&p, 42, mfn(42)), 0);
	assert_int_equal(get(42), 42);
	p2m_destroy(&p);
	p2m_destroy(&p);
	assert_int_equal(frame_free_count(), free0);
}

static void test_two_trees_independent(void **state)
{
	struct p2m q;

	(void)state;
	p2m_init(&q);
	assert_int_equal(p2m_set(&p, 3, mfn(30)), 0);
	assert_int_equal(p2m_set(&q, 3, mfn(31)), 0);
	assert_int_equal(get(3), 30);
	assert_int_equal(mfn_x(p2m_get(&q, 3)), 31);
	p2m_destroy(&q);
	assert_int_equal(get(3), 30);
	p2m_destroy(&p);
	assert_int_equal(frame_free_count(), NR - HV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_get_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_returns_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_trees_independent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
