/*
 * Round-robin scheduling on one CPU. The run queue is a ring of runnable
 * vCPUs; the idle vCPU is not on it and runs only when the ring is empty.
 * Interrupts are off whenever this code runs, which is its only lock.
 */
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <hv/event.h>
#include <public/vcpu.h>

static struct vcpu *idle_vcpu;
static struct timer slice_timer;	/* ends the running guest's time slice */
static struct vcpu *rq_head;	/* next vCPU to run */
static struct vcpu *running;
static bool need_resched;

static void slice_expired(void *data)
{
	(void)data;
	need_resched = true;
}

void sched_init(struct vcpu *idle)
{
	idle_vcpu = idle;
	rq_head = NULL;
	running = NULL;
	need_resched = false;
	/* Re-initialising (tests do) must not leave the old slice queued. */
	timer_stop(&slice_timer);
	timer_init(&slice_timer, slice_expired, NULL);
}

static bool rq_contains(struct vcpu *v)
{
	struct vcpu *p = rq_head;

	if (p == NULL) {
		return false;
	}
	do {
		if (p == v) {
			return true;
		}
		p = p->rq_next;
	} while (p != rq_head);
	return false;
}

void sched_add(struct vcpu *v)
{
	if (rq_contains(v)) {
		return;
	}
	if (rq_head == NULL) {
		v->rq_next = v;
		rq_head = v;
		return;
	}
	/* Insert just before the head: the end of the round. */
	struct vcpu *last = rq_head;

	while (last->rq_next != rq_head) {
		last = last->rq_next;
	}
	last->rq_next = v;
	v->rq_next = rq_head;
}

void sched_remove(struct vcpu *v)
{
	struct vcpu *prev = rq_head;

	if (prev == NULL || !rq_contains(v)) {
		return;
	}
	while (prev->rq_next != v) {
		prev = prev->rq_next;
	}
	if (prev == v) {
		rq_head = NULL;
	} else {
		prev->rq_next = v->rq_next;
		if (rq_head == v) {
			rq_head = v->rq_next;
		}
	}
	v->rq_next = NULL;
	if (running == v) {
		need_resched = true;
	}
}

void sched_block(struct vcpu *v)
{
	if (v->state == VCPU_RUNNABLE) {
		v->state = VCPU_BLOCKED;
		sched_remove(v);
	}
}

void sched_wake(struct vcpu *v)
{
	if (v->state != VCPU_BLOCKED) {
		return;
	}
	v->state = VCPU_RUNNABLE;
	runstate_change(v, RUNSTATE_runnable);
	sched_add(v);
	/* If the CPU idles, leave the idle loop at once. */
	if (running == idle_vcpu) {
		need_resched = true;
	}
}

void sched_tick(void)
{
	need_resched = true;
}

bool sched_need_resched(void)
{
	return need_resched;
}

bool sched_has_runnable(void)
{
	return rq_head != NULL;
}

static struct vcpu *pick_next(struct vcpu *curr)
{
	struct vcpu *next;

	if (rq_head == NULL) {
		return idle_vcpu;
	}
	next = rq_head;
	/* If the head is the one that just ran, the round moves on by one. */
	if (next == curr && next->rq_next != next) {
		next = next->rq_next;
	}
	rq_head = next->rq_next;
	return next;
}

void schedule(struct vcpu *curr)
{
	struct vcpu *next = pick_next(curr);

	need_resched = false;
	if (next == curr) {
		return;
	}
	running = next;
	runstate_update(curr, curr->state == VCPU_BLOCKED    ? RUNSTATE_blocked
			      : curr->state == VCPU_RUNNABLE ? RUNSTATE_runnable
							     : RUNSTATE_offline);
	arch_context_switch(curr, next);
	/* Back on curr's stack: some other vCPU switched to us. */
	sched_after_switch(curr);
}

void sched_after_switch(struct vcpu *curr)
{
	running = curr;
	/* A guest gets a fresh slice; the idle vCPU needs none. */
	if (curr != idle_vcpu) {
		timer_set(&slice_timer, arch_time_ns() + SCHED_SLICE_NS);
		time_update_vcpu(curr);
		runstate_update(curr, RUNSTATE_running);
	} else {
		timer_stop(&slice_timer);
	}
	domain_reap(curr);
}

void sched_idle_loop(struct vcpu *idle)
{
	for (;;) {
		bool more = domain_reap(idle);

		if (sched_has_runnable()) {
			schedule(idle);
			continue;
		}
		/* A teardown gave way: a due timer's interrupt waits for an
		 * interrupt window (it is pending, so the wait ends at once),
		 * then the teardown goes on. */
		if (more) {
			if (sched_need_resched()) {
				schedule(idle);	/* nobody to run: clears it */
			} else if (hypercall_preempt_check()) {
				arch_wait_for_interrupt();
			}
			continue;
		}
		if (domain_count_alive() == 0) {
			hv_all_domains_gone();
		}
		arch_wait_for_interrupt();
	}
}

void sched_start(void)
{
	static struct vcpu boot_vcpu;

	running = idle_vcpu;
	arch_context_switch(&boot_vcpu, idle_vcpu);
	panic("the boot context was resumed");
}
