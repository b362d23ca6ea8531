/*
 * Unit tests of the boot-manifest parser (hv/common/manifest*.c): defaults,
 * every hypervisor option, image-path stripping, module lines, and one test
 * per error class, each checking the module index, the key and the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <hv/lib.h>
#include <hv/manifest.h>
#include <public/errno.h>

#define MAX_TEST_MODS 40

/* The manifest is large (about 19 KiB); one static copy is enough. */
static struct manifest m;
static struct manifest_error err;
static struct boot_module mods[MAX_TEST_MODS];

/* Most tests are about other things than the security module: they name
 * the dummy module, since a manifest without xsm= and without a policy is
 * refused (test_xsm_never_off_by_accident). */
#define CLASSIC "xsm=dummy"

/* Parse hv and the module lines that follow it, up to a NULL. */
static int parse(const char *hv, ...)
{
	unsigned int n = 0;
	const char *line;
	va_list ap;

	va_start(ap, hv);
	while ((line = va_arg(ap, const char *)) != NULL) {
		assert_true(n < MAX_TEST_MODS);
		mods[n] = (struct boot_module){ line, 0x1000000 + n * 0x100000ULL, 0x1000 };
		n++;
	}
	va_end(ap);
	return manifest_parse(&m, hv, mods, n, &err);
}

#define assert_ok(rc)                                                              \
	do {                                                                       \
		int rc_ = (rc);                                                    \
		if (rc_ != 0) {                                                    \
			fail_msg("parse failed (%d): module %d key '%s': %s", rc_, \
				 err.module, err.key, err.msg);                    \
		}                                                                  \
	} while (0)

#define assert_error(rc, mod, k, sub)                                                   \
	do {                                                                            \
		assert_int_equal((rc), -XEN_EINVAL);                                    \
		assert_int_equal(err.module, (mod));                                    \
		assert_string_equal(err.key, (k));                                      \
		if (strstr(err.msg, (sub)) == NULL) {                                   \
			fail_msg("message \"%s\" lacks \"%s\"", err.msg, (sub));        \
		}                                                                       \
	} while (0)

/* ---- what parses -------------------------------------------------------- */

static void test_defaults(void **state)
{
	(void)state;
	assert_ok(parse(CLASSIC, "name=a", NULL));
	assert_int_equal(m.opts.console, MANIFEST_CONSOLE_COM1);
	assert_int_equal(m.opts.loglvl, LOG_INFO);
	assert_int_equal(m.opts.xsm, MANIFEST_XSM_DUMMY);
	assert_int_equal(m.opts.flask, MANIFEST_FLASK_ENFORCING);
	assert_int_equal(m.opts.measured, MANIFEST_MEASURED_OPTIONAL);
	assert_int_equal(m.opts.on_exit, MANIFEST_EXIT_POWEROFF);
	assert_false(m.opts.noreboot);
	assert_int_equal(m.domain_count, 1);
	assert_int_equal(m.policy_module, -1);
	assert_string_equal(m.domains[0].name, "a");
	assert_string_equal(m.domains[0].label, "");
	assert_string_equal(m.domains[0].cmdline, "");
	assert_int_equal(m.domains[0].mem, MANIFEST_DEFAULT_MEM);
	assert_int_equal(m.domains[0].vcpus, 1);
	assert_false(m.domains[0].privileged);
	assert_int_equal(m.domains[0].kernel_module, 0);
	assert_int_equal(m.domains[0].initrd_module, -1);
	/* A success leaves no error behind. */
	assert_int_equal(err.module, -1);
	assert_string_equal(err.msg, "");
	/* A NULL hypervisor command line is an empty one. */
	assert_ok(parse(NULL, "name=a", "p type=policy", NULL));
	assert_int_equal(m.opts.loglvl, LOG_INFO);
}

static void test_all_options(void **state)
{
	(void)state;
	assert_ok(parse("console=none loglvl=debug xsm=flask flask=permissive "
			"measured=required on_exit=halt noreboot",
			"name=a", NULL));
	assert_int_equal(m.opts.console, MANIFEST_CONSOLE_NONE);
	assert_int_equal(m.opts.loglvl, LOG_DEBUG);
	assert_int_equal(m.opts.xsm, MANIFEST_XSM_FLASK);
	assert_int_equal(m.opts.flask, MANIFEST_FLASK_PERMISSIVE);
	assert_int_equal(m.opts.measured, MANIFEST_MEASURED_REQUIRED);
	assert_int_equal(m.opts.on_exit, MANIFEST_EXIT_HALT);
	assert_true(m.opts.noreboot);
}

static void test_each_option_value(void **state)
{
	static const struct {
		const char *cmdline;
		int field;	/* 0 console, 1 loglvl, 2 xsm, 3 flask, 4 measured, 5 on_exit */
		int want;
	} cases[] = {
		{ "console=com1", 0, MANIFEST_CONSOLE_COM1 },
		{ "console=none", 0, MANIFEST_CONSOLE_NONE },
		{ "loglvl=err", 1, LOG_ERR },
		{ "loglvl=warn", 1, LOG_WARN },
		{ "loglvl=info", 1, LOG_INFO },
		{ "loglvl=debug", 1, LOG_DEBUG },
		{ "loglvl=all", 1, LOG_DEBUG },
		{ "xsm=dummy", 2, MANIFEST_XSM_DUMMY },
		{ "xsm=flask", 2, MANIFEST_XSM_FLASK },
		{ "flask=enforcing", 3, MANIFEST_FLASK_ENFORCING },
		{ "flask=permissive", 3, MANIFEST_FLASK_PERMISSIVE },
		{ "measured=optional", 4, MANIFEST_MEASURED_OPTIONAL },
		{ "measured=required", 4, MANIFEST_MEASURED_REQUIRED },
		{ "on_exit=poweroff", 5, MANIFEST_EXIT_POWEROFF },
		{ "on_exit=halt", 5, MANIFEST_EXIT_HALT },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got[6];

		/* With a policy module, so that no option is refused for lacking xsm=. */
		assert_ok(parse(cases[i].cmdline, "name=a", "p type=policy", NULL));
		got[0] = (int)m.opts.console;
		got[1] = m.opts.loglvl;
		got[2] = (int)m.opts.xsm;
		got[3] = (int)m.opts.flask;
		got[4] = (int)m.opts.measured;
		got[5] = (int)m.opts.on_exit;
		assert_int_equal(got[cases[i].field], cases[i].want);
	}
	assert_ok(parse("\t noreboot \t xsm=dummy", "name=a", NULL));
	assert_true(m.opts.noreboot);
}

static void test_skip_image_path(void **state)
{
	const char *s;

	(void)state;
	/* The path and the blanks after it go, so the rest prints cleanly. */
	s = "moat.bin console=com1";
	assert_ptr_equal(manifest_skip_image_path(s), s + 9);
	s = "  /boot/moat.gz xsm=flask";
	assert_ptr_equal(manifest_skip_image_path(s), s + 16);
	s = "moat.bin \t  loglvl=err";
	assert_string_equal(manifest_skip_image_path(s), "loglvl=err");
	s = "/boot/moat";
	assert_string_equal(manifest_skip_image_path(s), "");
	s = "noreboot";
	assert_ptr_equal(manifest_skip_image_path(s), s);
	s = "console=com1 x.y";
	assert_ptr_equal(manifest_skip_image_path(s), s);
	s = "a/b=c";
	assert_ptr_equal(manifest_skip_image_path(s), s);
	s = "";
	assert_ptr_equal(manifest_skip_image_path(s), s);
	assert_string_equal(manifest_skip_image_path(NULL), "");

	/* manifest_parse applies it itself. */
	assert_ok(parse("moat.bin console=none xsm=dummy", "name=a", NULL));
	assert_int_equal(m.opts.console, MANIFEST_CONSOLE_NONE);
	assert_ok(parse("/boot/moat.bin xsm=dummy", "name=a", NULL));
	assert_int_equal(m.opts.console, MANIFEST_CONSOLE_COM1);
	assert_ok(parse("noreboot xsm=dummy", "name=a", NULL));
	assert_true(m.opts.noreboot);
}

static void test_several_domains(void **state)
{
	struct manifest_domain *d;

	(void)state;
	assert_ok(parse(CLASSIC,
			"/boot/ctl.elf name=ctl priv=yes vcpus=1 mem=64M "
			"label=system_u:system_r:dom0_t",
			"web.elf\tname=web mem=1g priv=no",
			"type=kernel name=db.1 mem=0x200000 label=u:r:t:s0-s0:c0.c1023", NULL));
	assert_int_equal(m.domain_count, 3);
	d = &m.domains[0];
	assert_string_equal(d->name, "ctl");
	assert_true(d->privileged);
	assert_int_equal(d->vcpus, 1);
	assert_int_equal(d->mem, 64ULL << 20);
	assert_string_equal(d->label, "system_u:system_r:dom0_t");
	assert_int_equal(d->kernel_module, 0);
	d = &m.domains[1];
	assert_string_equal(d->name, "web");
	assert_false(d->privileged);
	assert_int_equal(d->vcpus, 1);
	assert_int_equal(d->mem, 1ULL << 30);
	assert_int_equal(d->kernel_module, 1);
	d = &m.domains[2];
	assert_string_equal(d->name, "db.1");
	assert_int_equal(d->mem, 2ULL << 20);
	assert_string_equal(d->label, "u:r:t:s0-s0:c0.c1023");
	assert_int_equal(d->kernel_module, 2);
}

static void test_mem_sizes(void **state)
{
	static const struct {
		const char *mem;
		uint64_t want;
	} cases[] = {
		{ "mem=1M", 1ULL << 20 },
		{ "mem=1024k", 1ULL << 20 },
		{ "mem=1048576", 1ULL << 20 },
		{ "mem=1048577", (1ULL << 20) + PAGE_SIZE },	/* rounded up */
		{ "mem=1500K", 1500ULL << 10 },
		{ "mem=1501K", 1504ULL << 10 },
		{ "mem=16m", 16ULL << 20 },
		{ "mem=2G", 2ULL << 30 },
		{ "mem=64G", MANIFEST_MAX_MEM },
		{ "mem=0x100000", 1ULL << 20 },
		{ "mem=0X10M", 16ULL << 20 },
	};
	char line[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line), "name=a %s", cases[i].mem);
		assert_ok(parse(CLASSIC, line, NULL));
		assert_int_equal(m.domains[0].mem, cases[i].want);
		assert_true(IS_ALIGNED(m.domains[0].mem, PAGE_SIZE));
	}
}

static void test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(manifest_parse_size("16M", 3, &v));
	assert_int_equal(v, 16ULL << 20);
	assert_true(manifest_parse_size("512K", 4, &v));
	assert_int_equal(v, 512ULL << 10);
	assert_true(manifest_parse_size("1G", 2, &v));
	assert_int_equal(v, 1ULL << 30);
	assert_true(manifest_parse_size("4096", 4, &v));
	assert_int_equal(v, 4096);
	assert_true(manifest_parse_size("18446744073709551615", 20, &v));
	assert_int_equal(v, UINT64_MAX);
	/* Only len bytes are read. */
	assert_true(manifest_parse_size("16Mjunk", 3, &v));
	assert_int_equal(v, 16ULL << 20);
	assert_false(manifest_parse_size("", 0, &v));
	assert_false(manifest_parse_size("0", 1, &v));
	assert_false(manifest_parse_size("0M", 2, &v));
	assert_false(manifest_parse_size("16Q", 3, &v));
	assert_false(manifest_parse_size("16MB", 4, &v));
	assert_false(manifest_parse_size("M", 1, &v));
	assert_false(manifest_parse_size("-1", 2, &v));
	assert_false(manifest_parse_size("0x", 2, &v));
	assert_false(manifest_parse_size("18446744073709551616", 20, &v));
	assert_false(manifest_parse_size("17179869184G", 12, &v));
}

static void test_initrd_before_and_after(void **state)
{
	(void)state;
	assert_ok(parse(CLASSIC, "initrd.gz type=initrd name=b", "name=a", "name=b",
			"type=initrd name=a", NULL));
	assert_int_equal(m.domain_count, 2);
	assert_string_equal(m.domains[0].name, "a");
	assert_int_equal(m.domains[0].kernel_module, 1);
	assert_int_equal(m.domains[0].initrd_module, 3);
	assert_string_equal(m.domains[1].name, "b");
	assert_int_equal(m.domains[1].kernel_module, 2);
	assert_int_equal(m.domains[1].initrd_module, 0);
}

static void test_policy_module(void **state)
{
	(void)state;
	assert_ok(parse("xsm=flask", "name=a", "/boot/policy.bin type=policy", NULL));
	assert_int_equal(m.policy_module, 1);
	assert_int_equal(m.domain_count, 1);
}

static void test_guest_cmdline(void **state)
{
	char line[MANIFEST_CMDLINE_MAX + 32];

	(void)state;
	assert_ok(parse(CLASSIC, "vmlinuz name=a --   console=hvc0 root=/dev/xvda1  ", NULL));
	assert_string_equal(m.domains[0].cmdline, "console=hvc0 root=/dev/xvda1  ");
	/* After "--" nothing is parsed, not even what looks like a key. */
	assert_ok(parse(CLASSIC, "name=a -- mem=bogus -- name=b", NULL));
	assert_string_equal(m.domains[0].cmdline, "mem=bogus -- name=b");
	assert_int_equal(m.domains[0].mem, MANIFEST_DEFAULT_MEM);
	assert_ok(parse(CLASSIC, "name=a --", NULL));
	assert_string_equal(m.domains[0].cmdline, "");
	/* "--" may come first, but name= is still required before it. */
	assert_error(parse(CLASSIC, "-- name=a", NULL), 0, "name", "needs name=");
	/* "--x" is a stray word, not the separator. */
	assert_error(parse(CLASSIC, "name=a --x", NULL), 0, "--x", "not a key=value pair");
	/* Exactly the longest guest command line that fits. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "name=a -- ", 10);
	line[10 + MANIFEST_CMDLINE_MAX - 1] = '\0';
	assert_ok(parse(CLASSIC, line, NULL));
	assert_int_equal(strlen(m.domains[0].cmdline), MANIFEST_CMDLINE_MAX - 1);
}

static void test_labels(void **state)
{
	static const char *const good[] = {
		"label=system_u:system_r:domU_t",
		"label=u:r:t:s0",
		"label=u:r:t:s0-s0:c0.c1023",
		"label=u:r:t:s0:c1,c2",
		"label=a.b:c-d:e_f",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char line[64];

		snprintf(line, sizeof(line), "name=a %s", good[i]);
		assert_ok(parse(CLASSIC, line, NULL));
		assert_string_equal(m.domains[0].label, good[i] + 6);
	}
}

/* Fill mods[] with 16 kernels d0..d15 and their 16 initrds: the most that fit. */
static void fill_max_modules(void)
{
	static char lines[MANIFEST_MAX_MODULES][40];

	for (unsigned int i = 0; i < MANIFEST_MAX_MODULES; i++) {
		if (i < MANIFEST_MAX_DOMAINS) {
			snprintf(lines[i], sizeof(lines[i]), "k name=d%u", i);
		} else {
			snprintf(lines[i], sizeof(lines[i]), "type=initrd name=d%u",
				 i - MANIFEST_MAX_DOMAINS);
		}
		mods[i] = (struct boot_module){ lines[i], 0, 0 };
	}
}

static void test_limits_fit(void **state)
{
	(void)state;
	fill_max_modules();
	assert_ok(manifest_parse(&m, CLASSIC, mods, MANIFEST_MAX_MODULES, &err));
	assert_int_equal(m.domain_count, MANIFEST_MAX_DOMAINS);
	assert_int_equal(m.domains[15].initrd_module, 31);
	/* A 31-character name is the longest. */
	assert_ok(parse(CLASSIC, "name=abcdefghijklmnopqrstuvwxyz01234", NULL));
	assert_int_equal(strlen(m.domains[0].name), MANIFEST_NAME_MAX - 1);
}

/* ---- hypervisor command line errors ------------------------------------- */

static void test_err_hv_unknown_option(void **state)
{
	(void)state;
	assert_error(parse("loglvl=info colour=red", "name=a", NULL), -1, "colour",
		     "unknown option 'colour'");
	assert_error(parse("quiet", "name=a", NULL), -1, "quiet", "unknown option 'quiet'");
	assert_error(parse("=x", "name=a", NULL), -1, "", "unknown option ''");
	/* Only the first word can be the image path. */
	assert_error(parse("moat.bin /boot/other.bin", "name=a", NULL), -1, "/boot/other.bin",
		     "unknown option");
}

static void test_err_hv_unknown_value(void **state)
{
	(void)state;
	assert_error(parse("console=vga", "name=a", NULL), -1, "console",
		     "unknown value 'vga' for console (use com1 or none)");
	assert_error(parse("loglvl=verbose", "name=a", NULL), -1, "loglvl",
		     "(use err, warn, info, debug or all)");
	assert_error(parse("xsm=selinux", "name=a", NULL), -1, "xsm", "unknown value 'selinux'");
	assert_error(parse("flask=", "name=a", NULL), -1, "flask", "unknown value ''");
	assert_error(parse("measured=yes", "name=a", NULL), -1, "measured", "use required or optional");
	assert_error(parse("on_exit=reboot", "name=a", NULL), -1, "on_exit", "use poweroff or halt");
	/* Values are case-sensitive. */
	assert_error(parse("xsm=FLASK", "name=a", NULL), -1, "xsm", "unknown value 'FLASK'");
}

static void test_err_hv_twice(void **state)
{
	(void)state;
	assert_error(parse("xsm=flask loglvl=err xsm=dummy", "name=a", NULL), -1, "xsm",
		     "given twice");
	/* Even with the same value. */
	assert_error(parse("console=com1 console=com1", "name=a", NULL), -1, "console",
		     "given twice");
	assert_error(parse("noreboot noreboot", "name=a", NULL), -1, "noreboot", "given twice");
}

static void test_err_hv_flag_and_value(void **state)
{
	(void)state;
	assert_error(parse("noreboot=1", "name=a", NULL), -1, "noreboot", "takes no value");
	assert_error(parse("xsm", "name=a", NULL), -1, "xsm", "needs a value (use dummy or flask)");
}

/* ---- module line errors -------------------------------------------------- */

static void test_err_unknown_key(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "k.elf name=a colour=red", NULL), 0, "colour",
		     "unknown key 'colour'");
	assert_error(parse(CLASSIC, "name=a", "NAME=b", NULL), 1, "NAME", "unknown key");
	assert_error(parse(CLASSIC, "name=a =b", NULL), 0, "", "unknown key ''");
}

static void test_err_duplicate_key(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a mem=2M vcpus=1 mem=2M", NULL), 0, "mem", "given twice");
	assert_error(parse(CLASSIC, "type=initrd type=initrd name=a", NULL), 0, "type", "given twice");
}

static void test_err_stray_word(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "k.elf name=a extra", NULL), 0, "extra",
		     "'extra' is not a key=value pair");
	assert_error(parse(CLASSIC, "k.elf other.elf name=a", NULL), 0, "other.elf", "not a key=value");
}

static void test_err_unknown_type(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a type=ramdisk", NULL), 0, "type",
		     "unknown module type 'ramdisk' (use kernel, initrd or policy)");
}

static void test_err_kernel_needs_name(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a", "/boot/k.elf mem=32M", NULL), 1, "name", "needs name=");
	assert_error(parse(CLASSIC, "", NULL), 0, "name", "needs name=");
}

static void test_err_bad_name(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=abcdefghijklmnopqrstuvwxyz012345", NULL), 0, "name",
		     "not 1 to 31 characters");
	assert_error(parse(CLASSIC, "name=web!", NULL), 0, "name", "name 'web!'");
	assert_error(parse(CLASSIC, "name=", NULL), 0, "name", "name ''");
	assert_error(parse(CLASSIC, "name=a/b", NULL), 0, "name", "[A-Za-z0-9_.-]");
	assert_error(parse(CLASSIC, "name=a", "type=initrd name=a:b", NULL), 1, "name", "name 'a:b'");
}

static void test_err_bad_label(void **state)
{
	static const char *const bad[] = {
		"label=", "label=domU_t", "label=u:r", "label=u::t", "label=u:r:t:",
		"label=u:r:t!", "label=:r:t", "label=u:r:t:s0;c1", "label=u:r:t:s0 c1",
	};
	char line[MANIFEST_LABEL_MAX + 32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(line, sizeof(line), "name=a %s", bad[i]);
		if (strchr(bad[i], ' ') != NULL) {
			/* A space ends the word: "c1" is then a stray word. */
			assert_error(parse(CLASSIC, line, NULL), 0, "c1", "not a key=value pair");
			continue;
		}
		assert_error(parse(CLASSIC, line, NULL), 0, "label",
			     "not a security context user:role:type");
	}
	/* Too long: 127 characters fit, 128 do not. */
	memset(line, 'c', sizeof(line));
	memcpy(line, "name=a label=u:r:", 17);
	line[17 + MANIFEST_LABEL_MAX - 1 - 4] = '\0';
	assert_ok(parse(CLASSIC, line, NULL));
	assert_int_equal(strlen(m.domains[0].label), MANIFEST_LABEL_MAX - 1);
	memset(line, 'c', sizeof(line));
	memcpy(line, "name=a label=u:r:", 17);
	line[17 + MANIFEST_LABEL_MAX - 4] = '\0';
	assert_error(parse(CLASSIC, line, NULL), 0, "label", "at most 127 characters");
}

static void test_err_mem_suffix(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a mem=16Q", NULL), 0, "mem",
		     "size '16Q' has an unknown suffix (use K, M or G)");
	assert_error(parse(CLASSIC, "name=a mem=16MB", NULL), 0, "mem", "unknown suffix");
	assert_error(parse(CLASSIC, "name=a mem=1.5G", NULL), 0, "mem", "unknown suffix");
}

static void test_err_mem_not_number(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a mem=lots", NULL), 0, "mem", "size 'lots' is not a number");
	assert_error(parse(CLASSIC, "name=a mem=", NULL), 0, "mem", "size '' is not a number");
	assert_error(parse(CLASSIC, "name=a mem=-1M", NULL), 0, "mem", "not a number");
}

static void test_err_mem_zero(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a mem=0", NULL), 0, "mem", "size '0' is zero");
	assert_error(parse(CLASSIC, "name=a mem=0G", NULL), 0, "mem", "is zero");
}

static void test_err_mem_overflow(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a mem=99999999999999999999", NULL), 0, "mem", "too large");
	assert_error(parse(CLASSIC, "name=a mem=17179869184G", NULL), 0, "mem", "too large");
	assert_error(parse(CLASSIC, "name=a mem=0x10000000000000000", NULL), 0, "mem", "too large");
}

static void test_err_mem_range(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a mem=512K", NULL), 0, "mem",
		     "memory size '512K' is below the minimum of 1M");
	assert_error(parse(CLASSIC, "name=a mem=1048575", NULL), 0, "mem", "below the minimum");
	assert_error(parse(CLASSIC, "name=a mem=65G", NULL), 0, "mem",
		     "memory size '65G' is above the maximum of 64G");
	assert_error(parse(CLASSIC, "name=a mem=68719476737", NULL), 0, "mem", "above the maximum");
}

static void test_err_vcpus(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a vcpus=0", NULL), 0, "vcpus",
		     "vcpus '0' is not a number from 1 to 8");
	assert_error(parse(CLASSIC, "name=a vcpus=9", NULL), 0, "vcpus", "from 1 to 8");
	assert_error(parse(CLASSIC, "name=a vcpus=two", NULL), 0, "vcpus", "vcpus 'two'");
	assert_error(parse(CLASSIC, "name=a vcpus=", NULL), 0, "vcpus", "vcpus ''");
	assert_error(parse(CLASSIC, "name=a vcpus=18446744073709551617", NULL), 0, "vcpus", "from 1 to 8");
}

/* What is measured is what runs: every domain gets one vCPU until SMP guests
 * land, so a well-formed vcpus= above that is refused before anything is
 * measured, with a message that says so. */
static void test_err_vcpus_not_supported(void **state)
{
	(void)state;
	assert_ok(parse(CLASSIC, "name=a vcpus=1", NULL));
	assert_int_equal(m.domains[0].vcpus, 1);
	assert_error(parse(CLASSIC, "name=a vcpus=2", NULL), 0, "vcpus",
		     "vcpus=2 is not supported yet: a domain runs 1 vCPU");
	assert_error(parse(CLASSIC, "name=a", "name=b vcpus=8", NULL), 1, "vcpus",
		     "vcpus=8 is not supported yet");
}

/* MAC is never off by accident: no xsm= and no policy refuses the boot; no
 * xsm= with a policy module means FLASK; the dummy module only when named. */
static void test_xsm_never_off_by_accident(void **state)
{
	(void)state;
	assert_error(parse("", "name=a", NULL), -1, "xsm",
		     "no policy module and no xsm= option");
	assert_error(parse("loglvl=debug flask=permissive", "name=a", NULL), -1, "xsm",
		     "write xsm=dummy");
	assert_ok(parse("", "name=a", "/boot/policy.bin type=policy", NULL));
	assert_int_equal(m.opts.xsm, MANIFEST_XSM_FLASK);
	assert_true(m.opts.xsm_implicit);
	assert_int_equal(m.opts.flask, MANIFEST_FLASK_ENFORCING);
	assert_ok(parse("flask=permissive", "/boot/policy.bin type=policy", "name=a", NULL));
	assert_int_equal(m.opts.xsm, MANIFEST_XSM_FLASK);
	assert_int_equal(m.opts.flask, MANIFEST_FLASK_PERMISSIVE);
	assert_ok(parse("xsm=flask", "name=a", "/boot/policy.bin type=policy", NULL));
	assert_false(m.opts.xsm_implicit);
	assert_ok(parse("xsm=dummy", "name=a", NULL));
	assert_int_equal(m.opts.xsm, MANIFEST_XSM_DUMMY);
	assert_false(m.opts.xsm_implicit);
}

static void test_err_priv(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a priv=maybe", NULL), 0, "priv",
		     "priv 'maybe' is neither yes nor no");
	assert_error(parse(CLASSIC, "name=a priv=YES", NULL), 0, "priv", "neither yes nor no");
}

static void test_ipc_limits_and_backend(void **state)
{
	(void)state;
	assert_int_equal(parse(CLASSIC, "name=a", NULL), 0);
	assert_int_equal(m.domains[0].evtchn_ports, MANIFEST_DEFAULT_EVTCHN_PORTS);
	assert_int_equal(m.domains[0].grant_frames, MANIFEST_DEFAULT_GRANT_FRAMES);
	assert_int_equal(m.domains[0].maptrack, MANIFEST_DEFAULT_MAPTRACK);
	assert_string_equal(m.domains[0].backend, "");
	assert_int_equal(parse(CLASSIC, "name=a evtchn_ports=64 grant_frames=32 maptrack=1 backend=b",
			       "name=b", NULL), 0);
	assert_int_equal(m.domains[0].evtchn_ports, 64);
	assert_int_equal(m.domains[0].grant_frames, 32);
	assert_int_equal(m.domains[0].maptrack, 1);
	assert_string_equal(m.domains[0].backend, "b");
	assert_int_equal(manifest_find_domain(&m, "b"), 1);
	assert_int_equal(manifest_find_domain(&m, "c"), -1);
	/* The backend may come later in the manifest. */
	assert_int_equal(parse(CLASSIC, "name=b", "name=a backend=b", NULL), 0);
	assert_error(parse(CLASSIC, "name=a evtchn_ports=63", NULL), 0, "evtchn_ports",
		     "evtchn_ports '63' is not a number from 64 to 4096");
	assert_error(parse(CLASSIC, "name=a grant_frames=0", NULL), 0, "grant_frames", "from 1 to 32");
	assert_error(parse(CLASSIC, "name=a grant_frames=33", NULL), 0, "grant_frames", "from 1 to 32");
	assert_error(parse(CLASSIC, "name=a maptrack=4097", NULL), 0, "maptrack", "from 1 to 4096");
	assert_error(parse(CLASSIC, "name=a backend=b", NULL), 0, "backend",
		     "backend 'b' is not a domain of the manifest");
	assert_error(parse(CLASSIC, "name=a backend=a", NULL), 0, "backend", "its own backend");
	assert_error(parse(CLASSIC, "name=a backend=a/b", NULL), 0, "backend", "not a domain name");
}

static void test_err_guest_cmdline_too_long(void **state)
{
	char line[MANIFEST_CMDLINE_MAX + 32];

	(void)state;
	memset(line, 'x', sizeof(line));
	memcpy(line, "name=a -- ", 10);
	line[10 + MANIFEST_CMDLINE_MAX] = '\0';
	assert_error(parse(CLASSIC, "name=b", line, NULL), 1, "",
		     "guest command line is longer than 1023 characters");
}

static void test_err_guest_cmdline_on_initrd_or_policy(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a", "type=initrd name=a -- console=hvc0", NULL), 1, "",
		     "not allowed on an initrd module");
	assert_error(parse(CLASSIC, "name=a", "type=policy --", NULL), 1, "",
		     "not allowed on a policy module");
}

static void test_err_initrd_keys(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a", "type=initrd name=a mem=16M", NULL), 1, "mem",
		     "'mem' is not allowed on an initrd module (only name=)");
	/* Key order does not matter: type= may come last. */
	assert_error(parse(CLASSIC, "name=a", "label=u:r:t name=a type=initrd", NULL), 1, "label",
		     "not allowed on an initrd");
	assert_error(parse(CLASSIC, "name=a", "type=initrd priv=no name=a", NULL), 1, "priv",
		     "not allowed on an initrd");
}

static void test_err_initrd_needs_name(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a", "initrd.gz type=initrd", NULL), 1, "name",
		     "an initrd module needs name=");
}

static void test_err_initrd_unknown_domain(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=web", "type=initrd name=db", NULL), 1, "name",
		     "initrd for unknown domain 'db'");
	/* An initrd cannot name another initrd's name or a prefix of a domain. */
	assert_error(parse(CLASSIC, "name=web", "type=initrd name=we", NULL), 1, "name",
		     "unknown domain 'we'");
}

static void test_err_second_initrd(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "type=initrd name=web", "name=web", "type=initrd name=web", NULL), 2,
		     "name", "second initrd for domain 'web' (also module 0)");
}

static void test_err_policy_keys(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a", "type=policy name=a", NULL), 1, "name",
		     "'name' is not allowed on a policy module");
	assert_error(parse(CLASSIC, "name=a", "mem=1M type=policy", NULL), 1, "mem",
		     "not allowed on a policy module");
}

static void test_err_two_policies(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=a", "type=policy", "type=policy", NULL), 2, "type",
		     "more than one policy module (also module 1)");
}

static void test_err_duplicate_domain(void **state)
{
	(void)state;
	assert_error(parse(CLASSIC, "name=web", "name=db", "k name=web", NULL), 2, "name",
		     "duplicate domain name 'web' (also module 0)");
	/* Names compare exactly: case and length matter. */
	assert_ok(parse(CLASSIC, "name=web", "name=Web", "name=web2", NULL));
}

static void test_err_too_many_domains(void **state)
{
	static char lines[MANIFEST_MAX_DOMAINS + 1][32];

	(void)state;
	for (unsigned int i = 0; i <= MANIFEST_MAX_DOMAINS; i++) {
		snprintf(lines[i], sizeof(lines[i]), "name=d%u", i);
		mods[i] = (struct boot_module){ lines[i], 0, 0 };
	}
	assert_error(manifest_parse(&m, "", mods, MANIFEST_MAX_DOMAINS + 1, &err),
		     MANIFEST_MAX_DOMAINS, "", "more than 16 domains");
}

static void test_err_too_many_modules(void **state)
{
	(void)state;
	fill_max_modules();
	mods[MANIFEST_MAX_MODULES] = (struct boot_module){ "type=policy", 0, 0 };
	assert_error(manifest_parse(&m, "", mods, MANIFEST_MAX_MODULES + 1, &err),
		     MANIFEST_MAX_MODULES, "", "more than 32 boot modules");
}

static void test_err_no_domain(void **state)
{
	(void)state;
	assert_error(parse("xsm=flask", NULL), -1, "", "no domain to start");
	assert_error(manifest_parse(&m, "", NULL, 3, &err), -1, "", "no domain to start");
	assert_error(parse(CLASSIC, "type=policy", "type=initrd name=a", NULL), -1, "",
		     "no domain to start");
}

/* ---- which error wins, and what reaches the console ---------------------- */

static void test_err_first_wins(void **state)
{
	(void)state;
	/* The hypervisor line before any module. */
	assert_error(parse("xsm=none", "mem=0", NULL), -1, "xsm", "unknown value");
	/* An earlier module before a later one. */
	assert_error(parse(CLASSIC, "name=a vcpus=0", "name=b mem=0", NULL), 0, "vcpus", "from 1 to 8");
	/* Within a module, values in the order given. */
	assert_error(parse(CLASSIC, "name=a mem=16Q vcpus=99", NULL), 0, "mem", "unknown suffix");
	assert_error(parse(CLASSIC, "name=a vcpus=99 mem=16Q", NULL), 0, "vcpus", "from 1 to 8");
	/* Unknown keys before any value, wherever they are. */
	assert_error(parse(CLASSIC, "name=a mem=16Q bogus=1", NULL), 0, "bogus", "unknown key");
	/* Per-module errors before initrd bindings. */
	assert_error(parse(CLASSIC, "type=initrd name=x", "name=a mem=0", NULL), 1, "mem", "is zero");
}

static void test_err_message_is_printable(void **state)
{
	char longval[300];

	(void)state;
	assert_error(parse(CLASSIC, "name=a\x1b[2J", NULL), 0, "name", "name 'a?[2J'");
	assert_error(parse(CLASSIC, "na\x1b" "me=a", NULL), 0, "na?me", "unknown key 'na?me'");
	assert_error(parse("con\xffsole=x", "name=a", NULL), -1, "con?sole", "unknown option");
	/* A long value is cut with "..." and the message stays whole. */
	memset(longval, 'Q', sizeof(longval));
	memcpy(longval, "name=a mem=1", 12);
	longval[sizeof(longval) - 1] = '\0';
	assert_error(parse(CLASSIC, longval, NULL), 0, "mem", "...' has an unknown suffix");
	/* A long unknown key is cut to fit err->key. */
	memset(longval, 'k', sizeof(longval));
	memcpy(longval + 100, "=1", 3);
	assert_error(parse(CLASSIC, longval, NULL), 0, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", "unknown key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_each_option_value),
		cmocka_unit_test(test_skip_image_path),
		cmocka_unit_test(test_several_domains),
		cmocka_unit_test(test_mem_sizes),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_initrd_before_and_after),
		cmocka_unit_test(test_policy_module),
		cmocka_unit_test(test_guest_cmdline),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_limits_fit),
		cmocka_unit_test(test_err_hv_unknown_option),
		cmocka_unit_test(test_err_hv_unknown_value),
		cmocka_unit_test(test_err_hv_twice),
		cmocka_unit_test(test_err_hv_flag_and_value),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_duplicate_key),
		cmocka_unit_test(test_err_stray_word),
		cmocka_unit_test(test_err_unknown_type),
		cmocka_unit_test(test_err_kernel_needs_name),
		cmocka_unit_test(test_err_bad_name),
		cmocka_unit_test(test_err_bad_label),
		cmocka_unit_test(test_err_mem_suffix),
		cmocka_unit_test(test_err_mem_not_number),
		cmocka_unit_test(test_err_mem_zero),
		cmocka_unit_test(test_err_mem_overflow),
		cmocka_unit_test(test_err_mem_range),
		cmocka_unit_test(test_err_vcpus),
		cmocka_unit_test(test_err_vcpus_not_supported),
		cmocka_unit_test(test_xsm_never_off_by_accident),
		cmocka_unit_test(test_err_priv),
		cmocka_unit_test(test_ipc_limits_and_backend),
		cmocka_unit_test(test_err_guest_cmdline_too_long),
		cmocka_unit_test(test_err_guest_cmdline_on_initrd_or_policy),
		cmocka_unit_test(test_err_initrd_keys),
		cmocka_unit_test(test_err_initrd_needs_name),
		cmocka_unit_test(test_err_initrd_unknown_domain),
		cmocka_unit_test(test_err_second_initrd),
		cmocka_unit_test(test_err_policy_keys),
		cmocka_unit_test(test_err_two_policies),
		cmocka_unit_test(test_err_duplicate_domain),
		cmocka_unit_test(test_err_too_many_domains),
		cmocka_unit_test(test_err_too_many_modules),
		cmocka_unit_test(test_err_no_domain),
		cmocka_unit_test(test_err_first_wins),
		cmocka_unit_test(test_err_message_is_printable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
