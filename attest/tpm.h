/*
 * The platform TPM as measured boot uses it: one command at a time through
 * the arch transport (arch_tpm_transmit, hv/arch.h), built and checked with
 * attest/tpm2.h. Portable; the transport is the only thing that touches
 * hardware. Errors: 0 or a negative Xen errno; -XEN_EIO also stands for a
 * response that does not parse, and the TPM's own response code is printed.
 */
#ifndef ATTEST_TPM_H
#define ATTEST_TPM_H

#include <hv/types.h>

#include <attest/eventlog.h>
#include <attest/tpm2.h>

/* Open the TPM at locality, start it if firmware has not, and read its
 * active banks. -XEN_EOPNOTSUPP when a bank uses an algorithm we cannot
 * hash (extending "every active bank" would be impossible). */
int tpm_open(unsigned int locality, struct tpm2_banks *banks);
int tpm_pcr_reset(uint32_t pcr);
/* Extend pcr in every bank of banks with dig (in the same bank order). */
int tpm_pcr_extend(uint32_t pcr, const struct tpm2_banks *banks, const struct evlog_digests *dig);
/* Read pcr of bank alg into digest (cap bytes at least the digest size). */
int tpm_pcr_read(uint32_t pcr, uint16_t alg, uint8_t *digest, size_t cap);

#endif /* ATTEST_TPM_H */
