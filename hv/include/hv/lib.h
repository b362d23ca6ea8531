/*
 * The small C library the portable core may use. Freestanding builds get it
 * from hv/common/lib/; hosted builds (tests, fuzzers) get libc's string
 * functions and our own formatter, which never clashes with libc's names.
 */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stdarg.h>
#include <hv/types.h>

#ifdef MOAT_HOSTED
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* Formatting: %d %i %u %x %X %p %s %c %%, flags '-' '0', width, precision for
 * %s, length modifiers l, ll, z. Always NUL-terminates when size > 0 and
 * returns the length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Copy at most size-1 bytes and NUL-terminate; returns strlen(src). */
size_t str_lcpy(char *dst, const char *src, size_t size);

/* Parse an unsigned decimal or 0x-hex number occupying all of [s, s+len).
 * Returns false on empty input, a stray character or overflow. */
bool str_to_u64(const char *s, size_t len, uint64_t *out);

/* Lower-case hex of in[0, n) into out, which holds 2 * n + 1 bytes. */
void str_hex(char *out, const void *in, size_t n);

/* Log levels, most severe first; the console prints up to loglvl. */
enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Print a formatted line to the hypervisor console at a level. */
void printk(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
void vprintk(enum log_level lvl, const char *fmt, va_list ap);

/* An internal invariant of the hypervisor broke: print and stop the machine.
 * Never for a guest's or a file's mistake (those are errors). */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (__builtin_expect(!!(cond), 0))                            \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif
