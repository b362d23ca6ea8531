/*
 * The fake arch's part of a vCPU, embedded in struct vcpu in hosted builds
 * (unit tests, fuzzers). It records what the real arch would have loaded
 * into the CPU, so tests can check it; common code never looks inside.
 */
#ifndef ARCH_VCPU_STATE_H
#define ARCH_VCPU_STATE_H

#include <hv/arch.h>
#include <hv/types.h>

struct arch_vcpu {
	bool created;			/* arch_vcpu_create or arch_idle_vcpu_create ran */
	bool idle;			/* made by arch_idle_vcpu_create */
	struct guest_entry entry;	/* what arch_vcpu_create was given */
	mfn_t stack[HV_VCPU_FRAMES];	/* the "hypervisor stack" frames it took */
	unsigned int switched_in;	/* times arch_context_switch chose it */
	unsigned int switched_out;
};

#endif
