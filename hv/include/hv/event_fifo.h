/*
 * The FIFO event-channel ABI (Xen's EVTCHNOP_init_control, expand_array,
 * set_priority): per-vCPU control blocks and per-domain event-array pages
 * in guest frames the hypervisor holds writable. Portable: event_fifo.c
 * (queues, the port-level operations) and event_fifo_op.c (the sub-ops,
 * switching on and off).
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
struct evtchn;


/* ---- our limits ---------------------------------------------------------- */

/* One event-array page holds this many event words. */
#define EVTCHN_FIFO_WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
/* Ports a domain may ever have (EVTCHN_MAX_PORTS, at most the 2-level
 * ABI's 4096, is checked against it in event_fifo.c) and so the most
 * event-array pages: the manifest's evtchn_ports bounds it further. */
#define EVTCHN_FIFO_PORTS_MAX 4096U
#define EVTCHN_FIFO_MAX_PAGES (EVTCHN_FIFO_PORTS_MAX / EVTCHN_FIFO_WORDS_PER_PAGE)

/* Per domain: the event-array pages registered by expand_array. */
struct evtchn_fifo_domain {
	/* Direct-map pointers to pages 0..nr_pages-1 (guest frames array_mfn,
	 * each held writable), so port p's word is p / 1024, p % 1024. */
	event_word_t *array[EVTCHN_FIFO_MAX_PAGES];
	mfn_t array_mfn[EVTCHN_FIFO_MAX_PAGES];
	uint32_t nr_pages;
	/* Ports raised while their page was not registered yet (and the 2-level
	 * pending bits found at the switch): raised again by expand_array. */
	uint64_t early[EVTCHN_FIFO_PORTS_MAX / 64U];
};

/* Per vCPU: its control block, once init_control registered it. */
struct evtchn_fifo_vcpu {
	struct evtchn_fifo_control_block *cb;	/* NULL: none registered */
	mfn_t cb_mfn;
	/* The last port linked on each queue, 0 when the queue is empty as far
	 * as the hypervisor knows. Only ever a port that has an event word. The
	 * heads live in the guest's control block. */
	evtchn_port_t tail[EVTCHN_FIFO_MAX_QUEUES];
};

/* ---- port-level delivery (event_port.c dispatches here when abi == FIFO) -- */

void evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port);
void evtchn_fifo_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_fifo_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port);
bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port);
bool evtchn_fifo_is_masked(const struct domain *d, evtchn_port_t port);

/*
 * A port's priority. struct evtchn.priority holds it XOR the default, so
 * the zeroed entry every bind starts from (evtchn.c) means the default, 7,
 * as Xen gives every new port, without the bind code knowing about FIFO.
 */
unsigned int evtchn_fifo_priority(const struct evtchn *chn);
void evtchn_fifo_priority_set(struct evtchn *chn, unsigned int priority);

/* The port's event word, or NULL when its page is not registered. */
event_word_t *evtchn_fifo_word(const struct domain *d, evtchn_port_t port);

/* ---- the sub-ops, after do_event_channel_op picked them (arg: guest address) */

int64_t evtchn_fifo_op_init_control(struct vcpu *curr, uint64_t arg);
int64_t evtchn_fifo_op_expand_array(struct vcpu *curr, uint64_t arg);
int64_t evtchn_fifo_op_set_priority(struct vcpu *curr, uint64_t arg);

/* Release every held frame (control blocks, array pages) and go back to
 * 2-level: EVTCHNOP_reset and domain destruction call this, the latter
 * before mm_domain_teardown (which would drop the holds under us).
 * Idempotent. */
void evtchn_fifo_destroy(struct domain *d);

#endif
