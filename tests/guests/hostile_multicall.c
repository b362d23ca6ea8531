/*
 * hostile_multicall: a multicall batch with forbidden entries among good
 * ones: a writable mapping of its own root, a trap table in the
 * hypervisor's range, a nested multicall, an unknown hypercall. Each bad
 * entry must fail on its own (Xen 4.17: -EBUSY, -EFAULT, -EINVAL,
 * -ENOSYS), the good ones around them must complete, and the batch itself
 * returns 0. An iret entry is added with iret=yes (Xen 4.17 executes it
 * and the guest loses its context; Moat refuses it).
 *
 * Keys: name, iret=no|yes.
 */
#include "hostile.h"

const char guest_image[] = "hostile_multicall";

void guest_main(void)
{
	char iret[8] = "no";
	uint64_t va = rt_window(RT_WIN_TEST);
	struct multicall_entry mc[8] = {
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
		{ .op = __HYPERVISOR_update_va_mapping,
		  .args = { va, 0, UVMF_INVLPG } },
		{ .op = __HYPERVISOR_set_trap_table, .args = { HV_START } },
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
		{ .op = __HYPERVISOR_multicall, .args = { 0, 0 } },
		{ .op = 63 },
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
		{ .op = __HYPERVISOR_iret },
	};
	unsigned int count = 7;
	long rc, ver;

	rt_traps_init();
	cmdline_get("iret", iret, sizeof(iret));
	if (strcmp(iret, "yes") == 0) {
		count = 8;
	}
	mc[1].args[1] = (rt_l4_mfn << 12) | PTE_DATA;
	ver = hyp_xen_version(XENVER_version, NULL);
	rc = hyp_multicall(mc, count);
	test_check(rc == 0, "multicall_returns", "rc %ld", rc);
	test_check((long)mc[0].result == ver && (long)mc[3].result == (long)RT_PAGE_SIZE &&
		   (long)mc[6].result == ver, "good_entries_done", "%ld %ld %ld",
		   (long)mc[0].result, (long)mc[3].result, (long)mc[6].result);
	expect_refused("root_rw_entry_fails", (long)mc[1].result, "update_va_mapping RW of the root");
	expect_refused("hv_pointer_entry_fails", (long)mc[2].result, "set_trap_table(hv range)");
	expect_refused("nested_multicall_fails", (long)mc[4].result, "multicall in a multicall");
	test_check((long)mc[5].result == -XEN_ENOSYS, "unknown_entry_enosys", "rc %ld",
		   (long)mc[5].result);
	if (count == 8) {
		expect_refused("iret_entry_fails", (long)mc[7].result, "iret in a multicall");
	}
	test_check(!(rt_pte_get(va, 1) & PTE_P), "root_not_mapped", "window entry 0x%lx",
		   (unsigned long)rt_pte_get(va, 1));
}
