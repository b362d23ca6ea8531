/*
 * hostile_tpm_mmio: tries to reach the platform TPM's registers, the TIS
 * MMIO range 0xFED40000-0xFED44FFF (one page per locality 0-4), which only
 * the hypervisor may drive: a guest that could write them could extend,
 * reset or read PCRs 20-22 at locality 2 and so forge what the hypervisor
 * measured, or wedge the TPM. For every locality page it tries:
 *   - update_va_mapping of a free virtual page of its own (a window) to the
 *     frame: read-write, read-only, and uncached (PCD|PWT) as a driver would;
 *   - mmu_update writing such an entry into the L1 that maps the window,
 *     as itself, with Xen dom0's DOMID_IO foreign domain, and with
 *     MMU_PT_UPDATE_PRESERVE_AD;
 *   - the same entry stored straight into its read-only L1 through the
 *     writable-page-table emulation (must fault);
 *   - update_va_mapping inside a multicall;
 *   - mmuext_op on the frame itself: CLEAR_PAGE (the hypervisor would zero
 *     the registers), COPY_PAGE from it (read them) and to it, PIN_L1_TABLE,
 *     and an M2P entry for it (MMU_MACHPHYS_UPDATE).
 * Each must fail with a negative error, the window must stay unmapped, and
 * the page COPY_PAGE would write must keep its pattern.
 *
 * Keys: name. Moat only: on Xen a privileged dom0 may map I/O memory.
 */
#include "hostile.h"

const char guest_image[] = "hostile_tpm_mmio";

#define TPM_MMIO_FIRST 0xFED40ULL	/* frame of locality 0 */
#define TPM_MMIO_PAGES 5u		/* localities 0-4 */
#define PATTERN 0x5a5a5a5a5a5a5a5aULL

enum attack {
	UVM_RW, UVM_RO, UVM_UC, MMU_PTE, MMU_PTE_IO, MMU_PTE_AD, PTWR, MULTI_UVM,
	EXT_CLEAR, EXT_COPY_FROM, EXT_COPY_TO, EXT_PIN_L1, MACHPHYS, ATTACK_COUNT
};

/* Each attack's check name and what it does. */
static const struct {
	const char *check;
	const char *what;
} attacks[ATTACK_COUNT] = {
	[UVM_RW] = { "uvm_rw", "update_va_mapping RW" },
	[UVM_RO] = { "uvm_ro", "update_va_mapping RO" },
	[UVM_UC] = { "uvm_uncached", "update_va_mapping RW PCD|PWT" },
	[MMU_PTE] = { "mmu_update_pte", "mmu_update of its L1 entry" },
	[MMU_PTE_IO] = { "mmu_update_domid_io", "mmu_update of its L1 entry, foreigndom DOMID_IO" },
	[MMU_PTE_AD] = { "mmu_update_preserve_ad", "mmu_update of its L1 entry, PRESERVE_AD" },
	[PTWR] = { "ptwr_store", "store into its read-only L1 (emulated)" },
	[MULTI_UVM] = { "multicall_uvm", "update_va_mapping in a multicall" },
	[EXT_CLEAR] = { "clear_page", "mmuext CLEAR_PAGE" },
	[EXT_COPY_FROM] = { "copy_page_from", "mmuext COPY_PAGE from it" },
	[EXT_COPY_TO] = { "copy_page_to", "mmuext COPY_PAGE to it" },
	[EXT_PIN_L1] = { "pin_l1", "mmuext PIN_L1_TABLE" },
	[MACHPHYS] = { "machphys", "mmu_update MACHPHYS_UPDATE" },
};

static uint64_t win, win_pte_ma, own_mfn, own_va;
static unsigned int refused[ATTACK_COUNT], tried[ATTACK_COUNT], left_mapped;

static bool window_mapped(void)
{
	return (rt_pte_get(win, 1) & PTE_P) != 0;
}

static long mmu_pte(uint64_t mfn, unsigned int cmd, domid_t dom)
{
	struct mmu_update u = {
		.ptr = win_pte_ma | cmd,
		.val = (mfn << 12) | PTE_DATA,
	};

	return hyp_mmu_update(&u, 1, NULL, dom);
}

/* The writable-page-table emulation: a plain store of the entry into the
 * L1, which the guest maps read-only. Accepted only if nothing faults. */
static long ptwr(uint64_t mfn)
{
	volatile uint64_t *pte = (volatile uint64_t *)((uint64_t)rt_table_view(win_pte_ma >> 12) +
						       (win_pte_ma & 0xfff));

	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"((mfn << 12) | PTE_DATA), "r"(pte)
			 : "memory");
	return rt_last_trap.count ? -XEN_EFAULT : 0;
}

static long multi_uvm(uint64_t mfn)
{
	struct multicall_entry mc;
	long rc;

	memset(&mc, 0, sizeof(mc));
	mc.op = __HYPERVISOR_update_va_mapping;
	mc.args[0] = win;
	mc.args[1] = (mfn << 12) | PTE_DATA;
	mc.args[2] = UVMF_INVLPG;
	rc = hyp_multicall(&mc, 1);
	return rc < 0 ? rc : (long)mc.result;
}

static long ext(unsigned int cmd, uint64_t mfn, uint64_t src)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn, .arg2.src_mfn = src };

	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long machphys(uint64_t mfn)
{
	struct mmu_update u = { .ptr = (mfn << 12) | MMU_MACHPHYS_UPDATE, .val = 1 };

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static long run(enum attack a, uint64_t mfn)
{
	switch (a) {
	case UVM_RW:
		return rt_map(win, mfn, PTE_DATA);
	case UVM_RO:
		return rt_map(win, mfn, PTE_RO);
	case UVM_UC:
		return rt_map(win, mfn, PTE_DATA | PTE_PCD | PTE_PWT);
	case MMU_PTE:
		return mmu_pte(mfn, MMU_NORMAL_PT_UPDATE, DOMID_SELF);
	case MMU_PTE_IO:
		return mmu_pte(mfn, MMU_NORMAL_PT_UPDATE, DOMID_IO);
	case MMU_PTE_AD:
		return mmu_pte(mfn, MMU_PT_UPDATE_PRESERVE_AD, DOMID_SELF);
	case PTWR:
		return ptwr(mfn);
	case MULTI_UVM:
		return multi_uvm(mfn);
	case EXT_CLEAR:
		return ext(MMUEXT_CLEAR_PAGE, mfn, 0);
	case EXT_COPY_FROM:
		return ext(MMUEXT_COPY_PAGE, own_mfn, mfn);
	case EXT_COPY_TO:
		return ext(MMUEXT_COPY_PAGE, mfn, own_mfn);
	case EXT_PIN_L1: {
		long rc = rt_pin(1, mfn);

		if (rc == 0) {
			rt_unpin(mfn);
		}
		return rc;
	}
	case MACHPHYS:
		return machphys(mfn);
	default:
		return -XEN_EINVAL;
	}
}

static void attempt(enum attack a, uint64_t mfn)
{
	long rc = run(a, mfn);
	bool mapped = window_mapped();

	tried[a]++;
	if (rc < 0 && !mapped) {
		refused[a]++;
	} else {
		rt_printf("%s: %s of frame 0x%lx: rc %ld, window %s\n", rt_guest_name,
			  attacks[a].what, (unsigned long)mfn, rc, mapped ? "MAPPED" : "unmapped");
	}
	if (mapped) {
		left_mapped++;
		rt_unmap(win);
	}
}

void guest_main(void)
{
	uint64_t pfn;
	volatile uint64_t *own;
	bool pattern_kept = true;

	rt_traps_init();
	hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	win = rt_window(RT_WIN_TEST);
	rt_unmap(win);
	win_pte_ma = rt_pte_maddr(win, 1);

	/* A page of its own for COPY_PAGE, filled with a pattern and mapped
	 * read-only at a second window so the guest can check it. */
	pfn = rt_frame_alloc();
	if (!test_check(pfn != 0 && win_pte_ma != 0 && !window_mapped(), "setup",
			"free frame pfn %lu, window 0x%lx entry at 0x%lx",
			(unsigned long)pfn, (unsigned long)win, (unsigned long)win_pte_ma)) {
		return;
	}
	own_mfn = rt_pfn_to_mfn(pfn);
	own_va = rt_window(RT_WIN_TEST + 1);
	rt_map(own_va, own_mfn, PTE_DATA);
	own = (volatile uint64_t *)own_va;
	for (unsigned int i = 0; i < RT_PAGE_SIZE / 8; i++) {
		own[i] = PATTERN;
	}
	rt_map(own_va, own_mfn, PTE_RO);

	rt_printf("%s: trying TPM MMIO frames 0x%lx-0x%lx, %u ways each\n", rt_guest_name,
		  (unsigned long)TPM_MMIO_FIRST,
		  (unsigned long)(TPM_MMIO_FIRST + TPM_MMIO_PAGES - 1), ATTACK_COUNT);
	for (uint64_t mfn = TPM_MMIO_FIRST; mfn < TPM_MMIO_FIRST + TPM_MMIO_PAGES; mfn++) {
		for (unsigned int a = 0; a < ATTACK_COUNT; a++) {
			attempt((enum attack)a, mfn);
		}
	}
	for (unsigned int a = 0; a < ATTACK_COUNT; a++) {
		test_check(refused[a] == tried[a], attacks[a].check,
			   "%s: %u of %u locality pages refused, window unmapped", attacks[a].what,
			   refused[a], tried[a]);
	}
	for (unsigned int i = 0; i < RT_PAGE_SIZE / 8; i++) {
		pattern_kept &= own[i] == PATTERN;
	}
	test_check(pattern_kept, "own_page_unchanged",
		   "the page COPY_PAGE would have overwritten keeps its pattern");
	test_check(left_mapped == 0 && !window_mapped(), "window_unmapped",
		   "%u attempts left the window mapped", left_mapped);
	rt_unmap(own_va);
}
