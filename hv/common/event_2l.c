/*
 * 2-level event delivery, Xen's original ABI: a pending and a mask bit per
 * port in shared_info (64 words of 64 bits), a selector word per vCPU in
 * its vcpu_info naming the words that may hold unmasked pending ports, and
 * the vCPU's upcall_pending flag. Setting a bit, then the selector, then the
 * flag, in that order, is what lets the guest clear them in the reverse
 * order without losing an event.
 *
 * The guest writes all of these words whenever it likes, so the bit
 * operations are atomic (the guest's other vCPUs may run on other CPUs one
 * day) and nothing here trusts a value it reads: the worst a guest can do is
 * lose or duplicate its own events. Ports are < EVTCHN_MAX_PORTS, checked by
 * the callers, so every index stays inside shared_info's arrays.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/sched.h>

#define BITS_PER_WORD 64U

_Static_assert(EVTCHN_MAX_PORTS <= EVTCHN_2L_NR_CHANNELS, "ports beyond the 2-level bitmaps");
_Static_assert(sizeof(((struct shared_info *)0)->evtchn_pending) * 8 == EVTCHN_2L_NR_CHANNELS,
	       "2-level pending bitmap size");

/* Set bit; true if it was already set. */
static bool test_and_set(uint64_t *word, unsigned int bit)
{
	uint64_t m = 1ULL << bit;

	return (__atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m) != 0;
}

/* Clear bit; true if it was set. */
static bool test_and_clear(uint64_t *word, unsigned int bit)
{
	uint64_t m = 1ULL << bit;

	return (__atomic_fetch_and(word, ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

static bool test(const uint64_t *word, unsigned int bit)
{
	return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

/* The word of a port. Callers checked port < EVTCHN_MAX_PORTS; the clamp
 * keeps a mispredicted path inside the bitmap too (ports come from guests). */
static size_t word_of(evtchn_port_t port)
{
	return index_nospec(port / BITS_PER_WORD, EVTCHN_2L_NR_CHANNELS / BITS_PER_WORD);
}

static uint64_t *pending_word(const struct domain *d, evtchn_port_t port)
{
	return &d->shared_info->evtchn_pending[word_of(port)];
}

static uint64_t *mask_word(const struct domain *d, evtchn_port_t port)
{
	return &d->shared_info->evtchn_mask[word_of(port)];
}

void evtchn_kick(struct vcpu *v)
{
	if (v->event.polling) {
		evtchn_poll_end(v);
	}
	sched_wake(v);	/* nothing unless v is VCPU_BLOCKED */
}

void evtchn_mark_upcall_pending(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_of(v);

	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0) {
		evtchn_kick(v);
	}
}

/* Wake d's vCPUs polling for this port (or for any port). */
static void check_pollers(struct domain *d, evtchn_port_t port)
{
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		struct vcpu *p = &d->vcpus[i];

		if (p->event.polling && (p->event.poll_any || p->event.poll_port == port)) {
			evtchn_kick(p);
		}
	}
}

void evtchn_2l_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	unsigned int bit = port % BITS_PER_WORD;

	if (test_and_set(pending_word(d, port), bit)) {
		return;	/* already pending: its notification is out already */
	}
	if (!test(mask_word(d, port), bit) &&
	    !test_and_set(&vcpu_info_of(v)->evtchn_pending_sel, port / BITS_PER_WORD)) {
		evtchn_mark_upcall_pending(v);
	}
	/* A poller waits for the pending bit itself, masked or not. */
	check_pollers(d, port);
}

void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port)
{
	test_and_clear(pending_word(d, port), port % BITS_PER_WORD);
}

void evtchn_2l_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
	unsigned int bit = port % BITS_PER_WORD;

	/* Only an unmask that changes something re-raises: a pending port
	 * that was masked now needs its selector bit and upcall. */
	if (test_and_clear(mask_word(d, port), bit) && test(pending_word(d, port), bit) &&
	    !test_and_set(&vcpu_info_of(v)->evtchn_pending_sel, port / BITS_PER_WORD)) {
		evtchn_mark_upcall_pending(v);
	}
}

bool evtchn_2l_is_pending(const struct domain *d, evtchn_port_t port)
{
	return test(pending_word(d, port), port % BITS_PER_WORD);
}

bool evtchn_2l_is_masked(const struct domain *d, evtchn_port_t port)
{
	return test(mask_word(d, port), port % BITS_PER_WORD);
}
