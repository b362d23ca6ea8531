/*
 * libFuzzer harness for the boot: hv_main() (hv/common/setup.c) over boot
 * modules the input describes, on the fake machine. Everything a boot
 * loader hands over is file-supplied: the hypervisor's command line, each
 * module's command line (the manifest), the kernel images (ELF64 with Xen
 * notes), initrds and the FLASK policy. The input picks command-line words
 * from a vocabulary of every key and plausible (and implausible) values,
 * with bytes of its own now and then; kernels are built by
 * fuzz/fuzz_kernel.h from input-chosen shapes (virtual base, segment
 * addresses and sizes, INIT_P2M, FEATURES, hypercall page) and then
 * patched byte by byte; the policy is the build's default blob, patched.
 * That reaches the manifest parser, measured boot, the policy load, the ELF
 * parser, the boot layout and the domain builder, the labels and the
 * backends' reserved grants, together.
 *
 * Invariants: hv_main always ends in one of the ways it may: it refuses the
 * boot (nothing built is left: no guest frame, no hypervisor frame beyond
 * the image, every module frame still in place), a selftest= asked for a
 * fault or a panic, or the domains start. When they start: each is
 * running, its p2m names frames it owns whose M2P entries point back,
 * mm_check_invariants holds, the event log parses; then every domain is
 * shut down and reaped and nothing may be left but the idle vCPU's stack.
 * Any other panic (a BUG_ON) is a crash. It never changes the hypervisor's
 * behaviour to make a check pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attest/measure.h>
#include <fake_arch.h>
#include <fake_time.h>
#include <fake_tpm.h>
#include <hv/boot.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/p2m.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <public/sched.h>
#include <xsm/flask.h>

#include "fuzz.h"
#include "fuzz_input.h"
#include "fuzz_measure_log.h"
#include "fuzz_kernel.h"

#ifndef FLASK_FUZZ_BLOB
#error "FLASK_FUZZ_BLOB: path of the default policy blob"
#endif

#define HV_FRAMES   16
#define NR_FRAMES   1536	/* 6 MiB: one 4 MiB domain, or a few 1 MiB ones */
#define MAX_MODS    6
#define CMDLINE_MAX 400
#define MOD_MAX     (24 * 1024)

static struct input in;
static struct boot_info bi;
static char hv_cmdline[CMDLINE_MAX];
static char mod_cmdline[MAX_MODS][CMDLINE_MAX];
static uint8_t mod_data[MOD_MAX];
static uint8_t policy_blob[FLASK_POLICY_MAX];
static size_t policy_len;
static uint32_t scratch[2 * NR_FRAMES];
static uint64_t module_frames;
static bool started;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_boot: %s: %s\n", what, why);
	abort();
}

/* ---- command lines ------------------------------------------------------------- */

static const char *const hv_words[] = {
	"console=com1", "console=none", "loglvl=err", "loglvl=warn", "loglvl=info",
	"loglvl=debug", "xsm=dummy", "xsm=flask", "flask=enforcing", "flask=permissive",
	"flask_unlabeled=refuse", "flask_unlabeled=default", "measured=optional",
	"measured=required", "noreboot", "on_exit=poweroff", "on_exit=halt", "selftest=none",
	"selftest=fault", "selftest=panic", "xsm=", "loglvl=9", "bogus=1", "console",
};

static const char *const names[] = { "dom0", "web", "db", "a", "b.c", "x-y_z", "" };

static const char *const mod_words[] = {
	"type=kernel", "type=initrd", "type=policy", "type=other", "label=system_u:system_r:dom0_t",
	"label=system_u:system_r:domU_t", "label=system_u:system_r:web_t",
	"label=system_u:system_r:db_t", "label=system_u:system_r:untrusted_t", "label=nope",
	"label=system_u:object_r:xen_t", "label=a:b", "mem=1M", "mem=4M", "mem=2M", "mem=1025K",
	"mem=64K", "mem=8M", "mem=1G", "mem=0x400000", "mem=4Q", "mem=", "vcpus=1", "vcpus=2",
	"vcpus=0", "vcpus=9", "priv=yes", "priv=no", "priv=maybe", "evtchn_ports=64",
	"evtchn_ports=4096", "evtchn_ports=63", "evtchn_ports=100", "grant_frames=1",
	"grant_frames=32", "grant_frames=33", "maptrack=1", "maptrack=4096", "maptrack=0",
	"-- console=hvc0 root=/dev/xvda", "--", "unknown=1",
};

static void append(char *buf, const char *word)
{
	size_t len = strlen(buf);

	if (len > 0 && len + 1 < CMDLINE_MAX) {
		buf[len++] = ' ';
		buf[len] = '\0';
	}
	str_lcpy(buf + len, word, CMDLINE_MAX - len);
}

/* A word of the input's own: up to 24 bytes (NUL ends it). */
static void append_raw(char *buf)
{
	char w[25];
	unsigned int n = u8(&in) % 25;

	for (unsigned int i = 0; i < n; i++) {
		w[i] = (char)u8(&in);
	}
	w[n] = '\0';
	append(buf, w);
}

static void make_hv_cmdline(void)
{
	unsigned int n = u8(&in) % 6;

	str_lcpy(hv_cmdline, (u8(&in) & 1) ? "/boot/moat.gz" : "", sizeof(hv_cmdline));
	for (unsigned int i = 0; i < n; i++) {
		uint8_t t = u8(&in);

		if (t >= 250) {
			append_raw(hv_cmdline);
		} else {
			append(hv_cmdline, hv_words[t % ARRAY_SIZE(hv_words)]);
		}
	}
}

static void make_mod_cmdline(char *buf, const char *type)
{
	char w[48];
	unsigned int n = u8(&in) % 8;

	str_lcpy(buf, (u8(&in) & 1) ? "mod.elf" : "", CMDLINE_MAX);
	append(buf, type);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t t = u8(&in);

		if (t < 64) {
			fmt_snprintf(w, sizeof(w), "name=%s", names[t % ARRAY_SIZE(names)]);
			append(buf, w);
		} else if (t < 80) {
			fmt_snprintf(w, sizeof(w), "backend=%s", names[t % ARRAY_SIZE(names)]);
			append(buf, w);
		} else if (t >= 250) {
			append_raw(buf);
		} else {
			append(buf, mod_words[t % ARRAY_SIZE(mod_words)]);
		}
	}
}

/* ---- module contents ------------------------------------------------------------ */

static const char *const features[] = {
	"writable_descriptor_tables|pae_pgdir_above_4gb",
	"!writable_page_tables",
	"!auto_translated_physmap",
	"writable_page_tables|!supervisor_mode_kernel",
	"",
	"|||",
	"!hvm_callback_vector|!dom0",
};

/* A kernel of an input-chosen shape. */
static size_t make_kernel(uint8_t *buf)
{
	static const uint64_t bases[] = { FUZZ_KERNEL_VBASE, FUZZ_KERNEL_VBASE + 0x300000,
					  0x400000, 0x0000800000000000ULL - 0x400000,
					  0xffff800000000000ULL, 0 };
	static const uint64_t p2ms[] = { 0, 0, 0x0000008000000000ULL, FUZZ_KERNEL_VBASE,
					 0x1000, 0xffff880000000000ULL };
	struct fuzz_kernel_opts o = fuzz_kernel_default();
	uint8_t shape = u8(&in), b = u8(&in);

	o.virt_base = bases[shape % ARRAY_SIZE(bases)];
	o.text_va = o.virt_base + 0x1000 * (1 + (b & 3));
	o.data_va = o.text_va + 0x3000 + 0x1000 * ((b >> 2) & 3);
	o.data_memsz = (b & 0x10) ? 0x2000 : (uint64_t)u16(&in) << 8;
	o.entry = o.text_va + ((b & 0x20) ? 0x10 : u16(&in));
	o.init_p2m = p2ms[(shape >> 3) % ARRAY_SIZE(p2ms)];
	o.features = (shape & 0x40) ? features[b % ARRAY_SIZE(features)] : NULL;
	o.no_hypercall_page = (b & 0xc0) == 0xc0;
	if (shape & 0x80) {
		/* Anything at all, from the input. */
		o.virt_base = u64(&in);
		o.text_va = u64(&in);
		o.data_va = u64(&in);
		o.entry = u64(&in);
	}
	return fuzz_kernel_build(buf, &o);
}

/* A few bytes changed: mostly in the headers and notes. */
static void patch(uint8_t *buf, size_t len)
{
	unsigned int n = u8(&in) % 4;

	for (unsigned int i = 0; i < n && len > 0; i++) {
		uint16_t at = u16(&in);

		buf[(at & 0x8000) ? at % len : at % MIN(len, (size_t)512)] = u8(&in);
	}
}

/* Module i: its command line and contents, placed in machine memory at
 * frame *next (a loader's layout: one after the other, page-aligned). */
static void make_module(unsigned int i, uint64_t *next)
{
	static const char *const types[] = { "type=kernel", "", "type=initrd", "type=policy" };
	uint8_t kind = u8(&in);
	size_t len;
	uint64_t pages;

	make_mod_cmdline(mod_cmdline[i], types[kind & 3]);
	switch (kind % 5) {
	case 0:
	case 1:
		len = make_kernel(mod_data);
		break;
	case 2:
		len = u16(&in) % MOD_MAX;
		for (size_t j = 0; j < len; j++) {
			mod_data[j] = (uint8_t)(j * 13 + 1);
		}
		break;
	case 3:
		len = MIN(policy_len, sizeof(mod_data));
		memcpy(mod_data, policy_blob, len);
		break;
	default:
		len = u8(&in);
		for (size_t j = 0; j < len; j++) {
			mod_data[j] = u8(&in);
		}
		break;
	}
	patch(mod_data, len);
	pages = ALIGN_UP(len, PAGE_SIZE) >> PAGE_SHIFT;
	if (*next + pages + 64 > NR_FRAMES) {
		len = 0;
		pages = 0;
	}
	fake_machine_write(*next << PAGE_SHIFT, mod_data, len);
	bi.mods[i] = (struct boot_module){ mod_cmdline[i], *next << PAGE_SHIFT, len };
	if (pages > 0) {
		frame_mark(mfn(*next), pages, FRAME_MODULE);
	}
	*next += pages;
	module_frames += pages;
}

/* ---- checks ------------------------------------------------------------------- */

/* A started domain, as the builder promises it. */
harness_only static void check_domain(const struct domain *d)
{
	char why[256];

	check(d->state == DOM_RUNNING && d->vcpu_count >= 1);
	check(d->nr_pages > 0);
	for (uint64_t pfn = 0; pfn < d->nr_pages; pfn++) {
		mfn_t m = p2m_get(&d->p2m, pfn);
		const struct frame_info *f = frame_get(m);

		check(f != NULL && f->state == FRAME_GUEST && f->owner == d->id);
		check(fake_m2p_get(m) == pfn);
	}
	check(mfn_x(p2m_get(&d->p2m, d->nr_pages)) == INVALID_MFN_RAW);
	if (mm_check_invariants(d, scratch, ARRAY_SIZE(scratch), why, sizeof(why)) != 0) {
		die("a started domain", why);
	}
}

/* The domains are up (sched_start's first switch): check them, then tear
 * everything down; nothing but the idle vCPU's stack may remain. */
static void switch_hook(struct vcpu *prev, struct vcpu *next)
{
	unsigned int alive = 0;

	(void)next;
	if (prev->domain != NULL || prev->arch.idle) {
		return;
	}
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			check_domain(d);
			alive++;
		}
	}
	check(alive > 0 && alive == domain_count_alive());
	check_log_parses();
	/* Modules were released once every domain was built. */
	check(frame_count_state(FRAME_MODULE) == 0);
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			domain_shutdown(d, SHUTDOWN_poweroff);
		}
	}
	fake_switch_reset();
	while (domain_reap(NULL)) {
		/* a teardown in steps: until every dying domain is gone */
	}
	if (frame_count_state(FRAME_GUEST) != 0) {
		die("teardown", "guest frames left after every domain was reaped");
	}
	if (frame_count_state(FRAME_HV) != HV_FRAMES + HV_VCPU_FRAMES) {
		die("teardown", "hypervisor frames leaked");
	}
	sched_init(NULL);
	check(timer_next_deadline() == 0);
	started = true;
}

/* hv_main stopped the boot: nothing it built may remain. */
harness_only static void check_refused(void)
{
	check(domain_count_alive() == 0);
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		check(domain_by_id(id) == NULL);
	}
	if (frame_count_state(FRAME_GUEST) != 0 || frame_count_state(FRAME_HV) != HV_FRAMES) {
		die("refused boot", "frames of a domain that was undone are still allocated");
	}
	check(frame_count_state(FRAME_MODULE) == module_frames);
}

static void init_once(void)
{
	static bool done;

	if (done) {
		return;
	}
	done = true;
	policy_len = fuzz_read_file(FLASK_FUZZ_BLOB, policy_blob, sizeof(policy_blob));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fake_exit *ex;
	uint64_t next = HV_FRAMES;
	bool expected;

	init_once();
	in.p = data;
	in.left = size;

	fake_machine_init(NR_FRAMES);
	frame_mark(mfn(0), HV_FRAMES, FRAME_HV);
	memset(&bi, 0, sizeof(bi));
	bi.loader = "fuzz";
	make_hv_cmdline();
	bi.cmdline = hv_cmdline;
	module_frames = 0;
	bi.mod_count = 1 + u8(&in) % MAX_MODS;
	for (unsigned int i = 0; i < bi.mod_count; i++) {
		make_module(i, &next);
	}
	frame_mark(mfn(next), NR_FRAMES - next, FRAME_FREE);
	frame_table_seal();
	fake_tsc_reset();
	fake_timer_records_reset();
	fake_time_set(1000000000ULL);
	fake_console_reset();
	fake_tpm_attach(NULL);
	measure_reset();
	flask_reset();
	console_set_enabled(true);
	started = false;
	fake_switch_set_hook(switch_hook);

	if (!FAKE_EXITED(hv_main(&bi))) {
		die("boot", "hv_main returned");
	}
	ex = fake_exit_last();
	switch (ex->kind) {
	case FAKE_EXIT_EXIT:
		expected = ex->status == HV_EXIT_REFUSED ||
			   (ex->status == HV_EXIT_PANIC && fake_selftest_fault_count() > 0);
		if (ex->status == HV_EXIT_REFUSED) {
			check_refused();
		}
		break;
	case FAKE_EXIT_HALT:
		expected = true;
		check_refused();
		break;
	case FAKE_EXIT_PANIC:
		expected = (started && strstr(ex->panic_msg, "the boot context was resumed") != NULL) ||
			   strstr(ex->panic_msg, "selftest=panic") != NULL;
		break;
	default:
		expected = false;
		break;
	}
	if (!expected) {
		size_t len = fake_console_len();
		const char *out = fake_console_output();

		fprintf(stderr, "fuzz_boot: the hypervisor stopped unexpectedly (exit %d, status %d): %s\n",
			ex->kind, ex->status, ex->panic_msg);
		fprintf(stderr, "console tail:\n%s\n", out + (len > 2000 ? len - 2000 : 0));
		abort();
	}
	fake_switch_set_hook(NULL);
	fake_machine_fini();
	return 0;
}
