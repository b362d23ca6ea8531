/*
 * Guest user mode (see user.h): the user root, the syscall callback and the
 * switch into user mode and back. The way back is a RT_SYS_EXIT syscall: its
 * handler abandons the kernel stack of the bounce and resumes the kernel
 * context rt_user_run() saved, like a longjmp.
 */
#include "user.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"

#define USER_STACK_SIZE 4096

extern char rt_entry_syscall[];

uint64_t rt_user_l4_mfn;
void (*rt_user_syscall_fn)(struct rt_regs *r);

static uint8_t user_stack[USER_STACK_SIZE] RT_USER_DATA __attribute__((aligned(4096)));
/* The kernel stack traps from user mode land on. */
static uint8_t kstack[16384] __attribute__((aligned(16)));
static uint64_t table[512];

/* Saved kernel stack pointer of rt_user_run(), and the two halves of the
 * switch (assembly below). */
uint64_t rt_user_ksp;
uint64_t rt_user_enter(const uint64_t *frame, uint64_t arg);
void rt_user_leave(uint64_t value) __noreturn;

__asm__(
	"	.text\n"
	"	.globl rt_user_enter\n"
	"rt_user_enter:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, rt_user_ksp(%rip)\n"
	"	pushq 40(%rdi)\n"	/* ss */
	"	pushq 32(%rdi)\n"	/* rsp */
	"	pushq 24(%rdi)\n"	/* rflags */
	"	pushq 16(%rdi)\n"	/* cs */
	"	pushq 8(%rdi)\n"	/* rip */
	"	pushq 0(%rdi)\n"	/* flags */
	"	movq %rsi, %rdi\n"
	"	jmp hypercall_page + 23 * 32\n"
	"	.globl rt_user_leave\n"
	"rt_user_leave:\n"
	"	movq %rdi, %rax\n"
	"	movq rt_user_ksp(%rip), %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n");

uint64_t rt_user_stack_top(void)
{
	return (uint64_t)user_stack + sizeof(user_stack);
}

static void syscall_entry(struct rt_regs *r)
{
	if (r->rax == RT_SYS_EXIT) {
		rt_user_leave(r->rdi);
	}
	r->iret_flags = VGCF_in_syscall;
	if (rt_user_syscall_fn) {
		rt_user_syscall_fn(r);
	} else {
		r->rax = (uint64_t)-XEN_ENOSYS;
	}
}

/* Map [start, end) into the user L1 being built. */
static bool map_user_pages(uint64_t start, uint64_t end, uint64_t flags, uint64_t base)
{
	for (uint64_t va = start; va < end; va += RT_PAGE_SIZE) {
		uint64_t mfn = rt_va_to_mfn(va);

		if (mfn == ~0ULL || (va & ~((1ULL << 21) - 1)) != base) {
			return false;
		}
		table[PT_INDEX(va, 1)] = (mfn << 12) | flags;
	}
	return true;
}

static uint64_t one_entry_table(uint64_t va, int level, uint64_t child)
{
	memset(table, 0, sizeof(table));
	table[PT_INDEX(va, level)] = (child << 12) | PTE_LINK;
	return rt_pt_alloc(table);
}

long rt_user_init(void)
{
	uint64_t base = (uint64_t)__user_text_start & ~((1ULL << 21) - 1);
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
		.address = (uint64_t)rt_entry_syscall,
	};
	uint64_t l1, l2, l3, l4;
	long rc;

	rt_events_init();
	memset(table, 0, sizeof(table));
	if (!map_user_pages((uint64_t)__user_text_start, (uint64_t)__user_text_end, PTE_RO, base) ||
	    !map_user_pages((uint64_t)__user_data_start, (uint64_t)__user_data_end, PTE_DATA, base)) {
		return -XEN_EINVAL;
	}
	l1 = rt_pt_alloc(table);
	l2 = l1 ? one_entry_table(base, 2, l1) : 0;
	l3 = l2 ? one_entry_table(base, 3, l2) : 0;
	l4 = l3 ? one_entry_table(base, 4, l3) : 0;
	if (!l4) {
		return -XEN_ENOMEM;
	}
	rc = rt_pin(4, l4);
	if (rc == 0) {
		rc = hyp_mmuext1(MMUEXT_NEW_USER_BASEPTR, l4);
	}
	if (rc == 0) {
		rc = hyp_stack_switch(FLAT_KERNEL_SS64, (uint64_t)kstack + sizeof(kstack));
	}
	if (rc == 0) {
		rc = hyp_callback_op(CALLBACKOP_register, &cb);
	}
	if (rc == 0) {
		rt_user_l4_mfn = l4;
		rt_syscall_fn = syscall_entry;
	}
	return rc;
}

uint64_t rt_user_run(void (*fn)(void), uint64_t arg, uint64_t rflags)
{
	const uint64_t frame[6] = {
		0, (uint64_t)fn, FLAT_USER_CS64, rflags | X86_EFLAGS_MBS,
		rt_user_stack_top(), FLAT_USER_SS64,
	};
	uint8_t mask = rt_vcpu_info()->evtchn_upcall_mask;
	uint64_t v = rt_user_enter(frame, arg);

	/* Back through the syscall callback, which masked events. */
	rt_events_mask(mask);
	return v;
}
