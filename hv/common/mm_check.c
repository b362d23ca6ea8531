/*
 * The memory model's invariants, recomputed from scratch: every count a
 * domain's frames carry must equal what its validated tables, pins, roots,
 * descriptor frames and holds imply, every present entry of a validated
 * table must obey the rules of its level, no typed frame may be mapped
 * writable, and nothing may reference a frame outside its owner's set
 * except a grant mapping its mapper's maptrack records (hv/grant.h), whose
 * references are counted on the granter's side.
 * Read-only; for tests, the fuzzer and debug builds.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>

#include "mm_priv.h"

struct check {
	const struct domain *d;
	uint32_t *ref, *type;
	char *why;
	size_t why_len;
};

static int fail(struct check *c, const char *fmt, ...) __printf(2, 3);
static int fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->why, c->why_len, fmt, ap);
	va_end(ap);
	return -1;
}

/* One holder of a type reference (and its general reference) on m. */
static int expect_typed(struct check *c, mfn_t m, enum mm_type type, const char *holder)
{
	const struct frame_info *f = mm_frame_of(c->d, m);

	if (f == NULL) {
		return fail(c, "%s: frame %lx is not d%u's", holder, (unsigned long)mfn_x(m),
			    c->d->id);
	}
	if (f->type != type || f->type_count == 0) {
		return fail(c, "%s: frame %lx has type %u, not %u", holder,
			    (unsigned long)mfn_x(m), f->type, type);
	}
	c->ref[mfn_x(m)]++;
	c->type[mfn_x(m)]++;
	return 0;
}

static int check_entry(struct check *c, mfn_t table, unsigned int level, unsigned int i,
		       uint64_t e)
{
	mfn_t t = pte_mfn(e);
	const struct frame_info *tf = mm_frame_of(c->d, t);

	if (e & mm_pte_disallowed(level)) {
		return fail(c, "L%u %lx[%u] = %016lx: disallowed flags", level,
			    (unsigned long)mfn_x(table), i, (unsigned long)e);
	}
	if (!(e & _PAGE_USER) || (level == 4 && !(e & _PAGE_ACCESSED))) {
		return fail(c, "L%u %lx[%u] = %016lx: not adjusted", level,
			    (unsigned long)mfn_x(table), i, (unsigned long)e);
	}
	if (tf == NULL && level == 1 && gnttab_pte_explained(c->d, table, i, e)) {
		/* A grant mapping: its references are the granter's, counted
		 * there from the maptrack (gnttab_count_refs). */
		return 0;
	}
	if (tf == NULL) {
		return fail(c, "L%u %lx[%u] = %016lx references a frame outside d%u", level,
			    (unsigned long)mfn_x(table), i, (unsigned long)e, c->d->id);
	}
	if (level == 1 && !(e & _PAGE_RW)) {
		c->ref[mfn_x(t)]++;
		return 0;
	}
	if (level == 1 && tf->type != MM_TYPE_WRITABLE) {
		return fail(c, "L1 %lx[%u] maps frame %lx (type %u) writable",
			    (unsigned long)mfn_x(table), i, (unsigned long)mfn_x(t), tf->type);
	}
	return expect_typed(c, t, level == 1 ? MM_TYPE_WRITABLE : (enum mm_type)(level - 1),
			    "entry");
}

static int check_table(struct check *c, mfn_t m, unsigned int level)
{
	const uint64_t *t = arch_frame_map(m);

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = mm_pte_read(&t[i]);

		/* Presence first: most entries are empty, and this runs after
		 * every step of the fuzzers. */
		if (!(e & _PAGE_PRESENT) || (level == 4 && !mm_l4_slot_is_guest(i))) {
			continue;
		}
		if (check_entry(c, m, level, i, e) != 0) {
			return -1;
		}
	}
	return 0;
}

static int check_desc_page(struct check *c, mfn_t m)
{
	const uint64_t *t = arch_frame_map(m);
	uint64_t fixed;

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++) {
		if (!mm_validate_descriptor(t[i], &fixed) || fixed != t[i]) {
			return fail(c, "descriptor frame %lx[%u] = %016lx not valid",
				    (unsigned long)mfn_x(m), i, (unsigned long)t[i]);
		}
	}
	return 0;
}

/* The frame's own state, and what it implies about other frames. */
static int check_frame(struct check *c, mfn_t m, const struct frame_info *f)
{
	if (f->ref_count < f->type_count) {
		return fail(c, "frame %lx: ref_count %u < type_count %u", (unsigned long)mfn_x(m),
			    f->ref_count, f->type_count);
	}
	if (f->type_count == 0) {
		if (f->type != MM_TYPE_NONE || f->mm_flags != 0) {
			return fail(c, "frame %lx: untyped with type %u flags %x",
				    (unsigned long)mfn_x(m), f->type, f->mm_flags);
		}
		return 0;
	}
	if (f->type == MM_TYPE_NONE || f->type > MM_TYPE_WRITABLE ||
	    !(f->mm_flags & MM_F_VALIDATED)) {
		return fail(c, "frame %lx: type %u count %u flags %x", (unsigned long)mfn_x(m),
			    f->type, f->type_count, f->mm_flags);
	}
	if ((f->mm_flags & MM_F_PINNED) && !mm_type_is_pt(f->type)) {
		return fail(c, "frame %lx: pinned with type %u", (unsigned long)mfn_x(m), f->type);
	}
	if (f->mm_flags & MM_F_PINNED) {
		c->ref[mfn_x(m)]++;
		c->type[mfn_x(m)]++;
	}
	if (mm_type_is_pt(f->type)) {
		return check_table(c, m, f->type);
	}
	if (f->type == MM_TYPE_SEG_DESC) {
		return check_desc_page(c, m);
	}
	return 0;
}

static int check_vcpus(struct check *c)
{
	const struct domain *d = c->d;

	for (unsigned int i = 0; i < MM_MAX_VCPUS; i++) {
		const struct mm_vcpu *mv = &d->mm.vcpu[i];

		if (mv->has_kernel_root) {
			if (expect_typed(c, mv->kernel_root, MM_TYPE_L4, "kernel root") != 0) {
				return -1;
			}
			if (i < d->vcpu_count &&
			    !mfn_eq(d->vcpus[i].pv.kernel_root, mv->kernel_root)) {
				return fail(c, "vCPU %u: pv.kernel_root is not the model's", i);
			}
		}
		if (mv->has_user_root) {
			if (expect_typed(c, mv->user_root, MM_TYPE_L4, "user root") != 0) {
				return -1;
			}
			if (i < d->vcpu_count && !mfn_eq(d->vcpus[i].pv.user_root, mv->user_root)) {
				return fail(c, "vCPU %u: pv.user_root is not the model's", i);
			}
		}
		if (mv->gdt_frames > MM_GDT_MAX_FRAMES ||
		    mv->gdt_entries > mv->gdt_frames * 512U) {
			return fail(c, "vCPU %u: GDT of %u frames, %u entries", i, mv->gdt_frames,
				    mv->gdt_entries);
		}
		for (unsigned int j = 0; j < mv->gdt_frames; j++) {
			if (expect_typed(c, mv->gdt[j], MM_TYPE_SEG_DESC, "GDT") != 0) {
				return -1;
			}
		}
		for (unsigned int j = 0; j < MM_LDT_MAX_FRAMES; j++) {
			if ((mv->ldt_mapped & (1U << j)) &&
			    expect_typed(c, mv->ldt[j], MM_TYPE_SEG_DESC, "LDT") != 0) {
				return -1;
			}
		}
	}
	for (unsigned int i = 0; i < d->mm.held_count; i++) {
		if (expect_typed(c, d->mm.held[i], MM_TYPE_WRITABLE, "hold") != 0) {
			return -1;
		}
	}
	return 0;
}

int mm_check_invariants(const struct domain *d, uint32_t *scratch, size_t scratch_words,
			char *why, size_t why_len)
{
	uint64_t total = frame_total();
	struct check c = { d, scratch, scratch + total, why, why_len };

	if (why_len > 0) {
		why[0] = '\0';
	}
	if (scratch_words < 2 * total) {
		return fail(&c, "scratch of %zu words, %lu needed", scratch_words,
			    (unsigned long)(2 * total));
	}
	memset(scratch, 0, 2 * total * sizeof(*scratch));
	for (uint64_t m = 0; m < total; m++) {
		const struct frame_info *f = frame_get(mfn(m));

		if (f->state != FRAME_GUEST) {
			if (f->ref_count != 0 || f->type_count != 0 || f->type != MM_TYPE_NONE ||
			    f->mm_flags != 0) {
				return fail(&c, "frame %lx (state %u) has references",
					    (unsigned long)m, f->state);
			}
			continue;
		}
		if (f->owner == d->id && check_frame(&c, mfn(m), f) != 0) {
			return -1;
		}
	}
	if (check_vcpus(&c) != 0) {
		return -1;
	}
	/* The grant-frame holds, and every mapper's maptrack naming d. */
	if (gnttab_count_refs(d, c.ref, c.type, why, why_len) != 0) {
		return -1;
	}
	for (uint64_t m = 0; m < total; m++) {
		const struct frame_info *f = frame_get(mfn(m));

		/* mm_frame_of(d, m), without a second lookup per frame. */
		if (f->state == FRAME_GUEST && f->owner == d->id &&
		    (f->ref_count != c.ref[m] || f->type_count != c.type[m])) {
			return fail(&c, "frame %lx: ref %u type %u, tables imply ref %u type %u",
				    (unsigned long)m, f->ref_count, f->type_count, c.ref[m],
				    c.type[m]);
		}
	}
	return 0;
}
