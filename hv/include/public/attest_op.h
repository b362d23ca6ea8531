/*
 * attest_op (hypercall 50, Moat's own, in Xen's architecture-specific
 * range): what the hypervisor measured at boot and since. A privileged
 * domain reads the TCG event log and the platform TPM's PCRs through it;
 * a verifier replays the log against the PCRs. ABI alone: fixed-width
 * fields, explicit padding, a size assertion on every struct. Every guest
 * handle is a 64-bit guest virtual address.
 *
 * A guest passes a pointer to one struct attest_op with interface_version
 * ATTEST_INTERFACE_VERSION (anything else: -XEN_EINVAL). Commands, each
 * checked against attest:read_log on the hypervisor (xen_t) under FLASK,
 * and allowed to a priv=yes domain only under the dummy module:
 *   ATTESTOP_status   fills u.status.
 *   ATTESTOP_get_log  copies the whole log to u.log.buffer when u.log.size
 *                     holds it; u.log.size is set to the log's size either
 *                     way, and a buffer too small gives -XEN_ENOSPC with
 *                     nothing copied.
 *   ATTESTOP_pcr_read reads PCR u.pcr.pcr (0..23) of bank u.pcr.alg
 *                     (a TPM2_ALG_* value) from the TPM: -XEN_ENODEV when
 *                     measurements do not reach a TPM, -XEN_EINVAL for a
 *                     PCR or bank the TPM does not have, -XEN_EIO when the
 *                     TPM fails.
 * Any other command: -XEN_ENOSYS.
 */
#ifndef MOAT_PUBLIC_ATTEST_OP_H
#define MOAT_PUBLIC_ATTEST_OP_H

#include <public/xen.h>

#define __HYPERVISOR_attest_op 50

#define ATTEST_INTERFACE_VERSION 1

#define ATTESTOP_status   0
#define ATTESTOP_get_log  1
#define ATTESTOP_pcr_read 2

/* attest_status.mode: the hypervisor's measured= option. */
#define ATTEST_MODE_OPTIONAL 0
#define ATTEST_MODE_REQUIRED 1

/* attest_status.state. */
#define ATTEST_STATE_OFF      0	/* nothing measured yet */
#define ATTEST_STATE_TPM      1	/* every measurement is in the log and the TPM */
#define ATTEST_STATE_LOG_ONLY 2	/* no usable TPM: the log only (measured=optional) */
#define ATTEST_STATE_FAILED   3	/* the TPM failed after boot: log and PCRs may differ */

#define ATTEST_MAX_BANKS 4

struct attest_status {
	uint32_t mode;			/* ATTEST_MODE_* */
	uint32_t state;			/* ATTEST_STATE_* */
	uint32_t log_size;		/* bytes of the event log now */
	uint32_t event_count;		/* records, the Spec ID header included */
	uint32_t bank_count;		/* the log's banks (the TPM's active banks) */
	uint16_t bank_alg[ATTEST_MAX_BANKS];	/* TPM2_ALG_* */
	uint32_t locality;		/* the TPM locality the hypervisor extends from */
	uint32_t pcr_first;		/* the PCRs it extends: pcr_first..pcr_last */
	uint32_t pcr_last;
	uint32_t pad[2];
};
_Static_assert(sizeof(struct attest_status) == 48, "attest_status");

struct attest_get_log {
	uint64_t buffer;		/* IN: guest address */
	uint32_t size;			/* IN: buffer bytes; OUT: the log's size */
	uint32_t pad;
};
_Static_assert(sizeof(struct attest_get_log) == 16, "attest_get_log");

struct attest_pcr_read {
	uint32_t pcr;			/* IN */
	uint16_t alg;			/* IN: TPM2_ALG_* */
	uint16_t size;			/* OUT: digest bytes */
	uint8_t digest[64];		/* OUT */
};
_Static_assert(sizeof(struct attest_pcr_read) == 72, "attest_pcr_read");

struct attest_op {
	uint32_t cmd;
	uint32_t interface_version;
	union {
		struct attest_status status;
		struct attest_get_log log;
		struct attest_pcr_read pcr;
		uint8_t pad[120];
	} u;
};
_Static_assert(sizeof(struct attest_op) == 128, "attest_op");

#endif /* MOAT_PUBLIC_ATTEST_OP_H */
