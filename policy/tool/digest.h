#ifndef POLICY_TOOL_DIGEST_H
#define POLICY_TOOL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define TOOL_SHA256_SIZE 32

void tool_sha256(const void *data, size_t len, uint8_t out[TOOL_SHA256_SIZE]);

#endif
