/*
 * mmu: the page-table ABI of a PV64 guest. Checked mmu_update (map, remap
 * read-only, unmap, preserve-A/D, machphys), update_va_mapping with each
 * flush type, page types (pin and unpin L1-L4, a pinned table cannot be
 * mapped writable, a writable frame cannot be pinned), new_baseptr to a copy
 * of the root and back, TLB flush and INVLPG (local, multi, all), set_ldt,
 * writable page tables (vm_assist: plain, cmpxchg and xchg writes to a
 * read-only L1, emulated by the hypervisor), memory_op, multicall,
 * stack_switch, fpu_taskswitch (#NM), set/get_debugreg (a hardware
 * breakpoint), and vcpu_op register_vcpu_info.
 *
 * Keys: name. Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"

const char guest_image[] = "mmu";

/* A fresh virtual area (L4 slot 402) with no tables under it yet. */
#define FRESH_VA 0xffffc90000000000ULL
#define PATTERN(n) (0x6d6d75000000000ULL + (n))

/*
 * Bits a hypervisor may add to the L1 entries it validates: Xen 4.17 sets
 * _PAGE_USER on every 64-bit PV entry and _PAGE_GLOBAL on user-accessible
 * ones, and the CPU sets A and D. Compare entries without them.
 */
#define PTE_HV_ADDED (PTE_G | PTE_US | PTE_A | PTE_D)

/* A frame of ours mapped nowhere, filled with PATTERN(tag) through a window. */
static uint64_t fresh_frame(uint64_t tag)
{
	uint64_t mfn = rt_pfn_to_mfn(rt_frame_alloc());
	uint64_t va = rt_window(RT_WIN_SCRATCH);

	rt_map(va, mfn, PTE_DATA);
	for (unsigned int i = 0; i < 512; i++) {
		((volatile uint64_t *)va)[i] = PATTERN(tag);
	}
	rt_unmap(va);
	return mfn;
}

/* Read va; on a fault rt_last_trap says how. */
static uint64_t read_va(uint64_t va)
{
	uint64_t v = ~0ULL;

	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq (%1), %0") : "+r"(v) : "r"(va) : "memory");
	return v;
}

static bool write_va(uint64_t va, uint64_t v)
{
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"(v), "r"(va) : "memory");
	return rt_last_trap.count == 0;
}

static long invlpg(uint64_t va)
{
	return hyp_mmuext1(MMUEXT_INVLPG_LOCAL, va);
}

static void test_mmu_update(void)
{
	uint64_t a = fresh_frame(1), b = fresh_frame(2);
	uint64_t pte_ma, e, v;
	long rc;
	struct mmu_update u;
	bool wrote;

	rc = rt_ensure_l1(FRESH_VA);
	pte_ma = rt_pte_maddr(FRESH_VA, 1);
	test_check(rc == 0 && pte_ma != 0, "new_tables_hooked",
		   "L3/L2/L1 for 0x%lx: rc %ld, PTE at maddr 0x%lx", (unsigned long)FRESH_VA, rc,
		   (unsigned long)pte_ma);
	if (rc || !pte_ma) {
		return;
	}
	rc = rt_pt_set(pte_ma >> 12, (unsigned int)((pte_ma & 0xfff) / 8), (a << 12) | PTE_DATA);
	invlpg(FRESH_VA);
	test_check(rc == 0 && read_va(FRESH_VA) == PATTERN(1) && write_va(FRESH_VA, PATTERN(9)) &&
		   read_va(FRESH_VA) == PATTERN(9), "mmu_update_map_rw", "rc %ld", rc);

	rc = rt_pt_set(pte_ma >> 12, (unsigned int)((pte_ma & 0xfff) / 8), (a << 12) | PTE_RO);
	invlpg(FRESH_VA);
	v = read_va(FRESH_VA);
	wrote = write_va(FRESH_VA, 0);
	test_check(rc == 0 && v == PATTERN(9) && !wrote && rt_last_trap.vector == X86_EXC_PF &&
		   rt_last_trap.error_code == (PFEC_PRESENT | PFEC_WRITE), "mmu_update_remap_ro",
		   "rc %ld, write fault vector %u err 0x%lx", rc, rt_last_trap.vector,
		   (unsigned long)rt_last_trap.error_code);

	rc = rt_pt_set(pte_ma >> 12, (unsigned int)((pte_ma & 0xfff) / 8), (b << 12) | PTE_DATA);
	invlpg(FRESH_VA);
	test_check(rc == 0 && read_va(FRESH_VA) == PATTERN(2), "mmu_update_switch_frame",
		   "rc %ld", rc);

	/* Preserve-A/D: the entry keeps the accessed and dirty bits it has. */
	u.ptr = pte_ma | MMU_PT_UPDATE_PRESERVE_AD;
	u.val = (b << 12) | PTE_P | PTE_RW | PTE_US;
	rc = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
	e = rt_pte_get(FRESH_VA, 1);
	test_check(rc == 0 && (e & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "mmu_update_preserve_ad",
		   "rc %ld entry 0x%lx", rc, (unsigned long)e);

	rc = rt_pt_set(pte_ma >> 12, (unsigned int)((pte_ma & 0xfff) / 8), 0);
	invlpg(FRESH_VA);
	v = read_va(FRESH_VA);
	test_check(rc == 0 && v == ~0ULL && rt_last_trap.vector == X86_EXC_PF &&
		   rt_last_trap.error_code == 0, "mmu_update_unmap", "rc %ld, read fault err 0x%lx",
		   rc, (unsigned long)rt_last_trap.error_code);

	/* A batch of two with a count of done entries. */
	{
		struct mmu_update two[2] = {
			{ pte_ma, (a << 12) | PTE_DATA },
			{ pte_ma, (b << 12) | PTE_DATA },
		};
		unsigned int done = 0;

		rc = hyp_mmu_update(two, 2, &done, DOMID_SELF);
		invlpg(FRESH_VA);
		test_check(rc == 0 && done == 2 && read_va(FRESH_VA) == PATTERN(2),
			   "mmu_update_batch", "rc %ld done %u", rc, done);
		rt_pt_set(pte_ma >> 12, (unsigned int)((pte_ma & 0xfff) / 8), 0);
		invlpg(FRESH_VA);
	}
}

static void test_machphys(void)
{
	uint64_t pfn = rt_frame_alloc(), mfn = rt_pfn_to_mfn(pfn);
	struct mmu_update u = { (mfn << 12) | MMU_MACHPHYS_UPDATE, pfn + 1 };
	long rc1, rc2;
	uint64_t seen;

	rc1 = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
	seen = rt_mfn_to_pfn(mfn);
	u.val = pfn;
	rc2 = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
	test_check(rc1 == 0 && rc2 == 0 && seen == pfn + 1 && rt_mfn_to_pfn(mfn) == pfn,
		   "mmu_machphys_update", "rc %ld/%ld, m2p[0x%lx] became 0x%lx, back 0x%lx", rc1, rc2,
		   (unsigned long)mfn, (unsigned long)seen, (unsigned long)rt_mfn_to_pfn(mfn));
}

static void test_update_va_mapping(void)
{
	static const struct {
		const char *check;
		uint64_t flags;
	} kinds[] = {
		{ "uvm_invlpg", UVMF_INVLPG },
		{ "uvm_tlb_flush", UVMF_TLB_FLUSH },
		{ "uvm_invlpg_all", UVMF_INVLPG | UVMF_ALL },
		{ "uvm_tlb_flush_all", UVMF_TLB_FLUSH | UVMF_ALL },
	};
	static uint64_t vcpumask = 1;
	uint64_t va = rt_window(RT_WIN_TEST);
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
		uint64_t mfn = fresh_frame(10 + i);

		uint64_t v;

		rc = hyp_update_va_mapping(va, (mfn << 12) | PTE_DATA, kinds[i].flags);
		v = read_va(va);
		test_check(rc == 0 && v == PATTERN(10 + i), kinds[i].check,
			   "rc %ld, sees the new frame: %s", rc, v == PATTERN(10 + i) ? "yes" : "no");
	}
	/* UVMF_MULTI: the upper bits point at a vCPU bitmap. */
	{
		uint64_t mfn = fresh_frame(20);

		rc = hyp_update_va_mapping(va, (mfn << 12) | PTE_DATA,
					   UVMF_INVLPG | UVMF_MULTI | (uint64_t)&vcpumask);
		test_check(rc == 0 && read_va(va) == PATTERN(20), "uvm_invlpg_multi", "rc %ld", rc);
	}
	rc = hyp_update_va_mapping(va, 0, UVMF_INVLPG);
	test_check(rc == 0 && read_va(va) == ~0ULL && rt_last_trap.count == 1, "uvm_unmap",
		   "rc %ld", rc);
	rc = hyp_update_va_mapping(HYPERVISOR_VIRT_START + 0x1000,
				   (fresh_frame(21) << 12) | PTE_DATA, UVMF_INVLPG);
	test_check(rc < 0, "uvm_hypervisor_va_refused", "rc %ld", rc);
}

static void test_flushes(void)
{
	static uint64_t vcpumask = 1;
	struct mmuext_op ops[6] = {
		{ .cmd = MMUEXT_TLB_FLUSH_LOCAL },
		{ .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (uint64_t)_image_start },
		{ .cmd = MMUEXT_TLB_FLUSH_MULTI, .arg2.vcpumask = (uint64_t)&vcpumask },
		{ .cmd = MMUEXT_INVLPG_MULTI, .arg1.linear_addr = (uint64_t)_image_start,
		  .arg2.vcpumask = (uint64_t)&vcpumask },
		{ .cmd = MMUEXT_TLB_FLUSH_ALL },
		{ .cmd = MMUEXT_INVLPG_ALL, .arg1.linear_addr = (uint64_t)_image_start },
	};
	struct mmuext_op ldt = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = 0, .arg2.nr_ents = 0 };
	unsigned int done = 0;
	long rc;

	rc = hyp_mmuext_op(ops, ARRAY_SIZE(ops), &done, DOMID_SELF);
	test_check(rc == 0 && done == ARRAY_SIZE(ops), "mmuext_flushes",
		   "flush/invlpg local, multi, all: rc %ld done %u", rc, done);
	rc = hyp_mmuext_op(&ldt, 1, NULL, DOMID_SELF);
	test_check(rc == 0, "mmuext_set_ldt_empty", "rc %ld", rc);
}

/* A small hierarchy of our own: pin bottom-up, check types, unpin. */
static void test_pinning(void)
{
	static uint64_t t[512];
	uint64_t data = fresh_frame(30), l1, l2, l3, l4, e;
	long rc1, rc2, rc3, rc4, rc;

	memset(t, 0, sizeof(t));
	t[0] = (data << 12) | PTE_DATA;
	l1 = rt_pt_alloc(t);
	memset(t, 0, sizeof(t));
	t[0] = (l1 << 12) | PTE_LINK;
	l2 = rt_pt_alloc(t);
	t[0] = (l2 << 12) | PTE_LINK;
	l3 = rt_pt_alloc(t);
	t[0] = (l3 << 12) | PTE_LINK;
	l4 = rt_pt_alloc(t);

	rc1 = rt_pin(1, l1);
	rc2 = rt_pin(2, l2);
	rc3 = rt_pin(3, l3);
	rc4 = rt_pin(4, l4);
	test_check(rc1 == 0 && rc2 == 0 && rc3 == 0 && rc4 == 0, "pin_l1_to_l4",
		   "rc %ld %ld %ld %ld", rc1, rc2, rc3, rc4);
	rc = rt_map(rt_window(RT_WIN_TEST), l1, PTE_DATA);
	test_check(rc < 0, "pinned_l1_not_writable", "writable mapping of a pinned L1: rc %ld", rc);
	rc = rt_map(rt_window(RT_WIN_TEST), l1, PTE_RO);
	e = read_va(rt_window(RT_WIN_TEST));
	test_check(rc == 0 && (e & ~PTE_HV_ADDED) == (((data << 12) | PTE_DATA) & ~PTE_HV_ADDED),
		   "pinned_l1_readable", "read-only mapping: rc %ld, entry 0 = 0x%lx", rc,
		   (unsigned long)e);
	rt_unmap(rt_window(RT_WIN_TEST));
	rc = rt_pin(2, l1);
	test_check(rc < 0, "pin_wrong_level", "an L1 pinned again as L2: rc %ld", rc);

	rc4 = rt_unpin(l4);
	rc3 = rt_unpin(l3);
	rc2 = rt_unpin(l2);
	rc1 = rt_unpin(l1);
	test_check(rc1 == 0 && rc2 == 0 && rc3 == 0 && rc4 == 0, "unpin_l4_to_l1",
		   "rc %ld %ld %ld %ld", rc4, rc3, rc2, rc1);
	rc = rt_unpin(l1);
	test_check(rc < 0, "unpin_twice_refused", "rc %ld", rc);
	rc = rt_map(rt_window(RT_WIN_TEST), l1, PTE_DATA);
	test_check(rc == 0, "unpinned_frame_writable_again", "rc %ld", rc);
	/* While it is mapped writable it cannot become a page table. */
	rc = rt_pin(1, l1);
	test_check(rc < 0, "writable_frame_not_pinnable", "rc %ld", rc);
	rt_unmap(rt_window(RT_WIN_TEST));
}

/* Switch to a copy of the root and back: new_baseptr validates and loads. */
static void test_new_baseptr(void)
{
	static uint64_t t[512];
	const uint64_t *cur = rt_table_view(rt_l4_mfn);
	uint64_t old = rt_l4_mfn, copy, cr3 = 0;
	long rc_pin, rc_new, rc_back, rc_unpin;

	memcpy(t, cur, sizeof(t));
	/* The hypervisor's slots (256-271) are the hypervisor's to fill. */
	for (unsigned int i = 256; i < 272; i++) {
		t[i] = 0;
	}
	copy = rt_pt_alloc(t);
	rc_pin = rt_pin(4, copy);
	rc_new = hyp_mmuext1(MMUEXT_NEW_BASEPTR, copy);
	if (rc_new == 0) {
		rt_l4_mfn = copy;
	}
	__asm__ volatile(RT_TRY("movq %%cr3, %0") : "+r"(cr3) : : "memory");
	rt_printf("%s: running on the copied root 0x%lx\n", rt_guest_name, (unsigned long)copy);
	rc_back = hyp_mmuext1(MMUEXT_NEW_BASEPTR, old);
	if (rc_back == 0) {
		rt_l4_mfn = old;
	}
	rc_unpin = rt_unpin(copy);
	test_check(rc_pin == 0 && rc_new == 0 && cr3 >> 12 == copy && rc_back == 0 &&
		   rc_unpin == 0, "new_baseptr_copy_and_back",
		   "pin %ld new_baseptr %ld cr3 0x%lx back %ld unpin %ld", rc_pin, rc_new,
		   (unsigned long)cr3, rc_back, rc_unpin);
}

/* Writes to a read-only L1: a #PF without the assist, emulated with it. */
static void test_writable_pagetables(void)
{
	uint64_t va = rt_window(RT_WIN_TEST + 1);
	uint64_t pte_ma, a = fresh_frame(40), b = fresh_frame(41);
	volatile uint64_t *pte;
	uint64_t old, v;
	long rc;
	bool ok;

	rt_unmap(va);
	pte_ma = rt_pte_maddr(va, 1);
	pte = (volatile uint64_t *)((uint64_t)rt_table_view(pte_ma >> 12) + (pte_ma & 0xfff));

	/*
	 * Without the assist Xen 4.17 emulates the write all the same (it no
	 * longer looks at the assist); a hypervisor may also bounce a #PF.
	 * Print what happened, check nothing.
	 */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"((a << 12) | PTE_DATA), "r"(pte) : "memory");
	rt_printf("%s: write to a read-only L1 without the assist: %s\n", rt_guest_name,
		  rt_last_trap.count ? "#PF" : "emulated");
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"(0UL), "r"(pte) : "memory");
	invlpg(va);

	rc = hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	test_check(rc == 0, "vm_assist_writable_pagetables", "rc %ld", rc);

	rt_trap_reset();
	*pte = (a << 12) | PTE_DATA;
	v = read_va(va);
	test_check(rt_last_trap.count == 0 && v == PATTERN(40), "ptwr_plain_write",
		   "mapping took effect: %s", v == PATTERN(40) ? "yes" : "no");

	/* As Linux does: read the entry, then compare-and-exchange it. */
	old = *pte;
	ok = __atomic_compare_exchange_n(pte, &old, (b << 12) | PTE_DATA, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	invlpg(va);
	v = read_va(va);
	test_check(ok && (old & PTE_ADDR) >> 12 == a && v == PATTERN(41), "ptwr_cmpxchg",
		   "swapped %s (old 0x%lx), sees B %s", ok ? "yes" : "no", (unsigned long)old,
		   v == PATTERN(41) ? "yes" : "no");

	old = __atomic_exchange_n(pte, 0, __ATOMIC_SEQ_CST);
	invlpg(va);
	v = read_va(va);
	test_check((old & PTE_ADDR) >> 12 == b && v == ~0ULL && rt_last_trap.vector == X86_EXC_PF,
		   "ptwr_xchg_unmap", "old 0x%lx, now unmapped", (unsigned long)old);

	/* The emulated write is still checked: a writable map of a table fails. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)")
			 : : "r"(((pte_ma >> 12) << 12) | PTE_DATA), "r"(pte) : "memory");
	test_check(rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_PF &&
		   !(rt_pte_get(va, 1) & PTE_P), "ptwr_checked",
		   "writing a writable self-map: vector %u, entry 0x%lx", rt_last_trap.vector,
		   (unsigned long)rt_pte_get(va, 1));

	rc = hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
	test_check(rc == 0, "vm_assist_disable", "rc %ld", rc);
	rc = hyp_vm_assist(VMASST_CMD_enable, 31);
	test_check(rc == -XEN_EINVAL, "vm_assist_unknown_type", "type 31: rc %ld", rc);
}

static void test_memory_op(void)
{
	struct xen_machphys_mapping mp = { 0 };
	struct e820_entry map[16];
	struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map), .buffer = (uint64_t)map };
	domid_t self = DOMID_SELF;
	uint64_t max_mfn = 0;
	long rc, cur, max;

	for (uint64_t i = 0; i < rt_region_pages; i++) {
		max_mfn = rt_p2m[i] > max_mfn ? rt_p2m[i] : max_mfn;
	}
	rc = hyp_memory_op(XENMEM_machphys_mapping, &mp);
	test_check(rc == 0 && mp.v_start == MACH2PHYS_VIRT_START && mp.v_end > mp.v_start &&
		   mp.v_end <= MACH2PHYS_VIRT_END && mp.max_mfn >= max_mfn, "memop_machphys_mapping",
		   "rc %ld 0x%lx-0x%lx max_mfn 0x%lx", rc, (unsigned long)mp.v_start,
		   (unsigned long)mp.v_end, (unsigned long)mp.max_mfn);
	rc = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	test_check(rc > 0 && (uint64_t)rc >= max_mfn, "memop_maximum_ram_page", "0x%lx", rc);
	cur = hyp_memory_op(XENMEM_current_reservation, &self);
	max = hyp_memory_op(XENMEM_maximum_reservation, &self);
	test_check(cur == (long)rt_start_info->nr_pages && max >= cur, "memop_reservation",
		   "current %ld maximum %ld nr_pages %lu", cur, max,
		   (unsigned long)rt_start_info->nr_pages);
	rc = hyp_memory_op(XENMEM_memory_map, &mm);
	test_check(rc == -XEN_ENOSYS || (rc == 0 && mm.nr_entries >= 1), "memop_memory_map",
		   "rc %ld, %u entries, first 0x%lx+0x%lx type %u", rc, mm.nr_entries,
		   rc == 0 ? (unsigned long)map[0].addr : 0, rc == 0 ? (unsigned long)map[0].size : 0,
		   rc == 0 ? map[0].type : 0);
}

/* Give one frame back and get one again at the same pfn. */
static void test_reservation(void)
{
	uint64_t pfn = rt_frame_alloc();
	uint64_t ext = rt_pfn_to_mfn(pfn);
	struct xen_memory_reservation r = {
		.extent_start = (uint64_t)&ext, .nr_extents = 1, .extent_order = 0,
		.domid = DOMID_SELF,
	};
	long dec, pop;

	dec = hyp_memory_op(XENMEM_decrease_reservation, &r);
	ext = pfn;
	pop = hyp_memory_op(XENMEM_populate_physmap, &r);
	test_check(dec == 1 && pop == 1 && rt_mfn_to_pfn(ext) == pfn,
		   "memop_decrease_populate", "decrease %ld populate %ld: new mfn 0x%lx, m2p 0x%lx",
		   dec, pop, (unsigned long)ext, (unsigned long)rt_mfn_to_pfn(ext));
	if (pop == 1) {
		/* The p2m list is ours to keep right. */
		((uint64_t *)rt_p2m)[pfn] = ext;
	}
}

static void test_multicall(void)
{
	uint64_t va = rt_window(RT_WIN_TEST), mfn = fresh_frame(50);
	struct multicall_entry mc[4] = {
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
		{ .op = __HYPERVISOR_update_va_mapping, .args = { va, (mfn << 12) | PTE_DATA,
								   UVMF_INVLPG } },
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
		{ .op = __HYPERVISOR_sched_op, .args = { 99 } },
	};
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(mc); i++) {
		mc[i].result = 0x5a5a;
	}
	rc = hyp_multicall(mc, ARRAY_SIZE(mc));
	test_check(rc == 0 && (long)mc[0].result == hyp_xen_version(XENVER_version, NULL) &&
		   mc[1].result == 0 && mc[2].result == RT_PAGE_SIZE &&
		   (long)mc[3].result == -XEN_ENOSYS && read_va(va) == PATTERN(50),
		   "multicall", "rc %ld results 0x%lx %ld %ld %ld", rc, (unsigned long)mc[0].result,
		   (long)mc[1].result, (long)mc[2].result, (long)mc[3].result);
	rt_unmap(va);
}

static unsigned int nm_count;

static void nm_handler(struct rt_regs *r)
{
	(void)r;
	nm_count++;
	hyp_fpu_taskswitch(0);
}

static void test_fpu_and_stack(void)
{
	static uint8_t stack[4096] __attribute__((aligned(16)));
	long rc, rc2;

	rc = hyp_stack_switch(FLAT_KERNEL_SS64, (uint64_t)stack + sizeof(stack));
	test_check(rc == 0, "stack_switch", "rc %ld", rc);

	rt_trap_set_handler(X86_EXC_NM, nm_handler);
	rc = hyp_fpu_taskswitch(1);
	__asm__ volatile("fnop" : : : "memory");
	__asm__ volatile("fnop" : : : "memory");
	rc2 = hyp_fpu_taskswitch(0);
	rt_trap_set_handler(X86_EXC_NM, NULL);
	test_check(rc == 0 && rc2 == 0 && nm_count == 1, "fpu_taskswitch_nm",
		   "rc %ld/%ld, #NM taken %u time(s)", rc, rc2, nm_count);
}

static volatile unsigned int bp_hits;
static uint64_t bp_rip, bp_dr6;

static void __attribute__((noinline)) breakpoint_target(void)
{
	__asm__ volatile("" : : : "memory");
	bp_hits += 0;
}

static void db_handler(struct rt_regs *r)
{
	bp_hits++;
	bp_rip = r->rip;
	bp_dr6 = (uint64_t)hyp_get_debugreg(6);
	hyp_set_debugreg(7, 0);
	hyp_set_debugreg(6, 0);
}

static void test_debugreg(void)
{
	uint64_t target = (uint64_t)breakpoint_target;
	long rc, got;

	rc = hyp_set_debugreg(0, target);
	got = hyp_get_debugreg(0);
	test_check(rc == 0 && got == (long)target, "set_get_debugreg", "rc %ld dr0 0x%lx", rc,
		   (unsigned long)got);
	rc = hyp_set_debugreg(1, HYPERVISOR_VIRT_START);
	test_check(rc < 0, "debugreg_hypervisor_address_refused", "dr1 = 0x%lx: rc %ld",
		   (unsigned long)HYPERVISOR_VIRT_START, rc);

	/* An execute breakpoint on breakpoint_target: L0, R/W 00, LEN 00. */
	rt_trap_set_handler(X86_EXC_DB, db_handler);
	rc = hyp_set_debugreg(7, 0x1);
	breakpoint_target();
	rt_trap_set_handler(X86_EXC_DB, NULL);
	test_check(rc == 0 && bp_hits == 1 && bp_rip == target && (bp_dr6 & 1),
		   "hw_breakpoint", "rc %ld hits %u rip 0x%lx dr6 0x%lx", rc, bp_hits,
		   (unsigned long)bp_rip, (unsigned long)bp_dr6);
	hyp_set_debugreg(0, 0);
}

/* vcpu_info moved into a page of ours: the hypervisor writes it there. */
static uint8_t vcpu_page[4096] __attribute__((aligned(4096)));

static void test_register_vcpu_info(void)
{
	struct vcpu_info *nv = (struct vcpu_info *)(vcpu_page + 128);
	struct vcpu_register_vcpu_info reg = {
		.mfn = rt_va_to_mfn((uint64_t)vcpu_page), .offset = 128,
	};
	uint8_t mask = rt_vcpu_info()->evtchn_upcall_mask;
	long rc, rc2;

	memset(vcpu_page, 0xee, sizeof(vcpu_page));
	rc = hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg);
	if (rc == 0) {
		rt_set_vcpu_info(nv);
	}
	test_check(rc == 0 && nv->evtchn_upcall_mask == mask, "register_vcpu_info",
		   "rc %ld, mask copied %u (was %u)", rc, nv->evtchn_upcall_mask, mask);
	read_va(0x1000);
	test_check(rt_last_trap.count == 1 && nv->arch.cr2 == 0x1000, "vcpu_info_cr2_moved",
		   "cr2 in the new vcpu_info 0x%lx", (unsigned long)nv->arch.cr2);
	test_check(nv->time.version != 0xeeeeeeee && !(nv->time.version & 1) &&
		   nv->time.tsc_to_system_mul != 0, "vcpu_info_time_moved",
		   "time version %u mul 0x%x", nv->time.version, nv->time.tsc_to_system_mul);
	rc2 = hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg);
	test_check(rc2 < 0, "register_vcpu_info_once", "second call: rc %ld", rc2);
}

void guest_main(void)
{
	long rc = rt_traps_init();

	test_check(rc == 0, "set_trap_table", "rc %ld", rc);
	if (rc) {
		return;
	}
	rt_printf("%s: region ends 0x%lx (%lu frames), root mfn 0x%lx\n", rt_guest_name,
		  (unsigned long)rt_region_end, (unsigned long)rt_region_pages,
		  (unsigned long)rt_l4_mfn);
	test_mmu_update();
	test_machphys();
	test_update_va_mapping();
	test_flushes();
	test_pinning();
	test_new_baseptr();
	test_writable_pagetables();
	test_memory_op();
	test_reservation();
	test_multicall();
	test_fpu_and_stack();
	test_debugreg();
	test_register_vcpu_info();
}
