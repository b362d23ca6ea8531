/*
 * grant_table_op (hypercall 20). Not implemented yet: every sub-op returns
 * -ENOSYS, so a guest sees no grant table (Linux then runs without one).
 */
#include <hv/grant.h>
#include <hv/hypercall.h>
#include <public/errno.h>

int64_t do_grant_table_op(struct vcpu *curr, const struct hypercall_args *args)
{
	(void)curr;
	(void)args;
	return -XEN_ENOSYS;
}
