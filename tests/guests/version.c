/*
 * version: checks xen_version's sub-ops, unknown hypercall and sub-op
 * numbers (-ENOSYS), the bare-syscall hypercall path, sched_op yield and
 * console_io read. Pure Xen PV64 ABI: runs unchanged on real Xen and Moat.
 */
#include "rt.h"

const char guest_image[] = "version";

static void check_version(void)
{
	long rc, rc2;

	rc = hyp_xen_version(XENVER_version, NULL);
	test_check(rc > 0, "xenver_version", "%ld.%ld", rc >> 16, rc & 0xffff);

	/* The same call with a bare syscall must give the same answer. */
	rc2 = hypercall6_syscall(__HYPERVISOR_xen_version, XENVER_version,
				 0, 0, 0, 0, 0);
	test_check(rc2 == rc, "syscall_hypercall", "0x%lx via syscall, 0x%lx via page",
		   rc2, rc);
}

static void check_extraversion(void)
{
	/* Room past the 16-byte result to catch an overrun. */
	char buf[XEN_EXTRAVERSION_LEN + 16];
	bool intact = true;
	long rc;

	memset(buf, 0x5a, sizeof(buf));
	rc = hyp_xen_version(XENVER_extraversion, buf);
	for (size_t i = XEN_EXTRAVERSION_LEN; i < sizeof(buf); i++) {
		intact = intact && buf[i] == 0x5a;
	}
	test_check(rc == 0 && strnlen(buf, XEN_EXTRAVERSION_LEN) < XEN_EXTRAVERSION_LEN &&
		   intact, "xenver_extraversion", "rc %ld '%.16s'%s", rc,
		   rc == 0 ? buf : "", intact ? "" : " (wrote past 16 bytes)");
}

static void check_capabilities(void)
{
	static char caps[XEN_CAPABILITIES_INFO_LEN];
	size_t n;
	long rc;

	memset(caps, 0x5a, sizeof(caps));
	rc = hyp_xen_version(XENVER_capabilities, caps);
	n = strnlen(caps, sizeof(caps));
	test_check(rc == 0 && n < sizeof(caps) &&
		   strstr_n(caps, n, "xen-3.0-x86_64") != NULL,
		   "xenver_capabilities", "rc %ld '%.100s'", rc,
		   n < sizeof(caps) ? caps : "");
}

static void check_features(void)
{
	struct xen_feature_info fi = { .submap_idx = 0, .submap = 0 };
	long rc;

	rc = hyp_xen_version(XENVER_get_features, &fi);
	test_check(rc == 0, "xenver_get_features", "submap 0 = 0x%08x", fi.submap);

	fi.submap_idx = XENFEAT_NR_SUBMAPS;
	rc = hyp_xen_version(XENVER_get_features, &fi);
	test_check(rc == -XEN_EINVAL, "xenver_get_features_bad_submap",
		   "submap %u: rc %ld", XENFEAT_NR_SUBMAPS, rc);
}

static void check_platform(void)
{
	struct xen_platform_parameters pp = { .virt_start = 0 };
	long rc;

	rc = hyp_xen_version(XENVER_platform_parameters, &pp);
	test_check(rc == 0 && pp.virt_start == HYPERVISOR_VIRT_START,
		   "xenver_platform_parameters", "rc %ld virt_start 0x%lx", rc,
		   (unsigned long)pp.virt_start);

	rc = hyp_xen_version(XENVER_pagesize, NULL);
	test_check(rc == (long)RT_PAGE_SIZE, "xenver_pagesize", "%ld", rc);
}

static void check_unknown(void)
{
	static const unsigned int bad_nrs[] = { 47, 63 };
	long rc;

	rc = hyp_xen_version(999, NULL);
	test_check(rc == -XEN_ENOSYS, "xenver_unknown_subop", "sub-op 999: rc %ld", rc);

	for (size_t i = 0; i < ARRAY_SIZE(bad_nrs); i++) {
		char check[32];

		rt_snprintf(check, sizeof(check), "hypercall_%u_enosys", bad_nrs[i]);
		rc = hypercall6(bad_nrs[i], 0, 0, 0, 0, 0, 0);
		test_check(rc == -XEN_ENOSYS, check, "rc %ld", rc);
	}
	rc = hyp_sched_op(99, NULL);
	test_check(rc == -XEN_ENOSYS, "sched_op_unknown_subop", "sub-op 99: rc %ld", rc);
}

static void check_sched_and_console(void)
{
	char buf[16];
	long rc = 0;
	int i;

	for (i = 0; i < 5 && rc == 0; i++) {
		rc = hyp_sched_op(SCHEDOP_yield, NULL);
	}
	test_check(rc == 0, "sched_op_yield", "%d yields, last rc %ld", i, rc);

	/*
	 * Reading the console is a privileged operation: Xen lets its first
	 * (privileged) domain read and denies the others. Require a count when
	 * we are privileged; otherwise a denial is a correct answer too.
	 */
	rc = hyp_console_io(CONSOLEIO_read, sizeof(buf), buf);
	if (rt_start_info->flags & SIF_PRIVILEGED) {
		test_check(rc >= 0 && rc <= (long)sizeof(buf), "console_io_read",
			   "rc %ld (privileged)", rc);
	} else {
		test_check((rc >= 0 && rc <= (long)sizeof(buf)) || rc == -XEN_EPERM ||
			   rc == -XEN_EACCES, "console_io_read",
			   "rc %ld (unprivileged: a count, -EPERM or -EACCES)", rc);
	}
}

void guest_main(void)
{
	rt_printf("%s: xen_version and friends\n", rt_guest_name);
	check_version();
	check_extraversion();
	check_capabilities();
	check_features();
	check_platform();
	check_unknown();
	check_sched_and_console();
}
