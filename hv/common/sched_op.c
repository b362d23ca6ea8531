/*
 * sched_op: a guest yields its slice, blocks or polls for events, or shuts
 * itself down.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <public/errno.h>
#include <public/sched.h>
#include <xsm/hooks.h>

static int64_t sched_shutdown(struct vcpu *curr, uint64_t arg)
{
	struct sched_shutdown s;
	struct domain *d = curr->domain;
	int rc;

	if (copy_from_guest(curr, &s, guest_ptr(arg), sizeof(s)) != 0) {
		return -XEN_EFAULT;
	}
	if (s.reason > SHUTDOWN_soft_reset) {
		return -XEN_EINVAL;
	}
	rc = xsm_sched_shutdown(d, d);
	if (rc != 0) {
		return rc;
	}
	domain_shutdown(d, s.reason);
	/* This vCPU is dead now: leave its stack for good. */
	schedule(curr);
	return 0;
}

int64_t do_sched_op(struct vcpu *curr, const struct hypercall_args *args)
{
	switch (args->a[0]) {
	case SCHEDOP_yield:
		schedule(curr);
		return 0;
	case SCHEDOP_shutdown:
		return sched_shutdown(curr, args->a[1]);
	case SCHEDOP_block:
		return sched_op_block(curr);
	case SCHEDOP_poll:
		return sched_op_poll(curr, args->a[1]);
	default:
		return -XEN_ENOSYS;
	}
}
