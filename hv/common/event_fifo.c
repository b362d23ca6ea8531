/*
 * The FIFO event-channel ABI. Not offered yet: init_control returns
 * -ENOSYS, so the domain stays on 2-level (Linux falls back by itself) and
 * the port-level functions below are never reached.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <public/errno.h>

void evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	(void)d;
	(void)v;
	(void)port;
	BUG_ON(true);
}

void evtchn_fifo_clear_pending(struct domain *d, evtchn_port_t port)
{
	(void)d;
	(void)port;
	BUG_ON(true);
}

void evtchn_fifo_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	(void)d;
	(void)v;
	(void)port;
	BUG_ON(true);
}

bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port)
{
	(void)d;
	(void)port;
	BUG_ON(true);
	return false;
}

bool evtchn_fifo_is_masked(const struct domain *d, evtchn_port_t port)
{
	(void)d;
	(void)port;
	BUG_ON(true);
	return true;
}

int64_t evtchn_fifo_op_init_control(struct vcpu *curr, uint64_t arg)
{
	(void)curr;
	(void)arg;
	return -XEN_ENOSYS;
}

int64_t evtchn_fifo_op_expand_array(struct vcpu *curr, uint64_t arg)
{
	(void)curr;
	(void)arg;
	return -XEN_ENOSYS;
}

int64_t evtchn_fifo_op_set_priority(struct vcpu *curr, uint64_t arg)
{
	(void)curr;
	(void)arg;
	return -XEN_ENOSYS;
}

void evtchn_fifo_destroy(struct domain *d)
{
	d->event.abi = EVTCHN_ABI_2L;
}
