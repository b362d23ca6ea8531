/*
 * TPM 2.0 response parsing (TCG TPM 2.0 Library, Parts 2 and 3) for the
 * commands tpm2_cmd.c builds.
 *
 * The TPM is not trusted: every read goes through a reader bounded by both
 * the buffer and the size the response declares, every count and length is
 * checked before it is used, and a response must end exactly where its size
 * says. Any mismatch is -XEN_EBADMSG. This file must never read outside
 * rsp[0, len), never write past a caller's output, and never depend on libc
 * beyond hv/lib.h or on hardware.
 */
#include <hv/lib.h>
#include <public/errno.h>

#include <attest/tpm2.h>

/* A bounded reader over rsp[0, end). Once a get fails, every later get
 * fails too, so a parser may check bad once after a run of gets. */
struct tpm2_reader {
	const uint8_t *buf;
	size_t end;
	size_t pos;
	bool bad;
};

static bool get_bytes(struct tpm2_reader *r, void *out, size_t n)
{
	if (r->bad || n > r->end - r->pos) {
		r->bad = true;
		if (out != NULL) {
			memset(out, 0, n);
		}
		return false;
	}
	if (out != NULL) {
		memcpy(out, r->buf + r->pos, n);
	}
	r->pos += n;
	return true;
}

static uint8_t get_u8(struct tpm2_reader *r)
{
	uint8_t b[1];

	get_bytes(r, b, sizeof(b));
	return b[0];
}

static uint16_t get_u16(struct tpm2_reader *r)
{
	uint8_t b[2];

	get_bytes(r, b, sizeof(b));
	return (uint16_t)((b[0] << 8) | b[1]);
}

static uint32_t get_u32(struct tpm2_reader *r)
{
	uint8_t b[4];

	get_bytes(r, b, sizeof(b));
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Skip a TPM2B: a 16-bit size, then that many bytes. */
static void skip_tpm2b(struct tpm2_reader *r)
{
	uint16_t n = get_u16(r);

	get_bytes(r, NULL, n);
}

/* Everything must have been consumed, and nothing may have failed. */
static int done(const struct tpm2_reader *r)
{
	return (r->bad || r->pos != r->end) ? -XEN_EBADMSG : 0;
}

bool tpm2_startup_ok(uint32_t rc)
{
	return rc == TPM2_RC_SUCCESS || rc == TPM2_RC_INITIALIZE;
}

/*
 * Check the header and set up *r over the declared size. An error answer is
 * the header alone (Part 1: a response with an error carries no
 * parameters), tagged NO_SESSIONS or, from a TPM refusing a TPM 1.2 tag,
 * RSP_COMMAND; -XEN_EIO then. A success must carry ok_tag (SESSIONS exactly
 * when the command had a session).
 */
static int header(struct tpm2_reader *r, const uint8_t *rsp, size_t len, uint16_t ok_tag,
		  uint32_t *rc)
{
	uint16_t tag;
	uint32_t size, code;

	*rc = TPM2_RC_UNPARSED;
	r->buf = rsp;
	r->end = len;
	r->pos = 0;
	r->bad = false;
	tag = get_u16(r);
	size = get_u32(r);
	code = get_u32(r);
	if (r->bad || size < TPM2_HEADER_SIZE || size > len) {
		return -XEN_EBADMSG;
	}
	r->end = size;
	if (code != TPM2_RC_SUCCESS) {
		if ((tag != TPM2_ST_NO_SESSIONS && tag != TPM2_ST_RSP_COMMAND) ||
		    size != TPM2_HEADER_SIZE) {
			return -XEN_EBADMSG;
		}
		*rc = code;
		return -XEN_EIO;
	}
	if (tag != ok_tag) {
		return -XEN_EBADMSG;
	}
	*rc = code;
	return 0;
}

int tpm2_rsp_startup(const uint8_t *rsp, size_t len, uint32_t *rc)
{
	struct tpm2_reader r;
	int ret = header(&r, rsp, len, TPM2_ST_NO_SESSIONS, rc);

	if (ret == -XEN_EIO && tpm2_startup_ok(*rc)) {
		return 0;
	}
	if (ret) {
		return ret;
	}
	if (done(&r)) {
		*rc = TPM2_RC_UNPARSED;
		return -XEN_EBADMSG;
	}
	return 0;
}

/*
 * The answer to a PCR command sent with the one password session
 * (PCR_Extend, PCR_Reset): no response handles and no parameters, then one
 * TPMS_AUTH_RESPONSE for the one session: nonceTPM, attributes, hmac.
 */
static int rsp_pcr_pw(const uint8_t *rsp, size_t len, uint32_t *rc)
{
	struct tpm2_reader r;
	uint32_t param_size;
	int ret = header(&r, rsp, len, TPM2_ST_SESSIONS, rc);

	if (ret) {
		return ret;
	}
	param_size = get_u32(&r);
	if (param_size != 0) {
		r.bad = true;
	}
	skip_tpm2b(&r);
	(void)get_u8(&r);
	skip_tpm2b(&r);
	if (done(&r)) {
		*rc = TPM2_RC_UNPARSED;
		return -XEN_EBADMSG;
	}
	return 0;
}

int tpm2_rsp_pcr_extend(const uint8_t *rsp, size_t len, uint32_t *rc)
{
	return rsp_pcr_pw(rsp, len, rc);
}

int tpm2_rsp_pcr_reset(const uint8_t *rsp, size_t len, uint32_t *rc)
{
	return rsp_pcr_pw(rsp, len, rc);
}

/* One TPMS_PCR_SELECTION: the hash and up to TPM2_PCR_SELECT_MAX bytes of
 * pcrSelect, copied to select (zero-padded). */
static void get_pcr_selection(struct tpm2_reader *r, uint16_t *alg,
			      uint8_t select[TPM2_PCR_SELECT_MAX], uint8_t *select_size)
{
	*alg = get_u16(r);
	*select_size = get_u8(r);
	memset(select, 0, TPM2_PCR_SELECT_MAX);
	if (*select_size > TPM2_PCR_SELECT_MAX) {
		r->bad = true;
		return;
	}
	get_bytes(r, select, *select_size);
}

static bool any_bit(const uint8_t select[TPM2_PCR_SELECT_MAX])
{
	unsigned int i;

	for (i = 0; i < TPM2_PCR_SELECT_MAX; i++) {
		if (select[i] != 0) {
			return true;
		}
	}
	return false;
}

static int parse_pcrs(struct tpm2_reader *r, struct tpm2_banks *banks)
{
	uint16_t seen[TPM2_MAX_BANKS];
	uint32_t count, i;
	uint8_t more;

	more = get_u8(r);
	if (get_u32(r) != TPM2_CAP_PCRS || more > 1) {
		return -XEN_EBADMSG;
	}
	count = get_u32(r);
	if (r->bad || count > TPM2_MAX_BANKS) {
		return -XEN_EBADMSG;
	}
	for (i = 0; i < count; i++) {
		uint8_t select[TPM2_PCR_SELECT_MAX], select_size;
		unsigned int j;
		uint16_t alg;

		get_pcr_selection(r, &alg, select, &select_size);
		if (r->bad) {
			return -XEN_EBADMSG;
		}
		/* A bank listed twice is a broken TPM, active or not. */
		for (j = 0; j < i; j++) {
			if (seen[j] == alg) {
				return -XEN_EBADMSG;
			}
		}
		seen[i] = alg;
		if (!any_bit(select)) {
			continue;
		}
		if (tpm2_alg_digest_size(alg) == 0) {
			banks->unsupported++;
			continue;
		}
		/* Known and not seen before: at most TPM2_KNOWN_ALGS get here. */
		banks->bank[banks->count].alg = alg;
		banks->bank[banks->count].digest_size = (uint16_t)tpm2_alg_digest_size(alg);
		banks->count++;
	}
	if (done(r)) {
		return -XEN_EBADMSG;
	}
	/* A list the TPM says goes on may hide an active bank. */
	return more ? -XEN_EOPNOTSUPP : 0;
}

int tpm2_rsp_get_capability_pcrs(const uint8_t *rsp, size_t len, uint32_t *rc,
				 struct tpm2_banks *banks)
{
	struct tpm2_reader r;
	int ret;

	memset(banks, 0, sizeof(*banks));
	ret = header(&r, rsp, len, TPM2_ST_NO_SESSIONS, rc);
	if (ret) {
		return ret;
	}
	ret = parse_pcrs(&r, banks);
	if (ret) {
		memset(banks, 0, sizeof(*banks));
		if (ret == -XEN_EBADMSG) {
			*rc = TPM2_RC_UNPARSED;
		}
	}
	return ret;
}

static int parse_pcr_read(struct tpm2_reader *r, uint32_t pcr, uint16_t alg, uint8_t *digest,
			  size_t digest_size)
{
	uint8_t select[TPM2_PCR_SELECT_MAX], select_size;
	uint32_t sel_count, dig_count;
	uint16_t got_alg, size;
	unsigned int i;

	(void)get_u32(r); /* pcrUpdateCounter */
	sel_count = get_u32(r);
	if (r->bad || sel_count > 1) {
		return -XEN_EBADMSG;
	}
	if (sel_count == 0) {
		/* The bank is not allocated: nothing selected, no value. */
		dig_count = get_u32(r);
		if (dig_count != 0 || done(r)) {
			return -XEN_EBADMSG;
		}
		return -XEN_ENODATA;
	}
	get_pcr_selection(r, &got_alg, select, &select_size);
	if (r->bad || got_alg != alg) {
		return -XEN_EBADMSG;
	}
	/* Only the bit asked for may be set, or no bit at all. */
	for (i = 0; i < TPM2_PCR_SELECT_MAX; i++) {
		uint8_t want = (i == pcr / 8) ? (uint8_t)(1u << (pcr % 8)) : 0;

		if (select[i] & (uint8_t)~want) {
			return -XEN_EBADMSG;
		}
	}
	dig_count = get_u32(r);
	if (r->bad) {
		return -XEN_EBADMSG;
	}
	if (!any_bit(select)) {
		if (dig_count != 0 || done(r)) {
			return -XEN_EBADMSG;
		}
		return -XEN_ENODATA;
	}
	if (dig_count != 1) {
		return -XEN_EBADMSG;
	}
	size = get_u16(r);
	if (r->bad || size != digest_size) {
		return -XEN_EBADMSG;
	}
	get_bytes(r, digest, digest_size);
	return done(r);
}

int tpm2_rsp_pcr_read(const uint8_t *rsp, size_t len, uint32_t pcr, uint16_t alg,
		      uint8_t *digest, size_t digest_cap, uint32_t *rc)
{
	size_t digest_size = tpm2_alg_digest_size(alg);
	struct tpm2_reader r;
	int ret;

	*rc = TPM2_RC_UNPARSED;
	if (pcr >= TPM2_PCR_COUNT || digest_size == 0 || digest_cap < digest_size) {
		return -XEN_EINVAL;
	}
	memset(digest, 0, digest_size);
	ret = header(&r, rsp, len, TPM2_ST_NO_SESSIONS, rc);
	if (ret) {
		return ret;
	}
	ret = parse_pcr_read(&r, pcr, alg, digest, digest_size);
	if (ret) {
		memset(digest, 0, digest_size);
		if (ret == -XEN_EBADMSG) {
			*rc = TPM2_RC_UNPARSED;
		}
	}
	return ret;
}
