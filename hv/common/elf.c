/*
 * ELF64 executables for PV guests: check a kernel's file header, program
 * headers and loadable segments, work out where each segment lands in the
 * guest's address space, check the Xen notes' addresses against that, and
 * copy the segments out through callbacks. Portable, no allocation.
 *
 * The image is hostile (a boot module): every read is bounds-checked against
 * its size with overflow-safe arithmetic and goes through memcpy, since the
 * bytes may be unaligned. elf_parse() must never change anything but *img
 * and *err, and elf_load() must never touch memory outside what elf_parse()
 * accepted.
 */
#include <stdarg.h>
#include <hv/elf64.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/xen.h>

_Static_assert(sizeof(size_t) == sizeof(uint64_t), "x86-64 only: a size holds any file offset");

/* x86-64 canonical addresses: below the first, or at or above the second. */
#define CANONICAL_LOW_END    0x0000800000000000ULL
#define CANONICAL_HIGH_START 0xffff800000000000ULL

typedef unsigned long long ull;

int elf_fail(struct elf_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -XEN_EINVAL;
}

/* True when [off, off + len) lies inside a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/* True when [a_start, a_end) and [b_start, b_end) share an address. */
static bool ranges_overlap(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
	return a_start < b_end && b_start < a_end;
}

static int check_file_header(struct elf64_ehdr *eh, const uint8_t *data, size_t size,
			     struct elf_error *err)
{
	if (size < sizeof(*eh)) {
		return elf_fail(err, "file of %llu bytes is too small for an ELF64 header",
				(ull)size);
	}
	memcpy(eh, data, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		return elf_fail(err, "ELF class %u is not ELFCLASS64", eh->e_ident[EI_CLASS]);
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		return elf_fail(err, "ELF data encoding %u is not little endian",
				eh->e_ident[EI_DATA]);
	}
	if (eh->e_ident[EI_VERSION] != EV_CURRENT) {
		return elf_fail(err, "ELF version %u is not 1", eh->e_ident[EI_VERSION]);
	}
	if (eh->e_machine != EM_X86_64) {
		return elf_fail(err, "e_machine %u is not EM_X86_64 (62)", eh->e_machine);
	}
	if (eh->e_type != ET_EXEC) {
		return elf_fail(err, "e_type %u is not ET_EXEC (2)", eh->e_type);
	}
	if (eh->e_phentsize != sizeof(struct elf64_phdr)) {
		return elf_fail(err, "e_phentsize %u is not 56", eh->e_phentsize);
	}
	if (eh->e_phnum == 0) {
		return elf_fail(err, "no program headers");
	}
	if (eh->e_phnum == PN_XNUM) {
		return elf_fail(err, "extended program header numbering is not supported");
	}
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size)) {
		return elf_fail(err, "%u program headers at offset 0x%llx run past the end of the file (%llu bytes)",
				eh->e_phnum, (ull)eh->e_phoff, (ull)size);
	}
	return 0;
}

/* The program header at index i; the caller checked the table lies in the file. */
static void read_phdr(struct elf64_phdr *ph, const struct elf64_ehdr *eh, const uint8_t *data,
		      unsigned int i)
{
	memcpy(ph, data + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

/*
 * Notes from every PT_NOTE segment. A p_offset of 0 cannot hold notes (the
 * ELF header is there) and comes from old binutils: skipped, as Xen does.
 */
static int scan_note_segments(struct elf_note_scan *scan, const struct elf64_ehdr *eh,
			      const uint8_t *data, size_t size)
{
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		char where[32];
		int rc;

		read_phdr(&ph, eh, data, i);
		if (ph.p_type != PT_NOTE || ph.p_offset == 0) {
			continue;
		}
		if (!in_file(ph.p_offset, ph.p_filesz, size)) {
			return elf_fail(scan->err,
					"program header %u: notes [0x%llx,+0x%llx) run past the end of the file",
					i, (ull)ph.p_offset, (ull)ph.p_filesz);
		}
		fmt_snprintf(where, sizeof(where), "program header %u", i);
		rc = elf_notes_scan(scan, data + ph.p_offset, ph.p_filesz,
				    ph.p_align == 8 ? 8 : 4, where);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/*
 * Notes from SHT_NOTE sections, read only when the note segments held no Xen
 * note. No section table at all is fine; a malformed one is refused.
 */
static int scan_note_sections(struct elf_note_scan *scan, const struct elf64_ehdr *eh,
			      const uint8_t *data, size_t size)
{
	unsigned int i;

	if (eh->e_shoff == 0 || eh->e_shnum == 0) {
		return 0;
	}
	if (eh->e_shentsize != sizeof(struct elf64_shdr)) {
		return elf_fail(scan->err, "e_shentsize %u is not 64", eh->e_shentsize);
	}
	if (!in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr), size)) {
		return elf_fail(scan->err,
				"%u section headers at offset 0x%llx run past the end of the file",
				eh->e_shnum, (ull)eh->e_shoff);
	}
	for (i = 0; i < eh->e_shnum; i++) {
		struct elf64_shdr sh;
		char where[32];
		int rc;

		memcpy(&sh, data + eh->e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_NOTE) {
			continue;
		}
		if (!in_file(sh.sh_offset, sh.sh_size, size)) {
			return elf_fail(scan->err,
					"section %u: notes [0x%llx,+0x%llx) run past the end of the file",
					i, (ull)sh.sh_offset, (ull)sh.sh_size);
		}
		fmt_snprintf(where, sizeof(where), "section %u", i);
		rc = elf_notes_scan(scan, data + sh.sh_offset, sh.sh_size,
				    sh.sh_addralign == 8 ? 8 : 4, where);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/*
 * Where a segment lands in the guest's virtual address space. Xen places a
 * PV kernel by its physical addresses: p_paddr + VIRT_BASE - PADDR_OFFSET,
 * each note 0 when absent. For ordinary segments that is p_vaddr (paddr =
 * vaddr - VIRT_BASE), but Linux links its per-CPU segment at p_vaddr 0 and
 * relies on this rule to find it next to the rest of the kernel.
 */
static bool load_address(const struct xen_elfnotes *n, uint64_t paddr, uint64_t *out)
{
	uint64_t base = n->has_virt_base ? n->virt_base : 0;
	uint64_t off = n->has_paddr_offset ? n->paddr_offset : 0;

	if (base >= off) {
		uint64_t delta = base - off;

		if (paddr > UINT64_MAX - delta) {
			return false;
		}
		*out = paddr + delta;
	} else {
		uint64_t delta = off - base;

		if (paddr < delta) {
			return false;
		}
		*out = paddr - delta;
	}
	return true;
}

/* Check one PT_LOAD and describe it in seg. */
static int check_load(struct elf_segment *seg, const struct elf64_phdr *ph, unsigned int i,
		      const struct xen_elfnotes *n, size_t size, struct elf_error *err)
{
	uint64_t start, end;

	if (ph->p_filesz > ph->p_memsz) {
		return elf_fail(err, "program header %u: p_filesz 0x%llx exceeds p_memsz 0x%llx", i,
				(ull)ph->p_filesz, (ull)ph->p_memsz);
	}
	if (!in_file(ph->p_offset, ph->p_filesz, size)) {
		return elf_fail(err,
				"program header %u: file bytes [0x%llx,+0x%llx) run past the end of the file (%llu bytes)",
				i, (ull)ph->p_offset, (ull)ph->p_filesz, (ull)size);
	}
	if (!load_address(n, ph->p_paddr, &start)) {
		return elf_fail(err,
				"program header %u: load address p_paddr 0x%llx + VIRT_BASE - PADDR_OFFSET wraps (p_paddr must be p_vaddr - VIRT_BASE)",
				i, (ull)ph->p_paddr);
	}
	if (ph->p_memsz > UINT64_MAX - start) {
		return elf_fail(err, "program header %u: segment at 0x%llx of 0x%llx bytes wraps",
				i, (ull)start, (ull)ph->p_memsz);
	}
	end = start + ph->p_memsz;
	if (ranges_overlap(start, end, HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END)) {
		return elf_fail(err,
				"program header %u: segment [0x%llx,0x%llx) overlaps the hypervisor range",
				i, (ull)start, (ull)end);
	}
	if (start < CANONICAL_HIGH_START && end > CANONICAL_LOW_END) {
		return elf_fail(err,
				"program header %u: segment [0x%llx,0x%llx) is not canonical", i,
				(ull)start, (ull)end);
	}
	seg->offset = ph->p_offset;
	seg->vaddr = start;
	seg->filesz = ph->p_filesz;
	seg->memsz = ph->p_memsz;
	seg->flags = ph->p_flags;
	return 0;
}

/*
 * Every PT_LOAD, in file order. One with p_memsz 0 loads nothing and is
 * skipped once checked. phidx[k] records the program header of segs[k].
 */
static int collect_segments(struct elf_image *img, const struct elf64_ehdr *eh,
			    const uint8_t *data, size_t size, unsigned int *phidx,
			    struct elf_error *err)
{
	unsigned int i, j;

	for (i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		struct elf_segment seg;
		int rc;

		read_phdr(&ph, eh, data, i);
		if (ph.p_type != PT_LOAD) {
			continue;
		}
		rc = check_load(&seg, &ph, i, &img->notes, size, err);
		if (rc != 0) {
			return rc;
		}
		if (seg.memsz == 0) {
			continue;
		}
		if (img->seg_count == ELF_MAX_LOAD_SEGMENTS) {
			return elf_fail(err, "program header %u: more than %u PT_LOAD segments", i,
					ELF_MAX_LOAD_SEGMENTS);
		}
		for (j = 0; j < img->seg_count; j++) {
			const struct elf_segment *o = &img->segs[j];

			if (ranges_overlap(seg.vaddr, seg.vaddr + seg.memsz, o->vaddr,
					   o->vaddr + o->memsz)) {
				return elf_fail(err,
						"program header %u: segment [0x%llx,0x%llx) overlaps the segment of program header %u",
						i, (ull)seg.vaddr, (ull)(seg.vaddr + seg.memsz),
						phidx[j]);
			}
		}
		phidx[img->seg_count] = i;
		img->segs[img->seg_count++] = seg;
	}
	if (img->seg_count == 0) {
		return elf_fail(err, "no PT_LOAD segment with memory");
	}
	img->vstart = UINT64_MAX;
	img->vend = 0;
	for (j = 0; j < img->seg_count; j++) {
		img->vstart = MIN(img->vstart, img->segs[j].vaddr);
		img->vend = MAX(img->vend, img->segs[j].vaddr + img->segs[j].memsz);
	}
	return 0;
}

/* The segment holding [addr, addr + len) entirely, or NULL. */
static const struct elf_segment *segment_of(const struct elf_image *img, uint64_t addr,
					    uint64_t len)
{
	unsigned int i;

	for (i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (addr >= s->vaddr && addr - s->vaddr < s->memsz &&
		    len <= s->memsz - (addr - s->vaddr)) {
			return s;
		}
	}
	return NULL;
}

/* The notes' addresses, now that the segments' places are known. */
static int check_note_addresses(const struct elf_image *img, uint64_t entry,
				struct elf_error *err)
{
	const struct xen_elfnotes *n = &img->notes;
	const struct elf_segment *s;

	s = segment_of(img, entry, 1);
	if (s == NULL || !(s->flags & PF_X)) {
		return elf_fail(err, "entry point 0x%llx is not inside an executable PT_LOAD segment",
				(ull)entry);
	}
	if (n->has_hypercall_page) {
		if (!IS_ALIGNED(n->hypercall_page, PAGE_SIZE)) {
			return elf_fail(err, "HYPERCALL_PAGE 0x%llx is not page aligned",
					(ull)n->hypercall_page);
		}
		if (segment_of(img, n->hypercall_page, PAGE_SIZE) == NULL) {
			return elf_fail(err,
					"HYPERCALL_PAGE 0x%llx is not inside a PT_LOAD segment of [0x%llx,0x%llx)",
					(ull)n->hypercall_page, (ull)img->vstart, (ull)img->vend);
		}
	}
	if (n->has_paddr_offset && !n->has_virt_base) {
		return elf_fail(err, "PADDR_OFFSET note without a VIRT_BASE note");
	}
	if (n->has_virt_base && n->virt_base > img->vstart) {
		return elf_fail(err, "VIRT_BASE 0x%llx is above the lowest load address 0x%llx",
				(ull)n->virt_base, (ull)img->vstart);
	}
	if (n->has_init_p2m) {
		if (!IS_ALIGNED(n->init_p2m, PAGE_SIZE)) {
			return elf_fail(err, "INIT_P2M 0x%llx is not page aligned", (ull)n->init_p2m);
		}
		if (n->init_p2m >= img->vstart && n->init_p2m < img->vend) {
			return elf_fail(err, "INIT_P2M 0x%llx is inside the kernel [0x%llx,0x%llx)",
					(ull)n->init_p2m, (ull)img->vstart, (ull)img->vend);
		}
		if (n->init_p2m >= HYPERVISOR_VIRT_START && n->init_p2m < HYPERVISOR_VIRT_END) {
			return elf_fail(err, "INIT_P2M 0x%llx is inside the hypervisor range",
					(ull)n->init_p2m);
		}
	}
	return 0;
}

int elf_parse(struct elf_image *img, const void *data, size_t size, struct elf_error *err)
{
	const uint8_t *bytes = data;
	unsigned int phidx[ELF_MAX_LOAD_SEGMENTS];
	struct elf_note_scan scan;
	struct elf64_ehdr eh;
	int rc;

	memset(img, 0, sizeof(*img));
	if (err != NULL) {
		err->msg[0] = '\0';
	}
	if (bytes == NULL || size < 4 || memcmp(bytes, "\177ELF", 4) != 0) {
		elf_fail(err, "not an ELF image");
		return -XEN_ENOEXEC;
	}
	rc = check_file_header(&eh, bytes, size, err);
	if (rc != 0) {
		goto fail;
	}

	/* Notes first: VIRT_BASE and PADDR_OFFSET decide where segments go. */
	scan.notes = &img->notes;
	scan.err = err;
	scan.seen = 0;
	scan.xen_count = 0;
	rc = scan_note_segments(&scan, &eh, bytes, size);
	if (rc == 0 && scan.xen_count == 0) {
		rc = scan_note_sections(&scan, &eh, bytes, size);
	}
	if (rc != 0) {
		goto fail;
	}

	rc = collect_segments(img, &eh, bytes, size, phidx, err);
	if (rc != 0) {
		goto fail;
	}
	img->data = bytes;
	img->size = size;
	img->entry = eh.e_entry;
	rc = check_note_addresses(img, elf_entry(img), err);
	if (rc != 0) {
		goto fail;
	}
	return 0;

fail:
	memset(img, 0, sizeof(*img));
	return rc;
}

uint64_t elf_entry(const struct elf_image *img)
{
	return img->notes.has_entry ? img->notes.entry : img->entry;
}

/*
 * elf_parse() accepted img, so each segment's file bytes lie in the file and
 * vaddr + memsz does not wrap; the callbacks check the guest side.
 */
int elf_load(const struct elf_image *img, elf_write_fn write_fn, elf_zero_fn zero_fn, void *ctx)
{
	unsigned int i;

	for (i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->segs[i];
		int rc;

		if (s->filesz != 0) {
			rc = write_fn(ctx, s->vaddr, img->data + s->offset, s->filesz);
			if (rc != 0) {
				return rc;
			}
		}
		if (s->memsz > s->filesz) {
			rc = zero_fn(ctx, s->vaddr + s->filesz, s->memsz - s->filesz);
			if (rc != 0) {
				return rc;
			}
		}
	}
	return 0;
}
