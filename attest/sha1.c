/*
 * SHA-1 (FIPS 180-4, section 6.1), written from the specification, for the
 * TPM 2.0 SHA-1 PCR bank only: it must never be used where collision
 * resistance matters.
 *
 * Portable and freestanding: no libc beyond hv/lib.h, no floating point or
 * vector registers, no global state. Words are read and written big-endian
 * one byte at a time, so the input may have any alignment. It must never
 * read past data + len nor keep any input after final.
 */
#include <hv/lib.h>

#include <attest/sha.h>

#include "sha_md.h"

static inline uint32_t rol32(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

/* Compress one 64-byte block into the state (FIPS 180-4, 6.1.2). */
static void sha1_block(uint32_t h[5], const uint8_t *blk)
{
	uint32_t w[80];
	uint32_t a, b, c, d, e, f, k, t;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		w[i] = load_be32(blk + 4 * i);
	}
	for (i = 16; i < 80; i++) {
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	}

	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		/* The functions and constants of FIPS 180-4, 4.1.1 and 4.2.1. */
		if (i < 20) {
			f = (b & c) ^ (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) ^ (b & d) ^ (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

/* The block function in the shared frame's shape. */
static void sha1_compress(void *h, const uint8_t *blk)
{
	sha1_block(h, blk);
}

void sha1_init(struct sha1_ctx *ctx)
{
	/* FIPS 180-4, 5.3.1. */
	ctx->h[0] = 0x67452301;
	ctx->h[1] = 0xefcdab89;
	ctx->h[2] = 0x98badcfe;
	ctx->h[3] = 0x10325476;
	ctx->h[4] = 0xc3d2e1f0;
	ctx->len = 0;
}

void sha1_update(struct sha1_ctx *ctx, const void *data, size_t len)
{
	sha_md_update(ctx->h, ctx->buf, SHA1_BLOCK_SIZE, &ctx->len, data, len, sha1_compress);
}

void sha1_final(struct sha1_ctx *ctx, uint8_t out[SHA1_DIGEST_SIZE])
{
	unsigned int i;

	sha_md_pad(ctx->h, ctx->buf, SHA1_BLOCK_SIZE, ctx->len, 8, sha1_compress);

	for (i = 0; i < 5; i++) {
		store_be32(out + 4 * i, ctx->h[i]);
	}
	sha_md_wipe(ctx, sizeof(*ctx));
}

void sha1(const void *data, size_t len, uint8_t out[SHA1_DIGEST_SIZE])
{
	struct sha1_ctx ctx;

	sha1_init(&ctx);
	sha1_update(&ctx, data, len);
	sha1_final(&ctx, out);
}
