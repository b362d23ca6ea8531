/*
 * user: guest user mode. Builds a user page-table root that maps only the
 * user pages (new_user_baseptr), enters user mode with the iret hypercall
 * and runs a small user program that
 *   - makes syscalls, bounced to the kernel's syscall callback and returned
 *     with the iret hypercall (sysret-style with VGCF_in_syscall, and a full
 *     iret without it);
 *   - reads a kernel-only page (#PF to the kernel, user bit set);
 *   - writes its own read-only text (#PF, present|write|user);
 *   - executes cli (#GP), int3 (#BP, DPL 3), int $0x80 (DPL 3);
 *   - receives an event while in user mode (upcall on the kernel stack);
 * and leaves with an exit syscall, so the test ends in the kernel.
 *
 * Keys: name. Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"
#include "user.h"

const char guest_image[] = "user";

#define SYS_DOUBLE   1	/* rax = 2 * rdi, sysret-style return */
#define SYS_INC_IRET 2	/* rax = rdi + 1, full iret; records the frame */
#define SYS_KICK     3	/* send an event to ourselves */
#define SYS_EVENTS   4	/* rax = events seen on that port */

/* What the user program leaves for the kernel to check. */
struct user_results {
	uint64_t doubled;
	uint64_t incremented;
	uint64_t r12_after;
	uint64_t events;
};
static struct user_results results RT_USER_DATA;

void user_prog(void);

/* The user program: rdi = &results. Every faulting instruction has an
 * exception-table entry, so the kernel resumes it after the instruction. */
__asm__(
	"	.pushsection .user.text, \"ax\"\n"
	"	.globl user_prog\n"
	"user_prog:\n"
	"	movq %rdi, %r15\n"
	"	movq $1, %rax\n"
	"	movq $21, %rdi\n"
	"	syscall\n"
	"	movq %rax, 0(%r15)\n"
	"	movabsq $0x5a5a5a5a5a5a5a5a, %r12\n"
	"	movq $2, %rax\n"
	"	movq $41, %rdi\n"
	"	syscall\n"
	"	movq %rax, 8(%r15)\n"
	"	movq %r12, 16(%r15)\n"
	"	.globl user_pf_read\n"
	"user_pf_read:\n"
	RT_TRY("movq _image_start(%rip), %rax")
	"	.globl user_pf_write\n"
	"user_pf_write:\n"
	RT_TRY("movb $0, user_prog(%rip)")
	"	.globl user_cli\n"
	"user_cli:\n"
	RT_TRY("cli")
	RT_TRY("int3")
	"	.globl user_int3_end\n"
	"user_int3_end:\n"
	RT_TRY("int $0x80")
	"	.globl user_int80_end\n"
	"user_int80_end:\n"
	"	movq $3, %rax\n"
	"	syscall\n"
	"	movq $4, %rax\n"
	"	syscall\n"
	"	movq %rax, 24(%r15)\n"
	"	movq $0, %rax\n"
	"	movq $0x600d, %rdi\n"
	"	syscall\n"
	"	ud2\n"
	"	.popsection\n");

extern char user_pf_read[], user_pf_write[], user_cli[], user_int3_end[], user_int80_end[];

/* Every trap the kernel took from user mode, in order. */
struct user_trap {
	unsigned int vector;
	uint64_t error_code, rip, cs, rflags, rsp, ss, cr2, cr3;
};
static struct user_trap traps[8];
static unsigned int trap_count;

static uint64_t read_cr3(void)
{
	uint64_t v = 0;

	__asm__ volatile(RT_TRY("movq %%cr3, %0") : "+r"(v) : : "memory");
	return v;
}

static void user_trap_handler(struct rt_regs *r)
{
	if (trap_count < ARRAY_SIZE(traps)) {
		traps[trap_count++] = (struct user_trap){
			.vector = (unsigned int)r->vector, .error_code = r->error_code,
			.rip = r->rip, .cs = r->cs, .rflags = r->rflags, .rsp = r->rsp,
			.ss = r->ss, .cr2 = rt_vcpu_info()->arch.cr2, .cr3 = read_cr3(),
		};
	}
	rt_trap_default(r);
}

static struct rt_regs sys2_frame;
static evtchn_port_t ipi_port;

static void user_syscall(struct rt_regs *r)
{
	switch (r->rax) {
	case SYS_DOUBLE:
		r->rax = r->rdi * 2;
		break;
	case SYS_INC_IRET:
		sys2_frame = *r;
		r->rax = r->rdi + 1;
		r->iret_flags = 0;
		break;
	case SYS_KICK:
		r->rax = (uint64_t)rt_evtchn_send(ipi_port);
		break;
	case SYS_EVENTS:
		r->rax = rt_port_events[ipi_port];
		break;
	default:
		r->rax = (uint64_t)-XEN_ENOSYS;
		break;
	}
}

static const struct user_trap *find_trap(unsigned int vector)
{
	for (unsigned int i = 0; i < trap_count; i++) {
		if (traps[i].vector == vector) {
			return &traps[i];
		}
	}
	return NULL;
}

static bool user_cs(uint64_t cs)
{
	return (cs & 3) == 3;
}

static void check_traps(void)
{
	const struct user_trap *t;

	t = find_trap(X86_EXC_PF);
	test_check(t && t->rip == (uint64_t)user_pf_read && t->cr2 == (uint64_t)_image_start &&
		   t->error_code == PFEC_USER && user_cs(t->cs), "user_pf_kernel_page",
		   "rip 0x%lx cr2 0x%lx err 0x%lx cs 0x%lx", t ? (unsigned long)t->rip : 0,
		   t ? (unsigned long)t->cr2 : 0, t ? (unsigned long)t->error_code : 0,
		   t ? (unsigned long)t->cs : 0);
	test_check(t && t->cr3 >> 12 == rt_l4_mfn, "user_trap_runs_on_kernel_root",
		   "CR3 in the handler 0x%lx, kernel root 0x%lx, user root 0x%lx",
		   t ? (unsigned long)t->cr3 : 0, (unsigned long)rt_l4_mfn,
		   (unsigned long)rt_user_l4_mfn);
	t = (trap_count >= 2 && traps[1].vector == X86_EXC_PF) ? &traps[1] : NULL;
	test_check(t && t->rip == (uint64_t)user_pf_write &&
		   t->error_code == (PFEC_PRESENT | PFEC_WRITE | PFEC_USER), "user_pf_write_ro",
		   "rip 0x%lx err 0x%lx", t ? (unsigned long)t->rip : 0,
		   t ? (unsigned long)t->error_code : 0);
	t = find_trap(X86_EXC_GP);
	test_check(t && t->rip == (uint64_t)user_cli && t->error_code == 0 && user_cs(t->cs),
		   "user_cli_gp", "rip 0x%lx err 0x%lx cs 0x%lx", t ? (unsigned long)t->rip : 0,
		   t ? (unsigned long)t->error_code : 0, t ? (unsigned long)t->cs : 0);
	t = find_trap(X86_EXC_BP);
	test_check(t && t->rip == (uint64_t)user_int3_end && user_cs(t->cs), "user_int3",
		   "rip 0x%lx cs 0x%lx", t ? (unsigned long)t->rip : 0, t ? (unsigned long)t->cs : 0);
	t = find_trap(0x80);
	test_check(t && t->rip == (uint64_t)user_int80_end && user_cs(t->cs) &&
		   t->rsp <= rt_user_stack_top() && t->rsp >= rt_user_stack_top() - 4096,
		   "user_int80", "rip 0x%lx cs 0x%lx rsp 0x%lx", t ? (unsigned long)t->rip : 0,
		   t ? (unsigned long)t->cs : 0, t ? (unsigned long)t->rsp : 0);
	t = &traps[0];
	test_check(trap_count > 0 && (t->rflags & X86_EFLAGS_IF) &&
		   (uint8_t)(t->cs >> 32) == 0, "user_frame_events_enabled",
		   "rflags 0x%lx cs 0x%lx (user ran with events enabled)",
		   (unsigned long)t->rflags, (unsigned long)t->cs);
}

void guest_main(void)
{
	uint64_t exit_value;
	long rc = rt_traps_init();

	test_check(rc == 0, "set_trap_table", "rc %ld", rc);
	rc = rt_user_init();
	test_check(rc == 0, "user_root", "build, pin, new_user_baseptr, stack_switch, "
		   "syscall callback: rc %ld (user L4 mfn 0x%lx)", rc,
		   (unsigned long)rt_user_l4_mfn);
	if (rc) {
		return;
	}
	rc = rt_evtchn_bind_ipi(&ipi_port);
	test_check(rc == 0 && ipi_port < RT_NR_PORTS, "bind_ipi", "rc %ld port %u", rc, ipi_port);
	rt_user_syscall_fn = user_syscall;
	for (unsigned int v = 0; v < X86_NR_EXC; v++) {
		rt_trap_set_handler(v, user_trap_handler);
	}
	rt_trap_set_handler(0x80, user_trap_handler);

	exit_value = rt_user_run(user_prog, (uint64_t)&results, X86_EFLAGS_IF);

	test_check(exit_value == 0x600d, "user_exit_to_kernel", "exit value 0x%lx",
		   (unsigned long)exit_value);
	test_check(results.doubled == 42, "syscall_sysret", "2 * 21 = %lu",
		   (unsigned long)results.doubled);
	test_check(results.incremented == 42 && results.r12_after == 0x5a5a5a5a5a5a5a5aULL,
		   "syscall_full_iret", "41 + 1 = %lu, r12 0x%lx", (unsigned long)results.incremented,
		   (unsigned long)results.r12_after);
	test_check(sys2_frame.rcx == sys2_frame.rip && sys2_frame.r11 == sys2_frame.rflags &&
		   user_cs(sys2_frame.cs) && sys2_frame.rsp <= rt_user_stack_top(),
		   "syscall_frame", "rip 0x%lx rcx 0x%lx rflags 0x%lx r11 0x%lx cs 0x%lx ss 0x%lx "
		   "rsp 0x%lx", (unsigned long)sys2_frame.rip, (unsigned long)sys2_frame.rcx,
		   (unsigned long)sys2_frame.rflags, (unsigned long)sys2_frame.r11,
		   (unsigned long)sys2_frame.cs, (unsigned long)sys2_frame.ss,
		   (unsigned long)sys2_frame.rsp);
	test_check(results.events == 1, "event_in_user_mode", "%lu upcall(s) on port %u",
		   (unsigned long)results.events, ipi_port);
	check_traps();
	for (unsigned int i = 0; i < trap_count; i++) {
		rt_printf("%s: user trap %u: vector %u err 0x%lx rip 0x%lx cs 0x%lx rflags 0x%lx "
			  "ss 0x%lx\n", rt_guest_name, i, traps[i].vector,
			  (unsigned long)traps[i].error_code, (unsigned long)traps[i].rip,
			  (unsigned long)traps[i].cs, (unsigned long)traps[i].rflags,
			  (unsigned long)traps[i].ss);
	}
}
