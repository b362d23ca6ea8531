/*
 * event_channel_op (32): the sub-ops of Xen's ABI for local ports (VIRQ,
 * IPI), sending, masking, closing and status. Numbers and layouts are facts
 * of Xen's ABI (xen/include/public/event_channel.h); the text is ours.
 * 2-level delivery: 64 words of pending and mask bits in shared_info and a
 * selector word per vCPU, so ports 0..4095.
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

/* evtchn_status.status */
#define EVTCHNSTAT_closed       0
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

/* Ports of the 2-level ABI: 64 x 64 bits in shared_info. */
#define EVTCHN_2L_NR_CHANNELS 4096

#ifndef __ASSEMBLY__
typedef uint32_t evtchn_port_t;

struct evtchn_alloc_unbound {
	domid_t dom, remote_dom;	/* in */
	evtchn_port_t port;		/* out */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "ABI");

struct evtchn_bind_interdomain {
	domid_t remote_dom;		/* in */
	uint16_t pad;
	evtchn_port_t remote_port;	/* in */
	evtchn_port_t local_port;	/* out */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "ABI");

struct evtchn_bind_virq {
	uint32_t virq;		/* in: VIRQ_* */
	uint32_t vcpu;		/* in */
	evtchn_port_t port;	/* out */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "ABI");

struct evtchn_bind_ipi {
	uint32_t vcpu;		/* in */
	evtchn_port_t port;	/* out */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "ABI");

struct evtchn_close {
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_close) == 4, "ABI");

struct evtchn_send {
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_send) == 4, "ABI");

struct evtchn_unmask {
	evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "ABI");

struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "ABI");

struct evtchn_status {
	domid_t dom;		/* in: DOMID_SELF or a domain id */
	uint16_t pad;
	evtchn_port_t port;	/* in */
	uint32_t status;	/* out: EVTCHNSTAT_* */
	uint32_t vcpu;		/* out: the vCPU it notifies */
	union {
		struct {
			domid_t dom;
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
#endif

#endif /* MOAT_PUBLIC_EVENT_CHANNEL_H */
