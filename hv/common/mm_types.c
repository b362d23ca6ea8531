/*
 * Frame ownership, general references and page types on the frame table.
 * A type is taken all or nothing: the first type reference validates the
 * frame's contents (mm_validate.c, mm_desc.c) and on failure the frame is
 * left exactly as it was. It must never let a frame hold two types at once,
 * let a count go below zero or wrap, or touch a frame d does not own.
 *
 * TLB rule: when type_count falls to 0 the frame is stamped with the
 * TLB-flush clock (hv/tlb_clock.h, shared with the frame allocator); if it
 * is typed differently before every CPU has flushed since, those CPUs are
 * flushed first, so no stale writable mapping (or cached page walk through
 * a former page table) survives the type change.
 *
 * verify/wp proves the contracts below: no count wraps or goes below zero,
 * ref_count >= type_count is kept, and a frame's type changes only while
 * its type_count is 0 (given the validators' contracts in verify/include).
 */
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/tlb_clock.h>
#include <public/errno.h>

#define MM_COUNT_MAX 0xfffffff0U

/*@ // Frame m's counts as the rules in hv/mm.h keep them.
    predicate counts_ok{L}(uint64_t m) =
      mm_frame(m)->type_count <= mm_frame(m)->ref_count <= MM_COUNT_MAX;
*/

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result == \null || (\result == mm_frame(m.m) && \valid(\result) &&
      \result->state == FRAME_GUEST && \result->owner == d->id); */
struct frame_info *mm_frame_of(const struct domain *d, mfn_t m)
{
	struct frame_info *f = frame_get(m);

	if (f == NULL || f->state != FRAME_GUEST || f->owner != d->id) {
		return NULL;
	}
	return f;
}

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result ==> mm_frame(m.m)->ref_count == 0 && mm_frame(m.m)->type_count == 0; */
bool mm_frame_unreferenced(const struct domain *d, mfn_t m)
{
	const struct frame_info *f = mm_frame_of(d, m);

	return f != NULL && f->ref_count == 0 && f->type_count == 0;
}

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result ==> mm_frame(m.m)->type == level && mm_frame(m.m)->type_count > 0; */
bool mm_is_table(const struct domain *d, mfn_t m, unsigned int level)
{
	const struct frame_info *f = mm_frame_of(d, m);

	return f != NULL && f->type == level && mm_type_is_pt(f->type) && f->type_count > 0 &&
	       (f->mm_flags & MM_F_VALIDATED);
}

/*@ requires \valid_read(d) && \separated(mm_frame(m.m), d);
    assigns mm_frame(m.m)->ref_count;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EOVERFLOW;
    ensures no_wrap: \result == 0 ==> mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count) + 1 <= MM_COUNT_MAX;
    ensures \result != 0 ==> mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count); */
int mm_get_page(struct domain *d, mfn_t m)
{
	struct frame_info *f = mm_frame_of(d, m);

	if (f == NULL) {
		return -XEN_EINVAL;
	}
	if (f->ref_count >= MM_COUNT_MAX) {
		return -XEN_EOVERFLOW;
	}
	f->ref_count++;
	return 0;
}

/* Returns only if the frame is d's and holds a general reference that no
 * type reference accounts for (BUG_ON otherwise). */
/*@ requires \valid_read(d) && \separated(mm_frame(m.m), d) && counts_ok(m.m);
    assigns mm_frame(m.m)->ref_count;
    ensures no_underflow: mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count) - 1;
    ensures mm_frame(m.m)->type_count <= mm_frame(m.m)->ref_count; */
void mm_put_page(struct domain *d, mfn_t m)
{
	struct frame_info *f = mm_frame_of(d, m);

	BUG_ON(f == NULL || f->ref_count == 0);
	BUG_ON(f->ref_count == f->type_count);	/* that reference belongs to a type */
	f->ref_count--;
}

/* A frame about to take `type` after having none: flush the CPUs that
 * have not flushed since it lost a different type. (A frame freed and
 * allocated since was synced by frame_alloc, so its stamp is old.) */
/*@ requires \valid_read(f);
    assigns \nothing; */
static void flush_before_retype(struct frame_info *f, enum mm_type type)
{
	if (f->tlb_type != type) {
		tlb_clock_sync(f->tlb_stamp);
	}
}

/*@ requires mm_frame(m.m)->ref_count <= MM_COUNT_MAX;
    assigns { mm_frame(x)->ref_count | uint64_t x }, { mm_frame(x)->type_count | uint64_t x },
            { mm_frame(x)->type | uint64_t x }, { mm_frame(x)->mm_flags | uint64_t x },
            { mm_frame(x)->tlb_type | uint64_t x }, { mm_frame(x)->tlb_stamp | uint64_t x };
    ensures mm_frame(m.m)->type == \old(mm_frame(m.m)->type) && mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count);
    ensures mm_frame(m.m)->mm_flags == \old(mm_frame(m.m)->mm_flags);
    ensures \old(mm_frame(m.m)->ref_count) <= mm_frame(m.m)->ref_count <= MM_COUNT_MAX;
    ensures \result != 0 ==> mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count); */
static int validate_contents(struct domain *d, mfn_t m, enum mm_type type)
{
	if (mm_type_is_pt(type)) {
		return mm_table_validate(d, m, type);
	}
	if (type == MM_TYPE_SEG_DESC) {
		return mm_desc_page_validate(d, m);
	}
	return 0;
}

/*@ requires \valid_read(d) && \separated(mm_frame(m.m), d) && counts_ok(m.m);
    assigns { mm_frame(x)->ref_count | uint64_t x }, { mm_frame(x)->type_count | uint64_t x },
            { mm_frame(x)->type | uint64_t x }, { mm_frame(x)->mm_flags | uint64_t x },
            { mm_frame(x)->tlb_type | uint64_t x }, { mm_frame(x)->tlb_stamp | uint64_t x };
    ensures counts_ok(m.m);
    ensures type_fixed: \old(mm_frame(m.m)->type_count) > 0 ==> mm_frame(m.m)->type == \old(mm_frame(m.m)->type);
    ensures \result == 0 ==> mm_frame(m.m)->type == type && mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count) + 1;
    ensures \result != 0 ==> mm_frame(m.m)->type == \old(mm_frame(m.m)->type) &&
      mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count) && mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count); */
int mm_get_page_type(struct domain *d, mfn_t m, enum mm_type type)
{
	struct frame_info *f = mm_frame_of(d, m);
	int rc;

	BUG_ON(type == MM_TYPE_NONE || type > MM_TYPE_WRITABLE);
	if (f == NULL) {
		return -XEN_EINVAL;
	}
	if (f->ref_count >= MM_COUNT_MAX || f->type_count >= MM_COUNT_MAX) {
		return -XEN_EOVERFLOW;
	}
	if (f->type_count > 0) {
		if (f->type != type) {
			return -XEN_EINVAL;
		}
		/* Levels strictly decrease, so a frame is never asked for its own
		 * type while its validation is still running. */
		BUG_ON(!(f->mm_flags & MM_F_VALIDATED));
		f->type_count++;
		f->ref_count++;
		return 0;
	}
	BUG_ON(f->type != MM_TYPE_NONE || f->mm_flags != 0);
	flush_before_retype(f, type);
	/* Typed before validating: an entry below that maps this frame
	 * writable, or wants it as another type, now conflicts. */
	f->type = (uint8_t)type;
	f->type_count = 1;
	f->ref_count++;
	rc = validate_contents(d, m, type);
	if (rc != 0) {
		/* Validation undid everything it took; undo the type. */
		BUG_ON(f->type_count != 1 || f->ref_count == 0);
		f->type = MM_TYPE_NONE;
		f->type_count = 0;
		f->ref_count--;
		return rc;
	}
	f->mm_flags |= MM_F_VALIDATED;
	return 0;
}

/* Returns only if the frame is d's and typed (BUG_ON otherwise). */
/*@ requires \valid_read(d) && \separated(mm_frame(m.m), d) && counts_ok(m.m);
    assigns { mm_frame(x)->ref_count | uint64_t x }, { mm_frame(x)->type_count | uint64_t x },
            { mm_frame(x)->type | uint64_t x }, { mm_frame(x)->mm_flags | uint64_t x },
            { mm_frame(x)->tlb_type | uint64_t x }, { mm_frame(x)->tlb_stamp | uint64_t x };
    ensures counts_ok(m.m);
    ensures no_underflow: mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count) - 1;
    ensures type_fixed: mm_frame(m.m)->type_count > 0 ==> mm_frame(m.m)->type == \old(mm_frame(m.m)->type);
    ensures mm_frame(m.m)->type_count == 0 ==> mm_frame(m.m)->type == MM_TYPE_NONE && mm_frame(m.m)->mm_flags == 0; */
void mm_put_page_type(struct domain *d, mfn_t m)
{
	struct frame_info *f = mm_frame_of(d, m);

	BUG_ON(f == NULL || f->type_count == 0 || f->ref_count < f->type_count);
	if (f->type_count == 1) {
		BUG_ON(f->mm_flags & MM_F_PINNED);	/* a pin holds a reference */
		if (mm_type_is_pt(f->type)) {
			mm_table_devalidate(d, m, f->type);
		}
		/* Devalidation only drops references of lower levels and general
		 * references, so this frame's own counts are still ours. */
		BUG_ON(f->type_count != 1);
		f->tlb_type = f->type;
		f->tlb_stamp = tlb_clock_now();
		f->type = MM_TYPE_NONE;
		f->mm_flags = 0;
	}
	f->type_count--;
	f->ref_count--;
}
