/*
 * hostile_hv_slot: tries to put its own entries into the hypervisor's L4
 * slots 256-271 (mmu_update on the root), to point one of its own slots at
 * the hypervisor's L3 it can read in those slots, and to map the
 * hypervisor's range with update_va_mapping. All must be refused and the
 * root's hypervisor slots must read back unchanged.
 *
 * Keys: name. Runs alone on Xen 4.17 (dom0) and beside a bystander on Moat.
 */
#include "hostile.h"

const char guest_image[] = "hostile_hv_slot";

void guest_main(void)
{
	static const unsigned int slots[] = { 256, 257, 262, 271 };
	const uint64_t *root = rt_table_view(rt_l4_mfn);
	uint64_t own_l3 = 0, hv_entry = 0, before[16];
	struct mmu_update u;
	unsigned int changed = 0;

	rt_traps_init();
	root = rt_table_view(rt_l4_mfn);
	for (unsigned int i = 0; i < 16; i++) {
		before[i] = root[256 + i];
	}
	own_l3 = root[511];
	for (unsigned int i = 0; i < 16 && !hv_entry; i++) {
		hv_entry = (root[256 + i] & PTE_P) ? root[256 + i] : 0;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(slots); i++) {
		char check[32];

		u.ptr = (rt_l4_mfn << 12) + slots[i] * 8 + MMU_NORMAL_PT_UPDATE;
		u.val = own_l3;
		rt_snprintf(check, sizeof(check), "l4_slot_%u", slots[i]);
		expect_refused(check, hyp_mmu_update(&u, 1, NULL, DOMID_SELF),
			       "mmu_update: own L3 into a hypervisor slot");
	}
	u.ptr = (rt_l4_mfn << 12) + 300 * 8 + MMU_NORMAL_PT_UPDATE;
	u.val = hv_entry;
	if (hv_entry) {
		expect_refused("hv_l3_into_guest_slot", hyp_mmu_update(&u, 1, NULL, DOMID_SELF),
			       "mmu_update: the hypervisor's L3 into guest slot 300");
	}
	expect_refused("uvm_hv_range", hyp_update_va_mapping(HV_DIRECT,
		       (rt_pfn_to_mfn(rt_frame_alloc()) << 12) | PTE_DATA, UVMF_INVLPG),
		       "update_va_mapping of 0xffff830000000000");
	root = rt_table_view(rt_l4_mfn);
	for (unsigned int i = 0; i < 16; i++) {
		changed += root[256 + i] != before[i];
	}
	test_check(changed == 0, "hv_slots_unchanged", "%u of 16 slots changed", changed);
}
