/*
 * Unit tests of the PV64 boot layout (hv/common/pv_layout.c). The layout is
 * pure (no allocation), so the tests hand it an elf_image described by hand
 * and check the order Xen's PV ABI promises (kernel < initrd < p2m list <
 * start_info < xenstore < console < page tables < stack, the region ending
 * 4 MiB aligned with at least 512 KiB to spare), that the page-table count
 * is exactly what mapping the region takes, and every refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/domain_build.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/p2m.h>
#include <public/errno.h>
#include <public/xen.h>

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

#define VBASE    0xffffffff80000000ULL
#define LINUX_KERNEL 0xffffffff81000000ULL
#define LINUX_P2M    0x0000008000000000ULL

static struct elf_image img;
static struct pv_layout l;
static struct build_error err;

static void img_make(uint64_t vstart, uint64_t vend)
{
	memset(&img, 0, sizeof(img));
	img.vstart = vstart;
	img.vend = vend;
	img.entry = vstart;
	img.seg_count = 1;
	img.segs[0] = (struct elf_segment){ .vaddr = vstart, .memsz = vend - vstart,
					    .flags = 5 };
}

static void img_virt_base(uint64_t vb)
{
	img.notes.has_virt_base = true;
	img.notes.virt_base = vb;
}

static void img_init_p2m(uint64_t va)
{
	img.notes.has_init_p2m = true;
	img.notes.init_p2m = va;
}

static int compute(uint64_t nr_pages, uint64_t initrd_len)
{
	memset(&err, 0, sizeof(err));
	return pv_layout_compute(&l, &img, nr_pages, initrd_len, &err);
}

/* ---- an independent count of the page tables a set of ranges needs ------- */

#define MAX_TABLES 64

struct table_set {
	uint64_t key[MAX_TABLES];
	unsigned int n;
};

static void table_add(struct table_set *s, uint64_t key)
{
	for (unsigned int i = 0; i < s->n; i++) {
		if (s->key[i] == key) {
			return;
		}
	}
	assert_true(s->n < MAX_TABLES);
	s->key[s->n++] = key;
}

/* L3, L2 and L1 tables needed to map every page of [start, end). */
static void tables_for(struct table_set *l3, struct table_set *l2, struct table_set *l1,
		       uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va != end; va += PAGE_SIZE) {
		table_add(l3, va >> 39);
		table_add(l2, va >> 30);
		table_add(l1, va >> 21);
	}
}

static uint64_t tables_needed(void)
{
	struct table_set l3 = { .n = 0 }, l2 = { .n = 0 }, l1 = { .n = 0 };

	tables_for(&l3, &l2, &l1, l.v_start, l.v_end);
	if (l.p2m_separate) {
		tables_for(&l3, &l2, &l1, l.p2m_start,
			   l.p2m_start + ALIGN_UP(l.p2m_len, PAGE_SIZE));
	}
	return 1 + l3.n + l2.n + l1.n;
}

/* Every promise of the layout, for any accepted input. */
static void check_invariants(uint64_t nr_pages, uint64_t initrd_len)
{
	uint64_t p2m_bytes = ALIGN_UP(nr_pages * 8, PAGE_SIZE);
	uint64_t after_stack = l.stack + PAGE_SIZE;

	assert_int_equal(l.nr_pages, nr_pages);
	assert_true(IS_ALIGNED(l.v_start, PAGE_SIZE));
	assert_true(l.v_start <= l.kern_start);
	assert_int_equal(l.kern_start, ALIGN_DOWN(img.vstart, PAGE_SIZE));
	assert_int_equal(l.kern_end, ALIGN_UP(img.vend, PAGE_SIZE));
	assert_true(l.kern_start < l.kern_end);
	/* kernel < initrd < p2m < start_info < xenstore < console < tables < stack */
	assert_true(l.kern_end <= l.initrd_start);
	assert_int_equal(l.initrd_len, initrd_len);
	assert_true(IS_ALIGNED(l.initrd_start, PAGE_SIZE));
	assert_int_equal(l.p2m_len, nr_pages * 8);
	if (!l.p2m_separate) {
		assert_true(l.initrd_start + ALIGN_UP(initrd_len, PAGE_SIZE) <= l.p2m_start);
		assert_true(l.p2m_start + p2m_bytes <= l.start_info);
	} else {
		assert_true(l.initrd_start + ALIGN_UP(initrd_len, PAGE_SIZE) <= l.start_info);
		/* Outside the region altogether. */
		assert_true(l.p2m_start + p2m_bytes <= l.v_start || l.p2m_start >= l.v_end);
	}
	assert_true(IS_ALIGNED(l.start_info, PAGE_SIZE));
	assert_int_equal(l.xenstore, l.start_info + PAGE_SIZE);
	assert_int_equal(l.console, l.xenstore + PAGE_SIZE);
	assert_true(l.console + PAGE_SIZE <= l.pt_start);
	assert_true(IS_ALIGNED(l.pt_start, PAGE_SIZE));
	assert_int_equal(l.stack, l.pt_start + l.pt_frames * PAGE_SIZE);
	/* The region ends 4 MiB aligned with at least 512 KiB after the stack,
	 * and no more than that rounding needs. */
	assert_true(IS_ALIGNED(l.v_end, MB(4)));
	assert_true(l.v_end >= after_stack + KB(512));
	assert_true(l.v_end - after_stack < KB(512) + MB(4));
	assert_int_equal(l.region_pages, (l.v_end - l.v_start) >> PAGE_SHIFT);
	assert_true(l.region_pages + (l.p2m_separate ? p2m_bytes >> PAGE_SHIFT : 0) <= nr_pages);
	/* Nothing in the hypervisor's range. */
	assert_true(guest_range_ok(l.v_start, l.v_end - l.v_start));
	/* Exactly as many page-table frames as mapping everything takes. */
	assert_int_equal(l.pt_frames, tables_needed());
}

/* ---- accepted layouts --------------------------------------------------- */

static void test_small_kernel(void **state)
{
	(void)state;
	img_make(VBASE + 0x1000, VBASE + 0x4800);
	img_virt_base(VBASE);
	assert_int_equal(compute(4096, 0), 0);
	assert_string_equal(err.msg, "");
	check_invariants(4096, 0);
	assert_int_equal(l.v_start, VBASE);
	assert_int_equal(l.kern_start, VBASE + 0x1000);
	assert_int_equal(l.kern_end, VBASE + 0x5000);
	assert_int_equal(l.initrd_start, VBASE + 0x5000);
	assert_false(l.p2m_separate);
	assert_int_equal(l.p2m_start, VBASE + 0x5000);
	assert_int_equal(l.start_info, VBASE + 0x5000 + KB(32));
	assert_int_equal(l.pt_start, l.start_info + 3 * PAGE_SIZE);
	/* L4, L3, L2 and the two L1s of a 4 MiB region on a 2 MiB boundary. */
	assert_int_equal(l.pt_frames, 5);
	assert_int_equal(l.v_end, VBASE + MB(4));
	assert_int_equal(l.region_pages, 1024);
}

static void test_small_kernel_initrd(void **state)
{
	(void)state;
	img_make(VBASE + 0x1000, VBASE + 0x4800);
	img_virt_base(VBASE);
	assert_int_equal(compute(4096, 10000), 0);
	check_invariants(4096, 10000);
	assert_int_equal(l.initrd_start, VBASE + 0x5000);
	assert_int_equal(l.p2m_start, VBASE + 0x5000 + 3 * PAGE_SIZE);
}

static void test_no_virt_base(void **state)
{
	(void)state;
	/* Without VIRT_BASE the region starts at the kernel's 4 MiB boundary. */
	img_make(0x401000, 0x480000);
	assert_int_equal(compute(2048, 0), 0);
	check_invariants(2048, 0);
	assert_int_equal(l.v_start, 0x400000);
}

static void test_linux_init_p2m(void **state)
{
	uint64_t nr = 65536;	/* 256 MiB: a 512 KiB p2m list */

	(void)state;
	img_make(LINUX_KERNEL, LINUX_KERNEL + MB(30) + 0x123);
	img_virt_base(VBASE);
	img_init_p2m(LINUX_P2M);
	assert_int_equal(compute(nr, MB(3) + 17), 0);
	check_invariants(nr, MB(3) + 17);
	assert_true(l.p2m_separate);
	assert_int_equal(l.p2m_start, LINUX_P2M);
	assert_int_equal(l.v_start, VBASE);
	assert_int_equal(l.kern_start, LINUX_KERNEL);
	assert_int_equal(l.initrd_start, ALIGN_UP(LINUX_KERNEL + MB(30) + 0x123, PAGE_SIZE));
	/* start_info follows the initrd directly: the p2m list is elsewhere. */
	assert_int_equal(l.start_info, l.initrd_start + ALIGN_UP(MB(3) + 17, PAGE_SIZE));
	/* Region: L3+L2 and one L1 per 2 MiB; the p2m list: its own L3, L2, L1. */
	assert_int_equal(l.pt_frames, 1 + 2 + (l.v_end - l.v_start) / MB(2) + 3);
}

static void test_linux_inline_p2m(void **state)
{
	(void)state;
	/* The same kernel without INIT_P2M carries the list in the region. */
	img_make(LINUX_KERNEL, LINUX_KERNEL + MB(30));
	img_virt_base(VBASE);
	assert_int_equal(compute(65536, 0), 0);
	check_invariants(65536, 0);
	assert_false(l.p2m_separate);
	assert_int_equal(l.p2m_start, LINUX_KERNEL + MB(30));
}

static void test_sweep_invariants(void **state)
{
	/* Places where the region, grown by its own page tables, crosses a
	 * 2 MiB, 1 GiB or 512 GiB boundary, for several sizes. */
	static const uint64_t bases[] = {
		VBASE, 0xffffffffbfc00000ULL, 0x0000007fffc00000ULL, 0x400000,
		0x0000007fff800000ULL,
	};
	static const uint64_t kern_sizes[] = { 0x1000, 0x1ff000, MB(2), MB(3) + 0x5000, MB(9) };
	static const uint64_t mems[] = { 1024, 4096, 65536 + 3, 262144 };
	static const uint64_t initrds[] = { 0, 1, MB(1) + 1 };
	unsigned int accepted = 0;

	(void)state;
	for (unsigned int b = 0; b < ARRAY_SIZE(bases); b++) {
		for (unsigned int k = 0; k < ARRAY_SIZE(kern_sizes); k++) {
			for (unsigned int m = 0; m < ARRAY_SIZE(mems); m++) {
				for (unsigned int i = 0; i < ARRAY_SIZE(initrds); i++) {
					int rc;

					img_make(bases[b] + 0x2000, bases[b] + 0x2000 + kern_sizes[k]);
					img_virt_base(bases[b]);
					rc = compute(mems[m], initrds[i]);
					if (rc != 0) {
						assert_int_equal(rc, -XEN_EINVAL);
						assert_non_null(strstr(err.msg, "memory too small"));
						continue;
					}
					check_invariants(mems[m], initrds[i]);
					accepted++;
				}
			}
		}
	}
	assert_true(accepted > 200);
}

static void test_sweep_p2m_sizes(void **state)
{
	(void)state;
	/* A separate p2m list whose size crosses 2 MiB and 1 GiB boundaries. */
	for (uint64_t nr = 16384; nr <= (1ULL << 22); nr = nr * 2 + 511) {
		img_make(LINUX_KERNEL, LINUX_KERNEL + MB(12));
		img_virt_base(VBASE);
		img_init_p2m(GB(1) - MB(2));
		assert_int_equal(compute(nr, 0), 0);
		check_invariants(nr, 0);
	}
}

/* ---- refusals ------------------------------------------------------------ */

static void expect_refused(int rc, const char *needle)
{
	if (rc != -XEN_EINVAL || strstr(err.msg, needle) == NULL) {
		fail_msg("rc %d msg \"%s\", wanted -EINVAL with \"%s\"", rc, err.msg, needle);
	}
}

static void test_memory_too_small(void **state)
{
	(void)state;
	img_make(VBASE + 0x1000, VBASE + 0x4800);
	img_virt_base(VBASE);
	/* A 4 MiB region cannot live in 1 MiB. */
	expect_refused(compute(256, 0), "memory too small");
	assert_non_null(strstr(err.msg, "needs 4096 KiB"));
	assert_non_null(strstr(err.msg, "gives 1024 KiB"));
	/* Exactly the region is enough; one page less is not. */
	assert_int_equal(compute(1024, 0), 0);
	expect_refused(compute(1023, 0), "memory too small");
	/* A separate p2m list counts too: 1027 entries take 3 more pages. */
	img_init_p2m(LINUX_P2M);
	expect_refused(compute(1026, 0), "memory too small");
	assert_int_equal(compute(1027, 0), 0);
	check_invariants(1027, 0);
}

static void test_virt_base_above_kernel(void **state)
{
	(void)state;
	img_make(VBASE + 0x1000, VBASE + 0x4800);
	img_virt_base(VBASE + 0x2000);
	expect_refused(compute(4096, 0), "VIRT_BASE");
	assert_non_null(strstr(err.msg, "below the kernel"));
	/* Below the kernel but not page aligned: refused too. */
	img_virt_base(VBASE + 0x800);
	expect_refused(compute(4096, 0), "page-aligned");
	/* Equal to the kernel's start is fine. */
	img_virt_base(VBASE + 0x1000);
	assert_int_equal(compute(4096, 0), 0);
	check_invariants(4096, 0);
}

static void test_region_in_hypervisor_range(void **state)
{
	(void)state;
	/* A kernel inside the hypervisor's slots. */
	img_make(HYPERVISOR_VIRT_START + MB(4) + 0x1000, HYPERVISOR_VIRT_START + MB(5));
	expect_refused(compute(4096, 0), "overlaps the hypervisor");
	/* A kernel at the top of the lower half whose region runs into the hole. */
	img_make(0x00007fffffc01000ULL, 0x00007fffffd00000ULL);
	assert_int_equal(compute(4096, 0), 0);	/* ends right at the hole: fine */
	check_invariants(4096, 0);
	img_make(0x00007fffffc01000ULL, 0x00007ffffff80000ULL);
	expect_refused(compute(4096, 0), "overlaps the hypervisor");
	/* A kernel right below the hypervisor range's end is fine only if the
	 * whole region is above it. */
	img_make(HYPERVISOR_VIRT_END - MB(4) + 0x1000, HYPERVISOR_VIRT_END - MB(3));
	expect_refused(compute(4096, 0), "overlaps the hypervisor");
	img_make(HYPERVISOR_VIRT_END + 0x1000, HYPERVISOR_VIRT_END + MB(1));
	assert_int_equal(compute(4096, 0), 0);
	check_invariants(4096, 0);
	/* A region that would wrap past the top of the address space. */
	img_make(0xffffffffffc01000ULL, 0xffffffffffd00000ULL);
	expect_refused(compute(4096, 0), "wraps");
}

static void test_bad_init_p2m(void **state)
{
	(void)state;
	img_make(LINUX_KERNEL, LINUX_KERNEL + MB(12));
	img_virt_base(VBASE);
	img_init_p2m(HYPERVISOR_VIRT_START);
	expect_refused(compute(65536, 0), "INIT_P2M");
	img_init_p2m(LINUX_P2M + 8);
	expect_refused(compute(65536, 0), "INIT_P2M");
	/* The list would run into the non-canonical hole. */
	img_init_p2m(0x00007ffffffff000ULL);
	expect_refused(compute(65536, 0), "not a usable guest address");
	/* Inside the boot region (just past the kernel). */
	img_init_p2m(LINUX_KERNEL + MB(12) + MB(1));
	expect_refused(compute(65536, 0), "overlaps the boot region");
	/* Just below the region, overlapping its first pages. */
	img_init_p2m(VBASE - PAGE_SIZE);
	expect_refused(compute(65536, 0), "overlaps the boot region");
}

static void test_huge_initrd(void **state)
{
	(void)state;
	/* An initrd that would carry the region past the top of the address
	 * space, or into the hole above the lower half, is refused whatever
	 * the memory size, never wrapped into a small layout. */
	img_make(LINUX_KERNEL, LINUX_KERNEL + MB(12));
	img_virt_base(VBASE);
	expect_refused(compute(P2M_MAX_PFN, GB(2)), "wraps");
	/* So large that the sum came back round above the kernel (this one
	 * used to be accepted, with the p2m list inside the kernel). */
	expect_refused(compute(P2M_MAX_PFN, UINT64_MAX - MB(1)), "the initrd alone");
	img_make(0x00007fff00001000ULL, 0x00007fff00100000ULL);
	expect_refused(compute(P2M_MAX_PFN, 1ULL << 38), "overlaps the hypervisor");
	/* Larger than all of memory, and larger than any p2m. */
	expect_refused(compute(4096, MB(16) + 1), "the initrd alone");
	assert_non_null(strstr(err.msg, "16777217 bytes"));
	expect_refused(compute(P2M_MAX_PFN + 1, 0), "more than the p2m");
	/* Within memory but not beside the kernel. */
	expect_refused(compute(4096, MB(15)), "memory too small");
}

static void test_kernel_spanning_top(void **state)
{
	(void)state;
	/* Segments low and at the very top: the region wraps back above the
	 * kernel's start (this used to be accepted). */
	img_make(0x401000, 0xfffffffffff00000ULL);
	expect_refused(compute(P2M_MAX_PFN, GB(1)), "wraps");
	expect_refused(compute(P2M_MAX_PFN, 0), "wraps");
	img_make(0x401000, 0xffff900000000000ULL);
	expect_refused(compute(P2M_MAX_PFN, 0), "overlaps the hypervisor");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_kernel),
		cmocka_unit_test(test_small_kernel_initrd),
		cmocka_unit_test(test_no_virt_base),
		cmocka_unit_test(test_linux_init_p2m),
		cmocka_unit_test(test_linux_inline_p2m),
		cmocka_unit_test(test_sweep_invariants),
		cmocka_unit_test(test_sweep_p2m_sizes),
		cmocka_unit_test(test_memory_too_small),
		cmocka_unit_test(test_virt_base_above_kernel),
		cmocka_unit_test(test_region_in_hypervisor_range),
		cmocka_unit_test(test_bad_init_p2m),
		cmocka_unit_test(test_huge_initrd),
		cmocka_unit_test(test_kernel_spanning_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
