/*
 * xen_version: which hypervisor ABI this is and what it offers. Moat speaks
 * the Xen 4.17 PV ABI, so it reports 4.17 and says it is Moat in the
 * extraversion. Each sub-op goes through its XSM hook.
 */
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/features.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/version.h>
#include <xsm/hooks.h>

#define MOAT_XEN_MAJOR 4
#define MOAT_XEN_MINOR 17
#define MOAT_EXTRAVERSION ".0-moat"
#define MOAT_CAPABILITIES "xen-3.0-x86_64 "

struct compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};

static int64_t copy_string_out(struct vcpu *curr, uint64_t arg, const char *s, size_t size)
{
	char buf[XEN_CAPABILITIES_INFO_LEN];

	/* Fixed-size ABI buffers: zero-fill so no stack bytes leak to the guest. */
	memset(buf, 0, size);
	str_lcpy(buf, s, size);
	return copy_to_guest(curr, guest_ptr(arg), buf, size) ? -XEN_EFAULT : 0;
}

int64_t do_xen_version(struct vcpu *curr, const struct hypercall_args *args)
{
	unsigned int op = (unsigned int)args->a[0];
	uint64_t arg = args->a[1];
	int rc = xsm_xen_version(curr->domain, op);

	if (rc != 0) {
		return rc;
	}
	switch (op) {
	case XENVER_version:
		return (MOAT_XEN_MAJOR << 16) | MOAT_XEN_MINOR;
	case XENVER_extraversion:
		return copy_string_out(curr, arg, MOAT_EXTRAVERSION, XEN_EXTRAVERSION_LEN);
	case XENVER_capabilities:
		return copy_string_out(curr, arg, MOAT_CAPABILITIES, XEN_CAPABILITIES_INFO_LEN);
	case XENVER_changeset:
		return copy_string_out(curr, arg, "moat", XEN_CHANGESET_INFO_LEN);
	case XENVER_compile_info: {
		struct compile_info ci;

		memset(&ci, 0, sizeof(ci));
		str_lcpy(ci.compiler, "gcc", sizeof(ci.compiler));
		str_lcpy(ci.compile_by, "moat", sizeof(ci.compile_by));
		str_lcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
		return copy_to_guest(curr, guest_ptr(arg), &ci, sizeof(ci)) ? -XEN_EFAULT : 0;
	}
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { .virt_start = HYPERVISOR_VIRT_START };

		return copy_to_guest(curr, guest_ptr(arg), &pp, sizeof(pp)) ? -XEN_EFAULT : 0;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(curr, &fi, guest_ptr(arg), sizeof(fi)) != 0) {
			return -XEN_EFAULT;
		}
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS) {
			return -XEN_EINVAL;
		}
		fi.submap = hv_features_submap0(curr->domain);
		return copy_to_guest(curr, guest_ptr(arg), &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
	}
	case XENVER_commandline:
		/* Privileged domains only: the hook above refused the others. */
		return copy_string_out(curr, arg, hv_boot_cmdline(), XEN_CAPABILITIES_INFO_LEN);
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_guest_handle: {
		uint8_t handle[16];

		memset(handle, 0, sizeof(handle));
		handle[15] = (uint8_t)curr->domain->id;
		return copy_to_guest(curr, guest_ptr(arg), handle, sizeof(handle)) ? -XEN_EFAULT : 0;
	}
	default:
		return -XEN_ENOSYS;
	}
}
