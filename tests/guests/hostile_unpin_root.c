/*
 * hostile_unpin_root: unpins the root it runs on. The hypervisor may
 * refuse or accept (the root stays in use, so it stays a validated L4);
 * either way the guest must keep running, a second unpin must be refused,
 * the root must still not be mappable writable, and pinning it again works.
 *
 * Keys: name. Runs alone on Xen 4.17 (dom0) and beside a bystander on Moat.
 */
#include "hostile.h"

const char guest_image[] = "hostile_unpin_root";

void guest_main(void)
{
	long rc1, rc2, rc3, rc4;
	uint64_t va = rt_window(RT_WIN_TEST);

	rt_traps_init();
	rc1 = rt_unpin(rt_l4_mfn);
	rt_printf("%s: unpinning the root in use: rc %ld\n", rt_guest_name, rc1);
	test_check(rt_pte_get((uint64_t)_image_start, 1) & PTE_P, "still_running",
		   "first unpin rc %ld, the root still maps the image", rc1);
	rc2 = rt_unpin(rt_l4_mfn);
	test_check(rc1 == 0 ? rc2 < 0 : 1, "unpin_again_refused", "rc %ld", rc2);
	rc3 = rt_map(va, rt_l4_mfn, PTE_DATA);
	if (rc3 == 0) {
		rt_unmap(va);
	}
	expect_refused("root_not_writable", rc3, "update_va_mapping RW of the unpinned root");
	rc4 = rt_pin(4, rt_l4_mfn);
	test_check(rc4 == 0 || rc1 < 0, "pin_again", "rc %ld", rc4);
}
