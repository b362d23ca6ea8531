/*
 * The SID table: small integers standing for security contexts, the only
 * form labels take outside the security server (d->sid, chn->ssid, the
 * xsm_op ABI). SIDs 1..FLASK_ISID_SLOTS are the policy's initial SIDs;
 * later ones are handed out as contexts are first seen and never reused,
 * up to FLASK_MAX_SIDS. Each entry keeps its context's text so that, after
 * a policy load, it can be re-resolved by name; one whose names are gone
 * takes the unlabeled initial SID's context, which the policy allows
 * nothing (fail closed), and resolves again if a later policy has the
 * names back. Static storage only.
 */
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/flask_priv.h>

struct sid_entry {
	bool used;
	bool resolved;			/* ctx is name's context (else unlabeled's) */
	struct context ctx;
	char name[FLASK_CONTEXT_MAX];
};

/* Entry i is SID i + 1. */
static struct sid_entry sids[FLASK_MAX_SIDS];
static uint32_t next_dynamic = FLASK_ISID_SLOTS + 1;

_Static_assert(FLASK_MAX_SIDS <= 0xffffU, "chn->ssid is a uint16_t");
_Static_assert(FLASK_ISID_SLOTS < FLASK_MAX_SIDS, "room for dynamic SIDs");

static struct sid_entry *entry(uint32_t sid)
{
	if (sid == 0 || sid > FLASK_MAX_SIDS || !sids[index_nospec(sid - 1, FLASK_MAX_SIDS)].used) {
		return NULL;
	}
	return &sids[index_nospec(sid - 1, FLASK_MAX_SIDS)];
}

void flask_sid_reset(void)
{
	memset(sids, 0, sizeof(sids));
	next_dynamic = FLASK_ISID_SLOTS + 1;
}

void flask_sid_policy_changed(const struct policy *p)
{
	struct context unl = { 0, 0, 0 };

	/* The loader checked that the policy has the unlabeled initial SID. */
	(void)policy_initsid_context(p, FLASK_SID_UNLABELED - 1, &unl);
	for (uint32_t i = 0; i < FLASK_MAX_SIDS; i++) {
		struct sid_entry *e = &sids[i];
		struct context c;

		if (i < FLASK_ISID_SLOTS) {
			if (i < p->isid_count && policy_initsid_context(p, i, &c) == 0 &&
			    policy_context_format(p, &c, e->name, sizeof(e->name)) >= 0) {
				e->used = true;
				e->resolved = true;
				e->ctx = c;
			} else if (e->used) {
				/* An initial SID the new policy lacks. */
				e->resolved = false;
				e->ctx = unl;
			}
			continue;
		}
		if (!e->used) {
			continue;
		}
		if (policy_context_parse(p, e->name, strlen(e->name), &c) == 0) {
			e->ctx = c;
			e->resolved = true;
		} else {
			e->ctx = unl;
			e->resolved = false;
		}
	}
}

const struct context *flask_sid_context(uint32_t sid)
{
	const struct sid_entry *e = entry(sid);

	return e != NULL ? &e->ctx : NULL;
}

uint16_t flask_sid_type(uint32_t sid)
{
	const struct sid_entry *e = entry(sid);

	if (e == NULL) {
		e = entry(FLASK_SID_UNLABELED);
	}
	return e != NULL ? e->ctx.type : 0;
}

uint32_t flask_sid_from_context(const struct context *ctx)
{
	char name[FLASK_CONTEXT_MAX];
	int n;

	for (uint32_t i = 0; i < FLASK_MAX_SIDS; i++) {
		const struct sid_entry *e = &sids[i];

		if (e->used && e->resolved && e->ctx.user == ctx->user &&
		    e->ctx.role == ctx->role && e->ctx.type == ctx->type) {
			return i + 1;
		}
	}
	n = policy_context_format(&flask_state.pol, ctx, name, sizeof(name));
	if (n < 0 || (size_t)n >= sizeof(name) || next_dynamic > FLASK_MAX_SIDS) {
		return 0;
	}
	{
		struct sid_entry *e = &sids[next_dynamic - 1];

		e->used = true;
		e->resolved = true;
		e->ctx = *ctx;
		memcpy(e->name, name, (size_t)n + 1);
	}
	return next_dynamic++;
}

int flask_sid_format(uint32_t sid, char *buf, size_t size)
{
	const struct sid_entry *e = entry(sid);

	if (e == NULL) {
		if (size > 0) {
			buf[0] = '\0';
		}
		return -XEN_EINVAL;
	}
	return policy_context_format(&flask_state.pol, &e->ctx, buf, size);
}

unsigned int flask_sid_count(void)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < FLASK_MAX_SIDS; i++) {
		n += sids[i].used ? 1U : 0U;
	}
	return n;
}
