/*
 * A small TCG PC Client crypto-agile event log reader for the tests and the
 * fuzzer, written independently of attest/eventlog.c (it includes nothing of
 * it): it checks the Spec ID Event03 header against the specification's
 * layout and walks TCG_PCR_EVENT2 records. It must never read outside
 * [buf, buf + len): every field is bounds-checked before it is read.
 */
#ifndef TESTS_UNIT_EVENTLOG_READER_H
#define TESTS_UNIT_EVENTLOG_READER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EVR_BANK_MAX 8

struct evr_bank {
	uint16_t alg;
	uint16_t size;
};

struct evr_log {
	const uint8_t *buf;
	size_t len;
	size_t off; /* next record */
	uint32_t platform_class;
	uint32_t bank_count;
	struct evr_bank bank[EVR_BANK_MAX];
};

struct evr_rec {
	uint32_t pcr;
	uint32_t type;
	const uint8_t *digest[EVR_BANK_MAX];
	const uint8_t *event;
	uint32_t event_size;
};

static inline uint16_t evr_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t evr_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* The digest sizes TPM 2.0 Part 2 gives SHA-1, SHA-256, SHA-384, SHA-512. */
static inline uint16_t evr_alg_size(uint16_t alg)
{
	switch (alg) {
	case 0x0004:
		return 20;
	case 0x000B:
		return 32;
	case 0x000C:
		return 48;
	case 0x000D:
		return 64;
	default:
		return 0;
	}
}

/* Parse the header record. 0, or -1 for anything the spec does not allow. */
static inline int evr_open(struct evr_log *l, const uint8_t *buf, size_t len)
{
	static const char sig[16] = "Spec ID Event03";
	const uint8_t *p;
	uint32_t esize, i, j;
	size_t need;

	memset(l, 0, sizeof(*l));
	l->buf = buf;
	l->len = len;
	if (len < 32) {
		return -1;
	}
	if (evr_u32(buf) != 0 || evr_u32(buf + 4) != 3) {
		return -1;
	}
	for (i = 0; i < 20; i++) {
		if (buf[8 + i]) {
			return -1;
		}
	}
	esize = evr_u32(buf + 28);
	if (esize > len - 32) {
		return -1;
	}
	p = buf + 32;
	/* signature, platformClass, 4 version bytes, numberOfAlgorithms */
	if (esize < 16 + 4 + 4 + 4 || memcmp(p, sig, 16) != 0) {
		return -1;
	}
	l->platform_class = evr_u32(p + 16);
	if (p[20] != 0 || p[21] != 2 || p[23] != 2) {
		return -1;
	}
	l->bank_count = evr_u32(p + 24);
	if (l->bank_count == 0 || l->bank_count > EVR_BANK_MAX) {
		return -1;
	}
	need = 28 + (size_t)l->bank_count * 4 + 1;
	if (esize < need) {
		return -1;
	}
	for (i = 0; i < l->bank_count; i++) {
		l->bank[i].alg = evr_u16(p + 28 + 4 * i);
		l->bank[i].size = evr_u16(p + 30 + 4 * i);
		if (evr_alg_size(l->bank[i].alg) != l->bank[i].size) {
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (l->bank[j].alg == l->bank[i].alg) {
				return -1;
			}
		}
	}
	/* vendorInfoSize and vendorInfo must fill the event exactly. */
	if (esize != need + p[need - 1]) {
		return -1;
	}
	l->off = 32 + (size_t)esize;
	return 0;
}

/* The next TCG_PCR_EVENT2: 1 and *r filled, 0 at the end, -1 if malformed. */
static inline int evr_next(struct evr_log *l, struct evr_rec *r)
{
	size_t off = l->off, left;
	uint32_t i;

	memset(r, 0, sizeof(*r));
	if (off == l->len) {
		return 0;
	}
	left = l->len - off;
	if (left < 12) {
		return -1;
	}
	r->pcr = evr_u32(l->buf + off);
	r->type = evr_u32(l->buf + off + 4);
	if (evr_u32(l->buf + off + 8) != l->bank_count) {
		return -1;
	}
	off += 12;
	for (i = 0; i < l->bank_count; i++) {
		if (l->len - off < 2u + l->bank[i].size) {
			return -1;
		}
		if (evr_u16(l->buf + off) != l->bank[i].alg) {
			return -1;
		}
		r->digest[i] = l->buf + off + 2;
		off += 2u + l->bank[i].size;
	}
	if (l->len - off < 4) {
		return -1;
	}
	r->event_size = evr_u32(l->buf + off);
	off += 4;
	if (r->event_size > l->len - off) {
		return -1;
	}
	r->event = l->buf + off;
	off += r->event_size;
	l->off = off;
	return 1;
}

#endif
