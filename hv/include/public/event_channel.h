/*
 * event_channel_op (hypercall 32): sub-op numbers, argument structs and
 * channel states of Xen's event-channel ABI, and the argument of
 * SCHEDOP_poll, which names event-channel ports. Numbers and layouts are
 * facts of Xen's ABI (xen/include/public/event_channel.h, sched.h); the text
 * is ours. ABI alone: fixed-width fields, explicit padding, a size assertion
 * on every struct, never an internal include.
 */
#ifndef MOAT_PUBLIC_EVENT_CHANNEL_H
#define MOAT_PUBLIC_EVENT_CHANNEL_H

#include <public/xen.h>

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13
#define EVTCHNOP_reset_cont       14

/* What EVTCHNOP_status reports. */
#define EVTCHNSTAT_closed       0
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

/* The 2-level ABI: 64 selector bits, each for a 64-bit word of ports. */
#define EVTCHN_2L_NR_CHANNELS   (64 * 64)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* IN dom, remote_dom; OUT port. */
struct evtchn_alloc_unbound {
	domid_t dom;
	domid_t remote_dom;
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound ABI");

/* IN remote_dom, remote_port; OUT local_port. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;
	uint16_t pad;
	evtchn_port_t remote_port;
	evtchn_port_t local_port;
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain ABI");

/* IN virq, vcpu; OUT port. */
struct evtchn_bind_virq {
	uint32_t virq;
	uint32_t vcpu;
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq ABI");

/* IN pirq, flags; OUT port. */
struct evtchn_bind_pirq {
	uint32_t pirq;
	uint32_t flags;
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "evtchn_bind_pirq ABI");

/* IN vcpu; OUT port. */
struct evtchn_bind_ipi {
	uint32_t vcpu;
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi ABI");

struct evtchn_close {
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_close) == 4, "evtchn_close ABI");

struct evtchn_send {
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send ABI");

/* IN dom, port; OUT status, vcpu and the union for the status. */
struct evtchn_status {
	domid_t dom;
	uint16_t pad;
	evtchn_port_t port;
	uint32_t status;	/* EVTCHNSTAT_* */
	uint32_t vcpu;		/* the vCPU the channel notifies */
	union {
		struct {
			domid_t dom;
			uint16_t pad;
		} unbound;
		struct {
			domid_t dom;
			uint16_t pad;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status ABI");
_Static_assert(__builtin_offsetof(struct evtchn_status, u) == 16, "evtchn_status ABI");

struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu ABI");

struct evtchn_unmask {
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "evtchn_unmask ABI");

struct evtchn_reset {
	domid_t dom;
};
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset ABI");

/* FIFO ABI (refused for now: the guest falls back to 2-level). */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits;	/* OUT */
	uint8_t pad[7];
};
_Static_assert(sizeof(struct evtchn_init_control) == 24, "evtchn_init_control ABI");

struct evtchn_expand_array {
	uint64_t array_gfn;
};
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "evtchn_expand_array ABI");

struct evtchn_set_priority {
	evtchn_port_t port;
	uint32_t priority;
};
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "evtchn_set_priority ABI");

/*
 * The FIFO ABI's shared words: an event word per port in the event-array
 * pages (expand_array), and a control block per vCPU (init_control).
 */
typedef uint32_t event_word_t;

#define EVTCHN_FIFO_PRIORITY_MAX     0U	/* the most urgent queue */
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7U
#define EVTCHN_FIFO_PRIORITY_MIN     15U
#define EVTCHN_FIFO_MAX_QUEUES       (EVTCHN_FIFO_PRIORITY_MIN + 1U)

/* Bits of an event word; the low LINK_BITS bits are the next port. */
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29
#define EVTCHN_FIFO_BUSY    28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1U << EVTCHN_FIFO_LINK_BITS) - 1U)
#define EVTCHN_FIFO_NR_CHANNELS (1U << EVTCHN_FIFO_LINK_BITS)

/* Per vCPU, at init_control's offset: a ready bit per queue and its head. */
struct evtchn_fifo_control_block {
	uint32_t ready;
	uint32_t _rsvd;
	event_word_t head[EVTCHN_FIFO_MAX_QUEUES];
};
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "FIFO control block ABI");

/*
 * SCHEDOP_poll's argument: block until one of nr_ports ports (an array at
 * the guest address ports) is pending, or until timeout (absolute system
 * time in ns; 0 = none). Xen defines it in sched.h next to the other
 * sched_op structs; it lives here because it is made of event-channel ports.
 */
struct sched_poll {
	uint64_t ports;		/* guest pointer to evtchn_port_t[nr_ports] */
	uint32_t nr_ports;
	uint32_t pad;
	uint64_t timeout;
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll ABI");

#endif /* __ASSEMBLY__ */
#endif /* MOAT_PUBLIC_EVENT_CHANNEL_H */
