/*
 * What the arch layer hands the portable core after the boot loader: the
 * hypervisor command line, the boot modules and the firmware memory map,
 * already copied out of the loader's structures into hypervisor memory.
 */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#include <hv/manifest.h>
#include <hv/types.h>

#define BOOT_MAX_MEM_REGIONS 64
#define BOOT_CMDLINE_MAX     1024
#define BOOT_MOD_CMDLINE_MAX 512

enum boot_mem_type { BOOT_MEM_RAM = 1, BOOT_MEM_RESERVED = 2 };

struct boot_mem_region {
	uint64_t start;
	uint64_t size;
	uint32_t type;
};

struct boot_info {
	const char *loader;		/* "multiboot1" or "multiboot2" */
	const char *cmdline;		/* without the image path */
	struct boot_module mods[MANIFEST_MAX_MODULES];
	unsigned int mod_count;
	struct boot_mem_region mem[BOOT_MAX_MEM_REGIONS];
	unsigned int mem_count;
};

/* The portable core's entry point; arch_start() calls it once the CPU, the
 * frame table, the console and the timer are up. It never returns. */
void hv_main(struct boot_info *bi) __noreturn;

/* The hypervisor's command line as booted (without the image path). */
const char *hv_boot_cmdline(void);

/* The last domain is gone: report and power off (or halt, on_exit=halt). */
void hv_all_domains_gone(void) __noreturn;

/* Exit statuses for arch_system_exit(), read by the test runner. */
#define HV_EXIT_OK             0	/* every domain powered off or rebooted */
#define HV_EXIT_DOMAIN_CRASHED 1	/* at least one domain crashed */
#define HV_EXIT_PANIC          2	/* the hypervisor stopped on an internal error */
#define HV_EXIT_REFUSED        3	/* the manifest or a module was refused */

#endif
