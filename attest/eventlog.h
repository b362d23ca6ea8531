/*
 * TCG PC Client crypto-agile event log writer (TCG PC Client Platform
 * Firmware Profile, "Spec ID Event03" format), into a buffer the caller owns.
 *
 * Layout written, all integers little-endian:
 *  - record 0, in the SHA-1 TCG_PCR_EVENT layout: pcrIndex 0, EV_NO_ACTION,
 *    20 zero bytes, eventSize, then TCG_EfiSpecIDEvent: "Spec ID Event03\0",
 *    platformClass, spec version 2.0 errata 2, uintnSize 2,
 *    numberOfAlgorithms, (algId, digestSize) per active bank, vendorInfoSize 0;
 *  - then TCG_PCR_EVENT2 records: pcrIndex, eventType, TPML_DIGEST_VALUES
 *    (count, then (hashAlg, digest) per active bank in the header's order),
 *    eventSize, event data.
 *
 * The writer never writes past the capacity given at init: a record that
 * does not fit is refused whole (-XEN_ENOSPC) and the log is left as it was,
 * still parseable. It never allocates, locks or keeps global state; the
 * caller serialises access to one log. It only records: extending the TPM's
 * PCRs with the same digests is the caller's job (evlog_measure hands them
 * back for that). Portable: no libc beyond hv/lib.h, nothing arch-specific.
 */
#ifndef ATTEST_EVENTLOG_H
#define ATTEST_EVENTLOG_H

#include <hv/types.h>

#include <attest/sha.h>
#include <attest/tpm2.h>

/* Event types (TCG PC Client PFP, "Event Types"); the spec's names. */
#define EV_NO_ACTION 0x00000003u
#define EV_SEPARATOR 0x00000004u
#define EV_EVENT_TAG 0x00000006u
#define EV_IPL       0x0000000Du

/* The banks' algorithm identifiers (TPM2_ALG_*) are attest/tpm2.h's. */

/* TCG_EfiSpecIDEvent.platformClass. */
#define EVLOG_PLATFORM_CLIENT 0u
#define EVLOG_PLATFORM_SERVER 1u

/* At most one bank per algorithm we can hash. */
#define EVLOG_BANK_MAX    4u
#define EVLOG_DIGEST_MAX  SHA512_DIGEST_SIZE
/* PCRs 0..23 of a PC Client TPM. */
#define EVLOG_PCR_COUNT   24u

/* Sizes of the fixed parts, for callers sizing a buffer. */
#define EVLOG_SPEC_ID_SIG_SIZE 16u
#define EVLOG_EVENT2_HDR_SIZE  12u /* pcrIndex, eventType, digests.count */

/*
 * Invariants between calls: buf[0, used) holds the header record followed by
 * count - 1 complete TCG_PCR_EVENT2 records and used <= cap; bank_alg[] has
 * bank_count distinct supported algorithms, in the header's order.
 */
struct evlog {
	uint8_t *buf;
	size_t cap;
	size_t used;
	uint32_t count;
	uint32_t bank_count;
	uint16_t bank_alg[EVLOG_BANK_MAX];
};

/* One digest per active bank, in the log's bank order. */
struct evlog_digests {
	uint8_t d[EVLOG_BANK_MAX][EVLOG_DIGEST_MAX];
};

/* Digest size of a TPM2_ALG_* we can hash, or 0 for any other. */
size_t evlog_alg_digest_size(uint16_t alg);

/*
 * Start a log in buf[0, cap) for the active banks algs[0, alg_count) and
 * write the Spec ID header. 0; -XEN_EINVAL (no bank, too many, a repeated
 * one, or a NULL buffer with cap > 0); -XEN_EOPNOTSUPP (an algorithm we
 * cannot hash); -XEN_ENOSPC (the header does not fit). On error *log is a
 * log of no bank that refuses every append.
 */
int evlog_init(struct evlog *log, void *buf, size_t cap, const uint16_t *algs,
	       uint32_t alg_count, uint32_t platform_class);

/*
 * Append one TCG_PCR_EVENT2 with the digests the caller computed (one per
 * bank, in bank order). 0; -XEN_EINVAL (pcr >= 24, a log without banks);
 * -XEN_ENOSPC (does not fit: nothing written).
 */
int evlog_append(struct evlog *log, uint32_t pcr, uint32_t type,
		 const struct evlog_digests *dig, const void *event,
		 uint32_t event_size);

/* Hash data with every active bank's algorithm into *dig. */
void evlog_digest(const struct evlog *log, const void *data, size_t len,
		  struct evlog_digests *dig);

/*
 * Measure data: hash it with every active bank and append a record whose
 * event data is event[0, event_size) (a description, or the data itself).
 * The digests are returned in *dig (if not NULL) for the PCR extends. Errors
 * as evlog_append, and -XEN_EINVAL for EV_NO_ACTION (never extended).
 */
int evlog_measure(struct evlog *log, uint32_t pcr, uint32_t type,
		  const void *data, size_t len, const void *event,
		  uint32_t event_size, struct evlog_digests *dig);

/* Bytes a record with event_size bytes of event data takes in this log. */
size_t evlog_record_size(const struct evlog *log, uint32_t event_size);

#endif
