/*
 * System time and wallclock from shared_info (see time.h). Readers follow
 * the seqlock-like version protocol Xen documents for vcpu_time_info and
 * the wallclock fields.
 */
#include "time.h"
#include "events.h"
#include "x86.h"

#define barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

void rt_time_snapshot(struct rt_time_snapshot *s)
{
	volatile struct vcpu_time_info *t = &rt_vcpu_info()->time;
	uint32_t v;

	s->retries = 0;
	for (;;) {
		v = t->version;
		barrier();
		s->tsc_timestamp = t->tsc_timestamp;
		s->system_time = t->system_time;
		s->mul = t->tsc_to_system_mul;
		s->shift = t->tsc_shift;
		s->tsc = rdtsc();
		barrier();
		if (!(v & 1) && t->version == v) {
			break;
		}
		s->retries++;
	}
	s->version = v;
}

uint64_t rt_time_scale(const struct rt_time_snapshot *s)
{
	uint64_t delta = s->tsc - s->tsc_timestamp;

	if (s->tsc < s->tsc_timestamp) {
		delta = 0;
	}
	if (s->shift < 0) {
		delta >>= -s->shift;
	} else {
		delta <<= s->shift;
	}
	return s->system_time + (uint64_t)(((unsigned __int128)delta * s->mul) >> 32);
}

uint64_t rt_system_time(void)
{
	struct rt_time_snapshot s;

	rt_time_snapshot(&s);
	return rt_time_scale(&s);
}

void rt_wallclock(uint64_t *sec, uint32_t *nsec, uint32_t *version)
{
	volatile struct shared_info *sh = rt_shared_info;
	uint32_t v;

	do {
		v = sh->wc_version;
		barrier();
		*sec = sh->wc_sec | ((uint64_t)sh->wc_sec_hi << 32);
		*nsec = sh->wc_nsec;
		barrier();
	} while ((v & 1) || sh->wc_version != v);
	*version = v;
}
