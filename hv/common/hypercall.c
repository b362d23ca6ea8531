/*
 * The hypercall dispatcher: the single way a guest's request reaches a
 * handler. It bounds the number, asks the XSM gate for the table entry's
 * permission, and only then runs the handler. Unimplemented numbers say so.
 *
 * Continuations (Xen's model): the hypervisor runs with interrupts off, so
 * a handler with a batch must not run it to the end when other work is
 * pending. It checks hypercall_preempt_check() between items and, when it
 * says so, records the arguments of the rest with hypercall_continue() and
 * returns HYPERCALL_CONTINUE. The arch then writes those arguments back into
 * the guest's argument registers and rewinds its RIP over the hypercall
 * instruction: the scheduler and event delivery run, and the guest re-issues
 * the call when it next runs. Everything of the rest lives in the guest's
 * registers and memory, so a re-issue is an ordinary hypercall: gated and
 * checked again from scratch, and a forged encoding can only ask for work
 * the guest could have asked for directly.
 * It must never keep hypervisor state across a re-issue.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <public/errno.h>
#include <xsm/hooks.h>

/*
 * Pending work that a batch must give way to: the scheduler wants the CPU
 * (a slice ended, a vCPU woke), or a timer is due whose interrupt waits for
 * us to re-enable interrupts (a guest timer, the end of a slice). Both
 * follow the TSC, so under QEMU -icount the points of preemption repeat.
 */
bool hypercall_preempt_check(void)
{
	uint64_t next;

	if (sched_need_resched()) {
		return true;
	}
	next = timer_next_deadline();
	return next != 0 && next <= arch_time_ns();
}

int64_t hypercall_continue(struct vcpu *curr, const struct hypercall_args *rest)
{
	memcpy(curr->pv.cont_args, rest->a, sizeof(curr->pv.cont_args));
	curr->pv.cont_pending = true;
	return HYPERCALL_CONTINUE;
}

int64_t hypercall_dispatch(struct vcpu *curr, uint64_t nr, struct hypercall_args *args)
{
	const struct hypercall_def *def;
	int64_t ret;
	int rc;

	if (nr >= hypercall_table_size) {
		printk(LOG_DEBUG, "d%u: hypercall %lu does not exist", curr->domain->id,
		       (unsigned long)nr);
		return -XEN_ENOSYS;
	}
	def = &hypercall_table[index_nospec(nr, hypercall_table_size)];
	if (def->handler == NULL) {
		printk(LOG_DEBUG, "d%u: hypercall %lu (%s) is not implemented: -ENOSYS",
		       curr->domain->id, (unsigned long)nr, def->name ? def->name : "unknown");
		return -XEN_ENOSYS;
	}
	rc = xsm_hypercall(curr->domain, def->perm);
	if (rc != 0) {
		return rc;
	}
	curr->pv.cont_pending = false;
	ret = def->handler(curr, args);
	if (ret == HYPERCALL_CONTINUE && curr->pv.cont_pending) {
		/* The flag stays set for hypercall_continued(). */
		memcpy(args->a, curr->pv.cont_args, sizeof(args->a));
		return ret;
	}
	/* A handler may return any value, the marker's included (iret hands
	 * back the guest's own rax): only hypercall_continue() continues. */
	curr->pv.cont_pending = false;
	return ret;
}

bool hypercall_continued(const struct vcpu *curr, int64_t ret)
{
	return ret == HYPERCALL_CONTINUE && curr->pv.cont_pending;
}
