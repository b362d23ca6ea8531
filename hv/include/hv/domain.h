/*
 * Domains and their vCPUs. A domain is created from a manifest entry, built
 * (memory, page tables, start_info), started, and destroyed when it shuts
 * down or crashes: its frames go back to the free list only after its last
 * vCPU has been switched out for good (the reaper runs on another stack).
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/manifest.h>
#include <hv/event.h>
#include <hv/mm.h>
#include <hv/p2m.h>
#include <hv/pv.h>
#include <hv/types.h>
#include <public/xen.h>
#include <arch/vcpu_state.h>

#define MAX_DOMAINS        MANIFEST_MAX_DOMAINS
#define MAX_VCPUS_PER_DOM  MANIFEST_MAX_VCPUS
#define DOM_CONSOLE_LINE   160

enum domain_state {
	DOM_FREE = 0,		/* slot unused */
	DOM_BUILDING,
	DOM_RUNNING,
	DOM_DYING,		/* shut down or crashed, vCPUs may still be on a stack */
};

enum vcpu_state {
	VCPU_OFFLINE = 0,
	VCPU_RUNNABLE,
	VCPU_BLOCKED,
	VCPU_DEAD,
};

struct domain;

struct vcpu {
	unsigned int id;
	struct domain *domain;	/* NULL for the idle vCPU */
	enum vcpu_state state;
	struct vcpu *rq_next;	/* round-robin ring, scheduler-private */
	struct pv_vcpu pv;	/* the Xen PV64 register-level state */
	struct event_vcpu event;	/* vcpu_info, timers, blocking */
	struct arch_vcpu arch;
};

struct domain {
	domid_t id;
	enum domain_state state;
	char name[MANIFEST_NAME_MAX];
	char label[MANIFEST_LABEL_MAX];
	bool privileged;
	bool crashed;
	/* The domain that serves its console and xenstore rings (0: domid 0),
	 * as connected at boot (setup.c). */
	domid_t backend;
	/* XSM: the domain's SID (0 under the dummy module) and, under flask,
	 * the hypercall-gate permissions the current policy grants it without
	 * auditing, so the gate's common case is one bit test. Both are set by
	 * xsm_domain_label() and refreshed after every policy change. */
	uint32_t sid;
	uint32_t xsm_gate_fast;
	uint32_t shutdown_reason;	/* SHUTDOWN_* */
	uint64_t nr_pages;		/* frames owned, p2m size */
	uint64_t max_pages;		/* the manifest's mem=: a ceiling for populate */
	struct p2m p2m;
	struct mm_domain mm;		/* page types, vm_assist */
	struct event_domain event;	/* event-channel ports */
	mfn_t shared_info_mfn;
	struct shared_info *shared_info;
	struct vcpu vcpus[MAX_VCPUS_PER_DOM];
	unsigned int vcpu_count;
	unsigned int vcpus_alive;
	/* Console output is collected into lines and printed with a prefix. */
	char cons_line[DOM_CONSOLE_LINE];
	size_t cons_len;
	uint64_t cons_dropped;
	/* domain_reap's progress through a dying domain (domain.c). */
	unsigned int teardown_phase, teardown_slot;
	uint64_t teardown_next, teardown_freed;
	uint64_t teardown_steps, teardown_longest;	/* longest: TSC ticks */
};

/* Find a free slot and give it an id; NULL when full. */
struct domain *domain_alloc(const char *name);
/* Undo domain_alloc for a domain that never ran: frees what it owns. */
void domain_free_unstarted(struct domain *d);
struct domain *domain_by_id(domid_t id);
unsigned int domain_count_alive(void);
bool domain_any_crashed(void);

/*
 * Stop a domain: print why, take its vCPUs off the run queue. The caller
 * may be running on one of its vCPUs; it must then call schedule() and will
 * never come back. The memory is freed later by domain_reap().
 */
void domain_shutdown(struct domain *d, uint32_t reason);
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);
/* Free every dying domain whose vCPUs are no longer on a CPU, in steps
 * that give way to pending work: true while some teardown is unfinished
 * (call again). */
bool domain_reap(struct vcpu *curr);
/*
 * hv/common/domain_launch.c: read a built domain's launch parameters back
 * (name, label, mem, vcpus, priv, limits, backend) into manifest form, and
 * compare their canonical text with what was measured for it; false, with
 * both texts on the console, when they differ.
 */
void domain_launch_params(const struct domain *d, struct manifest_domain *out);
bool domain_launch_matches(const struct domain *d, const struct manifest_domain *md);
/* Free every frame a domain owns; returns how many. */
uint64_t domain_release_memory(struct domain *d);

#endif
