/*
 * hcfuzz: an in-guest hypercall fuzzer. Seeded, reproducible random
 * hypercalls of every family Moat implements (set_trap_table through
 * attest_op), unimplemented and out-of-range numbers, and multicalls of
 * them, with structure-aware arguments: valid and invalid handles, ports,
 * grant refs and domids, valid and random sub-ops, pointers to built
 * structures, to unmapped, non-canonical and hypervisor addresses and to a
 * read-only page, our frames and the bystander's (found in the M2P),
 * random frames, huge counts. Besides hypercalls it makes direct stores
 * into its scratch region, which the hypervisor emulates as page-table
 * updates where a scratch page maps one of its tables read-only. The same
 * seed, binary and -icount replay the same calls. A run passes when every
 * call returned; the hypervisor not crashing or hanging and the
 * bystander's memory staying intact are judged by the test
 * (tests/integration/tests_hcfuzz.py).
 *
 * Keys: name, seed (default: from the wallclock and TSC), iters (default
 * 2000), self and peer (our and the bystander's domid, default 2 and 1),
 * progress (calls between progress lines, default 2000: the same for any
 * iters, so a prefix of a run replays exactly), trace=N (print every call from
 * call N on, before it is issued: for a call that never returns).
 *
 * The fuzzer must not kill itself on purpose, so some calls and shapes are
 * never generated; a call that kills it anyway is a finding about the
 * guest (or the hypervisor), not a pass:
 * - sched_op shutdown with a valid reason (only bad pointers, or reasons
 *   past SHUTDOWN_soft_reset, which Moat refuses: on Xen those would end
 *   the domain); SCHEDOP_watchdog except with a bad pointer;
 *   SCHEDOP_remote_shutdown naming us; SCHEDOP_poll without a near timeout
 *   (it could sleep forever); SCHEDOP_block except the loop's own shape
 *   (reset our ports, bind VIRQ_TIMER, arm a timer, block), never inside
 *   a multicall.
 * - iret except the loop's own shape, which returns to the next line in
 *   kernel mode (CS 0xe030, no TF/DF/AC); a random iret only as a multicall
 *   entry, which Moat refuses (Xen would run it and lose our context).
 * - set_trap_table, set_callbacks and callback_op of any shape, even NULL
 *   (which clears the table): allowed because the loop reinstalls our
 *   table and callbacks right after the call, with events masked around
 *   it. fpu_taskswitch(1) likewise (CR0.TS cleared after; a #NM handler
 *   as a backstop).
 * - MMUEXT_NEW_BASEPTR only to the current root or frames that cannot be a
 *   root (never a scratch frame: a random pin may have made one a valid,
 *   empty L4). Unpin, clear/copy page, decrease_reservation and every
 *   write of a PTE never name a table or frame we run on: PTEs are only
 *   written into the scratch region's own tables and scratch frames, and
 *   only ever point at scratch, sink or other domains' frames. Mapping
 *   addresses are the scratch region or addresses that must be refused.
 * - Frames the hypervisor writes on our behalf (FIFO control blocks and
 *   arrays, grant copy destinations and the frames our own grants name,
 *   update_descriptor, vcpu_info, runstate areas) are scratch, sink or
 *   frames the hypervisor must refuse (ours that are page tables,
 *   another domain's, past RAM); vcpu_info moves only to its own page and
 *   the loop follows it before unmasking events (an upcall reading the old
 *   one would never clear the new pending flag). FIFO control blocks never
 *   go to shared_info (our vCPU time lives there). VCPUOP_down never names
 *   vCPU 0.
 * - Everything else goes unrestricted (vm_assist, set_segment_base,
 *   physdev_op, xsm_op, attest_op, grant and event channel sub-ops, timers,
 *   memory queries), only with outputs pointed at memory we may lose.
 * - set_gdt and update_descriptor with garbage are allowed: our CS/SS are
 *   the hypervisor's flat selectors above the guest's GDT and we load no
 *   other selector. stack_switch and new_user_baseptr of any value are
 *   allowed: we never enter user mode. Debug registers hold only addresses
 *   of memory we do not execute (arena, sink, scratch, refused ones); a
 *   #DB handler clears DR7 when a breakpoint fires.
 * - Console writes print only our own text (or the read-only pattern), so
 *   the log never carries random bytes; huge counts are rare.
 * - Unknown hypercall numbers (table holes, 64-127 through the hypercall
 *   page, 32/64-bit ones through a bare syscall) never equal 23 modulo 64
 *   and carry a non-canonical first argument, so even a truncating
 *   dispatcher could reach no sub-op that would hurt us.
 * - A batch's count only runs past the entries built when they lie on a
 *   tail page with an unmapped guard after it; a structure read from the
 *   read-only pattern page runs into an unmapped page past it.
 * - Hypervisor families not fuzzed at all: none. Not hypercalls and not
 *   fuzzed: privileged-instruction emulation other than page-table stores.
 */
#include "hcfuzz.h"

const char guest_image[] = "hcfuzz";

#define NOT_RUN   0xdead0000dead0000ULL	/* a multicall entry's result until run */
#define MC_MAX    32
#define DB_MAX    100000		/* breakpoints: more means a loop */
#define FAILSAFE_MAX 1000

/* ---- families ------------------------------------------------------------- */

enum { SHAPE_GEN, SHAPE_MULTICALL, SHAPE_IRET, SHAPE_BLOCK, SHAPE_PTWRITE };

struct family {
	uint8_t shape;
	uint8_t weight;
	bool in_mc;		/* may be a multicall entry */
	hf_gen_fn gen;
};

static const struct family families[] = {
	{ SHAPE_GEN, 8, true, hf_gen_mmu_update },
	{ SHAPE_GEN, 8, true, hf_gen_mmuext_op },
	{ SHAPE_GEN, 8, true, hf_gen_update_va_mapping },
	{ SHAPE_GEN, 3, true, hf_gen_set_gdt },
	{ SHAPE_GEN, 3, true, hf_gen_update_descriptor },
	{ SHAPE_GEN, 6, true, hf_gen_memory_op },
	{ SHAPE_GEN, 10, true, hf_gen_event_channel_op },
	{ SHAPE_GEN, 8, true, hf_gen_grant_table_op },
	{ SHAPE_GEN, 6, true, hf_gen_vcpu_op },
	{ SHAPE_GEN, 4, true, hf_gen_sched_op },
	{ SHAPE_GEN, 2, true, hf_gen_set_timer_op },
	{ SHAPE_GEN, 3, true, hf_gen_set_trap_table },
	{ SHAPE_GEN, 2, true, hf_gen_stack_switch },
	{ SHAPE_GEN, 2, true, hf_gen_set_callbacks },
	{ SHAPE_GEN, 3, true, hf_gen_callback_op },
	{ SHAPE_GEN, 1, true, hf_gen_fpu_taskswitch },
	{ SHAPE_GEN, 3, true, hf_gen_debugreg },
	{ SHAPE_GEN, 3, true, hf_gen_xen_version },
	{ SHAPE_GEN, 2, true, hf_gen_console_io },
	{ SHAPE_GEN, 2, true, hf_gen_vm_assist },
	{ SHAPE_GEN, 2, true, hf_gen_set_segment_base },
	{ SHAPE_GEN, 2, true, hf_gen_physdev_op },
	{ SHAPE_GEN, 4, true, hf_gen_xsm_op },
	{ SHAPE_GEN, 2, true, hf_gen_attest_op },
	{ SHAPE_GEN, 3, true, hf_gen_unknown },
	{ SHAPE_GEN, 0, true, hf_gen_iret_entry },	/* multicall entries only */
	{ SHAPE_MULTICALL, 8, false, NULL },
	{ SHAPE_IRET, 1, false, NULL },
	{ SHAPE_BLOCK, 1, false, NULL },
	{ SHAPE_PTWRITE, 4, false, NULL },
};

static const struct family *pick_family(bool in_mc)
{
	unsigned int total = 0, r;

	for (unsigned int i = 0; i < ARRAY_SIZE(families); i++) {
		if (!in_mc || families[i].in_mc) {
			total += families[i].weight ? families[i].weight : in_mc;
		}
	}
	r = (unsigned int)hf_below(total);
	for (unsigned int i = 0; i < ARRAY_SIZE(families); i++) {
		unsigned int w = families[i].weight ? families[i].weight : in_mc;

		if (in_mc && !families[i].in_mc) {
			continue;
		}
		if (r < w) {
			return &families[i];
		}
		r -= w;
	}
	return &families[0];
}

/* ---- multicalls ------------------------------------------------------------- */

static struct hf_call mc_sub[MC_MAX];
static struct multicall_entry *mc_list;
static uint32_t mc_ran;

/* A nested multicall entry: refused, whatever its list holds. */
static void gen_nested(struct hf_call *s)
{
	struct multicall_entry *e = hf_alloc(2 * sizeof(*e));

	s->nr = __HYPERVISOR_multicall;
	for (unsigned int i = 0; e != NULL && i < 2; i++) {
		e[i].op = __HYPERVISOR_xen_version;
		e[i].args[0] = XENVER_version;
	}
	s->a[0] = hf_ptr(e, 2 * sizeof(*e), HF_P_RO);
	s->a[1] = hf_below(3);
}

static void gen_multicall(struct hf_call *c)
{
	uint32_t n = hf_one_in(8) ? (uint32_t)hf_below(MC_MAX + 1) : (uint32_t)hf_below(8), count;
	struct multicall_entry *e = hf_batch(n ? n : 1, sizeof(*e), &count);

	c->nr = __HYPERVISOR_multicall;
	mc_list = NULL;
	mc_ran = 0;
	if (e != NULL && n == 0) {
		/* No entries built: the one slot under a count of 1 is harmless. */
		memset(e, 0, sizeof(*e));
		e->op = __HYPERVISOR_xen_version;
	}
	for (uint32_t i = 0; e != NULL && i < n; i++) {
		struct hf_call *s = &mc_sub[i];

		memset(s, 0, sizeof(*s));
		if (hf_one_in(24)) {
			gen_nested(s);
		} else {
			pick_family(true)->gen(s, true);
		}
		c->dirty |= s->dirty;
		e[i].op = s->nr;
		e[i].result = NOT_RUN;
		memcpy(e[i].args, s->a, sizeof(e[i].args));
	}
	c->a[0] = e ? hf_ptr(e, n * sizeof(*e), HF_P_RO) : hf_bad_ptr(64);
	c->a[1] = hf_one_in(16) ? count | (hf_rand() << 32) : count;
	if (e != NULL && c->a[0] == (uint64_t)e) {
		mc_list = e;
		mc_ran = count < n ? count : n;
	}
}

/* ---- traps -------------------------------------------------------------------- */

/* A breakpoint of ours fired: clear DR7 and go on. */
static void on_db(struct rt_regs *r)
{
	(void)r;
	if (++hfr.db > DB_MAX) {
		hf_ring_dump("too many #DB");
		test_fail("debug_loop", "%u #DB traps", hfr.db);
		test_end();
	}
	hyp_set_debugreg(7, 0);
}

static void on_nm(struct rt_regs *r)
{
	(void)r;
	hfr.nm++;
	hyp_fpu_taskswitch(0);
}

static void on_trap(struct rt_regs *r)
{
	if (!rt_extable_find(r->rip, false) && !rt_extable_find(r->rip, true)) {
		hf_ring_dump("unexpected trap");
	}
	rt_trap_default(r);
}

static void on_failsafe(struct rt_regs *r)
{
	if (hfr.failsafe++ == 0) {
		rt_printf("hcfuzz: failsafe callback after call #%lu, rip 0x%lx (segments "
			  "dropped)\n", (unsigned long)hfr.iter, (unsigned long)r->rip);
	}
	if (hfr.failsafe > FAILSAFE_MAX) {
		hf_ring_dump("failsafe loop");
		test_fail("failsafe_loop", "%u failsafe callbacks", hfr.failsafe);
		test_end();
	}
}

/* ---- the loop ---------------------------------------------------------------- */

static uint64_t default_seed(void)
{
	uint64_t sec;
	uint32_t nsec, version;

	rt_wallclock(&sec, &nsec, &version);
	return (sec * 1000000000ULL + nsec) ^ (rdtsc() << 17) ^ rdtsc();
}

static void run_one(void)
{
	struct hf_call c;
	const struct family *f;
	bool masked;
	uint8_t old_mask = 0;
	long rc;

	memset(&c, 0, sizeof(c));
	hf_arena_reset();
	hf.last_time = rt_system_time();
	mc_list = NULL;
	f = pick_family(false);
	switch (f->shape) {
	case SHAPE_MULTICALL:
		gen_multicall(&c);
		break;
	case SHAPE_IRET:
		hf_gen_iret(&c);
		break;
	case SHAPE_BLOCK:
		c.nr = HF_NR_BLOCK_SAFE;
		break;
	case SHAPE_PTWRITE:
		hf_gen_ptwrite(&c);
		break;
	default:
		f->gen(&c, false);
		if (hf_one_in(4)) {
			c.syscall = 1;	/* the same call through a bare syscall */
		}
		break;
	}
	hf_ring_log(&c, -1);
	for (uint32_t i = 0; mc_list != NULL && i < mc_ran; i++) {
		hf_ring_log(&mc_sub[i], (int32_t)i);
	}
	masked = c.dirty & (HF_D_TRAPS | HF_D_CALLBACKS | HF_D_MASK);
	if (masked) {
		old_mask = rt_events_mask(1);
	}
	rc = hf_issue(&c);
	if (c.dirty) {
		hf_restore(c.dirty);
	}
	/* Learn from the results (vcpu_info may have moved) before unmasking. */
	hf_post(&c, rc);
	for (uint32_t i = 0; mc_list != NULL && i < mc_ran; i++) {
		if (mc_list[i].result != NOT_RUN) {
			hf_stat_entry((long)mc_list[i].result);
			hf_post(&mc_sub[i], (long)mc_list[i].result);
		}
	}
	if (masked) {
		rt_events_mask(old_mask);
	}
	if (hfr.iter >= hfr.trace_from) {
		rt_printf("hcfuzz: #%lu -> %ld\n", (unsigned long)hfr.iter, rc);
	}
	if (c.nr == HF_NR_IRET_SAFE) {
		hf_stat(__HYPERVISOR_iret, rc);
	} else if (c.nr == HF_NR_BLOCK_SAFE) {
		hf_stat(__HYPERVISOR_sched_op, rc);
	} else if (c.nr != HF_NR_PTWRITE) {
		hf_stat(c.nr, rc);
	}
}

void guest_main(void)
{
	uint64_t iters = cmdline_get_u64("iters", 2000);
	uint64_t seed = cmdline_get_u64("seed", 0);
	uint64_t progress, text_sum, t0, t1;
	unsigned int ro_bad = 0, canary_bad = 0, ro_at = 0;
	char buf[8];

	if (!cmdline_get("seed", buf, sizeof(buf))) {
		rt_events_init();
		seed = default_seed();
	}
	rt_printf("hcfuzz: seed %lu\n", (unsigned long)seed);
	progress = cmdline_get_u64("progress", 2000);
	hfr.trace_from = cmdline_get_u64("trace", ~0ULL);
	hf_seed(seed);

	rt_failsafe_fn = on_failsafe;
	rt_traps_init();
	for (unsigned int v = 0; v < X86_NR_EXC; v++) {
		rt_trap_set_handler(v, on_trap);
	}
	rt_trap_set_handler(X86_EXC_DB, on_db);
	rt_trap_set_handler(X86_EXC_NM, on_nm);
	hfw_init((domid_t)cmdline_get_u64("self", 2), (domid_t)cmdline_get_u64("peer", 1));
	text_sum = hfw_text_sum();
	rt_printf("hcfuzz: %lu calls; max mfn 0x%lx, %u scratch frames, %u foreign frames "
		  "(e.g. 0x%lx), self d%u, peer d%u\n", (unsigned long)iters,
		  (unsigned long)hf.max_mfn, hf.scratch_count, hf.foreign_count,
		  (unsigned long)(hf.foreign_count ? hf.foreign[0] : 0), hf.self, hf.peer);

	t0 = rt_system_time();
	for (hfr.iter = 0; hfr.iter < iters; hfr.iter++) {
		uint64_t done = hfr.iter + 1;

		run_one();
		if (done % 128 == 0) {
			hfr.repairs += hfw_repair();
		}
		if (done % 1024 == 0) {
			ro_bad += !hfw_ro_intact(&ro_at);
			canary_bad += hfw_canary_damage() != 0;
		}
		if (progress && done % progress == 0 && done < iters) {
			char head[48];

			rt_snprintf(head, sizeof(head), "%lu calls,", (unsigned long)done);
			hf_report_summary(head);
		}
	}
	t1 = rt_system_time();
	hf_report_final(iters, (t1 - t0) / 1000000);

	test_pass("calls_returned", "seed %lu: %lu calls returned", (unsigned long)seed,
		  (unsigned long)iters);
	ro_bad += !hfw_ro_intact(&ro_at);
	test_check(ro_bad == 0, "ro_page_intact", "the read-only pattern page %s (offset %u)",
		   ro_bad ? "CHANGED" : "unchanged", ro_at);
	canary_bad += hfw_canary_damage() != 0;
	test_check(canary_bad == 0, "canary_intact", "memory never handed out %s",
		   canary_bad ? "CHANGED" : "unchanged");
	test_check(hfw_text_sum() == text_sum, "text_intact", "our code %s",
		   hfw_text_sum() == text_sum ? "unchanged" : "CHANGED");
	test_check(hfr.iret_bad == 0, "iret_rax", "%u irets returned another rax", hfr.iret_bad);
}
