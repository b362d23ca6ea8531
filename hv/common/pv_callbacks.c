/*
 * Where a PV guest wants to be entered: its trap table (set_trap_table), its
 * kernel stack for traps taken in user mode (stack_switch) and its event,
 * failsafe, syscall and NMI callbacks (callback_op, set_callbacks).
 * Pure bookkeeping: nothing is entered here. Addresses must be guest
 * addresses (canonical, outside the hypervisor's slots); whether they are
 * mapped is the guest's problem, found out when the arch bounces there.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/pv.h>
#include <public/callback.h>
#include <public/errno.h>

/* Bound on entries read from one trap table: every vector once, plus the end. */
#define TRAP_TABLE_MAX (PV_NR_TRAPS + 1)

void pv_vcpu_init(struct pv_vcpu *pv)
{
	memset(pv, 0, sizeof(*pv));
	pv->kernel_root = mfn(INVALID_MFN_RAW);
	pv->user_root = mfn(INVALID_MFN_RAW);
	pv->kernel_mode = true;
	pv->kernel_ss = FLAT_KERNEL_SS64;
	/* The CR4 a PV kernel believes in: PAE, PGE, OSFXSR, OSXMMEXCPT. */
	pv->cr4 = 0x660;
	/* Debug registers at their architectural reset values, as on Xen:
	 * get_debugreg and mov from %dr6/%dr7 see these before any write. */
	pv->debugreg[6] = 0xffff0ff0ULL;
	pv->debugreg[7] = 0x400ULL;
}

static bool guest_code_addr_ok(uint64_t a)
{
	/* Canonical and not in the hypervisor's range. */
	/* cppcheck-suppress incorrectLogicOperator ; false: cppcheck 2.10 misreads 0xffff8000... */
	return guest_range_ok(a, 1) && (a < 0x0000800000000000ULL || a >= 0xffff800000000000ULL);
}

int64_t do_set_trap_table(struct vcpu *curr, const struct hypercall_args *args)
{
	struct trap_info table[TRAP_TABLE_MAX];
	uint64_t uptr = args->a[0];
	unsigned int n;

	if (uptr == 0) {
		memset(curr->pv.traps, 0, sizeof(curr->pv.traps));
		return 0;
	}
	/* Decode: read and check the whole table before changing anything. */
	for (n = 0; n < TRAP_TABLE_MAX; n++) {
		if (copy_from_guest(curr, &table[n], guest_ptr(uptr + n * sizeof(table[0])),
				    sizeof(table[0])) != 0) {
			return -XEN_EFAULT;
		}
		if (table[n].address == 0) {
			break;
		}
		if (!guest_code_addr_ok(table[n].address)) {
			return -XEN_EINVAL;
		}
	}
	if (n == TRAP_TABLE_MAX) {
		return -XEN_E2BIG;
	}
	/* Commit. */
	for (unsigned int i = 0; i < n; i++) {
		struct trap_info *t = &curr->pv.traps[table[i].vector];

		*t = table[i];
		/* Handlers always run in guest kernel mode, ring 3. */
		t->cs = FLAT_KERNEL_CS64;
	}
	return 0;
}

int64_t do_stack_switch(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t ss = args->a[0], sp = args->a[1];

	/* cppcheck-suppress incorrectLogicOperator ; false: cppcheck 2.10 misreads 0xffff8000... */
	if (!guest_range_ok(sp, 0) || (sp >= 0x0000800000000000ULL && sp < 0xffff800000000000ULL)) {
		return -XEN_EINVAL;
	}
	curr->pv.kernel_ss = (ss & 3) == 3 ? ss : FLAT_KERNEL_SS64;
	curr->pv.kernel_sp = sp;
	return 0;
}

static struct pv_callback *callback_slot(struct pv_vcpu *pv, unsigned int type)
{
	switch (type) {
	case CALLBACKTYPE_event:
		return &pv->event;
	case CALLBACKTYPE_failsafe:
		return &pv->failsafe;
	case CALLBACKTYPE_syscall:
		return &pv->syscall;
	case CALLBACKTYPE_syscall32:
		return &pv->syscall32;
	case CALLBACKTYPE_sysenter:
		return &pv->sysenter;
	case CALLBACKTYPE_nmi:
		return &pv->nmi;
	default:
		return NULL;
	}
}

int64_t do_callback_op(struct vcpu *curr, const struct hypercall_args *args)
{
	switch (args->a[0]) {
	case CALLBACKOP_register: {
		struct callback_register r;
		struct pv_callback *slot;

		if (copy_from_guest(curr, &r, guest_ptr(args->a[1]), sizeof(r)) != 0) {
			return -XEN_EFAULT;
		}
		slot = callback_slot(&curr->pv, r.type);
		if (slot == NULL || (r.address != 0 && !guest_code_addr_ok(r.address)) ||
		    (r.flags & ~CALLBACKF_mask_events) != 0) {
			return -XEN_EINVAL;
		}
		slot->address = r.address;
		slot->mask_events = (r.flags & CALLBACKF_mask_events) != 0;
		return 0;
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister u;

		if (copy_from_guest(curr, &u, guest_ptr(args->a[1]), sizeof(u)) != 0) {
			return -XEN_EFAULT;
		}
		/* As on Xen, only the NMI callback may be taken away again. */
		if (u.type != CALLBACKTYPE_nmi) {
			return -XEN_EINVAL;
		}
		curr->pv.nmi.address = 0;
		return 0;
	}
	default:
		return -XEN_ENOSYS;
	}
}

int64_t do_set_callbacks(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t event = args->a[0], failsafe = args->a[1], syscall = args->a[2];

	if ((event && !guest_code_addr_ok(event)) || (failsafe && !guest_code_addr_ok(failsafe)) ||
	    (syscall && !guest_code_addr_ok(syscall))) {
		return -XEN_EINVAL;
	}
	/* The legacy call carries no flags; events are masked on every event
	 * upcall regardless (see the arch's delivery). */
	curr->pv.event = (struct pv_callback){ event, false };
	curr->pv.failsafe = (struct pv_callback){ failsafe, false };
	curr->pv.syscall = (struct pv_callback){ syscall, false };
	return 0;
}
