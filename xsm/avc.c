/*
 * The access vector cache: a fixed-size set-associative table of
 * av_decisions keyed by (ssid, tsid, tclass), in front of
 * policy_compute_av(). It holds copies, never pointers into a policy, and
 * flushes itself whenever the policy it filled from was replaced or had a
 * boolean changed, so a stale decision can never be returned. It must never
 * allocate; the caller holds the policy lock across avc_has_perm().
 *
 * SIDs are type values for now (see xsm/policy.h).
 */
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/policy.h>

_Static_assert((AVC_BUCKETS & (AVC_BUCKETS - 1)) == 0, "AVC_BUCKETS must be a power of two");
_Static_assert(AVC_WAYS <= 255, "victim is a uint8_t");

void avc_init(struct avc *avc)
{
	memset(avc, 0, sizeof(*avc));
}

void avc_flush(struct avc *avc)
{
	memset(avc->slot, 0, sizeof(avc->slot));
	memset(avc->victim, 0, sizeof(avc->victim));
	avc->stats.flushes++;
}

static uint32_t avc_hash(uint16_t ssid, uint16_t tsid, uint16_t tclass)
{
	uint32_t h = ((uint32_t)ssid << 16 | tsid) * 0x9e3779b1U;

	h ^= (uint32_t)tclass * 0x85ebca6bU;
	h ^= h >> 15;
	return h & (AVC_BUCKETS - 1);
}

/* Forget every entry if they were computed from another policy or before
 * a boolean change. */
static void avc_sync(struct avc *avc, const struct policy *p)
{
	if (avc->pol == p && avc->load_gen == p->load_gen && avc->bool_gen == p->bool_gen) {
		return;
	}
	avc_flush(avc);
	avc->pol = p;
	avc->load_gen = p->load_gen;
	avc->bool_gen = p->bool_gen;
}

int avc_has_perm(struct avc *avc, const struct policy *p, uint16_t ssid, uint16_t tsid,
		 uint16_t tclass, uint32_t requested, struct av_decision *out)
{
	struct avc_entry *bucket, *e = NULL;
	uint32_t b;

	avc_sync(avc, p);
	avc->stats.lookups++;
	b = avc_hash(ssid, tsid, tclass);
	bucket = avc->slot[b];
	for (unsigned int w = 0; w < AVC_WAYS; w++) {
		if (bucket[w].valid && bucket[w].ssid == ssid && bucket[w].tsid == tsid &&
		    bucket[w].tclass == tclass) {
			e = &bucket[w];
			break;
		}
	}
	if (e != NULL) {
		avc->stats.hits++;
	} else {
		avc->stats.misses++;
		e = &bucket[avc->victim[b]];
		avc->victim[b] = (uint8_t)((avc->victim[b] + 1) % AVC_WAYS);
		policy_compute_av(p, ssid, tsid, tclass, &e->ad);
		e->ssid = ssid;
		e->tsid = tsid;
		e->tclass = tclass;
		e->valid = true;
	}
	if (out != NULL) {
		*out = e->ad;
	}
	if ((requested & ~e->ad.allowed) != 0) {
		avc->stats.denials++;
		return -XEN_EACCES;
	}
	return 0;
}

bool avc_audit_required(const struct av_decision *ad, uint32_t requested, int rc)
{
	if (rc == 0) {
		return (requested & ad->auditallow) != 0;
	}
	return (requested & ~ad->allowed & ad->auditdeny) != 0;
}
