/*
 * Unit tests of the ELF64 and Xen-note parser (hv/common/elf.c, elf_notes.c).
 * Images are assembled in memory by a small builder: a file header, program
 * headers, one note segment and patterned segment bytes. Each rejection rule
 * has a test that asserts part of the message, so removing the rule breaks it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/elf.h>
#include <hv/elf64.h>
#include <hv/lib.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/xen.h>

#define VBASE     0xffffffff80000000ULL
#define TEXT_VA   (VBASE + 0x1000)
#define HCALL_VA  (VBASE + 0x2000)
#define DATA_VA   (VBASE + 0x4000)
#define MAX_PH    24

/* ---- the image builder --------------------------------------------------- */

struct builder {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PH];
	bool fill[MAX_PH];		/* place patterned file bytes at finish */
	unsigned int phnum;
	uint8_t notes[2048];
	size_t notes_len;
	uint64_t note_align;
	bool notes_as_section;		/* SHT_NOTE section instead of PT_NOTE */
	uint64_t vbase;			/* paddr = vaddr - vbase for new loads */
	uint8_t buf[16384];
	size_t len;
};

static struct builder b;

static void b_init(uint64_t vbase)
{
	memset(&b, 0, sizeof(b));
	memcpy(b.eh.e_ident, "\177ELF", 4);
	b.eh.e_ident[EI_CLASS] = ELFCLASS64;
	b.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	b.eh.e_ident[EI_VERSION] = EV_CURRENT;
	b.eh.e_type = ET_EXEC;
	b.eh.e_machine = EM_X86_64;
	b.eh.e_version = 1;
	b.eh.e_entry = TEXT_VA;
	b.eh.e_phoff = sizeof(struct elf64_ehdr);
	b.eh.e_ehsize = sizeof(struct elf64_ehdr);
	b.eh.e_phentsize = sizeof(struct elf64_phdr);
	b.note_align = 4;
	b.vbase = vbase;
}

/* Add a PT_LOAD; returns its program header index. */
static unsigned int b_load(uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint32_t flags)
{
	unsigned int i = b.phnum++;

	assert_true(i < MAX_PH);
	b.ph[i].p_type = PT_LOAD;
	b.ph[i].p_flags = flags;
	b.ph[i].p_vaddr = vaddr;
	b.ph[i].p_paddr = vaddr - b.vbase;
	b.ph[i].p_filesz = filesz;
	b.ph[i].p_memsz = memsz;
	b.ph[i].p_align = 0x1000;
	b.fill[i] = true;
	return i;
}

static void b_note_raw(const char *name, uint32_t namesz, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	struct elf64_nhdr nh = { namesz, descsz, type };
	size_t a = b.note_align;

	assert_true(b.notes_len + 12 + namesz + descsz + 2 * a <= sizeof(b.notes));
	memcpy(b.notes + b.notes_len, &nh, sizeof(nh));
	b.notes_len += sizeof(nh);
	memcpy(b.notes + b.notes_len, name, namesz);
	b.notes_len = ALIGN_UP(b.notes_len + namesz, a);
	if (descsz > 0) {
		memcpy(b.notes + b.notes_len, desc, descsz);
	}
	b.notes_len = ALIGN_UP(b.notes_len + descsz, a);
}

static void b_note(uint32_t type, const void *desc, uint32_t descsz)
{
	b_note_raw("Xen", 4, type, desc, descsz);
}

static void b_note64(uint32_t type, uint64_t v)
{
	b_note(type, &v, 8);
}

static void b_note32(uint32_t type, uint32_t v)
{
	b_note(type, &v, 4);
}

static void b_note_str(uint32_t type, const char *s)
{
	b_note(type, s, (uint32_t)strlen(s) + 1);
}

/* Write the headers (after a test changed them) over the laid-out image. */
static void b_sync(void)
{
	memcpy(b.buf, &b.eh, sizeof(b.eh));
	if (b.eh.e_phoff == sizeof(b.eh)) {
		memcpy(b.buf + sizeof(b.eh), b.ph, b.phnum * sizeof(b.ph[0]));
	}
}

static uint8_t pattern(unsigned int seg, uint64_t j)
{
	return (uint8_t)(seg * 37 + j + 1);
}

/* Lay out: header, program headers, notes, then each segment's bytes. */
static void b_finish(void)
{
	unsigned int note_ph = MAX_PH;
	size_t off;
	unsigned int i;

	if (b.notes_len > 0 && !b.notes_as_section) {
		note_ph = b.phnum++;
		b.ph[note_ph].p_type = PT_NOTE;
		b.ph[note_ph].p_flags = PF_R;
		b.ph[note_ph].p_align = b.note_align;
	}
	b.eh.e_phnum = (uint16_t)b.phnum;
	off = ALIGN_UP(sizeof(b.eh) + b.phnum * sizeof(b.ph[0]), 16);
	if (b.notes_len > 0) {
		size_t notes_off = off;

		memcpy(b.buf + off, b.notes, b.notes_len);
		off = ALIGN_UP(off + b.notes_len, 16);
		if (note_ph < MAX_PH) {
			b.ph[note_ph].p_offset = notes_off;
			b.ph[note_ph].p_filesz = b.notes_len;
		} else {
			/* Section 0 is the null section; section 1 holds the notes. */
			struct elf64_shdr sh[2];

			memset(sh, 0, sizeof(sh));
			sh[1].sh_type = SHT_NOTE;
			sh[1].sh_offset = notes_off;
			sh[1].sh_size = b.notes_len;
			sh[1].sh_addralign = b.note_align;
			memcpy(b.buf + off, sh, sizeof(sh));
			b.eh.e_shoff = off;
			b.eh.e_shnum = 2;
			b.eh.e_shentsize = sizeof(struct elf64_shdr);
			off += sizeof(sh);
		}
	}
	for (i = 0; i < b.phnum; i++) {
		uint64_t j;

		if (!b.fill[i]) {
			continue;
		}
		assert_true(off + b.ph[i].p_filesz <= sizeof(b.buf));
		b.ph[i].p_offset = off;
		for (j = 0; j < b.ph[i].p_filesz; j++) {
			b.buf[off + j] = pattern(i, j);
		}
		off = ALIGN_UP(off + b.ph[i].p_filesz, 16);
	}
	b.len = off;
	b_sync();
}

/* A text segment and a data segment at VBASE, no notes yet. */
static void b_minimal(void)
{
	b_init(VBASE);
	b_load(TEXT_VA, 0x100, 0x2000, PF_R | PF_X);
	b_load(DATA_VA, 0x40, 0x1000, PF_R | PF_W);
	b_note64(XEN_ELFNOTE_VIRT_BASE, VBASE);
}

/* Every note a Linux PV kernel carries, and some that must be ignored. */
static void b_full(void)
{
	uint64_t l1[2] = { 1, 1 };

	b_minimal();
	b_note_raw("GNU", 4, 3, "\x01\x02\x03\x04", 4);
	b_note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	b_note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
	b_note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	b_note_str(XEN_ELFNOTE_LOADER, "generic");
	b_note64(XEN_ELFNOTE_ENTRY, TEXT_VA + 0x10);
	b_note64(XEN_ELFNOTE_HYPERCALL_PAGE, HCALL_VA);
	b_note64(XEN_ELFNOTE_PADDR_OFFSET, 0);
	b_note64(XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL);
	b_note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
	b_note32(XEN_ELFNOTE_SUPPORTED_FEATURES, 0x8801);
	b_note(XEN_ELFNOTE_L1_MFN_VALID, l1, sizeof(l1));
	b_note32(XEN_ELFNOTE_MOD_START_PFN, 1);
	b_note32(XEN_ELFNOTE_SUSPEND_CANCEL, 1);
	b_note64(XEN_ELFNOTE_HV_START_LOW, HYPERVISOR_VIRT_START);
	b_note_str(XEN_ELFNOTE_PAE_MODE, "yes");
	b_note32(99, 0xdead);
	b_note_raw("Xen", 3, XEN_ELFNOTE_ENTRY, "\1\2\3", 3);
	b_note_raw("Linux", 6, XEN_ELFNOTE_ENTRY, "\1\2\3", 3);
}

/* ---- helpers for the assertions ----------------------------------------- */

static struct elf_image img;
static struct elf_error err;

static int parse(void)
{
	return elf_parse(&img, b.buf, b.len, &err);
}

static void expect_einval(const char *needle)
{
	int rc = parse();

	if (rc != -XEN_EINVAL || strstr(err.msg, needle) == NULL) {
		fail_msg("rc %d msg \"%s\", wanted -EINVAL with \"%s\"", rc, err.msg, needle);
	}
	/* A refused image leaves nothing behind. */
	assert_int_equal(img.seg_count, 0);
	assert_null(img.data);
}

/* ---- accepted images ----------------------------------------------------- */

static void test_full_image(void **state)
{
	const struct xen_elfnotes *n = &img.notes;

	(void)state;
	b_full();
	b_finish();
	assert_int_equal(parse(), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(img.seg_count, 2);
	assert_ptr_equal(img.data, b.buf);
	assert_int_equal(img.size, b.len);
	assert_int_equal(img.segs[0].vaddr, TEXT_VA);
	assert_int_equal(img.segs[0].filesz, 0x100);
	assert_int_equal(img.segs[0].memsz, 0x2000);
	assert_int_equal(img.segs[0].flags, PF_R | PF_X);
	assert_int_equal(img.segs[0].offset, b.ph[0].p_offset);
	assert_int_equal(img.segs[1].vaddr, DATA_VA);
	assert_int_equal(img.vstart, TEXT_VA);
	assert_int_equal(img.vend, DATA_VA + 0x1000);
	assert_int_equal(img.entry, TEXT_VA);
	assert_int_equal(elf_entry(&img), TEXT_VA + 0x10);
	assert_true(n->has_entry && n->has_hypercall_page && n->has_virt_base);
	assert_true(n->has_paddr_offset && n->has_init_p2m && n->has_hv_start_low);
	assert_true(n->has_features);
	assert_int_equal(n->hypercall_page, HCALL_VA);
	assert_int_equal(n->virt_base, VBASE);
	assert_int_equal(n->paddr_offset, 0);
	assert_int_equal(n->init_p2m, 0x8000000000ULL);
	assert_int_equal(n->hv_start_low, HYPERVISOR_VIRT_START);
	assert_true(n->mod_start_pfn);
	assert_true(n->l1_mfn_valid);
	assert_true(n->suspend_cancel);
	assert_string_equal(n->guest_os, "linux");
	assert_string_equal(n->guest_version, "2.6");
	assert_string_equal(n->xen_version, "xen-3.0");
	assert_string_equal(n->loader, "generic");
	/* FEATURES gives bits 0 (required) and 4; SUPPORTED_FEATURES 0, 11, 15. */
	assert_int_equal(n->features_required, 1U << XENFEAT_writable_page_tables);
	assert_int_equal(n->features_supported,
			 (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_pae_pgdir_above_4gb) |
				 (1U << XENFEAT_dom0) | (1U << XENFEAT_linux_rsdp_unrestricted));
}

static void test_no_notes_uses_e_entry(void **state)
{
	(void)state;
	b_init(0);
	b_load(0x400000, 0x80, 0x80, PF_R | PF_X);
	b.eh.e_entry = 0x400040;
	b_finish();
	assert_int_equal(parse(), 0);
	assert_false(img.notes.has_entry);
	assert_int_equal(elf_entry(&img), 0x400040);
	assert_int_equal(img.notes.features_supported, 0);
	assert_string_equal(img.notes.guest_os, "");
}

static void test_features_parse(void **state)
{
	(void)state;
	b_minimal();
	b_note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.notes.features_supported,
			 (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_pae_pgdir_above_4gb));
	assert_int_equal(img.notes.features_required, 1U << XENFEAT_writable_page_tables);
	assert_true(img.notes.has_features);
}

static void test_features_empty_names_skipped(void **state)
{
	(void)state;
	b_minimal();
	b_note_str(XEN_ELFNOTE_FEATURES, "|dom0||!direct_mapped|");
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.notes.features_supported,
			 (1U << XENFEAT_dom0) | (1U << XENFEAT_direct_mapped));
	assert_int_equal(img.notes.features_required, 1U << XENFEAT_direct_mapped);
}

static void test_feature_from_name(void **state)
{
	(void)state;
	assert_int_equal(elf_feature_from_name("writable_page_tables", 20), 0);
	assert_int_equal(elf_feature_from_name("pae_pgdir_above_4gb", 19), 4);
	assert_int_equal(elf_feature_from_name("ARM_SMCCC_supported", 19), 14);
	assert_int_equal(elf_feature_from_name("direct_mapped", 13), 17);
	/* The length decides: a prefix or a longer string is not a name. */
	assert_int_equal(elf_feature_from_name("dom0xyz", 4), XENFEAT_dom0);
	assert_int_equal(elf_feature_from_name("dom", 3), -1);
	assert_int_equal(elf_feature_from_name("dom0", 5), -1);
	assert_int_equal(elf_feature_from_name("", 0), -1);
	assert_int_equal(elf_feature_from_name("no_such_feature", 15), -1);
}

static void test_long_string_truncated(void **state)
{
	char s[200];

	(void)state;
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	b_minimal();
	b_note_str(XEN_ELFNOTE_GUEST_OS, s);
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(strlen(img.notes.guest_os), ELF_NOTE_STR_MAX - 1);
	assert_int_equal(img.notes.guest_os[0], 'a');
}

static void test_section_notes_fallback(void **state)
{
	(void)state;
	b_minimal();
	b.notes_as_section = true;
	b_note64(XEN_ELFNOTE_ENTRY, TEXT_VA + 0x20);
	b_finish();
	assert_int_equal(parse(), 0);
	assert_true(img.notes.has_virt_base);
	assert_int_equal(elf_entry(&img), TEXT_VA + 0x20);
}

static void test_note_segment_align8(void **state)
{
	(void)state;
	b_init(VBASE);
	b.note_align = 8;
	b_load(TEXT_VA, 0x100, 0x2000, PF_R | PF_X);
	b_note64(XEN_ELFNOTE_VIRT_BASE, VBASE);
	b_note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	b_note64(XEN_ELFNOTE_ENTRY, TEXT_VA + 8);
	b_finish();
	assert_int_equal(parse(), 0);
	assert_string_equal(img.notes.guest_os, "linux");
	assert_int_equal(elf_entry(&img), TEXT_VA + 8);
}

/* Linux's per-CPU segment: p_vaddr 0, placed by p_paddr + VIRT_BASE. */
static void test_percpu_segment_placed_by_paddr(void **state)
{
	unsigned int pc;

	(void)state;
	b_minimal();
	pc = b_load(0, 0x20, 0x800, PF_R | PF_W);
	b.ph[pc].p_paddr = 0x6000;
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.seg_count, 3);
	assert_int_equal(img.segs[2].vaddr, VBASE + 0x6000);
	assert_int_equal(img.vstart, TEXT_VA);
	assert_int_equal(img.vend, VBASE + 0x6800);
}

/*
 * The shape of Debian's Linux 6.1 (cloud) vmlinux, measured with readelf:
 * four PT_LOADs with the per-CPU one at p_vaddr 0, the entry in the RWE
 * init segment, FEATURES without a NUL, PHYS32_ENTRY, GNU and Linux notes.
 * Sizes are shrunk; addresses, flags and notes are as in the real file.
 */
static void test_debian_linux_61_shape(void **state)
{
	static const char feat[] = "!writable_page_tables|pae_pgdir_above_4gb";
	uint64_t l1[2] = { 1, 1 };
	unsigned int pc;

	(void)state;
	b_init(VBASE);
	b_load(0xffffffff81000000ULL, 0x100, 0x1000, PF_R | PF_X);
	b_load(0xffffffff82a00000ULL, 0x80, 0x1000, PF_R | PF_W);
	pc = b_load(0, 0x40, 0x1000, PF_R | PF_W);
	b.ph[pc].p_paddr = 0x301a000;
	b_load(0xffffffff8304e000ULL, 0x200, 0x2000, PF_R | PF_W | PF_X);
	b.eh.e_entry = 0x1000000;		/* physical, as Linux links it */
	b_note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	b_note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
	b_note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	b_note64(XEN_ELFNOTE_VIRT_BASE, VBASE);
	b_note64(XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL);
	b_note64(XEN_ELFNOTE_ENTRY, 0xffffffff8304e1c0ULL);
	b_note(XEN_ELFNOTE_FEATURES, feat, sizeof(feat) - 1);
	b_note32(XEN_ELFNOTE_SUPPORTED_FEATURES, 0x8801);
	b_note_str(XEN_ELFNOTE_PAE_MODE, "yes");
	b_note_str(XEN_ELFNOTE_LOADER, "generic");
	b_note(XEN_ELFNOTE_L1_MFN_VALID, l1, sizeof(l1));
	b_note32(XEN_ELFNOTE_SUSPEND_CANCEL, 1);
	b_note32(XEN_ELFNOTE_MOD_START_PFN, 1);
	b_note64(XEN_ELFNOTE_HV_START_LOW, HYPERVISOR_VIRT_START);
	b_note64(XEN_ELFNOTE_PHYS32_ENTRY, 0x1000850);
	b_note_raw("GNU", 4, 3, "0123456789abcdefghij", 20);
	b_note_raw("Linux", 6, 0x101, "\0\0\0\0", 4);
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.seg_count, 4);
	assert_int_equal(img.segs[2].vaddr, 0xffffffff8301a000ULL);
	assert_int_equal(img.vstart, 0xffffffff81000000ULL);
	assert_int_equal(img.vend, 0xffffffff83050000ULL);
	assert_int_equal(elf_entry(&img), 0xffffffff8304e1c0ULL);
	assert_false(img.notes.has_hypercall_page);
	assert_int_equal(img.notes.features_supported, 0x8811);
	assert_int_equal(img.notes.features_required, 0x1);
	assert_true(img.notes.l1_mfn_valid && img.notes.mod_start_pfn);
}

static void test_empty_load_skipped(void **state)
{
	unsigned int e;

	(void)state;
	b_minimal();
	e = b_load(VBASE + 0x10000000, 0, 0, PF_R);
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.seg_count, 2);
	(void)e;
}

static void test_null_err_is_fine(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.buf[0] = 0;
	assert_int_equal(elf_parse(&img, b.buf, b.len, NULL), -XEN_ENOEXEC);
	b.buf[0] = 0x7f;
	b.ph[0].p_memsz = 0;
	b_sync();
	assert_int_equal(elf_parse(&img, b.buf, b.len, NULL), -XEN_EINVAL);
}

/* ---- elf_load ------------------------------------------------------------ */

/* Guest memory [vstart, vend) modelled as a host buffer. */
struct fake_guest {
	uint8_t mem[0x8000];
	uint64_t base;
	unsigned int writes, zeroes;
	int fail_at;			/* fail the n-th callback (1-based), 0 never */
};

static int fake_check(struct fake_guest *g, uint64_t vaddr, size_t len)
{
	assert_true(vaddr >= g->base);
	assert_true(vaddr - g->base + len <= sizeof(g->mem));
	return (g->fail_at != 0 && (int)(g->writes + g->zeroes) == g->fail_at) ? -XEN_EFAULT : 0;
}

static int fake_write(void *ctx, uint64_t vaddr, const void *src, size_t len)
{
	struct fake_guest *g = ctx;
	int rc;

	g->writes++;
	rc = fake_check(g, vaddr, len);
	if (rc == 0) {
		memcpy(g->mem + (vaddr - g->base), src, len);
	}
	return rc;
}

static int fake_zero(void *ctx, uint64_t vaddr, size_t len)
{
	struct fake_guest *g = ctx;
	int rc;

	g->zeroes++;
	rc = fake_check(g, vaddr, len);
	if (rc == 0) {
		memset(g->mem + (vaddr - g->base), 0, len);
	}
	return rc;
}

static struct fake_guest guest;

static void test_load_copies_and_zeroes(void **state)
{
	uint64_t j;

	(void)state;
	b_full();
	b_finish();
	assert_int_equal(parse(), 0);
	memset(&guest, 0, sizeof(guest));
	memset(guest.mem, 0xaa, sizeof(guest.mem));
	guest.base = img.vstart;
	assert_int_equal(elf_load(&img, fake_write, fake_zero, &guest), 0);
	assert_int_equal(guest.writes, 2);
	assert_int_equal(guest.zeroes, 2);
	/* Text: 0x100 file bytes, then zero up to 0x2000. */
	for (j = 0; j < 0x100; j++) {
		assert_int_equal(guest.mem[j], pattern(0, j));
	}
	for (j = 0x100; j < 0x2000; j++) {
		assert_int_equal(guest.mem[j], 0);
	}
	/* The gap between the segments is not touched. */
	for (j = 0x2000; j < 0x3000; j++) {
		assert_int_equal(guest.mem[j], 0xaa);
	}
	for (j = 0; j < 0x40; j++) {
		assert_int_equal(guest.mem[0x3000 + j], pattern(1, j));
	}
	for (j = 0x40; j < 0x1000; j++) {
		assert_int_equal(guest.mem[0x3000 + j], 0);
	}
}

static void test_load_stops_at_first_error(void **state)
{
	(void)state;
	b_full();
	b_finish();
	assert_int_equal(parse(), 0);
	memset(&guest, 0, sizeof(guest));
	guest.base = img.vstart;
	guest.fail_at = 2;
	assert_int_equal(elf_load(&img, fake_write, fake_zero, &guest), -XEN_EFAULT);
	assert_int_equal(guest.writes + guest.zeroes, 2);
}

/* ---- refused: the file header ------------------------------------------- */

static void test_bad_magic(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.buf[1] = 'X';
	assert_int_equal(parse(), -XEN_ENOEXEC);
	assert_string_equal(err.msg, "not an ELF image");
	assert_int_equal(elf_parse(&img, b.buf, 3, &err), -XEN_ENOEXEC);
	assert_int_equal(elf_parse(&img, NULL, 0, &err), -XEN_ENOEXEC);
}

static void test_truncated_header(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.len = 40;
	expect_einval("too small for an ELF64 header");
}

static void test_bad_class(void **state)
{
	(void)state;
	b_minimal();
	b.eh.e_ident[EI_CLASS] = 1;
	b_finish();
	expect_einval("not ELFCLASS64");
}

static void test_big_endian(void **state)
{
	(void)state;
	b_minimal();
	b.eh.e_ident[EI_DATA] = 2;
	b_finish();
	expect_einval("not little endian");
}

static void test_bad_ident_version(void **state)
{
	(void)state;
	b_minimal();
	b.eh.e_ident[EI_VERSION] = 0;
	b_finish();
	expect_einval("ELF version 0");
}

static void test_bad_machine(void **state)
{
	(void)state;
	b_minimal();
	b.eh.e_machine = 3;
	b_finish();
	expect_einval("e_machine 3 is not EM_X86_64");
}

static void test_bad_type(void **state)
{
	(void)state;
	b_minimal();
	b.eh.e_type = 3;
	b_finish();
	expect_einval("e_type 3 is not ET_EXEC");
}

static void test_bad_phentsize(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.eh.e_phentsize = 32;
	b_sync();
	expect_einval("e_phentsize 32");
}

static void test_no_phdrs(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.eh.e_phnum = 0;
	b_sync();
	expect_einval("no program headers");
}

static void test_pn_xnum(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.eh.e_phnum = PN_XNUM;
	b_sync();
	expect_einval("extended program header numbering");
}

static void test_phdrs_past_end(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.eh.e_phnum = 300;
	b_sync();
	expect_einval("300 program headers at offset 0x40 run past the end");
}

static void test_phoff_overflow(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.eh.e_phoff = UINT64_MAX - 8;
	b_sync();
	expect_einval("program headers at offset 0xfffffffffffffff7 run past the end");
}

/* ---- refused: segments ----------------------------------------------------- */

static void test_filesz_above_memsz(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[1].p_memsz = 0x20;
	b_sync();
	expect_einval("program header 1: p_filesz 0x40 exceeds p_memsz 0x20");
}

static void test_segment_past_file_end(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[1].p_filesz = 0x1000;
	b_sync();
	expect_einval("program header 1: file bytes");
	assert_non_null(strstr(err.msg, "run past the end of the file"));
}

static void test_segment_offset_overflow(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[0].p_offset = UINT64_MAX - 0x10;
	b_sync();
	expect_einval("program header 0: file bytes [0xffffffffffffffef,+0x100) run past");
}

static void test_segment_wraps(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[1].p_paddr = 0x7ffff000;		/* lands at 0xfffffffffffff000 */
	b_sync();
	expect_einval("program header 1: segment at 0xfffffffffffff000 of 0x1000 bytes wraps");
}

static void test_load_address_wraps(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[1].p_paddr = b.ph[1].p_vaddr;	/* linked without paddr = vaddr - VIRT_BASE */
	b_sync();
	expect_einval("program header 1: load address p_paddr 0xffffffff80004000");
}

static void test_segment_in_hypervisor_range(void **state)
{
	(void)state;
	b_init(0);
	b_load(0x400000, 0x10, 0x10, PF_R | PF_X);
	b_load(HYPERVISOR_VIRT_END - 0x1000, 0x10, 0x2000, PF_R);
	b.eh.e_entry = 0x400000;
	b_finish();
	expect_einval("program header 1: segment [0xffff87fffffff000,0xffff880000001000) overlaps the hypervisor range");
}

static void test_segment_straddles_hypervisor_start(void **state)
{
	(void)state;
	b_init(0);
	b_load(0x400000, 0x10, 0x10, PF_R | PF_X);
	b_load(HYPERVISOR_VIRT_START - 0x1000, 0x10, 0x2000, PF_R);
	b.eh.e_entry = 0x400000;
	b_finish();
	expect_einval("overlaps the hypervisor range");
}

static void test_segment_not_canonical(void **state)
{
	(void)state;
	b_init(0);
	b_load(0x400000, 0x10, 0x10, PF_R | PF_X);
	b_load(0x00007ffffffff000ULL, 0x10, 0x2000, PF_R);
	b.eh.e_entry = 0x400000;
	b_finish();
	expect_einval("program header 1: segment [0x7ffffffff000,0x800000001000) is not canonical");
}

static void test_segments_overlap(void **state)
{
	(void)state;
	b_minimal();
	b_load(DATA_VA + 0xff0, 0x10, 0x100, PF_R);
	b_finish();
	expect_einval("program header 2: segment [0xffffffff80004ff0,0xffffffff800050f0) overlaps the segment of program header 1");
}

static void test_too_many_loads(void **state)
{
	unsigned int i;

	(void)state;
	b_minimal();
	for (i = 0; i < ELF_MAX_LOAD_SEGMENTS - 1; i++) {
		b_load(VBASE + 0x100000 + i * 0x1000ULL, 0x10, 0x10, PF_R);
	}
	b_finish();
	expect_einval("program header 16: more than 16 PT_LOAD segments");
}

static void test_sixteen_loads_ok(void **state)
{
	unsigned int i;

	(void)state;
	b_minimal();
	for (i = 0; i < ELF_MAX_LOAD_SEGMENTS - 2; i++) {
		b_load(VBASE + 0x100000 + i * 0x1000ULL, 0x10, 0x10, PF_R);
	}
	b_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.seg_count, ELF_MAX_LOAD_SEGMENTS);
}

static void test_no_load(void **state)
{
	(void)state;
	b_init(VBASE);
	b_note64(XEN_ELFNOTE_VIRT_BASE, VBASE);
	b_finish();
	expect_einval("no PT_LOAD segment");
}

/* ---- refused: notes -------------------------------------------------------- */

static void test_note_segment_past_end(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[2].p_filesz = b.len;
	b_sync();
	expect_einval("program header 2: notes [");
}

static void test_note_numeric_bad_size(void **state)
{
	(void)state;
	b_minimal();
	b_note(XEN_ELFNOTE_ENTRY, "\1\2\3", 3);
	b_finish();
	expect_einval("Xen note ENTRY: descriptor of 3 bytes, expected 4 or 8");
}

static void test_note_numeric_empty(void **state)
{
	(void)state;
	b_minimal();
	b_note(XEN_ELFNOTE_HYPERCALL_PAGE, NULL, 0);
	b_finish();
	expect_einval("Xen note HYPERCALL_PAGE: descriptor of 0 bytes");
}

/* Linux 6.1 writes FEATURES without a NUL inside the descriptor. */
static void test_note_string_unterminated(void **state)
{
	static const char feat[] = "!writable_page_tables|pae_pgdir_above_4gb";

	(void)state;
	b_minimal();
	b_note(XEN_ELFNOTE_GUEST_OS, "linux", 5);
	b_note(XEN_ELFNOTE_FEATURES, feat, sizeof(feat) - 1);
	b_note(XEN_ELFNOTE_LOADER, NULL, 0);
	b_finish();
	assert_int_equal(parse(), 0);
	assert_string_equal(img.notes.guest_os, "linux");
	assert_string_equal(img.notes.loader, "");
	assert_int_equal(img.notes.features_required, 1U << XENFEAT_writable_page_tables);
	assert_int_equal(img.notes.features_supported,
			 (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_pae_pgdir_above_4gb));
}

static void test_note_supported_features_bad_size(void **state)
{
	(void)state;
	b_minimal();
	b_note(XEN_ELFNOTE_SUPPORTED_FEATURES, "\1\0\0", 3);
	b_finish();
	expect_einval("Xen note SUPPORTED_FEATURES: descriptor of 3 bytes, expected a multiple of 4");
}

static void test_note_l1_mfn_valid_bad_size(void **state)
{
	(void)state;
	b_minimal();
	b_note32(XEN_ELFNOTE_L1_MFN_VALID, 1);
	b_finish();
	expect_einval("Xen note L1_MFN_VALID: descriptor of 4 bytes, expected a multiple of 8");
}

static void test_unknown_feature(void **state)
{
	(void)state;
	b_minimal();
	b_note_str(XEN_ELFNOTE_FEATURES, "writable_page_tables|!fly\x1b[2J");
	b_finish();
	/* The name is quoted with control characters made harmless. */
	expect_einval("Xen note FEATURES: unknown feature \"!fly?[2J\"");
}

static void test_feature_bang_alone(void **state)
{
	(void)state;
	b_minimal();
	b_note_str(XEN_ELFNOTE_FEATURES, "dom0|!");
	b_finish();
	expect_einval("unknown feature \"!\"");
}

static void test_duplicate_note(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_ENTRY, TEXT_VA);
	b_note64(XEN_ELFNOTE_ENTRY, TEXT_VA + 4);
	b_finish();
	expect_einval("Xen note ENTRY appears twice");
}

static void test_note_name_past_end(void **state)
{
	(void)state;
	b_minimal();
	b_note_raw("Xen", 4, XEN_ELFNOTE_ENTRY, "\0\0\0\0", 4);
	b_finish();
	/* Patch the last note's namesz to something huge. */
	{
		uint32_t big = 0x7fffffff;
		size_t at = b.ph[2].p_offset + b.notes_len - 20;

		memcpy(b.buf + at, &big, 4);
	}
	expect_einval("name of 2147483647 bytes runs past the end");
}

static void test_note_desc_past_end(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_ENTRY, TEXT_VA);
	b_finish();
	{
		uint32_t big = 0xfffffff0;
		size_t at = b.ph[2].p_offset + b.notes_len - 24 + 4;

		memcpy(b.buf + at, &big, 4);
	}
	expect_einval("descriptor of 4294967280 bytes runs past the end");
}

static void test_note_header_truncated(void **state)
{
	(void)state;
	b_minimal();
	b_finish();
	b.ph[2].p_filesz += 8;
	b_sync();
	expect_einval("truncated note header (8 bytes left)");
}

static void test_bad_section_table(void **state)
{
	(void)state;
	b_minimal();
	b.notes_as_section = true;
	b_finish();
	b.eh.e_shnum = 1000;
	b_sync();
	expect_einval("1000 section headers at offset");
}

/* ---- refused: what the notes say about addresses -------------------------- */

static void test_hypercall_page_unaligned(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_HYPERCALL_PAGE, HCALL_VA + 0x10);
	b_finish();
	expect_einval("HYPERCALL_PAGE 0xffffffff80002010 is not page aligned");
}

static void test_hypercall_page_outside(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_HYPERCALL_PAGE, DATA_VA + 0x1000);
	b_finish();
	expect_einval("HYPERCALL_PAGE 0xffffffff80005000 is not inside a PT_LOAD segment");
}

static void test_hypercall_page_in_gap(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_HYPERCALL_PAGE, VBASE + 0x3000);
	b_finish();
	expect_einval("HYPERCALL_PAGE 0xffffffff80003000 is not inside");
}

static void test_entry_outside(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_ENTRY, VBASE);
	b_finish();
	expect_einval("entry point 0xffffffff80000000 is not inside an executable PT_LOAD");
}

static void test_entry_not_executable(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_ENTRY, DATA_VA + 8);
	b_finish();
	expect_einval("entry point 0xffffffff80004008 is not inside an executable");
}

static void test_e_entry_outside(void **state)
{
	(void)state;
	b_minimal();
	b.eh.e_entry = 0x1000;
	b_finish();
	expect_einval("entry point 0x1000");
}

static void test_paddr_offset_moves_segments(void **state)
{
	(void)state;
	b_init(0);
	b_load(0x400000, 0x10, 0x10, PF_R | PF_X);
	b.eh.e_entry = 0x400000;
	b_note64(XEN_ELFNOTE_VIRT_BASE, 0);
	b_note64(XEN_ELFNOTE_PADDR_OFFSET, 0x1000);
	b_finish();
	/* Placed at 0x3ff000 (paddr - PADDR_OFFSET): the entry falls outside. */
	expect_einval("entry point 0x400000");
	b_init(0x200000);
	b_load(0x400000, 0x10, 0x10, PF_R | PF_X);
	b.eh.e_entry = 0x400000;
	b_note64(XEN_ELFNOTE_VIRT_BASE, 0x200000);
	b_note64(XEN_ELFNOTE_PADDR_OFFSET, 0x500000);
	b_finish();
	/* VIRT_BASE 0x200000 - PADDR_OFFSET 0x500000 cannot place paddr 0x200000. */
	expect_einval("load address p_paddr 0x200000");
}

static void test_virt_base_above_vstart(void **state)
{
	(void)state;
	b_init(VBASE);
	b_load(TEXT_VA, 0x10, 0x10, PF_R | PF_X);
	b_note64(XEN_ELFNOTE_VIRT_BASE, VBASE);
	b_note64(XEN_ELFNOTE_PADDR_OFFSET, VBASE);
	b_finish();
	b.ph[0].p_paddr = TEXT_VA;		/* legacy: paddr = vaddr, offset = base */
	b_sync();
	assert_int_equal(parse(), 0);
	assert_int_equal(img.segs[0].vaddr, TEXT_VA);

	b_init(VBASE);
	b_load(TEXT_VA, 0x10, 0x10, PF_R | PF_X);
	b_note64(XEN_ELFNOTE_VIRT_BASE, TEXT_VA + 0x1000);
	b_note64(XEN_ELFNOTE_PADDR_OFFSET, TEXT_VA + 0x1000);
	b_finish();
	b.ph[0].p_paddr = TEXT_VA;
	b_sync();
	expect_einval("VIRT_BASE 0xffffffff80002000 is above the lowest load address 0xffffffff80001000");
}

static void test_paddr_offset_without_virt_base(void **state)
{
	(void)state;
	b_init(0);
	b_load(0x400000, 0x10, 0x10, PF_R | PF_X);
	b.eh.e_entry = 0x400000;
	b_note64(XEN_ELFNOTE_PADDR_OFFSET, 0);
	b_finish();
	expect_einval("PADDR_OFFSET note without a VIRT_BASE note");
}

static void test_init_p2m_inside_kernel(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_INIT_P2M, DATA_VA);
	b_finish();
	expect_einval("INIT_P2M 0xffffffff80004000 is inside the kernel");
}

static void test_init_p2m_unaligned(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_INIT_P2M, 0x8000000001ULL);
	b_finish();
	expect_einval("INIT_P2M 0x8000000001 is not page aligned");
}

static void test_init_p2m_in_hypervisor(void **state)
{
	(void)state;
	b_minimal();
	b_note64(XEN_ELFNOTE_INIT_P2M, HYPERVISOR_VIRT_START + 0x1000);
	b_finish();
	expect_einval("is inside the hypervisor range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_image),
		cmocka_unit_test(test_no_notes_uses_e_entry),
		cmocka_unit_test(test_features_parse),
		cmocka_unit_test(test_features_empty_names_skipped),
		cmocka_unit_test(test_feature_from_name),
		cmocka_unit_test(test_long_string_truncated),
		cmocka_unit_test(test_section_notes_fallback),
		cmocka_unit_test(test_note_segment_align8),
		cmocka_unit_test(test_percpu_segment_placed_by_paddr),
		cmocka_unit_test(test_debian_linux_61_shape),
		cmocka_unit_test(test_empty_load_skipped),
		cmocka_unit_test(test_null_err_is_fine),
		cmocka_unit_test(test_load_copies_and_zeroes),
		cmocka_unit_test(test_load_stops_at_first_error),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_bad_class),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_bad_ident_version),
		cmocka_unit_test(test_bad_machine),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_phentsize),
		cmocka_unit_test(test_no_phdrs),
		cmocka_unit_test(test_pn_xnum),
		cmocka_unit_test(test_phdrs_past_end),
		cmocka_unit_test(test_phoff_overflow),
		cmocka_unit_test(test_filesz_above_memsz),
		cmocka_unit_test(test_segment_past_file_end),
		cmocka_unit_test(test_segment_offset_overflow),
		cmocka_unit_test(test_segment_wraps),
		cmocka_unit_test(test_load_address_wraps),
		cmocka_unit_test(test_segment_in_hypervisor_range),
		cmocka_unit_test(test_segment_straddles_hypervisor_start),
		cmocka_unit_test(test_segment_not_canonical),
		cmocka_unit_test(test_segments_overlap),
		cmocka_unit_test(test_too_many_loads),
		cmocka_unit_test(test_sixteen_loads_ok),
		cmocka_unit_test(test_no_load),
		cmocka_unit_test(test_note_segment_past_end),
		cmocka_unit_test(test_note_numeric_bad_size),
		cmocka_unit_test(test_note_numeric_empty),
		cmocka_unit_test(test_note_string_unterminated),
		cmocka_unit_test(test_note_supported_features_bad_size),
		cmocka_unit_test(test_note_l1_mfn_valid_bad_size),
		cmocka_unit_test(test_unknown_feature),
		cmocka_unit_test(test_feature_bang_alone),
		cmocka_unit_test(test_duplicate_note),
		cmocka_unit_test(test_note_name_past_end),
		cmocka_unit_test(test_note_desc_past_end),
		cmocka_unit_test(test_note_header_truncated),
		cmocka_unit_test(test_bad_section_table),
		cmocka_unit_test(test_hypercall_page_unaligned),
		cmocka_unit_test(test_hypercall_page_outside),
		cmocka_unit_test(test_hypercall_page_in_gap),
		cmocka_unit_test(test_entry_outside),
		cmocka_unit_test(test_entry_not_executable),
		cmocka_unit_test(test_e_entry_outside),
		cmocka_unit_test(test_paddr_offset_moves_segments),
		cmocka_unit_test(test_virt_base_above_vstart),
		cmocka_unit_test(test_paddr_offset_without_virt_base),
		cmocka_unit_test(test_init_p2m_inside_kernel),
		cmocka_unit_test(test_init_p2m_unaligned),
		cmocka_unit_test(test_init_p2m_in_hypervisor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
