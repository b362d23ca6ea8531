/*
 * Events of a PV64 test guest: shared_info mapped at a window, the event
 * and failsafe callbacks registered with callback_op, 2-level event channel
 * delivery (a selector word per vCPU, 64 words of pending and mask bits),
 * and per-port handlers.
 */
#ifndef GUEST_RT_EVENTS_H
#define GUEST_RT_EVENTS_H

#include "rt.h"
#include <public/event_channel.h>

#define RT_NR_PORTS 256		/* ports the runtime keeps handlers for */

extern struct shared_info *rt_shared_info;

/* Map shared_info and register the event (upcall) and failsafe callbacks.
 * Events stay masked (evtchn_upcall_mask) until the guest unmasks them. */
void rt_events_init(void);

/* The vcpu_info of vCPU 0 (in shared_info, or where register_vcpu_info put
 * it); NULL before rt_events_init(). */
struct vcpu_info *rt_vcpu_info(void);
void rt_set_vcpu_info(struct vcpu_info *vi);

typedef void (*rt_port_fn)(evtchn_port_t port);

/* Upcalls handled and events seen per port since start. */
extern volatile unsigned int rt_upcalls;
extern volatile unsigned int rt_port_events[RT_NR_PORTS];

void rt_port_set_handler(evtchn_port_t port, rt_port_fn fn);

/* The vCPU's upcall mask: returns the old value. */
uint8_t rt_events_mask(uint8_t masked);

/* Per-port mask bit in shared_info (set directly, as the ABI allows). */
void rt_port_mask(evtchn_port_t port);
bool rt_port_pending(evtchn_port_t port);
void rt_port_clear(evtchn_port_t port);

/* Thin event_channel_op wrappers; return 0 or -errno, port via *port. */
long rt_evtchn_bind_virq(uint32_t virq, evtchn_port_t *port);
long rt_evtchn_bind_ipi(evtchn_port_t *port);
long rt_evtchn_send(evtchn_port_t port);
long rt_evtchn_unmask(evtchn_port_t port);
long rt_evtchn_close(evtchn_port_t port);
long rt_evtchn_status(evtchn_port_t port, struct evtchn_status *st);

#endif /* GUEST_RT_EVENTS_H */
