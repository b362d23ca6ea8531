/*
 * Domain lifetime: allocation of a slot and an id, shutdown and crash, and
 * the reaper that frees a dead domain's memory once none of its vCPUs can
 * still be running on a hypervisor stack.
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/hypercall.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <public/sched.h>
#include <xsm/hooks.h>

static struct domain domains[MAX_DOMAINS];
static bool any_crashed;

struct domain *domain_alloc(const char *name)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		struct domain *d = &domains[i];

		if (d->state == DOM_FREE) {
			memset(d, 0, sizeof(*d));
			/* Domain ids start at 1: 0 is kept for a control domain. */
			d->id = (domid_t)(i + 1);
			d->state = DOM_BUILDING;
			d->shared_info_mfn = mfn(INVALID_MFN_RAW);
			p2m_init(&d->p2m);
			mm_domain_init(d);
			str_lcpy(d->name, name, sizeof(d->name));
			return d;
		}
	}
	return NULL;
}

struct domain *domain_by_id(domid_t id)
{
	if (id == 0 || id > MAX_DOMAINS) {
		return NULL;
	}
	struct domain *d = &domains[index_nospec(id - 1U, MAX_DOMAINS)];

	return d->state == DOM_FREE ? NULL : d;
}

unsigned int domain_count_alive(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		if (domains[i].state == DOM_BUILDING || domains[i].state == DOM_RUNNING) {
			n++;
		}
	}
	return n;
}

bool domain_any_crashed(void)
{
	return any_crashed;
}

/* Free d's frames among [from, to): they are plain by now. */
static uint64_t release_frames(struct domain *d, uint64_t from, uint64_t to)
{
	uint64_t freed = 0;

	for (uint64_t m = from; m < to && m < frame_total(); m++) {
		struct frame_info *f = frame_get(mfn(m));

		if (f->state == FRAME_GUEST && f->owner == d->id) {
			frame_free(mfn(m));
			freed++;
		}
	}
	return freed;
}

uint64_t domain_release_memory(struct domain *d)
{
	/* Grants, ports and timers, then types, pins and roots (all
	 * idempotent): only plain frames are freed. */
	gnttab_domain_destroy(d);
	evtchn_domain_destroy(d);
	mm_domain_teardown(d);
	return release_frames(d, 0, frame_total());
}

static void domain_free_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		arch_vcpu_destroy(&d->vcpus[i]);
	}
	d->vcpu_count = 0;
}

void domain_free_unstarted(struct domain *d)
{
	gnttab_domain_destroy(d);
	evtchn_domain_destroy(d);
	domain_free_vcpus(d);
	mm_domain_teardown(d);
	domain_release_memory(d);
	p2m_destroy(&d->p2m);
	xsm_domain_destroy(d);
	d->state = DOM_FREE;
}

static const char *shutdown_reason_name(uint32_t reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return "poweroff";
	case SHUTDOWN_reboot:
		return "reboot";
	case SHUTDOWN_suspend:
		return "suspend";
	case SHUTDOWN_crash:
		return "crash";
	case SHUTDOWN_watchdog:
		return "watchdog";
	case SHUTDOWN_soft_reset:
		return "soft_reset";
	}
	return "unknown";
}

static void domain_stop(struct domain *d)
{
	console_guest_flush(d);
	d->state = DOM_DYING;
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		struct vcpu *v = &d->vcpus[i];

		if (v->state != VCPU_DEAD) {
			sched_remove(v);
			v->state = VCPU_DEAD;
		}
		/* No timer may fire for a dead vCPU. */
		evtchn_timers_stop(v);
	}
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
	if (d->state != DOM_RUNNING) {
		return;
	}
	d->shutdown_reason = reason;
	if (reason == SHUTDOWN_crash) {
		d->crashed = true;
		any_crashed = true;
	}
	printk(LOG_INFO, "domain %u (%s) shut down: %s", d->id, d->name,
	       shutdown_reason_name(reason));
	domain_stop(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	if (d->state != DOM_RUNNING) {
		return;
	}
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	d->shutdown_reason = SHUTDOWN_crash;
	d->crashed = true;
	any_crashed = true;
	printk(LOG_ERR, "domain %u (%s) crashed: %s", d->id, d->name, why);
	domain_stop(d);
}

/*
 * A dying domain is torn down in steps, giving way (hypercall_preempt_check)
 * after any step: on a large machine the frame scans alone are millions of
 * instructions, and putting the last reference of a page-table tree
 * devalidates all of it, which must not run with interrupts off in one go.
 * So the tables are emptied one entry per step, bottom level first (no put
 * then devalidates more than one table, an L1's 512 entries at most), pins
 * go one per step, and every scan looks at REAP_CHUNK frames per step.
 * Progress lives in the domain (teardown_phase, _next, _slot), so the next
 * reap resumes there.
 */
#define REAP_CHUNK 256

enum teardown_phase {
	TD_START,	/* grants, ports, vCPUs, descriptor frames, holds */
	TD_CLEAR_L2,	/* tables emptied, one entry per step */
	TD_CLEAR_L3,
	TD_CLEAR_L4,
	TD_ROOTS,	/* roots: the tables below are empty */
	TD_UNPIN,	/* pins, one per step */
	TD_CHECK,	/* every frame of d plain (the model's invariant) */
	TD_RELEASE,	/* free them */
	TD_FINISH,
};

/* One step of d's teardown; true when d is gone. */
static bool teardown_step(struct domain *d)
{
	uint64_t from = d->teardown_next, to = from + REAP_CHUNK;
	bool more = false;

	switch (d->teardown_phase) {
	case TD_START:
		/* Grants first: others' mappings of d's frames are revoked (their
		 * PTEs cleared, TLBs flushed) before any of d's frames can go. */
		gnttab_domain_destroy(d);
		evtchn_domain_destroy(d);
		domain_free_vcpus(d);
		mm_domain_teardown_holds(d);
		break;
	case TD_CLEAR_L2:
	case TD_CLEAR_L3:
	case TD_CLEAR_L4:
		more = mm_domain_clear_step(d, d->teardown_phase - TD_CLEAR_L2 + 2,
					    &d->teardown_next, &d->teardown_slot, REAP_CHUNK);
		break;
	case TD_ROOTS:
		mm_domain_drop_roots(d);
		break;
	case TD_UNPIN:
		more = mm_domain_unpin_step(d, &d->teardown_next, REAP_CHUNK);
		break;
	case TD_CHECK:
		mm_domain_check_frames(d, from, to);
		more = to < frame_total();
		d->teardown_next = to;
		break;
	case TD_RELEASE:
		/* Everything the domain owns, shared_info included, is FRAME_GUEST. */
		d->teardown_freed += release_frames(d, from, to);
		more = to < frame_total();
		d->teardown_next = to;
		break;
	default:
		p2m_destroy(&d->p2m);
		/* The longest step is the figure make bench reports. */
		printk(LOG_INFO,
		       "domain %u (%s) destroyed, %lu frames freed, %lu free, in %lu steps, "
		       "longest %lu ticks",
		       d->id, d->name, (unsigned long)d->teardown_freed,
		       (unsigned long)frame_free_count(), (unsigned long)d->teardown_steps,
		       (unsigned long)d->teardown_longest);
		xsm_domain_destroy(d);
		d->state = DOM_FREE;
		return true;
	}
	if (!more) {
		d->teardown_phase++;
		d->teardown_next = 0;
		d->teardown_slot = 0;
	}
	return false;
}

bool domain_reap(struct vcpu *curr)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		struct domain *d = &domains[i];

		/* Never free the stack we are standing on. */
		if (d->state != DOM_DYING || (curr != NULL && curr->domain == d)) {
			continue;
		}
		/* At least one chunk per call: teardown always progresses. */
		for (;;) {
			uint64_t t0 = arch_tsc_now(), t;
			bool gone;

			d->teardown_steps++;
			gone = teardown_step(d);
			t = arch_tsc_now() - t0;
			d->teardown_longest = t > d->teardown_longest ? t : d->teardown_longest;
			if (gone) {
				break;
			}
			if (hypercall_preempt_check()) {
				return true;
			}
		}
	}
	return false;
}
