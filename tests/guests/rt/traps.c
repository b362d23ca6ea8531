/*
 * The trap table of a PV64 test guest and the C side of every bounce:
 * rt_trap_dispatch() runs on the bounce frame (entry.S) with events masked,
 * calls the handler registered for the vector, or the default one: resume
 * at the exception-table fixup of the faulting instruction and record what
 * happened, or report an unexpected trap and end the test.
 */
#include "traps.h"
#include "events.h"
#include "hyp.h"

#define STUB(v) extern char rt_entry_##v[]
STUB(0); STUB(1); STUB(2); STUB(3); STUB(4); STUB(5); STUB(6); STUB(7);
STUB(8); STUB(9); STUB(10); STUB(11); STUB(12); STUB(13); STUB(14); STUB(15);
STUB(16); STUB(17); STUB(18); STUB(19); STUB(128);
#undef STUB

static char *const stubs[X86_NR_EXC] = {
	rt_entry_0, rt_entry_1, rt_entry_2, rt_entry_3, rt_entry_4,
	rt_entry_5, rt_entry_6, rt_entry_7, rt_entry_8, rt_entry_9,
	rt_entry_10, rt_entry_11, rt_entry_12, rt_entry_13, rt_entry_14,
	rt_entry_15, rt_entry_16, rt_entry_17, rt_entry_18, rt_entry_19,
};

/* trap_info.flags: the DPL in bits 0-1; bit 2 masks events on entry. */
#define TI_MASK_EVENTS 4

extern const uint64_t __rt_extable_start[], __rt_extable_end[];

struct rt_trap_record rt_last_trap;
uint64_t rt_failsafe_segs[4];
rt_trap_fn rt_syscall_fn, rt_failsafe_fn, rt_event_fn;

static rt_trap_fn handlers[256];
/* Vectors 0-19, 0x80 and the terminating zero entry. */
static struct trap_info default_table[X86_NR_EXC + 2];

uint64_t rt_trap_stub(unsigned int vector)
{
	if (vector < X86_NR_EXC) {
		return (uint64_t)stubs[vector];
	}
	return vector == 0x80 ? (uint64_t)rt_entry_128 : 0;
}

long rt_traps_set(const struct trap_info *table)
{
	return hyp_set_trap_table(table ? table : default_table);
}

long rt_traps_init(void)
{
	unsigned int n = 0;

	rt_events_init();
	for (unsigned int v = 0; v < X86_NR_EXC; v++) {
		uint8_t dpl = (v == X86_EXC_BP || v == X86_EXC_OF) ? 3 : 0;

		default_table[n++] = (struct trap_info){
			.vector = (uint8_t)v, .flags = dpl | TI_MASK_EVENTS,
			.cs = FLAT_KERNEL_CS64, .address = rt_trap_stub(v),
		};
	}
	default_table[n++] = (struct trap_info){
		.vector = 0x80, .flags = 3 | TI_MASK_EVENTS,
		.cs = FLAT_KERNEL_CS64, .address = rt_trap_stub(0x80),
	};
	default_table[n] = (struct trap_info){ .address = 0 };
	return rt_traps_set(NULL);
}

void rt_trap_set_handler(unsigned int vector, rt_trap_fn fn)
{
	if (vector < ARRAY_SIZE(handlers)) {
		handlers[vector] = fn;
	}
}

void rt_trap_reset(void)
{
	memset(&rt_last_trap, 0, sizeof(rt_last_trap));
}

const uint64_t *rt_extable_find(uint64_t rip, bool trap)
{
	for (const uint64_t *e = __rt_extable_start; e < __rt_extable_end; e += 2) {
		if (e[trap ? 1 : 0] == rip) {
			return e;
		}
	}
	return NULL;
}

/* Traps report the address after the instruction, faults the instruction. */
static bool is_trap(uint64_t vector)
{
	return vector == X86_EXC_DB || vector == X86_EXC_BP || vector == X86_EXC_OF ||
	       vector >= X86_NR_EXC;
}

static void record(const struct rt_regs *r)
{
	struct vcpu_info *vi = rt_vcpu_info();

	rt_last_trap.count++;
	rt_last_trap.vector = (unsigned int)r->vector;
	rt_last_trap.error_code = r->error_code;
	rt_last_trap.rip = r->rip;
	rt_last_trap.cs = r->cs;
	rt_last_trap.rflags = r->rflags;
	rt_last_trap.rsp = r->rsp;
	rt_last_trap.ss = r->ss;
	rt_last_trap.cr2 = vi ? vi->arch.cr2 : 0;
	rt_last_trap.mask_in_handler = vi ? vi->evtchn_upcall_mask : 0xff;
}

static const char *const names[X86_NR_EXC] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#9",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
};

static void __noreturn unexpected(const struct rt_regs *r)
{
	struct vcpu_info *vi = rt_vcpu_info();

	test_fail("unexpected_trap", "vector %lu (%s) err 0x%lx at rip 0x%lx cs 0x%lx "
		  "rflags 0x%lx rsp 0x%lx cr2 0x%lx", (unsigned long)r->vector,
		  r->vector < X86_NR_EXC ? names[r->vector] : "?",
		  (unsigned long)r->error_code, (unsigned long)r->rip,
		  (unsigned long)r->cs, (unsigned long)r->rflags, (unsigned long)r->rsp,
		  (unsigned long)(vi ? vi->arch.cr2 : 0));
	test_end();
}

/* Default: an exception-table entry turns the fault into a recorded event
 * and resumes at the fixup. A trap (#BP, #DB, INT n) is expected when its
 * return address is the fixup of an entry, that is it came from RT_TRY. */
void rt_trap_default(struct rt_regs *r)
{
	/* A trap's rip may also be the start of the next RT_TRY: look it up
	 * as a fixup first, so the next instruction is not skipped. */
	bool trap = is_trap(r->vector);
	const uint64_t *e = rt_extable_find(r->rip, trap);

	if (!e && r->vector == X86_EXC_DB) {
		e = rt_extable_find(r->rip, false);
	}

	if (e) {
		record(r);
		r->rip = e[1];
		return;
	}
	unexpected(r);
}

void rt_trap_dispatch(struct rt_regs *r)
{
	rt_trap_fn fn = NULL;

	switch (r->vector) {
	case RT_VEC_SYSCALL:
		fn = rt_syscall_fn;
		break;
	case RT_VEC_FAILSAFE:
		fn = rt_failsafe_fn;
		break;
	case RT_VEC_EVENT:
		fn = rt_event_fn;
		break;
	default:
		if (r->vector < ARRAY_SIZE(handlers)) {
			fn = handlers[r->vector];
		}
		if (!fn) {
			fn = rt_trap_default;
		}
		break;
	}
	if (!fn) {
		unexpected(r);
	}
	fn(r);
}

/* A handler that only records: for traps, which resume after the instruction. */
void rt_trap_record_only(struct rt_regs *r)
{
	record(r);
}
