/*
 * Grant mappings in the PV memory model (hv/grant.h's rules): a foreign L1
 * entry only as a live maptrack entry records it, never overwritten by
 * mmu_update / update_va_mapping / the writable-page-table emulation,
 * revoked when its L1 loses its type; the checker sees both sides; death of
 * the granter or the mapper leaves no reference, PTE or frame behind; the
 * builder's reserved console/xenstore grants.
 */
#include <stdlib.h>

#include <hv/revoke.h>

#include "test_gnttab_env.h"

#define GF(t) tm_frame(t, 20)

static uint32_t map_rw(void)
{
	uint32_t h;

	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, GT_VA, &h), GNTST_okay);
	return h;
}

static void expect_revoked(uint32_t h)
{
	const struct gnttab_maptrack *mt = gnttab_maptrack_get(B.d, h);

	assert_non_null(mt);
	assert_int_equal(mt->state, GNTTAB_MT_REVOKED);
	assert_int_equal(tm_fi(GF(&A))->ref_count, 0);
	assert_int_equal(tm_fi(GF(&A))->type_count, 0);
	assert_int_equal(gt_entry(&A, 7)->flags & (GTF_reading | GTF_writing), 0);
}

static void test_grant_pte_not_overwritten(void **state)
{
	uint64_t maddr = tm_maddr(tm_frame(&B, TM_L1), GT_SLOT);
	struct mm_ptwr w = { .va = TM_VA + 13 * 4096ULL + GT_SLOT * 8, .bytes = 8,
			     .kind = MM_PTWR_STORE };
	uint64_t old, pte;
	uint32_t h = map_rw();

	(void)state;
	pte = gt_pte(&B, GT_SLOT);
	assert_int_equal(tm_mmu_one(&B, maddr, 0), -XEN_EINVAL);
	assert_int_equal(tm_mmu_one(&B, maddr, pte_make(tm_frame(&B, 21), TM_RW)), -XEN_EINVAL);
	assert_int_equal(tm_mmu_one(&B, maddr | MMU_PT_UPDATE_PRESERVE_AD, pte), -XEN_EINVAL);
	assert_int_equal(tm_uvm(&B, GT_VA, 0, 0), -XEN_EINVAL);
	/* The writable-page-table path (slot 13 maps the L1 read-only). */
	B.d->mm.vm_assist |= 1ULL << VMASST_TYPE_writable_pagetables;
	w.val = 0;
	assert_int_equal(mm_emulate_pt_write(B.v, &w, &old), -XEN_EINVAL);
	w.va += 4;
	w.bytes = 4;
	assert_int_equal(mm_emulate_pt_write(B.v, &w, &old), -XEN_EINVAL);
	assert_int_equal(gt_pte(&B, GT_SLOT), pte);
	/* Nor can a new entry name a foreign frame. */
	assert_int_equal(tm_mmu_one(&B, tm_maddr(tm_frame(&B, TM_L1), 6), pte), -XEN_EINVAL);
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
}

static void test_l1_losing_type_revokes(void **state)
{
	uint64_t l2e = tm_map(tm_frame(&B, TM_L2))[0];
	uint32_t h = map_rw();

	(void)state;
	/* Unhook the L1 from the L2: its last type reference goes. */
	assert_int_equal(tm_mmu_one(&B, tm_maddr(tm_frame(&B, TM_L2), 0), 0), 0);
	assert_int_equal(tm_fi(tm_frame(&B, TM_L1))->type_count, 0);
	assert_int_equal(gt_pte(&B, GT_SLOT), 0);
	expect_revoked(h);
	tm_check_all();
	/* Hooked up again it validates (no foreign entry left in it). */
	assert_int_equal(tm_mmu_one(&B, tm_maddr(tm_frame(&B, TM_L2), 0), l2e), 0);
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_bad_handle);
	tm_check_all();
}

static void test_unpin_revokes(void **state)
{
	mfn_t l1 = tm_frame(&B, 30);
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	assert_int_equal(tm_ext1(&B, MMUEXT_PIN_L1_TABLE, mfn_x(l1), 0), 0);
	assert_int_equal(gt_map(&B, A.d->id, 7,
				GNTMAP_host_map | GNTMAP_readonly | GNTMAP_contains_pte,
				tm_maddr(l1, 9), &h),
			 GNTST_okay);
	tm_check_all();
	assert_int_equal(tm_ext1(&B, MMUEXT_UNPIN_TABLE, mfn_x(l1), 0), 0);
	assert_int_equal(tm_map(l1)[9], 0);
	expect_revoked(h);
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, tm_maddr(l1, 9)), GNTST_okay);
}

static void expect_check_fails(const struct domain *d, const char *needle)
{
	size_t words = 2 * frame_total();
	uint32_t *scratch = calloc(words, sizeof(*scratch));
	char why[256];

	assert_non_null(scratch);
	assert_int_equal(mm_check_invariants(d, scratch, words, why, sizeof(why)), -1);
	free(scratch);
	if (strstr(why, needle) == NULL) {
		fail_msg("checker said \"%s\", expected \"%s\"", why, needle);
	}
}

static void test_checker_sees_both_sides(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&B, TM_L1));
	uint64_t pte;
	uint32_t h = map_rw();

	(void)state;
	pte = l1[GT_SLOT];
	/* A foreign entry no maptrack entry explains. */
	l1[6] = pte;
	expect_check_fails(B.d, "outside");
	l1[6] = 0;
	/* The recorded entry turned read-only behind the model's back. */
	l1[GT_SLOT] = pte & ~_PAGE_RW;
	expect_check_fails(B.d, "outside");
	/* A live maptrack entry whose PTE is gone. */
	l1[GT_SLOT] = 0;
	expect_check_fails(B.d, "handle");
	expect_check_fails(A.d, "handle");
	l1[GT_SLOT] = pte;
	/* The granter's counts must include the mapper's references. */
	tm_fi(GF(&A))->ref_count++;
	expect_check_fails(A.d, "tables imply");
	tm_fi(GF(&A))->ref_count--;
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
}

static void test_granter_death(void **state)
{
	uint64_t free_before = frame_free_count();
	uint32_t h = map_rw();
	uint32_t h2;

	(void)state;
	/* B also maps A's grant of its grant frame (a frame A holds). */
	gt_grant(&A, 8, B.d->id, gnttab_frame(A.d, 0), GTF_permit_access | GTF_readonly);
	assert_int_equal(gt_map(&B, A.d->id, 8, GNTMAP_host_map | GNTMAP_readonly,
				TM_VA + 6 * 4096ULL, &h2),
			 GNTST_okay);
	tm_check_all();
	A.d->state = DOM_DYING;
	gnttab_domain_destroy(A.d);
	gnttab_domain_destroy(A.d);	/* idempotent */
	assert_int_equal(gt_pte(&B, GT_SLOT), 0);
	assert_int_equal(gt_pte(&B, 6), 0);
	assert_int_equal(gnttab_maptrack_get(B.d, h)->state, GNTTAB_MT_REVOKED);
	assert_int_equal(gnttab_maptrack_get(B.d, h2)->state, GNTTAB_MT_REVOKED);
	tm_check_all();
	mm_domain_teardown(A.d);
	domain_free_unstarted(A.d);
	tm_check_all();
	/* The revoked handles go with the mapper's unmap, granter gone. */
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
	assert_int_equal(gt_unmap(&B, h2, 0), GNTST_okay);
	assert_int_equal(B.d->mm.gnt.maptrack_used, 0);
	/* A's frames and bookkeeping all went back. */
	assert_true(frame_free_count() > free_before);
	/* Mapping from a dead domain: no such domain. */
	assert_int_equal(gt_map(&B, 1, 7, GNTMAP_host_map, GT_VA, NULL), GNTST_bad_domain);
}

static void test_mapper_death(void **state)
{
	(void)state;
	map_rw();
	gt_grant(&A, 9, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	assert_int_equal(gt_map(&B, A.d->id, 9, GNTMAP_host_map | GNTMAP_readonly,
				TM_VA + 6 * 4096ULL, NULL),
			 GNTST_okay);
	B.d->state = DOM_DYING;
	mm_domain_teardown(B.d);	/* revokes first, then the tables go */
	domain_free_unstarted(B.d);
	assert_int_equal(tm_fi(GF(&A))->ref_count, 0);
	assert_int_equal(tm_fi(GF(&A))->type_count, 0);
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access);
	assert_int_equal(gt_entry(&A, 9)->flags, GTF_permit_access | GTF_readonly);
	tm_check_all();
}

static void test_policy_revalidation_keeps_allowed(void **state)
{
	uint32_t h = map_rw();

	(void)state;
	/* The dummy module allows every map: nothing is revoked. */
	assert_int_equal(revoke_after_policy_change(), 0);
	assert_int_equal(gnttab_maptrack_get(B.d, h)->state, GNTTAB_MT_LIVE);
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
}

static void test_reserved_grants(void **state)
{
	struct start_info *si = arch_frame_map(tm_frame(&A, 25));
	struct grant_entry_v1 *e;

	(void)state;
	A.d->mm.gnt.console_ring = tm_frame(&A, 26);
	A.d->mm.gnt.store_ring = tm_frame(&A, 27);
	A.d->mm.gnt.start_info = tm_frame(&A, 25);
	memset(si, 0, sizeof(*si));
	assert_int_equal(gnttab_connect_backend(A.d, NULL), 0);
	e = gt_entry(&A, GNTTAB_RESERVED_CONSOLE);
	assert_int_equal(e->flags, GTF_permit_access);
	assert_int_equal(e->domid, 0);
	assert_int_equal(e->frame, mfn_x(tm_frame(&A, 26)));
	e = gt_entry(&A, GNTTAB_RESERVED_XENSTORE);
	assert_int_equal(e->frame, mfn_x(tm_frame(&A, 27)));
	assert_int_equal(si->console.domU.evtchn, 0);
	assert_int_equal(si->store_evtchn, 0);
	/* With a backend, B maps the console ring through ref 0. */
	gt_grant(&A, GNTTAB_RESERVED_CONSOLE, B.d->id, tm_frame(&A, 26), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, GNTTAB_RESERVED_CONSOLE, GNTMAP_host_map, GT_VA, NULL),
			 GNTST_okay);
	tm_check_all();
	/* A ring that is not the domain's is refused. */
	A.d->mm.gnt.store_ring = tm_frame(&B, 27);
	assert_int_equal(gnttab_connect_backend(A.d, NULL), -XEN_EINVAL);
}

static void test_reserved_grants_with_backend(void **state)
{
	struct start_info *si = arch_frame_map(tm_frame(&A, 25));

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct tdom *t = i == 0 ? &A : &B;

		t->d->shared_info_mfn = tm_frame(t, 40);
		t->d->shared_info = arch_frame_map(tm_frame(t, 40));
		assert_int_equal(evtchn_domain_init(t->d), 0);
	}
	A.d->mm.gnt.console_ring = tm_frame(&A, 26);
	A.d->mm.gnt.store_ring = tm_frame(&A, 27);
	A.d->mm.gnt.start_info = tm_frame(&A, 25);
	memset(si, 0, sizeof(*si));
	assert_int_equal(gnttab_connect_backend(A.d, B.d), 0);
	assert_int_equal(gt_entry(&A, GNTTAB_RESERVED_CONSOLE)->domid, B.d->id);
	assert_int_equal(gt_entry(&A, GNTTAB_RESERVED_XENSTORE)->domid, B.d->id);
	/* Two unbound ports of A for B, named in start_info. */
	assert_int_not_equal(si->console.domU.evtchn, 0);
	assert_int_not_equal(si->store_evtchn, 0);
	assert_int_not_equal(si->console.domU.evtchn, si->store_evtchn);
	assert_int_equal(evtchn_get(A.d, si->store_evtchn)->state, ECS_UNBOUND);
	assert_int_equal(evtchn_get(A.d, si->store_evtchn)->remote_dom, B.d->id);
	/* The backend maps the xenstore ring through ref 1. */
	assert_int_equal(gt_map(&B, A.d->id, GNTTAB_RESERVED_XENSTORE, GNTMAP_host_map, GT_VA, NULL),
			 GNTST_okay);
	tm_check_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grant_pte_not_overwritten, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_l1_losing_type_revokes, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_unpin_revokes, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_checker_sees_both_sides, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_granter_death, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_mapper_death, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_policy_revalidation_keeps_allowed, gt_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_reserved_grants, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_reserved_grants_with_backend, gt_setup,
						tm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
