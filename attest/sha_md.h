/*
 * What SHA-1, SHA-256 and SHA-512 share (FIPS 180-4): big-endian word
 * access, the Merkle-Damgard buffering of input into blocks, the padding
 * and length field, and wiping a context. Private to attest/sha*.c.
 */
#ifndef ATTEST_SHA_MD_H
#define ATTEST_SHA_MD_H

#include <hv/types.h>

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

static inline uint64_t load_be64(const uint8_t *p)
{
	return ((uint64_t)load_be32(p) << 32) | load_be32(p + 4);
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
	store_be32(p, (uint32_t)(v >> 32));
	store_be32(p + 4, (uint32_t)v);
}

/* Compress one block into the chaining state h. */
typedef void (*sha_md_compress_fn)(void *h, const uint8_t *block);

/*
 * Feed len bytes: buf holds (*total % block) bytes not yet compressed
 * (the contexts' invariant); whole blocks are compressed straight from data.
 */
void sha_md_update(void *h, uint8_t *buf, size_t block, uint64_t *total, const void *data,
		   size_t len, sha_md_compress_fn compress);

/*
 * Pad (a 1 bit, zeros, the big-endian bit length in the last len_field
 * bytes: 8 for SHA-1/256, 16 for SHA-384/512) and compress the last block(s).
 */
void sha_md_pad(void *h, uint8_t *buf, size_t block, uint64_t total, size_t len_field,
		sha_md_compress_fn compress);

/* Clear size bytes through a volatile pointer, so the stores survive dead
 * store elimination: a context may hold secret input. */
void sha_md_wipe(void *ctx, size_t size);

#endif
