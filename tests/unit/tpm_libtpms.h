/*
 * A real TPM 2.0 for hosted tests: libtpms, in this process, as a
 * fake_tpm_fn transport (tests/fake_arch/include/fake_tpm.h). libtpms keeps
 * one TPM per process in global state, so there is one of these at a time.
 *
 * The TPM sees the locality the fake arch last opened (fake_tpm_locality),
 * through libtpms' tpm_io_getlocality callback: libtpms 0.9 has no call to
 * set a locality, it asks for it before every command.
 */
#ifndef TESTS_UNIT_TPM_LIBTPMS_H
#define TESTS_UNIT_TPM_LIBTPMS_H

#include <stddef.h>
#include <stdint.h>

/* A freshly manufactured TPM (NV state kept in memory, empty at first;
 * a running one is stopped first), then TPM2_Startup(CLEAR) from locality
 * 0 as firmware would send it: the test sees a started TPM, and its own
 * Startup gets TPM_RC_INITIALIZE. 0, or -1 with a message on stderr. */
int tpm_libtpms_start(void);
/* Terminate the TPM and free its NV state. Harmless when not started. */
void tpm_libtpms_stop(void);
/* The transport: one command through TPMLIB_Process. -XEN_ENODEV when not
 * started, -XEN_ENOSPC when the response is larger than cap, -XEN_EIO when
 * libtpms fails. */
int tpm_libtpms_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			 size_t *rsp_len);

#endif
