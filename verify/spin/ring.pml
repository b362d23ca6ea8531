/*
 * The shared request/response ring of tests/guests/rt/ring.h (Xen's
 * io/ring.h semantics): a front that produces requests and consumes
 * responses, a back that consumes requests and produces responses, the
 * four shared indices (req_prod, req_event, rsp_prod, rsp_event) and one
 * event-channel notification per direction.
 *
 * Each atomic step below makes at most one access to shared memory (an
 * index or a slot), together with the private computation around it, so
 * the two sides interleave at every shared access. Spin's memory is
 * sequentially consistent: the ring's barriers (wmb between the slots and
 * the producer index, mb between publishing an index and reading the
 * peer's event index, and between setting our event index and re-reading
 * the peer's producer) are modelled as the order of those steps, which is
 * what the barriers guarantee. Indices wrap modulo W (2^32 in C, 8 here:
 * at most SIZE < W/2 entries are outstanding, so every distance the code
 * computes is the same as with 32 bits, and the model runs through the
 * wrap again and again).
 *
 * Safety (assertions; pan -DSAFETY also reports invalid end states, i.e.
 * both sides asleep):
 *   - no overrun: a slot is written only when the peer has taken what it
 *     held;
 *   - no reading an unwritten slot: the back reads request i only after
 *     the front wrote request i there, the front reads response i only
 *     after the back wrote it.
 * Liveness (LTL claim `live`, acceptance cycles under weak fairness):
 *   - no lost wake-up: the front consumes responses forever ([]<> of each
 *     parity of its response count), so neither side can end up asleep
 *     with work outstanding.
 *
 * Broken variants (spin -D...):
 *   NO_WMB          the front publishes req_prod before it writes the
 *                   request into its slot (the missing write barrier): the
 *                   back can read an unwritten slot.
 *   NO_FINAL_CHECK  the back sets req_event and sleeps without looking at
 *                   req_prod again: a request published in between is not
 *                   notified and both sides sleep (a lost wake-up).
 */

#define W	8	/* index modulus */
#define SIZE	2	/* slots, a power of two */
#define MAXREQ	2	/* requests the front queues before it pushes */

#define dist(a, b)	(((a) + W - (b)) % W)	/* (a - b) mod W */
#define slotof(i)	((i) % SIZE)

/* What a slot holds and whether its reader has taken it; slot_idx is the
 * ring index it was written for. */
mtype = { EMPTY, REQ, REQ_TAKEN, RSP, RSP_TAKEN };
mtype slot_kind[SIZE] = EMPTY;
byte slot_idx[SIZE];

/* The shared page's four indices, as ring_shared_init() leaves them. */
byte req_prod = 0, req_event = 1, rsp_prod = 0, rsp_event = 1;

/* Event channels: a pending notification for each side. */
bit evt_back = 0, evt_front = 0;

/* Ghost: responses the front consumed, mod 2 (the liveness property). */
bit done = 0;

ltl live { ([]<> (done == 0)) && ([]<> (done == 1)) }

active proctype front()
{
	byte req_prod_pvt = 0, rsp_cons = 0;
	byte queued = 0, old = 0, tmp = 0;

	do
	::	/* Queue 1..MAXREQ requests while there is room. */
		do
		:: queued < MAXREQ && dist(req_prod_pvt, rsp_cons) < SIZE ->
#ifndef NO_WMB
			atomic {
				/* no overrun */
				assert(slot_kind[slotof(req_prod_pvt)] == EMPTY ||
				       slot_kind[slotof(req_prod_pvt)] == RSP_TAKEN);
				slot_idx[slotof(req_prod_pvt)] = req_prod_pvt
			};
			slot_kind[slotof(req_prod_pvt)] = REQ;
#endif
			req_prod_pvt = (req_prod_pvt + 1) % W;
			queued++
		:: queued > 0 -> queued = 0; break
		od;
		/* ring_push_requests: (wmb) publish, mb, read req_event. */
		atomic { old = req_prod };
		req_prod = req_prod_pvt;
#ifdef NO_WMB
		/* Without the write barrier the slots may land after req_prod. */
		tmp = old;
		do
		:: tmp != req_prod_pvt ->
			atomic {
				assert(slot_kind[slotof(tmp)] == EMPTY ||
				       slot_kind[slotof(tmp)] == RSP_TAKEN);
				slot_idx[slotof(tmp)] = tmp
			};
			atomic { slot_kind[slotof(tmp)] = REQ; tmp = (tmp + 1) % W }
		:: else -> tmp = 0; break
		od;
#endif
		atomic {
			if
			:: dist(req_prod_pvt, req_event) < dist(req_prod_pvt, old) ->
				tmp = 1
			:: else -> skip
			fi;
			old = 0
		};
		if	/* notify */
		:: tmp == 1 -> atomic { evt_back = 1; tmp = 0 }
		:: else -> skip
		fi;

		/* Consume responses until every request is answered; when none
		 * is there, ring_final_check_responses and sleep. */
		do
		:: rsp_cons == req_prod_pvt -> break
		:: else ->
			if
			:: atomic { rsp_prod != rsp_cons -> tmp = 1 };
				atomic {
					tmp = 0;
					/* written */
					assert(slot_kind[slotof(rsp_cons)] == RSP &&
					       slot_idx[slotof(rsp_cons)] == rsp_cons);
					slot_kind[slotof(rsp_cons)] = RSP_TAKEN;
					rsp_cons = (rsp_cons + 1) % W;
					done = 1 - done
				}
			:: atomic { rsp_prod == rsp_cons -> tmp = 0 };
				rsp_event = (rsp_cons + 1) % W;
				if
				:: atomic { rsp_prod != rsp_cons -> skip }	/* after an mb */
				:: atomic { rsp_prod == rsp_cons -> skip };
					atomic { evt_front == 1 -> evt_front = 0 }	/* sleep */
				fi
			fi
		od
	od
}

active proctype back()
{
	byte req_cons = 0, rsp_prod_pvt = 0;
	byte old = 0, tmp = 0;

	do
	:: atomic { req_prod != req_cons -> tmp = 0 };	/* ring_unconsumed_requests */
		atomic {
			/* written */
			assert(slot_kind[slotof(req_cons)] == REQ &&
			       slot_idx[slotof(req_cons)] == req_cons);
			slot_kind[slotof(req_cons)] = REQ_TAKEN;
			req_cons = (req_cons + 1) % W
		};
		/* The response reuses the request's slot. */
		atomic {
			assert(slot_kind[slotof(rsp_prod_pvt)] == REQ_TAKEN);	/* no overrun */
			slot_idx[slotof(rsp_prod_pvt)] = rsp_prod_pvt
		};
		atomic {
			slot_kind[slotof(rsp_prod_pvt)] = RSP;
			rsp_prod_pvt = (rsp_prod_pvt + 1) % W
		};
		if
		:: skip		/* answer more before pushing */
		:: atomic { old = rsp_prod };	/* ring_push_responses */
			rsp_prod = rsp_prod_pvt;
			atomic {
				if
				:: dist(rsp_prod_pvt, rsp_event) < dist(rsp_prod_pvt, old) -> tmp = 1
				:: else -> skip
				fi;
				old = 0
			};
			if
			:: tmp == 1 -> atomic { evt_front = 1; tmp = 0 }
			:: else -> skip
			fi
		fi
	:: atomic { req_prod == req_cons -> tmp = 0 };
		/* Push what is answered, then ring_final_check_requests. */
		atomic { old = rsp_prod };
		if
		:: old != rsp_prod_pvt ->
			rsp_prod = rsp_prod_pvt;
			atomic {
				if
				:: dist(rsp_prod_pvt, rsp_event) < dist(rsp_prod_pvt, old) -> tmp = 1
				:: else -> skip
				fi;
				old = 0
			};
			if
			:: tmp == 1 -> atomic { evt_front = 1; tmp = 0 }
			:: else -> skip
			fi
		:: else -> old = 0
		fi;
		req_event = (req_cons + 1) % W;
#ifdef NO_FINAL_CHECK
		atomic { evt_back == 1 -> evt_back = 0 }	/* sleep */
#else
		if
		:: atomic { req_prod != req_cons -> skip }	/* after an mb */
		:: atomic { req_prod == req_cons -> skip };
			atomic { evt_back == 1 -> evt_back = 0 }	/* sleep */
		fi
#endif
	od
}
