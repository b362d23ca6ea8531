/*
 * hostile_bad_baseptr: new_baseptr and new_user_baseptr with frames that
 * are not valid roots: a writable data frame, a pinned L1, a frame past
 * the machine's memory, and ~0. Each must be refused; the guest must still
 * run on its own root afterwards.
 *
 * Keys: name. Runs alone on Xen 4.17 (dom0) and beside a bystander on Moat.
 */
#include "hostile.h"

const char guest_image[] = "hostile_bad_baseptr";

void guest_main(void)
{
	static uint64_t table[512];
	uint64_t data = rt_va_to_mfn((uint64_t)table);
	uint64_t l1, cr3 = 0;
	long max_ram = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	const struct {
		const char *what;
		uint64_t mfn;
	} bad[] = {
		{ "a writable data frame", data },
		{ "a pinned L1", 0 },
		{ "a frame past memory", (uint64_t)(max_ram > 0 ? max_ram : 1 << 20) + 16 },
		{ "mfn ~0", ~0ULL >> 12 },
	};

	rt_traps_init();
	memset(table, 0, sizeof(table));
	l1 = rt_pt_alloc(NULL);
	test_check(rt_pin(1, l1) == 0, "pin_l1", "mfn 0x%lx", (unsigned long)l1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t mfn = i == 1 ? l1 : bad[i].mfn;
		char check[40];

		rt_snprintf(check, sizeof(check), "new_baseptr_bad_%u", i);
		expect_refused(check, hyp_mmuext1(MMUEXT_NEW_BASEPTR, mfn), bad[i].what);
		rt_snprintf(check, sizeof(check), "new_user_baseptr_bad_%u", i);
		expect_refused(check, hyp_mmuext1(MMUEXT_NEW_USER_BASEPTR, mfn), bad[i].what);
	}
	__asm__ volatile(RT_TRY("movq %%cr3, %0") : "+r"(cr3) : : "memory");
	test_check(cr3 >> 12 == rt_l4_mfn, "still_on_own_root", "CR3 0x%lx", (unsigned long)cr3);
	rt_unpin(l1);
}
