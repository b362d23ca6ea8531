/*
 * Shared by the ipc_* test guests: the rendezvous page of a front/back
 * pair without xenstore, the messages of the ping-pong ring, and a
 * fault-tolerant access to a foreign mapping that may be revoked.
 *
 * The front (granter) owns one page: the ring at offset 0 (Xen's layout:
 * indices, then power-of-two slots) and a hello block in the last 64
 * bytes, where it writes its unbound port and the message count before it
 * grants the page with a fixed ref (ref= on both command lines). The back
 * (mapper) retries map_grant_ref until the grant is there, reads the
 * hello, binds the port and marks itself ready. Domain ids follow manifest
 * order (peer= on the command line).
 *
 * Messages: request i carries seq = i, three payload words derived from
 * (seed, i) and a checksum of both; the back verifies them, answers with
 * the payload words complemented and a checksum of those, and the front
 * verifies the answer against what it sent. Each side prints the sum of
 * the request checksums it saw, which tests_ipc.py recomputes.
 */
#ifndef GUEST_IPC_H
#define GUEST_IPC_H

#include "rt.h"
#include "events.h"
#include "grant.h"
#include "hyp.h"
#include "mm.h"
#include "time.h"
#include "traps.h"

#define IPC_MAGIC 0x4d4f41542d495043ULL	/* "MOAT-IPC" */
#define IPC_SEED  0x5eed5eed5eed5eedULL
#define IPC_DEFAULT_REF 8u	/* first ref past Xen's reserved ones */

/* Window slots (mm.h): grant table, the front's page, the back's mapping. */
#define IPC_WIN_GNT   (RT_WIN_TEST + 0)
#define IPC_WIN_PAGE  (RT_WIN_TEST + 1)
#define IPC_WIN_MAP   (RT_WIN_TEST + 2)
#define IPC_WIN_SPARE (RT_WIN_TEST + 3)

enum ipc_back_state { IPC_BACK_NONE = 0, IPC_BACK_READY = 1, IPC_BACK_DONE = 2 };

struct ipc_hello {
	uint64_t magic;
	uint32_t front_port;	/* ~0: alloc_unbound was refused */
	uint32_t count;		/* messages the front will send (0: until revoked) */
	uint32_t back_state;	/* written by the back */
	uint32_t back_port;
	uint8_t pad[40];
};
_Static_assert(sizeof(struct ipc_hello) == 64, "hello block");
#define IPC_HELLO_OFFSET (RT_PAGE_SIZE - sizeof(struct ipc_hello))

struct ipc_msg {
	uint32_t seq;
	uint32_t csum;
	uint64_t w[3];
};
_Static_assert(sizeof(struct ipc_msg) == 32, "ring slot");

static inline uint64_t ipc_mix(uint64_t seed, uint32_t seq, unsigned int k)
{
	uint64_t z = seed + (uint64_t)seq * 0x9e3779b97f4a7c15ULL + k;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t ipc_csum(uint32_t seq, const uint64_t w[3])
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seq;

	for (unsigned int k = 0; k < 3; k++) {
		h = (h ^ w[k]) * 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static inline void ipc_make_request(struct ipc_msg *m, uint32_t seq)
{
	m->seq = seq;
	for (unsigned int k = 0; k < 3; k++) {
		m->w[k] = ipc_mix(IPC_SEED, seq, k);
	}
	m->csum = ipc_csum(seq, m->w);
}

static inline bool ipc_request_ok(const struct ipc_msg *m, uint32_t seq)
{
	struct ipc_msg want;

	ipc_make_request(&want, seq);
	return m->seq == seq && m->csum == ipc_csum(m->seq, m->w) &&
	       m->w[0] == want.w[0] && m->w[1] == want.w[1] && m->w[2] == want.w[2];
}

static inline void ipc_make_response(struct ipc_msg *rsp, const struct ipc_msg *req)
{
	rsp->seq = req->seq;
	for (unsigned int k = 0; k < 3; k++) {
		rsp->w[k] = ~req->w[k];
	}
	rsp->csum = ipc_csum(rsp->seq, rsp->w);
}

static inline bool ipc_response_ok(const struct ipc_msg *m, uint32_t seq)
{
	struct ipc_msg req, want;

	ipc_make_request(&req, seq);
	ipc_make_response(&want, &req);
	return m->seq == seq && m->csum == want.csum && m->w[0] == want.w[0] &&
	       m->w[1] == want.w[1] && m->w[2] == want.w[2];
}

/* expect=pass|denied|revoked|readonly into buf (left as it is when the
 * key is absent); false, with a FAIL line, for any other word. */
static inline bool ipc_expect_get(char *buf, size_t size)
{
	cmdline_get("expect", buf, size);
	if (strcmp(buf, "pass") != 0 && strcmp(buf, "denied") != 0 && strcmp(buf, "revoked") != 0 &&
	    strcmp(buf, "readonly") != 0) {
		test_fail("args", "expect=%s: want pass, denied, revoked or readonly", buf);
		return false;
	}
	return true;
}

/*
 * Wait for the port (or the timeout, in ns from now) with sched_op poll,
 * events masked at the vCPU: the pending bit is the only state. Clears it
 * before returning so the caller's re-check of the ring cannot miss a
 * notification that arrives after it.
 */
static inline long ipc_wait(evtchn_port_t port, uint64_t timeout_ns)
{
	evtchn_port_t p = port;
	long rc = hyp_sched_poll(&p, 1, rt_system_time() + timeout_ns);

	rt_port_clear(port);
	return rc;
}

/* Xen's evtchn status of one of our ports, or -errno. */
static inline long ipc_port_status(evtchn_port_t port)
{
	struct evtchn_status st;
	long rc = rt_evtchn_status(port, &st);

	return rc < 0 ? rc : (long)st.status;
}

#endif /* GUEST_IPC_H */
