/*
 * FIFO event delivery: each vCPU has 16 queues (priority 0 most urgent),
 * each a singly linked list of ports threaded through the event words of
 * the guest's event array. The head of each queue and a ready bit per
 * queue are in the vCPU's control block; the hypervisor keeps the tail.
 *
 * Raising a port sets its PENDING bit; if it is not MASKED and not LINKED
 * yet, the hypervisor sets LINKED and appends it: it writes the port into
 * the LINK field of the current tail's word, but only while that word is
 * still LINKED (a compare-and-swap), since the guest unlinks each word as
 * it consumes it. If the tail was already consumed, the queue was empty:
 * the port becomes the head, the queue's ready bit is set and, if that bit
 * was clear, the upcall is raised. While it retries, the hypervisor sets
 * BUSY in the tail word: the guest does not clear MASKED while BUSY.
 *
 * Everything in the array and the control block is the guest's and may
 * change at any moment (other vCPUs, one day other CPUs): every access is
 * atomic, and no value read from them is used as an index or followed.
 * The hypervisor never walks a queue: the only loop over guest words is
 * the compare-and-swap, bounded at SET_LINK_TRIES. The tail it keeps is
 * always a port that has a word. So a guest that corrupts its words
 * (LINK values, cycles, BUSY forever) only loses or repeats its own events.
 *
 * One CPU, interrupts off: no queue locks. With SMP, Xen's per-queue locks
 * (both the old and the new queue, in order) are needed around linking.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>

_Static_assert(EVTCHN_MAX_PORTS <= EVTCHN_FIFO_PORTS_MAX, "ports beyond the FIFO bookkeeping");
_Static_assert(EVTCHN_FIFO_PORTS_MAX <= EVTCHN_FIFO_NR_CHANNELS, "ports beyond a LINK field");
_Static_assert(EVTCHN_FIFO_PORTS_MAX % EVTCHN_FIFO_WORDS_PER_PAGE == 0, "whole array pages");

/* Compare-and-swap attempts on a tail word. Xen allows the guest four
 * legitimate changes to a linked word (set or clear MASKED, clear PENDING,
 * unlink) once BUSY is set, hence one try plus four. */
#define SET_LINK_TRIES 5U

static event_word_t bit(unsigned int b)
{
	return (event_word_t)1U << b;
}

static bool word_test(const event_word_t *w, unsigned int b)
{
	return (__atomic_load_n(w, __ATOMIC_SEQ_CST) & bit(b)) != 0;
}

static bool word_test_and_set(event_word_t *w, unsigned int b)
{
	return (__atomic_fetch_or(w, bit(b), __ATOMIC_SEQ_CST) & bit(b)) != 0;
}

static void word_clear(event_word_t *w, unsigned int b)
{
	__atomic_fetch_and(w, ~bit(b), __ATOMIC_SEQ_CST);
}

unsigned int evtchn_fifo_priority(const struct evtchn *chn)
{
	return ((unsigned int)chn->priority ^ EVTCHN_FIFO_PRIORITY_DEFAULT) &
	       EVTCHN_FIFO_PRIORITY_MIN;
}

void evtchn_fifo_priority_set(struct evtchn *chn, unsigned int priority)
{
	BUG_ON(priority > EVTCHN_FIFO_PRIORITY_MIN);
	chn->priority = (uint8_t)(priority ^ EVTCHN_FIFO_PRIORITY_DEFAULT);
}

event_word_t *evtchn_fifo_word(const struct domain *d, evtchn_port_t port)
{
	const struct evtchn_fifo_domain *f = &d->event.fifo;
	size_t page;

	if (port >= f->nr_pages * EVTCHN_FIFO_WORDS_PER_PAGE) {
		return NULL;
	}
	page = index_nospec(port / EVTCHN_FIFO_WORDS_PER_PAGE, f->nr_pages);
	return &f->array[page][port % EVTCHN_FIFO_WORDS_PER_PAGE];
}

/* The early bit of a port (pending before its page existed). */
static uint64_t *early_word(struct domain *d, evtchn_port_t port)
{
	return &d->event.fifo.early[index_nospec(port / 64U, EVTCHN_FIFO_PORTS_MAX / 64U)];
}

/* Wake d's vCPUs polling for this port (or for any port), as 2-level does. */
static void check_pollers(struct domain *d, evtchn_port_t port)
{
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		struct vcpu *p = &d->vcpus[i];

		if (p->event.polling && (p->event.poll_any || p->event.poll_port == port)) {
			evtchn_kick(p);
		}
	}
}

/*
 * Make the tail word w point at port, if w is still LINKED. True when it
 * did (or gave up on a guest that keeps changing the word: the event is
 * then lost, as on Xen), false when w was unlinked: the queue is empty.
 */
static bool set_link(event_word_t *w, evtchn_port_t port)
{
	event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

	for (unsigned int i = 0; i < SET_LINK_TRIES; i++) {
		event_word_t next;

		if ((old & bit(EVTCHN_FIFO_LINKED)) == 0) {
			if (i > 0) {
				word_clear(w, EVTCHN_FIFO_BUSY);
			}
			return false;
		}
		/* The new value drops BUSY too: one write links and unlocks. */
		next = (old & ~(bit(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;
		if (__atomic_compare_exchange_n(w, &old, next, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			return true;
		}
		if (i == 0) {
			/* Keep the guest from unmasking while we retry. */
			__atomic_fetch_or(w, bit(EVTCHN_FIFO_BUSY), __ATOMIC_SEQ_CST);
			old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
		}
	}
	word_clear(w, EVTCHN_FIFO_BUSY);
	return true;
}

/* Append port (its word w now LINKED) to v's queue for priority prio. */
static void link_port(struct domain *d, struct vcpu *v, struct evtchn *chn, evtchn_port_t port,
		      unsigned int prio)
{
	struct evtchn_fifo_vcpu *fv = &v->event.fifo;
	struct vcpu *old_v = &d->vcpus[index_nospec(chn->fifo_last_vcpu, d->vcpu_count)];
	size_t old_prio = index_nospec(chn->fifo_last_priority, EVTCHN_FIFO_MAX_QUEUES);
	evtchn_port_t tail;
	bool linked = false;

	/* If it was the tail of the queue it was last on, that queue is now
	 * empty as far as we know: linking onto it again must not write into
	 * this word, which is about to belong to another list. */
	if (old_v->event.fifo.tail[old_prio] == port) {
		old_v->event.fifo.tail[old_prio] = 0;
	}
	chn->fifo_last_vcpu = (uint16_t)v->id;
	chn->fifo_last_priority = (uint8_t)prio;

	tail = fv->tail[prio];
	if (tail != 0) {
		event_word_t *tw = evtchn_fifo_word(d, tail);

		linked = tw != NULL && set_link(tw, port);
	}
	if (!linked) {
		__atomic_store_n(&fv->cb->head[prio], port, __ATOMIC_SEQ_CST);
	}
	fv->tail[prio] = port;
	if (!linked && (__atomic_fetch_or(&fv->cb->ready, 1U << prio, __ATOMIC_SEQ_CST) &
			(1U << prio)) == 0) {
		evtchn_mark_upcall_pending(v);
	}
}

void evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_get(d, port);
	event_word_t *w = evtchn_fifo_word(d, port);
	bool was_pending;

	if (chn == NULL) {
		return;
	}
	if (w == NULL) {
		/* No page for it yet: remembered, raised by expand_array. */
		__atomic_fetch_or(early_word(d, port), 1ULL << (port % 64U), __ATOMIC_SEQ_CST);
		return;
	}
	was_pending = word_test_and_set(w, EVTCHN_FIFO_PENDING);
	/* No control block on v: the guest may not unmask before it
	 * registered one, so the event stays pending and unlinked; an
	 * unmask after the registration links it. */
	if (v->event.fifo.cb != NULL && !word_test(w, EVTCHN_FIFO_MASKED) &&
	    !word_test_and_set(w, EVTCHN_FIFO_LINKED)) {
		link_port(d, v, chn, port, evtchn_fifo_priority(chn));
	}
	/* A poller waits for the pending bit itself, masked or not. */
	if (!was_pending) {
		check_pollers(d, port);
	}
}

void evtchn_fifo_clear_pending(struct domain *d, evtchn_port_t port)
{
	event_word_t *w = evtchn_fifo_word(d, port);

	if (w == NULL) {
		if (port < EVTCHN_FIFO_PORTS_MAX) {
			__atomic_fetch_and(early_word(d, port), ~(1ULL << (port % 64U)),
					   __ATOMIC_SEQ_CST);
		}
		return;
	}
	/* The guest unlinks it and skips it since it is not pending. */
	word_clear(w, EVTCHN_FIFO_PENDING);
}

void evtchn_fifo_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	event_word_t *w = evtchn_fifo_word(d, port);

	if (w == NULL) {
		return;
	}
	word_clear(w, EVTCHN_FIFO_MASKED);
	/* Pending while masked: link it now. */
	if (word_test(w, EVTCHN_FIFO_PENDING)) {
		evtchn_fifo_set_pending(d, v, port);
	}
}

bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port)
{
	const event_word_t *w = evtchn_fifo_word(d, port);

	return w != NULL && word_test(w, EVTCHN_FIFO_PENDING);
}

bool evtchn_fifo_is_masked(const struct domain *d, evtchn_port_t port)
{
	const event_word_t *w = evtchn_fifo_word(d, port);

	return w == NULL || word_test(w, EVTCHN_FIFO_MASKED);
}
