/*
 * GNTTABOP_copy: the hypervisor copies up to a page between two frames,
 * each named by a grant ref of some domain (GNTCOPY_*_gref) or, for PV, by
 * one of the caller's own MFNs (domid DOMID_SELF). Checks in Xen's order
 * (gnttab_copy_one): offsets and length within the page (GNTST_bad_copy_arg),
 * a frame number only for DOMID_SELF (GNTST_permission_denied), the domains
 * (GNTST_bad_domain), XSM between source and destination
 * (GNTST_permission_denied), the refs (GNTST_bad_gntref), the entries
 * (GNTST_general_error: not permit_access, another grantee, a read-only
 * grant as destination), the frames (GNTST_bad_page: not the owner's; a
 * destination that cannot be WRITABLE, i.e. a page table: general_error).
 * Stricter than Xen: flag bits other than source_gref, dest_gref and
 * can_fail are refused (GNTST_bad_copy_arg) instead of ignored.
 * While copying, the entries carry GTF_reading (source) / GTF_writing
 * (destination) and the frames hold references; all released after.
 * It must never touch a frame neither a grant nor ownership allows.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <xsm/hooks.h>

#include "gnttab_priv.h"

#define GNTCOPY_KNOWN (GNTCOPY_source_gref | GNTCOPY_dest_gref | GNTCOPY_can_fail)

struct side {
	struct domain *d;	/* whose frame */
	bool gref;
	bool ro;
	grant_ref_t ref;
	mfn_t frame;
	bool acquired, referenced;
};

static struct domain *side_domain(struct vcpu *curr, domid_t domid)
{
	struct domain *d;

	if (domid == DOMID_SELF) {
		return curr->domain;
	}
	d = domain_by_id(domid);
	return d == NULL || d->state == DOM_DYING ? NULL : d;
}

/* Everything that needs no side effect: the ref's range, a local frame's owner. */
static int side_decode(struct vcpu *curr, const struct gnttab_copy_ptr *p, struct side *s)
{
	if (s->gref) {
		if (p->u.ref >= gnttab_nr_entries(s->d)) {
			return GNTST_bad_gntref;
		}
		s->ref = (grant_ref_t)index_nospec(p->u.ref, gnttab_nr_entries(s->d));
		/*@ assert ref_in_table: s->ref < gnttab_entries(s->d->mm.gnt); */
		return GNTST_okay;
	}
	/* DOMID_SELF by frame: PV names the machine frame, which must be ours. */
	s->frame = mfn(p->u.gmfn);
	if (p->u.gmfn >= frame_total() || mm_frame_of(curr->domain, s->frame) == NULL) {
		return GNTST_bad_page;
	}
	return GNTST_okay;
}

static int side_acquire(struct vcpu *curr, struct side *s)
{
	int st;

	if (s->gref) {
		st = gnttab_entry_acquire(s->d, s->ref, curr->domain->id, s->ro);
		if (st != GNTST_okay) {
			return st;
		}
		s->acquired = true;
		st = gnttab_entry_frame(s->d, s->ref, &s->frame);
		if (st != GNTST_okay) {
			return st;
		}
	}
	st = gnttab_frame_get(s->d, s->frame, s->ro);
	if (st == GNTST_okay) {
		s->referenced = true;
	}
	return st;
}

static void side_release(struct side *s)
{
	if (s->referenced) {
		gnttab_frame_put(s->d, s->frame, s->ro);
	}
	if (s->acquired) {
		gnttab_entry_release(s->d, s->ref);
	}
}

int gnttab_copy_one(struct vcpu *curr, const struct gnttab_copy *op)
{
	struct side src = { .gref = (op->flags & GNTCOPY_source_gref) != 0, .ro = true };
	struct side dst = { .gref = (op->flags & GNTCOPY_dest_gref) != 0, .ro = false };
	int st;

	if (op->flags & ~GNTCOPY_KNOWN) {
		return GNTST_bad_copy_arg;
	}
	if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
	    (uint32_t)op->dest.offset + op->len > PAGE_SIZE) {
		return GNTST_bad_copy_arg;
	}
	if ((op->source.domid != DOMID_SELF && !src.gref) ||
	    (op->dest.domid != DOMID_SELF && !dst.gref)) {
		return GNTST_permission_denied;	/* copy by frame: own frames only */
	}
	src.d = side_domain(curr, op->source.domid);
	dst.d = side_domain(curr, op->dest.domid);
	if (src.d == NULL || dst.d == NULL) {
		return GNTST_bad_domain;
	}
	if (xsm_grant_copy(curr->domain, src.d, dst.d) != 0) {
		return GNTST_permission_denied;
	}
	st = side_decode(curr, &op->source, &src);
	if (st == GNTST_okay) {
		st = side_decode(curr, &op->dest, &dst);
	}
	if (st != GNTST_okay) {
		return st;
	}
	st = side_acquire(curr, &src);
	if (st == GNTST_okay) {
		st = side_acquire(curr, &dst);
	}
	if (st == GNTST_okay && op->len > 0) {
		const uint8_t *from = (const uint8_t *)arch_frame_map(src.frame) + op->source.offset;
		uint8_t *to = (uint8_t *)arch_frame_map(dst.frame) + op->dest.offset;

		memmove(to, from, op->len);
	}
	side_release(&dst);
	side_release(&src);
	return st;
}
