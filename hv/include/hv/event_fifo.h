/*
 * The FIFO event-channel ABI (Xen's EVTCHNOP_init_control, expand_array,
 * set_priority): per-vCPU control blocks and per-domain event-array pages
 * in guest frames the hypervisor holds writable. Portable: event_fifo.c.
 *
 * The two structs are embedded in struct event_domain and struct
 * event_vcpu (hv/event.h); zero-filled means "not in use". The port-level
 * operations are called through event_port.c only.
 */
#ifndef HV_EVENT_FIFO_H
#define HV_EVENT_FIFO_H

#include <hv/types.h>
#include <public/event_channel.h>

struct domain;
struct vcpu;

/* Per domain: the event-array pages registered by expand_array. */
struct evtchn_fifo_domain {
	uint32_t nr_pages;	/* event-array pages registered */
};

/* Per vCPU: its control block, once init_control registered it. */
struct evtchn_fifo_vcpu {
	bool active;
};

/* Port-level delivery (event_port.c dispatches here when abi == FIFO). */
void evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port);
void evtchn_fifo_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_fifo_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port);
bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port);
bool evtchn_fifo_is_masked(const struct domain *d, evtchn_port_t port);

/* The sub-ops, after do_event_channel_op picked them (arg: guest address). */
int64_t evtchn_fifo_op_init_control(struct vcpu *curr, uint64_t arg);
int64_t evtchn_fifo_op_expand_array(struct vcpu *curr, uint64_t arg);
int64_t evtchn_fifo_op_set_priority(struct vcpu *curr, uint64_t arg);

/* Release every held frame (control blocks, array pages) and go back to
 * 2-level: EVTCHNOP_reset and domain destruction call this. Idempotent. */
void evtchn_fifo_destroy(struct domain *d);

#endif
