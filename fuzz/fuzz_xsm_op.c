/*
 * Fuzz harness for FLASK's xsm_op (xsm/flask_op.c and what it reaches:
 * the SID table, the class map, the AVC, policy loads and revocation) on
 * the fake arch. The default policy (FLASK_FUZZ_BLOB, made by the build) is
 * booted fresh for every input. Input: one byte choosing the caller (bit 0:
 * a domU_t domain, else dom0_t), then a struct xen_flask_op and trailing
 * bytes, all mapped as the guest's memory at ARG_VA, so guest pointers in
 * the op that point at ARG_VA + 40.. reach the trailing bytes.
 *
 * Invariants: nothing crashes; a policy stays loaded; a LOAD that failed
 * leaves the policy's hash unchanged; the domU_t caller can never load a
 * policy or change enforcement or booleans (it lacks those permissions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fake_arch.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/xsm_op.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>
#include <xsm/hooks.h>

#include "fuzz.h"

#ifndef FLASK_FUZZ_BLOB
#error "FLASK_FUZZ_BLOB: path of the default policy blob"
#endif

#define ARG_VA  0x10000000ULL
#define ARG_LEN (64U << 10)

static uint8_t policy_blob[FLASK_POLICY_MAX];
static size_t policy_len;
static uint8_t arg_buf[ARG_LEN] __attribute__((aligned(64)));
static struct domain *dom0, *domu;

static void init_once(void)
{
	static bool done;

	if (done) {
		return;
	}
	done = true;
	policy_len = fuzz_read_file(FLASK_FUZZ_BLOB, policy_blob, sizeof(policy_blob));
	fake_machine_boot(64, 16);
	fake_console_echo(false);
	dom0 = domain_alloc("zero");
	domu = domain_alloc("guest");
	check(dom0 != NULL && domu != NULL);
	dom0->vcpus[0].domain = dom0;
	domu->vcpus[0].domain = domu;
	dom0->vcpu_count = domu->vcpu_count = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hypercall_args args = { { ARG_VA, 0, 0, 0, 0, 0 } };
	struct xen_flask_op op;
	uint8_t sha_before[32];
	bool enforcing_before;
	struct domain *caller;
	int64_t rc;

	init_once();
	if (size < 1 || size - 1 > ARG_LEN) {
		return 0;
	}
	flask_reset();
	fake_console_reset();
	check(flask_boot_load(policy_blob, policy_len, true, FLASK_UNLABELED_REFUSE) == 0);
	check(xsm_init(XSM_MODULE_FLASK) == 0);
	check(flask_domain_label(dom0, "system_u:system_r:dom0_t") == 0);
	check(flask_domain_label(domu, "system_u:system_r:domU_t") == 0);
	caller = (data[0] & 1) ? domu : dom0;

	memset(arg_buf, 0, sizeof(arg_buf));
	memcpy(arg_buf, data + 1, size - 1);
	fake_guest_unmap_all();
	fake_guest_map(ARG_VA, arg_buf, sizeof(arg_buf));
	memcpy(&op, arg_buf, sizeof(op));
	memcpy(sha_before, flask_state.sha256, sizeof(sha_before));
	enforcing_before = flask_enforcing();

	rc = do_xsm_op(&caller->vcpus[0], &args);

	check(flask_policy_loaded());
	if (op.cmd == FLASK_LOAD && rc != 0) {
		check(memcmp(sha_before, flask_state.sha256, sizeof(sha_before)) == 0);
	}
	if (caller == domu && op.interface_version == XEN_FLASK_INTERFACE_VERSION) {
		if (op.cmd == FLASK_LOAD || op.cmd == FLASK_SETENFORCE || op.cmd == FLASK_SETBOOL ||
		    op.cmd == FLASK_COMMITBOOLS) {
			check(rc == -XEN_EACCES || rc == -XEN_EFAULT);
		}
		check(memcmp(sha_before, flask_state.sha256, sizeof(sha_before)) == 0);
		check(flask_enforcing() == enforcing_before);
	}
	check(rc <= 0x7fffffff);
	return 0;
}
