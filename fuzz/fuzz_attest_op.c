/*
 * Fuzz harness for measured boot against a hostile TPM and for the
 * attest_op hypercall (attest/measure.c, attest/tpm.c, attest/tpm2_*.c,
 * hv/common/attest_op.c) on the fake arch. The input drives both sides:
 *
 *   byte 0   bit 0 measured=required, bit 1 a TPM is attached, bit 2 the
 *            caller is privileged (dummy module), bits 4-5 how many
 *            measurements to make before the boot's separators
 *   then     the TPM: each command it receives reads one byte, "how":
 *              0  a well-formed answer to that command (banks from the
 *                 next byte, a PCR value from the input)
 *              1  raw bytes: a length byte, then that many input bytes,
 *                 with the header's size patched to match
 *              2  a timeout, 3 a transport error
 *            and the measurements take their data from the input too;
 *   finally  a struct attest_op and its buffer, mapped as the guest's
 *            memory at ARG_VA.
 *
 * Invariants: nothing crashes; under required a measurement reported as
 * taken was extended (the state is still TPM); under optional every call
 * succeeds; the log always parses whole with the independent reader; an
 * unprivileged caller never gets past the hook.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <attest/measure.h>
#include <fake_arch.h>
#include <fake_tpm.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/attest_op.h>
#include <public/errno.h>
#include <xsm/hooks.h>

#include "fuzz.h"
#include "fuzz_input.h"
#include "fuzz_measure_log.h"

#define ARG_VA  0x10000000ULL
#define ARG_LEN (80U << 10)

static struct input in;
static uint8_t arg_buf[ARG_LEN] __attribute__((aligned(64)));
static struct domain *dom;

static void init_once(void)
{
	static bool done;

	if (done) {
		return;
	}
	done = true;
	fake_machine_boot(64, 16);
	fake_console_echo(false);
	check(xsm_init(XSM_MODULE_DUMMY) == 0);
	dom = domain_alloc("guest");
	check(dom != NULL);
	dom->vcpus[0].domain = dom;
	dom->vcpu_count = 1;
}

static size_t put_header(uint8_t *r, uint16_t tag, size_t len, uint32_t rc)
{
	r[0] = (uint8_t)(tag >> 8);
	r[1] = (uint8_t)tag;
	r[2] = (uint8_t)(len >> 24);
	r[3] = (uint8_t)(len >> 16);
	r[4] = (uint8_t)(len >> 8);
	r[5] = (uint8_t)len;
	r[6] = (uint8_t)(rc >> 24);
	r[7] = (uint8_t)(rc >> 16);
	r[8] = (uint8_t)(rc >> 8);
	r[9] = (uint8_t)rc;
	return len;
}

/* A well-formed answer to cmd, in the shapes attest/tpm2_rsp.c expects. */
static size_t good_answer(const uint8_t *cmd, size_t len, uint8_t *r)
{
	static const uint16_t algs[] = { 0x0004, 0x000B, 0x000C, 0x000D, 0x0012 };
	uint32_t cc = (uint32_t)cmd[6] << 24 | (uint32_t)cmd[7] << 16 | cmd[8] << 8 | cmd[9];
	size_t n = 10;

	switch (cc) {
	case 0x17A: {	/* GetCapability(PCRS): a bank per bit of the next byte */
		uint8_t mask = u8(&in);
		uint32_t count = 0;

		r[n++] = 0;	/* moreData */
		memcpy(r + n, "\0\0\0\x05\0\0\0\0", 8);
		n += 8;
		for (unsigned int i = 0; i < ARRAY_SIZE(algs); i++) {
			if (mask & (1u << i)) {
				r[n++] = (uint8_t)(algs[i] >> 8);
				r[n++] = (uint8_t)algs[i];
				r[n++] = 3;
				memset(r + n, 0xff, 3);
				n += 3;
				count++;
			}
		}
		r[18] = (uint8_t)count;
		return put_header(r, 0x8001, n, 0);
	}
	case 0x13D:	/* PCR_Reset */
	case 0x182:	/* PCR_Extend: parameterSize 0, an empty password ack */
		memcpy(r + n, "\0\0\0\0\0\0\x01\0\0", 9);
		return put_header(r, 0x8002, n + 9, 0);
	case 0x17E: {	/* PCR_Read: echo the selection, one digest from the input */
		uint16_t alg = len >= 16 ? (uint16_t)(cmd[14] << 8 | cmd[15]) : 0;
		size_t dsize = alg == 0x0004 ? 20 : alg == 0x000B ? 32 : alg == 0x000C ? 48 : 64;

		memcpy(r + n, "\0\0\0\x01", 4);	/* pcrUpdateCounter */
		n += 4;
		if (len >= 20) {
			memcpy(r + n, cmd + 10, 10);
			n += 10;
		}
		memcpy(r + n, "\0\0\0\x01", 4);
		n += 4;
		r[n++] = (uint8_t)(dsize >> 8);
		r[n++] = (uint8_t)dsize;
		for (size_t i = 0; i < dsize; i++) {
			r[n++] = u8(&in);
		}
		return put_header(r, 0x8001, n, 0);
	}
	default:	/* Startup and anything else: success */
		return put_header(r, 0x8001, n, 0);
	}
}

static int hostile_tpm(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
		       size_t *rsp_len)
{
	uint8_t r[512];
	size_t n;

	*rsp_len = 0;
	switch (u8(&in) & 3) {
	case 0:
		n = good_answer(cmd, len, r);
		break;
	case 1:
		n = u8(&in);
		for (size_t i = 0; i < n; i++) {
			r[i] = u8(&in);
		}
		if (n >= 10) {
			put_header(r, (uint16_t)(r[0] << 8 | r[1]), n,
				   (uint32_t)r[6] << 24 | (uint32_t)r[7] << 16 | r[8] << 8 | r[9]);
		}
		break;
	case 2:
		return -XEN_ETIMEDOUT;
	default:
		return -XEN_EIO;
	}
	if (n > cap) {
		return -XEN_ENOSPC;
	}
	memcpy(rsp, r, n);
	*rsp_len = n;
	return 0;
}

/* What measured= promises about one measurement's result. */
static harness_only void check_verdict(bool required, int rc)
{
	if (!required) {
		check(rc == 0);
	} else if (rc == 0) {
		check(measure_state() == MEASURE_STATE_TPM);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hypercall_args args = { { ARG_VA, 0, 0, 0, 0, 0 } };
	struct attest_op op;
	uint8_t flags, blob[64];
	bool required;
	int64_t rc;

	init_once();
	in.p = data;
	in.left = size;
	flags = u8(&in);
	required = flags & 1;
	measure_reset();
	fake_console_reset();
	fake_tpm_attach((flags & 2) ? hostile_tpm : NULL);

	rc = measure_start(required ? MEASURE_REQUIRED : MEASURE_OPTIONAL);
	check_verdict(required, (int)rc);
	for (unsigned int i = 0; i < ((flags >> 4) & 3u); i++) {
		size_t n = u8(&in) % sizeof(blob);

		for (size_t j = 0; j < n; j++) {
			blob[j] = u8(&in);
		}
		check_verdict(required, measure_data(20 + i % 3, blob, n, "fuzz", NULL));
	}
	check_verdict(required, measure_boot_done());
	check_verdict(required, measure_policy_load(blob, 7, 1));
	check_log_parses();

	/* The guest's call: the rest of the input is its memory. */
	dom->privileged = (flags & 4) != 0;
	memset(arg_buf, 0, sizeof(arg_buf));
	memcpy(arg_buf, in.p, MIN(in.left, sizeof(arg_buf)));
	fake_guest_unmap_all();
	fake_guest_map(ARG_VA, arg_buf, sizeof(arg_buf));
	memcpy(&op, arg_buf, sizeof(op));
	rc = do_attest_op(&dom->vcpus[0], &args);
	if (!dom->privileged && op.interface_version == ATTEST_INTERFACE_VERSION &&
	    op.cmd <= ATTESTOP_pcr_read) {
		check(rc == -XEN_EACCES);
	}
	check(rc <= 0);
	return 0;
}
