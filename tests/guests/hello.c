/*
 * hello: the first test guest. Greets with its domain name and checks what
 * the hypervisor handed over at start of day: start_info, the bootstrap
 * region (Xen's documented layout), the entry stack and the hypercall page.
 * Pure Xen PV64 ABI: boots unchanged on real Xen and on Moat.
 */
#include "rt.h"

const char guest_image[] = "hello";

#define MB4 (4UL << 20)
#define L4_SLOT(va) (((va) >> 39) & 511)
#define PTE_PRESENT 1UL

/* The bootstrap region: from the image start (rounded down to 4 MiB) over
 * at most nr_pages pages, since it maps the first pseudo-physical frames. */
static uint64_t region_start, region_limit;

static bool in_bootstrap(uint64_t va)
{
	return va >= (uint64_t)_image_end && va < region_limit;
}

static void check_start_info(const struct start_info *si)
{
	size_t cl;

	test_check(memcmp(si->magic, START_INFO_MAGIC, strlen(START_INFO_MAGIC)) == 0,
		   "start_info_magic", "'%.32s'", si->magic);
	test_check(si->nr_pages > 0, "nr_pages", "%lu pages",
		   (unsigned long)si->nr_pages);
	test_check(si->shared_info != 0 && (si->shared_info & (RT_PAGE_SIZE - 1)) == 0,
		   "shared_info_maddr", "machine address 0x%lx",
		   (unsigned long)si->shared_info);
	cl = strnlen((const char *)si->cmd_line, MAX_GUEST_CMDLINE);
	test_check(cl < MAX_GUEST_CMDLINE, "cmd_line_nul", "'%s'",
		   cl < MAX_GUEST_CMDLINE ? (const char *)si->cmd_line : "");
	rt_printf("%s: flags 0x%x pt_base 0x%lx nr_pt_frames %lu mfn_list 0x%lx "
		  "mod_start 0x%lx mod_len %lu\n", rt_guest_name, si->flags,
		  (unsigned long)si->pt_base, (unsigned long)si->nr_pt_frames,
		  (unsigned long)si->mfn_list, (unsigned long)si->mod_start,
		  (unsigned long)si->mod_len);
}

static void check_bootstrap(const struct start_info *si)
{
	uint64_t si_va = (uint64_t)si;
	uint64_t pt = si->pt_base;
	uint64_t p2m = si->mfn_list;
	bool ok;

	region_start = (uint64_t)_image_start & ~(MB4 - 1);
	region_limit = region_start + si->nr_pages * RT_PAGE_SIZE;

	test_check(in_bootstrap(si_va) && (si_va & (RT_PAGE_SIZE - 1)) == 0,
		   "start_info_va", "0x%lx", (unsigned long)si_va);
	ok = pt != 0 && (pt & (RT_PAGE_SIZE - 1)) == 0 && in_bootstrap(pt) &&
	     si->nr_pt_frames > 0;
	test_check(ok, "pt_base", "0x%lx, %lu frames", (unsigned long)pt,
		   (unsigned long)si->nr_pt_frames);
	ok = p2m != 0 && (p2m & 7) == 0 && in_bootstrap(p2m);
	test_check(ok, "mfn_list", "0x%lx", (unsigned long)p2m);
	test_check(in_bootstrap(rt_entry_rsp - 8), "entry_stack",
		   "rsp 0x%lx, bootstrap 0x%lx-0x%lx", (unsigned long)rt_entry_rsp,
		   (unsigned long)region_start, (unsigned long)region_limit);

	/* Xen's documented order: p2m list, start_info, page tables, stack. */
	ok = p2m < si_va && si_va < pt &&
	     pt + si->nr_pt_frames * RT_PAGE_SIZE <= rt_entry_rsp - 8;
	test_check(ok, "bootstrap_order", "mfn_list < start_info < pt_base < stack");

	/* The page tables are mapped (read-only) and map our own image. */
	if (in_bootstrap(pt)) {
		const uint64_t *l4 = (const uint64_t *)pt;
		uint64_t e = l4[L4_SLOT((uint64_t)_image_start)];

		test_check(e & PTE_PRESENT, "pt_base_maps_image",
			   "L4[%lu] = 0x%lx", (unsigned long)L4_SLOT((uint64_t)_image_start),
			   (unsigned long)e);
	}
	/* The p2m list is readable and names distinct frames. */
	if (in_bootstrap(p2m) && si->nr_pages >= 2) {
		const uint64_t *m = (const uint64_t *)p2m;

		test_check(m[0] != m[1], "mfn_list_readable",
			   "pfn 0 -> mfn 0x%lx, pfn 1 -> mfn 0x%lx",
			   (unsigned long)m[0], (unsigned long)m[1]);
	}
}

static void check_hypercall_page(void)
{
	const uint8_t *stub = hypercall_page + __HYPERVISOR_xen_version * HYPERCALL_STUB_SIZE;

	test_check(stub[0] != 0, "hypercall_page",
		   "stub 17 at %p starts %02x %02x %02x %02x", (const void *)stub,
		   stub[0], stub[1], stub[2], stub[3]);
}

void guest_main(void)
{
	static const char greeting[] = "console_io write works\n";
	const struct start_info *si = rt_start_info;
	long rc;

	rt_printf("Hello from %s (image %s)!\n", rt_guest_name, guest_image);
	rt_flush();
	rc = hyp_console_io(CONSOLEIO_write, sizeof(greeting) - 1, (void *)greeting);
	test_check(rc == 0, "console_write_rc", "rc %ld", rc);

	check_start_info(si);
	check_bootstrap(si);
	check_hypercall_page();
}
