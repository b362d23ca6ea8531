/*
 * hostile_spin: never yields, never makes a hypercall, with events masked:
 * only the hypervisor's timer can take the CPU away. Spins `loops` million
 * iterations of a register-only loop, then reports. Run beside a bystander
 * on Moat: the bystander must finish first (preemption).
 *
 * Keys: name, loops (millions, default 400: about 2 s under TCG with icount).
 */
#include "hostile.h"

const char guest_image[] = "hostile_spin";

void guest_main(void)
{
	uint64_t loops = cmdline_get_u64("loops", 400) * 1000000ULL;
	uint64_t x = 0x9e3779b97f4a7c15ULL, i;

	rt_printf("%s: spinning %lu iterations without a hypercall\n", rt_guest_name,
		  (unsigned long)loops);
	rt_flush();
	for (i = 0; i < loops; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		__asm__ volatile("" : "+r"(x));
	}
	test_check(x != 0, "spun", "%lu iterations, x 0x%lx", (unsigned long)i, (unsigned long)x);
}
