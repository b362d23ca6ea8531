/*
 * Unit tests of grant_table_op (hv/common/gnttab_*.c): every sub-op and its
 * error paths, on the memory-model fixture (A grants, B maps, unless said).
 * Every test ends with the invariant check for every domain and a teardown
 * that must give every frame back.
 */
#include "test_gnttab_env.h"

#define GF(t) tm_frame(t, 20)	/* the frame A grants */

static void expect_unmapped(uint16_t flags_before)
{
	assert_int_equal(gt_pte(&B, GT_SLOT), 0);
	assert_int_equal(tm_fi(GF(&A))->ref_count, 0);
	assert_int_equal(tm_fi(GF(&A))->type_count, 0);
	assert_int_equal(gt_entry(&A, 7)->flags, flags_before);
}

/* ---- map / unmap ------------------------------------------------------------------ */

static void test_map_readonly_and_unmap(void **state)
{
	uint32_t h = 99;
	uint64_t pte;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly, GT_VA, &h),
			 GNTST_okay);
	assert_int_equal(h, 0);
	pte = gt_pte(&B, GT_SLOT);
	assert_true(mfn_eq(pte_mfn(pte), GF(&A)));
	assert_int_equal(pte & ~PTE_ADDR_MASK,
			 _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX);
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(tm_fi(GF(&A))->ref_count, 1);
	assert_int_equal(tm_fi(GF(&A))->type_count, 0);
	/* dev_bus_addr: the machine address, as Xen reports it for PV. */
	assert_int_equal(((struct gnttab_map_grant_ref *)tm_gbuf)->dev_bus_addr,
			 mfn_x(GF(&A)) << PAGE_SHIFT);
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
	expect_unmapped(GTF_permit_access | GTF_readonly);
}

static void test_map_writable_holds_type(void **state)
{
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, GT_VA, &h), GNTST_okay);
	assert_true(gt_pte(&B, GT_SLOT) & _PAGE_RW);
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(tm_fi(GF(&A))->type, MM_TYPE_WRITABLE);
	/* The granter cannot make a writably granted frame a page table. */
	assert_int_not_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(GF(&A)), 0), 0);
	tm_check_all();
	/* A second, read-only map of the same ref: one more pin. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
				TM_VA + 6 * 4096ULL, NULL),
			 GNTST_okay);
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
	/* Still read by the other mapping: only GTF_writing goes. */
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(gt_unmap(&B, 1, TM_VA + 6 * 4096ULL), GNTST_okay);
	expect_unmapped(GTF_permit_access);
}

static void test_map_by_pte_address(void **state)
{
	uint64_t maddr = tm_maddr(tm_frame(&B, TM_L1), GT_SLOT);
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_contains_pte, maddr, &h),
			 GNTST_okay);
	assert_true(mfn_eq(pte_mfn(gt_pte(&B, GT_SLOT)), GF(&A)));
	tm_check_all();
	/* The unmap must name the same PTE the same way. */
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_general_error);
	assert_int_equal(gt_unmap(&B, h, maddr + 8), GNTST_general_error);
	assert_int_equal(gt_unmap(&B, h, maddr), GNTST_okay);
	expect_unmapped(GTF_permit_access);
	/* Not an L1 of the mapper's, or misaligned: refused. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_contains_pte,
				tm_maddr(tm_frame(&B, TM_L2), 5), NULL),
			 GNTST_general_error);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_contains_pte,
				tm_maddr(tm_frame(&A, TM_L1), 5), NULL),
			 GNTST_general_error);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_contains_pte, maddr + 3,
				NULL),
			 GNTST_general_error);
	expect_unmapped(GTF_permit_access);
}

static void test_map_refusals(void **state)
{
	mfn_t own = tm_frame(&B, 20);

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	/* Ref beyond the table (one frame: 512 refs). */
	assert_int_equal(gt_map(&B, A.d->id, 512, GNTMAP_host_map, GT_VA, NULL), GNTST_bad_gntref);
	assert_int_equal(gt_map(&B, A.d->id, ~0U, GNTMAP_host_map, GT_VA, NULL), GNTST_bad_gntref);
	/* No host_map nor device_map. */
	assert_int_equal(gt_map(&B, A.d->id, 7, 0, GT_VA, NULL), GNTST_bad_gntref);
	/* Devices: none here. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_device_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	/* Readonly entry mapped writable. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, GT_VA, NULL), GNTST_general_error);
	/* No such domain, DOMID_SELF, itself. */
	assert_int_equal(gt_map(&B, 9, 7, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_bad_domain);
	assert_int_equal(gt_map(&B, DOMID_SELF, 7, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_bad_domain);
	assert_int_equal(gt_map(&A, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_permission_denied);
	/* Entry for another domain. */
	gt_grant(&A, 8, 9, GF(&A), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 8, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	/* No GTF_permit_access (invalid, transfer, transitive, sub_page). */
	gt_grant(&A, 9, B.d->id, GF(&A), GTF_invalid);
	assert_int_equal(gt_map(&B, A.d->id, 9, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	gt_grant(&A, 9, B.d->id, GF(&A), GTF_accept_transfer);
	assert_int_equal(gt_map(&B, A.d->id, 9, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	gt_grant(&A, 9, B.d->id, GF(&A), GTF_transitive);
	assert_int_equal(gt_map(&B, A.d->id, 9, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	gt_grant(&A, 9, B.d->id, GF(&A), GTF_permit_access | GTF_sub_page);
	assert_int_equal(gt_map(&B, A.d->id, 9, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	/* A frame the granter does not own: the mapper's own, a hypervisor
	 * frame, beyond memory. */
	gt_grant(&A, 10, B.d->id, own, GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 10, GNTMAP_host_map, GT_VA, NULL), GNTST_bad_page);
	gt_grant(&A, 10, B.d->id, mfn(1), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 10, GNTMAP_host_map, GT_VA, NULL), GNTST_bad_page);
	gt_grant(&A, 10, B.d->id, mfn(0xfffffff), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 10, GNTMAP_host_map, GT_VA, NULL), GNTST_bad_page);
	/* The granter's page table, writable: refused (the type). */
	gt_grant(&A, 10, B.d->id, tm_frame(&A, TM_L1), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 10, GNTMAP_host_map, GT_VA, NULL),
			 GNTST_general_error);
	/* A failed map leaves no GTF bit behind. */
	assert_int_equal(gt_entry(&A, 10)->flags, GTF_permit_access);
	/* An address with no L1 in the mapper's tables. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
				0x7f0000000000ULL, NULL),
			 GNTST_general_error);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
				0xffff830000000000ULL, NULL),
			 GNTST_general_error);
	expect_unmapped(GTF_permit_access | GTF_readonly);
	assert_int_equal(B.d->mm.gnt.maptrack_used, 0);
}

static void test_map_over_own_entry_drops_it(void **state)
{
	mfn_t data = tm_frame(&B, TM_DATA);
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	assert_int_equal(tm_fi(data)->type, MM_TYPE_WRITABLE);
	/* Slot 0 maps B's data frame writable: the map replaces it. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, TM_VA, &h), GNTST_okay);
	assert_int_equal(tm_fi(data)->type_count, 0);
	assert_int_equal(tm_fi(data)->ref_count, 0);
	tm_check_all();
	/* A grant mapping is not replaced by another. */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, TM_VA, NULL), GNTST_general_error);
	assert_int_equal(gt_unmap(&B, h, TM_VA), GNTST_okay);
	assert_int_equal(gt_pte(&B, 0), 0);
	tm_check_all();
}

static void test_unmap_refusals(void **state)
{
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, GT_VA, &h), GNTST_okay);
	/* Someone else's handle: A has none. */
	assert_int_equal(gt_unmap(&A, h, GT_VA), GNTST_bad_handle);
	/* Forged handles: free, beyond the maptrack, huge. */
	assert_int_equal(gt_unmap(&B, h + 1, GT_VA), GNTST_bad_handle);
	assert_int_equal(gt_unmap(&B, 1000, GT_VA), GNTST_bad_handle);
	assert_int_equal(gt_unmap(&B, ~0U, GT_VA), GNTST_bad_handle);
	/* Another PTE than the mapping's. */
	assert_int_equal(gt_unmap(&B, h, TM_VA), GNTST_general_error);
	assert_int_equal(gt_unmap(&B, h, 0), GNTST_general_error);
	tm_check_all();
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
	/* Double unmap. */
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_bad_handle);
	expect_unmapped(GTF_permit_access);
}

static void test_maptrack_exhaustion(void **state)
{
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	for (unsigned int i = 0; i < GT_MAPTRACK; i++) {
		assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
					TM_VA + (20 + i) * 4096ULL, &h),
				 GNTST_okay);
		assert_int_equal(h, i);
	}
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
				TM_VA + 40 * 4096ULL, NULL),
			 GNTST_no_space);
	assert_int_equal(tm_fi(GF(&A))->ref_count, GT_MAPTRACK);
	tm_check_all();
	/* A freed handle is reused. */
	assert_int_equal(gt_unmap(&B, 3, TM_VA + 23 * 4096ULL), GNTST_okay);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
				TM_VA + 40 * 4096ULL, &h),
			 GNTST_okay);
	assert_int_equal(h, 3);
	tm_check_all();
}

static void test_withdrawn_grant_not_mapped_again(void **state)
{
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly, GT_VA, &h),
			 GNTST_okay);
	/* The granter withdraws the grant while it is mapped (a protocol
	 * violation): no new mapping, the old one stays until unmapped. */
	gt_entry(&A, 7)->flags = GTF_reading;
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly,
				TM_VA + 6 * 4096ULL, NULL),
			 GNTST_general_error);
	/* Revoked by the hypervisor: the handle stays until B unmaps it. */
	gnttab_revoke_mapping(B.d, h);
	assert_int_equal(gt_pte(&B, GT_SLOT), 0);
	assert_int_equal(tm_fi(GF(&A))->ref_count, 0);
	tm_check_all();
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map | GNTMAP_readonly, GT_VA, NULL),
			 GNTST_general_error);
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_bad_handle);
	assert_int_equal(B.d->mm.gnt.maptrack_used, 0);
}

/* ---- copy ------------------------------------------------------------------------- */

static struct gnttab_copy copy_to_gref(unsigned int ref, uint16_t soff, uint16_t doff,
				       uint16_t len)
{
	struct gnttab_copy c;

	memset(&c, 0, sizeof(c));
	c.source.u.gmfn = mfn_x(tm_frame(&B, 21));
	c.source.domid = DOMID_SELF;
	c.source.offset = soff;
	c.dest.u.ref = ref;
	c.dest.domid = A.d->id;
	c.dest.offset = doff;
	c.len = len;
	c.flags = GNTCOPY_dest_gref;
	return c;
}

static void test_copy_both_ways(void **state)
{
	uint8_t *src = arch_frame_map(tm_frame(&B, 21));
	uint8_t *dst = arch_frame_map(GF(&A));
	struct gnttab_copy c = copy_to_gref(7, 100, 200, 300);

	(void)state;
	for (unsigned int i = 0; i < PAGE_SIZE; i++) {
		src[i] = (uint8_t)i;
	}
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	assert_int_equal(gt_copy(&B, &c), GNTST_okay);
	assert_memory_equal(dst + 200, src + 100, 300);
	assert_int_equal(dst[199], 0);
	assert_int_equal(dst[500], 0);
	/* The bits and references are gone after the copy. */
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access);
	assert_int_equal(tm_fi(GF(&A))->ref_count, 0);
	/* Back again: grant to own frame, a whole page. */
	memset(src, 0, PAGE_SIZE);
	memset(&c, 0, sizeof(c));
	c.source.u.ref = 7;
	c.source.domid = A.d->id;
	c.dest.u.gmfn = mfn_x(tm_frame(&B, 21));
	c.dest.domid = DOMID_SELF;
	c.len = PAGE_SIZE;
	c.flags = GNTCOPY_source_gref;
	assert_int_equal(gt_copy(&B, &c), GNTST_okay);
	assert_memory_equal(src, dst, PAGE_SIZE);
	/* A read-only grant is a source only. */
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access | GTF_readonly);
	assert_int_equal(gt_copy(&B, &c), GNTST_okay);
	c = copy_to_gref(7, 0, 0, 8);
	assert_int_equal(gt_copy(&B, &c), GNTST_general_error);
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access | GTF_readonly);
	tm_check_all();
}

static void test_copy_refusals(void **state)
{
	struct gnttab_copy c;

	(void)state;
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	/* Offsets and lengths beyond the page, each side. */
	c = copy_to_gref(7, 4000, 0, 97);
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_copy_arg);
	c = copy_to_gref(7, 0, 4095, 2);
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_copy_arg);
	c = copy_to_gref(7, 0, 0, 4097);
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_copy_arg);
	c = copy_to_gref(7, 0xffff, 0, 0xffff);
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_copy_arg);
	c = copy_to_gref(7, 4096, 0, 0);
	assert_int_equal(gt_copy(&B, &c), GNTST_okay);	/* empty copy at the end: fine */
	/* Unknown flag bits. */
	c = copy_to_gref(7, 0, 0, 8);
	c.flags |= 0x8;
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_copy_arg);
	/* A frame of another domain without a gref. */
	c = copy_to_gref(7, 0, 0, 8);
	c.flags = 0;
	assert_int_equal(gt_copy(&B, &c), GNTST_permission_denied);
	c = copy_to_gref(7, 0, 0, 8);
	c.source.domid = A.d->id;
	assert_int_equal(gt_copy(&B, &c), GNTST_permission_denied);
	/* No such domain. */
	c = copy_to_gref(7, 0, 0, 8);
	c.dest.domid = 12;
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_domain);
	/* Ref beyond the table. */
	c = copy_to_gref(512, 0, 0, 8);
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_gntref);
	/* Entry for someone else, no permit_access. */
	gt_grant(&A, 8, A.d->id, GF(&A), GTF_permit_access);
	c = copy_to_gref(8, 0, 0, 8);
	assert_int_equal(gt_copy(&B, &c), GNTST_general_error);
	gt_grant(&A, 8, B.d->id, GF(&A), 0);
	assert_int_equal(gt_copy(&B, &c), GNTST_general_error);
	/* A local frame that is not the caller's. */
	c = copy_to_gref(7, 0, 0, 8);
	c.source.u.gmfn = mfn_x(tm_frame(&A, 21));
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_page);
	c.source.u.gmfn = ~0ULL;
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_page);
	/* The granted frame is not the granter's. */
	gt_grant(&A, 8, B.d->id, tm_frame(&B, 22), GTF_permit_access);
	c = copy_to_gref(8, 0, 0, 8);
	assert_int_equal(gt_copy(&B, &c), GNTST_bad_page);
	/* A destination that is a page table (own or granted). */
	memset(&c, 0, sizeof(c));
	c.source.u.gmfn = mfn_x(tm_frame(&B, 21));
	c.source.domid = DOMID_SELF;
	c.dest.u.gmfn = mfn_x(tm_frame(&B, TM_L1));
	c.dest.domid = DOMID_SELF;
	c.len = 8;
	assert_int_equal(gt_copy(&B, &c), GNTST_general_error);
	gt_grant(&A, 8, B.d->id, tm_frame(&A, TM_L1), GTF_permit_access);
	c = copy_to_gref(8, 0, 0, 8);
	assert_int_equal(gt_copy(&B, &c), GNTST_general_error);
	assert_int_equal(gt_entry(&A, 8)->flags, GTF_permit_access);
	tm_check_all();
}

/* ---- setup, query, versions, the hypercall itself ------------------------------------ */

static void test_setup_table_and_query(void **state)
{
	struct gnttab_setup_table st;
	struct gnttab_query_size q;
	uint64_t *list = (uint64_t *)(tm_gbuf + 1024);

	(void)state;
	memset(&st, 0, sizeof(st));
	st.dom = DOMID_SELF;
	st.nr_frames = 3;
	st.frame_list = TM_GBUF + 1024;
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	assert_int_equal(((struct gnttab_setup_table *)tm_gbuf)->status, GNTST_okay);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(list[i], mfn_x(gnttab_frame(B.d, i)));
		/* B's, held writable, not in any p2m. */
		assert_int_equal(tm_fi(mfn(list[i]))->owner, B.d->id);
		assert_int_equal(tm_fi(mfn(list[i]))->type, MM_TYPE_WRITABLE);
	}
	tm_check_all();
	/* The guest maps its own grant frame writable. */
	assert_int_equal(tm_mmu_one(&B, tm_maddr(tm_frame(&B, TM_L1), 30),
				    pte_make(mfn(list[2]), TM_RW)),
			 0);
	tm_check_all();
	/* More than the domain's maximum. */
	st.nr_frames = 5;
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	assert_int_equal(((struct gnttab_setup_table *)tm_gbuf)->status, GNTST_general_error);
	/* Another domain's table (not privileged), no such domain. */
	st.nr_frames = 1;
	st.dom = A.d->id;
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	assert_int_equal(((struct gnttab_setup_table *)tm_gbuf)->status, GNTST_permission_denied);
	st.dom = 11;
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	assert_int_equal(((struct gnttab_setup_table *)tm_gbuf)->status, GNTST_bad_domain);
	/* An unwritable frame list, count != 1. */
	st.dom = DOMID_SELF;
	st.frame_list = 0x1000;
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	assert_int_equal(((struct gnttab_setup_table *)tm_gbuf)->status, GNTST_bad_virt_addr);
	st.frame_list = 0xffff800000000000ULL;
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 1), -XEN_EFAULT);
	assert_int_equal(gt_op(&B, GNTTABOP_setup_table, &st, sizeof(st), 2), -XEN_EINVAL);

	memset(&q, 0, sizeof(q));
	q.dom = DOMID_SELF;
	assert_int_equal(gt_op(&B, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	memcpy(&q, tm_gbuf, sizeof(q));
	assert_int_equal(q.status, GNTST_okay);
	assert_int_equal(q.nr_frames, 3);
	assert_int_equal(q.max_nr_frames, 4);
	q.dom = A.d->id;
	assert_int_equal(gt_op(&B, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	assert_int_equal(((struct gnttab_query_size *)tm_gbuf)->status, GNTST_permission_denied);
	q.dom = 13;
	assert_int_equal(gt_op(&B, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	assert_int_equal(((struct gnttab_query_size *)tm_gbuf)->status, GNTST_bad_domain);
	assert_int_equal(gt_op(&B, GNTTABOP_query_size, &q, sizeof(q), 0), -XEN_EINVAL);
	/* Unmap the grant frame before teardown checks. */
	assert_int_equal(tm_mmu_one(&B, tm_maddr(tm_frame(&B, TM_L1), 30), 0), 0);
}

static void test_versions(void **state)
{
	struct gnttab_set_version sv = { 1 };
	struct gnttab_get_version gv = { DOMID_SELF, 0, 0 };
	struct gnttab_get_status_frames gs = { 1, DOMID_SELF, 99, TM_GBUF + 1024 };

	(void)state;
	assert_int_equal(gt_op(&B, GNTTABOP_set_version, &sv, sizeof(sv), 1), 0);
	assert_int_equal(((struct gnttab_set_version *)tm_gbuf)->version, 1);
	sv.version = 2;
	assert_int_equal(gt_op(&B, GNTTABOP_set_version, &sv, sizeof(sv), 1), -XEN_ENOSYS);
	sv.version = 3;
	assert_int_equal(gt_op(&B, GNTTABOP_set_version, &sv, sizeof(sv), 1), -XEN_EINVAL);
	assert_int_equal(gt_op(&B, GNTTABOP_get_version, &gv, sizeof(gv), 1), 0);
	assert_int_equal(((struct gnttab_get_version *)tm_gbuf)->version, 1);
	gv.dom = 14;
	assert_int_equal(gt_op(&B, GNTTABOP_get_version, &gv, sizeof(gv), 1), -XEN_ESRCH);
	assert_int_equal(gt_op(&B, GNTTABOP_get_status_frames, &gs, sizeof(gs), 1), 0);
	assert_int_equal(((struct gnttab_get_status_frames *)tm_gbuf)->status,
			 GNTST_general_error);
	gs.nr_frames = 0;
	assert_int_equal(gt_op(&B, GNTTABOP_get_status_frames, &gs, sizeof(gs), 1), 0);
	assert_int_equal(((struct gnttab_get_status_frames *)tm_gbuf)->status, GNTST_okay);
	gs.dom = 14;
	assert_int_equal(gt_op(&B, GNTTABOP_get_status_frames, &gs, sizeof(gs), 1), 0);
	assert_int_equal(((struct gnttab_get_status_frames *)tm_gbuf)->status, GNTST_bad_domain);
	assert_int_equal(gt_op(&B, GNTTABOP_get_status_frames, &gs, sizeof(gs), 3), -XEN_EINVAL);
}

static void test_hypercall_level(void **state)
{
	struct gnttab_map_grant_ref ops[3];

	(void)state;
	/* Not implemented, unknown, opaque bits, negative count. */
	for (unsigned int cmd = GNTTABOP_dump_table; cmd <= 20; cmd++) {
		if (cmd == GNTTABOP_dump_table || cmd == GNTTABOP_transfer ||
		    cmd == GNTTABOP_unmap_and_replace || cmd >= GNTTABOP_swap_grant_ref) {
			assert_int_equal(tm_call(&B, do_grant_table_op, cmd, TM_GBUF, 1, 0),
					 -XEN_ENOSYS);
		}
	}
	assert_int_equal(tm_call(&B, do_grant_table_op, GNTTABOP_copy | 0x1000, TM_GBUF, 1, 0),
			 -XEN_EINVAL);
	assert_int_equal(tm_call(&B, do_grant_table_op, GNTTABOP_copy, TM_GBUF, 0x80000000U, 0),
			 -XEN_EINVAL);
	/* No batch cap (continuations bound a call's stretch): the largest
	 * count runs until the array leaves the guest's memory, unreadable
	 * array, empty batch. */
	memset(tm_gbuf, 0, 64);
	assert_int_equal(tm_call(&B, do_grant_table_op, GNTTABOP_map_grant_ref, TM_GBUF,
				 0x7fffffffU, 0),
			 -XEN_EFAULT);
	assert_int_not_equal(((struct gnttab_map_grant_ref *)tm_gbuf)->status, GNTST_okay);
	assert_int_equal(tm_call(&B, do_grant_table_op, GNTTABOP_map_grant_ref, 0x1000, 1, 0),
			 -XEN_EFAULT);
	assert_int_equal(tm_call(&B, do_grant_table_op, GNTTABOP_unmap_grant_ref, TM_GBUF, 0, 0), 0);
	/* A batch: each op has its own status. */
	gt_grant(&A, 7, B.d->id, GF(&A), GTF_permit_access);
	memset(ops, 0, sizeof(ops));
	ops[0] = (struct gnttab_map_grant_ref){ .host_addr = GT_VA, .flags = GNTMAP_host_map,
						.ref = 7, .dom = A.d->id };
	ops[1] = (struct gnttab_map_grant_ref){ .host_addr = GT_VA + 4096, .flags = GNTMAP_host_map,
						.ref = 600, .dom = A.d->id };
	ops[2] = (struct gnttab_map_grant_ref){ .host_addr = GT_VA + 8192,
						.flags = GNTMAP_host_map | GNTMAP_readonly,
						.ref = 7, .dom = A.d->id };
	assert_int_equal(gt_op(&B, GNTTABOP_map_grant_ref, ops, sizeof(ops), 3), 0);
	memcpy(ops, tm_gbuf, sizeof(ops));
	assert_int_equal(ops[0].status, GNTST_okay);
	assert_int_equal(ops[1].status, GNTST_bad_gntref);
	assert_int_equal(ops[2].status, GNTST_okay);
	assert_int_equal(ops[2].handle, 1);
	tm_check_all();
	/* A batch running off the guest buffer: the ops before it stay done. */
	assert_int_equal(gt_unmap(&B, 0, GT_VA), GNTST_okay);
	{
		struct gnttab_unmap_grant_ref u = { .host_addr = GT_VA + 8192, .handle = 1 };
		uint64_t at = TM_GBUF + TM_GBUF_SIZE - sizeof(u);

		memcpy(tm_gbuf + TM_GBUF_SIZE - sizeof(u), &u, sizeof(u));
		assert_int_equal(tm_call(&B, do_grant_table_op, GNTTABOP_unmap_grant_ref, at, 2, 0),
				 -XEN_EFAULT);
	}
	assert_int_equal(B.d->mm.gnt.maptrack_used, 0);
	expect_unmapped(GTF_permit_access);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_readonly_and_unmap, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_map_writable_holds_type, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_map_by_pte_address, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_map_refusals, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_map_over_own_entry_drops_it, gt_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_unmap_refusals, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_maptrack_exhaustion, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_grant_not_mapped_again, gt_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_copy_both_ways, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_copy_refusals, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_setup_table_and_query, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_versions, gt_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_level, gt_setup, tm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
