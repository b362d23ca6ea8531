/*
 * Unit tests of page ownership, references, types and the per-level
 * validation rules (hv/common/mm_types.c, mm_validate.c, mm_pte.c,
 * mm_domain.c, mm_check.c) on the fake machine. Each security rule has a
 * test that fails when the rule is removed.
 */
#include "test_mm_fixture.h"

/* Validate the standard tree by pinning its L4, return 0 or the error. */
static int64_t pin_l4(const struct tdom *t)
{
	return tm_ext1(t, MMUEXT_PIN_L4_TABLE, mfn_x(tm_frame(t, TM_L4)), 0);
}

/* ---- references and ownership ------------------------------------------------ */

static void test_get_page_own_only(void **state)
{
	(void)state;
	assert_int_equal(mm_get_page(A.d, tm_frame(&A, 5)), 0);
	assert_int_equal(tm_fi(tm_frame(&A, 5))->ref_count, 1);
	/* Another domain's frame, a hypervisor frame, a free frame, no frame. */
	assert_int_equal(mm_get_page(A.d, tm_frame(&B, 5)), -XEN_EINVAL);
	assert_int_equal(mm_get_page(A.d, mfn(1)), -XEN_EINVAL);
	assert_int_equal(mm_get_page(A.d, mfn(TM_FRAMES - 1)), -XEN_EINVAL);
	assert_int_equal(mm_get_page(A.d, mfn(TM_FRAMES + 5)), -XEN_EINVAL);
	assert_int_equal(mm_get_page(A.d, mfn(~0ULL >> 12)), -XEN_EINVAL);
	assert_int_equal(tm_fi(tm_frame(&B, 5))->ref_count, 0);
	assert_int_equal(mm_get_page_type(A.d, tm_frame(&B, 6), MM_TYPE_WRITABLE), -XEN_EINVAL);
	assert_int_equal(tm_fi(tm_frame(&B, 6))->type_count, 0);
	mm_put_page(A.d, tm_frame(&A, 5));
	assert_int_equal(tm_fi(tm_frame(&A, 5))->ref_count, 0);
}

static void test_one_type_at_a_time(void **state)
{
	mfn_t m = tm_frame(&A, 5);

	(void)state;
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_WRITABLE), 0);
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_WRITABLE), 0);
	assert_int_equal(tm_fi(m)->type_count, 2);
	assert_int_equal(tm_fi(m)->ref_count, 2);
	/* While writable, it can be nothing else. */
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_L1), -XEN_EINVAL);
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_SEG_DESC), -XEN_EINVAL);
	assert_int_equal(tm_fi(m)->type_count, 2);
	mm_put_page_type(A.d, m);
	mm_put_page_type(A.d, m);
	assert_int_equal(tm_fi(m)->type, MM_TYPE_NONE);
	/* Free of its type, it may become a page table (an empty one). */
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_L1), 0);
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_WRITABLE), -XEN_EINVAL);
	mm_put_page_type(A.d, m);
}

static void test_counts_never_wrap(void **state)
{
	mfn_t m = tm_frame(&A, 5);

	(void)state;
	tm_fi(m)->ref_count = 0xfffffff0U;
	assert_int_equal(mm_get_page(A.d, m), -XEN_EOVERFLOW);
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_WRITABLE), -XEN_EOVERFLOW);
	assert_int_equal(tm_fi(m)->ref_count, 0xfffffff0U);
	tm_fi(m)->ref_count = 0;
}

/* One FAKE_EXITED per function: setjmp and the optimiser. */
static __attribute__((noinline)) bool put_page_exits(mfn_t m)
{
	return FAKE_EXITED(mm_put_page(A.d, m));
}

static __attribute__((noinline)) bool put_page_type_exits(mfn_t m)
{
	return FAKE_EXITED(mm_put_page_type(A.d, m));
}

static __attribute__((noinline)) bool release_exits(mfn_t m)
{
	return FAKE_EXITED(mm_release_writable_page(A.d, m));
}

static void test_put_underflow_is_a_bug(void **state)
{
	mfn_t m = tm_frame(&A, 5);

	(void)state;
	assert_true(put_page_exits(m));
	assert_int_equal(fake_exit_last()->kind, FAKE_EXIT_PANIC);
	assert_true(put_page_type_exits(m));
	/* A general put may not steal a type's reference either. */
	assert_int_equal(mm_get_page_type(A.d, m, MM_TYPE_WRITABLE), 0);
	assert_true(put_page_exits(m));
	assert_int_equal(tm_fi(m)->ref_count, 1);
	mm_put_page_type(A.d, m);
}

/* ---- validation: what entries hold ------------------------------------------- */

static void test_tree_validates_with_counts(void **state)
{
	(void)state;
	tm_write_tree(&A);
	assert_int_equal(pin_l4(&A), 0);
	/* L4: the pin. L3, L2, L1: their parent's entry, plus the L1's
	 * read-only view of each table (a general reference). */
	assert_int_equal(tm_fi(tm_frame(&A, TM_L4))->type_count, 1);
	assert_int_equal(tm_fi(tm_frame(&A, TM_L4))->ref_count, 2);
	for (unsigned int i = TM_L3; i <= TM_L1; i++) {
		assert_int_equal(tm_fi(tm_frame(&A, i))->type, MM_TYPE_L4 - i);
		assert_int_equal(tm_fi(tm_frame(&A, i))->type_count, 1);
		assert_int_equal(tm_fi(tm_frame(&A, i))->ref_count, 2);
		assert_true(tm_fi(tm_frame(&A, i))->mm_flags & MM_F_VALIDATED);
	}
	assert_int_equal(tm_fi(tm_frame(&A, TM_DATA))->type, MM_TYPE_WRITABLE);
	assert_int_equal(tm_fi(tm_frame(&A, TM_DATA))->type_count, 1);
	assert_int_equal(tm_fi(tm_frame(&A, TM_DATA + 2))->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(tm_frame(&A, TM_DATA + 2))->ref_count, 1);
	/* Only a frame nothing references may leave the domain. */
	assert_false(mm_frame_unreferenced(A.d, tm_frame(&A, TM_DATA + 2)));
	assert_true(mm_frame_unreferenced(A.d, tm_frame(&A, 30)));
	assert_false(mm_frame_unreferenced(A.d, tm_frame(&B, 30)));
	tm_check_all();
	/* Unpinned, the whole tree lets go. */
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(tm_frame(&A, TM_L4)), 0), 0);
	for (unsigned int i = 0; i < TM_POOL; i++) {
		assert_int_equal(tm_fi(tm_frame(&A, i))->ref_count, 0);
		assert_int_equal(tm_fi(tm_frame(&A, i))->type, MM_TYPE_NONE);
	}
}

static void test_entries_stored_user(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));
	uint64_t *l4 = tm_map(tm_frame(&A, TM_L4));

	(void)state;
	tm_write_tree(&A);
	l1[0] &= ~_PAGE_USER;
	l4[0] &= ~(_PAGE_USER | _PAGE_ACCESSED);
	l1[20] = 0x1234ULL << 12;	/* not present: kept as is (a swap entry) */
	assert_int_equal(pin_l4(&A), 0);
	assert_true(l1[0] & _PAGE_USER);
	assert_true((l4[0] & (_PAGE_USER | _PAGE_ACCESSED)) == (_PAGE_USER | _PAGE_ACCESSED));
	assert_int_equal(l1[20], 0x1234ULL << 12);
}

static void test_pt_page_never_writable(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));

	(void)state;
	/* An L1 mapping a table of the tree writable: refused, nothing kept. */
	tm_write_tree(&A);
	l1[30] = pte_make(tm_frame(&A, TM_L2), TM_RW);
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	for (unsigned int i = 0; i < TM_POOL; i++) {
		assert_int_equal(tm_fi(tm_frame(&A, i))->ref_count, 0);
		assert_int_equal(tm_fi(tm_frame(&A, i))->type_count, 0);
	}
	/* Even mapping itself writable. */
	l1[30] = pte_make(tm_frame(&A, TM_L1), TM_RW);
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	l1[30] = 0;
	/* Pinned, a table cannot gain a writable mapping through an update. */
	assert_int_equal(pin_l4(&A), 0);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 30),
				    pte_make(tm_frame(&A, TM_L3), TM_RW)),
			 -XEN_EINVAL);
	assert_int_equal(l1[30], 0);
	/* Read-only it may. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 30),
				    pte_make(tm_frame(&A, TM_L3), TM_RO)),
			 0);
}

static void test_writable_page_never_pt(void **state)
{
	mfn_t data = tm_frame(&A, TM_DATA);

	(void)state;
	/* TM_DATA is mapped writable by the tree: it cannot become a table. */
	tm_tree_root(&A);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(data), 0), -XEN_EINVAL);
	assert_int_equal(tm_fi(data)->type, MM_TYPE_WRITABLE);
	/* Nor a descriptor page. */
	assert_int_equal(mm_get_page_type(A.d, data, MM_TYPE_SEG_DESC), -XEN_EINVAL);
	/* Nor can an L2 entry hang it in as an L1. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L2), 7),
				    pte_make(data, TM_TABLE_FLAGS)),
			 -XEN_EINVAL);
	/* Once unmapped it can. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 0), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(data), 0), 0);
}

static void test_foreign_frames_refused(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));

	(void)state;
	tm_write_tree(&A);
	l1[40] = pte_make(tm_frame(&B, 7), TM_RO);
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	l1[40] = pte_make(mfn(2), TM_RO);			/* the hypervisor's */
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	l1[40] = pte_make(mfn(TM_FRAMES + 100), TM_RO);	/* no such frame */
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	l1[40] = TM_RO | 0x000f000000000000ULL;		/* address bits 48-51 */
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	l1[40] = 0;
	assert_int_equal(pin_l4(&A), 0);
	/* Updates too, at every level. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 40),
				    pte_make(tm_frame(&B, 7), TM_RO)),
			 -XEN_EINVAL);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L4), 5),
				    pte_make(tm_frame(&B, 7), TM_TABLE_FLAGS)),
			 -XEN_EINVAL);
	assert_int_equal(tm_fi(tm_frame(&B, 7))->ref_count, 0);
}

struct flag_case {
	unsigned int level;
	uint64_t flags;
	bool ok;
};

static void test_flag_rules(void **state)
{
	static const struct flag_case cases[] = {
		{ 1, _PAGE_PWT, false },
		{ 1, _PAGE_PCD, false },
		{ 1, _PAGE_PSE, false },	/* PAT */
		{ 1, _PAGE_GLOBAL, false },
		{ 1, 1ULL << 62, false },	/* Xen's grant marker */
		{ 1, _PAGE_NX, true },
		{ 1, 7ULL << 9, true },		/* software bits */
		{ 1, 1ULL << 52 | 1ULL << 61, true },
		{ 2, _PAGE_PSE, false },	/* no superpages */
		{ 2, _PAGE_GLOBAL, false },
		{ 2, _PAGE_PCD, false },
		{ 2, _PAGE_NX, true },
		{ 3, _PAGE_PSE, false },
		{ 3, _PAGE_PWT, false },
		{ 3, 1ULL << 62, true },
		{ 4, _PAGE_PSE, false },
		{ 4, _PAGE_GLOBAL, false },
		{ 4, _PAGE_NX | (1ULL << 9), true },
	};

	(void)state;
	tm_tree_root(&A);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct flag_case *c = &cases[i];
		/* A fresh target per case: an empty table of the level below,
		 * or a data page; the slot is one the tree does not use. */
		mfn_t target = tm_frame(&A, 20 + (unsigned int)i);
		mfn_t table = tm_frame(&A, TM_L4 + (4 - c->level));
		uint64_t base = c->level == 1 ? TM_RW : TM_TABLE_FLAGS;
		int64_t rc = tm_mmu_one(&A, tm_maddr(table, 100 + (unsigned int)i),
					pte_make(target, base | c->flags));

		if (c->ok != (rc == 0)) {
			fail_msg("L%u flags %llx: rc %lld", c->level, (unsigned long long)c->flags,
				 (long long)rc);
		}
		if (rc != 0) {
			assert_int_equal(tm_fi(target)->ref_count, 0);
		}
	}
}

static void test_linear_page_tables_refused(void **state)
{
	mfn_t l4 = tm_frame(&A, TM_L4), l2 = tm_frame(&A, TM_L2);

	(void)state;
	tm_write_tree(&A);
	/* An L4 that points at itself (the classic recursive slot). */
	tm_map(l4)[300] = pte_make(l4, TM_TABLE_FLAGS);
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	tm_map(l4)[300] = 0;
	assert_int_equal(pin_l4(&A), 0);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(l4, 300), pte_make(l4, TM_RO)), -XEN_EINVAL);
	/* An L2 entry pointing at an L2. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(l2, 9), pte_make(l2, TM_TABLE_FLAGS)),
			 -XEN_EINVAL);
	/* An L3 entry pointing at the L4. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L3), 9),
				    pte_make(l4, TM_TABLE_FLAGS)),
			 -XEN_EINVAL);
}

static void test_hypervisor_l4_slots(void **state)
{
	mfn_t l4 = tm_frame(&A, TM_L4);
	uint64_t *t = tm_map(l4);
	unsigned int filled = fake_hv_slots_filled();

	(void)state;
	tm_write_tree(&A);
	/* Whatever the guest left there is ignored, then overwritten. */
	t[256] = pte_make(tm_frame(&B, 1), TM_TABLE_FLAGS);
	t[271] = 0xdead000;
	assert_int_equal(pin_l4(&A), 0);
	assert_int_equal(fake_hv_slots_filled(), filled + 1);
	for (unsigned int i = 256; i <= 271; i++) {
		assert_int_equal(t[i], FAKE_HV_SLOT_ENTRY(i));
	}
	assert_int_equal(tm_fi(tm_frame(&B, 1))->ref_count, 0);
	/* The guest can never write them, not even with their own value. */
	for (unsigned int i = 256; i <= 271; i += 5) {
		assert_int_equal(tm_mmu_one(&A, tm_maddr(l4, i), 0), -XEN_EINVAL);
		assert_int_equal(tm_mmu_one(&A, tm_maddr(l4, i), FAKE_HV_SLOT_ENTRY(i)), -XEN_EINVAL);
		assert_int_equal(t[i], FAKE_HV_SLOT_ENTRY(i));
	}
	/* 255 and 272 are the guest's. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(l4, 255), pte_make(tm_frame(&A, 30), TM_TABLE_FLAGS)), 0);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(l4, 272), pte_make(tm_frame(&A, 31), TM_TABLE_FLAGS)), 0);
	/* Devalidated, the frame no longer shows the hypervisor's entries. */
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(l4), 0), 0);
	for (unsigned int i = 256; i <= 271; i++) {
		assert_int_equal(t[i], 0);
	}
}

static void test_failed_validation_undoes_everything(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));

	(void)state;
	tm_write_tree(&A);
	/* The last slot is bad: every reference taken before it is given back,
	 * down through every level. */
	l1[511] = pte_make(tm_frame(&A, TM_DATA), TM_RW | _PAGE_GLOBAL);
	assert_int_equal(pin_l4(&A), -XEN_EINVAL);
	for (unsigned int i = 0; i < TM_POOL; i++) {
		assert_int_equal(tm_fi(tm_frame(&A, i))->ref_count, 0);
		assert_int_equal(tm_fi(tm_frame(&A, i))->type_count, 0);
		assert_int_equal(tm_fi(tm_frame(&A, i))->mm_flags, 0);
	}
	/* And the tables are untouched (no fix-ups applied). */
	assert_int_equal(l1[511], pte_make(tm_frame(&A, TM_DATA), TM_RW | _PAGE_GLOBAL));
	tm_check_all();
}

static void test_shared_subtrees(void **state)
{
	mfn_t l4b = tm_frame(&A, 40);

	(void)state;
	/* Two L4s sharing one L3: the L3 lives while either does. */
	tm_tree_root(&A);
	tm_map(l4b)[0] = pte_make(tm_frame(&A, TM_L3), TM_TABLE_FLAGS);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L4_TABLE, mfn_x(l4b), 0), 0);
	assert_int_equal(tm_fi(tm_frame(&A, TM_L3))->type_count, 2);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(tm_frame(&A, TM_L4)), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(l4b), 0), 0);
	/* The old L4 lost its last reference (root) and let go of the L3. */
	assert_int_equal(tm_fi(tm_frame(&A, TM_L4))->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(tm_frame(&A, TM_L3))->type_count, 1);
	tm_check_all();
}

/* ---- TLB: no stale writable mapping survives a type change ------------------------ */

static void test_retype_flushes(void **state)
{
	mfn_t data = tm_frame(&A, TM_DATA);
	unsigned int flushes;

	(void)state;
	tm_tree_root(&A);
	/* The writable mapping goes; the guest's TLB may still hold it. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 0), 0), 0);
	flushes = fake_mm()->flush_all;
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(data), 0), 0);
	assert_int_equal(fake_mm()->flush_all, flushes + 1);
	/* Unpinned and pinned again as the same type: nothing stale to flush. */
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(data), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(data), 0), 0);
	assert_int_equal(fake_mm()->flush_all, flushes + 1);
	/* From table to writable: cached walks through it must go first. */
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(data), 0), 0);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 0), pte_make(data, TM_RW)), 0);
	assert_int_equal(fake_mm()->flush_all, flushes + 2);
	/* A frame typed for the first time needs no flush. */
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(tm_frame(&A, 33)), 0), 0);
	assert_int_equal(fake_mm()->flush_all, flushes + 2);
}

static void test_plain_store_to_former_table_flushes(void **state)
{
	mfn_t t = tm_frame(&A, 33);
	unsigned int flushes;

	(void)state;
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(t), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(t), 0), 0);
	/* A stale cached walk may still reach it as an L1: an unvalidated
	 * store into it is only safe after a flush. */
	flushes = fake_mm()->flush_all;
	assert_int_equal(tm_mmu_one(&A, tm_maddr(t, 3), pte_make(tm_frame(&B, 1), TM_RW)), 0);
	assert_int_equal(fake_mm()->flush_all, flushes + 1);
	assert_int_equal(tm_map(t)[3], pte_make(tm_frame(&B, 1), TM_RW));
	/* And as a table again, that entry is refused. */
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(t), 0), -XEN_EINVAL);
	tm_map(t)[3] = 0;
}

/* ---- life cycle ---------------------------------------------------------------- */

static void test_teardown_from_any_state(void **state)
{
	mfn_t gdt = tm_frame(&A, 35);
	uint64_t frames[1] = { mfn_x(gdt) };

	(void)state;
	tm_tree_root(&A);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, mfn_x(tm_frame(&A, TM_L4)), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(tm_frame(&A, 36)), 0), 0);
	assert_int_equal(mm_set_gdt(A.v, frames, 100), 0);
	assert_int_equal(mm_hold_writable_page(A.d, tm_frame(&A, 37)), 0);
	tm_check_all();
	mm_domain_teardown(A.d);
	for (unsigned int i = 0; i < TM_POOL; i++) {
		assert_int_equal(tm_fi(tm_frame(&A, i))->ref_count, 0);
		assert_int_equal(tm_fi(tm_frame(&A, i))->type_count, 0);
		assert_int_equal(tm_fi(tm_frame(&A, i))->mm_flags, 0);
	}
	assert_int_equal(mfn_x(A.v->pv.kernel_root), INVALID_MFN_RAW);
	assert_int_equal(mfn_x(A.v->pv.user_root), INVALID_MFN_RAW);
	/* Idempotent, and fine for a domain that never had anything. */
	mm_domain_teardown(A.d);
	mm_domain_teardown(B.d);
	tm_check_all();
}

static void test_hold_writable(void **state)
{
	mfn_t m = tm_frame(&A, 6);

	(void)state;
	assert_int_equal(mm_hold_writable_page(A.d, m), 0);
	/* Held writable, it can never become a page table. */
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(m), 0), -XEN_EINVAL);
	assert_int_equal(mm_hold_writable_page(A.d, tm_frame(&B, 6)), -XEN_EINVAL);
	for (unsigned int i = 1; i < MM_HELD_MAX; i++) {
		assert_int_equal(mm_hold_writable_page(A.d, m), 0);
	}
	assert_int_equal(mm_hold_writable_page(A.d, m), -XEN_ENOSPC);
	mm_release_writable_page(A.d, m);
	assert_int_equal(tm_fi(m)->type_count, MM_HELD_MAX - 1);
	assert_true(release_exits(tm_frame(&A, 7)));
}

/* ---- the checker itself catches what it must ----------------------------------- */

static void test_checker_catches_corruption(void **state)
{
	size_t words = 2 * frame_total();
	uint32_t scratch[2 * TM_FRAMES];
	char why[256];
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1)), saved;

	(void)state;
	assert_true(words <= ARRAY_SIZE(scratch));
	tm_tree_root(&A);
	assert_int_equal(mm_check_invariants(A.d, scratch, words, why, sizeof(why)), 0);
	/* A count off by one. */
	tm_fi(tm_frame(&A, TM_DATA))->ref_count++;
	assert_int_equal(mm_check_invariants(A.d, scratch, words, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "imply"));
	tm_fi(tm_frame(&A, TM_DATA))->ref_count--;
	/* An entry written behind the model's back: a writable table. */
	saved = l1[0];
	l1[0] = pte_make(tm_frame(&A, TM_L2), TM_RW);
	assert_int_equal(mm_check_invariants(A.d, scratch, words, why, sizeof(why)), -1);
	/* Another domain's frame. */
	l1[0] = pte_make(tm_frame(&B, 2), TM_RO);
	assert_int_equal(mm_check_invariants(A.d, scratch, words, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "outside"));
	l1[0] = saved;
	/* A hypervisor frame with a reference. */
	frame_get(mfn(3))->ref_count = 1;
	assert_int_equal(mm_check_invariants(A.d, scratch, words, why, sizeof(why)), -1);
	frame_get(mfn(3))->ref_count = 0;
	/* Too little scratch. */
	assert_int_equal(mm_check_invariants(A.d, scratch, 10, why, sizeof(why)), -1);
	assert_int_equal(mm_check_invariants(A.d, scratch, words, why, sizeof(why)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_page_own_only, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_one_type_at_a_time, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_counts_never_wrap, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_put_underflow_is_a_bug, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_tree_validates_with_counts, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_entries_stored_user, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_pt_page_never_writable, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_writable_page_never_pt, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_foreign_frames_refused, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_flag_rules, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_linear_page_tables_refused, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_hypervisor_l4_slots, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_failed_validation_undoes_everything, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_shared_subtrees, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_retype_flushes, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_plain_store_to_former_table_flushes, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_teardown_from_any_state, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_hold_writable, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches_corruption, tm_setup, tm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
