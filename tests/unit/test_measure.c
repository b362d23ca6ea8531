/*
 * Unit tests of the measurement service (attest/measure.c over attest/tpm.c)
 * against a real TPM: libtpms in this process behind the fake arch's TPM
 * transport. What is checked: the log replays (OpenSSL, independent reader)
 * to the PCRs the TPM reports in every active bank; PCRs 20-22 are reset
 * first and extended from locality 2; measured=required fails closed on no
 * TPM, on a TPM that fails mid-way, on a bank we cannot hash and on a full
 * log, and measured=optional goes on with the log alone; the runtime policy
 * record follows the boot's separator.
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

#include <attest/eventlog.h>
#include <attest/measure.h>
#include <attest/tpm2.h>
#include <fake_arch.h>
#include <fake_tpm.h>
#include <hv/lib.h>
#include <public/errno.h>

#include "eventlog_replay.h"
#include "tpm_libtpms.h"

static const uint16_t all_algs[] = { 0x0004, 0x000B, 0x000C, 0x000D };

static int setup_tpm(void **state)
{
	(void)state;
	measure_reset();
	fake_console_reset();
	assert_int_equal(tpm_libtpms_start(), 0);
	fake_tpm_attach(tpm_libtpms_transmit);
	return 0;
}

static int setup_no_tpm(void **state)
{
	(void)state;
	measure_reset();
	fake_console_reset();
	fake_tpm_attach(NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_tpm_attach(NULL);
	tpm_libtpms_stop();
	return 0;
}

/* What a boot measures, in miniature. */
static void measure_a_boot(void)
{
	static const uint8_t image[3000] = { 1, 2, 3 };

	assert_int_equal(measure_string(MEASURE_PCR_CONFIG, "hypervisor command line",
					"console=com1 measured=required"), 0);
	assert_int_equal(measure_data(MEASURE_PCR_MODULES, image, sizeof(image),
				      "module 0 image", "kernel alpha, 3000 bytes"), 0);
	assert_int_equal(measure_string(MEASURE_PCR_MODULES, "module 0 command line",
					"name=alpha"), 0);
	assert_int_equal(measure_data(MEASURE_PCR_POLICY, "policy", 6, "security policy",
				      "boot module 1, 6 bytes"), 0);
	assert_int_equal(measure_boot_done(), 0);
}

/* Every active bank of PCRs 20-22, as the TPM reports it, equals the
 * replay of the log. */
static void assert_log_matches_tpm(void)
{
	struct pcrs want;
	size_t len;
	const uint8_t *log = measure_log(&len);
	uint16_t algs[4];
	uint32_t banks = measure_banks(algs, 4);

	replay(log, len, &want);
	assert_int_equal(want.bank_count, banks);
	for (uint32_t b = 0; b < banks; b++) {
		for (uint32_t pcr = MEASURE_PCR_CONFIG; pcr <= MEASURE_PCR_MODULES; pcr++) {
			uint8_t got[64];
			uint16_t size;

			assert_int_equal(measure_pcr_read(pcr, algs[b], got, sizeof(got), &size), 0);
			assert_int_equal(size, evr_alg_size(algs[b]));
			assert_memory_equal(got, want.v[b][pcr], size);
		}
	}
}

static void test_replay_equals_tpm(void **state)
{
	(void)state;
	assert_int_equal(measure_start(MEASURE_REQUIRED), 0);
	assert_int_equal(measure_state(), MEASURE_STATE_TPM);
	assert_int_equal(fake_tpm_locality(), MEASURE_LOCALITY);
	/* A fresh libtpms has the four banks swtpm has: every one is used. */
	{
		uint16_t algs[4];

		assert_int_equal(measure_banks(algs, 4), 4);
		assert_memory_equal(algs, all_algs, sizeof(all_algs));
	}
	measure_a_boot();
	assert_log_matches_tpm();
	assert_non_null(strstr(fake_console_output(), "measure: TPM 2.0 at locality 2"));
	assert_non_null(strstr(fake_console_output(), "boot measured"));
}

/* The digest of a string record covers the text after "moat: <what>: ", so
 * a verifier recomputes it from the event data. */
static void test_string_digest_is_text(void **state)
{
	static const char cmdline[] = "console=com1 xsm=flask";
	struct evr_log l;
	struct evr_rec r;
	size_t len;
	const uint8_t *log;
	uint8_t want[32];

	(void)state;
	assert_int_equal(measure_start(MEASURE_REQUIRED), 0);
	assert_int_equal(measure_string(MEASURE_PCR_CONFIG, "hypervisor command line", cmdline), 0);
	log = measure_log(&len);
	assert_int_equal(evr_open(&l, log, len), 0);
	assert_int_equal(evr_next(&l, &r), 1);
	assert_int_equal(r.pcr, MEASURE_PCR_CONFIG);
	assert_int_equal(r.type, EV_IPL);
	assert_int_equal(r.event_size, strlen("moat: hypervisor command line: ") + strlen(cmdline));
	assert_memory_equal(r.event, "moat: hypervisor command line: console=com1 xsm=flask",
			    r.event_size);
	ossl(0x000B, cmdline, strlen(cmdline), NULL, 0, want);
	assert_memory_equal(r.digest[1], want, 32);
}

/* PCRs 20-22 start at zero even when something extended them before. */
static void test_pcrs_reset_at_start(void **state)
{
	uint8_t got[64], zero[64] = { 0 };
	uint16_t size;

	(void)state;
	assert_int_equal(measure_start(MEASURE_REQUIRED), 0);
	measure_a_boot();
	/* A second boot of the same TPM (no TPM reset in between). */
	measure_reset();
	assert_int_equal(measure_start(MEASURE_REQUIRED), 0);
	for (uint32_t pcr = MEASURE_PCR_CONFIG; pcr <= MEASURE_PCR_MODULES; pcr++) {
		assert_int_equal(measure_pcr_read(pcr, 0x000B, got, sizeof(got), &size), 0);
		assert_memory_equal(got, zero, 32);
	}
	measure_a_boot();
	assert_log_matches_tpm();
}

static void test_policy_load_after_separator(void **state)
{
	struct evr_log l;
	struct evr_rec r, last;
	size_t len;
	const uint8_t *log;
	int n = 0;

	(void)state;
	assert_int_equal(measure_start(MEASURE_REQUIRED), 0);
	measure_a_boot();
	assert_int_equal(measure_policy_load("newpolicy", 9, 3), 0);
	log = measure_log(&len);
	assert_int_equal(evr_open(&l, log, len), 0);
	while (evr_next(&l, &r) == 1) {
		last = r;
		n++;
	}
	assert_int_equal(n, 8);	/* 4 boot records, 3 separators, the load */
	assert_int_equal(last.pcr, MEASURE_PCR_POLICY);
	assert_int_equal(last.type, EV_IPL);
	assert_memory_equal(last.event, "moat: security policy: loaded by domain 3, 9 bytes",
			    last.event_size);
	assert_log_matches_tpm();
}

static void test_no_tpm_required_refuses(void **state)
{
	(void)state;
	assert_int_equal(measure_start(MEASURE_REQUIRED), -XEN_ENODEV);
	assert_non_null(strstr(fake_console_output(), "no TPM found: measured=required"));
	assert_int_not_equal(measure_string(MEASURE_PCR_CONFIG, "x", "y"), 0);
	assert_int_not_equal(measure_policy_load("p", 1, 1), 0);
	assert_int_not_equal(measure_boot_done(), 0);
}

static void test_no_tpm_optional_logs(void **state)
{
	uint16_t algs[4], size;
	uint8_t d[64];
	struct pcrs want;
	size_t len;
	const uint8_t *log;

	(void)state;
	assert_int_equal(measure_start(MEASURE_OPTIONAL), 0);
	assert_int_equal(measure_state(), MEASURE_STATE_LOG_ONLY);
	assert_non_null(strstr(fake_console_output(), "NOTHING IS EXTENDED INTO A TPM"));
	assert_int_equal(measure_banks(algs, 4), 1);
	assert_int_equal(algs[0], 0x000B);
	measure_a_boot();
	log = measure_log(&len);
	assert_int_equal(replay(log, len, &want), 8);	/* the header, 4 records, 3 separators */
	assert_int_equal(measure_pcr_read(20, 0x000B, d, sizeof(d), &size), -XEN_ENODEV);
	assert_non_null(strstr(fake_console_output(), "NOT extended into a TPM"));
}

/* A TPM that works for the first n commands, then times out. */
static unsigned int fail_after;

static int failing_transport(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			     size_t *rsp_len)
{
	if (fake_tpm_command_count() > fail_after) {
		*rsp_len = 0;
		return -XEN_ETIMEDOUT;
	}
	return tpm_libtpms_transmit(cmd, len, rsp, cap, rsp_len);
}

/* Startup, GetCapability and three resets take 5 commands. */
#define START_COMMANDS 5

static void test_tpm_fails_midway(void **state)
{
	for (int required = 0; required <= 1; required++) {
		setup_tpm(state);
		fail_after = START_COMMANDS + 1;
		fake_tpm_attach(failing_transport);
		assert_int_equal(measure_start(required ? MEASURE_REQUIRED : MEASURE_OPTIONAL), 0);
		assert_int_equal(measure_string(20, "one", "ok"), 0);
		if (required) {
			assert_int_equal(measure_string(20, "two", "fails"), -XEN_ETIMEDOUT);
			assert_int_not_equal(measure_policy_load("p", 1, 1), 0);
		} else {
			assert_int_equal(measure_string(20, "two", "fails"), 0);
			assert_int_equal(measure_policy_load("p", 1, 1), 0);
			assert_non_null(strstr(fake_console_output(), "UNMEASURED"));
		}
		assert_int_equal(measure_state(), MEASURE_STATE_FAILED);
		assert_non_null(strstr(fake_console_output(), "the log and the PCRs differ"));
		teardown(state);
	}
}

static void test_tpm_fails_at_start(void **state)
{
	for (unsigned int n = 0; n < START_COMMANDS; n++) {
		setup_tpm(state);
		fail_after = n;
		fake_tpm_attach(failing_transport);
		assert_int_equal(measure_start(MEASURE_REQUIRED), -XEN_ETIMEDOUT);
		measure_reset();
		assert_int_equal(measure_start(MEASURE_OPTIONAL), 0);
		assert_int_equal(measure_state(), MEASURE_STATE_LOG_ONLY);
		teardown(state);
	}
}

/*
 * A TPM whose active banks include one we cannot hash (SM3_256, 0x0012):
 * extending "every active bank" is impossible, so required refuses and
 * optional keeps the log alone. Scripted answers: Startup, then
 * GetCapability(PCRS) with SHA-256 and SM3_256 each selecting PCRs 0-23.
 */
static int sm3_transport(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			 size_t *rsp_len)
{
	static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };
	static const uint8_t caps[] = {
		0x80, 0x01, 0, 0, 0, 31, 0, 0, 0, 0,	/* header */
		0,					/* moreData */
		0, 0, 0, 5,				/* TPM_CAP_PCRS */
		0, 0, 0, 2,				/* two banks */
		0x00, 0x0B, 3, 0xff, 0xff, 0xff,	/* sha256 */
		0x00, 0x12, 3, 0xff, 0xff, 0xff,	/* sm3_256 */
	};
	const uint8_t *r = cmd[9] == 0x44 ? startup : caps;	/* CC_Startup ends 0x44 */
	size_t n = r == startup ? sizeof(startup) : sizeof(caps);

	assert_true(len >= 10 && cap >= n);
	memcpy(rsp, r, n);
	*rsp_len = n;
	return 0;
}

static void test_unhashable_bank(void **state)
{
	(void)state;
	fake_tpm_attach(sm3_transport);
	assert_int_equal(measure_start(MEASURE_REQUIRED), -XEN_EOPNOTSUPP);
	assert_non_null(strstr(fake_console_output(), "cannot hash"));
	measure_reset();
	fake_tpm_attach(sm3_transport);
	assert_int_equal(measure_start(MEASURE_OPTIONAL), 0);
	assert_int_equal(measure_state(), MEASURE_STATE_LOG_ONLY);
}

/* The log fills up: required refuses the measurement that does not fit,
 * optional goes on; the log stays whole and replayable either way. */
static void test_log_full(void **state)
{
	static char big[MEASURE_EVENT_MAX];
	struct pcrs want;
	size_t len;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	for (int required = 0; required <= 1; required++) {
		int rc = 0, n = 0;

		measure_reset();
		fake_tpm_attach(NULL);
		assert_int_equal(measure_start(required ? MEASURE_REQUIRED : MEASURE_OPTIONAL),
				 required ? -XEN_ENODEV : 0);
		if (required) {
			continue;	/* covered below with a TPM */
		}
		while (rc == 0 && n < 100) {
			size_t before;

			(void)measure_log(&before);
			rc = measure_string(20, "big", big);
			(void)measure_log(&len);
			n++;
			if (before == len) {
				break;
			}
		}
		assert_int_equal(rc, 0);
		assert_true(n < 100);
		assert_non_null(strstr(fake_console_output(), "the event log is full"));
		(void)replay(measure_log(&len), len, &want);
	}
	setup_tpm(state);
	assert_int_equal(measure_start(MEASURE_REQUIRED), 0);
	for (;;) {
		int rc = measure_string(20, "big", big);

		if (rc != 0) {
			assert_int_equal(rc, -XEN_ENOSPC);
			break;
		}
	}
	assert_int_equal(measure_state(), MEASURE_STATE_TPM);
	assert_log_matches_tpm();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay_equals_tpm, setup_tpm, teardown),
		cmocka_unit_test_setup_teardown(test_string_digest_is_text, setup_tpm, teardown),
		cmocka_unit_test_setup_teardown(test_pcrs_reset_at_start, setup_tpm, teardown),
		cmocka_unit_test_setup_teardown(test_policy_load_after_separator, setup_tpm,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_tpm_required_refuses, setup_no_tpm, teardown),
		cmocka_unit_test_setup_teardown(test_no_tpm_optional_logs, setup_no_tpm, teardown),
		cmocka_unit_test(test_tpm_fails_midway),
		cmocka_unit_test(test_tpm_fails_at_start),
		cmocka_unit_test_setup_teardown(test_unhashable_bank, setup_no_tpm, teardown),
		cmocka_unit_test_setup_teardown(test_log_full, setup_no_tpm, teardown),
	};

	fake_console_echo(false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
