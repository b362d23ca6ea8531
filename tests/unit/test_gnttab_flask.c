/*
 * Grant tables under the FLASK module with the default policy the build
 * makes (FLASK_TEST_BLOB): web_t and db_t may grant to each other, domU_t
 * and web_t may not. A denial is GNTST_permission_denied before the ref is
 * looked at (a bad ref is not revealed); a relabel followed by
 * revoke_after_policy_change revokes the mapping the policy no longer
 * allows, with its console line, and the mapper's unmap then frees it.
 */
#include <stdio.h>
#include <string.h>

#include <hv/revoke.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>

#include "test_gnttab_env.h"
#include "test_flask_blob.h"

static int setup(void **state)
{
	flask_blob_read();
	gt_setup(state);
	flask_reset();
	fake_console_reset();
	flask_blob_boot(true);
	assert_int_equal(xsm_domain_label(A.d, "system_u:system_r:web_t"), 0);
	assert_int_equal(xsm_domain_label(B.d, "system_u:system_r:db_t"), 0);
	return 0;
}

static int teardown(void **state)
{
	tm_teardown(state);
	flask_reset();
	return 0;
}

static void test_relabel_revokes_mapping(void **state)
{
	uint32_t h;

	(void)state;
	gt_grant(&A, 7, B.d->id, tm_frame(&A, 20), GTF_permit_access);
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, GT_VA, &h), GNTST_okay);
	assert_int_equal(revoke_after_policy_change(), 0);
	tm_check_all();
	/* db becomes a domU_t: domU_t may not map web_t's grants. */
	assert_int_equal(xsm_domain_label(B.d, "system_u:system_r:domU_t"), 0);
	fake_console_reset();
	assert_int_equal(revoke_after_policy_change(), 1);
	assert_non_null(strstr(fake_console_output(),
			       "xsm: revoked d2 (b) grant mapping 0 of d1 ref 7: no longer allowed"));
	assert_int_equal(gt_pte(&B, GT_SLOT), 0);
	assert_int_equal(gnttab_maptrack_get(B.d, h)->state, GNTTAB_MT_REVOKED);
	assert_int_equal(tm_fi(tm_frame(&A, 20))->ref_count, 0);
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access);
	tm_check_all();
	/* Denied now, whether the ref exists or not; the revoked handle still
	 * goes with an unmap (no XSM question for a dead mapping). */
	assert_int_equal(gt_map(&B, A.d->id, 7, GNTMAP_host_map, GT_VA, NULL),
			 GNTST_permission_denied);
	assert_int_equal(gt_map(&B, A.d->id, 100000, GNTMAP_host_map, GT_VA, NULL),
			 GNTST_permission_denied);
	assert_int_equal(gt_unmap(&B, h, GT_VA), GNTST_okay);
}

static void test_copy_denied(void **state)
{
	struct gnttab_copy c;

	(void)state;
	assert_int_equal(xsm_domain_label(B.d, "system_u:system_r:domU_t"), 0);
	gt_grant(&A, 7, B.d->id, tm_frame(&A, 20), GTF_permit_access);
	memset(&c, 0, sizeof(c));
	c.source.u.gmfn = mfn_x(tm_frame(&B, 21));
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = 7;
	c.dest.domid = A.d->id;
	c.len = 8;
	c.flags = GNTCOPY_dest_gref;
	assert_int_equal(gt_copy(&B, &c), GNTST_permission_denied);
	c.dest.u.ref = 4000;
	assert_int_equal(gt_copy(&B, &c), GNTST_permission_denied);
	assert_int_equal(gt_entry(&A, 7)->flags, GTF_permit_access);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_relabel_revokes_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_denied, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
