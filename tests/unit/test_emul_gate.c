/*
 * The emulation gate (hv/common/emul_gate.c) under FLASK and the default
 * policy: every emulated path that is equivalent to a hypercall is denied
 * to untrusted_t, which the gate denies that hypercall, and allowed to
 * domU_t; each denial is audited exactly as the hypercall's would be.
 * Three levels: the table and emul_gate() alone; real instruction bytes
 * through the decoder and the classifier (hv/arch/x86_64/pv/emul_class.c)
 * to the permission they must pass; and the trapped writes in the memory
 * model (writable page tables, LDT faults) leaving the page tables and
 * frame types untouched when denied.
 */
#include <stdio.h>
#include <string.h>

#include <xsm/hooks.h>

#include "test_flask_blob.h"
#include "test_mm_fixture.h"

#include <hv/emul_gate.h>

#include "hv/arch/x86_64/pv/emul_class.h"

/* The tree's read-only view of the L1 (test_mm_fixture.c: slot 10 + n). */
#define VIEW_L1 (TM_VA + (10 + TM_L1) * PAGE_SIZE)

/* A: untrusted_t, B: domU_t, FLASK enforcing with the default policy. */
static int eg_setup(void **state)
{
	tm_setup(state);
	flask_blob_boot(true);
	assert_int_equal(xsm_domain_label(A.d, "system_u:system_r:untrusted_t"), 0);
	assert_int_equal(xsm_domain_label(B.d, "system_u:system_r:domU_t"), 0);
	fake_console_reset();
	return 0;
}

static int eg_teardown(void **state)
{
	int rc = tm_teardown(state);

	flask_reset();
	return rc;
}

static bool audited(const char *perm, const struct domain *d)
{
	char line[256];

	snprintf(line, sizeof(line),
		 "avc: denied { %s } for scontext=system_u:system_r:untrusted_t "
		 "tcontext=system_u:system_r:xen_t tclass=hypercall domid=%u\n", perm, d->id);
	return strstr(fake_console_output(), line) != NULL;
}

/* ---- the table ---------------------------------------------------------------- */

static void test_table_complete(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < EMUL_OP_COUNT; i++) {
		const struct emul_gate_def *e = &emul_gate_table[i];

		/* A missing row is all zero: op 0, no name. */
		assert_int_equal(e->op, i);
		assert_non_null(e->name);
		assert_non_null(e->what);
		if (e->perm == XSM_HC_NONE) {
			assert_non_null(e->ungated);
		} else {
			assert_true(e->perm > XSM_HC_NONE && e->perm < XSM_HC_COUNT);
			assert_null(e->ungated);
		}
	}
	/* The equivalences the issue names. */
	assert_int_equal(emul_gate_table[EMUL_DR_WRITE].perm, XSM_HC_SET_DEBUGREG);
	assert_int_equal(emul_gate_table[EMUL_DR_READ].perm, XSM_HC_GET_DEBUGREG);
	assert_int_equal(emul_gate_table[EMUL_WRMSR_SEGBASE].perm, XSM_HC_SET_SEGMENT_BASE);
	assert_int_equal(emul_gate_table[EMUL_CLTS].perm, XSM_HC_FPU_TASKSWITCH);
	assert_int_equal(emul_gate_table[EMUL_CR0_WRITE].perm, XSM_HC_FPU_TASKSWITCH);
	assert_int_equal(emul_gate_table[EMUL_PT_WRITE].perm, XSM_HC_MMU_UPDATE);
	assert_int_equal(emul_gate_table[EMUL_LDT_MAP].perm, XSM_HC_MMUEXT_OP);
}

static void test_gate_untrusted_denied_domU_allowed(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < EMUL_OP_COUNT; i++) {
		const struct emul_gate_def *e = &emul_gate_table[i];

		fake_console_reset();
		assert_int_equal(emul_gate(B.v, (enum emul_op)i), 0);
		assert_null(strstr(fake_console_output(), "avc: denied"));
		if (e->perm == XSM_HC_NONE) {
			assert_int_equal(emul_gate(A.v, (enum emul_op)i), 0);
			continue;
		}
		/* untrusted_t passes the gate for console_io, sched_op and
		 * xen_version only; none of these is equivalent to one. */
		assert_int_equal(emul_gate(A.v, (enum emul_op)i), -XEN_EACCES);
		assert_true(audited(xsm_hypercall_perm_name(e->perm), A.d));
		/* The same answer as the hypercall itself. */
		assert_int_equal(xsm_hypercall(A.d, e->perm), -XEN_EACCES);
	}
	/* Out of range fails closed. */
	assert_int_equal(emul_gate(B.v, EMUL_OP_COUNT), -XEN_EACCES);
	assert_int_equal(emul_gate(B.v, (enum emul_op)-1), -XEN_EACCES);
}

static void test_gate_permissive_audits(void **state)
{
	(void)state;
	flask_reset();
	flask_blob_boot(false);
	assert_int_equal(xsm_domain_label(A.d, "system_u:system_r:untrusted_t"), 0);
	fake_console_reset();
	assert_int_equal(emul_gate(A.v, EMUL_DR_WRITE), 0);
	assert_non_null(strstr(fake_console_output(), "avc: denied { set_debugreg }"));
	assert_non_null(strstr(fake_console_output(), "permissive=1"));
}

/* ---- instruction bytes to permissions ------------------------------------------------ */

struct emul_case {
	const char *asm_text;
	uint8_t bytes[4];
	size_t len;
	uint32_t ecx;
	bool emulated;
	enum emul_op op;
	const char *perm;	/* the gate permission name, or NULL: ungated */
};

static const struct emul_case cases[] = {
	{ "mov %rax,%db0", { 0x0f, 0x23, 0xc0 }, 3, 0, true, EMUL_DR_WRITE, "set_debugreg" },
	{ "mov %rax,%db7", { 0x0f, 0x23, 0xf8 }, 3, 0, true, EMUL_DR_WRITE, "set_debugreg" },
	{ "mov %db6,%rax", { 0x0f, 0x21, 0xf0 }, 3, 0, true, EMUL_DR_READ, "get_debugreg" },
	{ "wrmsr FS_BASE", { 0x0f, 0x30 }, 2, 0xc0000100, true, EMUL_WRMSR_SEGBASE,
	  "set_segment_base" },
	{ "wrmsr GS_BASE", { 0x0f, 0x30 }, 2, 0xc0000101, true, EMUL_WRMSR_SEGBASE,
	  "set_segment_base" },
	{ "wrmsr KERNEL_GS_BASE", { 0x0f, 0x30 }, 2, 0xc0000102, true, EMUL_WRMSR_SEGBASE,
	  "set_segment_base" },
	{ "wrmsr EFER", { 0x0f, 0x30 }, 2, 0xc0000080, true, EMUL_WRMSR_SAME, NULL },
	{ "wrmsr PAT", { 0x0f, 0x30 }, 2, 0x277, true, EMUL_WRMSR_SAME, NULL },
	{ "wrmsr LSTAR", { 0x0f, 0x30 }, 2, 0xc0000082, false, 0, NULL },
	{ "rdmsr", { 0x0f, 0x32 }, 2, 0xc0000100, true, EMUL_RDMSR, NULL },
	{ "clts", { 0x0f, 0x06 }, 2, 0, true, EMUL_CLTS, "fpu_taskswitch" },
	{ "mov %rax,%cr0", { 0x0f, 0x22, 0xc0 }, 3, 0, true, EMUL_CR0_WRITE, "fpu_taskswitch" },
	{ "mov %rax,%cr3", { 0x0f, 0x22, 0xd8 }, 3, 0, false, 0, NULL },
	{ "mov %rax,%cr4", { 0x0f, 0x22, 0xe0 }, 3, 0, true, EMUL_CR4_WRITE, NULL },
	{ "mov %cr3,%rax", { 0x0f, 0x20, 0xd8 }, 3, 0, true, EMUL_CR_READ, NULL },
	{ "cli", { 0xfa }, 1, 0, true, EMUL_CLI_STI, NULL },
	{ "sti", { 0xfb }, 1, 0, true, EMUL_CLI_STI, NULL },
	{ "wbinvd", { 0x0f, 0x09 }, 2, 0, true, EMUL_CACHE_FLUSH, NULL },
	{ "hlt", { 0xf4 }, 1, 0, false, 0, NULL },
	{ "lmsw %ax", { 0x0f, 0x01, 0xf0 }, 3, 0, false, 0, NULL },
	{ "swapgs", { 0x0f, 0x01, 0xf8 }, 3, 0, false, 0, NULL },
};

static void test_instructions_to_permissions(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct emul_case *c = &cases[i];
		struct insn in;
		enum emul_op op = EMUL_OP_COUNT;
		bool emulated;

		assert_int_equal(insn_decode(&in, c->bytes, c->len), INSN_OK);
		emulated = pv_emul_classify(&in, c->ecx, &op);
		if (emulated != c->emulated) {
			fail_msg("%s: emulated %d, want %d", c->asm_text, emulated, c->emulated);
		}
		if (!emulated) {
			continue;
		}
		if (op != c->op) {
			fail_msg("%s: op %u (%s), want %u", c->asm_text, op, emul_gate_table[op].name,
				 c->op);
		}
		if (c->perm == NULL) {
			assert_int_equal(emul_gate_table[op].perm, XSM_HC_NONE);
			assert_int_equal(emul_gate(A.v, op), 0);
		} else {
			assert_string_equal(xsm_hypercall_perm_name(emul_gate_table[op].perm), c->perm);
			fake_console_reset();
			assert_int_equal(emul_gate(A.v, op), -XEN_EACCES);
			assert_true(audited(c->perm, A.d));
			assert_int_equal(emul_gate(B.v, op), 0);
		}
	}
}

/* ---- trapped writes in the memory model ------------------------------------------- */

static int64_t ptwr(const struct tdom *t, uint64_t va, uint64_t val)
{
	struct mm_ptwr w = { .va = va, .val = val, .bytes = 8, .kind = MM_PTWR_STORE };
	uint64_t old;

	return mm_emulate_pt_write(t->v, &w, &old);
}

static void ptwr_tree(const struct tdom *t)
{
	tm_tree_root(t);
	/* vm_assist is not what is tested: enabled straight through its handler. */
	assert_int_equal(tm_call(t, do_vm_assist, VMASST_CMD_enable,
				 VMASST_TYPE_writable_pagetables, 0, 0), 0);
}

static void test_ptwr_denied_untrusted(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));
	uint64_t e = pte_make(tm_frame(&A, 9), TM_RW);

	(void)state;
	ptwr_tree(&A);
	fake_console_reset();
	assert_int_equal(ptwr(&A, VIEW_L1 + 50 * 8, e), -XEN_EACCES);
	assert_int_equal(l1[50], 0);
	assert_int_equal(tm_fi(tm_frame(&A, 9))->type, MM_TYPE_NONE);
	assert_true(audited("mmu_update", A.d));
	/* A write to a page that is no page table is no denial: not audited. */
	fake_console_reset();
	assert_int_not_equal(ptwr(&A, TM_VA + 2 * PAGE_SIZE, 0), 0);
	assert_null(strstr(fake_console_output(), "avc: denied"));
}

static void test_ptwr_allowed_domU(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&B, TM_L1));
	uint64_t e = pte_make(tm_frame(&B, 9), TM_RW);

	(void)state;
	ptwr_tree(&B);
	fake_console_reset();
	assert_int_equal(ptwr(&B, VIEW_L1 + 50 * 8, e), 0);
	assert_int_equal(l1[50], e);
	assert_int_equal(tm_fi(tm_frame(&B, 9))->type, MM_TYPE_WRITABLE);
	assert_null(strstr(fake_console_output(), "avc: denied"));
}

/* An LDT at slot 12 (read-only), set through the handler directly. */
static void ldt_set(const struct tdom *t)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

	tm_tree_root(t);
	assert_int_equal(tm_uvm(t, TM_VA + 12 * PAGE_SIZE, pte_make(tm_frame(t, 12), TM_RO), 0),
			 0);
	op.arg1.linear_addr = TM_VA + 12 * PAGE_SIZE;
	op.arg2.nr_ents = 16;
	assert_int_equal(tm_mmuext(t, &op, 1, NULL), 0);
}

static void test_ldt_fault_gated(void **state)
{
	mfn_t m;

	(void)state;
	ldt_set(&A);
	ldt_set(&B);
	fake_console_reset();
	assert_int_equal(mm_ldt_fault(A.v, 0, &m), -XEN_EACCES);
	assert_int_equal(tm_fi(tm_frame(&A, 12))->type, MM_TYPE_NONE);
	assert_true(audited("mmuext_op", A.d));
	assert_int_equal(mm_ldt_fault(B.v, 0, &m), 0);
	assert_int_equal(mfn_x(m), mfn_x(tm_frame(&B, 12)));
	assert_int_equal(tm_fi(tm_frame(&B, 12))->type, MM_TYPE_SEG_DESC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_complete, eg_setup, eg_teardown),
		cmocka_unit_test_setup_teardown(test_gate_untrusted_denied_domU_allowed, eg_setup,
						eg_teardown),
		cmocka_unit_test_setup_teardown(test_gate_permissive_audits, eg_setup, eg_teardown),
		cmocka_unit_test_setup_teardown(test_instructions_to_permissions, eg_setup,
						eg_teardown),
		cmocka_unit_test_setup_teardown(test_ptwr_denied_untrusted, eg_setup, eg_teardown),
		cmocka_unit_test_setup_teardown(test_ptwr_allowed_domU, eg_setup, eg_teardown),
		cmocka_unit_test_setup_teardown(test_ldt_fault_gated, eg_setup, eg_teardown),
	};

	flask_blob_read();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
