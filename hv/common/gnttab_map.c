/*
 * GNTTABOP_map_grant_ref and GNTTABOP_unmap_grant_ref for PV mappers, and
 * the hypervisor's own teardown of a mapping (revocation). A host mapping
 * writes one L1 entry of the mapper that references the granter's frame:
 * the only cross-domain entry the memory model accepts, explained by the
 * mapper's maptrack entry (hv/grant.h).
 * Decode then commit: domain, XSM (before the ref is looked at, so a denial
 * tells nothing about the ref), ref, the PTE slot and a free handle are all
 * checked first; then the entry is pinned, the frame referenced (undone on
 * failure), and only then the PTE written.
 * It must never write a PTE for a grant it has not checked, drop a
 * reference before the mapper's TLBs are flushed, or overwrite a PTE that
 * holds another grant mapping.
 * GNTMAP_device_map is refused (GNTST_general_error): Moat has no devices
 * and no IOMMU to program. The first few refusals print a warning line
 * saying so; then it goes quiet (a guest cannot flood the console).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <xsm/hooks.h>

#include "gnttab_priv.h"
#include "mm_priv.h"

#define DEVICE_MAP_WARNINGS 8

static unsigned int device_map_warned;

static void warn_device_map(const struct domain *d)
{
	if (device_map_warned < DEVICE_MAP_WARNINGS) {
		device_map_warned++;
		printk(LOG_WARN,
		       "d%u: grant map with GNTMAP_device_map refused: no devices or IOMMU here%s",
		       d->id, device_map_warned == DEVICE_MAP_WARNINGS ? " (not reported again)" : "");
	}
}

/* The mapper's L1 slot host_addr names (a va in the current kernel tables,
 * or with contains_pte the machine address of the entry). */
static int host_slot(struct vcpu *curr, uint64_t host_addr, bool by_pte, mfn_t *l1,
		     unsigned int *idx)
{
	struct domain *d = curr->domain;
	mfn_t root;

	if (by_pte) {
		*l1 = mfn(host_addr >> PAGE_SHIFT);
		if ((host_addr & 7) != 0 || !mm_is_table(d, *l1, 1)) {
			return GNTST_general_error;
		}
		*idx = (unsigned int)((host_addr & (PAGE_SIZE - 1)) >> 3);
		return GNTST_okay;
	}
	root = mm_kernel_root(curr);
	if (mfn_x(root) == INVALID_MFN_RAW || mm_walk_to_l1(d, root, host_addr, l1, idx) != 0) {
		return GNTST_general_error;
	}
	return GNTST_okay;
}

static bool pte_is_foreign(const struct domain *d, uint64_t e)
{
	return (e & _PAGE_PRESENT) && mm_frame_of(d, pte_mfn(e)) == NULL;
}

int gnttab_map_one(struct vcpu *curr, struct gnttab_map_grant_ref *op)
{
	struct domain *ld = curr->domain, *rd;
	bool ro = (op->flags & GNTMAP_readonly) != 0;
	bool by_pte = (op->flags & GNTMAP_contains_pte) != 0;
	grant_ref_t ref = op->ref;
	struct gnttab_active *act;
	struct gnttab_maptrack *mt;
	uint64_t *slot, old;
	unsigned int idx;
	mfn_t l1, frame;
	int h, st;

	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		return GNTST_bad_gntref;	/* Xen's status for "no mapping asked" */
	}
	if (op->flags & GNTMAP_device_map) {
		warn_device_map(ld);
		return GNTST_general_error;
	}
	rd = domain_by_id(op->dom);
	if (rd == NULL || rd->state == DOM_DYING || !rd->mm.gnt.ready) {
		return GNTST_bad_domain;
	}
	/* Mapping one's own grant would put an own frame under the maptrack's
	 * accounting: refused (Xen allows it; nothing PV needs it). */
	if (rd == ld) {
		return GNTST_permission_denied;
	}
	if (xsm_grant_map(ld, rd, ro) != 0) {
		return GNTST_permission_denied;
	}
	if (ref >= gnttab_nr_entries(rd)) {
		return GNTST_bad_gntref;
	}
	ref = (grant_ref_t)index_nospec(ref, gnttab_nr_entries(rd));
	/*@ assert ref_in_table: ref < gnttab_entries(rd->mm.gnt); */
	st = host_slot(curr, op->host_addr, by_pte, &l1, &idx);
	if (st != GNTST_okay) {
		return st;
	}
	slot = (uint64_t *)arch_frame_map(l1) + idx;
	old = mm_pte_read(slot);
	if (pte_is_foreign(ld, old)) {
		return GNTST_general_error;	/* a grant mapping is there: unmap it first */
	}
	act = gnttab_active_of(rd, ref);
	if ((ro ? act->pin_ro : act->pin_rw) == UINT16_MAX) {
		return GNTST_general_error;
	}
	h = gnttab_maptrack_alloc(ld);
	if (h < 0) {
		return GNTST_no_space;
	}
	/* Side effects from here, each undone on failure. */
	st = gnttab_entry_acquire(rd, ref, ld->id, ro);
	if (st == GNTST_okay) {
		st = gnttab_entry_frame(rd, ref, &frame);
		if (st == GNTST_okay) {
			st = gnttab_frame_get(rd, frame, ro);
		}
		if (st != GNTST_okay) {
			gnttab_entry_release(rd, ref);
		}
	}
	if (st != GNTST_okay) {
		mt = gnttab_maptrack_entry(ld, (unsigned int)h);
		mt->state = GNTTAB_MT_REVOKED;	/* so that free accepts it */
		gnttab_maptrack_free(ld, (unsigned int)h);
		return st;
	}
	/* Commit. */
	if (act->pin_ro + act->pin_rw == 0) {
		act->domid = ld->id;
		act->frame = mfn_x(frame);
	}
	if (ro) {
		act->pin_ro++;
	} else {
		act->pin_rw++;
	}
	mt = gnttab_maptrack_entry(ld, (unsigned int)h);
	mt->l1 = mfn_x(l1);
	mt->idx = (uint16_t)idx;
	mt->frame = mfn_x(frame);
	mt->ref = ref;
	mt->granter = rd->id;
	mt->readonly = ro;
	mt->by_pte = by_pte;
	mt->state = GNTTAB_MT_LIVE;
	mm_pte_write(slot, gnttab_host_pte(frame, ro));
	if (old & _PAGE_PRESENT) {
		/* The old entry (an own frame) goes once no TLB can hold it. */
		mm_flush(ld, MM_FLUSH_TLB, MM_VCPU_MASK(ld), 0);
		mm_pte_put(ld, 1, old);
	}
	op->handle = (grant_handle_t)h;
	/* PV: the bus address is the machine address, as Xen reports it. */
	op->dev_bus_addr = mfn_x(frame) << PAGE_SHIFT;
	return GNTST_okay;
}

/* Clear the PTE, flush, drop the references and pins: the mapping is gone,
 * the handle's state is the caller's business. */
static void teardown(struct domain *mapper, struct gnttab_maptrack *mt)
{
	struct domain *rd = domain_by_id(mt->granter);
	uint64_t *slot = (uint64_t *)arch_frame_map(mfn(mt->l1)) + mt->idx;
	struct gnttab_active *act;
	mfn_t frame = mfn(mt->frame);
	bool ro = mt->readonly != 0;

	/* The granter's death revokes every mapping first: it still exists. */
	BUG_ON(rd == NULL || mt->ref >= gnttab_nr_entries(rd));
	BUG_ON(!mfn_eq(pte_mfn(mm_pte_read(slot)), frame));
	mm_pte_write(slot, 0);
	/* No TLB of the mapper may still reach the frame once it is released. */
	mm_flush(mapper, MM_FLUSH_TLB, MM_VCPU_MASK(mapper), 0);
	act = gnttab_active_of(rd, mt->ref);
	if (ro) {
		BUG_ON(act->pin_ro == 0);
		act->pin_ro--;
	} else {
		BUG_ON(act->pin_rw == 0);
		act->pin_rw--;
	}
	gnttab_frame_put(rd, frame, ro);
	gnttab_entry_release(rd, mt->ref);
}

void gnttab_revoke_mapping(struct domain *mapper, unsigned int h)
{
	struct gnttab_maptrack *mt;

	if (h >= gnttab_maptrack_limit(mapper)) {
		return;
	}
	mt = gnttab_maptrack_entry(mapper, h);
	if (mt->state != GNTTAB_MT_LIVE) {
		return;
	}
	teardown(mapper, mt);
	mt->state = GNTTAB_MT_REVOKED;
}

void gnttab_l1_entry_dropped(struct domain *mapper, mfn_t l1, unsigned int idx)
{
	unsigned int limit = gnttab_maptrack_limit(mapper);

	for (unsigned int h = 0; h < limit; h++) {
		const struct gnttab_maptrack *mt = gnttab_maptrack_entry(mapper, h);

		if (mt->state == GNTTAB_MT_LIVE && mt->l1 == mfn_x(l1) && mt->idx == idx) {
			printk(LOG_DEBUG, "d%u: L1 %lx lost its type with grant handle %u in it: revoked",
			       mapper->id, (unsigned long)mfn_x(l1), h);
			gnttab_revoke_mapping(mapper, h);
			return;
		}
	}
	BUG_ON(true);	/* a foreign entry no maptrack entry explains */
}

int gnttab_unmap_one(struct vcpu *curr, const struct gnttab_unmap_grant_ref *op)
{
	struct domain *ld = curr->domain, *rd;
	struct gnttab_maptrack *mt;
	unsigned int idx;
	mfn_t l1;
	int st;

	if (op->handle >= gnttab_maptrack_limit(ld)) {
		return GNTST_bad_handle;
	}
	mt = gnttab_maptrack_entry(ld, op->handle);
	if (mt->state == GNTTAB_MT_FREE) {
		return GNTST_bad_handle;
	}
	if (mt->state == GNTTAB_MT_REVOKED) {
		/* The hypervisor already tore it down: only the handle is left. */
		gnttab_maptrack_free(ld, op->handle);
		return GNTST_okay;
	}
	rd = domain_by_id(mt->granter);
	BUG_ON(rd == NULL);
	if (xsm_grant_unmap(ld, rd) != 0) {
		return GNTST_permission_denied;
	}
	st = host_slot(curr, op->host_addr, mt->by_pte, &l1, &idx);
	if (st != GNTST_okay || mfn_x(l1) != mt->l1 || idx != mt->idx) {
		return GNTST_general_error;	/* host_addr is not this mapping's PTE */
	}
	teardown(ld, mt);
	gnttab_maptrack_free(ld, op->handle);
	return GNTST_okay;
}
