/*
 * hostile_foreign_map: tries to reach frames it does not own: the 64 machine
 * frames just below its lowest and just above its highest one (on Moat,
 * likely the bystander's), mapped read-write and read-only with
 * update_va_mapping, mapped with mmu_update, written as if they were page
 * tables (mmu_update ptr), given a new M2P entry, pinned as an L1. Every
 * attempt must be refused. Frames below 1 MiB and past the end of RAM
 * are I/O memory, which a privileged domain (Xen's dom0) may map: they are
 * skipped, except that an unprivileged guest checks one past RAM.
 *
 * Keys: name, span (frames each side, default 64).
 */
#include "hostile.h"
#include "rt/grant.h"

const char guest_image[] = "hostile_foreign_map";

#define LOW_IO_LIMIT 0x100	/* frames below 1 MiB */

static unsigned int tried, accepted;
static uint64_t first_accepted = ~0ULL;

/* Its own grant-table frames: outside the p2m, but its own (setup_table
 * hands them out for the guest to map), so not foreign frames. */
#define MAX_GNT_FRAMES 32
static uint64_t gnt_frames[MAX_GNT_FRAMES];
static unsigned int gnt_frame_count;

static void find_grant_frames(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	struct gnttab_setup_table st = { .dom = DOMID_SELF };

	if (hyp_grant_table_op(GNTTABOP_query_size, &q, 1) != 0 || q.status != GNTST_okay ||
	    q.nr_frames == 0) {
		return;
	}
	st.nr_frames = q.nr_frames < MAX_GNT_FRAMES ? q.nr_frames : MAX_GNT_FRAMES;
	st.frame_list = (uint64_t)(uintptr_t)gnt_frames;
	if (hyp_grant_table_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay) {
		gnt_frame_count = st.nr_frames;
	}
}

static bool own_grant_frame(uint64_t mfn)
{
	for (unsigned int i = 0; i < gnt_frame_count; i++) {
		if (gnt_frames[i] == mfn) {
			return true;
		}
	}
	return false;
}

static void attempt(uint64_t mfn)
{
	uint64_t va = rt_window(RT_WIN_TEST);

	/* Its own shared_info frame is outside the p2m but legitimately its
	 * own to map (Xen and Moat both allow it): not a foreign frame. */
	if (mfn == rt_start_info->shared_info >> 12 || own_grant_frame(mfn)) {
		return;
	}
	struct mmu_update u;
	long rc[6];

	rc[0] = rt_map(va, mfn, PTE_DATA);
	if (rc[0] == 0) {
		rt_unmap(va);
	}
	rc[1] = rt_map(va, mfn, PTE_RO);
	if (rc[1] == 0) {
		rt_unmap(va);
	}
	u.ptr = rt_pte_maddr(va, 1) | MMU_NORMAL_PT_UPDATE;
	u.val = (mfn << 12) | PTE_DATA;
	rc[2] = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
	if (rc[2] == 0) {
		rt_unmap(va);
	}
	u.ptr = (mfn << 12) | MMU_NORMAL_PT_UPDATE;
	u.val = 0;
	rc[3] = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
	u.ptr = (mfn << 12) | MMU_MACHPHYS_UPDATE;
	u.val = 1;
	rc[4] = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
	rc[5] = rt_pin(1, mfn);
	if (rc[5] == 0) {
		rt_unpin(mfn);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(rc); i++) {
		tried++;
		if (rc[i] >= 0) {
			accepted++;
			if (first_accepted == ~0ULL) {
				first_accepted = mfn;
				rt_printf("%s: mfn 0x%lx: attempt %u accepted\n", rt_guest_name,
					  (unsigned long)mfn, i);
			}
		}
	}
}

void guest_main(void)
{
	uint64_t span = cmdline_get_u64("span", 64), lo, hi;
	long max_ram = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	bool privileged = rt_start_info->flags & SIF_PRIVILEGED;
	uint64_t ram_end = max_ram > 0 ? (uint64_t)max_ram : ~0ULL;

	rt_traps_init();
	find_grant_frames();
	own_mfn_range(&lo, &hi);
	rt_printf("%s: owns machine frames 0x%lx-0x%lx, RAM ends at 0x%lx, trying %lu each side\n",
		  rt_guest_name, (unsigned long)lo, (unsigned long)hi, (unsigned long)ram_end,
		  (unsigned long)span);
	for (uint64_t d = 1; d <= span; d++) {
		if (lo >= d && lo - d >= LOW_IO_LIMIT) {
			attempt(lo - d);
		}
		if (hi + d < ram_end) {
			attempt(hi + d);
		}
	}
	test_check(tried > 0 && accepted == 0, "foreign_frames_refused",
		   "%u attempts on RAM (map RW/RO, mmu_update map, PT write, machphys, pin), "
		   "%u accepted", tried, accepted);

	/* Frames past RAM are I/O memory: a privileged domain (Xen's dom0)
	 * may map them; an unprivileged one must not. */
	if (max_ram > 0) {
		long rc = rt_map(rt_window(RT_WIN_TEST), ram_end + 16, PTE_DATA);

		if (rc == 0) {
			rt_unmap(rt_window(RT_WIN_TEST));
		}
		if (privileged) {
			rt_printf("%s: privileged: mapping frame 0x%lx past RAM: rc %ld\n",
				  rt_guest_name, (unsigned long)(ram_end + 16), rc);
		} else {
			expect_refused("past_ram_refused", rc, "map a frame past RAM (unprivileged)");
		}
	}
}
