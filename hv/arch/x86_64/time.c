/*
 * Time: the TSC for "now" and the local APIC timer for the scheduler tick,
 * both calibrated against the PIT (channel 2, gated, polled) at boot. The
 * legacy PIC is masked: nothing but the APIC timer interrupts this CPU.
 */
#include <arch/cpu.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <hv/domain.h>
#include <arch/percpu.h>

#define APIC_PHYS      0xfee00000
#define APIC_ID        0x020
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DCR 0x3e0
#define PIT_HZ         1193182
#define CAL_MS         10

static volatile uint32_t *apic;
static uint64_t tsc_boot;
static uint64_t tsc_mul;	/* ns = (tsc * tsc_mul) >> 32 */
static uint64_t tsc_khz;
static uint64_t apic_ticks_per_ms;

static uint32_t apic_read(uint32_t reg)
{
	return apic[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	apic[reg / 4] = v;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* Busy-wait CAL_MS on PIT channel 2; returns TSC and APIC ticks elapsed. */
static void pit_calibrate(uint64_t *tsc_ticks, uint32_t *apic_ticks)
{
	uint32_t count = PIT_HZ * CAL_MS / 1000;
	uint64_t t0;

	outb(0x61, (uint8_t)((inb(0x61) & ~0x03) | 0x00));	/* gate low, speaker off */
	outb(0x43, 0xb0);	/* channel 2, lo/hi byte, mode 0 */
	outb(0x42, (uint8_t)(count & 0xff));
	outb(0x42, (uint8_t)(count >> 8));
	apic_write(APIC_TIMER_ICR, 0xffffffff);
	t0 = rdtsc();
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));	/* gate high: go */
	while (!(inb(0x61) & 0x20)) {
	}
	*tsc_ticks = rdtsc() - t0;
	*apic_ticks = 0xffffffff - apic_read(APIC_TIMER_CCR);
}

void time_init(void)
{
	uint64_t tsc_ticks;
	uint32_t apic_ticks;

	/* Mask the 8259 PICs. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ULL << 11));
	apic = fixmap_map_mmio(APIC_PHYS);
	apic_write(APIC_SVR, 0x100 | 0xff);	/* enabled, spurious vector 0xff */
	apic_write(APIC_TIMER_DCR, 0x3);	/* divide by 16 */
	apic_write(APIC_LVT_TIMER, 0x10000 | 0x20);	/* masked while calibrating */

	pit_calibrate(&tsc_ticks, &apic_ticks);
	if (tsc_ticks == 0 || apic_ticks == 0) {
		panic("timer calibration failed (tsc %lu, apic %u)", (unsigned long)tsc_ticks,
		      apic_ticks);
	}
	tsc_khz = tsc_ticks / CAL_MS;
	tsc_mul = ((uint64_t)CAL_MS * 1000000ULL << 32) / tsc_ticks;
	tsc_boot = rdtsc();

	uint64_t per_slice = (uint64_t)apic_ticks * (SCHED_SLICE_NS / 1000000ULL) / CAL_MS;

	apic_ticks_per_ms = apic_ticks / CAL_MS;
	(void)per_slice;
	/* One-shot from now on: the timer list says when to interrupt. */
	apic_write(APIC_LVT_TIMER, 0x20);
	arch_timer_program(0);
	printk(LOG_INFO, "timer: TSC %lu kHz, APIC timer %lu kHz, %lu ms slices",
	       (unsigned long)tsc_khz, (unsigned long)(apic_ticks / CAL_MS * 16),
	       (unsigned long)(SCHED_SLICE_NS / 1000000ULL));
}

uint64_t arch_tsc_now(void)
{
	return rdtsc();
}

uint64_t arch_tsc_khz(void)
{
	return tsc_khz;
}

uint64_t arch_time_ns(void)
{
	uint64_t d = rdtsc() - tsc_boot;

	return (uint64_t)(((unsigned __int128)d * tsc_mul) >> 32);
}

/*
 * Interrupt at system time deadline_ns (one-shot), or after a safety period
 * when nothing is due, so a lost deadline can never stop time for good.
 */
#define SAFETY_NS 100000000ULL

void arch_timer_program(uint64_t deadline_ns)
{
	uint64_t now = arch_time_ns();
	uint64_t delta = deadline_ns == 0 ? SAFETY_NS : deadline_ns > now ? deadline_ns - now : 0;
	uint64_t ticks;

	delta = MIN(delta, SAFETY_NS);
	ticks = delta * apic_ticks_per_ms / 1000000ULL;
	apic_write(APIC_TIMER_ICR, (uint32_t)MAX(MIN(ticks, 0xffffffffULL), 1ULL));
}

void timer_interrupt(void)
{
	struct vcpu *curr = cpu0_info.current;

	timer_run_expired(arch_time_ns());
	if (curr != NULL && curr->domain != NULL) {
		time_update_vcpu(curr);
	}
	arch_timer_program(timer_next_deadline());
}
