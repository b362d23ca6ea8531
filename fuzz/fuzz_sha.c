/*
 * Fuzz harness for attest/sha*.c. Each input is hashed with SHA-1, SHA-256,
 * SHA-384 and SHA-512: in one shot, in pieces whose sizes come from a
 * generator seeded by the input (so every split is reproducible from the
 * crashing file), and from an unaligned copy. All must equal OpenSSL's
 * digest of the same bytes.
 *
 * OpenSSL is the reference only; the harness must never check a digest
 * with our own code, and it must never read the input past size (libFuzzer's
 * buffer is exactly size bytes, so ASan catches an overread in the hash).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <hv/lib.h>
#include <attest/sha.h>

#include "fuzz.h"

union any_ctx {
	struct sha1_ctx s1;
	struct sha256_ctx s256;
	struct sha384_ctx s384;
	struct sha512_ctx s512;
};

struct alg {
	size_t digest_size;
	size_t block_size;
	void (*init)(union any_ctx *c);
	void (*update)(union any_ctx *c, const void *d, size_t n);
	void (*final)(union any_ctx *c, uint8_t *out);
	void (*oneshot)(const void *d, size_t n, uint8_t *out);
	const EVP_MD *(*evp)(void);
};

static void a1_init(union any_ctx *c) { sha1_init(&c->s1); }
static void a1_update(union any_ctx *c, const void *d, size_t n) { sha1_update(&c->s1, d, n); }
static void a1_final(union any_ctx *c, uint8_t *o) { sha1_final(&c->s1, o); }
static void a1_oneshot(const void *d, size_t n, uint8_t *o) { sha1(d, n, o); }
static void a256_init(union any_ctx *c) { sha256_init(&c->s256); }
static void a256_update(union any_ctx *c, const void *d, size_t n) { sha256_update(&c->s256, d, n); }
static void a256_final(union any_ctx *c, uint8_t *o) { sha256_final(&c->s256, o); }
static void a256_oneshot(const void *d, size_t n, uint8_t *o) { sha256(d, n, o); }
static void a384_init(union any_ctx *c) { sha384_init(&c->s384); }
static void a384_update(union any_ctx *c, const void *d, size_t n) { sha384_update(&c->s384, d, n); }
static void a384_final(union any_ctx *c, uint8_t *o) { sha384_final(&c->s384, o); }
static void a384_oneshot(const void *d, size_t n, uint8_t *o) { sha384(d, n, o); }
static void a512_init(union any_ctx *c) { sha512_init(&c->s512); }
static void a512_update(union any_ctx *c, const void *d, size_t n) { sha512_update(&c->s512, d, n); }
static void a512_final(union any_ctx *c, uint8_t *o) { sha512_final(&c->s512, o); }
static void a512_oneshot(const void *d, size_t n, uint8_t *o) { sha512(d, n, o); }

static const struct alg algs[] = {
	{ SHA1_DIGEST_SIZE, SHA1_BLOCK_SIZE, a1_init, a1_update, a1_final, a1_oneshot, EVP_sha1 },
	{ SHA256_DIGEST_SIZE, SHA256_BLOCK_SIZE, a256_init, a256_update, a256_final, a256_oneshot,
	  EVP_sha256 },
	{ SHA384_DIGEST_SIZE, SHA384_BLOCK_SIZE, a384_init, a384_update, a384_final, a384_oneshot,
	  EVP_sha384 },
	{ SHA512_DIGEST_SIZE, SHA512_BLOCK_SIZE, a512_init, a512_update, a512_final, a512_oneshot,
	  EVP_sha512 },
};

/* Seed the split generator from the whole input (FNV-1a), so that changing
 * any byte changes the splits too. */
static uint64_t seed_of(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < size; i++) {
		h = (h ^ data[i]) * 0x100000001b3ULL;
	}
	return h | 1;
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Feed data in pieces of 0 to 2 blocks + 1 bytes, so that pieces end
 * before, on and after every block boundary, empty pieces included. */
static void hash_split(const struct alg *a, const uint8_t *data, size_t size, uint64_t *s,
		       uint8_t *out)
{
	union any_ctx c;
	size_t i = 0;

	a->init(&c);
	while (i < size) {
		size_t n = (size_t)(next(s) % (2 * a->block_size + 2));

		if (n > size - i) {
			n = size - i;
		}
		a->update(&c, data + i, n);
		i += n;
	}
	a->final(&c, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t want[SHA512_DIGEST_SIZE], got[SHA512_DIGEST_SIZE];
	uint64_t s = seed_of(data, size);
	uint8_t *shifted = malloc(size + 8);
	size_t a_i, round;

	check(shifted != NULL);
	for (a_i = 0; a_i < sizeof(algs) / sizeof(algs[0]); a_i++) {
		const struct alg *a = &algs[a_i];
		unsigned int olen = 0;
		size_t off = (size_t)(next(&s) % 8);

		check(EVP_Digest(data, size, want, &olen, a->evp(), NULL) == 1);
		check(olen == a->digest_size);

		a->oneshot(data, size, got);
		check(memcmp(got, want, a->digest_size) == 0);

		for (round = 0; round < 3; round++) {
			hash_split(a, data, size, &s, got);
			check(memcmp(got, want, a->digest_size) == 0);
		}

		memcpy(shifted + off, data, size);
		a->oneshot(shifted + off, size, got);
		check(memcmp(got, want, a->digest_size) == 0);
	}
	free(shifted);
	return 0;
}
