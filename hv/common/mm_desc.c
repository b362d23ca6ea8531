/*
 * Descriptor pages: GDT and LDT frames of a PV64 guest (type SEG_DESC) and
 * the update_descriptor hypercall (10). A descriptor frame is never
 * writable by the guest while the CPU may load from it, and every
 * descriptor in it passed mm_validate_descriptor().
 * Xen facts followed (check_descriptor in xen/arch/x86/pv/descriptor-tables.c):
 * a not-present descriptor is always safe; code and data descriptors are
 * accepted with their DPL raised to the guest kernel's ring (3 for a 64-bit
 * PV guest) and no base/limit checks; system type 0 is harmless. Xen also
 * accepts call gates (DPL forced to 0 and emulated on #GP); Moat has no
 * call-gate emulation and refuses them, with every other system descriptor.
 * It must never store a descriptor that grants ring 0-2, a gate or a TSS.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/emul_gate.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>

#include "mm_priv.h"

#define DESC_S       (1ULL << 44)	/* code or data (not system) */
#define DESC_DPL     (3ULL << 45)
#define DESC_P       (1ULL << 47)
#define DESC_TYPE(d) (((d) >> 40) & 0xf)
#define DESC_PER_PAGE (PAGE_SIZE / 8)

bool mm_validate_descriptor(uint64_t desc, uint64_t *fixed)
{
	if (!(desc & DESC_P)) {
		*fixed = desc;
		return true;
	}
	if (desc & DESC_S) {
		*fixed = desc | DESC_DPL;
		return true;
	}
	if (DESC_TYPE(desc) == 0) {
		*fixed = desc;
		return true;
	}
	return false;
}

/* The frame is typed SEG_DESC already (type_count 1), so the guest cannot
 * change it under us; checked whole before anything is rewritten. */
int mm_desc_page_validate(struct domain *d, mfn_t m)
{
	uint64_t *t = arch_frame_map(m);
	uint64_t fixed;

	for (unsigned int i = 0; i < DESC_PER_PAGE; i++) {
		if (!mm_validate_descriptor(mm_pte_read(&t[i]), &fixed)) {
			printk(LOG_DEBUG, "d%u: descriptor %u of frame %lx refused", d->id, i,
			       (unsigned long)mfn_x(m));
			return -XEN_EINVAL;
		}
	}
	for (unsigned int i = 0; i < DESC_PER_PAGE; i++) {
		(void)mm_validate_descriptor(mm_pte_read(&t[i]), &fixed);
		mm_pte_write(&t[i], fixed);
	}
	return 0;
}

int mm_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned int entries)
{
	struct domain *d = v->domain;
	struct mm_vcpu *mv = &d->mm.vcpu[v->id];
	mfn_t old[MM_GDT_MAX_FRAMES], new[MM_GDT_MAX_FRAMES];
	unsigned int nr, old_nr = mv->gdt_frames;
	int rc;

	BUG_ON(v->id >= MM_MAX_VCPUS);
	if (entries > MM_GDT_MAX_ENTRIES) {
		return -XEN_EINVAL;
	}
	nr = (unsigned int)index_nospec((entries + DESC_PER_PAGE - 1) / DESC_PER_PAGE,
					MM_GDT_MAX_FRAMES + 1);
	for (unsigned int i = 0; i < nr; i++) {
		new[i] = mfn(frames[i]);
		rc = mm_get_page_type(d, new[i], MM_TYPE_SEG_DESC);
		if (rc != 0) {
			while (i-- > 0) {
				mm_put_page_type(d, new[i]);
			}
			return rc;
		}
	}
	/* Commit: the arch stops using the old frames before they lose
	 * their type. */
	memcpy(old, mv->gdt, sizeof(old));
	memcpy(mv->gdt, new, nr * sizeof(new[0]));
	mv->gdt_frames = (uint8_t)nr;
	mv->gdt_entries = (uint16_t)entries;
	arch_pv_gdt_changed(v, mv->gdt, nr, entries);
	for (unsigned int i = 0; i < old_nr; i++) {
		mm_put_page_type(d, old[i]);
	}
	return 0;
}

void mm_set_ldt(struct vcpu *v, uint64_t base, uint32_t ents)
{
	struct domain *d = v->domain;
	struct mm_vcpu *mv = &d->mm.vcpu[v->id];
	uint16_t mapped = mv->ldt_mapped;

	BUG_ON(v->id >= MM_MAX_VCPUS || ents > MM_LDT_MAX_ENTRIES);
	if (mv->ldt_base == base && mv->ldt_ents == ents) {
		return;
	}
	mv->ldt_base = base;
	mv->ldt_ents = ents;
	mv->ldt_mapped = 0;
	arch_pv_ldt_changed(v, base, ents);
	for (unsigned int i = 0; i < MM_LDT_MAX_FRAMES; i++) {
		if (mapped & (1U << i)) {
			mm_put_page_type(d, mv->ldt[i]);
		}
	}
}

int mm_ldt_fault(struct vcpu *v, unsigned int page, mfn_t *m_out)
{
	struct domain *d = v->domain;
	struct mm_vcpu *mv = &d->mm.vcpu[v->id];
	unsigned int pages = (unsigned int)((mv->ldt_ents * 8ULL + PAGE_SIZE - 1) / PAGE_SIZE);
	mfn_t root = mm_kernel_root(v), l1, m;
	unsigned int idx;
	uint64_t e;
	int rc;

	BUG_ON(v->id >= MM_MAX_VCPUS);
	if (page >= pages) {
		return -XEN_EINVAL;
	}
	page = (unsigned int)index_nospec(page, MM_LDT_MAX_FRAMES);
	if (mv->ldt_mapped & (1U << page)) {
		*m_out = mv->ldt[page];
		return 0;
	}
	if (mfn_x(root) == INVALID_MFN_RAW) {
		return -XEN_EINVAL;
	}
	rc = mm_walk_to_l1(d, root, mv->ldt_base + (uint64_t)page * PAGE_SIZE, &l1, &idx);
	if (rc != 0) {
		return rc;
	}
	e = mm_pte_read((const uint64_t *)arch_frame_map(l1) + idx);
	if (!(e & _PAGE_PRESENT)) {
		return -XEN_EINVAL;
	}
	/* Typing the frame as descriptors is MMUEXT_SET_LDT's work, done
	 * lazily: it needs mmuext_op's permission (hv/common/emul_gate.c). */
	rc = emul_gate(v, EMUL_LDT_MAP);
	if (rc != 0) {
		return rc;
	}
	m = pte_mfn(e);
	rc = mm_get_page_type(d, m, MM_TYPE_SEG_DESC);
	if (rc != 0) {
		return rc;
	}
	mv->ldt[page] = m;
	mv->ldt_mapped |= (uint16_t)(1U << page);
	*m_out = m;
	return 0;
}

void mm_drop_desc_frames(struct domain *d, unsigned int vcpu_id)
{
	struct mm_vcpu *mv = &d->mm.vcpu[vcpu_id];

	for (unsigned int i = 0; i < MM_LDT_MAX_FRAMES; i++) {
		if (mv->ldt_mapped & (1U << i)) {
			mm_put_page_type(d, mv->ldt[i]);
		}
	}
	mv->ldt_mapped = 0;
	mv->ldt_base = 0;
	mv->ldt_ents = 0;
	for (unsigned int i = 0; i < mv->gdt_frames && i < MM_GDT_MAX_FRAMES; i++) {
		mm_put_page_type(d, mv->gdt[i]);
	}
	mv->gdt_frames = 0;
	mv->gdt_entries = 0;
}

/*
 * update_descriptor(maddr, desc): one descriptor in a frame of the caller's,
 * typed SEG_DESC (a GDT/LDT in use) or able to be WRITABLE (any other
 * frame that is not a page table), as Xen.
 */
int64_t do_update_descriptor(struct vcpu *curr, const struct hypercall_args *args)
{
	struct domain *d = curr->domain;
	uint64_t maddr = args->a[0], desc = args->a[1], fixed;
	mfn_t m = mfn(maddr >> PAGE_SHIFT);
	const struct frame_info *f = mm_frame_of(d, m);
	enum mm_type type;
	int rc;

	if ((maddr & 7) != 0 || !mm_validate_descriptor(desc, &fixed) || f == NULL) {
		return -XEN_EINVAL;
	}
	type = (f->type_count > 0 && f->type == MM_TYPE_SEG_DESC) ? MM_TYPE_SEG_DESC
								  : MM_TYPE_WRITABLE;
	rc = mm_get_page_type(d, m, type);
	if (rc != 0) {
		return rc;
	}
	mm_pte_write((uint64_t *)arch_frame_map(m) + ((maddr & (PAGE_SIZE - 1)) >> 3), fixed);
	mm_put_page_type(d, m);
	return 0;
}
