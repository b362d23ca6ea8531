/*
 * libFuzzer harness for every hypercall at once, through the one entry a
 * guest has: hypercall_dispatch() (hv/common/hypercall.c), the XSM gate
 * and each handler of hv/common/hypercall_table.c, multicall included, on
 * the fake arch. hv_main() boots three real domains from a small PV kernel
 * (dom0: privileged; web with dom0 as its backend; db), under the dummy
 * module or FLASK (enforcing or permissive, the default policy the build
 * makes). The program then runs as the first thing the CPU does after the
 * boot: a sequence of steps, each one what a domain's vCPU or the
 * hypervisor can do:
 *   - a hypercall, its arguments and the structures they point at drawn
 *     from a per-hypercall (and per sub-op) shape: every field from a
 *     vocabulary of plausible values (the caller's frames and page-table
 *     slots, PTEs, its virtual addresses, domain ids, ports, grant refs,
 *     pointers into its argument memory, times) or, now and then, anything;
 *   - a multicall of such entries; a hypercall number and arguments at
 *     random; a balloon driver's unmap, decrease_reservation and populate;
 *   - the guest writing its own writable frames (grant entries, shared_info)
 *     and its argument memory; time passing with timers firing; VIRQs;
 *     the idle vCPU reaping dead domains.
 * A vCPU that blocks or polls sleeps while the rest of the program runs
 * inside the fake context switch (as in fuzz_evtchn.c); one whose domain
 * died never comes back (its stack is abandoned, as on the machine).
 *
 * After the boot, every CHECK_EVERY-th step and the program's end, for
 * every domain: mm_check_invariants (fuzz_mm.c's invariants), every guest
 * frame is owned by a domain that exists, and every interdomain port
 * names a live peer whose port names it back. Under
 * FLASK enforcing, web and db (web_t, db_t: no set_debugreg, get_debugreg,
 * physdev_op, xsm_op or attest_op in the policy) get -EACCES for those. At
 * the end every domain is shut down and reaped: no guest frame, module
 * frame or hypervisor frame beyond the image and the idle vCPU's stack may
 * be left, and no timer armed. It never changes the hypervisor's
 * behaviour to make a check pass.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attest/measure.h>
#include <fake_arch.h>
#include <fake_time.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/domain_build.h>
#include <hv/elf.h>
#include <hv/event.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <public/attest_op.h>
#include <public/callback.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/mmu.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>
#include <xsm/flask.h>

#include "fuzz.h"
#include "fuzz_input.h"
#include "fuzz_kernel.h"

#ifndef FLASK_FUZZ_BLOB
#error "FLASK_FUZZ_BLOB: path of the default policy blob"
#endif

#define NR_DOMS    3
#define HV_FRAMES  16
#define NR_FRAMES  1100
#define DOM_PAGES  256		/* mem=1M: see small_kernel() */
#define MAX_STEPS  64
#define CHECK_EVERY 8		/* steps between two invariant walks (run_program) */
#define GBUF_VA    0x0000000000400000ULL
#define GBUF_SIZE  (16 * 1024)
#define REGION     512U		/* GBUF in 32 regions: 24 for objects, 8 for lists */
#define OBJ_REGIONS 24U
#define GRO_VA     (GBUF_VA + 0x100000)	/* read-only guest memory */

struct fdom {
	domid_t id;
	struct pv_layout l;
	uint64_t pt_pfn0;
	mfn_t boot_mfns[DOM_PAGES];	/* the p2m as built: stale once freed */
	bool busy;			/* its vCPU has a call on the stack */
};

static struct fdom doms[NR_DOMS];
static struct input in;
static uint8_t gbuf[GBUF_SIZE] __attribute__((aligned(64)));
static uint8_t gro[64] __attribute__((aligned(64)));
static uint32_t scratch[2 * NR_FRAMES];
static unsigned int steps_left, aux_next;
static bool flask_enforcing_boot;	/* booted with xsm=flask flask=enforcing */
static jmp_buf prog_end;
static bool program_ran;

/* The boot: kernel image, policy blob, module command lines. */
static uint8_t kernel[FUZZ_KERNEL_MAX];
static size_t kernel_len;
static struct elf_image kernel_img;
static uint8_t policy_blob[FLASK_POLICY_MAX];
static size_t policy_len;
static struct boot_info bi;

static const char *const dom_cmdline[NR_DOMS] = {
	"dom0.elf name=dom0 label=system_u:system_r:dom0_t mem=1M priv=yes evtchn_ports=64 "
	"grant_frames=2 maptrack=16 -- console=hvc0",
	"web.elf name=web label=system_u:system_r:web_t mem=1M backend=dom0 evtchn_ports=128 "
	"grant_frames=2 maptrack=16",
	"db.elf name=db label=system_u:system_r:db_t mem=1M evtchn_ports=64 grant_frames=1 "
	"maptrack=16",
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_hypercall: %s: %s\n", what, why);
	abort();
}

static struct domain *dom_of(unsigned int k)
{
	return domain_by_id(doms[k].id);
}

/* ---- invariants ------------------------------------------------------------- */

harness_only static void check_world(const char *after)
{
	char why[256];

	for (unsigned int k = 0; k < NR_DOMS; k++) {
		struct domain *d = dom_of(k);

		if (d != NULL && mm_check_invariants(d, scratch, ARRAY_SIZE(scratch), why, sizeof(why)) != 0) {
			die(after, why);
		}
	}
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		struct domain *d = dom_of(k);

		for (uint32_t p = 0; d != NULL && p < d->event.max_ports; p++) {
			const struct evtchn *c = evtchn_get(d, p);
			const struct domain *rd;
			const struct evtchn *rc;

			if (c == NULL || c->state != ECS_INTERDOMAIN) {
				continue;
			}
			rd = domain_by_id(c->remote_dom);
			rc = rd != NULL ? evtchn_get(rd, c->remote_port) : NULL;
			if (rc == NULL || rc->state != ECS_INTERDOMAIN || rc->remote_dom != d->id ||
			    rc->remote_port != p) {
				die(after, "an interdomain port whose peer does not name it back");
			}
		}
	}
	/* A guest frame always belongs to a domain that exists. */
	for (uint64_t m = 0; m < frame_total(); m++) {
		const struct frame_info *f = frame_get(mfn(m));

		if (f->state == FRAME_GUEST && domain_by_id(f->owner) == NULL) {
			die(after, "a guest frame outlived its domain");
		}
	}
}

/* ---- the vocabulary ---------------------------------------------------------- */

/* Past 248 a value is anything at all. */
#define RAW_TAG 248

static mfn_t mfn_of_pfn(unsigned int k, uint64_t pfn)
{
	struct domain *d = dom_of(k);

	pfn %= DOM_PAGES;
	if (d != NULL) {
		mfn_t m = p2m_get(&d->p2m, pfn);

		if (mfn_x(m) != INVALID_MFN_RAW) {
			return m;
		}
	}
	return doms[k].boot_mfns[pfn];
}

/* A guest frame number of domain k: its page tables half of the time,
 * the first pages (kernel, start_info) often, any of its pages or just
 * past them otherwise. */
static uint64_t pick_pfn(unsigned int k, uint8_t t)
{
	const struct fdom *fd = &doms[k];

	if (t & 1) {
		return fd->pt_pfn0 + (t >> 1) % fd->l.pt_frames;
	}
	if (t & 2) {
		return t >> 2;
	}
	return u16(&in) % (DOM_PAGES + 2);
}

static mfn_t pick_mfn(unsigned int self)
{
	uint8_t t = u8(&in), b = u8(&in);
	unsigned int other = (self + 1 + (b & 1)) % NR_DOMS;
	struct domain *d;

	if (t < 150) {
		return mfn_of_pfn(self, pick_pfn(self, b));
	}
	if (t < 175) {
		return mfn_of_pfn(other, pick_pfn(other, b));
	}
	if (t < 210) {
		d = dom_of(t < 200 ? self : other);
		if (d == NULL) {
			return mfn(NR_FRAMES - 1);
		}
		switch (b & 3) {
		case 0:
			return d->shared_info_mfn;
		case 1:
			return d->mm.gnt.start_info;
		default:
			return gnttab_frame(d, b & 1);
		}
	}
	if (t < 225) {
		return mfn(b % HV_FRAMES);
	}
	if (t < 240) {
		return mfn(NR_FRAMES - 1 - (b & 15));
	}
	return mfn(t == 240 ? NR_FRAMES + b : u32(&in));
}

static uint64_t pick_flags(void)
{
	static const uint64_t common[] = {
		_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
		_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY,
		_PAGE_PRESENT,
		_PAGE_PRESENT | _PAGE_RW,
		_PAGE_PRESENT | _PAGE_RW | _PAGE_NX,
		0,
		_PAGE_PRESENT | _PAGE_PSE | _PAGE_RW,
	};
	uint8_t b = u8(&in);

	return common[b & 7] | ((b & 0x80) ? (uint64_t)(b & 0x70) << 5 : 0);
}

/* A virtual address of the caller: its boot region (kernel, tables, the
 * p2m list), low user addresses, the hypervisor's range, non-canonical. */
static uint64_t pick_va(unsigned int self)
{
	const struct pv_layout *l = &doms[self].l;
	uint8_t t = u8(&in), b = u8(&in);

	if (t < 180) {
		return l->v_start + ((uint64_t)(b % l->region_pages) << PAGE_SHIFT) + ((t & 7) << 3);
	}
	if (t < 200) {
		return (uint64_t)b << PAGE_SHIFT;
	}
	if (t < 215) {
		return 0xffff800000000000ULL + ((uint64_t)b << 30);
	}
	if (t < 230) {
		return 0x0000800000000000ULL - PAGE_SIZE * (b & 3);
	}
	return u64(&in);
}

/* A guest pointer: mostly to the argument memory, sometimes somewhere a
 * copy faults (read-only, unmapped, straddling the end, kernel range). */
static uint64_t pick_ptr(void)
{
	uint8_t t = u8(&in), b = u8(&in);

	if (t < 160) {
		return GBUF_VA + (b % 32) * REGION;
	}
	if (t < 200) {
		return GBUF_VA + (uint64_t)b * 8;
	}
	if (t < 215) {
		return GRO_VA + (b & 63);
	}
	if (t < 225) {
		return GBUF_VA + GBUF_SIZE - (b & 15);
	}
	if (t < 235) {
		return 0;
	}
	if (t < 245) {
		return 0xffff800000000000ULL + b;
	}
	return u64(&in);
}

static uint64_t pick_domid(unsigned int self)
{
	uint8_t t = u8(&in);

	if (t < 100) {
		return DOMID_SELF;
	}
	if (t < 200) {
		return doms[(self + t) % NR_DOMS].id;
	}
	switch (t & 7) {
	case 0:
		return 0;
	case 1:
		return DOMID_INVALID;
	case 2:
		return DOMID_XEN;
	case 3:
		return NR_DOMS + 1;
	default:
		return u16(&in);
	}
}

static uint64_t pick_time(void)
{
	uint8_t t = u8(&in);
	uint64_t now = arch_time_ns();

	if (t < 150) {
		return now + (uint64_t)u16(&in) * 1000;
	}
	if (t < 180) {
		return now - (uint64_t)u16(&in) * 1000;
	}
	if (t < 200) {
		return 0;
	}
	return u64(&in);
}

/* An 8-byte grant entry (struct grant_entry_v1) a granter writes. */
static uint64_t pick_grant_entry(unsigned int self)
{
	static const uint16_t flags[] = { GTF_permit_access, GTF_permit_access | GTF_readonly,
					  GTF_invalid, GTF_permit_access | GTF_sub_page };
	uint8_t t = u8(&in);
	/* Mostly to another domain: the one that may map it. */
	uint64_t domid = t < 200 ? doms[(self + 1 + (t >> 2 & 1)) % NR_DOMS].id : pick_domid(self);

	return flags[t & 3] | (domid & 0xffff) << 16 | (uint64_t)mfn_x(pick_mfn(self)) << 32;
}

static void aux_list(unsigned int self, char code, uint64_t *ptr);

/*
 * One value for field code c, written as size bytes when it lands in a
 * structure:
 *   b h w q  small (or any) 1-, 2-, 4-, 8-byte integers;  k  a small count
 *   D domid  P port  V vCPU  R grant ref  M mfn  N pfn  A page-table slot's
 *   machine address  E PTE  L virtual address  G guest pointer  T time
 *   Y map host address (va or PTE address)  U copy ref or mfn
 *   K mmuext argument (mfn, va, pointer)  W grant entry
 *   S pointer to a list of ports  X pointer to a list of frames
 *   x a zero byte (padding)
 */
static uint64_t value(unsigned int self, char c)
{
	uint8_t t;

	if (c == 'x') {
		return 0;
	}
	t = u8(&in);
	if (t >= RAW_TAG) {
		return u64(&in);
	}
	switch (c) {
	case 'b':
	case 'h':
	case 'w':
		return t & 31;
	case 'k':
		return t % 5;
	case 'q':
		return t < 128 ? t : u64(&in);
	case 'D':
		return pick_domid(self);
	case 'P':
		return t < 200 ? t % 12 : u16(&in);
	case 'V':
		return t % 4;
	case 'R':
		return t < 200 ? t % 12 : u32(&in);
	case 'M':
		return mfn_x(pick_mfn(self));
	case 'N':
		return pick_pfn(self, t);
	case 'A':
		return (mfn_x(pick_mfn(self)) << PAGE_SHIFT) + (u16(&in) & 0xff8) +
		       (t < 200 ? MMU_NORMAL_PT_UPDATE : t < 230 ? MMU_PT_UPDATE_PRESERVE_AD : t & 3);
	case 'E':
		return pte_make(pick_mfn(self), pick_flags());
	case 'L':
		return pick_va(self);
	case 'G':
		return pick_ptr();
	case 'T':
		return pick_time();
	case 'Y':
		return t < 128 ? pick_va(self) & ~(PAGE_SIZE - 1)
			       : (mfn_x(pick_mfn(self)) << PAGE_SHIFT) + (u16(&in) & 0xff8);
	case 'U':
		return t < 128 ? t % 12 : mfn_x(pick_mfn(self));
	case 'K':
		return t < 100 ? mfn_x(pick_mfn(self)) : t < 180 ? pick_va(self) : pick_ptr();
	case 'W':
		return pick_grant_entry(self);
	case 'S':
	case 'X': {
		uint64_t p;

		aux_list(self, c, &p);
		return p;
	}
	default:
		return u64(&in);
	}
}

static unsigned int field_size(char c)
{
	switch (c) {
	case 'b':
	case 'x':
		return 1;
	case 'h':
	case 'D':
		return 2;
	case 'w':
	case 'P':
	case 'V':
	case 'R':
		return 4;
	default:
		return 8;
	}
}

/* Write the fields of layout at p (at most end - p bytes); the size. */
static size_t fill(unsigned int self, const char *layout, uint8_t *p, const uint8_t *end)
{
	uint8_t *start = p;

	for (const char *c = layout; *c != '\0'; c++) {
		unsigned int n = field_size(*c);
		uint64_t v = value(self, *c);

		if (p + n > end) {
			break;
		}
		memcpy(p, &v, n);
		p += n;
	}
	return (size_t)(p - start);
}

/* Four ports or frames in one of the list regions; *ptr points at them. */
static void aux_list(unsigned int self, char code, uint64_t *ptr)
{
	unsigned int r = OBJ_REGIONS + aux_next++ % (32 - OBJ_REGIONS);
	uint8_t *p = gbuf + r * REGION;

	*ptr = GBUF_VA + r * REGION;
	fill(self, code == 'S' ? "PPPP" : (u8(&in) & 1) ? "MMMM" : "NNNN", p, p + REGION);
}

/* ---- hypercall shapes -------------------------------------------------------- */

/*
 * A hypercall as a guest makes it: args[] gives each argument's code (the
 * value codes above, and c the sub-op, O the object, n its count, H a
 * pointer the handler writes to); obj the layout of the object, repeated
 * count (1..max) times.
 */
struct shape {
	uint8_t nr;
	uint8_t max;
	uint32_t sub;
	const char *args;
	const char *obj;
};

#define ANY_SUB 0xffffffffU

static const struct shape shapes[] = {
	{ __HYPERVISOR_set_trap_table, 4, ANY_SUB, "O", "bbhxxxxL" },
	{ __HYPERVISOR_mmu_update, 4, ANY_SUB, "OnHD", "AE" },
	{ __HYPERVISOR_mmu_update, 1, ANY_SUB, "OnHD", "AE" },
	{ __HYPERVISOR_set_gdt, 1, ANY_SUB, "Xq", NULL },
	{ __HYPERVISOR_stack_switch, 1, ANY_SUB, "wL", NULL },
	{ __HYPERVISOR_set_callbacks, 1, ANY_SUB, "LLL", NULL },
	{ __HYPERVISOR_fpu_taskswitch, 1, ANY_SUB, "w", NULL },
	{ __HYPERVISOR_set_debugreg, 1, ANY_SUB, "wL", NULL },
	{ __HYPERVISOR_get_debugreg, 1, ANY_SUB, "w", NULL },
	{ __HYPERVISOR_update_descriptor, 1, ANY_SUB, "Aq", NULL },
	{ __HYPERVISOR_memory_op, 1, XENMEM_decrease_reservation, "cO", "XkwwDxxxxxx" },
	{ __HYPERVISOR_memory_op, 1, XENMEM_populate_physmap, "cO", "XkwwDxxxxxx" },
	{ __HYPERVISOR_memory_op, 1, XENMEM_increase_reservation, "cO", "XkwwDxxxxxx" },
	{ __HYPERVISOR_memory_op, 1, XENMEM_current_reservation, "cO", "D" },
	{ __HYPERVISOR_memory_op, 1, XENMEM_memory_map, "cO", "wxxxxG" },
	{ __HYPERVISOR_memory_op, 1, XENMEM_machphys_mapping, "cH", NULL },
	{ __HYPERVISOR_memory_op, 1, ANY_SUB, "wH", NULL },
	{ __HYPERVISOR_update_va_mapping, 1, ANY_SUB, "LEq", NULL },
	{ __HYPERVISOR_set_timer_op, 1, ANY_SUB, "T", NULL },
	{ __HYPERVISOR_xen_version, 1, ANY_SUB, "wH", NULL },
	{ __HYPERVISOR_console_io, 1, CONSOLEIO_write, "ckO", "qqqq" },
	{ __HYPERVISOR_console_io, 1, ANY_SUB, "wqG", NULL },
	{ __HYPERVISOR_grant_table_op, 4, GNTTABOP_map_grant_ref, "cOn", "YwRDhwq" },
	{ __HYPERVISOR_grant_table_op, 1, GNTTABOP_map_grant_ref, "cOn", "YwRDhwq" },
	{ __HYPERVISOR_grant_table_op, 4, GNTTABOP_unmap_grant_ref, "cOn", "Yqwhh" },
	{ __HYPERVISOR_grant_table_op, 2, GNTTABOP_setup_table, "cOn", "DxxwxxxxxxxxG" },
	{ __HYPERVISOR_grant_table_op, 4, GNTTABOP_copy, "cOn", "UDhxxxxUDhxxxxhhxxxx" },
	{ __HYPERVISOR_grant_table_op, 2, GNTTABOP_query_size, "cOn", "Dxxwwhxx" },
	{ __HYPERVISOR_grant_table_op, 1, ANY_SUB, "wGq", NULL },
	{ __HYPERVISOR_vm_assist, 1, ANY_SUB, "ww", NULL },
	{ __HYPERVISOR_iret, 1, ANY_SUB, "", NULL },
	{ __HYPERVISOR_vcpu_op, 1, VCPUOP_register_runstate_memory_area, "cVO", "G" },
	{ __HYPERVISOR_vcpu_op, 1, VCPUOP_set_periodic_timer, "cVO", "q" },
	{ __HYPERVISOR_vcpu_op, 1, VCPUOP_set_singleshot_timer, "cVO", "Twxxxx" },
	{ __HYPERVISOR_vcpu_op, 1, VCPUOP_register_vcpu_info, "cVO", "Mwxxxx" },
	{ __HYPERVISOR_vcpu_op, 1, ANY_SUB, "wVH", NULL },
	{ __HYPERVISOR_set_segment_base, 1, ANY_SUB, "wL", NULL },
	{ __HYPERVISOR_mmuext_op, 4, ANY_SUB, "OnHD", "wxxxxKK" },
	{ __HYPERVISOR_xsm_op, 1, ANY_SUB, "O", "wwqqqqqq" },
	{ __HYPERVISOR_sched_op, 1, SCHEDOP_yield, "c", NULL },
	{ __HYPERVISOR_sched_op, 1, SCHEDOP_block, "c", NULL },
	{ __HYPERVISOR_sched_op, 1, SCHEDOP_shutdown, "cO", "w" },
	{ __HYPERVISOR_sched_op, 1, SCHEDOP_poll, "cO", "SwxxxxT" },
	{ __HYPERVISOR_sched_op, 1, ANY_SUB, "wG", NULL },
	{ __HYPERVISOR_callback_op, 1, CALLBACKOP_register, "cO", "hhxxxxL" },
	{ __HYPERVISOR_callback_op, 1, CALLBACKOP_unregister, "cO", "hxx" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_bind_interdomain, "cO", "DxxPP" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_bind_virq, "cO", "wVP" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_close, "cO", "P" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_send, "cO", "P" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_status, "cO", "DxxPwwDxxP" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_alloc_unbound, "cO", "DDP" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_bind_ipi, "cO", "VP" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_bind_vcpu, "cO", "PV" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_unmask, "cO", "P" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_reset, "cO", "D" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_init_control, "cO", "MwVbxxxxxxx" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_expand_array, "cO", "M" },
	{ __HYPERVISOR_event_channel_op, 1, EVTCHNOP_set_priority, "cO", "Pw" },
	{ __HYPERVISOR_event_channel_op, 1, ANY_SUB, "wO", "qq" },
	{ __HYPERVISOR_physdev_op, 1, PHYSDEVOP_set_iopl, "cO", "w" },
	{ __HYPERVISOR_physdev_op, 1, ANY_SUB, "wG", NULL },
	{ __HYPERVISOR_attest_op, 1, ANY_SUB, "O", "wwqqqq" },
};

static const struct shape multicall_shape = { __HYPERVISOR_multicall, 8, ANY_SUB, "On", NULL };

static void make_multicall(unsigned int self, unsigned int depth, struct hypercall_args *a);

/* The arguments of shape s for the caller, and the object they point at,
 * written into one of the object regions of the argument memory. */
static void make_args(unsigned int self, const struct shape *s, unsigned int depth,
		      struct hypercall_args *a)
{
	unsigned int region = u8(&in) % OBJ_REGIONS;
	unsigned int count = 1 + u8(&in) % s->max;
	uint8_t *obj = gbuf + region * REGION;

	memset(a, 0, sizeof(*a));
	if (s->obj != NULL) {
		uint8_t *p = obj;

		for (unsigned int i = 0; i < count; i++) {
			p += fill(self, s->obj, p, obj + REGION);
		}
	}
	for (unsigned int i = 0; s->args[i] != '\0' && i < 6; i++) {
		switch (s->args[i]) {
		case 'c':
			a->a[i] = s->sub;
			break;
		case 'O':
			a->a[i] = GBUF_VA + region * REGION;
			break;
		case 'n':
			a->a[i] = (u8(&in) == 0xff) ? u32(&in) : count;
			break;
		case 'H':
			a->a[i] = pick_ptr();
			break;
		default:
			a->a[i] = value(self, s->args[i]);
			break;
		}
	}
	if (s->nr == __HYPERVISOR_multicall) {
		make_multicall(self, depth, a);
	}
}

static const struct shape *pick_shape(void)
{
	uint8_t t = u8(&in);

	return &shapes[(t | (uint32_t)u8(&in) << 8) % ARRAY_SIZE(shapes)];
}

/* A multicall list of entries built like top-level calls (a nested
 * multicall now and then: the handler must refuse it). */
static void make_multicall(unsigned int self, unsigned int depth, struct hypercall_args *a)
{
	unsigned int region = u8(&in) % OBJ_REGIONS;
	unsigned int count = 1 + u8(&in) % 8;
	struct multicall_entry e[8];

	for (unsigned int i = 0; i < count; i++) {
		const struct shape *s = pick_shape();
		struct hypercall_args ea;

		if (depth == 0 && (u8(&in) & 31) == 0) {
			s = &multicall_shape;
		}
		make_args(self, s, depth + 1, &ea);
		e[i].op = s->nr;
		e[i].result = 0x5a5a5a5a;
		memcpy(e[i].args, ea.a, sizeof(e[i].args));
	}
	memcpy(gbuf + region * REGION, e, count * sizeof(e[0]));
	a->a[0] = GBUF_VA + region * REGION;
	a->a[1] = (u8(&in) == 0xff) ? u32(&in) : count;
}

/* ---- steps ------------------------------------------------------------------- */

static void run_program(struct vcpu *sleeper);

static struct vcpu *runnable_vcpu(unsigned int k)
{
	struct domain *d = dom_of(k);

	if (d == NULL || d->state != DOM_RUNNING || doms[k].busy ||
	    d->vcpus[0].state != VCPU_RUNNABLE) {
		return NULL;
	}
	return &d->vcpus[0];
}

/* What the default policy never lets web_t and db_t call. */
static bool denied_to_guests(uint64_t nr)
{
	return nr == __HYPERVISOR_set_debugreg || nr == __HYPERVISOR_get_debugreg ||
	       nr == __HYPERVISOR_physdev_op || nr == __HYPERVISOR_xsm_op ||
	       nr == __HYPERVISOR_attest_op;
}

static void call(unsigned int k, struct vcpu *v, uint64_t nr, const struct hypercall_args *a)
{
	bool gate_denies = flask_enforcing_boot && k != 0 && denied_to_guests(nr) && flask_enforcing();
	struct hypercall_args args = *a;
	int64_t rc;

	doms[k].busy = true;
	fake_set_current(v);
	rc = hypercall_dispatch(v, nr, &args);
	/* A continuation is re-issued with the rest it wrote back, as the
	 * guest's CPU would. Each issue does at least one item and every list
	 * lies in the bounded guest buffer, so it ends. */
	for (unsigned int n = 0; hypercall_continued(v, rc); n++) {
		if (n > (1U << 22)) {
			die("continuation", "a batch re-issued 4M times without ending");
		}
		rc = hypercall_dispatch(v, nr, &args);
	}
	doms[k].busy = false;
	if (gate_denies && rc != -XEN_EACCES) {
		die("the gate", "a hypercall web_t or db_t may not make was not refused");
	}
}

/* A frame the guest may write itself: no page-table or descriptor type. */
static bool guest_writable(unsigned int self, mfn_t m)
{
	const struct frame_info *f = frame_get(m);

	return f != NULL && f->state == FRAME_GUEST && f->owner == doms[self].id &&
	       (f->type_count == 0 || f->type == MM_TYPE_WRITABLE);
}

static void guest_store(unsigned int self)
{
	struct domain *d = dom_of(self);
	uint8_t t = u8(&in);
	unsigned int off = u16(&in) & (PAGE_SIZE - 8);
	mfn_t m;
	uint64_t v;

	if (d == NULL) {
		return;
	}
	m = t < 120 ? gnttab_frame(d, t & 1) : t < 160 ? d->shared_info_mfn : pick_mfn(self);
	if (t < 120) {
		off &= 0x78;	/* the first grant entries */
	}
	v = t < 120 ? pick_grant_entry(self) : value(self, (t & 1) ? 'E' : 'q');
	if (mfn_x(m) != INVALID_MFN_RAW && guest_writable(self, m)) {
		memcpy((uint8_t *)arch_frame_map(m) + off, &v, sizeof(v));
	}
}

/* Anything at all into the argument memory. */
static void guest_scribble(void)
{
	unsigned int off = u16(&in) % GBUF_SIZE;
	unsigned int n = u8(&in) % 64;

	for (unsigned int i = 0; i < n && off + i < GBUF_SIZE; i++) {
		gbuf[off + i] = u8(&in);
	}
}

/* What the guest's upcall handler does: take the pending events. */
static void guest_upcall(struct domain *d, struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_of(v);
	uint64_t sel;

	vi->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	for (unsigned int w = 0; w < 64; w++) {
		if ((sel >> w) & 1) {
			d->shared_info->evtchn_pending[w] &= d->shared_info->evtchn_mask[w];
		}
	}
	vi->evtchn_upcall_mask = u8(&in) & 1;
}

static void reap_as_idle(void)
{
	fake_set_current(NULL);
	while (domain_reap(NULL)) {
		/* a teardown in steps: until every dying domain is gone */
	}
}

/*
 * What a balloon driver does: unmap one of its pages, give the frame back
 * (decrease_reservation), and perhaps populate the hole again; as separate
 * calls or one multicall. The frame may then go to another domain while
 * something still remembers it.
 */
static void balloon(unsigned int self, struct vcpu *v)
{
	const struct fdom *fd = &doms[self];
	uint8_t t = u8(&in);
	uint64_t pfn = pick_pfn(self, u8(&in)) % fd->l.region_pages;
	uint64_t va = fd->l.v_start + (pfn << PAGE_SHIFT);
	uint64_t *list = (uint64_t *)(gbuf + (OBJ_REGIONS + 7) * REGION);
	struct xen_memory_reservation *res = (void *)(gbuf + (OBJ_REGIONS + 6) * REGION);
	uint64_t res_va = GBUF_VA + (OBJ_REGIONS + 6) * REGION;
	uint64_t list_va = GBUF_VA + (OBJ_REGIONS + 7) * REGION;
	struct multicall_entry e[3];
	unsigned int n = (t & 1) ? 3 : 2;

	memset(e, 0, sizeof(e));
	memset(res, 0, 2 * sizeof(*res));
	list[0] = mfn_x(mfn_of_pfn(self, pfn));
	list[1] = pfn;
	/* Two reservations: the frame going out, the pfn coming back. */
	res[0].extent_start = list_va;
	res[1].extent_start = list_va + 8;
	res[0].nr_extents = res[1].nr_extents = 1;
	res[0].domid = res[1].domid = DOMID_SELF;
	e[0] = (struct multicall_entry){ .op = __HYPERVISOR_update_va_mapping,
					 .args = { va, 0, UVMF_INVLPG } };
	e[1] = (struct multicall_entry){ .op = __HYPERVISOR_memory_op,
					 .args = { XENMEM_decrease_reservation, res_va } };
	e[2] = (struct multicall_entry){ .op = __HYPERVISOR_memory_op,
					 .args = { XENMEM_populate_physmap, res_va + sizeof(*res) } };
	if (v == NULL) {
		return;
	}
	if (t & 2) {
		struct hypercall_args a = { { GBUF_VA + OBJ_REGIONS * REGION, n, 0, 0, 0, 0 } };

		memcpy(gbuf + OBJ_REGIONS * REGION, e, n * sizeof(e[0]));
		call(self, v, __HYPERVISOR_multicall, &a);
		return;
	}
	for (unsigned int i = 0; i < n && runnable_vcpu(self) == v; i++) {
		struct hypercall_args a;

		memcpy(a.a, e[i].args, sizeof(a.a));
		call(self, v, e[i].op, &a);
	}
}

static void step(void)
{
	uint8_t op = u8(&in);
	unsigned int self = (op >> 4) % NR_DOMS;
	struct vcpu *v = runnable_vcpu(self);
	struct hypercall_args a;

	switch (op & 15) {
	case 6:
		balloon(self, v);
		break;
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
	case 5: {
		const struct shape *s = pick_shape();

		make_args(self, s, 0, &a);
		if (v != NULL) {
			call(self, v, s->nr, &a);
		}
		break;
	}
	case 7:
	case 8:
		make_args(self, &multicall_shape, 0, &a);
		if (v != NULL) {
			call(self, v, __HYPERVISOR_multicall, &a);
		}
		break;
	case 9:
		guest_store(self);
		break;
	case 10:
		guest_scribble();
		break;
	case 11:
		fake_time_advance((uint64_t)u16(&in) * 1000);
		timer_run_expired(arch_time_ns());
		break;
	case 12: {
		struct domain *d = dom_of(self);

		if (d != NULL && d->state == DOM_RUNNING) {
			evtchn_send_virq(&d->vcpus[0], u8(&in) % (NR_VIRQS + 1));
		}
		break;
	}
	case 13:
		reap_as_idle();
		break;
	case 14:
		if (v != NULL) {
			guest_upcall(v->domain, v);
		}
		break;
	default: {
		uint64_t nr = u8(&in) % (MOAT_NR_HYPERCALLS + 4);

		for (unsigned int i = 0; i < 6; i++) {
			a.a[i] = (u8(&in) & 1) ? pick_ptr() : u64(&in);
		}
		if (v != NULL) {
			call(self, v, nr, &a);
		}
		break;
	}
	}
}

/* Run steps until the program ends, or until sleeper (if any) stops
 * sleeping. */
static void run_program(struct vcpu *sleeper)
{
	while (steps_left > 0 && in.left > 0) {
		if (sleeper != NULL && sleeper->state != VCPU_BLOCKED) {
			return;
		}
		steps_left--;
		step();
		/* The whole walk after every CHECK_EVERY-th step and the last
		 * (after every step it was a third of the harness's time): a
		 * broken invariant is still found in the same input unless the
		 * steps before the next walk happen to repair it; switch_hook
		 * walks once more however the program ended. */
		if ((MAX_STEPS - steps_left) % CHECK_EVERY == 0 || steps_left == 0 || in.left == 0) {
			check_world("a step");
		}
	}
}

/* Every domain shut down and reaped: nothing of theirs may be left. */
harness_only static void teardown_and_check(void)
{
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		struct domain *d = dom_of(k);

		if (d != NULL) {
			domain_shutdown(d, SHUTDOWN_poweroff);
		}
	}
	/* Nothing is on the CPU any more: every stack may go. */
	fake_switch_reset();
	while (domain_reap(NULL)) {
		/* a teardown in steps: until every dying domain is gone */
	}
	check(domain_count_alive() == 0);
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		check(dom_of(k) == NULL);
	}
	if (frame_count_state(FRAME_GUEST) != 0 || frame_count_state(FRAME_MODULE) != 0) {
		die("teardown", "guest or module frames left after every domain was reaped");
	}
	if (frame_count_state(FRAME_HV) != HV_FRAMES + HV_VCPU_FRAMES) {
		die("teardown", "hypervisor frames leaked (p2m, port or grant tables, stacks)");
	}
	/* The scheduler's slice timer goes with the scheduler. */
	sched_init(NULL);
	check(timer_next_deadline() == 0);
}

/*
 * The fake arch_context_switch returns at once; on the machine a vCPU that
 * blocked comes back only once woken, and one whose domain died never
 * does. So the program runs here: after the boot (prev: the boot context),
 * and while prev sleeps.
 */
static void switch_hook(struct vcpu *prev, struct vcpu *next)
{
	(void)next;
	if (prev->domain == NULL && !prev->arch.idle) {
		/* hv_main's sched_start: the domains are up. */
		fake_set_current(NULL);
		check_world("boot");
		for (unsigned int k = 0; k < NR_DOMS; k++) {
			struct domain *d = dom_of(k);

			check(d != NULL && d->state == DOM_RUNNING);
			for (uint64_t pfn = 0; pfn < DOM_PAGES; pfn++) {
				doms[k].boot_mfns[pfn] = p2m_get(&d->p2m, pfn);
			}
		}
		if (setjmp(prog_end) == 0) {
			run_program(NULL);
		}
		/* However the program ended (a sleeper's stack abandoned too). */
		check_world("the program");
		teardown_and_check();
		program_ran = true;
		return;
	}
	if (prev->domain == NULL || prev->state == VCPU_RUNNABLE) {
		return;
	}
	run_program(prev);
	if (prev->state == VCPU_RUNNABLE) {
		return;		/* woken: its call goes on */
	}
	/* Dead (or asleep when the program ended): this stack never resumes. */
	run_program(NULL);
	longjmp(prog_end, 1);
}

/* ---- the boot ---------------------------------------------------------------- */

/*
 * The boot region ends on a 4 MiB boundary (pv_layout.c): a kernel that
 * starts 3 MiB into its virtual base's 4 MiB block needs only the last
 * MiB, so each domain fits in mem=1M and the machine stays small (fast).
 */
static struct fuzz_kernel_opts small_kernel(void)
{
	struct fuzz_kernel_opts o = fuzz_kernel_default();
	uint64_t base = FUZZ_KERNEL_VBASE + 0x300000;

	o.virt_base = base;
	o.text_va = base + 0x1000;
	o.data_va = base + 0x4000;
	o.entry = base + 0x1010;
	return o;
}

static void init_once(void)
{
	static bool done;
	struct fuzz_kernel_opts o = small_kernel();
	struct elf_error eerr;
	struct build_error berr;

	if (done) {
		return;
	}
	done = true;
	policy_len = fuzz_read_file(FLASK_FUZZ_BLOB, policy_blob, sizeof(policy_blob));
	kernel_len = fuzz_kernel_build(kernel, &o);
	if (elf_parse(&kernel_img, kernel, kernel_len, &eerr) != 0) {
		die("the kernel image", eerr.msg);
	}
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		doms[k].id = (domid_t)(k + 1);
		if (pv_layout_compute(&doms[k].l, &kernel_img, DOM_PAGES, 0, &berr) != 0) {
			die("the layout", berr.msg);
		}
		doms[k].pt_pfn0 = (doms[k].l.pt_start - doms[k].l.v_start) >> PAGE_SHIFT;
	}
}

/* The modules in machine memory after the hypervisor, as a loader leaves
 * them. */
static void place_modules(bool flask)
{
	static const char policy_cmdline[] = "policy.blob type=policy";
	uint64_t next = HV_FRAMES;

	memset(&bi, 0, sizeof(bi));
	bi.loader = "fuzz";
	for (unsigned int i = 0; i < NR_DOMS + (flask ? 1 : 0); i++) {
		const void *data = i < NR_DOMS ? kernel : policy_blob;
		size_t len = i < NR_DOMS ? kernel_len : policy_len;
		uint64_t pages = ALIGN_UP(len, PAGE_SIZE) >> PAGE_SHIFT;

		fake_machine_write(next << PAGE_SHIFT, data, len);
		bi.mods[i] = (struct boot_module){ i < NR_DOMS ? dom_cmdline[i] : policy_cmdline,
						   next << PAGE_SHIFT, len };
		frame_mark(mfn(next), pages, FRAME_MODULE);
		next += pages;
		bi.mod_count++;
	}
	frame_mark(mfn(next), NR_FRAMES - next, FRAME_FREE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmdlines[] = {
		"/boot/moat.gz loglvl=err xsm=dummy",
		"/boot/moat.gz loglvl=err xsm=dummy",
		"/boot/moat.gz loglvl=err xsm=flask flask=enforcing",
		"/boot/moat.gz loglvl=err xsm=flask flask=permissive",
	};
	const struct fake_exit *ex;
	uint8_t config;

	init_once();
	in.p = data;
	in.left = size;
	config = u8(&in);

	fake_machine_init(NR_FRAMES);
	frame_mark(mfn(0), HV_FRAMES, FRAME_HV);
	place_modules(config & 2);
	frame_table_seal();
	fake_tsc_reset();
	fake_timer_records_reset();
	fake_time_set(1000000000ULL);
	fake_console_reset();
	fake_console_set_input("fuzz\n", 5);
	measure_reset();
	flask_reset();
	memset(gbuf, 0, sizeof(gbuf));
	memset(gro, 0, sizeof(gro));
	fake_guest_map(GBUF_VA, gbuf, sizeof(gbuf));
	fake_guest_map_ro(GRO_VA, gro, sizeof(gro));
	for (unsigned int k = 0; k < NR_DOMS; k++) {
		doms[k].busy = false;
	}
	bi.cmdline = cmdlines[config & 3];
	flask_enforcing_boot = (config & 3) == 2;
	steps_left = MAX_STEPS;
	aux_next = 0;
	program_ran = false;
	fake_switch_set_hook(switch_hook);

	if (!FAKE_EXITED(hv_main(&bi))) {
		die("boot", "hv_main returned");
	}
	ex = fake_exit_last();
	if (!program_ran || ex->kind != FAKE_EXIT_PANIC ||
	    strstr(ex->panic_msg, "the boot context was resumed") == NULL) {
		size_t len = fake_console_len();
		const char *out = fake_console_output();

		fprintf(stderr, "fuzz_hypercall: the hypervisor stopped (exit %d, status %d): %s\n",
			ex->kind, ex->status, ex->panic_msg);
		fprintf(stderr, "console tail:\n%s\n", out + (len > 2000 ? len - 2000 : 0));
		abort();
	}
	fake_switch_set_hook(NULL);
	fake_machine_fini();
	return 0;
}
