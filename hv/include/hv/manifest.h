/*
 * The boot manifest: what the hypervisor's own command line and each boot
 * module's command line say. Portable, no allocation, no side effects: the
 * parser fills a struct manifest or reports the first error, naming the
 * module and the key, and the caller refuses to start any domain (fail closed).
 *
 * Hypervisor command line (the first word is dropped when it looks like the
 * image path that QEMU and GRUB put there: it contains '/' or '.' and no '='):
 *   console=com1|none  loglvl=err|warn|info|debug  xsm=dummy|flask (when not
 *   given: flask with a policy module; without one the boot is refused)
 *   flask=enforcing|permissive  flask_unlabeled=refuse|default
 *   measured=required|optional  noreboot
 *   on_exit=poweroff|halt  selftest=none|fault|panic|entry-db
 * Module command line: "[path] key=value ... [-- guest kernel command line]"
 *   type=kernel|initrd|policy   (default kernel)
 *   name=<1-31 chars [A-Za-z0-9_.-]>  (kernel: required and unique;
 *                                      initrd: the domain it belongs to)
 *   label=<security context user:role:type>   mem=<size>[K|M|G]
 *   vcpus=<1..MANIFEST_MAX_VCPUS> (above MANIFEST_SUPPORTED_VCPUS refused)   priv=yes|no
 *   evtchn_ports=<n>   the highest port number + 1 the domain may bind
 *                      (MANIFEST_MIN..MAX_EVTCHN_PORTS, default 1024)
 *   grant_frames=<n>   grant-table frames it may set up (1..32, default 4)
 *   maptrack=<n>       grant mappings it may hold at once (1..4096, default 1024)
 *   backend=<name>     the domain that serves its console and xenstore rings:
 *                      they are granted to it (refs 0 and 1) and their event
 *                      channels are unbound ports for it (default: domid 0)
 * A first word without '=' is the module's file name and is ignored.
 */
#ifndef HV_MANIFEST_H
#define HV_MANIFEST_H

#include <hv/types.h>

#define MANIFEST_MAX_MODULES  32
#define MANIFEST_MAX_DOMAINS  16
#define MANIFEST_NAME_MAX     32	/* including the NUL */
#define MANIFEST_LABEL_MAX    128
#define MANIFEST_CMDLINE_MAX  1024	/* guest command line, with the NUL */
#define MANIFEST_MAX_VCPUS    8
/* The builder starts one vCPU per domain until SMP guests land: vcpus= above
 * this is refused, so the launch parameters measured are the ones that run. */
#define MANIFEST_SUPPORTED_VCPUS 1
#define MANIFEST_MIN_MEM      (1ULL << 20)	/* 1 MiB */
#define MANIFEST_MAX_MEM      (64ULL << 30)	/* 64 GiB */
#define MANIFEST_DEFAULT_MEM  (16ULL << 20)
#define MANIFEST_MIN_EVTCHN_PORTS     64
#define MANIFEST_MAX_EVTCHN_PORTS     4096
#define MANIFEST_DEFAULT_EVTCHN_PORTS 1024
#define MANIFEST_MAX_GRANT_FRAMES     32
#define MANIFEST_DEFAULT_GRANT_FRAMES 4
#define MANIFEST_MAX_MAPTRACK         4096
#define MANIFEST_DEFAULT_MAPTRACK     1024

/*
 * MAC is never off by accident: with no xsm= option the boot runs FLASK
 * enforcing when a policy module is present and refuses to start when none
 * is; the dummy module runs only when xsm=dummy is written (setup.c).
 */
enum manifest_xsm { MANIFEST_XSM_DUMMY = 0, MANIFEST_XSM_FLASK = 1, MANIFEST_XSM_UNSET = 2 };
enum manifest_flask { MANIFEST_FLASK_ENFORCING = 0, MANIFEST_FLASK_PERMISSIVE = 1 };
enum manifest_unlabeled { MANIFEST_UNLABELED_REFUSE = 0, MANIFEST_UNLABELED_DEFAULT = 1 };
enum manifest_measured { MANIFEST_MEASURED_OPTIONAL = 0, MANIFEST_MEASURED_REQUIRED = 1 };
enum manifest_on_exit { MANIFEST_EXIT_POWEROFF = 0, MANIFEST_EXIT_HALT = 1 };
enum manifest_console { MANIFEST_CONSOLE_COM1 = 0, MANIFEST_CONSOLE_NONE = 1 };
/* Deliberate failures that prove the hypervisor's own error paths (tests). */
enum manifest_selftest {
	MANIFEST_SELFTEST_NONE = 0,
	MANIFEST_SELFTEST_FAULT = 1,	/* a page fault inside the hypervisor */
	MANIFEST_SELFTEST_PANIC = 2,	/* an internal invariant failing */
	MANIFEST_SELFTEST_ENTRY_DB = 3,	/* a #DB on the SYSCALL entry (MOV SS class) */
};

struct manifest_options {
	enum manifest_console console;
	int loglvl;			/* an enum log_level value; default LOG_INFO */
	enum manifest_xsm xsm;		/* DUMMY or FLASK once manifest_parse succeeded */
	bool xsm_implicit;		/* FLASK chosen for a policy module, no xsm= given */
	enum manifest_flask flask;
	enum manifest_unlabeled flask_unlabeled;
	enum manifest_measured measured;
	enum manifest_on_exit on_exit;
	bool noreboot;
	enum manifest_selftest selftest;
};

/* One module as the boot loader handed it over. */
struct boot_module {
	const char *cmdline;		/* NUL-terminated, may be "" */
	uint64_t start;			/* physical address */
	uint64_t size;			/* bytes */
};

struct manifest_domain {
	char name[MANIFEST_NAME_MAX];
	char label[MANIFEST_LABEL_MAX];	/* "" when none given */
	char cmdline[MANIFEST_CMDLINE_MAX];	/* after "--", "" when none */
	uint64_t mem;			/* bytes, a multiple of PAGE_SIZE */
	uint32_t vcpus;
	bool privileged;
	uint32_t evtchn_ports;		/* port limit (exclusive) */
	uint32_t grant_frames;		/* grant-table frames, at most */
	uint32_t maptrack;		/* simultaneous grant mappings, at most */
	char backend[MANIFEST_NAME_MAX];	/* "" = domid 0 */
	int kernel_module;		/* index into the module array */
	int initrd_module;		/* index, or -1 */
};

struct manifest {
	struct manifest_options opts;
	struct manifest_domain domains[MANIFEST_MAX_DOMAINS];
	unsigned int domain_count;
	int policy_module;		/* index, or -1 */
};

/* What went wrong, for a console line such as
 * "manifest: module 2 (web): key 'mem': size '16Q' has an unknown suffix". */
struct manifest_error {
	int module;			/* -1: the hypervisor command line */
	char key[32];			/* "" when no single key is at fault */
	char msg[160];
};

/*
 * Parse everything. Returns 0 and fills *m, or returns -XEN_EINVAL and fills
 * *err. Checks: known keys only, well-formed values, sizes in range and
 * page-aligned after rounding up, unique domain names, every initrd bound to
 * a known domain (at most one each), at most one policy module, at least one
 * domain. Whether the domains fit in memory is the domain builder's check.
 */
int manifest_parse(struct manifest *m, const char *hv_cmdline,
		   const struct boot_module *mods, unsigned int mod_count,
		   struct manifest_error *err);

/* The index of the domain called name, or -1. */
int manifest_find_domain(const struct manifest *m, const char *name);

/* The hypervisor command line without the leading image path (see above). */
const char *manifest_skip_image_path(const char *cmdline);

/*
 * Canonical text for measured boot (hv/common/manifest_text.c). Each writes
 * at most size - 1 bytes and a NUL (size > 0), cut when it does not fit,
 * and returns the length written.
 *   manifest_options_text  every hypervisor option as key=value, in one order
 *   manifest_domain_text   one domain's launch parameters, as domain domid
 *   manifest_text          the options, the policy module and every domain
 */
size_t manifest_options_text(const struct manifest_options *o, char *buf, size_t size);
size_t manifest_domain_text(const struct manifest_domain *md, unsigned int domid, char *buf,
			    size_t size);
size_t manifest_text(const struct manifest *m, char *buf, size_t size);
/* A module's command line without its leading file name: the first word is
 * dropped when it is not key=value and not "--" (as manifest_parse reads
 * it), with the blanks around it. Never NULL for a non-NULL line. */
const char *manifest_module_args(const char *line);

/* Parse a size such as "16M", "512K", "1G" or "4096" into bytes: a decimal
 * or 0x-hex number, then at most one of K, M, G (either case). False on an
 * empty or malformed number, any other suffix, zero or overflow. No rounding
 * and no range check: manifest_parse does those for mem=. */
bool manifest_parse_size(const char *s, size_t len, uint64_t *bytes);

#endif
