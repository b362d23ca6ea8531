/*
 * Interdomain event channels under the FLASK module with the default
 * policy the build makes (FLASK_TEST_BLOB): web_t and db_t may share
 * channels, web_t and domU_t may not. The hooks label and refuse before
 * anything is committed; a relabel followed by revocation closes a channel
 * the policy no longer allows at both ends, never leaving one end naming a
 * closed port; EVTCHNOP_reset of another domain is refused.
 */
#include "test_flask_env.h"

#include <stdio.h>
#include <string.h>

#include <hv/revoke.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>

static struct domain *web, *db, *guest;

static int setup(void **state)
{
	(void)state;
	flask_env_boot();
	flask_blob_boot(true);
	web = env_labelled("web", "web_t");
	db = env_labelled("db", "db_t");
	guest = env_labelled("guest", "domU_t");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	flask_env_shutdown();
	return 0;
}

static void label_is(const struct domain *d, evtchn_port_t port, const char *want)
{
	char buf[128];

	assert_true(flask_sid_format(evtchn_get(d, port)->ssid, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, want);
}

static void test_allowed_pair_connects(void **state)
{
	evtchn_port_t pw, pd;

	(void)state;
	assert_int_equal(env_alloc_unbound(&web->vcpus[0], DOMID_SELF, db->id, &pw), 0);
	label_is(web, pw, "system_u:object_r:web_evchn_t");
	assert_int_equal(env_bind_interdomain(&db->vcpus[0], web->id, pw, &pd), 0);
	label_is(db, pd, "system_u:object_r:db_evchn_t");
	assert_int_equal(env_port_op(&web->vcpus[0], EVTCHNOP_send, pw), 0);
	assert_true(env_pending(db, pd));
	assert_int_equal(revoke_after_policy_change(), 0);
}

static void test_forbidden_pair_refused_before_commit(void **state)
{
	evtchn_port_t p = 0, q = 0;

	(void)state;
	/* web_t may not offer a channel to domU_t... */
	assert_int_equal(env_alloc_unbound(&web->vcpus[0], DOMID_SELF, guest->id, &p), -XEN_EACCES);
	assert_int_equal(web->event.ports_used, 1);
	/* ...nor take one domU_t offers it. */
	assert_int_equal(env_alloc_unbound(&guest->vcpus[0], DOMID_SELF, web->id, &p), -XEN_EACCES);
	/* The hypervisor's own call gets the same answer. */
	assert_int_equal(evtchn_alloc_unbound_port(web, guest, &p), -XEN_EACCES);
	/* An unbound port made for web under dummy rules cannot be bound by
	 * domU_t, whatever remote_dom says. */
	p = 5;
	evtchn_commit_unbound(web, p, guest->id);
	evtchn_get(web, p)->ssid = (uint16_t)web->sid;
	assert_int_equal(env_bind_interdomain(&guest->vcpus[0], web->id, p, &q), -XEN_EACCES);
	assert_int_equal(guest->event.ports_used, 1);
	assert_int_equal(evtchn_get(web, p)->state, ECS_UNBOUND);
}

static void test_relabel_revokes_both_ends(void **state)
{
	evtchn_port_t pw, pd, keep_w;

	(void)state;
	assert_int_equal(env_alloc_unbound(&web->vcpus[0], DOMID_SELF, db->id, &pw), 0);
	assert_int_equal(env_bind_interdomain(&db->vcpus[0], web->id, pw, &pd), 0);
	keep_w = env_bind_ipi(&web->vcpus[0], 0);
	/* db becomes a domU_t: web_t and domU_t may not share a channel. */
	assert_int_equal(xsm_domain_label(db, "system_u:system_r:domU_t"), 0);
	fake_console_reset();
	assert_int_equal(revoke_after_policy_change(), 2);
	/* web's end is refused and closed; db's end, unbound for web now, is
	 * not allowed either (domU_t may not offer web_t a channel): closed
	 * too. Neither end names the other; web's IPI stays. */
	assert_non_null(strstr(fake_console_output(),
			       "revoked d1 (web) event channel 1 (interdomain, peer d2)"));
	assert_non_null(strstr(fake_console_output(),
			       "revoked d2 (db) event channel 1 (unbound, peer d1)"));
	assert_int_equal(evtchn_get(web, pw)->state, ECS_FREE);
	assert_int_equal(evtchn_get(db, pd)->state, ECS_FREE);
	assert_int_equal(evtchn_get(web, keep_w)->state, ECS_IPI);
	assert_int_equal(web->event.ports_used, 2);
	assert_int_equal(db->event.ports_used, 1);
	assert_int_equal(env_port_op(&web->vcpus[0], EVTCHNOP_send, pw), -XEN_EINVAL);
}

static void test_reset_of_another_refused(void **state)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	evtchn_port_t pw, pd;

	(void)state;
	assert_int_equal(env_alloc_unbound(&web->vcpus[0], DOMID_SELF, db->id, &pw), 0);
	assert_int_equal(env_bind_interdomain(&db->vcpus[0], web->id, pw, &pd), 0);
	r.dom = db->id;
	assert_int_equal(env_evtchn(&web->vcpus[0], EVTCHNOP_reset, &r, sizeof(r)), -XEN_EACCES);
	assert_int_equal(evtchn_get(db, pd)->state, ECS_INTERDOMAIN);
	r.dom = DOMID_SELF;
	assert_int_equal(env_evtchn(&web->vcpus[0], EVTCHNOP_reset, &r, sizeof(r)), 0);
	assert_int_equal(evtchn_get(db, pd)->state, ECS_UNBOUND);
	assert_int_equal(evtchn_get(db, pd)->remote_dom, web->id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allowed_pair_connects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forbidden_pair_refused_before_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relabel_revokes_both_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_of_another_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
