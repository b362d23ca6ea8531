/*
 * Grant tables v1 for the test guests (see grant.h): the table frame comes
 * from setup_table and is mapped at a window; entries are written in the
 * order Xen's ABI requires, so the hypervisor never sees a half-written
 * grant: domid and frame, a barrier, then flags.
 */
#include "grant.h"
#include "mm.h"

struct grant_entry_v1 *rt_gnt_table;
unsigned int rt_gnt_frames;

long rt_gnt_init(unsigned int slot)
{
	uint64_t frames[1] = { 0 };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	uint64_t va;
	long rc;

	rt_mm_init();
	st.frame_list = (uint64_t)(uintptr_t)frames;
	rc = hyp_grant_table_op(GNTTABOP_setup_table, &st, 1);
	if (rc) {
		return rc;
	}
	if (st.status != GNTST_okay) {
		return st.status;
	}
	va = rt_window(slot);
	rc = rt_map(va, frames[0], PTE_DATA);
	if (rc) {
		return rc;
	}
	rt_gnt_table = (struct grant_entry_v1 *)va;
	rt_gnt_frames = 1;
	return 0;
}

void rt_gnt_grant(grant_ref_t ref, domid_t domid, uint64_t mfn, bool readonly)
{
	volatile struct grant_entry_v1 *e = &rt_gnt_table[ref];

	e->domid = domid;
	e->frame = (uint32_t)mfn;
	/* The hypervisor may read the entry the moment flags say it is valid. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e->flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
}

uint16_t rt_gnt_flags(grant_ref_t ref)
{
	return __atomic_load_n(&rt_gnt_table[ref].flags, __ATOMIC_SEQ_CST);
}

bool rt_gnt_end(grant_ref_t ref)
{
	uint16_t flags = rt_gnt_flags(ref);

	if (flags & (GTF_reading | GTF_writing)) {
		return false;
	}
	/* The hypervisor sets GTF_reading/GTF_writing with its own atomic
	 * update: the cmpxchg fails if it got there first. */
	return __atomic_compare_exchange_n(&rt_gnt_table[ref].flags, &flags, 0, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

int16_t rt_gnt_map(uint64_t va, domid_t dom, grant_ref_t ref, uint32_t flags,
		   grant_handle_t *handle, long *hc_rc)
{
	struct gnttab_map_grant_ref m = {
		.host_addr = va, .flags = flags, .ref = ref, .dom = dom,
		.status = 1, .handle = ~0u,
	};
	long rc = hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

	if (hc_rc) {
		*hc_rc = rc;
	}
	if (handle) {
		*handle = m.handle;
	}
	return rc ? (int16_t)GNTST_general_error : m.status;
}

int16_t rt_gnt_unmap(uint64_t va, grant_handle_t handle, long *hc_rc)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = va, .handle = handle, .status = 1 };
	long rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

	if (hc_rc) {
		*hc_rc = rc;
	}
	return rc ? (int16_t)GNTST_general_error : u.status;
}

int16_t rt_gnt_copy(struct gnttab_copy *op, long *hc_rc)
{
	long rc;

	op->status = 1;
	rc = hyp_grant_table_op(GNTTABOP_copy, op, 1);
	if (hc_rc) {
		*hc_rc = rc;
	}
	return rc ? (int16_t)GNTST_general_error : op->status;
}

const char *rt_gntst_name(int16_t st)
{
	static const char *const names[] = {
		"okay", "general_error", "bad_domain", "bad_gntref", "bad_handle",
		"bad_virt_addr", "bad_dev_addr", "no_device_space", "permission_denied",
		"bad_page", "bad_copy_arg", "address_too_big", "eagain",
	};

	if (st <= 0 && -st < (int)ARRAY_SIZE(names)) {
		return names[-st];
	}
	return st == 1 ? "untouched" : "unknown";
}
