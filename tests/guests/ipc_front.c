/*
 * ipc_front: the granting half of a ping-pong pair (ipc_back is the other).
 *
 * Grants one page of its own (ring + hello block, see ipc.h) to the back
 * with a fixed ref, allocates an unbound port for it, and once the back has
 * mapped the page and bound the port sends `n` requests over the ring,
 * verifying every response (sequence, payload, checksum). It sleeps in
 * sched_op poll on the port whenever the ring has no work (Xen's final
 * check before sleeping), and notifies only when the back asked for it.
 *
 * Keys: name; peer=<domid of the back> (default 2); ref (default 8);
 * n (default 2000); wait=<poll rounds for the back to appear> (default
 * 3000); expect=pass|denied|revoked (default pass).
 *   pass: all n messages cross; the back's mapping shows in the grant
 *     entry (GTF_reading|GTF_writing, as Xen sets them); after the back
 *     unmaps, the grant is ended (cmpxchg of the flags) and the port closed.
 *   denied (a policy without comms between the two): alloc_unbound may be
 *     refused (-EACCES); the back never maps or writes anything: the page
 *     is unchanged, the entry never in use, the grant ends cleanly.
 *   revoked (a policy load takes the comms away mid-stream): runs until the
 *     back stops answering and the port is no longer interdomain; the
 *     hypervisor has dropped the back's mapping (entry no longer in use).
 *   readonly (the back may only map read-only): within `wait` polls the
 *     entry shows GTF_reading and never GTF_writing, nothing in the page
 *     changes, and the grant ends once the back has unmapped.
 * die_after=N: after N answered messages, power off on the spot with the
 *   grant, the back's mapping and the channel all live (a granter dying
 *   mid-transfer: the hypervisor must clean up behind it).
 * Prints "count=N sum=0x..." (sum of the request checksums that came back).
 * Pure Xen PV64 ABI (grants v1, 2-level events); needs a second domain, so
 * it runs on Moat only.
 */
#include "ipc.h"
#include "ring.h"

const char guest_image[] = "ipc_front";

#define POLL_NS 2000000ULL	/* 2 ms of system time per poll */
#define IDLE_ROUNDS 50		/* polls without progress before asking why */

static struct ring_front ring;
static struct ipc_hello *hello;
static uint8_t *page;
static uint64_t page_mfn;
static evtchn_port_t port;
static bool have_port;
static char expect[16] = "pass";
static uint32_t die_after;

static bool expecting(const char *what)
{
	return strcmp(expect, what) == 0;
}

static volatile uint32_t *back_state(void)
{
	return &hello->back_state;
}

static bool setup(domid_t peer, grant_ref_t ref, uint32_t n)
{
	uint64_t pfn;
	long rc;

	rc = rt_traps_init();
	if (!test_check(rc == 0, "traps_init", "rc %ld", rc)) {
		return false;
	}
	rc = rt_gnt_init(IPC_WIN_GNT);
	if (!test_check(rc == 0, "gnt_setup", "setup_table + map frame 0: rc %ld", rc)) {
		return false;
	}
	pfn = rt_frame_alloc();
	page_mfn = pfn ? rt_pfn_to_mfn(pfn) : 0;
	rc = pfn ? rt_map(rt_window(IPC_WIN_PAGE), page_mfn, PTE_DATA) : -XEN_ENOMEM;
	if (!test_check(rc == 0, "ring_page", "pfn 0x%lx: rc %ld", (unsigned long)pfn, rc)) {
		return false;
	}
	page = (uint8_t *)rt_window(IPC_WIN_PAGE);
	memset(page, 0, RT_PAGE_SIZE);
	ring_shared_init((struct ring_shared *)page);
	ring_front_init(&ring, (struct ring_shared *)page,
			ring_size_for(IPC_HELLO_OFFSET, sizeof(struct ipc_msg)));
	hello = (struct ipc_hello *)(page + IPC_HELLO_OFFSET);

	rc = hyp_evtchn_alloc_unbound(peer, &port);
	have_port = rc == 0;
	if (expecting("denied")) {
		test_check(rc == 0 || rc == -XEN_EACCES, "alloc_unbound",
			   "for d%u under a denying policy: rc %ld (0 or -EACCES)", peer, rc);
	} else if (!test_check(rc == 0, "alloc_unbound", "for d%u: rc %ld port %u", peer, rc,
			       port)) {
		return false;
	}
	hello->front_port = have_port ? port : ~0u;
	hello->count = n;
	ring_wmb();
	hello->magic = IPC_MAGIC;
	rt_gnt_grant(ref, peer, page_mfn, false);
	rt_printf("%s: granted mfn 0x%lx as ref %u to d%u, port %d, ring of %u slots\n",
		  rt_guest_name, (unsigned long)page_mfn, ref, peer, have_port ? (int)port : -1,
		  ring.size);
	return true;
}

/* Wait for the back to map and bind: its ready mark, or `rounds` polls. */
static bool wait_back(uint64_t rounds)
{
	for (uint64_t i = 0; i < rounds; i++) {
		if (__atomic_load_n(back_state(), __ATOMIC_ACQUIRE) != IPC_BACK_NONE) {
			return true;
		}
		if (have_port) {
			ipc_wait(port, POLL_NS);
		} else {
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
	}
	return __atomic_load_n(back_state(), __ATOMIC_ACQUIRE) != IPC_BACK_NONE;
}

struct stats {
	uint32_t sent, done, bad;
	uint64_t sum;
	bool revoked;
	long why;		/* port status or send rc when the back went away */
};

static void produce(struct stats *s, uint32_t n)
{
	while (ring_front_free(&ring) > 0 && (n == 0 || s->sent < n)) {
		struct ipc_msg *slot = (struct ipc_msg *)(page + sizeof(struct ring_shared)) +
				       (ring.req_prod_pvt & (ring.size - 1));

		ipc_make_request(slot, s->sent);
		ring.req_prod_pvt++;
		s->sent++;
	}
	if (ring_push_requests(&ring)) {
		long rc = rt_evtchn_send(port);

		if (rc < 0 && expecting("revoked")) {
			s->revoked = true;
			s->why = rc;
		}
	}
}

static bool consume(struct stats *s)
{
	bool any = false;

	while (ring_unconsumed_responses(&ring)) {
		const struct ipc_msg *slot = (const struct ipc_msg *)(page + sizeof(struct ring_shared)) +
					     (ring.rsp_cons & (ring.size - 1));
		struct ipc_msg m = *slot;

		if (ipc_response_ok(&m, s->done)) {
			struct ipc_msg req;

			ipc_make_request(&req, s->done);
			s->sum += req.csum;
		} else if (s->bad++ == 0) {
			test_fail("response", "message %u: seq %u csum 0x%x", s->done, m.seq, m.csum);
		}
		ring.rsp_cons++;
		s->done++;
		any = true;
		if (die_after && s->done == die_after) {
			test_pass("dying", "after count=%u sum=0x%lx, grant ref, mapping and port live",
				  s->done, (unsigned long)s->sum);
			test_end();
		}
	}
	return any;
}

static void pingpong(uint32_t n, uint64_t max)
{
	struct stats s = { 0 };
	unsigned int idle = 0;
	uint64_t t0 = rt_system_time();

	while (!s.revoked && (n ? s.done < n : s.done < max)) {
		produce(&s, n ? n : (uint32_t)max);
		if (consume(&s)) {
			idle = 0;
			continue;
		}
		if (ring_final_check_responses(&ring)) {
			continue;
		}
		ipc_wait(port, POLL_NS);
		if (!ring_unconsumed_responses(&ring) && ++idle >= IDLE_ROUNDS) {
			long st = ipc_port_status(port);

			idle = 0;
			if (st != EVTCHNSTAT_interdomain) {
				s.revoked = true;
				s.why = st;
			} else if (!expecting("revoked")) {
				test_fail("stalled", "no response for %u polls at message %u of %u",
					  IDLE_ROUNDS, s.done, n);
				break;
			}
		}
	}
	rt_printf("%s: %u sent, %u answered in %lu us of system time\n", rt_guest_name, s.sent,
		  s.done, (unsigned long)((rt_system_time() - t0) / 1000));
	if (expecting("revoked")) {
		test_check(s.revoked && s.bad == 0, "revoked",
			   "count=%u sum=0x%lx crossed before the back went away (port: %ld)", s.done,
			   (unsigned long)s.sum, s.why);
	} else {
		test_check(s.done == n && s.bad == 0, "pingpong", "count=%u sum=0x%lx bad=%u",
			   s.done, (unsigned long)s.sum, s.bad);
	}
}

/* End the grant: the back must have dropped its mapping (unmapped or had
 * it revoked), so the entry is no longer in use and the cmpxchg wins. */
static void end_grant(grant_ref_t ref, uint64_t rounds)
{
	uint64_t i;

	for (i = 0; i < rounds && !rt_gnt_end(ref); i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	test_check(i < rounds, "grant_ended", "ref %u flags now 0x%x after %lu yields", ref,
		   rt_gnt_flags(ref), (unsigned long)i);
}

void guest_main(void)
{
	domid_t peer = (domid_t)cmdline_get_u64("peer", 2);
	grant_ref_t ref = (grant_ref_t)cmdline_get_u64("ref", IPC_DEFAULT_REF);
	uint32_t n = (uint32_t)cmdline_get_u64("n", 2000);
	uint64_t wait = cmdline_get_u64("wait", 3000);
	uint64_t max = cmdline_get_u64("max", 1000000);

	die_after = (uint32_t)cmdline_get_u64("die_after", 0);
	long rc;

	if (!ipc_expect_get(expect, sizeof(expect))) {
		return;
	}
	if (expecting("revoked")) {
		n = 0;
	}
	if (!setup(peer, ref, n)) {
		return;
	}
	if (expecting("denied")) {
		bool came = wait_back(wait);
		const struct ring_shared *sr = (const struct ring_shared *)page;

		test_check(!came && sr->req_prod == 0 && sr->rsp_prod == 0 &&
			   !(rt_gnt_flags(ref) & (GTF_reading | GTF_writing)), "no_data_crossed",
			   "back state %u, rsp_prod %u, grant flags 0x%x after %lu polls",
			   hello->back_state, sr->rsp_prod, rt_gnt_flags(ref), (unsigned long)wait);
		end_grant(ref, 10);
		if (have_port) {
			rc = rt_evtchn_close(port);
			test_check(rc == 0, "close", "port %u: rc %ld", port, rc);
		}
		return;
	}
	if (expecting("readonly")) {
		uint16_t seen = 0;
		const struct ring_shared *sr = (const struct ring_shared *)page;

		for (uint64_t i = 0; i < wait && !(seen & GTF_reading &&
						  !(rt_gnt_flags(ref) & GTF_reading)); i++) {
			seen |= rt_gnt_flags(ref);
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
		test_check((seen & GTF_reading) && !(seen & GTF_writing) && hello->back_state == 0 &&
			   sr->req_prod == 0 && sr->rsp_prod == 0, "read_only_use",
			   "entry flags seen 0x%x (reading, never writing), page unchanged", seen);
		end_grant(ref, 1000);
		if (have_port) {
			rt_evtchn_close(port);
		}
		return;
	}
	if (!test_check(wait_back(wait), "back_ready", "back mapped and bound within %lu polls",
			(unsigned long)wait)) {
		return;
	}
	test_check((rt_gnt_flags(ref) & (GTF_reading | GTF_writing)) ==
		   (GTF_reading | GTF_writing), "grant_in_use",
		   "entry flags 0x%x while the back maps it writable", rt_gnt_flags(ref));
	pingpong(n, max);
	if (expecting("revoked")) {
		test_check(!(rt_gnt_flags(ref) & (GTF_reading | GTF_writing)), "mapping_dropped",
			   "entry flags 0x%x: the back's mapping is gone", rt_gnt_flags(ref));
		end_grant(ref, 100);
	} else {
		uint64_t i;

		for (i = 0; i < wait && __atomic_load_n(back_state(), __ATOMIC_ACQUIRE) !=
					    IPC_BACK_DONE; i++) {
			ipc_wait(port, POLL_NS);
		}
		end_grant(ref, 1000);
	}
	/* A revocation may have closed our end already (-EINVAL then). */
	rc = rt_evtchn_close(port);
	test_check(rc == 0 || (expecting("revoked") && rc == -XEN_EINVAL), "close",
		   "port %u: rc %ld", port, rc);
}
