/*
 * The ELF64 file format as Moat's parser reads it: on-disk structures,
 * the constants it checks, and the small interface between hv/common/elf.c
 * (headers and segments) and hv/common/elf_notes.c (Xen notes). Plain
 * definitions: nothing here reads an image, and the structures must only be
 * filled with memcpy from bytes already checked to lie inside the file.
 * Multi-byte fields are little endian on disk, as on the only host we run on.
 */
#ifndef HV_ELF64_H
#define HV_ELF64_H

#include <hv/types.h>
#include <hv/elf.h>

#define EI_NIDENT   16
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1

#define ET_EXEC   2
#define EM_X86_64 62

#define PT_LOAD 1
#define PT_NOTE 4
/* e_phnum of 0xffff means "the real count is in section 0": not supported. */
#define PN_XNUM 0xffff

#define PF_X 1
#define PF_W 2
#define PF_R 4

#define SHT_NOTE 7

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};
_Static_assert(sizeof(struct elf64_shdr) == 64, "ELF64 section header");

struct elf64_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};
_Static_assert(sizeof(struct elf64_nhdr) == 12, "ELF note header");

/*
 * State of one elf_parse() call while it reads notes. seen has bit n set
 * once a Xen note of type n was met, so that a second one is refused.
 */
struct elf_note_scan {
	struct xen_elfnotes *notes;
	struct elf_error *err;
	uint32_t seen;
	unsigned int xen_count;
};

/*
 * Read every note in [region, region + len), which the caller has checked
 * lies inside the file. align is the padding of names and descriptors (4,
 * or 8 for an 8-aligned note segment); where names the region in messages
 * ("program header 2"). Returns 0 or -XEN_EINVAL with err filled in.
 */
int elf_notes_scan(struct elf_note_scan *scan, const uint8_t *region, uint64_t len,
		   uint64_t align, const char *where);

/* Fill err->msg (if err is not NULL) and return -XEN_EINVAL. */
int elf_fail(struct elf_error *err, const char *fmt, ...) __printf(2, 3);

#endif
