/*
 * vcpu_op (hypercall 24) on a vCPU of the caller's own domain: is_up,
 * runstate (query and registered area), the periodic and single-shot
 * timers, and vcpu_info placement. Each sub-op copies in, checks, then
 * commits; none has a side effect before its last check.
 *
 * Not yet: initialise, up and down (secondary vCPUs come with SMP guests:
 * a guest with one vCPU never calls them for vCPU 0), send_nmi, get_physid
 * and the time memory area (Linux goes on without it). They are -ENOSYS.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>

#define PERIOD_MIN_NS 1000000ULL	/* Xen: 1 ms */
#define PERIOD_MAX_NS ((1ULL << 62) - 1)	/* Xen: STIME_DELTA_MAX */

static int64_t op_get_runstate_info(struct vcpu *curr, struct vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info info;

	runstate_snapshot(v, &info);
	return copy_to_guest(curr, guest_ptr(arg), &info, sizeof(info)) == 0 ? 0 : -XEN_EFAULT;
}

static int64_t op_register_runstate(struct vcpu *curr, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_runstate_memory_area a;

	if (copy_from_guest(curr, &a, guest_ptr(arg), sizeof(a)) != 0) {
		return -XEN_EFAULT;
	}
	/* The area must be somewhere a guest may point at all; whether it is
	 * mapped is found out at each copy (0 unregisters). */
	if (a.addr != 0 && !guest_range_ok(a.addr, sizeof(struct vcpu_runstate_info))) {
		return -XEN_EFAULT;
	}
	runstate_register(curr, v, a.addr);
	return 0;
}

static int64_t op_set_periodic(struct vcpu *curr, struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_periodic_timer t;

	if (copy_from_guest(curr, &t, guest_ptr(arg), sizeof(t)) != 0) {
		return -XEN_EFAULT;
	}
	if (t.period_ns < PERIOD_MIN_NS || t.period_ns > PERIOD_MAX_NS) {
		return -XEN_EINVAL;
	}
	evtchn_periodic_set(v, t.period_ns);
	return 0;
}

static int64_t op_set_singleshot(struct vcpu *curr, struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;

	/* Only a vCPU's own timer (its deadline is in its own time). */
	if (v != curr) {
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, &t, guest_ptr(arg), sizeof(t)) != 0) {
		return -XEN_EFAULT;
	}
	if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < arch_time_ns()) {
		return -XEN_ETIME;
	}
	/* A deadline already past fires at the next timer interrupt, which
	 * the arch raises at once. */
	evtchn_singleshot_set(v, t.timeout_abs_ns);
	return 0;
}

static int64_t op_register_vcpu_info(struct vcpu *curr, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_vcpu_info r;

	if (copy_from_guest(curr, &r, guest_ptr(arg), sizeof(r)) != 0) {
		return -XEN_EFAULT;
	}
	return vcpu_info_register(curr, v, r.mfn, r.offset);
}

int64_t do_vcpu_op(struct vcpu *curr, const struct hypercall_args *args)
{
	struct domain *d = curr->domain;
	uint64_t cmd = args->a[0], id = args->a[1], arg = args->a[2];
	struct vcpu *v;

	if (id >= d->vcpu_count) {
		return -XEN_ENOENT;
	}
	v = &d->vcpus[index_nospec(id, d->vcpu_count)];

	switch (cmd) {
	case VCPUOP_is_up:
		return v->state == VCPU_RUNNABLE || v->state == VCPU_BLOCKED;
	case VCPUOP_get_runstate_info:
		return op_get_runstate_info(curr, v, arg);
	case VCPUOP_register_runstate_memory_area:
		return op_register_runstate(curr, v, arg);
	case VCPUOP_set_periodic_timer:
		return op_set_periodic(curr, v, arg);
	case VCPUOP_stop_periodic_timer:
		evtchn_periodic_set(v, 0);
		return 0;
	case VCPUOP_set_singleshot_timer:
		return op_set_singleshot(curr, v, arg);
	case VCPUOP_stop_singleshot_timer:
		if (v != curr) {
			return -XEN_EINVAL;
		}
		evtchn_singleshot_stop(v);
		return 0;
	case VCPUOP_register_vcpu_info:
		return op_register_vcpu_info(curr, v, arg);
	case VCPUOP_initialise:
	case VCPUOP_up:
	case VCPUOP_down:
		/* SMP guests come later. */
		return -XEN_ENOSYS;
	default:
		return -XEN_ENOSYS;
	}
}
