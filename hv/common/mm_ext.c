/*
 * The mmuext_op hypercall (26): pin and unpin page tables, switch the
 * kernel and user roots, flush TLBs, set the LDT. A batch of ops, each
 * copied in, checked and committed on its own; the batch stops at the first
 * failure (its error returned, *done = ops completed). Unknown commands and
 * those Moat does not offer (cache flushes, clear/copy page, superpages)
 * are -ENOSYS. foreigndom must name the caller.
 * It must never pin or install as a root a frame that is not a validated
 * table of the caller's.
 */
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>
#include <public/mmu.h>
#include <public/xen.h>

#include "mm_priv.h"


static int pin(struct domain *d, mfn_t m, enum mm_type type)
{
	struct frame_info *f = mm_frame_of(d, m);
	int rc;

	if (f == NULL || (f->mm_flags & MM_F_PINNED)) {
		return -XEN_EINVAL;
	}
	rc = mm_get_page_type(d, m, type);
	if (rc != 0) {
		return rc;
	}
	f->mm_flags |= MM_F_PINNED;	/* the pin owns the reference just taken */
	return 0;
}

static int unpin(struct domain *d, mfn_t m)
{
	struct frame_info *f = mm_frame_of(d, m);

	if (f == NULL || !(f->mm_flags & MM_F_PINNED)) {
		return -XEN_EINVAL;
	}
	f->mm_flags &= (uint8_t)~MM_F_PINNED;
	mm_put_page_type(d, m);
	return 0;
}

static int set_ldt(struct vcpu *curr, uint64_t base, uint32_t ents)
{
	if (ents == 0) {
		base = 0;
	} else if (ents > MM_LDT_MAX_ENTRIES || (base & (PAGE_SIZE - 1)) != 0 ||
		   !guest_range_ok(base, (size_t)ents * 8)) {
		return -XEN_EINVAL;
	}
	mm_set_ldt(curr, base, ents);
	return 0;
}

static int flush_multi(struct vcpu *curr, const struct mmuext_op *op, unsigned int kind)
{
	uint64_t mask;
	int rc = mm_copy_vcpumask(curr, op->arg2.vcpumask, &mask);

	if (rc != 0) {
		return rc;
	}
	mm_flush(curr->domain, kind, mask, op->arg1.linear_addr);
	return 0;
}

static int op_one(struct vcpu *curr, const struct mmuext_op *op)
{
	struct domain *d = curr->domain;
	uint64_t self = 1ULL << curr->id;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pin(d, mfn(op->arg1.mfn), (enum mm_type)(op->cmd - MMUEXT_PIN_L1_TABLE + 1));
	case MMUEXT_UNPIN_TABLE:
		return unpin(d, mfn(op->arg1.mfn));
	case MMUEXT_NEW_BASEPTR:
		return mm_set_kernel_root(curr, mfn(op->arg1.mfn));
	case MMUEXT_NEW_USER_BASEPTR:
		/* Xen: 0 means none. */
		return mm_set_user_root(curr, op->arg1.mfn == 0, mfn(op->arg1.mfn));
	case MMUEXT_TLB_FLUSH_LOCAL:
		mm_flush(d, MM_FLUSH_TLB, self, 0);
		return 0;
	case MMUEXT_INVLPG_LOCAL:
		mm_flush(d, MM_FLUSH_INVLPG, self, op->arg1.linear_addr);
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:
		return flush_multi(curr, op, MM_FLUSH_TLB);
	case MMUEXT_INVLPG_MULTI:
		return flush_multi(curr, op, MM_FLUSH_INVLPG);
	case MMUEXT_TLB_FLUSH_ALL:
		mm_flush(d, MM_FLUSH_TLB, MM_VCPU_MASK(d), 0);
		return 0;
	case MMUEXT_INVLPG_ALL:
		mm_flush(d, MM_FLUSH_INVLPG, MM_VCPU_MASK(d), op->arg1.linear_addr);
		return 0;
	case MMUEXT_SET_LDT:
		return set_ldt(curr, op->arg1.linear_addr, op->arg2.nr_ents);
	default:
		return -XEN_ENOSYS;
	}
}

static int op_entry(struct vcpu *curr, const void *entry)
{
	return op_one(curr, entry);
}

int64_t do_mmuext_op(struct vcpu *curr, const struct hypercall_args *args)
{
	uint32_t foreigndom = (uint32_t)args->a[3];

	if (foreigndom != DOMID_SELF && foreigndom != curr->domain->id) {
		return -XEN_EPERM;
	}
	return mm_batch_run(curr, args, sizeof(struct mmuext_op), op_entry);
}
