/*
 * hcfuzz_world.c: the memory the fuzzer hands out and the facts its
 * generators draw on, set up once before the first call: which frames are
 * ours, scratch frames, the scratch region with its own L3/L2/L1, the tail
 * pages with their unmapped guards, a read-only pattern page, the sink,
 * vcpu_info's own page, console text, a canary, and other domains' frames
 * (found in the M2P). Also the checks that memory we never handed out is
 * unchanged, and the repair of the scratch region's links.
 *
 * It must never put a frame the fuzzer lives on into a class the
 * generators may write or map (see hcfuzz.h).
 */
#include "hcfuzz.h"

#define MAX_FRAMES   (1ULL << 20)	/* frames the ownership bitmap covers */
#define TEXT_SIZE    (40 * 1024)
#define CANARY_WORDS 4096
/* Window k + 1 lies just below window k. The pattern page has the fill
 * window after it, unmapped whenever a call runs, so a structure that
 * starts on the pattern page and runs past its end faults rather than
 * reading another page of ours (the grant table, say: zeros are a valid
 * set_trap_table(NULL) multicall entry). */
#define WIN_GRANT    RT_WIN_TEST		/* our grant table, read-write */
#define WIN_FILL     (RT_WIN_TEST + 2)		/* to fill a frame (hcfuzz_mm.c too) */
#define WIN_RO       (RT_WIN_TEST + 3)		/* the pattern page, read-only */

static uint8_t own_bits[MAX_FRAMES / 8];
static uint8_t sink[HF_SINK_PAGES * RT_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t vcpu_page[RT_PAGE_SIZE] __attribute__((aligned(4096)));
static char text[TEXT_SIZE];
static uint64_t canary[CANARY_WORDS];
static uint64_t tree_link[2];	/* the scratch L3's and L2's entries as built */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

static void own_set(uint64_t m, bool on)
{
	if (m <= hf.max_mfn) {
		if (on) {
			own_bits[m / 8] |= (uint8_t)(1u << (m % 8));
		} else {
			own_bits[m / 8] &= (uint8_t)~(1u << (m % 8));
		}
	}
}

void hfw_own_add(uint64_t mfn)
{
	own_set(mfn, true);
	if (hf.scratch_count < ARRAY_SIZE(hf.scratch)) {
		hf.scratch[hf.scratch_count++] = mfn;
	}
}

void hfw_own_drop(uint64_t mfn)
{
	own_set(mfn, false);
}

static uint64_t alloc_mfn(void)
{
	uint64_t pfn = rt_frame_alloc();

	if (pfn == 0) {
		test_fail("setup", "out of frames");
		test_end();
	}
	return rt_pfn_to_mfn(pfn);
}

static void must(long rc, const char *what)
{
	if (rc != 0) {
		test_fail("setup", "%s: rc %ld", what, rc);
		test_end();
	}
}

/* The pattern of the read-only page: printable lines, so a console write
 * from it prints text. */
static char ro_byte(unsigned int i)
{
	return (i % 64) == 63 ? '\n' : (char)('a' + (i * 7 + i / 64) % 26);
}

static void ro_page_init(void)
{
	uint64_t mfn = alloc_mfn();
	uint64_t fill = rt_window(WIN_FILL);

	must(rt_map(fill, mfn, PTE_DATA), "map the pattern page");
	for (unsigned int i = 0; i < RT_PAGE_SIZE; i++) {
		((char *)fill)[i] = ro_byte(i);
	}
	must(rt_unmap(fill), "unmap the pattern page");
	hf.ro_va = rt_window(WIN_RO);
	must(rt_map(hf.ro_va, mfn, PTE_RO), "map the pattern page read-only");
}

bool hfw_ro_intact(unsigned int *bad_at)
{
	const volatile char *p = (const volatile char *)hf.ro_va;

	for (unsigned int i = 0; i < RT_PAGE_SIZE; i++) {
		if (p[i] != ro_byte(i)) {
			*bad_at = i;
			return false;
		}
	}
	return true;
}

unsigned int hfw_canary_damage(void)
{
	const volatile uint64_t *p = canary;
	unsigned int bad = 0;

	for (unsigned int i = 0; i < CANARY_WORDS; i++) {
		bad += p[i] != mix(0x63616e617279ULL + i);
	}
	return bad;
}

extern char __user_text_end[];

uint64_t hfw_text_sum(void)
{
	const volatile uint64_t *p = (const volatile uint64_t *)_image_start;
	uint64_t n = (uint64_t)(__user_text_end - _image_start) / 8, sum = 0;

	for (uint64_t i = 0; i < n; i++) {
		sum = mix(sum ^ p[i]);
	}
	return sum;
}

/* The table frame holding va's entry at `level`. */
static uint64_t table_of(uint64_t va, int level)
{
	return rt_pte_maddr(va, level) >> 12;
}

static void regions_init(void)
{
	uint64_t image = (uint64_t)_image_start;

	/* The scratch region: its own L3, L2 and L1 under a fresh L4 slot. */
	must(rt_ensure_l1(HF_SCR_VA), "scratch region tables");
	hf.scr_tree[0] = table_of(HF_SCR_VA, 3);
	hf.scr_tree[1] = table_of(HF_SCR_VA, 2);
	hf.scr_tree[2] = table_of(HF_SCR_VA, 1);
	tree_link[0] = rt_pte_get(HF_SCR_VA, 3);
	tree_link[1] = rt_pte_get(HF_SCR_VA, 2);

	/* Tail pages at even slots of another fresh slot; odd slots stay
	 * unmapped guards. */
	must(rt_ensure_l1(HF_TAIL_VA), "tail region tables");
	for (unsigned int i = 0; i < HF_TAIL_PAGES; i++) {
		must(rt_map(HF_TAIL_VA + 2ULL * i * RT_PAGE_SIZE, alloc_mfn(), PTE_DATA),
		     "map a tail page");
	}

	/* Tables we run on: only ever named where they must be refused. */
	hf.live_pt[hf.live_pt_count++] = rt_l4_mfn;
	hf.live_pt[hf.live_pt_count++] = table_of(image, 3);
	hf.live_pt[hf.live_pt_count++] = table_of(image, 2);
	hf.live_pt[hf.live_pt_count++] = table_of(image, 1);
	hf.live_pt[hf.live_pt_count++] = table_of(rt_region_end - RT_PAGE_SIZE, 1);
	hf.live_pt[hf.live_pt_count++] = table_of(HF_TAIL_VA, 3);
	hf.live_pt[hf.live_pt_count++] = table_of(HF_TAIL_VA, 1);
}

/* Frames other domains own: the M2P names a pfn for them. */
static void foreign_scan(void)
{
	uint64_t seen = 0;

	for (uint64_t m = 0; m <= hf.max_mfn; m++) {
		uint64_t v = ~0ULL;
		unsigned int traps = rt_last_trap.count;

		if (own_bits[m / 8] & (1u << (m % 8))) {
			continue;
		}
		__asm__ volatile(RT_TRY("movq (%1), %0")
				 : "+r"(v)
				 : "r"(MACH2PHYS_VIRT_START + m * 8)
				 : "memory");
		if (rt_last_trap.count != traps || v >= (1ULL << 20)) {
			continue;
		}
		/* Reservoir sampling: every candidate equally likely. */
		if (hf.foreign_count < HF_FOREIGN_MAX) {
			hf.foreign[hf.foreign_count++] = m;
		} else {
			uint64_t j = hf_below(seen + 1);

			if (j < HF_FOREIGN_MAX) {
				hf.foreign[j] = m;
			}
		}
		seen++;
	}
}

void hfw_init(domid_t self, domid_t peer)
{
	long max;

	hf.self = self;
	hf.peer = peer;
	max = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	if (max <= 0) {
		must(max ? max : -XEN_EINVAL, "maximum_ram_page");
	}
	hf.max_mfn = (uint64_t)max < MAX_FRAMES ? (uint64_t)max : MAX_FRAMES - 1;
	hf.own = own_bits;
	for (uint64_t pfn = 0; pfn < rt_start_info->nr_pages; pfn++) {
		own_set(rt_p2m[pfn], true);
	}
	must(rt_gnt_init(WIN_GRANT), "grant table");
	hf.gnt_mfn = rt_va_to_mfn(rt_window(WIN_GRANT));
	hf.shinfo_mfn = rt_start_info->shared_info >> 12;
	regions_init();
	ro_page_init();
	for (unsigned int i = 0; i < HF_SCRATCH; i++) {
		hf.scratch[hf.scratch_count++] = alloc_mfn();
	}
	hf.sink = sink;
	for (unsigned int i = 0; i < HF_SINK_PAGES; i++) {
		hf.sink_mfn[i] = rt_va_to_mfn((uint64_t)sink + i * RT_PAGE_SIZE);
	}
	hf.vcpu_page = vcpu_page;
	hf.vcpu_page_mfn = rt_va_to_mfn((uint64_t)vcpu_page);
	for (unsigned int i = 0; i < TEXT_SIZE; i++) {
		text[i] = (i % 72) == 71 ? '\n' : "hcfuzz console text 0123456789 "[i % 72 % 31];
	}
	hf.text = text;
	hf.text_len = TEXT_SIZE;
	for (unsigned int i = 0; i < CANARY_WORDS; i++) {
		canary[i] = mix(0x63616e617279ULL + i);
	}
	foreign_scan();
}

bool hfw_repair(void)
{
	bool broken = false;

	/* rt_pt_set fails harmlessly when a random call retyped the table. */
	if (rt_pte_get(HF_SCR_VA, 3) != tree_link[0]) {
		broken = true;
		rt_pt_set(hf.scr_tree[0], PT_INDEX(HF_SCR_VA, 3), tree_link[0]);
	}
	if (rt_pte_get(HF_SCR_VA, 2) != tree_link[1]) {
		broken = true;
		rt_pt_set(hf.scr_tree[1], PT_INDEX(HF_SCR_VA, 2), tree_link[1]);
	}
	return broken;
}
