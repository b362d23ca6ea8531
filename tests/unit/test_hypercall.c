/*
 * Unit tests of hypercall dispatch and the first handlers (hv/common/
 * hypercall.c, hypercall_table.c, console_io.c, version.c, sched_op.c)
 * through the XSM gate (xsm/), on the fake arch: guest buffers live in the
 * fake guest address space, console output is captured, and the scheduler's
 * context switches are only recorded.
 *
 * Order matters for the first test: xsm_init() cannot be undone, so the
 * fail-closed test runs before any other calls it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>
#include <xsm/hooks.h>

#define NR_FRAMES 256
#define GUEST_BUF 0x0000000000400000ULL	/* where the test maps guest buffers */

static struct domain *dom;
static struct vcpu *v;
static struct vcpu idle;
static uint64_t free_at_start;
static char gbuf[32 * 1024];

static struct domain *guest_make(const char *name, bool privileged)
{
	struct domain *d = domain_alloc(name);
	struct guest_entry e = { .rip = 0x1000, .rsp = 0x2000, .rsi = 0x3000 };

	assert_non_null(d);
	d->privileged = privileged;
	d->state = DOM_RUNNING;
	d->vcpus[0].id = 0;
	d->vcpus[0].domain = d;
	assert_int_equal(arch_vcpu_create(&d->vcpus[0], &e), 0);
	d->vcpu_count = 1;
	d->vcpus_alive = 1;
	d->vcpus[0].state = VCPU_RUNNABLE;
	return d;
}

/* v's stack carries on after a switch to it, as on the machine. */
static void resume(struct vcpu *next)
{
	fake_set_current(next);
	sched_after_switch(next);
}

/* Let next run as the real arch would: switch to it, then its stack resumes. */
static void run(struct vcpu *prev, struct vcpu *next)
{
	unsigned int before = fake_switch_count();

	schedule(prev);
	assert_int_equal(fake_switch_count(), before + 1);
	assert_ptr_equal(fake_last_switch()->next, next);
	resume(next);
}

static int setup(void **state)
{
	(void)state;
	fake_machine_boot(NR_FRAMES, 16);
	memset(&idle, 0, sizeof(idle));
	assert_int_equal(arch_idle_vcpu_create(&idle), 0);
	sched_init(&idle);
	free_at_start = frame_free_count();
	dom = guest_make("guest", false);
	v = &dom->vcpus[0];
	sched_add(v);
	run(&idle, v);
	fake_console_reset();
	fake_switch_reset();
	fake_guest_map(GUEST_BUF, gbuf, sizeof(gbuf));
	memset(gbuf, 0, sizeof(gbuf));
	return 0;
}

static int setup_xsm(void **state)
{
	assert_int_equal(xsm_init(XSM_MODULE_DUMMY), 0);
	return setup(state);
}

static int teardown(void **state)
{
	(void)state;
	/* Nothing is "on the CPU" any more, so every stack may be freed. */
	fake_switch_reset();
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			if (d->state == DOM_RUNNING) {
				for (unsigned int i = 0; i < d->vcpu_count; i++) {
					sched_remove(&d->vcpus[i]);
				}
			}
			domain_free_unstarted(d);
		}
	}
	arch_vcpu_destroy(&idle);
	fake_machine_fini();
	return 0;
}

static int64_t hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct hypercall_args args = { { a0, a1, a2, 0, 0, 0 } };

	return hypercall_dispatch(v, nr, &args);
}

static int64_t console_write(const char *s, size_t len)
{
	memcpy(gbuf, s, len);
	return hc(__HYPERVISOR_console_io, CONSOLEIO_write, len, GUEST_BUF);
}

/* ---- the gate ------------------------------------------------------------ */

static void test_fail_closed_before_xsm_init(void **state)
{
	(void)state;
	assert_string_equal(xsm_module_name(), "none");
	/* Every implemented hypercall is denied and its handler never runs. */
	assert_int_equal(console_write("hi\n", 3), -XEN_EACCES);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0), -XEN_EACCES);
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), -XEN_EACCES);
	assert_string_equal(fake_console_output(), "");
	assert_int_equal(fake_switch_count(), 0);
	/* The hooks deny on their own too. */
	assert_int_equal(xsm_console_io(dom, CONSOLEIO_write), -XEN_EACCES);
	assert_int_equal(xsm_xen_version(dom, XENVER_version), -XEN_EACCES);
	assert_int_equal(xsm_sched_shutdown(dom, dom), -XEN_EACCES);
	/* FLASK without a loaded policy is refused and the gate stays shut. */
	assert_int_equal(xsm_init(XSM_MODULE_FLASK), -XEN_EINVAL);
	assert_string_equal(xsm_module_name(), "none");
	assert_int_equal(console_write("hi\n", 3), -XEN_EACCES);
	/* Once the dummy module is chosen the same calls go through. */
	assert_int_equal(xsm_init(XSM_MODULE_DUMMY), 0);
	assert_string_equal(xsm_module_name(), "dummy");
	assert_int_equal(console_write("hi\n", 3), 0);
	assert_string_equal(fake_console_output(), "(guest) hi\n");
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x40011);
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(hc(MOAT_NR_HYPERCALLS, 0, 0, 0), -38);
	assert_int_equal(hc(MOAT_NR_HYPERCALLS + 1, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(1ULL << 32, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(UINT64_MAX, 0, 0, 0), -XEN_ENOSYS);
	/* 2^32 + 18 must not alias onto console_io. */
	assert_int_equal(hc((1ULL << 32) + __HYPERVISOR_console_io, CONSOLEIO_write, 3, GUEST_BUF),
			 -XEN_ENOSYS);
	assert_string_equal(fake_console_output(), "");
}

static void test_no_handler(void **state)
{
	(void)state;
	assert_int_equal(hc(__HYPERVISOR_platform_op, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(__HYPERVISOR_xenoprof_op, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(__HYPERVISOR_hypfs_op, 0, 0, 0), -XEN_ENOSYS);
	/* Numbers inside the table with no entry at all. */
	assert_int_equal(hc(11, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(__HYPERVISOR_arch_0, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(MOAT_NR_HYPERCALLS - 1, 0, 0, 0), -XEN_ENOSYS);
}

static void test_table_consistent(void **state)
{
	unsigned int handlers = 0;

	(void)state;
	assert_int_equal(hypercall_table_size, MOAT_NR_HYPERCALLS);
	for (unsigned int i = 0; i < hypercall_table_size; i++) {
		const struct hypercall_def *def = &hypercall_table[i];

		if (def->handler == NULL) {
			/* No handler, no permission: the gate is never reached. */
			assert_int_equal(def->perm, XSM_HC_NONE);
			continue;
		}
		handlers++;
		assert_non_null(def->name);
		assert_true(def->perm > XSM_HC_NONE && def->perm < XSM_HC_COUNT);
		/* The permission is named after the hypercall that needs it. */
		assert_string_equal(xsm_hypercall_perm_name(def->perm), def->name);
	}
	assert_true(handlers >= 3);
	assert_ptr_equal(hypercall_table[__HYPERVISOR_console_io].handler, do_console_io);
	assert_ptr_equal(hypercall_table[__HYPERVISOR_xen_version].handler, do_xen_version);
	assert_ptr_equal(hypercall_table[__HYPERVISOR_sched_op].handler, do_sched_op);
	assert_string_equal(hypercall_table[__HYPERVISOR_console_io].name, "console_io");
	assert_string_equal(xsm_hypercall_perm_name(XSM_HC_COUNT), "?");
}

static void test_gate_denies_none_perm(void **state)
{
	(void)state;
	/* The dummy module never grants the "no handler" permission. */
	assert_int_equal(xsm_hypercall(dom, XSM_HC_NONE), -XEN_EACCES);
	assert_int_equal(xsm_hypercall(dom, XSM_HC_COUNT), -XEN_EACCES);
	assert_int_equal(xsm_hypercall(dom, XSM_HC_CONSOLE_IO), 0);
}

/* ---- console_io ---------------------------------------------------------- */

static void test_console_write(void **state)
{
	static const char text[] = "hello\x01\x1b[31mworld\tX\x7f\xff\r\n";

	(void)state;
	assert_int_equal(console_write(text, sizeof(text) - 1), 0);
	assert_string_equal(fake_console_output(), "(guest) hello??[31mworld\tX??\n");
	/* A partial line waits for its newline, or for the domain to go. */
	fake_console_reset();
	assert_int_equal(console_write("part", 4), 0);
	assert_string_equal(fake_console_output(), "");
	assert_int_equal(console_write("ial\n", 4), 0);
	assert_string_equal(fake_console_output(), "(guest) partial\n");
	fake_console_reset();
	assert_int_equal(console_write("tail", 4), 0);
	console_guest_flush(dom);
	assert_string_equal(fake_console_output(), "(guest) tail\n");
	/* A guest cannot forge a hypervisor line: its own name always leads. */
	fake_console_reset();
	assert_int_equal(console_write("x\n(moat) ERROR: fake\n", 21), 0);
	assert_string_equal(fake_console_output(), "(guest) x\n(guest) (moat) ERROR: fake\n");
	/* Nothing to write. */
	fake_console_reset();
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 0, GUEST_BUF), 0);
	assert_string_equal(fake_console_output(), "");
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		n += *s == c;
	}
	return n;
}

static void test_console_write_bounded(void **state)
{
	(void)state;
	/* One call prints at most 16 KiB; long lines are cut at 160 bytes. */
	memset(gbuf, 'a', sizeof(gbuf));
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 20000, GUEST_BUF), 0);
	console_guest_flush(dom);
	assert_int_equal(count_char(fake_console_output(), 'a'), 16384);
	assert_int_equal(count_char(fake_console_output(), '\n'), (16384 + 159) / 160);
	/* The count is 32 bits: the upper half is ignored. */
	fake_console_reset();
	memcpy(gbuf, "ok\n", 3);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, (1ULL << 32) | 3, GUEST_BUF),
			 0);
	assert_string_equal(fake_console_output(), "(guest) ok\n");
}

static void test_console_write_bad_buffer(void **state)
{
	(void)state;
	/* Unmapped. */
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 4, 0x1000), -14);
	/* The hypervisor's range, even where the fake has host memory behind it. */
	fake_guest_map(HYPERVISOR_VIRT_START, gbuf, 4096);
	memcpy(gbuf, "leak\n", 5);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 5, HYPERVISOR_VIRT_START),
			 -XEN_EFAULT);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 5,
			    HYPERVISOR_VIRT_END - 4096), -XEN_EFAULT);
	/* Straddling the start of the hole above the lower half. */
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 32, 0x00007ffffffffff0ULL),
			 -XEN_EFAULT);
	/* Wrapping around the top of the address space. */
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 32, 0xfffffffffffffff0ULL),
			 -XEN_EFAULT);
	/* Running off the end of a mapped buffer. */
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 64,
			    GUEST_BUF + sizeof(gbuf) - 32), -XEN_EFAULT);
	console_guest_flush(dom);
	assert_null(strstr(fake_console_output(), "leak"));
}

static void test_console_bad_cmd(void **state)
{
	(void)state;
	assert_int_equal(hc(__HYPERVISOR_console_io, 2, 3, GUEST_BUF), -XEN_ENOSYS);
	assert_int_equal(hc(__HYPERVISOR_console_io, UINT32_MAX, 3, GUEST_BUF), -XEN_ENOSYS);
	/* cmd is an unsigned int in Xen's ABI: the upper half is ignored. */
	assert_int_equal(hc(__HYPERVISOR_console_io, (1ULL << 32) | 2, 3, GUEST_BUF), -XEN_ENOSYS);
	memcpy(gbuf, "ok\n", 3);
	assert_int_equal(hc(__HYPERVISOR_console_io, (1ULL << 32) | CONSOLEIO_write, 3, GUEST_BUF),
			 0);
	assert_string_equal(fake_console_output(), "(guest) ok\n");
}

static void test_console_read(void **state)
{
	(void)state;
	fake_console_set_input("input!", 6);
	/* Not for an unprivileged domain: nothing is consumed or copied. */
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, GUEST_BUF), -XEN_EACCES);
	assert_int_equal(fake_console_input_left(), 6);
	assert_int_equal(gbuf[0], 0);
	/* A privileged domain reads what there is, up to its count. */
	dom->privileged = true;
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 4, GUEST_BUF), 4);
	assert_memory_equal(gbuf, "inpu", 4);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, GUEST_BUF), 2);
	assert_memory_equal(gbuf, "t!", 2);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, GUEST_BUF), 0);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 0, GUEST_BUF), 0);
	/* A hypervisor address is refused before any input is taken. */
	fake_console_set_input("more", 4);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 4, HYPERVISOR_VIRT_START),
			 -XEN_EFAULT);
	assert_int_equal(fake_console_input_left(), 4);
	/* A read-only guest buffer faults on the copy out. */
	fake_guest_unmap_all();
	fake_guest_map_ro(GUEST_BUF, gbuf, sizeof(gbuf));
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 4, GUEST_BUF), -XEN_EFAULT);
}

/* ---- xen_version ----------------------------------------------------------- */

static void test_xen_version(void **state)
{
	struct xen_platform_parameters pp;
	struct xen_feature_info fi;

	(void)state;
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0), (4 << 16) | 17);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);

	/* Strings fill their fixed-size ABI buffer exactly, zero-padded. */
	memset(gbuf, 0xff, sizeof(gbuf));
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_extraversion, GUEST_BUF, 0), 0);
	assert_string_equal(gbuf, ".0-moat");
	for (size_t i = strlen(".0-moat"); i < XEN_EXTRAVERSION_LEN; i++) {
		assert_int_equal(gbuf[i], 0);
	}
	assert_int_equal((uint8_t)gbuf[XEN_EXTRAVERSION_LEN], 0xff);

	memset(gbuf, 0xff, sizeof(gbuf));
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_capabilities, GUEST_BUF, 0), 0);
	assert_string_equal(gbuf, "xen-3.0-x86_64 ");
	assert_int_equal(gbuf[XEN_CAPABILITIES_INFO_LEN - 1], 0);
	assert_int_equal((uint8_t)gbuf[XEN_CAPABILITIES_INFO_LEN], 0xff);

	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_platform_parameters, GUEST_BUF, 0), 0);
	memcpy(&pp, gbuf, sizeof(pp));
	assert_int_equal(pp.virt_start, HYPERVISOR_VIRT_START);

	fi = (struct xen_feature_info){ .submap_idx = 0, .submap = 0xdead };
	memcpy(gbuf, &fi, sizeof(fi));
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_get_features, GUEST_BUF, 0), 0);
	memcpy(&fi, gbuf, sizeof(fi));
	assert_int_equal(fi.submap_idx, 0);
	assert_int_equal(fi.submap, 1U << XENFEAT_pae_pgdir_above_4gb);
	/* Only submap 0 exists, as on Xen. */
	fi = (struct xen_feature_info){ .submap_idx = 1, .submap = 0xdead };
	memcpy(gbuf, &fi, sizeof(fi));
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_get_features, GUEST_BUF, 0),
			 -XEN_EINVAL);

	/* Unknown sub-ops, and the hypervisor command line for a domU. */
	assert_int_equal(hc(__HYPERVISOR_xen_version, 99, GUEST_BUF, 0), -XEN_ENOSYS);
	/* cmd is an int in Xen's ABI: the upper half is ignored. */
	assert_int_equal(hc(__HYPERVISOR_xen_version, (1ULL << 32) | XENVER_version, 0, 0),
			 (4 << 16) | 17);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_commandline, GUEST_BUF, 0),
			 -XEN_EACCES);
}

static void test_xen_version_bad_buffer(void **state)
{
	(void)state;
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_extraversion, 0x1000, 0),
			 -XEN_EFAULT);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_capabilities,
			    GUEST_BUF + sizeof(gbuf) - 100, 0), -XEN_EFAULT);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_platform_parameters,
			    HYPERVISOR_VIRT_START, 0), -XEN_EFAULT);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0),
			 -XEN_EFAULT);
	/* A read-only feature query faults on the copy back. */
	fake_guest_unmap_all();
	fake_guest_map_ro(GUEST_BUF, gbuf, sizeof(gbuf));
	memset(gbuf, 0, 8);
	assert_int_equal(hc(__HYPERVISOR_xen_version, XENVER_get_features, GUEST_BUF, 0),
			 -XEN_EFAULT);
}

/* ---- sched_op -------------------------------------------------------------- */

static int64_t shutdown_call(uint32_t reason)
{
	struct sched_shutdown s = { reason };

	memcpy(gbuf, &s, sizeof(s));
	return hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, GUEST_BUF, 0);
}

static void test_sched_op_bad_args(void **state)
{
	(void)state;
	assert_int_equal(shutdown_call(SHUTDOWN_soft_reset + 1), -XEN_EINVAL);
	assert_int_equal(shutdown_call(UINT32_MAX), -XEN_EINVAL);
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, 0x1000, 0), -XEN_EFAULT);
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, HYPERVISOR_VIRT_START, 0),
			 -XEN_EFAULT);
	/* SCHEDOP_block is tested with the events (test_evtchn_block). */
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_watchdog, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(__HYPERVISOR_sched_op, 1000, 0, 0), -XEN_ENOSYS);
	/* None of that touched the domain or the CPU. */
	assert_int_equal(dom->state, DOM_RUNNING);
	assert_int_equal(v->state, VCPU_RUNNABLE);
	assert_int_equal(fake_switch_count(), 0);
}

static void test_sched_op_yield(void **state)
{
	struct domain *other;

	(void)state;
	/* Alone on the CPU: a yield comes straight back. */
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
	assert_int_equal(fake_switch_count(), 0);
	/* With another vCPU runnable it runs next. */
	other = guest_make("other", false);
	sched_add(&other->vcpus[0]);
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
	assert_int_equal(fake_switch_count(), 1);
	assert_ptr_equal(fake_switch_get(0)->prev, v);
	assert_ptr_equal(fake_switch_get(0)->next, &other->vcpus[0]);
}

static void test_sched_op_shutdown(void **state)
{
	struct domain *other;

	(void)state;
	other = guest_make("other", false);
	sched_add(&other->vcpus[0]);
	assert_int_equal(console_write("bye", 3), 0);
	assert_int_equal(shutdown_call(SHUTDOWN_poweroff), 0);
	/* The unfinished line was printed, then why the domain stopped. */
	assert_non_null(strstr(fake_console_output(), "(guest) bye\n"));
	assert_non_null(strstr(fake_console_output(), "domain 1 (guest) shut down: poweroff"));
	assert_int_equal(dom->state, DOM_DYING);
	assert_int_equal(dom->shutdown_reason, SHUTDOWN_poweroff);
	assert_false(dom->crashed);
	assert_int_equal(v->state, VCPU_DEAD);
	/* It left the CPU for the other domain and is off the run queue. */
	assert_int_equal(fake_switch_count(), 1);
	assert_ptr_equal(fake_switch_get(0)->prev, v);
	assert_ptr_equal(fake_switch_get(0)->next, &other->vcpus[0]);
	assert_int_equal(domain_count_alive(), 1);
	/* Once the other vCPU runs, the dead domain is reaped. */
	resume(&other->vcpus[0]);
	assert_null(domain_by_id(1));
	assert_non_null(strstr(fake_console_output(), "domain 1 (guest) destroyed"));
	/* The other one is alone now: its yield comes straight back. */
	fake_switch_reset();
	v = &other->vcpus[0];
	assert_int_equal(hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
	assert_int_equal(fake_switch_count(), 0);
	/* Its crash goes to the idle vCPU, which reaps it. */
	assert_int_equal(shutdown_call(SHUTDOWN_crash), 0);
	assert_true(other->crashed);
	assert_true(domain_any_crashed());
	assert_ptr_equal(fake_last_switch()->next, &idle);
	resume(&idle);
	assert_int_equal(domain_count_alive(), 0);
	assert_null(domain_by_id(other->id));
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_sched_op_shutdown_twice(void **state)
{
	(void)state;
	assert_int_equal(shutdown_call(SHUTDOWN_reboot), 0);
	assert_int_equal(dom->shutdown_reason, SHUTDOWN_reboot);
	/* A second shutdown of a dying domain changes nothing. */
	assert_int_equal(shutdown_call(SHUTDOWN_crash), 0);
	assert_int_equal(dom->shutdown_reason, SHUTDOWN_reboot);
	assert_false(dom->crashed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: before anyone calls xsm_init. */
		cmocka_unit_test_setup_teardown(test_fail_closed_before_xsm_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_no_handler, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_table_consistent, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_gate_denies_none_perm, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_console_write, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_console_write_bounded, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_console_write_bad_buffer, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_console_bad_cmd, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_console_read, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_xen_version, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_xen_version_bad_buffer, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_sched_op_bad_args, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_sched_op_yield, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_sched_op_shutdown, setup_xsm, teardown),
		cmocka_unit_test_setup_teardown(test_sched_op_shutdown_twice, setup_xsm, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
