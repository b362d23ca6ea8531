/*
 * Unit tests of attest/sha*.c: the FIPS 180-4 / NIST known answers, every
 * way of splitting an input across updates, unaligned input, the wipe at
 * final, and agreement with OpenSSL's EVP digests on random inputs.
 *
 * OpenSSL is the reference only; it must never be linked into the
 * hypervisor, and these tests must never check a digest with our own code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include <hv/lib.h>
#include <attest/sha.h>

/* One algorithm behind a common face, so every test runs on all of them. */
union any_ctx {
	struct sha1_ctx s1;
	struct sha256_ctx s256;
	struct sha384_ctx s384;
	struct sha512_ctx s512;
};

struct alg {
	const char *name;
	size_t digest_size;
	size_t block_size;
	size_t ctx_size;
	void (*init)(union any_ctx *c);
	void (*update)(union any_ctx *c, const void *d, size_t n);
	void (*final)(union any_ctx *c, uint8_t *out);
	void (*oneshot)(const void *d, size_t n, uint8_t *out);
	const EVP_MD *(*evp)(void);
	/* "", "abc", 448-bit, 896-bit, one million 'a' (hex). */
	const char *kat[5];
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
	{ "sha1", SHA1_DIGEST_SIZE, SHA1_BLOCK_SIZE, sizeof(struct sha1_ctx),
	  a1_init, a1_update, a1_final, a1_oneshot, EVP_sha1, {
		"da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"a9993e364706816aba3e25717850c26c9cd0d89d",
		"84983e441c3bd26ebaae4aa1f95129e5e54670f1",
		"a49b2446a02c645bf419f995b67091253a04a259",
		"34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	} },
	{ "sha256", SHA256_DIGEST_SIZE, SHA256_BLOCK_SIZE, sizeof(struct sha256_ctx),
	  a256_init, a256_update, a256_final, a256_oneshot, EVP_sha256, {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		"cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	} },
	{ "sha384", SHA384_DIGEST_SIZE, SHA384_BLOCK_SIZE, sizeof(struct sha384_ctx),
	  a384_init, a384_update, a384_final, a384_oneshot, EVP_sha384, {
		"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
		"274edebfe76f65fbd51ad2f14898b95b",
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		"8086072ba1e7cc2358baeca134c825a7",
		"3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
		"b0455a8520bc4e6f5fe95b1fe3c8452b",
		"09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
		"fcc7c71a557e2db966c3e9fa91746039",
		"9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
		"07b8b3dc38ecc4ebae97ddd87f3d8985",
	} },
	{ "sha512", SHA512_DIGEST_SIZE, SHA512_BLOCK_SIZE, sizeof(struct sha512_ctx),
	  a512_init, a512_update, a512_final, a512_oneshot, EVP_sha512, {
		"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		"47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2"
		"192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		"204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
		"96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
		"8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
		"501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
		"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
	} },
};

#define ALG_COUNT (sizeof(algs) / sizeof(algs[0]))

static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static void to_hex(const uint8_t *d, size_t n, char *hex)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sprintf(hex + 2 * i, "%02x", d[i]);
	}
}

static void assert_digest_hex(const struct alg *a, const uint8_t *d, const char *want)
{
	char hex[2 * SHA512_DIGEST_SIZE + 1];

	to_hex(d, a->digest_size, hex);
	assert_string_equal(hex, want);
}

/* The reference digest, from OpenSSL. */
static void evp_digest(const struct alg *a, const void *d, size_t n, uint8_t *out)
{
	unsigned int olen = 0;

	assert_int_equal(EVP_Digest(d, n, out, &olen, a->evp(), NULL), 1);
	assert_int_equal(olen, a->digest_size);
}

/* A fixed-seed xorshift generator: the random tests repeat exactly. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void kat_one(const struct alg *a)
{
	const struct {
		const char *s;
		size_t n;
	} in[4] = {
		{ "", 0 },
		{ "abc", 3 },
		{ msg448, sizeof(msg448) - 1 },
		{ msg896, sizeof(msg896) - 1 },
	};
	uint8_t d[SHA512_DIGEST_SIZE];
	union any_ctx c;
	char *million;
	size_t i;

	assert_int_equal(sizeof(msg448) - 1, 448 / 8);
	assert_int_equal(sizeof(msg896) - 1, 896 / 8);
	for (i = 0; i < 4; i++) {
		a->oneshot(in[i].s, in[i].n, d);
		assert_digest_hex(a, d, a->kat[i]);
	}

	/* One million 'a', in one piece and in uneven pieces. */
	million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	a->oneshot(million, 1000000, d);
	assert_digest_hex(a, d, a->kat[4]);
	a->init(&c);
	for (i = 0; i < 1000000;) {
		size_t n = 1000000 - i < 997 ? 1000000 - i : 997;

		a->update(&c, million + i, n);
		i += n;
	}
	a->final(&c, d);
	assert_digest_hex(a, d, a->kat[4]);
	free(million);
}

static void test_kat_sha1(void **state) { (void)state; kat_one(&algs[0]); }
static void test_kat_sha256(void **state) { (void)state; kat_one(&algs[1]); }
static void test_kat_sha384(void **state) { (void)state; kat_one(&algs[2]); }
static void test_kat_sha512(void **state) { (void)state; kat_one(&algs[3]); }

static void test_digest_sizes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ALG_COUNT; i++) {
		assert_int_equal(algs[i].digest_size, (size_t)EVP_MD_size(algs[i].evp()));
		assert_int_equal(algs[i].block_size, (size_t)EVP_MD_block_size(algs[i].evp()));
	}
}

/* Lengths around every padding edge of both block sizes. */
static const size_t split_lens[] = {
	0, 1, 3, 55, 56, 57, 63, 64, 65, 111, 112, 113, 127, 128, 129, 200, 255, 256, 300,
};

/* Two updates split at every byte boundary, three updates split around
 * every boundary, and one byte per update: all equal the one-shot digest. */
static void test_split_every_byte(void **state)
{
	uint8_t buf[300], want[SHA512_DIGEST_SIZE], got[SHA512_DIGEST_SIZE];
	union any_ctx c;
	size_t a_i, l, i, j;

	(void)state;
	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)rng();
	}
	for (a_i = 0; a_i < ALG_COUNT; a_i++) {
		const struct alg *a = &algs[a_i];

		for (l = 0; l < sizeof(split_lens) / sizeof(split_lens[0]); l++) {
			size_t len = split_lens[l];

			a->oneshot(buf, len, want);
			for (i = 0; i <= len; i++) {
				a->init(&c);
				a->update(&c, buf, i);
				a->update(&c, buf + i, len - i);
				a->final(&c, got);
				assert_memory_equal(got, want, a->digest_size);

				j = i + (rng() % (len - i + 1));
				a->init(&c);
				a->update(&c, buf, i);
				a->update(&c, buf + i, j - i);
				a->update(&c, buf + j, 0);
				a->update(&c, buf + j, len - j);
				a->final(&c, got);
				assert_memory_equal(got, want, a->digest_size);
			}
			a->init(&c);
			for (i = 0; i < len; i++) {
				a->update(&c, buf + i, 1);
			}
			a->final(&c, got);
			assert_memory_equal(got, want, a->digest_size);
		}
	}
}

/* The same bytes at every alignment give the same digest. */
static void test_unaligned(void **state)
{
	uint8_t src[1000], buf[1000 + 16], want[SHA512_DIGEST_SIZE], got[SHA512_DIGEST_SIZE];
	size_t a_i, off, i;

	(void)state;
	for (i = 0; i < sizeof(src); i++) {
		src[i] = (uint8_t)rng();
	}
	for (a_i = 0; a_i < ALG_COUNT; a_i++) {
		evp_digest(&algs[a_i], src, sizeof(src), want);
		for (off = 0; off < 16; off++) {
			memcpy(buf + off, src, sizeof(src));
			algs[a_i].oneshot(buf + off, sizeof(src), got);
			assert_memory_equal(got, want, algs[a_i].digest_size);
		}
	}
}

/* Final leaves nothing of the input or the state behind in the context. */
static void test_final_wipes(void **state)
{
	static const uint8_t zero[sizeof(union any_ctx)];
	uint8_t d[SHA512_DIGEST_SIZE];
	union any_ctx c;
	size_t a_i;

	(void)state;
	for (a_i = 0; a_i < ALG_COUNT; a_i++) {
		const struct alg *a = &algs[a_i];

		memset(&c, 0xa5, sizeof(c));
		a->init(&c);
		a->update(&c, "secret input", 12);
		a->final(&c, d);
		assert_memory_equal(&c, zero, a->ctx_size);
	}
}

/* A few thousand random inputs of random length, fed in random pieces from
 * a random alignment, against OpenSSL. */
static void test_vs_openssl(void **state)
{
	enum { ROUNDS = 3000, MAX_LEN = 10000 };
	uint8_t *buf = malloc(MAX_LEN + 8);
	uint8_t want[SHA512_DIGEST_SIZE], got[SHA512_DIGEST_SIZE];
	union any_ctx c;
	size_t r, i, a_i;

	(void)state;
	assert_non_null(buf);
	for (r = 0; r < ROUNDS; r++) {
		size_t len = rng() % (MAX_LEN + 1);
		uint8_t *p = buf + rng() % 8;

		for (i = 0; i < len; i++) {
			p[i] = (uint8_t)rng();
		}
		for (a_i = 0; a_i < ALG_COUNT; a_i++) {
			const struct alg *a = &algs[a_i];

			evp_digest(a, p, len, want);
			a->oneshot(p, len, got);
			assert_memory_equal(got, want, a->digest_size);

			a->init(&c);
			for (i = 0; i < len;) {
				size_t n = rng() % 300;

				if (n > len - i) {
					n = len - i;
				}
				a->update(&c, p + i, n);
				i += n;
			}
			a->final(&c, got);
			assert_memory_equal(got, want, a->digest_size);
		}
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_sha1),
		cmocka_unit_test(test_kat_sha256),
		cmocka_unit_test(test_kat_sha384),
		cmocka_unit_test(test_kat_sha512),
		cmocka_unit_test(test_digest_sizes),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_final_wipes),
		cmocka_unit_test(test_vs_openssl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
