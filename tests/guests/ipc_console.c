/*
 * ipc_console: the console and xenstore rings of start_info as real shared
 * pages a backend maps through the reserved grant refs, as Xen's toolstack
 * sets them up (GNTTAB_RESERVED_CONSOLE = 0, GNTTAB_RESERVED_XENSTORE = 1).
 *
 * role=domu (manifest backend=<the backend's name>, backend=<its id> here):
 *   console.domU.mfn and store_mfn are frames of its own; its grant entries
 *   0 and 1 permit the backend exactly those frames; console.domU.evtchn
 *   and store_evtchn are ports unbound for the backend. It writes a marker
 *   into an unused part of each ring page (offset 3584, past both rings'
 *   indices), waits in poll for the backend's events on both ports, and
 *   finds the backend's answer (offset 3840) in both pages.
 * role=backend (front=<the domU's id>): maps the domU's refs 0 and 1
 *   (retrying until the domU runs), binds the domU's ports for it (exactly
 *   two of ports 1..16 bind), checks the markers, writes its answers, sends
 *   on both ports, unmaps.
 * role=outsider (front=): the same refs are GNTST_general_error for it (the
 *   grants name the backend) and none of the domU's ports 1..16 binds.
 *
 * Keys: name; role; backend / front. Pure Xen PV64 ABI (the reserved refs
 * and start_info fields are Xen's); needs a backend domain: Moat only.
 */
#include "ipc.h"

const char guest_image[] = "ipc_console";

#define OFF_FRONT 3584u
#define OFF_BACK  3840u
#define SPIN 20000u

static void mark(volatile char *page, unsigned int off, const char *who, domid_t id)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	rt_snprintf(buf, sizeof(buf), "%s d%u", who, id);
	for (unsigned int i = 0; i < sizeof(buf); i++) {
		page[off + i] = buf[i];
	}
}

static bool marked(const volatile char *page, unsigned int off, const char *who, domid_t id)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	rt_snprintf(buf, sizeof(buf), "%s d%u", who, id);
	for (unsigned int i = 0; i < sizeof(buf); i++) {
		if (page[off + i] != buf[i]) {
			return false;
		}
	}
	return true;
}

/* ---- domU ---------------------------------------------------------------- */

static bool owned(uint64_t mfn)
{
	uint64_t pfn = rt_mfn_to_pfn(mfn);

	return mfn != 0 && pfn < rt_start_info->nr_pages && rt_p2m[pfn] == mfn;
}

static void domu(domid_t be)
{
	const struct start_info *si = rt_start_info;
	uint64_t cons = si->console.domU.mfn, store = si->store_mfn;
	evtchn_port_t ports[2] = { si->console.domU.evtchn, si->store_evtchn };
	volatile char *pc = (volatile char *)rt_window(IPC_WIN_PAGE);
	volatile char *ps = (volatile char *)rt_window(IPC_WIN_MAP);
	struct evtchn_status st;
	bool unbound = true;
	unsigned int i;
	long rc;

	test_check(owned(cons) && owned(store) && cons != store, "rings_own",
		   "console mfn 0x%lx, store mfn 0x%lx are frames of ours", (unsigned long)cons,
		   (unsigned long)store);
	rc = rt_gnt_init(IPC_WIN_GNT);
	if (!test_check(rc == 0, "gnt_setup", "rc %ld", rc)) {
		return;
	}
	test_check(rt_gnt_table[GNTTAB_RESERVED_CONSOLE].flags == GTF_permit_access &&
		   rt_gnt_table[GNTTAB_RESERVED_CONSOLE].domid == be &&
		   rt_gnt_table[GNTTAB_RESERVED_CONSOLE].frame == cons &&
		   rt_gnt_table[GNTTAB_RESERVED_XENSTORE].flags == GTF_permit_access &&
		   rt_gnt_table[GNTTAB_RESERVED_XENSTORE].domid == be &&
		   rt_gnt_table[GNTTAB_RESERVED_XENSTORE].frame == store, "reserved_grants",
		   "ref 0: flags 0x%x domid %u frame 0x%x; ref 1: flags 0x%x domid %u frame 0x%x",
		   rt_gnt_table[0].flags, rt_gnt_table[0].domid, rt_gnt_table[0].frame,
		   rt_gnt_table[1].flags, rt_gnt_table[1].domid, rt_gnt_table[1].frame);
	for (unsigned int k = 0; k < 2; k++) {
		rc = rt_evtchn_status(ports[k], &st);
		unbound = unbound && ports[k] != 0 && rc == 0 && st.status == EVTCHNSTAT_unbound &&
			  st.u.unbound.dom == be;
	}
	test_check(unbound, "ports_unbound", "console port %u, store port %u unbound for d%u",
		   ports[0], ports[1], be);
	if (rt_map((uint64_t)pc, cons, PTE_DATA) != 0 || rt_map((uint64_t)ps, store, PTE_DATA) != 0) {
		test_fail("map_rings", "cannot map our own ring pages");
		return;
	}
	mark(pc, OFF_FRONT, "console of", 0);
	mark(ps, OFF_FRONT, "xenstore of", 0);
	/* The backend answers in both pages, then notifies both ports. */
	{
		bool seen[2] = { false, false };

		for (i = 0; i < SPIN; i++) {
			bool answered = marked(pc, OFF_BACK, "backend", 0) &&
					marked(ps, OFF_BACK, "backend", 0);

			for (unsigned int k = 0; k < 2; k++) {
				seen[k] = seen[k] || rt_port_pending(ports[k]);
			}
			if (answered && seen[0] && seen[1]) {
				break;
			}
			hyp_sched_poll(ports, 2, rt_system_time() + 2000000ULL);
		}
		test_check(i < SPIN, "backend_connected",
			   "the backend's answer in both pages and events on both ports after %u polls",
			   i);
	}
	/* Stay until the backend is done with the pages. */
	for (i = 0; i < 200; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

/* ---- backend and outsider ------------------------------------------------ */

static void backend(domid_t front)
{
	uint64_t va[2] = { rt_window(IPC_WIN_PAGE), rt_window(IPC_WIN_MAP) };
	grant_handle_t h[2] = { ~0u, ~0u };
	evtchn_port_t bound[16];
	unsigned int nbound = 0, i;
	int16_t st = GNTST_general_error;
	long rc = 0;

	for (unsigned int k = 0; k < 2; k++) {
		rt_unmap(va[k]);
		for (i = 0; i < SPIN; i++) {
			st = rt_gnt_map(va[k], front, k, GNTMAP_host_map, &h[k], &rc);
			if (rc != 0 || st == GNTST_okay) {
				break;
			}
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
		if (!test_check(rc == 0 && st == GNTST_okay, k ? "map_xenstore" : "map_console",
				"d%u ref %u: rc %ld status %d (%s)", front, k, rc, st, rt_gntst_name(st))) {
			return;
		}
	}
	for (evtchn_port_t p = 1; p <= 16; p++) {
		evtchn_port_t l;

		if (hyp_evtchn_bind_interdomain(front, p, &l) == 0) {
			bound[nbound++] = l;
		}
	}
	test_check(nbound == 2, "bind_ports", "%u of d%u's ports 1..16 were meant for us", nbound,
		   front);
	for (i = 0; i < SPIN && !(marked((volatile char *)va[0], OFF_FRONT, "console of", 0) &&
				  marked((volatile char *)va[1], OFF_FRONT, "xenstore of", 0)); i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	test_check(i < SPIN, "rings_shared", "the domU's markers seen through both mappings");
	mark((volatile char *)va[0], OFF_BACK, "backend", 0);
	mark((volatile char *)va[1], OFF_BACK, "backend", 0);
	for (unsigned int k = 0; k < nbound; k++) {
		rt_evtchn_send(bound[k]);
	}
	for (unsigned int k = 0; k < 2; k++) {
		st = rt_gnt_unmap(va[k], h[k], &rc);
		test_check(rc == 0 && st == GNTST_okay, k ? "unmap_xenstore" : "unmap_console",
			   "rc %ld status %d", rc, st);
	}
}

static void outsider(domid_t front)
{
	uint64_t va = rt_window(IPC_WIN_PAGE);
	unsigned int wrong = 0, nbound = 0;

	rt_unmap(va);
	for (unsigned int round = 0; round < 50; round++) {
		for (grant_ref_t r = 0; r < 2; r++) {
			grant_handle_t h;
			long rc;
			int16_t st = rt_gnt_map(va, front, r, GNTMAP_host_map, &h, &rc);

			if (rc == 0 && st == GNTST_okay) {
				rt_gnt_unmap(va, h, NULL);
			}
			wrong += !(rc == 0 && (st == GNTST_general_error || st == GNTST_bad_domain));
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	for (evtchn_port_t p = 1; p <= 16; p++) {
		evtchn_port_t l;

		nbound += hyp_evtchn_bind_interdomain(front, p, &l) == 0;
	}
	test_check(wrong == 0 && nbound == 0 && rt_va_to_mfn(va) == ~0ULL, "not_for_us",
		   "refs 0/1 of d%u: %u maps not refused; %u of its ports bound", front, wrong, nbound);
}

void guest_main(void)
{
	char role[16] = "";

	cmdline_get("role", role, sizeof(role));
	rt_traps_init();
	if (strcmp(role, "domu") == 0) {
		domu((domid_t)cmdline_get_u64("backend", 2));
	} else if (strcmp(role, "backend") == 0) {
		backend((domid_t)cmdline_get_u64("front", 1));
	} else if (strcmp(role, "outsider") == 0) {
		outsider((domid_t)cmdline_get_u64("front", 1));
	} else {
		test_fail("args", "role=%s: want domu, backend or outsider", role);
	}
}
