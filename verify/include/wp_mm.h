/*
 * Contracts verify/wp needs for hv/common/mm_types.c beyond moat_wp.h,
 * force-included after it, never into a build. Every function here is
 * outside the files verify/ annotates (hv/common/frame.c, mm_validate.c,
 * mm_desc.c, the arch layer): these contracts are assumptions, listed in
 * verify/README.md with what checks them instead.
 */
#ifndef MOAT_VERIFY_WP_MM_H
#define MOAT_VERIFY_WP_MM_H

#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/mm.h>

/* frame.c: &frames[m] for a frame in range, else NULL. */
/*@ assigns \nothing;
    ensures \result == \null || (\result == mm_frame(m.m) && \valid(\result)); */
struct frame_info *frame_get(mfn_t m);

/* The arch flush touches no frame-table entry. */
/*@ assigns \nothing; */
void arch_tlb_flush_all(void);

/* tlb_clock.c: reads the clock, or flushes through the arch; neither
 * touches a frame-table entry (its own state is outside this proof). */
/*@ assigns \nothing; */
uint32_t tlb_clock_now(void);
/*@ assigns \nothing; */
void tlb_clock_sync(uint32_t stamp);

/*
 * mm_validate.c / mm_desc.c: validating frame m (already typed, type_count
 * 1) takes references for its entries, on lower levels only, so it never
 * retypes m; it may take general references on m (an L1 entry mapping the
 * L1 itself read-only), and on failure it has dropped every reference it
 * took. (tests/unit/test_mm*.c, and mm_check_invariants() after every step
 * of fuzz/fuzz_mm.c, check this.)
 */
/*@ assigns { mm_frame(x)->ref_count | uint64_t x }, { mm_frame(x)->type_count | uint64_t x },
            { mm_frame(x)->type | uint64_t x }, { mm_frame(x)->mm_flags | uint64_t x },
            { mm_frame(x)->tlb_type | uint64_t x }, { mm_frame(x)->tlb_stamp | uint64_t x };
    ensures mm_frame(m.m)->type == \old(mm_frame(m.m)->type);
    ensures mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count);
    ensures mm_frame(m.m)->mm_flags == \old(mm_frame(m.m)->mm_flags);
    ensures \old(mm_frame(m.m)->ref_count) <= mm_frame(m.m)->ref_count <= 0xfffffff0;
    ensures \result != 0 ==> mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count); */
int mm_table_validate(struct domain *d, mfn_t m, unsigned int level);

/*@ assigns { mm_frame(x)->ref_count | uint64_t x }, { mm_frame(x)->type_count | uint64_t x },
            { mm_frame(x)->type | uint64_t x }, { mm_frame(x)->mm_flags | uint64_t x },
            { mm_frame(x)->tlb_type | uint64_t x }, { mm_frame(x)->tlb_stamp | uint64_t x };
    ensures mm_frame(m.m)->type == \old(mm_frame(m.m)->type);
    ensures mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count);
    ensures mm_frame(m.m)->mm_flags == \old(mm_frame(m.m)->mm_flags);
    ensures \old(mm_frame(m.m)->ref_count) <= mm_frame(m.m)->ref_count <= 0xfffffff0;
    ensures \result != 0 ==> mm_frame(m.m)->ref_count == \old(mm_frame(m.m)->ref_count); */
int mm_desc_page_validate(struct domain *d, mfn_t m);

/* Devalidation drops the references the entries held (lower levels, and
 * general references, possibly on m itself), never m's type reference. */
/*@ assigns { mm_frame(x)->ref_count | uint64_t x }, { mm_frame(x)->type_count | uint64_t x },
            { mm_frame(x)->type | uint64_t x }, { mm_frame(x)->mm_flags | uint64_t x },
            { mm_frame(x)->tlb_type | uint64_t x }, { mm_frame(x)->tlb_stamp | uint64_t x };
    ensures mm_frame(m.m)->type == \old(mm_frame(m.m)->type);
    ensures mm_frame(m.m)->type_count == \old(mm_frame(m.m)->type_count);
    ensures mm_frame(m.m)->mm_flags == \old(mm_frame(m.m)->mm_flags);
    ensures mm_frame(m.m)->type_count <= mm_frame(m.m)->ref_count <= \old(mm_frame(m.m)->ref_count); */
void mm_table_devalidate(struct domain *d, mfn_t m, unsigned int level);

#endif
