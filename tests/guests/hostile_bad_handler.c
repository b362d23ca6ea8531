/*
 * hostile_bad_handler: registers a trap table whose #UD handler points at
 * unmapped memory (or, with handler=hv, into the hypervisor's range) and
 * has no #PF handler, then executes ud2. Delivering the #UD faults at the
 * handler address; with nothing to take that fault the domain is killed.
 *
 * Keys: name, handler=unmapped|hv.
 */
#include "hostile.h"

const char guest_image[] = "hostile_bad_handler";

void guest_main(void)
{
	char which[16] = "unmapped";
	struct trap_info table[2] = {
		{ .vector = X86_EXC_UD, .flags = 0, .cs = FLAT_KERNEL_CS64, .address = 0x2000 },
		{ .address = 0 },
	};
	long rc;

	cmdline_get("handler", which, sizeof(which));
	if (strcmp(which, "hv") == 0) {
		table[0].address = HV_DIRECT;
	}
	rc = hyp_set_trap_table(table);
	rt_printf("%s: #UD handler at 0x%lx: set_trap_table rc %ld\n", rt_guest_name,
		  (unsigned long)table[0].address, rc);
	if (rc < 0) {
		/* Refusing the table up front is a correct answer too. */
		test_pass("refused", "set_trap_table: rc %ld", rc);
		return;
	}
	fatal_step("ud2 with the #UD handler unmapped");
	__asm__ volatile("ud2");
	survived("a #UD bounced to an unmapped handler");
}
