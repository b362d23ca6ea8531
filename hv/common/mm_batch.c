/*
 * The batch driver shared by mmu_update and mmuext_op: bounds and checks the
 * list, reports `done` (written once before the first entry, so an
 * unwritable pointer changes nothing, and again at the end), copies each
 * entry in once and stops at the first failing one, as Xen does.
 *
 * It is preemptible, as on Xen: after each entry it asks
 * hypercall_preempt_check() and, when work is pending, continues the call
 * with the list advanced past the entries done, count = the rest |
 * MMU_UPDATE_PREEMPTED, and the entries done so far added into *pdone (the
 * guest's own counter, read back on the re-issue). A guest may forge the
 * marker or any argument of a re-issue: it is a new call, every entry is
 * checked again, and the only state carried over is *pdone, the guest's own
 * number. It must never carry anything else from one re-issue to the next.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>

#include "mm_priv.h"

int64_t mm_batch_run(struct vcpu *curr, const struct hypercall_args *args, size_t entry_size,
		     mm_batch_fn fn)
{
	uint8_t entry[MM_BATCH_ENTRY_MAX];
	uint64_t list = args->a[0];
	uint32_t count = (uint32_t)args->a[1];
	uint64_t pdone = args->a[2];
	uint32_t done = 0, i;
	int rc = 0;

	BUG_ON(entry_size > sizeof(entry));
	if (count & MM_BATCH_PREEMPTED) {
		/* A re-issue: the entries done before it are in the guest's
		 * counter (zero without one). */
		count &= ~MM_BATCH_PREEMPTED;
		if (pdone != 0 && copy_from_guest(curr, &done, guest_ptr(pdone), sizeof(done)) != 0) {
			return -XEN_EFAULT;
		}
	} else if (pdone != 0 && copy_to_guest(curr, guest_ptr(pdone), &done, sizeof(done)) != 0) {
		return -XEN_EFAULT;
	}
	if (!guest_range_ok(list, (size_t)count * entry_size)) {
		return -XEN_EFAULT;
	}
	for (i = 0; i < count; i++) {
		if (i > 0 && hypercall_preempt_check()) {
			struct hypercall_args rest = *args;

			rest.a[0] = list + (uint64_t)i * entry_size;
			rest.a[1] = (count - i) | MM_BATCH_PREEMPTED;
			done += i;
			if (pdone != 0) {
				(void)copy_to_guest(curr, guest_ptr(pdone), &done, sizeof(done));
			}
			return hypercall_continue(curr, &rest);
		}
		rc = copy_from_guest(curr, entry, guest_ptr(list + (uint64_t)i * entry_size),
				     entry_size);
		if (rc == 0) {
			rc = fn(curr, entry);
		}
		if (rc != 0) {
			break;
		}
	}
	done += i;
	/* An entry may have unmapped *pdone; the entries done stand regardless. */
	if (pdone != 0) {
		(void)copy_to_guest(curr, guest_ptr(pdone), &done, sizeof(done));
	}
	return rc;
}
