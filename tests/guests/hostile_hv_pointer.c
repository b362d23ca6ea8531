/*
 * hostile_hv_pointer: hypercalls whose buffers point into the hypervisor's
 * range (its start, its direct map, its end), at a non-canonical address,
 * or, for results, at a page the guest maps read-only. Each must fail with
 * -EFAULT and write nothing.
 *
 * Keys: name. Runs alone on Xen 4.17 (dom0) and beside a bystander on Moat.
 */
#include "hostile.h"

const char guest_image[] = "hostile_hv_pointer";

static long call(unsigned int i, uint64_t p)
{
	switch (i) {
	case 0:
		return hyp_xen_version(XENVER_extraversion, (void *)p);
	case 1:
		return hyp_xen_version(XENVER_get_features, (void *)p);
	case 2:
		return hyp_mmu_update((const struct mmu_update *)p, 1, NULL, DOMID_SELF);
	case 3:
		return hyp_mmuext_op((const struct mmuext_op *)p, 1, NULL, DOMID_SELF);
	case 4:
		return hyp_set_trap_table((const struct trap_info *)p);
	case 5:
		return hyp_multicall((struct multicall_entry *)p, 1);
	case 6:
		return hyp_callback_op(CALLBACKOP_register, (const void *)p);
	case 7:
		return hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)p);
	case 8:
		return hyp_event_channel_op(EVTCHNOP_bind_ipi, (void *)p);
	case 9:
		return hyp_memory_op(XENMEM_machphys_mapping, (void *)p);
	case 10:
		return hyp_sched_op(SCHEDOP_shutdown, (void *)p);
	case 11:
		return hyp_physdev_op(PHYSDEVOP_set_iopl, (void *)p);
	case 12:
		return hyp_sched_poll((evtchn_port_t *)p, 1, 0);
	default:
		return hyp_console_io(CONSOLEIO_write, 16, (void *)p);
	}
}

static const char *const names[] = {
	"xen_version_extraversion", "xen_version_get_features", "mmu_update", "mmuext_op",
	"set_trap_table", "multicall", "callback_op", "vcpu_op_singleshot",
	"evtchn_bind_ipi", "memory_op", "sched_op_shutdown", "physdev_op", "sched_poll",
	"console_io",
};

void guest_main(void)
{
	static const uint64_t ptrs[] = { HV_START, HV_DIRECT, HV_LAST, 0x0000800000000000ULL };
	unsigned int bad = 0, total = 0;
	long rc;

	rt_traps_init();
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		unsigned int fails = 0;

		for (unsigned int j = 0; j < ARRAY_SIZE(ptrs); j++) {
			rc = call(i, ptrs[j]);
			total++;
			if (rc != -XEN_EFAULT) {
				fails++;
				bad++;
				rt_printf("%s: %s(0x%lx): rc %ld\n", rt_guest_name, names[i],
					  (unsigned long)ptrs[j], rc);
			}
		}
		test_check(fails == 0, names[i], "-EFAULT for all %u pointers",
			   (unsigned int)ARRAY_SIZE(ptrs));
	}
	/* Results into a page the guest maps read-only: the hypervisor writes
	 * with the guest's permissions, so this faults. */
	{
		uint64_t va = rt_window(RT_WIN_TEST);
		uint64_t mfn = rt_pfn_to_mfn(rt_frame_alloc());
		long map = rt_map(va, mfn, PTE_RO);

		rc = hyp_xen_version(XENVER_extraversion, (void *)va);
		test_check(map == 0 && rc == -XEN_EFAULT, "output_to_readonly_page",
			   "xen_version into a read-only mapping: rc %ld (map %ld)", rc, map);
		rt_unmap(va);
	}
	rt_printf("%s: %u of %u calls gave -EFAULT\n", rt_guest_name, total - bad, total);
}
