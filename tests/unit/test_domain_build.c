/*
 * Unit tests of the PV64 domain builder (hv/common/domain_build.c) end to
 * end on the fake machine: a kernel ELF image is assembled here, parsed by
 * the real elf_parse, built by domain_build_pv, and the result is checked
 * the way a guest would see it, by walking the page tables the builder
 * wrote. Also the failure paths (nothing leaks) and hv_main's fail-closed
 * boot (one bad domain and nothing starts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <attest/measure.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/grant.h>
#include <hv/domain_build.h>
#include <hv/elf.h>
#include <hv/elf64.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/p2m.h>
#include <hv/pv_pt.h>
#include <hv/sched.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/xen.h>

#define VBASE        0xffffffff80000000ULL
#define LINUX_TEXT   0xffffffff81000000ULL
#define LINUX_P2M    0x0000008000000000ULL
#define MB(x)        ((uint64_t)(x) << 20)

#define MACHINE_FRAMES 12288	/* 48 MiB */
#define HV_FRAMES      64

/* ---- a kernel image, assembled in memory --------------------------------- */

struct kernel_opts {
	uint64_t text_va;		/* text: R+X, HYPERCALL_PAGE at text + 0x1000 */
	uint64_t data_va;		/* data: R+W, 0x180 bytes then bss */
	uint64_t data_memsz;
	uint64_t init_p2m;		/* 0: no INIT_P2M note */
	const char *features;		/* NULL: no FEATURES note */
	bool no_hypercall_page;
};

#define TEXT_FILESZ 0x3000
#define DATA_FILESZ 0x180

struct kernel {
	uint8_t buf[64 * 1024];
	size_t len;
	uint64_t entry, hypercall_page;
	struct kernel_opts o;
};

static struct kernel kern;

static uint8_t text_byte(uint64_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static uint8_t data_byte(uint64_t i)
{
	return (uint8_t)(0x80 ^ i);
}

static size_t note(uint8_t *p, uint32_t type, const void *desc, uint32_t descsz)
{
	struct elf64_nhdr nh = { 4, descsz, type };
	size_t n = 0;

	memcpy(p, &nh, sizeof(nh));
	n += sizeof(nh);
	memcpy(p + n, "Xen", 4);
	n += 4;
	memcpy(p + n, desc, descsz);
	return ALIGN_UP(n + descsz, 4);
}

static size_t note64(uint8_t *p, uint32_t type, uint64_t v)
{
	return note(p, type, &v, sizeof(v));
}

static void kernel_build(const struct kernel_opts *o)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph[3];
	uint8_t notes[512];
	size_t nlen = 0, off;

	memset(&kern, 0, sizeof(kern));
	kern.o = *o;
	kern.entry = o->text_va + 0x10;
	kern.hypercall_page = o->text_va + 0x1000;
	nlen += note64(notes + nlen, XEN_ELFNOTE_VIRT_BASE, VBASE);
	nlen += note64(notes + nlen, XEN_ELFNOTE_ENTRY, kern.entry);
	if (!o->no_hypercall_page) {
		nlen += note64(notes + nlen, XEN_ELFNOTE_HYPERCALL_PAGE, kern.hypercall_page);
	}
	nlen += note(notes + nlen, XEN_ELFNOTE_GUEST_OS, "moat-test", 10);
	if (o->init_p2m != 0) {
		nlen += note64(notes + nlen, XEN_ELFNOTE_INIT_P2M, o->init_p2m);
	}
	if (o->features != NULL) {
		nlen += note(notes + nlen, XEN_ELFNOTE_FEATURES, o->features,
			     (uint32_t)strlen(o->features) + 1);
	}

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = 1;
	eh.e_entry = o->text_va;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(struct elf64_phdr);
	eh.e_phnum = 3;

	off = sizeof(eh) + sizeof(ph);
	memset(ph, 0, sizeof(ph));
	ph[0] = (struct elf64_phdr){ .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = off,
				     .p_filesz = nlen, .p_memsz = nlen, .p_align = 4 };
	memcpy(kern.buf + off, notes, nlen);
	off = ALIGN_UP(off + nlen, PAGE_SIZE);
	ph[1] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = off,
				     .p_vaddr = o->text_va, .p_paddr = o->text_va - VBASE,
				     .p_filesz = TEXT_FILESZ, .p_memsz = TEXT_FILESZ,
				     .p_align = PAGE_SIZE };
	for (uint64_t i = 0; i < TEXT_FILESZ; i++) {
		kern.buf[off + i] = text_byte(i);
	}
	off += TEXT_FILESZ;
	ph[2] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = off,
				     .p_vaddr = o->data_va, .p_paddr = o->data_va - VBASE,
				     .p_filesz = DATA_FILESZ, .p_memsz = o->data_memsz,
				     .p_align = PAGE_SIZE };
	for (uint64_t i = 0; i < DATA_FILESZ; i++) {
		kern.buf[off + i] = data_byte(i);
	}
	off += DATA_FILESZ;
	memcpy(kern.buf, &eh, sizeof(eh));
	memcpy(kern.buf + sizeof(eh), ph, sizeof(ph));
	kern.len = off;
}

static const struct kernel_opts small_kernel = {
	.text_va = VBASE + 0x1000,
	.data_va = VBASE + 0x5000,
	.data_memsz = 0x3000,
};

static const struct kernel_opts linux_kernel = {
	.text_va = LINUX_TEXT,
	.data_va = LINUX_TEXT + MB(4),
	.data_memsz = MB(1),
	.init_p2m = LINUX_P2M,
	.features = "writable_descriptor_tables|pae_pgdir_above_4gb",
};

/* ---- fixture --------------------------------------------------------------- */

static struct elf_image img;
static struct manifest_domain md;
static struct build_error berr;
static struct domain *dom;
static uint64_t free_at_start;
static uint8_t initrd[5000];

static void domains_free_all(void)
{
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			domain_free_unstarted(d);
		}
	}
}

static int setup(void **state)
{
	(void)state;
	fake_machine_boot(MACHINE_FRAMES, HV_FRAMES);
	free_at_start = frame_free_count();
	memset(&md, 0, sizeof(md));
	str_lcpy(md.name, "guest", sizeof(md.name));
	str_lcpy(md.label, "system_u:system_r:domU_t", sizeof(md.label));
	str_lcpy(md.cmdline, "console=hvc0 root=/dev/xvda", sizeof(md.cmdline));
	md.mem = MB(8);
	md.vcpus = 1;
	md.kernel_module = 0;
	md.initrd_module = -1;
	memset(&berr, 0, sizeof(berr));
	for (size_t i = 0; i < sizeof(initrd); i++) {
		initrd[i] = (uint8_t)(i * 13 + 1);
	}
	dom = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	domains_free_all();
	fake_machine_fini();
	return 0;
}

static void parse_kernel(const struct kernel_opts *o)
{
	struct elf_error eerr;

	kernel_build(o);
	if (elf_parse(&img, kern.buf, kern.len, &eerr) != 0) {
		fail_msg("test kernel refused: %s", eerr.msg);
	}
}

static int build(const void *rd, size_t rd_len)
{
	dom = domain_alloc(md.name);
	assert_non_null(dom);
	return domain_build_pv(dom, &md, &img, rd, rd_len, &berr);
}

/* ---- reading the guest's view ------------------------------------------------ */

/* The L1 entry mapping va (0 when any level is not present); checks the
 * upper levels on the way and records which table frames it went through. */
static uint64_t walk(mfn_t l4, uint64_t va, mfn_t tables[3])
{
	const uint64_t *t = arch_frame_map(l4);

	for (unsigned int level = 4; level > 1; level--) {
		uint64_t e = t[pt_index(va, level)];

		if (!(e & _PAGE_PRESENT)) {
			return 0;
		}
		assert_true(e & _PAGE_RW);
		assert_true(e & _PAGE_USER);
		assert_false(e & _PAGE_PSE);
		if (tables != NULL) {
			tables[4 - level] = pte_mfn(e);
		}
		t = arch_frame_map(pte_mfn(e));
	}
	return t[pt_index(va, 1)];
}

/* A host pointer to guest virtual va, through the guest's own tables. */
static void *guest_va(uint64_t va)
{
	uint64_t e = walk(dom->vcpus[0].arch.entry.l4, va, NULL);

	if (!(e & _PAGE_PRESENT)) {
		fail_msg("guest va 0x%llx is not mapped", (unsigned long long)va);
	}
	return (uint8_t *)arch_frame_map(pte_mfn(e)) + (va & (PAGE_SIZE - 1));
}

struct mfn_set {
	uint64_t m[128];
	unsigned int n;
};

static void mfn_set_add(struct mfn_set *s, mfn_t m)
{
	for (unsigned int i = 0; i < s->n; i++) {
		if (s->m[i] == mfn_x(m)) {
			return;
		}
	}
	assert_true(s->n < ARRAY_SIZE(s->m));
	s->m[s->n++] = mfn_x(m);
}

/* Everything a guest may rely on after a successful build of layout l. */
static void check_built(const struct pv_layout *l, const void *rd, size_t rd_len)
{
	const struct guest_entry *e = &dom->vcpus[0].arch.entry;
	uint64_t pt_pfn0 = (l->pt_start - l->v_start) >> PAGE_SHIFT;
	uint64_t p2m_pages = ALIGN_UP(l->p2m_len, PAGE_SIZE) >> PAGE_SHIFT;
	const uint64_t *l4 = arch_frame_map(e->l4);
	struct mfn_set tables = { .n = 0 };
	const struct start_info *si;
	const uint64_t *list;

	/* The domain. */
	assert_int_equal(dom->nr_pages, l->nr_pages);
	assert_int_equal(dom->vcpu_count, 1);
	assert_ptr_equal(dom->vcpus[0].domain, dom);
	assert_true(dom->vcpus[0].arch.created);
	assert_string_equal(dom->label, md.label);
	assert_int_equal(dom->privileged, md.privileged);
	assert_int_equal(dom->state, DOM_BUILDING);
	/* Debug registers at their architectural reset values, as on Xen. */
	assert_int_equal(pv_get_debugreg(&dom->vcpus[0], 6), 0xffff0ff0);
	assert_int_equal(pv_get_debugreg(&dom->vcpus[0], 7), 0x400);

	/* Every guest frame is the domain's, and the M2P knows its pfn. */
	for (uint64_t pfn = 0; pfn < l->nr_pages; pfn++) {
		mfn_t m = p2m_get(&dom->p2m, pfn);
		struct frame_info *f = frame_get(m);

		assert_non_null(f);
		assert_int_equal(f->state, FRAME_GUEST);
		assert_int_equal(f->owner, dom->id);
		assert_int_equal(fake_m2p_get(m), pfn);
	}
	assert_int_equal(mfn_x(p2m_get(&dom->p2m, l->nr_pages)), INVALID_MFN_RAW);
	assert_int_equal(frame_get(dom->shared_info_mfn)->state, FRAME_GUEST);
	assert_int_equal(frame_get(dom->shared_info_mfn)->owner, dom->id);
	assert_int_equal(fake_m2p_get(dom->shared_info_mfn), ~0ULL);
	assert_ptr_equal(dom->shared_info, arch_frame_map(dom->shared_info_mfn));
	assert_int_equal(dom->shared_info->arch.max_pfn, l->nr_pages);
	assert_int_equal(dom->shared_info->vcpu_info[0].evtchn_upcall_mask, 1);

	/* The L4: the hypervisor's slots, and nothing but what the layout uses. */
	assert_int_equal(mfn_x(e->l4), mfn_x(p2m_get(&dom->p2m, pt_pfn0)));
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		bool used = i == pt_index(l->v_start, 4) || i == pt_index(l->v_end - 1, 4) ||
			    (l->p2m_separate && i == pt_index(l->p2m_start, 4));

		if (i >= FAKE_HV_SLOT_FIRST && i <= FAKE_HV_SLOT_LAST) {
			assert_int_equal(l4[i], FAKE_HV_SLOT_ENTRY(i));
		} else if (used) {
			assert_true(l4[i] & _PAGE_PRESENT);
		} else {
			assert_int_equal(l4[i], 0);
		}
	}

	/* Every page of the region: mapped to its pfn's frame, page tables
	 * read-only, everything else writable, all of it guest-accessible. */
	mfn_set_add(&tables, e->l4);
	for (uint64_t i = 0; i < l->region_pages + (l->p2m_separate ? p2m_pages : 0); i++) {
		uint64_t va = i < l->region_pages ? l->v_start + i * PAGE_SIZE
						  : l->p2m_start + (i - l->region_pages) * PAGE_SIZE;
		mfn_t via[3];
		uint64_t pte = walk(e->l4, va, via);
		bool is_pt = i >= pt_pfn0 && i < pt_pfn0 + l->pt_frames;

		assert_true(pte & _PAGE_PRESENT);
		assert_true(pte & _PAGE_USER);
		assert_false(pte & _PAGE_NX);
		assert_int_equal(mfn_x(pte_mfn(pte)), mfn_x(p2m_get(&dom->p2m, i)));
		if (is_pt) {
			assert_false(pte & _PAGE_RW);
		} else {
			assert_true(pte & _PAGE_RW);
		}
		for (unsigned int k = 0; k < 3; k++) {
			mfn_set_add(&tables, via[k]);
		}
	}
	/* Nothing past the region (the guest's 512 KiB of slack is mapped). */
	assert_false(walk(e->l4, l->v_end, NULL) & _PAGE_PRESENT);
	if (l->v_start >= PAGE_SIZE) {
		assert_false(walk(e->l4, l->v_start - PAGE_SIZE, NULL) & _PAGE_PRESENT);
	}
	/* The tables are exactly the page-table frames of the layout. */
	assert_int_equal(tables.n, l->pt_frames);
	for (unsigned int i = 0; i < tables.n; i++) {
		bool found = false;

		for (uint64_t k = 0; k < l->pt_frames; k++) {
			found |= tables.m[i] == mfn_x(p2m_get(&dom->p2m, pt_pfn0 + k));
		}
		assert_true(found);
	}

	/* start_info, read where the guest finds it (rsi). */
	assert_int_equal(e->rsi, l->start_info);
	si = guest_va(l->start_info);
	assert_string_equal(si->magic, START_INFO_MAGIC);
	assert_int_equal(si->nr_pages, l->nr_pages);
	assert_int_equal(si->shared_info, mfn_x(dom->shared_info_mfn) << PAGE_SHIFT);
	assert_int_equal(si->flags, md.privileged ? SIF_PRIVILEGED : 0);
	assert_int_equal(si->pt_base, l->pt_start);
	assert_int_equal(si->nr_pt_frames, l->pt_frames);
	assert_int_equal(si->mfn_list, l->p2m_start);
	assert_string_equal((const char *)si->cmd_line, md.cmdline);
	assert_int_equal(si->store_mfn, pte_mfn(walk(e->l4, l->xenstore, NULL)).m);
	assert_int_equal(si->console.domU.mfn, pte_mfn(walk(e->l4, l->console, NULL)).m);
	assert_int_equal(si->mod_start, rd_len ? l->initrd_start : 0);
	assert_int_equal(si->mod_len, rd_len);
	assert_int_equal(si->first_p2m_pfn, l->p2m_separate ? l->region_pages : 0);
	assert_int_equal(si->nr_p2m_frames, l->p2m_separate ? p2m_pages : 0);

	/* The guest's mfn_list says what the p2m says. */
	for (uint64_t pfn = 0; pfn < l->nr_pages; pfn++) {
		list = guest_va(si->mfn_list + pfn * 8);
		assert_int_equal(*list, mfn_x(p2m_get(&dom->p2m, pfn)));
	}

	/* The kernel's bytes, its bss, the hypercall page and the initrd. */
	for (uint64_t i = 0; i < TEXT_FILESZ; i++) {
		uint64_t va = kern.o.text_va + i;

		if (va >= kern.hypercall_page && va < kern.hypercall_page + PAGE_SIZE &&
		    !kern.o.no_hypercall_page) {
			continue;
		}
		assert_int_equal(*(uint8_t *)guest_va(va), text_byte(i));
	}
	for (uint64_t i = 0; i < kern.o.data_memsz; i++) {
		uint8_t want = i < DATA_FILESZ ? data_byte(i) : 0;

		assert_int_equal(*(uint8_t *)guest_va(kern.o.data_va + i), want);
	}
	if (!kern.o.no_hypercall_page) {
		assert_true(fake_hypercall_page_ok(guest_va(kern.hypercall_page)));
	}
	for (size_t i = 0; i < rd_len; i++) {
		assert_int_equal(*(uint8_t *)guest_va(l->initrd_start + i), ((const uint8_t *)rd)[i]);
	}

	/* Where the vCPU starts. */
	assert_int_equal(e->rip, kern.entry);
	assert_int_equal(e->rsp, l->stack + PAGE_SIZE);
	assert_true(*(uint64_t *)guest_va(l->stack) == 0);
}

/* ---- successful builds -------------------------------------------------- */

static void test_build_small(void **state)
{
	struct pv_layout l;

	(void)state;
	parse_kernel(&small_kernel);
	assert_int_equal(pv_layout_compute(&l, &img, md.mem >> PAGE_SHIFT, 0, &berr), 0);
	assert_int_equal(build(NULL, 0), 0);
	check_built(&l, NULL, 0);
	assert_int_equal(fake_hypercall_pages(), 1);
	/* Once by the builder, again when the memory model validates the L4. */
	assert_true(fake_hv_slots_filled() >= 1);
	assert_non_null(strstr(fake_console_output(), "domain 1 (guest): 8192 KiB"));
}

static void test_build_with_initrd_privileged(void **state)
{
	struct pv_layout l;

	(void)state;
	md.privileged = true;
	md.cmdline[0] = '\0';
	parse_kernel(&small_kernel);
	assert_int_equal(pv_layout_compute(&l, &img, md.mem >> PAGE_SHIFT, sizeof(initrd), &berr),
			 0);
	assert_int_equal(build(initrd, sizeof(initrd)), 0);
	check_built(&l, initrd, sizeof(initrd));
	assert_true(dom->privileged);
}

static void test_build_linux_like(void **state)
{
	struct pv_layout l;

	(void)state;
	md.mem = MB(32);
	parse_kernel(&linux_kernel);
	assert_true(img.notes.has_init_p2m);
	assert_int_equal(pv_layout_compute(&l, &img, md.mem >> PAGE_SHIFT, sizeof(initrd), &berr),
			 0);
	assert_true(l.p2m_separate);
	assert_int_equal(build(initrd, sizeof(initrd)), 0);
	check_built(&l, initrd, sizeof(initrd));
	/* The list lives at INIT_P2M, backed by the frames after the region. */
	assert_int_equal(mfn_x(pte_mfn(walk(dom->vcpus[0].arch.entry.l4, LINUX_P2M, NULL))),
			 mfn_x(p2m_get(&dom->p2m, l.region_pages)));
}

static void test_build_without_hypercall_page(void **state)
{
	struct kernel_opts o = small_kernel;
	struct pv_layout l;

	(void)state;
	o.no_hypercall_page = true;
	parse_kernel(&o);
	assert_int_equal(pv_layout_compute(&l, &img, md.mem >> PAGE_SHIFT, 0, &berr), 0);
	assert_int_equal(build(NULL, 0), 0);
	check_built(&l, NULL, 0);
	assert_int_equal(fake_hypercall_pages(), 0);
}

static void test_frame_accounting_and_release(void **state)
{
	uint64_t nr = md.mem >> PAGE_SHIFT;
	/* p2m tables for 2048 pfns: root, middle, 4 leaves. */
	uint64_t used = nr + 1 + 6 + HV_VCPU_FRAMES + EVTCHN_DOMAIN_FRAMES + GNTTAB_BUILD_FRAMES;

	(void)state;
	parse_kernel(&small_kernel);
	assert_int_equal(build(NULL, 0), 0);
	assert_int_equal(frame_free_count(), free_at_start - used);
	/* The guest's frames and shared_info, no more. */
	assert_int_equal(domain_release_memory(dom), nr + 1);
	assert_int_equal(frame_free_count(), free_at_start - 6 - HV_VCPU_FRAMES);
	assert_int_equal(domain_release_memory(dom), 0);
	domain_free_unstarted(dom);
	assert_int_equal(frame_free_count(), free_at_start);
	assert_null(domain_by_id(dom->id));
	assert_int_equal(fake_vcpu_destroyed_count(), 1);
}

static void test_two_domains(void **state)
{
	struct domain *a, *b;

	(void)state;
	parse_kernel(&small_kernel);
	assert_int_equal(build(NULL, 0), 0);
	a = dom;
	str_lcpy(md.name, "other", sizeof(md.name));
	assert_int_equal(build(NULL, 0), 0);
	b = dom;
	assert_int_not_equal(a->id, b->id);
	assert_ptr_equal(domain_by_id(b->id), b);
	assert_int_equal(domain_count_alive(), 2);
	/* Releasing one leaves the other's frames alone. */
	assert_int_equal(domain_release_memory(a), (md.mem >> PAGE_SHIFT) + 1);
	for (uint64_t pfn = 0; pfn < (md.mem >> PAGE_SHIFT); pfn++) {
		assert_int_equal(frame_get(p2m_get(&b->p2m, pfn))->owner, b->id);
	}
}

/* ---- refusals: nothing leaks ------------------------------------------------ */

static void expect_refused(int rc, int want_rc, const char *needle)
{
	if (rc != want_rc || strstr(berr.msg, needle) == NULL) {
		fail_msg("rc %d msg \"%s\", wanted %d with \"%s\"", rc, berr.msg, want_rc, needle);
	}
	domain_free_unstarted(dom);
	assert_int_equal(frame_free_count(), free_at_start);
	assert_null(domain_by_id(dom->id));
}

static void test_does_not_fit(void **state)
{
	(void)state;
	parse_kernel(&small_kernel);
	md.mem = MB(48);	/* the whole machine */
	expect_refused(build(NULL, 0), -XEN_ENOMEM, "does not fit");
	/* Refused before a single frame was taken. */
	assert_int_equal(fake_m2p_set_count(), 0);
	/* Free memory for exactly the guest but not its overheads. */
	md.mem = (free_at_start - 4) << PAGE_SHIFT;
	expect_refused(build(NULL, 0), -XEN_ENOMEM, "does not fit");
}

static void test_exact_fit(void **state)
{
	/* 2048 guest frames, shared_info, p2m root + middle + 4 leaves, stack,
	 * the event-channel port table. */
	uint64_t need = 2048 + 1 + 6 + HV_VCPU_FRAMES + EVTCHN_DOMAIN_FRAMES + GNTTAB_BUILD_FRAMES;

	(void)state;
	parse_kernel(&small_kernel);
	fake_machine_boot(HV_FRAMES + need - 1, HV_FRAMES);
	free_at_start = frame_free_count();
	expect_refused(build(NULL, 0), -XEN_ENOMEM, "does not fit");
	assert_int_equal(fake_m2p_set_count(), 0);
	/* With every frame it needs, and not one more, it builds. */
	fake_machine_boot(HV_FRAMES + need, HV_FRAMES);
	assert_int_equal(build(NULL, 0), 0);
	assert_int_equal(frame_free_count(), 0);
}

static void test_memory_too_small_for_layout(void **state)
{
	(void)state;
	parse_kernel(&small_kernel);
	md.mem = MB(2);
	expect_refused(build(NULL, 0), -XEN_EINVAL, "memory too small");
}

static void test_required_feature_refused(void **state)
{
	struct kernel_opts o = small_kernel;

	(void)state;
	o.features = "!writable_page_tables|pae_pgdir_above_4gb";
	parse_kernel(&o);
	assert_int_equal(img.notes.features_required, 1U << 0);
	expect_refused(build(NULL, 0), -XEN_EOPNOTSUPP, "feature bit 0");
	/* Required features Moat has are fine. */
	o.features = "!pae_pgdir_above_4gb";
	parse_kernel(&o);
	assert_int_equal(build(NULL, 0), 0);
}

static void test_vcpu_create_fails(void **state)
{
	(void)state;
	parse_kernel(&small_kernel);
	fake_vcpu_create_fail(-XEN_ENOMEM, 0);
	expect_refused(build(NULL, 0), -XEN_ENOMEM, "cannot create vCPU 0");
}

/* ---- hv_main: fail closed ----------------------------------------------------- */

static struct boot_info bi;

/* Put a module in free machine memory and mark its frames as a module's. */
static uint64_t module_place(uint64_t at_frame, const void *data, size_t len)
{
	memcpy(fake_machine_ptr(at_frame << PAGE_SHIFT), data, len);
	return at_frame << PAGE_SHIFT;
}

static void boot_setup(const char *hv_cmdline, unsigned int count, const char *const *cmdlines,
		       const struct kernel_opts *const *kernels)
{
	uint64_t next = HV_FRAMES;

	fake_machine_init(MACHINE_FRAMES);
	/* A fresh boot: the measurement service starts again (no TPM here). */
	measure_reset();
	frame_mark(mfn(0), HV_FRAMES, FRAME_HV);
	frame_mark(mfn(HV_FRAMES), MACHINE_FRAMES - HV_FRAMES, FRAME_FREE);
	memset(&bi, 0, sizeof(bi));
	bi.loader = "fake";
	bi.cmdline = hv_cmdline;
	for (unsigned int i = 0; i < count; i++) {
		uint64_t pages;

		if (kernels[i] != NULL) {
			kernel_build(kernels[i]);
		} else {
			memset(&kern, 0, sizeof(kern));
			memcpy(kern.buf, "#!/bin/sh\n", 10);
			kern.len = 10;
		}
		pages = ALIGN_UP(kern.len, PAGE_SIZE) >> PAGE_SHIFT;
		bi.mods[i] = (struct boot_module){ cmdlines[i], module_place(next, kern.buf, kern.len),
						   kern.len };
		frame_mark(mfn(next), pages, FRAME_MODULE);
		next += pages;
	}
	bi.mod_count = count;
	frame_table_seal();
	free_at_start = frame_free_count();
}

static void expect_boot_exit(enum fake_exit_kind kind, int status, const char *needle)
{
	if (!FAKE_EXITED(hv_main(&bi))) {
		fail_msg("hv_main returned");
	}
	assert_int_equal(fake_exit_last()->kind, kind);
	assert_int_equal(fake_exit_last()->status, status);
	if (strstr(fake_console_output(), needle) == NULL) {
		fail_msg("console lacks \"%s\":\n%s", needle, fake_console_output());
	}
}

static void test_boot_refused_manifest(void **state)
{
	static const char *const cmd[] = { "kernel name=a bogus=1" };
	static const struct kernel_opts *const k[] = { &small_kernel };

	(void)state;
	boot_setup("moat.gz console=com1", 1, cmd, k);
	expect_boot_exit(FAKE_EXIT_EXIT, HV_EXIT_REFUSED, "boot refused");
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_boot_refused_bad_kernel(void **state)
{
	static const char *const cmd[] = { "kernel name=a mem=8M", "kernel name=b mem=8M" };
	static const struct kernel_opts *const k[] = { &small_kernel, NULL };

	(void)state;
	boot_setup("xsm=dummy", 2, cmd, k);
	expect_boot_exit(FAKE_EXIT_EXIT, HV_EXIT_REFUSED, "bad kernel image");
	assert_non_null(strstr(fake_console_output(), "boot refused: no domain was started"));
	/* Domain a was built, then undone: nothing runs, nothing leaks. */
	assert_null(domain_by_id(1));
	assert_int_equal(domain_count_alive(), 0);
	assert_int_equal(frame_free_count(), free_at_start);
	assert_int_equal(fake_switch_count(), 0);
}

static void test_boot_refused_does_not_fit_halt(void **state)
{
	static const char *const cmd[] = { "kernel name=a mem=8M", "kernel name=b mem=40M" };
	static const struct kernel_opts *const k[] = { &small_kernel, &small_kernel };

	(void)state;
	boot_setup("on_exit=halt xsm=dummy", 2, cmd, k);
	expect_boot_exit(FAKE_EXIT_HALT, -1, "does not fit");
	assert_int_equal(domain_count_alive(), 0);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_boot_starts_all(void **state)
{
	static const char *const cmd[] = { "kernel name=a mem=8M -- quiet",
					   "kernel name=b mem=4M priv=yes" };
	static const struct kernel_opts *const k[] = { &small_kernel, &small_kernel };
	const struct fake_switch *sw;
	struct domain *a, *b;

	(void)state;
	boot_setup("xsm=dummy", 2, cmd, k);
	/* sched_start switches to the idle vCPU and never comes back: here it
	 * does (no real stack switch), so the core panics, which is the end. */
	expect_boot_exit(FAKE_EXIT_PANIC, HV_EXIT_PANIC, "starting 2 domains");
	assert_non_null(strstr(fake_exit_last()->panic_msg, "boot context"));
	assert_int_equal(fake_switch_count(), 1);
	sw = fake_switch_get(0);
	assert_null(sw->next->domain);
	assert_true(sw->next->arch.idle);
	a = domain_by_id(1);
	b = domain_by_id(2);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->name, "a");
	assert_int_equal(a->state, DOM_RUNNING);
	assert_int_equal(a->vcpus[0].state, VCPU_RUNNABLE);
	assert_false(a->privileged);
	assert_true(b->privileged);
	assert_int_equal(b->nr_pages, 1024);
	/* The modules' frames were given back once the domains were built. */
	for (uint64_t m = 0; m < MACHINE_FRAMES; m++) {
		assert_int_not_equal(frame_get(mfn(m))->state, FRAME_MODULE);
	}
	/* Both vCPUs are queued: the idle vCPU picks a, then b. */
	fake_switch_reset();
	schedule(sw->next);
	assert_ptr_equal(fake_last_switch()->next, &a->vcpus[0]);
	/* Leave the idle vCPU "current" out of the teardown's way. */
	fake_switch_reset();
}

/* MAC is never off by accident: no xsm= and no policy module refuses the
 * boot before anything is built; xsm=dummy runs, and says so loudly. */
static void test_boot_refused_without_mac(void **state)
{
	static const char *const cmd[] = { "kernel name=a mem=8M" };
	static const struct kernel_opts *const k[] = { &small_kernel };

	(void)state;
	boot_setup("console=com1", 1, cmd, k);
	expect_boot_exit(FAKE_EXIT_EXIT, HV_EXIT_REFUSED, "no policy module and no xsm= option");
	assert_null(domain_by_id(1));
	assert_int_equal(frame_free_count(), free_at_start);
	boot_setup("xsm=dummy", 1, cmd, k);
	expect_boot_exit(FAKE_EXIT_PANIC, HV_EXIT_PANIC, "starting 1 domain");
	assert_non_null(strstr(fake_console_output(), "xsm=dummy: NO MANDATORY ACCESS CONTROL"));
	fake_switch_reset();
}

/* What is measured is what runs: the launch parameters read back from a
 * built domain equal the manifest's (the text PCR 20 holds), and any
 * difference (here a second vCPU the builder never made, or another
 * memory size) is found. */
static void test_launch_matches_measured(void **state)
{
	struct manifest_domain got;

	(void)state;
	parse_kernel(&small_kernel);
	md.evtchn_ports = MANIFEST_DEFAULT_EVTCHN_PORTS;
	md.grant_frames = 2;
	md.maptrack = 16;
	md.privileged = true;
	assert_int_equal(build(NULL, 0), 0);
	str_lcpy(dom->label, md.label, sizeof(dom->label));
	domain_launch_params(dom, &got);
	assert_string_equal(got.name, md.name);
	assert_int_equal(got.mem, md.mem);
	assert_int_equal(got.vcpus, 1);
	assert_int_equal(got.grant_frames, 2);
	assert_int_equal(got.maptrack, 16);
	assert_true(domain_launch_matches(dom, &md));
	md.vcpus = 2;
	assert_false(domain_launch_matches(dom, &md));
	assert_non_null(strstr(fake_console_output(), "what was measured is not what would run"));
	md.vcpus = 1;
	md.mem += PAGE_SIZE;
	assert_false(domain_launch_matches(dom, &md));
	md.mem -= PAGE_SIZE;
	str_lcpy(md.backend, "other", sizeof(md.backend));
	assert_false(domain_launch_matches(dom, &md));
	md.backend[0] = '\0';
	assert_true(domain_launch_matches(dom, &md));
}

static void test_boot_selftests(void **state)
{
	static const char *const cmd[] = { "kernel name=a mem=8M" };
	static const struct kernel_opts *const k[] = { &small_kernel };

	(void)state;
	/* The fatal paths stop the machine with HV_EXIT_PANIC before any domain
	 * is built. */
	boot_setup("selftest=panic xsm=dummy", 1, cmd, k);
	expect_boot_exit(FAKE_EXIT_PANIC, HV_EXIT_PANIC, "PANIC: selftest=panic");
	assert_null(domain_by_id(1));
	boot_setup("selftest=fault xsm=dummy", 1, cmd, k);
	expect_boot_exit(FAKE_EXIT_EXIT, HV_EXIT_PANIC, "selftest=fault");
	assert_int_equal(fake_selftest_fault_count(), 1);
	assert_null(domain_by_id(1));
}

static void test_boot_sanitises_cmdlines(void **state)
{
	static const char *const cmd[] = { "kernel name=a mem=8M bad\033[2J=1" };
	static const struct kernel_opts *const k[] = { &small_kernel };

	(void)state;
	/* A module's command line is repeated in messages without its escapes. */
	boot_setup("console=com1 \033]0;x\007", 1, cmd, k);
	expect_boot_exit(FAKE_EXIT_EXIT, HV_EXIT_REFUSED, "boot refused");
	assert_null(strchr(fake_console_output(), '\033'));
	assert_null(strchr(fake_console_output(), '\007'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_with_initrd_privileged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_linux_like, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_without_hypercall_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_accounting_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_does_not_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_too_small_for_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required_feature_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcpu_create_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_refused_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_refused_bad_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_refused_does_not_fit_halt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_starts_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_refused_without_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_launch_matches_measured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_selftests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_sanitises_cmdlines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
