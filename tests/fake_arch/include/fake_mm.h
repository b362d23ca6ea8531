/*
 * The fake arch's side of the memory model's hooks (tests/fake_arch/mm.c):
 * nothing to flush or load on the fake machine, so every call is counted
 * and the last arguments kept for tests to look at.
 */
#ifndef FAKE_MM_H
#define FAKE_MM_H

#include <hv/types.h>

struct vcpu;

struct fake_mm_records {
	unsigned int flush_all;		/* full flushes: arch_tlb_flush_all or _cpus */
	unsigned int flush_vcpus;	/* arch_tlb_flush_vcpus */
	unsigned int invlpg;		/* arch_tlb_invlpg_vcpus */
	uint64_t last_mask;		/* vcpu_mask of the last flush or invlpg */
	uint64_t last_va;		/* va of the last invlpg */
	unsigned int root_changes;	/* arch_pv_root_changed */
	struct vcpu *last_root_vcpu;
	unsigned int gdt_changes;	/* arch_pv_gdt_changed */
	unsigned int gdt_nr, gdt_entries;
	unsigned int ldt_changes;	/* arch_pv_ldt_changed */
	uint64_t ldt_base;
	uint32_t ldt_ents;
};

const struct fake_mm_records *fake_mm(void);
void fake_mm_reset(void);

#endif
