/*
 * The libtpms transport (tpm_libtpms.h): libtpms' TPM 2.0 in this process,
 * its NV state in a few malloc'd blobs, its locality whatever the fake arch
 * last opened. Test support only: it trusts libtpms, but still never copies
 * a response past the caller's buffer.
 *
 * libtpms pitfalls handled here: the NV load callback must answer TPM_RETRY
 * when there is no state (that is what makes MainInit manufacture a fresh
 * TPM); every buffer handed to libtpms, or taken back by it, is malloc'd;
 * TPMLIB_ChooseTPMVersion and the callbacks come before TPMLIB_MainInit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>

#include <attest/tpm2.h>
#include <fake_tpm.h>
#include <public/errno.h>

#include "tpm_libtpms.h"

/* libtpms stores three blobs at most (permall, volatilestate, savestate). */
#define NV_SLOTS    4
#define NV_NAME_MAX 32

struct nv_blob {
	char name[NV_NAME_MAX];
	unsigned char *data; /* NULL: the slot is free */
	uint32_t len;
};

static struct nv_blob nv[NV_SLOTS];
static bool running;
/* While Startup is sent, the locality firmware would use, not the fake's. */
static bool startup_locality0;
static unsigned char *rsp_buf;
static uint32_t rsp_buf_size;

static struct nv_blob *nv_find(const char *name)
{
	for (unsigned int i = 0; i < NV_SLOTS; i++) {
		if (nv[i].data != NULL && strcmp(nv[i].name, name) == 0) {
			return &nv[i];
		}
	}
	return NULL;
}

static void nv_free_all(void)
{
	for (unsigned int i = 0; i < NV_SLOTS; i++) {
		free(nv[i].data);
		memset(&nv[i], 0, sizeof(nv[i]));
	}
}

static TPM_RESULT cb_nvram_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT cb_nvram_loaddata(unsigned char **data, uint32_t *length, uint32_t tpm_number,
				    const char *name)
{
	struct nv_blob *b = nv_find(name);

	*data = NULL;
	*length = 0;
	if (b == NULL) {
		return TPM_RETRY; /* no state yet: manufacture */
	}
	*data = malloc(b->len ? b->len : 1); /* libtpms frees it */
	if (*data == NULL) {
		return TPM_FAIL;
	}
	memcpy(*data, b->data, b->len);
	*length = b->len;
	return TPM_SUCCESS;
}

static TPM_RESULT cb_nvram_storedata(const unsigned char *data, uint32_t length,
				     uint32_t tpm_number, const char *name)
{
	struct nv_blob *b = nv_find(name);
	unsigned char *copy;

	if (strlen(name) >= NV_NAME_MAX) {
		return TPM_FAIL;
	}
	for (unsigned int i = 0; b == NULL && i < NV_SLOTS; i++) {
		if (nv[i].data == NULL) {
			b = &nv[i];
		}
	}
	copy = malloc(length ? length : 1);
	if (b == NULL || copy == NULL) {
		free(copy);
		return TPM_FAIL;
	}
	memcpy(copy, data, length);
	free(b->data);
	strcpy(b->name, name);
	b->data = copy;
	b->len = length;
	return TPM_SUCCESS;
}

static TPM_RESULT cb_nvram_deletename(uint32_t tpm_number, const char *name, TPM_BOOL must_exist)
{
	struct nv_blob *b = nv_find(name);

	if (b == NULL) {
		return must_exist ? TPM_FAIL : TPM_SUCCESS;
	}
	free(b->data);
	memset(b, 0, sizeof(*b));
	return TPM_SUCCESS;
}

static TPM_RESULT cb_io_init(void)
{
	return TPM_SUCCESS;
}

/* Asked before every command (libtpms 0.9 has no setter, and ignores what
 * this returns: the value in *locality is what counts). */
static TPM_RESULT cb_io_getlocality(TPM_MODIFIER_INDICATOR *locality, uint32_t tpm_number)
{
	*locality = startup_locality0 ? 0 : fake_tpm_locality();
	return TPM_SUCCESS;
}

int tpm_libtpms_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			 size_t *rsp_len)
{
	unsigned char *in;
	uint32_t got = 0;
	TPM_RESULT res;

	*rsp_len = 0;
	if (!running) {
		return -XEN_ENODEV;
	}
	if (len > UINT32_MAX) {
		return -XEN_EIO;
	}
	in = malloc(len ? len : 1);
	if (in == NULL) {
		return -XEN_EIO;
	}
	memcpy(in, cmd, len);
	res = TPMLIB_Process(&rsp_buf, &got, &rsp_buf_size, in, (uint32_t)len);
	free(in);
	if (res != TPM_SUCCESS || got > rsp_buf_size) {
		fprintf(stderr, "tpm_libtpms: TPMLIB_Process failed (0x%x)\n", res);
		return -XEN_EIO;
	}
	if (got > cap) {
		return -XEN_ENOSPC;
	}
	memcpy(rsp, rsp_buf, got);
	*rsp_len = got;
	return 0;
}

void tpm_libtpms_stop(void)
{
	if (running) {
		TPMLIB_Terminate();
		running = false;
	}
	free(rsp_buf);
	rsp_buf = NULL;
	rsp_buf_size = 0;
	nv_free_all();
}

/* TPM2_Startup(CLEAR) from locality 0, as firmware sends it. */
static int startup(void)
{
	uint8_t cmd[TPM2_CMD_MAX], rsp[TPM2_HEADER_SIZE + 16];
	size_t len, rlen;
	uint32_t rc;
	int ret;

	if (tpm2_cmd_startup_clear(cmd, sizeof(cmd), &len) != 0) {
		return -1;
	}
	startup_locality0 = true;
	ret = tpm_libtpms_transmit(cmd, len, rsp, sizeof(rsp), &rlen);
	startup_locality0 = false;
	if (ret != 0 || tpm2_rsp_startup(rsp, rlen, &rc) != 0 || rc != TPM2_RC_SUCCESS) {
		fprintf(stderr, "tpm_libtpms: Startup failed (%d, rc 0x%x)\n", ret,
			ret == 0 ? rc : 0);
		return -1;
	}
	return 0;
}

int tpm_libtpms_start(void)
{
	static struct libtpms_callbacks cbs = {
		.sizeOfStruct = sizeof(struct libtpms_callbacks),
		.tpm_nvram_init = cb_nvram_init,
		.tpm_nvram_loaddata = cb_nvram_loaddata,
		.tpm_nvram_storedata = cb_nvram_storedata,
		.tpm_nvram_deletename = cb_nvram_deletename,
		.tpm_io_init = cb_io_init,
		.tpm_io_getlocality = cb_io_getlocality,
	};
	TPM_RESULT res;

	tpm_libtpms_stop();
	res = TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2);
	if (res == TPM_SUCCESS) {
		res = TPMLIB_RegisterCallbacks(&cbs);
	}
	if (res == TPM_SUCCESS) {
		res = TPMLIB_MainInit();
	}
	if (res != TPM_SUCCESS) {
		fprintf(stderr, "tpm_libtpms: initialisation failed (0x%x)\n", res);
		nv_free_all();
		return -1;
	}
	running = true;
	if (startup() != 0) {
		tpm_libtpms_stop();
		return -1;
	}
	return 0;
}
