/*
 * Private to hv/common/gnttab_*.c: the active entries (the hypervisor's
 * view of each grant ref, in FRAME_HV frames), access to the granter's
 * shared entries (guest-writable memory: each field read once, the
 * flags+domid word changed only by atomic operations), and the pin steps
 * map and copy share.
 */
#ifndef HV_COMMON_GNTTAB_PRIV_H
#define HV_COMMON_GNTTAB_PRIV_H

#include <hv/grant.h>
#include <hv/types.h>
#include <public/grant_table.h>

struct domain;

/* The hypervisor's state of one grant ref of a granter. */
struct gnttab_active {
	uint16_t pin_ro;	/* live read-only host mappings */
	uint16_t pin_rw;	/* live writable host mappings */
	domid_t domid;		/* the mapper, while pinned */
	uint16_t pad;
	uint64_t frame;		/* the frame captured at the first pin */
};
_Static_assert(sizeof(struct gnttab_active) * GNTTAB_ACTIVE_PER_FRAME == 4096,
	       "active entries fill a frame");

/* Refs of d's table (nr_frames * 512). */
unsigned int gnttab_nr_entries(const struct domain *d);
/* Callers check ref < gnttab_nr_entries(d) first (both clamp with index_nospec). */
struct gnttab_active *gnttab_active_of(const struct domain *d, grant_ref_t ref);
struct grant_entry_v1 *gnttab_shared_of(const struct domain *d, grant_ref_t ref);
/* Maptrack: a free handle (allocating a frame when needed), or -1. */
int gnttab_maptrack_alloc(struct domain *d);
struct gnttab_maptrack *gnttab_maptrack_entry(const struct domain *d, unsigned int h);
void gnttab_maptrack_free(struct domain *d, unsigned int h);

/*
 * Use of a grant entry by `user` (map or copy): checks the entry (as read
 * once: permit_access, no sub_page, domid == user, not GTF_readonly when
 * writing) unless it is already pinned for user, then sets GTF_reading (and
 * GTF_writing) by cmpxchg over flags+domid, bounded retries. Returns
 * GNTST_okay or GNTST_general_error; nothing changed on failure.
 */
int gnttab_entry_acquire(struct domain *rd, grant_ref_t ref, domid_t user, bool readonly);
/* Clear what the active entry's pins no longer need (atomic and-not). */
void gnttab_entry_release(struct domain *rd, grant_ref_t ref);
/*
 * The frame an acquired entry names: the captured one while pinned, else
 * the entry's frame field read once. GNTST_okay or GNTST_bad_page when rd
 * does not own it.
 */
int gnttab_entry_frame(struct domain *rd, grant_ref_t ref, mfn_t *frame);
/* References on rd's frame for a use: general, plus WRITABLE unless
 * readonly. GNTST_okay or GNTST_general_error (a page table, overflow). */
int gnttab_frame_get(struct domain *rd, mfn_t frame, bool readonly);
void gnttab_frame_put(struct domain *rd, mfn_t frame, bool readonly);

/* The PTE a host mapping writes (present, user, accessed, dirty, NX, RW
 * unless readonly: Xen's PV grant PTE with our ring-3 USER rule). */
uint64_t gnttab_host_pte(mfn_t frame, bool readonly);

/* One op of a batch each: the GNTST_* status (out fields filled). */
struct vcpu;
int gnttab_map_one(struct vcpu *curr, struct gnttab_map_grant_ref *op);
int gnttab_unmap_one(struct vcpu *curr, const struct gnttab_unmap_grant_ref *op);
int gnttab_copy_one(struct vcpu *curr, const struct gnttab_copy *op);
/* Grow d's table to nr_frames (<= its max): 0, -XEN_EINVAL, -XEN_ENOMEM. */
int gnttab_grow(struct domain *d, unsigned int nr_frames);

#endif
