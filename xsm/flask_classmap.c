/*
 * The class map: the (class, permission) names the FLASK hooks ask about,
 * resolved to (class value, bit) at every policy load. Names, not numbers,
 * tie the hooks to the policy, so a policy built with another permission
 * order still means what it says. A name the policy lacks is kept as
 * "missing" and always denied (fail closed), with one warning at load.
 * Must never be consulted before a load (flask_has_perm checks `loaded`).
 */
#include <hv/lib.h>
#include <xsm/flask_priv.h>
#include <xsm/hooks.h>

static const struct {
	const char *cls;
	const char *perm;
} names[FP_HC_BASE] = {
	[FP_XEN_WRITECONSOLE] = { "xen", "writeconsole" },
	[FP_XEN_READCONSOLE] = { "xen", "readconsole" },
	[FP_VERSION_EXTRAVERSION] = { "version", "xen_extraversion" },
	[FP_VERSION_COMPILE_INFO] = { "version", "xen_compile_info" },
	[FP_VERSION_CAPABILITIES] = { "version", "xen_capabilities" },
	[FP_VERSION_CHANGESET] = { "version", "xen_changeset" },
	[FP_VERSION_PAGESIZE] = { "version", "xen_pagesize" },
	[FP_VERSION_GUEST_HANDLE] = { "version", "xen_guest_handle" },
	[FP_VERSION_COMMANDLINE] = { "version", "xen_commandline" },
	[FP_VERSION_BUILD_ID] = { "version", "xen_build_id" },
	[FP_DOMAIN_SHUTDOWN] = { "domain", "shutdown" },
	[FP_DOMAIN_TRANSITION] = { "domain", "transition" },
	[FP_DOMAIN2_RELABELFROM] = { "domain2", "relabelfrom" },
	[FP_DOMAIN2_RELABELTO] = { "domain2", "relabelto" },
	[FP_EVENT_CREATE] = { "event", "create" },
	[FP_EVENT_BIND] = { "event", "bind" },
	[FP_EVENT_SEND] = { "event", "send" },
	[FP_EVENT_STATUS] = { "event", "status" },
	[FP_EVENT_RESET] = { "event", "reset" },
	[FP_GRANT_MAP_READ] = { "grant", "map_read" },
	[FP_GRANT_MAP_WRITE] = { "grant", "map_write" },
	[FP_GRANT_UNMAP] = { "grant", "unmap" },
	[FP_GRANT_COPY] = { "grant", "copy" },
	[FP_GRANT_SETUP] = { "grant", "setup" },
	[FP_GRANT_QUERY] = { "grant", "query" },
	[FP_GRANT_TRANSFER] = { "grant", "transfer" },
	[FP_SECURITY_LOAD_POLICY] = { "security", "load_policy" },
	[FP_SECURITY_SETENFORCE] = { "security", "setenforce" },
	[FP_SECURITY_CHECK_CONTEXT] = { "security", "check_context" },
	[FP_SECURITY_COMPUTE_AV] = { "security", "compute_av" },
	[FP_SECURITY_COMPUTE_CREATE] = { "security", "compute_create" },
	[FP_SECURITY_SETBOOL] = { "security", "setbool" },
	[FP_SECURITY_GETENFORCE] = { "security", "getenforce" },
	[FP_SECURITY_GETBOOL] = { "security", "getbool" },
	[FP_SECURITY_AVC_STATS] = { "security", "avc_stats" },
	[FP_SECURITY_SETSECPARAM] = { "security", "setsecparam" },
	[FP_ATTEST_READ_LOG] = { "attest", "read_log" },
};

static struct flask_perm_ref map[FP_COUNT];
static unsigned int missing;
static uint16_t event_class;

static void name_of(enum flask_perm fp, const char **cls, const char **perm)
{
	if (fp >= FP_HC_BASE) {
		*cls = "hypercall";
		*perm = xsm_hypercall_perm_name((enum xsm_hypercall_perm)(fp - FP_HC_BASE + 1));
	} else {
		*cls = names[fp].cls;
		*perm = names[fp].perm;
	}
}

void flask_classmap_resolve(const struct policy *p)
{
	int ev = policy_class_value(p, "event", 5);

	event_class = ev > 0 ? (uint16_t)ev : 0;
	missing = 0;
	for (unsigned int i = 0; i < FP_COUNT; i++) {
		const char *cls, *perm;
		int c, bit = -1;

		name_of((enum flask_perm)i, &cls, &perm);
		c = policy_class_value(p, cls, strlen(cls));
		if (c > 0) {
			bit = policy_perm_bit(p, (uint16_t)c, perm, strlen(perm));
		}
		if (c <= 0 || bit < 0 || bit > 31) {
			map[i].tclass = 0;
			map[i].bit = 0;
			missing++;
			printk(LOG_WARN, "flask: policy has no %s:%s: always denied", cls, perm);
			continue;
		}
		map[i].tclass = (uint16_t)c;
		map[i].bit = 1U << bit;
	}
}

const struct flask_perm_ref *flask_classmap_get(enum flask_perm fp)
{
	return &map[index_nospec((size_t)fp, FP_COUNT)];
}

unsigned int flask_classmap_missing(void)
{
	return missing;
}

uint16_t flask_class_event(void)
{
	return event_class;
}
