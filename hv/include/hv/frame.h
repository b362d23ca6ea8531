/*
 * The frame table: one entry per machine frame, saying what the frame is
 * (free, the hypervisor's, a boot module, a guest's) and who owns it.
 * Portable; the arch layer hands over the array and the memory map.
 * Invariant: a frame is on the free list if and only if its state is
 * FRAME_FREE, and only free frames are ever handed out, never before every
 * TLB that may still translate to it has been flushed (hv/tlb_clock.h). A
 * path that moves a frame between owners without frame_free/frame_alloc
 * (a grant transfer) must stamp it and tlb_clock_sync() the same way.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include <hv/types.h>

enum frame_state {
	FRAME_ABSENT = 0,	/* not RAM, or unusable */
	FRAME_FREE,
	FRAME_HV,		/* hypervisor image, tables, stacks */
	FRAME_MODULE,		/* a boot module, until its domain is built */
	FRAME_GUEST,		/* owned by a domain */
};

#define FRAME_OWNER_NONE 0xffff

struct frame_info {
	uint8_t state;		/* enum frame_state */
	uint8_t type;		/* page type, used by the PV memory model */
	uint16_t owner;		/* domain id when FRAME_GUEST */
	uint32_t next_free;	/* free-list link (frame number), or ~0 */
	uint32_t type_count;
	uint32_t ref_count;
	/* The PV memory model's (hv/mm.h); zero on a frame nobody references. */
	uint8_t mm_flags;	/* MM_F_VALIDATED, MM_F_PINNED */
	uint8_t tlb_type;	/* the type it had when type_count last fell to 0 */
	uint16_t mm_pad;
	uint32_t tlb_stamp;	/* TLB-flush clock when it last lost a type or left a guest */
};

/* Set up over nr entries, all FRAME_ABSENT. */
void frame_table_init(struct frame_info *table, uint64_t nr);
/* Before sealing only: mark [first, first+count) with a state. */
void frame_mark(mfn_t first, uint64_t count, enum frame_state state);
/* Build the free list from every FRAME_FREE frame; no frame_mark after. */
void frame_table_seal(void);
/* Take one free frame for an owner and state; INVALID_MFN_RAW when none. */
mfn_t frame_alloc(enum frame_state state, uint16_t owner);
/* Take count frames (not contiguous) only if all are available. */
bool frame_reserve_check(uint64_t count);
void frame_free(mfn_t m);
uint64_t frame_free_count(void);
uint64_t frame_total(void);
uint64_t frame_count_state(enum frame_state s);
struct frame_info *frame_get(mfn_t m);	/* NULL when out of range */
const char *frame_state_name(enum frame_state s);

#endif
