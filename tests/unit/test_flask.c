/*
 * The FLASK module (xsm/flask*.c) with the default policy the build makes
 * (FLASK_TEST_BLOB), on the fake arch: boot load, labels, the gate, audit
 * lines and their rate limit, object hooks, event channel labels and
 * xsm_op. Each test starts from flask_reset() and a fresh machine.
 */
#include "test_flask_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/revoke.h>
#include <public/version.h>
#include <public/xsm_op.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>

static bool console_has(const char *s)
{
	return strstr(fake_console_output(), s) != NULL;
}

static size_t console_count(const char *s)
{
	size_t n = 0;

	for (const char *p = fake_console_output(); (p = strstr(p, s)) != NULL; p++) {
		n++;
	}
	return n;
}

static int setup(void **state)
{
	(void)state;
	flask_env_boot();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	flask_env_shutdown();
	return 0;
}

/* ---- boot load ---------------------------------------------------------- */

static void test_boot_accepts_default(void **state)
{
	(void)state;
	flask_blob_boot(true);
	assert_true(flask_policy_loaded());
	assert_true(flask_enforcing());
	assert_true(console_has("flask: policy loaded: "));
	assert_true(console_has(" bytes, sha256 "));
	assert_true(console_has("types, "));
	assert_true(console_has("; enforcing"));
	/* Every permission the hooks use exists in the default policy. */
	assert_int_equal(flask_classmap_missing(), 0);
	assert_true(flask_sid_count() >= 6);
}

static void test_boot_refuses_bad_blobs(void **state)
{
	(void)state;
	/* Bad hash: flip a byte of the body. */
	blob[blob_len - 1] ^= 0x40;
	assert_int_equal(flask_boot_load(blob, blob_len, true, FLASK_UNLABELED_REFUSE), -XEN_EINVAL);
	assert_true(console_has("flask: policy refused: "));
	assert_false(flask_policy_loaded());
	blob[blob_len - 1] ^= 0x40;
	/* Truncated. */
	fake_console_reset();
	assert_int_equal(flask_boot_load(blob, blob_len - 7, true, FLASK_UNLABELED_REFUSE),
			 -XEN_EINVAL);
	assert_true(console_has("flask: policy refused: "));
	/* Too big and empty. */
	fake_console_reset();
	assert_int_equal(flask_boot_load(blob, FLASK_POLICY_MAX + 1, true, FLASK_UNLABELED_REFUSE),
			 -XEN_EINVAL);
	assert_true(console_has("flask: policy refused: size"));
	assert_int_equal(flask_boot_load(blob, 0, true, FLASK_UNLABELED_REFUSE), -XEN_EINVAL);
	assert_false(flask_policy_loaded());
	assert_int_equal(xsm_init(XSM_MODULE_FLASK), -XEN_EINVAL);
}

/* ---- labels ---------------------------------------------------------------- */

static void test_labels(void **state)
{
	struct domain *d;
	char buf[128];

	(void)state;
	flask_blob_boot(true);
	d = env_labelled("web", "web_t");
	assert_true(d->sid > FLASK_ISID_SLOTS);
	assert_true(flask_sid_format(d->sid, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "system_u:system_r:web_t");
	snprintf(buf, sizeof(buf), "flask: d%u (web) labelled system_u:system_r:web_t", d->id);
	assert_true(console_has(buf));

	d = env_domain("bad", 1);
	assert_int_equal(xsm_domain_label(d, "system_u:system_r:nosuch_t"), -XEN_EINVAL);
	assert_true(console_has("unknown type \"nosuch_t\""));
	assert_int_equal(xsm_domain_label(d, "system_u:system_r"), -XEN_EINVAL);
	assert_true(console_has("is not user:role:type"));
	fake_console_reset();
	assert_int_equal(xsm_domain_label(d, ""), -XEN_EINVAL);
	snprintf(buf, sizeof(buf), "flask: domain %u (bad) has no label= and flask_unlabeled=refuse",
		 d->id);
	assert_true(console_has(buf));
}

static void test_label_default_mode(void **state)
{
	struct domain *u, *p;

	(void)state;
	if (flask_boot_load(blob, blob_len, true, FLASK_UNLABELED_DEFAULT) != 0) {
		/* A policy without the domU initial SID cannot run in this mode. */
		assert_true(console_has("domU"));
		return;
	}
	assert_int_equal(xsm_init(XSM_MODULE_FLASK), 0);
	u = env_domain("u", 1);
	p = env_domain("p", 1);
	p->privileged = true;
	assert_int_equal(xsm_domain_label(u, ""), 0);
	assert_int_equal(xsm_domain_label(p, ""), 0);
	assert_int_equal(u->sid, FLASK_SID_DOMU);
	assert_int_equal(p->sid, FLASK_SID_DOM0);
}

/* ---- the gate and audit ------------------------------------------------------ */

static void test_gate(void **state)
{
	struct domain *u, *g;
	char line[256];

	(void)state;
	flask_blob_boot(true);
	u = env_labelled("bad", "untrusted_t");
	g = env_labelled("guest", "domU_t");
	fake_console_reset();
	assert_int_equal(xsm_hypercall(u, XSM_HC_MEMORY_OP), -XEN_EACCES);
	snprintf(line, sizeof(line),
		 "avc: denied { memory_op } for scontext=system_u:system_r:untrusted_t "
		 "tcontext=system_u:system_r:xen_t tclass=hypercall domid=%u\n",
		 u->id);
	assert_true(console_has(line));
	assert_int_equal(xsm_hypercall(u, XSM_HC_CONSOLE_IO), 0);
	assert_int_equal(xsm_hypercall(g, XSM_HC_MEMORY_OP), 0);
	/* domU_t's common hypercalls take the fast path. */
	assert_true(g->xsm_gate_fast & (1U << (XSM_HC_MEMORY_OP - 1)));
	assert_false(u->xsm_gate_fast & (1U << (XSM_HC_MEMORY_OP - 1)));
	/* Through the dispatcher too. */
	{
		struct hypercall_args a = { { 0 } };

		assert_int_equal(hypercall_dispatch(&u->vcpus[0], __HYPERVISOR_memory_op, &a),
				 -XEN_EACCES);
	}
}

static void test_permissive(void **state)
{
	struct domain *u;

	(void)state;
	flask_blob_boot(false);
	assert_true(console_has("; permissive"));
	u = env_labelled("bad", "untrusted_t");
	fake_console_reset();
	assert_int_equal(xsm_hypercall(u, XSM_HC_MEMORY_OP), 0);
	assert_true(console_has("avc: denied { memory_op }"));
	assert_true(console_has(" permissive=1\n"));
}

static void test_ratelimit(void **state)
{
	struct flask_audit_counters c;
	struct domain *u;

	(void)state;
	flask_blob_boot(true);
	u = env_labelled("bad", "untrusted_t");
	fake_console_reset();
	for (int i = 0; i < 20; i++) {
		assert_int_equal(xsm_hypercall(u, XSM_HC_MEMORY_OP), -XEN_EACCES);
	}
	assert_int_equal(console_count("avc: denied"), FLASK_AUDIT_BURST);
	flask_audit_counters(&c);
	assert_int_equal(c.suppressed, 20 - FLASK_AUDIT_BURST);
	assert_false(console_has("suppressed"));
	fake_time_advance(1000000000ULL);
	assert_int_equal(xsm_hypercall(u, XSM_HC_MEMORY_OP), -XEN_EACCES);
	assert_true(console_has("avc: 4 audit messages suppressed"));
	assert_int_equal(console_count("avc: denied"), FLASK_AUDIT_BURST + 1);
	/* A second's refill is FLASK_AUDIT_PER_SEC lines, the first already used. */
	for (unsigned int i = 0; i < FLASK_AUDIT_PER_SEC + 2; i++) {
		(void)xsm_hypercall(u, XSM_HC_MEMORY_OP);
	}
	assert_int_equal(console_count("avc: denied"), FLASK_AUDIT_BURST + FLASK_AUDIT_PER_SEC);
}

static void test_console_and_version(void **state)
{
	struct domain *g, *z;

	(void)state;
	flask_blob_boot(true);
	g = env_labelled("guest", "domU_t");
	z = env_labelled("zero", "dom0_t");
	assert_int_equal(xsm_console_io(g, CONSOLEIO_write), 0);
	assert_int_equal(xsm_console_io(g, CONSOLEIO_read), -XEN_EACCES);
	assert_int_equal(xsm_console_io(z, CONSOLEIO_read), 0);
	assert_int_equal(xsm_xen_version(g, XENVER_commandline), -XEN_EACCES);
	assert_true(console_has("avc: denied { xen_commandline }"));
	assert_int_equal(xsm_xen_version(g, XENVER_version), 0);
	assert_int_equal(xsm_xen_version(z, XENVER_commandline), 0);
	/* Shutting oneself down needs nothing; another domain needs domain:shutdown. */
	assert_int_equal(xsm_sched_shutdown(g, g), 0);
	assert_int_equal(xsm_sched_shutdown(g, z), -XEN_EACCES);
	assert_int_equal(xsm_sched_shutdown(z, g), 0);
}

/* ---- event channels -------------------------------------------------------------- */

static void test_evtchn_labels(void **state)
{
	struct domain *w, *u;
	evtchn_port_t port;
	struct evtchn *chn;
	char buf[128];

	(void)state;
	flask_blob_boot(true);
	w = env_labelled("web", "web_t");
	u = env_labelled("bad", "untrusted_t");
	port = env_bind_ipi(&w->vcpus[0], 0);
	chn = evtchn_get(w, port);
	assert_non_null(chn);
	assert_true(flask_sid_format(chn->ssid, buf, sizeof(buf)) > 0);
	/* type_transition web_t domain_type:event -> web_t's channel type. */
	assert_string_equal(buf, "system_u:object_r:web_evchn_t");
	assert_int_equal(env_port_op(&w->vcpus[0], EVTCHNOP_send, port), 0);
	/* Another domain's type may not send on a channel labelled for web_t. */
	assert_int_equal(xsm_evtchn_send(u, chn), -XEN_EACCES);
	/* Nothing changed: revalidation keeps it. */
	assert_int_equal(xsm_evtchn_revalidate(w, chn, w), 0);
	assert_int_equal(revoke_after_policy_change(), 0);
}

/* ---- xsm_op ------------------------------------------------------------------------ */

#define OP_VA   (GUEST_VA)
#define DATA_VA (GUEST_VA + 64)

static int64_t xsm_op(struct domain *d, struct xen_flask_op *op)
{
	int64_t rc;

	op->interface_version = XEN_FLASK_INTERFACE_VERSION;
	memcpy(guest_buf, op, sizeof(*op));
	rc = env_call(do_xsm_op, &d->vcpus[0], OP_VA, 0, 0);
	memcpy(op, guest_buf, sizeof(*op));
	return rc;
}

static void test_op_enforce(void **state)
{
	struct xen_flask_op op = { .cmd = FLASK_GETENFORCE };
	struct domain *z, *g;

	(void)state;
	flask_blob_boot(true);
	z = env_labelled("zero", "dom0_t");
	g = env_labelled("guest", "domU_t");
	assert_int_equal(xsm_op(z, &op), 1);
	op = (struct xen_flask_op){ .cmd = FLASK_SETENFORCE, .u.enforce.enforcing = 0 };
	assert_int_equal(xsm_op(g, &op), -XEN_EACCES);
	assert_true(flask_enforcing());
	assert_int_equal(xsm_op(z, &op), 0);
	assert_false(flask_enforcing());
	assert_true(console_has("flask: enforcing=0 set by d"));
	op.u.enforce.enforcing = 1;
	assert_int_equal(xsm_op(z, &op), 0);
	assert_true(flask_enforcing());
	/* A bad version is refused before anything else. */
	op = (struct xen_flask_op){ .cmd = FLASK_GETENFORCE };
	op.interface_version = 7;
	memcpy(guest_buf, &op, sizeof(op));
	assert_int_equal(env_call(do_xsm_op, &z->vcpus[0], OP_VA, 0, 0), -XEN_ENOSYS);
	/* A bad pointer. */
	assert_int_equal(env_call(do_xsm_op, &z->vcpus[0], 0x1000, 0, 0), -XEN_EFAULT);
	/* Unimplemented. */
	op = (struct xen_flask_op){ .cmd = FLASK_DISABLE };
	assert_int_equal(xsm_op(z, &op), -XEN_ENOSYS);
}

static void test_op_sid_context(void **state)
{
	static const char ctx[] = "system_u:system_r:web_t";
	struct xen_flask_op op = { .cmd = FLASK_CONTEXT_TO_SID };
	struct domain *z, *w;
	uint32_t sid;

	(void)state;
	flask_blob_boot(true);
	z = env_labelled("zero", "dom0_t");
	w = env_labelled("web", "web_t");
	memcpy(guest_buf + 64, ctx, strlen(ctx));
	op.u.sid_context.size = (uint32_t)strlen(ctx);
	op.u.sid_context.context = DATA_VA;
	assert_int_equal(xsm_op(z, &op), 0);
	sid = op.u.sid_context.sid;
	assert_int_equal(sid, w->sid);
	/* Back: too small a buffer gives the full size and -ERANGE. */
	memset(guest_buf + 64, 0, 128);
	op = (struct xen_flask_op){ .cmd = FLASK_SID_TO_CONTEXT };
	op.u.sid_context.sid = sid;
	op.u.sid_context.size = 4;
	op.u.sid_context.context = DATA_VA;
	assert_int_equal(xsm_op(z, &op), -XEN_ERANGE);
	assert_int_equal(op.u.sid_context.size, strlen(ctx));
	op.u.sid_context.size = 128;
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(op.u.sid_context.size, strlen(ctx));
	assert_memory_equal(guest_buf + 64, ctx, strlen(ctx));
	/* Unknown context. */
	op = (struct xen_flask_op){ .cmd = FLASK_CONTEXT_TO_SID };
	memcpy(guest_buf + 64, "a:b:c", 5);
	op.u.sid_context.size = 5;
	op.u.sid_context.context = DATA_VA;
	assert_int_equal(xsm_op(z, &op), -XEN_EINVAL);
	/* domU_t has no check_context. */
	op.u.sid_context.size = (uint32_t)strlen(ctx);
	assert_int_equal(xsm_op(w, &op), -XEN_EACCES);
}

static void test_op_access(void **state)
{
	struct xen_flask_op op = { .cmd = FLASK_ACCESS };
	struct domain *z, *g;
	int cls;

	(void)state;
	flask_blob_boot(true);
	z = env_labelled("zero", "dom0_t");
	g = env_labelled("guest", "domU_t");
	cls = policy_class_value(&flask_state.pol, "hypercall", 9);
	assert_true(cls > 0);
	op.u.access.ssid = g->sid;
	op.u.access.tsid = FLASK_SID_XEN;
	op.u.access.tclass = (uint32_t)cls;
	assert_int_equal(xsm_op(z, &op), 0);
	assert_true(op.u.access.allowed & (1U << (XSM_HC_MEMORY_OP - 1)));
	assert_int_equal(op.u.access.seqno, flask_state.pol.load_gen);
	op.u.access.ssid = 9999;
	assert_int_equal(xsm_op(z, &op), -XEN_EINVAL);
}

static void test_op_load(void **state)
{
	struct xen_flask_op op = { .cmd = FLASK_LOAD };
	struct domain *z, *g;
	uint8_t before[32];
	static uint8_t gblob[FLASK_POLICY_MAX];

	(void)state;
	flask_blob_boot(true);
	z = env_labelled("zero", "dom0_t");
	g = env_labelled("guest", "domU_t");
	memcpy(gblob, blob, blob_len);
	fake_guest_map(0x20000000ULL, gblob, sizeof(gblob));
	op.u.load.buffer = 0x20000000ULL;
	op.u.load.size = (uint32_t)blob_len;
	memcpy(before, flask_state.sha256, 32);
	/* domU_t may not load. */
	assert_int_equal(xsm_op(g, &op), -XEN_EACCES);
	fake_console_reset();
	assert_int_equal(xsm_op(z, &op), 0);
	assert_true(console_has("flask: policy loaded by d"));
	assert_memory_equal(before, flask_state.sha256, 32);
	/* Labels survive a reload. */
	assert_int_equal(xsm_hypercall(g, XSM_HC_MEMORY_OP), 0);
	assert_false(console_has("revoked"));
	/* A corrupt blob is refused and the old policy stays. */
	gblob[blob_len - 3] ^= 1;
	fake_console_reset();
	assert_int_equal(xsm_op(z, &op), -XEN_EINVAL);
	assert_true(console_has("refused"));
	assert_true(flask_policy_loaded());
	assert_memory_equal(before, flask_state.sha256, 32);
	assert_int_equal(xsm_hypercall(g, XSM_HC_MEMORY_OP), 0);
	op.u.load.size = 0;
	assert_int_equal(xsm_op(z, &op), -XEN_EINVAL);
	op.u.load.size = FLASK_POLICY_MAX + 1;
	assert_int_equal(xsm_op(z, &op), -XEN_EINVAL);
}

static void test_op_bools(void **state)
{
	struct xen_flask_op op = { .cmd = FLASK_GETBOOL };
	struct domain *z, *u;
	static const char name[] = "allow_untrusted_console";

	(void)state;
	flask_blob_boot(true);
	z = env_labelled("zero", "dom0_t");
	u = env_labelled("bad", "untrusted_t");
	assert_int_equal(xsm_console_io(u, CONSOLEIO_write), 0);
	memcpy(guest_buf + 64, name, strlen(name));
	op.u.boolean.bool_id = ~0U;
	op.u.boolean.size = (uint32_t)strlen(name);
	op.u.boolean.name = DATA_VA;
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(op.u.boolean.enforcing, 1);
	/* By id, with the name copied out. */
	op = (struct xen_flask_op){ .cmd = FLASK_GETBOOL };
	op.u.boolean.bool_id = 0;
	op.u.boolean.size = 64;
	op.u.boolean.name = DATA_VA + 64;
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(op.u.boolean.size, strlen(name));
	assert_memory_equal(guest_buf + 128, name, strlen(name));
	/* Set without commit: pending only. */
	op = (struct xen_flask_op){ .cmd = FLASK_SETBOOL };
	op.u.boolean.bool_id = 0;
	op.u.boolean.new_value = 0;
	assert_int_equal(xsm_op(u, &op), -XEN_EACCES);
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(op.u.boolean.enforcing, 1);
	assert_int_equal(op.u.boolean.pending, 0);
	assert_int_equal(xsm_console_io(u, CONSOLEIO_write), 0);
	op = (struct xen_flask_op){ .cmd = FLASK_COMMITBOOLS };
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(xsm_console_io(u, CONSOLEIO_write), -XEN_EACCES);
	/* Set with commit. */
	op = (struct xen_flask_op){ .cmd = FLASK_SETBOOL };
	op.u.boolean.bool_id = 0;
	op.u.boolean.new_value = 1;
	op.u.boolean.commit = 1;
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(xsm_console_io(u, CONSOLEIO_write), 0);
}

static void test_avc_stats(void **state)
{
	struct xen_flask_op op = { .cmd = FLASK_AVC_CACHESTATS };
	struct avc_stats s0, s1;
	struct domain *z, *u;

	(void)state;
	flask_blob_boot(true);
	z = env_labelled("zero", "dom0_t");
	u = env_labelled("bad", "untrusted_t");
	flask_avc_stats(&s0);
	(void)xsm_hypercall(u, XSM_HC_MEMORY_OP);
	(void)xsm_hypercall(u, XSM_HC_MEMORY_OP);
	flask_avc_stats(&s1);
	assert_int_equal(s1.lookups - s0.lookups, 2);
	/* Labelling filled the cache (the gate vector): both are hits. */
	assert_int_equal(s1.hits - s0.hits, 2);
	assert_int_equal(s1.denials - s0.denials, 2);
	assert_int_equal(xsm_op(z, &op), 0);
	assert_true(op.u.cache_stats.lookups >= (uint32_t)s1.lookups);
	op.u.cache_stats.cpu = 1;
	assert_int_equal(xsm_op(z, &op), -XEN_ENOENT);
	op = (struct xen_flask_op){ .cmd = FLASK_AVC_HASHSTATS };
	assert_int_equal(xsm_op(z, &op), 0);
	assert_int_equal(op.u.hash_stats.buckets_total, AVC_BUCKETS);
	assert_true(op.u.hash_stats.entries > 0);
}

static void test_op_under_dummy(void **state)
{
	struct xen_flask_op op = { .cmd = FLASK_GETENFORCE };
	struct domain *d;

	(void)state;
	d = env_domain("d", 1);
	assert_int_equal(xsm_op(d, &op), -XEN_ENOSYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_op_under_dummy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_accepts_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_refuses_bad_blobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_default_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratelimit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_and_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evtchn_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_enforce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_sid_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_bools, setup, teardown),
		cmocka_unit_test_setup_teardown(test_avc_stats, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
