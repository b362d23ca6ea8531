/*
 * Unit tests of the writable-page-table emulation (hv/common/mm_ptwr.c),
 * descriptor pages (mm_desc.c) and the bootstrap adoption (mm_domain.c)
 * against the real PV domain builder on the fake machine.
 */
#include <hv/domain_build.h>
#include <hv/elf.h>
#include <hv/elf64.h>
#include <hv/p2m.h>
#include <public/elfnote.h>

#include "test_mm_fixture.h"

/* The tree's read-only views: L1 slot 10 + n shows table n (L4, L3, L2, L1). */
#define VIEW(n) (TM_VA + (10 + (n)) * PAGE_SIZE)

static int64_t ptwr(const struct tdom *t, enum mm_ptwr_kind kind, uint64_t va, unsigned int bytes,
		    uint64_t val, uint64_t expected, uint64_t *old)
{
	struct mm_ptwr w = { .va = va, .val = val, .expected = expected, .bytes = bytes,
			     .kind = kind };
	uint64_t dummy;

	return mm_emulate_pt_write(t->v, &w, old != NULL ? old : &dummy);
}

static void ptwr_setup_tree(void)
{
	tm_tree_root(&A);
	assert_int_equal(tm_call(&A, do_vm_assist, VMASST_CMD_enable,
				 VMASST_TYPE_writable_pagetables, 0, 0),
			 0);
}

/* ---- emulated writes ---------------------------------------------------------------- */

static void test_ptwr_needs_vm_assist(void **state)
{
	(void)state;
	tm_tree_root(&A);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 8,
			      pte_make(tm_frame(&A, 9), TM_RW), 0, NULL),
			 -XEN_EPERM);
	assert_int_equal(tm_map(tm_frame(&A, TM_L1))[50], 0);
}

static void test_ptwr_store_xchg_cmpxchg(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));
	uint64_t e9 = pte_make(tm_frame(&A, 9), TM_RW), e10 = pte_make(tm_frame(&A, 10), TM_RO);
	uint64_t old = 0;

	(void)state;
	ptwr_setup_tree();
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 8, e9, 0, NULL), 0);
	assert_int_equal(l1[50], e9);
	assert_int_equal(tm_fi(tm_frame(&A, 9))->type, MM_TYPE_WRITABLE);
	tm_check_all();
	/* xchg hands back what was there. */
	assert_int_equal(ptwr(&A, MM_PTWR_XCHG, VIEW(TM_L1) + 50 * 8, 8, e10, 0, &old), 0);
	assert_int_equal(old, e9);
	assert_int_equal(tm_fi(tm_frame(&A, 9))->ref_count, 0);
	/* cmpxchg: a mismatch changes nothing and shows the entry. */
	assert_int_equal(ptwr(&A, MM_PTWR_CMPXCHG, VIEW(TM_L1) + 50 * 8, 8, 0, e9, &old), 0);
	assert_int_equal(old, e10);
	assert_int_equal(l1[50], e10);
	assert_int_equal(ptwr(&A, MM_PTWR_CMPXCHG, VIEW(TM_L1) + 50 * 8, 8, 0, e10, &old), 0);
	assert_int_equal(old, e10);
	assert_int_equal(l1[50], 0);
	assert_int_equal(tm_fi(tm_frame(&A, 10))->ref_count, 0);
	tm_check_all();
}

static void test_ptwr_sub_word(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));
	uint64_t e9 = pte_make(tm_frame(&A, 9), TM_RW), old;

	(void)state;
	ptwr_setup_tree();
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 8, e9, 0, NULL), 0);
	/* The high half: set NX. */
	assert_int_equal(ptwr(&A, MM_PTWR_XCHG, VIEW(TM_L1) + 50 * 8 + 4, 4, 0x80000000U, 0, &old),
			 0);
	assert_int_equal(old, e9 >> 32);
	assert_int_equal(l1[50], e9 | _PAGE_NX);
	/* One byte: drop RW (bit 1) from the low byte. */
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 1,
			      (e9 & 0xff) & ~_PAGE_RW, 0, NULL),
			 0);
	assert_false(l1[50] & _PAGE_RW);
	assert_int_equal(tm_fi(tm_frame(&A, 9))->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(tm_frame(&A, 9))->ref_count, 1);
	/* A 2-byte cmpxchg that matches only in its own bytes. */
	assert_int_equal(ptwr(&A, MM_PTWR_CMPXCHG, VIEW(TM_L1) + 50 * 8 + 6, 2, 0, 0x8000, &old), 0);
	assert_int_equal(old, 0x8000);
	assert_false(l1[50] & _PAGE_NX);
	/* Misaligned or odd sizes. */
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8 + 2, 4, 0, 0, NULL),
			 -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 3, 0, 0, NULL), -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 16, 0, 0, NULL), -XEN_EINVAL);
	tm_check_all();
}

static void test_ptwr_refusals(void **state)
{
	uint64_t *l1 = tm_map(tm_frame(&A, TM_L1));

	(void)state;
	ptwr_setup_tree();
	/* The new entry breaks a rule: the #PF goes to the guest. */
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 8,
			      pte_make(tm_frame(&B, 9), TM_RO), 0, NULL),
			 -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 8,
			      pte_make(tm_frame(&A, TM_L2), TM_RW), 0, NULL),
			 -XEN_EINVAL);
	assert_int_equal(l1[50], 0);
	/* A writable mapping (slot 0), a read-only one of a data page (slot 2),
	 * nothing mapped (slot 99), the hypervisor's range, non-canonical. */
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, TM_VA, 8, 0, 0, NULL), -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, TM_VA + 2 * PAGE_SIZE, 8, 0, 0, NULL), -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, TM_VA + 99 * PAGE_SIZE, 8, 0, 0, NULL), -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, HYPERVISOR_VIRT_START, 8, 0, 0, NULL), -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, 0x0000900000000000ULL, 8, 0, 0, NULL), -XEN_EINVAL);
	/* Another domain's identical layout does not help. */
	assert_int_equal(ptwr(&B, MM_PTWR_STORE, VIEW(TM_L1) + 50 * 8, 8, 0, 0, NULL), -XEN_EPERM);
	tm_check_all();
}

static void test_ptwr_upper_levels(void **state)
{
	uint64_t *l4 = tm_map(tm_frame(&A, TM_L4));
	uint64_t before5 = l4[5];

	(void)state;
	ptwr_setup_tree();
	/* As on Xen, only L1 frames are emulated: a write to an L2-L4 through
	 * its read-only mapping is the guest's #PF (they use mmu_update). */
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L4) + 256 * 8, 8, 0, 0, NULL), -XEN_EINVAL);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L4) + 270 * 8 + 4, 4, 0, 0, NULL),
			 -XEN_EINVAL);
	assert_int_equal(l4[256], FAKE_HV_SLOT_ENTRY(256));
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L4) + 5 * 8, 8,
			      pte_make(tm_frame(&A, 30), TM_TABLE_FLAGS), 0, NULL),
			 -XEN_EINVAL);
	assert_int_equal(l4[5], before5);
	assert_int_equal(tm_fi(tm_frame(&A, 30))->type, MM_TYPE_NONE);
	assert_int_equal(ptwr(&A, MM_PTWR_STORE, VIEW(TM_L2) + 5 * 8, 8, 0, 0, NULL), -XEN_EINVAL);
	tm_check_all();
}

/* ---- descriptors ------------------------------------------------------------------- */

struct desc_case {
	uint64_t desc, fixed;
	bool ok;
};

static void test_validate_descriptor(void **state)
{
	static const struct desc_case cases[] = {
		{ 0, 0, true },
		{ 0x00af9a000000ffffULL, 0x00affa000000ffffULL, true },	/* 64-bit code, DPL 0 */
		{ 0x00cf92000000ffffULL, 0x00cff2000000ffffULL, true },	/* data, DPL 0 */
		{ 0x00cfba000000ffffULL, 0x00cffa000000ffffULL, true },	/* 32-bit code, DPL 1 */
		{ 0x00affa000000ffffULL, 0x00affa000000ffffULL, true },	/* user code */
		{ 0x00cf9e000000ffffULL, 0x00cffe000000ffffULL, true },	/* conforming */
		{ 0x0000690000000067ULL, 0x0000690000000067ULL, true },	/* not present */
		{ 0x0000800000000000ULL, 0x0000800000000000ULL, true },	/* system type 0 */
		{ 0x0000890000000067ULL, 0, false },			/* 64-bit TSS */
		{ 0x00008b0000000067ULL, 0, false },			/* busy TSS */
		{ 0x0000820000000fffULL, 0, false },			/* LDT */
		{ 0x0000ec0000100000ULL, 0, false },			/* call gate, DPL 3 */
		{ 0x00008c0000100000ULL, 0, false },			/* call gate, DPL 0 */
		{ 0x0000ee0000100000ULL, 0, false },			/* interrupt gate */
		{ 0x0000ef0000100000ULL, 0, false },			/* trap gate */
		{ 0x0000e50000000000ULL, 0, false },			/* task gate */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t fixed = 0x1111;
		bool ok = mm_validate_descriptor(cases[i].desc, &fixed);

		if (ok != cases[i].ok || (ok && fixed != cases[i].fixed)) {
			fail_msg("descriptor %016llx: ok %d fixed %016llx",
				 (unsigned long long)cases[i].desc, ok, (unsigned long long)fixed);
		}
	}
}

static void test_set_gdt(void **state)
{
	mfn_t g0 = tm_frame(&A, 20), g1 = tm_frame(&A, 21), g2 = tm_frame(&A, 22);
	uint64_t frames[2] = { mfn_x(g0), mfn_x(g1) };
	const struct fake_mm_records *r = fake_mm();

	(void)state;
	tm_tree_root(&A);
	tm_map(g0)[2] = 0x00af9a000000ffffULL;	/* Linux's kernel CS, DPL 0 */
	tm_map(g1)[5] = 0x00cf92000000ffffULL;
	assert_int_equal(mm_set_gdt(A.v, frames, 600), 0);
	assert_int_equal(r->gdt_changes, 1);
	assert_int_equal(r->gdt_nr, 2);
	assert_int_equal(r->gdt_entries, 600);
	assert_int_equal(tm_map(g0)[2], 0x00affa000000ffffULL);
	assert_int_equal(tm_map(g1)[5], 0x00cff2000000ffffULL);
	assert_int_equal(tm_fi(g0)->type, MM_TYPE_SEG_DESC);
	/* A GDT frame can never be mapped writable, nor be a page table. */
	assert_int_equal(tm_uvm(&A, TM_VA + 30 * PAGE_SIZE, pte_make(g0, TM_RW), 0), -XEN_EINVAL);
	assert_int_equal(tm_uvm(&A, TM_VA + 30 * PAGE_SIZE, pte_make(g0, TM_RO), 0), 0);
	assert_int_equal(tm_ext1(&A, MMUEXT_PIN_L1_TABLE, mfn_x(g1), 0), -XEN_EINVAL);
	tm_check_all();
	/* All or nothing: a second frame with a TSS in it fails the lot. */
	tm_map(g2)[7] = 0x0000890000000067ULL;
	frames[0] = mfn_x(g1);
	frames[1] = mfn_x(g2);
	assert_int_equal(mm_set_gdt(A.v, frames, 1024), -XEN_EINVAL);
	assert_int_equal(r->gdt_changes, 1);
	assert_int_equal(tm_fi(g1)->type_count, 1);
	assert_int_equal(tm_fi(g2)->type, MM_TYPE_NONE);
	/* A frame mapped writable is refused. */
	frames[0] = mfn_x(tm_frame(&A, TM_DATA));
	assert_int_equal(mm_set_gdt(A.v, frames, 10), -XEN_EINVAL);
	assert_int_equal(mm_set_gdt(A.v, frames, MM_GDT_MAX_ENTRIES + 1), -XEN_EINVAL);
	/* Replaced: the old frames let go. */
	frames[0] = mfn_x(g1);
	assert_int_equal(mm_set_gdt(A.v, frames, 512), 0);
	assert_int_equal(tm_fi(g0)->type, MM_TYPE_NONE);
	assert_int_equal(tm_fi(g1)->type_count, 1);
	assert_int_equal(mm_set_gdt(A.v, frames, 0), 0);
	assert_int_equal(tm_fi(g1)->type, MM_TYPE_NONE);
	tm_check_all();
}

static void test_update_descriptor(void **state)
{
	mfn_t g = tm_frame(&A, 20), plain = tm_frame(&A, 21);
	uint64_t frames[1] = { mfn_x(g) };

	(void)state;
	tm_tree_root(&A);
	assert_int_equal(mm_set_gdt(A.v, frames, 512), 0);
	assert_int_equal(tm_call(&A, do_update_descriptor, tm_maddr(g, 12), 0x00cf92000000ffffULL, 0, 0),
			 0);
	assert_int_equal(tm_map(g)[12], 0x00cff2000000ffffULL);
	assert_int_equal(tm_fi(g)->type_count, 1);
	/* Into any frame that may be writable (a descriptor table being built). */
	assert_int_equal(tm_call(&A, do_update_descriptor, tm_maddr(plain, 1), 0x00affa000000ffffULL, 0, 0),
			 0);
	assert_int_equal(tm_map(plain)[1], 0x00affa000000ffffULL);
	/* Not into a page table, not a gate, not misaligned, not another's. */
	assert_int_equal(tm_call(&A, do_update_descriptor, tm_maddr(tm_frame(&A, TM_L1), 99),
				 0x00affa000000ffffULL, 0, 0),
			 -XEN_EINVAL);
	assert_int_equal(tm_map(tm_frame(&A, TM_L1))[99], 0);
	assert_int_equal(tm_call(&A, do_update_descriptor, tm_maddr(g, 13), 0x0000ec0000100000ULL, 0, 0),
			 -XEN_EINVAL);
	assert_int_equal(tm_call(&A, do_update_descriptor, tm_maddr(g, 13) + 4, 0, 0, 0), -XEN_EINVAL);
	assert_int_equal(tm_call(&A, do_update_descriptor, tm_maddr(tm_frame(&B, 20), 0), 0, 0, 0),
			 -XEN_EINVAL);
	tm_check_all();
}

/* ---- the builder's bootstrap tables ---------------------------------------------------- */

#define KBASE 0xffffffff80000000ULL

static uint8_t kimage[16384];

static size_t note64(uint8_t *p, uint32_t type, uint64_t v)
{
	struct elf64_nhdr nh = { 4, 8, type };

	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), "Xen", 4);
	memcpy(p + sizeof(nh) + 4, &v, 8);
	return sizeof(nh) + 12;
}

/* A kernel of one text page, optionally asking for a p2m list at 512 GiB. */
static size_t kernel_image(uint64_t init_p2m)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph[2];
	size_t off = sizeof(eh) + sizeof(ph), nlen = 0;

	memset(kimage, 0, sizeof(kimage));
	nlen += note64(kimage + off + nlen, XEN_ELFNOTE_VIRT_BASE, KBASE);
	nlen += note64(kimage + off + nlen, XEN_ELFNOTE_ENTRY, KBASE + 0x1000);
	if (init_p2m != 0) {
		nlen += note64(kimage + off + nlen, XEN_ELFNOTE_INIT_P2M, init_p2m);
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = 1;
	eh.e_entry = KBASE + 0x1000;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(struct elf64_phdr);
	eh.e_phnum = 2;
	memset(ph, 0, sizeof(ph));
	ph[0] = (struct elf64_phdr){ .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = off,
				     .p_filesz = nlen, .p_memsz = nlen, .p_align = 4 };
	ph[1] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 8192,
				     .p_vaddr = KBASE + 0x1000, .p_paddr = 0x1000,
				     .p_filesz = 4096, .p_memsz = 4096, .p_align = PAGE_SIZE };
	memcpy(kimage, &eh, sizeof(eh));
	memcpy(kimage + sizeof(eh), ph, sizeof(ph));
	return 8192 + 4096;
}

static void adopt_builder_tables(uint64_t init_p2m)
{
	struct manifest_domain md;
	struct elf_image img;
	struct elf_error eerr;
	struct build_error berr;
	struct domain *d = domain_alloc("built");
	uint64_t free_before = frame_free_count();
	mfn_t l4;
	unsigned int tables = 0;

	assert_non_null(d);
	mm_domain_init(d);
	assert_int_equal(elf_parse(&img, kimage, kernel_image(init_p2m), &eerr), 0);
	memset(&md, 0, sizeof(md));
	str_lcpy(md.name, "built", sizeof(md.name));
	md.mem = 6ULL << 20;
	md.vcpus = 1;
	md.initrd_module = -1;
	if (domain_build_pv(d, &md, &img, NULL, 0, &berr) != 0) {
		fail_msg("build: %s", berr.msg);
	}
	l4 = d->vcpus[0].arch.entry.l4;
	/* domain_build_pv adopted them (after arch_vcpu_create): once only. */
	assert_int_equal(mm_adopt_bootstrap_tables(d, l4), -XEN_EEXIST);
	assert_true(tm_fi(l4)->mm_flags & MM_F_PINNED);
	assert_int_equal(tm_fi(l4)->type_count, 2);
	assert_int_equal(mfn_x(d->vcpus[0].pv.kernel_root), mfn_x(l4));
	assert_int_equal(tm_fi(d->shared_info_mfn)->type, MM_TYPE_WRITABLE);
	for (uint64_t m = 0; m < frame_total(); m++) {
		const struct frame_info *f = mm_frame_of(d, mfn(m));

		tables += f != NULL && mm_type_is_pt(f->type);
	}
	assert_true(tables >= 4);
	tm_check_all();
	/* Linux's first steps: unpin the bootstrap L4 (the root keeps it). */
	{
		struct hypercall_args a = { { 0 } };
		struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE };

		op.arg1.mfn = mfn_x(l4);
		memcpy(tm_gbuf, &op, sizeof(op));
		a.a[0] = TM_GBUF;
		a.a[1] = 1;
		a.a[3] = DOMID_SELF;
		assert_int_equal(do_mmuext_op(&d->vcpus[0], &a), 0);
		assert_int_equal(tm_fi(l4)->type_count, 1);
	}
	tm_check_all();
	/* Freed, every frame goes back. */
	mm_domain_teardown(d);
	tm_check_all();
	domain_free_unstarted(d);
	assert_int_equal(frame_free_count(), free_before);
}

static void test_adopt_bootstrap_tables(void **state)
{
	(void)state;
	adopt_builder_tables(0);
}

static void test_adopt_bootstrap_tables_separate_p2m(void **state)
{
	(void)state;
	adopt_builder_tables(0x0000008000000000ULL);
}

static void test_adopt_refuses_bad_tables(void **state)
{
	mfn_t l4 = tm_frame(&A, TM_L4);

	(void)state;
	A.d->shared_info_mfn = tm_frame(&A, 40);
	tm_write_tree(&A);
	tm_map(tm_frame(&A, TM_L1))[77] = pte_make(tm_frame(&A, TM_L3), TM_RW);
	assert_int_equal(mm_adopt_bootstrap_tables(A.d, l4), -XEN_EINVAL);
	/* Nothing kept, not even the shared_info hold. */
	assert_int_equal(tm_fi(tm_frame(&A, 40))->type_count, 0);
	assert_int_equal(A.d->mm.held_count, 0);
	tm_map(tm_frame(&A, TM_L1))[77] = 0;
	assert_int_equal(mm_adopt_bootstrap_tables(A.d, l4), 0);
	A.d->shared_info_mfn = mfn(INVALID_MFN_RAW);
	tm_check_all();
	mm_domain_teardown(A.d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ptwr_needs_vm_assist, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_ptwr_store_xchg_cmpxchg, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_ptwr_sub_word, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_ptwr_refusals, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_ptwr_upper_levels, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_validate_descriptor, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_set_gdt, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_update_descriptor, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_adopt_bootstrap_tables, tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(test_adopt_bootstrap_tables_separate_p2m, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(test_adopt_refuses_bad_tables, tm_setup, tm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
