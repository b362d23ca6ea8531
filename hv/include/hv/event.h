/*
 * Events: event channels (VIRQ, IPI and interdomain ports), 2-level
 * delivery through shared_info, vcpu_info placement, the per-vCPU guest
 * timers, blocking and polling, and the runstate area. Portable.
 *
 * The structs below are embedded in struct domain and struct vcpu, so a
 * zeroed domain slot is a valid "nothing set up" state. Interrupts are off
 * whenever this code runs (one CPU): that is the only lock.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/event_fifo.h>
#include <hv/timer.h>
#include <hv/types.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/xen.h>

struct vcpu;
struct domain;
struct hypercall_args;

/*
 * Ports per domain: the 2-level ABI names 4096, the most any domain may
 * have; each domain has its own limit, d->event.max_ports (the manifest's
 * evtchn_ports=, default EVTCHN_DEFAULT_PORTS), and its table takes only
 * the frames that limit needs. Port 0 is reserved (never bound, never
 * delivered).
 */
#define EVTCHN_MAX_PORTS     4096U
#define EVTCHN_DEFAULT_PORTS 1024U

/* What a port is bound to. */
enum evtchn_state {
	ECS_FREE = 0,		/* closed: may be allocated */
	ECS_RESERVED,		/* port 0 */
	ECS_UNBOUND,		/* offered to remote_dom, waiting for its bind */
	ECS_INTERDOMAIN,	/* connected to remote_port of remote_dom */
	ECS_VIRQ,
	ECS_IPI,
};

/*
 * One port. Lives in the domain's port table, in hypervisor frames the
 * guest cannot map. notify_vcpu is always < the domain's vcpu_count (a
 * port the builder offers before vCPU 0 exists names vCPU 0 and is not
 * delivered until it does). An ECS_INTERDOMAIN port p of domain a naming
 * (b, q) always has b's port q ECS_INTERDOMAIN naming (a, p): both ends
 * change together (bind, close, reset, death), so remote_dom always names
 * a live domain whose table exists.
 */
struct evtchn {
	uint8_t state;		/* enum evtchn_state */
	uint8_t priority;	/* FIFO ABI: EVTCHN_FIFO_PRIORITY_* (default 7) */
	uint16_t notify_vcpu;	/* the vCPU whose selector and upcall it raises */
	union {
		uint32_t virq;		/* ECS_VIRQ: which VIRQ */
		uint32_t remote_port;	/* ECS_INTERDOMAIN: the peer's port */
	};
	uint16_t remote_dom;	/* ECS_UNBOUND/ECS_INTERDOMAIN: the peer domain */
	uint16_t ssid;		/* XSM label, set by the bind hooks (0: dummy) */
	/* FIFO ABI: the queue the event was last linked on (event_fifo.c). */
	uint16_t fifo_last_vcpu;
	uint8_t fifo_last_priority;
	uint8_t pad;
};

#define EVTCHN_PER_FRAME     (PAGE_SIZE / 16U)
/* Frames a table of n ports takes (the last one partly used). */
#define EVTCHN_FRAMES_FOR(n) (((n) + EVTCHN_PER_FRAME - 1U) / EVTCHN_PER_FRAME)
#define EVTCHN_TABLE_FRAMES  EVTCHN_FRAMES_FOR(EVTCHN_MAX_PORTS)
/* Hypervisor frames evtchn_domain_init takes for a domain with the default
 * limit; evtchn_domain_frames() for any limit (the builder's check). */
#define EVTCHN_DOMAIN_FRAMES EVTCHN_FRAMES_FOR(EVTCHN_DEFAULT_PORTS)

/* The period Xen gives every PV vCPU's periodic timer until it is stopped. */
#define EVTCHN_DEFAULT_PERIOD_NS 10000000ULL

struct event_domain {
	/* The port table: evtchn_domain_frames(max_ports) hypervisor frames
	 * (direct map), the rest NULL. All NULL until evtchn_domain_init, and
	 * again after destroy. */
	struct evtchn *table[EVTCHN_TABLE_FRAMES];
	mfn_t table_mfn[EVTCHN_TABLE_FRAMES];
	/* Ports are < max_ports (64..EVTCHN_MAX_PORTS). The builder sets it
	 * from the manifest before evtchn_domain_init; 0 there means
	 * EVTCHN_DEFAULT_PORTS. Fixed while the table exists. */
	uint32_t max_ports;
	unsigned int ports_used;	/* ports not ECS_FREE, port 0 included */
	/* Which delivery ABI the guest chose: enum evtchn_abi. 2-level until
	 * EVTCHNOP_init_control succeeds; back to it after EVTCHNOP_reset. */
	uint8_t abi;
	struct evtchn_fifo_domain fifo;	/* event_fifo.c's, zero = unused */
};

struct event_vcpu {
	/* vcpu_info placement: NULL means the default (shared_info slot for
	 * ids < 32, else vcpu_info_dummy); else a direct-map pointer into the
	 * guest frame vcpu_info_mfn, registered once. */
	struct vcpu_info *vcpu_info;
	mfn_t vcpu_info_mfn;
	struct vcpu_info vcpu_info_dummy;

	/* Port bound to each VIRQ on this vCPU, 0 = none. Global VIRQs use
	 * vCPU 0's table, as on Xen. */
	evtchn_port_t virq_to_port[NR_VIRQS];

	/* Guest timers: each ends in VIRQ_TIMER. */
	struct timer singleshot;
	struct timer periodic;
	uint64_t periodic_period;	/* ns, 0 = stopped */

	/* SCHEDOP_poll: while polling, the vCPU is VCPU_BLOCKED and wakes on
	 * any pending port of its domain (poll_any) or on poll_port alone. */
	bool polling;
	bool poll_any;
	evtchn_port_t poll_port;
	struct timer poll_timer;

	/* Runstate: kept here, copied to the guest address runstate_guest
	 * (0 = none) whenever the vCPU's address space is loaded. */
	struct vcpu_runstate_info runstate;
	uint64_t runstate_guest;
	bool runstate_dirty;		/* last copy faulted: retry on kernel entry */
	struct evtchn_fifo_vcpu fifo;	/* event_fifo.c's, zero = no control block */
};

/* ---- lifetime (the lead's domain code calls these) ----------------------- */

/* After shared_info exists and d->event.max_ports is set: port table,
 * port 0 reserved, wallclock. 0 or -XEN_ENOMEM (takes
 * evtchn_domain_frames(d->event.max_ports) frames). */
int evtchn_domain_init(struct domain *d);
/* Hypervisor frames the port table of a domain with this limit takes (0
 * means the default): for the builder's free-frame check. */
unsigned int evtchn_domain_frames(uint32_t max_ports);
/* After v->id and v->domain are set: default vcpu_info (masked), timers
 * (the 10 ms periodic default), runstate offline, time published. */
void evtchn_vcpu_init(struct vcpu *v);
/* Stop v's timers, release its vcpu_info frame (the memory model's
 * writable hold) and forget its runstate area. */
void evtchn_vcpu_destroy(struct vcpu *v);
/* Close every port (each interdomain peer's port reverts to ECS_UNBOUND
 * naming d, as after EVTCHNOP_close), drop the FIFO ABI, every vCPU's
 * evtchn_vcpu_destroy, then free the port table. Must run before
 * mm_domain_teardown (which would drop the vcpu_info holds under us),
 * before the domain's memory is freed and before its slot is reused.
 * Idempotent. */
void evtchn_domain_destroy(struct domain *d);

/* ---- for the builder (console and xenstore ports) ------------------------ */

/*
 * EVTCHNOP_alloc_unbound done by d for itself: a new port of d, notifying
 * vCPU 0, that remote may bind with EVTCHNOP_bind_interdomain. The same
 * checks as the hypercall with d as the caller (xsm_evtchn_unbound
 * included). 0 with *port set, or -XEN_ESRCH (remote NULL or dying),
 * -XEN_EINVAL (d dying or without a table), -XEN_EACCES, -XEN_ENOSPC.
 */
int evtchn_alloc_unbound_port(struct domain *d, struct domain *remote, evtchn_port_t *port);

/* ---- vcpu_info (for everyone: the arch's event check, cli/sti) ------------ */

/* Where v's vcpu_info lives now; never NULL for a vCPU of a domain. */
struct vcpu_info *vcpu_info_of(struct vcpu *v);
/* An upcall should be delivered: pending and not masked. */
bool evtchn_upcall_deliverable(struct vcpu *v);
/* True if some vCPU of d keeps its vcpu_info in frame m: the memory model
 * must not let the guest give such a frame away. */
bool vcpu_info_frame_in_use(const struct domain *d, mfn_t m);
/* VCPUOP_register_vcpu_info after decoding: see vcpu_info.c. */
int vcpu_info_register(struct vcpu *curr, struct vcpu *v, uint64_t mfn, uint32_t offset);

/* ---- delivery ------------------------------------------------------------ */

/* Raise a VIRQ on v (per-vCPU VIRQs) or on the domain (global VIRQs, v may
 * be any vCPU of it). Nothing if unbound or the domain is not running. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* Per-vCPU VIRQs (TIMER, DEBUG, XENOPROF, XENPMU) versus global ones. */
bool evtchn_virq_is_global(unsigned int virq);

/* ---- hypercalls (for the lead's table and sched_op) ---------------------- */

int64_t do_event_channel_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_vcpu_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_set_timer_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t sched_op_block(struct vcpu *curr);
int64_t sched_op_poll(struct vcpu *curr, uint64_t arg);

/* ---- runstate (the scheduler calls these; time.c) -------------------------- */

/* Account the time since the last change and enter new_state (RUNSTATE_*).
 * Any context; touches no guest memory. */
void runstate_change(struct vcpu *v, unsigned int new_state);
/* runstate_change, then copy the area to the guest. Only with v's address
 * space loaded: prev before the switch, next after it. */
void runstate_update(struct vcpu *v, unsigned int new_state);
/* The copy failed (v was in guest user mode, whose tables do not map the
 * kernel's area): the arch calls this after switching v to kernel mode. */
void runstate_retry(struct vcpu *v);
/* The current values, with the time in the current state counted. */
void runstate_snapshot(struct vcpu *v, struct vcpu_runstate_info *out);
/* VCPUOP_register_runstate_memory_area after decoding (addr checked). */
void runstate_register(struct vcpu *curr, struct vcpu *v, uint64_t addr);

/* ---- between the event files (and their tests) ----------------------------- */

/* The port's entry, or NULL when port >= d->event.max_ports or no table. */
struct evtchn *evtchn_get(const struct domain *d, evtchn_port_t port);
/* The vCPU a channel notifies. */
struct vcpu *evtchn_notify_vcpu(struct domain *d, const struct evtchn *chn);
/* A free port (lowest first), 0 when the table is full. */
evtchn_port_t evtchn_find_free(const struct domain *d);
/* Commit steps: cannot fail; the caller decoded everything. */
void evtchn_commit_bind_virq(struct domain *d, evtchn_port_t port, struct vcpu *v,
			     uint32_t virq);
void evtchn_commit_bind_ipi(struct domain *d, evtchn_port_t port, struct vcpu *v);
/* A free port of d offered to remote_dom, notifying vCPU 0. */
void evtchn_commit_unbound(struct domain *d, evtchn_port_t port, domid_t remote_dom);
/* Free port lport of ld joins rd's port rport, ECS_UNBOUND for ld; the
 * new local port is raised (events sent before the bind were dropped). */
void evtchn_commit_interdomain(struct domain *ld, evtchn_port_t lport, struct domain *rd,
			       evtchn_port_t rport);
/* A bound port becomes ECS_FREE; an interdomain peer's port reverts to
 * ECS_UNBOUND naming d. */
void evtchn_commit_close(struct domain *d, evtchn_port_t port);
/* Every bound port of d, as evtchn_commit_close (reset, death). */
void evtchn_close_all(struct domain *d);
/* An IPI or interdomain port: raise it, or its peer's port. Nothing for
 * a dying peer, or one whose notify vCPU does not exist yet. */
void evtchn_commit_send(struct domain *d, evtchn_port_t port);

/*
 * Delivery through whichever ABI the domain uses (event_port.c): every
 * caller outside event_2l.c and event_fifo.c goes through these. A port
 * whose entry exists (evtchn_get != NULL).
 */
enum evtchn_abi { EVTCHN_ABI_2L = 0, EVTCHN_ABI_FIFO = 1 };
void evtchn_port_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port);
void evtchn_port_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_port_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port);
bool evtchn_port_is_pending(const struct domain *d, evtchn_port_t port);
bool evtchn_port_is_masked(const struct domain *d, evtchn_port_t port);

/* 2-level delivery (event_2l.c). port < EVTCHN_MAX_PORTS. */
void evtchn_2l_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port);
void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_2l_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port);
bool evtchn_2l_is_pending(const struct domain *d, evtchn_port_t port);
bool evtchn_2l_is_masked(const struct domain *d, evtchn_port_t port);
/* Set upcall_pending; if it was clear, kick v (wake it if blocked). */
void evtchn_mark_upcall_pending(struct vcpu *v);
/* Wake v if it blocks or polls, ending its poll. */
void evtchn_kick(struct vcpu *v);

/* Guest timers (evtchn_timer.c). */
void evtchn_timers_init(struct vcpu *v);
void evtchn_timers_stop(struct vcpu *v);
void evtchn_singleshot_set(struct vcpu *v, uint64_t deadline_ns);
void evtchn_singleshot_stop(struct vcpu *v);
/* period_ns == 0 stops it. */
void evtchn_periodic_set(struct vcpu *v, uint64_t period_ns);
/* The poll timeout fired or an event ended the poll. */
void evtchn_poll_end(struct vcpu *v);

#endif
