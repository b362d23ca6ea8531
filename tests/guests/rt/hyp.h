/*
 * Typed wrappers of the hypercalls of Xen's PV64 ABI that the test guests
 * use beyond console_io, xen_version and sched_op (which rt.h has). One line
 * each over hypercall6(): the argument order is Xen's. Results are 0 or a
 * negative Xen errno, except where a hypercall returns a value.
 */
#ifndef GUEST_RT_HYP_H
#define GUEST_RT_HYP_H

#include "rt.h"
#include <public/callback.h>
#include <public/cpuid.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/mmu.h>
#include <public/physdev.h>
#include <public/vcpu.h>

/* sched_op poll (SCHEDOP_poll): wait for one of the ports or the timeout
 * (absolute system time in ns, 0 = none). Not in public/sched.h yet. */
struct rt_sched_poll {
	uint64_t ports;		/* guest pointer to evtchn_port_t[] */
	uint32_t nr_ports;
	uint32_t pad;
	uint64_t timeout;
};
_Static_assert(sizeof(struct rt_sched_poll) == 24, "sched_poll ABI");

#define HC(nr, a1, a2, a3, a4) \
	hypercall6((nr), (unsigned long)(a1), (unsigned long)(a2), \
		   (unsigned long)(a3), (unsigned long)(a4), 0, 0)

static inline long hyp_set_trap_table(const struct trap_info *table)
{
	return HC(__HYPERVISOR_set_trap_table, table, 0, 0, 0);
}

static inline long hyp_mmu_update(const struct mmu_update *req, unsigned int count,
				  unsigned int *done, domid_t dom)
{
	return HC(__HYPERVISOR_mmu_update, req, count, done, dom);
}

static inline long hyp_mmuext_op(const struct mmuext_op *op, unsigned int count,
				 unsigned int *done, domid_t dom)
{
	return HC(__HYPERVISOR_mmuext_op, op, count, done, dom);
}

static inline long hyp_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags)
{
	return HC(__HYPERVISOR_update_va_mapping, va, pte, flags, 0);
}

static inline long hyp_stack_switch(uint64_t ss, uint64_t sp)
{
	return HC(__HYPERVISOR_stack_switch, ss, sp, 0, 0);
}

static inline long hyp_fpu_taskswitch(int set)
{
	return HC(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0);
}

static inline long hyp_set_debugreg(int reg, uint64_t value)
{
	return HC(__HYPERVISOR_set_debugreg, reg, value, 0, 0);
}

static inline long hyp_get_debugreg(int reg)
{
	return HC(__HYPERVISOR_get_debugreg, reg, 0, 0, 0);
}

static inline long hyp_memory_op(unsigned int cmd, void *arg)
{
	return HC(__HYPERVISOR_memory_op, cmd, arg, 0, 0);
}

static inline long hyp_multicall(struct multicall_entry *calls, unsigned int count)
{
	return HC(__HYPERVISOR_multicall, calls, count, 0, 0);
}

static inline long hyp_set_timer_op(uint64_t timeout_abs_ns)
{
	return HC(__HYPERVISOR_set_timer_op, timeout_abs_ns, 0, 0, 0);
}

static inline long hyp_vm_assist(unsigned int cmd, unsigned int type)
{
	return HC(__HYPERVISOR_vm_assist, cmd, type, 0, 0);
}

static inline long hyp_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0);
}

static inline long hyp_set_segment_base(unsigned int which, uint64_t base)
{
	return HC(__HYPERVISOR_set_segment_base, which, base, 0, 0);
}

static inline long hyp_callback_op(int cmd, const void *arg)
{
	return HC(__HYPERVISOR_callback_op, cmd, arg, 0, 0);
}

static inline long hyp_event_channel_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0);
}

static inline long hyp_physdev_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_physdev_op, cmd, arg, 0, 0);
}

/* xsm_op (hypercall 27): one pointer to the XSM module's argument (under
 * FLASK a struct xen_flask_op, public/xsm_op.h). Xen without XSM, and Moat
 * under xsm=dummy, answer -ENOSYS or -EACCES. */
static inline long hyp_xsm_op(void *op)
{
	return HC(__HYPERVISOR_xsm_op, op, 0, 0, 0);
}

static inline long hyp_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall)
{
	return HC(__HYPERVISOR_set_callbacks, event, failsafe, syscall, 0);
}

static inline long hyp_sched_poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
	struct rt_sched_poll p = {
		.ports = (uint64_t)(uintptr_t)ports, .nr_ports = nr, .timeout = timeout,
	};

	return hyp_sched_op(SCHEDOP_poll, &p);
}

/* One mmuext_op with one argument (pin, unpin, baseptr, invlpg, flush). */
static inline long hyp_mmuext1(unsigned int cmd, uint64_t arg1)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1 };

	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* grant_table_op (hypercall 20): cmd, a guest pointer to `count` op
 * structs of public/grant_table.h. Returns 0 or -errno; each op carries
 * its own GNTST_* status. */
static inline long hyp_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	return HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0);
}

/* event_channel_op alloc_unbound / bind_interdomain for a pair of guests. */
static inline long hyp_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return rc;
}

static inline long hyp_evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport,
					       evtchn_port_t *local)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &b);

	*local = b.local_port;
	return rc;
}

#endif /* GUEST_RT_HYP_H */
