/*
 * Incremental SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4), for measured
 * boot and the TPM PCR banks. Portable: the same sources build freestanding
 * for the hypervisor and hosted for the tests and fuzzers.
 *
 * Contexts are plain structs the caller owns; nothing here allocates, locks
 * or keeps global state. Input may be any length and any alignment. A
 * context must be initialised before update, and final wipes it: it must be
 * initialised again before reuse. This file must never grow a dependency on
 * libc beyond hv/lib.h, nor on anything architecture-specific.
 *
 * SHA-1 is here only because TPM 2.0 PCR banks may still use it; it must
 * never be used where collision resistance matters.
 */
#ifndef ATTEST_SHA_H
#define ATTEST_SHA_H

#include <hv/types.h>

#define SHA1_DIGEST_SIZE   20
#define SHA256_DIGEST_SIZE 32
#define SHA384_DIGEST_SIZE 48
#define SHA512_DIGEST_SIZE 64

#define SHA1_BLOCK_SIZE   64
#define SHA256_BLOCK_SIZE 64
#define SHA384_BLOCK_SIZE 128
#define SHA512_BLOCK_SIZE 128

/* Invariant for every context: buf holds (len % block size) bytes of input
 * not yet compressed; len counts every byte given to update so far. */
struct sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	uint8_t buf[SHA1_BLOCK_SIZE];
};

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[SHA256_BLOCK_SIZE];
};

/* A byte count in 64 bits limits a message to 2^64 - 1 bytes, far below
 * SHA-512's limit; the 128-bit bit length is derived from it at final. */
struct sha512_ctx {
	uint64_t h[8];
	uint64_t len;
	uint8_t buf[SHA512_BLOCK_SIZE];
};

/* SHA-384 is SHA-512 with other initial values, truncated. A distinct type
 * so that a SHA-384 context cannot be finished as SHA-512 by mistake. */
struct sha384_ctx {
	struct sha512_ctx s;
};

void sha1_init(struct sha1_ctx *ctx);
void sha1_update(struct sha1_ctx *ctx, const void *data, size_t len);
void sha1_final(struct sha1_ctx *ctx, uint8_t out[SHA1_DIGEST_SIZE]);
void sha1(const void *data, size_t len, uint8_t out[SHA1_DIGEST_SIZE]);

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

void sha384_init(struct sha384_ctx *ctx);
void sha384_update(struct sha384_ctx *ctx, const void *data, size_t len);
void sha384_final(struct sha384_ctx *ctx, uint8_t out[SHA384_DIGEST_SIZE]);
void sha384(const void *data, size_t len, uint8_t out[SHA384_DIGEST_SIZE]);

void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE]);

#endif
