/*
 * The memory-model tests' fixture (see test_mm_fixture.h). Every test starts
 * from two fresh domains and ends by checking the invariants, tearing both
 * down (which must leave every frame untyped and unreferenced) and checking
 * that every frame went back to the allocator.
 */
#include <stdlib.h>

#include <xsm/hooks.h>

#include "test_mm_fixture.h"

struct tdom A, B;
uint8_t tm_gbuf[TM_GBUF_SIZE];
static uint64_t free_at_start;

#define DONE_OFF (TM_GBUF_SIZE - 8)

static void tdom_make(struct tdom *t, const char *name)
{
	struct domain *d = domain_alloc(name);

	assert_non_null(d);
	memset(t, 0, sizeof(*t));
	t->d = d;
	t->v = &d->vcpus[0];
	d->state = DOM_RUNNING;
	d->vcpus[0].id = 0;
	d->vcpus[0].domain = d;
	pv_vcpu_init(&d->vcpus[0].pv);
	d->vcpu_count = 1;
	d->vcpus_alive = 1;
	mm_domain_init(d);
	for (unsigned int i = 0; i < TM_POOL; i++) {
		t->pool[i] = frame_alloc(FRAME_GUEST, d->id);
		assert_int_not_equal(mfn_x(t->pool[i]), INVALID_MFN_RAW);
		memset(arch_frame_map(t->pool[i]), 0, PAGE_SIZE);
	}
	d->nr_pages = TM_POOL;
}

int tm_setup(void **state)
{
	(void)state;
	fake_machine_boot(TM_FRAMES, TM_HV_FRAMES);
	fake_mm_reset();
	/* The emulated writes (ptwr, LDT faults) ask the emulation gate. */
	assert_int_equal(xsm_init(XSM_MODULE_DUMMY), 0);
	free_at_start = frame_free_count();
	tdom_make(&A, "a");
	tdom_make(&B, "b");
	memset(tm_gbuf, 0, sizeof(tm_gbuf));
	fake_guest_map(TM_GBUF, tm_gbuf, sizeof(tm_gbuf));
	return 0;
}

int tm_teardown(void **state)
{
	(void)state;
	tm_check_all();
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			mm_domain_teardown(d);
			/* Everything untyped and unreferenced. */
			for (uint64_t m = 0; m < frame_total(); m++) {
				const struct frame_info *f = frame_get(mfn(m));

				if (f->state == FRAME_GUEST && f->owner == id) {
					assert_int_equal(f->ref_count, 0);
					assert_int_equal(f->type_count, 0);
					assert_int_equal(f->type, MM_TYPE_NONE);
					assert_int_equal(f->mm_flags, 0);
				}
			}
			domain_free_unstarted(d);
		}
	}
	assert_int_equal(frame_free_count(), free_at_start);
	fake_machine_fini();
	return 0;
}

mfn_t tm_frame(const struct tdom *t, unsigned int i)
{
	assert_true(i < TM_POOL);
	return t->pool[i];
}

uint64_t *tm_map(mfn_t m)
{
	return arch_frame_map(m);
}

uint64_t tm_maddr(mfn_t m, unsigned int slot)
{
	return (mfn_x(m) << PAGE_SHIFT) + slot * 8ULL;
}

struct frame_info *tm_fi(mfn_t m)
{
	struct frame_info *f = frame_get(m);

	assert_non_null(f);
	return f;
}

void tm_write_tree(const struct tdom *t)
{
	tm_map(tm_frame(t, TM_L4))[0] = pte_make(tm_frame(t, TM_L3), TM_TABLE_FLAGS);
	tm_map(tm_frame(t, TM_L3))[1] = pte_make(tm_frame(t, TM_L2), TM_TABLE_FLAGS);
	tm_map(tm_frame(t, TM_L2))[0] = pte_make(tm_frame(t, TM_L1), TM_TABLE_FLAGS);
	/* Two data pages writable, one read-only, and read-only views of the
	 * four tables at slots 10-13 (as Linux maps its tables). */
	tm_map(tm_frame(t, TM_L1))[0] = pte_make(tm_frame(t, TM_DATA), TM_RW);
	tm_map(tm_frame(t, TM_L1))[1] = pte_make(tm_frame(t, TM_DATA + 1), TM_RW);
	tm_map(tm_frame(t, TM_L1))[2] = pte_make(tm_frame(t, TM_DATA + 2), TM_RO);
	for (unsigned int i = 0; i < 4; i++) {
		tm_map(tm_frame(t, TM_L1))[10 + i] = pte_make(tm_frame(t, i), TM_RO);
	}
}

void tm_tree_root(const struct tdom *t)
{
	tm_write_tree(t);
	assert_int_equal(tm_ext1(t, MMUEXT_PIN_L4_TABLE, mfn_x(tm_frame(t, TM_L4)), 0), 0);
	assert_int_equal(tm_ext1(t, MMUEXT_NEW_BASEPTR, mfn_x(tm_frame(t, TM_L4)), 0), 0);
}

void tm_check_all(void)
{
	size_t words = 2 * frame_total();
	uint32_t *scratch = calloc(words, sizeof(*scratch));
	char why[256];

	assert_non_null(scratch);
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		const struct domain *d = domain_by_id(id);

		if (d != NULL && mm_check_invariants(d, scratch, words, why, sizeof(why)) != 0) {
			free(scratch);
			fail_msg("d%u invariants: %s", id, why);
		}
	}
	free(scratch);
}

int64_t tm_call(const struct tdom *t, int64_t (*fn)(struct vcpu *, const struct hypercall_args *),
		uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hypercall_args args = { { a0, a1, a2, a3, 0, 0 } };
	int64_t rc;

	/* A preempted batch is re-issued with the rest, as the arch does. */
	while ((rc = fn(t->v, &args)) == HYPERCALL_CONTINUE) {
		memcpy(args.a, t->v->pv.cont_args, sizeof(args.a));
	}
	return rc;
}

int64_t tm_mmu_update(const struct tdom *t, const struct mmu_update *reqs, unsigned int n,
		      uint32_t *done)
{
	int64_t rc;

	assert_true(n * sizeof(*reqs) <= DONE_OFF);
	memcpy(tm_gbuf, reqs, n * sizeof(*reqs));
	memset(tm_gbuf + DONE_OFF, 0xee, 4);
	rc = tm_call(t, do_mmu_update, TM_GBUF, n, done ? TM_GBUF + DONE_OFF : 0, DOMID_SELF);
	if (done != NULL) {
		memcpy(done, tm_gbuf + DONE_OFF, 4);
	}
	return rc;
}

int64_t tm_mmu_one(const struct tdom *t, uint64_t ptr, uint64_t val)
{
	struct mmu_update req = { ptr, val };

	return tm_mmu_update(t, &req, 1, NULL);
}

int64_t tm_mmuext(const struct tdom *t, const struct mmuext_op *ops, unsigned int n,
		  uint32_t *done)
{
	int64_t rc;

	assert_true(n * sizeof(*ops) <= DONE_OFF);
	memcpy(tm_gbuf, ops, n * sizeof(*ops));
	memset(tm_gbuf + DONE_OFF, 0xee, 4);
	rc = tm_call(t, do_mmuext_op, TM_GBUF, n, done ? TM_GBUF + DONE_OFF : 0, DOMID_SELF);
	if (done != NULL) {
		memcpy(done, tm_gbuf + DONE_OFF, 4);
	}
	return rc;
}

int64_t tm_ext1(const struct tdom *t, uint32_t cmd, uint64_t arg1, uint64_t arg2)
{
	struct mmuext_op op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.arg1.mfn = arg1;
	op.arg2.vcpumask = arg2;
	return tm_mmuext(t, &op, 1, NULL);
}

int64_t tm_uvm(const struct tdom *t, uint64_t va, uint64_t val, uint64_t flags)
{
	return tm_call(t, do_update_va_mapping, va, val, flags, 0);
}
