/*
 * Page-table helpers of the test guests (see mm.h). Every change goes
 * through a hypercall; the only direct accesses are reads of page tables
 * through read-only mappings, which Xen's ABI allows.
 */
#include "mm.h"
#include "hyp.h"

uint64_t rt_region_end;
uint64_t rt_region_pages;
uint64_t rt_l4_mfn;
const uint64_t *rt_p2m;

static uint64_t next_free_pfn;

uint64_t rt_window(unsigned int slot)
{
	return rt_region_end - (uint64_t)(slot + 1) * RT_PAGE_SIZE;
}

long rt_map(uint64_t va, uint64_t mfn, uint64_t flags)
{
	return hyp_update_va_mapping(va, (mfn << 12) | flags, UVMF_INVLPG);
}

long rt_unmap(uint64_t va)
{
	return hyp_update_va_mapping(va, 0, UVMF_INVLPG);
}

/* A frame lies in the region's linear map when its pfn is below the end. */
static bool in_region(uint64_t pfn)
{
	return rt_region_va(pfn) < rt_region_end && pfn < rt_start_info->nr_pages;
}

const uint64_t *rt_table_view(uint64_t mfn)
{
	uint64_t pfn = rt_mfn_to_pfn(mfn);
	uint64_t va;

	if (pfn < rt_start_info->nr_pages && in_region(pfn) && rt_p2m[pfn] == mfn &&
	    rt_region_va(pfn) < rt_window(RT_NR_WINDOWS - 1)) {
		return (const uint64_t *)rt_region_va(pfn);
	}
	va = rt_window(RT_WIN_VIEW);
	if (rt_map(va, mfn, PTE_RO) != 0) {
		return NULL;
	}
	return (const uint64_t *)va;
}

uint64_t rt_pte_maddr(uint64_t va, int level)
{
	uint64_t table = rt_l4_mfn;

	for (int l = 4; l > level; l--) {
		const uint64_t *t = rt_table_view(table);
		uint64_t e;

		if (!t) {
			return 0;
		}
		e = t[PT_INDEX(va, l)];
		if (!(e & PTE_P) || (e & PTE_PSE)) {
			return 0;
		}
		table = (e & PTE_ADDR) >> 12;
	}
	return (table << 12) + PT_INDEX(va, level) * 8;
}

uint64_t rt_pte_get(uint64_t va, int level)
{
	uint64_t ma = rt_pte_maddr(va, level);
	const uint64_t *t;

	if (!ma) {
		return 0;
	}
	t = rt_table_view(ma >> 12);
	return t ? t[(ma & 0xfff) / 8] : 0;
}

uint64_t rt_va_to_mfn(uint64_t va)
{
	uint64_t e = rt_pte_get(va, 1);

	return (e & PTE_P) ? (e & PTE_ADDR) >> 12 : ~0ULL;
}

void rt_mm_init(void)
{
	const struct start_info *si = rt_start_info;
	uint64_t va;

	if (rt_l4_mfn) {
		return;
	}
	rt_p2m = (const uint64_t *)si->mfn_list;
	rt_l4_mfn = rt_p2m[(si->pt_base - RT_VIRT_BASE) >> 12];
	/* Provisional end: the bootstrap tables lie below it. */
	rt_region_end = si->pt_base + si->nr_pt_frames * RT_PAGE_SIZE;
	rt_region_end += (RT_NR_WINDOWS + 1) * RT_PAGE_SIZE;
	/* The region ends at the first unmapped page past the image. */
	for (va = (uint64_t)_image_start; ; va += RT_PAGE_SIZE) {
		uint64_t pfn = (va - RT_VIRT_BASE) >> 12;

		if (pfn >= si->nr_pages || !(rt_pte_get(va, 1) & PTE_P)) {
			break;
		}
	}
	rt_region_end = va;
	rt_region_pages = (va - RT_VIRT_BASE) >> 12;
	next_free_pfn = rt_region_pages;
}

uint64_t rt_frame_alloc(void)
{
	while (next_free_pfn < rt_start_info->nr_pages) {
		uint64_t pfn = next_free_pfn++;

		if (rt_p2m[pfn] != ~0ULL && rt_p2m[pfn] != 0) {
			return pfn;
		}
	}
	return 0;
}

uint64_t rt_pt_alloc(const uint64_t *init)
{
	uint64_t pfn = rt_frame_alloc();
	uint64_t va = rt_window(RT_WIN_SCRATCH);
	uint64_t mfn;

	if (!pfn) {
		return 0;
	}
	mfn = rt_p2m[pfn];
	if (rt_map(va, mfn, PTE_DATA) != 0) {
		return 0;
	}
	if (init) {
		memcpy((void *)va, init, RT_PAGE_SIZE);
	} else {
		memset((void *)va, 0, RT_PAGE_SIZE);
	}
	if (rt_unmap(va) != 0) {
		return 0;
	}
	return mfn;
}

long rt_pt_set(uint64_t table_mfn, unsigned int index, uint64_t val)
{
	struct mmu_update u = {
		.ptr = (table_mfn << 12) + index * 8 + MMU_NORMAL_PT_UPDATE,
		.val = val,
	};

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
}

long rt_pin(int level, uint64_t mfn)
{
	return hyp_mmuext1(MMUEXT_PIN_L1_TABLE + (level - 1), mfn);
}

long rt_unpin(uint64_t mfn)
{
	return hyp_mmuext1(MMUEXT_UNPIN_TABLE, mfn);
}

long rt_ensure_l1(uint64_t va)
{
	uint64_t table = rt_l4_mfn;

	for (int l = 4; l > 1; l--) {
		const uint64_t *t = rt_table_view(table);
		uint64_t e, next;
		long rc;

		if (!t) {
			return -XEN_EFAULT;
		}
		e = t[PT_INDEX(va, l)];
		if (e & PTE_P) {
			table = (e & PTE_ADDR) >> 12;
			continue;
		}
		next = rt_pt_alloc(NULL);
		if (!next) {
			return -XEN_ENOMEM;
		}
		rc = rt_pt_set(table, PT_INDEX(va, l), (next << 12) | PTE_LINK);
		if (rc) {
			return rc;
		}
		table = next;
	}
	return 0;
}
