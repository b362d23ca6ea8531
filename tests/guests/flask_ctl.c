/*
 * flask_ctl: a control domain driving the FLASK security server through
 * xsm_op (hypercall 27, struct xen_flask_op of public/xsm_op.h).
 *
 * Keys: name; expect=allowed|denied (default allowed); load=none|initrd|
 * garbage (default none); yield=N (sched_op yields before the load,
 * default 100 when load= is given, else 0).
 *
 * expect=allowed (label dom0_t): GETENFORCE; CONTEXT_TO_SID of web_t and
 * the SID_TO_CONTEXT round trip; ACCESS web_t -> xen_t in class hypercall
 * (memory_op allowed, xsm_op not); GETBOOL/SETBOOL/GETBOOL of
 * allow_untrusted_console by name; AVC_CACHESTATS on CPU 0; an unknown
 * command gives -ENOSYS, a wrong interface_version an error.
 * load=initrd loads the domain's initrd (start_info mod_start/mod_len) with
 * FLASK_LOAD and must succeed; load=garbage loads 8 bytes of junk and must
 * get -EINVAL with the old policy still in force.
 * expect=denied (label domU_t, no security permissions): LOAD, SETENFORCE
 * and SETBOOL must each return -EACCES.
 *
 * Pure Xen PV64 ABI (Xen's flask_op, version 1); uses no runtime setup, so
 * only console_io, xen_version, sched_op and xsm_op are called.
 */
#include "rt.h"
#include "hyp.h"
#include <public/xsm_op.h>

const char guest_image[] = "flask_ctl";

#define CLASS_HYPERCALL 13U		/* policy/flask/security_classes order */
#define PERM_MEMORY_OP (1U << 12)	/* class hypercall, access_vectors order */
#define PERM_XSM_OP (1U << 24)
#define SID_XEN 1U
#define WEB_CONTEXT "system_u:system_r:web_t"
#define BOOL_NAME "allow_untrusted_console"

static const char garbage[8] = "garbage!";

static long flask_op(struct xen_flask_op *op, uint32_t cmd)
{
	op->cmd = cmd;
	op->interface_version = XEN_FLASK_INTERFACE_VERSION;
	return hyp_xsm_op(op);
}

static long getenforce(void)
{
	struct xen_flask_op op;

	memset(&op, 0, sizeof(op));
	return flask_op(&op, FLASK_GETENFORCE);
}

static long context_to_sid(const char *ctx, uint32_t *sid)
{
	struct xen_flask_op op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.u.sid_context.context = (uint64_t)(uintptr_t)ctx;
	op.u.sid_context.size = (uint32_t)strlen(ctx);
	rc = flask_op(&op, FLASK_CONTEXT_TO_SID);
	*sid = op.u.sid_context.sid;
	return rc;
}

static long get_bool(uint8_t *value)
{
	struct xen_flask_op op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.u.boolean.bool_id = ~0U;
	op.u.boolean.name = (uint64_t)(uintptr_t)BOOL_NAME;
	op.u.boolean.size = (uint32_t)strlen(BOOL_NAME);
	rc = flask_op(&op, FLASK_GETBOOL);
	*value = op.u.boolean.enforcing;
	return rc;
}

static long set_bool(uint8_t value)
{
	struct xen_flask_op op;

	memset(&op, 0, sizeof(op));
	op.u.boolean.bool_id = ~0U;
	op.u.boolean.name = (uint64_t)(uintptr_t)BOOL_NAME;
	op.u.boolean.size = (uint32_t)strlen(BOOL_NAME);
	op.u.boolean.new_value = value;
	op.u.boolean.commit = 1;
	return flask_op(&op, FLASK_SETBOOL);
}

static long load(const void *buf, uint32_t size)
{
	struct xen_flask_op op;

	memset(&op, 0, sizeof(op));
	op.u.load.buffer = (uint64_t)(uintptr_t)buf;
	op.u.load.size = size;
	return flask_op(&op, FLASK_LOAD);
}

static void check_contexts(void)
{
	struct xen_flask_op op;
	char buf[128];
	uint32_t sid = 0;
	long rc;

	rc = context_to_sid(WEB_CONTEXT, &sid);
	test_check(rc == 0 && sid != 0, "context_to_sid", "rc %ld sid %u", rc, sid);

	memset(&op, 0, sizeof(op));
	memset(buf, 0, sizeof(buf));
	op.u.sid_context.sid = sid;
	op.u.sid_context.size = sizeof(buf) - 1;
	op.u.sid_context.context = (uint64_t)(uintptr_t)buf;
	rc = flask_op(&op, FLASK_SID_TO_CONTEXT);
	test_check(rc == 0 && op.u.sid_context.size == strlen(WEB_CONTEXT) &&
		   memcmp(buf, WEB_CONTEXT, strlen(WEB_CONTEXT)) == 0, "sid_to_context",
		   "rc %ld size %u '%.100s'", rc, op.u.sid_context.size, buf);

	memset(&op, 0, sizeof(op));
	op.u.access.ssid = sid;
	op.u.access.tsid = SID_XEN;
	op.u.access.tclass = CLASS_HYPERCALL;
	op.u.access.req = PERM_MEMORY_OP | PERM_XSM_OP;
	rc = flask_op(&op, FLASK_ACCESS);
	test_check(rc == 0 && (op.u.access.allowed & PERM_MEMORY_OP) &&
		   !(op.u.access.allowed & PERM_XSM_OP), "access",
		   "rc %ld web_t->xen_t hypercall allowed 0x%x seqno %u", rc,
		   op.u.access.allowed, op.u.access.seqno);
}

static void check_bools(void)
{
	uint8_t v0 = 0xff, v1 = 0xff, v2 = 0xff;
	long rc, rc1, rc2;

	rc = get_bool(&v0);
	test_check(rc == 0 && v0 == 1, "getbool", "rc %ld %s=%u", rc, BOOL_NAME, v0);
	rc1 = set_bool(0);
	rc2 = get_bool(&v1);
	test_check(rc1 == 0 && rc2 == 0 && v1 == 0, "setbool_false",
		   "setbool rc %ld, getbool rc %ld value %u", rc1, rc2, v1);
	rc1 = set_bool(1);
	rc2 = get_bool(&v2);
	test_check(rc1 == 0 && rc2 == 0 && v2 == 1, "setbool_true",
		   "setbool rc %ld, getbool rc %ld value %u", rc1, rc2, v2);
}

static void check_misc(void)
{
	struct xen_flask_op op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.u.cache_stats.cpu = 0;
	rc = flask_op(&op, FLASK_AVC_CACHESTATS);
	test_check(rc == 0 && op.u.cache_stats.lookups > 0, "avc_cachestats",
		   "rc %ld lookups %u hits %u misses %u allocations %u", rc,
		   op.u.cache_stats.lookups, op.u.cache_stats.hits, op.u.cache_stats.misses,
		   op.u.cache_stats.allocations);

	memset(&op, 0, sizeof(op));
	rc = flask_op(&op, 99);
	test_check(rc == -XEN_ENOSYS, "unknown_cmd", "cmd 99: rc %ld", rc);

	memset(&op, 0, sizeof(op));
	op.cmd = FLASK_GETENFORCE;
	op.interface_version = XEN_FLASK_INTERFACE_VERSION + 1;
	rc = hyp_xsm_op(&op);
	test_check(rc < 0, "bad_interface_version", "version %u: rc %ld",
		   XEN_FLASK_INTERFACE_VERSION + 1, rc);
}

static void yield_times(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static void do_load(const char *what)
{
	const struct start_info *si = rt_start_info;
	uint32_t sid = 0;
	long rc;

	yield_times(cmdline_get_u64("yield", 100));
	if (strcmp(what, "initrd") == 0) {
		if (!test_check(si->mod_start != 0 && si->mod_len > 0, "initrd",
				"mod_start 0x%lx mod_len %lu", (unsigned long)si->mod_start,
				(unsigned long)si->mod_len)) {
			return;
		}
		rc = load((const void *)si->mod_start, (uint32_t)si->mod_len);
		test_check(rc == 0, "load_initrd", "%lu bytes: rc %ld",
			   (unsigned long)si->mod_len, rc);
	} else if (strcmp(what, "garbage") == 0) {
		rc = load(garbage, sizeof(garbage));
		test_check(rc == -XEN_EINVAL, "load_garbage", "%zu bytes: rc %ld (want -EINVAL)",
			   sizeof(garbage), rc);
	} else {
		test_fail("args", "load=%s: want initrd or garbage", what);
		return;
	}
	/* Whatever happened, a policy is in force and answers. */
	rc = getenforce();
	test_check(rc == 0 || rc == 1, "getenforce_after_load", "rc %ld", rc);
	rc = context_to_sid(WEB_CONTEXT, &sid);
	test_check(rc == 0 && sid != 0, "context_to_sid_after_load", "rc %ld sid %u", rc, sid);
}

static void check_denied(void)
{
	struct xen_flask_op op;
	long rc;

	rc = load(garbage, sizeof(garbage));
	test_check(rc == -XEN_EACCES, "load_denied", "rc %ld (want -EACCES)", rc);

	memset(&op, 0, sizeof(op));
	op.u.enforce.enforcing = 1;
	rc = flask_op(&op, FLASK_SETENFORCE);
	test_check(rc == -XEN_EACCES, "setenforce_denied", "rc %ld (want -EACCES)", rc);

	rc = set_bool(0);
	test_check(rc == -XEN_EACCES, "setbool_denied", "rc %ld (want -EACCES)", rc);
}

void guest_main(void)
{
	char expect[16] = "allowed";
	char what[16] = "none";
	long rc;

	cmdline_get("expect", expect, sizeof(expect));
	cmdline_get("load", what, sizeof(what));
	if (strcmp(expect, "denied") == 0) {
		check_denied();
		return;
	}
	if (strcmp(expect, "allowed") != 0) {
		test_fail("args", "expect=%s: want allowed or denied", expect);
		return;
	}
	rc = getenforce();
	test_check(rc == 0 || rc == 1, "getenforce", "rc %ld (%s)", rc,
		   rc == 1 ? "enforcing" : rc == 0 ? "permissive" : "error");
	if (strcmp(what, "none") != 0) {
		do_load(what);
		return;
	}
	check_contexts();
	check_bools();
	check_misc();
}
