/*
 * The fake machine: N frames of host memory standing in for RAM, the frame
 * table over them, and the arch hooks that only write memory (direct map,
 * boot-module map, M2P, hypervisor L4 slots, hypercall page). Everything is
 * recorded for tests to inspect. It must never hand out a pointer outside
 * the machine: an out-of-range frame is a panic, as it is a hypervisor bug.
 */
#include <stdlib.h>
#include <fake_arch.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <public/xen.h>

#include "fake_internal.h"

static uint8_t *machine;
static uint64_t machine_frames;
static struct frame_info *frame_table;
static uint64_t *m2p;
static uint64_t m2p_sets;
static unsigned int hv_slots_filled;
static unsigned int hypercall_pages;

void fake_machine_fini(void)
{
	frame_table_init(NULL, 0);
	free(machine);
	free(frame_table);
	free(m2p);
	machine = NULL;
	frame_table = NULL;
	m2p = NULL;
	machine_frames = 0;
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
	machine = aligned_alloc(PAGE_SIZE, nr_frames * PAGE_SIZE);
	frame_table = calloc(nr_frames, sizeof(*frame_table));
	m2p = malloc(nr_frames * sizeof(*m2p));
	if (machine == NULL || frame_table == NULL || m2p == NULL) {
		fake_fatal("fake machine: cannot allocate %llu frames",
			   (unsigned long long)nr_frames);
	}
	memset(machine, FAKE_POISON, nr_frames * PAGE_SIZE);
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
	if (machine == NULL || maddr >= machine_frames * PAGE_SIZE) {
		return NULL;
	}
	return machine + maddr;
}

uint64_t fake_machine_addr(const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)machine;

	if (machine == NULL || a < base || a - base >= machine_frames * PAGE_SIZE) {
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
	return machine + mfn_x(m) * PAGE_SIZE;
}

const void *arch_phys_map(uint64_t paddr, uint64_t size)
{
	uint64_t limit = machine_frames * PAGE_SIZE;

	if (paddr > limit || size > limit - paddr) {
		panic("fake arch: arch_phys_map(0x%llx, %llu) beyond the machine",
		      (unsigned long long)paddr, (unsigned long long)size);
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
