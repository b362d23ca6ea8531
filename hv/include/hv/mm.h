/*
 * The PV memory model: who owns a frame, what the frame is used as (its
 * type) and how many references hold it, and the validated page-table
 * updates built on that. Portable: hv/common/mm_*.c, one job per file.
 *
 * The rules (each has a test in tests/unit/test_mm*.c and is re-checked by
 * mm_check_invariants() after every step of fuzz/fuzz_mm.c):
 *  - A domain's page tables, descriptor pages and mappings only ever
 *    reference frames that domain owns (FRAME_GUEST, owner == d->id), with
 *    one exception: an L1 entry may map another domain's frame while a live
 *    maptrack entry of the domain records exactly (that L1, that slot, that
 *    frame) (hv/grant.h). Such an entry holds the granter's references, is
 *    never overwritten by mmu_update/ptwr (-EINVAL: unmap_grant_ref removes
 *    it), and is revoked when its L1 loses its type.
 *  - A frame has one type at a time. type_count > 0 fixes the type; only
 *    when it falls to 0 may the frame take another. Getting a page-table
 *    type the first time validates every entry and takes the references the
 *    entries imply; the last put drops them again ("devalidates").
 *  - A frame typed L1-L4 or SEG_DESC never has a writable mapping: a
 *    writable L1 entry needs MM_TYPE_WRITABLE on its target, which excludes
 *    every other type.
 *  - Every type reference comes with a general reference, so
 *    ref_count >= type_count; counts never go below zero (BUG_ON) and never
 *    wrap (a get that would overflow fails).
 *  - Levels strictly decrease (L4 -> L3 -> L2 -> L1 -> data), so there are no
 *    linear (recursive) page tables and no reference cycles: dropping every
 *    pin, root and hypervisor hold brings every count back to zero.
 *  - Before a frame takes a type other than the one it last lost, a TLB
 *    flush has happened since it lost it (stale writable or page-walk
 *    entries cannot outlive a type change).
 *
 * One CPU and interrupts off in the hypervisor: no locks yet. With SMP,
 * each domain's model needs a lock taken by every entry point below.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/grant.h>
#include <hv/manifest.h>
#include <hv/types.h>

struct domain;
struct vcpu;
struct hypercall_args;
struct frame_info;

/*@ axiomatic MmFrame {
      // The frame-table entry of machine frame m: what frame_get() returns
      // for a frame in range (hv/frame.h). Contracts verified by verify/wp
      // name an entry with it.
      logic struct frame_info *mm_frame(uint64_t m);
    } */

/* frame_info.type. The page-table types are numbered by their level. */
enum mm_type {
	MM_TYPE_NONE = 0,
	MM_TYPE_L1 = 1,
	MM_TYPE_L2 = 2,
	MM_TYPE_L3 = 3,
	MM_TYPE_L4 = 4,
	MM_TYPE_SEG_DESC = 5,	/* GDT or LDT frame: every descriptor checked */
	MM_TYPE_WRITABLE = 6,	/* mapped writable, or written by the hypervisor */
};

/* frame_info.mm_flags */
#define MM_F_VALIDATED 0x01	/* the type's contents were checked (type_count > 0) */
#define MM_F_PINNED    0x02	/* MMUEXT_PIN_*: holds one type reference */

#define MM_GDT_MAX_FRAMES  14			/* the guest's part of the 64 KiB GDT */
#define MM_GDT_MAX_ENTRIES (MM_GDT_MAX_FRAMES * 512)
#define MM_LDT_MAX_ENTRIES 8192
#define MM_LDT_MAX_FRAMES  16
#define MM_HELD_MAX        32	/* frames the hypervisor writes: shared_info, vcpu_info, FIFO */
#define MM_MAX_VCPUS       MANIFEST_MAX_VCPUS

/*
 * Per vCPU: the references the model holds for it. Zero-filled means
 * "nothing held", so a domain fresh from domain_alloc() is consistent.
 */
struct mm_vcpu {
	mfn_t kernel_root;		/* MMUEXT_NEW_BASEPTR (when has_kernel_root) */
	mfn_t user_root;		/* MMUEXT_NEW_USER_BASEPTR (when has_user_root) */
	bool has_kernel_root;
	bool has_user_root;
	uint8_t gdt_frames;		/* gdt[0..gdt_frames) hold SEG_DESC references */
	uint16_t gdt_entries;
	uint16_t ldt_mapped;		/* bit i: ldt[i] holds a SEG_DESC reference */
	uint32_t ldt_ents;		/* MMUEXT_SET_LDT; 0 = no LDT */
	uint64_t ldt_base;
	mfn_t gdt[MM_GDT_MAX_FRAMES];
	mfn_t ldt[MM_LDT_MAX_FRAMES];
};

struct mm_domain {
	uint64_t vm_assist;		/* bit n: VMASST_TYPE n enabled */
	uint8_t held_count;
	mfn_t held[MM_HELD_MAX];	/* WRITABLE references the hypervisor holds */
	struct mm_vcpu vcpu[MM_MAX_VCPUS];
	/* The grant table (hv/grant.h): its frames and the maptrack are the
	 * only references a domain's tables may have across domains. */
	struct gnttab_domain gnt;
};

/* ---- frames: ownership, references, types (mm_types.c) ------------------- */

/* The frame's entry when d owns it (FRAME_GUEST, owner d), else NULL. */
struct frame_info *mm_frame_of(const struct domain *d, mfn_t m);
/* A general reference: 0, -EINVAL (not d's), -EOVERFLOW. */
int mm_get_page(struct domain *d, mfn_t m);
void mm_put_page(struct domain *d, mfn_t m);
/*
 * A type reference and a general reference together. All or nothing: on
 * failure (-EINVAL: not d's, another type, or contents refused; -EOVERFLOW)
 * nothing has changed. The first reference validates the contents.
 */
int mm_get_page_type(struct domain *d, mfn_t m, enum mm_type type);
/* Drops both; the last type reference devalidates. */
void mm_put_page_type(struct domain *d, mfn_t m);
/* True when d owns m and nothing references it: the only state in which a
 * frame may leave d (decrease_reservation, ballooning). */
bool mm_frame_unreferenced(const struct domain *d, mfn_t m);
/* True for a validated page table of exactly this level owned by d. */
bool mm_is_table(const struct domain *d, mfn_t m, unsigned int level);
/*@ assigns \nothing;
    ensures \result <==> MM_TYPE_L1 <= type <= MM_TYPE_L4; */
static inline bool mm_type_is_pt(unsigned int type)
{
	return type >= MM_TYPE_L1 && type <= MM_TYPE_L4;
}

/* ---- page-table entries (mm_validate.c, mm_pte.c) ---------------------------- */

/* Flag bits a present entry of this level may not have (see mm_validate.c). */
uint64_t mm_pte_disallowed(unsigned int level);
/* L4 slots 256-271 are the hypervisor's: never guest entries. */
bool mm_l4_slot_is_guest(unsigned int slot);
/* What a present entry is stored as (guest kernel runs in ring 3: USER). */
uint64_t mm_pte_adjust(unsigned int level, uint64_t pte);
/* References for one present entry of a table of `level`; all or nothing. */
int mm_pte_get(struct domain *d, unsigned int level, uint64_t pte);
void mm_pte_put(struct domain *d, unsigned int level, uint64_t pte);
/* Check and take every entry of a table being typed; undo all on failure. */
int mm_table_validate(struct domain *d, mfn_t m, unsigned int level);
void mm_table_devalidate(struct domain *d, mfn_t m, unsigned int level);
/*
 * Replace entry idx of the validated table `table` (level) with val: the
 * new entry's references are taken first (failure: nothing changed), then
 * the entry is written, then the old entry's references are dropped.
 * preserve_ad keeps the old entry's Accessed/Dirty bits (Xen's
 * MMU_PT_UPDATE_PRESERVE_AD). *old_out (may be NULL) gets the old entry.
 */
int mm_pt_write_entry(struct domain *d, mfn_t table, unsigned int level, unsigned int idx,
		      uint64_t val, bool preserve_ad, uint64_t *old_out);
/* The L1 table and index mapping va under the validated L4 root. */
int mm_walk_to_l1(const struct domain *d, mfn_t root, uint64_t va, mfn_t *l1_out,
		  unsigned int *idx_out);

/* ---- descriptors (mm_desc.c) ---------------------------------------------------- */

/*
 * A segment descriptor a PV64 guest may have in its GDT or LDT. Not present:
 * anything. Code and data: accepted with DPL forced to 3 (a guest never gets
 * a ring 0-2 segment; Linux hands Xen DPL-0 descriptors and relies on this
 * fix-up). System type 0: harmless, accepted. Every other system descriptor
 * (LDT, TSS, call/interrupt/trap gates) refused. *fixed gets what to store.
 */
bool mm_validate_descriptor(uint64_t desc, uint64_t *fixed);
/* Check all 512 descriptors of a frame, then store the fixed-up ones. */
int mm_desc_page_validate(struct domain *d, mfn_t m);
/*
 * set_gdt's memory half: frames[] holds the ceil(entries/512) machine frames
 * (already copied in from the guest). Takes SEG_DESC on every new frame (all
 * or nothing), records them, calls arch_pv_gdt_changed(), then drops the old
 * frames. 0, -EINVAL (entries > MM_GDT_MAX_ENTRIES, a frame refused).
 */
int mm_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned int entries);
/* The arch's lazy LDT mapping (a fault on the LDT area): takes SEG_DESC on
 * the frame the guest maps at ldt_base + page * 4 KiB. 0 or -EINVAL. */
int mm_ldt_fault(struct vcpu *v, unsigned int page, mfn_t *m_out);
/* MMUEXT_SET_LDT after its checks: record and drop the old LDT's frames. */
void mm_set_ldt(struct vcpu *v, uint64_t base, uint32_t ents);

/* ---- the domain's life (mm_domain.c, mm_assist.c) -------------------------------- */

void mm_domain_init(struct domain *d);
/*
 * Call once domain_build_pv has written the bootstrap tables (and created
 * vCPU 0): validates the L4 recursively, pins it, makes it vCPU 0's kernel
 * root, and holds shared_info writable (the hypervisor writes it, so it
 * may never become a page table). 0 or the validation error.
 */
int mm_adopt_bootstrap_tables(struct domain *d, mfn_t l4);
/*
 * Drop every root, pin, GDT/LDT frame and hold. Afterwards every frame d
 * owns has type none and zero counts (BUG_ON otherwise), ready for
 * frame_free. Idempotent; safe for a domain in any state, built or not.
 * The caller guarantees no CPU runs d's vCPUs or has d's tables in CR3.
 */
void mm_domain_teardown(struct domain *d);
/*
 * The same in bounded steps (domain_reap): holds and descriptor frames;
 * then the tables emptied level by level (2, 3, 4), one entry per step, so
 * that no put devalidates more than one table; then the roots; then the
 * pins, one per step; then the check of frames [from, to). The step
 * functions take a cursor and a budget of frames to look at, and return
 * false once every frame was visited. mm_domain_teardown_roots is holds
 * and roots at once; unpin_frames unpins [from, to) at once.
 */
void mm_domain_teardown_holds(struct domain *d);
void mm_domain_teardown_roots(struct domain *d);
bool mm_domain_clear_step(struct domain *d, unsigned int level, uint64_t *m, unsigned int *slot,
			  unsigned int budget);
void mm_domain_drop_roots(struct domain *d);
bool mm_domain_unpin_step(struct domain *d, uint64_t *m, unsigned int budget);
void mm_domain_unpin_frames(struct domain *d, uint64_t from, uint64_t to);
void mm_domain_check_frames(struct domain *d, uint64_t from, uint64_t to);
/* A WRITABLE reference the hypervisor keeps on a frame it writes behind the
 * guest's back (vcpu_info...): 0, -EINVAL, -ENOSPC. Teardown drops them. */
int mm_hold_writable_page(struct domain *d, mfn_t m);
void mm_release_writable_page(struct domain *d, mfn_t m);
bool mm_vm_assist(const struct domain *d, unsigned int type);
/* The root in force for a vCPU's kernel mode, or INVALID_MFN_RAW. */
mfn_t mm_kernel_root(const struct vcpu *v);

/* ---- hypercalls (hypercall table entries) ----------------------------------------- */

int64_t do_mmu_update(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_mmuext_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_update_va_mapping(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_update_descriptor(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_vm_assist(struct vcpu *curr, const struct hypercall_args *args);

/* ---- writable page tables: the #PF handler's portable half (mm_ptwr.c) ------------ */

enum mm_ptwr_kind {
	MM_PTWR_STORE = 0,	/* mov: store val */
	MM_PTWR_XCHG,		/* xchg: store val, *old_out = previous */
	MM_PTWR_CMPXCHG,	/* cmpxchg: store val only if the entry == expected */
};

struct mm_ptwr {
	uint64_t va;		/* the faulting linear address (CR2) */
	uint64_t val;		/* the value written (low `bytes` bytes) */
	uint64_t expected;	/* CMPXCHG: the comparand (low `bytes` bytes) */
	unsigned int bytes;	/* 1, 2, 4 or 8, naturally aligned */
	enum mm_ptwr_kind kind;
};

/*
 * A guest-kernel write that faulted on a read-only mapping of one of its
 * own page-table frames: validate the resulting entry for that frame's
 * level and apply it, as MMU_NORMAL_PT_UPDATE would. Returns 0 when the
 * write is done (the arch skips the instruction; *old_out = the previous
 * contents of the written bytes: for CMPXCHG it swapped iff *old_out ==
 * expected, and set ZF/RAX from that). Otherwise the #PF goes to the guest:
 * -EPERM (vm_assist writable_pagetables off, as Xen), -EINVAL (not a
 * read-only mapping of a page table of the caller's, or the new entry is
 * refused). Looks va up through the vCPU's kernel root, as Xen does.
 */
int mm_emulate_pt_write(struct vcpu *curr, const struct mm_ptwr *w, uint64_t *old_out);

/* ---- checking (mm_check.c) ------------------------------------------------------- */

/*
 * Recompute every count d's tables, pins, roots, descriptor frames and holds
 * imply and compare with the frame table; check every entry of every
 * validated table against the rules, and that frames nobody owns have no
 * references. scratch: at least 2 * frame_total() words. 0, or -1 with a
 * reason in why. For tests, fuzzers and debug builds.
 */
int mm_check_invariants(const struct domain *d, uint32_t *scratch, size_t scratch_words,
			char *why, size_t why_len);

/*
 * ---- arch hooks the memory model needs -------------------------------------------
 * To be implemented by hv/arch/x86_64 (and moved to hv/arch.h by the lead);
 * tests/fake_arch/mm.c implements them over the fake machine.
 */

/* Flush every TLB and paging-structure cache entry of guest mappings on every
 * CPU. Called before a frame changes type while stale entries may exist. */
void arch_tlb_flush_all(void);
/* Flush the (non-global) TLBs of d's vCPUs in vcpu_mask (bit i = vCPU i). */
void arch_tlb_flush_vcpus(struct domain *d, uint64_t vcpu_mask);
/* invlpg va on d's vCPUs in vcpu_mask. */
void arch_tlb_invlpg_vcpus(struct domain *d, uint64_t vcpu_mask, uint64_t va);
/* v->pv.kernel_root or user_root changed: reload CR3 now if v is on a CPU in
 * the mode whose root changed. On return no CPU uses the old root for v. */
void arch_pv_root_changed(struct vcpu *v);
/* Map frames[0..nr) read-only as v's GDT (entries descriptors) and reload it
 * if v is running. On return no CPU uses v's previous GDT frames. */
void arch_pv_gdt_changed(struct vcpu *v, const mfn_t *frames, unsigned int nr,
			 unsigned int entries);
/* v's LDT is now (base, ents): unmap every LDT frame mapped so far (they are
 * mapped again lazily through mm_ldt_fault) and reload LDTR if running. */
void arch_pv_ldt_changed(struct vcpu *v, uint64_t base, uint32_t ents);

#endif
