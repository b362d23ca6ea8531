/*
 * hv_main: from a running CPU to running domains. Reads the boot manifest,
 * measures everything it will act on (measured boot), chooses the security
 * module, checks and builds every domain, and only
 * when all of them are built starts any (fail closed: one bad module and no
 * domain runs). Then hands the CPU to the scheduler for good.
 */
#include <attest/measure.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/domain_build.h>
#include <hv/elf.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/manifest.h>
#include <hv/measure_boot.h>
#include <hv/sched.h>
#include <hv/tlb_clock.h>
#include <xsm/flask.h>
#include <xsm/hooks.h>

static struct manifest manifest;
static struct vcpu idle_vcpu;
static const char *boot_cmdline = "";

const char *hv_boot_cmdline(void)
{
	return boot_cmdline;
}

static void __noreturn boot_refused(void)
{
	printk(LOG_ERR, "boot refused: no domain was started");
	if (manifest.opts.on_exit == MANIFEST_EXIT_HALT) {
		arch_system_halt();
	}
	arch_system_exit(HV_EXIT_REFUSED);
}

void hv_all_domains_gone(void)
{
	bool crashed = domain_any_crashed();
	uint64_t leaked = frame_count_state(FRAME_GUEST);
	struct tlb_clock_counts tlb;

	printk(LOG_INFO, "all domains have stopped%s; %lu of %lu frames free",
	       crashed ? " (at least one crashed)" : "", (unsigned long)frame_free_count(),
	       (unsigned long)frame_total());
	if (leaked != 0) {
		panic("%lu guest frames still owned after every domain was destroyed",
		      (unsigned long)leaked);
	}
	printk(LOG_INFO, "memory check: no guest frame left behind");
	tlb_clock_counts(&tlb);
	printk(LOG_INFO, "tlb: %lu full flushes, %lu of them for frames given back",
	       (unsigned long)tlb.flushes, (unsigned long)tlb.forced);
	if (manifest.opts.on_exit == MANIFEST_EXIT_HALT) {
		printk(LOG_INFO, "on_exit=halt: halting");
		arch_system_halt();
	}
	printk(LOG_INFO, "powering off");
	arch_system_exit(crashed ? HV_EXIT_DOMAIN_CRASHED : HV_EXIT_OK);
}

static void report_manifest_error(const struct manifest_error *err, const struct boot_info *bi)
{
	char cmd[96];

	if (err->module < 0) {
		printk(LOG_ERR, "hypervisor command line: %s", err->msg);
		return;
	}
	console_sanitize(cmd, sizeof(cmd),
			 (unsigned int)err->module < bi->mod_count ? bi->mods[err->module].cmdline
								   : "?");
	printk(LOG_ERR, "module %d ('%s'): %s", err->module, cmd, err->msg);
}

static void run_selftest(enum manifest_selftest t)
{
	if (t == MANIFEST_SELFTEST_FAULT) {
		printk(LOG_WARN, "selftest=fault: faulting inside the hypervisor on purpose");
		arch_selftest_fault();
	} else if (t == MANIFEST_SELFTEST_PANIC) {
		panic("selftest=panic: an invariant failing on purpose");
	} else if (t == MANIFEST_SELFTEST_ENTRY_DB) {
		printk(LOG_WARN, "selftest=entry-db: a #DB on every SYSCALL and int3 entry");
		arch_selftest_entry_db();
	}
}

static bool build_one(const struct manifest_domain *md, const struct boot_info *bi)
{
	const struct boot_module *km = &bi->mods[md->kernel_module];
	const void *kernel = arch_phys_map(km->start, km->size);
	const void *initrd = NULL;
	size_t initrd_len = 0;
	struct elf_image img;
	struct elf_error eerr;
	struct build_error berr;
	struct domain *d;
	int rc;

	rc = elf_parse(&img, kernel, (size_t)km->size, &eerr);
	if (rc != 0) {
		printk(LOG_ERR, "module %d (domain '%s'): bad kernel image: %s", md->kernel_module,
		       md->name, eerr.msg);
		return false;
	}
	if (md->initrd_module >= 0) {
		const struct boot_module *im = &bi->mods[md->initrd_module];

		initrd = arch_phys_map(im->start, im->size);
		initrd_len = (size_t)im->size;
	}
	d = domain_alloc(md->name);
	if (d == NULL) {
		printk(LOG_ERR, "domain '%s': no free domain slot", md->name);
		return false;
	}
	rc = domain_build_pv(d, md, &img, initrd, initrd_len, &berr);
	if (rc != 0) {
		printk(LOG_ERR, "module %d (domain '%s'): %s", md->kernel_module, md->name, berr.msg);
		domain_free_unstarted(d);
		return false;
	}
	/* The module prints why a label is refused. */
	if (xsm_domain_label(d, md->label) != 0) {
		printk(LOG_ERR, "module %d (domain '%s'): no usable security label",
		       md->kernel_module, md->name);
		domain_free_unstarted(d);
		return false;
	}
	return true;
}

/*
 * Once every domain is built and labelled: offer each one's console and
 * xenstore rings to its backend (grant refs 0 and 1, and with backend= the
 * event channels), then check that the domain as built is the one measured. Domain ids follow manifest order: build_one takes slots
 * in order and any failure refuses the whole boot, so manifest domain i is
 * domain i + 1.
 */
static bool connect_backends(void)
{
	for (unsigned int i = 0; i < manifest.domain_count; i++) {
		const struct manifest_domain *md = &manifest.domains[i];
		struct domain *d = domain_by_id((domid_t)(i + 1));
		struct domain *be = NULL;
		int rc;

		BUG_ON(d == NULL || strcmp(d->name, md->name) != 0);
		if (md->backend[0] != '\0') {
			int idx = manifest_find_domain(&manifest, md->backend);

			/* manifest_parse checked that the backend exists. */
			BUG_ON(idx < 0);
			be = domain_by_id((domid_t)(idx + 1));
			BUG_ON(be == NULL);
		}
		d->backend = be != NULL ? be->id : 0;
		rc = gnttab_connect_backend(d, be);
		if (rc != 0) {
			printk(LOG_ERR, "domain '%s': cannot offer its console and xenstore rings to %s (%d)",
			       md->name, be != NULL ? be->name : "domain 0", rc);
			return false;
		}
		if (!domain_launch_matches(d, md)) {
			return false;
		}
	}
	return true;
}

static void release_modules(const struct boot_info *bi)
{
	for (unsigned int i = 0; i < bi->mod_count; i++) {
		uint64_t first = bi->mods[i].start >> PAGE_SHIFT;
		uint64_t last = (bi->mods[i].start + bi->mods[i].size + PAGE_SIZE - 1) >> PAGE_SHIFT;

		for (uint64_t m = first; m < last; m++) {
			struct frame_info *f = frame_get(mfn(m));

			if (f != NULL && f->state == FRAME_MODULE) {
				frame_free(mfn(m));
			}
		}
	}
}

/*
 * Measured boot, before anything the measurements describe is used: the
 * command line and the manifest, every module, the policy, each domain's
 * launch parameters, then the separators. Under measured=required a
 * failure anywhere (no TPM, a TPM error, a full log) refuses the boot;
 * attest/measure.c decides, and has said why.
 */
static void measure_everything(const struct boot_info *bi)
{
	enum measure_mode mode = manifest.opts.measured == MANIFEST_MEASURED_REQUIRED
					 ? MEASURE_REQUIRED
					 : MEASURE_OPTIONAL;

	if (measure_start(mode) != 0 || measure_boot_config(bi, &manifest) != 0 ||
	    measure_boot_modules(bi, &manifest) != 0 || measure_boot_policy(bi, &manifest) != 0 ||
	    measure_boot_launches(&manifest) != 0 || measure_boot_done() != 0) {
		printk(LOG_ERR, "measured boot failed and measured=required: no domain will start");
		boot_refused();
	}
	if (measure_state() == MEASURE_STATE_TPM) {
		measure_print_pcrs();
	}
}

/*
 * MAC is never off by accident: with no xsm= option the manifest parser
 * chose FLASK for a boot with a policy module and refused one without, so
 * the dummy module's classic rules run only when xsm=dummy is written, and
 * then the console says so loudly. xsm=flask needs a policy module that loads:
 * anything else stops the boot (fail closed). With xsm=dummy a policy
 * module is refused too, since the operator evidently expected a policy to
 * be enforced.
 */
static void start_security_module(const struct boot_info *bi)
{
	enum xsm_module module = XSM_MODULE_DUMMY;
	if (manifest.opts.xsm == MANIFEST_XSM_FLASK) {
		const struct boot_module *pm;
		bool enforcing = manifest.opts.flask == MANIFEST_FLASK_ENFORCING;

		if (manifest.policy_module < 0) {
			printk(LOG_ERR, "xsm=flask: no policy module (add a module with type=policy)");
			boot_refused();
		}
		pm = &bi->mods[manifest.policy_module];
		if (flask_boot_load(arch_phys_map(pm->start, pm->size), (size_t)pm->size, enforcing,
				    manifest.opts.flask_unlabeled == MANIFEST_UNLABELED_DEFAULT
					    ? FLASK_UNLABELED_DEFAULT
					    : FLASK_UNLABELED_REFUSE) != 0) {
			printk(LOG_ERR, "module %d: the policy cannot be loaded: nothing runs",
			       manifest.policy_module);
			boot_refused();
		}
		module = XSM_MODULE_FLASK;
		if (manifest.opts.xsm_implicit) {
			printk(LOG_INFO, "xsm: no xsm= option and a policy module: flask");
		}
	} else if (manifest.policy_module >= 0) {
		printk(LOG_ERR, "module %d is a policy but xsm=dummy: add xsm=flask to enforce it",
		       manifest.policy_module);
		boot_refused();
	} else {
		printk(LOG_WARN, "xsm=dummy: NO MANDATORY ACCESS CONTROL: the dummy module's classic "
		       "rules (a privileged domain may do anything, the others only to "
		       "themselves); no policy is enforced");
	}
	if (xsm_init(module) != 0) {
		printk(LOG_ERR, "xsm: cannot start the %s module",
		       module == XSM_MODULE_FLASK ? "flask" : "dummy");
		boot_refused();
	}
	printk(LOG_INFO, "security module: %s%s", xsm_module_name(),
	       module != XSM_MODULE_FLASK ? ""
	       : flask_enforcing()	  ? " (enforcing)"
					  : " (permissive: denials are logged, not enforced)");
}

void hv_main(struct boot_info *bi)
{
	struct manifest_error merr;
	unsigned int started = 0;

	boot_cmdline = bi->cmdline;
	printk(LOG_INFO, "Moat hypervisor: Xen 4.17 x86-64 PV ABI, booted by %s", bi->loader);
	{
		char cmd[160];

		console_sanitize(cmd, sizeof(cmd), bi->cmdline);
		printk(LOG_INFO, "command line: '%s'", cmd);
	}
	printk(LOG_INFO, "memory: %lu KiB free of %lu KiB; %u boot modules",
	       (unsigned long)(frame_free_count() * 4), (unsigned long)(frame_total() * 4),
	       bi->mod_count);
	for (unsigned int i = 0; i < bi->mod_count; i++) {
		char cmd[96];

		console_sanitize(cmd, sizeof(cmd), bi->mods[i].cmdline);
		printk(LOG_INFO, "module %u: '%s' at 0x%lx, %lu bytes", i, cmd,
		       (unsigned long)bi->mods[i].start, (unsigned long)bi->mods[i].size);
	}
	if (manifest_parse(&manifest, bi->cmdline, bi->mods, bi->mod_count, &merr) != 0) {
		report_manifest_error(&merr, bi);
		boot_refused();
	}
	console_set_level(manifest.opts.loglvl);
	if (manifest.opts.console == MANIFEST_CONSOLE_NONE) {
		console_set_enabled(false);
	}
	measure_everything(bi);
	start_security_module(bi);
	run_selftest(manifest.opts.selftest);
	for (unsigned int i = 0; i < manifest.domain_count; i++) {
		if (!build_one(&manifest.domains[i], bi)) {
			/* Undo the domains already built: nothing runs. */
			for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
				struct domain *d = domain_by_id(id);

				if (d != NULL) {
					domain_free_unstarted(d);
				}
			}
			boot_refused();
		}
	}
	if (!connect_backends()) {
		for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
			struct domain *d = domain_by_id(id);

			if (d != NULL) {
				domain_free_unstarted(d);
			}
		}
		boot_refused();
	}
	release_modules(bi);
	arch_idle_vcpu_create(&idle_vcpu);
	sched_init(&idle_vcpu);
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d == NULL) {
			continue;
		}
		d->state = DOM_RUNNING;
		d->vcpus_alive = d->vcpu_count;
		d->vcpus[0].state = VCPU_RUNNABLE;
		sched_add(&d->vcpus[0]);
		started++;
	}
	printk(LOG_INFO, "starting %u domain%s; %lu KiB free", started, started == 1 ? "" : "s",
	       (unsigned long)(frame_free_count() * 4));
	if (measure_state() != MEASURE_STATE_TPM) {
		printk(LOG_WARN, "measure: these domains start UNMEASURED: no TPM holds what was "
		       "booted (the event log alone cannot be trusted by a remote verifier)");
	}
	sched_start();
}
