/*
 * Measured boot: the hypervisor's one measurement service. Every measurement
 * is hashed with each active PCR bank, appended to the TCG event log
 * (attest/eventlog.h) and extended into the platform TPM (through the arch
 * TPM transport, hv/arch.h) from locality 2, which no domain can reach.
 *
 * The PCR map (SECURITY.md has it with the exact records):
 *   MEASURE_PCR_CONFIG  20  the hypervisor command line, the boot manifest
 *                           as parsed, each domain's launch parameters
 *   MEASURE_PCR_POLICY  21  the security policy at boot and every runtime load
 *   MEASURE_PCR_MODULES 22  every boot module: image, then command line
 * Locality 2 may reset exactly these three (PC Client PTP), so the
 * hypervisor resets them when it starts: each chain begins at zero, the
 * value tools that replay a log assume.
 *
 * What the measured= option decides, in this file alone:
 *   required  any failure (no TPM, a TPM error, a full log) makes the call
 *             that measured return an error; callers fail closed (no domain
 *             starts; a runtime policy load is refused).
 *   optional  failures are reported loudly and the calls return 0; without
 *             a usable TPM the log is still kept, with SHA-256 only.
 * Portable: no libc beyond hv/lib.h. One log per hypervisor; callers are
 * serialised (one CPU, no preemption inside the hypervisor).
 */
#ifndef ATTEST_MEASURE_H
#define ATTEST_MEASURE_H

#include <hv/types.h>

#define MEASURE_PCR_CONFIG  20u
#define MEASURE_PCR_POLICY  21u
#define MEASURE_PCR_MODULES 22u
#define MEASURE_LOCALITY    2u

/* The event log's capacity: the boot takes a few KiB; the rest is for
 * runtime policy loads (about 300 bytes each with four banks). */
#define MEASURE_LOG_SIZE (64u << 10)
/* The longest event data kept in the log (the canonical manifest). */
#define MEASURE_EVENT_MAX 4608u

enum measure_mode { MEASURE_OPTIONAL = 0, MEASURE_REQUIRED = 1 };

/* The same values as ATTEST_STATE_* (public/attest_op.h). */
enum measure_state {
	MEASURE_STATE_OFF = 0,
	MEASURE_STATE_TPM = 1,
	MEASURE_STATE_LOG_ONLY = 2,
	MEASURE_STATE_FAILED = 3,
};

/*
 * Open the TPM (arch_tpm_open), read its active banks, reset PCRs 20-22 and
 * start the log. 0 when measurements may go on (into the TPM, or into the
 * log alone under optional); -XEN_ENODEV / -XEN_EIO / -XEN_ETIMEDOUT /
 * -XEN_EOPNOTSUPP under required when the TPM is missing or unusable. Says
 * on the console what it found. Called once.
 */
int measure_start(enum measure_mode mode);

/* Measure len bytes of data into pcr as one EV_IPL record whose event data
 * is "<what>: <text>" (text may be NULL: "<what>" alone, cut to
 * MEASURE_EVENT_MAX). 0, or an error under required (see above). */
int measure_data(uint32_t pcr, const void *data, size_t len, const char *what,
		 const char *text);

/* Measure a string: the digest covers its bytes (no NUL) and the event data
 * is "<what>: <s>", so a verifier can recompute the digest from the text. */
int measure_string(uint32_t pcr, const char *what, const char *s);

/* EV_SEPARATOR into PCRs 20-22: the boot's measurements end here. */
int measure_boot_done(void);

/* A runtime policy load by domain domid, before it takes effect. */
int measure_policy_load(const void *blob, size_t len, uint32_t domid);

enum measure_mode measure_mode(void);
enum measure_state measure_state(void);
/* The log so far: *len bytes at the returned address (never NULL). */
const uint8_t *measure_log(size_t *len);
uint32_t measure_event_count(void);
/* The log's banks (TPM2_ALG_*), at most 4; returns how many. */
uint32_t measure_banks(uint16_t *algs, uint32_t max);
/* Read a PCR from the TPM: -XEN_ENODEV without one, -XEN_EINVAL for a PCR
 * or bank it does not have, -XEN_EIO on a TPM error. *size = digest bytes. */
int measure_pcr_read(uint32_t pcr, uint16_t alg, uint8_t *digest, size_t cap, uint16_t *size);
/* Print every active bank's value of PCRs 20-22 as read from the TPM. */
void measure_print_pcrs(void);

/* Tests only: forget everything (hosted builds). */
void measure_reset(void);

#endif /* ATTEST_MEASURE_H */
