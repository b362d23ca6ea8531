/*
 * 2-level event delivery for the test guests (see events.h). The upcall
 * runs on the bounce frame with events masked; it clears the vCPU's pending
 * flag before scanning, as the ABI requires, so an event raised during the
 * scan raises a new upcall once the iret hypercall unmasks again.
 */
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"

extern char rt_entry_event[], rt_entry_failsafe[];

struct shared_info *rt_shared_info;
volatile unsigned int rt_upcalls;
volatile unsigned int rt_port_events[RT_NR_PORTS];

static struct vcpu_info *vcpu_info;
static rt_port_fn port_fns[RT_NR_PORTS];

struct vcpu_info *rt_vcpu_info(void)
{
	return vcpu_info;
}

void rt_set_vcpu_info(struct vcpu_info *vi)
{
	vcpu_info = vi;
}

void rt_port_set_handler(evtchn_port_t port, rt_port_fn fn)
{
	if (port < RT_NR_PORTS) {
		port_fns[port] = fn;
	}
}

uint8_t rt_events_mask(uint8_t masked)
{
	uint8_t old = vcpu_info->evtchn_upcall_mask;

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	vcpu_info->evtchn_upcall_mask = masked;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/*
	 * Unmasking by a plain write raises no upcall for what is already
	 * pending: any hypercall gives the hypervisor the chance to deliver
	 * it on the way back (what Linux does in xen_irq_enable()).
	 */
	if (!masked && vcpu_info->evtchn_upcall_pending) {
		hyp_xen_version(XENVER_version, NULL);
	}
	return old;
}

void rt_port_mask(evtchn_port_t port)
{
	__atomic_fetch_or(&rt_shared_info->evtchn_mask[port / 64], 1ULL << (port % 64),
			  __ATOMIC_SEQ_CST);
}

bool rt_port_pending(evtchn_port_t port)
{
	return (__atomic_load_n(&rt_shared_info->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
		(port % 64)) & 1;
}

void rt_port_clear(evtchn_port_t port)
{
	__atomic_fetch_and(&rt_shared_info->evtchn_pending[port / 64], ~(1ULL << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

static void upcall(struct rt_regs *r)
{
	struct shared_info *s = rt_shared_info;
	uint64_t sel;

	(void)r;
	rt_upcalls++;
	vcpu_info->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vcpu_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzll(sel);
		uint64_t bits;

		sel &= sel - 1;
		bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) &
		       ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST);
		while (bits) {
			unsigned int b = (unsigned int)__builtin_ctzll(bits);
			evtchn_port_t port = w * 64 + b;

			bits &= bits - 1;
			rt_port_clear(port);
			if (port < RT_NR_PORTS) {
				rt_port_events[port]++;
				if (port_fns[port]) {
					port_fns[port](port);
				}
			}
		}
	}
}

static void failsafe(struct rt_regs *r)
{
	test_fail("failsafe", "failsafe callback: rip 0x%lx cs 0x%lx ss 0x%lx ds 0x%lx "
		  "es 0x%lx fs 0x%lx gs 0x%lx", (unsigned long)r->rip,
		  (unsigned long)r->cs, (unsigned long)r->ss,
		  (unsigned long)rt_failsafe_segs[0], (unsigned long)rt_failsafe_segs[1],
		  (unsigned long)rt_failsafe_segs[2], (unsigned long)rt_failsafe_segs[3]);
	test_end();
}

static long register_callback(uint16_t type, uint16_t flags, void *address)
{
	struct callback_register cb = {
		.type = type, .flags = flags, .address = (uint64_t)address,
	};

	return hyp_callback_op(CALLBACKOP_register, &cb);
}

void rt_events_init(void)
{
	uint64_t va;
	long rc;

	if (rt_shared_info) {
		return;
	}
	rt_mm_init();
	va = rt_window(RT_WIN_SHARED);
	/* shared_info is a machine address: map that frame at our window. */
	rc = rt_map(va, rt_start_info->shared_info >> 12, PTE_DATA);
	if (rc) {
		test_fail("map_shared_info", "update_va_mapping(0x%lx, maddr 0x%lx): rc %ld",
			  (unsigned long)va, (unsigned long)rt_start_info->shared_info, rc);
		test_end();
	}
	rt_shared_info = (struct shared_info *)va;
	vcpu_info = &rt_shared_info->vcpu_info[0];
	if (!rt_event_fn) {
		rt_event_fn = upcall;
	}
	if (!rt_failsafe_fn) {
		rt_failsafe_fn = failsafe;
	}
	rc = register_callback(CALLBACKTYPE_event, 0, rt_entry_event);
	if (rc == 0) {
		rc = register_callback(CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
				       rt_entry_failsafe);
	}
	if (rc) {
		test_fail("callbacks", "callback_op register event/failsafe: rc %ld", rc);
		test_end();
	}
}

long rt_evtchn_bind_virq(uint32_t virq, evtchn_port_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = 0 };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_virq, &b);

	*port = b.port;
	return rc;
}

long rt_evtchn_bind_ipi(evtchn_port_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_ipi, &b);

	*port = b.port;
	return rc;
}

long rt_evtchn_send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_send, &s);
}

long rt_evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask u = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_unmask, &u);
}

long rt_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_close, &c);
}

long rt_evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = DOMID_SELF;
	st->port = port;
	return hyp_event_channel_op(EVTCHNOP_status, st);
}

/* ---- FIFO event channels ---------------------------------------------------- */

#define FIFO_CB_OFFSET 64U	/* anywhere 8-byte aligned in the page */

static uint8_t fifo_cb_page[RT_PAGE_SIZE] __attribute__((aligned(RT_PAGE_SIZE)));
static uint32_t fifo_array_page[RT_FIFO_PORTS] __attribute__((aligned(RT_PAGE_SIZE)));
static evtchn_port_t fifo_head[EVTCHN_FIFO_MAX_QUEUES];	/* Linux's local heads */

struct evtchn_fifo_control_block *rt_fifo_cb;
volatile uint32_t *rt_fifo_words;

uint64_t rt_image_mfn(const void *page)
{
	return rt_pfn_to_mfn(((uint64_t)page - RT_VIRT_BASE) >> 12);
}

long rt_fifo_init_control(uint64_t mfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
	struct evtchn_init_control ic = { .control_gfn = mfn, .offset = offset, .vcpu = vcpu };
	long rc = hyp_event_channel_op(EVTCHNOP_init_control, &ic);

	if (link_bits) {
		*link_bits = ic.link_bits;
	}
	return rc;
}

long rt_fifo_expand_array(uint64_t mfn)
{
	struct evtchn_expand_array ea = { .array_gfn = mfn };

	return hyp_event_channel_op(EVTCHNOP_expand_array, &ea);
}

long rt_fifo_set_priority(evtchn_port_t port, uint32_t priority)
{
	struct evtchn_set_priority sp = { .port = port, .priority = priority };

	return hyp_event_channel_op(EVTCHNOP_set_priority, &sp);
}

long rt_evtchn_reset_self(void)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };

	return hyp_event_channel_op(EVTCHNOP_reset, &r);
}

static bool fifo_bit(evtchn_port_t port, unsigned int bit)
{
	return (__atomic_load_n(&rt_fifo_words[port], __ATOMIC_SEQ_CST) >> bit) & 1;
}

void rt_fifo_mask(evtchn_port_t port)
{
	if (port < RT_FIFO_PORTS) {
		__atomic_fetch_or(&rt_fifo_words[port], 1U << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
	}
}

bool rt_fifo_pending(evtchn_port_t port)
{
	return port < RT_FIFO_PORTS && fifo_bit(port, EVTCHN_FIFO_PENDING);
}

void rt_fifo_unmask(evtchn_port_t port)
{
	volatile uint32_t *w;
	uint32_t old;

	if (port >= RT_FIFO_PORTS) {
		return;
	}
	w = &rt_fifo_words[port];
	old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
	/* While the hypervisor holds it BUSY, or when pending, the hypercall
	 * (which relinks a pending port); bounded retries otherwise. */
	for (int i = 0; i < 64; i++) {
		if (old & ((1U << EVTCHN_FIFO_PENDING) | (1U << EVTCHN_FIFO_BUSY))) {
			break;
		}
		if (__atomic_compare_exchange_n(w, &old, old & ~(1U << EVTCHN_FIFO_MASKED), false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			return;
		}
	}
	rt_evtchn_unmask(port);
}

/* One event off queue q: unlink the head word (LINKED and LINK cleared in
 * one compare-and-swap), move the local head on, handle it if pending and
 * unmasked. Returns false once the queue is empty. */
static bool fifo_consume_one(unsigned int q)
{
	evtchn_port_t port = fifo_head[q];
	volatile uint32_t *w;
	uint32_t old;

	if (port == 0) {
		port = __atomic_load_n(&rt_fifo_cb->head[q], __ATOMIC_SEQ_CST);
	}
	if (port == 0 || port >= RT_FIFO_PORTS) {
		fifo_head[q] = 0;
		return false;
	}
	w = &rt_fifo_words[port];
	old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
	while (!__atomic_compare_exchange_n(w, &old,
					    old & ~((1U << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
					    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
	}
	fifo_head[q] = old & EVTCHN_FIFO_LINK_MASK;
	if ((old & (1U << EVTCHN_FIFO_PENDING)) && !(old & (1U << EVTCHN_FIFO_MASKED))) {
		__atomic_fetch_and(w, ~(1U << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
		if (port < RT_NR_PORTS) {
			rt_port_events[port]++;
			if (port_fns[port]) {
				port_fns[port](port);
			}
		}
	}
	return fifo_head[q] != 0;
}

static void fifo_upcall(struct rt_regs *r)
{
	uint32_t ready;
	unsigned int budget = 4 * RT_FIFO_PORTS;

	(void)r;
	rt_upcalls++;
	vcpu_info->evtchn_upcall_pending = 0;
	ready = __atomic_exchange_n(&rt_fifo_cb->ready, 0, __ATOMIC_SEQ_CST) & 0xffffU;
	while (ready && budget--) {
		unsigned int q = (unsigned int)__builtin_ctz(ready);

		if (!fifo_consume_one(q)) {
			ready &= ~(1U << q);
		}
		ready |= __atomic_exchange_n(&rt_fifo_cb->ready, 0, __ATOMIC_SEQ_CST) & 0xffffU;
	}
}

long rt_fifo_init(uint8_t *link_bits)
{
	long rc;

	rt_events_init();
	for (unsigned int i = 0; i < RT_FIFO_PORTS; i++) {
		fifo_array_page[i] = 1U << EVTCHN_FIFO_MASKED;
	}
	memset(fifo_cb_page, 0, sizeof(fifo_cb_page));
	memset(fifo_head, 0, sizeof(fifo_head));
	rt_fifo_cb = (struct evtchn_fifo_control_block *)(fifo_cb_page + FIFO_CB_OFFSET);
	rt_fifo_words = fifo_array_page;
	rc = rt_fifo_init_control(rt_image_mfn(fifo_cb_page), FIFO_CB_OFFSET, 0, link_bits);
	if (rc) {
		rt_fifo_cb = NULL;
		rt_fifo_words = NULL;
		return rc;
	}
	/* From here the hypervisor queues on FIFO; events arriving before the
	 * page exists wait for it. */
	rt_event_fn = fifo_upcall;
	return rt_fifo_expand_array(rt_image_mfn(fifo_array_page));
}

void rt_fifo_off(void)
{
	rt_event_fn = upcall;
	rt_fifo_cb = NULL;
	rt_fifo_words = NULL;
}
