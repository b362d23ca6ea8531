/*
 * traps: the trap table (set_trap_table) and Xen's PV64 exception bounce.
 * Takes #BP, #UD, #DE, #PF (read, write, read-only), #GP (privileged
 * instructions), INT $0x80 through a DPL-3 entry, #DB from single-step, and
 * a fault inside a handler; checks vector, error code, the reported rip, CS
 * (kernel CS with RPL 0), the saved event mask and CR2 in vcpu_info, and that
 * every return through the iret hypercall resumes where it should.
 *
 * Keys: name. Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "traps.h"

const char guest_image[] = "traps";

#define UNMAPPED_VA 0x1000UL

/* The kernel CS as reported in a bounce frame: FLAT_KERNEL_CS64 with RPL 0. */
#define KERNEL_CS_RPL0 (FLAT_KERNEL_CS64 & ~3U)

static inline uint16_t frame_cs(uint64_t cs)
{
	return (uint16_t)cs;
}

/* The event mask the CPU-less vCPU had when it trapped: CS bits 32-39. */
static inline uint8_t frame_saved_mask(uint64_t cs)
{
	return (uint8_t)(cs >> 32);
}

static void check_frame(const char *check, unsigned int vector, uint64_t rip)
{
	const struct rt_trap_record *t = &rt_last_trap;

	test_check(t->count == 1 && t->vector == vector && t->rip == rip &&
		   frame_cs(t->cs) == KERNEL_CS_RPL0, check,
		   "count %u vector %u rip 0x%lx (want 0x%lx) cs 0x%lx err 0x%lx",
		   t->count, t->vector, (unsigned long)t->rip, (unsigned long)rip,
		   (unsigned long)t->cs, (unsigned long)t->error_code);
}

/* Run `insn` at a labelled address; rip_fault / rip_after get its bounds. */
#define TRAP_AT(insn, fault, after, ...)					\
	__asm__ volatile("leaq 1f(%%rip), %0\n\tleaq 2f(%%rip), %1\n\t"		\
			 RT_TRY(insn) : "=&r"(fault), "=&r"(after) : __VA_ARGS__ : "memory")

static void test_int3(void)
{
	uint64_t fault, after;

	rt_trap_reset();
	TRAP_AT("int3", fault, after);
	check_frame("bp_int3", X86_EXC_BP, after);
	test_check(rt_last_trap.mask_in_handler == 1, "bp_masks_events",
		   "trap entry flag 4: upcall mask %u in the handler",
		   rt_last_trap.mask_in_handler);
}

static void test_ud2(void)
{
	uint64_t fault, after;

	rt_trap_reset();
	TRAP_AT("ud2", fault, after);
	check_frame("ud_ud2", X86_EXC_UD, fault);
}

static void test_de(void)
{
	uint64_t fault, after;

	rt_trap_reset();
	TRAP_AT("divl %%ecx", fault, after, "a"(1), "c"(0), "d"(0));
	check_frame("de_div0", X86_EXC_DE, fault);
}

static void test_pf(void)
{
	struct vcpu_info *vi = rt_vcpu_info();
	uint64_t fault, after, cr2_emul = 0, va;
	long rc;

	rt_trap_reset();
	vi->arch.cr2 = 0;
	TRAP_AT("movq 0x1000, %%rax", fault, after, "a"(0));
	check_frame("pf_read_frame", X86_EXC_PF, fault);
	test_check(rt_last_trap.cr2 == UNMAPPED_VA && rt_last_trap.error_code == 0,
		   "pf_read", "cr2 0x%lx err 0x%lx (want 0x1000, 0: read, not present, kernel)",
		   (unsigned long)rt_last_trap.cr2, (unsigned long)rt_last_trap.error_code);
	/* A PV kernel may read CR2 with a trapping mov; it is emulated. */
	rt_trap_reset();
	__asm__ volatile(RT_TRY("movq %%cr2, %0") : "=r"(cr2_emul) : "0"(0UL) : "memory");
	test_check(rt_last_trap.count == 0 && cr2_emul == UNMAPPED_VA, "cr2_read_emulated",
		   "mov %%cr2: 0x%lx, traps %u", (unsigned long)cr2_emul, rt_last_trap.count);

	rt_trap_reset();
	TRAP_AT("movq %%rax, 0x1000", fault, after, "a"(0));
	test_check(rt_last_trap.count == 1 && rt_last_trap.cr2 == UNMAPPED_VA &&
		   rt_last_trap.error_code == PFEC_WRITE, "pf_write",
		   "cr2 0x%lx err 0x%lx (want 0x1000, 0x2)", (unsigned long)rt_last_trap.cr2,
		   (unsigned long)rt_last_trap.error_code);

	/* A data frame mapped read-only at a window: writing is a protection fault. */
	va = rt_window(RT_WIN_TEST);
	rc = rt_map(va, rt_pfn_to_mfn(rt_frame_alloc()), PTE_RO);
	rt_trap_reset();
	TRAP_AT("movq %%rax, (%%rdx)", fault, after, "a"(0), "d"(va));
	test_check(rc == 0 && rt_last_trap.count == 1 && rt_last_trap.cr2 == va &&
		   rt_last_trap.error_code == (PFEC_PRESENT | PFEC_WRITE), "pf_write_readonly",
		   "map rc %ld cr2 0x%lx err 0x%lx (want 0x%lx, 0x3)", rc,
		   (unsigned long)rt_last_trap.cr2, (unsigned long)rt_last_trap.error_code,
		   (unsigned long)va);
	rt_unmap(va);
}

/* Privileged instructions in the guest kernel: #GP with error code 0. */
static void test_gp(void)
{
	static const char *const names[] = { "hlt", "lidt", "swapgs", "rdmsr_unknown",
					     "wrmsr_unknown", "outb_iopl0" };
	unsigned int hits[ARRAY_SIZE(names)];
	unsigned int i = 0;

#define GP_TRY(insn, ...) do {							\
		rt_trap_reset();						\
		__asm__ volatile(RT_TRY(insn) : : __VA_ARGS__ : "memory");	\
		hits[i++] = rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_GP && \
			    rt_last_trap.error_code == 0 ? 1 : 0;		\
	} while (0)
	GP_TRY("hlt", "a"(0));
	GP_TRY("lidt (%%rax)", "a"((uint64_t)_image_start));
	GP_TRY("swapgs", "a"(0));
	GP_TRY("rdmsr", "c"(0x12345678U));
	GP_TRY("wrmsr", "c"(0x12345678U), "a"(0), "d"(0));
	GP_TRY("outb %%al, $0x80", "a"(0));
#undef GP_TRY
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char check[32];

		rt_snprintf(check, sizeof(check), "gp_%s", names[i]);
		test_check(hits[i], check, "#GP(0) bounced to the handler");
	}
}

static void test_int80(void)
{
	uint64_t fault, after;

	rt_trap_reset();
	TRAP_AT("int $0x80", fault, after);
	check_frame("int80_dpl3", 0x80, after);
}

/* Single-step: TF set by popf traps after the next instruction. */
static uint64_t db_rip, db_rflags;
static long db_dr6;
static unsigned int db_count;

static void db_handler(struct rt_regs *r)
{
	db_count++;
	db_rip = r->rip;
	db_rflags = r->rflags;
	db_dr6 = hyp_get_debugreg(6);
	r->rflags &= ~X86_EFLAGS_TF;
}

static void test_db(void)
{
	uint64_t step_end;

	rt_trap_set_handler(X86_EXC_DB, db_handler);
	__asm__ volatile("leaq 1f(%%rip), %0\n\t"
			 "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop\n1:\tnop\n"
			 : "=&r"(step_end) : : "memory", "cc");
	rt_trap_set_handler(X86_EXC_DB, NULL);
	test_check(db_count == 1 && db_rip == step_end && (db_rflags & X86_EFLAGS_TF) &&
		   (db_dr6 & 0x4000), "db_single_step",
		   "count %u rip 0x%lx (want 0x%lx) rflags 0x%lx dr6 0x%lx", db_count,
		   (unsigned long)db_rip, (unsigned long)step_end, (unsigned long)db_rflags,
		   (unsigned long)db_dr6);
	test_check(!(read_rflags() & X86_EFLAGS_TF), "db_tf_cleared", "rflags 0x%lx",
		   (unsigned long)read_rflags());
}

/*
 * The event mask across a bounce: a trap entry with flag 4 masks events; the
 * frame's CS bits 32-39 hold the mask from before and RFLAGS.IF its
 * inverse; the iret hypercall restores the mask from RFLAGS.IF.
 */
static void test_mask_semantics(void)
{
	uint8_t before;
	uint64_t fault, after;

	for (int m = 0; m <= 1; m++) {
		char check[32];

		before = rt_events_mask((uint8_t)m);
		rt_trap_reset();
		TRAP_AT("int3", fault, after);
		rt_snprintf(check, sizeof(check), "bounce_mask_%d", m);
		test_check(frame_saved_mask(rt_last_trap.cs) == m &&
			   !!(rt_last_trap.rflags & X86_EFLAGS_IF) == !m &&
			   rt_last_trap.mask_in_handler == 1 &&
			   rt_vcpu_info()->evtchn_upcall_mask == m, check,
			   "saved mask %u rflags 0x%lx in-handler mask %u, after iret %u",
			   frame_saved_mask(rt_last_trap.cs), (unsigned long)rt_last_trap.rflags,
			   rt_last_trap.mask_in_handler, rt_vcpu_info()->evtchn_upcall_mask);
		rt_events_mask(before);
	}
}

/* A trap entry without flag 4 leaves the event mask as it was. */
static void test_no_mask_entry(void)
{
	struct trap_info table[2] = {
		{ .vector = X86_EXC_BP, .flags = 3, .cs = FLAT_KERNEL_CS64,
		  .address = rt_trap_stub(X86_EXC_BP) },
		{ .address = 0 },
	};
	uint64_t fault, after;
	long rc;

	/* Entries not named keep their handlers (only a NULL table clears). */
	rc = rt_traps_set(table);
	rt_events_mask(0);
	rt_trap_reset();
	TRAP_AT("int3", fault, after);
	rt_events_mask(1);
	test_check(rc == 0 && rt_last_trap.count == 1 && rt_last_trap.mask_in_handler == 0,
		   "trap_entry_no_mask", "set_trap_table rc %ld, mask in handler %u", rc,
		   rt_last_trap.mask_in_handler);
	rc = rt_traps_set(NULL);
	test_check(rc == 0, "set_trap_table_again", "rc %ld", rc);
}

/* A fault taken inside a handler nests on the same stack and unwinds. */
static unsigned int nested_ud;

static void bp_with_nested_fault(struct rt_regs *r)
{
	(void)r;
	rt_trap_reset();
	__asm__ volatile(RT_TRY("ud2") : : : "memory");
	nested_ud = rt_last_trap.count == 1 && rt_last_trap.vector == X86_EXC_UD;
}

static void test_nested(void)
{
	uint64_t marker = 0x1234abcd5678ef00ULL;
	register uint64_t r12 __asm__("r12") = marker;

	rt_trap_set_handler(X86_EXC_BP, bp_with_nested_fault);
	__asm__ volatile("int3" : "+r"(r12) : : "memory");
	rt_trap_set_handler(X86_EXC_BP, NULL);
	test_check(nested_ud && r12 == marker, "nested_fault_in_handler",
		   "inner #UD seen %u, r12 preserved %s", nested_ud, r12 == marker ? "yes" : "no");
}

/* Registers survive a bounce and the iret hypercall. */
static void test_registers_preserved(void)
{
	register uint64_t rbx __asm__("rbx") = 0x1111111111111111ULL;
	register uint64_t r8 __asm__("r8") = 0x8888888888888888ULL;
	register uint64_t r11 __asm__("r11") = 0xbbbbbbbbbbbbbbbbULL;
	register uint64_t r15 __asm__("r15") = 0xffffffff00000000ULL;
	uint64_t rcx = 0xcccccccccccccccc, rax = 0xaaaaaaaaaaaaaaaa;

	__asm__ volatile(RT_TRY("ud2")
			 : "+r"(rbx), "+r"(r8), "+r"(r11), "+r"(r15), "+c"(rcx), "+a"(rax)
			 : : "memory");
	test_check(rbx == 0x1111111111111111ULL && r8 == 0x8888888888888888ULL &&
		   r11 == 0xbbbbbbbbbbbbbbbbULL && r15 == 0xffffffff00000000ULL &&
		   rcx == 0xccccccccccccccccULL && rax == 0xaaaaaaaaaaaaaaaaULL,
		   "registers_preserved", "rax 0x%lx rcx 0x%lx r11 0x%lx",
		   (unsigned long)rax, (unsigned long)rcx, (unsigned long)r11);
}

/* Bad tables: a non-canonical handler and an unreadable table pointer. */
static void test_bad_tables(void)
{
	struct trap_info bad[2] = {
		{ .vector = X86_EXC_UD, .flags = 0, .cs = FLAT_KERNEL_CS64,
		  .address = 0x0000800000000000ULL },
		{ .address = 0 },
	};
	long rc;

	rc = rt_traps_set(bad);
	test_check(rc == -XEN_EINVAL, "set_trap_table_noncanonical",
		   "handler 0x0000800000000000: rc %ld", rc);
	rc = hyp_set_trap_table((const struct trap_info *)HYPERVISOR_VIRT_START);
	test_check(rc == -XEN_EFAULT, "set_trap_table_efault", "table in the hypervisor range: rc %ld",
		   rc);
	rc = rt_traps_set(NULL);
	test_check(rc == 0, "set_trap_table_restored", "rc %ld", rc);
}

void guest_main(void)
{
	long rc = rt_traps_init();

	test_check(rc == 0, "set_trap_table", "rc %ld", rc);
	if (rc) {
		return;
	}
	test_int3();
	test_ud2();
	test_de();
	test_pf();
	test_gp();
	test_int80();
	test_db();
	test_mask_semantics();
	test_no_mask_entry();
	test_nested();
	test_registers_preserved();
	test_bad_tables();
}
