/*
 * Unit tests of the page-table hypercalls (hv/common/mm_update.c, mm_ext.c,
 * mm_va.c, mm_root.c, mm_assist.c): mmu_update, mmuext_op,
 * update_va_mapping and vm_assist, their batch semantics (done counts,
 * stop at the first failure) and the references they move.
 */
#include "test_mm_fixture.h"

#define L1_OF(t) tm_frame(t, TM_L1)

/* ---- mmu_update ------------------------------------------------------------------ */

static void test_mmu_update_map_remap_unmap(void **state)
{
	mfn_t d5 = tm_frame(&A, 15), d6 = tm_frame(&A, 16);
	uint64_t *l1 = tm_map(L1_OF(&A));

	(void)state;
	tm_tree_root(&A);
	/* Map read-only, then writable in place, then another frame. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 50), pte_make(d5, TM_RO)), 0);
	assert_int_equal(tm_fi(d5)->ref_count, 1);
	assert_int_equal(tm_fi(d5)->type, MM_TYPE_NONE);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 50), pte_make(d5, TM_RW)), 0);
	assert_int_equal(tm_fi(d5)->ref_count, 1);
	assert_int_equal(tm_fi(d5)->type, MM_TYPE_WRITABLE);
	tm_check_all();
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 50), pte_make(d6, TM_RW)), 0);
	assert_int_equal(tm_fi(d5)->ref_count, 0);
	assert_int_equal(tm_fi(d5)->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(d6)->type_count, 1);
	assert_int_equal(l1[50], pte_make(d6, TM_RW));
	/* Unmap: a non-present value may carry anything (swap entries). */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 50), 0xabcdef00ULL), 0);
	assert_int_equal(tm_fi(d6)->ref_count, 0);
	assert_int_equal(l1[50], 0xabcdef00ULL);
	tm_check_all();
}

static void test_mmu_update_upper_levels(void **state)
{
	mfn_t l3 = tm_frame(&A, TM_L3), newl2 = tm_frame(&A, 20), newl1 = tm_frame(&A, 21);

	(void)state;
	tm_tree_root(&A);
	/* Build a new branch bottom-up: an L1 mapping a page, hung below a
	 * new L2, hung into the live L3. */
	tm_map(newl1)[0] = pte_make(tm_frame(&A, 22), TM_RW);
	tm_map(newl2)[0] = pte_make(newl1, TM_TABLE_FLAGS);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(l3, 2), pte_make(newl2, TM_TABLE_FLAGS)), 0);
	assert_int_equal(tm_fi(newl2)->type, MM_TYPE_L2);
	assert_int_equal(tm_fi(newl1)->type, MM_TYPE_L1);
	assert_int_equal(tm_fi(tm_frame(&A, 22))->type, MM_TYPE_WRITABLE);
	tm_check_all();
	/* Cut it off again: the whole branch lets go. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(l3, 2), 0), 0);
	assert_int_equal(tm_fi(newl2)->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(newl1)->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(tm_frame(&A, 22))->ref_count, 0);
}

static void test_mmu_update_preserve_ad(void **state)
{
	uint64_t *l1 = tm_map(L1_OF(&A));

	(void)state;
	tm_tree_root(&A);
	/* The tree's slot 0 has A and D set. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 0) | MMU_PT_UPDATE_PRESERVE_AD,
				    pte_make(tm_frame(&A, TM_DATA), _PAGE_PRESENT | _PAGE_RW)),
			 0);
	assert_int_equal(l1[0] & (_PAGE_ACCESSED | _PAGE_DIRTY), _PAGE_ACCESSED | _PAGE_DIRTY);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 0),
				    pte_make(tm_frame(&A, TM_DATA), _PAGE_PRESENT | _PAGE_RW)),
			 0);
	assert_int_equal(l1[0] & (_PAGE_ACCESSED | _PAGE_DIRTY), 0);
}

static void test_mmu_update_not_a_table(void **state)
{
	mfn_t plain = tm_frame(&A, 25), desc = tm_frame(&A, 26);
	uint64_t frames[1] = { mfn_x(desc) };

	(void)state;
	/* A frame of the caller's that is no page table: a plain store, as
	 * Xen, since the guest could map it writable anyway. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(plain, 7), pte_make(tm_frame(&B, 1), TM_RW)), 0);
	assert_int_equal(tm_map(plain)[7], pte_make(tm_frame(&B, 1), TM_RW));
	assert_int_equal(tm_fi(plain)->type_count, 0);
	assert_int_equal(tm_fi(tm_frame(&B, 1))->ref_count, 0);
	tm_map(plain)[7] = 0;
	/* A descriptor frame: refused. */
	assert_int_equal(mm_set_gdt(A.v, frames, 512), 0);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(desc, 0), 0x00cf9a000000ffffULL), -XEN_EINVAL);
	assert_int_equal(tm_map(desc)[0], 0);
	/* Another domain's frame, the hypervisor's, none at all. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&B, 3), 0), 0), -XEN_EINVAL);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(mfn(5), 0), 0), -XEN_EINVAL);
	assert_int_equal(tm_mmu_one(&A, ~0ULL & ~7ULL, 0), -XEN_EINVAL);
}

static void test_mmu_update_machphys(void **state)
{
	mfn_t m = tm_frame(&A, 9);

	(void)state;
	assert_int_equal(tm_mmu_one(&A, tm_maddr(m, 3) | MMU_MACHPHYS_UPDATE, 0x1234), 0);
	assert_int_equal(fake_m2p_get(m), 0x1234);
	/* Only for the caller's own frames. */
	assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&B, 9), 0) | MMU_MACHPHYS_UPDATE, 7),
			 -XEN_EINVAL);
	assert_int_not_equal(fake_m2p_get(tm_frame(&B, 9)), 7);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(mfn(4), 0) | MMU_MACHPHYS_UPDATE, 7),
			 -XEN_EINVAL);
}

static void test_mmu_update_commands(void **state)
{
	(void)state;
	tm_tree_root(&A);
	assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 60) | MMU_PT_UPDATE_NO_TRANSLATE, 0),
			 -XEN_EINVAL);
	for (uint64_t cmd = 4; cmd < 8; cmd++) {
		assert_int_equal(tm_mmu_one(&A, tm_maddr(L1_OF(&A), 60) | cmd, 0), -XEN_ENOSYS);
	}
}

static void test_mmu_update_done_counts(void **state)
{
	struct mmu_update reqs[4];
	uint32_t done = 99;

	(void)state;
	tm_tree_root(&A);
	reqs[0] = (struct mmu_update){ tm_maddr(L1_OF(&A), 60), pte_make(tm_frame(&A, 10), TM_RW) };
	reqs[1] = (struct mmu_update){ tm_maddr(L1_OF(&A), 61), pte_make(tm_frame(&A, 11), TM_RW) };
	reqs[2] = (struct mmu_update){ tm_maddr(L1_OF(&A), 62), pte_make(tm_frame(&B, 11), TM_RW) };
	reqs[3] = (struct mmu_update){ tm_maddr(L1_OF(&A), 63), pte_make(tm_frame(&A, 12), TM_RW) };
	assert_int_equal(tm_mmu_update(&A, reqs, 4, &done), -XEN_EINVAL);
	assert_int_equal(done, 2);
	/* The first two stand, the fourth never ran. */
	assert_int_equal(tm_fi(tm_frame(&A, 11))->type, MM_TYPE_WRITABLE);
	assert_int_equal(tm_fi(tm_frame(&A, 12))->ref_count, 0);
	assert_int_equal(tm_mmu_update(&A, reqs, 2, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(tm_mmu_update(&A, reqs, 0, &done), 0);
	assert_int_equal(done, 0);
	tm_check_all();
}

static void test_mmu_update_guest_memory_faults(void **state)
{
	struct mmu_update req = { 0, 0 };
	uint32_t done;

	(void)state;
	tm_tree_root(&A);
	req.ptr = tm_maddr(L1_OF(&A), 60);
	req.val = pte_make(tm_frame(&A, 10), TM_RW);
	memcpy(tm_gbuf, &req, sizeof(req));
	/* done_out not writable: refused before any update. */
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 1, 0x10, DOMID_SELF), -XEN_EFAULT);
	assert_int_equal(tm_fi(tm_frame(&A, 10))->ref_count, 0);
	/* The array runs off the guest's memory at the second request. */
	memcpy(tm_gbuf + TM_GBUF_SIZE - sizeof(req), &req, sizeof(req));
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF + TM_GBUF_SIZE - sizeof(req), 2,
				 TM_GBUF + 64, DOMID_SELF),
			 -XEN_EFAULT);
	memcpy(&done, tm_gbuf + 64, 4);
	assert_int_equal(done, 1);
	/* An array reaching into the hypervisor's range is refused outright. */
	assert_int_equal(tm_call(&A, do_mmu_update, HYPERVISOR_VIRT_START - 16, 2, 0, DOMID_SELF),
			 -XEN_EFAULT);
	/* A forged continuation marker is only a count: the entries done are
	 * read back from *pdone (the guest's own number) and added to. */
	done = 5;
	memcpy(tm_gbuf + 64, &done, 4);
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 0x80000000ULL, TM_GBUF + 64,
				 DOMID_SELF),
			 0);
	memcpy(&done, tm_gbuf + 64, 4);
	assert_int_equal(done, 5);
}

static void test_mmu_update_foreigndom(void **state)
{
	(void)state;
	tm_tree_root(&A);
	memset(tm_gbuf, 0, 16);
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 0, 0, B.d->id), -XEN_EPERM);
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 0, 0, DOMID_IO), -XEN_EPERM);
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 0, 0, (B.d->id + 1U) << 16 | DOMID_SELF),
			 -XEN_EPERM);
	/* Naming itself is fine. */
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 0, 0, A.d->id), 0);
	assert_int_equal(tm_call(&A, do_mmu_update, TM_GBUF, 0, 0, (A.d->id + 1U) << 16 | DOMID_SELF),
			 0);
	assert_int_equal(tm_call(&A, do_mmuext_op, TM_GBUF, 0, 0, B.d->id), -XEN_EPERM);
}

/* ---- mmuext_op ---------------------------------------------------------------------- */

static void test_pin_unpin(void **state)
{
	mfn_t l1 = tm_frame(&A, 20);

	(void)state;
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(l1), 0), 0);
	assert_true(tm_fi(l1)->mm_flags & MM_F_PINNED);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(l1), 0), -XEN_EINVAL);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L2_TABLE, mfn_x(l1), 0), -XEN_EINVAL);
	assert_int_equal(tm_fi(l1)->type_count, 1);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(l1), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(l1), 0), -XEN_EINVAL);
	assert_int_equal(tm_fi(l1)->type, MM_TYPE_NONE);
	/* Another domain's frame. */
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(tm_frame(&B, 20)), 0), -XEN_EINVAL);
	assert_int_equal(tm_ext1(&B, MMUEXT_PIN_L1_TABLE, mfn_x(tm_frame(&B, 20)), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(tm_frame(&B, 20)), 0), -XEN_EINVAL);
	assert_true(tm_fi(tm_frame(&B, 20))->mm_flags & MM_F_PINNED);
	/* Every level. */
	tm_write_tree(&A);
	for (unsigned int lvl = 1; lvl <= 4; lvl++) {
		mfn_t t = tm_frame(&A, TM_L4 + 4 - lvl);

		assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE + lvl - 1, mfn_x(t), 0), 0);
		assert_int_equal(tm_fi(t)->type, lvl);
	}
	tm_check_all();
}

static void test_pin_wrong_level(void **state)
{
	(void)state;
	tm_write_tree(&A);
	/* The L2 pinned as an L1: its one entry (the L1 frame, RW) reads as a
	 * writable mapping, which is fine while that frame is no table... */
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(tm_frame(&A, TM_L2)), 0), 0);
	assert_int_equal(tm_fi(tm_frame(&A, TM_L1))->type, MM_TYPE_WRITABLE);
	/* ... but now neither frame can take its real place in the tree. */
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L4_TABLE, mfn_x(tm_frame(&A, TM_L4)), 0),
			 -XEN_EINVAL);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(tm_frame(&A, TM_L2)), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L4_TABLE, mfn_x(tm_frame(&A, TM_L4)), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(tm_frame(&A, TM_L2)), 0),
			 -XEN_EINVAL);
}

static void test_unpin_root_is_safe(void **state)
{
	mfn_t l4 = tm_frame(&A, TM_L4);

	(void)state;
	tm_tree_root(&A);
	assert_int_equal(tm_ext1(&A, MMUEXT_UNPIN_TABLE, mfn_x(l4), 0), 0);
	/* Still the root: still an L4, still validated, tree intact. */
	assert_int_equal(tm_fi(l4)->type, MM_TYPE_L4);
	assert_int_equal(tm_fi(l4)->type_count, 1);
	assert_int_equal(tm_fi(tm_frame(&A, TM_L1))->type, MM_TYPE_L1);
	assert_int_equal(tm_uvm(&A, TM_VA + 5 * PAGE_SIZE, pte_make(tm_frame(&A, 9), TM_RW), 0), 0);
	tm_check_all();
}

static void test_new_baseptr(void **state)
{
	mfn_t l4 = tm_frame(&A, TM_L4), l4b = tm_frame(&A, 40);
	unsigned int changes = fake_mm()->root_changes;

	(void)state;
	tm_tree_root(&A);
	assert_int_equal(fake_mm()->root_changes, changes + 1);
	assert_ptr_equal(fake_mm()->last_root_vcpu, A.v);
	assert_int_equal(mfn_x(A.v->pv.kernel_root), mfn_x(l4));
	assert_int_equal(mfn_x(mm_kernel_root(A.v)), mfn_x(l4));
	/* Not an L4: an L3 of the tree, a data page mapped writable, a frame
	 * of another domain. Nothing changes. */
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(tm_frame(&A, TM_L3)), 0), -XEN_EINVAL);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(tm_frame(&A, TM_DATA)), 0), -XEN_EINVAL);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(tm_frame(&B, 40)), 0), -XEN_EINVAL);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(mfn(1)), 0), -XEN_EINVAL);
	assert_int_equal(mfn_x(A.v->pv.kernel_root), mfn_x(l4));
	assert_int_equal(fake_mm()->root_changes, changes + 1);
	/* An unpinned, never validated L4 is validated on demand. */
	tm_map(l4b)[1] = pte_make(tm_frame(&A, TM_L3), TM_TABLE_FLAGS);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(l4b), 0), 0);
	assert_int_equal(tm_fi(l4b)->type, MM_TYPE_L4);
	assert_int_equal(mfn_x(A.v->pv.kernel_root), mfn_x(l4b));
	/* The old root is still pinned: one reference less. */
	assert_int_equal(tm_fi(l4)->type_count, 1);
	/* The same root again: harmless. */
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_BASEPTR, mfn_x(l4b), 0), 0);
	assert_int_equal(tm_fi(l4b)->type_count, 1);
	tm_check_all();
}

static void test_new_user_baseptr(void **state)
{
	mfn_t l4 = tm_frame(&A, TM_L4), u4 = tm_frame(&A, 41);

	(void)state;
	tm_tree_root(&A);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, mfn_x(u4), 0), 0);
	assert_int_equal(mfn_x(A.v->pv.user_root), mfn_x(u4));
	assert_int_equal(tm_fi(u4)->type, MM_TYPE_L4);
	/* The same again: a no-op. */
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, mfn_x(u4), 0), 0);
	assert_int_equal(tm_fi(u4)->type_count, 1);
	/* The kernel's L4 may double as the user one. */
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, mfn_x(l4), 0), 0);
	assert_int_equal(tm_fi(u4)->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(l4)->type_count, 3);
	/* 0: no user root. */
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
	assert_int_equal(mfn_x(A.v->pv.user_root), INVALID_MFN_RAW);
	assert_int_equal(tm_fi(l4)->type_count, 2);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, mfn_x(tm_frame(&A, TM_L2)), 0),
			 -XEN_EINVAL);
	tm_check_all();
}

static void test_tlb_ops(void **state)
{
	const struct fake_mm_records *r = fake_mm();
	uint64_t mask = ~0ULL;

	(void)state;
	assert_int_equal(tm_ext1(&A, MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	assert_int_equal(r->flush_vcpus, 1);
	assert_int_equal(r->last_mask, 1);
	assert_int_equal(tm_ext1(&A, MMUEXT_INVLPG_LOCAL, TM_VA + 0x3000, 0), 0);
	assert_int_equal(r->invlpg, 1);
	assert_int_equal(r->last_va, TM_VA + 0x3000);
	assert_int_equal(tm_ext1(&A, MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_INVLPG_ALL, TM_VA, 0), 0);
	assert_int_equal(r->flush_vcpus, 2);
	assert_int_equal(r->invlpg, 2);
	/* MULTI: the mask comes from guest memory, limited to real vCPUs. */
	memcpy(tm_gbuf + 4096, &mask, sizeof(mask));
	assert_int_equal(tm_ext1(&A, MMUEXT_TLB_FLUSH_MULTI, 0, TM_GBUF + 4096), 0);
	assert_int_equal(r->flush_vcpus, 3);
	assert_int_equal(r->last_mask, 1);
	assert_int_equal(tm_ext1(&A, MMUEXT_INVLPG_MULTI, TM_VA, TM_GBUF + 4096), 0);
	assert_int_equal(r->invlpg, 3);
	assert_int_equal(tm_ext1(&A, MMUEXT_TLB_FLUSH_MULTI, 0, 0x10), -XEN_EFAULT);
	assert_int_equal(tm_ext1(&A, MMUEXT_INVLPG_MULTI, 0, HYPERVISOR_VIRT_START), -XEN_EFAULT);
	/* An empty mask flushes nothing; invlpg of a hypervisor address neither. */
	mask = 0;
	memcpy(tm_gbuf + 4096, &mask, sizeof(mask));
	assert_int_equal(tm_ext1(&A, MMUEXT_TLB_FLUSH_MULTI, 0, TM_GBUF + 4096), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_INVLPG_LOCAL, HYPERVISOR_VIRT_START, 0), 0);
	assert_int_equal(r->flush_vcpus, 3);
	assert_int_equal(r->invlpg, 3);
}

static void test_set_ldt(void **state)
{
	const struct fake_mm_records *r = fake_mm();
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };
	mfn_t ldt = tm_frame(&A, 12), m;

	(void)state;
	tm_tree_root(&A);
	op.arg1.linear_addr = TM_VA + 0x1001;
	op.arg2.nr_ents = 16;
	assert_int_equal(tm_mmuext(&A, &op, 1, NULL), -XEN_EINVAL);
	op.arg1.linear_addr = TM_VA;
	op.arg2.nr_ents = 8193;
	assert_int_equal(tm_mmuext(&A, &op, 1, NULL), -XEN_EINVAL);
	op.arg1.linear_addr = HYPERVISOR_VIRT_START;
	op.arg2.nr_ents = 16;
	assert_int_equal(tm_mmuext(&A, &op, 1, NULL), -XEN_EINVAL);
	assert_int_equal(r->ldt_changes, 0);
	/* Slot 12 of the L1 maps the LDT page read-only. */
	assert_int_equal(tm_uvm(&A, TM_VA + 12 * PAGE_SIZE, pte_make(ldt, TM_RO), 0), 0);
	op.arg1.linear_addr = TM_VA + 12 * PAGE_SIZE;
	op.arg2.nr_ents = 16;
	assert_int_equal(tm_mmuext(&A, &op, 1, NULL), 0);
	assert_int_equal(r->ldt_changes, 1);
	assert_int_equal(r->ldt_base, TM_VA + 12 * PAGE_SIZE);
	assert_int_equal(r->ldt_ents, 16);
	/* The arch maps it lazily, on a fault: it becomes a descriptor page. */
	assert_int_equal(mm_ldt_fault(A.v, 1, &m), -XEN_EINVAL);
	assert_int_equal(mm_ldt_fault(A.v, 0, &m), 0);
	assert_int_equal(mfn_x(m), mfn_x(ldt));
	assert_int_equal(tm_fi(ldt)->type, MM_TYPE_SEG_DESC);
	assert_int_equal(mm_ldt_fault(A.v, 0, &m), 0);
	assert_int_equal(tm_fi(ldt)->type_count, 1);
	/* ... so it cannot be mapped writable now. */
	assert_int_equal(tm_uvm(&A, TM_VA + 13 * PAGE_SIZE, pte_make(ldt, TM_RW), 0), -XEN_EINVAL);
	tm_check_all();
	/* No LDT: the page lets go. */
	op.arg2.nr_ents = 0;
	assert_int_equal(tm_mmuext(&A, &op, 1, NULL), 0);
	assert_int_equal(r->ldt_ents, 0);
	assert_int_equal(r->ldt_base, 0);
	assert_int_equal(tm_fi(ldt)->type, MM_TYPE_NONE);
	assert_int_equal(mm_ldt_fault(A.v, 0, &m), -XEN_EINVAL);
}

static void test_mmuext_unsupported_and_batches(void **state)
{
	struct mmuext_op ops[3];
	uint32_t done = 99;

	(void)state;
	assert_int_equal(tm_ext1(&A, MMUEXT_FLUSH_CACHE, 0, 0), -XEN_ENOSYS);
	assert_int_equal(tm_ext1(&A, MMUEXT_CLEAR_PAGE, mfn_x(tm_frame(&A, 5)), 0), -XEN_ENOSYS);
	assert_int_equal(tm_ext1(&A, MMUEXT_COPY_PAGE, mfn_x(tm_frame(&A, 5)), 0), -XEN_ENOSYS);
	assert_int_equal(tm_ext1(&A, 14, 0, 0), -XEN_ENOSYS);
	assert_int_equal(tm_ext1(&A, 0xffffffff, 0, 0), -XEN_ENOSYS);
	memset(ops, 0, sizeof(ops));
	ops[0].cmd = MMUEXT_PIN_L1_TABLE;
	ops[0].arg1.mfn = mfn_x(tm_frame(&A, 20));
	ops[1].cmd = MMUEXT_PIN_L1_TABLE;
	ops[1].arg1.mfn = mfn_x(tm_frame(&A, 20));	/* already pinned */
	ops[2].cmd = MMUEXT_PIN_L1_TABLE;
	ops[2].arg1.mfn = mfn_x(tm_frame(&A, 21));
	assert_int_equal(tm_mmuext(&A, ops, 3, &done), -XEN_EINVAL);
	assert_int_equal(done, 1);
	assert_int_equal(tm_fi(tm_frame(&A, 21))->type, MM_TYPE_NONE);
	assert_int_equal(tm_call(&A, do_mmuext_op, TM_GBUF, 1, 0x10, DOMID_SELF), -XEN_EFAULT);
	/* A forged continuation marker with nothing left is an empty batch. */
	assert_int_equal(tm_call(&A, do_mmuext_op, TM_GBUF, 0x80000000ULL, 0, DOMID_SELF), 0);
}

/* ---- update_va_mapping ------------------------------------------------------------ */

static void test_update_va_mapping(void **state)
{
	const struct fake_mm_records *r = fake_mm();
	uint64_t *l1 = tm_map(L1_OF(&A));
	uint64_t mask = 1;

	(void)state;
	/* No root yet. */
	assert_int_equal(tm_uvm(&A, TM_VA, 0, 0), -XEN_EINVAL);
	tm_tree_root(&A);
	assert_int_equal(tm_uvm(&A, TM_VA + 7 * PAGE_SIZE, pte_make(tm_frame(&A, 8), TM_RW),
				UVMF_INVLPG | UVMF_LOCAL),
			 0);
	assert_int_equal(l1[7], pte_make(tm_frame(&A, 8), TM_RW));
	assert_int_equal(r->invlpg, 1);
	assert_int_equal(r->last_va, TM_VA + 7 * PAGE_SIZE);
	assert_int_equal(tm_uvm(&A, TM_VA + 7 * PAGE_SIZE, 0, UVMF_TLB_FLUSH | UVMF_ALL), 0);
	assert_int_equal(r->flush_vcpus, 1);
	assert_int_equal(tm_fi(tm_frame(&A, 8))->ref_count, 0);
	memcpy(tm_gbuf + 512, &mask, sizeof(mask));
	assert_int_equal(tm_uvm(&A, TM_VA, 0, UVMF_TLB_FLUSH | (TM_GBUF + 512)), 0);
	assert_int_equal(r->flush_vcpus, 2);
	/* A bad mask pointer fails before the update. */
	assert_int_equal(tm_uvm(&A, TM_VA + PAGE_SIZE, 0, UVMF_INVLPG | 0x1000), -XEN_EFAULT);
	assert_int_not_equal(l1[1], 0);
	/* Bad flush type, hypervisor or non-canonical va, unmapped levels. */
	assert_int_equal(tm_uvm(&A, TM_VA, 0, 3), -XEN_EINVAL);
	assert_int_equal(tm_uvm(&A, HYPERVISOR_VIRT_START + 0x1000, 0, 0), -XEN_EINVAL);
	assert_int_equal(tm_uvm(&A, 0x0000900000000000ULL, 0, 0), -XEN_EINVAL);
	assert_int_equal(tm_uvm(&A, TM_VA + (1ULL << 21), 0, 0), -XEN_EINVAL);	/* no L1 */
	assert_int_equal(tm_uvm(&A, TM_VA + (1ULL << 30), 0, 0), -XEN_EINVAL);	/* no L2 */
	assert_int_equal(tm_uvm(&A, 1ULL << 39, 0, 0), -XEN_EINVAL);		/* no L3 */
	/* The rules of an L1 entry apply. */
	assert_int_equal(tm_uvm(&A, TM_VA + 7 * PAGE_SIZE, pte_make(L1_OF(&A), TM_RW), 0),
			 -XEN_EINVAL);
	assert_int_equal(tm_uvm(&A, TM_VA + 7 * PAGE_SIZE, pte_make(tm_frame(&B, 8), TM_RO), 0),
			 -XEN_EINVAL);
	tm_check_all();
}

static void test_update_va_mapping_other_vcpu_root(void **state)
{
	mfn_t l4b = tm_frame(&A, 40), l3b = tm_frame(&A, 41), l2b = tm_frame(&A, 42),
	      l1b = tm_frame(&A, 43);

	(void)state;
	/* Only the kernel root in force is walked. */
	tm_tree_root(&A);
	tm_map(l4b)[0] = pte_make(l3b, TM_TABLE_FLAGS);
	tm_map(l3b)[1] = pte_make(l2b, TM_TABLE_FLAGS);
	tm_map(l2b)[0] = pte_make(l1b, TM_TABLE_FLAGS);
	assert_int_equal(tm_ext1(&A, MMUEXT_NEW_USER_BASEPTR, mfn_x(l4b), 0), 0);
	assert_int_equal(tm_uvm(&A, TM_VA + 9 * PAGE_SIZE, pte_make(tm_frame(&A, 9), TM_RO), 0), 0);
	assert_int_equal(tm_map(L1_OF(&A))[9], pte_make(tm_frame(&A, 9), TM_RO));
	assert_int_equal(tm_map(l1b)[9], 0);
}

/* ---- vm_assist ------------------------------------------------------------------------ */

static void test_vm_assist(void **state)
{
	(void)state;
	assert_false(mm_vm_assist(A.d, VMASST_TYPE_writable_pagetables));
	assert_int_equal(tm_call(&A, do_vm_assist, VMASST_CMD_enable,
				 VMASST_TYPE_writable_pagetables, 0, 0),
			 0);
	assert_true(mm_vm_assist(A.d, VMASST_TYPE_writable_pagetables));
	assert_false(mm_vm_assist(B.d, VMASST_TYPE_writable_pagetables));
	assert_int_equal(tm_call(&A, do_vm_assist, VMASST_CMD_enable,
				 VMASST_TYPE_runstate_update_flag, 0, 0),
			 0);
	assert_true(mm_vm_assist(A.d, VMASST_TYPE_runstate_update_flag));
	assert_int_equal(tm_call(&A, do_vm_assist, VMASST_CMD_disable,
				 VMASST_TYPE_writable_pagetables, 0, 0),
			 0);
	assert_false(mm_vm_assist(A.d, VMASST_TYPE_writable_pagetables));
	assert_true(mm_vm_assist(A.d, VMASST_TYPE_runstate_update_flag));
	for (uint64_t type = 0; type < 70; type++) {
		if (type == 2 || type == 5) {
			continue;
		}
		assert_int_equal(tm_call(&A, do_vm_assist, VMASST_CMD_enable, type, 0, 0),
				 -XEN_EINVAL);
	}
	assert_int_equal(tm_call(&A, do_vm_assist, 2, VMASST_TYPE_writable_pagetables, 0, 0),
			 -XEN_ENOSYS);
	assert_false(mm_vm_assist(A.d, 200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmu_update_map_remap_unmap, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_upper_levels, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_preserve_ad, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_not_a_table, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_machphys, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_commands, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_done_counts, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_guest_memory_faults, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_foreigndom, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_pin_unpin, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_pin_wrong_level, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_unpin_root_is_safe, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_new_baseptr, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_new_user_baseptr, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_tlb_ops, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_set_ldt, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmuext_unsupported_and_batches, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_update_va_mapping, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_update_va_mapping_other_vcpu_root, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_vm_assist, tm_setup, tm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
