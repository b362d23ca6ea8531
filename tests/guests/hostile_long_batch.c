/*
 * hostile_long_batch: batches as long as the ABI allows, to hold the only
 * CPU inside the hypervisor. A 512 GiB virtual region is built from one
 * data frame aliased through one L1, L2 and L3 (every L3 entry -> the L2,
 * every L2 entry -> the L1, every L1 entry -> the frame), so a list of any
 * length costs four frames. The data frame holds mmu_update requests that
 * all map one frame read-only into one slot of a pinned L1: mmu_update of
 * 2^31 - 1 of them would take minutes of CPU with interrupts off, and a
 * multicall of 512 such calls days.
 *
 * Each batch is ended by the guest's own timer: its VIRQ_TIMER handler
 * (which can only run if the hypervisor gave way mid-batch and delivered
 * the event before the re-issue) unlinks the region, so the rest of the
 * batch faults (-EFAULT) and the call returns.
 *
 * mode=hostile (default): both batches beside a bystander. Checks: the
 * timer fired during the batch, the batch made progress across re-issues
 * (*done grows between upcalls), the vCPU was runnable-but-not-running
 * during it (someone else got the CPU), and the multicall's first entry
 * was rewritten with its continuation (MMU_UPDATE_PREEMPTED).
 *
 * mode=bench: alone, the timer re-armed `samples` times during each
 * maximal batch (mmu_update, mmuext_op, multicall, grant map, unmap and
 * copy, and reservation batches of all the spare memory); the lateness of each timer upcall bounds the longest stretch the
 * hypervisor ran without giving way (plus the interrupt and upcall path,
 * measured alone as `stretch_none` with the guest spinning). Printed as
 * MOAT-BENCH stretch_<op> <max ticks> min=<ticks> n=<samples>.
 *
 * Keys: name, mode=hostile|bench, ms (the timer, default 1500),
 * samples (bench, default 20).
 */
#include "hostile.h"
#include "time.h"

#include <public/grant_table.h>
#include <public/memory.h>
#include <public/vcpu.h>

const char guest_image[] = "hostile_long_batch";

#define SLOT      300ULL	/* the L4 slot of the aliased region */
#define REGION    (0xffff000000000000ULL | (SLOT << 39))
#define MAX_COUNT 0x7fffffffU	/* count's top bit is MMU_UPDATE_PREEMPTED */
#define MS        1000000ULL

static uint64_t l3_mfn, data_mfn, target_mfn;
static evtchn_port_t timer_port;

/* What the timer handler does: the deadline it was armed for, how many
 * more times to re-arm, the lateness seen, the *done of the batch. */
static volatile uint64_t deadline_ns, period_ns;
static volatile unsigned int rearm, fired;
static volatile uint64_t late_max, late_min;
static volatile uint32_t batch_done;
static volatile uint32_t done_seen[64];
static uint64_t tsc_per_ms;

static long singleshot(uint64_t when)
{
	struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = when };

	return hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
}

/* A fresh frame filled with 512 copies of `e`, then unmapped. */
static uint64_t page_of(uint64_t e)
{
	static uint64_t fill[512];

	for (unsigned int i = 0; i < 512; i++) {
		fill[i] = e;
	}
	return rt_pt_alloc(fill);
}

static void link_region(void)
{
	long rc = rt_pt_set(rt_l4_mfn, SLOT, (l3_mfn << 12) | PTE_LINK);

	if (rc) {
		test_fail("link_region", "rc %ld", rc);
		test_end();
	}
}

/* Both regions (the bench's multicall list is in the next slot), and the
 * TLB: mmu_update leaves flushing to the guest, as on Xen. */
static void unlink_region(void)
{
	(void)rt_pt_set(rt_l4_mfn, SLOT, 0);
	(void)rt_pt_set(rt_l4_mfn, SLOT + 1, 0);
	(void)hyp_mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

/*
 * The region over a data frame filled with `pattern` (repeated 8-byte
 * words, so entries of any size read the same at any offset): read-only,
 * or writable for batches that write results back into their ops.
 */
static void build_region(uint64_t pattern, bool writable)
{
	uint64_t l1, l2;

	data_mfn = page_of(pattern);
	l1 = page_of((data_mfn << 12) | (writable ? PTE_DATA : PTE_RO));
	l2 = page_of((l1 << 12) | PTE_LINK);
	l3_mfn = page_of((l2 << 12) | PTE_LINK);
	if (!data_mfn || !l1 || !l2 || !l3_mfn) {
		test_fail("build_region", "out of frames");
		test_end();
	}
	link_region();
}

static void timer_fired(evtchn_port_t port)
{
	uint64_t now = rt_system_time();
	uint64_t late = now > deadline_ns ? now - deadline_ns : 0;

	(void)port;
	if (fired < 64) {
		done_seen[fired] = batch_done;
	}
	fired++;
	late = late * tsc_per_ms / MS;	/* in TSC ticks */
	late_max = late > late_max ? late : late_max;
	late_min = late < late_min ? late : late_min;
	if (rearm > 0) {
		rearm--;
		deadline_ns = now + period_ns;
		(void)singleshot(deadline_ns);
		return;
	}
	/* The last one ends the batch: its list is no longer mapped. */
	unlink_region();
}

static void arm(uint64_t first_ns, uint64_t every_ns, unsigned int times)
{
	fired = 0;
	late_max = 0;
	late_min = ~0ULL;
	period_ns = every_ns;
	rearm = times;
	deadline_ns = rt_system_time() + first_ns;
	if (singleshot(deadline_ns) != 0) {
		test_fail("arm_timer", "set_singleshot_timer refused");
		test_end();
	}
}

static void runstate(struct vcpu_runstate_info *ri)
{
	(void)hyp_vcpu_op(VCPUOP_get_runstate_info, 0, ri);
}

static void setup(void)
{
	uint64_t t0, s0;
	long rc;

	rt_traps_init();
	rc = rt_evtchn_bind_virq(VIRQ_TIMER, &timer_port);
	if (rc || timer_port >= RT_NR_PORTS) {
		test_fail("bind_virq_timer", "rc %ld", rc);
		test_end();
	}
	/* Only our single-shot timer raises VIRQ_TIMER (no default tick). */
	(void)hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	rt_port_set_handler(timer_port, timer_fired);
	(void)rt_evtchn_unmask(timer_port);
	rt_events_mask(0);
	/* TSC ticks per ms of system time, for the figures. */
	t0 = rdtsc();
	s0 = rt_system_time();
	while (rt_system_time() < s0 + 2 * MS) {
	}
	tsc_per_ms = (rdtsc() - t0) / 2;
	/* The target of every request: slot 0 of a pinned, unlinked L1. */
	target_mfn = rt_pt_alloc(NULL);
	if (!target_mfn || rt_pin(1, target_mfn) != 0) {
		test_fail("target_l1", "cannot pin");
		test_end();
	}
}

/* The mmu_update list frame: 256 requests, each mapping that frame itself
 * read-only into slot 0 of the target L1. */
static void build_mmu_region(void)
{
	static struct mmu_update reqs[256];
	uint64_t pfn = rt_frame_alloc();
	uint64_t va = rt_window(RT_WIN_SCRATCH);
	uint64_t l1, l2;

	if (!pfn || rt_map(va, rt_p2m[pfn], PTE_DATA) != 0) {
		test_fail("build_region", "no frame for the list");
		test_end();
	}
	data_mfn = rt_p2m[pfn];
	for (unsigned int i = 0; i < 256; i++) {
		reqs[i].ptr = (target_mfn << 12) | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = (data_mfn << 12) | PTE_RO;
	}
	memcpy((void *)va, reqs, sizeof(reqs));
	(void)rt_unmap(va);
	l1 = page_of((data_mfn << 12) | PTE_RO);
	l2 = page_of((l1 << 12) | PTE_LINK);
	l3_mfn = page_of((l2 << 12) | PTE_LINK);
	if (!l1 || !l2 || !l3_mfn) {
		test_fail("build_region", "out of frames");
		test_end();
	}
	link_region();
}

static void hostile_mmu_update(uint64_t ms)
{
	struct vcpu_runstate_info r0, r1;
	uint32_t done;
	long rc;
	bool grew = true;

	runstate(&r0);
	batch_done = 0;
	arm(ms * MS, 0, 0);
	rc = hyp_mmu_update((const struct mmu_update *)REGION, MAX_COUNT, (uint32_t *)&batch_done,
			    DOMID_SELF);
	done = batch_done;
	runstate(&r1);
	test_check(fired == 1 && rc == -XEN_EFAULT && done > 0 && done < MAX_COUNT,
		   "mmu_update_preempted", "rc %ld, %u of %u done, timer fired %u time(s)", rc,
		   done, MAX_COUNT, fired);
	for (unsigned int i = 1; i < fired && i < 64; i++) {
		grew = grew && done_seen[i] >= done_seen[i - 1];
	}
	test_check(grew && done_seen[0] > 0, "mmu_update_done_grows",
		   "*done %u when the timer fired", done_seen[0]);
	test_check(r1.time[RUNSTATE_runnable] > r0.time[RUNSTATE_runnable], "bystander_ran",
		   "runnable (not running) %lu ns during the batch",
		   (unsigned long)(r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable]));
	link_region();
}

static struct multicall_entry mc[512];

static void hostile_multicall(uint64_t ms)
{
	long rc;
	unsigned int bad = 0;

	for (unsigned int i = 0; i < 512; i++) {
		mc[i] = (struct multicall_entry){
			.op = __HYPERVISOR_mmu_update,
			.args = { REGION, MAX_COUNT, (uint64_t)(uintptr_t)&batch_done, DOMID_SELF },
		};
	}
	batch_done = 0;
	arm(ms * MS, 0, 0);
	rc = hyp_multicall(mc, 512);
	for (unsigned int i = 0; i < 512; i++) {
		bad += (long)mc[i].result != -XEN_EFAULT;
	}
	test_check(rc == 0 && fired == 1 && bad == 0, "multicall_preempted",
		   "rc %ld, timer fired %u time(s), %u entries not -EFAULT", rc, fired, bad);
	/* The first entry was preempted and continued: its args hold the rest,
	 * and its *done had grown when the timer fired (the entries after it,
	 * fresh calls, start their count again at 0). */
	test_check((mc[0].args[1] & 0x80000000U) && mc[0].args[0] > REGION && done_seen[0] > 0,
		   "multicall_entry_continued", "entry 0 list 0x%lx count 0x%lx, done %u",
		   (unsigned long)mc[0].args[0], (unsigned long)mc[0].args[1], done_seen[0]);
	link_region();
}

static void report(const char *name, unsigned int n)
{
	rt_printf("MOAT-BENCH stretch_%s %lu min=%lu n=%u guest=%s\n", name,
		  (unsigned long)late_max, (unsigned long)late_min, n, rt_guest_name);
	test_check(fired == n, name, "%u of %u timer upcalls during the batch", fired, n);
}

/*
 * memory_op: a reservation batch cannot be made longer than the domain's
 * memory (each extent moves a frame, and the first that cannot fails the
 * rest), so the longest is its whole spare memory: RES_FRAMES frames given
 * back in one decrease_reservation and taken again in one
 * populate_physmap, over and over while the timer samples.
 */
#define RES_FRAMES 1024

static void bench_reservation(unsigned int samples)
{
	static uint64_t pfn[RES_FRAMES], mfn[RES_FRAMES], ext[RES_FRAMES];
	struct xen_memory_reservation res = { .nr_extents = RES_FRAMES, .domid = DOMID_SELF };
	unsigned int n = 0, rounds = 0;
	long bad = 0;

	while (n < RES_FRAMES && (pfn[n] = rt_frame_alloc()) != 0) {
		mfn[n] = rt_p2m[pfn[n]];
		n++;
	}
	res.nr_extents = n;
	res.extent_start = (uint64_t)(uintptr_t)ext;
	arm(1 * MS, 1 * MS, samples - 1);
	while (fired < samples && bad == 0) {
		long rc;

		memcpy(ext, mfn, n * sizeof(ext[0]));
		rc = hyp_memory_op(XENMEM_decrease_reservation, &res);
		bad = rc != (long)n ? rc - 1000000 : 0;
		memcpy(ext, pfn, n * sizeof(ext[0]));
		rc = hyp_memory_op(XENMEM_populate_physmap, &res);
		bad = bad ? bad : rc != (long)n ? rc - 2000000 : 0;
		memcpy(mfn, ext, n * sizeof(ext[0]));
		rounds++;
	}
	link_region();
	test_check(bad == 0, "reservation_rounds", "%u rounds of %u frames out and in, bad %ld",
		   rounds, n, bad);
	report("memory_op", samples);
}

static void bench(unsigned int samples)
{
	long rc;

	/* The interrupt and upcall path alone: spinning, no hypercall. */
	arm(1 * MS, 1 * MS, samples - 1);
	while (fired < samples) {
		__asm__ volatile("pause" ::: "memory");
	}
	link_region();	/* the last upcall unlinked it */
	report("none", samples);

	arm(1 * MS, 1 * MS, samples - 1);
	rc = hyp_mmu_update((const struct mmu_update *)REGION, MAX_COUNT, NULL, DOMID_SELF);
	link_region();
	report("mmu_update", samples);
	(void)rc;

	/* The multicall: every entry (all aliases of one, in a writable frame
	 * since a preempted entry's args are written back) a maximal
	 * mmu_update of the first region. */
	{
		uint64_t mmu_l3 = l3_mfn;
		struct multicall_entry e = { .op = __HYPERVISOR_mmu_update,
					     .args = { REGION, MAX_COUNT, 0, DOMID_SELF } };
		static uint64_t fill[512];
		uint64_t pfn = rt_frame_alloc(), va = rt_window(RT_WIN_SCRATCH), l1, l2, l3;

		for (unsigned int i = 0; i < 512; i += 8) {
			memcpy(&fill[i], &e, sizeof(e));
		}
		if (!pfn || rt_map(va, rt_p2m[pfn], PTE_DATA) != 0) {
			test_fail("multicall_region", "no frame");
			return;
		}
		memcpy((void *)va, fill, sizeof(fill));
		(void)rt_unmap(va);
		l1 = page_of((rt_p2m[pfn] << 12) | PTE_DATA);
		l2 = page_of((l1 << 12) | PTE_LINK);
		l3 = page_of((l2 << 12) | PTE_LINK);
		if (!l1 || !l2 || !l3 || rt_pt_set(rt_l4_mfn, SLOT + 1, (l3 << 12) | PTE_LINK)) {
			test_fail("multicall_region", "cannot build");
			return;
		}
		arm(1 * MS, 1 * MS, samples - 1);
		/* The last upcall unlinks both lists: the multicall faults. */
		rc = hyp_multicall((struct multicall_entry *)(REGION + (1ULL << 39)), 0xffffffffU);
		l3_mfn = mmu_l3;
		link_region();
		report("multicall", samples);
		(void)rt_pt_set(rt_l4_mfn, SLOT + 1, 0);
	}

	/* mmuext_op: MMUEXT_TLB_FLUSH_LOCAL over and over (every word 6, so
	 * each 24-byte op reads as cmd 6 at any offset). */
	unlink_region();
	build_region(MMUEXT_TLB_FLUSH_LOCAL, false);
	arm(1 * MS, 1 * MS, samples - 1);
	rc = hyp_mmuext_op((const struct mmuext_op *)REGION, MAX_COUNT, NULL, DOMID_SELF);
	link_region();
	report("mmuext_op", samples);

	/* Grant batches of ops that each fail on their own (a grant batch
	 * goes on past a failed op; its status is written back, hence a
	 * writable list): map and copy, all words 0x8000 to start with. */
	unlink_region();
	build_region(0x0000800000008000ULL, true);
	arm(1 * MS, 1 * MS, samples - 1);
	rc = hyp_grant_table_op(GNTTABOP_map_grant_ref, (void *)REGION, MAX_COUNT);
	link_region();
	report("gnttab_map", samples);
	arm(1 * MS, 1 * MS, samples - 1);
	rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, (void *)REGION, MAX_COUNT);
	link_region();
	report("gnttab_unmap", samples);
	arm(1 * MS, 1 * MS, samples - 1);
	rc = hyp_grant_table_op(GNTTABOP_copy, (void *)REGION, MAX_COUNT);
	link_region();
	report("gnttab_copy", samples);
	(void)rc;
	bench_reservation(samples);
}

/*
 * The iret hypercall with a frame that returns right here, in kernel mode,
 * on the same stack; the frame's rax comes back. With rax equal to the
 * dispatcher's continuation marker the hypervisor must hand it back as a
 * value, not take it for a continuation (re-issue an iret that already
 * switched context, or stop on an assertion).
 */
static long iret_here(uint64_t rax)
{
	long ret;

	__asm__ volatile("movq %%rsp, %%r11\n\t"
			 "pushq %[ss]\n\t"
			 "pushq %%r11\n\t"
			 "pushq %[rflags]\n\t"
			 "pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%r11\n\t"
			 "pushq %%r11\n\t"
			 "pushq $0\n\t"
			 "jmp hypercall_page + %c[off]\n"
			 "1:"
			 : "=a"(ret)
			 : "0"(rax), [cs] "r"((uint64_t)FLAT_KERNEL_CS64 & ~3ULL),
			   [rflags] "r"(0x202ULL), [ss] "i"(FLAT_KERNEL_SS64),
			   [off] "i"(__HYPERVISOR_iret * HYPERCALL_STUB_SIZE)
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

void guest_main(void)
{
	char mode[16] = "hostile";
	uint64_t ms = cmdline_get_u64("ms", 1500);
	unsigned int samples = (unsigned int)cmdline_get_u64("samples", 20);

	cmdline_get("mode", mode, sizeof(mode));
	if (samples < 1 || samples > 64) {
		samples = 20;
	}
	setup();
	build_mmu_region();
	if (strcmp(mode, "bench") == 0) {
		bench(samples);
		return;
	}
	{
		long r = iret_here(0x8000000000000000ULL);

		test_check(r == (long)0x8000000000000000ULL, "iret_marker_rax",
			   "iret with rax 0x8000000000000000 came back with 0x%lx", (unsigned long)r);
	}
	rt_printf("%s: mmu_update of %u requests through a 512 GiB alias\n", rt_guest_name,
		  MAX_COUNT);
	rt_flush();
	hostile_mmu_update(ms);
	rt_printf("%s: a multicall of 512 such mmu_updates\n", rt_guest_name);
	rt_flush();
	hostile_multicall(ms / 3);
}
