/*
 * multicall: a batch of hypercalls in one entry. Each entry goes through the
 * normal dispatcher, so each is gated and checked on its own; a failing
 * entry records its result and the batch goes on, as on Xen. A multicall
 * may not contain another multicall or an iret (they would re-enter the
 * batch or leave the hypervisor mid-batch).
 *
 * Preemptible, as on Xen: between entries, when hypercall_preempt_check()
 * says so, the multicall continues with the list advanced past the entries
 * done. An entry that itself gave way (HYPERCALL_CONTINUE) gets the
 * arguments of its rest written back into its args in the guest's list
 * (its result is left alone) and the multicall continues at that entry, so
 * the re-issue re-issues it. The list is the guest's: everything read from
 * it is checked again on every re-issue, nothing is carried over.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/xen.h>

/* The rest of the multicall: the list from entry i on. */
static int64_t multicall_rest(struct vcpu *curr, const struct hypercall_args *args, uint64_t i)
{
	struct hypercall_args rest = *args;

	rest.a[0] = args->a[0] + i * sizeof(struct multicall_entry);
	rest.a[1] = (uint32_t)args->a[1] - i;
	return hypercall_continue(curr, &rest);
}

static int64_t run_entries(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t list = args->a[0];
	uint64_t count = (uint32_t)args->a[1];

	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = list + i * sizeof(struct multicall_entry);
		struct multicall_entry e;
		struct hypercall_args a;

		if (i > 0 && hypercall_preempt_check()) {
			return multicall_rest(curr, args, i);
		}
		if (copy_from_guest(curr, &e, guest_ptr(at), sizeof(e)) != 0) {
			return -XEN_EFAULT;
		}
		if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret) {
			e.result = (uint64_t)-XEN_EINVAL;
		} else {
			int64_t ret;

			memcpy(a.a, e.args, sizeof(a.a));
			ret = hypercall_dispatch(curr, e.op, &a);
			if (hypercall_continued(curr, ret)) {
				/* The entry's rest goes back into the list; the
				 * multicall resumes at this entry. */
				if (copy_to_guest(curr,
						  guest_ptr(at + offsetof(struct multicall_entry, args)),
						  a.a, sizeof(a.a)) != 0) {
					return -XEN_EFAULT;
				}
				return multicall_rest(curr, args, i);
			}
			e.result = (uint64_t)ret;
		}
		if (copy_to_guest(curr, guest_ptr(at + offsetof(struct multicall_entry, result)),
				  &e.result, sizeof(e.result)) != 0) {
			return -XEN_EFAULT;
		}
	}
	return 0;
}

int64_t do_multicall(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t count = (uint32_t)args->a[1];
	int64_t rc;

	if (curr->pv.in_multicall) {
		return -XEN_EINVAL;
	}
	if (!guest_range_ok(args->a[0], count * sizeof(struct multicall_entry))) {
		return -XEN_EFAULT;
	}
	curr->pv.in_multicall = true;
	rc = run_entries(curr, args);
	curr->pv.in_multicall = false;
	return rc;
}
