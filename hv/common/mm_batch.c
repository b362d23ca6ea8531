/*
 * The batch driver shared by mmu_update and mmuext_op: bounds and checks the
 * list, reports `done` (written once before the first entry, so an
 * unwritable pointer changes nothing, and again at the end), copies each
 * entry in once and stops at the first failing one, as Xen does.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <public/errno.h>

#include "mm_priv.h"

#define MM_BATCH_PREEMPTED 0x80000000U	/* Xen's continuation marker */

int64_t mm_batch_run(struct vcpu *curr, uint64_t list, uint32_t count, size_t entry_size,
		     uint64_t pdone, mm_batch_fn fn)
{
	uint8_t entry[MM_BATCH_ENTRY_MAX];
	uint32_t done = 0;
	int rc = 0;

	BUG_ON(entry_size > sizeof(entry));
	/* No continuations here: nothing of ours to resume. */
	if (count & MM_BATCH_PREEMPTED) {
		return -XEN_EINVAL;
	}
	if (!guest_range_ok(list, (size_t)count * entry_size)) {
		return -XEN_EFAULT;
	}
	if (pdone != 0 && copy_to_guest(curr, guest_ptr(pdone), &done, sizeof(done)) != 0) {
		return -XEN_EFAULT;
	}
	for (uint32_t i = 0; i < count; i++) {
		rc = copy_from_guest(curr, entry, guest_ptr(list + (uint64_t)i * entry_size),
				     entry_size);
		if (rc == 0) {
			rc = fn(curr, entry);
		}
		if (rc != 0) {
			break;
		}
		done++;
	}
	/* An entry may have unmapped *pdone; the entries done stand regardless. */
	if (pdone != 0) {
		(void)copy_to_guest(curr, guest_ptr(pdone), &done, sizeof(done));
	}
	return rc;
}
