/*
 * The fake arch's TPM: arch_tpm_open and arch_tpm_transmit (hv/arch.h) over
 * the transport a test attached (fake_tpm.h), with the real TIS driver's
 * argument checks and framing rules, so that the portable code above sees
 * the same promises on the host as on the machine. It never touches
 * hardware, and it never passes on a response longer than the caller's
 * buffer or one whose size field disagrees with its length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <fake_tpm.h>
#include <hv/arch.h>
#include <public/errno.h>

#define TPM_LOCALITY_MAX 4
#define TPM_HEADER_SIZE  10

static fake_tpm_fn transport;
static bool opened;
static unsigned int locality;
static unsigned int command_count;

void fake_tpm_attach(fake_tpm_fn fn)
{
	transport = fn;
	opened = false;
	locality = 0;
	command_count = 0;
}

unsigned int fake_tpm_locality(void)
{
	return locality;
}

unsigned int fake_tpm_command_count(void)
{
	return command_count;
}

int arch_tpm_open(unsigned int l)
{
	if (l > TPM_LOCALITY_MAX) {
		return -XEN_EINVAL;
	}
	if (transport == NULL) {
		return -XEN_ENODEV;
	}
	/* A failed open would leave the earlier locality in place; this one
	 * cannot fail past this point. */
	opened = true;
	locality = l;
	return 0;
}

static uint32_t declared_size(const uint8_t *rsp)
{
	return ((uint32_t)rsp[2] << 24) | ((uint32_t)rsp[3] << 16) | ((uint32_t)rsp[4] << 8) | rsp[5];
}

int arch_tpm_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
	size_t got = 0;
	int ret;

	*rsp_len = 0;
	if (transport == NULL || !opened) {
		return -XEN_ENODEV;
	}
	if (len < TPM_HEADER_SIZE) {
		return -XEN_EINVAL;
	}
	command_count++;
	ret = transport(cmd, len, rsp, cap, &got);
	if (ret != 0) {
		return ret;
	}
	if (got > cap) {
		fprintf(stderr, "fake tpm: transport returned %zu bytes into a %zu-byte buffer\n",
			got, cap);
		abort();
	}
	if (got < TPM_HEADER_SIZE || declared_size(rsp) != got) {
		return -XEN_EIO;
	}
	*rsp_len = got;
	return 0;
}
