/*
 * 2-level event-channel delivery (hv/common/event_2l.c, the upcall and
 * the vCPU mask of tests/guests/rt/events.c, delivery on the way back to
 * the guest in hv/arch/x86_64/pv/bounce.c and iret.c, SCHEDOP_block in
 * hv/common/sched_block.c) for two ports in one selector word and one
 * guest vCPU.
 *
 * Processes: `sender`, the hypervisor raising events for the guest (from
 * another domain's EVTCHNOP_send or a VIRQ), and `guest`, the vCPU: its own
 * instructions (masking a port, cli/sti on evtchn_upcall_mask, the upcall
 * handler) and its hypercalls (EVTCHNOP_unmask, SCHEDOP_block, iret). The
 * hypervisor runs on one CPU with interrupts off, so each hypervisor entry
 * (a hypercall, evtchn_2l_set_pending, the exit path that bounces an
 * upcall) is one atomic step; guest steps interleave with them at every
 * shared access. Whenever the hypervisor returns to the guest it delivers
 * an upcall if evtchn_upcall_pending && !evtchn_upcall_mask (bounce.c);
 * a timer interrupt can do that between any two guest instructions.
 *
 * The guest toggles masks a bounded number of times (BUDGET), then unmasks
 * everything and idles (blocks with its ports unmasked, handles upcalls):
 * the liveness property is about that tail.
 *
 * Safety (assertions): no event is delivered while masked: the upcall is
 * entered only with evtchn_upcall_mask clear, and a port's handler runs
 * only while the port's mask bit is clear.
 * Liveness (LTL claim `live`, weak fairness): no lost wake-up: a pending
 * event is eventually delivered ([](pending[p] -> <>!pending[p]); only the
 * guest's handler clears a pending bit, right before handling the port).
 *
 * Broken variants (spin -D...):
 *   NO_UNMASK_RECHECK  EVTCHNOP_unmask clears the mask bit but does not
 *                      look at the pending bit: an event that arrived while
 *                      masked is never delivered (liveness fails).
 *   NO_MASK_IN_SCAN    the upcall handles pending ports without looking at
 *                      their mask bits (safety fails).
 */

#define NPORTS	2
#define BUDGET	3	/* mask/unmask operations before the guest settles */
#define SENDS	3	/* events the sender raises */

bit pending[NPORTS], mask[NPORTS];	/* shared_info */
bit sel = 0;				/* evtchn_pending_sel, one word */
bit upcall_pending = 0, upcall_mask = 1;	/* vcpu_info */
bit blocked = 0;			/* the vCPU is VCPU_BLOCKED */
bit in_upcall = 0;			/* the guest was bounced into its upcall */

ltl live { [] ((pending[0] -> <> !pending[0]) && (pending[1] -> <> !pending[1])) }

/* evtchn_mark_upcall_pending, with evtchn_kick (sched_wake) */
inline mark_upcall_pending()
{
	if
	:: upcall_pending == 0 -> upcall_pending = 1; blocked = 0
	:: else -> skip
	fi
}

/* The exit path to the guest (bounce.c): deliver an upcall if one is due.
 * The bounce frame saves the guest's mask and sets it. */
inline return_to_guest()
{
	if
	:: upcall_pending && !upcall_mask ->
		assert(!upcall_mask);	/* never into the upcall while masked */
		upcall_mask = 1;
		in_upcall = 1
	:: else -> skip
	fi
}

active proctype sender()
{
	byte n = 0;
	byte p;

	do
	:: n < SENDS ->
		if
		:: p = 0
		:: p = 1
		fi;
		atomic {	/* evtchn_2l_set_pending */
			if
			:: pending[p] == 0 ->
				pending[p] = 1;
				if
				:: !mask[p] && sel == 0 -> sel = 1; mark_upcall_pending()
				:: else -> skip
				fi
			:: else -> skip	/* already pending: notified already */
			fi;
			n++;
			p = 0;
			/* The guest was preempted for this; it resumes through
			 * the exit path unless it is blocked. */
			if
			:: !blocked -> return_to_guest()
			:: else -> skip
			fi
		}
	:: n == SENDS -> break
	od
}

active proctype guest()
{
	byte budget = BUDGET;
	bit s = 0, w = 0;
	byte p = 0;

end_idle:
	do
	/* ---- the upcall handler (events.c upcall()), entered masked ---- */
	:: in_upcall ->
		upcall_pending = 0;
		atomic { s = sel; sel = 0 };	/* xchg */
		if
		:: s ->
			p = 0;
			do
			:: p < NPORTS ->
#ifdef NO_MASK_IN_SCAN
				atomic { w = pending[p] };
#else
				atomic { w = pending[p] && !mask[p] };
#endif
				if
				:: w ->
					pending[p] = 0;	/* rt_port_clear, then the handler */
					assert(!mask[p]);	/* never handled while masked */
					w = 0
				:: else -> skip
				fi;
				p++
			:: else -> p = 0; break
			od;
			s = 0
		:: else -> skip
		fi;
		/* iret hypercall: restore the saved mask (clear), then the exit path */
		atomic { in_upcall = 0; upcall_mask = 0; return_to_guest() }

	/* ---- port mask (guest write) and EVTCHNOP_unmask (hypercall) ---- */
	:: !in_upcall && budget > 0 ->
		if
		:: p = 0
		:: p = 1
		fi;
		atomic { mask[p] = 1; budget--; p = 0 }
	:: !in_upcall && (budget > 0 || mask[0] || mask[1]) ->
		if
		:: mask[0] -> p = 0
		:: mask[1] -> p = 1
		:: budget > 0 -> p = 0
		fi;
		atomic {	/* evtchn_2l_unmask, then the exit path */
			if
			:: mask[p] ->
				mask[p] = 0;
#ifndef NO_UNMASK_RECHECK
				if
				:: pending[p] && sel == 0 -> sel = 1; mark_upcall_pending()
				:: else -> skip
				fi
#endif
			:: else -> skip
			fi;
			if
			:: budget > 0 -> budget--
			:: else -> skip
			fi;
			p = 0;
			return_to_guest()
		}

	/* ---- the vCPU's mask: cli, and sti (rt_events_mask), which
	 * makes a hypercall when an upcall is pending ---- */
	:: !in_upcall && budget > 0 && !upcall_mask -> atomic { upcall_mask = 1; budget-- }
	:: !in_upcall && upcall_mask ->
		upcall_mask = 0;
		if
		:: upcall_pending -> atomic { return_to_guest() }	/* xen_version */
		:: else -> skip
		fi

	/* ---- SCHEDOP_block: enables delivery, sleeps unless pending (a
	 * guest waiting for its events has its ports unmasked) ---- */
	:: !in_upcall && !mask[0] && !mask[1] ->
		atomic {
			upcall_mask = 0;
			if
			:: upcall_pending -> skip
			:: else -> blocked = 1
			fi
		};
end_blocked:
		atomic { !blocked -> return_to_guest() }	/* woken (or never slept) */
	od
}
