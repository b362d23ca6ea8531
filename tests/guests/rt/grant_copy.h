/*
 * GNTTABOP_copy requests between a grant of another domain and a frame of
 * our own, the two directions the test guests try (the IPC copier, the
 * hostile grant guests). They only fill in a struct gnttab_copy; issuing
 * it is rt_gnt_copy's (grant.h), judging the status the test's.
 */
#ifndef GUEST_RT_GRANT_COPY_H
#define GUEST_RT_GRANT_COPY_H

#include "grant.h"

/* len bytes from dom's ref at soff into our frame mfn at doff. */
static inline struct gnttab_copy op_gref_to_frame(domid_t dom, grant_ref_t ref, uint16_t soff,
						  uint64_t mfn, uint16_t doff, uint16_t len)
{
	struct gnttab_copy op = { 0 };

	op.source.u.ref = ref;
	op.source.domid = dom;
	op.source.offset = soff;
	op.dest.u.gmfn = mfn;
	op.dest.domid = DOMID_SELF;
	op.dest.offset = doff;
	op.len = len;
	op.flags = GNTCOPY_source_gref;
	return op;
}

/* len bytes from our frame mfn at soff into dom's ref at doff. */
static inline struct gnttab_copy op_frame_to_gref(uint64_t mfn, uint16_t soff, domid_t dom,
						  grant_ref_t ref, uint16_t doff, uint16_t len)
{
	struct gnttab_copy op = { 0 };

	op.source.u.gmfn = mfn;
	op.source.domid = DOMID_SELF;
	op.source.offset = soff;
	op.dest.u.ref = ref;
	op.dest.domid = dom;
	op.dest.offset = doff;
	op.len = len;
	op.flags = GNTCOPY_dest_gref;
	return op;
}

#endif
