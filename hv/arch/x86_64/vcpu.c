/*
 * vCPUs on x86-64: each has a 16 KiB hypervisor stack (with an unmapped
 * guard page after it) whose top holds the guest's register frame, and an
 * FPU/SSE save area so no register state leaks between guests. Also the
 * hypercall page stubs and the fault-safe guest copies.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <arch/regs.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/errno.h>
#include <public/xen.h>

#define STACK_PAGES (HV_STACK_SIZE / PAGE_SIZE)

extern char vcpu_first_entry[], idle_first_entry[];

static bool stack_slot_used[STACK_SLOTS];
static uint8_t fpu_state[STACK_SLOTS][512] __attribute__((aligned(16)));
static uint8_t fpu_initial[512] __attribute__((aligned(16)));
static bool fpu_initial_ready;

static int stack_create(struct vcpu *v)
{
	mfn_t frames[STACK_PAGES];
	unsigned int slot;

	for (slot = 0; slot < STACK_SLOTS && stack_slot_used[slot]; slot++) {
	}
	if (slot == STACK_SLOTS || !frame_reserve_check(STACK_PAGES)) {
		return -XEN_ENOMEM;
	}
	for (unsigned int i = 0; i < STACK_PAGES; i++) {
		frames[i] = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);
	}
	stack_slot_used[slot] = true;
	v->arch.stack = stack_map(slot, frames, STACK_PAGES);
	v->arch.stack_mfn = mfn(slot);
	memset(v->arch.stack, 0, HV_STACK_SIZE);
	if (!fpu_initial_ready) {
		__asm__ volatile("fninit; fxsave %0" : "=m"(fpu_initial));
		fpu_initial_ready = true;
	}
	memcpy(fpu_state[slot], fpu_initial, sizeof(fpu_initial));
	return 0;
}

static uint64_t stack_top(const struct vcpu *v)
{
	return (uint64_t)(uintptr_t)v->arch.stack + HV_STACK_SIZE;
}

/* Lay out what switch_stacks pops: six callee-saved zeros, then a return. */
static void stack_prime(struct vcpu *v, uint64_t below, void *entry)
{
	uint64_t *sp = (uint64_t *)(uintptr_t)below;

	*--sp = (uint64_t)(uintptr_t)entry;
	for (unsigned int i = 0; i < 6; i++) {
		*--sp = 0;
	}
	v->arch.hv_rsp = (uint64_t)(uintptr_t)sp;
}

int arch_vcpu_create(struct vcpu *v, const struct guest_entry *e)
{
	struct cpu_regs *r;
	int rc = stack_create(v);

	if (rc != 0) {
		return rc;
	}
	r = (struct cpu_regs *)(uintptr_t)(stack_top(v) - sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->rip = e->rip;
	r->rsp = e->rsp;
	r->rsi = e->rsi;
	r->cs = GUEST_CS64;
	r->ss = GUEST_SS;
	r->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
	v->arch.regs = r;
	v->arch.cr3 = e->l4;
	v->pv.kernel_root = e->l4;
	stack_prime(v, (uint64_t)(uintptr_t)r, vcpu_first_entry);
	return 0;
}

int arch_idle_vcpu_create(struct vcpu *v)
{
	int rc = stack_create(v);

	if (rc != 0) {
		return rc;
	}
	v->domain = NULL;
	v->arch.regs = NULL;
	v->arch.cr3 = mfn(idle_cr3() >> PAGE_SHIFT);
	stack_prime(v, stack_top(v), idle_first_entry);
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	unsigned int slot = (unsigned int)mfn_x(v->arch.stack_mfn);
	uint64_t va = (uint64_t)(uintptr_t)v->arch.stack;

	if (v->arch.stack == NULL) {
		return;
	}
	/* The reaper never frees the stack it runs on. */
	BUG_ON(v == cpu0_info.current);
	(void)va;
	stack_unmap_free(slot, STACK_PAGES);
	stack_slot_used[slot] = false;
	v->arch.stack = NULL;
}

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	/*
	 * A PV guest's virtual CR0.TS (fpu_taskswitch) is in the real CR0
	 * while it runs, and still is when it yields, blocks or is preempted:
	 * fxsave/fxrstor would raise #NM here. Clear it; pv_state_load() sets
	 * it again for next.
	 */
	__asm__ volatile("clts");
	if (prev->arch.stack != NULL) {
		unsigned int s = (unsigned int)mfn_x(prev->arch.stack_mfn);

		__asm__ volatile("fxsave %0" : "=m"(fpu_state[s]));
	}
	{
		unsigned int s = (unsigned int)mfn_x(next->arch.stack_mfn);

		__asm__ volatile("fxrstor %0" : : "m"(fpu_state[s]));
	}
	if (prev->domain != NULL) {
		pv_state_save(prev);
	}
	cpu0_info.current = next;
	arch_set_stack_top(stack_top(next));
	if (next->domain != NULL) {
		pv_state_load(next);
	} else {
		/* Idle: nothing of the last guest's descriptor frames stays mapped
		 * (its frames may be freed and reused while we idle). */
		gdt_load_guest(NULL, 0);
		ldt_load_guest(0);
		if (read_cr3() != (mfn_x(next->arch.cr3) << PAGE_SHIFT)) {
			write_cr3(mfn_x(next->arch.cr3) << PAGE_SHIFT);
		}
	}
	switch_stacks(&prev->arch.hv_rsp, next->arch.hv_rsp);
}

void vcpu_first_run(void)
{
	sched_after_switch(cpu0_info.current);
}

void idle_first_run(void)
{
	struct vcpu *idle = cpu0_info.current;

	sched_after_switch(idle);
	sched_idle_loop(idle);
}

void arch_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

/*
 * The hypercall page: stub N does "push rcx; push r11; mov $N, eax;
 * syscall; pop r11; pop rcx; ret", since SYSCALL clobbers rcx and r11.
 * The iret stub also pushes rax and never returns (Xen's convention).
 */
void arch_hypercall_page_init(void *page)
{
	uint8_t *p = page;

	memset(p, 0xcc, PAGE_SIZE);	/* int3 between stubs */
	for (unsigned int i = 0; i < PAGE_SIZE / HYPERCALL_STUB_SIZE; i++) {
		uint8_t *s = p + i * HYPERCALL_STUB_SIZE;
		unsigned int k = 0;

		s[k++] = 0x51;			/* push %rcx */
		s[k++] = 0x41;
		s[k++] = 0x53;			/* push %r11 */
		if (i == __HYPERVISOR_iret) {
			s[k++] = 0x50;		/* push %rax */
		}
		s[k++] = 0xb8;			/* mov $i, %eax */
		s[k++] = (uint8_t)i;
		s[k++] = 0;
		s[k++] = 0;
		s[k++] = 0;
		s[k++] = 0x0f;
		s[k++] = 0x05;			/* syscall */
		if (i != __HYPERVISOR_iret) {
			s[k++] = 0x41;
			s[k++] = 0x5b;		/* pop %r11 */
			s[k++] = 0x59;		/* pop %rcx */
			s[k++] = 0xc3;		/* ret */
		}
	}
}

int copy_from_guest(struct vcpu *curr, void *dst, const void __guest *src, size_t len)
{
	(void)curr;
	if (!guest_range_ok((uint64_t)(uintptr_t)src, len)) {
		return -XEN_EFAULT;
	}
	return raw_copy(dst, (const void __force *)src, len) == 0 ? 0 : -XEN_EFAULT;
}

int copy_to_guest(struct vcpu *curr, void __guest *dst, const void *src, size_t len)
{
	(void)curr;
	if (!guest_range_ok((uint64_t)(uintptr_t)dst, len)) {
		return -XEN_EFAULT;
	}
	return raw_copy((void __force *)dst, src, len) == 0 ? 0 : -XEN_EFAULT;
}
