/*
 * memory_op decrease_reservation, increase_reservation, populate_physmap.
 * Not yet built: giving a frame back is only safe once the memory model's
 * reference counts say nothing maps it. Until then: -ENOSYS, honestly.
 */
#include <hv/hypercall.h>
#include <public/errno.h>

int64_t memory_op_reservation(struct vcpu *curr, unsigned int cmd, uint64_t arg)
{
	(void)curr;
	(void)cmd;
	(void)arg;
	return -XEN_ENOSYS;
}
