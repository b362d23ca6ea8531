/*
 * Fuzz harness for the boot-manifest parser (hv/common/manifest*.c). The
 * input is split on '\n' and NUL bytes: the first piece is the hypervisor
 * command line, each further piece one module's command line. Each piece
 * gets its own exact-size heap copy so that ASan catches a read past its NUL.
 *
 * It checks what the parser promises rather than what it computes: on
 * success a manifest the domain builder can trust without checking again,
 * on failure an error that is safe to print. It must never check a result
 * by calling the parser's own helpers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/lib.h>
#include <hv/manifest.h>
#include <public/errno.h>

#include "fuzz.h"

/* Two past the limit, so that "too many modules" is reachable. */
#define FUZZ_MAX_MODS (MANIFEST_MAX_MODULES + 2)


static struct manifest m;

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static bool printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			return false;
		}
	}
	return true;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static void check_manifest(unsigned int mod_count)
{
	bool used[FUZZ_MAX_MODS] = { false };

	check(m.domain_count >= 1 && m.domain_count <= MANIFEST_MAX_DOMAINS);
	check(m.opts.loglvl >= LOG_ERR && m.opts.loglvl <= LOG_DEBUG);
	for (unsigned int i = 0; i < m.domain_count; i++) {
		const struct manifest_domain *d = &m.domains[i];
		size_t len;

		check(terminated(d->name, sizeof(d->name)));
		check(terminated(d->label, sizeof(d->label)));
		check(terminated(d->cmdline, sizeof(d->cmdline)));
		len = strlen(d->name);
		check(len >= 1 && len < MANIFEST_NAME_MAX);
		for (size_t j = 0; j < len; j++) {
			check(name_char(d->name[j]));
		}
		for (unsigned int j = 0; j < i; j++) {
			check(strcmp(d->name, m.domains[j].name) != 0);
		}
		check(d->label[0] == '\0' || strchr(d->label, ':') != NULL);
		check(d->mem >= MANIFEST_MIN_MEM && d->mem <= MANIFEST_MAX_MEM);
		check(d->mem % PAGE_SIZE == 0);
		check(d->vcpus >= 1 && d->vcpus <= MANIFEST_MAX_VCPUS);
		check(d->kernel_module >= 0 && (unsigned int)d->kernel_module < mod_count);
		check(!used[d->kernel_module]);
		used[d->kernel_module] = true;
		if (d->initrd_module != -1) {
			check(d->initrd_module >= 0 && (unsigned int)d->initrd_module < mod_count);
			check(!used[d->initrd_module]);
			used[d->initrd_module] = true;
		}
	}
	if (m.policy_module != -1) {
		check(m.policy_module >= 0 && (unsigned int)m.policy_module < mod_count);
		check(!used[m.policy_module]);
		used[m.policy_module] = true;
	}
	/* Every module is a kernel, an initrd bound to one, or the policy. */
	check(mod_count <= MANIFEST_MAX_MODULES);
	for (unsigned int i = 0; i < mod_count; i++) {
		check(used[i]);
	}
}

static void check_error(const struct manifest_error *err, unsigned int mod_count)
{
	check(err->module >= -1 && err->module < (int)mod_count);
	check(terminated(err->key, sizeof(err->key)) && printable(err->key));
	check(terminated(err->msg, sizeof(err->msg)) && printable(err->msg));
	check(err->msg[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_module mods[FUZZ_MAX_MODS];
	char *lines[FUZZ_MAX_MODS + 1];
	struct manifest_error err;
	unsigned int count = 0;
	size_t start = 0;
	const char *rest;
	uint64_t bytes;
	int rc;

	/* The size parser reads exactly len bytes: give it no NUL to lean on. */
	if (size <= 64) {
		char *raw = malloc(size > 0 ? size : 1);

		memcpy(raw, data, size);
		if (manifest_parse_size(raw, size, &bytes)) {
			check(bytes != 0);
		}
		free(raw);
	}
	for (size_t i = 0; i <= size && count <= FUZZ_MAX_MODS; i++) {
		if (i == size || data[i] == '\n' || data[i] == '\0') {
			lines[count] = malloc(i - start + 1);
			memcpy(lines[count], data + start, i - start);
			lines[count][i - start] = '\0';
			count++;
			start = i + 1;
		}
	}
	for (unsigned int i = 1; i < count; i++) {
		mods[i - 1] = (struct boot_module){ lines[i], 0, 0 };
	}

	rest = manifest_skip_image_path(lines[0]);
	check(rest >= lines[0] && rest <= lines[0] + strlen(lines[0]));

	memset(&err, 0xa5, sizeof(err));
	rc = manifest_parse(&m, lines[0], mods, count - 1, &err);
	if (rc == 0) {
		check_manifest(count - 1);
	} else {
		check(rc == -XEN_EINVAL);
		check_error(&err, count - 1);
	}
	for (unsigned int i = 0; i < count; i++) {
		free(lines[i]);
	}
	return 0;
}
