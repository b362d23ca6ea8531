/*
 * The Xen features (XENFEAT_*) this hypervisor provides. One place, used both
 * by xen_version get_features and by the domain builder, which refuses a
 * kernel that requires a feature not listed here.
 */
#ifndef HV_FEATURES_H
#define HV_FEATURES_H

#include <hv/types.h>

struct domain;

uint32_t hv_features_submap0(const struct domain *d);

#endif
