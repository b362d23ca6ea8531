/* callback_op (30), set_callbacks (4), set_trap_table (0): Xen's PV64 ABI. */
#ifndef MOAT_PUBLIC_CALLBACK_H
#define MOAT_PUBLIC_CALLBACK_H

#include <public/xen.h>

#define CALLBACKTYPE_event     0
#define CALLBACKTYPE_failsafe  1
#define CALLBACKTYPE_syscall   2
#define CALLBACKTYPE_sysenter  5
#define CALLBACKTYPE_nmi       4
#define CALLBACKTYPE_syscall32 7

#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register    0
#define CALLBACKOP_unregister  1

/* vcpu_guest_context flags that callbacks and iret use. */
#define VGCF_failsafe_disables_events (1U << 3)
#define VGCF_syscall_disables_events  (1U << 4)
#define VGCF_in_syscall               (1U << 8)

/* trap_info.flags: bits 0-1 the DPL allowed to raise it with INT n,
 * bit 2 clear events (mask upcalls) on entry. */
#define TI_GET_DPL(f) ((f) & 3)
#define TI_GET_IF(f)  (((f) >> 2) & 1)

#ifndef __ASSEMBLY__
struct callback_register {
	uint16_t type;
	uint16_t flags;
	uint32_t pad;
	uint64_t address;
};
_Static_assert(sizeof(struct callback_register) == 16, "ABI");

struct callback_unregister {
	uint16_t type;
	uint16_t pad;
};
_Static_assert(sizeof(struct callback_unregister) == 4, "ABI");

struct trap_info {
	uint8_t vector;
	uint8_t flags;
	uint16_t cs;
	uint32_t pad;
	uint64_t address;
};
_Static_assert(sizeof(struct trap_info) == 16, "ABI");

/* What the iret hypercall finds at the guest's stack pointer. */
struct iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct iret_context) == 72, "ABI");
#endif

/* set_segment_base. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

#endif
