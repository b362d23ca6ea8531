/*
 * The fake arch's TSC, wall clock and one-shot timer (tests/fake_arch/time.c).
 * The TSC is derived from the fake clock (fake_time_set/advance in
 * fake_arch.h): tsc = base + floor(ns * khz / 10^6), so a test can check a
 * pvclock against arch_time_ns() exactly. arch_timer_program() only records
 * what it was given.
 */
#ifndef FAKE_TIME_H
#define FAKE_TIME_H

#include <hv/types.h>

/* Defaults after fake_tsc_reset(): 2,000,000 kHz (2 GHz), base 0. */
void fake_tsc_reset(void);
void fake_tsc_set_khz(uint64_t khz);
void fake_tsc_set_base(uint64_t base);
/* What arch_wallclock_boot_sec() returns (default 0: unknown). */
void fake_wallclock_set(uint64_t sec);

/* The last deadline arch_timer_program() got (0 = none) and how often. */
uint64_t fake_timer_programmed(void);
unsigned int fake_timer_program_count(void);
void fake_timer_records_reset(void);

#endif
