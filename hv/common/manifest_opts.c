/*
 * The hypervisor's own command line: one table of options, each with its
 * accepted values, and the parser that fills struct manifest_options from it.
 * Portable, over hv/lib.h alone, built in both worlds.
 *
 * It must never accept an option or a value it does not know, nor an option
 * given twice: a typo in "xsm=flask" must stop the boot rather than silently
 * fall back to the dummy security module.
 */
#include <hv/lib.h>
#include <hv/manifest.h>

#include "manifest_priv.h"

enum hv_opt { OPT_CONSOLE, OPT_LOGLVL, OPT_XSM, OPT_FLASK, OPT_FLASK_UNLABELED, OPT_MEASURED,
	      OPT_ON_EXIT, OPT_NOREBOOT, OPT_SELFTEST };

struct opt_value {
	const char *name;		/* NULL ends a list */
	int value;
};

static const struct opt_value console_values[] = {
	{ "com1", MANIFEST_CONSOLE_COM1 }, { "none", MANIFEST_CONSOLE_NONE }, { NULL, 0 },
};
static const struct opt_value loglvl_values[] = {
	{ "err", LOG_ERR },	{ "warn", LOG_WARN }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG }, { "all", LOG_DEBUG }, { NULL, 0 },
};
static const struct opt_value xsm_values[] = {
	{ "dummy", MANIFEST_XSM_DUMMY }, { "flask", MANIFEST_XSM_FLASK }, { NULL, 0 },
};
static const struct opt_value flask_values[] = {
	{ "enforcing", MANIFEST_FLASK_ENFORCING },
	{ "permissive", MANIFEST_FLASK_PERMISSIVE },
	{ NULL, 0 },
};
static const struct opt_value flask_unlabeled_values[] = {
	{ "refuse", MANIFEST_UNLABELED_REFUSE },
	{ "default", MANIFEST_UNLABELED_DEFAULT },
	{ NULL, 0 },
};
static const struct opt_value measured_values[] = {
	{ "required", MANIFEST_MEASURED_REQUIRED },
	{ "optional", MANIFEST_MEASURED_OPTIONAL },
	{ NULL, 0 },
};
static const struct opt_value on_exit_values[] = {
	{ "poweroff", MANIFEST_EXIT_POWEROFF }, { "halt", MANIFEST_EXIT_HALT }, { NULL, 0 },
};

static const struct opt_value selftest_values[] = {
	{ "none", MANIFEST_SELFTEST_NONE },
	{ "fault", MANIFEST_SELFTEST_FAULT },
	{ "panic", MANIFEST_SELFTEST_PANIC },
	{ "entry-db", MANIFEST_SELFTEST_ENTRY_DB },
	{ NULL, 0 },
};

/* Every option, indexed by enum hv_opt. values == NULL: a bare flag. */
static const struct {
	const char *key;
	const struct opt_value *values;
} hv_opts[] = {
	[OPT_CONSOLE] = { "console", console_values },
	[OPT_LOGLVL] = { "loglvl", loglvl_values },
	[OPT_XSM] = { "xsm", xsm_values },
	[OPT_FLASK] = { "flask", flask_values },
	[OPT_FLASK_UNLABELED] = { "flask_unlabeled", flask_unlabeled_values },
	[OPT_MEASURED] = { "measured", measured_values },
	[OPT_ON_EXIT] = { "on_exit", on_exit_values },
	[OPT_NOREBOOT] = { "noreboot", NULL },
	[OPT_SELFTEST] = { "selftest", selftest_values },
};

static void opt_set(struct manifest_options *o, enum hv_opt id, int v)
{
	switch (id) {
	case OPT_CONSOLE:
		o->console = (enum manifest_console)v;
		break;
	case OPT_LOGLVL:
		o->loglvl = v;
		break;
	case OPT_XSM:
		o->xsm = (enum manifest_xsm)v;
		break;
	case OPT_FLASK:
		o->flask = (enum manifest_flask)v;
		break;
	case OPT_FLASK_UNLABELED:
		o->flask_unlabeled = (enum manifest_unlabeled)v;
		break;
	case OPT_MEASURED:
		o->measured = (enum manifest_measured)v;
		break;
	case OPT_ON_EXIT:
		o->on_exit = (enum manifest_on_exit)v;
		break;
	case OPT_NOREBOOT:
		o->noreboot = true;
		break;
	case OPT_SELFTEST:
		o->selftest = (enum manifest_selftest)v;
		break;
	}
}

static int opt_get(const struct manifest_options *o, enum hv_opt id)
{
	switch (id) {
	case OPT_CONSOLE: return (int)o->console;
	case OPT_LOGLVL: return o->loglvl;
	case OPT_XSM: return (int)o->xsm;
	case OPT_FLASK: return (int)o->flask;
	case OPT_FLASK_UNLABELED: return (int)o->flask_unlabeled;
	case OPT_MEASURED: return (int)o->measured;
	case OPT_ON_EXIT: return (int)o->on_exit;
	case OPT_NOREBOOT: return o->noreboot ? 1 : 0;
	case OPT_SELFTEST: return (int)o->selftest;
	}
	return 0;
}

size_t manifest_options_text(const struct manifest_options *o, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int id = 0; id < ARRAY_SIZE(hv_opts) && at + 1 < size; id++) {
		const struct opt_value *v = hv_opts[id].values;
		int val = opt_get(o, (enum hv_opt)id);
		const char *name = "?";
		int n;

		if (v == NULL) {
			n = fmt_snprintf(buf + at, size - at, "%s%s=%s", at ? " " : "",
					 hv_opts[id].key, val ? "yes" : "no");
		} else {
			/* The first name for a value is its canonical one. */
			for (; v->name != NULL; v++) {
				if (v->value == val) {
					name = v->name;
					break;
				}
			}
			n = fmt_snprintf(buf + at, size - at, "%s%s=%s", at ? " " : "",
					 hv_opts[id].key, name);
		}
		at = MIN(at + (size_t)n, size - 1);
	}
	return at;
}

/* "a, b or c" for a message; cut, still NUL-terminated, if it does not fit. */
static const char *value_list(char *buf, size_t size, const struct opt_value *v)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; v[i].name != NULL && len < size; i++) {
		const char *sep = i == 0 ? "" : v[i + 1].name == NULL ? " or " : ", ";

		len += (size_t)fmt_snprintf(buf + len, size - len, "%s%s", sep, v[i].name);
	}
	return buf;
}

/* verify/wp proves it reads only inside cmdline's string and returns a
 * string inside it (or the literal ""). */
/*@ requires cmdline == \null || valid_read_string(cmdline);
    assigns \nothing;
    ensures cmdline != \null ==> valid_read_string(\result); */
const char *manifest_skip_image_path(const char *cmdline)
{
	const char *pos;
	struct mtok t, key, val;

	if (cmdline == NULL) {
		return "";
	}
	pos = cmdline;
	if (!mtok_next(&pos, &t) || mtok_split(t, &key, &val)) {
		return cmdline;
	}
	/*@ loop invariant 0 <= i <= t.len;
	    loop assigns i;
	    loop variant t.len - i; */
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] == '/' || t.p[i] == '.') {
			/*@ assert valid_read_string(pos); */
			/*@ ghost const char *start = pos; */
			/*@ ghost size_t k = 0; */
			/*@ loop invariant pos == start + k && 0 <= k <= mstrlen(start);
			    loop assigns pos, k;
			    loop variant mstrlen(start) - k; */
			while (*pos == ' ' || *pos == '\t') {
				pos++;
				/*@ ghost k++; */
			}
			/*@ assert valid_read_string(pos); */
			return pos;
		}
	}
	return cmdline;
}

int manifest_parse_options(struct manifest_options *o, const char *cmdline,
			   struct manifest_error *err)
{
	const char *pos = manifest_skip_image_path(cmdline);
	unsigned int seen = 0;
	struct mtok t, key, val;
	char q[MTOK_QUOTE_MAX], list[64];

	o->console = MANIFEST_CONSOLE_COM1;
	o->loglvl = LOG_INFO;
	o->xsm = MANIFEST_XSM_UNSET;
	o->flask = MANIFEST_FLASK_ENFORCING;
	o->flask_unlabeled = MANIFEST_UNLABELED_REFUSE;
	o->measured = MANIFEST_MEASURED_OPTIONAL;
	o->on_exit = MANIFEST_EXIT_POWEROFF;
	o->noreboot = false;
	while (mtok_next(&pos, &t)) {
		bool has_val = mtok_split(t, &key, &val);
		const struct opt_value *v;
		size_t id;

		for (id = 0; id < ARRAY_SIZE(hv_opts) && !mtok_eq(key, hv_opts[id].key); id++) {
		}
		if (id == ARRAY_SIZE(hv_opts)) {
			return manifest_fail(err, -1, key, "unknown option '%s'", mtok_quote(q, key));
		}
		if (seen & (1u << id)) {
			return manifest_fail(err, -1, key, "'%s' is given twice", hv_opts[id].key);
		}
		seen |= 1u << id;
		v = hv_opts[id].values;
		if (v == NULL) {
			if (has_val) {
				return manifest_fail(err, -1, key, "'%s' takes no value",
						     hv_opts[id].key);
			}
			opt_set(o, (enum hv_opt)id, 1);
			continue;
		}
		if (!has_val) {
			return manifest_fail(err, -1, key, "'%s' needs a value (use %s)",
					     hv_opts[id].key, value_list(list, sizeof(list), v));
		}
		for (; v->name != NULL && !mtok_eq(val, v->name); v++) {
		}
		if (v->name == NULL) {
			return manifest_fail(err, -1, key, "unknown value '%s' for %s (use %s)",
					     mtok_quote(q, val), hv_opts[id].key,
					     value_list(list, sizeof(list), hv_opts[id].values));
		}
		opt_set(o, (enum hv_opt)id, v->value);
	}
	return 0;
}
