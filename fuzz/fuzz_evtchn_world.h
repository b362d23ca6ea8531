/*
 * The world the event-channel harnesses (fuzz_evtchn, fuzz_evtchn_fifo)
 * run in: the fake machine with an idle vCPU and the scheduler, the clock
 * at one second, an argument buffer arg_buf mapped at ARG_VA, and domains
 * built as the unit tests build theirs (tests/unit/test_evtchn_domain.h).
 * fuzz_evtchn_world_fini() checks what every run must give back: timers
 * and frames. Include it once, from the harness's .c file.
 */
#ifndef FUZZ_FUZZ_EVTCHN_WORLD_H
#define FUZZ_FUZZ_EVTCHN_WORLD_H

#include <stdint.h>
#include <string.h>

#include <fake_arch.h>
#include <fake_time.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <xsm/hooks.h>

#include "fuzz.h"
#include "test_evtchn_domain.h"

#define ARG_VA  0x10000000ULL
#define ARG_LEN 0x1000

static uint8_t arg_buf[ARG_LEN] __attribute__((aligned(64)));
static struct vcpu idle;
static uint64_t free_base;	/* free frames before the domains */

static inline void fuzz_evtchn_world_boot(uint64_t nr_frames)
{
	fake_machine_boot(nr_frames, 8);
	fake_tsc_reset();
	fake_timer_records_reset();
	check(xsm_init(XSM_MODULE_DUMMY) == 0);
	memset(&idle, 0, sizeof(idle));
	check(arch_idle_vcpu_create(&idle) == 0);
	sched_init(&idle);
	memset(arg_buf, 0, sizeof(arg_buf));
	fake_guest_map(ARG_VA, arg_buf, sizeof(arg_buf));
	fake_time_set(1000000000ULL);
	free_base = frame_free_count();
}

/* After every domain is freed: nothing may be left behind. */
static inline void fuzz_evtchn_world_fini(void)
{
	/* The scheduler's slice timer goes with the scheduler. */
	sched_init(&idle);
	check(timer_next_deadline() == 0);
	check(frame_free_count() == free_base);
	arch_vcpu_destroy(&idle);
	fake_switch_reset();
	fake_machine_fini();
}

static inline struct domain *fuzz_evtchn_domain(const char *name, unsigned int nvcpus,
						uint32_t max_ports)
{
	struct domain *d = evtchn_test_domain(name, nvcpus, max_ports);

	check(d != NULL);
	return d;
}

#endif
