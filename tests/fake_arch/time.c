/*
 * The fake arch's time hooks beyond arch_time_ns() (cpu.c): a TSC that
 * follows the fake clock at a chosen frequency, a settable boot wall clock,
 * and a one-shot timer that only records its programming (tests call
 * timer_run_expired themselves, as the interrupt would).
 */
#include <fake_time.h>
#include <hv/arch.h>
#include <hv/timer.h>

#define DEFAULT_KHZ 2000000ULL

static uint64_t khz = DEFAULT_KHZ;
static uint64_t base;
static uint64_t wall_sec;
static uint64_t programmed;
static unsigned int program_count;

void fake_tsc_reset(void)
{
	khz = DEFAULT_KHZ;
	base = 0;
	wall_sec = 0;
}

void fake_tsc_set_khz(uint64_t k)
{
	khz = k;
}

void fake_tsc_set_base(uint64_t b)
{
	base = b;
}

void fake_wallclock_set(uint64_t sec)
{
	wall_sec = sec;
}

uint64_t arch_tsc_now(void)
{
	return base + (uint64_t)(((unsigned __int128)arch_time_ns() * khz) / 1000000U);
}

uint64_t arch_tsc_khz(void)
{
	return khz;
}

uint64_t arch_wallclock_boot_sec(void)
{
	return wall_sec;
}

void arch_timer_program(uint64_t deadline_ns)
{
	programmed = deadline_ns;
	program_count++;
}

uint64_t fake_timer_programmed(void)
{
	return programmed;
}

unsigned int fake_timer_program_count(void)
{
	return program_count;
}

void fake_timer_records_reset(void)
{
	programmed = 0;
	program_count = 0;
}
