/*
 * hcfuzz_report.c: what the fuzzer remembers and tells: a ring of the last
 * calls (printed when something goes wrong, or every call with trace=N),
 * counts per hypercall and per return code, the progress and final lines.
 * It only ever writes its own tables and the console.
 */
#include "hcfuzz.h"

#define RING_SIZE 32
#define CODES     130			/* 0, -1..-127, positive, other */
#define NRS       65			/* hypercalls 0..63, then everything else */

struct hf_run hfr = { .trace_from = ~0ULL };

struct ring_rec {
	uint64_t iter;
	int32_t entry;		/* -1: the call itself, else its multicall entry */
	uint64_t nr;
	uint64_t a[6];
};

static struct ring_rec ring[RING_SIZE];
static unsigned int ring_at;
static uint32_t stats[NRS][CODES];
static uint32_t mc_stats[CODES];

/* One call as "#iter nr (args)", or "#iter.entry nr (args)" in a multicall. */
static void ring_print(const char *indent, const struct ring_rec *r)
{
	char id[32];

	if (r->entry < 0) {
		rt_snprintf(id, sizeof(id), "#%lu", (unsigned long)r->iter);
	} else {
		rt_snprintf(id, sizeof(id), "#%lu.%d", (unsigned long)r->iter, r->entry);
	}
	rt_printf("hcfuzz: %s%s nr %ld (%lx %lx %lx %lx %lx %lx)\n", indent, id, (long)r->nr,
		  (unsigned long)r->a[0], (unsigned long)r->a[1], (unsigned long)r->a[2],
		  (unsigned long)r->a[3], (unsigned long)r->a[4], (unsigned long)r->a[5]);
}

void hf_ring_log(const struct hf_call *c, int32_t entry)
{
	struct ring_rec *r = &ring[ring_at++ % RING_SIZE];

	r->iter = hfr.iter;
	r->entry = entry;
	r->nr = c->nr;
	memcpy(r->a, c->a, sizeof(r->a));
	if (hfr.iter >= hfr.trace_from) {
		ring_print("", r);
	}
}

void hf_ring_dump(const char *why)
{
	rt_printf("hcfuzz: %s at call #%lu; the last calls, oldest first:\n", why,
		  (unsigned long)hfr.iter);
	for (unsigned int i = 0; i < RING_SIZE; i++) {
		const struct ring_rec *r = &ring[(ring_at + i) % RING_SIZE];

		if (r->nr == 0 && r->iter == 0 && r->a[0] == 0) {
			continue;
		}
		ring_print("  ", r);
	}
	rt_flush();
}

static unsigned int code_index(long rc)
{
	if (rc == 0) {
		return 0;
	}
	if (rc > 0) {
		return 128;
	}
	return rc >= -127 ? (unsigned int)-rc : 129;
}

static const char *code_name(unsigned int code)
{
	static const struct {
		uint8_t code;
		const char *name;
	} names[] = {
		{ XEN_EPERM, "EPERM" },	    { XEN_ENOENT, "ENOENT" }, { XEN_ESRCH, "ESRCH" },
		{ XEN_ENXIO, "ENXIO" },	    { XEN_E2BIG, "E2BIG" },   { XEN_ENOMEM, "ENOMEM" },
		{ XEN_EACCES, "EACCES" },   { XEN_EFAULT, "EFAULT" }, { XEN_EBUSY, "EBUSY" },
		{ XEN_EEXIST, "EEXIST" },   { XEN_ENODEV, "ENODEV" }, { XEN_EINVAL, "EINVAL" },
		{ XEN_ENOSPC, "ENOSPC" },   { XEN_ERANGE, "ERANGE" }, { XEN_ENOSYS, "ENOSYS" },
		{ XEN_ENODATA, "ENODATA" }, { XEN_ETIME, "ETIME" },   { XEN_EOPNOTSUPP, "EOPNOTSUPP" },
	};

	if (code == 0) {
		return "ok";
	}
	if (code == 128) {
		return "positive";
	}
	if (code == 129) {
		return "other";
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i].code == code) {
			return names[i].name;
		}
	}
	return NULL;
}

/* "name count" pairs of one histogram, at most `max` of them, largest first. */
static void print_codes(const uint32_t *h, unsigned int max)
{
	uint8_t done[CODES] = { 0 };

	for (unsigned int k = 0; k < max; k++) {
		unsigned int best = CODES;

		for (unsigned int c = 0; c < CODES; c++) {
			if (!done[c] && h[c] && (best == CODES || h[c] > h[best])) {
				best = c;
			}
		}
		if (best == CODES) {
			break;
		}
		done[best] = 1;
		if (code_name(best)) {
			rt_printf(" %s %u", code_name(best), h[best]);
		} else {
			rt_printf(" -%u %u", best, h[best]);
		}
	}
}

static const char *const hc_names[64] = {
	"set_trap_table", "mmu_update", "set_gdt", "stack_switch", "set_callbacks",
	"fpu_taskswitch", "sched_op_compat", "platform_op", "set_debugreg", "get_debugreg",
	"update_descriptor", "11", "memory_op", "multicall", "update_va_mapping",
	"set_timer_op", "event_channel_op_compat", "xen_version", "console_io",
	"physdev_op_compat", "grant_table_op", "vm_assist", "update_va_mapping_otherdomain",
	"iret", "vcpu_op", "set_segment_base", "mmuext_op", "xsm_op", "nmi_op", "sched_op",
	"callback_op", "xenoprof_op", "event_channel_op", "physdev_op", "hvm_op", "sysctl",
	"domctl", "kexec_op", "tmem_op", "argo_op", "xenpmu_op", "dm_op", "hypfs_op", "43",
	"44", "45", "46", "47", "arch_0", "arch_1", "attest_op", "arch_3", "arch_4", "arch_5",
	"arch_6", "arch_7", "56", "57", "58", "59", "60", "61", "62", "63",
};

void hf_report_summary(const char *head)
{
	uint32_t total[CODES] = { 0 };

	for (unsigned int n = 0; n < NRS; n++) {
		for (unsigned int c = 0; c < CODES; c++) {
			total[c] += stats[n][c];
		}
	}
	rt_printf("hcfuzz: %s", head);
	print_codes(total, 9);
	rt_printf("\n");
}

void hf_stat(uint64_t nr, long rc)
{
	stats[nr < 64 ? nr : 64][code_index(rc)]++;
}

void hf_stat_entry(long rc)
{
	hfr.mc_entries++;
	mc_stats[code_index(rc)]++;
}

void hf_report_final(uint64_t iters, uint64_t ms)
{
	rt_printf("hcfuzz: done: %lu calls and %lu multicall entries in %lu ms of system time; "
		  "%u #DB, %u #NM, %u failsafe, %u scratch relinks\n", (unsigned long)iters,
		  (unsigned long)hfr.mc_entries, (unsigned long)ms, hfr.db, hfr.nm, hfr.failsafe,
		  hfr.repairs);
	for (unsigned int n = 0; n < NRS; n++) {
		uint32_t calls = 0;

		for (unsigned int c = 0; c < CODES; c++) {
			calls += stats[n][c];
		}
		if (calls == 0) {
			continue;
		}
		rt_printf("hcfuzz: nr %u %s %u:", n, n < 64 ? hc_names[n] : "other", calls);
		print_codes(stats[n], 6);
		rt_printf("\n");
	}
	rt_printf("hcfuzz: direct stores into the scratch region: %u stored, %u faulted; "
		  "SCHEDOP_block with a timer: %u woke, %u refused on the way\n", hfr.ptw_stored,
		  hfr.ptw_faulted, hfr.blocks, hfr.blocks_refused);
	rt_printf("hcfuzz: multicall entries:");
	print_codes(mc_stats, 9);
	rt_printf("\n");
	hf_report_summary("return codes:");
}
