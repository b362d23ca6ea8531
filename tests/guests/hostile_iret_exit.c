/*
 * hostile_iret_exit: returns to the guest that the hypervisor's final
 * iretq cannot complete. An iretq that faults does so in ring 0, on the
 * hypervisor's own exit path: unhandled, it stops the machine. One attack
 * per boot (mode=):
 *   iret32_kernel  iret hypercall to the 32-bit code selector (kernel RPL)
 *                  with rip above 4 GiB (beyond the segment's limit)
 *   iret32_user    the same to user mode (FLAT_RING3_CS32, a user root)
 *   iret_noncanon  iret hypercall to a non-canonical rip
 *   iret_bad_ss    iret hypercall with a stack selector nobody defined
 *   iret_bad_cs    iret hypercall to a code selector nobody defined (0x1230,
 *                  an empty slot of its GDT): iretq itself faults
 *   syscall_end    `syscall` in the last two bytes below the canonical hole:
 *                  the return address the CPU saved (rcx) is non-canonical
 *   emul_end       an emulated instruction (clts) in the same two bytes:
 *                  the hypervisor's emulation advances rip into the hole
 * A refused iret kills the domain (reason in the console); a bad selector
 * the hypervisor may correct instead (then the guest goes on). A return
 * that cannot complete goes to the failsafe callback, which resumes the
 * test (PASS, with the frame it saw); with failsafe=no the domain is killed.
 *
 * Keys: name, mode=..., failsafe=yes|no.
 */
#include "hostile.h"
#include "user.h"

const char guest_image[] = "hostile_iret_exit";

/* The last page below the non-canonical hole, and its last two bytes. */
#define END_PAGE 0x00007ffffffff000ULL
#define END_INSN (END_PAGE + RT_PAGE_SIZE - 2)
#define HOLE     0x0000800000000000ULL

uint64_t hie_resume_rsp;
static volatile uint64_t fs_rip, fs_cs;
static volatile unsigned int fs_count;

/*
 * uint64_t hie_launch(const uint64_t *frame, uint64_t target): with a frame
 * (rip, cs, rflags, rsp, ss), the iret hypercall to it; without, a jump to
 * target with rax = xen_version and rdi = XENVER_version. Comes back (like
 * longjmp) only through hie_resume, where the failsafe callback or a
 * corrected iret lands.
 */
uint64_t hie_launch(const uint64_t *frame, uint64_t target);
extern char hie_resume[];
__asm__(
	"	.text\n"
	"	.globl hie_launch\n"
	"hie_launch:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, hie_resume_rsp(%rip)\n"
	"	testq %rdi, %rdi\n"
	"	jz 1f\n"
	"	pushq 32(%rdi)\n"	/* ss */
	"	pushq 24(%rdi)\n"	/* rsp */
	"	pushq 16(%rdi)\n"	/* rflags */
	"	pushq 8(%rdi)\n"	/* cs */
	"	pushq 0(%rdi)\n"	/* rip */
	"	pushq $0\n"		/* flags */
	"	jmp hypercall_page + 23 * 32\n"
	"1:	movl $17, %eax\n"	/* __HYPERVISOR_xen_version */
	"	xorl %edi, %edi\n"
	"	jmp *%rsi\n"
	"	.globl hie_resume\n"
	"hie_resume:\n"
	"	movq hie_resume_rsp(%rip), %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	xorl %eax, %eax\n"
	"	ret\n");
_Static_assert(__HYPERVISOR_xen_version == 17, "hie_launch");

/* The failsafe callback: note the frame that could not be returned to,
 * then resume after the attack. */
static void on_failsafe(struct rt_regs *r)
{
	fs_count++;
	fs_rip = r->rip;
	fs_cs = r->cs;
	r->rip = (uint64_t)hie_resume;
	r->cs = FLAT_KERNEL_CS64 & ~3ULL;
	r->rflags = X86_EFLAGS_IF;
}

static void iret_to(uint64_t rip, uint64_t cs, uint64_t rsp, uint64_t ss)
{
	const uint64_t frame[5] = { rip, cs, X86_EFLAGS_IF, rsp, ss };

	hie_launch(frame, 0);
}

/* Run the two bytes at END_INSN (syscall or clts). */
static void run_at_end(const uint8_t insn[2])
{
	uint64_t pfn = rt_frame_alloc();
	uint64_t scratch = rt_window(RT_WIN_TEST);
	long rc;

	if (pfn == 0) {
		test_fail("setup", "no free frame");
		return;
	}
	rc = rt_map(scratch, rt_pfn_to_mfn(pfn), PTE_DATA);
	if (rc == 0) {
		memset((void *)scratch, 0xcc, RT_PAGE_SIZE);
		((uint8_t *)scratch)[RT_PAGE_SIZE - 2] = insn[0];
		((uint8_t *)scratch)[RT_PAGE_SIZE - 1] = insn[1];
		rc = rt_unmap(scratch);
	}
	if (rc == 0) {
		rc = rt_ensure_l1(END_PAGE);
	}
	if (rc == 0) {
		rc = rt_map(END_PAGE, rt_pfn_to_mfn(pfn), PTE_RO);
	}
	if (!test_check(rc == 0, "setup", "the last canonical page mapped: rc %ld", rc)) {
		return;
	}
	rt_printf("%s: running %02x %02x at 0x%lx (the next rip is 0x%lx)\n", rt_guest_name,
		  insn[0], insn[1], (unsigned long)END_INSN, (unsigned long)HOLE);
	rt_flush();
	hie_launch(NULL, END_INSN);
}

void guest_main(void)
{
	char mode[24] = "", fs[8] = "yes";
	uint64_t stack = rt_user_stack_top();

	cmdline_get("mode", mode, sizeof(mode));
	cmdline_get("failsafe", fs, sizeof(fs));
	rt_failsafe_fn = on_failsafe;
	if (!test_check(rt_traps_init() == 0, "set_trap_table", "trap table registered")) {
		return;
	}
	if (strcmp(fs, "no") == 0) {
		/* Only the NMI callback may be unregistered: register address 0. */
		struct callback_register cb = { .type = CALLBACKTYPE_failsafe, .address = 0 };

		test_check(hyp_callback_op(CALLBACKOP_register, &cb) == 0, "no_failsafe",
			   "failsafe callback set to none");
	}
	if (strcmp(mode, "iret32_kernel") == 0) {
		fatal_step("iret to the 32-bit code selector at rip 0x100001000");
		iret_to(0x100001000ULL, FLAT_RING3_CS32 & ~3ULL, stack, FLAT_RING3_DS32);
	} else if (strcmp(mode, "iret32_user") == 0) {
		test_check(rt_user_init() == 0, "user_init", "user root installed");
		fatal_step("iret to user mode, 32-bit code selector, rip 0x100001000");
		iret_to(0x100001000ULL, FLAT_RING3_CS32, stack, FLAT_RING3_DS32);
	} else if (strcmp(mode, "iret_noncanon") == 0) {
		fatal_step("iret to the non-canonical rip 0x800000000000");
		iret_to(HOLE, FLAT_KERNEL_CS64 & ~3ULL, stack, FLAT_KERNEL_SS64);
	} else if (strcmp(mode, "iret_bad_ss") == 0) {
		/* Corrected (Moat forces its one stack selector) or refused: either
		 * way the hypervisor stays up; a correction resumes here. */
		rt_printf("%s: iret with stack selector 0x1230\n", rt_guest_name);
		iret_to((uint64_t)hie_resume, FLAT_KERNEL_CS64 & ~3ULL, 0, 0x1230);
		test_check(fs_count == 0, "corrected", "the iret went on with a stack selector "
			   "the hypervisor chose (failsafe callbacks: %u)", fs_count);
		return;
	} else if (strcmp(mode, "iret_bad_cs") == 0) {
		rt_printf("%s: iret to code selector 0x1230\n", rt_guest_name);
		iret_to((uint64_t)hie_resume, 0x1230, stack, FLAT_KERNEL_SS64);
		test_check(fs_count == 1 && (fs_cs & 0xfffc) == 0x1230 &&
			   fs_rip == (uint64_t)hie_resume, "failsafe", "the failed return came back "
			   "to the failsafe callback: %u time(s), cs 0x%lx rip 0x%lx", fs_count,
			   (unsigned long)fs_cs, (unsigned long)fs_rip);
		return;
	} else if (strcmp(mode, "syscall_end") == 0) {
		static const uint8_t sys[2] = { 0x0f, 0x05 };

		run_at_end(sys);
	} else if (strcmp(mode, "emul_end") == 0) {
		static const uint8_t clts[2] = { 0x0f, 0x06 };

		run_at_end(clts);
	} else {
		test_fail("mode", "unknown mode '%s'", mode);
		return;
	}
	if (strncmp(mode, "iret", 4) == 0) {
		survived(mode);
		return;
	}
	/* Only a failsafe bounce brings the guest here. */
	test_check(fs_count == 1 && fs_rip >= HOLE - 2 && fs_rip <= HOLE, "failsafe",
		   "the return the hypervisor could not make came back to the failsafe "
		   "callback: %u time(s), rip 0x%lx cs 0x%lx", fs_count, (unsigned long)fs_rip,
		   (unsigned long)fs_cs);
}
