/*
 * hcfuzz_issue.c: making one call and living with it: the hypercall page
 * or a bare syscall, the loop's own iret and block shapes, putting back
 * what a call may have replaced (trap table, callbacks, CR0.TS), and what
 * is learnt from results (open ports, where vcpu_info went, frames that
 * became ours or stopped being ours).
 */
#include "hcfuzz.h"

extern char rt_entry_event[], rt_entry_failsafe[];

static long raw_syscall(uint64_t nr, const uint64_t *a)
{
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	uint64_t rdi = a[0], rsi = a[1], rdx = a[2];
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9)
			 : "0"(nr)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * The iret hypercall with a frame that returns right here, in kernel mode
 * (CS RPL 0), on the same stack: the stub pushes rcx, r11 and rax below
 * flags, rip, cs, rflags, rsp and ss. rax comes back as the return value.
 */
static long iret_here(uint64_t rax, uint64_t flags, uint64_t cs, uint64_t rflags)
{
	long ret;

	__asm__ volatile("movq %%rsp, %%r11\n\t"
			 "pushq %[ss]\n\t"
			 "pushq %%r11\n\t"
			 "pushq %[rflags]\n\t"
			 "pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%r11\n\t"
			 "pushq %%r11\n\t"
			 "pushq %[flags]\n\t"
			 "jmp hypercall_page + %c[off]\n"
			 "1:"
			 : "=a"(ret)
			 : "0"(rax), [flags] "r"(flags), [cs] "r"(cs), [rflags] "r"(rflags),
			   [ss] "i"(FLAT_KERNEL_SS64),
			   [off] "i"(__HYPERVISOR_iret * HYPERCALL_STUB_SIZE)
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

void hf_gen_iret(struct hf_call *c)
{
	static const uint64_t arith = 0x8d5;	/* CF PF AF ZF SF OF */

	c->nr = HF_NR_IRET_SAFE;
	c->a[0] = hf_rand();					/* rax */
	c->a[1] = hf_below(2) ? 0 : VGCF_in_syscall;		/* flags */
	c->a[2] = (FLAT_KERNEL_CS64 & ~3ULL) | (hf_below(256) << 32);	/* cs, saved mask */
	c->a[3] = (hf_rand() & arith) | (hf_below(2) ? X86_EFLAGS_IF : 0) | X86_EFLAGS_MBS;
}

static void port_add(evtchn_port_t p)
{
	for (unsigned int i = 0; i < hf.port_count; i++) {
		if (hf.ports[i] == p) {
			return;
		}
	}
	if (hf.port_count < HF_PORTS_MAX) {
		hf.ports[hf.port_count++] = p;
	}
}

static void port_drop(evtchn_port_t p)
{
	for (unsigned int i = 0; i < hf.port_count; i++) {
		if (hf.ports[i] == p) {
			hf.ports[i] = hf.ports[--hf.port_count];
			return;
		}
	}
}

/* SCHEDOP_block that must wake: our ports reset (2-level again), VIRQ_TIMER
 * bound, unmasked and not pending, a timer armed 20-220 us ahead. */
static long block_safe(void)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	evtchn_port_t port;
	long rc = hyp_event_channel_op(EVTCHNOP_reset, &r);

	if (rc != 0) {
		return rc;
	}
	hf.port_count = 0;
	rc = rt_evtchn_bind_virq(VIRQ_TIMER, &port);
	if (rc != 0) {
		return rc;
	}
	port_add(port);
	rt_port_clear(port);
	rt_evtchn_unmask(port);
	rc = hyp_set_timer_op(rt_system_time() + 20000 + hf_below(200000));
	if (rc != 0) {
		return rc;
	}
	return hyp_sched_op(SCHEDOP_block, NULL);
}

long hf_issue(const struct hf_call *c)
{
	long rc;

	if (c->nr == HF_NR_IRET_SAFE) {
		rc = iret_here(c->a[0], c->a[1], c->a[2], c->a[3]);
		hfr.iret_bad += (uint64_t)rc != c->a[0];
		return 0;
	}
	if (c->nr == HF_NR_BLOCK_SAFE) {
		rc = block_safe();
		hfr.blocks += rc == 0;
		hfr.blocks_refused += rc != 0;
		return rc;
	}
	if (c->nr == HF_NR_PTWRITE) {
		rc = hf_ptwrite(c);
		hfr.ptw_faulted += rc != 0;
		hfr.ptw_stored += rc == 0;
		return rc;
	}
	if (c->syscall || c->nr >= RT_PAGE_SIZE / HYPERCALL_STUB_SIZE) {
		return raw_syscall(c->nr, c->a);
	}
	return hypercall6((unsigned int)c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4],
			  c->a[5]);
}

/* Put back what a call may have replaced: our trap table, callbacks, TS,
 * the start of a console line. */
void hf_restore(uint32_t dirty)
{
	struct callback_register ev = {
		.type = CALLBACKTYPE_event, .address = (uint64_t)rt_entry_event,
	};
	struct callback_register fs = {
		.type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events,
		.address = (uint64_t)rt_entry_failsafe,
	};
	struct callback_unregister nmi = { .type = CALLBACKTYPE_nmi };
	long rc = 0;

	if (dirty & HF_D_TRAPS) {
		rc |= rt_traps_set(NULL);
	}
	if (dirty & HF_D_CALLBACKS) {
		rc |= hyp_callback_op(CALLBACKOP_register, &ev);
		rc |= hyp_callback_op(CALLBACKOP_register, &fs);
		hyp_callback_op(CALLBACKOP_unregister, &nmi);
	}
	if (dirty & HF_D_TS) {
		rc |= hyp_fpu_taskswitch(0);
	}
	if (dirty & HF_D_LINE) {
		/* End the line our fuzzed text may have left open, so our own
		 * lines start on a line of their own. */
		hyp_console_io(CONSOLEIO_write, 1, "\n");
	}
	if (rc != 0) {
		hf_ring_dump("restoring the trap table or callbacks failed");
		test_fail("restore", "rc %ld after call #%lu", rc, (unsigned long)hfr.iter);
		test_end();
	}
}

/* vcpu_info moved: follow it if it went to its page (anything else was
 * refused, or the hypervisor put it where we cannot see it). */
static void follow_vcpu_info(const struct vcpu_register_vcpu_info *vi)
{
	if (vi->mfn == hf.vcpu_page_mfn && vi->offset <= RT_PAGE_SIZE - sizeof(struct vcpu_info)) {
		rt_set_vcpu_info((struct vcpu_info *)(hf.vcpu_page + vi->offset));
		rt_printf("hcfuzz: call #%lu moved vcpu_info to offset %u of its page\n",
			  (unsigned long)hfr.iter, vi->offset);
		return;
	}
	test_fail("vcpu_info", "call #%lu: register_vcpu_info accepted mfn 0x%lx offset %u",
		  (unsigned long)hfr.iter, (unsigned long)vi->mfn, vi->offset);
}

void hf_post(const struct hf_call *c, long rc)
{
	const uint64_t *ext = (const uint64_t *)c->post_arg;

	switch (c->post) {
	case HF_POST_PORT:
		if (rc == 0) {
			port_add(*(const evtchn_port_t *)c->post_arg);
		}
		break;
	case HF_POST_CLOSE:
		if (rc == 0) {
			port_drop((evtchn_port_t)c->post_arg);
		}
		break;
	case HF_POST_RESET:
		if (rc == 0 && (c->post_arg == DOMID_SELF || c->post_arg == hf.self)) {
			hf.port_count = 0;
		}
		break;
	case HF_POST_VCPU_INFO:
		if (rc == 0) {
			follow_vcpu_info((const void *)c->post_arg);
		}
		break;
	case HF_POST_POPULATE:
	case HF_POST_DECREASE:
		for (long i = 0; i < rc && i < 64; i++) {
			if (c->post == HF_POST_POPULATE) {
				hfw_own_add(ext[i]);
			} else {
				hfw_own_drop(ext[i]);
			}
		}
		break;
	default:
		break;
	}
}

