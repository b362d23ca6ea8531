/*
 * The seam between event channels and their delivery ABI: 2-level
 * (event_2l.c) until the guest switches to FIFO (event_fifo.c) with
 * EVTCHNOP_init_control. Everything that raises, clears, unmasks or tests
 * a port goes through here.
 */
#include <hv/domain.h>
#include <hv/event.h>

void evtchn_port_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	if (d->event.abi == EVTCHN_ABI_FIFO) {
		evtchn_fifo_set_pending(d, v, port);
	} else {
		evtchn_2l_set_pending(d, v, port);
	}
}

void evtchn_port_clear_pending(struct domain *d, evtchn_port_t port)
{
	if (d->event.abi == EVTCHN_ABI_FIFO) {
		evtchn_fifo_clear_pending(d, port);
	} else {
		evtchn_2l_clear_pending(d, port);
	}
}

void evtchn_port_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	if (d->event.abi == EVTCHN_ABI_FIFO) {
		evtchn_fifo_unmask(d, v, port);
	} else {
		evtchn_2l_unmask(d, v, port);
	}
}

bool evtchn_port_is_pending(const struct domain *d, evtchn_port_t port)
{
	return d->event.abi == EVTCHN_ABI_FIFO ? evtchn_fifo_is_pending(d, port)
					       : evtchn_2l_is_pending(d, port);
}

bool evtchn_port_is_masked(const struct domain *d, evtchn_port_t port)
{
	return d->event.abi == EVTCHN_ABI_FIFO ? evtchn_fifo_is_masked(d, port)
					       : evtchn_2l_is_masked(d, port);
}
