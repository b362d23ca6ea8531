/*
 * hostile_grant_unmap_foreign: unmaps mappings that are not its own. Run
 * beside an ipc pair whose back holds a grant mapping (handle 0, most
 * likely, at its own window): this domain, which has mapped nothing, asks
 * to unmap handles 0..63, 0x7fffffff, 0xffffffff, at its own copy of that
 * window, at the address of its own code, at 0 and in the hypervisor range.
 * A handle names a slot of the caller's own maptrack, so every request must
 * be GNTST_bad_handle (or another refusal for a bad address), and the
 * back's mapping and its ping-pong must be unaffected; its own code page
 * must still be mapped afterwards.
 *
 * Keys: name; rounds (default 50, yielding between rounds).
 * Pure Xen PV64 ABI.
 */
#include "hostile.h"
#include "grant.h"
#include "ipc.h"

const char guest_image[] = "hostile_grant_unmap_foreign";

void guest_main(void)
{
	uint64_t rounds = cmdline_get_u64("rounds", 50);
	uint64_t addrs[] = { rt_window(IPC_WIN_MAP), (uint64_t)guest_main & ~0xfffULL, 0, HV_START };
	uint64_t code_mfn;
	unsigned int tried = 0, wrong = 0;

	rt_traps_init();
	code_mfn = rt_va_to_mfn(addrs[1]);
	for (uint64_t r = 0; r < rounds; r++) {
		for (unsigned int a = 0; a < ARRAY_SIZE(addrs); a++) {
			for (grant_handle_t h = 0; h < 66; h++) {
				grant_handle_t hh = h < 64 ? h : (h == 64 ? 0x7fffffffu : 0xffffffffu);
				long rc;
				int16_t st = rt_gnt_unmap(addrs[a], hh, &rc);

				tried++;
				if (rc != 0 || st == GNTST_okay ||
				    (a == 0 && st != GNTST_bad_handle)) {
					if (wrong++ == 0) {
						rt_printf("%s: unmap handle 0x%x at 0x%lx: rc %ld status %d (%s)\n",
							  rt_guest_name, hh, (unsigned long)addrs[a], rc,
							  st, rt_gntst_name(st));
					}
				}
			}
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	test_check(wrong == 0, "foreign_handles_refused", "%u unmaps of handles it never had: %u "
		   "not refused (GNTST_bad_handle at the window)", tried, wrong);
	test_check(rt_va_to_mfn(addrs[1]) == code_mfn, "code_still_mapped",
		   "its own code page still maps mfn 0x%lx", (unsigned long)code_mfn);
}
