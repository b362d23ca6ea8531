/*
 * Builds a PV64 domain from a checked ELF image: allocates its frames, fills
 * the p2m, writes the bootstrap page tables (page-table pages mapped
 * read-only, the hypervisor's slots copied in), loads the kernel, the
 * initrd and the hypercall page, and fills start_info and shared_info.
 * Everything is sized and checked (pv_layout_compute, free frames) before
 * the first frame is taken.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/domain_build.h>
#include <hv/event.h>
#include <hv/features.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv.h>
#include <hv/pv_pt.h>
#include <public/errno.h>
#include <public/xen.h>

struct builder {
	struct domain *d;
	const struct pv_layout *l;
	uint64_t next_pt;	/* next unused page-table frame, index into the pt area */
	uint64_t *l4;
};

/* Guest pfn backing a bootstrap virtual address, or ~0 when outside. */
static uint64_t va_to_pfn(const struct pv_layout *l, uint64_t va)
{
	if (va >= l->v_start && va < l->v_end) {
		return (va - l->v_start) >> PAGE_SHIFT;
	}
	if (l->p2m_separate && va >= l->p2m_start &&
	    va < l->p2m_start + ALIGN_UP(l->p2m_len, PAGE_SIZE)) {
		return l->region_pages + ((va - l->p2m_start) >> PAGE_SHIFT);
	}
	return ~0ULL;
}

static void *pfn_map(struct builder *b, uint64_t pfn)
{
	mfn_t m = p2m_get(&b->d->p2m, pfn);

	BUG_ON(mfn_x(m) == INVALID_MFN_RAW);
	return arch_frame_map(m);
}

static void *va_map(struct builder *b, uint64_t va)
{
	uint64_t pfn = va_to_pfn(b->l, va);

	BUG_ON(pfn == ~0ULL);
	return (uint8_t *)pfn_map(b, pfn) + (va & (PAGE_SIZE - 1));
}

static int build_write(void *ctx, uint64_t va, const void *src, size_t len)
{
	struct builder *b = ctx;
	const uint8_t *s = src;

	while (len > 0) {
		size_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));

		if (va_to_pfn(b->l, va) == ~0ULL) {
			return -XEN_EINVAL;
		}
		memcpy(va_map(b, va), s, n);
		va += n;
		s += n;
		len -= n;
	}
	return 0;
}

static int build_zero(void *ctx, uint64_t va, size_t len)
{
	struct builder *b = ctx;

	while (len > 0) {
		size_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));

		if (va_to_pfn(b->l, va) == ~0ULL) {
			return -XEN_EINVAL;
		}
		memset(va_map(b, va), 0, n);
		va += n;
		len -= n;
	}
	return 0;
}

static uint64_t pt_pfn(const struct builder *b, uint64_t idx)
{
	return ((b->l->pt_start - b->l->v_start) >> PAGE_SHIFT) + idx;
}

static bool pfn_is_pt(const struct builder *b, uint64_t pfn)
{
	uint64_t first = pt_pfn(b, 0);

	return pfn >= first && pfn < first + b->l->pt_frames;
}

/* Map va to pfn in the bootstrap tables, taking table frames in order. */
static int build_map(struct builder *b, uint64_t va, uint64_t pfn)
{
	const uint64_t table_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
	uint64_t *table = b->l4;

	for (unsigned int level = 4; level > 1; level--) {
		uint64_t *e = &table[pt_index(va, level)];

		if (!(*e & _PAGE_PRESENT)) {
			if (b->next_pt >= b->l->pt_frames) {
				return -XEN_ENOMEM;
			}
			*e = pte_make(p2m_get(&b->d->p2m, pt_pfn(b, b->next_pt)), table_flags);
			b->next_pt++;
		}
		table = arch_frame_map(pte_mfn(*e));
	}
	uint64_t flags = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;

	/* A guest never gets a writable mapping of a page table. */
	if (!pfn_is_pt(b, pfn)) {
		flags |= _PAGE_RW;
	}
	table[pt_index(va, 1)] = pte_make(p2m_get(&b->d->p2m, pfn), flags);
	return 0;
}

static int build_page_tables(struct builder *b)
{
	const struct pv_layout *l = b->l;
	int rc;

	b->l4 = pfn_map(b, pt_pfn(b, 0));
	b->next_pt = 1;
	arch_fill_hypervisor_slots(b->l4);
	for (uint64_t i = 0; i < l->region_pages; i++) {
		rc = build_map(b, l->v_start + (i << PAGE_SHIFT), i);
		if (rc != 0) {
			return rc;
		}
	}
	if (l->p2m_separate) {
		uint64_t pages = ALIGN_UP(l->p2m_len, PAGE_SIZE) >> PAGE_SHIFT;

		for (uint64_t i = 0; i < pages; i++) {
			rc = build_map(b, l->p2m_start + (i << PAGE_SHIFT), l->region_pages + i);
			if (rc != 0) {
				return rc;
			}
		}
	}
	return 0;
}

static int build_memory(struct domain *d, uint64_t nr_pages)
{
	for (uint64_t pfn = 0; pfn < nr_pages; pfn++) {
		mfn_t m = frame_alloc(FRAME_GUEST, d->id);

		if (mfn_x(m) == INVALID_MFN_RAW) {
			return -XEN_ENOMEM;
		}
		memset(arch_frame_map(m), 0, PAGE_SIZE);
		if (p2m_set(&d->p2m, pfn, m) != 0) {
			frame_free(m);
			return -XEN_ENOMEM;
		}
		arch_m2p_set(m, pfn);
	}
	d->nr_pages = nr_pages;
	d->max_pages = nr_pages;
	return 0;
}

static void build_p2m_list(struct builder *b)
{
	for (uint64_t pfn = 0; pfn < b->l->nr_pages; pfn++) {
		uint64_t m = mfn_x(p2m_get(&b->d->p2m, pfn));

		build_write(b, b->l->p2m_start + pfn * 8, &m, sizeof(m));
	}
}

static void build_start_info(struct builder *b, const struct manifest_domain *md)
{
	const struct pv_layout *l = b->l;
	struct start_info *si = va_map(b, l->start_info);

	memset(si, 0, sizeof(*si));
	str_lcpy(si->magic, START_INFO_MAGIC, sizeof(si->magic));
	si->nr_pages = l->nr_pages;
	si->shared_info = mfn_x(b->d->shared_info_mfn) << PAGE_SHIFT;
	si->flags = md->privileged ? SIF_PRIVILEGED : 0;
	si->store_mfn = mfn_x(p2m_get(&b->d->p2m, va_to_pfn(l, l->xenstore)));
	si->store_evtchn = 0;	/* no event channels yet: 0 means not bound */
	si->console.domU.mfn = mfn_x(p2m_get(&b->d->p2m, va_to_pfn(l, l->console)));
	si->console.domU.evtchn = 0;
	si->pt_base = l->pt_start;
	si->nr_pt_frames = l->pt_frames;
	si->mfn_list = l->p2m_start;
	si->mod_start = l->initrd_len ? l->initrd_start : 0;
	si->mod_len = l->initrd_len;
	str_lcpy((char *)si->cmd_line, md->cmdline, sizeof(si->cmd_line));
	si->first_p2m_pfn = l->p2m_separate ? l->region_pages : 0;
	si->nr_p2m_frames = l->p2m_separate ? ALIGN_UP(l->p2m_len, PAGE_SIZE) >> PAGE_SHIFT : 0;
}

static int build_shared_info(struct domain *d)
{
	mfn_t m = frame_alloc(FRAME_GUEST, d->id);

	if (mfn_x(m) == INVALID_MFN_RAW) {
		return -XEN_ENOMEM;
	}
	d->shared_info_mfn = m;
	d->shared_info = arch_frame_map(m);
	memset(d->shared_info, 0, PAGE_SIZE);
	/* Upcalls start masked, as on Xen: the guest unmasks when it is ready. */
	d->shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	d->shared_info->arch.max_pfn = d->nr_pages;
	arch_m2p_set(m, ~0ULL);
	return 0;
}

static int check_features(const struct elf_image *img, const struct domain *d,
			  struct build_error *err)
{
	uint32_t missing = img->notes.features_required & ~hv_features_submap0(d);

	if (missing != 0) {
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "kernel requires Xen feature bit %d, which Moat does not provide yet",
			     __builtin_ctz(missing));
		return -XEN_EOPNOTSUPP;
	}
	return 0;
}

int domain_build_pv(struct domain *d, const struct manifest_domain *md,
		    const struct elf_image *img, const void *initrd, size_t initrd_len,
		    struct build_error *err)
{
	struct pv_layout layout;
	struct builder b = { .d = d, .l = &layout };
	uint64_t nr_pages = md->mem >> PAGE_SHIFT;
	struct guest_entry entry;
	int rc;

	rc = check_features(img, d, err);
	if (rc != 0) {
		return rc;
	}
	rc = pv_layout_compute(&layout, img, nr_pages, initrd_len, err);
	if (rc != 0) {
		return rc;
	}
	/* The guest's frames, the shared_info frame, the p2m's tables (a root,
	 * one per 2^18 pfns, one per 512), the vCPU's stack, the port table. */
	d->event.max_ports = md->evtchn_ports;
	if (!frame_reserve_check(nr_pages + 1 + 1 + ((nr_pages + (1ULL << 18) - 1) >> 18) +
				 ((nr_pages + 511) >> 9) + HV_VCPU_FRAMES +
				 evtchn_domain_frames(md->evtchn_ports) + GNTTAB_BUILD_FRAMES)) {
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "mem=%luK does not fit: %lu KiB of memory are free",
			     (unsigned long)(md->mem >> 10),
			     (unsigned long)(frame_free_count() * 4));
		return -XEN_ENOMEM;
	}
	rc = build_memory(d, nr_pages);
	if (rc == 0) {
		rc = build_shared_info(d);
	}
	if (rc == 0) {
		rc = evtchn_domain_init(d);
	}
	if (rc == 0) {
		/* Grant frame 0 now: the reserved console and xenstore refs are
		 * written into it once every domain exists (setup.c). */
		rc = gnttab_domain_init(d, md->grant_frames, md->maptrack);
	}
	if (rc == 0) {
		rc = build_page_tables(&b);
	}
	if (rc != 0) {
		fmt_snprintf(err->msg, sizeof(err->msg), "out of memory while building (%d)", rc);
		return rc;
	}
	rc = elf_load(img, build_write, build_zero, &b);
	if (rc == 0 && initrd_len > 0) {
		rc = build_write(&b, layout.initrd_start, initrd, initrd_len);
	}
	if (rc != 0) {
		fmt_snprintf(err->msg, sizeof(err->msg), "kernel segments do not fit the boot region");
		return rc;
	}
	if (img->notes.has_hypercall_page) {
		if (va_to_pfn(&layout, img->notes.hypercall_page) == ~0ULL) {
			fmt_snprintf(err->msg, sizeof(err->msg), "HYPERCALL_PAGE outside the image");
			return -XEN_EINVAL;
		}
		arch_hypercall_page_init(va_map(&b, img->notes.hypercall_page));
	}
	build_p2m_list(&b);
	build_start_info(&b, md);
	d->mm.gnt.console_ring = p2m_get(&d->p2m, va_to_pfn(&layout, layout.console));
	d->mm.gnt.store_ring = p2m_get(&d->p2m, va_to_pfn(&layout, layout.xenstore));
	d->mm.gnt.start_info = p2m_get(&d->p2m, va_to_pfn(&layout, layout.start_info));
	BUG_ON(layout.start_info & (PAGE_SIZE - 1));
	str_lcpy(d->label, md->label, sizeof(d->label));
	d->privileged = md->privileged;

	entry = (struct guest_entry){
		.rip = elf_entry(img),
		.rsp = layout.stack + PAGE_SIZE,
		.rsi = layout.start_info,
		.l4 = p2m_get(&d->p2m, pt_pfn(&b, 0)),
	};
	d->vcpus[0].id = 0;
	d->vcpus[0].domain = d;
	pv_vcpu_init(&d->vcpus[0].pv);
	evtchn_vcpu_init(&d->vcpus[0]);
	rc = arch_vcpu_create(&d->vcpus[0], &entry);
	if (rc != 0) {
		fmt_snprintf(err->msg, sizeof(err->msg), "cannot create vCPU 0 (%d)", rc);
		return rc;
	}
	d->vcpu_count = 1;
	/* Give the bootstrap tables their page types, pin the L4 and make it
	 * vCPU 0's kernel root, so the counts hold from the first instruction. */
	rc = mm_adopt_bootstrap_tables(d, entry.l4);
	if (rc != 0) {
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "the bootstrap page tables do not validate (%d)", rc);
		return rc;
	}
	printk(LOG_INFO,
	       "domain %u (%s): %lu KiB, kernel 0x%lx-0x%lx, entry 0x%lx, start_info 0x%lx, %lu page-table frames",
	       d->id, d->name, (unsigned long)(nr_pages * 4), (unsigned long)layout.kern_start,
	       (unsigned long)layout.kern_end, (unsigned long)entry.rip,
	       (unsigned long)layout.start_info, (unsigned long)layout.pt_frames);
	return 0;
}
