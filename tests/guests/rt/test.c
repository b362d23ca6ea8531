/*
 * The result protocol of the test guests and the C side of start-up. Every
 * result is one machine-readable line that tests/integration/run.py parses:
 *   MOAT-TEST <guest> <check> PASS [detail]
 *   MOAT-TEST <guest> <check> FAIL <detail>
 *   MOAT-TEST <guest> END passed=N failed=M
 */
#include "rt.h"

struct start_info *rt_start_info;
uint64_t rt_entry_rsp;
const char *rt_guest_name;

static char name_buf[32];
static unsigned int passed, failed;

void rt_main(struct start_info *si, uint64_t entry_rsp) __noreturn;

static void report(const char *check, const char *verdict, const char *fmt,
		   va_list ap)
{
	char detail[200];

	rt_vsnprintf(detail, sizeof(detail), fmt, ap);
	rt_printf("MOAT-TEST %s %s %s%s%s\n", rt_guest_name, check, verdict,
		  detail[0] ? " " : "", detail);
}

void test_pass(const char *check, const char *fmt, ...)
{
	va_list ap;

	passed++;
	va_start(ap, fmt);
	report(check, "PASS", fmt, ap);
	va_end(ap);
}

void test_fail(const char *check, const char *fmt, ...)
{
	va_list ap;

	failed++;
	va_start(ap, fmt);
	report(check, "FAIL", fmt, ap);
	va_end(ap);
}

bool test_check(bool ok, const char *check, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
	} else {
		failed++;
	}
	va_start(ap, fmt);
	report(check, ok ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
	return ok;
}

void test_end(void)
{
	rt_printf("MOAT-TEST %s END passed=%u failed=%u\n", rt_guest_name,
		  passed, failed);
	rt_poweroff();
}

/* Called by the entry code on our own stack with .bss already zeroed. */
void rt_main(struct start_info *si, uint64_t entry_rsp)
{
	rt_start_info = si;
	rt_entry_rsp = entry_rsp;
	if (cmdline_get("name", name_buf, sizeof(name_buf)) && name_buf[0]) {
		rt_guest_name = name_buf;
	} else {
		rt_guest_name = guest_image;
	}
	guest_main();
	test_end();
}
