/*
 * Helpers of the grant-table tests (test_gnttab*.c) over the memory-model
 * fixture (test_mm_fixture.h): domains A and B with grant tables, grant
 * entries written as a granter would, and the sub-ops called through
 * do_grant_table_op with their arguments in the fake guest buffer.
 */
#ifndef TEST_GNTTAB_ENV_H
#define TEST_GNTTAB_ENV_H

#include "test_mm_fixture.h"

#include <hv/grant.h>
#include <public/grant_table.h>
#include <xsm/hooks.h>

/* An empty slot of the standard tree's L1, and its virtual address. */
#define GT_SLOT 5
#define GT_VA   (TM_VA + GT_SLOT * 4096ULL)
#define GT_MAPTRACK 8

static inline int gt_setup(void **state)
{
	tm_setup(state);
	assert_int_equal(xsm_init(XSM_MODULE_DUMMY), 0);
	assert_int_equal(gnttab_domain_init(A.d, 4, GT_MAPTRACK), 0);
	assert_int_equal(gnttab_domain_init(B.d, 4, GT_MAPTRACK), 0);
	tm_tree_root(&A);
	tm_tree_root(&B);
	return 0;
}

/* The entry of granter t's ref (frame 0 only). */
static inline struct grant_entry_v1 *gt_entry(const struct tdom *t, unsigned int ref)
{
	struct grant_entry_v1 *e = arch_frame_map(gnttab_frame(t->d, ref / 512));

	return &e[ref % 512];
}

static inline void gt_grant(const struct tdom *t, unsigned int ref, domid_t to, mfn_t frame,
			    uint16_t flags)
{
	struct grant_entry_v1 *e = gt_entry(t, ref);

	e->frame = (uint32_t)mfn_x(frame);
	e->domid = to;
	e->flags = flags;
}

/* bytes of op (all of a batch) go to the guest buffer; count as given. */
static inline int64_t gt_op(const struct tdom *t, unsigned int cmd, const void *op, size_t bytes,
			    uint32_t count)
{
	int64_t rc;

	memcpy(tm_gbuf, op, bytes);
	rc = tm_call(t, do_grant_table_op, cmd, TM_GBUF, count, 0);
	return rc;
}

/* map_grant_ref of one op: its status; *h gets the handle. */
static inline int gt_map(const struct tdom *t, domid_t dom, unsigned int ref, uint32_t flags,
			 uint64_t host_addr, uint32_t *h)
{
	struct gnttab_map_grant_ref op = { .host_addr = host_addr, .flags = flags, .ref = ref,
					   .dom = dom, .status = 99 };

	assert_int_equal(gt_op(t, GNTTABOP_map_grant_ref, &op, sizeof(op), 1), 0);
	memcpy(&op, tm_gbuf, sizeof(op));
	if (h != NULL) {
		*h = op.handle;
	}
	return op.status;
}

static inline int gt_unmap(const struct tdom *t, uint32_t h, uint64_t host_addr)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = host_addr, .handle = h, .status = 99 };

	assert_int_equal(gt_op(t, GNTTABOP_unmap_grant_ref, &op, sizeof(op), 1), 0);
	memcpy(&op, tm_gbuf, sizeof(op));
	return op.status;
}

static inline int gt_copy(const struct tdom *t, const struct gnttab_copy *c)
{
	struct gnttab_copy op = *c;

	op.status = 99;
	assert_int_equal(gt_op(t, GNTTABOP_copy, &op, sizeof(op), 1), 0);
	memcpy(&op, tm_gbuf, sizeof(op));
	return op.status;
}

static inline uint64_t gt_pte(const struct tdom *t, unsigned int slot)
{
	return tm_map(tm_frame(t, TM_L1))[slot];
}

#endif
