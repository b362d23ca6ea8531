/*
 * The default policy the build makes (FLASK_TEST_BLOB), read once into
 * blob for the FLASK tests (test_flask.c, test_evtchn_flask.c,
 * test_gnttab_flask.c), and booted the way the hypervisor boots it: loaded,
 * then the FLASK module chosen. Tests that tamper with the policy change
 * their copy in blob; the file stays as the build wrote it.
 */
#ifndef TEST_FLASK_BLOB_H
#define TEST_FLASK_BLOB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <xsm/flask.h>
#include <xsm/flask_priv.h>
#include <xsm/hooks.h>

#ifndef FLASK_TEST_BLOB
#error "FLASK_TEST_BLOB: path of the default policy blob"
#endif

static uint8_t blob[FLASK_POLICY_MAX + 16];
static size_t blob_len;

static inline void flask_blob_read(void)
{
	FILE *f = fopen(FLASK_TEST_BLOB, "rb");

	assert_non_null(f);
	blob_len = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	assert_true(blob_len > 64 && blob_len <= FLASK_POLICY_MAX);
}

/* Load blob as it stands (unlabelled domains refused) and choose FLASK. */
static inline void flask_blob_boot(bool enforcing)
{
	assert_int_equal(flask_boot_load(blob, blob_len, enforcing, FLASK_UNLABELED_REFUSE), 0);
	assert_int_equal(xsm_init(XSM_MODULE_FLASK), 0);
}

#endif
