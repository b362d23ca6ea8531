/*
 * hcfuzz_misc.c: calls of the remaining families: set_trap_table,
 * stack_switch, set_callbacks, callback_op, fpu_taskswitch, set/get
 * debugreg, xen_version, console_io, vm_assist, set_segment_base,
 * physdev_op, xsm_op, attest_op, unimplemented and out-of-range numbers,
 * and the iret as a multicall entry.
 *
 * What keeps the fuzzer alive here: trap tables and callbacks of any shape
 * are allowed because the loop reinstalls ours right after the call (with
 * events masked around it); CR0.TS is cleared right after; a debug
 * register only ever holds an address of the arena, the sink, the scratch
 * region or a refused one, and a #DB handler clears DR7 when one fires; a
 * console write only ever points at printable text or refused addresses;
 * an unknown hypercall's first argument is non-canonical, so even a
 * dispatcher that truncated the number could not reach a real sub-op.
 */
#include "hcfuzz.h"

extern char rt_entry_event[], rt_entry_failsafe[];

/* A code address: one of our handlers, any guest address, or a refused one. */
static uint64_t code_addr(void)
{
	switch (hf_below(6)) {
	case 0:
		return rt_trap_stub((unsigned int)hf_below(X86_NR_EXC));
	case 1:
		return hf_below(2) ? (uint64_t)rt_entry_event : (uint64_t)rt_entry_failsafe;
	case 2:
		return 0;
	case 3:
		return hf_bad_ptr(1);
	default:
		return hf_rand() & 0x00007ffffffffff0ULL;
	}
}

void hf_gen_set_trap_table(struct hf_call *c, bool in_mc)
{
	uint32_t n = 1 + (uint32_t)hf_below(hf_one_in(8) ? 300 : 22);
	struct trap_info *t = n * sizeof(*t) <= RT_PAGE_SIZE && hf_below(2)
				      ? hf_alloc_tail(n * sizeof(*t))
				      : hf_alloc(n * sizeof(*t));

	(void)in_mc;
	c->nr = __HYPERVISOR_set_trap_table;
	c->dirty = HF_D_TRAPS;
	for (uint32_t i = 0; t != NULL && i < n; i++) {
		t[i].vector = (uint8_t)(hf_below(4) ? hf_below(X86_NR_EXC) : hf_rand());
		t[i].flags = (uint8_t)(hf_below(2) ? 4 : hf_rand());
		t[i].cs = (uint16_t)(hf_below(2) ? FLAT_KERNEL_CS64 : hf_rand());
		t[i].address = code_addr();
	}
	/* Usually ended by a zero address; on a tail page a missing end
	 * runs into the guard. */
	if (t != NULL && hf_below(4)) {
		t[n - 1].address = 0;
	}
	c->a[0] = hf_one_in(16) ? 0 : hf_ptr(t, n * sizeof(*t), HF_P_RO | HF_P_TEXT | HF_P_SCRATCH);
}

void hf_gen_stack_switch(struct hf_call *c, bool in_mc)
{
	(void)in_mc;
	c->nr = __HYPERVISOR_stack_switch;
	c->a[0] = hf_below(2) ? FLAT_KERNEL_SS64 : hf_edge64();
	c->a[1] = hf_below(2) ? hf_ptr(hf_alloc(16), 16, HF_P_SINK | HF_P_SCRATCH) : hf_edge64();
}

void hf_gen_set_callbacks(struct hf_call *c, bool in_mc)
{
	(void)in_mc;
	c->nr = __HYPERVISOR_set_callbacks;
	c->dirty = HF_D_CALLBACKS;
	c->a[0] = code_addr();
	c->a[1] = code_addr();
	c->a[2] = code_addr();
}

void hf_gen_callback_op(struct hf_call *c, bool in_mc)
{
	struct callback_register *r = hf_alloc(sizeof(*r));

	(void)in_mc;
	c->nr = __HYPERVISOR_callback_op;
	c->dirty = HF_D_CALLBACKS;
	c->a[0] = hf_subop(3);
	if (r != NULL) {
		r->type = (uint16_t)(hf_below(4) ? hf_below(8) : hf_rand());
		r->flags = (uint16_t)(hf_below(4) ? hf_below(2) : hf_rand());
		r->pad = hf_below(4) ? 0 : (uint32_t)hf_rand();
		r->address = code_addr();
	}
	c->a[1] = hf_ptr(r, sizeof(*r), HF_P_RO | HF_P_TEXT | HF_P_SCRATCH);
}

void hf_gen_fpu_taskswitch(struct hf_call *c, bool in_mc)
{
	(void)in_mc;
	c->nr = __HYPERVISOR_fpu_taskswitch;
	c->dirty = HF_D_TS;
	c->a[0] = hf_below(4) ? hf_below(2) : hf_edge64();
}

/* A breakpoint address: memory we do not execute or rely on, or refused. */
static uint64_t watch_addr(void)
{
	switch (hf_below(4)) {
	case 0:
		return hf_ptr(hf_alloc(8), 8, HF_P_SINK | HF_P_SCRATCH);
	case 1:
		return (uint64_t)hf.sink + hf_below(HF_SINK_PAGES * RT_PAGE_SIZE);
	case 2:
		return hf_edge64();
	default:
		return hf_bad_ptr(8);
	}
}

void hf_gen_debugreg(struct hf_call *c, bool in_mc)
{
	uint32_t reg = hf_below(8) ? (uint32_t)hf_below(8) : hf_edge32();

	(void)in_mc;
	if (hf_one_in(3)) {
		c->nr = __HYPERVISOR_get_debugreg;
		c->a[0] = reg;
		return;
	}
	c->nr = __HYPERVISOR_set_debugreg;
	c->a[0] = reg;
	switch (reg) {
	case 0:
	case 1:
	case 2:
	case 3:
		c->a[1] = watch_addr();
		break;
	case 7:
	case 5:
		/* Enables, R/W and LEN fields at random; now and then GD or high bits. */
		c->a[1] = hf_rand() & 0xffff03ffULL;
		if (hf_one_in(8)) {
			c->a[1] |= 1ULL << 13;
		}
		if (hf_one_in(8)) {
			c->a[1] |= hf_rand() << 32;
		}
		break;
	default:
		c->a[1] = hf_below(2) ? hf_rand() & 0xffffffffULL : hf_edge64();
		break;
	}
}

void hf_gen_xen_version(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_subop(16);
	uint32_t *s = hf_alloc(1024);

	(void)in_mc;
	c->nr = __HYPERVISOR_xen_version;
	c->a[0] = cmd;
	if (s != NULL && cmd == XENVER_get_features) {
		s[0] = hf_below(4) ? (uint32_t)hf_below(3) : hf_edge32();
	}
	c->a[1] = hf_ptr(s, 1024, HF_P_RO | HF_P_SINK | HF_P_SCRATCH);
}

void hf_gen_console_io(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_below(8) ? CONSOLEIO_write : hf_below(2) ? CONSOLEIO_read : hf_edge32();
	uint64_t off = hf_below(hf.text_len / 2);

	(void)in_mc;
	c->nr = __HYPERVISOR_console_io;
	c->dirty = HF_D_LINE;
	c->a[0] = cmd;
	/* Short writes mostly, some past the hypervisor's 128-byte chunk; a
	 * huge count prints up to its 16 KiB limit of our text, which is all
	 * the log can take, so rarely. */
	c->a[1] = hf_one_in(256) ? hf_edge64() : hf_one_in(16) ? hf_below(300) : hf_below(16);
	if (cmd == CONSOLEIO_write) {
		c->a[2] = hf_below(8) ? (uint64_t)hf.text + off : hf_ptr(NULL, 64, HF_P_RO);
		/* On the pattern page, no further than its end (the page past
		 * it is binary). */
		if (c->a[2] >= hf.ro_va && c->a[2] < hf.ro_va + RT_PAGE_SIZE &&
		    (uint32_t)c->a[1] > hf.ro_va + RT_PAGE_SIZE - c->a[2]) {
			c->a[1] = hf.ro_va + RT_PAGE_SIZE - c->a[2];
		}
	} else {
		c->a[2] = hf_ptr(hf_alloc(256), 256, HF_P_RO | HF_P_SCRATCH);
		if (c->a[1] > 256 && c->a[2] < HYPERVISOR_VIRT_START) {
			c->a[1] = 256;	/* a read lands in the buffer we gave */
		}
	}
}

void hf_gen_vm_assist(struct hf_call *c, bool in_mc)
{
	(void)in_mc;
	c->nr = __HYPERVISOR_vm_assist;
	c->a[0] = hf_below(8) ? hf_below(2) : hf_edge64();
	c->a[1] = hf_below(4) ? hf_below(32) : hf_edge64();
}

void hf_gen_set_segment_base(struct hf_call *c, bool in_mc)
{
	static const uint64_t sels[] = { 0, 0xe02b, 0xe023, 0xe033, 0x23, 0x2b, 0x7, 0xffff, 0x10000 };

	(void)in_mc;
	c->nr = __HYPERVISOR_set_segment_base;
	c->a[0] = hf_below(8) ? hf_below(4) : hf_edge64();
	if (c->a[0] == SEGBASE_GS_USER_SEL && hf_below(2)) {
		c->a[1] = sels[hf_below(ARRAY_SIZE(sels))];
	} else {
		c->a[1] = hf_below(2) ? (uint64_t)hf.sink : hf_edge64();
	}
}

void hf_gen_physdev_op(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_below(2) ? PHYSDEVOP_set_iopl : hf_below(2) ? PHYSDEVOP_pirq_eoi_gmfn_v2
									: hf_subop(40);
	uint64_t *s = hf_alloc(32);

	(void)in_mc;
	c->nr = __HYPERVISOR_physdev_op;
	c->a[0] = cmd;
	if (s != NULL && cmd == PHYSDEVOP_set_iopl) {
		s[0] = hf_below(4) ? hf_below(4) : hf_edge64();
	} else if (s != NULL) {
		s[0] = hf_mfn(HF_M_DST);	/* pirq_eoi_gmfn: a frame the hypervisor writes */
	}
	c->a[1] = hf_ptr(s, 32, cmd == PHYSDEVOP_set_iopl ? HF_P_RO | HF_P_TEXT : HF_P_RO);
}

/* A NUL-ended string in the arena. */
static uint64_t string(const char *str)
{
	size_t len = strlen(str) + 1;
	char *p = hf_alloc(len);

	if (p == NULL) {
		return hf_bad_ptr(len);
	}
	memcpy(p, str, len);
	if (hf_one_in(8)) {
		p[hf_below(len)] = (char)hf_rand();
	}
	return (uint64_t)p;
}

void hf_gen_xsm_op(struct hf_call *c, bool in_mc)
{
	static const char *const names[] = {
		"system_u:system_r:domU_t", "system_u:system_r:dom0_t", "system_u:object_r:xen_t",
		"allow_untrusted_console", "nosuch", "",
	};
	struct xen_flask_op *op = hf_alloc(sizeof(*op));
	const char *name = names[hf_below(ARRAY_SIZE(names))];

	(void)in_mc;
	c->nr = __HYPERVISOR_xsm_op;
	if (op != NULL) {
		op->cmd = hf_below(8) ? 1 + (uint32_t)hf_below(25) : hf_edge32();
		op->interface_version = hf_below(8) ? XEN_FLASK_INTERFACE_VERSION : hf_edge32();
		switch (op->cmd) {
		case FLASK_LOAD:
			op->u.load.buffer = hf_ptr(hf_alloc(256), 256, HF_P_RO | HF_P_TEXT);
			op->u.load.size = hf_below(2) ? (uint32_t)hf_below(300) : hf_edge32();
			break;
		case FLASK_CONTEXT_TO_SID:
		case FLASK_SID_TO_CONTEXT:
		case FLASK_USER:
			op->u.sid_context.sid = hf_below(2) ? (uint32_t)hf_below(20) : hf_edge32();
			op->u.sid_context.context = string(name);
			op->u.sid_context.size = hf_below(2) ? (uint32_t)strlen(name) : hf_edge32();
			if (op->u.sid_context.size > 64 && hf_below(2)) {
				op->u.sid_context.context = hf_bad_ptr(64);
			}
			break;
		case FLASK_GETBOOL:
		case FLASK_SETBOOL:
			op->u.boolean.bool_id = hf_below(2) ? ~0U : (uint32_t)hf_below(4);
			op->u.boolean.name = string(name);
			op->u.boolean.size = hf_below(2) ? (uint32_t)strlen(name) : hf_edge32();
			if (op->u.boolean.size > 64 && hf_below(2)) {
				op->u.boolean.name = hf_bad_ptr(64);
			}
			break;
		case FLASK_RELABEL_DOMAIN:
			op->u.relabel.domid = hf_domid();
			op->u.relabel.sid = hf_below(2) ? (uint32_t)hf_below(20) : hf_edge32();
			break;
		case FLASK_GET_PEER_SID:
			op->u.peersid.evtchn = hf_port();
			break;
		default:
			break;	/* the random fill: sids, classes, thresholds */
		}
	}
	/* A string the hypervisor writes (SID_TO_CONTEXT) lands in the arena
	 * (sizes past 64 point at refused addresses), so only a built op. */
	c->a[0] = op != NULL && hf_below(8) ? (uint64_t)op : hf_bad_ptr(sizeof(*op));
}

void hf_gen_attest_op(struct hf_call *c, bool in_mc)
{
	struct attest_op *op = hf_alloc(sizeof(*op));
	uint32_t size;

	(void)in_mc;
	c->nr = __HYPERVISOR_attest_op;
	if (op != NULL) {
		op->cmd = hf_subop(4);
		op->interface_version = hf_below(8) ? ATTEST_INTERFACE_VERSION : hf_edge32();
		if (op->cmd == ATTESTOP_get_log) {
			/* The size we claim is the size we have (or the buffer is refused). */
			size = hf_below(4) ? (uint32_t)hf_below(16384) : (uint32_t)hf_below(64);
			op->u.log.size = size;
			op->u.log.buffer = hf_below(8) ? (uint64_t)hf_alloc(size) : hf_bad_ptr(size);
			if (op->u.log.buffer == 0) {
				op->u.log.size = 0;
			}
		} else if (op->cmd == ATTESTOP_pcr_read) {
			op->u.pcr.pcr = hf_below(2) ? (uint32_t)hf_below(25) : hf_edge32();
			op->u.pcr.alg = (uint16_t)(hf_below(2) ? 0x4 + hf_below(10) : hf_rand());
		}
	}
	c->a[0] = hf_ptr(op, sizeof(*op), HF_P_RO);
}

/* Hypercall numbers Moat does not implement, and numbers past the table. */
void hf_gen_unknown(struct hf_call *c, bool in_mc)
{
	static const uint8_t unimplemented[] = {
		6, 7, 11, 16, 19, 22, 28, 31, 34, 35, 36, 37, 38, 39, 40, 41, 42,
		43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
		62, 63,
	};

	(void)in_mc;
	switch (hf_below(4)) {
	case 0:
	case 1:
		c->nr = unimplemented[hf_below(ARRAY_SIZE(unimplemented))];
		break;
	case 2:
		c->nr = 64 + hf_below(64);	/* stubs of the hypercall page past the table */
		break;
	default:
		c->nr = hf_below(2) ? hf_edge32() : hf_rand();
		c->syscall = 1;
		break;
	}
	if (c->nr % 64 == __HYPERVISOR_iret) {
		c->nr += 1;	/* even truncated, never the iret */
	}
	c->a[0] = 0x0000800000000000ULL | hf_rand();
	for (unsigned int i = 1; i < 6; i++) {
		c->a[i] = hf_below(2) ? hf_bad_ptr(64) : hf_edge64();
	}
}

/* iret as a multicall entry: refused there (it would leave the batch). */
void hf_gen_iret_entry(struct hf_call *c, bool in_mc)
{
	(void)in_mc;
	c->nr = __HYPERVISOR_iret;
	for (unsigned int i = 0; i < 6; i++) {
		c->a[i] = hf_edge64();
	}
}
