/*
 * TCG PC Client crypto-agile event log writer: the Spec ID Event03 header
 * record and TCG_PCR_EVENT2 records, into a caller-provided buffer.
 *
 * Every record's size is computed and checked against the space left before
 * the first byte of it is written, so a full log refuses a record whole and
 * never writes past cap. Integers are stored byte by byte, little-endian, so
 * the buffer may have any alignment. Portable: no libc beyond hv/lib.h.
 */
#include <hv/lib.h>

#include <attest/eventlog.h>
#include <attest/sha.h>
#include <public/errno.h>

/* "Spec ID Event03" and its NUL, 16 bytes. */
static const char spec_id_sig[EVLOG_SPEC_ID_SIG_SIZE] = "Spec ID Event03";

#define SPEC_VERSION_MINOR 0u
#define SPEC_VERSION_MAJOR 2u
/* Errata 2: the PFP revision that defines this layout for TPM 2.0. */
#define SPEC_ERRATA        2u
/* uintnSize 2: UINTN is 64 bits. */
#define SPEC_UINTN_SIZE    2u

/* TCG_PCR_EVENT: pcrIndex, eventType, SHA-1 digest, eventDataSize. */
#define PCR_EVENT_HDR_SIZE (4u + 4u + SHA1_DIGEST_SIZE + 4u)

size_t evlog_alg_digest_size(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		return SHA1_DIGEST_SIZE;
	case TPM2_ALG_SHA256:
		return SHA256_DIGEST_SIZE;
	case TPM2_ALG_SHA384:
		return SHA384_DIGEST_SIZE;
	case TPM2_ALG_SHA512:
		return SHA512_DIGEST_SIZE;
	default:
		return 0;
	}
}

static uint8_t *put_u8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}

static uint8_t *put_bytes(uint8_t *p, const void *src, size_t n)
{
	if (n) {
		memcpy(p, src, n);
	}
	return p + n;
}

/* Size of TCG_EfiSpecIDEvent for n banks and no vendor info. */
static size_t spec_id_size(uint32_t n)
{
	return EVLOG_SPEC_ID_SIG_SIZE + 4 + 1 + 1 + 1 + 1 + 4 + (size_t)n * 4 + 1;
}

size_t evlog_record_size(const struct evlog *log, uint32_t event_size)
{
	size_t n = EVLOG_EVENT2_HDR_SIZE + 4 + (size_t)event_size;
	uint32_t i;

	for (i = 0; i < log->bank_count; i++) {
		n += 2 + evlog_alg_digest_size(log->bank_alg[i]);
	}
	return n;
}

/* Decode: check every bank before anything is written. */
static int check_banks(const uint16_t *algs, uint32_t alg_count)
{
	uint32_t i, j;

	if (!algs || alg_count == 0 || alg_count > EVLOG_BANK_MAX) {
		return -XEN_EINVAL;
	}
	for (i = 0; i < alg_count; i++) {
		if (!evlog_alg_digest_size(algs[i])) {
			return -XEN_EOPNOTSUPP;
		}
		for (j = 0; j < i; j++) {
			if (algs[j] == algs[i]) {
				return -XEN_EINVAL;
			}
		}
	}
	return 0;
}

int evlog_init(struct evlog *log, void *buf, size_t cap, const uint16_t *algs,
	       uint32_t alg_count, uint32_t platform_class)
{
	size_t id_size, need;
	uint8_t *p;
	uint32_t i;
	int rc;

	memset(log, 0, sizeof(*log));
	if (!buf && cap) {
		return -XEN_EINVAL;
	}
	rc = check_banks(algs, alg_count);
	if (rc) {
		return rc;
	}
	id_size = spec_id_size(alg_count);
	need = PCR_EVENT_HDR_SIZE + id_size;
	if (need > cap) {
		return -XEN_ENOSPC;
	}

	p = buf;
	p = put_u32(p, 0);
	p = put_u32(p, EV_NO_ACTION);
	memset(p, 0, SHA1_DIGEST_SIZE);
	p += SHA1_DIGEST_SIZE;
	p = put_u32(p, (uint32_t)id_size);
	p = put_bytes(p, spec_id_sig, sizeof(spec_id_sig));
	p = put_u32(p, platform_class);
	p = put_u8(p, SPEC_VERSION_MINOR);
	p = put_u8(p, SPEC_VERSION_MAJOR);
	p = put_u8(p, SPEC_ERRATA);
	p = put_u8(p, SPEC_UINTN_SIZE);
	p = put_u32(p, alg_count);
	for (i = 0; i < alg_count; i++) {
		p = put_u16(p, algs[i]);
		p = put_u16(p, (uint16_t)evlog_alg_digest_size(algs[i]));
	}
	p = put_u8(p, 0); /* vendorInfoSize */

	/* Commit: the log now has its banks and its first record. */
	log->buf = buf;
	log->cap = cap;
	log->used = (size_t)(p - (uint8_t *)buf);
	log->count = 1;
	log->bank_count = alg_count;
	for (i = 0; i < alg_count; i++) {
		log->bank_alg[i] = algs[i];
	}
	return 0;
}

int evlog_append(struct evlog *log, uint32_t pcr, uint32_t type,
		 const struct evlog_digests *dig, const void *event,
		 uint32_t event_size)
{
	size_t need;
	uint8_t *p;
	uint32_t i;

	if (log->bank_count == 0 || pcr >= EVLOG_PCR_COUNT ||
	    (event_size && !event)) {
		return -XEN_EINVAL;
	}
	need = evlog_record_size(log, event_size);
	/* used <= cap holds, so cap - used cannot wrap. */
	if (need > log->cap - log->used) {
		return -XEN_ENOSPC;
	}

	p = log->buf + log->used;
	p = put_u32(p, pcr);
	p = put_u32(p, type);
	p = put_u32(p, log->bank_count);
	for (i = 0; i < log->bank_count; i++) {
		p = put_u16(p, log->bank_alg[i]);
		p = put_bytes(p, dig->d[i],
			      evlog_alg_digest_size(log->bank_alg[i]));
	}
	p = put_u32(p, event_size);
	p = put_bytes(p, event, event_size);

	log->used += need;
	log->count++;
	return 0;
}

void evlog_digest(const struct evlog *log, const void *data, size_t len,
		  struct evlog_digests *dig)
{
	uint32_t i;

	memset(dig, 0, sizeof(*dig));
	for (i = 0; i < log->bank_count; i++) {
		switch (log->bank_alg[i]) {
		case TPM2_ALG_SHA1:
			sha1(data, len, dig->d[i]);
			break;
		case TPM2_ALG_SHA256:
			sha256(data, len, dig->d[i]);
			break;
		case TPM2_ALG_SHA384:
			sha384(data, len, dig->d[i]);
			break;
		case TPM2_ALG_SHA512:
			sha512(data, len, dig->d[i]);
			break;
		default:
			/* evlog_init admits only the algorithms above. */
			break;
		}
	}
}

int evlog_measure(struct evlog *log, uint32_t pcr, uint32_t type,
		  const void *data, size_t len, const void *event,
		  uint32_t event_size, struct evlog_digests *dig)
{
	struct evlog_digests local;
	/* cppcheck-suppress uninitvar ; evlog_digest() clears and fills *d before anything reads it */
	struct evlog_digests *d = dig ? dig : &local;

	if (type == EV_NO_ACTION || (len && !data)) {
		return -XEN_EINVAL;
	}
	evlog_digest(log, data, len, d);
	return evlog_append(log, pcr, type, d, event, event_size);
}
