/*
 * vcpu_op (24): sub-ops and argument structs of Xen's ABI, as a PV64 guest
 * uses them (is_up, runstate area, timers, vcpu_info placement). Numbers and
 * layouts are facts of Xen's ABI (xen/include/public/vcpu.h); the text is ours.
 */
#ifndef MOAT_PUBLIC_VCPU_H
#define MOAT_PUBLIC_VCPU_H

#include <public/xen.h>

#define VCPUOP_initialise                     0
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3
#define VCPUOP_get_runstate_info              4
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info            10
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12
#define VCPUOP_register_vcpu_time_memory_area 13

/* vcpu_runstate_info.state */
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

/* Set in state_entry_time while the hypervisor updates the area
 * (with VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/* vcpu_set_singleshot_timer.flags: fail with -ETIME if already past. */
#define VCPU_SSHOTTMR_future (1U << 0)

#ifndef __ASSEMBLY__
struct vcpu_runstate_info {
	int32_t state;
	uint32_t pad;
	uint64_t state_entry_time;
	uint64_t time[4];	/* ns spent in each RUNSTATE_* */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info ABI");

struct vcpu_register_runstate_memory_area {
	uint64_t addr;	/* guest virtual address of a vcpu_runstate_info */
};
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8, "ABI");

struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "ABI");

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;	/* system time, as in vcpu_time_info */
	uint32_t flags;			/* VCPU_SSHOTTMR_* */
	uint32_t pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "ABI");

struct vcpu_register_vcpu_info {
	uint64_t mfn;		/* frame that will hold this vCPU's vcpu_info */
	uint32_t offset;	/* within it; the struct must not cross the page */
	uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "ABI");
#endif

#endif /* MOAT_PUBLIC_VCPU_H */
