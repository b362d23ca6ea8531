/*
 * ldt: the PV LDT of a 64-bit guest (MMUEXT_SET_LDT, linear address and
 * number of entries). A frame of descriptors mapped read-only becomes the
 * LDT; data selectors with TI set load from it into %es, %ds and %fs (the
 * base of a descriptor becomes the FS base); a not-present entry gives #NP,
 * entry 0 and an index past nr_ents give #GP, each with the selector as
 * error code. While the LDT is in use its frame cannot be mapped writable
 * (update_va_mapping, mmu_update); a frame mapped writable elsewhere, an
 * unmapped second page, a page holding a system descriptor or a call gate to
 * the hypervisor's CS are not used as LDT pages: the selector load gets a
 * #PF at the LDT's linear address. SET_LDT with a misaligned address, more
 * than 8192 entries, or an address in the hypervisor's range or
 * non-canonical: -EINVAL, and the LDT in use is kept. nr_ents 0 drops the
 * LDT (a selector then gives #GP) and frees the frame for writable use.
 *
 * Keys: name. Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "time.h"
#include "traps.h"

const char guest_image[] = "ldt";

/* LDTs live in a fresh area (L4 slot 402); each test LDT has its own 64 KiB
 * there, the main one with its second page left unmapped at first. */
#define LDT_VA   0xffffc90000000000ULL
#define LDT2_VA  (LDT_VA + RT_PAGE_SIZE)	/* second page of the main LDT */
#define SYS_VA   (LDT_VA + 0x10000)		/* a page with a TSS descriptor */
#define GATE_VA  (LDT_VA + 0x20000)		/* a page with a call gate to ring 0 */
#define DPL0_VA  (LDT_VA + 0x30000)		/* a page with a DPL-0 data segment */
/* A low page the base of LDT entry 2 points at (a descriptor base is 32-bit). */
#define DATA_VA  0x400000ULL
#define PATTERN(n) (0x6c6474000000000ULL + (n))

#define NR_ENTS 4		/* entries 0-3 of the main LDT */
#define SEL(index) ((uint16_t)(((index) << 3) | 4 | 3))	/* TI = LDT, RPL 3 */
#define ERR(index) ((uint64_t)(((index) << 3) | 4))		/* error code: TI, no RPL */

#define HV_CS 0xe008		/* Xen's (and Moat's) ring-0 code selector */

/* A legacy code/data descriptor: access byte (P, DPL, S, type) and the
 * flags nibble (G, D/B, L, AVL). */
static uint64_t desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (limit & 0xffffULL) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)access << 40) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)(flags & 0xf) << 52) | ((uint64_t)(base >> 24) << 56);
}

#define DESC_FLAT_DATA   0x00cff2000000ffffULL	/* base 0, 4 GiB, RW data, DPL 3 */
#define DESC_NOT_PRESENT 0x00cf72000000ffffULL	/* the same, P clear */
#define DESC_DPL0_DATA   0x00cf92000000ffffULL	/* the same, DPL 0 */
#define DESC_ACCESSED    (1ULL << 40)		/* type bit 0, set by the CPU on load */

static volatile uint64_t probe = PATTERN(77);	/* read through %es / %ds */
volatile uint8_t ldt_gate_reached;	/* set if a call gate ever ran our code */

/* A frame of ours mapped nowhere, filled with ents (n of them, rest zero). */
static uint64_t frame_with(const uint64_t *ents, unsigned int n)
{
	uint64_t pfn = rt_frame_alloc();
	uint64_t mfn, va = rt_window(RT_WIN_SCRATCH);
	volatile uint64_t *p = (volatile uint64_t *)va;

	if (!pfn) {
		return 0;
	}
	mfn = rt_pfn_to_mfn(pfn);
	if (rt_map(va, mfn, PTE_DATA) != 0) {
		return 0;
	}
	for (unsigned int i = 0; i < 512; i++) {
		p[i] = i < n ? ents[i] : 0;
	}
	rt_unmap(va);
	return mfn;
}

static long set_ldt(uint64_t va, unsigned int ents)
{
	struct mmuext_op op = {
		.cmd = MMUEXT_SET_LDT, .arg1.linear_addr = va, .arg2.nr_ents = ents,
	};

	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* What a selector load did. */
struct load {
	bool ok;		/* no trap */
	unsigned int vector;
	uint64_t err, cr2;
	uint16_t seen;		/* the register read back right after the load */
	uint64_t value;		/* what the read through the segment gave (ok only) */
};

static struct load result(uint16_t seen, uint64_t value)
{
	struct load l = {
		.ok = rt_last_trap.count == 0, .vector = rt_last_trap.vector,
		.err = rt_last_trap.error_code, .cr2 = rt_last_trap.cr2, .seen = seen,
		.value = value,
	};

	return l;
}

/* Load %es with sel, read probe through %es, restore %es. */
static struct load load_es(uint16_t sel)
{
	uint16_t old, seen;
	uint64_t v = ~0ULL;

	rt_trap_reset();
	__asm__ volatile("mov %%es, %w[old]\n\t"
			 RT_TRY("mov %w[sel], %%es")
			 "mov %%es, %w[seen]\n\t"
			 "cmpw %w[seen], %w[sel]\n\t"
			 "jne 3f\n\t"
			 "movq %%es:(%[p]), %[v]\n"
			 "3:\n\t"
			 "mov %w[old], %%es"
			 : [old] "=&r"(old), [seen] "=&r"(seen), [v] "+r"(v)
			 : [sel] "r"(sel), [p] "r"(&probe)
			 : "memory", "cc");
	return result(seen, v);
}

/* The same with %ds. */
static struct load load_ds(uint16_t sel)
{
	uint16_t old, seen;
	uint64_t v = ~0ULL;

	rt_trap_reset();
	__asm__ volatile("mov %%ds, %w[old]\n\t"
			 RT_TRY("mov %w[sel], %%ds")
			 "mov %%ds, %w[seen]\n\t"
			 "cmpw %w[seen], %w[sel]\n\t"
			 "jne 3f\n\t"
			 "movq (%[p]), %[v]\n"
			 "3:\n\t"
			 "mov %w[old], %%ds"
			 : [old] "=&r"(old), [seen] "=&r"(seen), [v] "+r"(v)
			 : [sel] "r"(sel), [p] "r"(&probe)
			 : "memory", "cc");
	return result(seen, v);
}

/* %fs with sel, then a read at %fs:8 (the descriptor's base + 8), then %fs
 * back to its old selector (null: a null %fs). */
static struct load load_fs(uint16_t sel)
{
	uint16_t old, seen;
	uint64_t v = ~0ULL;

	rt_trap_reset();
	__asm__ volatile("mov %%fs, %w[old]\n\t"
			 RT_TRY("mov %w[sel], %%fs")
			 "mov %%fs, %w[seen]\n\t"
			 "cmpw %w[seen], %w[sel]\n\t"
			 "jne 3f\n\t"
			 RT_TRY("movq %%fs:8, %[v]")
			 "3:\n\t"
			 "mov %w[old], %%fs"
			 : [old] "=&r"(old), [seen] "=&r"(seen), [v] "+r"(v)
			 : [sel] "r"(sel)
			 : "memory", "cc");
	return result(seen, v);
}

static const char *how(const struct load *l, char *buf, size_t size)
{
	if (l->ok) {
		rt_snprintf(buf, size, "loaded (read back 0x%x, read 0x%lx)", l->seen,
			    (unsigned long)l->value);
	} else if (l->vector == X86_EXC_PF) {
		rt_snprintf(buf, size, "vector %u err 0x%lx cr2 0x%lx", l->vector,
			    (unsigned long)l->err, (unsigned long)l->cr2);
	} else {
		rt_snprintf(buf, size, "vector %u err 0x%lx", l->vector, (unsigned long)l->err);
	}
	return buf;
}

static bool loads(const struct load *l, uint16_t sel)
{
	return l->ok && l->seen == sel && l->value == probe;
}

static bool faults(const struct load *l, unsigned int vector, uint64_t err)
{
	return !l->ok && l->vector == vector && l->err == err;
}

/* #PF at the LDT's linear address for the descriptor of index (the page is
 * not usable as an LDT page). The error code is the CPU's (a supervisor
 * access to the descriptor table): only the address is checked. */
static bool ldt_pf(const struct load *l, uint64_t base, unsigned int index)
{
	return !l->ok && l->vector == X86_EXC_PF && l->cr2 == base + index * 8;
}

static uint64_t ldt_mfn;		/* the main LDT frame */

static bool setup(void)
{
	uint64_t ents[NR_ENTS] = {
		0,
		DESC_FLAT_DATA,
		desc((uint32_t)DATA_VA, 0xfff, 0xf2, 0x4),	/* base DATA_VA, 4 KiB, DPL 3 */
		DESC_NOT_PRESENT,
	};
	uint64_t data[2] = { PATTERN(1), PATTERN(2) };
	uint64_t data_mfn;
	long rc1, rc2, rc3, rc4;

	rc1 = rt_ensure_l1(LDT_VA);
	rc2 = rt_ensure_l1(DATA_VA);
	ldt_mfn = frame_with(ents, NR_ENTS);
	data_mfn = frame_with(data, 2);
	rc3 = rt_map(LDT_VA, ldt_mfn, PTE_RO);
	rc4 = rt_map(DATA_VA, data_mfn, PTE_RO);
	return test_check(rc1 == 0 && rc2 == 0 && ldt_mfn && data_mfn && rc3 == 0 && rc4 == 0,
			  "setup", "tables %ld/%ld, LDT frame 0x%lx mapped read-only at 0x%lx: %ld, "
			  "data frame at 0x%lx: %ld", rc1, rc2, (unsigned long)ldt_mfn,
			  (unsigned long)LDT_VA, rc3, (unsigned long)DATA_VA, rc4);
}

static void test_loads(void)
{
	char b[96];
	struct load l;
	long rc = set_ldt(LDT_VA, NR_ENTS);

	test_check(rc == 0, "set_ldt", "base 0x%lx, %u entries: rc %ld", (unsigned long)LDT_VA,
		   NR_ENTS, rc);

	l = load_es(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_load_es", "%%es = 0x%x: %s", SEL(1), how(&l, b, sizeof(b)));
	l = load_ds(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_load_ds", "%%ds = 0x%x: %s", SEL(1), how(&l, b, sizeof(b)));
	l = load_fs(SEL(2));
	test_check(l.ok && l.seen == SEL(2) && l.value == PATTERN(2), "ldt_load_fs_base",
		   "%%fs = 0x%x (base 0x%lx), %%fs:8 should be 0x%lx: %s", SEL(2),
		   (unsigned long)DATA_VA, (unsigned long)PATTERN(2), how(&l, b, sizeof(b)));

	l = load_es(SEL(3));
	test_check(faults(&l, X86_EXC_NP, ERR(3)), "ldt_not_present_np",
		   "%%es = 0x%x (P clear): %s, want #NP 0x%lx", SEL(3), how(&l, b, sizeof(b)),
		   (unsigned long)ERR(3));
	l = load_fs(SEL(3));
	test_check(faults(&l, X86_EXC_NP, ERR(3)), "ldt_not_present_np_fs",
		   "%%fs = 0x%x: %s", SEL(3), how(&l, b, sizeof(b)));
	l = load_es(SEL(0));
	test_check(faults(&l, X86_EXC_GP, ERR(0)), "ldt_entry0_gp",
		   "%%es = 0x%x (an empty descriptor, not a null selector): %s", SEL(0),
		   how(&l, b, sizeof(b)));
	l = load_es(SEL(NR_ENTS));
	test_check(faults(&l, X86_EXC_GP, ERR(NR_ENTS)), "ldt_past_limit_gp",
		   "%%es = 0x%x (index %u, nr_ents %u): %s", SEL(NR_ENTS), NR_ENTS, NR_ENTS,
		   how(&l, b, sizeof(b)));
	l = load_ds(SEL(300));
	test_check(faults(&l, X86_EXC_GP, ERR(300)), "ldt_far_past_limit_gp",
		   "%%ds = 0x%x: %s", SEL(300), how(&l, b, sizeof(b)));

	/* Informational: whether the CPU's accessed bit shows in the frame. */
	rt_printf("%s: info: LDT entry 1 read back through the read-only mapping: 0x%lx "
		  "(accessed bit %s)\n", rt_guest_name,
		  (unsigned long)((volatile uint64_t *)LDT_VA)[1],
		  (((volatile uint64_t *)LDT_VA)[1] & DESC_ACCESSED) ? "set" : "clear");
}

/* LDT selectors in %es and %fs (and the FS base from the descriptor) stay
 * across yields and a blocking poll, whatever the hypervisor switches to. */
static void test_across_block(void)
{
	uint16_t old_es, old_fs, es, fs;
	uint64_t v = ~0ULL, deadline;
	evtchn_port_t p = 0;
	long rc1, rc2 = 0, rc3;

	rt_trap_reset();
	__asm__ volatile("mov %%es, %w[oes]\n\t"
			 "mov %%fs, %w[ofs]\n\t"
			 RT_TRY("mov %w[s1], %%es")
			 RT_TRY("mov %w[s2], %%fs")
			 : [oes] "=&r"(old_es), [ofs] "=&r"(old_fs)
			 : [s1] "r"(SEL(1)), [s2] "r"(SEL(2))
			 : "memory");
	for (int i = 0; i < 3; i++) {
		rc2 |= hyp_sched_op(SCHEDOP_yield, NULL);
	}
	rc1 = rt_evtchn_bind_ipi(&p);
	rt_port_mask(p);
	deadline = rt_system_time() + 2000000;
	rc3 = hyp_sched_poll(&p, 1, deadline);
	__asm__ volatile("mov %%es, %w[es]\n\t"
			 "mov %%fs, %w[fs]\n\t"
			 RT_TRY("movq %%fs:8, %[v]")
			 "mov %w[oes], %%es\n\t"
			 "mov %w[ofs], %%fs"
			 : [es] "=&r"(es), [fs] "=&r"(fs), [v] "+r"(v)
			 : [oes] "r"(old_es), [ofs] "r"(old_fs)
			 : "memory");
	if (rc1 == 0) {
		rt_evtchn_close(p);
	}
	test_check(rt_last_trap.count == 0 && es == SEL(1) && fs == SEL(2) && v == PATTERN(2) &&
		   rc2 == 0 && rc3 == 0, "ldt_selectors_across_block",
		   "yields %ld, bind %ld, poll %ld (%ld ns after the deadline); %%es 0x%x %%fs 0x%x, "
		   "%%fs:8 0x%lx, traps %u (vector %u)", rc2, rc1, rc3,
		   (long)(rt_system_time() - deadline), es, fs, (unsigned long)v,
		   rt_last_trap.count, rt_last_trap.vector);
}

/* While the LDT is in use (its page was loaded from), no writable mapping. */
static void test_frame_locked(void)
{
	uint64_t win = rt_window(RT_WIN_TEST);
	uint64_t pte_ma = rt_pte_maddr(LDT_VA, 1);
	struct mmu_update u = { pte_ma | MMU_NORMAL_PT_UPDATE, (ldt_mfn << 12) | PTE_DATA };
	long rc1, rc2, rc3;
	uint64_t e;
	char b[96];
	struct load l;

	rc1 = hyp_update_va_mapping(LDT_VA, (ldt_mfn << 12) | PTE_DATA, UVMF_INVLPG);
	rc2 = rt_map(win, ldt_mfn, PTE_DATA);
	rc3 = pte_ma ? hyp_mmu_update(&u, 1, NULL, DOMID_SELF) : -1;
	e = rt_pte_get(LDT_VA, 1);
	test_check(rc1 < 0 && rc2 < 0 && rc3 < 0 && !(e & PTE_RW), "ldt_frame_not_writable",
		   "writable mapping of the LDT frame in use: in place %ld, elsewhere %ld, "
		   "mmu_update %ld; PTE now 0x%lx", rc1, rc2, rc3, (unsigned long)e);
	if (rc2 == 0) {
		rt_unmap(win);
	}
	rc1 = rt_map(win, ldt_mfn, PTE_RO);
	test_check(rc1 == 0 && ((volatile uint64_t *)win)[3] == DESC_NOT_PRESENT,
		   "ldt_frame_readable",
		   "a second read-only mapping: rc %ld", rc1);
	rt_unmap(win);
	l = load_es(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_still_loads", "%s", how(&l, b, sizeof(b)));
}

static void test_bad_set_ldt(void)
{
	long rc1 = set_ldt(LDT_VA + 8, NR_ENTS);
	long rc2 = set_ldt(LDT_VA, 8193);
	long rc3 = set_ldt(HYPERVISOR_VIRT_START, NR_ENTS);
	long rc4 = set_ldt(0x0000800000000000ULL, NR_ENTS);
	long rc5 = set_ldt(LDT_VA, 8192);
	char b[96];
	struct load l;

	test_check(rc1 == -XEN_EINVAL, "set_ldt_misaligned", "base 0x%lx: rc %ld",
		   (unsigned long)(LDT_VA + 8), rc1);
	test_check(rc2 == -XEN_EINVAL, "set_ldt_too_many", "8193 entries: rc %ld", rc2);
	test_check(rc3 == -XEN_EINVAL && rc4 == -XEN_EINVAL, "set_ldt_bad_address",
		   "hypervisor range: rc %ld, non-canonical: rc %ld", rc3, rc4);
	test_check(rc5 == 0, "set_ldt_8192", "8192 entries: rc %ld", rc5);
	/* 8192 entries at LDT_VA: entry 1 still loads from the same page. */
	l = load_es(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_8192_loads", "%s", how(&l, b, sizeof(b)));
	set_ldt(LDT_VA, NR_ENTS);
	/* The refused calls changed nothing: the 4-entry LDT is in use. */
	set_ldt(LDT_VA + 8, NR_ENTS);
	set_ldt(LDT_VA, 9000);
	l = load_es(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_kept_after_refused", "%s", how(&l, b, sizeof(b)));
	l = load_es(SEL(NR_ENTS));
	test_check(faults(&l, X86_EXC_GP, ERR(NR_ENTS)), "ldt_limit_kept_after_refused",
		   "%s", how(&l, b, sizeof(b)));
}

/* 600 entries: the second page is unmapped, then mapped. */
static void test_second_page(void)
{
	uint64_t ents[1] = { DESC_FLAT_DATA };
	uint64_t mfn2 = frame_with(NULL, 0);
	struct load l;
	char b[96];
	long rc = set_ldt(LDT_VA, 600), rc2;

	/* Entry 512 is the first of the second page. */
	l = load_es(SEL(512));
	test_check(rc == 0 && ldt_pf(&l, LDT_VA, 512), "ldt_second_page_unmapped_pf",
		   "set_ldt 600 entries: rc %ld; %%es = 0x%x: %s, want #PF at 0x%lx", rc, SEL(512),
		   how(&l, b, sizeof(b)), (unsigned long)(LDT_VA + 512 * 8));
	l = load_es(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_first_page_loads", "%s", how(&l, b, sizeof(b)));

	/* Map a page whose entry 0 (LDT entry 512) is a flat data segment. */
	rt_map(rt_window(RT_WIN_SCRATCH), mfn2, PTE_DATA);
	((volatile uint64_t *)rt_window(RT_WIN_SCRATCH))[0] = ents[0];
	rt_unmap(rt_window(RT_WIN_SCRATCH));
	rc2 = rt_map(LDT2_VA, mfn2, PTE_RO);
	l = load_es(SEL(512));
	test_check(rc2 == 0 && loads(&l, SEL(512)), "ldt_second_page_mapped",
		   "map: rc %ld; %%es = 0x%x: %s", rc2, SEL(512), how(&l, b, sizeof(b)));
	set_ldt(LDT_VA, NR_ENTS);
}

/* nr_ents 0 drops the LDT; its frames may then be mapped writable again. */
static void test_drop(void)
{
	uint64_t win = rt_window(RT_WIN_TEST);
	struct load l;
	char b[96];
	long rc = set_ldt(0, 0), rc2;

	l = load_es(SEL(1));
	test_check(rc == 0 && faults(&l, X86_EXC_GP, ERR(1)), "set_ldt_zero_gp",
		   "set_ldt 0 entries: rc %ld; %%es = 0x%x: %s", rc, SEL(1), how(&l, b, sizeof(b)));
	rc2 = rt_map(win, ldt_mfn, PTE_DATA);
	test_check(rc2 == 0, "ldt_frame_writable_after_drop", "writable mapping: rc %ld", rc2);

	/* A writable mapping exists: the frame cannot serve as an LDT page. */
	rc = set_ldt(LDT_VA, NR_ENTS);
	l = load_es(SEL(1));
	test_check(rc == 0 && ldt_pf(&l, LDT_VA, 1), "ldt_page_writable_elsewhere_pf",
		   "set_ldt: rc %ld; %%es = 0x%x: %s, want #PF at 0x%lx", rc, SEL(1),
		   how(&l, b, sizeof(b)), (unsigned long)(LDT_VA + 8));
	if (rc2 == 0) {
		rt_unmap(win);
	}
	l = load_es(SEL(1));
	test_check(loads(&l, SEL(1)), "ldt_loads_after_rw_unmapped", "%s", how(&l, b, sizeof(b)));
	set_ldt(0, 0);
	l = load_es(SEL(1));
	test_check(faults(&l, X86_EXC_GP, ERR(1)), "ldt_dropped_again", "%s",
		   how(&l, b, sizeof(b)));
	/* A misaligned address with 0 entries: the address is ignored. */
	rc = set_ldt(LDT_VA + 8, 0);
	test_check(rc == 0, "set_ldt_zero_any_address", "rc %ld", rc);
}

/* Pages Xen refuses as LDT pages: a system descriptor, a call gate to
 * ring 0. A selector load from them gets #PF at the LDT address. */
static void test_bad_pages(void)
{
	uint64_t tss[4] = {
		0, DESC_FLAT_DATA,
		/* 64-bit available TSS, DPL 3, present: two slots. */
		desc(0x1000, 0x67, 0xe9, 0x0), 0,
	};
	/* 64-bit call gate (16 bytes), DPL 3, to HV_CS at gate_target. */
	extern char ldt_gate_target[];
	uint64_t target = (uint64_t)ldt_gate_target;
	uint64_t gate[4] = {
		0, DESC_FLAT_DATA,
		(target & 0xffff) | ((uint64_t)HV_CS << 16) | (0xecULL << 40) |
			((target >> 16 & 0xffff) << 48),
		target >> 32,
	};
	uint64_t mfn_sys = frame_with(tss, 4), mfn_gate = frame_with(gate, 4);
	struct { uint32_t off; uint16_t sel; } __attribute__((packed)) far = { 0, SEL(2) };
	struct load l;
	char b[96];
	long rc1, rc2;

	rc1 = rt_map(SYS_VA, mfn_sys, PTE_RO);
	rc2 = set_ldt(SYS_VA, 4);
	l = load_es(SEL(1));
	if (l.ok) {
		/* Accepting the page would be safe only if the TSS is unusable. */
		struct load t = load_es(SEL(2));

		test_check(faults(&t, X86_EXC_GP, ERR(2)), "ldt_system_desc_page",
			   "page with a TSS descriptor accepted (data entry loads); %%es = TSS 0x%x: "
			   "%s", SEL(2), how(&t, b, sizeof(b)));
	} else {
		test_check(rc1 == 0 && rc2 == 0 && ldt_pf(&l, SYS_VA, 1), "ldt_system_desc_page",
			   "map %ld, set_ldt %ld; page with a TSS descriptor refused: %s",
			   rc1, rc2, how(&l, b, sizeof(b)));
	}

	rc1 = rt_map(GATE_VA, mfn_gate, PTE_RO);
	rc2 = set_ldt(GATE_VA, 4);
	l = load_es(SEL(1));
	ldt_gate_reached = 0;
	rt_trap_reset();
	__asm__ volatile(RT_TRY("lcall *(%0)") : : "r"(&far) : "memory", "cc");
	test_check(rc1 == 0 && rc2 == 0 && !ldt_gate_reached && rt_last_trap.count == 1 &&
		   (rt_last_trap.vector == X86_EXC_GP || rt_last_trap.vector == X86_EXC_NP ||
		    rt_last_trap.vector == X86_EXC_PF), "ldt_gate_to_ring0",
		   "map %ld, set_ldt %ld; data entry: %s; lcall through the gate: vector %u "
		   "err 0x%lx cr2 0x%lx, reached %u", rc1, rc2, how(&l, b, sizeof(b)),
		   rt_last_trap.vector, (unsigned long)rt_last_trap.error_code,
		   (unsigned long)rt_last_trap.cr2, ldt_gate_reached);
	rt_printf("%s: info: page with a ring-0 call gate: data entry %s\n", rt_guest_name,
		  how(&l, b, sizeof(b)));
	set_ldt(0, 0);
}

/* Informational: a DPL-0 data descriptor (Xen rewrites the DPL to 3 when it
 * validates the page, so the load works). */
static void test_dpl0(void)
{
	uint64_t ents[2] = { 0, DESC_DPL0_DATA };
	uint64_t mfn = frame_with(ents, 2);
	struct load l;
	char b[96];

	rt_map(DPL0_VA, mfn, PTE_RO);
	set_ldt(DPL0_VA, 2);
	l = load_es(SEL(1));
	rt_printf("%s: info: DPL-0 data descriptor 0x%lx: %%es = 0x%x: %s; entry now 0x%lx\n",
		  rt_guest_name, (unsigned long)DESC_DPL0_DATA, SEL(1), how(&l, b, sizeof(b)),
		  (unsigned long)((volatile uint64_t *)DPL0_VA)[1]);
	set_ldt(0, 0);
}

/* Reached only if a call gate ever transferred to it (in ring 0): note it
 * and return to the caller (a far return to the outer privilege level). */
__asm__(".pushsection .text\n"
	".globl ldt_gate_target\n"
	"ldt_gate_target:\n\t"
	"movb $1, ldt_gate_reached(%rip)\n\t"
	"lretq\n"
	".popsection");

void guest_main(void)
{
	long rc = rt_traps_init();

	test_check(rc == 0, "set_trap_table", "rc %ld", rc);
	if (rc || !setup()) {
		return;
	}
	test_loads();
	test_across_block();
	test_frame_locked();
	test_bad_set_ldt();
	test_second_page();
	test_drop();
	test_bad_pages();
	test_dpl0();
}
