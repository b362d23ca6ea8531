/*
 * A domain's memory model from birth to death: the empty state, adopting
 * the bootstrap page tables the builder wrote, the frames the hypervisor
 * holds writable, and teardown, which drops every reference the model holds
 * for the domain so that each of its frames is left untyped and unreferenced.
 * It must never leave a count behind for frame_free to find.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>

#include "mm_priv.h"

_Static_assert(MM_MAX_VCPUS == MAX_VCPUS_PER_DOM, "one mm_vcpu per vCPU");

void mm_domain_init(struct domain *d)
{
	memset(&d->mm, 0, sizeof(d->mm));
	for (unsigned int i = 0; i < MM_MAX_VCPUS; i++) {
		d->mm.vcpu[i].kernel_root = mfn(INVALID_MFN_RAW);
		d->mm.vcpu[i].user_root = mfn(INVALID_MFN_RAW);
	}
}

int mm_hold_writable_page(struct domain *d, mfn_t m)
{
	int rc;

	if (d->mm.held_count >= MM_HELD_MAX) {
		return -XEN_ENOSPC;
	}
	rc = mm_get_page_type(d, m, MM_TYPE_WRITABLE);
	if (rc != 0) {
		return rc;
	}
	d->mm.held[d->mm.held_count++] = m;
	return 0;
}

void mm_release_writable_page(struct domain *d, mfn_t m)
{
	for (unsigned int i = 0; i < d->mm.held_count; i++) {
		if (mfn_eq(d->mm.held[i], m)) {
			d->mm.held[i] = d->mm.held[--d->mm.held_count];
			mm_put_page_type(d, m);
			return;
		}
	}
	BUG_ON(true);	/* releasing a frame that was never held */
}

int mm_adopt_bootstrap_tables(struct domain *d, mfn_t l4)
{
	struct mm_vcpu *mv = &d->mm.vcpu[0];
	bool si = mfn_x(d->shared_info_mfn) != INVALID_MFN_RAW;
	struct frame_info *f;
	int rc;

	if (mv->has_kernel_root) {
		return -XEN_EEXIST;
	}
	if (si) {
		rc = mm_hold_writable_page(d, d->shared_info_mfn);
		if (rc != 0) {
			return rc;
		}
	}
	rc = mm_get_page_type(d, l4, MM_TYPE_L4);
	if (rc != 0) {
		if (si) {
			mm_release_writable_page(d, d->shared_info_mfn);
		}
		return rc;
	}
	/* The first reference is the pin (Linux unpins the bootstrap L4 once it
	 * has its own), the second the kernel root. */
	f = mm_frame_of(d, l4);
	f->mm_flags |= MM_F_PINNED;
	rc = mm_get_page_type(d, l4, MM_TYPE_L4);
	BUG_ON(rc != 0);	/* typed L4 and validated: cannot fail */
	mv->kernel_root = l4;
	mv->has_kernel_root = true;
	d->vcpus[0].pv.kernel_root = l4;
	return 0;
}

void mm_domain_teardown_holds(struct domain *d)
{
	/* Grants first (idempotent): d's mappings of others' frames and
	 * others' mappings of d's, which hold references on d's frames. */
	gnttab_domain_destroy(d);
	for (unsigned int i = 0; i < MM_MAX_VCPUS; i++) {
		mm_drop_desc_frames(d, i);
	}
	while (d->mm.held_count > 0) {
		mm_release_writable_page(d, d->mm.held[d->mm.held_count - 1]);
	}
	d->mm.vm_assist = 0;
}

void mm_domain_drop_roots(struct domain *d)
{
	for (unsigned int i = 0; i < MM_MAX_VCPUS; i++) {
		mm_drop_roots(d, i);
	}
}

void mm_domain_teardown_roots(struct domain *d)
{
	mm_domain_teardown_holds(d);
	mm_domain_drop_roots(d);
}

/*
 * Empty d's tables of one level, one present entry at a time, from frame
 * *m and slot *slot on (the cursor, kept by the caller). Done level 2, then
 * 3, then 4, each clear drops at most one table below, whose own entries
 * are the only work of its devalidation: an L1's 512 at level 2, nothing
 * at levels 3 and 4, whose children were emptied before. So no single
 * step devalidates a tree, however large. Returns false once every frame
 * was visited; at most `budget` frames are looked at per call.
 */
bool mm_domain_clear_step(struct domain *d, unsigned int level, uint64_t *m, unsigned int *slot,
			  unsigned int budget)
{
	for (; *m < frame_total() && budget > 0; (*m)++, *slot = 0, budget--) {
		const struct frame_info *f = mm_frame_of(d, mfn(*m));
		const uint64_t *t;

		if (f == NULL || (unsigned int)f->type != level || f->type_count == 0) {
			continue;
		}
		t = arch_frame_map(mfn(*m));
		for (; *slot < PT_ENTRIES; (*slot)++) {
			if ((level == 4 && !mm_l4_slot_is_guest(*slot)) ||
			    !(mm_pte_read(&t[*slot]) & _PAGE_PRESENT)) {
				continue;
			}
			/* d's own tables, validated: clearing cannot fail. */
			BUG_ON(mm_pt_write_entry(d, mfn(*m), level, *slot, 0, false, NULL) != 0);
			(*slot)++;
			return true;
		}
	}
	return *m < frame_total();
}

static void unpin(struct domain *d, mfn_t m, struct frame_info *f)
{
	f->mm_flags &= (uint8_t)~MM_F_PINNED;
	mm_put_page_type(d, m);
}

void mm_domain_unpin_frames(struct domain *d, uint64_t from, uint64_t to)
{
	/* Pins after the roots: each put may devalidate a whole tree, which
	 * only ever drops references of d's own frames. */
	for (uint64_t m = from; m < to && m < frame_total(); m++) {
		struct frame_info *f = mm_frame_of(d, mfn(m));

		if (f != NULL && (f->mm_flags & MM_F_PINNED)) {
			unpin(d, mfn(m), f);
		}
	}
}

bool mm_domain_unpin_step(struct domain *d, uint64_t *m, unsigned int budget)
{
	/* One pin per call: once the tables are emptied (clear_step), each
	 * unpin devalidates at most the one table it pinned. */
	for (; *m < frame_total() && budget > 0; (*m)++, budget--) {
		struct frame_info *f = mm_frame_of(d, mfn(*m));

		if (f != NULL && (f->mm_flags & MM_F_PINNED)) {
			unpin(d, mfn(*m), f);
			(*m)++;
			break;
		}
	}
	return *m < frame_total();
}

void mm_domain_check_frames(struct domain *d, uint64_t from, uint64_t to)
{
	/* Once every pin is gone nothing else holds a reference: pins, roots,
	 * descriptor frames and holds are the only roots of the reference
	 * graph, and it has no cycles (levels strictly decrease). */
	for (uint64_t m = from; m < to && m < frame_total(); m++) {
		const struct frame_info *f = mm_frame_of(d, mfn(m));

		BUG_ON(f != NULL && (f->type_count != 0 || f->ref_count != 0 ||
				     f->type != MM_TYPE_NONE || f->mm_flags != 0));
	}
}

void mm_domain_teardown(struct domain *d)
{
	mm_domain_teardown_roots(d);
	mm_domain_unpin_frames(d, 0, frame_total());
	mm_domain_check_frames(d, 0, frame_total());
}
