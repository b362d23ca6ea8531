/*
 * ipc_bench: inter-domain communication figures, run as a pair.
 *
 * role=ping (d1) and role=pong (d2, peer=1):
 *   evtchn_roundtrip  ping allocates an unbound port for the pong (the
 *       first port a fresh domain allocates is 1, Xen's lowest-free rule,
 *       so the pong binds (d1, port 1) without a rendezvous page); one run
 *       is: ping sends, the pong wakes from sched_op poll and sends back,
 *       the ping wakes from its poll. Ticks per round trip (two sends, two
 *       polls, two domain switches).
 *   gnttab_copy_32k   the ping grants 8 pages read-only to the pong; one
 *       run is one GNTTABOP_copy hypercall of 8 ops, 4 KiB each, from the
 *       ping's grants into 8 local frames of the pong.
 *   memcpy_32k        the same 32 KiB copied by the pong itself between two
 *       buffers of its own with the runtime's memcpy (a byte loop: what a
 *       naive in-guest copy costs).
 *   movsq_32k         the same with rep movsq (what a tuned in-guest copy
 *       costs; under TCG icount each iteration counts as an instruction).
 *   *_kb_per_minstr   throughput from the medians: KiB per million ticks
 *       (= per million instructions under -icount shift=0; /1024 for MB).
 * Lines: MOAT-BENCH <name> <value> min=<..> n=<runs> guest=<domain>.
 *
 * Keys: name; role=ping|pong; peer (pong: the ping's id, default 1; ping:
 * the pong's id, default 2); n (default 200). Pure Xen PV64 ABI.
 */
#include "rt.h"
#include "events.h"
#include "grant.h"
#include "hyp.h"
#include "mm.h"
#include "time.h"
#include "traps.h"

#include "bench_report.h"

const char guest_image[] = "ipc_bench";

#define MAX_RUNS 1024
#define WARMUP   16
#define PAGES    8
#define REF0     8u
#define POLL_NS  100000000ULL	/* 100 ms: a wakeup, never a timeout, when all is well */

static uint64_t samples[MAX_RUNS];
static uint8_t buf_a[PAGES * RT_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t buf_b[PAGES * RT_PAGE_SIZE] __attribute__((aligned(4096)));

static uint64_t report(const char *name, unsigned int n)
{
	return bench_report(name, samples, n, 1);
}

/* Wait for our port with poll; false on a timeout. */
static bool wait_port(evtchn_port_t port)
{
	evtchn_port_t p = port;

	while (!rt_port_pending(port)) {
		hyp_sched_poll(&p, 1, rt_system_time() + POLL_NS);
		if (!rt_port_pending(port)) {
			return false;
		}
	}
	rt_port_clear(port);
	return true;
}

static void ping(domid_t peer, unsigned int runs)
{
	evtchn_port_t port;
	uint64_t mfn;
	long rc;

	rc = rt_gnt_init(RT_WIN_TEST);
	if (!test_check(rc == 0, "gnt_setup", "rc %ld", rc)) {
		return;
	}
	for (unsigned int i = 0; i < PAGES; i++) {
		mfn = rt_va_to_mfn((uint64_t)buf_a + i * RT_PAGE_SIZE);
		memset(buf_a + i * RT_PAGE_SIZE, 0x11 * (i + 1), RT_PAGE_SIZE);
		rt_gnt_grant(REF0 + i, peer, mfn, true);
	}
	rc = hyp_evtchn_alloc_unbound(peer, &port);
	if (!test_check(rc == 0 && port == 1, "alloc_unbound", "rc %ld port %u (want 1)", rc, port)) {
		return;
	}
	/* The pong's hello: it has bound the port. */
	for (unsigned int i = 0; i < 100 && !wait_port(port); i++) {
	}
	for (unsigned int i = 0; i < WARMUP + runs; i++) {
		uint64_t t0 = rdtsc();
		bool ok;

		rt_evtchn_send(port);
		ok = wait_port(port);
		if (i >= WARMUP) {
			samples[i - WARMUP] = rdtsc() - t0;
		}
		if (!ok) {
			test_fail("evtchn_roundtrip", "run %u: no answer", i);
			return;
		}
	}
	report("evtchn_roundtrip", runs);
	/* The pong copies from our grants now and says when it is done. */
	for (unsigned int i = 0; i < 100 && !wait_port(port); i++) {
	}
	for (unsigned int i = 0; i < PAGES; i++) {
		rt_gnt_end(REF0 + i);
	}
	rt_evtchn_close(port);
}

static uint64_t dst_mfn[PAGES];

static bool copy_once(domid_t peer)
{
	struct gnttab_copy ops[PAGES];

	memset(ops, 0, sizeof(ops));
	for (unsigned int i = 0; i < PAGES; i++) {
		ops[i].source.u.ref = REF0 + i;
		ops[i].source.domid = peer;
		ops[i].dest.u.gmfn = dst_mfn[i];
		ops[i].dest.domid = DOMID_SELF;
		ops[i].len = RT_PAGE_SIZE;
		ops[i].flags = GNTCOPY_source_gref;
	}
	if (hyp_grant_table_op(GNTTABOP_copy, ops, PAGES) != 0) {
		return false;
	}
	for (unsigned int i = 0; i < PAGES; i++) {
		if (ops[i].status != GNTST_okay) {
			return false;
		}
	}
	return true;
}

/* KiB per million ticks for 32 KiB in `med` ticks. */
static void throughput(const char *name, uint64_t med, unsigned int runs)
{
	rt_printf("MOAT-BENCH %s %lu min=0 n=%u guest=%s\n", name,
		  (unsigned long)(32ULL * 1000000 / (med ? med : 1)), runs, rt_guest_name);
}

static void pong(domid_t peer, unsigned int runs)
{
	evtchn_port_t port = 0;
	uint64_t copy_med, memcpy_med, movsq_med;
	unsigned int i;
	long rc = -1;

	for (i = 0; i < 10000 && rc != 0; i++) {
		rc = hyp_evtchn_bind_interdomain(peer, 1, &port);
		if (rc != 0) {
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
	}
	if (!test_check(rc == 0, "bind_interdomain", "d%u port 1: rc %ld after %u tries", peer, rc,
			i)) {
		return;
	}
	rt_evtchn_send(port);
	for (i = 0; i < WARMUP + runs; i++) {
		if (!wait_port(port)) {
			test_fail("evtchn_roundtrip", "pong: no ping at run %u", i);
			return;
		}
		rt_evtchn_send(port);
	}
	test_pass("evtchn_roundtrip", "%u pongs", i);

	for (i = 0; i < PAGES; i++) {
		dst_mfn[i] = rt_va_to_mfn((uint64_t)buf_b + i * RT_PAGE_SIZE);
	}
	for (i = 0; i < WARMUP + runs; i++) {
		uint64_t t0 = rdtsc();
		bool ok = copy_once(peer);

		if (i >= WARMUP) {
			samples[i - WARMUP] = rdtsc() - t0;
		}
		if (!ok) {
			test_fail("gnttab_copy", "run %u failed", i);
			rt_evtchn_send(port);
			return;
		}
	}
	copy_med = report("gnttab_copy_32k", runs);
	test_check(buf_b[0] == 0x11 && buf_b[PAGES * RT_PAGE_SIZE - 1] == (uint8_t)(0x11 * PAGES),
		   "gnttab_copy", "content copied");
	for (i = 0; i < WARMUP + runs; i++) {
		uint64_t t0 = rdtsc();

		memcpy(buf_b, buf_a, sizeof(buf_b));
		__asm__ volatile("" : : "r"(buf_b) : "memory");
		if (i >= WARMUP) {
			samples[i - WARMUP] = rdtsc() - t0;
		}
	}
	memcpy_med = report("memcpy_32k", runs);
	for (i = 0; i < WARMUP + runs; i++) {
		uint64_t t0 = rdtsc(), n = sizeof(buf_b) / 8;
		void *d = buf_b, *src = buf_a;

		__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
		if (i >= WARMUP) {
			samples[i - WARMUP] = rdtsc() - t0;
		}
	}
	movsq_med = report("movsq_32k", runs);
	throughput("gnttab_copy_kb_per_minstr", copy_med, runs);
	throughput("memcpy_kb_per_minstr", memcpy_med, runs);
	throughput("movsq_kb_per_minstr", movsq_med, runs);
	rt_evtchn_send(port);
}

void guest_main(void)
{
	char role[8] = "";
	unsigned int runs = (unsigned int)cmdline_get_u64("n", 200);

	cmdline_get("role", role, sizeof(role));
	if (runs == 0 || runs > MAX_RUNS) {
		runs = 200;
	}
	rt_traps_init();
	if (strcmp(role, "ping") == 0) {
		ping((domid_t)cmdline_get_u64("peer", 2), runs);
	} else if (strcmp(role, "pong") == 0) {
		pong((domid_t)cmdline_get_u64("peer", 1), runs);
	} else {
		test_fail("args", "role=%s: want ping or pong", role);
	}
}
