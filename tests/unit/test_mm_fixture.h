/*
 * Shared fixture of the memory-model tests (test_mm*.c): a fake machine,
 * fake domains each owning a small pool of frames, a standard page-table
 * tree written straight into fake memory, hypercall wrappers that pass
 * their arguments through the fake guest address space, and the invariant
 * check after every test.
 */
#ifndef TEST_MM_FIXTURE_H
#define TEST_MM_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <fake_mm.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>
#include <public/mmu.h>
#include <public/xen.h>

#define TM_FRAMES     3072
#define TM_HV_FRAMES  32
#define TM_POOL       48

/* Where hypercall arguments live in the fake guest address space. */
#define TM_GBUF       0x0000000000400000ULL
#define TM_GBUF_SIZE  (64 * 1024)

/* The standard tree: pool[0] L4, [1] L3, [2] L2, [3] L1, data from [4].
 * L4[0] -> L3, L3[1] -> L2, L2[0] -> L1: the L1 maps TM_VA + i * 4 KiB. */
#define TM_L4 0
#define TM_L3 1
#define TM_L2 2
#define TM_L1 3
#define TM_DATA 4
#define TM_VA 0x0000000040000000ULL
#define TM_TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define TM_RO (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define TM_RW (TM_RO | _PAGE_RW | _PAGE_DIRTY)

struct tdom {
	struct domain *d;
	struct vcpu *v;
	mfn_t pool[TM_POOL];
};

extern struct tdom A, B;	/* two domains, set up by tm_setup */
extern uint8_t tm_gbuf[TM_GBUF_SIZE];

int tm_setup(void **state);
int tm_teardown(void **state);

mfn_t tm_frame(const struct tdom *t, unsigned int i);
uint64_t *tm_map(mfn_t m);
uint64_t tm_maddr(mfn_t m, unsigned int slot);
struct frame_info *tm_fi(mfn_t m);
/* Write the standard tree into t's untyped frames (no validation). */
void tm_write_tree(const struct tdom *t);
/* Tree written, L4 pinned and made vCPU 0's kernel root. */
void tm_tree_root(const struct tdom *t);
/* The invariant checker must pass for every domain. */
void tm_check_all(void);

/* Hypercalls through the dispatcher's handlers, arguments in tm_gbuf. */
int64_t tm_mmu_update(const struct tdom *t, const struct mmu_update *reqs, unsigned int n,
		      uint32_t *done);
int64_t tm_mmu_one(const struct tdom *t, uint64_t ptr, uint64_t val);
int64_t tm_mmuext(const struct tdom *t, const struct mmuext_op *ops, unsigned int n,
		  uint32_t *done);
int64_t tm_ext1(const struct tdom *t, uint32_t cmd, uint64_t arg1, uint64_t arg2);
int64_t tm_uvm(const struct tdom *t, uint64_t va, uint64_t val, uint64_t flags);
int64_t tm_call(const struct tdom *t, int64_t (*fn)(struct vcpu *, const struct hypercall_args *),
		uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
