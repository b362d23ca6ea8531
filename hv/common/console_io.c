/*
 * console_io: a guest writes text to the hypervisor console (printed with
 * its name in front) or, if the policy lets it, reads console input.
 * Guest buffers are copied in bounded chunks; a bad pointer is -EFAULT.
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <public/errno.h>
#include <public/xen.h>
#include <xsm/hooks.h>

/* A single call may print at most this much; the rest is the guest's to retry. */
#define CONSOLE_IO_MAX (16 * 1024)

static int64_t console_write(struct vcpu *curr, uint64_t count, uint64_t buf)
{
	char chunk[128];
	uint64_t done = 0;

	if (count > CONSOLE_IO_MAX) {
		count = CONSOLE_IO_MAX;
	}
	if (!guest_range_ok(buf, count)) {
		return -XEN_EFAULT;
	}
	while (done < count) {
		size_t n = (size_t)MIN(count - done, sizeof(chunk));

		if (copy_from_guest(curr, chunk, guest_ptr(buf + done), n) != 0) {
			return -XEN_EFAULT;
		}
		console_guest_write(curr->domain, chunk, n);
		done += n;
	}
	return 0;
}

static int64_t console_read(struct vcpu *curr, uint64_t count, uint64_t buf)
{
	char chunk[128];
	size_t n;

	if (!guest_range_ok(buf, count)) {
		return -XEN_EFAULT;
	}
	n = arch_console_read(chunk, (size_t)MIN(count, sizeof(chunk)));
	if (n > 0 && copy_to_guest(curr, guest_ptr(buf), chunk, n) != 0) {
		return -XEN_EFAULT;
	}
	return (int64_t)n;
}

int64_t do_console_io(struct vcpu *curr, const struct hypercall_args *args)
{
	unsigned int cmd = (unsigned int)args->a[0];
	uint64_t count = (uint32_t)args->a[1];
	uint64_t buf = args->a[2];
	int rc;

	if (cmd != CONSOLEIO_write && cmd != CONSOLEIO_read) {
		return -XEN_ENOSYS;
	}
	rc = xsm_console_io(curr->domain, cmd);
	if (rc != 0) {
		return rc;
	}
	if (cmd == CONSOLEIO_write) {
		return console_write(curr, count, buf);
	}
	return console_read(curr, count, buf);
}
