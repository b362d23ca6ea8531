/*
 * libFuzzer harness for the PV memory model (hv/common/mm_*.c) on the fake
 * machine. Three domains own a small pool of frames each; the input is a
 * sequence of operations a hostile guest (or the hypervisor on its behalf)
 * can perform: mmu_update batches, mmuext ops, update_va_mapping, emulated
 * page-table writes, descriptor tables, plain guest stores into frames it
 * may write, holds, vm_assist, teardown, touches that fill the fake TLB and
 * frames given back and populated again (fuzz_mm_tlb.h). Values are biased towards real
 * frames and plausible flags so that validation goes deep.
 * After every operation mm_check_invariants() must hold for every domain
 * (counts equal what the tables imply, no writable mapping of a typed
 * frame, no reference outside the owner's frames), and no stale TLB entry
 * reaches a frame that is no longer its domain's; at the end teardown
 * must bring every frame back to untyped and unreferenced. A BUG_ON inside
 * the model aborts (no FAKE_EXITED is armed), which the fuzzer reports.
 * It never changes the model's behaviour to make a check pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <fake_arch.h>
#include <fake_mm.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>
#include <public/mmu.h>
#include <public/xen.h>
#include <xsm/hooks.h>

#include "fuzz.h"
#include "fuzz_input.h"
#include "fuzz_mm_tlb.h"
#include "fuzz_mm_world.h"

#define NR_DOMS     3
#define POOL        20
#define HV_FRAMES   8
#define NR_FRAMES   (HV_FRAMES + NR_DOMS * POOL + 8)	/* 8 left free */
#define MAX_OPS     96
#define GBUF_VA     0x0000000000400000ULL
#define GBUF_SIZE   4096

struct fdom {
	struct domain *d;
	mfn_t pool[POOL];
};

static struct fdom doms[NR_DOMS];
static uint8_t gbuf[GBUF_SIZE];
static uint32_t scratch[2 * NR_FRAMES];

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_mm: %s: %s\n", what, why);
	abort();
}

static void check_all(const char *after)
{
	char why[256];

	for (unsigned int i = 0; i < NR_DOMS; i++) {
		if (mm_check_invariants(doms[i].d, scratch, ARRAY_SIZE(scratch), why, sizeof(why)) != 0) {
			die(after, why);
		}
	}
	/* No stale translation reaches a frame that is no longer the
	 * domain's, or its own frame against its type (fuzz_mm_tlb.h). */
	if (fake_tlb_check(why, sizeof(why)) != 0) {
		die(after, why);
	}
}

/* A frame: mostly the domain's own, sometimes another's, the hypervisor's
 * or none at all. */
static mfn_t pick_frame(struct input *in, unsigned int self)
{
	uint8_t b = u8(in);
	unsigned int which = b >> 5;

	if (which < 6) {
		return doms[self].pool[(b & 31) % POOL];
	}
	if (which == 6) {
		return doms[(self + 1 + (b & 1)) % NR_DOMS].pool[(b >> 1) % POOL];
	}
	switch (b & 3) {
	case 0:
		return mfn(b % HV_FRAMES);
	case 1:
		return mfn(NR_FRAMES - 1 - (b & 7));	/* free frames */
	case 2:
		return mfn(NR_FRAMES + b);
	default:
		return mfn(0xfffffffffULL);
	}
}

/* Flags: plausible most of the time, anything otherwise. */
static uint64_t pick_flags(struct input *in)
{
	static const uint64_t common[] = {
		_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
		_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY,
		_PAGE_PRESENT,
		_PAGE_PRESENT | _PAGE_RW,
		_PAGE_PRESENT | _PAGE_RW | _PAGE_NX,
		0,
		_PAGE_RW | _PAGE_USER,
	};
	uint8_t b = u8(in);
	uint64_t f = common[b & 7];

	if (b & 0x80) {
		static const uint64_t odd[] = { _PAGE_PSE, _PAGE_GLOBAL, _PAGE_PWT, _PAGE_PCD,
						1ULL << 62, 7ULL << 9, 1ULL << 52, 0 };

		f |= odd[(b >> 3) & 7];
	}
	return f;
}

static uint64_t pick_pte(struct input *in, unsigned int self)
{
	uint8_t mode = u8(in);

	if (mode < 240) {
		return pte_make(pick_frame(in, self), pick_flags(in));
	}
	return u64(in);
}

/* A virtual address the standard tree shapes can reach. */
static uint64_t pick_va(struct input *in)
{
	static const unsigned int l4s[] = { 0, 1, 255, 256, 271, 272, 300, 511 };
	uint8_t a = u8(in), b = u8(in);
	uint64_t va = ((uint64_t)l4s[a & 7] << 39) | ((uint64_t)((a >> 3) & 3) << 30) |
		      ((uint64_t)((a >> 5) & 3) << 21) | ((uint64_t)b << 12) |
		      ((uint64_t)(u8(in) & 0x1ff) << 3);

	if (va & (1ULL << 47)) {
		va |= 0xffff000000000000ULL;
	}
	return va;
}

static struct vcpu *vcpu_of(unsigned int self)
{
	return &doms[self].d->vcpus[0];
}

static int64_t call(unsigned int self, int64_t (*fn)(struct vcpu *, const struct hypercall_args *),
		    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hypercall_args args = { { a0, a1, a2, a3, 0, 0 } };
	struct vcpu *v = vcpu_of(self);
	int64_t rc;

	/* A preempted batch is re-issued with its rest, as the guest would. */
	while ((rc = fn(v, &args)) == HYPERCALL_CONTINUE) {
		memcpy(args.a, v->pv.cont_args, sizeof(args.a));
	}
	return rc;
}

static void op_mmu_update(struct input *in, unsigned int self)
{
	struct mmu_update reqs[4];
	unsigned int n = 1 + (u8(in) & 3);

	for (unsigned int i = 0; i < n; i++) {
		uint8_t c = u8(in);
		mfn_t table = pick_frame(in, self);
		unsigned int slot = u16(in) & 511;

		reqs[i].ptr = (mfn_x(table) << PAGE_SHIFT) + slot * 8ULL;
		reqs[i].ptr |= c < 200 ? MMU_NORMAL_PT_UPDATE
				       : c < 230 ? MMU_PT_UPDATE_PRESERVE_AD
						 : c < 250 ? MMU_MACHPHYS_UPDATE : (c & 7);
		reqs[i].val = pick_pte(in, self);
	}
	memcpy(gbuf, reqs, sizeof(reqs));
	(void)call(self, do_mmu_update, GBUF_VA, n, GBUF_VA + 2048, DOMID_SELF);
}

static void op_mmuext(struct input *in, unsigned int self)
{
	struct mmuext_op op;
	uint8_t c = u8(in);

	memset(&op, 0, sizeof(op));
	op.cmd = c < 200 ? c % 16 : c;
	switch (op.cmd) {
	case MMUEXT_NEW_USER_BASEPTR:
		op.arg1.mfn = (u8(in) & 7) == 0 ? 0 : mfn_x(pick_frame(in, self));
		break;
	case MMUEXT_SET_LDT:
		op.arg1.linear_addr = pick_va(in) & ~(PAGE_SIZE - 1);
		op.arg2.nr_ents = u16(in) & 0x3fff;
		break;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
		op.arg1.linear_addr = pick_va(in);
		op.arg2.vcpumask = (u8(in) & 1) ? GBUF_VA + 3000 : u64(in);
		break;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		op.arg1.linear_addr = pick_va(in);
		break;
	default:
		op.arg1.mfn = mfn_x(pick_frame(in, self));
		break;
	}
	memcpy(gbuf + 1024, &op, sizeof(op));
	(void)call(self, do_mmuext_op, GBUF_VA + 1024, 1, GBUF_VA + 2048, DOMID_SELF);
}

static void op_uvm(struct input *in, unsigned int self)
{
	uint64_t va = pick_va(in) & ~(PAGE_SIZE - 1);
	uint64_t val = pick_pte(in, self);
	uint8_t f = u8(in);
	uint64_t flags = (f & 3) | ((f & 4) ? UVMF_ALL : 0);

	if (f & 8) {
		flags = (f & 3) | (GBUF_VA + 3000);
	}
	(void)call(self, do_update_va_mapping, va, val, flags, 0);
}

static void op_ptwr(struct input *in, unsigned int self)
{
	static const unsigned int sizes[] = { 8, 8, 4, 1, 2, 8, 3, 16 };
	uint8_t k = u8(in);
	struct mm_ptwr w = {
		.va = pick_va(in),
		.val = pick_pte(in, self),
		.bytes = sizes[k & 7],
		.kind = (enum mm_ptwr_kind)((k >> 3) % 4),
	};
	uint64_t old;

	w.expected = (k & 0x80) ? u64(in) : w.val;
	if (w.bytes < 8 && w.bytes != 3) {
		w.va &= ~(uint64_t)(w.bytes - 1);
		w.va |= (k >> 5) & (8 - w.bytes) & ~(uint64_t)(w.bytes - 1);
	}
	(void)mm_emulate_pt_write(vcpu_of(self), &w, &old);
}

/* The guest writing a frame it may write (no page-table or descriptor
 * type): what it can always do through a writable mapping of its own. */
static bool guest_writable(unsigned int self, mfn_t m);

static void op_guest_store(struct input *in, unsigned int self)
{
	mfn_t m = doms[self].pool[u8(in) % POOL];
	unsigned int slot = u16(in) & 511;
	uint64_t val = pick_pte(in, self);

	if (guest_writable(self, m)) {
		((uint64_t *)arch_frame_map(m))[slot] = val;
	}
}

static void op_desc(struct input *in, unsigned int self)
{
	uint8_t c = u8(in);

	if (c < 100) {
		uint64_t frames[3];
		unsigned int entries = u16(in) % (3 * 512 + 1);

		for (unsigned int i = 0; i < 3; i++) {
			frames[i] = mfn_x(pick_frame(in, self));
		}
		(void)mm_set_gdt(vcpu_of(self), frames, entries);
	} else if (c < 200) {
		mfn_t m = pick_frame(in, self);

		(void)call(self, do_update_descriptor,
			   (mfn_x(m) << PAGE_SHIFT) + (u16(in) & 0xfff), u64(in), 0, 0);
	} else {
		mfn_t m;

		(void)mm_ldt_fault(vcpu_of(self), u8(in) & 15, &m);
	}
}

static void op_hold(struct input *in, unsigned int self)
{
	struct domain *d = doms[self].d;
	uint8_t c = u8(in);

	if ((c & 1) && d->mm.held_count > 0) {
		mm_release_writable_page(d, d->mm.held[c % d->mm.held_count]);
	} else {
		(void)mm_hold_writable_page(d, pick_frame(in, self));
	}
}

static void op_assist(struct input *in, unsigned int self)
{
	uint8_t c = u8(in);

	(void)call(self, do_vm_assist, c & 1, (c >> 1) & 7, 0, 0);
}

/* True when the guest may write m itself: its own (pool frames change
 * hands through fuzz_mm_tlb.h) and no page-table or descriptor type. */
static bool guest_writable(unsigned int self, mfn_t m)
{
	const struct frame_info *f = frame_get(m);

	return f->state == FRAME_GUEST && f->owner == doms[self].d->id &&
	       (f->type_count == 0 || f->type == MM_TYPE_WRITABLE);
}

/* A valid standard tree, as the builder writes it: L4 -> L3 -> L2 -> L1 in
 * pool[0..3], the tables' read-only views and a few data pages in the L1,
 * then adopted. Only when the guest could write those frames itself; false
 * when it could not or adoption refused (already a root, frames in use). */
static bool seed_tree(unsigned int self, uint8_t shape)
{
	struct fdom *fd = &doms[self];
	const uint64_t table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
	uint64_t *l1 = arch_frame_map(fd->pool[3]);

	for (unsigned int i = 0; i < 4; i++) {
		if (!guest_writable(self, fd->pool[i])) {
			return false;
		}
	}
	(void)fuzz_mm_link_tree(fd->pool, table);
	for (unsigned int i = 0; i < 4; i++) {
		l1[i] = pte_make(fd->pool[i], _PAGE_PRESENT | _PAGE_USER);	/* table views */
	}
	for (unsigned int i = 4; i < 4 + (shape & 7); i++) {
		l1[i] = pte_make(fd->pool[i], table);
	}
	if (shape & 8) {
		fd->d->mm.vm_assist |= 1ULL << VMASST_TYPE_writable_pagetables;
	}
	return mm_adopt_bootstrap_tables(fd->d, fd->pool[0]) == 0;
}

static void setup(uint8_t shape)
{
	fuzz_mm_world_boot(NR_FRAMES, HV_FRAMES, GBUF_VA, gbuf, sizeof(gbuf));
	/* Emulated page-table writes and LDT faults pass the emulation gate. */
	if (xsm_init(XSM_MODULE_DUMMY) != 0) {
		die("setup", "xsm");
	}
	memset(gbuf + 3000, 0xff, 8);	/* a vCPU mask */
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		struct domain *d = fuzz_mm_domain("f", doms[i].pool, POOL);

		if (d == NULL) {
			die("setup", "no domain slot");
		}
		doms[i].d = d;
		/* The last pool frame plays shared_info. */
		d->shared_info_mfn = doms[i].pool[POOL - 1];
		if ((shape & (1U << (4 + i))) && !seed_tree(i, shape)) {
			die("setup", "the standard tree was refused");
		}
	}
	check_all("setup");
}

static void finish(void)
{
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		struct domain *d = doms[i].d;

		mm_domain_teardown(d);
		for (uint64_t m = 0; m < frame_total(); m++) {
			const struct frame_info *f = frame_get(mfn(m));

			if (f->state == FRAME_GUEST && f->owner == d->id &&
			    (f->ref_count || f->type_count || f->type || f->mm_flags)) {
				die("teardown", "a frame kept a reference");
			}
		}
		check_all("teardown");
		domain_free_unstarted(d);
	}
	fake_machine_fini();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int ops = 0;

	setup(u8(&in));
	while (in.left > 0 && ops++ < MAX_OPS) {
		uint8_t op = u8(&in);
		unsigned int self = (op >> 4) % NR_DOMS;

		switch (op & 15) {
		case 0:
		case 1:
		case 2:
			op_mmu_update(&in, self);
			break;
		case 3:
		case 4:
			op_mmuext(&in, self);
			break;
		case 5:
		case 6:
			op_uvm(&in, self);
			break;
		case 7:
		case 8:
			op_ptwr(&in, self);
			break;
		case 9:
		case 10:
			op_guest_store(&in, self);
			break;
		case 11:
			op_desc(&in, self);
			break;
		case 12:
			op_hold(&in, self);
			break;
		case 13:
			op_assist(&in, self);
			break;
		case 14:
			if ((op >> 6) == 3) {
				mm_domain_teardown(doms[self].d);
			} else {
				fuzz_mm_tlb_op(&in, vcpu_of(self), pick_va(&in), doms[self].pool, POOL,
					       gbuf + 3072, GBUF_VA + 3072);
			}
			break;
		default:
			(void)seed_tree(self, u8(&in));
			break;
		}
		check_all("an operation");
	}
	finish();
	return 0;
}
