/*
 * Writable page tables: a guest kernel's plain write to one of its own
 * read-only page-table pages. Not yet built (it needs the memory model's
 * validation); until then such a write is an ordinary #PF for the guest.
 */
#include <arch/pv.h>

bool pv_emulate_pt_write(struct vcpu *v, struct cpu_regs *r, uint64_t cr2)
{
	(void)v;
	(void)r;
	(void)cr2;
	return false;
}
