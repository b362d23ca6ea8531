/*
 * Reads the Multiboot 1 or Multiboot 2 information into struct boot_info,
 * copying every string, so nothing points into the loader's memory later.
 * Runs on the boot page tables, which map the first GiB at HV_IMAGE_OFFSET;
 * a structure outside that range is refused rather than followed.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <hv/boot.h>
#include <hv/lib.h>

#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_BOOT_MAGIC 0x36d76289
#define EARLY_LIMIT    (1ULL << 30)

static char cmdline_buf[BOOT_CMDLINE_MAX];
static char mod_cmdline_buf[MANIFEST_MAX_MODULES][BOOT_MOD_CMDLINE_MAX];

static const void *early_ptr(uint64_t pa, uint64_t len)
{
	if (pa >= EARLY_LIMIT || len > EARLY_LIMIT - pa) {
		panic("boot information at 0x%lx (+%lu) lies beyond the first GiB",
		      (unsigned long)pa, (unsigned long)len);
	}
	return (const void *)(HV_IMAGE_OFFSET + pa);
}

static void copy_string(char *dst, size_t size, uint64_t pa)
{
	const char *s;
	size_t n = 0;

	dst[0] = '\0';
	if (pa == 0) {
		return;
	}
	s = early_ptr(pa, 1);
	while (n + 1 < size && pa + n < EARLY_LIMIT && s[n] != '\0') {
		dst[n] = s[n];
		n++;
	}
	dst[n] = '\0';
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, uint64_t cmd_pa,
		       const char *cmd_inline)
{
	unsigned int i = bi->mod_count;

	if (i >= MANIFEST_MAX_MODULES) {
		printk(LOG_WARN, "more than %u boot modules: module at 0x%lx ignored",
		       MANIFEST_MAX_MODULES, (unsigned long)start);
		return;
	}
	if (cmd_inline != NULL) {
		str_lcpy(mod_cmdline_buf[i], cmd_inline, BOOT_MOD_CMDLINE_MAX);
	} else {
		copy_string(mod_cmdline_buf[i], BOOT_MOD_CMDLINE_MAX, cmd_pa);
	}
	bi->mods[i].cmdline = mod_cmdline_buf[i];
	bi->mods[i].start = start;
	bi->mods[i].size = end > start ? end - start : 0;
	bi->mod_count++;
}

static void add_region(struct boot_info *bi, uint64_t start, uint64_t size, uint32_t type)
{
	if (bi->mem_count >= BOOT_MAX_MEM_REGIONS) {
		return;
	}
	bi->mem[bi->mem_count++] = (struct boot_mem_region){
		.start = start, .size = size, .type = type == 1 ? BOOT_MEM_RAM : BOOT_MEM_RESERVED
	};
}

static void parse_mb1(struct boot_info *bi, uint64_t info_pa)
{
	const uint32_t *info = early_ptr(info_pa, 88);
	uint32_t flags = info[0];

	bi->loader = "multiboot1";
	if (flags & (1U << 2)) {
		copy_string(cmdline_buf, sizeof(cmdline_buf), info[4]);
	}
	if (flags & (1U << 3)) {
		const uint32_t *mods = early_ptr(info[6], (uint64_t)info[5] * 16);

		for (uint32_t i = 0; i < info[5]; i++) {
			add_module(bi, mods[i * 4], mods[i * 4 + 1], mods[i * 4 + 2], NULL);
		}
	}
	if (flags & (1U << 6)) {
		uint64_t pa = info[12], end = pa + info[11];

		while (pa + 24 <= end) {
			const uint8_t *e = early_ptr(pa, 24);
			uint32_t size;
			uint64_t base, len;
			uint32_t type;

			memcpy(&size, e, 4);
			memcpy(&base, e + 4, 8);
			memcpy(&len, e + 12, 8);
			memcpy(&type, e + 20, 4);
			add_region(bi, base, len, type);
			pa += (uint64_t)size + 4;
		}
	} else if (flags & 1U) {
		add_region(bi, 0, (uint64_t)info[1] << 10, 1);
		add_region(bi, 1ULL << 20, (uint64_t)info[2] << 10, 1);
	}
}

static void parse_mb2(struct boot_info *bi, uint64_t info_pa)
{
	const uint32_t *hdr = early_ptr(info_pa, 8);
	uint64_t total = hdr[0];
	uint64_t off = 8;
	const uint8_t *base = early_ptr(info_pa, total);

	bi->loader = "multiboot2";
	while (off + 8 <= total) {
		uint32_t type, size;

		memcpy(&type, base + off, 4);
		memcpy(&size, base + off + 4, 4);
		if (type == 0 || size < 8 || size > total - off) {
			break;
		}
		const uint8_t *t = base + off;

		if (type == 1) {
			size_t n = MIN((size_t)size - 8, sizeof(cmdline_buf) - 1);

			memcpy(cmdline_buf, t + 8, n);
			cmdline_buf[n] = '\0';
		} else if (type == 3 && size >= 16) {
			uint32_t s, e;
			char cmd[BOOT_MOD_CMDLINE_MAX];
			size_t n = MIN((size_t)size - 16, sizeof(cmd) - 1);

			memcpy(&s, t + 8, 4);
			memcpy(&e, t + 12, 4);
			memcpy(cmd, t + 16, n);
			cmd[n] = '\0';
			add_module(bi, s, e, 0, cmd);
		} else if (type == 6 && size >= 16) {
			uint32_t esize;

			memcpy(&esize, t + 8, 4);
			for (uint64_t p = 16; esize >= 20 && p + esize <= size; p += esize) {
				uint64_t rbase, rlen;
				uint32_t rtype;

				memcpy(&rbase, t + p, 8);
				memcpy(&rlen, t + p + 8, 8);
				memcpy(&rtype, t + p + 16, 4);
				add_region(bi, rbase, rlen, rtype);
			}
		}
		off += ALIGN_UP((uint64_t)size, 8);
	}
}

void multiboot_parse(struct boot_info *bi, uint32_t magic, uint64_t info_pa)
{
	memset(bi, 0, sizeof(*bi));
	cmdline_buf[0] = '\0';
	if (magic == MB1_BOOT_MAGIC) {
		parse_mb1(bi, info_pa);
	} else if (magic == MB2_BOOT_MAGIC) {
		parse_mb2(bi, info_pa);
	} else {
		panic("not started by a Multiboot loader (magic 0x%x)", magic);
	}
	bi->cmdline = manifest_skip_image_path(cmdline_buf);
}
