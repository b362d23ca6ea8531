/*
 * The fake CPU: vCPU creation (which takes its "stack" frames from the real
 * allocator, as the real arch does, so leak checks see them), context
 * switches that are only recorded (no stack is ever switched: tests call the
 * scheduler and look at its choice), the idle wait, a settable clock, and
 * the ways out of the hypervisor (exit, halt, panic), which jump back into
 * the test that armed FAKE_EXITED() or abort() when none did.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fake_arch.h>
#include <fake_tlb.h>
#include <hv/arch.h>
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <public/errno.h>

#include "fake_internal.h"

static struct fake_switch switches[FAKE_MAX_SWITCHES];
static unsigned int switch_count;
static struct fake_switch last_switch;	/* kept even past FAKE_MAX_SWITCHES */
static struct vcpu *current_vcpu;
static int create_fail_rc;
static unsigned int create_fail_after;
static unsigned int created, destroyed;
static void (*wfi_hook)(void);
static void (*switch_hook)(struct vcpu *prev, struct vcpu *next);
static unsigned int wfi_count;
static unsigned int backtraces;
static unsigned int selftest_faults;
static uint64_t now_ns;
static jmp_buf exit_env;
static bool exit_armed;
static struct fake_exit last_exit;

void fake_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fake arch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fake_cpu_records_reset(void)
{
	switch_count = 0;
	current_vcpu = NULL;
	create_fail_rc = 0;
	create_fail_after = 0;
	created = 0;
	destroyed = 0;
	wfi_hook = NULL;
	switch_hook = NULL;
	wfi_count = 0;
	backtraces = 0;
	selftest_faults = 0;
	now_ns = 0;
	exit_armed = false;
	memset(&last_exit, 0, sizeof(last_exit));
}

void fake_records_reset(void)
{
	fake_tlb_reset();
	fake_cpu_records_reset();
	fake_console_records_reset();
	fake_guest_records_reset();
}

/* ---- vCPUs ------------------------------------------------------------------ */

void fake_vcpu_create_fail(int rc, unsigned int after)
{
	create_fail_rc = rc;
	create_fail_after = created + after;
}

unsigned int fake_vcpu_created_count(void)
{
	return created;
}

unsigned int fake_vcpu_destroyed_count(void)
{
	return destroyed;
}

/* Take the stack frames; nothing when they are not all there. */
static int stack_create(struct vcpu *v)
{
	if (create_fail_rc != 0 && created >= create_fail_after) {
		return create_fail_rc;
	}
	if (!frame_reserve_check(HV_VCPU_FRAMES)) {
		return -XEN_ENOMEM;
	}
	memset(&v->arch, 0, sizeof(v->arch));
	for (unsigned int i = 0; i < HV_VCPU_FRAMES; i++) {
		v->arch.stack[i] = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);
	}
	v->arch.created = true;
	created++;
	return 0;
}

int arch_vcpu_create(struct vcpu *v, const struct guest_entry *e)
{
	int rc = stack_create(v);

	if (rc == 0) {
		v->arch.entry = *e;
	}
	return rc;
}

int arch_idle_vcpu_create(struct vcpu *v)
{
	int rc = stack_create(v);

	if (rc == 0) {
		v->domain = NULL;
		v->arch.idle = true;
	}
	return rc;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	if (!v->arch.created) {
		return;
	}
	/* As on the machine: the reaper never frees the stack it runs on. */
	BUG_ON(v == current_vcpu);
	for (unsigned int i = 0; i < HV_VCPU_FRAMES; i++) {
		frame_free(v->arch.stack[i]);
	}
	v->arch.created = false;
	destroyed++;
}

/* ---- switches and the idle wait -------------------------------------------- */

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	if (switch_count < FAKE_MAX_SWITCHES) {
		switches[switch_count] = (struct fake_switch){ prev, next };
	}
	switch_count++;
	last_switch = (struct fake_switch){ prev, next };
	prev->arch.switched_out++;
	next->arch.switched_in++;
	current_vcpu = next;
	if (switch_hook != NULL) {
		switch_hook(prev, next);
	}
	/* On the machine this call returns only when prev is switched back in,
	 * so from here on the core stands on prev's stack again. */
	current_vcpu = prev;
}

const struct fake_switch *fake_last_switch(void)
{
	return switch_count == 0 ? NULL : &last_switch;
}

void fake_set_current(struct vcpu *v)
{
	current_vcpu = v;
}

void fake_switch_set_hook(void (*hook)(struct vcpu *prev, struct vcpu *next))
{
	switch_hook = hook;
}

unsigned int fake_switch_count(void)
{
	return switch_count;
}

const struct fake_switch *fake_switch_get(unsigned int i)
{
	if (i >= switch_count || i >= FAKE_MAX_SWITCHES) {
		return NULL;
	}
	return &switches[i];
}

struct vcpu *fake_current(void)
{
	return current_vcpu;
}

void fake_switch_reset(void)
{
	switch_count = 0;
	current_vcpu = NULL;
}

void arch_wait_for_interrupt(void)
{
	wfi_count++;
	if (wfi_hook != NULL) {
		wfi_hook();
		return;
	}
	if (wfi_count >= FAKE_MAX_IDLE_WAITS) {
		panic("fake arch: %u idle waits and no interrupt will ever come", wfi_count);
	}
}

void fake_wfi_set_hook(void (*hook)(void))
{
	wfi_hook = hook;
}

unsigned int fake_wfi_count(void)
{
	return wfi_count;
}

/* ---- time ------------------------------------------------------------------- */

uint64_t arch_time_ns(void)
{
	return now_ns;
}

void fake_time_set(uint64_t ns)
{
	now_ns = ns;
}

void fake_time_advance(uint64_t ns)
{
	now_ns += ns;
}

/* ---- leaving the hypervisor ------------------------------------------------- */

jmp_buf *fake_exit_arm(void)
{
	exit_armed = true;
	return &exit_env;
}

void fake_exit_disarm(void)
{
	exit_armed = false;
}

const struct fake_exit *fake_exit_last(void)
{
	return &last_exit;
}

static void __noreturn take_exit(enum fake_exit_kind kind, int status)
{
	last_exit.kind = kind;
	last_exit.status = status;
	if (!exit_armed) {
		fake_fatal("unexpected %s (status %d)%s%s",
			   kind == FAKE_EXIT_PANIC ? "panic" :
			   kind == FAKE_EXIT_HALT  ? "halt" : "exit",
			   status, kind == FAKE_EXIT_PANIC ? ": " : "",
			   kind == FAKE_EXIT_PANIC ? last_exit.panic_msg : "");
	}
	exit_armed = false;
	longjmp(exit_env, 1);
}

void arch_system_exit(int status)
{
	last_exit.panic_msg[0] = '\0';
	take_exit(FAKE_EXIT_EXIT, status);
}

void arch_system_halt(void)
{
	last_exit.panic_msg[0] = '\0';
	take_exit(FAKE_EXIT_HALT, -1);
}

/* The machine faults at an unmapped hypervisor address and its trap
 * handler stops it (trap_fatal in traps.c): no panic(), an exit with
 * HV_EXIT_PANIC after a line that names the fault. */
void arch_selftest_fault(void)
{
	static const char line[] = "(moat) ERROR: hypervisor fault: page fault (vector 14) [fake]\n";

	selftest_faults++;
	arch_console_write(line, sizeof(line) - 1);
	arch_system_exit(HV_EXIT_PANIC);
}

/* No debug registers in the fake machine: nothing to arm. */
void arch_selftest_entry_db(void)
{
}

unsigned int fake_selftest_fault_count(void)
{
	return selftest_faults;
}

void arch_backtrace(void)
{
	backtraces++;
}

unsigned int fake_backtrace_count(void)
{
	return backtraces;
}

/* Like the real one (hv/arch/x86_64/traps.c), without printk's level filter. */
void panic(const char *fmt, ...)
{
	char line[sizeof(last_exit.panic_msg) + 32];
	va_list ap;
	int n;

	va_start(ap, fmt);
	fmt_vsnprintf(last_exit.panic_msg, sizeof(last_exit.panic_msg), fmt, ap);
	va_end(ap);
	n = fmt_snprintf(line, sizeof(line), "(moat) PANIC: %s\n", last_exit.panic_msg);
	arch_console_write(line, MIN((size_t)n, sizeof(line) - 1));
	arch_backtrace();
	take_exit(FAKE_EXIT_PANIC, HV_EXIT_PANIC);
}
