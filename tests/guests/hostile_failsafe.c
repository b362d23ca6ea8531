/*
 * hostile_failsafe: makes every way back fault. The failsafe callback and
 * the #GP and #PF handlers all point at unmapped memory; then an iret
 * hypercall to an invalid code selector (0x1230: RPL 0, a GDT slot no one
 * filled). Xen 4.17 bounces that as a #GP (error code = the selector); a
 * hypervisor may use the failsafe callback instead. Either way the bounce
 * lands on unmapped memory, whose #PF lands on unmapped memory again:
 * the domain must be killed, and only it.
 *
 * Keys: name.
 */
#include "hostile.h"

const char guest_image[] = "hostile_failsafe";

#define NOWHERE 0x3000UL

void guest_main(void)
{
	struct trap_info table[3] = {
		{ .vector = X86_EXC_GP, .cs = FLAT_KERNEL_CS64, .address = NOWHERE },
		{ .vector = X86_EXC_PF, .cs = FLAT_KERNEL_CS64, .address = NOWHERE },
		{ .address = 0 },
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_failsafe, .address = NOWHERE,
	};
	long rc1, rc2;

	rc1 = hyp_set_trap_table(table);
	rc2 = hyp_callback_op(CALLBACKOP_register, &cb);
	rt_printf("%s: handlers at 0x%lx: set_trap_table %ld, failsafe %ld\n", rt_guest_name,
		  NOWHERE, rc1, rc2);
	fatal_step("iret hypercall to code selector 0x1230");
	__asm__ volatile("movq %%rsp, %%rax\n\t"
			 "pushq $0xe02b\n\t"
			 "pushq %%rax\n\t"
			 "pushq $0x2\n\t"
			 "pushq $0x1230\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "pushq $0\n\t"
			 "jmp hypercall_page + 23 * 32\n"
			 "1:"
			 : : : "rax", "rcx", "r11", "memory");
	survived("an iret to a bad selector with every handler unmapped");
}
