/*
 * ipc_back: the mapping half of a ping-pong pair (see ipc_front.c, ipc.h).
 *
 * Retries map_grant_ref (GNTMAP_host_map at a window of its own) until the
 * front's grant is there, reads the front's port from the hello block,
 * binds it (bind_interdomain), marks itself ready and answers requests
 * until the count the front announced, verifying each (sequence, payload,
 * checksum). Sleeps in sched_op poll when the ring is empty, after Xen's
 * final check. Every access to the mapped page is a single instruction
 * with an exception-table fixup and a #PF handler that recognises a fault
 * inside the mapping: after a revocation the page is simply gone, and the
 * next access reports it instead of killing the guest.
 *
 * Keys: name; peer=<domid of the front> (default 1); ref (default 8);
 * tries=<map attempts> (default 3000); expect=pass|denied|revoked.
 *   pass: all messages answered; unmap_grant_ref GNTST_okay and the VA
 *     unmapped afterwards; the port closed.
 *   denied: map_grant_ref GNTST_permission_denied; nothing mapped.
 *   revoked: runs until an access to the ring faults (#PF with cr2 in the
 *     mapping); then unmap of the revoked handle is GNTST_okay and the port
 *     is no longer interdomain.
 *   readonly (a policy with grant:map_read but not map_write): a writable
 *     map is GNTST_permission_denied, a GNTMAP_readonly one works and shows
 *     the front's hello, a store through it faults (#PF, present|write),
 *     the unmap is GNTST_okay; no channel is bound.
 * die_after=N: after N answered messages, power off on the spot with the
 *   mapping and the channel live (a mapper dying mid-transfer).
 * Prints "count=N sum=0x..." (sum of the request checksums it saw).
 */
#include "ipc.h"

static volatile bool ring_fault;
static uint64_t fault_cr2, fault_err;
static uint64_t map_va;

/* Loads and stores of the shared page that survive its disappearance. */
static uint32_t shm_ld32(const volatile void *p)
{
	uint32_t v = 0;

	if (ring_fault) {
		return 0;
	}
	__asm__ volatile(RT_TRY("movl (%1), %0") : "+r"(v) : "r"(p) : "memory");
	return ring_fault ? 0 : v;
}

static uint64_t shm_ld64(const volatile void *p)
{
	uint64_t v = 0;

	if (ring_fault) {
		return 0;
	}
	__asm__ volatile(RT_TRY("movq (%1), %0") : "+r"(v) : "r"(p) : "memory");
	return ring_fault ? 0 : v;
}

static void shm_st32(volatile void *p, uint32_t v)
{
	if (!ring_fault) {
		__asm__ volatile(RT_TRY("movl %1, (%0)") : : "r"(p), "r"(v) : "memory");
	}
}

static void shm_st64(volatile void *p, uint64_t v)
{
	if (!ring_fault) {
		__asm__ volatile(RT_TRY("movq %1, (%0)") : : "r"(p), "r"(v) : "memory");
	}
}

#define RING_LOAD(p) shm_ld32(p)
#define RING_STORE(p, v) shm_st32((p), (v))
#include "ring.h"

const char guest_image[] = "ipc_back";

#define POLL_NS 2000000ULL

static struct ring_back ring;
static uint8_t *page;
static evtchn_port_t port;
static char expect[16] = "pass";
static uint32_t die_after;

static bool expecting(const char *what)
{
	return strcmp(expect, what) == 0;
}

/* #PF: a fault inside the mapping is the revocation; anything else is the
 * default handler's business (the exception table or a FAIL). */
static void pf_handler(struct rt_regs *r)
{
	struct vcpu_info *vi = rt_vcpu_info();
	uint64_t cr2 = vi ? vi->arch.cr2 : 0;

	if (map_va && cr2 >= map_va && cr2 < map_va + RT_PAGE_SIZE && !ring_fault) {
		fault_cr2 = cr2;
		fault_err = r->error_code;
		ring_fault = true;
	}
	rt_trap_default(r);
}

static struct ipc_hello *hello(void)
{
	return (struct ipc_hello *)(page + IPC_HELLO_OFFSET);
}

static volatile struct ipc_msg *slot(ring_idx_t i)
{
	return (volatile struct ipc_msg *)(page + sizeof(struct ring_shared)) + (i & (ring.size - 1));
}

/* map_grant_ref until it works; false (reported) when it never does. */
static bool map_ring(domid_t peer, grant_ref_t ref, uint64_t tries, grant_handle_t *h)
{
	int16_t st = GNTST_general_error;
	long hc = 0;
	uint64_t i;

	for (i = 0; i < tries; i++) {
		st = rt_gnt_map(map_va, peer, ref, GNTMAP_host_map, h, &hc);
		if (hc != 0 || st == GNTST_okay || st == GNTST_permission_denied) {
			break;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (expecting("denied")) {
		test_check(hc == 0 && st == GNTST_permission_denied &&
			   rt_va_to_mfn(map_va) == ~0ULL, "map_denied",
			   "map of d%u ref %u: hypercall rc %ld status %d (%s), VA unmapped", peer, ref,
			   hc, st, rt_gntst_name(st));
		return false;
	}
	return test_check(hc == 0 && st == GNTST_okay, "map", "d%u ref %u after %lu tries: rc %ld "
			  "status %d (%s) handle %u", peer, ref, (unsigned long)i, hc, st,
			  rt_gntst_name(st), *h);
}

static bool bind(domid_t peer, uint32_t *count)
{
	struct ipc_hello *hl = hello();
	uint32_t fport;
	long rc;

	/* The front wrote the hello before granting, so it is complete. */
	if (!test_check(shm_ld64(&hl->magic) == IPC_MAGIC, "hello", "magic 0x%lx",
			(unsigned long)shm_ld64(&hl->magic))) {
		return false;
	}
	fport = shm_ld32(&hl->front_port);
	*count = shm_ld32(&hl->count);
	rc = hyp_evtchn_bind_interdomain(peer, fport, &port);
	if (!test_check(rc == 0 && port < RT_NR_PORTS, "bind_interdomain",
			"d%u port %u: rc %ld local port %u", peer, fport, rc, port)) {
		return false;
	}
	ring_back_init(&ring, (struct ring_shared *)page,
		       ring_size_for(IPC_HELLO_OFFSET, sizeof(struct ipc_msg)));
	shm_st32(&hl->back_port, port);
	ring_wmb();
	shm_st32(&hl->back_state, IPC_BACK_READY);
	rc = rt_evtchn_send(port);
	return test_check(rc == 0, "ready", "ready sent on port %u: rc %ld", port, rc);
}

/* A writable map refused by the policy, a read-only one allowed and really
 * read-only. */
static void read_only(domid_t peer, grant_ref_t ref, uint64_t tries)
{
	grant_handle_t h = ~0u;
	int16_t st = GNTST_general_error;
	long hc = 0;
	uint64_t i;

	for (i = 0; i < tries; i++) {
		st = rt_gnt_map(map_va, peer, ref, GNTMAP_host_map, &h, &hc);
		if (hc != 0 || st == GNTST_okay || st == GNTST_permission_denied) {
			break;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (hc == 0 && st == GNTST_okay) {
		rt_gnt_unmap(map_va, h, NULL);
	}
	test_check(hc == 0 && st == GNTST_permission_denied, "map_rw_denied",
		   "writable map of d%u ref %u: rc %ld status %d (%s)", peer, ref, hc, st,
		   rt_gntst_name(st));
	st = rt_gnt_map(map_va, peer, ref, GNTMAP_host_map | GNTMAP_readonly, &h, &hc);
	if (!test_check(hc == 0 && st == GNTST_okay, "map_ro", "read-only map: rc %ld status %d (%s)",
			hc, st, rt_gntst_name(st))) {
		return;
	}
	test_check(shm_ld64(&hello()->magic) == IPC_MAGIC, "read_hello", "magic read through it");
	/* Hold it a while: the front watches its entry while we do. */
	for (i = 0; i < 200; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	shm_st32(&hello()->back_state, IPC_BACK_READY);
	test_check(ring_fault && (fault_err & 3) == 3, "write_faults",
		   "store through the read-only mapping: #PF at 0x%lx error 0x%lx",
		   (unsigned long)fault_cr2, (unsigned long)fault_err);
	st = rt_gnt_unmap(map_va, h, &hc);
	test_check(hc == 0 && st == GNTST_okay, "unmap", "rc %ld status %d (%s)", hc, st,
		   rt_gntst_name(st));
}

struct stats {
	uint32_t done, bad;
	uint64_t sum;
};

static bool serve_one(struct stats *s)
{
	volatile struct ipc_msg *q = slot(ring.req_cons);
	struct ipc_msg req, rsp;
	volatile struct ipc_msg *a;

	req.seq = shm_ld32(&q->seq);
	req.csum = shm_ld32(&q->csum);
	for (unsigned int k = 0; k < 3; k++) {
		req.w[k] = shm_ld64(&q->w[k]);
	}
	if (ring_fault) {
		return false;
	}
	if (ipc_request_ok(&req, s->done)) {
		s->sum += req.csum;
	} else if (s->bad++ == 0) {
		test_fail("request", "message %u: seq %u csum 0x%x", s->done, req.seq, req.csum);
	}
	ring.req_cons++;
	ipc_make_response(&rsp, &req);
	a = slot(ring.rsp_prod_pvt);
	for (unsigned int k = 0; k < 3; k++) {
		shm_st64(&a->w[k], rsp.w[k]);
	}
	shm_st32(&a->csum, rsp.csum);
	shm_st32(&a->seq, rsp.seq);
	ring.rsp_prod_pvt++;
	s->done++;
	return !ring_fault;
}

static void serve(struct stats *s, uint32_t count)
{
	while (!ring_fault && (count == 0 || s->done < count)) {
		bool any = false;


		while (ring_unconsumed_requests(&ring) && !ring_fault &&
		       (count == 0 || s->done < count)) {
			any = serve_one(s) || any;
			if (die_after && s->done == die_after) {
				if (ring_push_responses(&ring)) {
					rt_evtchn_send(port);
				}
				test_pass("dying", "after count=%u sum=0x%lx, mapping and port live",
					  s->done, (unsigned long)s->sum);
				test_end();
			}
		}
		if (ring_fault) {
			break;
		}
		if (any && ring_push_responses(&ring)) {
			rt_evtchn_send(port);
		}
		if (any || ring_final_check_requests(&ring)) {
			continue;
		}
		ipc_wait(port, POLL_NS);
	}
}

void guest_main(void)
{
	domid_t peer = (domid_t)cmdline_get_u64("peer", 1);
	grant_ref_t ref = (grant_ref_t)cmdline_get_u64("ref", IPC_DEFAULT_REF);
	uint64_t tries = cmdline_get_u64("tries", 3000);

	die_after = (uint32_t)cmdline_get_u64("die_after", 0);
	grant_handle_t h = ~0u;
	struct stats s = { 0 };
	uint32_t count = 0;
	int16_t st;
	long rc;

	if (!ipc_expect_get(expect, sizeof(expect))) {
		return;
	}
	rc = rt_traps_init();
	if (!test_check(rc == 0, "traps_init", "rc %ld", rc)) {
		return;
	}
	rt_trap_set_handler(X86_EXC_PF, pf_handler);
	map_va = rt_window(IPC_WIN_MAP);
	page = (uint8_t *)map_va;
	rt_unmap(map_va);	/* a window may still map a bootstrap page */
	if (expecting("readonly")) {
		read_only(peer, ref, tries);
		return;
	}
	if (!map_ring(peer, ref, tries, &h) || !bind(peer, &count)) {
		return;
	}
	serve(&s, count);
	if (expecting("revoked")) {
		long pst;

		test_check(ring_fault && s.bad == 0, "revoked",
			   "count=%u sum=0x%lx crossed; then #PF at 0x%lx (error 0x%lx) in the ring",
			   s.done, (unsigned long)s.sum, (unsigned long)fault_cr2,
			   (unsigned long)fault_err);
		st = rt_gnt_unmap(map_va, h, &rc);
		test_check(rc == 0 && st == GNTST_okay, "unmap_revoked",
			   "handle %u: rc %ld status %d (%s)", h, rc, st, rt_gntst_name(st));
		pst = ipc_port_status(port);
		test_check(pst != EVTCHNSTAT_interdomain, "port_revoked", "port %u status %ld", port,
			   pst);
		rt_evtchn_close(port);
		return;
	}
	if (ring_push_responses(&ring)) {
		rt_evtchn_send(port);
	}
	test_check(!ring_fault && s.done == count && s.bad == 0, "pingpong",
		   "count=%u sum=0x%lx bad=%u", s.done, (unsigned long)s.sum, s.bad);
	shm_st32(&hello()->back_state, IPC_BACK_DONE);
	rt_evtchn_send(port);
	st = rt_gnt_unmap(map_va, h, &rc);
	test_check(rc == 0 && st == GNTST_okay && rt_va_to_mfn(map_va) == ~0ULL, "unmap",
		   "handle %u: rc %ld status %d (%s); VA unmapped", h, rc, st, rt_gntst_name(st));
	rc = rt_evtchn_close(port);
	test_check(rc == 0, "close", "port %u: rc %ld", port, rc);
}
