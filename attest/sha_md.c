/*
 * The Merkle-Damgard frame shared by SHA-1, SHA-256 and SHA-512 (FIPS
 * 180-4, 5.1 and 6): buffering input into blocks, the final padding, and
 * wiping. Portable and freestanding; it never reads past data + len.
 */
#include <hv/lib.h>

#include "sha_md.h"

void sha_md_update(void *h, uint8_t *buf, size_t block, uint64_t *total, const void *data,
		   size_t len, sha_md_compress_fn compress)
{
	const uint8_t *p = data;
	size_t fill = (size_t)(*total % block);

	*total += len;
	if (fill != 0) {
		size_t take = MIN(block - fill, len);

		memcpy(buf + fill, p, take);
		p += take;
		len -= take;
		if (fill + take < block) {
			return;
		}
		compress(h, buf);
	}
	while (len >= block) {
		compress(h, p);
		p += block;
		len -= block;
	}
	if (len != 0) {
		memcpy(buf, p, len);
	}
}

void sha_md_pad(void *h, uint8_t *buf, size_t block, uint64_t total, size_t len_field,
		sha_md_compress_fn compress)
{
	size_t fill = (size_t)(total % block);

	buf[fill++] = 0x80;
	if (fill > block - len_field) {
		memset(buf + fill, 0, block - fill);
		compress(h, buf);
		fill = 0;
	}
	memset(buf + fill, 0, block - fill);
	/* The byte count fits 64 bits, so a 128-bit bit length has at most
	 * three non-zero bits in its upper half. */
	if (len_field == 16) {
		store_be64(buf + block - 16, total >> 61);
	}
	store_be64(buf + block - 8, total << 3);
	compress(h, buf);
}

void sha_md_wipe(void *ctx, size_t size)
{
	volatile uint8_t *p = ctx;

	for (size_t i = 0; i < size; i++) {
		p[i] = 0;
	}
}
