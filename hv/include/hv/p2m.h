/*
 * The hypervisor's own record of a domain's pseudo-physical to machine map:
 * a three-level radix tree of hypervisor frames (512 entries each, so 2^27
 * guest frames = 512 GiB). The guest keeps its own copy (mfn_list) which it
 * may scribble on; this one is the truth.
 */
#ifndef HV_P2M_H
#define HV_P2M_H

#include <hv/types.h>

#define P2M_MAX_PFN (1ULL << 27)

struct p2m {
	mfn_t root;		/* INVALID_MFN_RAW when empty */
};

void p2m_init(struct p2m *p);
/* 0, -XEN_ENOMEM when a table frame cannot be had, -XEN_EINVAL for a bad pfn. */
int p2m_set(struct p2m *p, uint64_t pfn, mfn_t m);
/* INVALID_MFN_RAW when unmapped. */
mfn_t p2m_get(const struct p2m *p, uint64_t pfn);
/* Free the tree's own frames (not the guest frames it points to). */
void p2m_destroy(struct p2m *p);

#endif
