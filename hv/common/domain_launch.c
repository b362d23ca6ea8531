/*
 * What is measured is what runs. Measured boot records each domain's launch
 * parameters from the manifest (measure_boot.c) before anything is built;
 * this file reads the same parameters back from the domain as built and
 * compares the two canonical texts, so a builder that gives a domain
 * anything other than what PCR 20 says (another vCPU count, memory size,
 * label, limit or backend) stops the boot instead of running unmeasured.
 * Portable; it reads the domain and never changes it.
 */
#include <hv/domain.h>
#include <hv/grant.h>
#include <hv/lib.h>

void domain_launch_params(const struct domain *d, struct manifest_domain *out)
{
	const struct domain *be = d->backend != 0 ? domain_by_id(d->backend) : NULL;

	memset(out, 0, sizeof(*out));
	str_lcpy(out->name, d->name, sizeof(out->name));
	str_lcpy(out->label, d->label, sizeof(out->label));
	out->mem = d->max_pages << PAGE_SHIFT;
	out->vcpus = d->vcpu_count;
	out->privileged = d->privileged;
	out->evtchn_ports = d->event.max_ports;
	out->grant_frames = d->mm.gnt.max_frames;
	out->maptrack = d->mm.gnt.maptrack_max;
	if (be != NULL) {
		str_lcpy(out->backend, be->name, sizeof(out->backend));
	} else if (d->backend != 0) {
		/* A backend id that names no domain: never equal to a name. */
		str_lcpy(out->backend, "?", sizeof(out->backend));
	}
}

static char measured_text[512], running_text[512];

bool domain_launch_matches(const struct domain *d, const struct manifest_domain *md)
{
	struct manifest_domain got;

	domain_launch_params(d, &got);
	manifest_domain_text(md, d->id, measured_text, sizeof(measured_text));
	manifest_domain_text(&got, d->id, running_text, sizeof(running_text));
	if (strcmp(measured_text, running_text) == 0) {
		return true;
	}
	printk(LOG_ERR, "domain %u (%s): what was measured is not what would run", d->id, d->name);
	printk(LOG_ERR, "  measured: %s", measured_text);
	printk(LOG_ERR, "  built:    %s", running_text);
	return false;
}
