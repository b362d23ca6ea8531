/*
 * The FIFO ABI's sub-ops: EVTCHNOP_init_control registers a vCPU's control
 * block (the first one switches the domain from 2-level to FIFO),
 * EVTCHNOP_expand_array adds an event-array page, EVTCHNOP_set_priority
 * picks a port's queue; and evtchn_fifo_destroy, which undoes them all.
 *
 * Security: as for vcpu_info (vcpu_info.c), a PV guest names its frames by
 * machine frame number, and each must be the domain's own ordinary RAM,
 * never shared_info and never a page or descriptor table, for as long as
 * the hypervisor writes it: mm_hold_writable_page gives both (a WRITABLE
 * type reference), and is the last check of each op, so a refused op
 * changes nothing. The number of array pages is bounded by the domain's
 * port limit, so the holds a domain can take are bounded too (one per vCPU
 * plus EVTCHN_FIFO_MAX_PAGES, within MM_HELD_MAX: else -ENOSPC).
 * No XSM hook: the ops act on the caller's own frames and ports only.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <public/errno.h>

/* Ports the domain may use, hence how far its array may grow. */
static unsigned int port_limit(const struct domain *d)
{
	uint32_t n = d->event.max_ports != 0 ? d->event.max_ports : EVTCHN_DEFAULT_PORTS;

	return n < EVTCHN_MAX_PORTS ? n : EVTCHN_MAX_PORTS;
}

static unsigned int max_pages(const struct domain *d)
{
	return (port_limit(d) + EVTCHN_FIFO_WORDS_PER_PAGE - 1U) / EVTCHN_FIFO_WORDS_PER_PAGE;
}

/* Hold m writable for d (not shared_info): 0 or -errno, all or nothing. */
static int hold_frame(struct domain *d, uint64_t raw)
{
	if (mfn_eq(mfn(raw), d->shared_info_mfn)) {
		return -XEN_EINVAL;	/* ours to lay out */
	}
	return mm_hold_writable_page(d, mfn(raw));
}

/*
 * The switch from 2-level: every bound port gets the default priority and
 * a fresh "last queue"; the ports pending in shared_info move to the
 * early bitmap (no array page exists yet) and are raised again as
 * expand_array adds their page, so no event is lost in the move.
 */
static void switch_to_fifo(struct domain *d)
{
	memset(d->event.fifo.early, 0, sizeof(d->event.fifo.early));
	for (evtchn_port_t p = 1; p < port_limit(d); p++) {
		struct evtchn *chn = evtchn_get(d, p);

		if (chn == NULL) {
			continue;
		}
		/* Closed ports keep their last queue across close (evtchn.c):
		 * a new FIFO session starts every port on no queue. */
		chn->fifo_last_vcpu = 0;
		chn->fifo_last_priority = 0;
		if (chn->state == ECS_FREE) {
			continue;
		}
		evtchn_fifo_priority_set(chn, EVTCHN_FIFO_PRIORITY_DEFAULT);
		/* Moved, not copied: a bit left in shared_info would outlive
		 * the port's close under FIFO and, after EVTCHNOP_reset back to
		 * 2-level, raise a spurious event on whatever port p became
		 * (found by fuzz/fuzz_evtchn; fuzz/regress/fuzz_evtchn). */
		if (evtchn_2l_is_pending(d, p)) {
			d->event.fifo.early[p / 64U] |= 1ULL << (p % 64U);
			evtchn_2l_clear_pending(d, p);
		}
	}
	d->event.abi = EVTCHN_ABI_FIFO;
}

int64_t evtchn_fifo_op_init_control(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_init_control ic;
	struct vcpu *v;
	uint8_t *page;
	size_t offset;
	int rc;

	if (copy_from_guest(curr, &ic, guest_ptr(arg), sizeof(ic)) != 0) {
		return -XEN_EFAULT;
	}
	if (ic.vcpu >= d->vcpu_count) {
		return -XEN_ENOENT;
	}
	v = &d->vcpus[index_nospec(ic.vcpu, d->vcpu_count)];
	/* Within the page and 8-byte aligned (what Xen has always required). */
	if (ic.offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
	    !IS_ALIGNED(ic.offset, 8U)) {
		return -XEN_EINVAL;
	}
	if (v->event.fifo.cb != NULL) {
		return -XEN_EINVAL;	/* once per vCPU, as on Xen */
	}
	/* The output, before anything changes: a read-only argument fails
	 * here. The guest may read link_bits only on success anyway. */
	ic.link_bits = EVTCHN_FIFO_LINK_BITS;
	if (copy_to_guest(curr, guest_ptr(arg), &ic, sizeof(ic)) != 0) {
		return -XEN_EFAULT;
	}
	rc = hold_frame(d, ic.control_gfn);
	if (rc != 0) {
		return rc;
	}

	/* Commit. */
	offset = index_nospec(ic.offset, PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) + 1U);
	page = arch_frame_map(mfn(ic.control_gfn));
	v->event.fifo.cb_mfn = mfn(ic.control_gfn);
	v->event.fifo.cb = (struct evtchn_fifo_control_block *)(page + offset);
	memset(v->event.fifo.tail, 0, sizeof(v->event.fifo.tail));
	if (d->event.abi != EVTCHN_ABI_FIFO) {
		switch_to_fifo(d);
	}
	return 0;
}

int64_t evtchn_fifo_op_expand_array(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_fifo_domain *f = &d->event.fifo;
	struct evtchn_expand_array ea;
	evtchn_port_t first, end;
	unsigned int slot;
	int rc;

	if (copy_from_guest(curr, &ea, guest_ptr(arg), sizeof(ea)) != 0) {
		return -XEN_EFAULT;
	}
	if (d->event.abi != EVTCHN_ABI_FIFO) {
		return -XEN_EOPNOTSUPP;
	}
	if (f->nr_pages >= max_pages(d)) {
		return -XEN_ENOSPC;
	}
	rc = hold_frame(d, ea.array_gfn);
	if (rc != 0) {
		return rc;
	}

	/* Commit: the page, then the ports that were raised without it. */
	slot = (unsigned int)index_nospec(f->nr_pages, EVTCHN_FIFO_MAX_PAGES);
	f->array_mfn[slot] = mfn(ea.array_gfn);
	f->array[slot] = arch_frame_map(mfn(ea.array_gfn));
	f->nr_pages++;
	first = slot * EVTCHN_FIFO_WORDS_PER_PAGE;
	end = first + EVTCHN_FIFO_WORDS_PER_PAGE;
	for (evtchn_port_t p = first; p < end && p < port_limit(d); p++) {
		uint64_t *e = &f->early[p / 64U];
		struct evtchn *chn;

		if ((*e & (1ULL << (p % 64U))) == 0) {
			continue;
		}
		*e &= ~(1ULL << (p % 64U));
		chn = evtchn_get(d, p);
		if (chn != NULL && chn->state != ECS_FREE && chn->state != ECS_RESERVED) {
			evtchn_fifo_set_pending(d, evtchn_notify_vcpu(d, chn), p);
		}
	}
	return 0;
}

int64_t evtchn_fifo_op_set_priority(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_set_priority sp;
	struct evtchn *chn;

	if (copy_from_guest(curr, &sp, guest_ptr(arg), sizeof(sp)) != 0) {
		return -XEN_EFAULT;
	}
	/* Xen's order: a bad port, then no FIFO, then a bad priority. */
	chn = sp.port < port_limit(d) ? evtchn_get(d, sp.port) : NULL;
	if (chn == NULL) {
		return -XEN_EINVAL;
	}
	if (d->event.abi != EVTCHN_ABI_FIFO) {
		return -XEN_ENOSYS;
	}
	if (sp.priority > EVTCHN_FIFO_PRIORITY_MIN) {
		return -XEN_EINVAL;
	}
	/* For the next time it is linked: a port already on a queue stays. A
	 * free port's value is dropped when it is bound (a fresh entry). */
	evtchn_fifo_priority_set(chn, sp.priority);
	return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
	struct evtchn_fifo_domain *f = &d->event.fifo;

	for (unsigned int i = 0; i < MAX_VCPUS_PER_DOM; i++) {
		struct evtchn_fifo_vcpu *fv = &d->vcpus[i].event.fifo;

		if (fv->cb != NULL) {
			mm_release_writable_page(d, fv->cb_mfn);
		}
		memset(fv, 0, sizeof(*fv));
	}
	for (unsigned int i = 0; i < f->nr_pages && i < EVTCHN_FIFO_MAX_PAGES; i++) {
		mm_release_writable_page(d, f->array_mfn[i]);
	}
	memset(f, 0, sizeof(*f));
	d->event.abi = EVTCHN_ABI_2L;
}
