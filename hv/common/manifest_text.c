/*
 * The boot manifest as canonical text, for measured boot: what the
 * hypervisor will act on, written the same way whatever spelling the
 * command lines used (defaults filled in, sizes in bytes, keys in one
 * order). A verifier reads it back from the event log. Portable; writes
 * only into the caller's buffer and never fails (the text is cut to fit,
 * and the caller measures what was written).
 */
#include <hv/lib.h>
#include <hv/manifest.h>

/* Append to buf at *at, keeping *at <= size - 1. */
static void put(char *buf, size_t size, size_t *at, const char *fmt, ...) __printf(4, 5);

static void put(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at + 1 >= size) {
		return;
	}
	va_start(ap, fmt);
	n = fmt_vsnprintf(buf + *at, size - *at, fmt, ap);
	va_end(ap);
	*at = MIN(*at + (size_t)n, size - 1);
}

size_t manifest_domain_text(const struct manifest_domain *md, unsigned int domid, char *buf,
			    size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	put(buf, size, &at, "domid=%u name=%s label=%s mem=%lu vcpus=%u priv=%s", domid, md->name,
	    md->label[0] != '\0' ? md->label : "-", (unsigned long)md->mem, md->vcpus,
	    md->privileged ? "yes" : "no");
	put(buf, size, &at, " evtchn_ports=%u grant_frames=%u maptrack=%u backend=%s",
	    md->evtchn_ports, md->grant_frames, md->maptrack,
	    md->backend[0] != '\0' ? md->backend : "-");
	return at;
}

size_t manifest_text(const struct manifest *m, char *buf, size_t size)
{
	size_t at;

	buf[0] = '\0';
	at = manifest_options_text(&m->opts, buf, size);
	if (m->policy_module >= 0) {
		put(buf, size, &at, "; policy=module %d", m->policy_module);
	} else {
		put(buf, size, &at, "; policy=none");
	}
	for (unsigned int i = 0; i < m->domain_count; i++) {
		const struct manifest_domain *md = &m->domains[i];

		put(buf, size, &at, "; kernel=module %d initrd=", md->kernel_module);
		if (md->initrd_module >= 0) {
			put(buf, size, &at, "module %d ", md->initrd_module);
		} else {
			put(buf, size, &at, "none ");
		}
		at += manifest_domain_text(md, i + 1, buf + at, size - at);
	}
	return at;
}

/* verify/wp proves it reads only inside line's string and returns a
 * string inside it. */
/*@ requires valid_read_string(line);
    assigns \nothing;
    ensures valid_read_string(\result); */
const char *manifest_module_args(const char *line)
{
	const char *p = line;
	const char *word;
	bool has_eq = false;
	/*@ ghost size_t k = 0; */

	/*@ loop invariant p == line + k && 0 <= k <= mstrlen(line);
	    loop assigns p, k;
	    loop variant mstrlen(line) - k; */
	while (*p == ' ' || *p == '\t') {
		p++;
		/*@ ghost k++; */
	}
	word = p;
	/*@ ghost size_t w = k; */
	/*@ loop invariant p == line + k && w <= k <= mstrlen(line) && word == line + w;
	    loop assigns p, k, has_eq;
	    loop variant mstrlen(line) - k; */
	while (*p != '\0' && *p != ' ' && *p != '\t') {
		has_eq |= *p == '=';
		p++;
		/*@ ghost k++; */
	}
	if (has_eq || p == word || (p - word == 2 && word[0] == '-' && word[1] == '-')) {
		return word;
	}
	/*@ loop invariant p == line + k && w <= k <= mstrlen(line);
	    loop assigns p, k;
	    loop variant mstrlen(line) - k; */
	while (*p == ' ' || *p == '\t') {
		p++;
		/*@ ghost k++; */
	}
	return p;
}
