/* sched_op (hypercall 29): sub-op numbers and argument structs of Xen's ABI. */
#ifndef MOAT_PUBLIC_SCHED_H
#define MOAT_PUBLIC_SCHED_H

#include <public/xen.h>

#define SCHEDOP_yield           0
#define SCHEDOP_block           1
#define SCHEDOP_shutdown        2
#define SCHEDOP_poll            3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code   5
#define SCHEDOP_watchdog        6

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5

#ifndef __ASSEMBLY__
struct sched_shutdown {
	uint32_t reason;
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown ABI");
#endif

#endif
