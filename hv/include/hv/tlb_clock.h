/*
 * The TLB-flush clock: when may a frame that guests could reach through
 * their TLBs be handed to someone else? Portable; the arch layer reports
 * every full flush it does, frame.c and the memory model ask.
 *
 * A global clock ticks once per full flush (every TLB entry and every
 * paging-structure-cache entry of guest translations, on one CPU); each
 * CPU keeps the clock value at which it last flushed. A frame that leaves
 * its owner (frame_free) or loses its page type (mm_put_page_type) is
 * stamped with the clock's value; no CPU may hold a translation to it made
 * after that moment (nothing maps it any more), so once every CPU's last
 * flush is later than the stamp, no TLB anywhere can reach it. Before the
 * frame is given to anyone (frame_alloc) or retyped, tlb_clock_sync()
 * flushes exactly the CPUs that have not flushed since.
 *
 * Never: report a flush that did not drop paging-structure caches too (an
 * invlpg of one address is not a full flush), or stamp a frame while a
 * current page-table entry still maps it.
 */
#ifndef HV_TLB_CLOCK_H
#define HV_TLB_CLOCK_H

#include <hv/types.h>

/* CPUs the clock tracks: one until SMP (then the arch's CPU count, and the
 * clock and stamps become atomics, as in Xen). */
#define TLB_CLOCK_CPUS 1

/* The stamp for a frame nothing maps any more: the clock's value now. */
uint32_t tlb_clock_now(void);

/* The arch, around each full flush of one CPU: begin before the flush
 * (ticks the clock, returns the new value), done after it on that CPU. */
uint32_t tlb_clock_flush_begin(void);
void tlb_clock_flush_done(unsigned int cpu, uint32_t t);

/* The CPUs (bit i = CPU i) that have not fully flushed since `stamp`. */
uint64_t tlb_clock_stale_cpus(uint32_t stamp);

/* Flush those CPUs (arch_tlb_flush_cpus), if any; on return no TLB holds a
 * translation made before `stamp` was taken. */
void tlb_clock_sync(uint32_t stamp);

/* Full flushes recorded, and those tlb_clock_sync had to ask for. */
struct tlb_clock_counts {
	uint64_t flushes;
	uint64_t forced;
};
void tlb_clock_counts(struct tlb_clock_counts *out);

/* Start again at `start` with every CPU just flushed (boot, and a fresh
 * fake machine); frame_table_init calls it with 1, so stamp 0 means "never
 * reachable by a guest". Tests start near the wrap. */
void tlb_clock_reset(uint32_t start);

#endif
