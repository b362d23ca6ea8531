/*
 * SHA-256 for the blob header, from attest/sha256.c. A unit of its own:
 * attest/sha.h pulls in <stdbool.h> and hv/types.h's MIN/MAX, which clash
 * with libsepol's headers (a struct field named `bool`, <sys/param.h>).
 */
#include <attest/sha.h>

#include "digest.h"

void tool_sha256(const void *data, size_t len, uint8_t out[TOOL_SHA256_SIZE])
{
	_Static_assert(TOOL_SHA256_SIZE == SHA256_DIGEST_SIZE, "digest size");
	sha256(data, len, out);
}
