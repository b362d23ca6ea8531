/*
 * Private to hv/common/mm_*.c: how the memory model reads and writes a live
 * page-table entry (whole 64-bit accesses the compiler may not split, since
 * the hardware walker may read the entry at any time).
 */
#ifndef HV_COMMON_MM_PRIV_H
#define HV_COMMON_MM_PRIV_H

#include <hv/types.h>

struct domain;
struct vcpu;

static inline uint64_t mm_pte_read(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void mm_pte_write(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* Bit i set for each of d's vCPUs that exist. */
#define MM_VCPU_MASK(d) ((d)->vcpu_count >= 64 ? ~0ULL : (1ULL << (d)->vcpu_count) - 1)

/* mm_root.c: set a root (all or nothing, then the arch reloads, then the
 * old root goes); teardown's drop. */
int mm_set_kernel_root(struct vcpu *v, mfn_t m);
int mm_set_user_root(struct vcpu *v, bool none, mfn_t m);
void mm_drop_roots(struct domain *d, unsigned int vcpu_id);
/* mm_desc.c: teardown's drop of a vCPU's GDT and LDT frames. */
void mm_drop_desc_frames(struct domain *d, unsigned int vcpu_id);
/* mm_va.c: the flushes of update_va_mapping and mmuext_op. */
#define MM_FLUSH_NONE   0
#define MM_FLUSH_TLB    1
#define MM_FLUSH_INVLPG 2
void mm_flush(struct domain *d, unsigned int kind, uint64_t vcpu_mask, uint64_t va);
/* A guest pointer to a vCPU bitmap (one 64-bit word: at most 64 vCPUs),
 * limited to d's vCPUs. 0 or -EFAULT. */
int mm_copy_vcpumask(struct vcpu *curr, uint64_t ptr, uint64_t *mask);

/* mm_batch.c: run fn over the guest list of (list, count, pdone) = args
 * a[0..2], entries of entry_size; a preemptible hypercall (it may return
 * HYPERCALL_CONTINUE). count's top bit is Xen's MMU_UPDATE_PREEMPTED. */
#define MM_BATCH_ENTRY_MAX 32
#define MM_BATCH_PREEMPTED 0x80000000U
struct hypercall_args;
typedef int (*mm_batch_fn)(struct vcpu *curr, const void *entry);
int64_t mm_batch_run(struct vcpu *curr, const struct hypercall_args *args, size_t entry_size,
		     mm_batch_fn fn);

#endif
