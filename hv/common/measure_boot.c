/*
 * What the boot measures, in which PCR and in which order (attest/measure.h
 * has the PCR map, SECURITY.md the records): everything the hypervisor acts
 * on, before any domain is built. Each function returns 0 or the error
 * attest/measure.c decided on (measured=required): the caller refuses to
 * start any domain then. Nothing here parses: the manifest was checked.
 */
#include <attest/measure.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/lib.h>
#include <hv/manifest.h>
#include <hv/measure_boot.h>

/* The canonical manifest: 16 domains of about 250 bytes and the options. */
static char text_buf[MEASURE_EVENT_MAX - 512];

static const char *module_kind(const struct manifest *m, int idx, const char **owner)
{
	*owner = "";
	if (idx == m->policy_module) {
		return "policy";
	}
	for (unsigned int i = 0; i < m->domain_count; i++) {
		if (m->domains[i].kernel_module == idx) {
			*owner = m->domains[i].name;
			return "kernel";
		}
		if (m->domains[i].initrd_module == idx) {
			*owner = m->domains[i].name;
			return "initrd";
		}
	}
	return "unused";
}

int measure_boot_config(const struct boot_info *bi, const struct manifest *m)
{
	int rc = measure_string(MEASURE_PCR_CONFIG, "hypervisor command line",
				manifest_skip_image_path(bi->cmdline));

	if (rc == 0) {
		manifest_text(m, text_buf, sizeof(text_buf));
		rc = measure_string(MEASURE_PCR_CONFIG, "boot manifest", text_buf);
	}
	return rc;
}

int measure_boot_modules(const struct boot_info *bi, const struct manifest *m)
{
	char what[48], text[96];

	for (unsigned int i = 0; i < bi->mod_count; i++) {
		const struct boot_module *mod = &bi->mods[i];
		const char *owner;
		const char *kind = module_kind(m, (int)i, &owner);
		int rc;

		fmt_snprintf(what, sizeof(what), "module %u image", i);
		fmt_snprintf(text, sizeof(text), "%s%s%s, %lu bytes", kind, owner[0] ? " " : "",
			     owner, (unsigned long)mod->size);
		rc = measure_data(MEASURE_PCR_MODULES, arch_phys_map(mod->start, mod->size),
				  (size_t)mod->size, what, text);
		if (rc != 0) {
			return rc;
		}
		fmt_snprintf(what, sizeof(what), "module %u command line", i);
		rc = measure_string(MEASURE_PCR_MODULES, what, manifest_module_args(mod->cmdline));
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

int measure_boot_policy(const struct boot_info *bi, const struct manifest *m)
{
	const struct boot_module *pm;
	char text[64];

	if (m->policy_module < 0) {
		return 0;
	}
	pm = &bi->mods[m->policy_module];
	fmt_snprintf(text, sizeof(text), "boot module %d, %lu bytes", m->policy_module,
		     (unsigned long)pm->size);
	return measure_data(MEASURE_PCR_POLICY, arch_phys_map(pm->start, pm->size),
			    (size_t)pm->size, "security policy", text);
}

int measure_boot_launches(const struct manifest *m)
{
	for (unsigned int i = 0; i < m->domain_count; i++) {
		int rc;

		/* Domain ids follow manifest order (hv/common/setup.c). */
		manifest_domain_text(&m->domains[i], i + 1, text_buf, sizeof(text_buf));
		rc = measure_string(MEASURE_PCR_CONFIG, "domain launch", text_buf);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}
