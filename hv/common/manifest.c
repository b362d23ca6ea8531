/*
 * The boot-manifest parser: turns the hypervisor's command line and each boot
 * module's command line into a struct manifest, or into the first error with
 * the module and the key at fault (see hv/include/hv/manifest.h). This file
 * holds the modules and manifest_parse(); the hypervisor options are in
 * manifest_opts.c, the word and value syntax in manifest_lex.c. Portable C
 * over hv/lib.h alone: the same objects run in the hypervisor before any
 * domain exists, in the unit tests and in the fuzzer.
 *
 * It must never allocate, print, keep state between calls, write outside
 * *m and *err, or read a command line past its NUL. Every input comes from
 * the boot loader and is not trusted: a mistake in it is an error, and the
 * caller then starts nothing (fail closed).
 *
 * Order of checks, so that "the first error" is well defined: the hypervisor
 * command line, then each module in order (unknown and repeated keys first,
 * then type=, then each value in the order given, then what the module lacks
 * or repeats from an earlier one), then "no domain", then each initrd's
 * binding to its domain, in module order.
 */
#include <hv/lib.h>
#include <hv/manifest.h>

#include "manifest_priv.h"

enum mod_key {
	KEY_TYPE, KEY_NAME, KEY_LABEL, KEY_MEM, KEY_VCPUS, KEY_PRIV,
	KEY_EVTCHN_PORTS, KEY_GRANT_FRAMES, KEY_MAPTRACK, KEY_BACKEND, KEY_COUNT
};

static const char *const mod_keys[KEY_COUNT] = {
	[KEY_TYPE] = "type",   [KEY_NAME] = "name",   [KEY_LABEL] = "label",
	[KEY_MEM] = "mem",     [KEY_VCPUS] = "vcpus", [KEY_PRIV] = "priv",
	[KEY_EVTCHN_PORTS] = "evtchn_ports", [KEY_GRANT_FRAMES] = "grant_frames",
	[KEY_MAPTRACK] = "maptrack",         [KEY_BACKEND] = "backend",
};

enum mod_type { MOD_KERNEL, MOD_INITRD, MOD_POLICY };

/* One module line split into its keys, before any value is checked. */
struct mod_line {
	struct mtok val[KEY_COUNT];	/* valid where the bit is set in seen */
	unsigned int seen;		/* one bit per enum mod_key */
	enum mod_key order[KEY_COUNT];	/* the keys in the order given */
	unsigned int key_count;
	const char *guest;		/* the text after "--", or NULL */
};

/* Split a module line into its keys; the first word may be a file name. */
static int mod_split(const char *line, int idx, struct mod_line *ml,
		     struct manifest_error *err)
{
	const char *pos = line;
	bool first = true;
	struct mtok t, key, val;
	char q[MTOK_QUOTE_MAX];

	while (mtok_next(&pos, &t)) {
		unsigned int k;

		if (mtok_eq(t, "--")) {
			while (*pos == ' ' || *pos == '\t') {
				pos++;
			}
			ml->guest = pos;
			break;
		}
		if (!mtok_split(t, &key, &val)) {
			if (first) {
				first = false;
				continue;
			}
			return manifest_fail(err, idx, t, "'%s' is not a key=value pair",
					     mtok_quote(q, t));
		}
		first = false;
		for (k = 0; k < KEY_COUNT && !mtok_eq(key, mod_keys[k]); k++) {
		}
		if (k == KEY_COUNT) {
			return manifest_fail(err, idx, key,
					     "unknown key '%s' (use type, name, label, mem, vcpus, priv, evtchn_ports, grant_frames, maptrack or backend)",
					     mtok_quote(q, key));
		}
		if (ml->seen & (1u << k)) {
			return manifest_fail(err, idx, key, "'%s' is given twice", mod_keys[k]);
		}
		ml->seen |= 1u << k;
		ml->val[k] = val;
		ml->order[ml->key_count++] = (enum mod_key)k;
	}
	return 0;
}

static int check_mem(struct manifest_domain *d, int idx, struct mtok v,
		     struct manifest_error *err)
{
	struct mtok key = mtok_lit("mem");
	char q[MTOK_QUOTE_MAX];
	uint64_t bytes = 0;

	switch (manifest_size_parse(v.p, v.len, &bytes)) {
	case MSIZE_OK:
		break;
	case MSIZE_NOT_NUMBER:
		return manifest_fail(err, idx, key, "size '%s' is not a number", mtok_quote(q, v));
	case MSIZE_BAD_SUFFIX:
		return manifest_fail(err, idx, key, "size '%s' has an unknown suffix (use K, M or G)",
				     mtok_quote(q, v));
	case MSIZE_ZERO:
		return manifest_fail(err, idx, key, "size '%s' is zero", mtok_quote(q, v));
	case MSIZE_TOO_BIG:
		return manifest_fail(err, idx, key, "size '%s' is too large to represent",
				     mtok_quote(q, v));
	}
	if (bytes < MANIFEST_MIN_MEM) {
		return manifest_fail(err, idx, key, "memory size '%s' is below the minimum of %lluM",
				     mtok_quote(q, v), (unsigned long long)(MANIFEST_MIN_MEM >> 20));
	}
	if (bytes > MANIFEST_MAX_MEM) {
		return manifest_fail(err, idx, key, "memory size '%s' is above the maximum of %lluG",
				     mtok_quote(q, v), (unsigned long long)(MANIFEST_MAX_MEM >> 30));
	}
	/* MANIFEST_MAX_MEM is page-aligned, so rounding up stays within it. */
	d->mem = ALIGN_UP(bytes, (uint64_t)PAGE_SIZE);
	return 0;
}

/* A whole number from lo to hi, stored in *out. */
static int check_range(uint32_t *out, int idx, struct mtok key, struct mtok v, uint64_t lo,
		       uint64_t hi, struct manifest_error *err)
{
	char q[MTOK_QUOTE_MAX], k[MTOK_QUOTE_MAX];
	uint64_t n;

	if (!str_to_u64(v.p, v.len, &n) || n < lo || n > hi) {
		return manifest_fail(err, idx, key, "%s '%s' is not a number from %llu to %llu",
				     mtok_quote(k, key), mtok_quote(q, v), (unsigned long long)lo,
				     (unsigned long long)hi);
	}
	*out = (uint32_t)n;
	return 0;
}

/* Check one kernel key's value and store it in the domain being built. */
static int check_kernel_key(struct manifest_domain *d, int idx, enum mod_key k,
			    struct mtok v, struct manifest_error *err)
{
	struct mtok key = mtok_lit(mod_keys[k]);
	char q[MTOK_QUOTE_MAX];
	uint64_t n;

	switch (k) {
	case KEY_TYPE:
	case KEY_COUNT:
		return 0;
	case KEY_NAME:
		if (!manifest_name_ok(v)) {
			return manifest_fail(err, idx, key,
					     "name '%s' is not 1 to %d characters of [A-Za-z0-9_.-]",
					     mtok_quote(q, v), MANIFEST_NAME_MAX - 1);
		}
		memcpy(d->name, v.p, v.len);
		d->name[v.len] = '\0';
		return 0;
	case KEY_LABEL:
		if (!manifest_label_ok(v)) {
			return manifest_fail(err, idx, key,
					     "label '%s' is not a security context user:role:type[:range] of at most %d characters",
					     mtok_quote(q, v), MANIFEST_LABEL_MAX - 1);
		}
		memcpy(d->label, v.p, v.len);
		d->label[v.len] = '\0';
		return 0;
	case KEY_MEM:
		return check_mem(d, idx, v, err);
	case KEY_VCPUS:
		if (!str_to_u64(v.p, v.len, &n) || n < 1 || n > MANIFEST_MAX_VCPUS) {
			return manifest_fail(err, idx, key, "vcpus '%s' is not a number from 1 to %d",
					     mtok_quote(q, v), MANIFEST_MAX_VCPUS);
		}
		/* What is measured is what runs: the builder gives every domain
		 * one vCPU until SMP guests land, so asking for more is refused
		 * before anything is measured. */
		if (n > MANIFEST_SUPPORTED_VCPUS) {
			return manifest_fail(err, idx, key,
					     "vcpus=%llu is not supported yet: a domain runs %d vCPU",
					     (unsigned long long)n, MANIFEST_SUPPORTED_VCPUS);
		}
		d->vcpus = (uint32_t)n;
		return 0;
	case KEY_PRIV:
		if (!mtok_eq(v, "yes") && !mtok_eq(v, "no")) {
			return manifest_fail(err, idx, key, "priv '%s' is neither yes nor no",
					     mtok_quote(q, v));
		}
		d->privileged = mtok_eq(v, "yes");
		return 0;	case KEY_EVTCHN_PORTS:
		return check_range(&d->evtchn_ports, idx, key, v, MANIFEST_MIN_EVTCHN_PORTS,
				   MANIFEST_MAX_EVTCHN_PORTS, err);
	case KEY_GRANT_FRAMES:
		return check_range(&d->grant_frames, idx, key, v, 1, MANIFEST_MAX_GRANT_FRAMES, err);
	case KEY_MAPTRACK:
		return check_range(&d->maptrack, idx, key, v, 1, MANIFEST_MAX_MAPTRACK, err);
	case KEY_BACKEND:
		if (!manifest_name_ok(v)) {
			return manifest_fail(err, idx, key,
					     "backend '%s' is not a domain name of 1 to %d characters of [A-Za-z0-9_.-]",
					     mtok_quote(q, v), MANIFEST_NAME_MAX - 1);
		}
		memcpy(d->backend, v.p, v.len);
		d->backend[v.len] = '\0';
		return 0;
	}
	return 0;
}

static int parse_kernel(struct manifest *m, int idx, const struct mod_line *ml,
			struct manifest_error *err)
{
	struct manifest_domain *d;
	size_t len;
	int rc;

	if (m->domain_count >= MANIFEST_MAX_DOMAINS) {
		return manifest_fail(err, idx, mtok_lit(""), "more than %d domains",
				     MANIFEST_MAX_DOMAINS);
	}
	d = &m->domains[m->domain_count];
	d->mem = MANIFEST_DEFAULT_MEM;
	d->vcpus = 1;
	d->evtchn_ports = MANIFEST_DEFAULT_EVTCHN_PORTS;
	d->grant_frames = MANIFEST_DEFAULT_GRANT_FRAMES;
	d->maptrack = MANIFEST_DEFAULT_MAPTRACK;
	d->kernel_module = idx;
	d->initrd_module = -1;
	for (unsigned int i = 0; i < ml->key_count; i++) {
		enum mod_key k = ml->order[i];

		rc = check_kernel_key(d, idx, k, ml->val[k], err);
		if (rc != 0) {
			return rc;
		}
	}
	if (ml->guest != NULL) {
		len = strnlen(ml->guest, MANIFEST_CMDLINE_MAX);
		if (len >= MANIFEST_CMDLINE_MAX) {
			return manifest_fail(err, idx, mtok_lit(""),
					     "guest command line is longer than %d characters",
					     MANIFEST_CMDLINE_MAX - 1);
		}
		memcpy(d->cmdline, ml->guest, len);
		d->cmdline[len] = '\0';
	}
	if (!(ml->seen & (1u << KEY_NAME))) {
		return manifest_fail(err, idx, mtok_lit("name"), "a kernel module needs name=");
	}
	for (unsigned int i = 0; i < m->domain_count; i++) {
		if (strcmp(m->domains[i].name, d->name) == 0) {
			return manifest_fail(err, idx, mtok_lit("name"),
					     "duplicate domain name '%s' (also module %d)", d->name,
					     m->domains[i].kernel_module);
		}
	}
	m->domain_count++;
	return 0;
}

/*
 * An initrd or a policy module: only type= and, for an initrd, name=. The
 * initrd's name is left in *bind_to and checked once every domain is known,
 * since the initrd may come before its kernel.
 */
static int parse_other(struct manifest *m, int idx, enum mod_type type,
		       const struct mod_line *ml, struct mtok *bind_to,
		       struct manifest_error *err)
{
	const char *what = type == MOD_INITRD ? "an initrd" : "a policy";
	char q[MTOK_QUOTE_MAX];

	for (unsigned int i = 0; i < ml->key_count; i++) {
		enum mod_key k = ml->order[i];
		struct mtok key = mtok_lit(mod_keys[k]);

		if (k == KEY_TYPE) {
			continue;
		}
		if (k != KEY_NAME || type != MOD_INITRD) {
			return manifest_fail(err, idx, key, "'%s' is not allowed on %s module%s",
					     mod_keys[k], what,
					     type == MOD_INITRD ? " (only name=)" : "");
		}
		if (!manifest_name_ok(ml->val[k])) {
			return manifest_fail(err, idx, key,
					     "name '%s' is not 1 to %d characters of [A-Za-z0-9_.-]",
					     mtok_quote(q, ml->val[k]), MANIFEST_NAME_MAX - 1);
		}
	}
	if (ml->guest != NULL) {
		return manifest_fail(err, idx, mtok_lit(""),
				     "'--' (a guest command line) is not allowed on %s module", what);
	}
	if (type == MOD_INITRD) {
		if (!(ml->seen & (1u << KEY_NAME))) {
			return manifest_fail(err, idx, mtok_lit("name"),
					     "an initrd module needs name= (its domain)");
		}
		*bind_to = ml->val[KEY_NAME];
		return 0;
	}
	if (m->policy_module >= 0) {
		return manifest_fail(err, idx, mtok_lit("type"),
				     "more than one policy module (also module %d)", m->policy_module);
	}
	m->policy_module = idx;
	return 0;
}

static int parse_module(struct manifest *m, int idx, const char *line,
			struct mtok *bind_to, struct manifest_error *err)
{
	struct mod_line ml = { .seen = 0 };
	enum mod_type type = MOD_KERNEL;
	char q[MTOK_QUOTE_MAX];
	int rc;

	rc = mod_split(line != NULL ? line : "", idx, &ml, err);
	if (rc != 0) {
		return rc;
	}
	if (ml.seen & (1u << KEY_TYPE)) {
		struct mtok v = ml.val[KEY_TYPE];

		if (mtok_eq(v, "initrd")) {
			type = MOD_INITRD;
		} else if (mtok_eq(v, "policy")) {
			type = MOD_POLICY;
		} else if (!mtok_eq(v, "kernel")) {
			return manifest_fail(err, idx, mtok_lit("type"),
					     "unknown module type '%s' (use kernel, initrd or policy)",
					     mtok_quote(q, v));
		}
	}
	if (type == MOD_KERNEL) {
		return parse_kernel(m, idx, &ml, err);
	}
	return parse_other(m, idx, type, &ml, bind_to, err);
}

/* Give each initrd to the domain it names; at most one each. */
static int bind_initrds(struct manifest *m, const struct mtok *bind_to,
			unsigned int count, struct manifest_error *err)
{
	char q[MTOK_QUOTE_MAX];

	for (unsigned int i = 0; i < count; i++) {
		struct manifest_domain *d = NULL;

		if (bind_to[i].len == 0) {
			continue;
		}
		for (unsigned int j = 0; j < m->domain_count; j++) {
			if (mtok_eq(bind_to[i], m->domains[j].name)) {
				d = &m->domains[j];
				break;
			}
		}
		if (d == NULL) {
			return manifest_fail(err, (int)i, mtok_lit("name"),
					     "initrd for unknown domain '%s'", mtok_quote(q, bind_to[i]));
		}
		if (d->initrd_module >= 0) {
			return manifest_fail(err, (int)i, mtok_lit("name"),
					     "second initrd for domain '%s' (also module %d)", d->name,
					     d->initrd_module);
		}
		d->initrd_module = (int)i;
	}
	return 0;
}

/* Every backend= names another domain of the manifest. */
static int check_backends(const struct manifest *m, struct manifest_error *err)
{
	for (unsigned int i = 0; i < m->domain_count; i++) {
		const struct manifest_domain *d = &m->domains[i];

		if (d->backend[0] == '\0') {
			continue;
		}
		if (strcmp(d->backend, d->name) == 0) {
			return manifest_fail(err, d->kernel_module, mtok_lit("backend"),
					     "domain '%s' cannot be its own backend", d->name);
		}
		if (manifest_find_domain(m, d->backend) < 0) {
			return manifest_fail(err, d->kernel_module, mtok_lit("backend"),
					     "backend '%s' is not a domain of the manifest", d->backend);
		}
	}
	return 0;
}

int manifest_find_domain(const struct manifest *m, const char *name)
{
	for (unsigned int i = 0; i < m->domain_count; i++) {
		if (strcmp(m->domains[i].name, name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/*
 * MAC is never off by accident: without an xsm= option, a policy module
 * means FLASK (flask= says enforcing or permissive, enforcing by default)
 * and no policy module refuses the boot. The dummy module's classic rules
 * run only when xsm=dummy is written. After this, opts.xsm is DUMMY or
 * FLASK, so what is measured names the module that runs.
 */
static int choose_security_module(struct manifest *m, struct manifest_error *err)
{
	if (m->opts.xsm != MANIFEST_XSM_UNSET) {
		return 0;
	}
	if (m->policy_module < 0) {
		return manifest_fail(err, -1, mtok_lit("xsm"),
				     "no policy module and no xsm= option: no mandatory access "
				     "control to run (add a type=policy module, or write xsm=dummy)");
	}
	m->opts.xsm = MANIFEST_XSM_FLASK;
	m->opts.xsm_implicit = true;
	return 0;
}

int manifest_parse(struct manifest *m, const char *hv_cmdline,
		   const struct boot_module *mods, unsigned int mod_count,
		   struct manifest_error *err)
{
	struct mtok bind_to[MANIFEST_MAX_MODULES];
	struct manifest_error scratch;
	int rc;

	if (err == NULL) {
		err = &scratch;
	}
	memset(err, 0, sizeof(*err));
	err->module = -1;
	memset(m, 0, sizeof(*m));
	m->policy_module = -1;
	rc = manifest_parse_options(&m->opts, hv_cmdline, err);
	if (rc != 0) {
		return rc;
	}
	if (mods == NULL) {
		mod_count = 0;
	}
	for (unsigned int i = 0; i < mod_count; i++) {
		if (i >= MANIFEST_MAX_MODULES) {
			return manifest_fail(err, (int)i, mtok_lit(""), "more than %d boot modules",
					     MANIFEST_MAX_MODULES);
		}
		bind_to[i] = (struct mtok){ "", 0 };
		rc = parse_module(m, (int)i, mods[i].cmdline, &bind_to[i], err);
		if (rc != 0) {
			return rc;
		}
	}
	if (m->domain_count == 0) {
		return manifest_fail(err, -1, mtok_lit(""),
				     "no domain to start (no boot module is a kernel)");
	}
	rc = bind_initrds(m, bind_to, MIN(mod_count, MANIFEST_MAX_MODULES), err);
	if (rc != 0) {
		return rc;
	}
	rc = choose_security_module(m, err);
	if (rc != 0) {
		return rc;
	}
	return check_backends(m, err);
}
