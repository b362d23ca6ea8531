/*
 * Xen ELF notes of a PV kernel: how each note type is laid out, what it
 * records in struct xen_elfnotes, and the XENFEAT names behind the FEATURES
 * note. Portable, no allocation. It reads only a region elf.c has checked
 * lies inside the file, and must never follow a size or a string from a note
 * without checking it against that region first.
 */
#include <hv/elf64.h>
#include <hv/lib.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/version.h>

/* How a note's descriptor is laid out. */
enum note_kind {
	NOTE_ABSENT = 0,	/* not a type we know: ignored */
	NOTE_NUMBER,		/* 4 or 8 bytes, little endian */
	NOTE_STRING,		/* up to the first NUL or the end of the descriptor */
	NOTE_WORDS,		/* one or more 4-byte words (feature submaps) */
	NOTE_QUADS,		/* one or more 8-byte words (mask/value pairs) */
};

struct note_type {
	const char *name;
	enum note_kind kind;
};

/* Every Xen note type up to XEN_ELFNOTE_MAX; a note of a higher type is ignored. */
static const struct note_type note_types[XEN_ELFNOTE_MAX + 1] = {
	[XEN_ELFNOTE_INFO] = { "INFO", NOTE_STRING },
	[XEN_ELFNOTE_ENTRY] = { "ENTRY", NOTE_NUMBER },
	[XEN_ELFNOTE_HYPERCALL_PAGE] = { "HYPERCALL_PAGE", NOTE_NUMBER },
	[XEN_ELFNOTE_VIRT_BASE] = { "VIRT_BASE", NOTE_NUMBER },
	[XEN_ELFNOTE_PADDR_OFFSET] = { "PADDR_OFFSET", NOTE_NUMBER },
	[XEN_ELFNOTE_XEN_VERSION] = { "XEN_VERSION", NOTE_STRING },
	[XEN_ELFNOTE_GUEST_OS] = { "GUEST_OS", NOTE_STRING },
	[XEN_ELFNOTE_GUEST_VERSION] = { "GUEST_VERSION", NOTE_STRING },
	[XEN_ELFNOTE_LOADER] = { "LOADER", NOTE_STRING },
	[XEN_ELFNOTE_PAE_MODE] = { "PAE_MODE", NOTE_STRING },
	[XEN_ELFNOTE_FEATURES] = { "FEATURES", NOTE_STRING },
	[XEN_ELFNOTE_BSD_SYMTAB] = { "BSD_SYMTAB", NOTE_STRING },
	[XEN_ELFNOTE_HV_START_LOW] = { "HV_START_LOW", NOTE_NUMBER },
	[XEN_ELFNOTE_L1_MFN_VALID] = { "L1_MFN_VALID", NOTE_QUADS },
	[XEN_ELFNOTE_SUSPEND_CANCEL] = { "SUSPEND_CANCEL", NOTE_NUMBER },
	[XEN_ELFNOTE_INIT_P2M] = { "INIT_P2M", NOTE_NUMBER },
	[XEN_ELFNOTE_MOD_START_PFN] = { "MOD_START_PFN", NOTE_NUMBER },
	[XEN_ELFNOTE_SUPPORTED_FEATURES] = { "SUPPORTED_FEATURES", NOTE_WORDS },
	[XEN_ELFNOTE_PHYS32_ENTRY] = { "PHYS32_ENTRY", NOTE_NUMBER },
};
_Static_assert(XEN_ELFNOTE_MAX < 32, "seen is a 32-bit mask");

/* XENFEAT names as Xen's features.h spells them, without the prefix. */
static const char *const feature_names[] = {
	[XENFEAT_writable_page_tables] = "writable_page_tables",
	[XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
	[XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
	[XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
	[XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
	[XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
	[XENFEAT_highmem_assist] = "highmem_assist",
	[XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
	[XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
	[XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
	[XENFEAT_hvm_pirqs] = "hvm_pirqs",
	[XENFEAT_dom0] = "dom0",
	[XENFEAT_grant_map_identity] = "grant_map_identity",
	[XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
	[XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
	[XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
	[XENFEAT_not_direct_mapped] = "not_direct_mapped",
	[XENFEAT_direct_mapped] = "direct_mapped",
};
_Static_assert(ARRAY_SIZE(feature_names) <= 32, "features fit submap 0");

/* The longest piece of a hostile string an error message repeats. */
#define QUOTE_MAX 32

int elf_feature_from_name(const char *name, size_t len)
{
	size_t i;

	if (name == NULL) {
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
		const char *known = feature_names[i];

		if (known != NULL && strlen(known) == len && memcmp(known, name, len) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/*
 * Copy a piece of a file's string for an error message: at most QUOTE_MAX
 * bytes, anything unprintable shown as '?', so that a hostile kernel cannot
 * send control sequences to the console through our messages.
 */
static void quote(char *dst, size_t dst_size, const char *src, size_t len)
{
	size_t n = MIN(len, MIN((size_t)QUOTE_MAX, dst_size - 1));
	size_t i;

	for (i = 0; i < n; i++) {
		char c = src[i];

		dst[i] = (c >= 0x20 && c <= 0x7e) ? c : '?';
	}
	dst[n] = '\0';
}

/*
 * FEATURES: names separated by '|', each optionally prefixed with '!' for
 * "required" (required implies supported). Empty names (as in "a||b" or a
 * trailing '|') are skipped; a name we do not know is refused.
 */
static int parse_features(struct elf_note_scan *scan, const char *s, size_t len,
			  const char *where)
{
	struct xen_elfnotes *n = scan->notes;
	size_t pos, end;

	for (pos = 0; pos < len; pos = end + 1) {
		bool required;
		size_t name_len;
		int bit;

		end = pos;
		while (end < len && s[end] != '|') {
			end++;
		}
		if (end == pos) {
			continue;
		}
		required = s[pos] == '!';
		name_len = end - pos - (required ? 1 : 0);
		bit = elf_feature_from_name(s + pos + (required ? 1 : 0), name_len);
		if (bit < 0) {
			char shown[QUOTE_MAX + 1];

			quote(shown, sizeof(shown), s + pos, end - pos);
			return elf_fail(scan->err, "%s: Xen note FEATURES: unknown feature \"%s\"",
					where, shown);
		}
		n->features_supported |= 1U << bit;
		if (required) {
			n->features_required |= 1U << bit;
		}
	}
	return 0;
}

/* A 4- or 8-byte little-endian number; size was checked by the caller. */
static uint64_t desc_number(const uint8_t *desc, uint32_t size)
{
	uint32_t v32;
	uint64_t v64;

	if (size == 4) {
		memcpy(&v32, desc, sizeof(v32));
		return v32;
	}
	memcpy(&v64, desc, sizeof(v64));
	return v64;
}

/* Check that a descriptor has the layout its type demands. */
static int check_layout(struct elf_note_scan *scan, const struct note_type *nt,
			const uint8_t *desc, uint32_t size, const char *where)
{
	switch (nt->kind) {
	case NOTE_NUMBER:
		if (size != 4 && size != 8) {
			return elf_fail(scan->err,
					"%s: Xen note %s: descriptor of %u bytes, expected 4 or 8",
					where, nt->name, size);
		}
		break;
	case NOTE_STRING:
		/* Any bytes will do: the string ends at a NUL or the descriptor's end. */
		break;
	case NOTE_WORDS:
		if (size == 0 || size % 4 != 0) {
			return elf_fail(scan->err,
					"%s: Xen note %s: descriptor of %u bytes, expected a multiple of 4",
					where, nt->name, size);
		}
		break;
	case NOTE_QUADS:
		if (size == 0 || size % 8 != 0) {
			return elf_fail(scan->err,
					"%s: Xen note %s: descriptor of %u bytes, expected a multiple of 8",
					where, nt->name, size);
		}
		break;
	case NOTE_ABSENT:
		break;
	}
	return 0;
}

/*
 * Record a string note, cutting it to ELF_NOTE_STR_MAX - 1 characters. The
 * string ends at its first NUL or at the end of the descriptor: Debian's
 * Linux 6.1 writes FEATURES as 41 bytes with no NUL (the note's padding
 * supplies one), so a NUL inside the descriptor cannot be demanded.
 */
static void record_string(char *dst, const uint8_t *desc, uint32_t size)
{
	size_t len = strnlen((const char *)desc, size);

	len = MIN(len, (size_t)ELF_NOTE_STR_MAX - 1);
	memcpy(dst, desc, len);
	dst[len] = '\0';
}

/* One note named "Xen": check its layout, then record what it says. */
static int xen_note(struct elf_note_scan *scan, uint32_t type, const uint8_t *desc,
		    uint32_t size, const char *where)
{
	struct xen_elfnotes *n = scan->notes;
	const struct note_type *nt;
	uint64_t val = 0;
	int rc;

	if (type > XEN_ELFNOTE_MAX || note_types[type].kind == NOTE_ABSENT) {
		return 0;
	}
	nt = &note_types[type];
	/* Two ENTRY notes would let two readers of one file disagree: refuse. */
	if (scan->seen & (1U << type)) {
		return elf_fail(scan->err, "%s: Xen note %s appears twice", where, nt->name);
	}
	scan->seen |= 1U << type;
	scan->xen_count++;
	rc = check_layout(scan, nt, desc, size, where);
	if (rc != 0) {
		return rc;
	}
	if (nt->kind == NOTE_NUMBER) {
		val = desc_number(desc, size);
	}

	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		n->has_entry = true;
		n->entry = val;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		n->has_hypercall_page = true;
		n->hypercall_page = val;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		n->has_virt_base = true;
		n->virt_base = val;
		break;
	case XEN_ELFNOTE_PADDR_OFFSET:
		n->has_paddr_offset = true;
		n->paddr_offset = val;
		break;
	case XEN_ELFNOTE_INIT_P2M:
		n->has_init_p2m = true;
		n->init_p2m = val;
		break;
	case XEN_ELFNOTE_HV_START_LOW:
		n->has_hv_start_low = true;
		n->hv_start_low = val;
		break;
	case XEN_ELFNOTE_MOD_START_PFN:
		n->mod_start_pfn = val != 0;
		break;
	case XEN_ELFNOTE_SUSPEND_CANCEL:
		n->suspend_cancel = val != 0;
		break;
	case XEN_ELFNOTE_L1_MFN_VALID:
		n->l1_mfn_valid = true;
		break;
	case XEN_ELFNOTE_GUEST_OS:
		record_string(n->guest_os, desc, size);
		break;
	case XEN_ELFNOTE_GUEST_VERSION:
		record_string(n->guest_version, desc, size);
		break;
	case XEN_ELFNOTE_XEN_VERSION:
		record_string(n->xen_version, desc, size);
		break;
	case XEN_ELFNOTE_LOADER:
		record_string(n->loader, desc, size);
		break;
	case XEN_ELFNOTE_FEATURES:
		n->has_features = true;
		return parse_features(scan, (const char *)desc,
				      strnlen((const char *)desc, size), where);
	case XEN_ELFNOTE_SUPPORTED_FEATURES: {
		uint32_t submap0;

		/* One 32-bit word per submap; only submap 0 exists. */
		memcpy(&submap0, desc, sizeof(submap0));
		n->has_features = true;
		n->features_supported |= submap0;
		break;
	}
	default:
		/* INFO, PAE_MODE, BSD_SYMTAB, PHYS32_ENTRY: checked, not used. */
		break;
	}
	return 0;
}

/* Round pos up to align, but not past the end of the region. */
static uint64_t pad_to(uint64_t pos, uint64_t align, uint64_t len)
{
	uint64_t rem = pos % align;

	if (rem == 0) {
		return pos;
	}
	return MIN(pos + (align - rem), len);
}

int elf_notes_scan(struct elf_note_scan *scan, const uint8_t *region, uint64_t len,
		   uint64_t align, const char *where)
{
	uint64_t pos = 0;

	while (pos < len) {
		struct elf64_nhdr nh;
		char at[64];
		uint64_t name_pos, desc_pos;
		int rc;

		fmt_snprintf(at, sizeof(at), "%s: note at +0x%llx", where,
			     (unsigned long long)pos);
		if (len - pos < sizeof(nh)) {
			return elf_fail(scan->err, "%s: truncated note header (%llu bytes left)",
					at, (unsigned long long)(len - pos));
		}
		memcpy(&nh, region + pos, sizeof(nh));
		pos += sizeof(nh);
		if (nh.n_namesz > len - pos) {
			return elf_fail(scan->err, "%s: name of %u bytes runs past the end", at,
					nh.n_namesz);
		}
		name_pos = pos;
		pos = pad_to(pos + nh.n_namesz, align, len);
		if (nh.n_descsz > len - pos) {
			return elf_fail(scan->err, "%s: descriptor of %u bytes runs past the end",
					at, nh.n_descsz);
		}
		desc_pos = pos;
		pos = pad_to(pos + nh.n_descsz, align, len);

		/* Only "Xen" (with its NUL, so namesz 4) names Xen's notes. */
		if (nh.n_namesz != 4 || memcmp(region + name_pos, "Xen", 4) != 0) {
			continue;
		}
		rc = xen_note(scan, nh.n_type, region + desc_pos, nh.n_descsz, at);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}
