/* physdev_op (33): the sub-ops a PV domU uses. */
#ifndef MOAT_PUBLIC_PHYSDEV_H
#define MOAT_PUBLIC_PHYSDEV_H

#include <public/xen.h>

#define PHYSDEVOP_set_iopl          6
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28

#ifndef __ASSEMBLY__
struct physdev_set_iopl {
	uint32_t iopl;
};
_Static_assert(sizeof(struct physdev_set_iopl) == 4, "ABI");
#endif

#endif
