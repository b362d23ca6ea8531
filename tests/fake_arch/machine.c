/*
 * The fake machine: N frames of host memory standing in for RAM, the frame
 * table over them, and the arch hooks that only write memory (direct map,
 * boot-module map, M2P, hypervisor L4 slots, hypercall page). Everything is
 * recorded for tests to inspect. It must never hand out a pointer outside
 * the machine: an out-of-range frame is a panic, as it is a hypervisor bug.
 *
 * A fuzzer boots a fresh machine for every input, so the memory is kept
 * from one machine to the next and only the frames handed out since the
 * last boot (a dirty bitmap: every pointer into the machine comes from
 * arch_frame_map, arch_phys_map, fake_machine_ptr or fake_machine_write)
 * are filled with FAKE_POISON again: each new machine still starts all
 * poison, exactly as a freshly allocated one did, without a multi-megabyte
 * allocation, page faults and memset per input. Between machines the
 * memory is poisoned for ASan, so a stale pointer into an old machine is
 * still reported as it was when the memory was freed.
 */
#include <stdlib.h>
#include <fake_arch.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <public/xen.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAKE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FAKE_ASAN 1
#endif
#ifdef FAKE_ASAN
#include <sanitizer/asan_interface.h>
#define poison_for_asan(p, n)   __asan_poison_memory_region((p), (n))
#define unpoison_for_asan(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define poison_for_asan(p, n)   ((void)(p), (void)(n))
#define unpoison_for_asan(p, n) ((void)(p), (void)(n))
#endif

#include "fake_internal.h"

#define BITS 64

static uint8_t *machine;
static uint64_t machine_frames;
static uint64_t machine_cap;	/* frames allocated, >= machine_frames */
static uint64_t *dirty;		/* a bit per frame handed out since the last boot */
static struct frame_info *frame_table;
static uint64_t *m2p;
static uint64_t m2p_sets;
static unsigned int hv_slots_filled;
static unsigned int hypercall_pages;

static void mark_dirty(uint64_t first, uint64_t count)
{
	for (uint64_t i = first; i < first + count && i < machine_frames; i++) {
		dirty[i / BITS] |= 1ULL << (i % BITS);
	}
}

/* Every frame handed out since the last boot back to FAKE_POISON. */
static void repoison_dirty(void)
{
	for (uint64_t w = 0; w < (machine_cap + BITS - 1) / BITS; w++) {
		while (dirty[w] != 0) {
			uint64_t i = w * BITS + (uint64_t)__builtin_ctzll(dirty[w]);

			memset(machine + i * PAGE_SIZE, FAKE_POISON, PAGE_SIZE);
			dirty[w] &= dirty[w] - 1;
		}
	}
}

void fake_machine_fini(void)
{
	frame_table_init(NULL, 0);
	if (machine != NULL) {
		poison_for_asan(machine, machine_cap * PAGE_SIZE);
	}
	machine_frames = 0;
}

/* Memory for at least nr_frames, all FAKE_POISON, nothing dirty. */
static void machine_reserve(uint64_t nr_frames)
{
	if (nr_frames <= machine_cap) {
		unpoison_for_asan(machine, machine_cap * PAGE_SIZE);
		repoison_dirty();
		return;
	}
	if (machine != NULL) {
		unpoison_for_asan(machine, machine_cap * PAGE_SIZE);
	}
	free(machine);
	free(dirty);
	free(frame_table);
	free(m2p);
	machine = aligned_alloc(PAGE_SIZE, nr_frames * PAGE_SIZE);
	dirty = calloc((nr_frames + BITS - 1) / BITS, sizeof(*dirty));
	frame_table = calloc(nr_frames, sizeof(*frame_table));
	m2p = malloc(nr_frames * sizeof(*m2p));
	if (machine == NULL || dirty == NULL || frame_table == NULL || m2p == NULL) {
		fake_fatal("fake machine: cannot allocate %llu frames",
			   (unsigned long long)nr_frames);
	}
	memset(machine, FAKE_POISON, nr_frames * PAGE_SIZE);
	machine_cap = nr_frames;
}

void fake_machine_init(uint64_t nr_frames)
{
	fake_machine_fini();
	fake_records_reset();
	m2p_sets = 0;
	hv_slots_filled = 0;
	hypercall_pages = 0;
	if (nr_frames == 0) {
		return;
	}
	machine_reserve(nr_frames);
	/* Beyond this machine's end stays poisoned for ASan: an overrun is
	 * reported as it was past the end of a machine-sized allocation. */
	poison_for_asan(machine + nr_frames * PAGE_SIZE, (machine_cap - nr_frames) * PAGE_SIZE);
	for (uint64_t i = 0; i < nr_frames; i++) {
		m2p[i] = FAKE_M2P_UNSET;
	}
	machine_frames = nr_frames;
	frame_table_init(frame_table, nr_frames);
}

void fake_machine_boot(uint64_t nr_frames, uint64_t hv_frames)
{
	fake_machine_init(nr_frames);
	frame_mark(mfn(0), hv_frames, FRAME_HV);
	if (hv_frames < nr_frames) {
		frame_mark(mfn(hv_frames), nr_frames - hv_frames, FRAME_FREE);
	}
	frame_table_seal();
}

uint64_t fake_machine_frames(void)
{
	return machine_frames;
}

void *fake_machine_ptr(uint64_t maddr)
{
	if (machine_frames == 0 || maddr >= machine_frames * PAGE_SIZE) {
		return NULL;
	}
	/* The caller may write anywhere from there to the end. */
	mark_dirty(maddr / PAGE_SIZE, machine_frames);
	return machine + maddr;
}

void fake_machine_write(uint64_t maddr, const void *data, size_t len)
{
	uint64_t limit = machine_frames * PAGE_SIZE;

	if (maddr > limit || len > limit - maddr) {
		fake_fatal("fake machine: write of %zu bytes at 0x%llx beyond the machine", len,
			   (unsigned long long)maddr);
	}
	if (len == 0) {
		return;
	}
	mark_dirty(maddr / PAGE_SIZE, (maddr + len - 1) / PAGE_SIZE - maddr / PAGE_SIZE + 1);
	memcpy(machine + maddr, data, len);
}

uint64_t fake_machine_addr(const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)machine;

	if (machine_frames == 0 || a < base || a - base >= machine_frames * PAGE_SIZE) {
		return ~0ULL;
	}
	return a - base;
}

void *arch_frame_map(mfn_t m)
{
	if (mfn_x(m) >= machine_frames) {
		panic("fake arch: arch_frame_map(0x%llx) beyond the machine's %llu frames",
		      (unsigned long long)mfn_x(m), (unsigned long long)machine_frames);
	}
	mark_dirty(mfn_x(m), 1);
	return machine + mfn_x(m) * PAGE_SIZE;
}

const void *arch_phys_map(uint64_t paddr, uint64_t size)
{
	uint64_t limit = machine_frames * PAGE_SIZE;

	if (paddr > limit || size > limit - paddr) {
		panic("fake arch: arch_phys_map(0x%llx, %llu) beyond the machine",
		      (unsigned long long)paddr, (unsigned long long)size);
	}
	/* Read-only, but marked all the same: cheap, and safe from a cast. */
	if (size != 0) {
		mark_dirty(paddr / PAGE_SIZE, (paddr + size - 1) / PAGE_SIZE - paddr / PAGE_SIZE + 1);
	}
	return machine + paddr;
}

void arch_m2p_set(mfn_t m, uint64_t pfn)
{
	/* The real table ignores frames beyond its end too. */
	if (mfn_x(m) < machine_frames) {
		m2p[mfn_x(m)] = pfn;
	}
	m2p_sets++;
}

uint64_t arch_m2p_get(mfn_t m)
{
	return mfn_x(m) < machine_frames ? m2p[mfn_x(m)] : ~0ULL;
}

uint64_t fake_m2p_get(mfn_t m)
{
	return mfn_x(m) < machine_frames ? m2p[mfn_x(m)] : FAKE_M2P_UNSET;
}

uint64_t fake_m2p_set_count(void)
{
	return m2p_sets;
}

void arch_fill_hypervisor_slots(uint64_t *l4)
{
	for (unsigned int i = FAKE_HV_SLOT_FIRST; i <= FAKE_HV_SLOT_LAST; i++) {
		l4[i] = FAKE_HV_SLOT_ENTRY(i);
	}
	hv_slots_filled++;
}

unsigned int fake_hv_slots_filled(void)
{
	return hv_slots_filled;
}

void arch_hypercall_page_init(void *page)
{
	uint8_t *p = page;

	for (unsigned int i = 0; i < PAGE_SIZE / HYPERCALL_STUB_SIZE; i++) {
		memset(p + i * HYPERCALL_STUB_SIZE, FAKE_HYPERCALL_BYTE(i), HYPERCALL_STUB_SIZE);
	}
	hypercall_pages++;
}

unsigned int fake_hypercall_pages(void)
{
	return hypercall_pages;
}

bool fake_hypercall_page_ok(const void *page)
{
	const uint8_t *p = page;

	for (unsigned int i = 0; i < PAGE_SIZE; i++) {
		if (p[i] != FAKE_HYPERCALL_BYTE(i / HYPERCALL_STUB_SIZE)) {
			return false;
		}
	}
	return true;
}
