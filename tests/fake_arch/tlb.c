/*
 * The fake machine's TLB (fake_tlb.h): what a guest could still reach
 * through translations its CPU remembers. Entries are only added by
 * fake_tlb_touch (a test or fuzzer playing the guest) and only dropped by
 * the arch's flushes or a reset; when full, the oldest is evicted (a real
 * TLB may forget at any time, which is never unsafe). It must never drop
 * an entry a flush does not cover: that would hide the bugs it is for.
 */
#include <stdio.h>

#include <fake_tlb.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <hv/tlb_clock.h>

struct fake_tlb_entry {
	bool valid;
	bool walk_cached;		/* table[] still in the paging-structure caches */
	bool writable;
	const struct vcpu *v;
	uint64_t va;			/* page-aligned */
	mfn_t root;
	mfn_t table[3];			/* the L3, L2 and L1 the walk read */
	mfn_t leaf;
};

static struct fake_tlb_entry tlb[FAKE_TLB_ENTRIES];
static unsigned int next_victim;

void fake_tlb_reset(void)
{
	memset(tlb, 0, sizeof(tlb));
	next_victim = 0;
}

unsigned int fake_tlb_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAKE_TLB_ENTRIES; i++) {
		n += tlb[i].valid;
	}
	return n;
}

/* One walk from root; false when it faults. */
static bool walk(mfn_t root, uint64_t va, bool write, mfn_t table[3], mfn_t *leaf, bool *writable)
{
	mfn_t t = root;
	bool rw = true;

	for (unsigned int level = 4; level >= 1; level--) {
		uint64_t e;

		if (mfn_x(t) >= frame_total()) {
			return false;
		}
		e = ((const uint64_t *)arch_frame_map(t))[pt_index(va, level)];
		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE)) {
			return false;
		}
		rw = rw && (e & _PAGE_RW);
		t = pte_mfn(e);
		if (level > 1) {
			table[4 - level] = t;
		}
	}
	if (write && !rw) {
		return false;
	}
	*leaf = t;
	*writable = rw;
	return true;
}

mfn_t fake_tlb_touch(struct vcpu *v, uint64_t va, bool write)
{
	struct fake_tlb_entry e = { .valid = true, .walk_cached = true, .v = v,
				    .va = va & ~(uint64_t)(PAGE_SIZE - 1),
				    .root = v->pv.kernel_root };
	mfn_t hit;
	bool w;

	hit = fake_tlb_lookup(v, va, &w);
	if (mfn_x(hit) != INVALID_MFN_RAW && (w || !write)) {
		return hit;	/* the CPU uses what it remembers */
	}
	if (mfn_x(e.root) == INVALID_MFN_RAW ||
	    !walk(e.root, e.va, write, e.table, &e.leaf, &e.writable)) {
		return mfn(INVALID_MFN_RAW);
	}
	for (unsigned int i = 0; i < FAKE_TLB_ENTRIES; i++) {
		if (tlb[i].valid && tlb[i].v == v && tlb[i].va == e.va) {
			tlb[i] = e;
			return e.leaf;
		}
	}
	tlb[next_victim] = e;
	next_victim = (next_victim + 1) % FAKE_TLB_ENTRIES;
	return e.leaf;
}

mfn_t fake_tlb_lookup(const struct vcpu *v, uint64_t va, bool *writable)
{
	uint64_t page = va & ~(uint64_t)(PAGE_SIZE - 1);

	for (unsigned int i = 0; i < FAKE_TLB_ENTRIES; i++) {
		if (tlb[i].valid && tlb[i].v == v && tlb[i].va == page) {
			*writable = tlb[i].writable;
			return tlb[i].leaf;
		}
	}
	*writable = false;
	return mfn(INVALID_MFN_RAW);
}

void fake_tlb_flush_all(void)
{
	uint32_t t = tlb_clock_flush_begin();

	memset(tlb, 0, sizeof(tlb));
	tlb_clock_flush_done(0, t);
}

static bool in_mask(const struct fake_tlb_entry *e, const struct domain *d, uint64_t mask)
{
	return e->valid && e->v->domain == d && e->v->id < 64 && (mask & (1ULL << e->v->id));
}

void fake_tlb_flush_vcpus(const struct domain *d, uint64_t vcpu_mask)
{
	for (unsigned int i = 0; i < FAKE_TLB_ENTRIES; i++) {
		if (in_mask(&tlb[i], d, vcpu_mask)) {
			tlb[i].valid = false;
		}
	}
}

void fake_tlb_invlpg(const struct domain *d, uint64_t vcpu_mask, uint64_t va)
{
	uint64_t page = va & ~(uint64_t)(PAGE_SIZE - 1);

	/* invlpg drops the address's TLB entry and every cached walk. */
	for (unsigned int i = 0; i < FAKE_TLB_ENTRIES; i++) {
		if (in_mask(&tlb[i], d, vcpu_mask)) {
			tlb[i].walk_cached = false;
			if (tlb[i].va == page) {
				tlb[i].valid = false;
			}
		}
	}
}

/* m is a validated table of d at level (as mm_is_table says; read here so
 * that the fake arch links without the memory model). */
static bool is_table(const struct domain *d, mfn_t m, unsigned int level)
{
	const struct frame_info *f = frame_get(m);

	return f != NULL && f->state == FRAME_GUEST && f->owner == d->id && f->type == level &&
	       f->type_count > 0 && (f->mm_flags & MM_F_VALIDATED);
}

/* The translation is still what the vCPU's validated tables say. */
static bool still_current(const struct fake_tlb_entry *e)
{
	const struct domain *d = e->v->domain;
	mfn_t table[3], leaf;
	bool w;

	if (!mfn_eq(e->root, e->v->pv.kernel_root) && !mfn_eq(e->root, e->v->pv.user_root)) {
		return false;
	}
	if (!is_table(d, e->root, 4) || !walk(e->root, e->va, false, table, &leaf, &w)) {
		return false;
	}
	for (unsigned int i = 0; i < 3; i++) {
		if (!mfn_eq(table[i], e->table[i]) || !is_table(d, table[i], 3 - i)) {
			return false;
		}
	}
	return mfn_eq(leaf, e->leaf) && (w || !e->writable);
}

/* May a stale entry of domain d reach frame m as a table of level
 * `level` (1-3), or as a leaf (0, writable or not)? */
static const char *stale_use_wrong(const struct domain *d, mfn_t m, unsigned int level,
				   bool writable)
{
	const struct frame_info *f = frame_get(m);

	if (f == NULL || f->state == FRAME_FREE) {
		return NULL;
	}
	if (f->state != FRAME_GUEST || f->owner != d->id) {
		return f->state == FRAME_GUEST ? "another domain's frame" : "a hypervisor frame";
	}
	if (f->type_count == 0) {
		return NULL;
	}
	if (level == 0) {
		return writable && f->type != MM_TYPE_WRITABLE ? "its own frame, now typed" : NULL;
	}
	return f->type == level ? NULL : "its own former table, now typed otherwise";
}

int fake_tlb_check(char *why, size_t why_len)
{
	for (unsigned int i = 0; i < FAKE_TLB_ENTRIES; i++) {
		const struct fake_tlb_entry *e = &tlb[i];
		const char *bad = NULL;
		mfn_t at = e->leaf;

		if (!e->valid || still_current(e)) {
			continue;
		}
		bad = stale_use_wrong(e->v->domain, e->leaf, 0, e->writable);
		for (unsigned int l = 0; bad == NULL && e->walk_cached && l < 3; l++) {
			at = e->table[l];
			bad = stale_use_wrong(e->v->domain, at, 3 - l, false);
		}
		if (bad != NULL) {
			snprintf(why, why_len,
				 "domain %u vCPU %u: a stale translation of va 0x%llx reaches mfn 0x%llx "
				 "(%s)", e->v->domain->id, e->v->id, (unsigned long long)e->va,
				 (unsigned long long)mfn_x(at), bad);
			return -1;
		}
	}
	return 0;
}
