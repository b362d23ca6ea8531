/*
 * multicall: a batch of hypercalls in one entry. Each entry goes through the
 * normal dispatcher, so each is gated and checked on its own; a failing
 * entry records its result and the batch goes on, as on Xen. A multicall
 * may not contain another multicall or an iret (they would re-enter the
 * batch or leave the hypervisor mid-batch).
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/xen.h>

/*
 * The hypervisor is not preemptible, so one batch is bounded: Linux sends a
 * few dozen entries at most. Larger batches are refused (Xen would split
 * them with a continuation).
 */
#define MULTICALL_MAX 512

int64_t do_multicall(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t list = args->a[0];
	uint64_t count = (uint32_t)args->a[1];

	if (curr->pv.in_multicall) {
		return -XEN_EINVAL;
	}
	if (count > MULTICALL_MAX) {
		return -XEN_E2BIG;
	}
	if (!guest_range_ok(list, count * sizeof(struct multicall_entry))) {
		return -XEN_EFAULT;
	}
	curr->pv.in_multicall = true;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = list + i * sizeof(struct multicall_entry);
		struct multicall_entry e;
		struct hypercall_args a;

		if (copy_from_guest(curr, &e, guest_ptr(at), sizeof(e)) != 0) {
			curr->pv.in_multicall = false;
			return -XEN_EFAULT;
		}
		if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret) {
			e.result = (uint64_t)-XEN_EINVAL;
		} else {
			memcpy(a.a, e.args, sizeof(a.a));
			e.result = (uint64_t)hypercall_dispatch(curr, e.op, &a);
		}
		if (copy_to_guest(curr, guest_ptr(at + offsetof(struct multicall_entry, result)),
				  &e.result, sizeof(e.result)) != 0) {
			curr->pv.in_multicall = false;
			return -XEN_EFAULT;
		}
	}
	curr->pv.in_multicall = false;
	return 0;
}
