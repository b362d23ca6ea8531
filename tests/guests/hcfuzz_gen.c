/*
 * hcfuzz_gen.c: the fuzzer's random source and argument generators (see
 * hcfuzz.h). Everything here is a pure function of the seed and of what
 * the loop learned from earlier results, so a seed replays exactly.
 *
 * It must never hand out, as a place the hypervisor may write or map, a
 * frame or an address the fuzzer itself lives on: the classes below are
 * the only memory a generator may name.
 */
#include "hcfuzz.h"

struct hf_world hf;

/* ---- random source: splitmix64 --------------------------------------------- */

static uint64_t state;

void hf_seed(uint64_t seed)
{
	state = seed;
}

uint64_t hf_rand(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t hf_below(uint64_t n)
{
	return n ? hf_rand() % n : 0;
}

uint64_t hf_edge64(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 7, 8, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0xffff, 0x10000,
		0x7fffffff, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
		0x0000800000000000ULL, 0xffff800000000000ULL, 0x00007ffffffff000ULL,
	};

	if (hf_one_in(3)) {
		return hf_rand();
	}
	return edges[hf_below(ARRAY_SIZE(edges))] + (hf_one_in(4) ? hf_below(16) - 8 : 0);
}

uint32_t hf_edge32(void)
{
	return (uint32_t)hf_edge64();
}

uint32_t hf_count(uint32_t built)
{
	switch (hf_below(16)) {
	case 0:
		return 0;
	case 1:
		return built + 1 + (uint32_t)hf_below(3);
	case 2:
		return (uint32_t)hf_below(2) ? 0xffffffffU : 0x80000000U + (uint32_t)hf_below(2);
	case 3:
		return (uint32_t)hf_below(5000);
	default:
		return built;
	}
}

uint32_t hf_subop(uint32_t valid)
{
	return hf_below(8) ? (uint32_t)hf_below(valid) : hf_edge32();
}

/* ---- the arena and the tail pages ------------------------------------------ */

#define HF_ARENA_SLACK_END (HF_ARENA_SIZE - 256)

static uint8_t arena[HF_ARENA_SIZE] __attribute__((aligned(4096)));
static size_t arena_used;
static unsigned int tail_used;

static void fill_random(void *p, size_t len)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = hf_rand();
		size_t n = len - i < 8 ? len - i : 8;

		memcpy(b + i, &r, n);
	}
}

void hf_arena_reset(void)
{
	arena_used = 0;
	tail_used = 0;
}

void *hf_alloc(size_t len)
{
	size_t at = (arena_used + 7) & ~(size_t)7;
	void *p;

	/* The last bytes stay free: a string the hypervisor writes a little
	 * longer than asked for still lands in the arena. */
	if (len > HF_ARENA_SLACK_END || at > HF_ARENA_SLACK_END - len) {
		return NULL;
	}
	p = arena + at;
	arena_used = at + len;
	fill_random(p, len);
	return p;
}

void *hf_alloc_tail(size_t len)
{
	uint64_t page;
	void *p;

	if (len == 0 || len > RT_PAGE_SIZE || tail_used >= HF_TAIL_PAGES) {
		return NULL;
	}
	page = HF_TAIL_VA + 2ULL * tail_used++ * RT_PAGE_SIZE;
	p = (void *)(page + RT_PAGE_SIZE - len);
	fill_random(p, len);
	return p;
}

void *hf_batch(uint32_t n, size_t size, uint32_t *count)
{
	void *p = hf_alloc_tail(n * size);

	if (p != NULL) {
		*count = hf_count(n);
		return p;
	}
	*count = hf_one_in(16) ? 0 : n;
	return hf_alloc(n * size);
}

/* ---- pointers -------------------------------------------------------------- */

#define HV_DIRECT_MAP 0xffff830000000000ULL
#define NONCANON_LO   0x0000800000000000ULL

uint64_t hf_bad_ptr(size_t len)
{
	uint64_t half = len / 2;

	switch (hf_below(11)) {
	case 0:
		return HYPERVISOR_VIRT_START + hf_below(16) * 8;	/* the M2P */
	case 1:
		return HV_DIRECT_MAP + hf_below(1ULL << 30);
	case 2:
		return HYPERVISOR_VIRT_END - half - hf_below(64);	/* crosses its end */
	case 3:
		return HYPERVISOR_VIRT_START - half;	/* from non-canonical into it */
	case 4:
		return NONCANON_LO + hf_below(1ULL << 47);
	case 5:
		return NONCANON_LO - half;	/* crosses into non-canonical */
	case 6:
		return hf_below(2) ? 0 : hf_below(RT_PAGE_SIZE);
	case 7:
		/* The user half: the fuzzer never maps anything below 2^47. */
		return hf_below(NONCANON_LO) & ~7ULL;
	case 8:
		return hf_rand();
	case 9:
		return HYPERVISOR_VIRT_START + hf_below(HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START);
	default:
		return HYPERVISOR_VIRT_END - 8;
	}
}

extern char __user_text_end[];

uint64_t hf_ptr(const void *valid, size_t len, unsigned int classes)
{
	unsigned int pick = (unsigned int)hf_below(16);

	if (valid != NULL && pick < 11) {
		return (uint64_t)valid;
	}
	for (unsigned int tries = 0; tries < 4; tries++) {
		switch (hf_below(6)) {
		case 0:
			if (classes & HF_P_SCRATCH) {
				return HF_SCR_VA + hf_below(HF_SCR_PAGES * RT_PAGE_SIZE);
			}
			break;
		case 1:
			if (classes & HF_P_RO) {
				return hf.ro_va + hf_below(RT_PAGE_SIZE);
			}
			break;
		case 2:
			if (classes & HF_P_TEXT) {
				return (uint64_t)_image_start +
				       hf_below((uint64_t)(__user_text_end - _image_start));
			}
			break;
		case 3:
			if ((classes & HF_P_SINK) && len < HF_SINK_PAGES * RT_PAGE_SIZE) {
				return (uint64_t)hf.sink +
				       hf_below(HF_SINK_PAGES * RT_PAGE_SIZE - len);
			}
			break;
		default:
			return hf_bad_ptr(len);
		}
	}
	return hf_bad_ptr(len);
}

uint64_t hf_map_va(void)
{
	uint64_t va;

	switch (hf_below(8)) {
	case 0:
		return hf_bad_ptr(RT_PAGE_SIZE);
	case 1:
		/* The user half: our root has no L3 for it (and no call may
		 * give it one), so a mapping there must be refused. */
		return hf_below(NONCANON_LO);
	case 2:
		/* The rest of the scratch L2's gigabyte: an L1 is there only
		 * where a call linked a scratch frame in as one. */
		return HF_SCR_VA + hf_below(512) * (2ULL << 20) + hf_below(512) * RT_PAGE_SIZE;
	default:
		va = HF_SCR_VA + hf_below(HF_SCR_PAGES) * RT_PAGE_SIZE;
		return hf_one_in(16) ? va + hf_below(RT_PAGE_SIZE) : va;
	}
}

/* ---- frames ---------------------------------------------------------------- */

static bool own(uint64_t m)
{
	return m <= hf.max_mfn && (hf.own[m / 8] >> (m % 8)) & 1;
}

static uint64_t scratch_mfn(void)
{
	return hf.scratch[hf_below(hf.scratch_count)];
}

static uint64_t mfn_of_class(unsigned int cls)
{
	static const uint64_t edges[] = {
		0, 1, ~0ULL, ~0ULL >> 12, 0xffffffffULL, 0x100000000ULL, 1ULL << 40,
		(1ULL << 52) - 1, 0x7fffffffffffffffULL,
	};
	uint64_t m;

	switch (cls) {
	case HF_M_SCRATCH:
		return scratch_mfn();
	case HF_M_SINK:
		return hf.sink_mfn[hf_below(HF_SINK_PAGES)];
	case HF_M_FOREIGN:
		return hf.foreign_count ? hf.foreign[hf_below(hf.foreign_count)] : hf.max_mfn + 1;
	case HF_M_RANDOM:
		m = hf_below(hf.max_mfn + 1);
		return own(m) ? scratch_mfn() : m;
	case HF_M_TREE:
		return hf.scr_tree[hf_below(3)];
	case HF_M_LIVEPT:
		return hf.live_pt[hf_below(hf.live_pt_count)];
	case HF_M_GNT:
		return hf.gnt_mfn;
	case HF_M_SHINFO:
		return hf.shinfo_mfn;
	default:
		if (hf_below(2)) {
			return hf.max_mfn + 1 + hf_below(64);
		}
		return edges[hf_below(ARRAY_SIZE(edges))];
	}
}

uint64_t hf_mfn(unsigned int classes)
{
	unsigned int bits[16], n = 0;

	for (unsigned int b = 0; b < 16; b++) {
		if (classes & (1u << b)) {
			bits[n++] = 1u << b;
		}
	}
	if (n == 0) {
		return mfn_of_class(HF_M_EDGE);
	}
	return mfn_of_class(bits[hf_below(n)]);
}

uint64_t hf_pte(unsigned int classes)
{
	uint64_t flags;

	if (hf_one_in(16)) {
		return hf_one_in(2) ? 0 : hf_rand();
	}
	if (hf_below(8) < 3 && (classes & HF_M_SCRATCH)) {
		/* A plain mapping of a scratch frame: the paths that succeed. */
		return (hf_mfn(HF_M_SCRATCH) << 12) | (hf_below(2) ? PTE_DATA : PTE_RO);
	}
	flags = PTE_P | (hf_rand() & (PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_A | PTE_D |
				      PTE_G | 0xe00ULL));
	if (hf_one_in(8)) {
		flags &= ~PTE_P;
	}
	if (hf_one_in(16)) {
		flags |= PTE_PSE;
	}
	if (hf_one_in(8)) {
		flags |= PTE_NX;
	}
	if (hf_one_in(16)) {
		flags |= hf_rand() & 0x7ff0000000000000ULL;	/* reserved/avail high bits */
	}
	return ((hf_mfn(classes) << 12) & PTE_ADDR) | flags;
}

/* ---- ids --------------------------------------------------------------- */

domid_t hf_domid(void)
{
	static const domid_t ids[] = {
		DOMID_SELF, DOMID_IO, DOMID_XEN, DOMID_INVALID, 0x7ff3, 0xffff, 0,
	};

	switch (hf_below(8)) {
	case 0:
	case 1:
		return DOMID_SELF;
	case 2:
		return hf.self;
	case 3:
	case 4:
		return hf.peer;
	case 5:
		return (domid_t)hf_below(10);
	case 6:
		return ids[hf_below(ARRAY_SIZE(ids))];
	default:
		return (domid_t)hf_rand();
	}
}

domid_t hf_other_domid(void)
{
	domid_t d;

	do {
		d = hf_domid();
	} while (d == DOMID_SELF || d == hf.self);
	return d;
}

evtchn_port_t hf_port(void)
{
	static const evtchn_port_t edges[] = {
		0, 1, 63, 64, 1023, 1024, 4095, 4096, 0x1ffff, 0x20000, 0x7fffffff, ~0U,
	};

	if (hf.port_count && hf_below(2)) {
		return hf.ports[hf_below(hf.port_count)];
	}
	switch (hf_below(4)) {
	case 0:
		return edges[hf_below(ARRAY_SIZE(edges))];
	case 1:
		return (evtchn_port_t)hf_rand();
	default:
		return (evtchn_port_t)hf_below(64);
	}
}

grant_ref_t hf_gref(void)
{
	switch (hf_below(6)) {
	case 0:
		return (grant_ref_t)hf_below(RT_GNT_FIRST_FREE);	/* the reserved ones */
	case 1:
		return (grant_ref_t)(RT_GNT_PER_FRAME - 1 + hf_below(3));
	case 2:
		return hf_edge32();
	default:
		return (grant_ref_t)(RT_GNT_FIRST_FREE + hf_below(RT_GNT_PER_FRAME - RT_GNT_FIRST_FREE));
	}
}

uint64_t hf_time(void)
{
	uint64_t now = hf.last_time;

	switch (hf_below(8)) {
	case 0:
		return 0;
	case 1:
		return now - hf_below(now + 1);
	case 2:
		return hf_edge64();
	case 3:
		return now + (1ULL << 50) + hf_below(1ULL << 40);
	default:
		return now + hf_below(200000);
	}
}
