/*
 * Using a grant entry: the checks of the granter's entry, setting and
 * clearing GTF_reading / GTF_writing, finding and referencing the granted
 * frame. Shared by map (gnttab_map.c) and copy (gnttab_copy.c).
 * The entry is guest memory the granter may change at any moment: the
 * flags+domid word is read once into a local, checked there, and changed
 * only by a cmpxchg against that very value (bounded retries, as Xen: a
 * guest rewriting it faster than we can swap gets GNTST_general_error);
 * the frame field is read once. It must never use a value it read twice,
 * nor reference a frame the granter does not own.
 * Stricter than Xen: the entry is checked on every use, pinned or not, so
 * a grant the granter has withdrawn (flags no longer permit_access) gives
 * no new mapping even while older ones are still in place.
 */
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>

#include "gnttab_priv.h"

#define GNT_CMPXCHG_TRIES 5

/* flags (low half) and domid (high half) of a v1 entry, as one word. */
static uint32_t *entry_word(struct grant_entry_v1 *e)
{
	_Static_assert(offsetof(struct grant_entry_v1, flags) == 0 &&
			       offsetof(struct grant_entry_v1, domid) == 2,
		       "flags+domid form the first 32-bit word");
	return (uint32_t *)(void *)e;
}

int gnttab_entry_acquire(struct domain *rd, grant_ref_t ref, domid_t user, bool readonly)
{
	const struct gnttab_active *act = gnttab_active_of(rd, ref);
	uint32_t *word = entry_word(gnttab_shared_of(rd, ref));
	uint32_t cur = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	bool pinned = act->pin_ro + act->pin_rw > 0;

	if (pinned && act->domid != user) {
		return GNTST_general_error;
	}
	for (unsigned int tries = 0;; tries++) {
		uint16_t flags = (uint16_t)cur;
		domid_t dom = (domid_t)(cur >> 16);
		uint32_t want = cur | GTF_reading | (readonly ? 0U : GTF_writing);

		if ((flags & (GTF_type_mask | GTF_sub_page)) != GTF_permit_access || dom != user) {
			return GNTST_general_error;
		}
		if (!readonly && (flags & GTF_readonly)) {
			return GNTST_general_error;
		}
		if (want == cur) {
			return GNTST_okay;
		}
		/* On failure cur becomes what is there now: checked again. */
		if (__atomic_compare_exchange_n(word, &cur, want, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			return GNTST_okay;
		}
		if (tries + 1 >= GNT_CMPXCHG_TRIES) {
			printk(LOG_DEBUG, "d%u: grant ref %u of d%u is unstable", user, ref, rd->id);
			return GNTST_general_error;
		}
	}
}

void gnttab_entry_release(struct domain *rd, grant_ref_t ref)
{
	const struct gnttab_active *act = gnttab_active_of(rd, ref);
	uint16_t clear = 0;

	if (act->pin_rw == 0) {
		clear |= GTF_writing;
	}
	if (act->pin_ro + act->pin_rw == 0) {
		clear |= GTF_reading;
	}
	/* An atomic and-not: the granter cannot make it fail or livelock. */
	if (clear != 0) {
		__atomic_fetch_and(&gnttab_shared_of(rd, ref)->flags, (uint16_t)~clear,
				   __ATOMIC_RELEASE);
	}
}

int gnttab_entry_frame(struct domain *rd, grant_ref_t ref, mfn_t *frame)
{
	const struct gnttab_active *act = gnttab_active_of(rd, ref);
	mfn_t m;

	if (act->pin_ro + act->pin_rw > 0) {
		m = mfn(act->frame);
	} else {
		m = mfn(__atomic_load_n(&gnttab_shared_of(rd, ref)->frame, __ATOMIC_RELAXED));
	}
	if (mm_frame_of(rd, m) == NULL) {
		return GNTST_bad_page;
	}
	*frame = m;
	return GNTST_okay;
}

int gnttab_frame_get(struct domain *rd, mfn_t frame, bool readonly)
{
	int rc = readonly ? mm_get_page(rd, frame) : mm_get_page_type(rd, frame, MM_TYPE_WRITABLE);

	return rc == 0 ? GNTST_okay : GNTST_general_error;
}

void gnttab_frame_put(struct domain *rd, mfn_t frame, bool readonly)
{
	if (readonly) {
		mm_put_page(rd, frame);
	} else {
		mm_put_page_type(rd, frame);
	}
}

uint64_t gnttab_host_pte(mfn_t frame, bool readonly)
{
	uint64_t flags = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX;

	if (!readonly) {
		flags |= _PAGE_RW;
	}
	return pte_make(frame, flags);
}
