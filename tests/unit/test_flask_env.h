/*
 * The FLASK tests on the event world (test_flask.c, test_evtchn_flask.c):
 * the default policy read (test_flask_blob.h), a fresh machine with FLASK
 * reset, the clock at one second and an empty console; domains labelled
 * system_u:system_r:<type>. Which policy is booted, and when, is each
 * test's business.
 */
#ifndef TEST_FLASK_ENV_H
#define TEST_FLASK_ENV_H

#include "test_evtchn_env.h"

#include <stdio.h>

#include <xsm/flask.h>
#include <xsm/flask_priv.h>

#include "test_flask_blob.h"

static inline void flask_env_boot(void)
{
	flask_blob_read();
	env_boot();
	flask_reset();
	fake_time_set(1000000000ULL);
	fake_console_reset();
}

static inline void flask_env_shutdown(void)
{
	env_shutdown();
	flask_reset();
	fake_guest_unmap_all();
}

/* A running one-vCPU domain labelled with type (the label must exist). */
static inline struct domain *env_labelled(const char *name, const char *type)
{
	struct domain *d = env_domain(name, 1);
	char label[96];

	snprintf(label, sizeof(label), "system_u:system_r:%s", type);
	assert_int_equal(xsm_domain_label(d, label), 0);
	return d;
}

#endif
