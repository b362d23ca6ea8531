/*
 * The p2m radix tree. Table frames are hypervisor frames (FRAME_HV) reached
 * through the direct map; an empty slot holds INVALID_MFN_RAW. Never
 * trusts a guest's copy of the map.
 */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/p2m.h>
#include <public/errno.h>

#define P2M_BITS 9
#define P2M_FANOUT (1U << P2M_BITS)

static uint64_t *p2m_table(mfn_t m)
{
	return arch_frame_map(m);
}

static mfn_t p2m_new_table(void)
{
	mfn_t m = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);

	if (mfn_x(m) != INVALID_MFN_RAW) {
		uint64_t *t = p2m_table(m);

		for (unsigned int i = 0; i < P2M_FANOUT; i++) {
			t[i] = INVALID_MFN_RAW;
		}
	}
	return m;
}

void p2m_init(struct p2m *p)
{
	p->root = mfn(INVALID_MFN_RAW);
}

static unsigned int p2m_idx(uint64_t pfn, unsigned int level)
{
	return (unsigned int)(pfn >> (P2M_BITS * level)) & (P2M_FANOUT - 1);
}

int p2m_set(struct p2m *p, uint64_t pfn, mfn_t m)
{
	mfn_t table;

	if (pfn >= P2M_MAX_PFN) {
		return -XEN_EINVAL;
	}
	if (mfn_x(p->root) == INVALID_MFN_RAW) {
		p->root = p2m_new_table();
		if (mfn_x(p->root) == INVALID_MFN_RAW) {
			return -XEN_ENOMEM;
		}
	}
	table = p->root;
	for (unsigned int level = 2; level > 0; level--) {
		uint64_t *t = p2m_table(table);
		unsigned int i = p2m_idx(pfn, level);

		if (t[i] == INVALID_MFN_RAW) {
			mfn_t n = p2m_new_table();

			if (mfn_x(n) == INVALID_MFN_RAW) {
				return -XEN_ENOMEM;
			}
			t[i] = mfn_x(n);
		}
		table = mfn(t[i]);
	}
	p2m_table(table)[p2m_idx(pfn, 0)] = mfn_x(m);
	return 0;
}

mfn_t p2m_get(const struct p2m *p, uint64_t pfn)
{
	mfn_t table = p->root;

	if (pfn >= P2M_MAX_PFN) {
		return mfn(INVALID_MFN_RAW);
	}
	for (unsigned int level = 2; level > 0; level--) {
		if (mfn_x(table) == INVALID_MFN_RAW) {
			return table;
		}
		table = mfn(p2m_table(table)[p2m_idx(pfn, level)]);
	}
	if (mfn_x(table) == INVALID_MFN_RAW) {
		return table;
	}
	return mfn(p2m_table(table)[p2m_idx(pfn, 0)]);
}

void p2m_destroy(struct p2m *p)
{
	if (mfn_x(p->root) == INVALID_MFN_RAW) {
		return;
	}
	uint64_t *root = p2m_table(p->root);

	for (unsigned int i = 0; i < P2M_FANOUT; i++) {
		if (root[i] == INVALID_MFN_RAW) {
			continue;
		}
		uint64_t *mid = p2m_table(mfn(root[i]));

		for (unsigned int j = 0; j < P2M_FANOUT; j++) {
			if (mid[j] != INVALID_MFN_RAW) {
				frame_free(mfn(mid[j]));
			}
		}
		frame_free(mfn(root[i]));
	}
	frame_free(p->root);
	p->root = mfn(INVALID_MFN_RAW);
}
