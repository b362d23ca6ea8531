/*
 * hcfuzz_mm.c: calls of the memory families: mmu_update, mmuext_op,
 * update_va_mapping, set_gdt, update_descriptor, memory_op.
 *
 * What keeps the fuzzer alive here: a PTE is only ever written into the
 * scratch region's own tables, scratch frames (which a random pin may have
 * made tables) or frames the hypervisor must refuse; it only ever maps a
 * frame of HF_M_PTE (never one we live on); a new kernel root is only ever
 * the current one or a frame that cannot be a root; frames given back are
 * scratch frames; unpin never names a table we run on.
 */
#include "hcfuzz.h"

/* A link to a lower table: a scratch frame (it becomes that table if it
 * validates), the scratch region's own tables, or frames to refuse. */
static uint64_t link_value(void)
{
	uint64_t flags = hf_below(4) ? PTE_LINK : hf_rand() & 0xfffULL;

	return ((hf_mfn(HF_M_SCRATCH | HF_M_TREE | HF_M_FOREIGN |
			HF_M_RANDOM) << 12) & PTE_ADDR) | flags;
}

/* One PTE write: the machine address of the slot (without the command)
 * and the value. Mostly the scratch region's tables, so real mappings and
 * real trees of scratch frames get built and torn down. */
static void pt_write(uint64_t *ptr, uint64_t *val)
{
	uint64_t table;
	unsigned int idx = (unsigned int)hf_below(512);

	switch (hf_below(20)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		table = hf.scr_tree[2];		/* the scratch L1: maps scratch pages */
		*val = hf_pte(HF_M_PTE);
		break;
	case 8: case 9: case 10:
		table = hf.scr_tree[1];		/* the scratch L2: its entry 0 is the L1 */
		idx = 1 + (unsigned int)hf_below(511);
		*val = link_value();
		break;
	case 11: case 12:
		table = hf.scr_tree[0];		/* the scratch L3: its entry 0 is the L2 */
		idx = 1 + (unsigned int)hf_below(511);
		*val = link_value();
		break;
	case 13: case 14: case 15:
		table = hf_mfn(HF_M_SCRATCH);	/* a random pin may have typed it */
		*val = hf_below(2) ? hf_pte(HF_M_PTE) : link_value();
		break;
	case 16:
		table = hf.scr_tree[hf_below(3)];	/* any entry, the links included */
		*val = hf_pte(HF_M_PTE);
		break;
	default:
		table = hf_mfn(HF_M_FOREIGN | HF_M_RANDOM | HF_M_EDGE | HF_M_SINK);
		*val = hf_pte(HF_M_PTE);
		break;
	}
	*ptr = (table << 12) + idx * 8ULL;
}

static uint64_t pfn_value(void)
{
	uint64_t pages = rt_start_info->nr_pages;

	return hf_below(4) ? hf_below(pages * 2 + 1) : hf_edge64();
}

static uint64_t done_ptr(void)
{
	if (hf_one_in(3)) {
		return 0;
	}
	return hf_ptr(hf_alloc(4), 4, HF_P_RO | HF_P_SINK | HF_P_SCRATCH);
}

static domid_t foreigndom(void)
{
	return hf_below(8) ? DOMID_SELF : hf_domid();
}

void hf_gen_mmu_update(struct hf_call *c, bool in_mc)
{
	uint32_t n = 1 + (uint32_t)hf_below(hf_one_in(4) ? 16 : 4), count;
	struct mmu_update *req = hf_batch(n, sizeof(*req), &count);

	(void)in_mc;
	c->nr = __HYPERVISOR_mmu_update;
	for (uint32_t i = 0; req != NULL && i < n; i++) {
		uint64_t cmd = hf_below(8) ? MMU_NORMAL_PT_UPDATE : hf_below(8);

		if (cmd == MMU_MACHPHYS_UPDATE) {
			req[i].ptr = (hf_mfn(HF_M_DST) << 12) + hf_below(RT_PAGE_SIZE);
			req[i].val = pfn_value();
		} else {
			pt_write(&req[i].ptr, &req[i].val);
		}
		req[i].ptr = (req[i].ptr & ~7ULL) | cmd;
	}
	c->a[0] = req ? hf_ptr(req, n * sizeof(*req), HF_P_RO) : hf_bad_ptr(16);
	c->a[1] = count;
	c->a[2] = done_ptr();
	c->a[3] = foreigndom();
}

/* One mmuext_op; the command's argument from a safe class. */
static void mmuext_one(struct mmuext_op *op)
{
	static const uint32_t cmds[] = {
		MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE,
		MMUEXT_UNPIN_TABLE, MMUEXT_NEW_BASEPTR, MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_INVLPG_LOCAL,
		MMUEXT_TLB_FLUSH_MULTI, MMUEXT_INVLPG_MULTI, MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL,
		MMUEXT_FLUSH_CACHE, MMUEXT_SET_LDT, MMUEXT_NEW_USER_BASEPTR, MMUEXT_CLEAR_PAGE,
		MMUEXT_COPY_PAGE, MMUEXT_FLUSH_CACHE_GLOBAL, MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER,
	};
	uint32_t cmd = hf_below(16) ? cmds[hf_below(ARRAY_SIZE(cmds))] : hf_edge32();
	uint64_t *mask;

	op->cmd = cmd;
	op->pad = hf_one_in(8) ? (uint32_t)hf_rand() : 0;
	switch (cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		/* Pinning a table we run on only adds a reference. */
		op->arg1.mfn = hf_mfn(HF_M_DST | HF_M_LIVEPT | HF_M_GNT | HF_M_SHINFO);
		break;
	case MMUEXT_UNPIN_TABLE:
	case MMUEXT_CLEAR_PAGE:
	case MMUEXT_MARK_SUPER:
	case MMUEXT_UNMARK_SUPER:
		op->arg1.mfn = hf_mfn(HF_M_DST);
		break;
	case MMUEXT_COPY_PAGE:
		op->arg1.mfn = hf_mfn(HF_M_DST);
		op->arg2.src_mfn = hf_mfn(HF_M_DST | HF_M_LIVEPT | HF_M_SHINFO | HF_M_GNT);
		break;
	case MMUEXT_NEW_BASEPTR:
		/* Our own root again, or frames that cannot be a root: never a
		 * scratch frame, which a random pin may have made a valid L4. */
		op->arg1.mfn = hf_below(4) ? hf_mfn(HF_M_LIVEPT | HF_M_FOREIGN | HF_M_EDGE |
						    HF_M_SINK | HF_M_SHINFO | HF_M_GNT)
					   : rt_l4_mfn;
		break;
	case MMUEXT_NEW_USER_BASEPTR:
		/* We never enter user mode, so any user root is harmless. */
		op->arg1.mfn = hf_one_in(4) ? 0 : hf_mfn(HF_M_DST | HF_M_LIVEPT);
		break;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		op->arg1.linear_addr = hf_below(2) ? hf_map_va() : hf_edge64();
		break;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
		op->arg1.linear_addr = hf_map_va();
		mask = hf_alloc(8);
		if (mask != NULL && hf_below(2)) {
			*mask = hf_below(4);
		}
		op->arg2.vcpumask = hf_ptr(mask, 8, HF_P_RO | HF_P_TEXT | HF_P_SCRATCH);
		break;
	case MMUEXT_SET_LDT:
		op->arg1.linear_addr = hf_below(2) ? hf_ptr(NULL, 8, HF_P_SCRATCH | HF_P_RO)
						   : (uint64_t)hf.sink;
		if (hf_below(2)) {
			op->arg1.linear_addr &= ~0xfffULL;
		}
		op->arg2.nr_ents = hf_below(4) ? (uint32_t)hf_below(8200) : hf_edge32();
		break;
	default:
		break;	/* flushes and unknown commands: the random fill stays */
	}
}

void hf_gen_mmuext_op(struct hf_call *c, bool in_mc)
{
	uint32_t n = 1 + (uint32_t)hf_below(4), count;
	struct mmuext_op *op = hf_batch(n, sizeof(*op), &count);

	(void)in_mc;
	c->nr = __HYPERVISOR_mmuext_op;
	for (uint32_t i = 0; op != NULL && i < n; i++) {
		mmuext_one(&op[i]);
	}
	c->a[0] = op ? hf_ptr(op, n * sizeof(*op), HF_P_RO) : hf_bad_ptr(24);
	c->a[1] = count;
	c->a[2] = done_ptr();
	c->a[3] = foreigndom();
}

void hf_gen_update_va_mapping(struct hf_call *c, bool in_mc)
{
	uint64_t flags = hf_below(8);
	uint64_t *mask;

	(void)in_mc;
	c->nr = __HYPERVISOR_update_va_mapping;
	c->a[0] = hf_map_va();
	c->a[1] = hf_one_in(4) ? 0 : hf_pte(HF_M_PTE);
	if (hf_one_in(4)) {
		/* UVMF_MULTI: a vCPU bitmap pointer in the upper bits. */
		mask = hf_alloc(8);
		if (mask != NULL) {
			*mask = hf_below(4);
		}
		flags |= hf_ptr(mask, 8, HF_P_RO | HF_P_TEXT) & ~7ULL;
	} else if (hf_one_in(16)) {
		flags = hf_rand();
	}
	c->a[2] = flags;
}

/* A descriptor: flat code or data of any DPL, a system one, or noise. */
static uint64_t descriptor(void)
{
	static const uint64_t descs[] = {
		0x00affa000000ffffULL,	/* 64-bit code, DPL 3 */
		0x00cff2000000ffffULL,	/* data, DPL 3 */
		0x00af9a000000ffffULL,	/* 64-bit code, DPL 0 */
		0x00cf92000000ffffULL,	/* data, DPL 0 */
		0x00cffa000000ffffULL,	/* 32-bit code, DPL 3 */
		0x0000e90000000067ULL,	/* a TSS */
		0x0000ec0000000000ULL,	/* a call gate, DPL 3 */
		0x0000e20000000000ULL,	/* an LDT */
		0,
	};
	uint64_t d;

	if (hf_one_in(4)) {
		return hf_rand();
	}
	d = descs[hf_below(ARRAY_SIZE(descs))];
	if (hf_one_in(4)) {
		d ^= 1ULL << hf_below(64);
	}
	return d;
}

/* Fill a scratch frame through a window before it is offered as a GDT
 * frame (fails quietly when the frame is typed and cannot be mapped). */
static void fill_frame(uint64_t mfn)
{
	uint64_t va = rt_window(RT_WIN_TEST + 2);
	uint64_t *p = (uint64_t *)va;
	unsigned int kind = (unsigned int)hf_below(3);

	if (rt_map(va, mfn, PTE_DATA) != 0) {
		return;
	}
	for (unsigned int i = 0; i < 512; i++) {
		p[i] = kind == 0 ? 0 : kind == 1 ? descriptor() : hf_rand();
	}
	rt_unmap(va);
}

void hf_gen_set_gdt(struct hf_call *c, bool in_mc)
{
	uint32_t n = 1 + (uint32_t)hf_below(14);
	uint64_t *frames = hf_alloc(n * 8);

	c->nr = __HYPERVISOR_set_gdt;
	for (uint32_t i = 0; frames != NULL && i < n; i++) {
		frames[i] = hf_mfn(HF_M_DST | HF_M_LIVEPT | HF_M_GNT | HF_M_SHINFO);
		if (!in_mc && i == 0 && hf_one_in(4)) {
			frames[i] = hf_mfn(HF_M_SCRATCH);
			fill_frame(frames[i]);
		}
	}
	c->a[0] = hf_ptr(frames, n * 8, HF_P_RO | HF_P_TEXT | HF_P_SCRATCH);
	switch (hf_below(4)) {
	case 0:
		c->a[1] = 0;	/* no GDT of its own */
		break;
	case 1:
		c->a[1] = hf_edge64();
		break;
	default:
		c->a[1] = 1 + hf_below(n * 512);
		break;
	}
}

void hf_gen_update_descriptor(struct hf_call *c, bool in_mc)
{
	uint64_t off = hf_below(8) ? hf_below(512) * 8 : hf_below(RT_PAGE_SIZE);

	(void)in_mc;
	c->nr = __HYPERVISOR_update_descriptor;
	/* Never shared_info or the grant table: a descriptor written there
	 * would scramble our vCPU time or forge grants of our own frames. */
	c->a[0] = hf_one_in(16) ? hf_rand() : (hf_mfn(HF_M_DST | HF_M_LIVEPT) << 12) + off;
	c->a[1] = descriptor();
}

/* The extents of a reservation call: frames to give back, holes to fill. */
static void reservation(struct hf_call *c, uint32_t cmd)
{
	struct xen_memory_reservation *r = hf_alloc(sizeof(*r));
	uint32_t n = 1 + (uint32_t)hf_below(hf_one_in(4) ? 32 : 3), count;
	uint64_t *ext = hf_batch(n, 8, &count);

	for (uint32_t i = 0; ext != NULL && i < n; i++) {
		if (cmd == XENMEM_decrease_reservation) {
			/* Only scratch frames are ours to give back. */
			ext[i] = hf_mfn(HF_M_SCRATCH | HF_M_FOREIGN | HF_M_RANDOM | HF_M_EDGE);
		} else {
			ext[i] = pfn_value();
		}
	}
	if (r == NULL) {
		c->a[1] = hf_bad_ptr(32);
		return;
	}
	r->extent_start = ext ? hf_ptr(ext, n * 8, HF_P_RO) : hf_bad_ptr(8);
	/* Past the entries built only on a tail page (count already is). */
	r->nr_extents = count > n || hf_below(16) ? count : n;
	r->extent_order = hf_below(8) ? 0 : hf_edge32();
	r->mem_flags = hf_below(4) ? 0 : (uint32_t)hf_rand();
	r->domid = hf_below(4) ? DOMID_SELF : hf_domid();
	c->a[1] = hf_ptr(r, sizeof(*r), HF_P_RO);
	if (c->a[1] == (uint64_t)r && r->extent_start == (uint64_t)ext && ext != NULL) {
		c->post = cmd == XENMEM_decrease_reservation ? HF_POST_DECREASE : HF_POST_POPULATE;
		c->post_arg = (uint64_t)ext;
	}
}

void hf_gen_memory_op(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_subop(13);
	struct xen_memory_map *map;
	domid_t *dom;

	(void)in_mc;
	c->nr = __HYPERVISOR_memory_op;
	c->a[0] = cmd;
	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		reservation(c, cmd);
		break;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		dom = hf_alloc(sizeof(*dom));
		if (dom != NULL) {
			*dom = hf_domid();
		}
		c->a[1] = hf_ptr(dom, sizeof(*dom), HF_P_RO | HF_P_TEXT | HF_P_SCRATCH);
		break;
	case XENMEM_memory_map:
	case XENMEM_machine_memory_map:
		map = hf_alloc(sizeof(*map));
		if (map != NULL) {
			void *buf = hf_alloc(20 * 8);

			map->nr_entries = hf_below(4) ? (uint32_t)hf_below(8) : hf_edge32();
			map->buffer = hf_ptr(buf, 20 * 8, HF_P_RO | HF_P_SINK | HF_P_SCRATCH);
		}
		c->a[1] = hf_ptr(map, sizeof(*map), HF_P_RO);
		break;
	default:
		c->a[1] = hf_ptr(hf_alloc(64), 64, HF_P_RO | HF_P_SINK | HF_P_SCRATCH);
		break;
	}
	if (hf_one_in(16)) {
		c->a[0] |= hf_rand() << MEMOP_EXTENT_SHIFT;	/* continuation bits */
		c->post = HF_POST_NONE;
	}
}

/*
 * A direct store into the scratch region: a plain, partial, exchanging or
 * compare-exchanging write (one instruction under RT_TRY). Where a scratch
 * page maps one of our page tables read-only, the hypervisor emulates the
 * store as a PTE update (writable page tables) and validates it; a page
 * mapped read-write takes it; anything else faults and RT_TRY resumes. The
 * value is a PTE of HF_M_PTE or a link, like mmu_update's.
 */
void hf_gen_ptwrite(struct hf_call *c)
{
	uint64_t va = HF_SCR_VA + hf_below(HF_SCR_PAGES) * RT_PAGE_SIZE;

	c->nr = HF_NR_PTWRITE;
	c->a[0] = va + (hf_below(8) ? hf_below(512) * 8 : hf_below(RT_PAGE_SIZE));
	c->a[1] = hf_below(4) ? hf_pte(HF_M_PTE) : link_value();
	c->a[2] = hf_below(6);		/* the instruction */
	c->a[3] = hf_below(2) ? 0 : hf_pte(HF_M_PTE);	/* cmpxchg's expected value */
}

/* 0: stored; 1: it faulted (and RT_TRY resumed after it). */
long hf_ptwrite(const struct hf_call *c)
{
	volatile uint64_t *p = (volatile uint64_t *)c->a[0];
	uint64_t v = c->a[1], old = c->a[3];
	unsigned int traps = rt_last_trap.count;

	switch (c->a[2]) {
	case 0:
		__asm__ volatile(RT_TRY("movq %1, %0") : "=m"(*p) : "r"(v) : "memory");
		break;
	case 1:
		__asm__ volatile(RT_TRY("movl %k1, %0") : "=m"(*p) : "r"(v) : "memory");
		break;
	case 2:
		__asm__ volatile(RT_TRY("movb %b1, %0") : "=m"(*p) : "q"(v) : "memory");
		break;
	case 3:
		__asm__ volatile(RT_TRY("xchgq %1, %0") : "+m"(*p), "+r"(v) : : "memory");
		break;
	case 4:
		__asm__ volatile(RT_TRY("lock cmpxchgq %2, %0")
				 : "+m"(*p), "+a"(old)
				 : "r"(v)
				 : "memory", "cc");
		break;
	default:
		__asm__ volatile(RT_TRY("lock orq %1, %0") : "+m"(*p) : "r"(v) : "memory", "cc");
		break;
	}
	return rt_last_trap.count != traps;
}
