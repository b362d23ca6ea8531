/*
 * A PV64 kernel image as the boot harnesses (fuzz_boot, fuzz_hypercall)
 * hand it to the hypervisor: an ELF64 executable with the Xen notes a
 * Linux-like kernel carries (VIRT_BASE, ENTRY, HYPERCALL_PAGE, GUEST_OS,
 * optionally INIT_P2M and FEATURES), a text and a data segment. The shape
 * comes from struct fuzz_kernel_opts, so a harness can vary what the domain
 * builder sees while the image still parses; the bytes can then be mutated
 * further. It only assembles bytes: what the hypervisor makes of them stays
 * in the harness.
 */
#ifndef FUZZ_FUZZ_KERNEL_H
#define FUZZ_FUZZ_KERNEL_H

#include <stdint.h>
#include <string.h>

#include <hv/elf64.h>
#include <hv/lib.h>
#include <public/elfnote.h>

#define FUZZ_KERNEL_VBASE   0xffffffff80000000ULL
#define FUZZ_KERNEL_TEXT_SZ 0x2000
#define FUZZ_KERNEL_DATA_SZ 0x180
#define FUZZ_KERNEL_MAX     (16 * 1024)

struct fuzz_kernel_opts {
	uint64_t virt_base;		/* the VIRT_BASE note */
	uint64_t text_va;		/* R+X; the hypercall page at text_va + 0x1000 */
	uint64_t data_va;		/* R+W: FUZZ_KERNEL_DATA_SZ bytes, then bss */
	uint64_t data_memsz;
	uint64_t entry;			/* the ENTRY note */
	uint64_t init_p2m;		/* 0: no INIT_P2M note */
	const char *features;		/* NULL: no FEATURES note */
	bool no_hypercall_page;
};

/* The small kernel both harnesses start from. */
static inline struct fuzz_kernel_opts fuzz_kernel_default(void)
{
	return (struct fuzz_kernel_opts){
		.virt_base = FUZZ_KERNEL_VBASE,
		.text_va = FUZZ_KERNEL_VBASE + 0x1000,
		.data_va = FUZZ_KERNEL_VBASE + 0x4000,
		.data_memsz = 0x2000,
		.entry = FUZZ_KERNEL_VBASE + 0x1010,
	};
}

static inline size_t fuzz_kernel_note(uint8_t *p, uint32_t type, const void *desc, uint32_t descsz)
{
	struct elf64_nhdr nh = { 4, descsz, type };
	size_t n = sizeof(nh);

	memcpy(p, &nh, sizeof(nh));
	memcpy(p + n, "Xen", 4);
	n += 4;
	memcpy(p + n, desc, descsz);
	return ALIGN_UP(n + descsz, 4);
}

static inline size_t fuzz_kernel_note64(uint8_t *p, uint32_t type, uint64_t v)
{
	return fuzz_kernel_note(p, type, &v, sizeof(v));
}

/* Write the image into buf (at least FUZZ_KERNEL_MAX bytes); its length. */
static inline size_t fuzz_kernel_build(uint8_t *buf, const struct fuzz_kernel_opts *o)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph[3];
	uint8_t notes[256];
	size_t nlen = 0, off;

	memset(buf, 0, FUZZ_KERNEL_MAX);
	nlen += fuzz_kernel_note64(notes + nlen, XEN_ELFNOTE_VIRT_BASE, o->virt_base);
	nlen += fuzz_kernel_note64(notes + nlen, XEN_ELFNOTE_ENTRY, o->entry);
	if (!o->no_hypercall_page) {
		nlen += fuzz_kernel_note64(notes + nlen, XEN_ELFNOTE_HYPERCALL_PAGE, o->text_va + 0x1000);
	}
	nlen += fuzz_kernel_note(notes + nlen, XEN_ELFNOTE_GUEST_OS, "fuzz", 5);
	if (o->init_p2m != 0) {
		nlen += fuzz_kernel_note64(notes + nlen, XEN_ELFNOTE_INIT_P2M, o->init_p2m);
	}
	if (o->features != NULL) {
		char f[97];

		str_lcpy(f, o->features, sizeof(f));
		nlen += fuzz_kernel_note(notes + nlen, XEN_ELFNOTE_FEATURES, f, (uint32_t)strlen(f) + 1);
	}

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = 1;
	eh.e_entry = o->entry;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(struct elf64_phdr);
	eh.e_phnum = 3;

	off = sizeof(eh) + sizeof(ph);
	memset(ph, 0, sizeof(ph));
	ph[0] = (struct elf64_phdr){ .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = off,
				     .p_filesz = nlen, .p_memsz = nlen, .p_align = 4 };
	memcpy(buf + off, notes, nlen);
	off = ALIGN_UP(off + nlen, 0x1000);
	ph[1] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = off,
				     .p_vaddr = o->text_va, .p_paddr = o->text_va - o->virt_base,
				     .p_filesz = FUZZ_KERNEL_TEXT_SZ, .p_memsz = FUZZ_KERNEL_TEXT_SZ,
				     .p_align = 0x1000 };
	for (size_t i = 0; i < FUZZ_KERNEL_TEXT_SZ; i++) {
		buf[off + i] = (uint8_t)(i * 7 + 3);
	}
	off += FUZZ_KERNEL_TEXT_SZ;
	ph[2] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = off,
				     .p_vaddr = o->data_va, .p_paddr = o->data_va - o->virt_base,
				     .p_filesz = FUZZ_KERNEL_DATA_SZ, .p_memsz = o->data_memsz,
				     .p_align = 0x1000 };
	for (size_t i = 0; i < FUZZ_KERNEL_DATA_SZ; i++) {
		buf[off + i] = (uint8_t)(0x80 ^ i);
	}
	off += FUZZ_KERNEL_DATA_SZ;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));
	return off;
}

#endif
