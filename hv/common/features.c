/*
 * Features offered to PV guests. Only what is implemented is reported: a
 * kernel that requires more is refused at build time with the name of the
 * missing feature, instead of failing mysteriously later.
 */
#include <hv/features.h>
#include <public/version.h>

uint32_t hv_features_submap0(const struct domain *d)
{
	(void)d;
	/* A 64-bit hypervisor places page directories anywhere. */
	return 1U << XENFEAT_pae_pgdir_above_4gb;
}
