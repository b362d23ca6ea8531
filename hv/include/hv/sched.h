/*
 * A round-robin scheduler for one CPU: runnable vCPUs take turns, each for a
 * time slice ended by the timer tick, a yield, a block or its death.
 * Called with interrupts off (the hypervisor never runs with them on).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/types.h>

struct vcpu;

#define SCHED_SLICE_NS 10000000ULL	/* 10 ms */

void sched_init(struct vcpu *idle);
void sched_add(struct vcpu *v);
void sched_remove(struct vcpu *v);
/* Take v off the run queue (it waits for an event); the caller, if v is
 * the running vCPU, then calls schedule(). */
void sched_block(struct vcpu *v);
/* Put a blocked v back on the run queue. */
void sched_wake(struct vcpu *v);
/* The timer fired: end the current slice at the next exit to a guest. */
void sched_tick(void);
bool sched_need_resched(void);
/* Give up the CPU; returns when curr is picked again (never if it is dead). */
void schedule(struct vcpu *curr);
/* Leave the boot stack for the idle vCPU. */
void sched_start(void) __noreturn;
/* Run after every switch, on the new vCPU's stack. */
void sched_after_switch(struct vcpu *curr);
/* The idle vCPU's body. */
void sched_idle_loop(struct vcpu *idle) __noreturn;
bool sched_has_runnable(void);

#endif
