/*
 * The TLB-flush clock (hv/tlb_clock.h). One CPU and interrupts off in the
 * hypervisor today, so plain variables; the per-CPU stamps and the
 * comparison are written for several CPUs already.
 *
 * Why a clock and not "flush on every free": a guest gives frames back in
 * batches and the hypervisor allocates in batches; one flush after the
 * last free covers every frame freed before it, and a CPU that reloaded
 * CR3 for a context switch in between has flushed already. The check sits
 * at allocation, the only point where a frame can reach a new user, so no
 * free path (decrease_reservation, teardown, a freed page table, a future
 * grant transfer through frame_free) can forget it.
 *
 * Wrap: the clock is 32 bits. When it wraps it restarts at 1 and every
 * CPU's stamp is forgotten (0: never flushed), so every frame stamped
 * before the wrap looks not yet flushed everywhere: the mistakes a wrap can
 * cause are extra flushes, never a missing one.
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/tlb_clock.h>

static uint32_t clock_now = 1;
static uint32_t cpu_flushed[TLB_CLOCK_CPUS] = { 1 };
static struct tlb_clock_counts counts;

void tlb_clock_reset(uint32_t start)
{
	clock_now = start == 0 ? 1 : start;
	for (unsigned int c = 0; c < TLB_CLOCK_CPUS; c++) {
		cpu_flushed[c] = clock_now;
	}
	counts = (struct tlb_clock_counts){ 0 };
}

uint32_t tlb_clock_now(void)
{
	return clock_now;
}

uint32_t tlb_clock_flush_begin(void)
{
	uint32_t t = clock_now + 1;

	if (t == 0) {
		t = 1;
		for (unsigned int c = 0; c < TLB_CLOCK_CPUS; c++) {
			cpu_flushed[c] = 0;
		}
	}
	clock_now = t;
	counts.flushes++;
	return t;
}

void tlb_clock_flush_done(unsigned int cpu, uint32_t t)
{
	BUG_ON(cpu >= TLB_CLOCK_CPUS);
	/* A flush that began before a wrap finishes with a stale t: keep the
	 * CPU "never flushed" rather than claim a time after the wrap. */
	if (t <= clock_now) {
		cpu_flushed[cpu] = t;
	}
}

uint64_t tlb_clock_stale_cpus(uint32_t stamp)
{
	uint64_t mask = 0;

	/* A CPU whose last flush began at t > stamp began after the frame was
	 * stamped, when no page table mapped it any more: it cannot hold a
	 * translation to it. t == stamp may have begun before the stamp. */
	for (unsigned int c = 0; c < TLB_CLOCK_CPUS; c++) {
		if (cpu_flushed[c] <= stamp) {
			mask |= 1ULL << c;
		}
	}
	return mask;
}

void tlb_clock_sync(uint32_t stamp)
{
	uint64_t mask = tlb_clock_stale_cpus(stamp);

	if (mask != 0) {
		uint64_t before = counts.flushes;

		counts.forced++;
		arch_tlb_flush_cpus(mask);
		/* The arch must have reported the flush (tlb_clock_flush_*). */
		BUG_ON(counts.flushes == before);
	}
}

void tlb_clock_counts(struct tlb_clock_counts *out)
{
	*out = counts;
}
