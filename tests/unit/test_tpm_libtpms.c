/*
 * The TPM 2.0 commands of attest/tpm2_cmd.c and parsers of attest/tpm2_rsp.c
 * against a real TPM: libtpms (tpm_libtpms.h), reached through the fake
 * arch's arch_tpm_open/arch_tpm_transmit as the hypervisor reaches the TIS
 * driver. What the PC Client locality rules allow is checked on the TPM
 * itself: locality 2 may reset PCR 21, locality 0 may not (TPM_RC_LOCALITY),
 * and an extend from locality 2 moves every bank of PCR 21 to
 * H(old || digest), recomputed here with OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include <attest/tpm2.h>
#include <fake_tpm.h>
#include <hv/arch.h>
#include <public/errno.h>

#include <attest/eventlog.h>

#include "eventlog_replay.h"
#include "tpm_libtpms.h"

#define PCR_HV 21 /* resettable and extendable from locality 2 only */
#define RSP_MAX 4096

/* ---- helpers ---------------------------------------------------------------- */

/* Send a command through the arch interface; the response in rsp. */
static void transact(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t *rlen)
{
	assert_int_equal(arch_tpm_transmit(cmd, len, rsp, RSP_MAX, rlen), 0);
}

static void get_banks(struct tpm2_banks *banks)
{
	uint8_t cmd[TPM2_CMD_MAX], rsp[RSP_MAX];
	size_t len, rlen;
	uint32_t rc;

	assert_int_equal(tpm2_cmd_get_capability_pcrs(cmd, sizeof(cmd), &len), 0);
	transact(cmd, len, rsp, &rlen);
	assert_int_equal(tpm2_rsp_get_capability_pcrs(rsp, rlen, &rc, banks), 0);
	assert_int_equal(rc, TPM2_RC_SUCCESS);
	assert_true(banks->count >= 1);
	assert_int_equal(banks->unsupported, 0);
}

static void pcr_read(uint32_t pcr, uint16_t alg, uint8_t *digest)
{
	uint8_t cmd[TPM2_CMD_MAX], rsp[RSP_MAX];
	size_t len, rlen;
	uint32_t rc;

	assert_int_equal(tpm2_cmd_pcr_read(cmd, sizeof(cmd), pcr, alg, &len), 0);
	transact(cmd, len, rsp, &rlen);
	assert_int_equal(tpm2_rsp_pcr_read(rsp, rlen, pcr, alg, digest, TPM2_MAX_DIGEST_SIZE, &rc),
			 0);
}

/* PCR_Reset; the parser's verdict, the TPM's code in *rc. */
static int pcr_reset(uint32_t pcr, uint32_t *rc)
{
	uint8_t cmd[TPM2_CMD_MAX], rsp[RSP_MAX];
	size_t len, rlen;

	assert_int_equal(tpm2_cmd_pcr_reset(cmd, sizeof(cmd), pcr, &len), 0);
	transact(cmd, len, rsp, &rlen);
	return tpm2_rsp_pcr_reset(rsp, rlen, rc);
}

static int pcr_extend(uint32_t pcr, const struct tpm2_banks *banks,
		      const uint8_t d[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE], uint32_t *rc)
{
	const uint8_t *digest[TPM2_KNOWN_ALGS] = { d[0], d[1], d[2], d[3] };
	uint8_t cmd[TPM2_CMD_MAX], rsp[RSP_MAX];
	size_t len, rlen;

	assert_int_equal(tpm2_cmd_pcr_extend(cmd, sizeof(cmd), pcr, banks, digest, &len), 0);
	transact(cmd, len, rsp, &rlen);
	return tpm2_rsp_pcr_extend(rsp, rlen, rc);
}

/* out = H(old || digest), the PCR extend rule, by OpenSSL. */
static void extend_expected(uint16_t alg, const uint8_t *old, const uint8_t *digest, uint8_t *out)
{
	size_t n = tpm2_alg_digest_size(alg);

	ossl(alg, old, n, digest, n, out);
}

static int setup(void **state)
{
	if (tpm_libtpms_start() != 0) {
		return -1;
	}
	fake_tpm_attach(tpm_libtpms_transmit);
	return 0;
}

static int teardown(void **state)
{
	fake_tpm_attach(NULL);
	tpm_libtpms_stop();
	return 0;
}

/* ---- tests -------------------------------------------------------------------- */

/* The fake's default is a machine without a TPM. */
static void test_no_tpm(void **state)
{
	uint8_t cmd[TPM2_CMD_MAX], rsp[RSP_MAX];
	size_t len, rlen = 99;

	fake_tpm_attach(NULL);
	assert_int_equal(arch_tpm_open(2), -XEN_ENODEV);
	assert_int_equal(tpm2_cmd_startup_clear(cmd, sizeof(cmd), &len), 0);
	assert_int_equal(arch_tpm_transmit(cmd, len, rsp, sizeof(rsp), &rlen), -XEN_ENODEV);
	assert_int_equal(rlen, 0);
	assert_int_equal(fake_tpm_command_count(), 0);
	/* Attached but not opened: still nothing to talk to. */
	fake_tpm_attach(tpm_libtpms_transmit);
	assert_int_equal(arch_tpm_transmit(cmd, len, rsp, sizeof(rsp), &rlen), -XEN_ENODEV);
	assert_int_equal(arch_tpm_open(5), -XEN_EINVAL);
	assert_int_equal(arch_tpm_open(4), 0);
	assert_int_equal(fake_tpm_locality(), 4);
}

/* What firmware leaves: a started TPM, whose banks we can read. */
static void test_started_banks(void **state)
{
	uint8_t cmd[TPM2_CMD_MAX], rsp[RSP_MAX];
	struct tpm2_banks banks;
	bool sha256 = false;
	size_t len, rlen;
	uint32_t rc;

	assert_int_equal(arch_tpm_open(2), 0);
	assert_int_equal(fake_tpm_locality(), 2);
	assert_int_equal(tpm2_cmd_startup_clear(cmd, sizeof(cmd), &len), 0);
	transact(cmd, len, rsp, &rlen);
	assert_int_equal(tpm2_rsp_startup(rsp, rlen, &rc), 0);
	assert_int_equal(rc, TPM2_RC_INITIALIZE);
	get_banks(&banks);
	assert_int_equal(fake_tpm_command_count(), 2);
	for (unsigned int i = 0; i < banks.count; i++) {
		print_message("bank %u: alg 0x%04x, %u bytes\n", i, banks.bank[i].alg,
			      banks.bank[i].digest_size);
	}
	/* A fresh libtpms allocates SHA-256 (and SHA-1, -384, -512). */
	for (unsigned int i = 0; i < banks.count; i++) {
		sha256 |= banks.bank[i].alg == TPM2_ALG_SHA256;
	}
	assert_true(sha256);
	/* A response bigger than the caller's buffer is refused whole. */
	assert_int_equal(tpm2_cmd_get_capability_pcrs(cmd, sizeof(cmd), &len), 0);
	assert_int_equal(arch_tpm_transmit(cmd, len, rsp, 20, &rlen), -XEN_ENOSPC);
	assert_int_equal(rlen, 0);
}

/* PCR 21: locality 2 may reset it (to zeros, every bank), locality 0 may
 * not, and the refused reset leaves the PCR as it was. */
static void test_reset_locality(void **state)
{
	uint8_t d[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE], v[TPM2_MAX_DIGEST_SIZE],
		before[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE];
	static const uint8_t zeros[TPM2_MAX_DIGEST_SIZE];
	struct tpm2_banks banks;
	uint32_t rc;
	unsigned int i;

	assert_int_equal(arch_tpm_open(2), 0);
	get_banks(&banks);
	for (i = 0; i < banks.count; i++) {
		pcr_read(PCR_HV, banks.bank[i].alg, v);
		print_message("PCR %u alg 0x%04x after Startup: %02x%02x...\n", PCR_HV,
			      banks.bank[i].alg, v[0], v[1]);
	}
	assert_int_equal(pcr_reset(PCR_HV, &rc), 0);
	assert_int_equal(rc, TPM2_RC_SUCCESS);
	for (i = 0; i < banks.count; i++) {
		pcr_read(PCR_HV, banks.bank[i].alg, v);
		assert_memory_equal(v, zeros, banks.bank[i].digest_size);
	}
	/* Give it a value locality 0 could destroy. */
	memset(d, 0x5c, sizeof(d));
	assert_int_equal(pcr_extend(PCR_HV, &banks, d, &rc), 0);
	for (i = 0; i < banks.count; i++) {
		pcr_read(PCR_HV, banks.bank[i].alg, before[i]);
		assert_memory_not_equal(before[i], zeros, banks.bank[i].digest_size);
	}

	assert_int_equal(arch_tpm_open(0), 0);
	assert_int_equal(fake_tpm_locality(), 0);
	assert_int_equal(pcr_reset(PCR_HV, &rc), -XEN_EIO);
	assert_int_equal(rc, TPM2_RC_LOCALITY);
	/* Nor may it extend it. */
	assert_int_equal(pcr_extend(PCR_HV, &banks, d, &rc), -XEN_EIO);
	assert_int_equal(rc, TPM2_RC_LOCALITY);
	for (i = 0; i < banks.count; i++) {
		pcr_read(PCR_HV, banks.bank[i].alg, v);
		assert_memory_equal(v, before[i], banks.bank[i].digest_size);
	}
	/* Back at locality 2 the reset works again. */
	assert_int_equal(arch_tpm_open(2), 0);
	assert_int_equal(pcr_reset(PCR_HV, &rc), 0);
}

/* An extend from locality 2 moves every bank of PCR 21 to H(old || digest). */
static void test_extend_hash(void **state)
{
	uint8_t d[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE], old[TPM2_MAX_DIGEST_SIZE],
		now[TPM2_MAX_DIGEST_SIZE], want[TPM2_MAX_DIGEST_SIZE];
	uint8_t olds[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE];
	struct tpm2_banks banks;
	bool sha256_checked = false;
	uint32_t rc;
	unsigned int i, j, round;

	assert_int_equal(arch_tpm_open(2), 0);
	get_banks(&banks);
	/* Twice: from the value Startup left, then from an extended one. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < banks.count; i++) {
			for (j = 0; j < banks.bank[i].digest_size; j++) {
				d[i][j] = (uint8_t)(round * 0x40 + i * 0x10 + j);
			}
			pcr_read(PCR_HV, banks.bank[i].alg, olds[i]);
		}
		assert_int_equal(pcr_extend(PCR_HV, &banks, d, &rc), 0);
		assert_int_equal(rc, TPM2_RC_SUCCESS);
		for (i = 0; i < banks.count; i++) {
			uint16_t alg = banks.bank[i].alg;

			memcpy(old, olds[i], sizeof(old));
			pcr_read(PCR_HV, alg, now);
			extend_expected(alg, old, d[i], want);
			assert_memory_equal(now, want, banks.bank[i].digest_size);
			assert_memory_not_equal(now, old, banks.bank[i].digest_size);
			sha256_checked |= alg == TPM2_ALG_SHA256;
		}
	}
	assert_true(sha256_checked);
}

/* Each start is a fresh TPM: what the last test extended is gone. */
static void test_fresh_each_start(void **state)
{
	uint8_t d[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE], a[TPM2_MAX_DIGEST_SIZE],
		b[TPM2_MAX_DIGEST_SIZE];
	struct tpm2_banks banks;
	uint32_t rc;

	assert_int_equal(arch_tpm_open(2), 0);
	get_banks(&banks);
	pcr_read(PCR_HV, TPM2_ALG_SHA256, a);
	memset(d, 0x77, sizeof(d));
	assert_int_equal(pcr_extend(PCR_HV, &banks, d, &rc), 0);
	assert_int_equal(tpm_libtpms_start(), 0);
	fake_tpm_attach(tpm_libtpms_transmit);
	assert_int_equal(arch_tpm_open(2), 0);
	pcr_read(PCR_HV, TPM2_ALG_SHA256, b);
	assert_memory_equal(a, b, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_tpm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_started_banks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_locality, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extend_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_each_start, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
