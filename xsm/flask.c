/*
 * The FLASK module's state and the policy's installation: two static blob
 * buffers (the active policy and the one a new blob is checked in), the
 * loaded policy, its AVC, the enforcing flag and the unlabeled mode.
 *
 * A blob is copied into the staging buffer and checked there by
 * policy_load(); only a blob that passes every check (and carries the
 * initial SIDs Moat needs) becomes active, by swapping the buffers, so a
 * refused load never disturbs the policy in force. Never allocates.
 */
#include <attest/sha.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>

struct flask_state flask_state;

static uint8_t flask_buf[2][FLASK_POLICY_MAX] __attribute__((aligned(16)));
static unsigned int flask_active;	/* index of the active buffer */

uint8_t *flask_staging_buffer(void)
{
	return flask_buf[flask_active ^ 1U];
}

/* The initial SIDs the module uses must exist in the policy. */
static int check_isids(const struct policy *p, enum flask_unlabeled_mode unlabeled, char *msg,
		       size_t size)
{
	static const struct {
		uint32_t sid;
		const char *name;
		bool default_only;
	} need[] = {
		{ FLASK_SID_XEN, "xen", false },
		{ FLASK_SID_UNLABELED, "unlabeled", false },
		{ FLASK_SID_SECURITY, "security", false },
		{ FLASK_SID_DOM0, "dom0", true },
		{ FLASK_SID_DOMU, "domU", true },
	};

	if (p->isid_count > FLASK_ISID_SLOTS) {
		fmt_snprintf(msg, size, "%u initial SIDs (at most %u)", p->isid_count,
			     FLASK_ISID_SLOTS);
		return -XEN_EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		if (need[i].default_only && unlabeled != FLASK_UNLABELED_DEFAULT) {
			continue;
		}
		if (need[i].sid > p->isid_count) {
			fmt_snprintf(msg, size, "no initial SID %s (%u)%s", need[i].name,
				     need[i].sid,
				     need[i].default_only ? " needed by flask_unlabeled=default" : "");
			return -XEN_EINVAL;
		}
	}
	return 0;
}

int flask_check_staged(size_t len, struct policy *np, char *msg, size_t size)
{
	struct policy_error err;
	int rc;

	err.msg[0] = '\0';
	rc = policy_load(np, flask_staging_buffer(), len, &err);
	if (rc != 0) {
		fmt_snprintf(msg, size, "%s", err.msg[0] != '\0' ? err.msg : "malformed blob");
		return -XEN_EINVAL;
	}
	return check_isids(np, flask_state.unlabeled, msg, size);
}

void flask_commit_staged(const struct policy *np, size_t len)
{
	unsigned int staged = flask_active ^ 1U;

	flask_active = staged;
	flask_state.pol = *np;
	flask_state.loaded = true;
	flask_state.blob_len = len;
	sha256(flask_buf[staged], len, flask_state.sha256);
	for (uint32_t i = 0; i < POLICY_MAX_BOOLS; i++) {
		flask_state.bool_pending[i] = np->bool_state[i];
	}
	flask_classmap_resolve(&flask_state.pol);
	flask_sid_policy_changed(&flask_state.pol);
}

void flask_sha_hex(char *buf)
{
	str_hex(buf, flask_state.sha256, sizeof(flask_state.sha256));
}

int flask_boot_load(const void *blob, size_t len, bool enforcing,
		    enum flask_unlabeled_mode unlabeled)
{
	struct policy np;
	char msg[160], hex[65];
	int rc;

	if (len == 0 || len > FLASK_POLICY_MAX) {
		printk(LOG_ERR, "flask: policy refused: size %lu (1..%u bytes)", (unsigned long)len,
		       FLASK_POLICY_MAX);
		return -XEN_EINVAL;
	}
	if (unlabeled != FLASK_UNLABELED_REFUSE && unlabeled != FLASK_UNLABELED_DEFAULT) {
		printk(LOG_ERR, "flask: policy refused: bad unlabeled mode %d", (int)unlabeled);
		return -XEN_EINVAL;
	}
	flask_state.unlabeled = unlabeled;
	memcpy(flask_staging_buffer(), blob, len);
	rc = flask_check_staged(len, &np, msg, sizeof(msg));
	if (rc != 0) {
		printk(LOG_ERR, "flask: policy refused: %s", msg);
		return rc;
	}
	flask_commit_staged(&np, len);
	flask_state.enforcing = enforcing;
	flask_sha_hex(hex);
	printk(LOG_INFO, "flask: policy loaded: %lu bytes, sha256 %s", (unsigned long)len, hex);
	printk(LOG_INFO, "flask: %u types, %u rules, %u booleans; %s", flask_state.pol.type_count,
	       flask_state.pol.av_count, flask_state.pol.bool_count,
	       enforcing ? "enforcing" : "permissive");
	return 0;
}

bool flask_enforcing(void)
{
	return flask_state.enforcing;
}

bool flask_policy_loaded(void)
{
	return flask_state.loaded;
}

void flask_avc_stats(struct avc_stats *out)
{
	*out = flask_state.avc.stats;
}

void flask_reset(void)
{
	memset(&flask_state, 0, sizeof(flask_state));
	avc_init(&flask_state.avc);
	flask_active = 0;
	flask_sid_reset();
	flask_audit_reset();
}
