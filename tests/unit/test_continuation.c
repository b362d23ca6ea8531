/*
 * Unit tests of hypercall continuations (hv/common/hypercall.c and the
 * batch drivers: mm_batch.c, multicall.c, memory_reservation.c,
 * gnttab_op.c): a batch preempted after every item and re-issued with the
 * rest it wrote back ends with the same result as the batch run whole; a
 * guest that forges a continuation encoding or rewrites its list between
 * re-issues gets nothing it could not have asked for directly.
 * Preemption is forced with sched_tick() (the scheduler wants the CPU until
 * schedule() runs), so every issue does exactly one item.
 */
#include "test_mm_fixture.h"

#include <hv/grant.h>
#include <hv/sched.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/version.h>
#include <xsm/hooks.h>

static struct vcpu idle;

/* No pending work: a batch runs whole. */
static void preempt_off(void)
{
	sched_init(&idle);
}

/* The scheduler wants the CPU: every batch gives way after one item. */
static void preempt_on(void)
{
	sched_tick();
}

/* Issue a handler as the arch does, re-issuing with the rest until it
 * ends; *issues counts the issues. */
static int64_t issue(const struct tdom *t, hypercall_fn fn, struct hypercall_args *args,
		     unsigned int *issues)
{
	int64_t rc;

	*issues = 0;
	do {
		t->v->pv.cont_pending = false;
		rc = fn(t->v, args);
		(*issues)++;
		if (rc == HYPERCALL_CONTINUE) {
			assert_true(t->v->pv.cont_pending);
			memcpy(args->a, t->v->pv.cont_args, sizeof(args->a));
		}
	} while (rc == HYPERCALL_CONTINUE);
	return rc;
}

#define NREQ   2000
#define DONE_AT (TM_GBUF + TM_GBUF_SIZE - 8)

/* NREQ requests aliasing three frames read-only through eight slots of
 * the standard L1 (slots 60..67), one failing at `bad` (a frame of B's)
 * unless bad >= NREQ. */
static void fill_requests(unsigned int bad)
{
	struct mmu_update *r = (struct mmu_update *)tm_gbuf;

	for (unsigned int j = 0; j < NREQ; j++) {
		r[j].ptr = tm_maddr(tm_frame(&A, TM_L1), 60 + j % 8);
		r[j].val = pte_make(tm_frame(j == bad ? &B : &A, 10 + j % 3), TM_RO);
	}
}

struct mm_state {
	uint64_t pte[8];
	uint32_t ref[3];
};

static void snapshot(struct mm_state *s)
{
	const uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < 8; i++) {
		s->pte[i] = l1[60 + i];
	}
	for (unsigned int i = 0; i < 3; i++) {
		s->ref[i] = tm_fi(tm_frame(&A, 10 + i))->ref_count;
	}
}

static void clear_slots(void)
{
	for (unsigned int i = 0; i < 8; i++) {
		assert_int_equal(tm_mmu_one(&A, tm_maddr(tm_frame(&A, TM_L1), 60 + i), 0), 0);
	}
}

static int64_t mmu_batch(uint32_t count, unsigned int *issues, uint32_t *done)
{
	struct hypercall_args a = { { TM_GBUF, count, DONE_AT, DOMID_SELF } };
	int64_t rc = issue(&A, do_mmu_update, &a, issues);

	memcpy(done, tm_gbuf + TM_GBUF_SIZE - 8, sizeof(*done));
	return rc;
}

static void test_mmu_update_preempted_same_result(void **state)
{
	struct mm_state whole, parts;
	unsigned int issues;
	uint32_t done;

	(void)state;
	tm_tree_root(&A);
	for (unsigned int bad = NREQ - 700; bad <= NREQ; bad += 700) {
		fill_requests(bad);
		preempt_off();
		assert_int_equal(mmu_batch(NREQ, &issues, &done), bad < NREQ ? -XEN_EINVAL : 0);
		assert_int_equal(issues, 1);
		assert_int_equal(done, bad < NREQ ? bad : NREQ);
		snapshot(&whole);
		clear_slots();

		preempt_on();
		assert_int_equal(mmu_batch(NREQ, &issues, &done), bad < NREQ ? -XEN_EINVAL : 0);
		preempt_off();
		/* One entry per issue: the failing one ends the last. */
		assert_int_equal(issues, bad < NREQ ? bad + 1 : NREQ);
		assert_int_equal(done, bad < NREQ ? bad : NREQ);
		snapshot(&parts);
		assert_memory_equal(&whole, &parts, sizeof(whole));
		clear_slots();
		tm_check_all();
	}
}

/* The rest is in the guest's registers and memory: it may rewrite both
 * between re-issues. Each re-issue is checked from scratch. */
static void test_mmu_update_hostile_reissue(void **state)
{
	struct hypercall_args a = { { TM_GBUF, NREQ, DONE_AT, DOMID_SELF } };
	struct mmu_update *r = (struct mmu_update *)tm_gbuf;
	uint32_t done;
	int64_t rc;

	(void)state;
	tm_tree_root(&A);
	fill_requests(NREQ);
	preempt_on();
	rc = do_mmu_update(A.v, &a);
	assert_true(rc == HYPERCALL_CONTINUE);
	/* Xen's encoding: list advanced, the rest | MMU_UPDATE_PREEMPTED,
	 * pdone and foreigndom as they were, the entries done in *pdone. */
	memcpy(a.a, A.v->pv.cont_args, sizeof(a.a));
	assert_int_equal(a.a[0], TM_GBUF + sizeof(struct mmu_update));
	assert_int_equal(a.a[1], (NREQ - 1) | 0x80000000ULL);
	assert_int_equal(a.a[2], DONE_AT);
	assert_int_equal(a.a[3], DOMID_SELF);
	memcpy(&done, tm_gbuf + TM_GBUF_SIZE - 8, 4);
	assert_int_equal(done, 1);

	/* The next entry now names B's frame: refused as on a first issue. */
	r[1].val = pte_make(tm_frame(&B, 10), TM_RW);
	assert_int_equal(do_mmu_update(A.v, &a), -XEN_EINVAL);
	assert_int_equal(tm_fi(tm_frame(&B, 10))->ref_count, 0);
	memcpy(&done, tm_gbuf + TM_GBUF_SIZE - 8, 4);
	assert_int_equal(done, 1);

	/* A forged rest reaching past the guest's memory: -EFAULT, no more. */
	a.a[0] = TM_GBUF + TM_GBUF_SIZE - 16;
	a.a[1] = 0x7fffffffULL | 0x80000000ULL;
	done = 0xfffffff0U;
	memcpy(tm_gbuf + TM_GBUF_SIZE - 8, &done, 4);
	rc = do_mmu_update(A.v, &a);
	assert_true(rc == -XEN_EFAULT || rc == -XEN_EINVAL);
	/* Or a foreign domain smuggled into the rest: refused before anything. */
	a.a[0] = TM_GBUF;
	a.a[1] = 5 | 0x80000000ULL;
	a.a[3] = B.d->id;
	assert_int_equal(do_mmu_update(A.v, &a), -XEN_EPERM);
	preempt_off();
	clear_slots();
	tm_check_all();
}

/* A multicall whose middle entry is a preempted mmu_update: the multicall
 * continues at that entry with the entry's rest written into its args. */
static void test_multicall_inner_continuation(void **state)
{
	struct multicall_entry *mc = (struct multicall_entry *)(tm_gbuf + 48 * 1024);
	uint64_t list = TM_GBUF + 48 * 1024;
	struct hypercall_args a = { { list, 3 } };
	struct mm_state whole, parts;
	unsigned int issues;
	int64_t ver;

	(void)state;
	tm_tree_root(&A);
	fill_requests(NREQ);
	preempt_off();
	a = (struct hypercall_args){ { XENVER_version } };
	ver = hypercall_dispatch(A.v, __HYPERVISOR_xen_version, &a);
	assert_true(ver > 0);
	for (unsigned int pass = 0; pass < 2; pass++) {
		memset(mc, 0, 3 * sizeof(*mc));
		mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version };
		mc[1] = (struct multicall_entry){ .op = __HYPERVISOR_mmu_update,
						  .args = { TM_GBUF, 600, 0, DOMID_SELF } };
		mc[2] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version };
		a = (struct hypercall_args){ { list, 3 } };
		if (pass == 1) {
			preempt_on();
		}
		issues = 0;
		for (int64_t rc = HYPERCALL_CONTINUE; rc == HYPERCALL_CONTINUE; issues++) {
			rc = hypercall_dispatch(A.v, __HYPERVISOR_multicall, &a);
			assert_true(rc != HYPERCALL_CONTINUE || hypercall_continued(A.v, rc));
			if (rc != 0 && rc != HYPERCALL_CONTINUE) {
				fail_msg("multicall: rc %lld", (long long)rc);
			}
			if (pass == 1 && issues == 1) {
				/* After the first entry and one of the inner batch:
				 * the multicall stands at its second entry, whose
				 * args hold the inner rest. */
				assert_int_equal(a.a[0], list + sizeof(*mc));
				assert_int_equal(a.a[1], 2);
				assert_int_equal(mc[1].args[1], 599 | 0x80000000ULL);
			}
		}
		preempt_off();
		assert_int_equal(issues, pass == 0 ? 1 : 1 + 600 + 1);
		assert_int_equal((int64_t)mc[0].result, ver);
		assert_int_equal((int64_t)mc[1].result, 0);
		assert_int_equal((int64_t)mc[2].result, ver);
		assert_false(A.v->pv.in_multicall);
		snapshot(pass == 0 ? &whole : &parts);
		clear_slots();
	}
	assert_memory_equal(&whole, &parts, sizeof(whole));
	/* The marker's value alone is no continuation (iret returns the
	 * guest's own rax): only hypercall_continue() makes one. */
	a = (struct hypercall_args){ { XENVER_version } };
	assert_int_equal(hypercall_dispatch(A.v, __HYPERVISOR_xen_version, &a), ver);
	assert_false(hypercall_continued(A.v, HYPERCALL_CONTINUE));
	/* A re-issue that now nests a multicall or an iret is refused per
	 * entry, as on a first issue. */
	mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_multicall, .args = { list, 1 } };
	a = (struct hypercall_args){ { list, 1 } };
	assert_int_equal(hypercall_dispatch(A.v, __HYPERVISOR_multicall, &a), 0);
	assert_int_equal((int64_t)mc[0].result, -XEN_EINVAL);
	tm_check_all();
}

/* memory_op: progress in cmd's bits above MEMOP_EXTENT_SHIFT. */
static void test_reservation_progress_encoding(void **state)
{
	struct xen_memory_reservation *res = (struct xen_memory_reservation *)tm_gbuf;
	uint64_t *ext = (uint64_t *)(tm_gbuf + 1024);
	struct hypercall_args a;
	unsigned int issues;
	uint64_t before = A.d->nr_pages;

	(void)state;
	*res = (struct xen_memory_reservation){ .extent_start = TM_GBUF + 1024, .nr_extents = 4,
						 .domid = DOMID_SELF };
	/* Extents 0 and 1 are B's (refused), 2 and 3 are free frames of A's. */
	ext[0] = mfn_x(tm_frame(&B, 40));
	ext[1] = mfn_x(tm_frame(&B, 41));
	ext[2] = mfn_x(tm_frame(&A, 40));
	ext[3] = mfn_x(tm_frame(&A, 41));
	preempt_off();
	a = (struct hypercall_args){ { XENMEM_decrease_reservation, TM_GBUF } };
	assert_int_equal(issue(&A, do_memory_op, &a, &issues), 0);
	/* A forged start past the end does nothing and says so. */
	a = (struct hypercall_args){ { XENMEM_decrease_reservation | (9ULL << MEMOP_EXTENT_SHIFT),
				       TM_GBUF } };
	assert_int_equal(issue(&A, do_memory_op, &a, &issues), 9);
	assert_int_equal(A.d->nr_pages, before);
	/* A forged start skipping B's extents only frees A's own, preempted
	 * after each: the total is counted from the start. */
	preempt_on();
	a = (struct hypercall_args){ { XENMEM_decrease_reservation | (2ULL << MEMOP_EXTENT_SHIFT),
				       TM_GBUF } };
	assert_int_equal(issue(&A, do_memory_op, &a, &issues), 4);
	preempt_off();
	assert_int_equal(issues, 2);
	assert_int_equal(A.d->nr_pages, before - 2);
	assert_int_equal(frame_get(tm_frame(&B, 40))->owner, B.d->id);
	/* A count whose progress cannot be encoded is refused. */
	res->nr_extents = ~0ULL;
	a = (struct hypercall_args){ { XENMEM_decrease_reservation, TM_GBUF } };
	assert_int_equal(issue(&A, do_memory_op, &a, &issues), -XEN_EINVAL);
}

/* Grant batches: uop advanced, count the rest; statuses as when whole. */
static void test_gnttab_batch_preempted(void **state)
{
	struct gnttab_map_grant_ref *op = (struct gnttab_map_grant_ref *)tm_gbuf;
	int16_t whole[64];
	struct hypercall_args a;
	unsigned int issues;

	(void)state;
	for (unsigned int pass = 0; pass < 2; pass++) {
		memset(tm_gbuf, 0, 64 * sizeof(*op));
		for (unsigned int i = 0; i < 64; i++) {
			op[i].ref = i;
			op[i].dom = i % 2 ? B.d->id : 0x7ff0;
			op[i].host_addr = TM_VA + i * 4096ULL;
			op[i].flags = GNTMAP_host_map;
		}
		if (pass == 1) {
			preempt_on();
		}
		a = (struct hypercall_args){ { GNTTABOP_map_grant_ref, TM_GBUF, 64 } };
		assert_int_equal(issue(&A, do_grant_table_op, &a, &issues), 0);
		preempt_off();
		assert_int_equal(issues, pass == 0 ? 1 : 64);
		for (unsigned int i = 0; i < 64; i++) {
			if (pass == 0) {
				whole[i] = op[i].status;
				assert_int_not_equal(whole[i], GNTST_okay);
			} else {
				assert_int_equal(op[i].status, whole[i]);
			}
		}
	}
}

/* Domain teardown gives way after each chunk of frames and resumes where
 * it stopped; the end state is the same as in one go. */
static void test_teardown_in_steps(void **state)
{
	uint64_t owned = A.d->nr_pages, free_before = frame_free_count();
	domid_t id = A.d->id;
	unsigned int steps = 0;

	(void)state;
	tm_tree_root(&A);
	domain_shutdown(A.d, SHUTDOWN_poweroff);
	assert_int_equal(A.d->state, DOM_DYING);
	preempt_on();
	while (domain_reap(NULL)) {
		steps++;
		assert_true(steps < 100000);
	}
	preempt_off();
	/* The roots, then three scans of the machine's frames in chunks. */
	assert_true(steps >= 3 * (frame_total() / 256));
	assert_null(domain_by_id(id));
	assert_true(frame_free_count() >= free_before + owned);
	/* Nothing left to do: one call, no step. */
	assert_false(domain_reap(NULL));
}

/* The dispatcher's gate needs a module; xsm_init cannot be undone, so
 * once for the whole run. */
static int xsm_dummy(void **state)
{
	(void)state;
	return xsm_init(XSM_MODULE_DUMMY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmu_update_preempted_same_result, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_hostile_reissue, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_multicall_inner_continuation, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_reservation_progress_encoding, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_gnttab_batch_preempted, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_teardown_in_steps, tm_setup, tm_teardown),
	};

	return cmocka_run_group_tests(tests, xsm_dummy, NULL);
}
