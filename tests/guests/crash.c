/*
 * crash: a guest that misbehaves on purpose, chosen by mode= on its command
 * line (default fault). It registers no trap table, so a fault it takes has
 * nowhere to go and the hypervisor must kill the domain, never itself:
 *   fault              write to the unmapped address 0x1000
 *   ud2                execute an invalid opcode
 *   sched_crash        sched_op shutdown with SHUTDOWN_crash
 *   reboot             sched_op shutdown with SHUTDOWN_reboot
 *   bad_hypercall_ptr  console_io write from hypervisor, non-canonical and
 *                      unmapped buffers: each must fail with -EFAULT; then
 *                      it reports and powers off normally
 * If the domain is still running after the fatal step, it reports FAIL.
 */
#include "rt.h"

const char guest_image[] = "crash";

#define UNMAPPED_VA      0x1000UL
#define NONCANONICAL_VA  0x0000800000000000UL

static void bad_pointers(void)
{
	static const struct {
		const char *check;
		unsigned long va;
	} cases[] = {
		{ "efault_hypervisor_range", HYPERVISOR_VIRT_START },
		{ "efault_hypervisor_range_end", HYPERVISOR_VIRT_END - 16 },
		{ "efault_noncanonical", NONCANONICAL_VA },
		{ "efault_unmapped", UNMAPPED_VA },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long rc = hyp_console_io(CONSOLEIO_write, 16, (void *)cases[i].va);

		test_check(rc == -XEN_EFAULT, cases[i].check,
			   "console_io write from 0x%lx: rc %ld", cases[i].va, rc);
	}
}

void guest_main(void)
{
	char mode[32] = "fault";
	long rc;

	cmdline_get("mode", mode, sizeof(mode));
	rt_printf("%s: crash guest, mode=%s\n", rt_guest_name, mode);

	if (strcmp(mode, "bad_hypercall_ptr") == 0) {
		bad_pointers();
		return;
	}
	if (strcmp(mode, "fault") == 0) {
		rt_printf("%s: writing to unmapped address 0x%lx\n", rt_guest_name,
			  UNMAPPED_VA);
		rt_flush();
		*(volatile uint64_t *)UNMAPPED_VA = 0xdead;
		test_fail("killed", "still running after a write to 0x%lx", UNMAPPED_VA);
	} else if (strcmp(mode, "ud2") == 0) {
		rt_printf("%s: executing ud2\n", rt_guest_name);
		rt_flush();
		__asm__ volatile("ud2");
		test_fail("killed", "still running after ud2");
	} else if (strcmp(mode, "sched_crash") == 0) {
		rt_printf("%s: sched_op shutdown SHUTDOWN_crash\n", rt_guest_name);
		rt_flush();
		rc = hyp_shutdown(SHUTDOWN_crash);
		test_fail("killed", "SHUTDOWN_crash returned %ld", rc);
	} else if (strcmp(mode, "reboot") == 0) {
		rt_printf("%s: sched_op shutdown SHUTDOWN_reboot\n", rt_guest_name);
		rt_flush();
		rc = hyp_shutdown(SHUTDOWN_reboot);
		test_fail("shutdown", "SHUTDOWN_reboot returned %ld", rc);
	} else {
		test_fail("mode", "unknown mode '%s'", mode);
	}
}
