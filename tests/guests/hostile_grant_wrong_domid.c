/*
 * hostile_grant_wrong_domid: uses a grant meant for someone else. While the
 * granter (target=, default 1) has its ring page granted to another domain
 * (ref 8, to the ipc_back of an ipc pair), this domain maps it read-write
 * and read-only and copies from and to it, over and over for `rounds`
 * rounds with yields in between, so its attempts interleave with the
 * legitimate traffic. Every attempt must be GNTST_general_error (Xen:
 * "bad flags or domid"), never a mapping or a byte; the pair's own
 * ping-pong, with its checksums, must be unaffected.
 *
 * Keys: name; target (default 1); ref (default 8); rounds (default 200);
 * min (default 10).
 * Pure Xen PV64 ABI.
 */
#include "hostile.h"
#include "grant.h"
#include "grant_copy.h"

const char guest_image[] = "hostile_grant_wrong_domid";

void guest_main(void)
{
	domid_t target = (domid_t)cmdline_get_u64("target", 1);
	grant_ref_t ref = (grant_ref_t)cmdline_get_u64("ref", 8);
	uint64_t rounds = cmdline_get_u64("rounds", 200);
	uint64_t min = cmdline_get_u64("min", 10);
	uint64_t va = rt_window(RT_WIN_TEST + 1), mfn, i;
	unsigned int tried = 0, wrong = 0;
	bool gone = false;
	uint8_t *local;

	rt_traps_init();
	rt_unmap(va);
	mfn = rt_pfn_to_mfn(rt_frame_alloc());
	rt_map(rt_window(RT_WIN_TEST + 2), mfn, PTE_DATA);
	local = (uint8_t *)rt_window(RT_WIN_TEST + 2);
	memset(local, 0x3c, RT_PAGE_SIZE);
	for (i = 0; i < rounds && !gone; i++) {
		static const uint32_t flags[] = { GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly };
		struct gnttab_copy op;
		grant_handle_t h;
		long rc;
		int16_t st;

		for (unsigned int k = 0; k < ARRAY_SIZE(flags); k++) {
			st = rt_gnt_map(va, target, ref, flags[k], &h, &rc);
			if (rc == 0 && st == GNTST_bad_domain) {
				gone = true;	/* the target has finished */
				break;
			}
			tried++;
			if (rc == 0 && st == GNTST_okay) {
				rt_gnt_unmap(va, h, NULL);
			}
			if (rc != 0 || st != GNTST_general_error) {
				if (wrong++ == 0) {
					rt_printf("%s: map d%u ref %u flags 0x%x: rc %ld status %d (%s)\n",
						  rt_guest_name, target, ref, flags[k], rc, st,
						  rt_gntst_name(st));
				}
			}
		}
		for (unsigned int dir = 0; dir < 2 && !gone; dir++) {
			op = dir == 0 ? op_gref_to_frame(target, ref, 0, mfn, 0, 256)
				      : op_frame_to_gref(mfn, 0, target, ref, 0, 256);
			st = rt_gnt_copy(&op, &rc);
			tried++;
			if (rc != 0 || st != GNTST_general_error) {
				if (wrong++ == 0) {
					rt_printf("%s: copy %s d%u ref %u: rc %ld status %d (%s)\n",
						  rt_guest_name, dir ? "to" : "from", target, ref, rc, st,
						  rt_gntst_name(st));
				}
			}
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	test_check(wrong == 0 && i >= min, "wrong_domid_refused",
		   "%u maps and copies of d%u ref %u (granted to another domain) in %lu rounds%s: "
		   "%u not GNTST_general_error", tried, target, ref, (unsigned long)i,
		   gone ? " (then the target was gone)" : "", wrong);
	test_check(rt_va_to_mfn(va) == ~0ULL && local[0] == 0x3c && local[255] == 0x3c,
		   "nothing_crossed", "window unmapped, local page untouched");
}
