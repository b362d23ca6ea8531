/*
 * hcfuzz_ev.c: calls of the event, grant, vCPU and scheduler families:
 * event_channel_op, grant_table_op, vcpu_op, sched_op, set_timer_op.
 *
 * What keeps the fuzzer alive here: FIFO control blocks and arrays, grant
 * copy destinations and the frames our own grants name are scratch, sink
 * or frames that must be refused; the runstate area is only ever the sink,
 * the scratch region or a refused address; vcpu_info moves only to its
 * own page (the loop follows it); sched_op never shuts us down (a valid
 * shutdown struct carries a reason past SHUTDOWN_soft_reset), never arms a
 * watchdog, never names us for remote_shutdown, never polls without a
 * near timeout, and never blocks here (the loop's own BLOCK shape does,
 * with a timer armed); VCPUOP_down never names vCPU 0.
 */
#include "hcfuzz.h"

/* A structure of `size` bytes, built; the pointer the call gets. Inputs
 * only ever come from a built structure, our read-only pattern page (text
 * that decodes to huge numbers) or refused addresses. */
static uint64_t in_struct(const void *s, size_t size)
{
	return hf_ptr(s, size, HF_P_RO);
}

static uint32_t vcpu_id(void)
{
	static const uint32_t ids[] = { 1, 31, 32, 127, 0x7fffffff, ~0U };

	return hf_below(4) ? 0 : ids[hf_below(ARRAY_SIZE(ids))];
}

static void evtchn_struct(uint32_t cmd, uint8_t *s, struct hf_call *c)
{
	union {
		struct evtchn_alloc_unbound au;
		struct evtchn_bind_interdomain bi;
		struct evtchn_bind_virq bv;
		struct evtchn_bind_ipi ip;
		struct evtchn_close cl;
		struct evtchn_status st;
		struct evtchn_bind_vcpu bc;
		struct evtchn_reset rs;
		struct evtchn_init_control ic;
		struct evtchn_expand_array ea;
		struct evtchn_set_priority sp;
	} *u = (void *)s;

	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		u->bi.remote_dom = hf_domid();
		u->bi.remote_port = hf_port();
		c->post = HF_POST_PORT;
		c->post_arg = (uint64_t)&u->bi.local_port;
		break;
	case EVTCHNOP_bind_virq:
		u->bv.virq = hf_below(4) ? (uint32_t)hf_below(NR_VIRQS) : hf_edge32();
		u->bv.vcpu = vcpu_id();
		c->post = HF_POST_PORT;
		c->post_arg = (uint64_t)&u->bv.port;
		break;
	case EVTCHNOP_bind_ipi:
		u->ip.vcpu = vcpu_id();
		c->post = HF_POST_PORT;
		c->post_arg = (uint64_t)&u->ip.port;
		break;
	case EVTCHNOP_alloc_unbound:
		u->au.dom = hf_below(2) ? DOMID_SELF : hf_domid();
		u->au.remote_dom = hf_domid();
		c->post = HF_POST_PORT;
		c->post_arg = (uint64_t)&u->au.port;
		break;
	case EVTCHNOP_close:
		u->cl.port = hf_port();
		c->post = HF_POST_CLOSE;
		c->post_arg = u->cl.port;
		break;
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
		u->cl.port = hf_port();	/* send and unmask share close's layout */
		break;
	case EVTCHNOP_status:
		u->st.dom = hf_domid();
		u->st.port = hf_port();
		break;
	case EVTCHNOP_bind_vcpu:
		u->bc.port = hf_port();
		u->bc.vcpu = vcpu_id();
		break;
	case EVTCHNOP_reset:
		u->rs.dom = hf_domid();
		c->post = HF_POST_RESET;
		c->post_arg = u->rs.dom;
		break;
	case EVTCHNOP_init_control:
		/* Not shared_info: the control block would scramble our
		 * vCPU's time (our timeouts) and event bits. */
		u->ic.control_gfn = hf_mfn(HF_M_DST | HF_M_LIVEPT);
		u->ic.offset = hf_below(4) ? (uint32_t)hf_below(RT_PAGE_SIZE / 8) * 8 : hf_edge32();
		u->ic.vcpu = vcpu_id();
		break;
	case EVTCHNOP_expand_array:
		u->ea.array_gfn = hf_mfn(HF_M_DST | HF_M_LIVEPT);
		break;
	case EVTCHNOP_set_priority:
		u->sp.port = hf_port();
		u->sp.priority = hf_below(4) ? (uint32_t)hf_below(17) : hf_edge32();
		break;
	default:
		break;	/* bind_pirq, reset_cont and unknown: the random fill */
	}
}

void hf_gen_event_channel_op(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_subop(15);
	uint8_t *s = hf_alloc(32);

	(void)in_mc;
	c->nr = __HYPERVISOR_event_channel_op;
	c->a[0] = cmd;
	if (s != NULL) {
		evtchn_struct(cmd, s, c);
	}
	c->a[1] = in_struct(s, 32);
	if (c->a[1] != (uint64_t)s) {
		c->post = HF_POST_NONE;
	}
}

/* ---- grant tables ------------------------------------------------------ */

/* Scribble on a few of our own grant entries: frames a copy may write. */
static void scribble_grants(void)
{
	unsigned int n = 1 + (unsigned int)hf_below(4);

	for (unsigned int i = 0; i < n && rt_gnt_table; i++) {
		grant_ref_t ref = (grant_ref_t)(RT_GNT_FIRST_FREE +
						hf_below(RT_GNT_PER_FRAME - RT_GNT_FIRST_FREE));
		volatile struct grant_entry_v1 *e = &rt_gnt_table[ref];
		domid_t dom = hf_below(2) ? hf.peer : hf_below(2) ? hf.self : hf_domid();

		e->domid = dom == DOMID_SELF ? hf.self : dom;
		e->frame = (uint32_t)hf_mfn(HF_M_DST);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		e->flags = (uint16_t)(hf_below(4) ? GTF_permit_access | (hf_below(2) ? GTF_readonly : 0)
						  : hf_rand());
	}
}

static void copy_end(struct gnttab_copy_ptr *p, bool by_ref, bool dest)
{
	p->domid = hf_domid();
	p->offset = (uint16_t)(hf_below(4) ? hf_below(RT_PAGE_SIZE) : hf_rand());
	if (by_ref) {
		p->u.ref = hf_gref();
	} else if (dest) {
		/* Written: only frames whose contents we never rely on. */
		p->u.gmfn = hf_mfn(HF_M_DST | HF_M_LIVEPT);
	} else {
		p->u.gmfn = hf_mfn(HF_M_DST | HF_M_LIVEPT | HF_M_SHINFO | HF_M_GNT);
	}
}

static void gnttab_one(uint32_t cmd, uint8_t *s)
{
	union {
		struct gnttab_map_grant_ref map;
		struct gnttab_unmap_grant_ref unmap;
		struct gnttab_copy copy;
	} *u = (void *)s;
	uint32_t flags;

	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		flags = hf_below(4) ? GNTMAP_host_map | (uint32_t)(hf_rand() & 0x3d) : hf_edge32();
		u->map.flags = flags;
		u->map.ref = hf_gref();
		u->map.dom = hf_domid();
		/* With contains_pte the address is a PTE's machine address:
		 * the scratch L1's or one that must be refused. */
		u->map.host_addr = (flags & GNTMAP_contains_pte)
					   ? (hf_mfn(HF_M_TREE | HF_M_SCRATCH | HF_M_FOREIGN | HF_M_EDGE)
					      << 12) + hf_below(512) * 8
					   : hf_map_va();
		break;
	case GNTTABOP_unmap_grant_ref:
		u->unmap.host_addr = hf_map_va();
		u->unmap.dev_bus_addr = hf_below(2) ? 0 : hf_rand();
		u->unmap.handle = hf_below(2) ? (uint32_t)hf_below(64) : hf_edge32();
		break;
	case GNTTABOP_copy:
		copy_end(&u->copy.source, hf_below(2), false);
		copy_end(&u->copy.dest, hf_below(2), true);
		u->copy.len = (uint16_t)(hf_below(4) ? hf_below(RT_PAGE_SIZE + 1) : hf_rand());
		u->copy.flags = (uint16_t)(hf_below(4) ? hf_below(8) : hf_rand());
		if (u->copy.flags & GNTCOPY_source_gref) {
			u->copy.source.u.ref = hf_gref();
		}
		if (u->copy.flags & GNTCOPY_dest_gref) {
			u->copy.dest.u.ref = hf_gref();
		} else {
			u->copy.dest.u.gmfn = hf_mfn(HF_M_DST | HF_M_LIVEPT);
		}
		break;
	default:
		break;
	}
}

void hf_gen_grant_table_op(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_subop(13), n = 1 + (uint32_t)hf_below(4), count = 1;
	size_t size = 64;
	uint8_t *s;

	(void)in_mc;
	if (hf_one_in(4)) {
		scribble_grants();
	}
	c->nr = __HYPERVISOR_grant_table_op;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
	case GNTTABOP_copy:
		size = cmd == GNTTABOP_map_grant_ref ? sizeof(struct gnttab_map_grant_ref)
		       : cmd == GNTTABOP_copy	      ? sizeof(struct gnttab_copy)
						      : sizeof(struct gnttab_unmap_grant_ref);
		s = hf_batch(n, size, &count);
		for (uint32_t i = 0; s != NULL && i < n; i++) {
			gnttab_one(cmd, s + i * size);
		}
		break;
	case GNTTABOP_setup_table: {
		struct gnttab_setup_table *st = hf_alloc(sizeof(*st));
		uint32_t nr = hf_below(4) ? (uint32_t)hf_below(5) : hf_edge32();
		void *list = hf_alloc(8 * 8);

		s = (uint8_t *)st;
		if (st != NULL) {
			st->dom = hf_domid();
			st->nr_frames = nr;
			st->frame_list = hf_ptr(list, nr < 8 ? nr * 8 : 64,
						HF_P_RO | HF_P_SINK | HF_P_SCRATCH);
		}
		break;
	}
	case GNTTABOP_query_size:
	case GNTTABOP_get_version:
	case GNTTABOP_set_version:
	case GNTTABOP_get_status_frames: {
		s = hf_alloc(size);
		if (s != NULL && cmd == GNTTABOP_set_version) {
			((struct gnttab_set_version *)s)->version = hf_below(4) ? (uint32_t)hf_below(4)
										: hf_edge32();
		} else if (s != NULL && cmd == GNTTABOP_get_status_frames) {
			struct gnttab_get_status_frames *g = (void *)s;

			g->nr_frames = hf_below(4) ? (uint32_t)hf_below(3) : hf_edge32();
			g->dom = hf_domid();
			g->frame_list = hf_ptr(hf_alloc(16), 16, HF_P_RO | HF_P_SINK);
		} else if (s != NULL) {
			((struct gnttab_query_size *)s)->dom = hf_domid();
		}
		break;
	}
	default:
		s = hf_alloc(size);
		break;
	}
	if (cmd >= GNTTABOP_setup_table && cmd != GNTTABOP_copy) {
		count = hf_below(8) ? 1 : hf_count(1);
	}
	c->a[0] = hf_below(32) ? cmd : cmd | (hf_rand() << 12);
	c->a[1] = in_struct(s, size);
	c->a[2] = count;
}

/* ---- vCPU --------------------------------------------------------------- */

/* Where the hypervisor may write a vCPU's runstate or time at any moment. */
static uint64_t async_area(void)
{
	switch (hf_below(4)) {
	case 0:
		return 0;	/* unregisters */
	case 1:
		return hf_ptr(NULL, 64, HF_P_SCRATCH | HF_P_RO);
	default:
		return (uint64_t)hf.sink + hf_below(HF_SINK_PAGES * RT_PAGE_SIZE - 64);
	}
}

void hf_gen_vcpu_op(struct hf_call *c, bool in_mc)
{
	uint32_t cmd = hf_subop(14);
	uint64_t *s = hf_alloc(64);
	struct vcpu_register_vcpu_info *vi = (void *)s;

	(void)in_mc;
	c->nr = __HYPERVISOR_vcpu_op;
	c->a[0] = cmd;
	c->a[1] = vcpu_id();
	if (cmd == VCPUOP_down && c->a[1] == 0) {
		c->a[1] = 1;	/* taking vCPU 0 down would stop us for good */
	}
	if (s == NULL) {
		c->a[2] = hf_bad_ptr(64);
		return;
	}
	switch (cmd) {
	case VCPUOP_register_runstate_memory_area:
	case VCPUOP_register_vcpu_time_memory_area:
		s[0] = async_area();
		break;
	case VCPUOP_set_periodic_timer:
		s[0] = hf_below(2) ? 1000000 + hf_below(50000000) : hf_edge64();
		break;
	case VCPUOP_set_singleshot_timer:
		s[0] = hf_time();
		s[1] = hf_below(2) ? hf_below(2) : hf_rand();
		break;
	case VCPUOP_register_vcpu_info:
		/* Its own page (the loop follows the move) or frames the
		 * hypervisor must refuse: never a frame we live on. */
		vi->mfn = hf_below(2) ? hf.vcpu_page_mfn
				      : hf_mfn(HF_M_SHINFO | HF_M_LIVEPT | HF_M_FOREIGN | HF_M_EDGE);
		vi->offset = hf_below(2) ? (uint32_t)hf_below(RT_PAGE_SIZE / 64) * 64 : hf_edge32();
		vi->rsvd = hf_below(4) ? 0 : (uint32_t)hf_rand();
		c->post = HF_POST_VCPU_INFO;
		c->post_arg = (uint64_t)vi;
		c->dirty = HF_D_MASK;
		break;
	default:
		break;	/* outputs (runstate info) and ignored inputs: random */
	}
	switch (cmd) {
	case VCPUOP_get_runstate_info:
	case VCPUOP_get_physid:
		c->a[2] = hf_ptr(s, 64, HF_P_RO | HF_P_SINK | HF_P_SCRATCH);
		break;
	default:
		c->a[2] = in_struct(s, 64);
		break;
	}
	if (c->a[2] != (uint64_t)s) {
		c->post = HF_POST_NONE;
	}
}

/* ---- scheduler and timers ----------------------------------------------- */

void hf_gen_sched_op(struct hf_call *c, bool in_mc)
{
	static const uint32_t cmds[] = {
		SCHEDOP_yield, SCHEDOP_yield, SCHEDOP_poll, SCHEDOP_poll, SCHEDOP_poll,
		SCHEDOP_shutdown, SCHEDOP_remote_shutdown, SCHEDOP_shutdown_code, SCHEDOP_watchdog,
		7, 8, 99,
	};
	uint32_t cmd = cmds[hf_below(ARRAY_SIZE(cmds))];
	uint32_t *s = hf_alloc(32);
	struct rt_sched_poll *p = (void *)s;
	evtchn_port_t *ports;
	uint32_t nr;

	(void)in_mc;
	c->nr = __HYPERVISOR_sched_op;
	if (cmd == 99) {
		/* Unknown sub-ops, never 1-6 (block, shutdown, watchdog...). */
		do {
			cmd = hf_edge32();
		} while (cmd >= SCHEDOP_block && cmd <= SCHEDOP_watchdog);
	}
	c->a[0] = cmd;
	if (s == NULL) {
		c->a[1] = hf_bad_ptr(24);
		return;
	}
	switch (cmd) {
	case SCHEDOP_poll:
		nr = hf_below(4) ? (uint32_t)hf_below(5) : hf_below(2) ? 128 + (uint32_t)hf_below(3)
									: hf_edge32();
		ports = hf_alloc(8 * sizeof(*ports));
		for (uint32_t i = 0; ports != NULL && i < 8; i++) {
			ports[i] = hf_port();
		}
		p->ports = hf_ptr(ports, 8 * sizeof(*ports), HF_P_RO);
		p->nr_ports = nr;
		/* Never 0 (no timeout) and never far: the poll must return. */
		p->timeout = hf_below(8) ? hf.last_time + hf_below(200000)
					 : hf_below(2) ? 1 + hf_below(hf.last_time + 1)
						       : hf.last_time + hf_below(2000000);
		if (p->timeout == 0) {
			p->timeout = 1;
		}
		c->a[1] = hf_below(8) ? (uint64_t)p : hf_bad_ptr(24);
		break;
	case SCHEDOP_shutdown:
	case SCHEDOP_watchdog:
		/* Only what must be refused: a bad pointer, or (shutdown) a
		 * reason past SHUTDOWN_soft_reset. */
		s[0] = SHUTDOWN_soft_reset + 1 + (uint32_t)hf_below(~0U - SHUTDOWN_soft_reset - 1);
		c->a[1] = cmd == SCHEDOP_shutdown && hf_below(2) ? (uint64_t)s : hf_bad_ptr(4);
		break;
	case SCHEDOP_remote_shutdown:
		((domid_t *)s)[0] = hf_other_domid();
		s[1] = hf_below(6);
		c->a[1] = hf_below(4) ? (uint64_t)s : hf_bad_ptr(8);
		break;
	default:
		c->a[1] = hf_ptr(s, 32, HF_P_RO);	/* yield ignores it; shutdown_code records */
		break;
	}
}

void hf_gen_set_timer_op(struct hf_call *c, bool in_mc)
{
	(void)in_mc;
	c->nr = __HYPERVISOR_set_timer_op;
	c->a[0] = hf_time();
}
