/*
 * The frame table and the frame allocator: a free list threaded through the
 * table. One CPU and interrupts off in the hypervisor, so no lock yet.
 * It must never hand out a frame that is not FRAME_FREE, nor a frame that
 * a TLB may still reach through a guest's translation (below).
 *
 * Reuse after free: a guest may drop its last mapping of a frame without
 * asking for a flush (update_va_mapping with UVMF_NONE, a batch of
 * mmu_updates) and give the frame back; its TLB may then still translate to
 * it. frame_free stamps a guest frame with the TLB-flush clock
 * (hv/tlb_clock.h) and frame_alloc, the only way out of the free list,
 * flushes every CPU that has not fully flushed since that stamp before the
 * frame goes to its new user: the hypervisor (P2M and page tables, stacks),
 * another domain, or the same one. The free list stays LIFO (cache-warm);
 * one flush covers every frame freed before it, so a batch costs one.
 */
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/tlb_clock.h>

#define NO_FRAME 0xffffffffU

static struct frame_info *frames;
static uint64_t frame_count;
static uint32_t free_head = NO_FRAME;
static uint64_t free_frames;
static bool frame_sealed;

void frame_table_init(struct frame_info *table, uint64_t nr)
{
	BUG_ON(nr >= NO_FRAME);
	frames = table;
	frame_count = nr;
	frame_sealed = false;
	/* Stamps start at 0 and the clock at 1: no fresh frame needs a flush. */
	tlb_clock_reset(1);
	free_head = NO_FRAME;
	free_frames = 0;
	for (uint64_t i = 0; i < nr; i++) {
		frames[i] = (struct frame_info){ .state = FRAME_ABSENT,
						 .owner = FRAME_OWNER_NONE,
						 .next_free = NO_FRAME };
	}
}

struct frame_info *frame_get(mfn_t m)
{
	if (mfn_x(m) >= frame_count) {
		return NULL;
	}
	return &frames[index_nospec(mfn_x(m), frame_count)];
}

static void free_list_push(uint32_t idx)
{
	frames[idx].next_free = free_head;
	free_head = idx;
	free_frames++;
}

void frame_mark(mfn_t first, uint64_t count, enum frame_state state)
{
	BUG_ON(frame_sealed);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t m = mfn_x(first) + i;

		if (m >= frame_count) {
			break;
		}
		frames[m].state = (uint8_t)state;
	}
}

void frame_table_seal(void)
{
	BUG_ON(frame_sealed);
	/* Push from the top so the lowest frames are handed out first. */
	for (uint64_t i = frame_count; i-- > 0;) {
		if (frames[i].state == FRAME_FREE) {
			free_list_push((uint32_t)i);
		}
	}
	frame_sealed = true;
}

mfn_t frame_alloc(enum frame_state state, uint16_t owner)
{
	uint32_t idx = free_head;

	if (idx == NO_FRAME) {
		return mfn(INVALID_MFN_RAW);
	}
	BUG_ON(frames[idx].state != FRAME_FREE);
	free_head = frames[idx].next_free;
	free_frames--;
	frames[idx].next_free = NO_FRAME;
	/* Before anyone can write it or read it: no TLB may still reach it. */
	tlb_clock_sync(frames[idx].tlb_stamp);
	frames[idx].state = (uint8_t)state;
	frames[idx].owner = owner;
	return mfn(idx);
}

bool frame_reserve_check(uint64_t count)
{
	return count <= free_frames;
}

void frame_free(mfn_t m)
{
	struct frame_info *f = frame_get(m);

	BUG_ON(f == NULL || f->state == FRAME_FREE || f->state == FRAME_ABSENT);
	/* Only guest frames are ever reached through guest translations (the
	 * memory model's rule: every guest mapping names a FRAME_GUEST frame);
	 * the caller has removed the last one, so the stamp is taken now. A
	 * hypervisor frame keeps the stamp it had when it last left a guest. */
	if (f->state == FRAME_GUEST) {
		f->tlb_stamp = tlb_clock_now();
	}
	f->state = FRAME_FREE;
	f->owner = FRAME_OWNER_NONE;
	f->type = 0;
	f->type_count = 0;
	f->ref_count = 0;
	free_list_push((uint32_t)mfn_x(m));
}

uint64_t frame_free_count(void)
{
	return free_frames;
}

uint64_t frame_count_state(enum frame_state s)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < frame_count; i++) {
		n += frames[i].state == s;
	}
	return n;
}

uint64_t frame_total(void)
{
	return frame_count;
}

const char *frame_state_name(enum frame_state s)
{
	switch (s) {
	case FRAME_ABSENT:
		return "absent";
	case FRAME_FREE:
		return "free";
	case FRAME_HV:
		return "hypervisor";
	case FRAME_MODULE:
		return "module";
	case FRAME_GUEST:
		return "guest";
	}
	return "?";
}
