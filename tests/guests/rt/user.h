/*
 * Guest user mode for a PV64 test guest. Guest kernel and guest user both
 * run in ring 3; the hypervisor tells them apart by the page-table root it
 * loads: the kernel root (new_baseptr) or the user root (new_user_baseptr).
 *
 * The user root built here maps only the user pages of the image (sections
 * .user.text read-only and .user.data read-write, at the same virtual
 * addresses as in the kernel), so any other kernel address faults in user
 * mode. A user `syscall` is bounced to the kernel's syscall callback on the
 * stack given with stack_switch; the kernel returns with the iret hypercall.
 */
#ifndef GUEST_RT_USER_H
#define GUEST_RT_USER_H

#include "traps.h"

/* User code and data live in these sections (page-aligned by guest.lds). */
#define RT_USER_TEXT __attribute__((section(".user.text")))
#define RT_USER_DATA __attribute__((section(".user.data")))
extern char __user_text_start[], __user_text_end[];
extern char __user_data_start[], __user_data_end[];

/* User syscall number that returns to the kernel: rt_user_run() then
 * returns the user's rdi. */
#define RT_SYS_EXIT 0

extern uint64_t rt_user_l4_mfn;

/* Build and pin the user root, install it (new_user_baseptr), set the
 * kernel stack for traps from user mode (stack_switch) and register the
 * syscall callback. Returns 0 or the first failing hypercall's result. */
long rt_user_init(void);

/* Handles user syscalls other than RT_SYS_EXIT: sets r->rax (and may set
 * r->iret_flags to 0 for a full iret instead of a sysret-style return). */
extern void (*rt_user_syscall_fn)(struct rt_regs *r);

/* Run fn in user mode with rdi = arg on the user stack, rflags as given
 * (X86_EFLAGS_IF: events enabled). Returns the value of its exit syscall. */
uint64_t rt_user_run(void (*fn)(void), uint64_t arg, uint64_t rflags);

/* The top of the runtime's user stack (in .user.data). */
uint64_t rt_user_stack_top(void);

#endif /* GUEST_RT_USER_H */
