/*
 * Fuzz harness for attest/tpm2_rsp.c: a hostile or broken TPM. Each input
 * is handed, whole, to every response parser as the TPM's answer; the
 * first byte also picks the PCR and bank PCR_Read asks for (out-of-range
 * and unknown values included, so argument checks are fuzzed too).
 *
 * Checked on every input: only documented error codes; an unparsed answer
 * says so in rc; PCR_Reset's answer gets exactly PCR_Extend's verdict (the
 * two share a shape); outputs on error are empty (banks zeroed, digest zeros);
 * a parsed bank list keeps its invariant and builds a PCR_Extend of the
 * right size; a PCR value read is the last bytes of the declared response;
 * and a parser never depends on bytes past the declared size. The input
 * buffer is exactly size bytes, so ASan catches any overread.
 */
#include <stdint.h>
#include <string.h>

#include <hv/lib.h>
#include <public/errno.h>
#include <attest/tpm2.h>

#include "fuzz.h"

static const uint16_t read_algs[] = {
	TPM2_ALG_SHA1, TPM2_ALG_SHA256, TPM2_ALG_SHA384, TPM2_ALG_SHA512, 0x0012, 0x0000,
};

static harness_only bool documented(int ret)
{
	return ret == 0 || ret == -XEN_EBADMSG || ret == -XEN_EIO || ret == -XEN_EOPNOTSUPP ||
	       ret == -XEN_ENODATA || ret == -XEN_EINVAL;
}

static harness_only uint32_t declared_size(const uint8_t *data, size_t size)
{
	if (size < 6) {
		return 0;
	}
	return ((uint32_t)data[2] << 24) | ((uint32_t)data[3] << 16) | ((uint32_t)data[4] << 8) |
	       data[5];
}

static harness_only void check_rc(int ret, uint32_t rc)
{
	check(documented(ret));
	if (ret == -XEN_EBADMSG) {
		check(rc == TPM2_RC_UNPARSED);
	}
	if (ret == 0 || ret == -XEN_EOPNOTSUPP || ret == -XEN_ENODATA) {
		check(rc == TPM2_RC_SUCCESS || rc == TPM2_RC_INITIALIZE);
	}
}

static harness_only void check_banks(int ret, const struct tpm2_banks *b)
{
	uint8_t d[TPM2_KNOWN_ALGS][TPM2_MAX_DIGEST_SIZE] = { { 0 } };
	const uint8_t *digest[TPM2_KNOWN_ALGS] = { d[0], d[1], d[2], d[3] };
	uint8_t cmd[TPM2_CMD_MAX];
	size_t len, want = 10 + 4 + 4 + 9 + 4;
	unsigned int i, j;
	int cret;

	if (ret != 0) {
		check(b->count == 0 && b->unsupported == 0);
		return;
	}
	check(b->count <= TPM2_KNOWN_ALGS);
	check(b->unsupported <= TPM2_MAX_BANKS);
	for (i = 0; i < b->count; i++) {
		check(b->bank[i].digest_size != 0);
		check(b->bank[i].digest_size == tpm2_alg_digest_size(b->bank[i].alg));
		for (j = 0; j < i; j++) {
			check(b->bank[j].alg != b->bank[i].alg);
		}
		want += 2 + b->bank[i].digest_size;
	}
	cret = tpm2_cmd_pcr_extend(cmd, sizeof(cmd), 17, b, digest, &len);
	if (b->unsupported != 0) {
		check(cret == -XEN_EOPNOTSUPP);
	} else if (b->count == 0) {
		check(cret == -XEN_EINVAL);
	} else {
		check(cret == 0 && len == want);
	}
}

static harness_only void check_read(int ret, const uint8_t *data, size_t size, size_t ds,
				    const uint8_t *digest)
{
	uint32_t end = declared_size(data, size);
	size_t i;

	if (ret == 0) {
		check(ds != 0 && end <= size && end >= ds);
		check(memcmp(digest, data + end - ds, ds) == 0);
		return;
	}
	for (i = 0; i < ds; i++) {
		check(digest[i] == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = size ? data[0] : 0;
	uint32_t pcr = sel % (TPM2_PCR_COUNT + 1);
	uint16_t alg = read_algs[(sel / (TPM2_PCR_COUNT + 1)) % (sizeof(read_algs) / sizeof(read_algs[0]))];
	size_t ds = tpm2_alg_digest_size(alg);
	uint8_t digest[TPM2_MAX_DIGEST_SIZE], digest2[TPM2_MAX_DIGEST_SIZE];
	struct tpm2_banks banks, banks2;
	uint32_t rc, rc2, end;
	int ret, ret2;

	/* The input as a response in itself, and with its first byte (the
	 * selector) dropped, so seeds can be plain responses. */
	ret = tpm2_rsp_startup(data, size, &rc);
	check_rc(ret, rc);
	ret = tpm2_rsp_pcr_extend(data, size, &rc);
	check_rc(ret, rc);
	check(ret != -XEN_ENODATA && ret != -XEN_EOPNOTSUPP && ret != -XEN_EINVAL);
	ret2 = tpm2_rsp_pcr_reset(data, size, &rc2);
	check_rc(ret2, rc2);
	check(ret2 == ret && rc2 == rc);
	end = declared_size(data, size);
	if (end <= size) {
		ret2 = tpm2_rsp_pcr_reset(data, end, &rc2);
		check(ret2 == ret && rc2 == rc);
	}
	ret = tpm2_rsp_get_capability_pcrs(data, size, &rc, &banks);
	check_rc(ret, rc);
	check(ret != -XEN_ENODATA && ret != -XEN_EINVAL);
	check_banks(ret, &banks);

	/* Bytes past the declared size must not matter. */
	end = declared_size(data, size);
	if (end <= size) {
		ret2 = tpm2_rsp_get_capability_pcrs(data, end, &rc2, &banks2);
		check(ret2 == ret && rc2 == rc);
		check(memcmp(&banks, &banks2, sizeof(banks)) == 0);
	}

	if (size >= 1) {
		const uint8_t *rsp = data + 1;
		size_t rsp_size = size - 1;

		memset(digest, 0xcc, sizeof(digest));
		ret = tpm2_rsp_pcr_read(rsp, rsp_size, pcr, alg, digest, sizeof(digest), &rc);
		check(documented(ret));
		if (pcr >= TPM2_PCR_COUNT || ds == 0) {
			check(ret == -XEN_EINVAL);
			return 0;
		}
		check(ret != -XEN_EINVAL && ret != -XEN_EOPNOTSUPP);
		check_rc(ret, rc);
		check_read(ret, rsp, rsp_size, ds, digest);
		/* Never more than ds bytes written. */
		check(ds == TPM2_MAX_DIGEST_SIZE || digest[ds] == 0xcc);

		end = declared_size(rsp, rsp_size);
		if (end <= rsp_size) {
			ret2 = tpm2_rsp_pcr_read(rsp, end, pcr, alg, digest2, ds, &rc2);
			check(ret2 == ret && rc2 == rc);
			check(memcmp(digest, digest2, ds) == 0);
		}
	}
	return 0;
}
