/*
 * The guarded edges of entry.S: the IST vectors taken in the hypervisor
 * (ist.c), the checks and fixup of the exit iretq (exit.c), and the boot
 * check (entry_check.c) that the IDT, TSS and SYSCALL entry are laid out
 * as entry.S's reasoning assumes. Called from entry.S, traps.c, desc.c and
 * pv/mode.c.
 */
#ifndef ARCH_ENTRY_H
#define ARCH_ENTRY_H

#include <arch/regs.h>
#include <hv/types.h>

/* The IST slots (1-7) of the vectors that must never run on the stack the
 * CPU was using. Each has a stack of its own. */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3
#define IST_DB  4
#define IST_COUNT 4
#define IST_STACK_SIZE 8192

/* entry.S: an IST vector taken in ring 0, handled on its IST stack. */
void ist_trap_hv(struct cpu_regs *r);
/* trap_dispatch: NMI, #DF or #MC taken in guest mode (moved to the vCPU's
 * stack already). Returns false for the vectors the guest handles (#DB). */
bool ist_trap_guest(struct cpu_regs *r);

/* Boot: stop unless the live IDT, TSS, SYSCALL MSRs and entry code have
 * the layout entry.S's reasoning rests on (entry_check.c). */
void entry_selfcheck(void);

/* selftest=entry-db (arch_selftest_entry_db): instruction breakpoints on
 * the SYSCALL entry and the int3 stub reproduce the #DB real CPUs defer
 * past MOV SS; pv/mode.c loads them with the guest's debug registers. */
void entry_db_selftest_regs(uint64_t *dr2, uint64_t *dr3, uint64_t *dr7);

/* exit.c */
void exit_frame_check(struct cpu_regs *r);
bool exit_iretq_fixup(struct cpu_regs *r);
void exit_iretq_failed(struct cpu_regs *r);

/* traps.c: the fatal report, then the machine stops. */
void __noreturn trap_fatal(const struct cpu_regs *r);

#endif
