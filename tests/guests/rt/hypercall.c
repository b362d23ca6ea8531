/*
 * Hypercall entry points of the test-guest runtime: through the hypercall
 * page (the normal way) and with a bare `syscall` (the way Linux 6.1 does it).
 * Pure Xen PV64 ABI; it must never grow a Moat-only path.
 */
#include "rt.h"

/* Number of 32-byte stubs the 4 KiB hypercall page holds. */
#define STUB_COUNT (RT_PAGE_SIZE / HYPERCALL_STUB_SIZE)

long hypercall6(unsigned int nr, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4, unsigned long a5,
		unsigned long a6)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	register unsigned long r9 __asm__("r9") = a6;
	unsigned long rdi = a1, rsi = a2, rdx = a3;
	long ret;

	/*
	 * A number past the page has no stub to call. Tests of unknown numbers
	 * use ones inside the page (Xen fills every stub), or the syscall path.
	 */
	if (nr >= STUB_COUNT) {
		return -XEN_ENOSYS;
	}
	/* The stub loads %eax itself; %rax only carries its address here. */
	__asm__ volatile("call *%%rax"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 : "0"(hypercall_page + nr * HYPERCALL_STUB_SIZE)
			 : "rcx", "r11", "memory");
	return ret;
}

long hypercall6_syscall(unsigned int nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5,
			unsigned long a6)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	register unsigned long r9 __asm__("r9") = a6;
	unsigned long rdi = a1, rsi = a2, rdx = a3;
	long ret;

	/* `syscall` itself overwrites %rcx and %r11 with the return state. */
	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 : "0"((unsigned long)nr)
			 : "rcx", "r11", "memory");
	return ret;
}

long hyp_shutdown(unsigned int reason)
{
	struct sched_shutdown sd = { .reason = reason };

	return hyp_sched_op(SCHEDOP_shutdown, &sd);
}

void rt_poweroff(void)
{
	rt_flush();
	hyp_shutdown(SHUTDOWN_poweroff);
	/*
	 * Still running: the hypervisor refused to power us off. Crashing on
	 * purpose is the only way left to stop; the log will show the refusal.
	 */
	for (;;) {
		__asm__ volatile("ud2");
	}
}
