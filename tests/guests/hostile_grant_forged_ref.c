/*
 * hostile_grant_forged_ref: maps and copies grant references nobody gave it.
 * The target (target=, default 1: the bystander) never granted it anything:
 *   refs 0 and 1 (the reserved console/xenstore grants, for the backend),
 *     refs 2..63 (never granted): GNTST_general_error;
 *   refs past the table (512 * grant_frames, 1<<20, 0xffffffff):
 *     GNTST_bad_gntref;
 *   the same refs through GNTTABOP_copy: the same statuses;
 *   DOMID_SELF as the granter (Xen looks the granter up by id only, so
 *     even its own refs this way): GNTST_bad_domain;
 *   a domain that does not exist (99) or a reserved id (DOMID_XEN, DOMID_IO):
 *     GNTST_bad_domain (any refusal for the reserved ids);
 *   malformed requests on a valid-looking ref: no GNTMAP_host_map nor
 *     device_map (Xen: GNTST_bad_gntref), GNTMAP_contains_pte with a forged
 *     PTE address, a host_addr in the hypervisor range or non-canonical:
 *     refused.
 * Afterwards the window it aimed at is still unmapped and no handle exists
 * (unmap of handles 0..15 is GNTST_bad_handle).
 *
 * Keys: name; target (default 1); frames (the target's grant_frames,
 * default 1: refs past 512 * frames are past its table).
 * Pure Xen PV64 ABI.
 */
#include "hostile.h"
#include "grant.h"

const char guest_image[] = "hostile_grant_forged_ref";

static unsigned int tried, wrong;

static void want_map(const char *what, domid_t dom, grant_ref_t ref, uint32_t flags,
		     uint64_t va, bool exact, int16_t want)
{
	grant_handle_t h = ~0u;
	long rc;
	int16_t st = rt_gnt_map(va, dom, ref, flags, &h, &rc);
	bool ok = rc == 0 && (exact ? st == want : st < 0);

	tried++;
	if (st == GNTST_okay && rc == 0) {
		rt_gnt_unmap(va, h, NULL);
	}
	if (!ok && wrong++ < 8) {
		rt_printf("%s: %s d%u ref 0x%x flags 0x%x: rc %ld status %d (%s), want %s%d\n",
			  rt_guest_name, what, dom, ref, flags, rc, st, rt_gntst_name(st),
			  exact ? "" : "<0, e.g. ", want);
	}
}

static void want_copy(const char *what, domid_t dom, grant_ref_t ref, uint64_t local_mfn,
		      int16_t want)
{
	struct gnttab_copy op = { 0 };
	long rc;
	int16_t st;

	op.source.u.ref = ref;
	op.source.domid = dom;
	op.dest.u.gmfn = local_mfn;
	op.dest.domid = DOMID_SELF;
	op.len = 64;
	op.flags = GNTCOPY_source_gref;
	st = rt_gnt_copy(&op, &rc);
	tried++;
	if (!(rc == 0 && st == want) && wrong++ < 8) {
		rt_printf("%s: %s d%u ref 0x%x: rc %ld status %d (%s), want %d\n", rt_guest_name,
			  what, dom, ref, rc, st, rt_gntst_name(st), want);
	}
}

void guest_main(void)
{
	domid_t target = (domid_t)cmdline_get_u64("target", 1);
	uint64_t frames = cmdline_get_u64("frames", 1);
	uint64_t va = rt_window(RT_WIN_TEST + 1), pfn, mfn, before;
	grant_ref_t past[] = { (grant_ref_t)(512 * frames), 1u << 20, 0xffffffffu };
	unsigned int bad_handles = 0;

	rt_traps_init();
	rt_unmap(va);	/* a window may still map a bootstrap page */
	pfn = rt_frame_alloc();
	mfn = rt_pfn_to_mfn(pfn);
	rt_map(rt_window(RT_WIN_TEST + 2), mfn, PTE_DATA);
	memset((void *)rt_window(RT_WIN_TEST + 2), 0xc3, RT_PAGE_SIZE);
	before = ((const uint64_t *)rt_window(RT_WIN_TEST + 2))[0];

	for (grant_ref_t r = 0; r < 64; r++) {
		want_map("never granted", target, r, GNTMAP_host_map, va, true, GNTST_general_error);
		want_map("never granted (ro)", target, r, GNTMAP_host_map | GNTMAP_readonly, va, true,
			 GNTST_general_error);
		want_copy("copy never granted", target, r, mfn, GNTST_general_error);
	}
	test_check(wrong == 0, "never_granted", "%u attempts on refs 0..63 of d%u, %u wrong",
		   tried, target, wrong);
	tried = wrong = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(past); i++) {
		want_map("past the table", target, past[i], GNTMAP_host_map, va, true, GNTST_bad_gntref);
		want_copy("copy past the table", target, past[i], mfn, GNTST_bad_gntref);
	}
	test_check(wrong == 0, "past_table", "%u attempts past d%u's table, %u wrong", tried, target,
		   wrong);
	tried = wrong = 0;
	if (rt_gnt_init(RT_WIN_TEST + 3) == 0) {
		uint64_t lo, hi;

		own_mfn_range(&lo, &hi);
		rt_printf("%s: owns frames 0x%lx-0x%lx, its grant table is mfn 0x%lx\n",
			  rt_guest_name, (unsigned long)lo, (unsigned long)hi,
			  (unsigned long)rt_va_to_mfn(rt_window(RT_WIN_TEST + 3)));
	}
	for (grant_ref_t r = 2; r < 16; r++) {
		want_map("DOMID_SELF", DOMID_SELF, r, GNTMAP_host_map, va, true, GNTST_bad_domain);
	}
	test_check(wrong == 0, "domid_self", "%u attempts with DOMID_SELF, %u wrong", tried, wrong);
	tried = wrong = 0;
	want_map("no such domain", 99, 8, GNTMAP_host_map, va, true, GNTST_bad_domain);
	want_copy("copy no such domain", 99, 8, mfn, GNTST_bad_domain);
	want_map("DOMID_XEN", DOMID_XEN, 0, GNTMAP_host_map, va, false, GNTST_bad_domain);
	want_map("DOMID_IO", DOMID_IO, 0, GNTMAP_host_map, va, false, GNTST_bad_domain);
	test_check(wrong == 0, "bad_domain", "%u attempts on absent/reserved domains, %u wrong",
		   tried, wrong);
	tried = wrong = 0;
	want_map("no map flags", target, 8, 0, va, true, GNTST_bad_gntref);
	want_map("device_map only", target, 8, GNTMAP_device_map, va, false, GNTST_general_error);
	want_map("contains_pte forged", target, 8, GNTMAP_host_map | GNTMAP_contains_pte,
		 rt_pte_maddr(rt_window(RT_WIN_VIEW), 1), false, GNTST_general_error);
	want_map("hypervisor VA", target, 8, GNTMAP_host_map, HV_START, false, GNTST_general_error);
	want_map("non-canonical VA", target, 8, GNTMAP_host_map, 0x0000800000000000ULL, false,
		 GNTST_general_error);
	test_check(wrong == 0, "malformed", "%u malformed requests, %u not refused", tried, wrong);

	test_check(rt_va_to_mfn(va) == ~0ULL, "window_unmapped", "VA 0x%lx maps nothing",
		   (unsigned long)va);
	for (grant_handle_t h = 0; h < 16; h++) {
		long rc;
		int16_t st = rt_gnt_unmap(va, h, &rc);

		bad_handles += rc == 0 && st == GNTST_bad_handle;
	}
	test_check(bad_handles == 16, "no_handles", "%u of 16 unmaps GNTST_bad_handle", bad_handles);
	test_check(((const uint64_t *)rt_window(RT_WIN_TEST + 2))[0] == before, "local_unchanged",
		   "the copy destination was never written");
}
