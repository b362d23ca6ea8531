/*
 * The fake machine's TLB (tests/fake_arch/tlb.c): translations a vCPU made
 * by touching guest virtual addresses, remembered with the page-table
 * frames the walk went through (the paging-structure caches) until a flush
 * that covers them: arch_tlb_flush_cpus/arch_tlb_flush_all drop all, a
 * vCPU flush drops that vCPU's, an invlpg drops the address's entry and
 * the vCPU's cached walks. Root changes drop nothing: the fake is more
 * forgetful-proof than one CPU that reloads CR3 on every switch, so that
 * code which relies on a flush it did not ask for shows up.
 */
#ifndef FAKE_TLB_H
#define FAKE_TLB_H

#include <stddef.h>
#include <hv/types.h>

struct vcpu;
struct domain;

#define FAKE_TLB_ENTRIES 64

/*
 * v touches va (a write if write): walk v's current kernel root as the CPU
 * would (present at every level, writable at every level for a write) and
 * remember the translation. The frame reached, or INVALID_MFN_RAW when the
 * walk faults (nothing remembered then).
 */
mfn_t fake_tlb_touch(struct vcpu *v, uint64_t va, bool write);

/* The frame v reaches at va through what the fake TLB remembers (a stale
 * translation included), or INVALID_MFN_RAW; *writable says how. */
mfn_t fake_tlb_lookup(const struct vcpu *v, uint64_t va, bool *writable);

/* Forget everything (a new machine); not a flush the clock hears of. */
void fake_tlb_reset(void);
unsigned int fake_tlb_count(void);

/* The fake arch's flushes (tests/fake_arch/mm.c) call these. */
void fake_tlb_flush_all(void);
void fake_tlb_flush_vcpus(const struct domain *d, uint64_t vcpu_mask);
void fake_tlb_invlpg(const struct domain *d, uint64_t vcpu_mask, uint64_t va);

/*
 * The invariant: no frame is reachable through a remembered translation of
 * a vCPU of domain X (its leaf, or a page-table frame of its cached walk)
 * unless the translation is still the current one (the same walk through
 * X's validated tables from a root the vCPU uses), or the frame is free or
 * X's own and usable the way the stale entry would use it (a writable leaf
 * untyped or writable, a cached table untyped or still a table of that
 * level). 0, or -1 with the first violation in why.
 */
int fake_tlb_check(char *why, size_t why_len);

#endif
