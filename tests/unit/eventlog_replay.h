/*
 * Expected PCR values for the tests, computed with OpenSSL only (never our
 * own SHA code): per-bank PCR state, extend and measure, and a replay of a
 * whole crypto-agile log read with the independent eventlog_reader.h. For
 * cmocka tests: a mismatch or malformed log fails the calling test.
 * Include after <cmocka.h>, <openssl/evp.h> and attest/eventlog.h.
 */
#ifndef TESTS_UNIT_EVENTLOG_REPLAY_H
#define TESTS_UNIT_EVENTLOG_REPLAY_H

#include "eventlog_reader.h"

#define PCRS 24

static inline const EVP_MD *evp_of(uint16_t alg)
{
	switch (alg) {
	case 0x0004:
		return EVP_sha1();
	case 0x000B:
		return EVP_sha256();
	case 0x000C:
		return EVP_sha384();
	case 0x000D:
		return EVP_sha512();
	default:
		return NULL;
	}
}

static inline void ossl(uint16_t alg, const void *a, size_t an, const void *b,
		 size_t bn, uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 0;

	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, evp_of(alg), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, a, an), 1);
	if (bn) {
		assert_int_equal(EVP_DigestUpdate(c, b, bn), 1);
	}
	assert_int_equal(EVP_DigestFinal_ex(c, out, &n), 1);
	EVP_MD_CTX_free(c);
}

/* PCR values per bank, computed outside the log. */
struct pcrs {
	uint32_t bank_count;
	uint16_t alg[EVR_BANK_MAX];
	uint8_t v[EVR_BANK_MAX][PCRS][64];
};

static inline void pcrs_init(struct pcrs *s, const uint16_t *algs, uint32_t n)
{
	memset(s, 0, sizeof(*s));
	s->bank_count = n;
	memcpy(s->alg, algs, n * sizeof(algs[0]));
}

static inline void pcrs_extend(struct pcrs *s, uint32_t b, uint32_t pcr,
			const uint8_t *digest)
{
	size_t sz = evr_alg_size(s->alg[b]);
	uint8_t tmp[64];

	ossl(s->alg[b], s->v[b][pcr], sz, digest, sz, tmp);
	memcpy(s->v[b][pcr], tmp, sz);
}

/* Expected state: measure data the way the log says it was measured. */
static inline void pcrs_measure(struct pcrs *s, uint32_t pcr, const void *data,
			 size_t len)
{
	uint8_t d[64];
	uint32_t b;

	for (b = 0; b < s->bank_count; b++) {
		ossl(s->alg[b], data, len, NULL, 0, d);
		pcrs_extend(s, b, pcr, d);
	}
}

/* Parse a whole log with the independent reader and replay its extends.
 * Returns the number of records, the header included. */
static inline uint32_t replay(const uint8_t *buf, size_t len, struct pcrs *out)
{
	struct evr_log l;
	struct evr_rec r;
	uint32_t n = 1, b;
	uint16_t algs[EVR_BANK_MAX];
	int rc;

	assert_int_equal(evr_open(&l, buf, len), 0);
	for (b = 0; b < l.bank_count; b++) {
		algs[b] = l.bank[b].alg;
	}
	pcrs_init(out, algs, l.bank_count);
	while ((rc = evr_next(&l, &r)) == 1) {
		n++;
		if (r.type == EV_NO_ACTION) {
			continue;
		}
		assert_true(r.pcr < PCRS);
		for (b = 0; b < l.bank_count; b++) {
			pcrs_extend(out, b, r.pcr, r.digest[b]);
		}
	}
	assert_int_equal(rc, 0);
	return n;
}

#endif
