/*
 * grant_table_op (hypercall 20): (cmd, uop, count). Batched sub-ops (map,
 * unmap, copy) read each op, run it and write its status (and out fields)
 * back: the hypercall returns 0 once the whole batch was read, -EFAULT on an
 * unreadable or unwritable element (ops before it stay done), and -EINVAL
 * for a negative count or command bits above the sub-op, as Xen. A batch is
 * preemptible as on Xen: after an op, when work is pending, the call
 * continues with uop advanced past the ops done and count the rest (each op
 * of a re-issue is read and checked again; nothing else is carried over).
 * setup_table, query_size and get_status_frames take count == 1 (-EINVAL).
 * Version 1 only: set_version(1) succeeds, (2) is -ENOSYS (as Xen built
 * without v2), anything else -EINVAL; get_status_frames is v2's, so any
 * frame asked of it is GNTST_general_error.
 * Not implemented, -ENOSYS: dump_table (debug only), transfer (page
 * flipping, unused by today's frontends), unmap_and_replace (HVM/PVH),
 * swap_grant_ref and cache_flush (Arm caches).
 */
#include <hv/domain.h>
#include <hv/grant.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/hooks.h>

#include "gnttab_priv.h"

#define GNTTABOP_CMD_MASK 0xfffU	/* Xen: the rest is the continuation's opaque */

typedef int (*gnttab_batch_fn)(struct vcpu *curr, void *op);

/* The op's out fields: [out_off, size) of the struct. */
static int64_t batch(struct vcpu *curr, uint64_t cmd, uint64_t uop, uint32_t count, size_t size,
		     size_t out_off, gnttab_batch_fn fn, size_t status_off)
{
	uint8_t buf[64];

	BUG_ON(size > sizeof(buf));
	for (uint32_t i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * size;
		int16_t st;

		if (i > 0 && hypercall_preempt_check()) {
			struct hypercall_args rest = { { cmd, at, count - i } };

			return hypercall_continue(curr, &rest);
		}

		if (copy_from_guest(curr, buf, guest_ptr(at), size) != 0) {
			return -XEN_EFAULT;
		}
		st = (int16_t)fn(curr, buf);
		memcpy(buf + status_off, &st, sizeof(st));
		if (copy_to_guest(curr, guest_ptr(at + out_off), buf + out_off, size - out_off) != 0) {
			return -XEN_EFAULT;
		}
	}
	return 0;
}

static int map_fn(struct vcpu *curr, void *op)
{
	return gnttab_map_one(curr, op);
}

static int unmap_fn(struct vcpu *curr, void *op)
{
	return gnttab_unmap_one(curr, op);
}

static int copy_fn(struct vcpu *curr, void *op)
{
	return gnttab_copy_one(curr, op);
}

/* DOMID_SELF or a live domain's id. */
static struct domain *any_domain(struct vcpu *curr, domid_t dom)
{
	struct domain *d;

	if (dom == DOMID_SELF) {
		return curr->domain;
	}
	d = domain_by_id(dom);
	return d == NULL || d->state == DOM_DYING ? NULL : d;
}

enum target_check { CHECK_SETUP, CHECK_QUERY };

/*
 * The domain a single-op sub-op names, asked of XSM before anything about
 * it is looked at (a denial does not tell whether it has a grant table).
 * GNTST_okay with *out set, or the op's status.
 */
static int decode_target(struct vcpu *curr, domid_t dom, enum target_check check,
			 struct domain **out)
{
	struct domain *d = any_domain(curr, dom);
	int rc;

	if (d == NULL) {
		return GNTST_bad_domain;
	}
	rc = check == CHECK_SETUP ? xsm_grant_setup(curr->domain, d)
				  : xsm_grant_query_size(curr->domain, d);
	if (rc != 0) {
		return GNTST_permission_denied;
	}
	*out = d;
	return GNTST_okay;
}

/* Write back only the op's status field (the rest is input). */
static int64_t status_out(struct vcpu *curr, uint64_t uop, size_t status_off, int16_t status)
{
	return copy_to_guest(curr, guest_ptr(uop + status_off), &status, sizeof(status)) != 0
		       ? -XEN_EFAULT
		       : 0;
}

static int setup_status(struct vcpu *curr, const struct gnttab_setup_table *op)
{
	struct domain *d = NULL;
	int st = decode_target(curr, op->dom, CHECK_SETUP, &d);

	if (st != GNTST_okay) {
		return st;
	}
	if (!d->mm.gnt.ready) {
		return GNTST_bad_domain;
	}
	if (op->nr_frames > d->mm.gnt.max_frames || gnttab_grow(d, op->nr_frames) != 0) {
		return GNTST_general_error;
	}
	for (uint32_t i = 0; i < op->nr_frames; i++) {
		uint64_t m = mfn_x(gnttab_frame(d, i));

		/* PV: the guest maps the machine frames itself. */
		if (copy_to_guest(curr, guest_ptr(op->frame_list + i * 8ULL), &m, sizeof(m)) != 0) {
			return GNTST_bad_virt_addr;
		}
	}
	return GNTST_okay;
}

static int64_t setup_table(struct vcpu *curr, uint64_t uop, uint32_t count)
{
	struct gnttab_setup_table op;

	if (count != 1) {
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, &op, guest_ptr(uop), sizeof(op)) != 0 ||
	    !guest_range_ok(op.frame_list, (size_t)op.nr_frames * 8)) {
		return -XEN_EFAULT;
	}
	return status_out(curr, uop, offsetof(struct gnttab_setup_table, status),
			  (int16_t)setup_status(curr, &op));
}

static int64_t query_size(struct vcpu *curr, uint64_t uop, uint32_t count)
{
	struct gnttab_query_size op;
	struct domain *d = NULL;

	if (count != 1) {
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, &op, guest_ptr(uop), sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	op.status = (int16_t)decode_target(curr, op.dom, CHECK_QUERY, &d);
	if (op.status == GNTST_okay && !d->mm.gnt.ready) {
		op.status = GNTST_bad_domain;
	}
	if (op.status == GNTST_okay) {
		op.nr_frames = d->mm.gnt.nr_frames;
		op.max_nr_frames = d->mm.gnt.max_frames;
	}
	return copy_to_guest(curr, guest_ptr(uop), &op, sizeof(op)) != 0 ? -XEN_EFAULT : 0;
}

static int64_t set_version(struct vcpu *curr, uint64_t uop)
{
	struct gnttab_set_version op;

	if (copy_from_guest(curr, &op, guest_ptr(uop), sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	if (op.version == 2) {
		return -XEN_ENOSYS;
	}
	if (op.version != 1) {
		return -XEN_EINVAL;
	}
	return copy_to_guest(curr, guest_ptr(uop), &op, sizeof(op)) != 0 ? -XEN_EFAULT : 0;
}

static int64_t get_version(struct vcpu *curr, uint64_t uop)
{
	struct gnttab_get_version op;
	struct domain *d;
	int rc;

	if (copy_from_guest(curr, &op, guest_ptr(uop), sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	d = any_domain(curr, op.dom);
	if (d == NULL) {
		return -XEN_ESRCH;
	}
	rc = xsm_grant_query_size(curr->domain, d);
	if (rc != 0) {
		return rc;
	}
	op.version = 1;
	return copy_to_guest(curr, guest_ptr(uop), &op, sizeof(op)) != 0 ? -XEN_EFAULT : 0;
}

static int64_t get_status_frames(struct vcpu *curr, uint64_t uop, uint32_t count)
{
	struct gnttab_get_status_frames op;
	struct domain *d = NULL;
	int st;

	if (count != 1) {
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, &op, guest_ptr(uop), sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	st = decode_target(curr, op.dom, CHECK_SETUP, &d);
	/* Version 1 has no status frames: asking for any is an error. */
	if (st == GNTST_okay && op.nr_frames > 0) {
		st = GNTST_general_error;
	}
	return status_out(curr, uop, offsetof(struct gnttab_get_status_frames, status), (int16_t)st);
}

int64_t do_grant_table_op(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t cmd = args->a[0];
	uint64_t uop = args->a[1];
	uint32_t count = (uint32_t)args->a[2];

	if ((int32_t)count < 0 || (cmd & ~(uint64_t)GNTTABOP_CMD_MASK) != 0) {
		return -XEN_EINVAL;
	}
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return batch(curr, cmd, uop, count, sizeof(struct gnttab_map_grant_ref),
			     offsetof(struct gnttab_map_grant_ref, status), map_fn,
			     offsetof(struct gnttab_map_grant_ref, status));
	case GNTTABOP_unmap_grant_ref:
		return batch(curr, cmd, uop, count, sizeof(struct gnttab_unmap_grant_ref),
			     offsetof(struct gnttab_unmap_grant_ref, status), unmap_fn,
			     offsetof(struct gnttab_unmap_grant_ref, status));
	case GNTTABOP_copy:
		return batch(curr, cmd, uop, count, sizeof(struct gnttab_copy),
			     offsetof(struct gnttab_copy, status), copy_fn,
			     offsetof(struct gnttab_copy, status));
	case GNTTABOP_setup_table:
		return setup_table(curr, uop, count);
	case GNTTABOP_query_size:
		return query_size(curr, uop, count);
	case GNTTABOP_set_version:
		return set_version(curr, uop);
	case GNTTABOP_get_version:
		return get_version(curr, uop);
	case GNTTABOP_get_status_frames:
		return get_status_frames(curr, uop, count);
	default:
		/* dump_table, transfer, unmap_and_replace, swap_grant_ref,
		 * cache_flush and unknown sub-ops. */
		return -XEN_ENOSYS;
	}
}
