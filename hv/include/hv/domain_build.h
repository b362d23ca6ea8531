/*
 * The PV64 domain builder: turns a checked ELF image and a manifest entry
 * into a domain ready to run, laid out as Xen's PV ABI promises (kernel,
 * initrd, p2m list, start_info, xenstore and console pages, bootstrap page
 * tables, stack, all in one virtual region mapped 1:1 onto the first guest
 * frames). It checks that everything fits before it allocates anything.
 */
#ifndef HV_DOMAIN_BUILD_H
#define HV_DOMAIN_BUILD_H

#include <hv/elf.h>
#include <hv/manifest.h>
#include <hv/types.h>

struct domain;

struct build_error {
	char msg[160];
};

/* The virtual layout, computed without side effects (unit-testable). */
struct pv_layout {
	uint64_t v_start, v_end;		/* bootstrap region */
	uint64_t kern_start, kern_end;
	uint64_t initrd_start, initrd_len;
	uint64_t p2m_start, p2m_len;		/* guest's mfn_list */
	bool p2m_separate;			/* at INIT_P2M, outside the region */
	uint64_t start_info, xenstore, console;
	uint64_t pt_start;
	uint64_t pt_frames;
	uint64_t stack;				/* the stack page; rsp = stack + 4K */
	uint64_t nr_pages;
	uint64_t region_pages;			/* pages of [v_start, v_end) */
};

int pv_layout_compute(struct pv_layout *l, const struct elf_image *img, uint64_t nr_pages,
		      uint64_t initrd_len, struct build_error *err);

/*
 * Build d from img (and an optional initrd image). Returns 0, or a negative
 * errno with err filled; on failure everything allocated is given back.
 */
int domain_build_pv(struct domain *d, const struct manifest_domain *md,
		    const struct elf_image *img, const void *initrd, size_t initrd_len,
		    struct build_error *err);

#endif
