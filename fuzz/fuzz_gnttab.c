/*
 * libFuzzer harness for grant tables v1 (hv/common/gnttab_*.c) in the PV
 * memory model, on the fake machine. Three domains each have the standard
 * page-table tree (L4 -> L3 -> L2 -> L1 in pool[0..3], the L1 mapping
 * va = slot * 4 KiB, its slot 3 a read-only view of the L1 itself) and a
 * grant table. The input is a sequence of what hostile guests can do:
 * write grant entries (and anything else) into their grant frames, map,
 * unmap and copy through grants with biased and random arguments,
 * setup_table, mmu_update / update_va_mapping / emulated writes over any
 * L1 slot (grant PTEs included), unhook and rehook or pin and unpin L1s,
 * the hypervisor revoking a mapping, and a domain dying.
 * After every step, for every live domain: mm_check_invariants (counts
 * equal what tables, holds and every maptrack imply; a foreign L1 entry
 * only as a live maptrack entry records it, so no frame stays mapped after
 * its mapping is gone and no domain reaches another's frame without a
 * grant), and each granter's pin counts equal the live maptrack entries
 * naming each ref. At the end every frame must be back on the free list.
 * It never changes the code's behaviour to make a check pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <fake_arch.h>
#include <fake_mm.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/pv_pt.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/mmu.h>
#include <public/xen.h>
#include <xsm/hooks.h>

#include "hv/common/gnttab_priv.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "fuzz_mm_world.h"

#define NR_DOMS     3
#define POOL        16
#define HV_FRAMES   8
#define NR_FRAMES   (HV_FRAMES + NR_DOMS * (POOL + 16) + 24)
#define MAX_OPS     128
#define GBUF_VA     0x0000000000400000ULL
#define GBUF_SIZE   4096
#define MAPTRACK    6
#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

struct fdom {
	struct domain *d;	/* NULL once dead */
	domid_t id;
	mfn_t pool[POOL];
	uint64_t l2e;		/* L2[0] as built, to rehook the L1 */
};

static struct fdom doms[NR_DOMS];
static uint8_t gbuf[GBUF_SIZE];
static uint32_t scratch[2 * NR_FRAMES];
static uint64_t free_at_start;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_gnttab: %s: %s\n", what, why);
	abort();
}

/* Pins of each ref equal the live maptrack entries naming it. */
#define MAX_REFS (2 * GNTTAB_ENTRIES_PER_FRAME)
static uint16_t seen_ro[MAX_DOMAINS + 1][MAX_REFS], seen_rw[MAX_DOMAINS + 1][MAX_REFS];

harness_only static void check_pins(void)
{
	memset(seen_ro, 0, sizeof(seen_ro));
	memset(seen_rw, 0, sizeof(seen_rw));
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		const struct domain *m = doms[i].d;

		for (unsigned int h = 0; m != NULL && h < gnttab_maptrack_limit(m); h++) {
			const struct gnttab_maptrack *mt = gnttab_maptrack_get(m, h);
			const struct domain *g;
			const struct gnttab_active *act;

			if (mt->state != GNTTAB_MT_LIVE) {
				continue;
			}
			g = domain_by_id(mt->granter);
			if (g == NULL || mt->ref >= gnttab_nr_entries(g) || mt->ref >= MAX_REFS) {
				die("pins", "a live mapping of a ref that does not exist");
			}
			act = gnttab_active_of(g, mt->ref);
			if (act->domid != m->id || mt->frame != act->frame) {
				die("pins", "a mapping of another mapper or frame");
			}
			(mt->readonly ? seen_ro : seen_rw)[g->id][mt->ref]++;
		}
	}
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		const struct domain *g = doms[i].d;
		unsigned int n = g != NULL ? gnttab_nr_entries(g) : 0;
		const struct gnttab_active *act = NULL;

		for (unsigned int ref = 0; ref < n; ref++) {
			/* One lookup per active frame: its entries lie together
			 * (gnttab_active_of), and this runs after every step. */
			act = ref % GNTTAB_ACTIVE_PER_FRAME == 0 ? gnttab_active_of(g, ref) : act + 1;
			if (act->pin_ro != seen_ro[g->id][ref] || act->pin_rw != seen_rw[g->id][ref]) {
				die("pins", "pin counts differ from the maptrack");
			}
		}
	}
}

harness_only static void check_all(const char *after)
{
	char why[256];

	for (unsigned int i = 0; i < NR_DOMS; i++) {
		if (doms[i].d == NULL) {
			continue;
		}
		if (mm_check_invariants(doms[i].d, scratch, ARRAY_SIZE(scratch), why, sizeof(why)) != 0) {
			die(after, why);
		}
	}
	check_pins();
}

/* A domain id: mostly a real one (dead ones included), sometimes anything. */
static domid_t pick_domid(struct input *in)
{
	uint8_t b = u8(in);

	if (b < 200) {
		return doms[b % NR_DOMS].id;
	}
	return b < 230 ? DOMID_SELF : (domid_t)u16(in);
}

/* A frame: a pool frame of some domain, a grant frame, or anything. */
static mfn_t pick_frame(struct input *in, const struct fdom *self)
{
	uint8_t b = u8(in);
	const struct fdom *o = &doms[(b >> 4) % NR_DOMS];

	if (b < 160) {
		return self->pool[b % POOL];
	}
	if (b < 210) {
		return o->pool[b % POOL];
	}
	if (b < 230 && o->d != NULL) {
		return gnttab_frame(o->d, b & 1);
	}
	return mfn(u16(in) % (NR_FRAMES + 4));
}

static uint64_t pick_pte(struct input *in, const struct fdom *self)
{
	static const uint64_t flags[] = { TABLE_FLAGS, _PAGE_PRESENT | _PAGE_USER, 0,
					  _PAGE_PRESENT | _PAGE_RW | _PAGE_NX };
	uint8_t b = u8(in);

	if (b == 255) {
		return (uint64_t)u32(in) << 12 | u8(in);
	}
	return pte_make(pick_frame(in, self), flags[b & 3]);
}

static int64_t call(struct fdom *self, int64_t (*fn)(struct vcpu *, const struct hypercall_args *),
		    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hypercall_args args = { { a0, a1, a2, a3, 0, 0 } };
	struct vcpu *v = &self->d->vcpus[0];
	int64_t rc;

	/* A preempted batch is re-issued with its rest, as the guest would. */
	while ((rc = fn(v, &args)) == HYPERCALL_CONTINUE) {
		memcpy(args.a, v->pv.cont_args, sizeof(args.a));
	}
	return rc;
}

static uint64_t l1_maddr(const struct fdom *self, unsigned int slot)
{
	return (mfn_x(self->pool[3]) << PAGE_SHIFT) + slot * 8ULL;
}

/* Where a map or unmap points: a va of the L1 (slot << 12), a PTE address. */
static uint64_t pick_host(struct input *in, const struct fdom *self, bool *by_pte)
{
	uint8_t b = u8(in);
	unsigned int slot = 4 + (u8(in) % 12);

	*by_pte = (b & 0xc0) == 0x40;
	if (b < 0x40) {
		return (uint64_t)slot << PAGE_SHIFT;
	}
	if (b < 0x80) {
		return l1_maddr(self, slot);
	}
	if (b < 0xc0) {
		return (mfn_x(pick_frame(in, self)) << PAGE_SHIFT) + (u16(in) & 0xfff);
	}
	return ((uint64_t)u32(in) << 16) | u16(in);
}

static void op_write_entry(struct input *in, struct fdom *self)
{
	static const uint16_t flags[] = { GTF_permit_access, GTF_permit_access | GTF_readonly,
					  GTF_invalid, GTF_permit_access | GTF_sub_page };
	mfn_t gf = gnttab_frame(self->d, u8(in) & 1);
	struct grant_entry_v1 *e;
	uint8_t b = u8(in);

	if (mfn_x(gf) == INVALID_MFN_RAW) {
		return;
	}
	e = (struct grant_entry_v1 *)arch_frame_map(gf) + (b & 15);
	if (b & 0x80) {
		/* Anything at all: the granter owns these bytes. */
		((uint64_t *)arch_frame_map(gf))[u16(in) & 511] = (uint64_t)u32(in) << 32 | u32(in);
		return;
	}
	e->frame = (uint32_t)mfn_x(pick_frame(in, self));
	e->domid = pick_domid(in);
	e->flags = (uint16_t)(flags[(b >> 4) & 3] | (b & 0x40 ? (u8(in) & 0x18) : 0));
}

static void op_map(struct input *in, struct fdom *self)
{
	struct gnttab_map_grant_ref op;
	uint8_t f = u8(in);
	bool by_pte;

	memset(&op, 0, sizeof(op));
	op.dom = pick_domid(in);
	op.ref = (f & 0x80) ? u32(in) : (u8(in) & 15);
	op.host_addr = pick_host(in, self, &by_pte);
	op.flags = GNTMAP_host_map;
	if (f & 1) {
		op.flags |= GNTMAP_readonly;
	}
	if (by_pte || (f & 2)) {
		op.flags |= GNTMAP_contains_pte;
	}
	if ((f & 0x1c) == 0x1c) {
		op.flags = u32(in);
	}
	memcpy(gbuf, &op, sizeof(op));
	(void)call(self, do_grant_table_op, GNTTABOP_map_grant_ref, GBUF_VA, 1, 0);
}

static void op_unmap(struct input *in, struct fdom *self)
{
	struct gnttab_unmap_grant_ref op;
	const struct gnttab_maptrack *mt;
	uint8_t b = u8(in);
	bool by_pte;

	memset(&op, 0, sizeof(op));
	op.handle = (b & 0x80) ? u32(in) : (b % (MAPTRACK + 1));
	mt = gnttab_maptrack_get(self->d, op.handle);
	if ((b & 0x40) == 0 && mt != NULL) {
		/* The right address, as a well-behaved mapper gives it. */
		op.host_addr = mt->by_pte ? (mt->l1 << PAGE_SHIFT) + mt->idx * 8ULL
					  : (uint64_t)mt->idx << PAGE_SHIFT;
	} else {
		op.host_addr = pick_host(in, self, &by_pte);
	}
	memcpy(gbuf, &op, sizeof(op));
	(void)call(self, do_grant_table_op, GNTTABOP_unmap_grant_ref, GBUF_VA, 1, 0);
}

static void pick_copy_ptr(struct input *in, const struct fdom *self, struct gnttab_copy_ptr *p,
			  bool *gref)
{
	uint8_t b = u8(in);

	*gref = b & 1;
	p->domid = (b & 2) ? DOMID_SELF : pick_domid(in);
	if (*gref) {
		p->u.ref = (b & 4) ? u32(in) : (u8(in) & 15);
	} else {
		p->u.gmfn = mfn_x(pick_frame(in, self));
	}
	p->offset = (b & 8) ? u16(in) : (uint16_t)(u8(in) * 16);
}

static void op_copy(struct input *in, struct fdom *self)
{
	struct gnttab_copy op;
	bool sg, dg;

	memset(&op, 0, sizeof(op));
	pick_copy_ptr(in, self, &op.source, &sg);
	pick_copy_ptr(in, self, &op.dest, &dg);
	op.len = (u8(in) & 1) ? u16(in) : u8(in);
	op.flags = (uint16_t)((sg ? GNTCOPY_source_gref : 0) | (dg ? GNTCOPY_dest_gref : 0));
	if (u8(in) == 0xff) {
		op.flags = u16(in);
	}
	memcpy(gbuf, &op, sizeof(op));
	(void)call(self, do_grant_table_op, GNTTABOP_copy, GBUF_VA, 1, 0);
}

static void op_setup(struct input *in, struct fdom *self)
{
	struct gnttab_setup_table op;
	uint8_t b = u8(in);

	memset(&op, 0, sizeof(op));
	op.dom = (b & 0x80) ? pick_domid(in) : DOMID_SELF;
	op.nr_frames = b & 3;
	op.frame_list = GBUF_VA + 1024;
	memcpy(gbuf, &op, sizeof(op));
	(void)call(self, do_grant_table_op, GNTTABOP_setup_table, GBUF_VA, 1, 0);
}

/* Page-table writes over the L1's slots, grant PTEs included. */
static void op_pt_write(struct input *in, struct fdom *self)
{
	uint8_t b = u8(in);
	unsigned int slot = 4 + (u8(in) % 12);
	uint64_t val = pick_pte(in, self), old;

	if (b < 100) {
		struct mmu_update req = { l1_maddr(self, slot) | ((b & 1) ? MMU_PT_UPDATE_PRESERVE_AD : 0),
					  val };

		memcpy(gbuf + 2048, &req, sizeof(req));
		(void)call(self, do_mmu_update, GBUF_VA + 2048, 1, 0, DOMID_SELF);
	} else if (b < 180) {
		(void)call(self, do_update_va_mapping, (uint64_t)slot << PAGE_SHIFT, val, b & 1, 0);
	} else {
		struct mm_ptwr w = { .va = (3ULL << PAGE_SHIFT) + slot * 8, .val = val, .bytes = 8,
				     .kind = (enum mm_ptwr_kind)(b % 3), .expected = val };

		if (b & 0x10) {
			w.bytes = 4;
			w.va += (b & 0x20) ? 4 : 0;
		}
		(void)mm_emulate_pt_write(&self->d->vcpus[0], &w, &old);
	}
}

/* The L1 losing its type (unhooked, unpinned) and coming back. */
static void op_l1_type(struct input *in, struct fdom *self)
{
	uint8_t b = u8(in);
	mfn_t l1 = self->pool[4 + (u8(in) % 4)];
	struct mmuext_op ext;

	switch (b & 3) {
	case 0: {
		struct mmu_update req = { (mfn_x(self->pool[2]) << PAGE_SHIFT), (b & 4) ? 0 : self->l2e };

		memcpy(gbuf + 2048, &req, sizeof(req));
		(void)call(self, do_mmu_update, GBUF_VA + 2048, 1, 0, DOMID_SELF);
		break;
	}
	case 1:
	case 2:
		memset(&ext, 0, sizeof(ext));
		ext.cmd = (b & 3) == 1 ? MMUEXT_PIN_L1_TABLE : MMUEXT_UNPIN_TABLE;
		ext.arg1.mfn = mfn_x((b & 4) ? self->pool[3] : l1);
		memcpy(gbuf + 2048, &ext, sizeof(ext));
		(void)call(self, do_mmuext_op, GBUF_VA + 2048, 1, 0, DOMID_SELF);
		break;
	default:
		/* Nothing: grant PTEs reach a pinned spare L1 through map's
		 * contains_pte addresses (pick_host). */
		break;
	}
}

static void op_revoke(struct input *in, struct fdom *self)
{
	gnttab_revoke_mapping(self->d, u8(in) % (MAPTRACK + 1));
}

static void kill(struct fdom *self)
{
	struct domain *d = self->d;

	d->state = DOM_DYING;
	/* domain_reap's order, vCPU-less. */
	gnttab_domain_destroy(d);
	mm_domain_teardown(d);
	domain_free_unstarted(d);
	self->d = NULL;
}

static void make_dom(struct fdom *fd)
{
	struct domain *d = fuzz_mm_domain("g", fd->pool, POOL);
	uint64_t *l1;

	if (d == NULL) {
		die("setup", "no domain slot");
	}
	fd->d = d;
	fd->id = d->id;
	if (gnttab_domain_init(d, 2, MAPTRACK) != 0) {
		die("setup", "grant table");
	}
	fd->l2e = fuzz_mm_link_tree(fd->pool, TABLE_FLAGS);
	l1 = arch_frame_map(fd->pool[3]);
	l1[3] = pte_make(fd->pool[3], _PAGE_PRESENT | _PAGE_USER);
	l1[4] = pte_make(fd->pool[8], TABLE_FLAGS);
	d->mm.vm_assist |= 1ULL << VMASST_TYPE_writable_pagetables;
	if (mm_adopt_bootstrap_tables(d, fd->pool[0]) != 0) {
		die("setup", "the standard tree was refused");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int ops = 0;

	fuzz_mm_world_boot(NR_FRAMES, HV_FRAMES, GBUF_VA, gbuf, sizeof(gbuf));
	if (xsm_init(XSM_MODULE_DUMMY) != 0) {
		die("setup", "xsm");
	}
	free_at_start = frame_free_count();
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		make_dom(&doms[i]);
	}
	check_all("setup");
	while (in.left > 0 && ops++ < MAX_OPS) {
		uint8_t op = u8(&in);
		struct fdom *self = &doms[(op >> 4) % NR_DOMS];

		if (self->d == NULL) {
			continue;
		}
		switch (op & 15) {
		case 0:
		case 1:
		case 2:
			op_write_entry(&in, self);
			break;
		case 3:
		case 4:
		case 5:
			op_map(&in, self);
			break;
		case 6:
		case 7:
			op_unmap(&in, self);
			break;
		case 8:
		case 9:
			op_copy(&in, self);
			break;
		case 10:
			op_setup(&in, self);
			break;
		case 11:
		case 12:
			op_pt_write(&in, self);
			break;
		case 13:
			op_l1_type(&in, self);
			break;
		case 14:
			op_revoke(&in, self);
			break;
		default:
			if (u8(&in) < 32) {
				kill(self);
			}
			break;
		}
		check_all("step");
	}
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		if (doms[i].d != NULL) {
			kill(&doms[i]);
			check_all("death");
		}
	}
	if (frame_free_count() != free_at_start) {
		die("end", "frames leaked");
	}
	fake_machine_fini();
	return 0;
}
