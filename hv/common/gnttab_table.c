/*
 * A domain's grant table as storage: the shared frames (FRAME_GUEST frames
 * of the domain, held with a WRITABLE type reference so they never become
 * page tables), the active entries and the maptrack (FRAME_HV frames the
 * guest never sees), growing them (setup_table) and giving them back.
 * It must never hand out a frame the domain does not own, nor leave a
 * bookkeeping frame allocated or a reference held after
 * gnttab_domain_destroy (the shared frames stay plain frames of the domain
 * and leave with its memory).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>

#include "gnttab_priv.h"

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result == gnttab_entries(d->mm.gnt); */
unsigned int gnttab_nr_entries(const struct domain *d)
{
	return d->mm.gnt.ready ? d->mm.gnt.nr_frames * GNTTAB_ENTRIES_PER_FRAME : 0;
}

/*@ requires \valid_read(d) && gnttab_ok(d->mm.gnt); */
mfn_t gnttab_frame(const struct domain *d, unsigned int i)
{
	if (!d->mm.gnt.ready || i >= d->mm.gnt.nr_frames) {
		return mfn(INVALID_MFN_RAW);
	}
	return d->mm.gnt.frames[index_nospec(i, GNTTAB_MAX_FRAMES)];
}

/* verify/wp: every index below stays inside d's arrays, whatever ref is. */
/*@ requires \valid_read(d) && gnttab_ok(d->mm.gnt);
    assigns \nothing; */
struct gnttab_active *gnttab_active_of(const struct domain *d, grant_ref_t ref)
{
	size_t r = index_nospec(ref, gnttab_nr_entries(d));
	struct gnttab_active *a = arch_frame_map(d->mm.gnt.active[r / GNTTAB_ACTIVE_PER_FRAME]);

	return &a[r % GNTTAB_ACTIVE_PER_FRAME];
}

/*@ requires \valid_read(d) && gnttab_ok(d->mm.gnt);
    assigns \nothing; */
struct grant_entry_v1 *gnttab_shared_of(const struct domain *d, grant_ref_t ref)
{
	size_t r = index_nospec(ref, gnttab_nr_entries(d));
	struct grant_entry_v1 *e = arch_frame_map(d->mm.gnt.frames[r / GNTTAB_ENTRIES_PER_FRAME]);

	return &e[r % GNTTAB_ENTRIES_PER_FRAME];
}

static mfn_t hv_frame_zeroed(void)
{
	mfn_t m = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);

	if (mfn_x(m) != INVALID_MFN_RAW) {
		memset(arch_frame_map(m), 0, PAGE_SIZE);
	}
	return m;
}

/* Frame nr_frames and its active frames: all or nothing. */
static int grow_one(struct domain *d)
{
	struct gnttab_domain *g = &d->mm.gnt;
	unsigned int i = g->nr_frames;
	mfn_t shared, act[GNTTAB_ACTIVE_FRAMES_PER];
	unsigned int j;

	BUG_ON(i >= GNTTAB_MAX_FRAMES);
	if (!frame_reserve_check(1 + GNTTAB_ACTIVE_FRAMES_PER)) {
		return -XEN_ENOMEM;
	}
	shared = frame_alloc(FRAME_GUEST, d->id);
	BUG_ON(mfn_x(shared) == INVALID_MFN_RAW);
	memset(arch_frame_map(shared), 0, PAGE_SIZE);
	/* A fresh untyped frame of d's: WRITABLE cannot be refused. */
	BUG_ON(mm_get_page_type(d, shared, MM_TYPE_WRITABLE) != 0);
	/* Not in the p2m: the M2P says so, as for shared_info. */
	arch_m2p_set(shared, ~0ULL);
	for (j = 0; j < GNTTAB_ACTIVE_FRAMES_PER; j++) {
		act[j] = hv_frame_zeroed();
		BUG_ON(mfn_x(act[j]) == INVALID_MFN_RAW);
	}
	g->frames[i] = shared;
	for (j = 0; j < GNTTAB_ACTIVE_FRAMES_PER; j++) {
		g->active[i * GNTTAB_ACTIVE_FRAMES_PER + j] = act[j];
	}
	g->nr_frames = (uint8_t)(i + 1);
	return 0;
}

int gnttab_grow(struct domain *d, unsigned int nr_frames)
{
	struct gnttab_domain *g = &d->mm.gnt;

	if (!g->ready || nr_frames > g->max_frames) {
		return -XEN_EINVAL;
	}
	if (nr_frames > g->nr_frames &&
	    !frame_reserve_check((nr_frames - g->nr_frames) * (1 + GNTTAB_ACTIVE_FRAMES_PER))) {
		return -XEN_ENOMEM;
	}
	while (g->nr_frames < nr_frames) {
		int rc = grow_one(d);

		BUG_ON(rc != 0);	/* reserved above; one CPU */
	}
	return 0;
}

int gnttab_domain_init(struct domain *d, unsigned int max_frames, unsigned int maptrack)
{
	struct gnttab_domain *g = &d->mm.gnt;
	int rc;

	/* 0: the manifest's default (a manifest_domain not from the parser). */
	if (max_frames == 0) {
		max_frames = MANIFEST_DEFAULT_GRANT_FRAMES;
	}
	if (maptrack == 0) {
		maptrack = MANIFEST_DEFAULT_MAPTRACK;
	}
	if (g->ready || max_frames > GNTTAB_MAX_FRAMES || maptrack > MANIFEST_MAX_MAPTRACK) {
		return -XEN_EINVAL;
	}
	memset(g, 0, sizeof(*g));
	g->max_frames = (uint8_t)max_frames;
	g->maptrack_max = (uint16_t)maptrack;
	g->ready = true;
	rc = gnttab_grow(d, 1);
	if (rc != 0) {
		memset(g, 0, sizeof(*g));
	}
	return rc;
}

int gnttab_grant_reserved(struct domain *d, unsigned int ref, domid_t backend, mfn_t frame)
{
	struct grant_entry_v1 *e;

	if (ref >= gnttab_nr_entries(d) || mm_frame_of(d, frame) == NULL ||
	    mfn_x(frame) > UINT32_MAX) {
		return -XEN_EINVAL;
	}
	e = gnttab_shared_of(d, ref);
	e->frame = (uint32_t)mfn_x(frame);
	e->domid = backend;
	/* The flags last: the entry is valid only once it is complete. */
	__atomic_store_n(&e->flags, (uint16_t)GTF_permit_access, __ATOMIC_RELEASE);
	return 0;
}

/* ---- maptrack ---------------------------------------------------------------- */

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result == gnttab_handles(d->mm.gnt); */
unsigned int gnttab_maptrack_limit(const struct domain *d)
{
	return d->mm.gnt.nr_maptrack_frames * GNTTAB_MAPTRACK_PER_FRAME;
}

/*@ requires \valid_read(d) && gnttab_ok(d->mm.gnt);
    assigns \nothing; */
struct gnttab_maptrack *gnttab_maptrack_entry(const struct domain *d, unsigned int h)
{
	size_t i = index_nospec(h, gnttab_maptrack_limit(d));
	struct gnttab_maptrack *t =
		arch_frame_map(d->mm.gnt.maptrack[i / GNTTAB_MAPTRACK_PER_FRAME]);

	return &t[i % GNTTAB_MAPTRACK_PER_FRAME];
}

/*@ requires \valid_read(d) && gnttab_ok(d->mm.gnt);
    assigns \nothing;
    ensures h >= gnttab_handles(d->mm.gnt) ==> \result == \null; */
const struct gnttab_maptrack *gnttab_maptrack_get(const struct domain *d, unsigned int h)
{
	return h < gnttab_maptrack_limit(d) ? gnttab_maptrack_entry(d, h) : NULL;
}

int gnttab_maptrack_alloc(struct domain *d)
{
	struct gnttab_domain *g = &d->mm.gnt;
	unsigned int limit = gnttab_maptrack_limit(d);

	if (!g->ready || g->maptrack_used >= g->maptrack_max) {
		return -1;
	}
	if (g->maptrack_used < limit) {
		/* From the lowest handle that may be free: a batch filling the
		 * maptrack stays linear overall. */
		for (unsigned int h = g->maptrack_hint; h < limit && h < g->maptrack_max; h++) {
			struct gnttab_maptrack *mt = gnttab_maptrack_entry(d, h);

			if (mt->state == GNTTAB_MT_FREE) {
				g->maptrack_used++;
				g->maptrack_hint = (uint16_t)(h + 1);
				return (int)h;
			}
		}
	}
	/* Every handle of the frames we have is in use: one more frame. */
	if (limit >= g->maptrack_max || g->nr_maptrack_frames >= GNTTAB_MAPTRACK_FRAMES) {
		return -1;
	}
	g->maptrack[g->nr_maptrack_frames] = hv_frame_zeroed();
	if (mfn_x(g->maptrack[g->nr_maptrack_frames]) == INVALID_MFN_RAW) {
		return -1;
	}
	g->nr_maptrack_frames++;
	g->maptrack_used++;
	g->maptrack_hint = (uint16_t)(limit + 1);
	return (int)limit;
}

void gnttab_maptrack_free(struct domain *d, unsigned int h)
{
	struct gnttab_maptrack *mt = gnttab_maptrack_entry(d, h);

	BUG_ON(mt->state == GNTTAB_MT_FREE || d->mm.gnt.maptrack_used == 0);
	memset(mt, 0, sizeof(*mt));
	d->mm.gnt.maptrack_used--;
	if (h < d->mm.gnt.maptrack_hint) {
		d->mm.gnt.maptrack_hint = (uint16_t)h;
	}
}

/* ---- the end ----------------------------------------------------------------- */

/* Revoke every live mapping by mapper of granter's frames (granter NULL:
 * all); how many. */
static unsigned int revoke_mappings_of(struct domain *mapper, const struct domain *granter)
{
	unsigned int limit = gnttab_maptrack_limit(mapper), n = 0;

	for (unsigned int h = 0; h < limit; h++) {
		const struct gnttab_maptrack *mt = gnttab_maptrack_entry(mapper, h);

		if (mt->state == GNTTAB_MT_LIVE && (granter == NULL || mt->granter == granter->id)) {
			gnttab_revoke_mapping(mapper, h);
			n++;
		}
	}
	return n;
}

void gnttab_domain_destroy(struct domain *d)
{
	struct gnttab_domain *g = &d->mm.gnt;

	unsigned int n;

	/* d's own mappings of others' frames. */
	n = revoke_mappings_of(d, NULL);
	if (n != 0) {
		printk(LOG_INFO, "grant: d%u (%s) is gone: its %u mapping%s of other domains' frames removed",
		       d->id, d->name, n, n == 1 ? "" : "s");
	}
	/* Others' mappings of d's frames: their handles stay, revoked. */
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *m = domain_by_id(id);

		if (m == NULL || m == d) {
			continue;
		}
		n = revoke_mappings_of(m, d);
		if (n != 0) {
			printk(LOG_INFO, "grant: d%u (%s) is gone: %u mapping%s of its frames by d%u (%s) revoked",
			       d->id, d->name, n, n == 1 ? "" : "s", m->id, m->name);
		}
	}
	for (unsigned int i = 0; i < g->nr_frames; i++) {
		/* The hold goes. Unreferenced, the frame is freed now; if d's
		 * own tables still map it, it stays d's until
		 * domain_release_memory frees it with the rest. */
		mm_put_page_type(d, g->frames[i]);
		if (mm_frame_unreferenced(d, g->frames[i])) {
			frame_free(g->frames[i]);
		}
	}
	for (unsigned int i = 0; i < g->nr_frames * GNTTAB_ACTIVE_FRAMES_PER; i++) {
		frame_free(g->active[i]);
	}
	for (unsigned int i = 0; i < g->nr_maptrack_frames; i++) {
		frame_free(g->maptrack[i]);
	}
	memset(g, 0, sizeof(*g));
}
