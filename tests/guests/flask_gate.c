/*
 * flask_gate: the per-hypercall gate of XSM/FLASK seen from a guest.
 *
 * Keys: name, expect=denied|allowed (default denied), allow=<list>,
 * wait=N. Calls memory_op (XENMEM_maximum_ram_page), vcpu_op (VCPUOP_is_up
 * on vCPU 0) and event_channel_op (EVTCHNOP_bind_ipi): with expect=denied
 * each must return -EACCES, except those named in allow= (comma-separated
 * hypercall names), which must succeed; with expect=allowed each must
 * succeed. wait=N yields N times first (for a policy load by another
 * domain to happen before the checks). console_io write,
 * xen_version(XENVER_version), sched_op yield and (at the end, through the
 * runtime) sched_op shutdown must work either way.
 *
 * Run as untrusted_t this guest may only use console_io, xen_version and
 * sched_op, so it registers nothing: no trap table, no callbacks, no
 * shared_info mapping. The runtime issues no other hypercall unless asked
 * (rt_traps_init() & co.), so nothing here reaches a gate it may not pass
 * before the checks run. Pure Xen PV64 ABI; on real Xen (no FLASK) only
 * expect=allowed passes.
 */
#include "rt.h"
#include "hyp.h"

const char guest_image[] = "flask_gate";

static bool expect_denied;
static char allow_list[64];

/* Whether check (a hypercall name) is in the comma-separated allow= list. */
static bool allowed_anyway(const char *check)
{
	size_t n = strlen(check);

	for (const char *p = allow_list; *p;) {
		const char *end = p;

		while (*end && *end != ',') {
			end++;
		}
		if ((size_t)(end - p) == n && strncmp(p, check, n) == 0) {
			return true;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

/* One gated call: denied means exactly -EACCES, allowed means ok(rc). */
static void gated(const char *check, long rc, bool ok)
{
	if (expect_denied && !allowed_anyway(check)) {
		test_check(rc == -XEN_EACCES, check, "rc %ld (want -EACCES)", rc);
	} else {
		test_check(ok, check, "rc %ld (want success)", rc);
	}
}

static void check_always_allowed(void)
{
	static const char msg[] = "flask_gate: console_io write\n";
	long rc;

	rt_flush();
	rc = hyp_console_io(CONSOLEIO_write, sizeof(msg) - 1, (void *)msg);
	test_check(rc == 0, "console_io", "write rc %ld", rc);
	rc = hyp_xen_version(XENVER_version, NULL);
	test_check(rc > 0, "xen_version", "%ld.%ld", rc >> 16, rc & 0xffff);
	rc = hyp_sched_op(SCHEDOP_yield, NULL);
	test_check(rc == 0, "sched_op", "yield rc %ld", rc);
}

static void check_gated(void)
{
	struct evtchn_bind_ipi ipi = { .vcpu = 0, .port = 0 };
	long rc;

	rc = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	gated("memory_op", rc, rc > 0);

	rc = hyp_vcpu_op(VCPUOP_is_up, 0, NULL);
	gated("vcpu_op", rc, rc == 1);

	rc = hyp_event_channel_op(EVTCHNOP_bind_ipi, &ipi);
	gated("event_channel_op", rc, rc == 0 && ipi.port > 0);
	if (rc == 0) {
		struct evtchn_close c = { .port = ipi.port };

		/* Leave nothing bound; only meaningful when allowed. */
		rc = hyp_event_channel_op(EVTCHNOP_close, &c);
		if (!expect_denied || allowed_anyway("event_channel_op")) {
			test_check(rc == 0, "evtchn_close", "port %u: rc %ld", ipi.port, rc);
		}
	}
}

void guest_main(void)
{
	char mode[16] = "denied";

	uint64_t wait = cmdline_get_u64("wait", 0);

	cmdline_get("expect", mode, sizeof(mode));
	cmdline_get("allow", allow_list, sizeof(allow_list));
	if (strcmp(mode, "denied") == 0) {
		expect_denied = true;
	} else if (strcmp(mode, "allowed") != 0) {
		test_fail("args", "expect=%s: want denied or allowed", mode);
		return;
	}
	rt_printf("%s: expecting the gated hypercalls to be %s%s%s\n", rt_guest_name,
		  expect_denied ? "denied" : "allowed", allow_list[0] ? " except " : "",
		  allow_list);
	for (uint64_t i = 0; i < wait; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_always_allowed();
	check_gated();
	/* The gate must not have changed its mind about the basics. */
	test_check(hyp_xen_version(XENVER_version, NULL) > 0, "xen_version_after",
		   "still allowed after the gated calls");
}
