/*
 * Event channels (local ports for now), 2-level event delivery, vcpu_info
 * placement, per-vCPU timers and blocking. Portable.
 * (Filled in by the events work; the structs are embedded in struct vcpu
 * and struct domain.)
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/types.h>

struct event_vcpu {
	int placeholder;
};

struct event_domain {
	int placeholder;
};

#endif
