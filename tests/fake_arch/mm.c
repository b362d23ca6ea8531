/*
 * The fake arch's memory-model hooks (declared in hv/mm.h): TLB flushes,
 * root, GDT and LDT reloads. Each is counted for tests (fake_mm.h); the
 * flushes also drop what the fake TLB remembers (tlb.c, fake_tlb.h).
 */
#include <fake_mm.h>
#include <fake_tlb.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/mm.h>

static struct fake_mm_records rec;

const struct fake_mm_records *fake_mm(void)
{
	return &rec;
}

void fake_mm_reset(void)
{
	memset(&rec, 0, sizeof(rec));
	fake_tlb_reset();
}

/* One fake CPU: any mask naming it is a full flush of the whole fake TLB,
 * reported to the TLB-flush clock. */
void arch_tlb_flush_cpus(uint64_t cpu_mask)
{
	if (cpu_mask & 1) {
		rec.flush_all++;
		fake_tlb_flush_all();
	}
}

void arch_tlb_flush_all(void)
{
	arch_tlb_flush_cpus(~0ULL);
}

void arch_tlb_flush_vcpus(struct domain *d, uint64_t vcpu_mask)
{
	fake_tlb_flush_vcpus(d, vcpu_mask);
	rec.flush_vcpus++;
	rec.last_mask = vcpu_mask;
}

void arch_tlb_invlpg_vcpus(struct domain *d, uint64_t vcpu_mask, uint64_t va)
{
	fake_tlb_invlpg(d, vcpu_mask, va);
	rec.invlpg++;
	rec.last_mask = vcpu_mask;
	rec.last_va = va;
}

void arch_pv_root_changed(struct vcpu *v)
{
	rec.root_changes++;
	rec.last_root_vcpu = v;
}

void arch_pv_gdt_changed(struct vcpu *v, const mfn_t *frames, unsigned int nr,
			 unsigned int entries)
{
	(void)v;
	(void)frames;
	rec.gdt_changes++;
	rec.gdt_nr = nr;
	rec.gdt_entries = entries;
}

void arch_pv_ldt_changed(struct vcpu *v, uint64_t base, uint32_t ents)
{
	(void)v;
	rec.ldt_changes++;
	rec.ldt_base = base;
	rec.ldt_ents = ents;
}
