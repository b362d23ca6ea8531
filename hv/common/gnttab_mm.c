/*
 * What grants mean to the memory model's checker (mm_check.c): which
 * foreign L1 entries of a mapper are legal (exactly those a live maptrack
 * entry records), and which references grants hold on a granter's frames
 * (its grant-frame holds, and every mapper's live maptrack entries naming
 * it). Read-only; for tests, the fuzzers and debug builds.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>

#include "gnttab_priv.h"
#include "mm_priv.h"

bool gnttab_pte_explained(const struct domain *mapper, mfn_t l1, unsigned int idx, uint64_t e)
{
	unsigned int limit = gnttab_maptrack_limit(mapper);

	for (unsigned int h = 0; h < limit; h++) {
		const struct gnttab_maptrack *mt = gnttab_maptrack_entry(mapper, h);

		if (mt->state == GNTTAB_MT_LIVE && mt->l1 == mfn_x(l1) && mt->idx == idx) {
			return mt->frame == mfn_x(pte_mfn(e)) &&
			       ((e & _PAGE_RW) != 0) == (mt->readonly == 0);
		}
	}
	return false;
}

static int fail(char *why, size_t why_len, const char *fmt, ...) __printf(3, 4);
static int fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -1;
}

/* mapper's live entries: each backed by its PTE; those naming d counted. */
static int count_mapper(const struct domain *mapper, const struct domain *d, uint32_t *ref,
			uint32_t *type, char *why, size_t why_len)
{
	unsigned int limit = gnttab_maptrack_limit(mapper);
	unsigned int used = 0;

	for (unsigned int h = 0; h < limit; h++) {
		const struct gnttab_maptrack *mt = gnttab_maptrack_entry(mapper, h);
		const struct frame_info *f;
		uint64_t e;

		if (mt->state != GNTTAB_MT_FREE) {
			used++;
		}
		if (mt->state != GNTTAB_MT_LIVE) {
			continue;
		}
		if (!mm_is_table(mapper, mfn(mt->l1), 1) || mt->idx >= PT_ENTRIES) {
			return fail(why, why_len, "d%u handle %u: L1 %lx is not a table of its own",
				    mapper->id, h, (unsigned long)mt->l1);
		}
		e = mm_pte_read((const uint64_t *)arch_frame_map(mfn(mt->l1)) + mt->idx);
		if (!(e & _PAGE_PRESENT) || mfn_x(pte_mfn(e)) != mt->frame) {
			return fail(why, why_len, "d%u handle %u: PTE %lx[%u] = %016lx, not frame %lx",
				    mapper->id, h, (unsigned long)mt->l1, mt->idx, (unsigned long)e,
				    (unsigned long)mt->frame);
		}
		if (mt->granter != d->id) {
			continue;
		}
		f = mm_frame_of(d, mfn(mt->frame));
		if (f == NULL) {
			return fail(why, why_len, "d%u handle %u maps frame %lx, not d%u's", mapper->id,
				    h, (unsigned long)mt->frame, d->id);
		}
		ref[mt->frame]++;
		if (!mt->readonly) {
			if (f->type != MM_TYPE_WRITABLE) {
				return fail(why, why_len, "d%u handle %u maps frame %lx (type %u) writable",
					    mapper->id, h, (unsigned long)mt->frame, f->type);
			}
			type[mt->frame]++;
		}
	}
	if (used != mapper->mm.gnt.maptrack_used) {
		return fail(why, why_len, "d%u: %u handles in use, %u counted", mapper->id, used,
			    mapper->mm.gnt.maptrack_used);
	}
	return 0;
}

int gnttab_count_refs(const struct domain *d, uint32_t *ref, uint32_t *type, char *why,
		      size_t why_len)
{
	const struct gnttab_domain *g = &d->mm.gnt;

	for (unsigned int i = 0; i < g->nr_frames; i++) {
		const struct frame_info *f = mm_frame_of(d, g->frames[i]);

		if (f == NULL || f->type != MM_TYPE_WRITABLE) {
			return fail(why, why_len, "grant frame %u (%lx) not a WRITABLE frame of d%u", i,
				    (unsigned long)mfn_x(g->frames[i]), d->id);
		}
		ref[mfn_x(g->frames[i])]++;
		type[mfn_x(g->frames[i])]++;
	}
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		const struct domain *m = domain_by_id(id);

		if (m != NULL && count_mapper(m, d, ref, type, why, why_len) != 0) {
			return -1;
		}
	}
	return 0;
}
