/*
 * The PV memory model: page ownership, page types with type and reference
 * counts, and validated page-table updates. Portable.
 * (Filled in by the memory-model work; the struct is embedded in struct
 * domain.)
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/types.h>

struct mm_domain {
	int placeholder;
};

#endif
