/*
 * The fake arch's TPM (tests/fake_arch/tpm.c): arch_tpm_open and
 * arch_tpm_transmit over a transport a test plugs in, such as the real
 * libtpms (tests/unit/tpm_libtpms.h) or a scripted hostile TPM. By default
 * there is none, as on a machine without a TPM: arch_tpm_open returns
 * -XEN_ENODEV.
 *
 * The fake keeps the real driver's (hv/arch/x86_64/tpm_tis.c) promises to
 * its callers, so code tested against it sees what it would see on the
 * machine: a locality above 4 is -XEN_EINVAL; transmit before a successful
 * open is -XEN_ENODEV; a command shorter than a TPM header is -XEN_EINVAL;
 * a response is handed on only when it is at least a header long and its
 * header's size is exactly its length (the TIS driver reads exactly that
 * many bytes), else -XEN_EIO; a failed transmit leaves *rsp_len 0.
 */
#ifndef FAKE_TPM_H
#define FAKE_TPM_H

#include <hv/types.h>

/*
 * One command in, one response out: write the response to rsp[0, cap) and
 * its length to *rsp_len, and return 0; or return a negative Xen errno as
 * the driver would (-XEN_ENOSPC for a response larger than cap,
 * -XEN_ETIMEDOUT, -XEN_EIO). Returning 0 with *rsp_len > cap is a bug in
 * the transport: the fake aborts.
 */
typedef int (*fake_tpm_fn)(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			   size_t *rsp_len);

/* Plug in a transport (NULL: no TPM) and forget the open locality and the
 * command count. */
void fake_tpm_attach(fake_tpm_fn fn);
/* The locality of the last successful arch_tpm_open (0 before any). */
unsigned int fake_tpm_locality(void);
/* Commands handed to arch_tpm_transmit since the last attach, whatever
 * became of them. */
unsigned int fake_tpm_command_count(void);

#endif
