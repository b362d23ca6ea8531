/*
 * hostile_grant_revoked: maps a grant its granter has taken back.
 *
 * role=granter (peer= the mapper): grants page P writable (ref 8) and a
 * control page read-only (ref 9) to the mapper. Once the mapper has mapped
 * P (GTF_writing shows in the entry) it tries to end the grant: the cmpxchg
 * must lose (the entry is in use; a grant in use is not freed behind the
 * mapper's back). When the mapper has unmapped (the flags clear), it clears
 * the entry (GTF_permit_access gone: the grant is revoked) and says so in
 * the control page. At the end P holds the mapper's marker and nothing
 * else, and no entry is in use.
 *
 * role=mapper (peer= the granter): a writable map of the control page (a
 * GTF_readonly grant) is GNTST_general_error; maps it read-only and P
 * read-write, writes a marker into P, unmaps P, waits for the control page
 * to say "revoked", then maps P read-write and read-only and copies from
 * and to it: every attempt GNTST_general_error, the window unmapped.
 *
 * Keys: name; role=granter|mapper; peer. Pure Xen PV64 ABI (two domains:
 * Moat only).
 */
#include "hostile.h"
#include "grant.h"
#include "grant_copy.h"
#include "ipc.h"

const char guest_image[] = "hostile_grant_revoked";

#define REF_P 8u
#define REF_CTL 9u
#define MARKER 0x4d41524b45520000ULL	/* "MARKER" */
#define CTL_REVOKED 0x5245564f4b4544ULL	/* "REVOKED" */
#define SPIN 100000u

static bool wait_flags(grant_ref_t ref, uint16_t mask, bool set)
{
	for (unsigned int i = 0; i < SPIN; i++) {
		if (((rt_gnt_flags(ref) & mask) != 0) == set) {
			return true;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

static void granter(domid_t peer)
{
	uint64_t mp = rt_pfn_to_mfn(rt_frame_alloc()), mc = rt_pfn_to_mfn(rt_frame_alloc());
	volatile uint64_t *p = (volatile uint64_t *)rt_window(RT_WIN_TEST + 1);
	volatile uint64_t *ctl = (volatile uint64_t *)rt_window(RT_WIN_TEST + 2);
	long rc = rt_gnt_init(IPC_WIN_GNT);
	bool ok;

	if (!test_check(rc == 0, "gnt_setup", "rc %ld", rc)) {
		return;
	}
	rt_map((uint64_t)p, mp, PTE_DATA);
	rt_map((uint64_t)ctl, mc, PTE_DATA);
	memset((void *)p, 0, RT_PAGE_SIZE);
	memset((void *)ctl, 0, RT_PAGE_SIZE);
	rt_gnt_grant(REF_CTL, peer, mc, true);
	rt_gnt_grant(REF_P, peer, mp, false);
	ok = wait_flags(REF_P, GTF_writing, true);
	if (!test_check(ok, "mapped", "the mapper's writable mapping shows (flags 0x%x)",
			rt_gnt_flags(REF_P))) {
		return;
	}
	test_check(!rt_gnt_end(REF_P) && (rt_gnt_flags(REF_P) & GTF_permit_access),
		   "end_in_use_refused", "ending the grant while mapped loses the cmpxchg (flags 0x%x)",
		   rt_gnt_flags(REF_P));
	ok = wait_flags(REF_P, GTF_reading | GTF_writing, false);
	test_check(ok && rt_gnt_end(REF_P), "revoked", "after the unmap the grant ends (flags 0x%x)",
		   rt_gnt_flags(REF_P));
	__atomic_store_n(&ctl[0], CTL_REVOKED, __ATOMIC_RELEASE);
	/* The mapper drops the control page when it is done. */
	wait_flags(REF_CTL, GTF_reading, true);
	ok = wait_flags(REF_CTL, GTF_reading | GTF_writing, false);
	test_check(ok && p[0] == MARKER && p[1] == 0 && p[511] == 0, "page_after",
		   "P holds the marker written while granted and nothing else (0x%lx 0x%lx)",
		   (unsigned long)p[0], (unsigned long)p[1]);
	test_check(rt_gnt_end(REF_CTL) && rt_gnt_flags(REF_P) == 0, "not_in_use",
		   "both entries free (0x%x, 0x%x)", rt_gnt_flags(REF_P), rt_gnt_flags(REF_CTL));
}

static void mapper(domid_t peer)
{
	uint64_t vp = rt_window(RT_WIN_TEST + 1), vc = rt_window(RT_WIN_TEST + 2);
	uint64_t ml = rt_pfn_to_mfn(rt_frame_alloc());

	rt_unmap(vp);
	rt_unmap(vc);
	grant_handle_t hp = ~0u, hc = ~0u, h;
	unsigned int i, wrong = 0;
	int16_t st = GNTST_general_error;
	long rc = 0;

	for (i = 0; i < SPIN; i++) {
		st = rt_gnt_map(vc, peer, REF_CTL, GNTMAP_host_map | GNTMAP_readonly, &hc, &rc);
		if (rc != 0 || st == GNTST_okay) {
			break;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (!test_check(rc == 0 && st == GNTST_okay, "map_ctl", "rc %ld status %d (%s)", rc, st,
			rt_gntst_name(st))) {
		return;
	}
	st = rt_gnt_map(vp, peer, REF_CTL, GNTMAP_host_map, &h, &rc);
	if (rc == 0 && st == GNTST_okay) {
		rt_gnt_unmap(vp, h, NULL);
	}
	test_check(rc == 0 && st == GNTST_general_error && rt_va_to_mfn(vp) == ~0ULL,
		   "readonly_grant_rw_refused", "writable map of a GTF_readonly grant: rc %ld status %d (%s)",
		   rc, st, rt_gntst_name(st));
	for (i = 0; i < SPIN; i++) {
		st = rt_gnt_map(vp, peer, REF_P, GNTMAP_host_map, &hp, &rc);
		if (rc != 0 || st == GNTST_okay) {
			break;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (!test_check(rc == 0 && st == GNTST_okay, "map", "rc %ld status %d (%s)", rc, st,
			rt_gntst_name(st))) {
		return;
	}
	*(volatile uint64_t *)vp = MARKER;
	for (i = 0; i < 200; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);	/* the granter tries to end it now */
	}
	st = rt_gnt_unmap(vp, hp, &rc);
	test_check(rc == 0 && st == GNTST_okay, "unmap", "rc %ld status %d", rc, st);
	for (i = 0; i < SPIN && __atomic_load_n((volatile uint64_t *)vc, __ATOMIC_ACQUIRE) !=
				CTL_REVOKED; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (!test_check(i < SPIN, "told_revoked", "control page says revoked after %u yields", i)) {
		return;
	}
	for (unsigned int k = 0; k < 2; k++) {
		uint32_t fl = GNTMAP_host_map | (k ? GNTMAP_readonly : 0);

		st = rt_gnt_map(vp, peer, REF_P, fl, &h, &rc);
		if (rc == 0 && st == GNTST_okay) {
			rt_gnt_unmap(vp, h, NULL);
		}
		if (rc != 0 || st != GNTST_general_error) {
			wrong++;
			rt_printf("%s: map revoked ref flags 0x%x: rc %ld status %d (%s)\n",
				  rt_guest_name, fl, rc, st, rt_gntst_name(st));
		}
	}
	for (unsigned int dir = 0; dir < 2; dir++) {
		struct gnttab_copy op = dir == 0 ? op_gref_to_frame(peer, REF_P, 0, ml, 0, 64)
						 : op_frame_to_gref(ml, 0, peer, REF_P, 8, 64);

		st = rt_gnt_copy(&op, &rc);
		if (rc != 0 || st != GNTST_general_error) {
			wrong++;
			rt_printf("%s: copy %s revoked ref: rc %ld status %d (%s)\n", rt_guest_name,
				  dir ? "to" : "from", rc, st, rt_gntst_name(st));
		}
	}
	test_check(wrong == 0 && rt_va_to_mfn(vp) == ~0ULL, "revoked_refused",
		   "map RW/RO and copy from/to the revoked grant: %u not GNTST_general_error", wrong);
	st = rt_gnt_unmap(vc, hc, &rc);
	test_check(rc == 0 && st == GNTST_okay, "unmap_ctl", "rc %ld status %d", rc, st);
}

void guest_main(void)
{
	char role[16] = "";
	domid_t peer = (domid_t)cmdline_get_u64("peer", 1);

	cmdline_get("role", role, sizeof(role));
	rt_traps_init();
	if (strcmp(role, "granter") == 0) {
		granter(peer);
	} else if (strcmp(role, "mapper") == 0) {
		mapper(peer);
	} else {
		test_fail("args", "role=%s: want granter or mapper", role);
	}
}
