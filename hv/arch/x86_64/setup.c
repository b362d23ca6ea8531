/*
 * arch_start: from the boot stub's first C instruction to hv_main. Reads
 * the boot information, sizes memory, builds the final page tables, places
 * the frame table and the M2P, marks what is free, and brings up the
 * descriptor tables, the console and the timer.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/frame.h>
#include <hv/lib.h>


static struct boot_info boot_info;

static uint64_t max_ram_addr(const struct boot_info *bi)
{
	uint64_t max = 0;

	for (unsigned int i = 0; i < bi->mem_count; i++) {
		if (bi->mem[i].type == BOOT_MEM_RAM) {
			max = MAX(max, bi->mem[i].start + bi->mem[i].size);
		}
	}
	return max;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool in_ram(const struct boot_info *bi, uint64_t start, uint64_t len)
{
	for (unsigned int i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_region *r = &bi->mem[i];

		if (r->type == BOOT_MEM_RAM && start >= r->start &&
		    start + len <= r->start + r->size) {
			return true;
		}
	}
	return false;
}

/* First page-aligned RAM range of len bytes above the image, clear of modules. */
static uint64_t find_free_phys(const struct boot_info *bi, uint64_t len)
{
	uint64_t cand = ALIGN_UP(hv_image_phys_end(), PAGE_SIZE);
	bool moved = true;

	while (moved) {
		moved = false;
		for (unsigned int i = 0; i < bi->mod_count; i++) {
			const struct boot_module *m = &bi->mods[i];

			if (overlaps(cand, len, m->start, m->size)) {
				cand = ALIGN_UP(m->start + m->size, PAGE_SIZE);
				moved = true;
			}
		}
		for (unsigned int i = 0; i < bi->mem_count && !moved; i++) {
			const struct boot_mem_region *r = &bi->mem[i];

			if (r->type != BOOT_MEM_RAM && overlaps(cand, len, r->start, r->size)) {
				cand = ALIGN_UP(r->start + r->size, PAGE_SIZE);
				moved = true;
			}
		}
	}
	if (!in_ram(bi, cand, len)) {
		panic("no room for the frame table (%lu KiB)", (unsigned long)(len >> 10));
	}
	return cand;
}

static void frames_init(const struct boot_info *bi, uint64_t max_phys)
{
	uint64_t nr = max_phys >> PAGE_SHIFT;
	uint64_t ft_bytes = ALIGN_UP(nr * sizeof(struct frame_info), PAGE_SIZE);
	uint64_t m2p_bytes = ALIGN_UP(nr * 8, PAGE_SIZE);
	uint64_t base = find_free_phys(bi, ft_bytes + m2p_bytes);

	frame_table_init((struct frame_info *)(uintptr_t)(DIRECTMAP_BASE + base), nr);
	for (unsigned int i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		uint64_t first = ALIGN_UP(r->start, PAGE_SIZE) >> PAGE_SHIFT;
		uint64_t last = ALIGN_DOWN(r->start + r->size, PAGE_SIZE) >> PAGE_SHIFT;

		if (r->type == BOOT_MEM_RAM && last > first) {
			frame_mark(mfn(first), last - first, FRAME_FREE);
		}
	}
	/* Firmware-reserved holes inside RAM regions stay out. */
	for (unsigned int i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_region *r = &bi->mem[i];

		if (r->type != BOOT_MEM_RAM) {
			frame_mark(mfn(r->start >> PAGE_SHIFT),
				   (ALIGN_UP(r->start + r->size, PAGE_SIZE) >> PAGE_SHIFT) -
					   (r->start >> PAGE_SHIFT),
				   FRAME_ABSENT);
		}
	}
	/* The first MiB (firmware, real-mode structures) and the image. */
	frame_mark(mfn(0), ALIGN_UP(hv_image_phys_end(), PAGE_SIZE) >> PAGE_SHIFT, FRAME_HV);
	for (unsigned int i = 0; i < bi->mod_count; i++) {
		const struct boot_module *m = &bi->mods[i];
		uint64_t first = m->start >> PAGE_SHIFT;
		uint64_t last = ALIGN_UP(m->start + m->size, PAGE_SIZE) >> PAGE_SHIFT;

		frame_mark(mfn(first), last - first, FRAME_MODULE);
	}
	frame_mark(mfn(base >> PAGE_SHIFT), (ft_bytes + m2p_bytes) >> PAGE_SHIFT, FRAME_HV);
	frame_table_seal();
	m2p_init(base + ft_bytes, nr);
}

void arch_start(uint32_t magic, uint32_t info_pa)
{
	uint64_t max_phys;

	serial_init();
	multiboot_parse(&boot_info, magic, info_pa);
	max_phys = max_ram_addr(&boot_info);
	if (max_phys == 0) {
		panic("the boot loader gave no memory map");
	}
	paging_init(&boot_info, max_phys);
	desc_init();
	if (max_phys > DIRECTMAP_SIZE) {
		max_phys = DIRECTMAP_SIZE;
	}
	frames_init(&boot_info, max_phys);
	time_init();
	rtc_init();
	hv_main(&boot_info);
}

void arch_system_exit(int status)
{
	/* QEMU's isa-debug-exit (iobase 0xf4) exits with (status << 1) | 1. */
	outb(0xf4, (uint8_t)status);
	arch_system_halt();
}

void arch_system_halt(void)
{
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}
