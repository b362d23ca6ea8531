/*
 * A fake guest address space for copy_from_guest/copy_to_guest: tests
 * register guest-virtual ranges backed by host buffers. The same checks as
 * the real copies come first (guest_range_ok), and anything not registered
 * faults. A copy that runs off its ranges stops there, as a real fault
 * would, having copied what lay before.
 */
#include <fake_arch.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <public/errno.h>

#include "fake_internal.h"

struct guest_range {
	uint64_t va;
	size_t len;
	uint8_t *host;
	bool ro;
};

static struct guest_range ranges[FAKE_GUEST_MAX_RANGES];
static unsigned int range_count;
static unsigned int faults;

static void map(uint64_t va, void *host, size_t len, bool ro)
{
	if (range_count == FAKE_GUEST_MAX_RANGES || len == 0 || va + len < va) {
		fake_fatal("fake guest: cannot map [0x%llx,+%zu)", (unsigned long long)va, len);
	}
	ranges[range_count++] = (struct guest_range){ va, len, host, ro };
}

void fake_guest_map(uint64_t va, void *host, size_t len)
{
	map(va, host, len, false);
}

void fake_guest_map_ro(uint64_t va, void *host, size_t len)
{
	map(va, host, len, true);
}

void fake_guest_unmap_all(void)
{
	range_count = 0;
}

unsigned int fake_guest_fault_count(void)
{
	return faults;
}

void fake_guest_records_reset(void)
{
	range_count = 0;
	faults = 0;
}

/* The range holding va (the latest registered wins), or NULL. */
static struct guest_range *lookup(uint64_t va)
{
	for (unsigned int i = range_count; i-- > 0;) {
		if (va >= ranges[i].va && va - ranges[i].va < ranges[i].len) {
			return &ranges[i];
		}
	}
	return NULL;
}

/* Copy between host buf and guest va; to_guest picks the direction. */
static int guest_copy(uint64_t va, uint8_t *buf, size_t len, bool to_guest)
{
	if (!guest_range_ok(va, len)) {
		faults++;
		return -XEN_EFAULT;
	}
	while (len > 0) {
		struct guest_range *r = lookup(va);
		size_t off, n;

		if (r == NULL || (to_guest && r->ro)) {
			faults++;
			return -XEN_EFAULT;
		}
		off = (size_t)(va - r->va);
		n = MIN(len, r->len - off);
		if (to_guest) {
			memcpy(r->host + off, buf, n);
		} else {
			memcpy(buf, r->host + off, n);
		}
		va += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct vcpu *curr, void *dst, const void __guest *src, size_t len)
{
	(void)curr;
	return guest_copy((uint64_t)(uintptr_t)src, dst, len, false);
}

int copy_to_guest(struct vcpu *curr, void __guest *dst, const void *src, size_t len)
{
	(void)curr;
	return guest_copy((uint64_t)(uintptr_t)dst, (uint8_t *)(uintptr_t)src, len, true);
}
