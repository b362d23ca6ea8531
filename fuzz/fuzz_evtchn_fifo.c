/*
 * Fuzz harness for the FIFO event-channel ABI (hv/common/event_fifo*.c)
 * on the fake arch. One domain A (2 vCPUs, 4096 ports: up to 4 array
 * pages) does what a guest can: init_control, expand_array, set_priority
 * with fuzzed arguments (its own frames, shared_info, another domain's,
 * the hypervisor's, nonsense), binds, sends, closes and unmasks ports,
 * EVTCHNOP_reset, takes upcalls the way Linux consumes its queues, unmasks
 * locally, and writes anything anywhere into its own frames, the control
 * blocks and event words included; the hypervisor raises VIRQs. The input
 * is a program of 8-byte steps.
 *
 * After every step it checks what the FIFO code promises a hostile guest:
 * no byte outside A's registrable frames changed (canary frames of A and
 * of another domain B, and B's shared_info); the held frames are exactly
 * the registered control blocks and array pages, each A's own, typed
 * writable; nr_pages stays within the port limit; every control block is
 * inside its frame and 8-byte aligned; every queue tail the hypervisor
 * keeps is a port with a word; the ABI is FIFO exactly while a control
 * block exists. Every step returns (the fuzzer's timeout catches a loop).
 * While the guest has written nothing behind the hypervisor's back, a
 * send to an unmasked port of a vCPU with a control block leaves its word
 * PENDING and LINKED. At the end every frame must be returned.
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
#include <hv/sched.h>
#include <hv/timer.h>
#include <xsm/hooks.h>
#include <public/errno.h>

#include "fuzz.h"
#include "fuzz_evtchn_world.h"
#include "test_fifo_guest.h"

#define NR_FRAMES  96
#define STEP_BYTES 8
#define MAX_STEPS  512
#define NR_POOL    8	/* A's frames the program may register */
#define NR_CANARY  4	/* A's frames it never registers */
#define CANARY     0xa5U

static struct domain *da, *db;
static mfn_t pool[NR_POOL], canary_a[NR_CANARY], canary_b;

/* What the guest knows it registered (its own bookkeeping, as Linux's). */
static struct {
	struct evtchn_fifo_control_block *cb[2];
	event_word_t *page[EVTCHN_FIFO_MAX_PAGES];
	unsigned int nr_pages;
	evtchn_port_t head[2][EVTCHN_FIFO_MAX_QUEUES];
	bool dirty;	/* wrote its words behind the hypervisor's back */
} g;

static mfn_t frame_of(struct domain *d, uint8_t fill)
{
	mfn_t m = frame_alloc(FRAME_GUEST, d->id);

	check(mfn_x(m) != INVALID_MFN_RAW);
	memset(arch_frame_map(m), fill, PAGE_SIZE);
	return m;
}

static void world_init(void)
{
	fuzz_evtchn_world_boot(NR_FRAMES);
	da = fuzz_evtchn_domain("a", 2, EVTCHN_MAX_PORTS);
	db = fuzz_evtchn_domain("b", 1, 0);
	for (unsigned int i = 0; i < NR_POOL; i++) {
		pool[i] = frame_of(da, 0);
	}
	for (unsigned int i = 0; i < NR_CANARY; i++) {
		canary_a[i] = frame_of(da, CANARY);
	}
	canary_b = frame_of(db, CANARY);
	memset(&g, 0, sizeof(g));
}

static void world_fini(void)
{
	struct domain *doms[2] = { da, db };

	for (unsigned int i = 0; i < 2; i++) {
		/* The FIFO state first, to see it let go of every frame. */
		evtchn_fifo_destroy(doms[i]);
		check(doms[i]->mm.held_count == 0);
		evtchn_test_domain_free(doms[i]);
	}
	fuzz_evtchn_world_fini();
}

/* ---- invariants ---------------------------------------------------------------- */

harness_only static void check_canary(mfn_t m)
{
	const uint8_t *p = arch_frame_map(m);

	for (size_t i = 0; i < PAGE_SIZE; i++) {
		check(p[i] == CANARY);
	}
}

harness_only static bool in_pool(mfn_t m)
{
	for (unsigned int i = 0; i < NR_POOL; i++) {
		if (mfn_eq(pool[i], m)) {
			return true;
		}
	}
	return false;
}

harness_only static bool is_held(const struct domain *d, mfn_t m, unsigned int *count)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->mm.held_count; i++) {
		n += mfn_eq(d->mm.held[i], m);
	}
	*count = n;
	return n > 0;
}

harness_only static void check_world(void)
{
	const struct evtchn_fifo_domain *f = &da->event.fifo;
	unsigned int holds = 0, n;
	bool any_cb = false;

	for (unsigned int i = 0; i < NR_CANARY; i++) {
		check_canary(canary_a[i]);
	}
	check_canary(canary_b);
	/* B never acts: its own words stay untouched too. */
	for (unsigned int i = 0; i < 64; i++) {
		check(db->shared_info->evtchn_pending[i] == 0);
	}
	check(db->event.abi == EVTCHN_ABI_2L && db->mm.held_count == 0);

	check(f->nr_pages <= EVTCHN_MAX_PORTS / EVTCHN_FIFO_WORDS_PER_PAGE);
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++) {
		if (i >= f->nr_pages) {
			check(f->array[i] == NULL);
			continue;
		}
		check(in_pool(f->array_mfn[i]));
		check((void *)f->array[i] == arch_frame_map(f->array_mfn[i]));
		check(is_held(da, f->array_mfn[i], &n));
		check(mm_frame_of(da, f->array_mfn[i])->type == MM_TYPE_WRITABLE);
		holds++;
	}
	for (unsigned int i = 0; i < MAX_VCPUS_PER_DOM; i++) {
		const struct evtchn_fifo_vcpu *fv = &da->vcpus[i].event.fifo;
		uintptr_t off;

		for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++) {
			check(fv->tail[q] == 0 || fv->tail[q] < f->nr_pages * EVTCHN_FIFO_WORDS_PER_PAGE);
		}
		if (fv->cb == NULL) {
			continue;
		}
		check(i < da->vcpu_count);
		any_cb = true;
		check(in_pool(fv->cb_mfn));
		off = (uintptr_t)fv->cb - (uintptr_t)arch_frame_map(fv->cb_mfn);
		check(off <= PAGE_SIZE - sizeof(*fv->cb) && off % 8 == 0);
		check(is_held(da, fv->cb_mfn, &n));
		check(mm_frame_of(da, fv->cb_mfn)->type == MM_TYPE_WRITABLE);
		holds++;
	}
	check(da->mm.held_count == holds);
	check((da->event.abi == EVTCHN_ABI_FIFO) == any_cb);
}

/* ---- the guest ----------------------------------------------------------------- */

static int64_t call_evtchn(struct vcpu *v, unsigned int cmd, const void *op, size_t len)
{
	struct hypercall_args args = { { cmd, ARG_VA, 0, 0, 0, 0 } };

	memcpy(arg_buf, op, len);
	return do_event_channel_op(v, &args);
}

static event_word_t *gword(evtchn_port_t p)
{
	if (p / EVTCHN_FIFO_WORDS_PER_PAGE >= g.nr_pages) {
		return NULL;
	}
	return &g.page[p / EVTCHN_FIFO_WORDS_PER_PAGE][p % EVTCHN_FIFO_WORDS_PER_PAGE];
}

/* A frame for a registration: mostly the pool, sometimes a bad one. */
static mfn_t pick_frame(uint8_t sel)
{
	switch (sel >> 5) {
	case 0:
		return da->shared_info_mfn;
	case 1:
		return (sel & 1) ? canary_b : mfn(0xfffffffULL + sel);
	default:
		return pool[sel % NR_POOL];
	}
}

/* A frame registered twice (control blocks of both vCPUs, or a control
 * block and an array page) makes the hypervisor's own writes land on
 * other words: the guest's garbage, as on Xen. */
static void note_registered(mfn_t m)
{
	const struct evtchn_fifo_domain *f = &da->event.fifo;
	unsigned int uses = 0;

	for (unsigned int i = 0; i < f->nr_pages; i++) {
		uses += mfn_eq(f->array_mfn[i], m);
	}
	for (unsigned int i = 0; i < da->vcpu_count; i++) {
		uses += da->vcpus[i].event.fifo.cb != NULL && mfn_eq(da->vcpus[i].event.fifo.cb_mfn, m);
	}
	if (uses > 1) {
		g.dirty = true;
	}
}

static evtchn_port_t pick_port(uint8_t a, uint8_t b)
{
	/* Mostly low ports (the ones bound first), sometimes any up to past
	 * the limit. */
	return (a & 0x80) ? (evtchn_port_t)(((a & 0x7f) << 8 | b) % (EVTCHN_MAX_PORTS + 64))
			  : (evtchn_port_t)(a % 24);
}

/* Linux's upcall: consume the ready queues, bounded. */
static void guest_upcall(struct vcpu *v)
{
	struct evtchn_fifo_control_block *cb = g.cb[v->id];
	uint32_t ready;
	unsigned int steps = 0;

	if (cb == NULL) {
		return;
	}
	__atomic_store_n(&vcpu_info_of(v)->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST) & 0xffffU;
	while (ready != 0 && steps++ < 64) {
		unsigned int q = (unsigned int)__builtin_ctz(ready);
		evtchn_port_t port = g.head[v->id][q];
		event_word_t *w, old;

		if (port == 0) {
			port = __atomic_load_n(&cb->head[q], __ATOMIC_SEQ_CST);
		}
		w = gword(port);
		if (w == NULL) {
			ready &= ~(1U << q);
			g.head[v->id][q] = 0;
			continue;
		}
		old = fifo_guest_unlink(w);
		g.head[v->id][q] = old & EVTCHN_FIFO_LINK_MASK;
		if (g.head[v->id][q] == 0) {
			ready &= ~(1U << q);
		}
		if ((old & (1U << EVTCHN_FIFO_PENDING)) && !(old & (1U << EVTCHN_FIFO_MASKED))) {
			__atomic_fetch_and(w, ~(1U << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
		}
		ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST) & 0xffffU;
	}
}

/* Linux's unmask: the hypercall when pending, else clear MASKED locally
 * unless the hypervisor holds the word BUSY. */
static void guest_unmask(struct vcpu *v, evtchn_port_t port)
{
	event_word_t *w = gword(port);
	event_word_t old;

	if (w == NULL) {
		return;
	}
	old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
	if (old & (1U << EVTCHN_FIFO_PENDING)) {
		call_evtchn(v, EVTCHNOP_unmask, &port, sizeof(port));
		return;
	}
	if (!(old & (1U << EVTCHN_FIFO_BUSY))) {
		__atomic_compare_exchange_n(w, &old, old & ~(1U << EVTCHN_FIFO_MASKED), false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
}

/* After a send by a well-behaved guest: the word is pending, and linked
 * if it could be. */
static void check_sent(evtchn_port_t port)
{
	const struct evtchn *chn = evtchn_get(da, port);
	event_word_t *w = gword(port);
	event_word_t now;

	if (g.dirty || chn == NULL || chn->state != ECS_IPI || w == NULL) {
		return;
	}
	now = __atomic_load_n(w, __ATOMIC_SEQ_CST);
	check(now & (1U << EVTCHN_FIFO_PENDING));
	if (!(now & (1U << EVTCHN_FIFO_MASKED)) && da->vcpus[chn->notify_vcpu].event.fifo.cb != NULL) {
		check(now & (1U << EVTCHN_FIFO_LINKED));
	}
}

static void run_step(const uint8_t *st)
{
	struct vcpu *v = &da->vcpus[st[1] & 1];
	evtchn_port_t port = pick_port(st[2], st[3]);
	uint32_t w32;

	memcpy(&w32, st + 4, sizeof(w32));
	switch (st[0] % 16) {
	case 0: {
		/* Valid offsets give each vCPU its own 128 bytes (two control
		 * blocks over each other are the guest's own garbage). */
		uint32_t off = (st[4] & 0x80) ? w32 >> 8 : (st[4] & 31) * 128U + (st[5] & 1) * 72U;
		struct evtchn_init_control ic = {
			.control_gfn = mfn_x(pick_frame(st[3])),
			.offset = (st[4] & 0x40) ? off & ~7U : off,
			.vcpu = st[2] % 3,
		};

		if (call_evtchn(v, EVTCHNOP_init_control, &ic, sizeof(ic)) == 0) {
			check(((struct evtchn_init_control *)arg_buf)->link_bits ==
			      EVTCHN_FIFO_LINK_BITS);
			g.cb[ic.vcpu] = (void *)((uint8_t *)arch_frame_map(mfn(ic.control_gfn)) +
						 ic.offset);
			memset(g.head[ic.vcpu], 0, sizeof(g.head[ic.vcpu]));
			note_registered(mfn(ic.control_gfn));
		}
		break;
	}
	case 1: {
		struct evtchn_expand_array ea = { .array_gfn = mfn_x(pick_frame(st[3])) };
		bool pool_frame = in_pool(mfn(ea.array_gfn));
		event_word_t *page = pool_frame ? arch_frame_map(mfn(ea.array_gfn)) : NULL;

		/* Linux masks every word of a new page first. */
		if (pool_frame && (st[4] & 1)) {
			for (unsigned int i = 0; i < EVTCHN_FIFO_WORDS_PER_PAGE; i++) {
				page[i] = 1U << EVTCHN_FIFO_MASKED;
			}
		}
		if (call_evtchn(v, EVTCHNOP_expand_array, &ea, sizeof(ea)) == 0) {
			check(pool_frame && g.nr_pages < EVTCHN_FIFO_MAX_PAGES);
			g.page[g.nr_pages++] = page;
			note_registered(mfn(ea.array_gfn));
		}
		break;
	}
	case 2: {
		struct evtchn_set_priority sp = { .port = port, .priority = st[4] % 18 };

		call_evtchn(v, EVTCHNOP_set_priority, &sp, sizeof(sp));
		break;
	}
	case 3: {
		struct evtchn_bind_ipi b = { .vcpu = st[4] % 3 };

		call_evtchn(v, EVTCHNOP_bind_ipi, &b, sizeof(b));
		break;
	}
	case 4: {
		static const uint32_t virqs[] = { VIRQ_TIMER, VIRQ_DEBUG, VIRQ_CONSOLE, VIRQ_DOM_EXC };
		struct evtchn_bind_virq b = { .virq = virqs[st[4] % 4], .vcpu = st[5] % 2 };

		call_evtchn(v, EVTCHNOP_bind_virq, &b, sizeof(b));
		break;
	}
	case 5:
	case 6:
		call_evtchn(v, EVTCHNOP_send, &port, sizeof(port));
		check_sent(port);
		break;
	case 7:
		call_evtchn(v, EVTCHNOP_close, &port, sizeof(port));
		break;
	case 8:
		call_evtchn(v, EVTCHNOP_unmask, &port, sizeof(port));
		break;
	case 9:
		guest_unmask(v, port);
		break;
	case 10:
		guest_upcall(v);
		break;
	case 11: {
		/* Anything anywhere in one of its frames: event words, control
		 * blocks (ready, heads), LINK values, BUSY, cycles. */
		uint32_t *p = arch_frame_map(pool[st[1] % NR_POOL]);
		size_t idx = (st[1] & 0x80) ? (size_t)port % (PAGE_SIZE / 4)
					    : (size_t)(st[2] % 32);	/* control-block area */

		__atomic_store_n(&p[idx], w32, __ATOMIC_SEQ_CST);
		g.dirty = true;
		break;
	}
	case 12: {
		/* A plausible corruption: a word linked to another port. */
		event_word_t *w = gword(port);

		if (w != NULL) {
			__atomic_store_n(w, (w32 & ~EVTCHN_FIFO_LINK_MASK) |
						    pick_port(st[6], st[7]), __ATOMIC_SEQ_CST);
			g.dirty = true;
		}
		break;
	}
	case 13: {
		struct evtchn_reset r = { .dom = (st[4] & 1) ? DOMID_SELF : da->id };

		if (call_evtchn(v, EVTCHNOP_reset, &r, sizeof(r)) == 0) {
			memset(&g, 0, sizeof(g));
		}
		break;
	}
	case 14:
		evtchn_send_virq(v, (st[4] & 1) ? VIRQ_TIMER : VIRQ_DEBUG);
		break;
	case 15: {
		struct evtchn_bind_vcpu b = { .port = port, .vcpu = st[4] % 3 };

		call_evtchn(v, EVTCHNOP_bind_vcpu, &b, sizeof(b));
		break;
	}
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t steps = size / STEP_BYTES;

	if (steps > MAX_STEPS) {
		steps = MAX_STEPS;
	}
	world_init();
	for (size_t i = 0; i < steps; i++) {
		run_step(data + i * STEP_BYTES);
		check_world();
	}
	world_fini();
	return 0;
}
