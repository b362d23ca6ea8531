/*
 * Grant tables, version 1 (grant_table_op, hypercall 20): a domain shares
 * its frames by writing grant entries; another domain maps (into its page
 * tables) or copies through them, each step checked by XSM. Portable:
 * hv/common/gnttab_*.c, one job per file.
 *
 * The rules (tests/unit/test_gnttab*.c, re-checked after every step of
 * fuzz/fuzz_gnttab.c together with mm_check_invariants):
 *  - A grant-table frame is a FRAME_GUEST frame of the granter, held with a
 *    WRITABLE type reference by the hypervisor (the granter maps it itself;
 *    it is not in the p2m and its M2P entry is invalid, like shared_info).
 *  - Everything the hypervisor decides on (pin counts, the frame captured
 *    at the first pin, the mapper, the maptrack) lives in FRAME_HV frames,
 *    never in memory a guest can write.
 *  - A mapper's L1 entry may reference a frame it does not own only while a
 *    live maptrack entry of the mapper records exactly (L1, slot, frame).
 *    That entry holds the granter's references (a general one; a WRITABLE
 *    type one for a writable map, so the frame can never become one of the
 *    granter's page tables while mapped writable).
 *  - GTF_reading / GTF_writing are set (cmpxchg over flags+domid) while the
 *    entry is in use, and cleared when its last use goes.
 *  - Revocation (policy change, granter or mapper death, the L1 losing its
 *    type) clears the PTE, flushes the mapper's TLBs, then releases the
 *    references; the handle stays allocated and marked revoked until the
 *    mapper unmaps it (GNTST_okay).
 * One CPU and interrupts off in the hypervisor: no locks. With SMP, each
 * table needs a lock (the granter's for its active entries, the mapper's for
 * its maptrack, taken in domain-id order) and the TLB flushes must reach
 * every CPU running the mapper before references are dropped.
 */
#ifndef HV_GRANT_H
#define HV_GRANT_H

#include <hv/manifest.h>
#include <hv/types.h>

struct vcpu;
struct domain;
struct hypercall_args;

#define GNTTAB_ENTRIES_PER_FRAME  512	/* PAGE_SIZE / sizeof(grant_entry_v1) */
#define GNTTAB_MAX_FRAMES         MANIFEST_MAX_GRANT_FRAMES
#define GNTTAB_ACTIVE_PER_FRAME   256	/* PAGE_SIZE / sizeof(gnttab_active) */
#define GNTTAB_ACTIVE_FRAMES_PER  2	/* active frames per grant frame */
#define GNTTAB_MAPTRACK_PER_FRAME 128	/* PAGE_SIZE / sizeof(gnttab_maptrack) */
#define GNTTAB_MAPTRACK_FRAMES    (MANIFEST_MAX_MAPTRACK / GNTTAB_MAPTRACK_PER_FRAME)
/* Frames the builder takes per domain: grant frame 0 and its active frames. */
#define GNTTAB_BUILD_FRAMES       (1 + GNTTAB_ACTIVE_FRAMES_PER)
/* A maptrack entry's state. */
#define GNTTAB_MT_FREE    0
#define GNTTAB_MT_LIVE    1	/* the PTE at (l1, idx) maps frame */
#define GNTTAB_MT_REVOKED 2	/* torn down by the hypervisor; unmap frees it */

/* One grant mapping of a mapper (in FRAME_HV frames). */
struct gnttab_maptrack {
	uint64_t l1;		/* mfn of the mapper's L1 holding the entry */
	uint64_t frame;		/* the granter's frame it maps */
	uint32_t ref;		/* the granter's grant ref */
	uint16_t granter;	/* domid */
	uint16_t idx;		/* slot in l1 */
	uint8_t state;		/* GNTTAB_MT_* */
	uint8_t readonly;
	uint8_t by_pte;		/* GNTMAP_contains_pte: host_addr was the PTE's address */
	uint8_t pad[5];
};
_Static_assert(sizeof(struct gnttab_maptrack) * GNTTAB_MAPTRACK_PER_FRAME == 4096,
	       "maptrack entries fill a frame");

/* Per domain (embedded in struct mm_domain, zero = no grant table). */
struct gnttab_domain {
	bool ready;			/* gnttab_domain_init done */
	uint8_t nr_frames;		/* grant frames set up */
	uint8_t max_frames;		/* manifest grant_frames */
	uint8_t nr_maptrack_frames;
	uint16_t maptrack_max;		/* manifest maptrack */
	uint16_t maptrack_used;		/* live + revoked handles */
	uint16_t maptrack_hint;		/* no free handle below this one */
	mfn_t frames[GNTTAB_MAX_FRAMES];
	mfn_t active[GNTTAB_MAX_FRAMES * GNTTAB_ACTIVE_FRAMES_PER];
	mfn_t maptrack[GNTTAB_MAPTRACK_FRAMES];
	/* Recorded by the builder for gnttab_connect_backend (after every
	 * domain is built and labelled): the rings refs 0 and 1 grant and the
	 * start_info frame whose event-channel fields it fills in. */
	mfn_t console_ring, store_ring, start_info;
};

/*@ // For verify/wp: the table's bounds (nr_frames never exceeds the arrays
    // above) and how many refs it has.
    predicate gnttab_ok(struct gnttab_domain g) =
      g.nr_frames <= GNTTAB_MAX_FRAMES && g.nr_maptrack_frames <= GNTTAB_MAPTRACK_FRAMES;
    logic integer gnttab_entries(struct gnttab_domain g) =
      g.ready ? g.nr_frames * GNTTAB_ENTRIES_PER_FRAME : 0;
    logic integer gnttab_handles(struct gnttab_domain g) =
      g.nr_maptrack_frames * GNTTAB_MAPTRACK_PER_FRAME;
*/

int64_t do_grant_table_op(struct vcpu *curr, const struct hypercall_args *args);

/*
 * Give d a grant table: frame 0 (a FRAME_GUEST frame of d, zeroed, held
 * writable, M2P invalid) and its bookkeeping. max_frames 1..32, maptrack
 * 1..4096 (the manifest's; 0 means its default). 0, -XEN_EINVAL,
 * -XEN_ENOMEM (nothing kept).
 */
int gnttab_domain_init(struct domain *d, unsigned int max_frames, unsigned int maptrack);
/*
 * Everything grants hold for or on d goes: d's own mappings of others'
 * frames, every other domain's mappings of d's frames (revoked), the grant
 * frames and the bookkeeping. Idempotent; safe on a domain without a table.
 */
void gnttab_domain_destroy(struct domain *d);
/* The builder's reserved refs (GNTTAB_RESERVED_*): ref grants frame to
 * backend, read-write. 0 or -XEN_EINVAL (no table, frame not d's). */
int gnttab_grant_reserved(struct domain *d, unsigned int ref, domid_t backend, mfn_t frame);
/*
 * The builder's last step, once every domain exists and is labelled: refs
 * GNTTAB_RESERVED_CONSOLE / _XENSTORE grant the console and xenstore rings
 * to backend (NULL: domid 0, no event channels), and with a backend their
 * event channels become unbound ports of d for it, written to start_info.
 * 0 or -errno (the boot is refused).
 */
int gnttab_connect_backend(struct domain *d, struct domain *backend);
/* MFN of grant frame i, or INVALID_MFN_RAW. */
mfn_t gnttab_frame(const struct domain *d, unsigned int i);

/* ---- maptrack access (revocation, the memory model's checker) ------------------ */

/* Handles 0..limit-1 may exist. */
unsigned int gnttab_maptrack_limit(const struct domain *d);
/* The entry of handle h, or NULL when out of range. */
const struct gnttab_maptrack *gnttab_maptrack_get(const struct domain *d, unsigned int h);
/*
 * Tear a live mapping down as the hypervisor (clear the PTE, flush the
 * mapper's TLBs, release the granter's references and GTF bits); the
 * handle is left GNTTAB_MT_REVOKED. No-op on anything but a live handle.
 */
void gnttab_revoke_mapping(struct domain *mapper, unsigned int h);

/* ---- the memory model's side (gnttab_mm.c) ---------------------------------------- */

/*
 * The present entry e at l1[idx] of mapper's validated L1 references a
 * frame the mapper does not own: true only when a live maptrack entry
 * records exactly (l1, idx, the frame) with matching writability.
 */
bool gnttab_pte_explained(const struct domain *mapper, mfn_t l1, unsigned int idx, uint64_t e);
/*
 * Add to ref[]/type[] (indexed by mfn) the references grants hold on d's
 * frames: the grant-frame holds and every mapper's live maptrack entries
 * naming d. 0, or -1 with a reason in why (a frame that is not d's, a
 * dangling maptrack entry).
 */
int gnttab_count_refs(const struct domain *d, uint32_t *ref, uint32_t *type, char *why,
		      size_t why_len);
/* mapper's L1 loses its type: the foreign entry at l1[idx] is revoked. */
void gnttab_l1_entry_dropped(struct domain *mapper, mfn_t l1, unsigned int idx);

#endif
