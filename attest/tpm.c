/*
 * Measured boot's TPM commands over the arch transport. Every response is
 * parsed by attest/tpm2_rsp.c within its own bounds: a hostile or broken
 * TPM gets an error code here, never an out-of-bounds access. Never sends
 * anything but Startup, GetCapability, PCR_Reset, PCR_Extend and PCR_Read.
 * One command buffer and one response buffer, static: callers are
 * serialised (see attest/measure.h).
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <public/errno.h>

#include <attest/tpm.h>

#define TPM_RSP_MAX 1024

static uint8_t cmd_buf[TPM2_CMD_MAX];
static uint8_t rsp_buf[TPM_RSP_MAX];

/* Send cmd_buf[0, len) and leave the response in rsp_buf. */
static int transact(size_t len, size_t *rsp_len)
{
	int rc = arch_tpm_transmit(cmd_buf, len, rsp_buf, sizeof(rsp_buf), rsp_len);

	if (rc != 0) {
		*rsp_len = 0;
	}
	return rc;
}

/* Send the command a builder just wrote into cmd_buf (build_rc its result,
 * *len its length). */
static int send_built(int build_rc, const size_t *len, size_t *rsp_len)
{
	if (build_rc != 0) {
		*rsp_len = 0;
		return build_rc;
	}
	return transact(*len, rsp_len);
}

/* A parser's verdict as one error: the TPM's code is said once, here. */
static int verdict(const char *what, int rc, uint32_t tpm_rc)
{
	if (rc == 0) {
		return 0;
	}
	if (tpm_rc == TPM2_RC_UNPARSED) {
		printk(LOG_ERR, "tpm: %s: malformed response (%d)", what, rc);
	} else {
		printk(LOG_ERR, "tpm: %s: TPM error 0x%x", what, tpm_rc);
	}
	return rc == -XEN_EOPNOTSUPP || rc == -XEN_ENODATA ? rc : -XEN_EIO;
}

int tpm_open(unsigned int locality, struct tpm2_banks *banks)
{
	size_t len, rlen;
	uint32_t tpm_rc;
	int rc;

	memset(banks, 0, sizeof(*banks));
	rc = arch_tpm_open(locality);
	if (rc != 0) {
		return rc;
	}
	rc = send_built(tpm2_cmd_startup_clear(cmd_buf, sizeof(cmd_buf), &len), &len, &rlen);
	if (rc != 0) {
		return rc;
	}
	rc = verdict("Startup", tpm2_rsp_startup(rsp_buf, rlen, &tpm_rc), tpm_rc);
	if (rc != 0) {
		return rc;
	}
	rc = send_built(tpm2_cmd_get_capability_pcrs(cmd_buf, sizeof(cmd_buf), &len), &len, &rlen);
	if (rc != 0) {
		return rc;
	}
	rc = verdict("GetCapability(PCRS)",
		     tpm2_rsp_get_capability_pcrs(rsp_buf, rlen, &tpm_rc, banks), tpm_rc);
	if (rc != 0) {
		return rc;
	}
	if (banks->unsupported != 0 || banks->count == 0) {
		printk(LOG_ERR, "tpm: %u active PCR bank%s of %u use an algorithm Moat cannot hash",
		       banks->unsupported, banks->unsupported == 1 ? "" : "s",
		       banks->count + banks->unsupported);
		return -XEN_EOPNOTSUPP;
	}
	return 0;
}

int tpm_pcr_reset(uint32_t pcr)
{
	size_t len, rlen;
	uint32_t tpm_rc;
	int rc = send_built(tpm2_cmd_pcr_reset(cmd_buf, sizeof(cmd_buf), pcr, &len), &len, &rlen);

	if (rc != 0) {
		return rc;
	}
	return verdict("PCR_Reset", tpm2_rsp_pcr_reset(rsp_buf, rlen, &tpm_rc), tpm_rc);
}

int tpm_pcr_extend(uint32_t pcr, const struct tpm2_banks *banks, const struct evlog_digests *dig)
{
	const uint8_t *digest[TPM2_KNOWN_ALGS];
	size_t len, rlen;
	uint32_t tpm_rc;
	int rc;

	for (unsigned int i = 0; i < TPM2_KNOWN_ALGS; i++) {
		digest[i] = dig->d[i];
	}
	rc = send_built(tpm2_cmd_pcr_extend(cmd_buf, sizeof(cmd_buf), pcr, banks, digest, &len),
			&len, &rlen);
	if (rc != 0) {
		return rc;
	}
	return verdict("PCR_Extend", tpm2_rsp_pcr_extend(rsp_buf, rlen, &tpm_rc), tpm_rc);
}

int tpm_pcr_read(uint32_t pcr, uint16_t alg, uint8_t *digest, size_t cap)
{
	size_t len, rlen;
	uint32_t tpm_rc;
	int rc = send_built(tpm2_cmd_pcr_read(cmd_buf, sizeof(cmd_buf), pcr, alg, &len), &len, &rlen);

	if (rc != 0) {
		return rc;
	}
	rc = tpm2_rsp_pcr_read(rsp_buf, rlen, pcr, alg, digest, cap, &tpm_rc);
	return rc == -XEN_EINVAL ? rc : verdict("PCR_Read", rc, tpm_rc);
}
