/*
 * Fuzz harness for attest/eventlog.c. The input picks a capacity (0..1023
 * bytes, allocated exactly so that ASan catches any write past it), a bank
 * list (possibly empty, repeated or unsupported), then a sequence of
 * measurements with random PCRs, event types, data and event sizes.
 *
 * After every call: used never exceeds cap; a record is refused with
 * -XEN_ENOSPC exactly when it does not fit and then nothing changed; the
 * whole log parses with the independent reader (tests/unit/eventlog_reader.h)
 * to exactly count records ending exactly at used; the record just written
 * carries OpenSSL's digests of the data. OpenSSL is the reference only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <hv/lib.h>
#include <attest/eventlog.h>
#include <public/errno.h>

#include "eventlog_reader.h"
#include "fuzz.h"
#include "fuzz_input.h"

static const uint16_t alg_choice[] = { TPM2_ALG_SHA1, TPM2_ALG_SHA256,
				       TPM2_ALG_SHA384, TPM2_ALG_SHA512,
				       0x0012 /* SM3: unsupported */ };

static const uint32_t type_choice[] = { EV_IPL, EV_SEPARATOR, EV_EVENT_TAG,
					EV_NO_ACTION, 0x80000001u };

static harness_only const EVP_MD *evp_of(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		return EVP_sha1();
	case TPM2_ALG_SHA256:
		return EVP_sha256();
	case TPM2_ALG_SHA384:
		return EVP_sha384();
	default:
		return EVP_sha512();
	}
}

/* The whole log parses, record for record, and ends exactly at used. */
static harness_only void check_parses(const struct evlog *log,
				      struct evr_rec *last)
{
	struct evr_log l;
	struct evr_rec r;
	uint32_t n = 1, b;
	int rc;

	check(evr_open(&l, log->buf, log->used) == 0);
	check(l.bank_count == log->bank_count);
	for (b = 0; b < l.bank_count; b++) {
		check(l.bank[b].alg == log->bank_alg[b]);
	}
	while ((rc = evr_next(&l, &r)) == 1) {
		n++;
		*last = r;
	}
	check(rc == 0);
	check(n == log->count);
	check(l.off == log->used);
}

static harness_only void check_digests(const struct evlog *log,
				       const struct evr_rec *r,
				       const uint8_t *data, size_t len)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	unsigned int olen = 0;
	uint32_t b;

	for (b = 0; b < log->bank_count; b++) {
		check(EVP_Digest(data, len, want, &olen,
				 evp_of(log->bank_alg[b]), NULL) == 1);
		check(olen == evlog_alg_digest_size(log->bank_alg[b]));
		check(memcmp(r->digest[b], want, olen) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	size_t cap = u16(&in) % 1024;
	uint8_t *buf = malloc(cap ? cap : 1);
	uint16_t algs[6];
	uint32_t n = u8(&in) % 6, i, ops;
	struct evlog log;
	int rc;

	check(buf != NULL);
	for (i = 0; i < n; i++) {
		algs[i] = alg_choice[u8(&in) % 5];
	}
	rc = evlog_init(&log, buf, cap, algs, n, u8(&in) & 1);
	check(rc == 0 || rc == -XEN_EINVAL || rc == -XEN_EOPNOTSUPP ||
	      rc == -XEN_ENOSPC);
	check(log.used <= cap);
	if (rc == 0) {
		struct evr_rec last;

		check(log.count == 1);
		check_parses(&log, &last);
	}

	for (ops = 0; ops < 64 && in.left; ops++) {
		uint32_t pcr = u8(&in) % 26;
		uint32_t type = type_choice[u8(&in) % 5];
		size_t len = u8(&in);
		uint32_t esz = u8(&in);
		size_t used = log.used, need;
		uint32_t count = log.count;
		const uint8_t *payload;

		/* Data and event come from the input where it has enough
		 * bytes, else from the start of it (or a zero page). */
		static const uint8_t zeros[256];

		payload = in.left >= 256 ? in.p : zeros;
		need = evlog_record_size(&log, esz);
		rc = evlog_measure(&log, pcr, type, payload, len, payload + 1,
				   esz, NULL);
		check(log.used <= cap);
		if (rc != 0) {
			check(log.used == used && log.count == count);
		}
		/* A failed init leaves a log of no bank: all refused. */
		if (log.bank_count == 0) {
			check(rc == -XEN_EINVAL);
			continue;
		}
		if (pcr >= 24 || type == EV_NO_ACTION) {
			check(rc == -XEN_EINVAL);
			continue;
		}
		if (need > cap - used) {
			check(rc == -XEN_ENOSPC);
		} else {
			struct evr_rec last;

			check(rc == 0);
			check(log.used == used + need);
			check(log.count == count + 1);
			check_parses(&log, &last);
			check(last.pcr == pcr && last.type == type);
			check(last.event_size == esz);
			check(memcmp(last.event, payload + 1, esz) == 0);
			check_digests(&log, &last, payload, len);
		}
		if (in.left >= 256) {
			in.p += 16;
			in.left -= 16;
		}
	}
	free(buf);
	return 0;
}
