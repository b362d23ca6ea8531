/*
 * Traps of a PV64 test guest: the trap table (set_trap_table), the entry
 * stubs for Xen's bounce frames, a C handler per vector, and an exception
 * table so a test can run a faulting instruction and resume after it.
 *
 * Xen's PV64 bounce frame, lowest address first, as the guest handler finds
 * it at %rsp: rcx, r11, [error code], rip, cs, rflags, rsp, ss (the failsafe
 * callback has ds, es, fs, gs between r11 and rip). The stubs pop rcx and
 * r11 back into their registers and build struct rt_regs below the frame;
 * the return goes through the iret hypercall.
 */
#ifndef GUEST_RT_TRAPS_H
#define GUEST_RT_TRAPS_H

#include "rt.h"
#include "x86.h"
#include <public/callback.h>

/* Pseudo vectors for the callbacks, above the 256 hardware ones. */
#define RT_VEC_SYSCALL  0x100
#define RT_VEC_FAILSAFE 0x101
#define RT_VEC_EVENT    0x102

#ifndef __ASSEMBLY__
/*
 * What the entry stubs save. iret_flags is handed to the iret hypercall
 * (0, or VGCF_in_syscall to return as from a syscall). The fields from rip
 * on are the bounce frame; cs carries the saved upcall mask in bits 32-39
 * and Xen reports the guest kernel's CS with RPL 0.
 */
struct rt_regs {
	uint64_t iret_flags;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct rt_regs) == 23 * 8, "rt_regs layout (entry.S)");

typedef void (*rt_trap_fn)(struct rt_regs *r);

/* The trap table entries the runtime registers: vectors 0-19 (DPL 0, #BP
 * and #OF DPL 3) and 0x80 (DPL 3), all masking events on entry. */
struct rt_trap_entry {
	uint8_t vector;
	uint8_t flags;
};

/* Register the default trap table with all stubs. Returns the hypercall's
 * result. Also maps shared_info (rt_events_init) so #PF can read cr2. */
long rt_traps_init(void);

/* Register a custom table (NULL: the default one; count 0: empty). */
long rt_traps_set(const struct trap_info *table);

/* The stub address of a hardware vector (0-19, 0x80), or 0. */
uint64_t rt_trap_stub(unsigned int vector);

/* Per-vector C handlers; NULL means the default (exception table, else fail). */
void rt_trap_set_handler(unsigned int vector, rt_trap_fn fn);

/* What the last trap handled by the default handler was. */
struct rt_trap_record {
	unsigned int count;	/* traps recorded since rt_trap_reset() */
	unsigned int vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
	uint64_t cr2;		/* vcpu_info.arch.cr2 at #PF entry */
	uint8_t mask_in_handler;	/* evtchn_upcall_mask seen by the handler */
};
extern struct rt_trap_record rt_last_trap;
void rt_trap_reset(void);

/* The exception table: a fault at `fault` resumes at `fixup`. Finds the
 * entry {fault, fixup} whose fault (or, with trap, whose fixup) is rip. */
const uint64_t *rt_extable_find(uint64_t rip, bool trap);

/* Called from the syscall, failsafe and event entries (set by modules). */
extern rt_trap_fn rt_syscall_fn, rt_failsafe_fn, rt_event_fn;

/* The iret hypercall from a prepared frame (flags, rip, cs, rflags, rsp, ss
 * at frame[0..5]): never returns. */
void rt_iret(const uint64_t *frame) __noreturn;

/* Segment registers the failsafe callback found (ds, es, fs, gs). */
extern uint64_t rt_failsafe_segs[4];

void rt_trap_dispatch(struct rt_regs *r);

/* A handler that records the trap in rt_last_trap and resumes unchanged:
 * for traps (#BP, #DB, INT n), whose rip already points past the instruction. */
void rt_trap_record_only(struct rt_regs *r);

/* The default handler: resume at the exception-table fixup and record, or
 * report an unexpected trap and end the test. For handlers that wrap it. */
void rt_trap_default(struct rt_regs *r);
#endif /* __ASSEMBLY__ */

/*
 * RT_TRY(insn): run one instruction (or a short sequence) that is expected
 * to fault; the default handler records the trap in rt_last_trap and resumes
 * after it. Usable in C inline asm strings.
 */
#define RT_EXTABLE(fault, fixup) \
	".pushsection .rt_extable, \"a\"\n\t.balign 8\n\t.quad " fault ", " fixup "\n\t.popsection\n\t"
#define RT_TRY(insn) "1: " insn "\n2:\n\t" RT_EXTABLE("1b", "2b")

#endif /* GUEST_RT_TRAPS_H */
