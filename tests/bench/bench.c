/*
 * bench: micro-benchmarks of the PV execution model, in TSC ticks (under
 * QEMU with -icount shift=0,sleep=off one tick is one instruction, so the
 * figures repeat). For each operation: `n` timed runs after a warm-up, and
 * one line
 *
 *	MOAT-BENCH <name> <median ticks> min=<ticks> n=<runs> guest=<domain>
 *
 * Operations: rdtsc (the timing overhead, included in every figure),
 * null_hypercall (xen_version 0), trap_bounce (int3 to a handler and back
 * with the iret hypercall), syscall_bounce (user syscall to the kernel's
 * callback and back, timed in user mode), mmu_update (one PTE), ptwr_write
 * (one store to a read-only L1, emulated), event_upcall (evtchn send to
 * ourselves and the upcall), yield (sched_op yield; with partner=yes two
 * bench guests yield to each other and domain_switch is half a round trip).
 *
 * Keys: name, n (default 200), partner=no|yes. Pure Xen PV64 ABI: runs on
 * Xen 4.17 too (there without icount: ticks are the host's TSC).
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"
#include "user.h"

#include "bench_report.h"

const char guest_image[] = "bench";

#define MAX_RUNS 1024
#define WARMUP   16

static uint64_t samples[MAX_RUNS];
static unsigned int runs;

/* Time fn() `runs` times after a warm-up; fn returns false on failure. */
static bool measure(const char *name, bool (*fn)(void))
{
	for (unsigned int i = 0; i < WARMUP; i++) {
		if (!fn()) {
			test_fail(name, "warm-up run %u failed", i);
			return false;
		}
	}
	for (unsigned int i = 0; i < runs; i++) {
		uint64_t t0 = rdtsc();
		bool ok = fn();

		samples[i] = rdtsc() - t0;
		if (!ok) {
			test_fail(name, "run %u failed", i);
			return false;
		}
	}
	(void)bench_report(name, samples, runs, 1);
	return true;
}

static bool op_nothing(void)
{
	return true;
}

static bool op_null_hypercall(void)
{
	return hyp_xen_version(XENVER_version, NULL) > 0;
}

static volatile unsigned int bp_seen;

static void bp_handler(struct rt_regs *r)
{
	(void)r;
	bp_seen++;
}

static bool op_trap_bounce(void)
{
	unsigned int before = bp_seen;

	__asm__ volatile("int3" : : : "memory");
	return bp_seen == before + 1;
}

static uint64_t pte_ma, frame_a, frame_b;
static unsigned int flip;

static bool op_mmu_update(void)
{
	struct mmu_update u = {
		.ptr = pte_ma | MMU_NORMAL_PT_UPDATE,
		.val = (((flip++ & 1) ? frame_b : frame_a) << 12) | PTE_DATA,
	};

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF) == 0;
}

static volatile uint64_t *ptwr_pte;

static bool op_ptwr_write(void)
{
	*ptwr_pte = (((flip++ & 1) ? frame_b : frame_a) << 12) | PTE_DATA;
	return true;
}

static evtchn_port_t ipi;

static bool op_event_upcall(void)
{
	unsigned int before = rt_port_events[ipi];

	return rt_evtchn_send(ipi) == 0 && rt_port_events[ipi] == before + 1;
}

static bool op_yield(void)
{
	return hyp_sched_op(SCHEDOP_yield, NULL) == 0;
}

/* The user side of syscall_bounce: rdi = &samples; a warm-up, then
 * bench_user_count timed null syscalls into samples[]. */
static uint64_t user_samples[MAX_RUNS] RT_USER_DATA;
uint64_t bench_user_count RT_USER_DATA;
void bench_user(void);
__asm__(
	"	.pushsection .user.text, \"ax\"\n"
	"	.globl bench_user\n"
	"bench_user:\n"
	"	movq %rdi, %r12\n"
	"	movq bench_user_count(%rip), %r13\n"
	"	movq $16, %r14\n"
	"1:	movq $1, %rax\n"
	"	syscall\n"
	"	decq %r14\n"
	"	jnz 1b\n"
	"2:	lfence\n"
	"	rdtsc\n"
	"	shlq $32, %rdx\n"
	"	orq %rax, %rdx\n"
	"	movq %rdx, %r14\n"
	"	movq $1, %rax\n"
	"	syscall\n"
	"	lfence\n"
	"	rdtsc\n"
	"	shlq $32, %rdx\n"
	"	orq %rax, %rdx\n"
	"	subq %r14, %rdx\n"
	"	movq %rdx, (%r12)\n"
	"	addq $8, %r12\n"
	"	decq %r13\n"
	"	jnz 2b\n"
	"	movq $0, %rax\n"
	"	movq $0x600d, %rdi\n"
	"	syscall\n"
	"	ud2\n"
	"	.popsection\n");

static void bench_syscall(struct rt_regs *r)
{
	r->rax = 0;
}

static void setup_pte_bench(void)
{
	uint64_t va = rt_window(RT_WIN_TEST);

	frame_a = rt_pfn_to_mfn(rt_frame_alloc());
	frame_b = rt_pfn_to_mfn(rt_frame_alloc());
	rt_unmap(va);
	pte_ma = rt_pte_maddr(va, 1);
	ptwr_pte = (volatile uint64_t *)((uint64_t)rt_table_view(pte_ma >> 12) + (pte_ma & 0xfff));
}

void guest_main(void)
{
	char partner[8] = "no";
	uint64_t v;
	long rc;

	runs = (unsigned int)cmdline_get_u64("n", 200);
	runs = runs > MAX_RUNS ? MAX_RUNS : runs < 8 ? 8 : runs;
	cmdline_get("partner", partner, sizeof(partner));
	rc = rt_traps_init();
	test_check(rc == 0, "set_trap_table", "rc %ld", rc);
	rc = rt_user_init();
	test_check(rc == 0, "user_root", "rc %ld", rc);
	if (rc) {
		return;
	}
	rt_trap_set_handler(X86_EXC_BP, bp_handler);
	rt_user_syscall_fn = bench_syscall;
	setup_pte_bench();
	rc = rt_evtchn_bind_ipi(&ipi);
	rt_evtchn_unmask(ipi);
	rt_events_mask(0);
	hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);

	measure("rdtsc", op_nothing);
	measure("null_hypercall", op_null_hypercall);
	measure("trap_bounce", op_trap_bounce);
	bench_user_count = runs;
	v = rt_user_run(bench_user, (uint64_t)user_samples, X86_EFLAGS_IF);
	if (test_check(v == 0x600d, "syscall_bounce_ran", "exit 0x%lx", (unsigned long)v)) {
		memcpy(samples, user_samples, runs * sizeof(samples[0]));
		(void)bench_report("syscall_bounce", samples, runs, 1);
	}
	measure("mmu_update", op_mmu_update);
	measure("ptwr_write", op_ptwr_write);
	if (rc == 0) {
		measure("event_upcall", op_event_upcall);
	}
	measure("yield", op_yield);
	if (strcmp(partner, "yes") == 0) {
		/* Each yield runs the partner's loop body and comes back:
		 * one round trip is two domain switches. */
		for (unsigned int i = 0; i < runs; i++) {
			uint64_t t0 = rdtsc();

			hyp_sched_op(SCHEDOP_yield, NULL);
			samples[i] = rdtsc() - t0;
		}
		(void)bench_report("domain_switch", samples, runs, 2);
	}
	rt_events_mask(1);
	rt_unmap(rt_window(RT_WIN_TEST));
}
