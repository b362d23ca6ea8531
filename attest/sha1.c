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

static inline uint32_t rol32(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Clear a context through a volatile pointer so the stores survive dead
 * store elimination: the buffer may hold secret input. */
static void sha1_wipe(struct sha1_ctx *ctx)
{
	volatile uint8_t *p = (volatile uint8_t *)ctx;
	size_t i;

	for (i = 0; i < sizeof(*ctx); i++) {
		p[i] = 0;
	}
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
	const uint8_t *p = data;
	size_t fill = (size_t)(ctx->len % SHA1_BLOCK_SIZE);

	ctx->len += len;
	if (fill != 0) {
		size_t take = SHA1_BLOCK_SIZE - fill;

		if (take > len) {
			take = len;
		}
		memcpy(ctx->buf + fill, p, take);
		p += take;
		len -= take;
		if (fill + take < SHA1_BLOCK_SIZE) {
			return;
		}
		sha1_block(ctx->h, ctx->buf);
	}
	while (len >= SHA1_BLOCK_SIZE) {
		sha1_block(ctx->h, p);
		p += SHA1_BLOCK_SIZE;
		len -= SHA1_BLOCK_SIZE;
	}
	if (len != 0) {
		memcpy(ctx->buf, p, len);
	}
}

void sha1_final(struct sha1_ctx *ctx, uint8_t out[SHA1_DIGEST_SIZE])
{
	size_t fill = (size_t)(ctx->len % SHA1_BLOCK_SIZE);
	uint64_t bits = ctx->len << 3;
	unsigned int i;

	/* Padding (FIPS 180-4, 5.1.1), the same as SHA-256's. */
	ctx->buf[fill++] = 0x80;
	if (fill > SHA1_BLOCK_SIZE - 8) {
		memset(ctx->buf + fill, 0, SHA1_BLOCK_SIZE - fill);
		sha1_block(ctx->h, ctx->buf);
		fill = 0;
	}
	memset(ctx->buf + fill, 0, SHA1_BLOCK_SIZE - 8 - fill);
	store_be32(ctx->buf + SHA1_BLOCK_SIZE - 8, (uint32_t)(bits >> 32));
	store_be32(ctx->buf + SHA1_BLOCK_SIZE - 4, (uint32_t)bits);
	sha1_block(ctx->h, ctx->buf);

	for (i = 0; i < 5; i++) {
		store_be32(out + 4 * i, ctx->h[i]);
	}
	sha1_wipe(ctx);
}

void sha1(const void *data, size_t len, uint8_t out[SHA1_DIGEST_SIZE])
{
	struct sha1_ctx ctx;

	sha1_init(&ctx);
	sha1_update(&ctx, data, len);
	sha1_final(&ctx, out);
}
