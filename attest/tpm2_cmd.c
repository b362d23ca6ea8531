/*
 * TPM 2.0 command marshalling (TCG TPM 2.0 Library, Part 3): Startup,
 * GetCapability(PCRS), PCR_Reset, PCR_Extend and PCR_Read, built big-endian
 * into a caller's buffer.
 *
 * Portable and freestanding: no libc beyond hv/lib.h, no hardware, no global
 * state. It must never write outside buf[0, cap), and PCR_Extend must never
 * be built with a digest missing for an active bank (a quote over an
 * untouched bank would fool a verifier).
 */
#include <hv/lib.h>
#include <public/errno.h>

#include <attest/tpm2.h>

/* A bounded writer: once a put would overflow, it only records that. */
struct tpm2_writer {
	uint8_t *buf;
	size_t cap;
	size_t pos;
	bool overflow;
};

static void put_bytes(struct tpm2_writer *w, const void *p, size_t n)
{
	if (w->overflow || n > w->cap - w->pos) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->pos, p, n);
	w->pos += n;
}

static void put_u8(struct tpm2_writer *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

static void put_u16(struct tpm2_writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(w, b, sizeof(b));
}

static void put_u32(struct tpm2_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(w, b, sizeof(b));
}

/* Start a command: tag, a size patched in by finish, the command code. */
static void begin(struct tpm2_writer *w, uint8_t *buf, size_t cap, uint16_t tag, uint32_t cc)
{
	w->buf = buf;
	w->cap = cap;
	w->pos = 0;
	w->overflow = false;
	put_u16(w, tag);
	put_u32(w, 0);
	put_u32(w, cc);
}

static int finish(struct tpm2_writer *w, size_t *len)
{
	size_t pos = w->pos;

	if (w->overflow) {
		return -XEN_ENOSPC;
	}
	w->buf[2] = (uint8_t)(pos >> 24);
	w->buf[3] = (uint8_t)(pos >> 16);
	w->buf[4] = (uint8_t)(pos >> 8);
	w->buf[5] = (uint8_t)pos;
	*len = pos;
	return 0;
}

size_t tpm2_alg_digest_size(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		return 20;
	case TPM2_ALG_SHA256:
		return 32;
	case TPM2_ALG_SHA384:
		return 48;
	case TPM2_ALG_SHA512:
		return 64;
	default:
		return 0;
	}
}

int tpm2_cmd_startup_clear(uint8_t *buf, size_t cap, size_t *len)
{
	struct tpm2_writer w;

	*len = 0;
	begin(&w, buf, cap, TPM2_ST_NO_SESSIONS, TPM2_CC_STARTUP);
	put_u16(&w, TPM2_SU_CLEAR);
	return finish(&w, len);
}

int tpm2_cmd_get_capability_pcrs(uint8_t *buf, size_t cap, size_t *len)
{
	struct tpm2_writer w;

	*len = 0;
	begin(&w, buf, cap, TPM2_ST_NO_SESSIONS, TPM2_CC_GET_CAPABILITY);
	put_u32(&w, TPM2_CAP_PCRS);
	put_u32(&w, 0); /* property: unused for PCRS */
	put_u32(&w, 1); /* propertyCount */
	return finish(&w, len);
}

/* The handle of a PCR command (TPM_RH_PCR0 + pcr, which is pcr) and its
 * authorization area: one TPMS_AUTH_COMMAND, the password session with an
 * empty nonce and an empty password (4 + 2 + 1 + 2 bytes). Shared by
 * PCR_Reset and PCR_Extend, so the two cannot drift apart. */
static void put_pcr_handle_pw(struct tpm2_writer *w, uint32_t pcr)
{
	put_u32(w, pcr);
	put_u32(w, 9); /* authorizationSize */
	put_u32(w, TPM2_RS_PW);
	put_u16(w, 0); /* nonceCaller */
	put_u8(w, 0);  /* sessionAttributes */
	put_u16(w, 0); /* hmac: the empty password */
}

int tpm2_cmd_pcr_reset(uint8_t *buf, size_t cap, uint32_t pcr, size_t *len)
{
	struct tpm2_writer w;

	*len = 0;
	if (pcr >= TPM2_PCR_COUNT) {
		return -XEN_EINVAL;
	}
	begin(&w, buf, cap, TPM2_ST_SESSIONS, TPM2_CC_PCR_RESET);
	put_pcr_handle_pw(&w, pcr);
	return finish(&w, len);
}

/* The banks must be what tpm2_rsp_get_capability_pcrs produces: at least
 * one, each known, none twice, and no active bank left out. */
static int check_banks(const struct tpm2_banks *banks, const uint8_t *const digest[])
{
	unsigned int i, j;

	if (banks->unsupported != 0) {
		return -XEN_EOPNOTSUPP;
	}
	if (banks->count == 0 || banks->count > TPM2_KNOWN_ALGS) {
		return -XEN_EINVAL;
	}
	for (i = 0; i < banks->count; i++) {
		const struct tpm2_bank *b = &banks->bank[i];

		if (digest[i] == NULL || tpm2_alg_digest_size(b->alg) == 0 ||
		    b->digest_size != tpm2_alg_digest_size(b->alg)) {
			return -XEN_EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (banks->bank[j].alg == b->alg) {
				return -XEN_EINVAL;
			}
		}
	}
	return 0;
}

int tpm2_cmd_pcr_extend(uint8_t *buf, size_t cap, uint32_t pcr, const struct tpm2_banks *banks,
			const uint8_t *const digest[], size_t *len)
{
	struct tpm2_writer w;
	unsigned int i;
	int ret;

	*len = 0;
	if (pcr >= TPM2_PCR_COUNT) {
		return -XEN_EINVAL;
	}
	ret = check_banks(banks, digest);
	if (ret) {
		return ret;
	}
	begin(&w, buf, cap, TPM2_ST_SESSIONS, TPM2_CC_PCR_EXTEND);
	put_pcr_handle_pw(&w, pcr);
	/* TPML_DIGEST_VALUES: one TPMT_HA per active bank. */
	put_u32(&w, banks->count);
	for (i = 0; i < banks->count; i++) {
		put_u16(&w, banks->bank[i].alg);
		put_bytes(&w, digest[i], banks->bank[i].digest_size);
	}
	return finish(&w, len);
}

int tpm2_cmd_pcr_read(uint8_t *buf, size_t cap, uint32_t pcr, uint16_t alg, size_t *len)
{
	uint8_t select[TPM2_PCR_SELECT_SIZE] = { 0 };
	struct tpm2_writer w;

	*len = 0;
	if (pcr >= TPM2_PCR_COUNT || tpm2_alg_digest_size(alg) == 0) {
		return -XEN_EINVAL;
	}
	select[pcr / 8] = (uint8_t)(1u << (pcr % 8));
	begin(&w, buf, cap, TPM2_ST_NO_SESSIONS, TPM2_CC_PCR_READ);
	/* TPML_PCR_SELECTION with one TPMS_PCR_SELECTION. */
	put_u32(&w, 1);
	put_u16(&w, alg);
	put_u8(&w, TPM2_PCR_SELECT_SIZE);
	put_bytes(&w, select, sizeof(select));
	return finish(&w, len);
}
