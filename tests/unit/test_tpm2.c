/*
 * Unit tests of attest/tpm2_cmd.c and attest/tpm2_rsp.c: every command
 * against a hand-checked byte vector (TCG TPM 2.0 Part 3 layouts), every
 * parser against well-formed responses (as swtpm sends them) and against
 * each truncation, oversize, bad tag, bad count and bad length we can name,
 * plus single-byte mutations of every vector under ASan.
 *
 * Buffers handed to the code under test are malloc'd at their exact size,
 * so ASan reports any read or write one byte past them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/lib.h>
#include <public/errno.h>
#include <attest/tpm2.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- hand-checked vectors ---------------------------------------------- */

static const uint8_t cmd_startup[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x44, 0x00, 0x00,
};

/* GetCapability(TPM_CAP_PCRS = 5, property 0, propertyCount 1): 22 bytes. */
static const uint8_t cmd_getcap[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x01, 0x7a,
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* PCR_Read(PCR 16, SHA-256): count 1, alg 000b, sizeofSelect 3, 00 00 01. */
static const uint8_t cmd_read16[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x01, 0x7e,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x01,
};

/* PCR_Read(PCR 7, SHA-1): bit 7 of the first select byte. */
static const uint8_t cmd_read7[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x01, 0x7e,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x03, 0x80, 0x00, 0x00,
};

/* PCR_Extend(PCR 23, SHA-256 only) header and auth area, before the digest
 * (32 x 0x11): 10 + handle 4 + authSize 4 + auth 9 + count 4 + alg 2 + 32
 * = 65 = 0x41. */
static const uint8_t cmd_extend23_head[] = {
	0x80, 0x02, 0x00, 0x00, 0x00, 0x41, 0x00, 0x00, 0x01, 0x82,
	0x00, 0x00, 0x00, 0x17,                         /* pcrHandle 23 */
	0x00, 0x00, 0x00, 0x09,                         /* authorizationSize */
	0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, /* TPM_RS_PW */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x0b,             /* 1 digest, SHA-256 */
};

/* PCR_Reset(PCR 21): handle and the same auth area as PCR_Extend, nothing
 * else: 10 + 4 + 4 + 9 = 27 = 0x1b. */
static const uint8_t cmd_reset21[] = {
	0x80, 0x02, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x01, 0x3d,
	0x00, 0x00, 0x00, 0x15,                         /* pcrHandle 21 */
	0x00, 0x00, 0x00, 0x09,                         /* authorizationSize */
	0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, /* TPM_RS_PW */
};

/* PCR_Reset(PCR 0): only the handle differs. */
static const uint8_t cmd_reset0[] = {
	0x80, 0x02, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x01, 0x3d,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x09,
	0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t rsp_ok[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t rsp_initialize[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x00,
};

/* TPM_RC_LOCALITY, as swtpm answers an extend of PCR 17 from locality 0. */
static const uint8_t rsp_locality[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x09, 0x07,
};

/* A fresh swtpm: four banks, all PCRs selected. 10 + 1 + 4 + 4 + 4 * 6 = 43. */
static const uint8_t rsp_getcap4[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x00,
	0x00,                   /* moreData */
	0x00, 0x00, 0x00, 0x05, /* TPM_CAP_PCRS */
	0x00, 0x00, 0x00, 0x04, /* count */
	0x00, 0x04, 0x03, 0xff, 0xff, 0xff,
	0x00, 0x0b, 0x03, 0xff, 0xff, 0xff,
	0x00, 0x0c, 0x03, 0xff, 0xff, 0xff,
	0x00, 0x0d, 0x03, 0xff, 0xff, 0xff,
};

/* SHA-1 allocated with no PCR (inactive), SHA-256 with one: 10+1+4+4+12 = 31. */
static const uint8_t rsp_getcap_sha256[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x04, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x0b, 0x03, 0x00, 0x00, 0x80,
};

/* Extend's answer: tag SESSIONS, parameterSize 0, auth response with an
 * empty nonce, continueSession, empty hmac: 19 bytes. */
static const uint8_t rsp_extend[] = {
	0x80, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
};

/* Reset's answer, as libtpms sends it: the same shape as Extend's. */
static const uint8_t rsp_reset[] = {
	0x80, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
};

/* PCR_Read(16, SHA-256) answer: counter 0x2a, the selection echoed, one
 * 32-byte digest 00 01 .. 1f. 10 + 4 + 4 + 6 + 4 + 2 + 32 = 62. */
static const uint8_t rsp_read16[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x2a,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x20,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* PCR_Read of a bank that is not allocated: empty selection, no digest. */
static const uint8_t rsp_read_none[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ---- helpers ------------------------------------------------------------ */

/* An exact-size heap copy, so ASan sees one byte past the end. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	assert_non_null(q);
	if (n) {
		memcpy(q, p, n);
	}
	return q;
}

static void set_size(uint8_t *p, uint32_t size)
{
	p[2] = (uint8_t)(size >> 24);
	p[3] = (uint8_t)(size >> 16);
	p[4] = (uint8_t)(size >> 8);
	p[5] = (uint8_t)size;
}

/* Which parser a response vector is for. */
enum which { W_STARTUP, W_GETCAP, W_EXTEND, W_RESET, W_READ16 };

static int parse(enum which w, const uint8_t *rsp, size_t len, uint32_t *rc)
{
	struct tpm2_banks banks;
	uint8_t digest[32];
	int ret = -1;
	unsigned int i;

	switch (w) {
	case W_STARTUP:
		ret = tpm2_rsp_startup(rsp, len, rc);
		break;
	case W_GETCAP:
		ret = tpm2_rsp_get_capability_pcrs(rsp, len, rc, &banks);
		if (ret) {
			assert_int_equal(banks.count, 0);
			assert_int_equal(banks.unsupported, 0);
		}
		assert_true(banks.count <= TPM2_KNOWN_ALGS);
		break;
	case W_EXTEND:
		ret = tpm2_rsp_pcr_extend(rsp, len, rc);
		break;
	case W_RESET:
		ret = tpm2_rsp_pcr_reset(rsp, len, rc);
		break;
	case W_READ16:
		ret = tpm2_rsp_pcr_read(rsp, len, 16, TPM2_ALG_SHA256, digest, sizeof(digest), rc);
		if (ret) {
			for (i = 0; i < sizeof(digest); i++) {
				assert_int_equal(digest[i], 0);
			}
		}
		break;
	}
	return ret;
}

static int parse_copy(enum which w, const uint8_t *rsp, size_t len, uint32_t *rc)
{
	uint8_t *q = dup_exact(rsp, len);
	int ret = parse(w, q, len, rc);

	free(q);
	return ret;
}

struct vec {
	enum which w;
	const uint8_t *p;
	size_t n;
};

static const struct vec good[] = {
	{ W_STARTUP, rsp_ok, sizeof(rsp_ok) },
	{ W_GETCAP, rsp_getcap4, sizeof(rsp_getcap4) },
	{ W_GETCAP, rsp_getcap_sha256, sizeof(rsp_getcap_sha256) },
	{ W_EXTEND, rsp_extend, sizeof(rsp_extend) },
	{ W_RESET, rsp_reset, sizeof(rsp_reset) },
	{ W_READ16, rsp_read16, sizeof(rsp_read16) },
};

/* ---- command encodings -------------------------------------------------- */

static void expect_cmd(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

static void test_cmd_startup(void **state)
{
	uint8_t buf[TPM2_CMD_MAX];
	size_t len;

	assert_int_equal(tpm2_cmd_startup_clear(buf, sizeof(buf), &len), 0);
	expect_cmd(buf, len, cmd_startup, sizeof(cmd_startup));
}

static void test_cmd_getcap(void **state)
{
	uint8_t buf[TPM2_CMD_MAX];
	size_t len;

	assert_int_equal(tpm2_cmd_get_capability_pcrs(buf, sizeof(buf), &len), 0);
	expect_cmd(buf, len, cmd_getcap, sizeof(cmd_getcap));
}

static void test_cmd_pcr_read(void **state)
{
	uint8_t buf[TPM2_CMD_MAX];
	size_t len;

	assert_int_equal(tpm2_cmd_pcr_read(buf, sizeof(buf), 16, TPM2_ALG_SHA256, &len), 0);
	expect_cmd(buf, len, cmd_read16, sizeof(cmd_read16));
	assert_int_equal(tpm2_cmd_pcr_read(buf, sizeof(buf), 7, TPM2_ALG_SHA1, &len), 0);
	expect_cmd(buf, len, cmd_read7, sizeof(cmd_read7));
	assert_int_equal(tpm2_cmd_pcr_read(buf, sizeof(buf), 24, TPM2_ALG_SHA1, &len), -XEN_EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(tpm2_cmd_pcr_read(buf, sizeof(buf), 0, 0x0012, &len), -XEN_EINVAL);
}

static void test_cmd_extend_one_bank(void **state)
{
	struct tpm2_banks banks = { .count = 1, .bank = { { TPM2_ALG_SHA256, 32 } } };
	uint8_t d256[32], want[65], buf[TPM2_CMD_MAX];
	const uint8_t *digest[1] = { d256 };
	size_t len;

	memset(d256, 0x11, sizeof(d256));
	memcpy(want, cmd_extend23_head, sizeof(cmd_extend23_head));
	memcpy(want + sizeof(cmd_extend23_head), d256, sizeof(d256));
	assert_int_equal(sizeof(cmd_extend23_head) + 32, sizeof(want));
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 23, &banks, digest, &len), 0);
	expect_cmd(buf, len, want, sizeof(want));
}

/* The banks a fresh swtpm reports go straight into an extend of all four,
 * in the TPM's order: 10 + 4 + 4 + 9 + 4 + (22 + 34 + 50 + 66) = 203. */
static void test_cmd_extend_all_banks(void **state)
{
	static const uint8_t want_head[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0xcb, 0x00, 0x00, 0x01, 0x82,
		0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x09,
		0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x04,
	};
	uint8_t d[4][64], buf[TPM2_CMD_MAX];
	const uint8_t *digest[4] = { d[0], d[1], d[2], d[3] };
	static const uint16_t algs[4] = { 0x0004, 0x000b, 0x000c, 0x000d };
	static const size_t sizes[4] = { 20, 32, 48, 64 };
	struct tpm2_banks banks;
	size_t len, off, i;
	uint32_t rc;

	assert_int_equal(tpm2_rsp_get_capability_pcrs(rsp_getcap4, sizeof(rsp_getcap4), &rc, &banks),
			 0);
	for (i = 0; i < 4; i++) {
		memset(d[i], (int)(0xa0 + i), sizeof(d[i]));
	}
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len), 0);
	assert_int_equal(len, 203);
	assert_memory_equal(buf, want_head, sizeof(want_head));
	off = sizeof(want_head);
	for (i = 0; i < 4; i++) {
		assert_int_equal(buf[off], algs[i] >> 8);
		assert_int_equal(buf[off + 1], algs[i] & 0xff);
		assert_memory_equal(buf + off + 2, d[i], sizes[i]);
		off += 2 + sizes[i];
	}
	assert_int_equal(off, len);
}

static void test_cmd_pcr_reset(void **state)
{
	uint8_t buf[TPM2_CMD_MAX];
	size_t len;

	assert_int_equal(tpm2_cmd_pcr_reset(buf, sizeof(buf), 21, &len), 0);
	expect_cmd(buf, len, cmd_reset21, sizeof(cmd_reset21));
	assert_int_equal(tpm2_cmd_pcr_reset(buf, sizeof(buf), 0, &len), 0);
	expect_cmd(buf, len, cmd_reset0, sizeof(cmd_reset0));
	/* The last PCR there is, and the first there is not. */
	assert_int_equal(tpm2_cmd_pcr_reset(buf, sizeof(buf), 23, &len), 0);
	assert_int_equal(len, sizeof(cmd_reset21));
	assert_int_equal(buf[13], 23);
	assert_int_equal(tpm2_cmd_pcr_reset(buf, sizeof(buf), 24, &len), -XEN_EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(tpm2_cmd_pcr_reset(buf, sizeof(buf), 0x40000009u, &len), -XEN_EINVAL);
	assert_int_equal(len, 0);
}

/* PCR_Reset and PCR_Extend share their handle and authorization area,
 * byte for byte. */
static void test_cmd_reset_extend_auth(void **state)
{
	struct tpm2_banks banks = { .count = 1, .bank = { { TPM2_ALG_SHA256, 32 } } };
	uint8_t d[32] = { 0 }, ext[TPM2_CMD_MAX], rst[TPM2_CMD_MAX];
	const uint8_t *digest[1] = { d };
	size_t elen, rlen;

	assert_int_equal(tpm2_cmd_pcr_extend(ext, sizeof(ext), 21, &banks, digest, &elen), 0);
	assert_int_equal(tpm2_cmd_pcr_reset(rst, sizeof(rst), 21, &rlen), 0);
	assert_int_equal(rlen, 27);
	assert_memory_equal(ext + 10, rst + 10, rlen - 10);
}

/* The "every active bank" rule: no extend while a bank would be skipped. */
static void test_cmd_extend_refuses(void **state)
{
	struct tpm2_banks banks = { .count = 2,
				    .bank = { { TPM2_ALG_SHA1, 20 }, { TPM2_ALG_SHA256, 32 } } };
	uint8_t d[64] = { 0 }, buf[TPM2_CMD_MAX];
	const uint8_t *digest[2] = { d, d };
	const uint8_t *missing[2] = { d, NULL };
	size_t len;

	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len), 0);
	assert_int_equal(len, 10 + 4 + 4 + 9 + 4 + 22 + 34);
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 24, &banks, digest, &len), -XEN_EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, missing, &len),
			 -XEN_EINVAL);
	banks.unsupported = 1;
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len),
			 -XEN_EOPNOTSUPP);
	banks.unsupported = 0;
	banks.bank[1].digest_size = 20; /* SHA-256 with the wrong size */
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len),
			 -XEN_EINVAL);
	banks.bank[1] = banks.bank[0]; /* SHA-1 twice */
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len),
			 -XEN_EINVAL);
	banks.bank[1].alg = 0x0012;
	banks.bank[1].digest_size = 32;
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len),
			 -XEN_EINVAL);
	banks.count = 0;
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len),
			 -XEN_EINVAL);
	banks.count = TPM2_KNOWN_ALGS + 1;
	assert_int_equal(tpm2_cmd_pcr_extend(buf, sizeof(buf), 17, &banks, digest, &len),
			 -XEN_EINVAL);
}

/* Every builder, into every buffer smaller than its command: -XEN_ENOSPC,
 * and never a byte written past cap (the buffer is exactly cap bytes). */
static void test_cmd_small_buffers(void **state)
{
	struct tpm2_banks banks;
	uint8_t d[4][64] = { { 0 } };
	const uint8_t *digest[4] = { d[0], d[1], d[2], d[3] };
	size_t full[5], cap, len;
	uint32_t rc;
	int k;

	assert_int_equal(tpm2_rsp_get_capability_pcrs(rsp_getcap4, sizeof(rsp_getcap4), &rc, &banks),
			 0);
	full[0] = sizeof(cmd_startup);
	full[1] = sizeof(cmd_getcap);
	full[2] = sizeof(cmd_read16);
	full[3] = 203;
	full[4] = sizeof(cmd_reset21);
	for (k = 0; k < 5; k++) {
		for (cap = 0; cap <= full[k]; cap++) {
			uint8_t *buf = malloc(cap ? cap : 1);
			int ret = -1;

			assert_non_null(buf);
			switch (k) {
			case 0:
				ret = tpm2_cmd_startup_clear(buf, cap, &len);
				break;
			case 1:
				ret = tpm2_cmd_get_capability_pcrs(buf, cap, &len);
				break;
			case 2:
				ret = tpm2_cmd_pcr_read(buf, cap, 16, TPM2_ALG_SHA256, &len);
				break;
			case 3:
				ret = tpm2_cmd_pcr_extend(buf, cap, 17, &banks, digest, &len);
				break;
			case 4:
				ret = tpm2_cmd_pcr_reset(buf, cap, 21, &len);
				break;
			}
			if (cap < full[k]) {
				assert_int_equal(ret, -XEN_ENOSPC);
				assert_int_equal(len, 0);
			} else {
				assert_int_equal(ret, 0);
				assert_int_equal(len, full[k]);
			}
			free(buf);
		}
	}
}

/* ---- response parsing: well-formed ---------------------------------------- */

static void test_rsp_startup(void **state)
{
	uint32_t rc;

	assert_int_equal(tpm2_rsp_startup(rsp_ok, sizeof(rsp_ok), &rc), 0);
	assert_int_equal(rc, TPM2_RC_SUCCESS);
	/* Firmware got there first: still usable. */
	assert_int_equal(tpm2_rsp_startup(rsp_initialize, sizeof(rsp_initialize), &rc), 0);
	assert_int_equal(rc, TPM2_RC_INITIALIZE);
	assert_int_equal(tpm2_rsp_startup(rsp_locality, sizeof(rsp_locality), &rc), -XEN_EIO);
	assert_int_equal(rc, 0x907);
	assert_true(tpm2_startup_ok(0));
	assert_true(tpm2_startup_ok(0x100));
	assert_false(tpm2_startup_ok(0x101));
	assert_false(tpm2_startup_ok(0x907));
	/* INITIALIZE is success for Startup only. */
	assert_int_equal(tpm2_rsp_pcr_extend(rsp_initialize, sizeof(rsp_initialize), &rc), -XEN_EIO);
	assert_int_equal(rc, TPM2_RC_INITIALIZE);
}

static void test_rsp_getcap(void **state)
{
	struct tpm2_banks banks;
	uint32_t rc;

	assert_int_equal(tpm2_rsp_get_capability_pcrs(rsp_getcap4, sizeof(rsp_getcap4), &rc, &banks),
			 0);
	assert_int_equal(rc, 0);
	assert_int_equal(banks.count, 4);
	assert_int_equal(banks.unsupported, 0);
	assert_int_equal(banks.bank[0].alg, TPM2_ALG_SHA1);
	assert_int_equal(banks.bank[0].digest_size, 20);
	assert_int_equal(banks.bank[1].alg, TPM2_ALG_SHA256);
	assert_int_equal(banks.bank[1].digest_size, 32);
	assert_int_equal(banks.bank[2].alg, TPM2_ALG_SHA384);
	assert_int_equal(banks.bank[2].digest_size, 48);
	assert_int_equal(banks.bank[3].alg, TPM2_ALG_SHA512);
	assert_int_equal(banks.bank[3].digest_size, 64);

	/* An allocated bank with no PCR selected is not active. */
	assert_int_equal(tpm2_rsp_get_capability_pcrs(rsp_getcap_sha256, sizeof(rsp_getcap_sha256),
						      &rc, &banks),
			 0);
	assert_int_equal(banks.count, 1);
	assert_int_equal(banks.bank[0].alg, TPM2_ALG_SHA256);
	assert_int_equal(banks.bank[0].digest_size, 32);
}

static void test_rsp_getcap_cases(void **state)
{
	uint8_t v[sizeof(rsp_getcap4) + 8];
	struct tpm2_banks banks;
	uint32_t rc;

	/* An active bank we cannot hash (SM3_256 0x0012) is counted. */
	memcpy(v, rsp_getcap_sha256, sizeof(rsp_getcap_sha256));
	v[19] = 0x00;
	v[20] = 0x12;
	v[22] = 0x01;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap_sha256), &rc, &banks), 0);
	assert_int_equal(banks.count, 1);
	assert_int_equal(banks.unsupported, 1);
	/* ...and ignored when it has no PCR selected. */
	v[22] = 0x00;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap_sha256), &rc, &banks), 0);
	assert_int_equal(banks.count, 1);
	assert_int_equal(banks.unsupported, 0);

	/* moreData set: the list may hide a bank. */
	memcpy(v, rsp_getcap4, sizeof(rsp_getcap4));
	v[10] = 1;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EOPNOTSUPP);
	assert_int_equal(banks.count, 0);
	/* moreData not a TPMI_YES_NO. */
	v[10] = 2;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EBADMSG);
	assert_int_equal(rc, TPM2_RC_UNPARSED);
	/* Another capability. */
	memcpy(v, rsp_getcap4, sizeof(rsp_getcap4));
	v[14] = 6;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EBADMSG);
	/* A count larger than the entries, and one past the bound. */
	memcpy(v, rsp_getcap4, sizeof(rsp_getcap4));
	v[18] = 5;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EBADMSG);
	v[18] = 3; /* fewer: the fourth entry is trailing garbage */
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EBADMSG);
	v[15] = 0xff;
	v[18] = 0xff;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EBADMSG);
	/* A count of zero: well formed, no bank (the driver must treat it as
	 * nothing to extend into). */
	memcpy(v, rsp_getcap4, 19);
	v[18] = 0;
	set_size(v, 19);
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, 19, &rc, &banks), 0);
	assert_int_equal(banks.count, 0);
	/* sizeofSelect past PCR_SELECT_MAX, with the bytes present. */
	memcpy(v, rsp_getcap_sha256, sizeof(rsp_getcap_sha256));
	v[27] = 5;
	v[31] = 0;
	v[32] = 0;
	set_size(v, 33);
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, 33, &rc, &banks), -XEN_EBADMSG);
	/* sizeofSelect 4 is allowed. */
	v[27] = 4;
	set_size(v, 32);
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, 32, &rc, &banks), 0);
	assert_int_equal(banks.count, 1);
	/* The same bank twice, active or not. */
	memcpy(v, rsp_getcap4, sizeof(rsp_getcap4));
	v[26] = 0x04;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap4), &rc, &banks),
			 -XEN_EBADMSG);
	memcpy(v, rsp_getcap_sha256, sizeof(rsp_getcap_sha256));
	v[26] = 0x04;
	assert_int_equal(tpm2_rsp_get_capability_pcrs(v, sizeof(rsp_getcap_sha256), &rc, &banks),
			 -XEN_EBADMSG);
}

static void test_rsp_extend(void **state)
{
	uint8_t v[sizeof(rsp_extend) + 4];
	uint32_t rc;

	assert_int_equal(tpm2_rsp_pcr_extend(rsp_extend, sizeof(rsp_extend), &rc), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(tpm2_rsp_pcr_extend(rsp_locality, sizeof(rsp_locality), &rc), -XEN_EIO);
	assert_int_equal(rc, 0x907);
	/* parameterSize must be 0. */
	memcpy(v, rsp_extend, sizeof(rsp_extend));
	v[13] = 1;
	assert_int_equal(tpm2_rsp_pcr_extend(v, sizeof(rsp_extend), &rc), -XEN_EBADMSG);
	assert_int_equal(rc, TPM2_RC_UNPARSED);
	/* A nonce that claims more than is there. */
	memcpy(v, rsp_extend, sizeof(rsp_extend));
	v[15] = 2;
	assert_int_equal(tpm2_rsp_pcr_extend(v, sizeof(rsp_extend), &rc), -XEN_EBADMSG);
	/* A nonce and an hmac that are there are fine. */
	memcpy(v, rsp_extend, sizeof(rsp_extend));
	v[15] = 1;
	v[16] = 0xaa;
	v[17] = 0x01;
	v[18] = 0x00;
	v[19] = 0x01;
	v[20] = 0xbb;
	set_size(v, 21);
	assert_int_equal(tpm2_rsp_pcr_extend(v, 21, &rc), 0);
	/* No auth area at all (a NO_SESSIONS-style body under the SESSIONS tag). */
	memcpy(v, rsp_extend, 10);
	set_size(v, 10);
	assert_int_equal(tpm2_rsp_pcr_extend(v, 10, &rc), -XEN_EBADMSG);
}

/* Reset's answer is checked exactly like Extend's: the same vectors get
 * the same verdicts from both. */
static void test_rsp_reset(void **state)
{
	uint8_t v[sizeof(rsp_reset) + 4];
	uint32_t rc, rc2;
	size_t pos;

	assert_int_equal(tpm2_rsp_pcr_reset(rsp_reset, sizeof(rsp_reset), &rc), 0);
	assert_int_equal(rc, TPM2_RC_SUCCESS);
	/* The locality may not reset that PCR. */
	assert_int_equal(tpm2_rsp_pcr_reset(rsp_locality, sizeof(rsp_locality), &rc), -XEN_EIO);
	assert_int_equal(rc, TPM2_RC_LOCALITY);
	/* INITIALIZE is no success here either. */
	assert_int_equal(tpm2_rsp_pcr_reset(rsp_initialize, sizeof(rsp_initialize), &rc), -XEN_EIO);
	assert_int_equal(rc, TPM2_RC_INITIALIZE);
	/* A bare success header (no auth area) under either tag. */
	assert_int_equal(tpm2_rsp_pcr_reset(rsp_ok, sizeof(rsp_ok), &rc), -XEN_EBADMSG);
	assert_int_equal(rc, TPM2_RC_UNPARSED);
	memcpy(v, rsp_reset, 10);
	set_size(v, 10);
	assert_int_equal(tpm2_rsp_pcr_reset(v, 10, &rc), -XEN_EBADMSG);
	/* Parameters where there are none. */
	memcpy(v, rsp_reset, sizeof(rsp_reset));
	v[13] = 4;
	assert_int_equal(tpm2_rsp_pcr_reset(v, sizeof(rsp_reset), &rc), -XEN_EBADMSG);
	assert_int_equal(rc, TPM2_RC_UNPARSED);
	/* An hmac that runs past the declared size. */
	memcpy(v, rsp_reset, sizeof(rsp_reset));
	v[18] = 1;
	assert_int_equal(tpm2_rsp_pcr_reset(v, sizeof(rsp_reset), &rc), -XEN_EBADMSG);
	/* Same verdict as Extend for every single-byte change. */
	for (pos = 0; pos < sizeof(rsp_reset); pos++) {
		unsigned int val;

		for (val = 0; val < 256; val += 17) {
			int a, b;

			memcpy(v, rsp_reset, sizeof(rsp_reset));
			v[pos] = (uint8_t)val;
			a = tpm2_rsp_pcr_reset(v, sizeof(rsp_reset), &rc);
			b = tpm2_rsp_pcr_extend(v, sizeof(rsp_reset), &rc2);
			assert_int_equal(a, b);
			assert_int_equal(rc, rc2);
		}
	}
}

static void test_rsp_pcr_read(void **state)
{
	uint8_t v[sizeof(rsp_read16) + 4], digest[64];
	uint32_t rc;
	unsigned int i;

	assert_int_equal(tpm2_rsp_pcr_read(rsp_read16, sizeof(rsp_read16), 16, TPM2_ALG_SHA256,
					   digest, sizeof(digest), &rc),
			 0);
	assert_int_equal(rc, 0);
	for (i = 0; i < 32; i++) {
		assert_int_equal(digest[i], i);
	}
	/* Asked for another PCR or bank than the answer holds. */
	assert_int_equal(tpm2_rsp_pcr_read(rsp_read16, sizeof(rsp_read16), 17, TPM2_ALG_SHA256,
					   digest, sizeof(digest), &rc),
			 -XEN_EBADMSG);
	assert_int_equal(tpm2_rsp_pcr_read(rsp_read16, sizeof(rsp_read16), 16, TPM2_ALG_SHA1, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* Caller mistakes. */
	assert_int_equal(tpm2_rsp_pcr_read(rsp_read16, sizeof(rsp_read16), 16, TPM2_ALG_SHA256,
					   digest, 31, &rc),
			 -XEN_EINVAL);
	assert_int_equal(tpm2_rsp_pcr_read(rsp_read16, sizeof(rsp_read16), 24, TPM2_ALG_SHA256,
					   digest, sizeof(digest), &rc),
			 -XEN_EINVAL);
	assert_int_equal(tpm2_rsp_pcr_read(rsp_read16, sizeof(rsp_read16), 16, 0x0012, digest,
					   sizeof(digest), &rc),
			 -XEN_EINVAL);
	/* A bank that is not allocated. */
	assert_int_equal(tpm2_rsp_pcr_read(rsp_read_none, sizeof(rsp_read_none), 16,
					   TPM2_ALG_SHA256, digest, sizeof(digest), &rc),
			 -XEN_ENODATA);
	/* Selection echoed with no bit set, and no digest. */
	memcpy(v, rsp_read16, 28);
	v[23] = 0;
	memset(v + 24, 0, 4);
	set_size(v, 28);
	assert_int_equal(tpm2_rsp_pcr_read(v, 28, 16, TPM2_ALG_SHA256, digest, sizeof(digest), &rc),
			 -XEN_ENODATA);
	/* ...but with a digest anyway. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[23] = 0;
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16), 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* Another PCR selected as well. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[21] = 0x01;
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16), 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* Two selections. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[17] = 2;
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16), 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* Two digests claimed, one present. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[27] = 2;
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16), 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* A digest of the wrong size, shorter and longer. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[29] = 0x1f;
	set_size(v, sizeof(rsp_read16) - 1);
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16) - 1, 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[29] = 0x21;
	v[sizeof(rsp_read16)] = 0;
	set_size(v, sizeof(rsp_read16) + 1);
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16) + 1, 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* A huge digest size: bounded, not read. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[28] = 0xff;
	v[29] = 0xff;
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16), 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
	/* sizeofSelect 0xff. */
	memcpy(v, rsp_read16, sizeof(rsp_read16));
	v[20] = 0xff;
	assert_int_equal(tpm2_rsp_pcr_read(v, sizeof(rsp_read16), 16, TPM2_ALG_SHA256, digest,
					   sizeof(digest), &rc),
			 -XEN_EBADMSG);
}

/* ---- response parsing: broken headers, for every parser -------------------- */

/* Every prefix, with the size field left alone (the TPM stopped sending)
 * and with it rewritten to match (the TPM lied): always -XEN_EBADMSG. */
static void test_rsp_truncations(void **state)
{
	size_t i, n;
	uint32_t rc;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(parse_copy(good[i].w, good[i].p, good[i].n, &rc), 0);
		for (n = 0; n < good[i].n; n++) {
			uint8_t *q = dup_exact(good[i].p, n);

			assert_int_equal(parse(good[i].w, q, n, &rc), -XEN_EBADMSG);
			assert_int_equal(rc, TPM2_RC_UNPARSED);
			if (n >= 6) {
				set_size(q, (uint32_t)n);
				assert_int_equal(parse(good[i].w, q, n, &rc), -XEN_EBADMSG);
				assert_int_equal(rc, TPM2_RC_UNPARSED);
			}
			free(q);
		}
	}
}

/* One extra byte inside the declared size is rejected; bytes in the
 * buffer past the declared size are not looked at; a size larger than
 * the buffer is rejected. */
static void test_rsp_oversize(void **state)
{
	uint8_t v[128];
	size_t i;
	uint32_t rc;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		size_t n = good[i].n;

		memcpy(v, good[i].p, n);
		v[n] = 0;
		set_size(v, (uint32_t)(n + 1));
		assert_int_equal(parse_copy(good[i].w, v, n + 1, &rc), -XEN_EBADMSG);
		set_size(v, (uint32_t)n);
		v[n] = 0xee;
		assert_int_equal(parse_copy(good[i].w, v, n + 1, &rc), 0);
		set_size(v, (uint32_t)(n + 1));
		assert_int_equal(parse_copy(good[i].w, v, n, &rc), -XEN_EBADMSG);
		set_size(v, 0xffffffffu);
		assert_int_equal(parse_copy(good[i].w, v, n, &rc), -XEN_EBADMSG);
		set_size(v, 9);
		assert_int_equal(parse_copy(good[i].w, v, n, &rc), -XEN_EBADMSG);
	}
}

static void test_rsp_bad_tags(void **state)
{
	static const uint16_t tags[] = { 0x0000, 0x00c1, 0x00c4, 0x8001, 0x8002, 0xffff };
	uint8_t v[128];
	size_t i, t;
	uint32_t rc;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		uint16_t ok = (good[i].w == W_EXTEND || good[i].w == W_RESET) ? TPM2_ST_SESSIONS
										      : TPM2_ST_NO_SESSIONS;

		for (t = 0; t < ARRAY_SIZE(tags); t++) {
			memcpy(v, good[i].p, good[i].n);
			v[0] = (uint8_t)(tags[t] >> 8);
			v[1] = (uint8_t)tags[t];
			assert_int_equal(parse_copy(good[i].w, v, good[i].n, &rc),
					 tags[t] == ok ? 0 : -XEN_EBADMSG);
		}
	}
}

/* Error answers: the header alone, tagged NO_SESSIONS or RSP_COMMAND. */
static void test_rsp_errors(void **state)
{
	uint8_t v[16];
	size_t i;
	uint32_t rc;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		memcpy(v, rsp_locality, sizeof(rsp_locality));
		assert_int_equal(parse_copy(good[i].w, v, 10, &rc), -XEN_EIO);
		assert_int_equal(rc, 0x907);
		/* TPM_RC_BAD_TAG (0x1e) in the TPM 1.2 answer format. */
		v[0] = 0x00;
		v[1] = 0xc4;
		v[9] = 0x1e;
		v[8] = 0x00;
		assert_int_equal(parse_copy(good[i].w, v, 10, &rc), -XEN_EIO);
		assert_int_equal(rc, 0x1e);
		/* An error answer under the SESSIONS tag, or with a body. */
		v[0] = 0x80;
		v[1] = 0x02;
		assert_int_equal(parse_copy(good[i].w, v, 10, &rc), -XEN_EBADMSG);
		assert_int_equal(rc, TPM2_RC_UNPARSED);
		v[1] = 0x01;
		v[10] = 0;
		set_size(v, 11);
		assert_int_equal(parse_copy(good[i].w, v, 11, &rc), -XEN_EBADMSG);
	}
}

/* Every single-byte change of every vector, to a few values: no crash, no
 * out-of-bounds access (ASan), and only the documented error codes. */
static void test_rsp_mutations(void **state)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x7f, 0x80, 0xfe, 0xff };
	size_t i, pos, k;
	uint32_t rc;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		for (pos = 0; pos < good[i].n; pos++) {
			for (k = 0; k < ARRAY_SIZE(vals); k++) {
				uint8_t *q = dup_exact(good[i].p, good[i].n);
				int ret;

				q[pos] = vals[k];
				ret = parse(good[i].w, q, good[i].n, &rc);
				assert_true(ret == 0 || ret == -XEN_EBADMSG || ret == -XEN_EIO ||
					    ret == -XEN_EOPNOTSUPP || ret == -XEN_ENODATA);
				if (ret == -XEN_EBADMSG) {
					assert_int_equal(rc, TPM2_RC_UNPARSED);
				}
				free(q);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_startup),
		cmocka_unit_test(test_cmd_getcap),
		cmocka_unit_test(test_cmd_pcr_read),
		cmocka_unit_test(test_cmd_extend_one_bank),
		cmocka_unit_test(test_cmd_extend_all_banks),
		cmocka_unit_test(test_cmd_pcr_reset),
		cmocka_unit_test(test_cmd_reset_extend_auth),
		cmocka_unit_test(test_cmd_extend_refuses),
		cmocka_unit_test(test_cmd_small_buffers),
		cmocka_unit_test(test_rsp_startup),
		cmocka_unit_test(test_rsp_getcap),
		cmocka_unit_test(test_rsp_getcap_cases),
		cmocka_unit_test(test_rsp_extend),
		cmocka_unit_test(test_rsp_reset),
		cmocka_unit_test(test_rsp_pcr_read),
		cmocka_unit_test(test_rsp_truncations),
		cmocka_unit_test(test_rsp_oversize),
		cmocka_unit_test(test_rsp_bad_tags),
		cmocka_unit_test(test_rsp_errors),
		cmocka_unit_test(test_rsp_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
