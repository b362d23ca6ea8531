/*
 * What the portable memory model asks of the CPU: TLB flushes, a CR3
 * reload when a vCPU's root changes, and the guest's GDT frames mapped into
 * the GDT area (read-only: they are typed descriptor frames, checked by the
 * memory model). One CPU, no global guest mappings: a CR3 write flushes all.
 * The LDT is mapped lazily, page by page, as the CPU first touches it.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/mm.h>

static bool is_current_in(const struct domain *d, uint64_t mask)
{
	const struct vcpu *c = cpu0_info.current;

	return c != NULL && c->domain == d && c->id < 64 && (mask & (1ULL << c->id));
}

void arch_tlb_flush_all(void)
{
	arch_tlb_flush_cpus(~0ULL);
}

void arch_tlb_flush_vcpus(struct domain *d, uint64_t vcpu_mask)
{
	/* Other vCPUs flush when they are next switched in (CR3 write). */
	if (is_current_in(d, vcpu_mask)) {
		write_cr3(read_cr3());
	}
}

void arch_tlb_invlpg_vcpus(struct domain *d, uint64_t vcpu_mask, uint64_t va)
{
	if (is_current_in(d, vcpu_mask)) {
		invlpg(va);
	}
}

void arch_pv_root_changed(struct vcpu *v)
{
	mfn_t root = v->pv.kernel_mode ? v->pv.kernel_root : v->pv.user_root;

	if (cpu0_info.current != v || mfn_x(root) == INVALID_MFN_RAW) {
		return;
	}
	write_cr3(mfn_x(root) << PAGE_SHIFT);
}

void arch_pv_gdt_changed(struct vcpu *v, const mfn_t *frames, unsigned int nr,
			 unsigned int entries)
{
	(void)entries;
	v->arch.gdt_nr = MIN(nr, (unsigned int)GDT_GUEST_PAGES);
	for (unsigned int i = 0; i < v->arch.gdt_nr; i++) {
		v->arch.gdt[i] = frames[i];
	}
	if (cpu0_info.current == v) {
		gdt_load_guest(v->arch.gdt, v->arch.gdt_nr);
	}
}

void arch_pv_ldt_changed(struct vcpu *v, uint64_t base, uint32_t ents)
{
	(void)base;
	v->arch.ldt_ents = ents;
	if (cpu0_info.current == v) {
		ldt_load_guest(ents);
	}
}

static bool in_ldt_area(uint64_t a)
{
	return a >= LDT_VIRT_BASE && a < LDT_VIRT_BASE + (uint64_t)LDT_PAGES * PAGE_SIZE;
}

/* Map the LDT page holding a, if the memory model accepts its frame. */
static bool ldt_map(struct vcpu *v, uint64_t a)
{
	unsigned int page = (unsigned int)((a - LDT_VIRT_BASE) >> PAGE_SHIFT);
	mfn_t m;

	if (mm_ldt_fault(v, page, &m) != 0) {
		return false;
	}
	/*
	 * Writable in our supervisor-only mapping, as Xen maps it: the CPU sets
	 * a descriptor's accessed bit on load (a read-only page would fault for
	 * ever). The guest cannot write it: the frame holds a descriptor type.
	 */
	gdt_area_map(GDT_GUEST_PAGES + 2 + page, mfn_x(m) << PAGE_SHIFT, true);
	return true;
}

bool pv_ldt_fault_hv(struct vcpu *v, uint64_t cr2)
{
	/* Our own selector reload on a vCPU switch touched the guest's LDT. */
	return v != NULL && v->domain != NULL && in_ldt_area(cr2) && ldt_map(v, cr2);
}

bool pv_ldt_fault(struct vcpu *v, struct cpu_regs *r, uint64_t cr2)
{
	if (!in_ldt_area(cr2)) {
		return false;
	}
	if (ldt_map(v, cr2)) {
		return true;
	}
	/* As on Xen: the guest sees a #PF at its own LDT's linear address. */
	pv_vcpu_info(v)->arch.cr2 = v->domain->mm.vcpu[v->id].ldt_base + (cr2 - LDT_VIRT_BASE);
	pv_inject_exception(v, r, 14, (uint32_t)r->error_code & ~4U);
	return true;
}
