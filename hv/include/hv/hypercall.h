/*
 * Hypercall dispatch. One table (hv/common/hypercall_table.c) defines every
 * hypercall: number, name, handler and the XSM gate permission checked
 * before the handler runs. A number without a handler is -XEN_ENOSYS.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>
#include <xsm/hooks.h>

struct vcpu;

/* The guest's six argument registers (rdi, rsi, rdx, r10, r8, r9). */
struct hypercall_args {
	uint64_t a[6];
};

/*
 * A handler that gave way part-way returns HYPERCALL_CONTINUE, made by
 * hypercall_continue() from the arguments of the rest. The value alone
 * proves nothing (iret returns the guest's own rax, which may equal it):
 * callers of the dispatcher ask hypercall_continued().
 */
#define HYPERCALL_CONTINUE INT64_MIN
int64_t hypercall_continue(struct vcpu *curr, const struct hypercall_args *rest);
/* True when a batch must stop at the next item boundary and continue. A
 * handler checks it after each item, never before the first (progress). */
bool hypercall_preempt_check(void);

typedef int64_t (*hypercall_fn)(struct vcpu *curr, const struct hypercall_args *args);

struct hypercall_def {
	const char *name;		/* Xen's name, e.g. "console_io" */
	hypercall_fn handler;		/* NULL: not implemented, -ENOSYS */
	enum xsm_hypercall_perm perm;	/* gate permission */
};

extern const struct hypercall_def hypercall_table[];
extern const unsigned int hypercall_table_size;

/*
 * Gate, then handler. Returns the value for the guest's rax, or a
 * continuation (hypercall_continued) with *args rewritten to the rest of
 * the call: the caller re-issues hypercall nr with them (the arch: the
 * guest's registers and RIP back on the hypercall instruction; multicall:
 * the entry).
 */
int64_t hypercall_dispatch(struct vcpu *curr, uint64_t nr, struct hypercall_args *args);
/* Whether dispatch's return ret is a continuation (*args is the rest). */
bool hypercall_continued(const struct vcpu *curr, int64_t ret);

/* Handlers, one per file in hv/common/. */
int64_t do_console_io(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_xen_version(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_sched_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_set_trap_table(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_stack_switch(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_callback_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_set_callbacks(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_fpu_taskswitch(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_set_segment_base(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_set_debugreg(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_get_debugreg(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_physdev_op(struct vcpu *curr, const struct hypercall_args *args);
/* xsm/flask_op.c: FLASK's xsm_op (hv/include/public/xsm_op.h); -ENOSYS under dummy. */
int64_t do_xsm_op(struct vcpu *curr, const struct hypercall_args *args);
/* hv/common/attest_op.c: what measured boot recorded (public/attest_op.h). */
int64_t do_attest_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_multicall(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_memory_op(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_iret(struct vcpu *curr, const struct hypercall_args *args);
int64_t do_set_gdt(struct vcpu *curr, const struct hypercall_args *args);
/* decrease_reservation, increase_reservation and populate_physmap, from
 * extent `start` on (cmd's continuation bits). */
int64_t memory_op_reservation(struct vcpu *curr, unsigned int cmd, uint64_t arg,
			      uint64_t start);

#endif
