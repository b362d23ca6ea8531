/*
 * The PV64 boot layout, computed from the kernel image and the memory size
 * alone (no allocation, no side effects): where the kernel, initrd, p2m
 * list, start_info, xenstore and console pages, bootstrap page tables and
 * stack go, and how many page-table frames map them all.
 */
#include <hv/domain_build.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/p2m.h>
#include <hv/pv_pt.h>
#include <public/errno.h>

#define MB(x)       ((uint64_t)(x) << 20)
#define PAD_AFTER   (512ULL << 10)	/* the ABI promises 512 KiB of slack */
#define REGION_ALIGN MB(4)

struct va_range {
	uint64_t start, end;
};

/* Distinct span-aligned blocks touched by up to two ranges. */
static uint64_t blocks_touched(const struct va_range *r, unsigned int n, uint64_t span)
{
	uint64_t s[2], e[2], total = 0;

	for (unsigned int i = 0; i < n; i++) {
		s[i] = ALIGN_DOWN(r[i].start, span);
		e[i] = ALIGN_DOWN(r[i].end - 1, span) + span;
		/* e may wrap to 0 at the very top of the address space. */
		total += (e[i] - s[i]) / span;
	}
	if (n == 2) {
		uint64_t lo = MAX(s[0], s[1]);
		uint64_t hi = MIN(e[0] - 1, e[1] - 1);

		if (lo <= hi) {
			total -= (hi - lo) / span + 1;
		}
	}
	return total;
}

static uint64_t tables_needed(const struct va_range *r, unsigned int n)
{
	return 1 + blocks_touched(r, n, 1ULL << 39) + blocks_touched(r, n, 1ULL << 30) +
	       blocks_touched(r, n, 1ULL << 21);
}

static int fail(struct build_error *err, const char *msg, uint64_t a, uint64_t b)
{
	fmt_snprintf(err->msg, sizeof(err->msg), msg, (unsigned long)a, (unsigned long)b);
	return -XEN_EINVAL;
}

int pv_layout_compute(struct pv_layout *l, const struct elf_image *img, uint64_t nr_pages,
		      uint64_t initrd_len, struct build_error *err)
{
	const struct xen_elfnotes *n = &img->notes;
	uint64_t p2m_bytes = ALIGN_UP(nr_pages * 8, PAGE_SIZE);
	uint64_t cursor, pt = 1;
	struct va_range ranges[2];

	memset(l, 0, sizeof(*l));
	/* These bounds keep the sums below from wrapping all the way round. */
	if (nr_pages > P2M_MAX_PFN) {
		return fail(err, "mem= of %lu pages is more than the p2m's %lu", nr_pages,
			    P2M_MAX_PFN);
	}
	if (initrd_len > nr_pages << PAGE_SHIFT) {
		return fail(err, "memory too small: the initrd alone is %lu bytes, mem= gives %lu KiB",
			    initrd_len, nr_pages * 4);
	}
	l->nr_pages = nr_pages;
	l->kern_start = ALIGN_DOWN(img->vstart, PAGE_SIZE);
	l->kern_end = ALIGN_UP(img->vend, PAGE_SIZE);
	l->v_start = n->has_virt_base ? n->virt_base : ALIGN_DOWN(img->vstart, REGION_ALIGN);
	if (l->v_start > l->kern_start || !IS_ALIGNED(l->v_start, PAGE_SIZE)) {
		return fail(err, "VIRT_BASE 0x%lx does not lie page-aligned below the kernel at 0x%lx",
			    l->v_start, l->kern_start);
	}
	l->p2m_separate = n->has_init_p2m;
	l->p2m_len = nr_pages * 8;
	if (l->p2m_separate) {
		l->p2m_start = n->init_p2m;
		if (!IS_ALIGNED(l->p2m_start, PAGE_SIZE) ||
		    !guest_range_ok(l->p2m_start, p2m_bytes)) {
			return fail(err, "INIT_P2M 0x%lx (%lu bytes) is not a usable guest address",
				    l->p2m_start, p2m_bytes);
		}
	}
	for (;;) {
		cursor = l->kern_end;
		l->initrd_start = cursor;
		l->initrd_len = initrd_len;
		cursor += ALIGN_UP(initrd_len, PAGE_SIZE);
		if (!l->p2m_separate) {
			l->p2m_start = cursor;
			cursor += p2m_bytes;
		}
		l->start_info = cursor;
		l->xenstore = cursor + PAGE_SIZE;
		l->console = cursor + 2 * PAGE_SIZE;
		cursor += 3 * PAGE_SIZE;
		l->pt_start = cursor;
		cursor += pt * PAGE_SIZE;
		l->stack = cursor;
		cursor += PAGE_SIZE;
		l->v_end = ALIGN_UP(cursor + PAD_AFTER, REGION_ALIGN);
		/* Everything after the kernel is placed in order: a region ending
		 * at or below the kernel's end wrapped round the address space. */
		if (l->v_end <= l->kern_end || !guest_range_ok(l->v_start, l->v_end - l->v_start)) {
			return fail(err, "boot region 0x%lx-0x%lx overlaps the hypervisor or wraps",
				    l->v_start, l->v_end);
		}
		ranges[0] = (struct va_range){ l->v_start, l->v_end };
		ranges[1] = (struct va_range){ l->p2m_start, l->p2m_start + p2m_bytes };
		if (l->p2m_separate && ranges[1].start < ranges[0].end &&
		    ranges[0].start < ranges[1].end) {
			return fail(err, "INIT_P2M 0x%lx overlaps the boot region ending at 0x%lx",
				    l->p2m_start, l->v_end);
		}
		uint64_t need = tables_needed(ranges, l->p2m_separate ? 2 : 1);

		if (need <= pt) {
			break;
		}
		pt = need;
	}
	l->pt_frames = pt;
	l->region_pages = (l->v_end - l->v_start) >> PAGE_SHIFT;
	uint64_t total = l->region_pages + (l->p2m_separate ? p2m_bytes >> PAGE_SHIFT : 0);

	if (total > nr_pages) {
		return fail(err, "memory too small: this kernel's boot layout needs %lu KiB, mem= gives %lu KiB",
			    total * 4, nr_pages * 4);
	}
	return 0;
}
