/* Shared between the fake arch's own files; tests use fake_arch.h. */
#ifndef FAKE_INTERNAL_H
#define FAKE_INTERNAL_H

#include <hv/types.h>

/* Forget every record (switches, console, guest ranges, exits...). */
void fake_records_reset(void);
/* A misuse of the fake itself: print and abort(). */
void fake_fatal(const char *fmt, ...) __printf(1, 2) __noreturn;

void fake_console_records_reset(void);
void fake_guest_records_reset(void);
void fake_cpu_records_reset(void);

#endif
