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


/* ---- FIFO event channels (EVTCHNOP_init_control and friends) --------------
 * Xen's FIFO ABI, as Linux uses it: a control block for vCPU 0 (a ready bit
 * and a head port per priority queue) and one event-array page (1024 event
 * words) in page-aligned buffers of the image, registered by their machine
 * frame. The FIFO upcall consumes the queues the way Linux does (most
 * urgent queue first, unlinking each word, acking pending unmasked ports
 * and calling the port's handler), bounded so a broken queue cannot hang
 * the guest. Per-port counters and handlers are the 2-level ones. */

#define RT_FIFO_PORTS 1024U	/* one event-array page */

extern struct evtchn_fifo_control_block *rt_fifo_cb;
extern volatile uint32_t *rt_fifo_words;

/* Switch to FIFO: words masked, init_control on vCPU 0 (link_bits out),
 * expand_array with the page, then the FIFO upcall. 0 or -errno (the
 * runtime stays on 2-level then). */
long rt_fifo_init(uint8_t *link_bits);
/* Raw sub-ops, for tests of their errors. */
long rt_fifo_init_control(uint64_t mfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits);
long rt_fifo_expand_array(uint64_t mfn);
long rt_fifo_set_priority(evtchn_port_t port, uint32_t priority);
/* The machine frame behind a page of the image (for the raw sub-ops). */
uint64_t rt_image_mfn(const void *page);
/* Per-port bits in the event word. Unmask as Linux does: the hypercall
 * when the port is pending (it must be linked), else a local clear. */
void rt_fifo_mask(evtchn_port_t port);
void rt_fifo_unmask(evtchn_port_t port);
bool rt_fifo_pending(evtchn_port_t port);
/* After EVTCHNOP_reset: back to the 2-level upcall, FIFO state forgotten. */
void rt_fifo_off(void);
/* EVTCHNOP_reset on DOMID_SELF. */
long rt_evtchn_reset_self(void);

#endif /* GUEST_RT_EVENTS_H */
