/*
 * A frame given back is never handed to anyone while a TLB may still
 * translate to it (hv/tlb_clock.h, frame.c's frame_alloc): the hosted form
 * of the hostile_tlb_reuse attack, batches, teardown, hypervisor frames,
 * the clock's wrap, and the P2M's new table frames holding nothing from
 * before. The fake TLB (tests/fake_arch/tlb.c) remembers what a vCPU
 * touched until a flush covers it; fake_tlb_check() says whether a stale
 * translation reaches a frame that is no longer its domain's.
 */
#include <stdlib.h>

#include <fake_tlb.h>
#include <hv/p2m.h>
#include <hv/tlb_clock.h>
#include <public/memory.h>

#include "test_mm_fixture.h"

static void assert_tlb_ok(void)
{
	char why[256];

	if (fake_tlb_check(why, sizeof(why)) != 0) {
		fail_msg("fake TLB: %s", why);
	}
}

static uint64_t forced(void)
{
	struct tlb_clock_counts c;

	tlb_clock_counts(&c);
	return c.forced;
}

/* A memory_op reservation call by t over extents (copied through tm_gbuf). */
static int64_t reservation(const struct tdom *t, unsigned int cmd, uint64_t *ext, unsigned int n)
{
	struct xen_memory_reservation r = {
		.extent_start = TM_GBUF + 1024, .nr_extents = n, .extent_order = 0,
		.domid = DOMID_SELF,
	};
	int64_t rc;

	memcpy(tm_gbuf, &r, sizeof(r));
	memcpy(tm_gbuf + 1024, ext, n * sizeof(*ext));
	rc = tm_call(t, do_memory_op, cmd, TM_GBUF, 0, 0);
	memcpy(ext, tm_gbuf + 1024, n * sizeof(*ext));
	return rc;
}

/* A's tree as its root, and the first `n` L1 slots (data pages) touched. */
static void touched_tree(unsigned int n)
{
	tm_tree_root(&A);
	for (unsigned int i = 0; i < n; i++) {
		mfn_t m = fake_tlb_touch(A.v, TM_VA + i * PAGE_SIZE, i < 2);

		assert_int_equal(mfn_x(m), mfn_x(tm_frame(&A, TM_DATA + i)));
	}
}

/* Unmap slot i of A's L1 with no flush asked for. */
static void unmap_no_flush(unsigned int i)
{
	assert_int_equal(tm_uvm(&A, TM_VA + i * PAGE_SIZE, 0, UVMF_NONE), 0);
}

static void test_freed_frame_not_reused_before_flush(void **state)
{
	mfn_t data = tm_frame(&A, TM_DATA), m;
	uint64_t ext = mfn_x(data);
	bool w;

	(void)state;
	touched_tree(1);
	unmap_no_flush(0);
	/* The TLB still translates to it: that is what the guest may rely on. */
	assert_int_equal(mfn_x(fake_tlb_lookup(A.v, TM_VA, &w)), mfn_x(data));
	assert_true(w);
	assert_int_equal(reservation(&A, XENMEM_decrease_reservation, &ext, 1), 1);
	assert_int_equal(tm_fi(data)->state, FRAME_FREE);
	assert_tlb_ok();	/* free: nobody's yet */
	/* LIFO: the hypervisor gets this very frame, but only after a flush. */
	unsigned int before = fake_mm()->flush_all;
	m = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);
	assert_int_equal(mfn_x(m), mfn_x(data));
	assert_int_equal(fake_mm()->flush_all, before + 1);
	assert_int_equal(mfn_x(fake_tlb_lookup(A.v, TM_VA, &w)), INVALID_MFN_RAW);
	assert_tlb_ok();
	frame_free(m);
	/* A hypervisor frame carries no guest translation: no flush again. */
	before = fake_mm()->flush_all;
	m = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);
	assert_int_equal(fake_mm()->flush_all, before);
	frame_free(m);
}

/* The attack: give frames back, populate a far pfn, the P2M takes them. */
static void test_populate_far_pfn(void **state)
{
	uint64_t ext[2] = { mfn_x(tm_frame(&A, TM_DATA)), mfn_x(tm_frame(&A, TM_DATA + 1)) };
	uint64_t far = 511ULL << 18;
	uint64_t f0 = forced();
	mfn_t root, mid, leaf;

	(void)state;
	A.d->max_pages = TM_POOL;
	for (unsigned int i = 0; i < 2; i++) {
		for (unsigned int w = 0; w < 512; w++) {
			tm_map(tm_frame(&A, TM_DATA + i))[w] = 0x5354414c45000000ULL + w;
		}
	}
	touched_tree(3);
	unmap_no_flush(0);
	unmap_no_flush(1);
	assert_int_equal(reservation(&A, XENMEM_decrease_reservation, ext, 2), 2);
	assert_int_equal(reservation(&A, XENMEM_populate_physmap, &far, 1), 1);
	/* One flush for the four allocations (frame, root, mid, leaf). */
	assert_int_equal(forced(), f0 + 1);
	assert_tlb_ok();
	/* The P2M's tables hold nothing of what the frames held before. */
	root = A.d->p2m.root;
	mid = mfn(tm_map(root)[511]);
	leaf = mfn(tm_map(mid)[0]);
	assert_int_equal(tm_map(leaf)[0], far);
	for (unsigned int w = 0; w < 512; w++) {
		assert_true(w == 0 || tm_map(leaf)[w] == INVALID_MFN_RAW);
		assert_true(w == 0 || tm_map(mid)[w] == INVALID_MFN_RAW);
		assert_true(w == 511 || tm_map(root)[w] == INVALID_MFN_RAW);
	}
	assert_int_equal(tm_fi(mid)->state, FRAME_HV);
	p2m_destroy(&A.d->p2m);
}

/* A batch of frees and allocations costs one flush, not one per frame. */
static void test_batch_one_flush(void **state)
{
	uint64_t ext[8];
	uint64_t f0;

	(void)state;
	A.d->max_pages = TM_POOL;
	for (unsigned int i = 0; i < 8; i++) {
		ext[i] = mfn_x(tm_frame(&A, 20 + i));
	}
	f0 = forced();
	assert_int_equal(reservation(&A, XENMEM_decrease_reservation, ext, 8), 8);
	for (unsigned int i = 0; i < 8; i++) {
		ext[i] = 100 + i;
	}
	assert_int_equal(reservation(&A, XENMEM_populate_physmap, ext, 8), 8);
	assert_int_equal(forced(), f0 + 1);
	p2m_destroy(&A.d->p2m);
}

/* A dying domain's frames go to another only after a flush. */
static void test_teardown_then_reuse(void **state)
{
	mfn_t m;
	bool w;

	(void)state;
	tm_tree_root(&B);
	assert_int_equal(mfn_x(fake_tlb_touch(B.v, TM_VA, true)), mfn_x(tm_frame(&B, TM_DATA)));
	B.d->state = DOM_DYING;
	mm_domain_teardown(B.d);
	assert_true(domain_release_memory(B.d) == TM_POOL);
	/* Its tables and data are free; its TLB still remembers them. */
	assert_int_equal(mfn_x(fake_tlb_lookup(B.v, TM_VA, &w)), mfn_x(tm_frame(&B, TM_DATA)));
	assert_tlb_ok();
	unsigned int before = fake_mm()->flush_all;
	m = frame_alloc(FRAME_GUEST, A.d->id);
	assert_int_equal(fake_mm()->flush_all, before + 1);
	assert_tlb_ok();
	assert_int_equal(fake_tlb_count(), 0);
	frame_free(m);
}

/* The checker itself: a stale translation to a frame that changed hands
 * behind the allocator's back is reported. */
static void test_check_sees_stale_reuse(void **state)
{
	mfn_t data = tm_frame(&A, TM_DATA);
	char why[256];

	(void)state;
	touched_tree(1);
	unmap_no_flush(0);
	/* As if the frame had gone to the hypervisor without a flush. */
	tm_fi(data)->state = FRAME_HV;
	tm_fi(data)->owner = FRAME_OWNER_NONE;
	assert_int_equal(fake_tlb_check(why, sizeof(why)), -1);
	assert_non_null(strstr(why, "hypervisor frame"));
	tm_fi(data)->state = FRAME_GUEST;
	tm_fi(data)->owner = A.d->id;
	/* Its own frame, now a page table, through a stale writable entry. */
	assert_int_equal(fake_tlb_check(why, sizeof(why)), 0);
	tm_fi(data)->type = MM_TYPE_L1;
	tm_fi(data)->type_count = 1;
	tm_fi(data)->ref_count++;
	assert_int_equal(fake_tlb_check(why, sizeof(why)), -1);
	tm_fi(data)->type = MM_TYPE_NONE;
	tm_fi(data)->type_count = 0;
	tm_fi(data)->ref_count--;
	fake_tlb_flush_all();
}

/* The clock's wrap: only ever extra flushes. */
static void test_clock_wrap(void **state)
{
	uint32_t before, after;

	(void)state;
	tlb_clock_reset(0xfffffffeU);
	before = tlb_clock_now();
	assert_int_equal(tlb_clock_stale_cpus(before), 1);
	tlb_clock_flush_done(0, tlb_clock_flush_begin());
	assert_int_equal(tlb_clock_stale_cpus(before), 0);
	/* The next flush wraps: the clock restarts at 1. */
	tlb_clock_flush_done(0, tlb_clock_flush_begin());
	after = tlb_clock_now();
	assert_int_equal(after, 1);
	/* A stamp from before the wrap looks unflushed (conservative)... */
	assert_int_equal(tlb_clock_stale_cpus(before), 1);
	/* ...one taken now too, until the next flush; fresh frames never. */
	assert_int_equal(tlb_clock_stale_cpus(after), 1);
	assert_int_equal(tlb_clock_stale_cpus(0), 0);
	tlb_clock_sync(after);
	assert_int_equal(tlb_clock_stale_cpus(after), 0);
	/* A flush that began before the wrap cannot claim a time after it. */
	tlb_clock_reset(0xffffffffU);
	uint32_t t = tlb_clock_now() + 5;	/* a begin value from far ahead */
	tlb_clock_flush_done(0, tlb_clock_flush_begin());
	tlb_clock_flush_done(0, t);
	assert_int_equal(tlb_clock_stale_cpus(tlb_clock_now()), 1);
	tlb_clock_reset(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_freed_frame_not_reused_before_flush, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_populate_far_pfn, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_batch_one_flush, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_teardown_then_reuse, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_check_sees_stale_reuse, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_clock_wrap, tm_setup, tm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
