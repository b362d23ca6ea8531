/*
 * A shared request/response ring with the semantics of Xen's io/ring.h
 * (our own code): one page holds the shared indices and a power-of-two
 * array of slots, each slot a request or, once answered, a response.
 *
 *   req_prod  written by the front after its requests are in the slots
 *   rsp_prod  written by the back after its responses are in the slots
 *   req_event the back wants a notification when req_prod passes it
 *   rsp_event the front wants a notification when rsp_prod passes it
 *
 * Private counters: the front's req_prod_pvt and rsp_cons, the back's
 * rsp_prod_pvt and req_cons. Indices run freely and wrap at 2^32; a slot
 * is index & (size - 1). Barriers as Xen's: a write barrier between the
 * slots and the producer index, a full barrier between publishing an index
 * and reading the peer's event index (the notify decision), and between
 * setting our event index and re-reading the peer's producer (the final
 * check), so no wakeup is lost.
 *
 * The accessors take the shared page through RING_LOAD/RING_STORE so a
 * caller whose mapping may vanish (the backend after a revocation) can
 * route every access through a fault-tolerant load/store.
 */
#ifndef GUEST_RT_RING_H
#define GUEST_RT_RING_H

#include <stdbool.h>
#include <stdint.h>

#define ring_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define ring_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ring_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)

typedef uint32_t ring_idx_t;

/* The shared header, as Xen lays it out: four indices and 48 bytes of pad
 * (Xen's private/pvt area), then the slots at offset 64. */
struct ring_shared {
	ring_idx_t req_prod, req_event;
	ring_idx_t rsp_prod, rsp_event;
	uint8_t pad[48];
};
_Static_assert(sizeof(struct ring_shared) == 64, "ring header layout");

/* Slots that fit in `bytes` after the header, rounded down to a power of two. */
static inline uint32_t ring_size_for(uint32_t bytes, uint32_t slot_size)
{
	uint32_t n = (bytes - (uint32_t)sizeof(struct ring_shared)) / slot_size, p = 1;

	while (p * 2 <= n) {
		p *= 2;
	}
	return p;
}

/* The front's view. */
struct ring_front {
	struct ring_shared *sring;
	ring_idx_t req_prod_pvt, rsp_cons;
	uint32_t size;
};

/* The back's view. */
struct ring_back {
	struct ring_shared *sring;
	ring_idx_t rsp_prod_pvt, req_cons;
	uint32_t size;
};

/* Front: a fresh shared ring (only the front initialises it). */
static inline void ring_shared_init(struct ring_shared *s)
{
	s->req_prod = s->rsp_prod = 0;
	s->req_event = s->rsp_event = 1;
}

static inline void ring_front_init(struct ring_front *f, struct ring_shared *s, uint32_t size)
{
	f->sring = s;
	f->req_prod_pvt = f->rsp_cons = 0;
	f->size = size;
}

static inline void ring_back_init(struct ring_back *b, struct ring_shared *s, uint32_t size)
{
	b->sring = s;
	b->rsp_prod_pvt = b->req_cons = 0;
	b->size = size;
}

/* Shared-memory accesses; a caller may redefine them before including. */
#ifndef RING_LOAD
#define RING_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define RING_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif

/* Front: free slots for new requests (responses not yet consumed count
 * as used, since a response reuses its request's slot). */
static inline uint32_t ring_front_free(const struct ring_front *f)
{
	return f->size - (f->req_prod_pvt - f->rsp_cons);
}

/* Front: publish requests up to req_prod_pvt; true if the back must be
 * notified (req_event lies in (old, new]). */
static inline bool ring_push_requests(struct ring_front *f)
{
	ring_idx_t old = RING_LOAD(&f->sring->req_prod), new = f->req_prod_pvt;

	ring_wmb();
	RING_STORE(&f->sring->req_prod, new);
	ring_mb();
	return (ring_idx_t)(new - RING_LOAD(&f->sring->req_event)) < (ring_idx_t)(new - old);
}

/* Back: publish responses up to rsp_prod_pvt; true if the front must be notified. */
static inline bool ring_push_responses(struct ring_back *b)
{
	ring_idx_t old = RING_LOAD(&b->sring->rsp_prod), new = b->rsp_prod_pvt;

	ring_wmb();
	RING_STORE(&b->sring->rsp_prod, new);
	ring_mb();
	return (ring_idx_t)(new - RING_LOAD(&b->sring->rsp_event)) < (ring_idx_t)(new - old);
}

/* Back: requests published and not yet consumed (never more than the
 * slots not holding an unconsumed response, whatever the front wrote). */
static inline uint32_t ring_unconsumed_requests(const struct ring_back *b)
{
	uint32_t req = RING_LOAD(&b->sring->req_prod) - b->req_cons;
	uint32_t room = b->size - (b->req_cons - b->rsp_prod_pvt);

	ring_rmb();
	return req < room ? req : room;
}

/* Front: responses published and not yet consumed. */
static inline uint32_t ring_unconsumed_responses(const struct ring_front *f)
{
	uint32_t n = RING_LOAD(&f->sring->rsp_prod) - f->rsp_cons;

	ring_rmb();
	return n;
}

/* Back: before sleeping, ask to be notified of the next request and look
 * again (a request published in between is seen now, not lost). */
static inline bool ring_final_check_requests(struct ring_back *b)
{
	if (ring_unconsumed_requests(b)) {
		return true;
	}
	RING_STORE(&b->sring->req_event, b->req_cons + 1);
	ring_mb();
	return ring_unconsumed_requests(b) != 0;
}

/* Front: the same for responses. */
static inline bool ring_final_check_responses(struct ring_front *f)
{
	if (ring_unconsumed_responses(f)) {
		return true;
	}
	RING_STORE(&f->sring->rsp_event, f->rsp_cons + 1);
	ring_mb();
	return ring_unconsumed_responses(f) != 0;
}

#endif /* GUEST_RT_RING_H */
