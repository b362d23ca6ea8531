/*
 * attest_op (hypercall 50, public/attest_op.h): a privileged domain reads
 * what the hypervisor measured (the event log, its status) and the TPM's
 * PCRs. Decode and check first (version, command, the XSM hook), then act;
 * nothing here changes state, so a failed copy-out leaves nothing behind.
 * It must never let a guest extend, reset or otherwise command the TPM: the
 * only TPM command reachable from here is PCR_Read.
 */
#include <attest/measure.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/attest_op.h>
#include <public/errno.h>
#include <xsm/hooks.h>

static void op_status(struct attest_status *st)
{
	uint16_t algs[ATTEST_MAX_BANKS];
	size_t len;

	memset(st, 0, sizeof(*st));
	st->mode = measure_mode() == MEASURE_REQUIRED ? ATTEST_MODE_REQUIRED : ATTEST_MODE_OPTIONAL;
	st->state = (uint32_t)measure_state();
	(void)measure_log(&len);
	st->log_size = (uint32_t)len;
	st->event_count = measure_event_count();
	st->bank_count = measure_banks(algs, ATTEST_MAX_BANKS);
	for (uint32_t i = 0; i < st->bank_count; i++) {
		st->bank_alg[i] = algs[i];
	}
	st->locality = MEASURE_LOCALITY;
	st->pcr_first = MEASURE_PCR_CONFIG;
	st->pcr_last = MEASURE_PCR_MODULES;
}

/* The whole log or nothing: a verifier needs every record to replay. */
static int op_get_log(struct vcpu *curr, struct attest_get_log *gl)
{
	size_t len;
	const uint8_t *log = measure_log(&len);
	uint32_t room = gl->size;

	gl->size = (uint32_t)len;
	if (room < len) {
		return -XEN_ENOSPC;
	}
	if (copy_to_guest(curr, guest_ptr(gl->buffer), log, len) != 0) {
		return -XEN_EFAULT;
	}
	return 0;
}

static int op_pcr_read(struct attest_pcr_read *pr)
{
	uint32_t pcr = pr->pcr;
	uint16_t alg = pr->alg;

	memset(pr->digest, 0, sizeof(pr->digest));
	pr->size = 0;
	return measure_pcr_read(pcr, alg, pr->digest, sizeof(pr->digest), &pr->size);
}

int64_t do_attest_op(struct vcpu *curr, const struct hypercall_args *args)
{
	void __guest *uop = guest_ptr(args->a[0]);
	struct attest_op op;
	int rc;

	if (copy_from_guest(curr, &op, uop, sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	if (op.interface_version != ATTEST_INTERFACE_VERSION) {
		return -XEN_EINVAL;
	}
	if (op.cmd != ATTESTOP_status && op.cmd != ATTESTOP_get_log &&
	    op.cmd != ATTESTOP_pcr_read) {
		return -XEN_ENOSYS;
	}
	rc = xsm_attest_op(curr->domain, op.cmd);
	if (rc != 0) {
		return rc;
	}
	switch (op.cmd) {
	case ATTESTOP_status:
		op_status(&op.u.status);
		rc = 0;
		break;
	case ATTESTOP_get_log:
		rc = op_get_log(curr, &op.u.log);
		/* The size goes back even when the buffer was too small. */
		if (rc != 0 && rc != -XEN_ENOSPC) {
			return rc;
		}
		break;
	default:
		rc = op_pcr_read(&op.u.pcr);
		if (rc != 0) {
			return rc;
		}
		break;
	}
	if (copy_to_guest(curr, uop, &op, sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	return rc;
}
