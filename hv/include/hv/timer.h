/*
 * Software timers and the time guests see. Portable.
 *
 * Timers: one deadline-ordered list for the (single) CPU. Every change
 * reprograms the hardware for the earliest deadline through
 * arch_timer_program(); the arch's timer interrupt calls
 * timer_run_expired(now), which runs each expired timer's callback once.
 * Interrupts are off whenever this code runs: that is its only lock.
 *
 * Time: each vCPU's vcpu_time_info (Xen's pvclock) and the domain's
 * wallclock in shared_info, computed from the arch's TSC and clock.
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <hv/types.h>

struct vcpu;
struct domain;

/* ---- timers ----------------------------------------------------------------- */

typedef void (*timer_fn)(void *data);

enum timer_where {
	TIMER_IDLE = 0,		/* on no list (a zeroed timer is idle) */
	TIMER_QUEUED,		/* on the deadline list */
	TIMER_FIRING,		/* expired, on the batch timer_run_expired is running */
};

/*
 * A timer is embedded in the object it serves and owned by that object's
 * code; the list only links it. Invariant: where == TIMER_IDLE if and only
 * if the timer is on no list, and an embedded timer is stopped before the
 * memory holding it is reused (timer_stop is idempotent).
 */
struct timer {
	uint64_t deadline;	/* system time, ns (arch_time_ns) */
	timer_fn fn;		/* runs once per expiry, interrupts off */
	void *data;
	struct timer *next;
	uint8_t where;		/* enum timer_where: the "linked" state */
};

/* Give a timer its callback; it starts idle. */
void timer_init(struct timer *t, timer_fn fn, void *data);
/* (Re)arm for an absolute deadline; one in the past fires at the next
 * timer_run_expired. Timers with equal deadlines fire in the order set. */
void timer_set(struct timer *t, uint64_t deadline_ns);
/* Disarm; nothing if it is idle. After this the callback will not run. */
void timer_stop(struct timer *t);
/* Armed and not yet run. */
bool timer_pending(const struct timer *t);
/* The arch's timer interrupt: run every timer whose deadline <= now. A
 * callback may set or stop any timer, its own included. */
void timer_run_expired(uint64_t now);
/* The earliest armed deadline, 0 when none. */
uint64_t timer_next_deadline(void);

/* ---- time as guests see it (time.c) ----------------------------------------- */

/*
 * Publish v's vcpu_time_info (pvclock): version odd, fields, version even.
 * Call when v is scheduled in and from the timer interrupt for the running
 * vCPU (the published scale is re-anchored each time).
 */
void time_update_vcpu(struct vcpu *v);
/* Publish d's wallclock (time of day at system time 0) in shared_info. */
void time_update_wallclock(struct domain *d);
/*
 * The pvclock scale for a TSC of khz kHz: ns = ((ticks << shift) * mul) >> 32
 * with a negative shift meaning a right shift. mul is in [2^31 - 1, 2^32).
 * khz == 0 gives mul 0 (time stands still rather than dividing by zero).
 */
void time_scale_from_khz(uint64_t khz, uint32_t *mul, int8_t *shift);

/* ---- arch hooks ------------------------------------------------------------- */

/*
 * Program the CPU's one-shot timer (the local APIC) to interrupt at system
 * time deadline_ns, replacing any earlier programming; 0 = no deadline
 * (the arch may keep a slow safety tick). A deadline at or before now must
 * interrupt as soon as possible. Its interrupt calls
 * timer_run_expired(arch_time_ns()). Called with interrupts off.
 *
 * Also used from time.c (declared in hv/arch.h): arch_time_ns(),
 * arch_tsc_now(), arch_tsc_khz(), arch_wallclock_boot_sec().
 */
void arch_timer_program(uint64_t deadline_ns);

#endif
