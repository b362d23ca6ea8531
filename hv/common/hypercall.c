/*
 * The hypercall dispatcher: the single way a guest's request reaches a
 * handler. It bounds the number, asks the XSM gate for the table entry's
 * permission, and only then runs the handler. Unimplemented numbers say so.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/hooks.h>

int64_t hypercall_dispatch(struct vcpu *curr, uint64_t nr, const struct hypercall_args *args)
{
	const struct hypercall_def *def;
	int rc;

	if (nr >= hypercall_table_size) {
		printk(LOG_DEBUG, "d%u: hypercall %lu does not exist", curr->domain->id,
		       (unsigned long)nr);
		return -XEN_ENOSYS;
	}
	def = &hypercall_table[index_nospec(nr, hypercall_table_size)];
	if (def->handler == NULL) {
		printk(LOG_DEBUG, "d%u: hypercall %lu (%s) is not implemented: -ENOSYS",
		       curr->domain->id, (unsigned long)nr, def->name ? def->name : "unknown");
		return -XEN_ENOSYS;
	}
	rc = xsm_hypercall(curr->domain, def->perm);
	if (rc != 0) {
		return rc;
	}
	return def->handler(curr, args);
}
