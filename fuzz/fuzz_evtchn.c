/*
 * Fuzz harness for event channels, 2-level delivery, guest timers, block
 * and poll (hv/common/evtchn*.c, event_2l.c, vcpu_info.c, timer.c,
 * sched_block.c, vcpu_op.c, revoke.c) on the fake arch. The input is a
 * program: a sequence of 8-byte steps, each one operation by a vCPU of one
 * of three domains (A: 2 vCPUs, unprivileged, the default 1024 ports; B:
 * 3 vCPUs, privileged, 4096 ports; C: 1 vCPU, unprivileged, 64 ports): the
 * event_channel_op sub-ops with fuzzed arguments (interdomain ones between
 * any two of them, loopback and reset included), a domain's shutdown and
 * its reaping (a fresh domain then takes the slot and the id), the
 * revalidation after a policy change, VIRQs raised by the
 * hypervisor, time passing with timers firing, set_timer_op and vcpu_op
 * timers, block, poll, vcpu_info registration, the runstate area (with and
 * without the update flag), and what the guest itself does to shared_info
 * (mask a port, take an upcall the way Linux does).
 *
 * After every step it checks what the event code promises, never by
 * calling its own helpers: every port state is in the table and
 * consistent with the VIRQ tables and the use count; no port at or past
 * the domain's limit is ever used or pending, and the table has exactly the
 * frames the limit needs; interdomain ports come in pairs naming each
 * other (a.p INTERDOMAIN(b,q) <=> b.q INTERDOMAIN(a,p)), whose peer is a
 * domain that exists; a closed port or port 0 is never pending; every word with an unmasked
 * pending port has its selector bit on some vCPU whose upcall is raised;
 * a raised selector implies a raised upcall; a blocked vCPU has no
 * deliverable upcall; a single-port poller is never asleep on a pending
 * port; the memory model's counts (vcpu_info frames are held writable)
 * stay consistent (the per-port checks cover every port after every
 * FULL_EVERY-th step and at the end, and in between the ports that can be
 * in use or pending: check_ports). While a vCPU sleeps in block or poll, the rest of the
 * program runs inside the fake context switch, as other vCPUs would, until
 * something wakes it. At the end every frame and timer must be returned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fake_arch.h>
#include <fake_time.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/revoke.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <xsm/hooks.h>
#include <public/errno.h>
#include <public/sched.h>

#include "fuzz.h"
#include "fuzz_evtchn_world.h"

#define NR_FRAMES  80
#define STEP_BYTES 8
#define MAX_STEPS  512
#define NR_DOMS    3

static uint8_t ro_buf[64] __attribute__((aligned(64)));
static struct domain *doms[NR_DOMS];
static mfn_t spare[NR_DOMS][2];	/* guest frames each domain may register */
static uint32_t mm_scratch[2 * NR_FRAMES];

/* The program, and how far it has run (steps also run while a vCPU
 * sleeps: see sleep_hook). */
static const uint8_t *prog;
static size_t next_step, total_steps;
/* A vCPU whose block or poll hypercall has not returned yet (it sleeps, or
 * woke but the calls above it on the stack have not unwound). */
static bool busy[NR_DOMS][MAX_VCPUS_PER_DOM];

static const struct {
	const char *name;
	unsigned int nvcpus;
	bool privileged;
	uint32_t max_ports;
} dom_conf[NR_DOMS] = {
	{ "a", 2, false, 0 },
	{ "b", 3, true, EVTCHN_MAX_PORTS },
	{ "c", 1, false, 64 },
};

static uint32_t seen[NR_DOMS];	/* check_ports: ports in use up to here */

static struct domain *make_domain(unsigned int k)
{
	struct domain *d = fuzz_evtchn_domain(dom_conf[k].name, dom_conf[k].nvcpus,
					      dom_conf[k].max_ports);

	check(d->id == k + 1);	/* the slot, and the id, of the one before */
	seen[k] = 1;		/* port 0 */
	d->privileged = dom_conf[k].privileged;
	for (unsigned int j = 0; j < 2; j++) {
		spare[k][j] = frame_alloc(FRAME_GUEST, d->id);
		check(mfn_x(spare[k][j]) != INVALID_MFN_RAW);
		memset(arch_frame_map(spare[k][j]), 0, PAGE_SIZE);
	}
	return d;
}

/* The reaper's work for a domain none of whose vCPUs is on a stack. */
static void free_domain(struct domain *d)
{
	evtchn_test_domain_free(d);
}

static void world_init(void)
{
	fuzz_evtchn_world_boot(NR_FRAMES);
	fake_guest_map_ro(ARG_VA + 0x10000, ro_buf, sizeof(ro_buf));
	memset(busy, 0, sizeof(busy));
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		doms[k] = make_domain(k);
	}
}

static void world_fini(void)
{
	/* No vCPU is on the stack any more: a teardown the reaper began is
	 * finished by it (with any other dying domain), the rest freed here. */
	while (domain_reap(NULL)) {
	}
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		if (doms[i]->state != DOM_FREE) {
			free_domain(doms[i]);
		}
	}
	fuzz_evtchn_world_fini();
}

/* ---- invariants ---------------------------------------------------------------- */

harness_inline static bool bit(const uint64_t *words, unsigned int n)
{
	return (words[n / 64] >> (n % 64)) & 1;
}

harness_inline static bool per_vcpu_virq(unsigned int virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == 7 || virq == 13;
}

/* The other end of interdomain port p of d names it back. */
harness_only static void check_peer(const struct domain *d, unsigned int p, const struct evtchn *chn)
{
	const struct domain *rd = domain_by_id(chn->remote_dom);
	const struct evtchn *rchn;

	check(rd != NULL && rd->event.table[0] != NULL);
	check(chn->remote_port != 0 && chn->remote_port < rd->event.max_ports);
	rchn = &rd->event.table[chn->remote_port / EVTCHN_PER_FRAME]
			       [chn->remote_port % EVTCHN_PER_FRAME];
	check(rchn->state == ECS_INTERDOMAIN);
	check(rchn->remote_dom == d->id && rchn->remote_port == p);
}

/*
 * A guest may lay a vCPU's vcpu_info over its own FIFO control block or
 * event array (Xen allows it, and so does Moat: all are the guest's own
 * writable frames). The hypervisor's writes to one are then the guest's
 * own garbage in the other, so the vcpu_info checks below do not hold for
 * that vCPU; memory safety is still checked (ASan, mm invariants).
 */
harness_only static bool vcpu_info_aliased(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	if (v->event.vcpu_info == NULL) {
		return false;	/* in shared_info, which FIFO refuses */
	}
	for (unsigned int i = 0; i < d->event.fifo.nr_pages; i++) {
		if (mfn_eq(d->event.fifo.array_mfn[i], v->event.vcpu_info_mfn)) {
			return true;
		}
	}
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		const struct evtchn_fifo_vcpu *f = &d->vcpus[i].event.fifo;

		if (f->cb != NULL && mfn_eq(f->cb_mfn, v->event.vcpu_info_mfn)) {
			return true;
		}
	}
	return false;
}

/*
 * The checks below over ports [0, upto): every port (EVTCHN_MAX_PORTS) or a
 * window that must hold every port in use (see check_ports). Returns the
 * highest port not ECS_FREE, plus one, or 0 if the window was too small
 * (a port in use lies past it).
 */
harness_only static uint32_t check_domain(struct domain *d, uint32_t upto)
{
	const struct shared_info *s = d->shared_info;
	unsigned int used = 0;
	uint32_t top = 1;
	uint8_t virq_refs[EVTCHN_MAX_PORTS];
	uint32_t max = d->event.max_ports;
	uint32_t want = dom_conf[d->id - 1].max_ports;

	/* A dying domain whose teardown the scheduler's reaper began (it goes
	 * in steps, domain_reap) has given its ports back in the first step:
	 * no table, no limit, so nothing can be found or sent into it. */
	if (d->state == DOM_DYING && d->teardown_steps != 0) {
		check(max == 0 && d->event.ports_used == 0);
		for (unsigned int f = 0; f < EVTCHN_TABLE_FRAMES; f++) {
			check(d->event.table[f] == NULL);
		}
		return 1;
	}
	memset(virq_refs, 0, upto);
	/* The limit the domain was given, and the frames it needs, no more. */
	check(max == (want != 0 ? want : EVTCHN_DEFAULT_PORTS));
	for (unsigned int f = 0; f < EVTCHN_TABLE_FRAMES; f++) {
		check((d->event.table[f] != NULL) == (f * EVTCHN_PER_FRAME < max));
	}

	/* VIRQ tables point at VIRQ ports of the right VIRQ and vCPU. */
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		const struct vcpu *v = &d->vcpus[i];

		for (unsigned int q = 0; q < NR_VIRQS; q++) {
			evtchn_port_t p = v->event.virq_to_port[q];
			const struct evtchn *chn;

			if (p == 0) {
				continue;
			}
			check(p < max);
			if (p >= upto) {
				return 0;	/* a VIRQ port past the window */
			}
			chn = &d->event.table[p / EVTCHN_PER_FRAME][p % EVTCHN_PER_FRAME];
			check(chn->state == ECS_VIRQ && chn->virq == q);
			if (per_vcpu_virq(q)) {
				check(chn->notify_vcpu == i);
			} else {
				check(i == 0);
			}
			virq_refs[p]++;
		}
	}
	for (unsigned int p = 0; p < upto; p++) {
		const struct evtchn *chn;

		if (p >= max) {
			/* Past the limit: never pending; in the last frame,
			 * never used. */
			check(!bit(s->evtchn_pending, p));
			if (d->event.table[p / EVTCHN_PER_FRAME] != NULL) {
				check(d->event.table[p / EVTCHN_PER_FRAME][p % EVTCHN_PER_FRAME].state ==
				      ECS_FREE);
			}
			continue;
		}
		chn = &d->event.table[p / EVTCHN_PER_FRAME][p % EVTCHN_PER_FRAME];
		if (chn->state != ECS_FREE) {
			top = p + 1;
		}
		switch (chn->state) {
		case ECS_FREE:
			check(!bit(s->evtchn_pending, p));	/* never delivered */
			check(virq_refs[p] == 0);
			break;
		case ECS_RESERVED:
			check(p == 0);
			check(!bit(s->evtchn_pending, p));
			used++;
			break;
		case ECS_VIRQ:
			check(virq_refs[p] == 1);
			check(chn->notify_vcpu < d->vcpu_count);
			used++;
			break;
		case ECS_IPI:
			check(virq_refs[p] == 0);
			check(chn->notify_vcpu < d->vcpu_count);
			used++;
			break;
		case ECS_UNBOUND:
			check(virq_refs[p] == 0);
			check(chn->notify_vcpu < d->vcpu_count);
			used++;
			break;
		case ECS_INTERDOMAIN:
			check(virq_refs[p] == 0);
			check(chn->notify_vcpu < d->vcpu_count);
			check_peer(d, p, chn);
			used++;
			break;
		default:
			check(0);	/* no other state exists */
		}
	}
	check(d->event.table[0][0].state == ECS_RESERVED);
	if (upto < EVTCHN_MAX_PORTS && used < d->event.ports_used) {
		return 0;	/* ports in use past the window */
	}
	check(used == d->event.ports_used);
	/* Unmasked pending words are announced on some vCPU. */
	for (unsigned int w = 0; w < 64; w++) {
		bool announced = false;

		if ((s->evtchn_pending[w] & ~s->evtchn_mask[w]) == 0) {
			continue;
		}
		for (unsigned int i = 0; i < d->vcpu_count; i++) {
			const struct vcpu_info *vi = vcpu_info_of(&d->vcpus[i]);

			if (vcpu_info_aliased(&d->vcpus[i]) ||
			    (((vi->evtchn_pending_sel >> w) & 1) && vi->evtchn_upcall_pending)) {
				announced = true;
			}
		}
		check(announced);
	}
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		struct vcpu *v = &d->vcpus[i];
		const struct vcpu_info *vi = vcpu_info_of(v);

		if (!vcpu_info_aliased(v)) {
			check(vi->evtchn_pending_sel == 0 || vi->evtchn_upcall_pending);
			if (v->state == VCPU_BLOCKED) {
				check(!evtchn_upcall_deliverable(v));
			}
		}
		if (v->event.polling) {
			check(v->state == VCPU_BLOCKED);
			if (!v->event.poll_any) {
				check(!bit(s->evtchn_pending, v->event.poll_port));
			}
		} else {
			check(!timer_pending(&v->event.poll_timer));
		}
	}
	return top;
}

/*
 * check_domain over every port after every FULL_EVERY-th step and at the
 * end of the program, and over a window in between: the ports up to the
 * highest ever found in use at the last full check (seen[]), the use count
 * and the highest pending port, rounded up to whole pending words. Every
 * pending port is then in the window, and if fewer ports in use are found
 * there than the domain counts, every port is checked at once; so the
 * window misses only a port in use past it that the use count leaves out,
 * which the next full check finds. Checking all 4,096 ports of each
 * domain after every step was most of the harness's time.
 */
#define FULL_EVERY 32

harness_only static void check_ports(unsigned int k, bool full)
{
	struct domain *d = doms[k];
	const struct shared_info *s = d->shared_info;
	uint32_t upto = MAX(seen[k], d->event.ports_used + 1);

	for (unsigned int w = 64; !full && w-- > 0;) {
		if (s->evtchn_pending[w] != 0) {
			upto = MAX(upto, (w + 1) * 64);
			break;
		}
	}
	upto = full ? EVTCHN_MAX_PORTS : MIN(ALIGN_UP(upto, 64), EVTCHN_MAX_PORTS);
	for (;;) {
		uint32_t top = check_domain(d, upto);

		if (top != 0) {
			if (upto == EVTCHN_MAX_PORTS) {
				seen[k] = top;
			}
			return;
		}
		check(upto < EVTCHN_MAX_PORTS);
		upto = EVTCHN_MAX_PORTS;
	}
}

/* ---- the program ----------------------------------------------------------------- */

static int64_t call(int64_t (*fn)(struct vcpu *, const struct hypercall_args *), struct vcpu *curr,
		    uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct hypercall_args args = { { a0, a1, a2, 0, 0, 0 } };

	return fn(curr, &args);
}

static int64_t do_set_vm_assist(struct vcpu *v, bool on)
{
	return call(do_vm_assist, v, on ? VMASST_CMD_enable : VMASST_CMD_disable,
		    VMASST_TYPE_runstate_update_flag, 0);
}

/* Mostly ports that exist, sometimes the edges (of d's limit, of the
 * ABI). */
static evtchn_port_t pick_port(const struct domain *d, uint8_t b, uint8_t c)
{
	switch (b >> 5) {
	case 0:
		return 0;
	case 1:
		return d->event.max_ports - 1 + (c % 3);
	case 2:
		return c % 2 ? 0xffffffffU : EVTCHN_2L_NR_CHANNELS - 1;
	default:
		return (evtchn_port_t)(b & 0x1f) + (c & 1) * 32;
	}
}

static int64_t evtchn_op(struct vcpu *curr, unsigned int cmd, const void *op, size_t len, bool ro)
{
	if (ro) {
		memcpy(ro_buf, op, len);
		return call(do_event_channel_op, curr, cmd, ARG_VA + 0x10000, 0);
	}
	memcpy(arg_buf, op, len);
	return call(do_event_channel_op, curr, cmd, ARG_VA, 0);
}

/* What Linux's upcall handler does on v: take the selector, clear the
 * upcall, and handle (clear) every unmasked pending port of those words. */
static void guest_upcall(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_of(v);
	struct shared_info *s = v->domain->shared_info;
	uint64_t sel;

	vi->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	for (unsigned int w = 0; w < 64; w++) {
		if ((sel >> w) & 1) {
			__atomic_fetch_and(&s->evtchn_pending[w], s->evtchn_mask[w], __ATOMIC_SEQ_CST);
		}
	}
}

static bool *busy_flag(struct vcpu *v)
{
	return &busy[v->domain->id - 1U][v->id];
}

static bool any_busy(const struct domain *d)
{
	for (unsigned int i = 0; i < MAX_VCPUS_PER_DOM; i++) {
		if (busy[d->id - 1U][i]) {
			return true;
		}
	}
	return false;
}

/* A domain a guest names: itself, one of the three, or none. */
static domid_t pick_dom(uint8_t b)
{
	static const domid_t named[] = { DOMID_SELF, 1, 2, 3, DOMID_SELF, 1, 2, 3, 0, 4, DOMID_INVALID };

	return named[b % ARRAY_SIZE(named)];
}

/* Shut down (DOM_DYING, as domain_shutdown), or reap a dying domain and
 * build a fresh one in its slot (the scheduler's domain_reap may get there
 * first: run_program then builds it). Never with a vCPU of it on the
 * stack. */
static void kill_or_reap(unsigned int k, uint8_t how)
{
	struct domain *d = doms[k];

	/* A teardown the scheduler's reaper began is its own to finish
	 * (domain_reap goes in steps): run_program then builds the slot. */
	if (any_busy(d) || d->teardown_steps != 0) {
		return;
	}
	if (d->state == DOM_RUNNING) {
		domain_shutdown(d, how & 1 ? SHUTDOWN_crash : SHUTDOWN_poweroff);
	} else {
		free_domain(d);
		doms[k] = make_domain(k);
	}
}

static void step(const uint8_t *st)
{
	struct domain *d = doms[st[1] % NR_DOMS];
	struct vcpu *v;
	/* Only a vCPU on the CPU makes hypercalls or touches its vcpu_info. */
	bool running;
	uint32_t w32 = (uint32_t)st[4] | (uint32_t)st[5] << 8 | (uint32_t)st[6] << 16 |
		       (uint32_t)st[7] << 24;
	evtchn_port_t port = pick_port(d, st[2], st[3]);
	bool ro = (st[0] & 0x80) != 0;

	if (d->vcpu_count == 0) {
		return;	/* the reaper began d's teardown: none of its vCPUs is left */
	}
	v = &d->vcpus[(st[1] >> 1) % d->vcpu_count];
	running = v->state == VCPU_RUNNABLE && !*busy_flag(v);
	switch ((st[0] & 0x7f) % 27) {
	case 0: {
		struct evtchn_bind_virq b = { .virq = st[2] % (NR_VIRQS + 2), .vcpu = st[3] % 4 };

		if (running) {
			evtchn_op(v, EVTCHNOP_bind_virq, &b, sizeof(b), ro);
		}
		break;
	}
	case 1:
	case 2: {
		struct evtchn_bind_ipi b = { .vcpu = st[3] % 4 };

		if (running) {
			evtchn_op(v, EVTCHNOP_bind_ipi, &b, sizeof(b), ro);
		}
		break;
	}
	case 3:
	case 4:
		if (running) {
			evtchn_op(v, EVTCHNOP_send, &port, sizeof(port), false);
		}
		break;
	case 5:
		if (running) {
			evtchn_op(v, EVTCHNOP_close, &port, sizeof(port), false);
		}
		break;
	case 6: {
		static const domid_t doms_named[] = { DOMID_SELF, 1, 2, 3, 0, DOMID_INVALID };
		struct evtchn_status s = { .dom = doms_named[st[4] % 6], .port = port };

		if (running) {
			evtchn_op(v, EVTCHNOP_status, &s, sizeof(s), ro);
		}
		break;
	}
	case 7:
		if (running) {
			evtchn_op(v, EVTCHNOP_unmask, &port, sizeof(port), false);
		}
		break;
	case 8: {
		struct evtchn_bind_vcpu b = { .port = port, .vcpu = st[4] % 4 };

		if (running) {
			evtchn_op(v, EVTCHNOP_bind_vcpu, &b, sizeof(b), false);
		}
		break;
	}
	case 9:
		if (running && port < EVTCHN_2L_NR_CHANNELS) {
			d->shared_info->evtchn_mask[port / 64] |= 1ULL << (port % 64);
		}
		break;
	case 10:
		if (running) {
			guest_upcall(v);
		}
		break;
	case 11:
		evtchn_send_virq(v, st[2] % (NR_VIRQS + 1));
		break;
	case 12:
		fake_time_advance(w32 & 0x3ffffff);	/* up to ~67 ms */
		timer_run_expired(arch_time_ns());
		break;
	case 13:
		if (running) {
			uint64_t t = (st[2] & 1) ? arch_time_ns() + (w32 & 0xffffff) : w32;

			call(do_set_timer_op, v, t, 0, 0);
		}
		break;
	case 14:
		if (running) {
			struct vcpu_set_singleshot_timer t = {
				.timeout_abs_ns = arch_time_ns() + (w32 & 0xffffff) - 0x10000,
				.flags = st[2] & 1,
			};
			struct vcpu_set_periodic_timer p = { .period_ns = w32 };
			unsigned int cmd = 6 + st[3] % 4;	/* periodic/singleshot set/stop */

			memcpy(arg_buf, cmd == VCPUOP_set_periodic_timer ? (void *)&p : (void *)&t,
			       cmd == VCPUOP_set_periodic_timer ? sizeof(p) : sizeof(t));
			call(do_vcpu_op, v, cmd, st[2] >> 1 & 3, ARG_VA);
		}
		break;
	case 15:
		if (running) {
			*busy_flag(v) = true;
			sched_op_block(v);
			*busy_flag(v) = false;
		}
		break;
	case 16:
		if (running) {
			evtchn_port_t ports[3] = { port, pick_port(d, st[4], st[5]),
						   pick_port(d, st[5], 0) };
			struct sched_poll p = {
				.ports = ARG_VA + 0x100,
				.nr_ports = st[6] % 4,
				.timeout = (st[7] & 1) ? arch_time_ns() + (w32 & 0xfffff) : 0,
			};

			memcpy(arg_buf, &p, sizeof(p));
			memcpy(arg_buf + 0x100, ports, sizeof(ports));
			*busy_flag(v) = true;
			sched_op_poll(v, ARG_VA);
			*busy_flag(v) = false;
		}
		break;
	case 17:
		if (running) {
			unsigned int target = st[4] % 4;
			/* Valid offsets give each vCPU its own 64 bytes: two vcpu_infos
			 * laid over each other are the guest's own garbage (Xen allows
			 * it) and would defeat the checks. Invalid ones are odd or
			 * past the page. */
			uint32_t offset = st[3] & 0x80 ? (st[3] & 0x40 ? 4033U + st[3] : st[3] | 1U)
						       : (st[3] & 7) * 512U + target * 64U;
			struct vcpu_register_vcpu_info r = {
				.mfn = mfn_x(spare[st[2] % NR_DOMS][st[2] >> 1 & 1]),
				.offset = offset,
			};

			memcpy(arg_buf, &r, sizeof(r));
			call(do_vcpu_op, v, VCPUOP_register_vcpu_info, target, ARG_VA);
		}
		break;
	case 18:
		if (running) {
			call(do_event_channel_op, v, w32 % 20, ARG_VA, 0);
		}
		break;
	case 19: {
		static const uint64_t areas[] = {
			0, ARG_VA + 0x800, ARG_VA + ARG_LEN - 16, 0x5000, 0xffff800000000000ULL,
			ARG_VA + 0x10000, 0x00007fffffffffe0ULL, ARG_VA + 0x801,
		};
		struct vcpu_register_runstate_memory_area a = { .addr = areas[st[2] % 8] };

		if (running) {
			memcpy(arg_buf, &a, sizeof(a));
			call(do_vcpu_op, v, VCPUOP_register_runstate_memory_area, st[3] % 4, ARG_VA);
		}
		break;
	}
	case 20:
		/* The scheduler: v leaves or takes the CPU (its address space is
		 * the one loaded in this fake), or the guest enters kernel mode. */
		if (st[2] & 0x10) {
			runstate_retry(v);
		} else if (st[2] & 0x20) {
			runstate_change(v, st[3] % 5);
		} else {
			runstate_update(v, st[3] % 5);
		}
		if (st[2] & 1) {
			check(do_set_vm_assist(v, st[2] & 2) == 0);
		}
		break;
	case 22:
	case 23: {
		struct evtchn_alloc_unbound a = { .dom = pick_dom(st[4]), .remote_dom = pick_dom(st[5]) };

		if (running) {
			evtchn_op(v, EVTCHNOP_alloc_unbound, &a, sizeof(a), ro);
		}
		break;
	}
	case 24: {
		/* Mostly a port that is unbound for us somewhere. */
		struct domain *rd = doms[st[4] % NR_DOMS];
		struct evtchn_bind_interdomain b = {
			.remote_dom = st[5] & 1 ? pick_dom(st[5] >> 1) : rd->id,
			.remote_port = st[2] < 0xc0 ? st[3] % 8 : pick_port(rd, st[2], st[3]),
		};

		if (running) {
			evtchn_op(v, EVTCHNOP_bind_interdomain, &b, sizeof(b), ro);
		}
		break;
	}
	case 25:
		if (st[2] < 0x10) {
			kill_or_reap(st[3] % NR_DOMS, st[4]);
		} else if (st[2] < 0x20) {
			revoke_after_policy_change();
		} else if (running) {
			struct evtchn_reset r = { .dom = pick_dom(st[4]) };

			evtchn_op(v, EVTCHNOP_reset, &r, sizeof(r), false);
		}
		break;
	default:
		/* The guest leaves its upcall mask open or closed. */
		if (running) {
			vcpu_info_of(v)->evtchn_upcall_mask = st[2] & 1;
			/* Opening it with an upcall due takes the upcall. */
			if (evtchn_upcall_deliverable(v)) {
				guest_upcall(v);
			}
		}
		break;
	}
}

/* Run steps until the program ends, or until sleeper (if any) is woken. */
static void run_program(struct vcpu *sleeper)
{
	while (next_step < total_steps) {
		if (sleeper != NULL && sleeper->state != VCPU_BLOCKED) {
			return;
		}
		step(prog + next_step++ * STEP_BYTES);
		for (unsigned int k = 0; k < NR_DOMS; k++) {
			char why[160];

			/* The scheduler's reaper freed a dying domain: a fresh
			 * one takes its slot and id. */
			if (doms[k]->state == DOM_FREE) {
				doms[k] = make_domain(k);
			}

			check_ports(k, next_step % FULL_EVERY == 0 || next_step == total_steps);
			/* vcpu_info holds are the memory model's references. */
			check(mm_check_invariants(doms[k], mm_scratch, ARRAY_SIZE(mm_scratch), why,
						  sizeof(why)) == 0);
		}
	}
}

/*
 * The fake arch_context_switch returns at once; on the machine, a vCPU
 * that blocked is switched back in only once woken. So while prev sleeps,
 * the rest of the program runs here (a vCPU blocking in there nests).
 */
static void sleep_hook(struct vcpu *prev, struct vcpu *next)
{
	(void)next;
	if (prev->domain != NULL && prev->state == VCPU_BLOCKED) {
		run_program(prev);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	world_init();
	fake_switch_set_hook(sleep_hook);
	prog = data;
	next_step = 0;
	total_steps = MIN(size / STEP_BYTES, (size_t)MAX_STEPS);
	run_program(NULL);
	/* Every port of every domain at the end, however the program ended. */
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		check_ports(k, true);
	}
	fake_switch_set_hook(NULL);
	world_fini();
	return 0;
}
