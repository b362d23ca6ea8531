/*
 * The hypervisor's page tables. One L4 (idle_l4) holds the hypervisor's
 * slots; every guest kernel L4 gets a copy of slots 256-271, so the lower
 * levels are shared and anything mapped later in those slots is seen by all.
 * Layout (arch/layout.h): M2P (guest-readable), the image, the direct map of
 * RAM, device registers, and the vCPU stacks with guard pages.
 * Never maps anything user-accessible except the read-only M2P.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/pv_pt.h>

#define EARLY_POOL_PAGES 96

static uint64_t idle_l4[PT_ENTRIES] __attribute__((aligned(4096)));
static uint8_t early_pool[EARLY_POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned int early_used;
static bool direct_map_ready;
static unsigned int fixmap_used;
static uint64_t *m2p_rw;	/* the M2P through the direct map */
static uint64_t m2p_entries;

static uint64_t virt_to_phys(const void *p)
{
	uint64_t va = (uint64_t)(uintptr_t)p;

	if (va >= DIRECTMAP_BASE && va < DIRECTMAP_BASE + DIRECTMAP_SIZE) {
		return va - DIRECTMAP_BASE;
	}
	return va - HV_IMAGE_OFFSET;
}

static void *phys_to_virt(uint64_t pa)
{
	if (direct_map_ready) {
		return (void *)(uintptr_t)(DIRECTMAP_BASE + pa);
	}
	return (void *)(uintptr_t)(HV_IMAGE_OFFSET + pa);
}

void arch_tlb_flush_cpus(uint64_t cpu_mask)
{
	/* One CPU: a CR3 reload is the full flush (write_cr3 reports it). */
	if (cpu_mask & 1) {
		write_cr3(read_cr3());
	}
}

void *arch_frame_map(mfn_t m)
{
	return (void *)(uintptr_t)(DIRECTMAP_BASE + (mfn_x(m) << PAGE_SHIFT));
}

const void *arch_phys_map(uint64_t paddr, uint64_t size)
{
	(void)size;
	return (const void *)(uintptr_t)(DIRECTMAP_BASE + paddr);
}

/* A zeroed page-table page: from the image's pool early, frames later. */
static uint64_t *pt_alloc(void)
{
	uint64_t *t;

	if (!direct_map_ready || early_used < EARLY_POOL_PAGES) {
		if (early_used >= EARLY_POOL_PAGES) {
			panic("early page-table pool exhausted");
		}
		t = (uint64_t *)early_pool[early_used++];
	} else {
		mfn_t m = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);

		if (mfn_x(m) == INVALID_MFN_RAW) {
			panic("out of memory for hypervisor page tables");
		}
		t = arch_frame_map(m);
	}
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* Walk to the table at `level` for va, creating tables on the way. */
static uint64_t *pt_walk(uint64_t va, unsigned int level, uint64_t table_flags)
{
	uint64_t *t = idle_l4;

	for (unsigned int l = 4; l > level; l--) {
		uint64_t *e = &t[pt_index(va, l)];

		if (!(*e & _PAGE_PRESENT)) {
			*e = virt_to_phys(pt_alloc()) | table_flags;
		}
		t = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return t;
}

static void map_2m(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *l2 = pt_walk(va, 2, _PAGE_PRESENT | _PAGE_RW);

	l2[pt_index(va, 2)] = pa | flags | _PAGE_PSE | _PAGE_PRESENT;
}

static void map_4k(uint64_t va, uint64_t pa, uint64_t flags, uint64_t table_flags)
{
	uint64_t *l1 = pt_walk(va, 1, table_flags);

	l1[pt_index(va, 1)] = pa | flags | _PAGE_PRESENT;
	invlpg(va);
}

extern char __hv_start[], __rodata_start[], __data_start[], __hv_end[];

uint64_t hv_image_phys_end(void)
{
	return (uint64_t)(uintptr_t)__hv_end - HV_IMAGE_OFFSET;
}

void paging_init(const struct boot_info *bi, uint64_t max_phys)
{
	const uint64_t data = _PAGE_RW | _PAGE_NX | _PAGE_ACCESSED | _PAGE_DIRTY;

	(void)bi;
	/* The image, 4 KiB pages, W^X: text read-only and executable, rodata
	 * read-only, data and bss writable but never executable. The 32-bit
	 * boot section below the image proper is not mapped at all. */
	for (uint64_t va = (uint64_t)(uintptr_t)__hv_start; va < (uint64_t)(uintptr_t)__hv_end;
	     va += PAGE_SIZE) {
		uint64_t flags = _PAGE_ACCESSED;

		if (va >= (uint64_t)(uintptr_t)__data_start) {
			flags |= _PAGE_RW | _PAGE_DIRTY | _PAGE_NX;
		} else if (va >= (uint64_t)(uintptr_t)__rodata_start) {
			flags |= _PAGE_NX;
		}
		map_4k(va, va - HV_IMAGE_OFFSET, flags, _PAGE_PRESENT | _PAGE_RW);
	}
	/* All RAM, never executable. */
	if (max_phys > DIRECTMAP_SIZE) {
		printk(LOG_WARN, "memory above %lu GiB is not used",
		       (unsigned long)(DIRECTMAP_SIZE >> 30));
		max_phys = DIRECTMAP_SIZE;
	}
	for (uint64_t pa = 0; pa < ALIGN_UP(max_phys, 2ULL << 20); pa += 2ULL << 20) {
		map_2m(DIRECTMAP_BASE + pa, pa, data);
	}
	/* The fixmap and stack slots get their L3 now, so guest L4 copies see
	 * everything mapped there later. */
	pt_walk(FIXMAP_BASE, 1, _PAGE_PRESENT | _PAGE_RW);
	pt_walk(STACKS_BASE, 3, _PAGE_PRESENT | _PAGE_RW);
	pt_walk(GDT_VIRT_BASE, 1, _PAGE_PRESENT | _PAGE_RW);
	write_cr3(virt_to_phys(idle_l4));
	direct_map_ready = true;
}

void *fixmap_map_mmio(uint64_t paddr)
{
	uint64_t va = FIXMAP_BASE + (uint64_t)fixmap_used * PAGE_SIZE;

	if (fixmap_used >= FIXMAP_SLOTS) {
		panic("fixmap full");
	}
	fixmap_used++;
	map_4k(va, ALIGN_DOWN(paddr, PAGE_SIZE),
	       _PAGE_RW | _PAGE_PCD | _PAGE_PWT | _PAGE_NX, _PAGE_PRESENT | _PAGE_RW);
	return (void *)(uintptr_t)(va + (paddr & (PAGE_SIZE - 1)));
}

/*
 * The machine-to-phys table: hypervisor-written through the direct map,
 * guest-readable (user, read-only) at M2P_VIRT_START. Its frames were set
 * aside contiguously at boot.
 */
void m2p_init(uint64_t phys, uint64_t entries)
{
	const uint64_t user_table = _PAGE_PRESENT | _PAGE_USER;
	uint64_t bytes = ALIGN_UP(entries * 8, PAGE_SIZE);

	m2p_rw = phys_to_virt(phys);
	m2p_entries = entries;
	for (uint64_t i = 0; i < entries; i++) {
		m2p_rw[i] = ~0ULL;
	}
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE) {
		map_4k(M2P_VIRT_START + off, phys + off,
		       _PAGE_USER | _PAGE_NX | _PAGE_ACCESSED, user_table);
	}
}

void arch_m2p_set(mfn_t m, uint64_t pfn)
{
	if (mfn_x(m) < m2p_entries) {
		m2p_rw[mfn_x(m)] = pfn;
	}
}

uint64_t arch_m2p_get(mfn_t m)
{
	return mfn_x(m) < m2p_entries ? m2p_rw[mfn_x(m)] : ~0ULL;
}

void arch_fill_hypervisor_slots(uint64_t *l4)
{
	for (unsigned int i = HV_SLOT_FIRST; i <= HV_SLOT_LAST; i++) {
		l4[i] = idle_l4[i];
	}
}

/* Map one page of the GDT area: a guest descriptor frame read-only, or one
 * of the hypervisor's own GDT pages writable (ltr sets the busy bit). */
void gdt_area_map(unsigned int page, uint64_t phys, bool writable)
{
	uint64_t va = GDT_VIRT_BASE + (uint64_t)page * PAGE_SIZE;

	map_4k(va, phys, _PAGE_NX | _PAGE_ACCESSED | (writable ? _PAGE_RW | _PAGE_DIRTY : 0),
	       _PAGE_PRESENT | _PAGE_RW);
}

void gdt_area_unmap(unsigned int page)
{
	uint64_t va = GDT_VIRT_BASE + (uint64_t)page * PAGE_SIZE;
	uint64_t *l1 = pt_walk(va, 1, _PAGE_PRESENT | _PAGE_RW);

	l1[pt_index(va, 1)] = 0;
	invlpg(va);
}

uint64_t hv_virt_to_phys(const void *p)
{
	return virt_to_phys(p);
}

uint64_t idle_cr3(void)
{
	return virt_to_phys(idle_l4);
}

/* Map a vCPU stack (pages frames) at its slot; the page after stays a guard. */
void *stack_map(unsigned int slot, const mfn_t *frames, unsigned int pages)
{
	uint64_t va = STACKS_BASE + (uint64_t)slot * STACK_STRIDE;

	for (unsigned int i = 0; i < pages; i++) {
		map_4k(va + (uint64_t)i * PAGE_SIZE, mfn_x(frames[i]) << PAGE_SHIFT,
		       _PAGE_RW | _PAGE_NX | _PAGE_ACCESSED | _PAGE_DIRTY, _PAGE_PRESENT | _PAGE_RW);
	}
	return (void *)(uintptr_t)va;
}

void stack_unmap_free(unsigned int slot, unsigned int pages)
{
	uint64_t va = STACKS_BASE + (uint64_t)slot * STACK_STRIDE;
	uint64_t *l1 = pt_walk(va, 1, _PAGE_PRESENT | _PAGE_RW);

	for (unsigned int i = 0; i < pages; i++) {
		uint64_t *e = &l1[pt_index(va + (uint64_t)i * PAGE_SIZE, 1)];

		if (*e & _PAGE_PRESENT) {
			frame_free(pte_mfn(*e));
		}
		*e = 0;
		invlpg(va + (uint64_t)i * PAGE_SIZE);
	}
}
