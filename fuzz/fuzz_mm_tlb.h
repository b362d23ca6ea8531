/*
 * fuzz_mm's view of the TLB: the guest touching its own addresses (the fake
 * TLB remembers the translations, tests/fake_arch/tlb.c) and giving frames
 * back and taking new ones (decrease_reservation, then populate_physmap of
 * scattered pfns, so the P2M takes frames for its tables). The invariant,
 * checked after every step by fuzz_mm's check_all: no frame owned by anyone
 * but domain X (another domain, the hypervisor) is reachable through X's
 * stale translations, nor X's own frame in a way its type forbids
 * (fake_tlb_check). Kept apart from fuzz_mm.c so that both can change
 * without the other noticing. It never repairs a state to make a check pass.
 */
#ifndef FUZZ_FUZZ_MM_TLB_H
#define FUZZ_FUZZ_MM_TLB_H

#include <fake_tlb.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/p2m.h>
#include <public/memory.h>

#include "fuzz_input.h"

/* One reservation call by v, the struct and extents through the guest
 * buffer (gbuf mapped at gva). */
static inline int64_t fuzz_mm_tlb_reservation(struct vcpu *v, unsigned int cmd, uint64_t *ext,
					      unsigned int n, uint8_t *gbuf, uint64_t gva)
{
	struct xen_memory_reservation r = {
		.extent_start = gva + 512, .nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
	};
	struct hypercall_args args = { { cmd, gva, 0, 0, 0, 0 } };
	int64_t rc;

	memcpy(gbuf, &r, sizeof(r));
	memcpy(gbuf + 512, ext, n * sizeof(*ext));
	/* Through the handler, re-issuing a preempted batch with its rest as
	 * the guest would. */
	while ((rc = do_memory_op(v, &args)) == HYPERCALL_CONTINUE) {
		memcpy(args.a, v->pv.cont_args, sizeof(args.a));
	}
	memcpy(ext, gbuf + 512, n * sizeof(*ext));
	return rc;
}

/*
 * Give back up to three pool frames (never the last, which plays
 * shared_info), then populate as many pfns; the new frames take the pool
 * slots, so the harness keeps naming frames the domain owns. A slot whose
 * populate failed gets a frame straight from the allocator, as the builder
 * would, or else the last pool frame.
 */
static inline void fuzz_mm_tlb_reuse(struct input *in, struct vcpu *v, mfn_t *pool,
				     unsigned int pool_count, uint8_t *gbuf, uint64_t gva)
{
	struct domain *d = v->domain;
	unsigned int n = 1 + u8(in) % 3, slot[3];
	uint64_t ext[3];
	int64_t given, got;

	if (d->max_pages == 0) {
		d->nr_pages = d->max_pages = pool_count;	/* the harness's allowance */
	}
	for (unsigned int i = 0; i < n; i++) {
		slot[i] = u8(in) % (pool_count - 1);
		ext[i] = mfn_x(pool[slot[i]]);
	}
	given = fuzz_mm_tlb_reservation(v, XENMEM_decrease_reservation, ext, n, gbuf, gva);
	if (given <= 0) {
		return;
	}
	for (int64_t i = 0; i < given; i++) {
		/* Scattered top-level slots: new P2M tables, taken from what was
		 * just given back (LIFO). */
		ext[i] = ((uint64_t)u8(in) << 18 | u16(in)) % P2M_MAX_PFN;
	}
	got = fuzz_mm_tlb_reservation(v, XENMEM_populate_physmap, ext, (unsigned int)given, gbuf,
				      gva);
	for (int64_t i = 0; i < given; i++) {
		mfn_t m = mfn(ext[i]);

		if (i >= got) {
			m = frame_alloc(FRAME_GUEST, d->id);
			if (mfn_x(m) == INVALID_MFN_RAW) {
				m = pool[pool_count - 1];
			} else {
				memset(arch_frame_map(m), 0, PAGE_SIZE);
				d->nr_pages++;
			}
		}
		pool[slot[i]] = m;
	}
}

/* One TLB step for v: mostly a touch of va (a read or a write), sometimes a
 * give-back-and-reuse round. */
static inline void fuzz_mm_tlb_op(struct input *in, struct vcpu *v, uint64_t va, mfn_t *pool,
				  unsigned int pool_count, uint8_t *gbuf, uint64_t gva)
{
	uint8_t c = u8(in);

	if (c < 160) {
		(void)fake_tlb_touch(v, va, c & 1);
	} else {
		fuzz_mm_tlb_reuse(in, v, pool, pool_count, gbuf, gva);
	}
}

#endif
