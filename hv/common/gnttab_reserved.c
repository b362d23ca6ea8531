/*
 * The console and xenstore rings a domain is born with, offered to its
 * backend the way Xen's toolstack does: grant refs GNTTAB_RESERVED_CONSOLE
 * and GNTTAB_RESERVED_XENSTORE of its table name the two ring frames
 * (read-write, to the backend's domid, 0 when the manifest names none),
 * and with a backend their event channels are unbound ports of the domain
 * for the backend, written into start_info (console.domU.evtchn,
 * store_evtchn). Runs after every domain is built and labelled, since the
 * backend may come later in the manifest and XSM judges the ports by label.
 * It must never grant a frame other than the domain's own two rings.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/xen.h>

#include "gnttab_priv.h"

int gnttab_connect_backend(struct domain *d, struct domain *backend)
{
	const struct gnttab_domain *g = &d->mm.gnt;
	domid_t be = backend != NULL ? backend->id : 0;
	evtchn_port_t cons_port = 0, store_port = 0;
	struct start_info *si;
	int rc;

	if (!g->ready || mfn_x(g->start_info) == INVALID_MFN_RAW || mfn_x(g->start_info) == 0) {
		return -XEN_EINVAL;
	}
	if (backend != NULL) {
		/* Ports first: a refusal leaves the grants unwritten. */
		rc = evtchn_alloc_unbound_port(d, backend, &cons_port);
		if (rc == 0) {
			rc = evtchn_alloc_unbound_port(d, backend, &store_port);
		}
		if (rc != 0) {
			return rc;
		}
	}
	rc = gnttab_grant_reserved(d, GNTTAB_RESERVED_CONSOLE, be, g->console_ring);
	if (rc == 0) {
		rc = gnttab_grant_reserved(d, GNTTAB_RESERVED_XENSTORE, be, g->store_ring);
	}
	if (rc != 0) {
		return rc;
	}
	si = arch_frame_map(g->start_info);
	si->console.domU.evtchn = cons_port;
	si->store_evtchn = store_port;
	return 0;
}
