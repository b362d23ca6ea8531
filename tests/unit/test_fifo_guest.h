/*
 * The guest side of the FIFO event ABI as Linux does it, for the tests and
 * the fuzzer that play the guest (test_event_fifo.c, fuzz_evtchn_fifo.c).
 * Guest code: it touches only the guest's own event words.
 */
#ifndef TEST_FIFO_GUEST_H
#define TEST_FIFO_GUEST_H

#include <stdbool.h>

#include <public/event_channel.h>

/* Take the head word w off its queue: LINKED and LINK cleared in one
 * cmpxchg, since the hypervisor may be linking a new tail onto it at the
 * same time. Returns the word as it was (its LINK is the next head). */
static inline event_word_t fifo_guest_unlink(event_word_t *w)
{
	event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

	while (!__atomic_compare_exchange_n(w, &old,
					    old & ~((1U << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
					    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
	}
	return old;
}

#endif
