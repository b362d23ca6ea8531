/*
 * The test-guest runtime: what a small PV64 test kernel may use. It follows
 * Xen's x86-64 PV ABI only, so every guest built on it boots unchanged on real
 * Xen as well as on Moat; nothing here may ever depend on Moat.
 *
 * A guest defines guest_image[] (its image name, the default domain name) and
 * guest_main(); the runtime calls guest_main() after setting up, and ends the
 * test with test_end() (END line, then poweroff) when guest_main() returns.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/version.h>

#define RT_PAGE_SIZE 4096UL

#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Defined by each guest. */
extern const char guest_image[];
void guest_main(void);

/* Filled in by the entry code before guest_main() runs. */
extern struct start_info *rt_start_info;	/* virtual address from %rsi */
extern uint64_t rt_entry_rsp;			/* %rsp the hypervisor gave us */
extern const char *rt_guest_name;		/* name= from cmd_line, or guest_image */

/* Symbols of the linker script and the entry code. */
extern char _image_start[], _image_end[];
extern char __bss_start[], __bss_end[];
extern uint8_t hypercall_page[RT_PAGE_SIZE];

/*
 * Hypercalls go through the hypercall page the hypervisor fills in:
 * hypercall N is "call hypercall_page + N * 32", arguments in rdi, rsi, rdx,
 * r10, r8, r9, result in rax. The argument registers, rcx and r11 may all be
 * clobbered (Xen debug builds scribble over unused argument registers), so
 * they are all declared as outputs or clobbers.
 */
long hypercall6(unsigned int nr, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4, unsigned long a5,
		unsigned long a6);

/*
 * The same hypercall issued with a bare `syscall` from guest kernel mode,
 * without the hypercall page (Linux 6.1 does this). Part of Xen's PV64 ABI.
 */
long hypercall6_syscall(unsigned int nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5,
			unsigned long a6);

static inline long hypercall2(unsigned int nr, unsigned long a1, unsigned long a2)
{
	return hypercall6(nr, a1, a2, 0, 0, 0, 0);
}

static inline long hypercall3(unsigned int nr, unsigned long a1, unsigned long a2,
			      unsigned long a3)
{
	return hypercall6(nr, a1, a2, a3, 0, 0, 0);
}

static inline long hyp_console_io(int cmd, unsigned long count, void *buf)
{
	return hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, count,
			  (unsigned long)buf);
}

static inline long hyp_xen_version(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd,
			  (unsigned long)arg);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd,
			  (unsigned long)arg);
}

/* sched_op shutdown with a SHUTDOWN_* reason; returns only if refused. */
long hyp_shutdown(unsigned int reason);

/* Power off; if the hypervisor refuses, crash on purpose (ud2). */
void rt_poweroff(void) __noreturn;

/* String helpers (rt/string.c). The compiler may call the mem* ones. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr_n(const char *hay, size_t hay_len, const char *needle);

/* Formatting (rt/fmt.c): %d %i %u %x %X %p %s %c %%, flags '-' '0', width,
 * precision for %s, length modifiers l, ll, z. Bounded, always NUL-ends
 * when size > 0, returns the length the whole output would have had. */
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Console (rt/console.c): output is collected per line and each line goes
 * out in one console_io write, so lines of different domains do not mix. */
void rt_printf(const char *fmt, ...) __printf(1, 2);
void rt_vprintf(const char *fmt, va_list ap);
void rt_flush(void);

/*
 * Command line (rt/cmdline.c): whitespace-separated key=value words of
 * start_info.cmd_line. When a "--" word is present, only the words after it
 * count (so "name=a -- name=a mode=x" works whether the loader passes the
 * whole module line or only the guest part). Copies the value of the first
 * match into buf (NUL-ended, truncated to size) and returns true when found.
 */
bool cmdline_get(const char *key, char *buf, size_t size);
/* A number (decimal or 0x-hex) from the command line, or def. */
uint64_t cmdline_get_u64(const char *key, uint64_t def);

/*
 * The result protocol (rt/test.c), one machine-readable line each:
 *   MOAT-TEST <guest> <check> PASS [detail]
 *   MOAT-TEST <guest> <check> FAIL <detail>
 *   MOAT-TEST <guest> END passed=N failed=M
 * <check> is one word. test_end() prints END and powers the domain off.
 */
void test_pass(const char *check, const char *fmt, ...) __printf(2, 3);
void test_fail(const char *check, const char *fmt, ...) __printf(2, 3);
bool test_check(bool ok, const char *check, const char *fmt, ...) __printf(3, 4);
void test_end(void) __noreturn;

#endif /* GUEST_RT_H */
