/*
 * libFuzzer harness for the ELF64 and Xen-note parser. Every input goes
 * through elf_parse(); whatever it accepts must keep the promises the domain
 * builder relies on (segments inside the file, no wrap, nothing in the
 * hypervisor range, entry inside the image), checked here with a trap, and
 * elf_load() must then only write inside what was accepted. It never
 * changes the parser's behaviour to make a check pass.
 */
#include <stddef.h>
#include <stdint.h>

#include <hv/elf.h>
#include <hv/elf64.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/xen.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                        \
	do {                               \
		if (!(cond)) {             \
			__builtin_trap();  \
		}                          \
	} while (0)

struct load_ctx {
	const struct elf_image *img;
	const uint8_t *file;
	size_t size;
	uint64_t sum;			/* makes ASan read every byte handed out */
};

/* [addr, addr + len) inside [start, start + n)? Overflow-safe. */
static int inside(uint64_t addr, uint64_t len, uint64_t start, uint64_t n)
{
	return addr >= start && addr - start <= n && len <= n - (addr - start);
}

static int check_write(void *opaque, uint64_t vaddr, const void *src, size_t len)
{
	struct load_ctx *c = opaque;
	const struct elf_image *img = c->img;
	const uint8_t *s = src;
	unsigned int i;
	int found = 0;

	CHECK(len > 0);
	CHECK(inside(vaddr, len, img->vstart, img->vend - img->vstart));
	CHECK(s >= c->file && inside((uint64_t)(s - c->file), len, 0, c->size));
	for (i = 0; i < img->seg_count; i++) {
		const struct elf_segment *seg = &img->segs[i];

		if (vaddr == seg->vaddr && (uint64_t)(s - c->file) == seg->offset &&
		    len == seg->filesz) {
			found = 1;
		}
	}
	CHECK(found);
	for (size_t j = 0; j < len; j++) {
		c->sum += s[j];
	}
	return 0;
}

static int check_zero(void *opaque, uint64_t vaddr, size_t len)
{
	struct load_ctx *c = opaque;
	const struct elf_image *img = c->img;
	unsigned int i;
	int found = 0;

	CHECK(len > 0);
	CHECK(inside(vaddr, len, img->vstart, img->vend - img->vstart));
	for (i = 0; i < img->seg_count; i++) {
		const struct elf_segment *seg = &img->segs[i];

		if (vaddr == seg->vaddr + seg->filesz && len == seg->memsz - seg->filesz) {
			found = 1;
		}
	}
	CHECK(found);
	return 0;
}

static void check_string(const char *s)
{
	CHECK(strnlen(s, ELF_NOTE_STR_MAX) < ELF_NOTE_STR_MAX);
}

static void check_accepted(const struct elf_image *img, const uint8_t *data, size_t size)
{
	const struct xen_elfnotes *n = &img->notes;
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned int i, j;
	uint64_t entry;

	CHECK(img->data == data && img->size == size);
	CHECK(img->seg_count > 0 && img->seg_count <= ELF_MAX_LOAD_SEGMENTS);
	for (i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->segs[i];

		CHECK(inside(s->offset, s->filesz, 0, size));
		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK(s->vaddr + s->memsz > s->vaddr);
		CHECK(s->vaddr + s->memsz <= HYPERVISOR_VIRT_START || s->vaddr >= HYPERVISOR_VIRT_END);
		/* Canonical: wholly below the non-canonical hole or wholly above it. */
		CHECK(s->vaddr + s->memsz <= 0x0000800000000000ULL ||
		      s->vaddr >= 0xffff800000000000ULL);
		for (j = 0; j < i; j++) {
			const struct elf_segment *o = &img->segs[j];

			CHECK(s->vaddr + s->memsz <= o->vaddr || o->vaddr + o->memsz <= s->vaddr);
		}
		lo = lo < s->vaddr ? lo : s->vaddr;
		hi = hi > s->vaddr + s->memsz ? hi : s->vaddr + s->memsz;
	}
	CHECK(img->vstart == lo && img->vend == hi && img->vend > img->vstart);
	entry = elf_entry(img);
	CHECK(entry >= img->vstart && entry < img->vend);
	if (n->has_hypercall_page) {
		CHECK((n->hypercall_page & (PAGE_SIZE - 1)) == 0);
		CHECK(inside(n->hypercall_page, PAGE_SIZE, img->vstart, img->vend - img->vstart));
	}
	CHECK((n->features_required & ~n->features_supported) == 0);
	check_string(n->guest_os);
	check_string(n->guest_version);
	check_string(n->xen_version);
	check_string(n->loader);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	struct elf_error err;
	struct load_ctx ctx;
	int rc;

	memset(&err, 0x55, sizeof(err));
	rc = elf_parse(&img, data, size, &err);
	CHECK(strnlen(err.msg, sizeof(err.msg)) < sizeof(err.msg));
	if (rc != 0) {
		CHECK(rc == -XEN_EINVAL || rc == -XEN_ENOEXEC);
		CHECK(err.msg[0] != '\0');
		CHECK(img.seg_count == 0 && img.data == NULL);
		return 0;
	}
	CHECK(err.msg[0] == '\0');
	check_accepted(&img, data, size);

	ctx.img = &img;
	ctx.file = data;
	ctx.size = size;
	ctx.sum = 0;
	CHECK(elf_load(&img, check_write, check_zero, &ctx) == 0);
	return 0;
}
