/* memory_op (12): Xen's sub-op numbers and argument structs (x86-64). */
#ifndef MOAT_PUBLIC_MEMORY_H
#define MOAT_PUBLIC_MEMORY_H

#include <public/xen.h>

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page     2
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_machphys_mfn_list    5
#define XENMEM_populate_physmap     6
#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map  10
#define XENMEM_exchange            11
#define XENMEM_machphys_mapping    12

/* The sub-op sits in the low bits; a continuation's start extent above. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1U << MEMOP_EXTENT_SHIFT) - 1)

#define E820_RAM 1

#ifndef __ASSEMBLY__
struct xen_memory_reservation {
	uint64_t extent_start;	/* guest handle: xen_pfn_t[] */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	domid_t domid;
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "ABI");

struct xen_memory_map {
	uint32_t nr_entries;
	uint32_t pad;
	uint64_t buffer;	/* guest handle: struct e820_entry[] */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "ABI");

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "ABI");

struct xen_machphys_mapping {
	uint64_t v_start, v_end;
	uint64_t max_mfn;
};
_Static_assert(sizeof(struct xen_machphys_mapping) == 24, "ABI");
#endif

#endif
