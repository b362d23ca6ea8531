/*
 * Routes each hook to the module chosen at boot. The choice is made once, in
 * xsm_init(); there is no table of function pointers a memory corruption
 * could redirect. Until a module is chosen every hook denies (fail closed)
 * and the label hooks refuse.
 */
#include <hv/domain.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/dummy.h>
#include <xsm/flask.h>
#include <xsm/hooks.h>

static bool xsm_ready;
static enum xsm_module xsm_active;
static const char *const hc_perm_names[XSM_HC_COUNT] = {
	[XSM_HC_NONE] = "none",
	[XSM_HC_CONSOLE_IO] = "console_io",
	[XSM_HC_XEN_VERSION] = "xen_version",
	[XSM_HC_SCHED_OP] = "sched_op",
	[XSM_HC_SET_TRAP_TABLE] = "set_trap_table",
	[XSM_HC_MMU_UPDATE] = "mmu_update",
	[XSM_HC_SET_GDT] = "set_gdt",
	[XSM_HC_STACK_SWITCH] = "stack_switch",
	[XSM_HC_SET_CALLBACKS] = "set_callbacks",
	[XSM_HC_FPU_TASKSWITCH] = "fpu_taskswitch",
	[XSM_HC_SET_DEBUGREG] = "set_debugreg",
	[XSM_HC_GET_DEBUGREG] = "get_debugreg",
	[XSM_HC_UPDATE_DESCRIPTOR] = "update_descriptor",
	[XSM_HC_MEMORY_OP] = "memory_op",
	[XSM_HC_MULTICALL] = "multicall",
	[XSM_HC_UPDATE_VA_MAPPING] = "update_va_mapping",
	[XSM_HC_SET_TIMER_OP] = "set_timer_op",
	[XSM_HC_VM_ASSIST] = "vm_assist",
	[XSM_HC_IRET] = "iret",
	[XSM_HC_VCPU_OP] = "vcpu_op",
	[XSM_HC_SET_SEGMENT_BASE] = "set_segment_base",
	[XSM_HC_MMUEXT_OP] = "mmuext_op",
	[XSM_HC_CALLBACK_OP] = "callback_op",
	[XSM_HC_EVENT_CHANNEL_OP] = "event_channel_op",
	[XSM_HC_PHYSDEV_OP] = "physdev_op",
	[XSM_HC_XSM_OP] = "xsm_op",
	[XSM_HC_GRANT_TABLE_OP] = "grant_table_op",
	[XSM_HC_ATTEST_OP] = "attest_op",
};

int xsm_init(enum xsm_module module)
{
	if (module != XSM_MODULE_DUMMY && module != XSM_MODULE_FLASK) {
		return -XEN_EINVAL;
	}
	/* FLASK without a loaded policy would deny everything or worse. */
	if (module == XSM_MODULE_FLASK && !flask_policy_loaded()) {
		return -XEN_EINVAL;
	}
	xsm_active = module;
	xsm_ready = true;
	return 0;
}

enum xsm_module xsm_active_module(void)
{
	return xsm_active;
}

const char *xsm_module_name(void)
{
	if (!xsm_ready) {
		return "none";
	}
	return xsm_active == XSM_MODULE_FLASK ? "flask" : "dummy";
}

const char *xsm_hypercall_perm_name(enum xsm_hypercall_perm perm)
{
	if ((unsigned int)perm >= XSM_HC_COUNT) {
		return "?";
	}
	return hc_perm_names[perm];
}

/* Each hook: deny before a module is chosen, else the module's answer. */
#define ROUTE(call)                                                                   \
	do {                                                                          \
		if (!xsm_ready) {                                                     \
			return -XEN_EACCES;                                           \
		}                                                                     \
		return xsm_active == XSM_MODULE_FLASK ? flask_##call : dummy_##call;  \
	} while (0)

int xsm_domain_label(struct domain *d, const char *label)
{
	ROUTE(domain_label(d, label));
}

void xsm_domain_destroy(struct domain *d)
{
	if (xsm_ready && xsm_active == XSM_MODULE_FLASK) {
		flask_domain_destroy(d);
	}
}

void xsm_domain_refresh(struct domain *d)
{
	if (xsm_ready && xsm_active == XSM_MODULE_FLASK) {
		flask_domain_refresh(d);
	}
}

int xsm_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm)
{
	ROUTE(hypercall(caller, perm));
}

int xsm_console_io(const struct domain *caller, unsigned int cmd)
{
	ROUTE(console_io(caller, cmd));
}

int xsm_xen_version(const struct domain *caller, unsigned int op)
{
	ROUTE(xen_version(caller, op));
}

int xsm_sched_shutdown(const struct domain *caller, const struct domain *target)
{
	ROUTE(sched_shutdown(caller, target));
}

int xsm_attest_op(const struct domain *caller, unsigned int cmd)
{
	ROUTE(attest_op(caller, cmd));
}

int xsm_evtchn_bind_virq(const struct domain *caller, struct evtchn *chn, uint32_t virq)
{
	ROUTE(evtchn_bind_virq(caller, chn, virq));
}

int xsm_evtchn_bind_ipi(const struct domain *caller, struct evtchn *chn)
{
	ROUTE(evtchn_bind_ipi(caller, chn));
}

int xsm_evtchn_unbound(const struct domain *caller, const struct domain *d1, struct evtchn *chn, const struct domain *d2)
{
	ROUTE(evtchn_unbound(caller, d1, chn, d2));
}

int xsm_evtchn_interdomain(const struct domain *d1, struct evtchn *chn1, const struct domain *d2, const struct evtchn *chn2)
{
	ROUTE(evtchn_interdomain(d1, chn1, d2, chn2));
}

int xsm_evtchn_send(const struct domain *caller, const struct evtchn *chn)
{
	ROUTE(evtchn_send(caller, chn));
}

int xsm_evtchn_status(const struct domain *caller, const struct domain *target, const struct evtchn *chn)
{
	ROUTE(evtchn_status(caller, target, chn));
}

int xsm_evtchn_reset(const struct domain *caller, const struct domain *target)
{
	ROUTE(evtchn_reset(caller, target));
}

int xsm_evtchn_revalidate(const struct domain *d, struct evtchn *chn, const struct domain *peer)
{
	ROUTE(evtchn_revalidate(d, chn, peer));
}

int xsm_grant_setup(const struct domain *caller, const struct domain *target)
{
	ROUTE(grant_setup(caller, target));
}

int xsm_grant_query_size(const struct domain *caller, const struct domain *target)
{
	ROUTE(grant_query_size(caller, target));
}

int xsm_grant_map(const struct domain *mapper, const struct domain *granter, bool readonly)
{
	ROUTE(grant_map(mapper, granter, readonly));
}

int xsm_grant_unmap(const struct domain *mapper, const struct domain *granter)
{
	ROUTE(grant_unmap(mapper, granter));
}

int xsm_grant_copy(const struct domain *caller, const struct domain *src, const struct domain *dst)
{
	ROUTE(grant_copy(caller, src, dst));
}

int xsm_grant_transfer(const struct domain *caller, const struct domain *receiver)
{
	ROUTE(grant_transfer(caller, receiver));
}

int xsm_grant_revalidate(const struct domain *mapper, const struct domain *granter,
			 bool readonly)
{
	/* A live mapping is kept exactly when mapping it now would be allowed. */
	ROUTE(grant_map(mapper, granter, readonly));
}
