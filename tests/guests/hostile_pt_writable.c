/*
 * hostile_pt_writable: tries to get a writable mapping of its own page
 * tables, every way the ABI offers: update_va_mapping of the root, an L3,
 * an L2 and an L1 with RW; mmu_update of an L1 entry to the same; a
 * writable entry written through the writable-page-table emulation. Each
 * must be refused; the tables must stay read-only afterwards.
 *
 * Keys: name. Runs alone on Xen 4.17 (dom0) and beside a bystander on Moat.
 */
#include "hostile.h"

const char guest_image[] = "hostile_pt_writable";

void guest_main(void)
{
	uint64_t va = rt_window(RT_WIN_TEST);
	uint64_t l1 = rt_pte_maddr(va, 1) >> 12, l2 = rt_pte_maddr(va, 2) >> 12;
	uint64_t l3 = rt_pte_maddr(va, 3) >> 12;
	uint64_t pte_ma = rt_pte_maddr(va, 1);
	const struct {
		const char *check;
		uint64_t mfn;
	} tables[] = {
		{ "uvm_root_rw", rt_l4_mfn }, { "uvm_l3_rw", l3 },
		{ "uvm_l2_rw", l2 }, { "uvm_l1_rw", l1 },
	};
	struct mmu_update u;
	volatile uint64_t *pte;
	long rc;

	rt_traps_init();
	rt_unmap(va);
	for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++) {
		rc = rt_map(va, tables[i].mfn, PTE_DATA);
		expect_refused(tables[i].check, rc, "update_va_mapping RW of a page table");
		if (rc == 0) {
			rt_unmap(va);
		}
	}
	u.ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
	u.val = (rt_l4_mfn << 12) | PTE_DATA;
	expect_refused("mmu_update_root_rw", hyp_mmu_update(&u, 1, NULL, DOMID_SELF),
		       "mmu_update: L1 entry mapping the root RW");
	u.val = (l1 << 12) | PTE_DATA;
	expect_refused("mmu_update_self_rw", hyp_mmu_update(&u, 1, NULL, DOMID_SELF),
		       "mmu_update: L1 entry mapping its own L1 RW");

	/* Through the writable-page-table emulation: must fault, not map. */
	hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	pte = (volatile uint64_t *)((uint64_t)rt_table_view(l1) + (pte_ma & 0xfff));
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"((l2 << 12) | PTE_DATA), "r"(pte) : "memory");
	test_check(rt_last_trap.count == 1 && !(rt_pte_get(va, 1) & PTE_P), "ptwr_l2_rw",
		   "emulated write of an entry mapping an L2 RW: %s, entry 0x%lx",
		   rt_last_trap.count ? "#PF" : "accepted", (unsigned long)rt_pte_get(va, 1));

	/* The tables are still read-only where the region maps them. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %%rax, (%0)") : : "r"(rt_start_info->pt_base), "a"(0)
			 : "memory");
	test_check(rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_PF,
		   "root_still_read_only", "write to the root's mapping: vector %u",
		   rt_last_trap.vector);
}
