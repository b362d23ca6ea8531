/*
 * The fake arch's control panel: what a hosted test (or fuzzer) uses to set
 * up the fake machine and to look at what the portable core asked the arch
 * layer to do. The arch_* functions themselves are declared where the core
 * sees them (hv/arch.h, hv/guest_access.h, panic() in hv/lib.h).
 *
 * The fake machine is N frames of host memory; machine address 0 is its
 * first byte. Nothing here touches a real CPU: arch_context_switch only
 * records the switch, and arch_system_exit/arch_system_halt/panic jump back
 * into the test through FAKE_EXITED() (or abort() when no test asked to
 * catch them, so that a fuzzer reports an unexpected panic as a crash).
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <setjmp.h>
#include <hv/arch.h>
#include <hv/types.h>

struct vcpu;

/* ---- the machine ---------------------------------------------------------- */

/*
 * Give the machine nr_frames frames of memory filled with FAKE_POISON (real
 * RAM is not zeroed either), point the frame table at a fresh table of
 * FRAME_ABSENT entries, and forget every record below. Replaces the
 * previous machine (its memory is reused, poisoned again: machine.c).
 * Tests of the frame table mark and seal it themselves.
 */
void fake_machine_init(uint64_t nr_frames);
/* fake_machine_init, then frames [0, hv_frames) FRAME_HV (the hypervisor
 * image and its tables), the rest FRAME_FREE, and seal. */
void fake_machine_boot(uint64_t nr_frames, uint64_t hv_frames);
/* Forget the machine (its memory is kept for the next, poisoned for
 * ASan) and leave an empty frame table. */
void fake_machine_fini(void);
uint64_t fake_machine_frames(void);
/* Host pointer to a machine address, or NULL beyond the machine. Counts
 * every frame from there to the end as written (the next boot poisons them
 * again): to put bytes in, fake_machine_write is cheaper. */
void *fake_machine_ptr(uint64_t maddr);
/* Copy len bytes to machine address maddr (the range must lie inside). */
void fake_machine_write(uint64_t maddr, const void *data, size_t len);
/* Machine address of a host pointer into the machine, or ~0 outside it. */
uint64_t fake_machine_addr(const void *p);

#define FAKE_POISON 0x5a

/* ---- records of what the core asked for ------------------------------------ */

/* arch_fill_hypervisor_slots writes this into L4 slots 256-271. */
#define FAKE_HV_SLOT_FIRST 256
#define FAKE_HV_SLOT_LAST  271
#define FAKE_HV_SLOT_ENTRY(slot) (0x00000ab000000063ULL | ((uint64_t)(slot) << PAGE_SHIFT))
unsigned int fake_hv_slots_filled(void);

/* arch_m2p_set: the last value recorded for a frame (FAKE_M2P_UNSET if none). */
#define FAKE_M2P_UNSET 0xdeadbeefdeadbeefULL
uint64_t fake_m2p_get(mfn_t m);
uint64_t fake_m2p_set_count(void);

/* arch_hypercall_page_init fills stub i (32 bytes) with FAKE_HYPERCALL_BYTE(i). */
#define FAKE_HYPERCALL_BYTE(i) ((uint8_t)(0xa5 ^ (i)))
unsigned int fake_hypercall_pages(void);
/* True when page holds exactly the pattern above. */
bool fake_hypercall_page_ok(const void *page);

/*
 * arch_context_switch calls, oldest first (at most FAKE_MAX_SWITCHES kept).
 * A switch is only recorded. While the switch hook runs, next is "current"
 * (on the CPU); when arch_context_switch returns, prev is current again,
 * because on the machine that return means prev was switched back in. A
 * test that wants next to carry on sets it current and calls
 * sched_after_switch(next), which is what next's stack would do.
 * arch_vcpu_destroy refuses (BUG) to free the current vCPU's stack.
 */
#define FAKE_MAX_SWITCHES 256
struct fake_switch {
	struct vcpu *prev, *next;
};
unsigned int fake_switch_count(void);
const struct fake_switch *fake_switch_get(unsigned int i);
/* The latest switch, or NULL before any. */
const struct fake_switch *fake_last_switch(void);
/* The vCPU whose hypervisor stack the core stands on (NULL: none yet). */
struct vcpu *fake_current(void);
void fake_set_current(struct vcpu *v);
/* Forget the switches and make nothing current. */
void fake_switch_reset(void);
/* Called after each recorded switch, "as next": a test can play the guest
 * that now runs (make a hypercall, shut down, yield back). */
void fake_switch_set_hook(void (*hook)(struct vcpu *prev, struct vcpu *next));

/* arch_vcpu_create / arch_idle_vcpu_create fail with rc (0 = succeed)
 * starting with the call after `after` successful ones. */
void fake_vcpu_create_fail(int rc, unsigned int after);
unsigned int fake_vcpu_created_count(void);
unsigned int fake_vcpu_destroyed_count(void);

/* arch_wait_for_interrupt runs hook (if any); without a hook, the
 * FAKE_MAX_IDLE_WAITS-th call panics so a spinning idle loop ends. */
#define FAKE_MAX_IDLE_WAITS 1000
void fake_wfi_set_hook(void (*hook)(void));
unsigned int fake_wfi_count(void);

unsigned int fake_backtrace_count(void);
/* arch_selftest_fault calls; each ends in arch_system_exit(HV_EXIT_PANIC). */
unsigned int fake_selftest_fault_count(void);

/* ---- time ----------------------------------------------------------------- */

void fake_time_set(uint64_t ns);
void fake_time_advance(uint64_t ns);

/* ---- console -------------------------------------------------------------- */

/* Everything written since the last reset, NUL-terminated. */
const char *fake_console_output(void);
size_t fake_console_len(void);
void fake_console_reset(void);
/* Bytes arch_console_read hands out, copied; replaces pending input. */
void fake_console_set_input(const char *buf, size_t len);
size_t fake_console_input_left(void);
/* Also copy console output to stderr (default: when MOAT_FAKE_CONSOLE is set). */
void fake_console_echo(bool on);

/* ---- the guest's address space ---------------------------------------------- */

/*
 * copy_from_guest/copy_to_guest see only ranges registered here: guest
 * virtual [va, va+len) backed by host memory at host. Anything else, or a
 * range guest_range_ok() refuses, is -XEN_EFAULT. A copy that runs off a
 * registered range copies what it could and fails, like a real fault.
 */
#define FAKE_GUEST_MAX_RANGES 32
void fake_guest_map(uint64_t va, void *host, size_t len);
void fake_guest_map_ro(uint64_t va, void *host, size_t len);
void fake_guest_unmap_all(void);
unsigned int fake_guest_fault_count(void);

/* ---- exits: arch_system_exit, arch_system_halt, panic ------------------------ */

enum fake_exit_kind {
	FAKE_EXIT_NONE = 0,
	FAKE_EXIT_EXIT,		/* arch_system_exit(status) */
	FAKE_EXIT_HALT,		/* arch_system_halt() */
	FAKE_EXIT_PANIC,	/* panic(): status HV_EXIT_PANIC */
};

struct fake_exit {
	enum fake_exit_kind kind;
	int status;
	char panic_msg[256];
};

/* Where the next exit jumps; one shot (disarmed when taken). */
jmp_buf *fake_exit_arm(void);
void fake_exit_disarm(void);
/* The last exit taken. */
const struct fake_exit *fake_exit_last(void);

/*
 * Run stmt; evaluates to true when it ended in an exit, halt or panic (see
 * fake_exit_last()), false when it returned. Nothing stmt allocated on its
 * way out is unwound: the test must not rely on state it was changing.
 */
#define FAKE_EXITED(stmt)                                     \
	({                                                    \
		bool fake_exited_ = false;                    \
		if (setjmp(*fake_exit_arm()) == 0) {          \
			stmt;                                 \
			fake_exit_disarm();                   \
		} else {                                      \
			fake_exited_ = true;                  \
		}                                             \
		fake_exited_;                                 \
	})

/* PV register hooks (tests/fake_arch/pv.c). */
unsigned int fake_pv_fpu_switches(void);
unsigned int fake_pv_debugreg_loads(void);

#endif
