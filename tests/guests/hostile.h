/*
 * Shared by the hostile_* test guests: each attacks the hypervisor one way
 * and is expected either to be refused (an error code, reported as PASS)
 * or to be killed alone. A bystander (spinner) runs beside it on Moat and
 * must finish with its memory intact; on Xen each runs alone as dom0.
 */
#ifndef GUEST_HOSTILE_H
#define GUEST_HOSTILE_H

#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"

/* The hypervisor's range, start, middle (its direct map) and end. */
#define HV_START   HYPERVISOR_VIRT_START
#define HV_DIRECT  0xffff830000000000ULL
#define HV_LAST    (HYPERVISOR_VIRT_END - 64)

/* A refusal is any negative Xen errno; the exact one goes in the detail. */
static inline bool expect_refused(const char *check, long rc, const char *what)
{
	return test_check(rc < 0, check, "%s: rc %ld", what, rc);
}

/* Announce the fatal step; if the domain lives on, say so and end. */
static inline void fatal_step(const char *what)
{
	rt_printf("%s: %s (this must kill the domain)\n", rt_guest_name, what);
	rt_flush();
}

static inline void survived(const char *what)
{
	test_fail("killed", "survived %s", what);
}

/* Lowest and highest machine frame this domain owns (from its p2m). */
static inline void own_mfn_range(uint64_t *lo, uint64_t *hi)
{
	*lo = ~0ULL;
	*hi = 0;
	for (uint64_t i = 0; i < rt_start_info->nr_pages; i++) {
		uint64_t m = rt_p2m[i];

		if (m == ~0ULL) {
			continue;
		}
		*lo = m < *lo ? m : *lo;
		*hi = m > *hi ? m : *hi;
	}
}

#endif /* GUEST_HOSTILE_H */
