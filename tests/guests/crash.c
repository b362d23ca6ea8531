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
 *   read_hv            read the hypervisor's direct map (0xffff830000000000)
 *   write_m2p          write the read-only machine-to-phys table
 *   write_pt           write its own bootstrap L4 (mapped read-only)
 *   port_io            outb to port 0x80
 *   hlt                execute hlt (privileged)
 *   int80              int $0x80 with no trap table
 *   read_m2p           read the M2P entry of its first frame: must be pfn 0
 *                      (not fatal: reports and powers off)
 * If the domain is still running after the fatal step, it reports FAIL.
 */
#include "rt.h"

const char guest_image[] = "crash";

#define UNMAPPED_VA      0x1000UL
#define HV_DIRECTMAP_VA  0xffff830000000000UL
#define NONCANONICAL_VA  0x0000800000000000UL

/* Each of these must end the domain; the instruction is in the asm. */
static void fatal(const char *what)
{
	rt_printf("%s: %s\n", rt_guest_name, what);
	rt_flush();
}

static void read_m2p(void)
{
	const uint64_t *p2m = (const uint64_t *)rt_start_info->mfn_list;
	const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
	uint64_t mfn0 = p2m[0], mfn1 = p2m[1];

	test_check(m2p[mfn0] == 0 && m2p[mfn1] == 1, "m2p_readable",
		   "m2p[0x%lx] = 0x%lx, m2p[0x%lx] = 0x%lx", mfn0, m2p[mfn0], mfn1, m2p[mfn1]);
}

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
	if (strcmp(mode, "read_m2p") == 0) {
		read_m2p();
		return;
	}
	if (strcmp(mode, "read_hv") == 0) {
		fatal("reading the hypervisor's direct map");
		(void)*(volatile uint64_t *)HV_DIRECTMAP_VA;
		test_fail("killed", "read 0x%lx", HV_DIRECTMAP_VA);
		return;
	}
	if (strcmp(mode, "write_m2p") == 0) {
		fatal("writing the read-only M2P");
		*(volatile uint64_t *)MACH2PHYS_VIRT_START = 0;
		test_fail("killed", "wrote the M2P");
		return;
	}
	if (strcmp(mode, "write_pt") == 0) {
		fatal("writing its own L4 page table");
		*(volatile uint64_t *)rt_start_info->pt_base = 0;
		test_fail("killed", "wrote its L4 at 0x%lx", (unsigned long)rt_start_info->pt_base);
		return;
	}
	if (strcmp(mode, "port_io") == 0) {
		fatal("outb to port 0x80");
		__asm__ volatile("outb %%al, $0x80" : : "a"(0));
		test_fail("killed", "port I/O worked");
		return;
	}
	if (strcmp(mode, "hlt") == 0) {
		fatal("executing hlt");
		__asm__ volatile("hlt");
		test_fail("killed", "hlt returned");
		return;
	}
	if (strcmp(mode, "int80") == 0) {
		fatal("int $0x80 without a trap table");
		__asm__ volatile("int $0x80");
		test_fail("killed", "int $0x80 returned");
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
