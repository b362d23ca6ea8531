/*
 * Access checks and their audit lines. flask_has_perm() is the one place a
 * hook's question meets the AVC; it decides, in this order: no policy or a
 * permission the policy lacks -> denied in every mode; the AVC's answer,
 * audited when avc_audit_required() says so; a denial is returned only
 * when enforcing. Audit lines (format in xsm/flask.h) go through a token
 * bucket so a guest hammering a denied operation cannot flood the console:
 * FLASK_AUDIT_BURST lines, then FLASK_AUDIT_PER_SEC a second, and the next
 * line printed after a gap is preceded by how many were dropped.
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/flask_priv.h>

#define NS_PER_SEC   1000000000ULL
#define NS_PER_TOKEN (NS_PER_SEC / FLASK_AUDIT_PER_SEC)
#define BUCKET_MAX   (FLASK_AUDIT_BURST * NS_PER_TOKEN)

static struct {
	bool started;
	uint64_t last_ns;
	uint64_t bucket_ns;		/* credit, in ns of refill time */
	struct flask_audit_counters c;
} rl;

void flask_audit_reset(void)
{
	memset(&rl, 0, sizeof(rl));
}

void flask_audit_counters(struct flask_audit_counters *out)
{
	*out = rl.c;
}

/* Take a token if there is one. */
static bool ratelimit_take(void)
{
	uint64_t now = arch_time_ns();

	if (!rl.started) {
		rl.started = true;
		rl.bucket_ns = BUCKET_MAX;
	} else if (now > rl.last_ns) {
		uint64_t add = now - rl.last_ns;

		rl.bucket_ns = add >= BUCKET_MAX - rl.bucket_ns ? BUCKET_MAX : rl.bucket_ns + add;
	}
	rl.last_ns = now;
	if (rl.bucket_ns < NS_PER_TOKEN) {
		return false;
	}
	rl.bucket_ns -= NS_PER_TOKEN;
	return true;
}

/* The name of permission bit `bit` of class tclass, read from the blob
 * (the loader checked the class's perm range and every name offset). */
static const char *perm_name(const struct policy *p, uint16_t tclass, unsigned int bit)
{
	struct policy_blob_class c;
	uint32_t off, idx;

	if (tclass == 0 || tclass > p->class_count) {
		return "?";
	}
	memcpy(&c, p->classes + index_nospec(tclass - 1U, p->class_count) * sizeof(c), sizeof(c));
	if (bit >= c.perm_count) {
		return "?";
	}
	idx = c.perm_first + bit;
	if (idx >= p->perm_count) {
		return "?";
	}
	memcpy(&off, p->perms + index_nospec(idx, p->perm_count) * 4, sizeof(off));
	if (off >= p->strtab_size) {
		return "?";
	}
	return (const char *)p->strtab + index_nospec(off, p->strtab_size);
}

static size_t append(char *buf, size_t size, size_t n, const char *s)
{
	if (n < size) {
		int w = fmt_snprintf(buf + n, size - n, "%s", s);

		n += w > 0 ? (size_t)w : 0;
	}
	return n < size ? n : size - 1;
}

void flask_audit(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t requested,
		 const struct av_decision *ad, int rc, domid_t domid, bool permissive)
{
	const struct policy *p = &flask_state.pol;
	uint32_t perms = rc == 0 ? requested & ad->auditallow : requested & ~ad->allowed;
	char line[240], sctx[FLASK_CONTEXT_MAX], tctx[FLASK_CONTEXT_MAX];
	const char *cls = policy_class_name(p, tclass);
	size_t n = 0;

	if (!ratelimit_take()) {
		rl.c.suppressed++;
		rl.c.pending++;
		return;
	}
	if (rl.c.pending != 0) {
		printk(LOG_WARN, "avc: %u audit messages suppressed", rl.c.pending);
		rl.c.pending = 0;
	}
	if (flask_sid_format(ssid, sctx, sizeof(sctx)) < 0) {
		fmt_snprintf(sctx, sizeof(sctx), "sid%u", ssid);
	}
	if (flask_sid_format(tsid, tctx, sizeof(tctx)) < 0) {
		fmt_snprintf(tctx, sizeof(tctx), "sid%u", tsid);
	}
	n = append(line, sizeof(line), n, rc == 0 ? "avc: granted {" : "avc: denied {");
	for (unsigned int bit = 0; bit < 32; bit++) {
		if ((perms & (1U << bit)) != 0) {
			n = append(line, sizeof(line), n, " ");
			n = append(line, sizeof(line), n, perm_name(p, tclass, bit));
		}
	}
	n = append(line, sizeof(line), n, " }");
	rl.c.printed++;
	printk(LOG_WARN, "%s for scontext=%s tcontext=%s tclass=%s domid=%u%s", line, sctx, tctx,
	       cls != NULL ? cls : "?", (unsigned int)domid, permissive ? " permissive=1" : "");
}

int flask_has_perm(uint32_t ssid, uint32_t tsid, enum flask_perm fp, domid_t domid)
{
	const struct flask_perm_ref *ref;
	struct av_decision ad;
	int rc;

	if (!flask_state.loaded) {
		return -XEN_EACCES;
	}
	ref = flask_classmap_get(fp);
	if (ref->tclass == 0) {
		/* Warned about at load; denied even when permissive. */
		return -XEN_EACCES;
	}
	rc = avc_has_perm(&flask_state.avc, &flask_state.pol, flask_sid_type(ssid),
			  flask_sid_type(tsid), ref->tclass, ref->bit, &ad);
	if (avc_audit_required(&ad, ref->bit, rc)) {
		flask_audit(ssid, tsid, ref->tclass, ref->bit, &ad, rc, domid,
			    rc != 0 && !flask_state.enforcing);
	}
	return rc != 0 && flask_state.enforcing ? -XEN_EACCES : 0;
}
