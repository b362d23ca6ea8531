/*
 * ELF64 and Xen ELF-note parsing for PV guest kernels. Portable, no
 * allocation: elf_parse() checks the whole image (headers, program headers,
 * notes, overlaps, overflow) without side effects, and elf_load() copies the
 * loadable segments through a callback. A malformed or unsupported image is
 * refused with a message that says what is wrong.
 */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <hv/types.h>

#define ELF_MAX_LOAD_SEGMENTS 16
#define ELF_NOTE_STR_MAX      64

struct xen_elfnotes {
	bool has_entry, has_hypercall_page, has_virt_base, has_paddr_offset;
	bool has_init_p2m, has_hv_start_low, has_features;
	uint64_t entry;
	uint64_t hypercall_page;
	uint64_t virt_base;
	uint64_t paddr_offset;
	uint64_t init_p2m;
	uint64_t hv_start_low;
	bool mod_start_pfn;		/* MOD_START_PFN note present and non-zero */
	bool l1_mfn_valid;
	bool suspend_cancel;
	char guest_os[ELF_NOTE_STR_MAX];
	char guest_version[ELF_NOTE_STR_MAX];
	char xen_version[ELF_NOTE_STR_MAX];
	char loader[ELF_NOTE_STR_MAX];
	/* XENFEAT_* bits from FEATURES ('!' marks required) and the numeric
	 * SUPPORTED_FEATURES note, submap 0 only. */
	uint32_t features_supported;
	uint32_t features_required;
};

struct elf_segment {
	uint64_t offset;		/* in the file */
	/* Where it lands in the guest: p_paddr + VIRT_BASE - PADDR_OFFSET
	 * (notes absent count as 0), Xen's rule. That is p_vaddr whenever
	 * paddr = vaddr - VIRT_BASE; Linux's per-CPU segment (p_vaddr 0)
	 * is the exception the rule exists for. */
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;			/* PF_R/PF_W/PF_X */
};

struct elf_image {
	const uint8_t *data;
	size_t size;
	uint64_t entry;			/* ELF e_entry; notes.entry wins if present */
	struct elf_segment segs[ELF_MAX_LOAD_SEGMENTS];
	unsigned int seg_count;
	uint64_t vstart;		/* lowest PT_LOAD vaddr */
	uint64_t vend;			/* highest vaddr + memsz (exclusive) */
	struct xen_elfnotes notes;
};

struct elf_error {
	char msg[160];
};

/*
 * Check and describe an ELF64 x86-64 executable (ET_EXEC) in [data, data+size).
 * Refuses: bad magic/class/endianness/machine/type, headers or segments
 * outside the file, filesz > memsz, overlapping or address-wrapping
 * segments, more than ELF_MAX_LOAD_SEGMENTS, no PT_LOAD, segments in the
 * hypervisor range [HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END), malformed
 * or truncated notes, an entry point outside the loaded range, a FEATURES
 * name we do not know, a note of the wrong size. Returns 0 or -XEN_EINVAL
 * (-XEN_ENOEXEC for "not an ELF at all").
 */
int elf_parse(struct elf_image *img, const void *data, size_t size,
	      struct elf_error *err);

/* Where the guest must start: notes.entry when present, else e_entry. */
uint64_t elf_entry(const struct elf_image *img);

/*
 * Copy every PT_LOAD segment: write(ctx, vaddr, src, len) for the file bytes,
 * then zero(ctx, vaddr, len) for the rest of memsz. Stops at and returns the
 * first non-zero callback result.
 */
typedef int (*elf_write_fn)(void *ctx, uint64_t vaddr, const void *src, size_t len);
typedef int (*elf_zero_fn)(void *ctx, uint64_t vaddr, size_t len);
int elf_load(const struct elf_image *img, elf_write_fn write, elf_zero_fn zero, void *ctx);

/* Look a XENFEAT name up ("writable_page_tables" -> 0); -1 when unknown. */
int elf_feature_from_name(const char *name, size_t len);

#endif
