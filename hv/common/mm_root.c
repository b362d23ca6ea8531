/*
 * A vCPU's page-table roots (MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR).
 * Each root holds an L4 type reference of its own, so unpinning a table in
 * use as a root is harmless. The model's record (struct mm_vcpu) is what
 * holds the references; v->pv.kernel_root/user_root mirror it for the arch.
 * Order: the new root's reference is taken, the arch switches CR3, and only
 * then is the old root's reference dropped, so no CPU ever walks an L4 that
 * lost its type.
 */
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>

#include "mm_priv.h"

static struct mm_vcpu *mm_vcpu_of(struct vcpu *v)
{
	BUG_ON(v->id >= MM_MAX_VCPUS);
	return &v->domain->mm.vcpu[v->id];
}

mfn_t mm_kernel_root(const struct vcpu *v)
{
	const struct mm_vcpu *mv;

	BUG_ON(v->id >= MM_MAX_VCPUS);
	mv = &v->domain->mm.vcpu[v->id];
	return mv->has_kernel_root ? mv->kernel_root : mfn(INVALID_MFN_RAW);
}

int mm_set_kernel_root(struct vcpu *v, mfn_t m)
{
	struct mm_vcpu *mv = mm_vcpu_of(v);
	bool had = mv->has_kernel_root;
	mfn_t old = mv->kernel_root;
	int rc = mm_get_page_type(v->domain, m, MM_TYPE_L4);

	if (rc != 0) {
		return rc;
	}
	mv->kernel_root = m;
	mv->has_kernel_root = true;
	v->pv.kernel_root = m;
	arch_pv_root_changed(v);
	if (had) {
		mm_put_page_type(v->domain, old);
	}
	return 0;
}

int mm_set_user_root(struct vcpu *v, bool none, mfn_t m)
{
	struct mm_vcpu *mv = mm_vcpu_of(v);
	bool had = mv->has_user_root;
	mfn_t old = mv->user_root;

	/* The root in force again: nothing to do (Xen). */
	if (none ? !had : (had && mfn_eq(old, m))) {
		return 0;
	}
	if (!none) {
		int rc = mm_get_page_type(v->domain, m, MM_TYPE_L4);

		if (rc != 0) {
			return rc;
		}
	}
	mv->user_root = none ? mfn(INVALID_MFN_RAW) : m;
	mv->has_user_root = !none;
	v->pv.user_root = mv->user_root;
	arch_pv_root_changed(v);
	if (had) {
		mm_put_page_type(v->domain, old);
	}
	return 0;
}

/* Teardown: the vCPU runs nowhere, so no arch call is needed. */
void mm_drop_roots(struct domain *d, unsigned int vcpu_id)
{
	struct mm_vcpu *mv = &d->mm.vcpu[vcpu_id];

	if (mv->has_kernel_root) {
		mv->has_kernel_root = false;
		mm_put_page_type(d, mv->kernel_root);
	}
	if (mv->has_user_root) {
		mv->has_user_root = false;
		mm_put_page_type(d, mv->user_root);
	}
	mv->kernel_root = mfn(INVALID_MFN_RAW);
	mv->user_root = mfn(INVALID_MFN_RAW);
	if (vcpu_id < ARRAY_SIZE(d->vcpus)) {
		d->vcpus[vcpu_id].pv.kernel_root = mfn(INVALID_MFN_RAW);
		d->vcpus[vcpu_id].pv.user_root = mfn(INVALID_MFN_RAW);
	}
}
