/*
 * hcfuzz: what the in-guest hypercall fuzzer's files share (hcfuzz.c runs
 * the loop, hcfuzz_gen.c draws arguments, hcfuzz_mm.c, hcfuzz_ev.c and
 * hcfuzz_misc.c build one call of each family). See hcfuzz.c for what the
 * fuzzer does and, above all, which shapes it never generates and why.
 *
 * The one rule every generator keeps: the hypervisor may only ever be
 * asked to write (a PTE, a descriptor, a result, a timer's runstate) into
 * memory the fuzzer has declared garbage (the arena, the sink, the scratch
 * frames and the scratch virtual region), or into memory it must refuse
 * (read-only mappings, page tables, frames of other domains, the
 * hypervisor's range). Frames the fuzzer lives on never appear in a PTE it
 * asks for nor as a destination frame. Everything a batch reads beyond what
 * was built lies on an unmapped guard page.
 */
#ifndef GUEST_HCFUZZ_H
#define GUEST_HCFUZZ_H

#include "rt.h"
#include "events.h"
#include "grant.h"
#include "hyp.h"
#include "mm.h"
#include "time.h"
#include "traps.h"
#include "x86.h"

#include <public/attest_op.h>
#include <public/xsm_op.h>

/* ---- the random source (hcfuzz_gen.c) ------------------------------------ */

void hf_seed(uint64_t seed);
uint64_t hf_rand(void);
/* Uniform in [0, n); 0 when n is 0. */
uint64_t hf_below(uint64_t n);
static inline bool hf_one_in(unsigned int n)
{
	return hf_below(n) == 0;
}
/* A value from the classic edges (0, 1, ~0, sign bits, page sizes) or random. */
uint64_t hf_edge64(void);
uint32_t hf_edge32(void);
/* A count for a batch of `built` elements: mostly built, else 0, one more,
 * a few more, or huge (the elements past `built` lie on a guard page). */
uint32_t hf_count(uint32_t built);
/* A sub-op: one of 0..valid-1 mostly, else any 32-bit value. */
uint32_t hf_subop(uint32_t valid);

/* ---- memory the fuzzer may hand out ------------------------------------- */

#define HF_ARENA_SIZE   (64 * 1024)	/* per-call structures, rebuilt each call */
#define HF_SINK_PAGES   4		/* the hypervisor may write here at any time */
#define HF_SCRATCH      48		/* frames of ours mapped nowhere at start */
#define HF_TAIL_PAGES   8		/* pages each followed by an unmapped guard */
#define HF_FOREIGN_MAX  256		/* frames of other domains (the bystander's) */
#define HF_PORTS_MAX    64		/* ports we believe are open */
#define HF_SCR_VA       0xffffc00000000000ULL	/* 2 MiB, its own L3/L2/L1 */
#define HF_SCR_PAGES    512
#define HF_TAIL_VA      0xffffc08000000000ULL	/* tail pages at even slots */

struct hf_world {
	domid_t self, peer;
	uint64_t max_mfn;		/* XENMEM_maximum_ram_page */
	uint8_t *own;			/* bitmap: frames we own (or did) */
	uint64_t scratch[HF_SCRATCH + 64];	/* scratch frames (+ populated ones) */
	unsigned int scratch_count;
	uint64_t foreign[HF_FOREIGN_MAX];
	unsigned int foreign_count;
	uint64_t live_pt[8];		/* page-table frames in use (root, image L3...) */
	unsigned int live_pt_count;
	uint64_t scr_tree[3];		/* the scratch region's L3, L2, L1 */
	uint64_t sink_mfn[HF_SINK_PAGES];
	uint64_t gnt_mfn;		/* our grant table's frame 0 */
	uint64_t shinfo_mfn;
	uint64_t vcpu_page_mfn;
	uint64_t ro_va;			/* a frame of ours mapped read-only, a known pattern */
	uint8_t *sink;
	uint8_t *vcpu_page;
	const char *text;		/* printable text for console writes */
	size_t text_len;
	evtchn_port_t ports[HF_PORTS_MAX];
	unsigned int port_count;
	uint64_t last_time;		/* system time at the last call, for timeouts */
};
extern struct hf_world hf;

/* Random-filled bytes of the arena for one structure (8-aligned), or NULL
 * when the arena is used up for this call. */
void *hf_alloc(size_t len);
/* The same on a tail page: the structure ends where the page does, so a
 * count past it reads the unmapped guard. NULL when none is left. */
void *hf_alloc_tail(size_t len);
void hf_arena_reset(void);
/* An array of n elements: on a tail page, where *count may run past it
 * (hf_count), or else in the arena with *count exact (or 0). */
void *hf_batch(uint32_t n, size_t size, uint32_t *count);

/* ---- the world (hcfuzz_world.c) --------------------------------------------- */

/* Set up every class above; ends the test on failure. Needs hf_seed(). */
void hfw_init(domid_t self, domid_t peer);
/* A frame that became ours (populate) joins the scratch frames; one given
 * back is no longer ours. */
void hfw_own_add(uint64_t mfn);
void hfw_own_drop(uint64_t mfn);
/* Relink the scratch region's L2 and L1 if a call unlinked them. */
bool hfw_repair(void);
/* Memory we never hand out for writing: still as we left it? */
bool hfw_ro_intact(unsigned int *bad_at);
unsigned int hfw_canary_damage(void);
uint64_t hfw_text_sum(void);

/* ---- argument generators (hcfuzz_gen.c) ------------------------------------ */

/* Pointer classes besides the built one and the always-allowed bad ones
 * (hypervisor range, non-canonical, NULL page, unmapped user half). */
#define HF_P_SCRATCH 0x1u	/* the scratch region (mapped or not, garbage) */
#define HF_P_RO      0x2u	/* our read-only pattern page */
#define HF_P_TEXT    0x4u	/* our own code: for inputs only (the image is mapped writable) */
#define HF_P_SINK    0x8u	/* the sink (the hypervisor may write it) */

/* valid (if not NULL) most of the time, else a pointer of an allowed class. */
uint64_t hf_ptr(const void *valid, size_t len, unsigned int classes);
/* A pointer the hypervisor must refuse outright. */
uint64_t hf_bad_ptr(size_t len);
/* A virtual address to map something at: scratch, or refused ones. */
uint64_t hf_map_va(void);

/* Frame classes. */
#define HF_M_SCRATCH 0x001u	/* our scratch frames */
#define HF_M_SINK    0x002u	/* the sink's frames (mapped RW) */
#define HF_M_FOREIGN 0x004u	/* the bystander's and other domains' */
#define HF_M_RANDOM  0x008u	/* random in RAM, never one of ours */
#define HF_M_EDGE    0x010u	/* 0, ~0, past RAM, huge */
#define HF_M_TREE    0x020u	/* the scratch region's own L3/L2/L1 */
#define HF_M_LIVEPT  0x040u	/* page tables we run on (must be refused) */
#define HF_M_GNT     0x080u	/* our grant table frame */
#define HF_M_SHINFO  0x100u	/* shared_info */
/* What a frame may be when the hypervisor would write it or map it. */
#define HF_M_DST (HF_M_SCRATCH | HF_M_SINK | HF_M_FOREIGN | HF_M_RANDOM | HF_M_EDGE | HF_M_TREE)
/* What a PTE may point at: never a frame we live on (not even the grant
 * table: garbage written through a mapping of it could grant our frames). */
#define HF_M_PTE HF_M_DST
uint64_t hf_mfn(unsigned int classes);
/* A PTE: a frame of `classes` and random flags. */
uint64_t hf_pte(unsigned int classes);
domid_t hf_domid(void);
/* Never DOMID_SELF nor our own id (for operations that would end us). */
domid_t hf_other_domid(void);
evtchn_port_t hf_port(void);
grant_ref_t hf_gref(void);
/* A time: near now (past or future), 0, or far. */
uint64_t hf_time(void);

/* ---- one call ------------------------------------------------------------ */

/* State a call may change that the loop restores right after it. */
#define HF_D_TRAPS     0x01u	/* the trap table */
#define HF_D_CALLBACKS 0x02u	/* the event and failsafe callbacks */
#define HF_D_TS        0x04u	/* CR0.TS */
#define HF_D_LINE      0x10u	/* a console write may have left half a line */
#define HF_D_MASK      0x08u	/* nothing to restore, but run it with events
				 * masked (vcpu_info may move: the loop must
				 * follow it before an upcall reads it) */

/* What the loop learns from a call's result. */
enum hf_post {
	HF_POST_NONE,
	HF_POST_PORT,		/* post_arg: &port of a bind/alloc; rc 0: open */
	HF_POST_CLOSE,		/* post_arg: the port */
	HF_POST_RESET,		/* post_arg: the domid reset */
	HF_POST_VCPU_INFO,	/* post_arg: &struct vcpu_register_vcpu_info */
	HF_POST_POPULATE,	/* post_arg: extent array; rc = extents done */
	HF_POST_DECREASE,	/* post_arg: extent array; rc = extents done */
};

struct hf_call {
	uint64_t nr;
	uint64_t a[6];
	uint32_t dirty;		/* HF_D_* */
	uint8_t post;		/* enum hf_post */
	uint8_t syscall;	/* issue with a bare syscall, not the hypercall page */
	uint64_t post_arg;
};

/* Family generators. in_mc: the call becomes a multicall entry. */
typedef void (*hf_gen_fn)(struct hf_call *c, bool in_mc);
void hf_gen_mmu_update(struct hf_call *c, bool in_mc);
void hf_gen_mmuext_op(struct hf_call *c, bool in_mc);
void hf_gen_update_va_mapping(struct hf_call *c, bool in_mc);
void hf_gen_set_gdt(struct hf_call *c, bool in_mc);
void hf_gen_update_descriptor(struct hf_call *c, bool in_mc);
void hf_gen_memory_op(struct hf_call *c, bool in_mc);
void hf_gen_event_channel_op(struct hf_call *c, bool in_mc);
void hf_gen_grant_table_op(struct hf_call *c, bool in_mc);
void hf_gen_vcpu_op(struct hf_call *c, bool in_mc);
void hf_gen_sched_op(struct hf_call *c, bool in_mc);
void hf_gen_set_timer_op(struct hf_call *c, bool in_mc);
void hf_gen_set_trap_table(struct hf_call *c, bool in_mc);
void hf_gen_stack_switch(struct hf_call *c, bool in_mc);
void hf_gen_set_callbacks(struct hf_call *c, bool in_mc);
void hf_gen_callback_op(struct hf_call *c, bool in_mc);
void hf_gen_fpu_taskswitch(struct hf_call *c, bool in_mc);
void hf_gen_debugreg(struct hf_call *c, bool in_mc);
void hf_gen_xen_version(struct hf_call *c, bool in_mc);
void hf_gen_console_io(struct hf_call *c, bool in_mc);
void hf_gen_vm_assist(struct hf_call *c, bool in_mc);
void hf_gen_set_segment_base(struct hf_call *c, bool in_mc);
void hf_gen_physdev_op(struct hf_call *c, bool in_mc);
void hf_gen_xsm_op(struct hf_call *c, bool in_mc);
void hf_gen_attest_op(struct hf_call *c, bool in_mc);
void hf_gen_unknown(struct hf_call *c, bool in_mc);
void hf_gen_iret_entry(struct hf_call *c, bool in_mc);

/* The special top-level shapes the loop runs itself (hcfuzz.c). */
#define HF_NR_IRET_SAFE  (~0ULL - 1)	/* an iret that returns to the next line */
#define HF_NR_BLOCK_SAFE (~0ULL - 2)	/* SCHEDOP_block with a timer armed */
#define HF_NR_PTWRITE    (~0ULL - 3)	/* a direct store into the scratch region */

/* hcfuzz_mm.c: the direct store, built and run (1 if it faulted). */
void hf_gen_ptwrite(struct hf_call *c);
long hf_ptwrite(const struct hf_call *c);

/* ---- running calls (hcfuzz_issue.c) ----------------------------------------- */

/* The loop's iret shape (HF_NR_IRET_SAFE): rax, flags, cs, rflags. */
void hf_gen_iret(struct hf_call *c);
/* Make the call (any of the loop's own shapes too): its result. */
long hf_issue(const struct hf_call *c);
/* Put back what a call's HF_D_* says it may have replaced; ends the test
 * if that fails (we could not go on safely). */
void hf_restore(uint32_t dirty);
/* Learn from a call's (or a multicall entry's) result, as c->post says. */
void hf_post(const struct hf_call *c, long rc);

/* ---- what the run remembers and reports (hcfuzz_report.c) ------------------ */

struct hf_run {
	uint64_t iter;			/* the call being made, from 0 */
	uint64_t trace_from;		/* print every call from this one on */
	uint64_t mc_entries;		/* multicall entries that ran */
	unsigned int db, nm, failsafe;	/* bounces we took */
	unsigned int repairs;		/* scratch region relinks */
	unsigned int iret_bad;		/* iret shapes that returned another rax */
	unsigned int ptw_stored, ptw_faulted;	/* direct stores */
	unsigned int blocks, blocks_refused;	/* the block shape */
};
extern struct hf_run hfr;

/* Remember a call (entry -1) or a multicall entry; print it if tracing. */
void hf_ring_log(const struct hf_call *c, int32_t entry);
/* Print the last calls, oldest first, with why. */
void hf_ring_dump(const char *why);
void hf_stat(uint64_t nr, long rc);
void hf_stat_entry(long rc);
/* "hcfuzz: <head> <code> <count>..." over all calls so far. */
void hf_report_summary(const char *head);
/* The end: counts per hypercall and per return code. */
void hf_report_final(uint64_t iters, uint64_t ms);

#endif /* GUEST_HCFUZZ_H */
