/*
 * Grant tables v1 for the test guests: the guest's own table (setup_table,
 * mapped at a window, entries written as Xen's ABI says: domid and frame,
 * a write barrier, then flags), and thin grant_table_op wrappers for map,
 * unmap and copy. Pure Xen PV64 ABI: the frame of a PV grant is the mfn.
 *
 * Never spin on the hypervisor here: every wrapper returns the per-op
 * GNTST_* status (or the hypercall's own -errno) and lets the test judge.
 */
#ifndef GUEST_RT_GRANT_H
#define GUEST_RT_GRANT_H

#include "rt.h"
#include "hyp.h"

#include <public/grant_table.h>

/* Refs 0-7 are Xen's reserved ones (console, xenstore, toolstack). */
#define RT_GNT_FIRST_FREE 8u
#define RT_GNT_PER_FRAME (RT_PAGE_SIZE / sizeof(struct grant_entry_v1))

/* The guest's grant table: frame 0 mapped read-write at a window. */
extern struct grant_entry_v1 *rt_gnt_table;
extern unsigned int rt_gnt_frames;	/* frames mapped (always 1 here) */

/* setup_table for one frame and map it at window slot `slot`. 0 or the
 * hypercall's -errno / the op's GNTST_* status (both negative). */
long rt_gnt_init(unsigned int slot);

/* Grant ref `ref` on frame mfn to domid (readonly: GTF_readonly). */
void rt_gnt_grant(grant_ref_t ref, domid_t domid, uint64_t mfn, bool readonly);

/* Take a grant back if nobody uses it (no GTF_reading/GTF_writing): the
 * cmpxchg of Xen's "invalidating an unused entry". False when in use. */
bool rt_gnt_end(grant_ref_t ref);

/* The flags word of an entry, read once. */
uint16_t rt_gnt_flags(grant_ref_t ref);

/* One map_grant_ref: returns the op's status, handle via *handle. */
int16_t rt_gnt_map(uint64_t va, domid_t dom, grant_ref_t ref, uint32_t flags,
		   grant_handle_t *handle, long *hc_rc);
/* One unmap_grant_ref of handle at va: the op's status. */
int16_t rt_gnt_unmap(uint64_t va, grant_handle_t handle, long *hc_rc);
/* One copy: the op's status. */
int16_t rt_gnt_copy(struct gnttab_copy *op, long *hc_rc);

/* A short name of a GNTST_* status for result lines. */
const char *rt_gntst_name(int16_t st);

#endif /* GUEST_RT_GRANT_H */
