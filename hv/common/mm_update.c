/*
 * The mmu_update hypercall (1): a batch of {ptr, val} requests, each one
 * copied in, checked and committed on its own; the batch stops at the first
 * failure, whose error is returned, with *done = the requests completed.
 * ptr's low 3 bits are the command (Xen: ptr & (sizeof(pte) - 1)), the rest
 * the machine address of an entry (NORMAL, PRESERVE_AD) or of a frame
 * (MACHPHYS). Foreign page tables and foreign mappings come with grants and
 * policy: until then foreigndom must name the caller.
 * It must never write an entry of a frame the caller does not own, nor a
 * page-table entry it has not validated.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>
#include <public/mmu.h>
#include <public/xen.h>

#include "mm_priv.h"

#define MMU_CMD_BITS          7ULL		/* sizeof(uint64_t) - 1 */

/* foreigndom: low 16 bits the page owner, high 16 bits the page-table owner
 * plus one (0: the caller). Only the caller itself for now. */
static bool foreigndom_is_self(const struct domain *d, uint32_t foreigndom)
{
	uint32_t pg = foreigndom & 0xffff, pt = foreigndom >> 16;

	return (pg == DOMID_SELF || pg == d->id) && (pt == 0 || pt - 1 == d->id);
}

/*
 * An entry of a frame that is not a page table: as Xen, a plain store, for
 * the guest could map the frame writable and store it itself (Linux updates
 * not-yet-pinned tables this way in lazy-MMU mode, e.g. during fork). The
 * transient WRITABLE reference refuses descriptor frames and flushes stale
 * page walks through a former page table before the store.
 */
static int plain_store(struct domain *d, mfn_t m, unsigned int idx, uint64_t val)
{
	int rc = mm_get_page_type(d, m, MM_TYPE_WRITABLE);

	if (rc != 0) {
		return rc;
	}
	mm_pte_write((uint64_t *)arch_frame_map(m) + idx, val);
	mm_put_page_type(d, m);
	return 0;
}

static int pt_update(struct domain *d, uint64_t maddr, uint64_t val, bool preserve_ad)
{
	mfn_t m = mfn(maddr >> PAGE_SHIFT);
	unsigned int idx = (unsigned int)((maddr & (PAGE_SIZE - 1)) >> 3);
	const struct frame_info *f = mm_frame_of(d, m);

	if (f == NULL) {
		printk(LOG_DEBUG, "d%u: mmu_update of frame %lx, not its own", d->id,
		       (unsigned long)mfn_x(m));
		return -XEN_EINVAL;
	}
	if (f->type_count > 0 && mm_type_is_pt(f->type)) {
		return mm_pt_write_entry(d, m, f->type, idx, val, preserve_ad, NULL);
	}
	return plain_store(d, m, idx, val);
}

static int machphys_update(struct domain *d, uint64_t maddr, uint64_t pfn)
{
	mfn_t m = mfn(maddr >> PAGE_SHIFT);

	if (mm_frame_of(d, m) == NULL) {
		return -XEN_EINVAL;
	}
	arch_m2p_set(m, pfn);
	return 0;
}

static int update_one(struct domain *d, const struct mmu_update *req)
{
	uint64_t maddr = req->ptr & ~MMU_CMD_BITS;

	switch (req->ptr & MMU_CMD_BITS) {
	case MMU_NORMAL_PT_UPDATE:
		return pt_update(d, maddr, req->val, false);
	case MMU_PT_UPDATE_PRESERVE_AD:
		return pt_update(d, maddr, req->val, true);
	case MMU_MACHPHYS_UPDATE:
		return machphys_update(d, maddr, req->val);
	case MMU_PT_UPDATE_NO_TRANSLATE:
		/* Only for translated (HVM/PVH) page-table owners. */
		return -XEN_EINVAL;
	default:
		return -XEN_ENOSYS;
	}
}

static int update_entry(struct vcpu *curr, const void *entry)
{
	return update_one(curr->domain, entry);
}

int64_t do_mmu_update(struct vcpu *curr, const struct hypercall_args *args)
{
	if (!foreigndom_is_self(curr->domain, (uint32_t)args->a[3])) {
		return -XEN_EPERM;
	}
	return mm_batch_run(curr, args, sizeof(struct mmu_update), update_entry);
}
