/*
 * ipc_copy: GNTTABOP_copy between two domains, the valid cases verified by
 * content and every malformed one refused with Xen's GNTST_* status and
 * without a byte changed on either side.
 *
 * role=granter (d<peer of the copier>): grants five pages of its own to the
 * copier: A (ref 8, read-only, a seeded pattern), B (ref 9, writable,
 * filled with 0x5a), C (ref 10, read-only), D (ref 11, writable but granted
 * to domid `other`, not to the copier), E (ref 13, writable: the copier's
 * report); ref 12 stays invalid. It then waits for the report in E and
 * checks: B holds exactly the copier's 1000 bytes at offset 100 and 0x5a
 * elsewhere, A, C, D are unchanged, no entry is left in use.
 *
 * role=copier: retries a copy from A until the grants exist, then
 *   valid: A -> local (whole page, compared with the pattern); local ->
 *     B+100 (1000 bytes); B+100 -> local2 (read back, compared); len 0.
 *   refused, with the status Xen's gnttab_copy gives:
 *     offset+len past the page (dest 4000+200, source 4095+2, len 4097,
 *       offset 65535+1): GNTST_bad_copy_arg
 *     ref past the table (0xffffffff, 1<<20): GNTST_bad_gntref
 *     ref never granted (12), granted to another domid (11), read-only as
 *       a destination (10, 8): GNTST_general_error
 *     unknown domid (gref): GNTST_bad_domain
 *     a foreign domain's frame without GNTCOPY_*_gref: GNTST_permission_denied
 *     a local frame number we do not own: GNTST_bad_page
 *     our own L4 (a page table) as a destination frame: GNTST_general_error
 *   and after all of them: both local pages and the root unchanged.
 *
 * expect=denied (both roles; a policy without grant comms between them):
 * the copier's copy from A is GNTST_permission_denied and nothing lands in
 * its page; the granter sees no report within `wait` yields and all five
 * pages unchanged.
 *
 * Keys: name; role=granter|copier; peer=<the other domain's id>;
 * other=<domid for the misdirected grant> (default 7); tries (default 3000);
 * expect=pass|denied; wait (granter, denied: default 2000).
 * Pure Xen PV64 ABI; needs two domains, so Moat only.
 */
#include "ipc.h"
#include "hostile.h"
#include "grant_copy.h"

const char guest_image[] = "ipc_copy";

#define REF_A 8u
#define REF_B 9u
#define REF_C 10u
#define REF_D 11u
#define REF_NEVER 12u
#define REF_E 13u
#define SEED_A 0xa11ce5eedULL
#define SEED_L 0x10ca15eedULL
#define B_OFF 100u
#define B_LEN 1000u
#define REPORT_MAGIC 0x5245504f5254ULL	/* "REPORT" */

struct report {
	uint64_t magic;
	uint32_t cases, refused_ok;
};

static void fill(uint8_t *p, uint64_t seed)
{
	for (unsigned int i = 0; i < RT_PAGE_SIZE / 8; i++) {
		((uint64_t *)p)[i] = ipc_mix(seed, i, 0);
	}
}

static uint64_t page_sum(const uint8_t *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < RT_PAGE_SIZE; i++) {
		h = (h ^ p[i]) * 0x100000001b3ULL;
	}
	return h;
}

static uint8_t *new_page(unsigned int slot, uint64_t *mfn)
{
	uint64_t pfn = rt_frame_alloc();

	if (!pfn) {
		return NULL;
	}
	*mfn = rt_pfn_to_mfn(pfn);
	if (rt_map(rt_window(slot), *mfn, PTE_DATA) != 0) {
		return NULL;
	}
	return (uint8_t *)rt_window(slot);
}

/* ---- granter ------------------------------------------------------------ */

static bool denied;

static void granter(domid_t peer, domid_t other, uint64_t wait)
{
	uint8_t *a, *b, *c, *d, *e;
	uint64_t ma, mb, mc, md, me, sum_a, sum_b, sum_c, sum_d, sum_e, i;
	const struct report *rep;
	uint8_t want[RT_PAGE_SIZE];
	long rc = rt_gnt_init(IPC_WIN_GNT);

	if (!test_check(rc == 0, "gnt_setup", "rc %ld", rc)) {
		return;
	}
	a = new_page(RT_WIN_TEST + 1, &ma);
	b = new_page(RT_WIN_TEST + 2, &mb);
	c = new_page(RT_WIN_TEST + 3, &mc);
	d = new_page(RT_WIN_TEST + 4, &md);
	e = new_page(RT_WIN_TEST + 5, &me);
	if (!test_check(a && b && c && d && e, "pages", "five pages mapped")) {
		return;
	}
	fill(a, SEED_A);
	memset(b, 0x5a, RT_PAGE_SIZE);
	fill(c, SEED_A + 1);
	fill(d, SEED_A + 2);
	memset(e, 0, RT_PAGE_SIZE);
	sum_a = page_sum(a);
	sum_b = page_sum(b);
	sum_c = page_sum(c);
	sum_d = page_sum(d);
	sum_e = page_sum(e);
	rt_gnt_grant(REF_A, peer, ma, true);
	rt_gnt_grant(REF_B, peer, mb, false);
	rt_gnt_grant(REF_C, peer, mc, true);
	rt_gnt_grant(REF_D, other, md, false);
	rt_gnt_grant(REF_E, peer, me, false);
	rt_printf("%s: granted A..E (refs 8-11, 13) to d%u (D to d%u)\n", rt_guest_name, peer,
		  other);

	rep = (const struct report *)e;
	if (denied) {
		for (i = 0; i < wait && rep->magic != REPORT_MAGIC; i++) {
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
		test_check(page_sum(a) == sum_a && page_sum(b) == sum_b && page_sum(c) == sum_c &&
			   page_sum(d) == sum_d && page_sum(e) == sum_e, "no_data_crossed",
			   "after %lu yields all five pages unchanged, no report", (unsigned long)i);
		return;
	}
	for (i = 0; i < 200000 && __atomic_load_n(&rep->magic, __ATOMIC_ACQUIRE) != REPORT_MAGIC;
	     i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (!test_check(rep->magic == REPORT_MAGIC, "report", "copier's report after %lu yields",
			(unsigned long)i)) {
		return;
	}
	rt_printf("%s: copier reports %u cases, %u refused as expected\n", rt_guest_name,
		  rep->cases, rep->refused_ok);
	memset(want, 0x5a, sizeof(want));
	{
		uint8_t local[RT_PAGE_SIZE];

		fill(local, SEED_L);
		memcpy(want + B_OFF, local, B_LEN);
	}
	test_check(memcmp(b, want, RT_PAGE_SIZE) == 0, "dest_exact",
		   "B holds the copier's %u bytes at %u and 0x5a elsewhere", B_LEN, B_OFF);
	test_check(page_sum(a) == sum_a && page_sum(c) == sum_c && page_sum(d) == sum_d,
		   "others_unchanged", "A (read-only), C (read-only), D (another domid's) unchanged");
	{
		uint16_t busy = 0;
		grant_ref_t refs[] = { REF_A, REF_B, REF_C, REF_D, REF_NEVER, REF_E };

		for (unsigned int k = 0; k < ARRAY_SIZE(refs); k++) {
			busy |= rt_gnt_flags(refs[k]) & (GTF_reading | GTF_writing);
		}
		test_check(busy == 0, "not_in_use", "no entry left GTF_reading/GTF_writing (0x%x)",
			   busy);
		for (unsigned int k = 0; k < ARRAY_SIZE(refs); k++) {
			rt_gnt_end(refs[k]);
		}
	}
}

/* ---- copier ------------------------------------------------------------- */

static unsigned int cases, refused_ok;

static void expect_status(const char *check, struct gnttab_copy op, int16_t want,
			  const char *what)
{
	long rc;
	int16_t st = rt_gnt_copy(&op, &rc);

	cases++;
	if (test_check(rc == 0 && st == want, check, "%s: rc %ld status %d (%s), want %d (%s)",
		       what, rc, st, rt_gntst_name(st), want, rt_gntst_name(want))) {
		refused_ok += want != GNTST_okay;
	}
}

static void copier(domid_t peer, uint64_t tries)
{
	uint8_t *l1, *l2, want[RT_PAGE_SIZE];
	uint64_t m1, m2, lo, hi, sum1, sum2, i;
	struct gnttab_copy op;
	struct report rep;
	int16_t st = GNTST_general_error;
	long rc = 0;

	l1 = new_page(RT_WIN_TEST + 1, &m1);
	l2 = new_page(RT_WIN_TEST + 2, &m2);
	if (!test_check(l1 && l2, "pages", "two local pages")) {
		return;
	}
	memset(l1, 0, RT_PAGE_SIZE);
	/* Valid: A -> l1, once the granter has granted. */
	for (i = 0; i < tries; i++) {
		op = op_gref_to_frame(peer, REF_A, 0, m1, 0, RT_PAGE_SIZE);
		st = rt_gnt_copy(&op, &rc);
		if (rc != 0 || st == GNTST_okay || (denied && st == GNTST_permission_denied)) {
			break;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	if (denied) {
		bool zero = true;

		for (unsigned int k = 0; k < RT_PAGE_SIZE; k++) {
			zero = zero && l1[k] == 0;
		}
		test_check(rc == 0 && st == GNTST_permission_denied && zero, "copy_denied",
			   "A -> local: rc %ld status %d (%s), local page %s", rc, st,
			   rt_gntst_name(st), zero ? "untouched" : "WRITTEN");
		op = op_frame_to_gref(m1, 0, peer, REF_B, 0, 64);
		st = rt_gnt_copy(&op, &rc);
		test_check(rc == 0 && st == GNTST_permission_denied, "copy_out_denied",
			   "local -> B: rc %ld status %d (%s)", rc, st, rt_gntst_name(st));
		return;
	}
	fill(want, SEED_A);
	if (!test_check(rc == 0 && st == GNTST_okay && memcmp(l1, want, RT_PAGE_SIZE) == 0,
			"copy_in", "A -> local, 4096 bytes after %lu tries: rc %ld status %d (%s), "
			"content %s", (unsigned long)i, rc, st, rt_gntst_name(st),
			memcmp(l1, want, RT_PAGE_SIZE) == 0 ? "equal" : "DIFFERENT")) {
		return;
	}
	fill(l1, SEED_L);
	expect_status("copy_out", op_frame_to_gref(m1, 0, peer, REF_B, B_OFF, B_LEN), GNTST_okay,
		      "local -> B+100, 1000 bytes");
	memset(l2, 0, RT_PAGE_SIZE);
	expect_status("copy_back", op_gref_to_frame(peer, REF_B, B_OFF, m2, 0, B_LEN), GNTST_okay,
		      "B+100 -> local2, 1000 bytes");
	test_check(memcmp(l1, l2, B_LEN) == 0, "copy_back_equal", "read back what was written");
	expect_status("len_zero", op_frame_to_gref(m1, 0, peer, REF_B, 0, 0), GNTST_okay,
		      "len 0 (Xen: okay, nothing copied)");

	sum1 = page_sum(l1);
	sum2 = page_sum(l2);
	expect_status("dest_past_page", op_frame_to_gref(m1, 0, peer, REF_B, 4000, 200),
		      GNTST_bad_copy_arg, "dest offset 4000 + len 200");
	expect_status("src_past_page", op_gref_to_frame(peer, REF_A, 4095, m2, 0, 2),
		      GNTST_bad_copy_arg, "source offset 4095 + len 2");
	expect_status("len_4097", op_gref_to_frame(peer, REF_A, 0, m2, 0, 4097),
		      GNTST_bad_copy_arg, "len 4097");
	expect_status("offset_65535", op_frame_to_gref(m1, 0, peer, REF_B, 65535, 1),
		      GNTST_bad_copy_arg, "dest offset 65535 + len 1");
	expect_status("ref_past_table", op_gref_to_frame(peer, 0xffffffffu, 0, m2, 0, 8),
		      GNTST_bad_gntref, "source ref 0xffffffff");
	expect_status("ref_far", op_frame_to_gref(m1, 0, peer, 1u << 20, 0, 8),
		      GNTST_bad_gntref, "dest ref 1<<20");
	expect_status("ref_never_granted", op_gref_to_frame(peer, REF_NEVER, 0, m2, 0, 8),
		      GNTST_general_error, "source ref 12 (never granted)");
	expect_status("ref_other_domid", op_frame_to_gref(m1, 0, peer, REF_D, 0, 8),
		      GNTST_general_error, "dest ref 11 (granted to another domid)");
	expect_status("ref_other_domid_src", op_gref_to_frame(peer, REF_D, 0, m2, 0, 8),
		      GNTST_general_error, "source ref 11 (granted to another domid)");
	expect_status("readonly_as_dest", op_frame_to_gref(m1, 0, peer, REF_C, 0, 8),
		      GNTST_general_error, "dest ref 10 (read-only grant)");
	expect_status("readonly_as_dest_a", op_frame_to_gref(m1, 0, peer, REF_A, 0, 4096),
		      GNTST_general_error, "dest ref 8 (read-only grant)");
	expect_status("bad_domid", op_gref_to_frame(99, REF_A, 0, m2, 0, 8), GNTST_bad_domain,
		      "source domid 99 (no such domain)");
	expect_status("bad_domid_dest", op_frame_to_gref(m1, 0, 0x7ff5, REF_B, 0, 8),
		      GNTST_bad_domain, "dest domid 0x7ff5 (reserved, no domain)");
	op = op_gref_to_frame(peer, REF_A, 0, m2, 0, 8);
	op.flags = 0;
	op.source.u.gmfn = REF_A;
	expect_status("foreign_frame_src", op, GNTST_permission_denied,
		      "source domid of the peer without GNTCOPY_source_gref");
	op = op_frame_to_gref(m1, 0, peer, REF_B, 0, 8);
	op.flags = 0;
	expect_status("foreign_frame_dest", op, GNTST_permission_denied,
		      "dest domid of the peer without GNTCOPY_dest_gref");
	own_mfn_range(&lo, &hi);
	(void)lo;
	expect_status("frame_not_owned", op_gref_to_frame(peer, REF_A, 0, hi + 64, 0, 8),
		      GNTST_bad_page, "dest frame past our own (not ours)");
	expect_status("frame_past_ram", op_gref_to_frame(peer, REF_A, 0, 1ULL << 40, 0, 8),
		      GNTST_bad_page, "dest frame 1<<40");
	expect_status("dest_page_table", op_gref_to_frame(peer, REF_A, 0, rt_l4_mfn, 0, 8),
		      GNTST_general_error, "dest frame = our own L4 (not writable)");

	test_check(page_sum(l1) == sum1 && page_sum(l2) == sum2, "local_unchanged",
		   "both local pages unchanged by the %u refused copies", refused_ok);
	/* Report into E (by copy: we map nothing of the granter's). */
	memset(&rep, 0, sizeof(rep));
	rep.magic = REPORT_MAGIC;
	rep.cases = cases;
	rep.refused_ok = refused_ok;
	memcpy(l2, &rep, sizeof(rep));
	op = op_frame_to_gref(m2, 0, peer, REF_E, 0, sizeof(rep));
	st = rt_gnt_copy(&op, &rc);
	test_check(rc == 0 && st == GNTST_okay, "report", "report copied into E: rc %ld status %d",
		   rc, st);
}

void guest_main(void)
{
	char role[16] = "";
	domid_t peer = (domid_t)cmdline_get_u64("peer", 1);
	domid_t other = (domid_t)cmdline_get_u64("other", 7);
	uint64_t tries = cmdline_get_u64("tries", 3000);
	char expect[16] = "pass";
	long rc;

	cmdline_get("role", role, sizeof(role));
	cmdline_get("expect", expect, sizeof(expect));
	denied = strcmp(expect, "denied") == 0;
	rc = rt_traps_init();
	if (!test_check(rc == 0, "traps_init", "rc %ld", rc)) {
		return;
	}
	if (strcmp(role, "granter") == 0) {
		granter(peer, other, cmdline_get_u64("wait", 2000));
	} else if (strcmp(role, "copier") == 0) {
		copier(peer, tries);
	} else {
		test_fail("args", "role=%s: want granter or copier", role);
	}
}
