/*
 * vcpu_op (hypercall 24): sub-op numbers and argument structs of Xen's
 * per-vCPU ABI: bring-up, runstate, timers, vcpu_info placement. Numbers and
 * layouts are facts of Xen's ABI (xen/include/public/vcpu.h); the text is
 * ours. ABI alone: fixed-width fields, explicit padding, a size assertion on
 * every struct, never an internal include.
 */
#ifndef MOAT_PUBLIC_VCPU_H
#define MOAT_PUBLIC_VCPU_H

#include <public/xen.h>

#define VCPUOP_initialise                      0
#define VCPUOP_up                              1
#define VCPUOP_down                            2
#define VCPUOP_is_up                           3
#define VCPUOP_get_runstate_info               4
#define VCPUOP_register_runstate_memory_area   5
#define VCPUOP_set_periodic_timer              6
#define VCPUOP_stop_periodic_timer             7
#define VCPUOP_set_singleshot_timer            8
#define VCPUOP_stop_singleshot_timer           9
#define VCPUOP_register_vcpu_info             10
#define VCPUOP_send_nmi                       11
#define VCPUOP_get_physid                     12
#define VCPUOP_register_vcpu_time_memory_area 13

/* A vCPU's run states. */
#define RUNSTATE_running  0	/* on a physical CPU */
#define RUNSTATE_runnable 1	/* wants to run, waits for a CPU */
#define RUNSTATE_blocked  2	/* waits for an event */
#define RUNSTATE_offline  3	/* down, or otherwise not runnable */
#define RUNSTATE_COUNT    4

/*
 * With vm_assist(runstate_update_flag) on, this bit of state_entry_time is
 * set in the guest's copy while the hypervisor rewrites it, so the guest
 * can retry a torn read.
 */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/* set_singleshot_timer flags: fail with -ETIME when already in the past. */
#define VCPU_SSHOTTMR_future (1U << 0)

#ifndef __ASSEMBLY__

struct vcpu_runstate_info {
	int32_t state;			/* RUNSTATE_* */
	uint32_t pad;
	uint64_t state_entry_time;	/* system time (ns) the state began */
	uint64_t time[RUNSTATE_COUNT];	/* ns spent in each state */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info ABI");

/* A guest virtual address (0 = none) of a struct vcpu_runstate_info. */
struct vcpu_register_runstate_memory_area {
	uint64_t addr;
};
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8,
	       "vcpu_register_runstate_memory_area ABI");

struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "vcpu_set_periodic_timer ABI");

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;	/* system time */
	uint32_t flags;			/* VCPU_SSHOTTMR_* */
	uint32_t pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer ABI");

/* Move this vCPU's vcpu_info to machine frame mfn at byte offset. */
struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info ABI");

#endif /* __ASSEMBLY__ */
#endif /* MOAT_PUBLIC_VCPU_H */
