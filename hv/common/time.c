/*
 * Time as guests see it: each vCPU's vcpu_time_info (the pvclock), the
 * domain's wallclock in shared_info, and each vCPU's runstate accounting
 * and its copy in guest memory. All of it is written into memory the guest
 * can read and write at any time, so nothing here ever reads a value back
 * from it and trusts it (the version fields are forced odd/even from
 * whatever the guest left there).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/timer.h>

/* Stores to guest-visible memory must not be reordered by the compiler
 * across the version updates; x86 keeps stores in order itself. */
#define compiler_barrier() __asm__ __volatile__("" ::: "memory")

#define NS_PER_SEC 1000000000ULL

/* Odd: an update is in progress (from whatever the guest wrote there). */
static uint32_t version_begin(uint32_t v)
{
	return (v + 1) | 1;
}

static uint32_t version_end(uint32_t v)
{
	return (v + 1) & ~1U;
}

/* floor(num * 2^extra / den) for a quotient that fits 64 bits, without a
 * 128-bit division (the freestanding build has no libgcc). */
static uint64_t div_scaled(uint64_t num, unsigned int extra, uint64_t den)
{
	uint64_t q = num / den, r = num % den;

	while (extra-- > 0) {
		/* r < den <= 2^50, so r << 1 cannot overflow. */
		r <<= 1;
		q <<= 1;
		if (r >= den) {
			r -= den;
			q |= 1;
		}
	}
	return q;
}

void time_scale_from_khz(uint64_t khz, uint32_t *mul, int8_t *shift)
{
	uint64_t hz;
	int s = 0;

	if (khz == 0) {
		*mul = 0;
		*shift = 0;
		return;
	}
	/* Beyond 2^40 kHz is no TSC; the clamp keeps every step in 64 bits. */
	khz = MIN(khz, 1ULL << 40);
	hz = khz * 1000;
	/*
	 * Choose the shift that brings hz * 2^s into (1e9, 2e9]; then
	 * mul = 1e9 * 2^32 / (hz * 2^s) lies in [2^31, 2^32), so ns per tick
	 * keeps 31 significant bits. The division uses the exact hz, not a
	 * shifted copy, so no bit of the frequency is lost.
	 */
	while ((hz >> -s) > 2 * NS_PER_SEC) {
		s--;	/* hz / 2^-s > 1e9 holds: the step before was > 2e9 */
	}
	while (s >= 0 && (hz << s) <= NS_PER_SEC) {
		s++;
	}
	if (s >= 0) {
		*mul = (uint32_t)((NS_PER_SEC << 32) / (hz << s));
	} else {
		*mul = (uint32_t)div_scaled(NS_PER_SEC << 32, (unsigned int)-s, hz);
	}
	*shift = (int8_t)s;
}

void time_update_vcpu(struct vcpu *v)
{
	struct vcpu_time_info *t;
	uint64_t ns0, ns1, tsc;
	uint32_t mul;
	int8_t shift;

	if (v->domain == NULL) {
		return;	/* the idle vCPU */
	}
	t = &vcpu_info_of(v)->time;
	time_scale_from_khz(arch_tsc_khz(), &mul, &shift);
	/* The TSC read between two clock reads: system_time is the middle,
	 * so the pair is off by at most half the time the reads take. */
	ns0 = arch_time_ns();
	tsc = arch_tsc_now();
	ns1 = arch_time_ns();

	t->version = version_begin(t->version);
	compiler_barrier();
	t->tsc_timestamp = tsc;
	t->system_time = ns0 + (ns1 - ns0) / 2;
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = 0;	/* no TSC_STABLE: the guest keeps its own monotonic guard */
	compiler_barrier();
	t->version = version_end(t->version);
}

void time_update_wallclock(struct domain *d)
{
	struct shared_info *s = d->shared_info;
	uint64_t sec = arch_wallclock_boot_sec();

	if (s == NULL) {
		return;
	}
	/* The time of day at system time 0: the guest adds its system time. */
	s->wc_version = version_begin(s->wc_version);
	compiler_barrier();
	s->wc_sec = (uint32_t)sec;
	s->wc_sec_hi = (uint32_t)(sec >> 32);
	s->wc_nsec = 0;
	compiler_barrier();
	s->wc_version = version_end(s->wc_version);
}

/* ---- runstate ---------------------------------------------------------------- */

void runstate_change(struct vcpu *v, unsigned int new_state)
{
	struct vcpu_runstate_info *r = &v->event.runstate;
	uint64_t now = arch_time_ns();

	if (v->domain == NULL || new_state >= RUNSTATE_COUNT) {
		return;
	}
	if ((unsigned int)r->state < RUNSTATE_COUNT && now > r->state_entry_time) {
		r->time[r->state] += now - r->state_entry_time;
	}
	r->state = (int32_t)new_state;
	r->state_entry_time = now;
}

/* Copy the area to the guest through v's address space (loaded). */
static void runstate_publish(struct vcpu *v)
{
	struct vcpu_runstate_info info = v->event.runstate;
	uint64_t addr = v->event.runstate_guest;
	uint64_t entry_addr = addr + __builtin_offsetof(struct vcpu_runstate_info, state_entry_time);
	bool flag = mm_vm_assist(v->domain, VMASST_TYPE_runstate_update_flag);
	uint64_t entry = info.state_entry_time;
	int rc = 0;

	if (addr == 0) {
		return;
	}
	/*
	 * With the update flag, the guest sees XEN_RUNSTATE_UPDATE in
	 * state_entry_time for as long as the other fields may be torn:
	 * flag on, everything, flag off.
	 */
	if (flag) {
		uint64_t busy = entry | XEN_RUNSTATE_UPDATE;

		info.state_entry_time = busy;
		rc = copy_to_guest(v, guest_ptr(entry_addr), &busy, sizeof(busy));
		compiler_barrier();
	}
	if (rc == 0) {
		rc = copy_to_guest(v, guest_ptr(addr), &info, sizeof(info));
	}
	if (rc == 0 && flag) {
		compiler_barrier();
		rc = copy_to_guest(v, guest_ptr(entry_addr), &entry, sizeof(entry));
	}
	v->event.runstate_dirty = rc != 0;
}

void runstate_update(struct vcpu *v, unsigned int new_state)
{
	if (v->domain == NULL) {
		return;
	}
	runstate_change(v, new_state);
	runstate_publish(v);
}

void runstate_retry(struct vcpu *v)
{
	if (v->domain != NULL && v->event.runstate_dirty) {
		runstate_publish(v);
	}
}

void runstate_snapshot(struct vcpu *v, struct vcpu_runstate_info *out)
{
	uint64_t now = arch_time_ns();

	*out = v->event.runstate;
	if ((unsigned int)out->state < RUNSTATE_COUNT && now > out->state_entry_time) {
		out->time[out->state] += now - out->state_entry_time;
	}
}

/*
 * The caller checked addr with guest_range_ok. As on Xen, the first copy
 * goes through the caller's address space (same domain) and a fault is not
 * an error: the area is written again at every switch.
 */
void runstate_register(struct vcpu *curr, struct vcpu *v, uint64_t addr)
{
	struct vcpu_runstate_info info;

	v->event.runstate_guest = addr;
	v->event.runstate_dirty = false;
	if (addr == 0) {
		return;
	}
	if (v == curr) {
		info = v->event.runstate;
	} else {
		runstate_snapshot(v, &info);
	}
	(void)copy_to_guest(curr, guest_ptr(addr), &info, sizeof(info));
}
