/*
 * The world the memory-model harnesses (fuzz_mm, fuzz_gnttab) start from:
 * the fake machine with a guest buffer mapped, PV domains that each own a
 * pool of zeroed guest frames, and the links of the standard page-table
 * tree (L4 -> L3 -> L2 -> L1 in pool[0..3]) as the domain builder writes
 * them. It only sets up: what a harness then checks stays in the harness.
 */
#ifndef FUZZ_FUZZ_MM_WORLD_H
#define FUZZ_FUZZ_MM_WORLD_H

#include <stdint.h>
#include <string.h>

#include <fake_arch.h>
#include <fake_mm.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>

/* A fresh fake machine of nr_frames (hv_frames the hypervisor's), no
 * page-table state left from the run before, and buf zeroed and mapped at
 * guest va for every domain. */
static inline void fuzz_mm_world_boot(uint64_t nr_frames, uint64_t hv_frames, uint64_t va, uint8_t *buf,
				      size_t size)
{
	fake_machine_boot(nr_frames, hv_frames);
	fake_mm_reset();
	fake_guest_map(va, buf, size);
	memset(buf, 0, size);
}

/* A running PV domain with one vCPU and its memory state initialised, and
 * pool_count zeroed guest frames of its own in pool. NULL when no domain
 * slot is left. */
static inline struct domain *fuzz_mm_domain(const char *name, mfn_t *pool, unsigned int pool_count)
{
	struct domain *d = domain_alloc(name);

	if (d == NULL) {
		return NULL;
	}
	d->state = DOM_RUNNING;
	d->vcpus[0].id = 0;
	d->vcpus[0].domain = d;
	pv_vcpu_init(&d->vcpus[0].pv);
	d->vcpu_count = 1;
	mm_domain_init(d);
	for (unsigned int j = 0; j < pool_count; j++) {
		pool[j] = frame_alloc(FRAME_GUEST, d->id);
		memset(arch_frame_map(pool[j]), 0, PAGE_SIZE);
	}
	return d;
}

/* Slot 0 of pool[0], pool[1] and pool[2] pointing at the next table down
 * with flags; returns the L2 entry written (pool[2]'s, naming the L1). */
static inline uint64_t fuzz_mm_link_tree(const mfn_t *pool, uint64_t flags)
{
	uint64_t l2e = pte_make(pool[3], flags);

	((uint64_t *)arch_frame_map(pool[0]))[0] = pte_make(pool[1], flags);
	((uint64_t *)arch_frame_map(pool[1]))[0] = pte_make(pool[2], flags);
	((uint64_t *)arch_frame_map(pool[2]))[0] = l2e;
	return l2e;
}

#endif
