/*
 * Time of a PV64 test guest from shared_info: the vCPU's vcpu_time_info
 * (version protocol: an odd version means an update is in progress, a
 * changed version means retry) scaled from the TSC, and the wallclock.
 */
#ifndef GUEST_RT_TIME_H
#define GUEST_RT_TIME_H

#include "rt.h"

/* Nanoseconds of system time (since the hypervisor started). Needs
 * rt_events_init(). */
uint64_t rt_system_time(void);

/* The version-protocol snapshot behind rt_system_time(); retries counts the
 * times the loop found an update in progress or a changed version. */
struct rt_time_snapshot {
	uint32_t version;
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
	uint64_t tsc;
	unsigned int retries;
};
void rt_time_snapshot(struct rt_time_snapshot *s);
uint64_t rt_time_scale(const struct rt_time_snapshot *s);

/* Wallclock at system time 0: seconds and nanoseconds since the epoch. */
void rt_wallclock(uint64_t *sec, uint32_t *nsec, uint32_t *version);

#endif /* GUEST_RT_TIME_H */
