/*
 * Hosted figure for issue 14, finding 1: the TLB flushes the reuse rule
 * (a frame given back is handed out again only after every TLB that may
 * still map it has flushed, hv/tlb_clock.h) costs per
 * decrease_reservation/populate_physmap pair. The real hv/common code on
 * the fake machine, built -O2 without sanitizers; the fake machine never
 * reloads CR3 on its own, so every flush counted here is one the rule
 * forced (on hardware a context switch in between makes it free).
 *
 *   tlb_bench [RESULTS.tsv]
 *
 *   MOAT-BENCH tlb_flush_per_1000_pairs_near N   decrease 1 + populate 1 (the
 *                                                 P2M already has the tables)
 *   MOAT-BENCH tlb_flush_per_1000_pairs_far N    decrease 3 + populate 1 far
 *                                                 pfn (new P2M table frames)
 *   MOAT-BENCH tlb_flush_per_1000_batches_64 N   decrease 64 + populate 64
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fake_arch.h>
#include <fake_mm.h>
#include <hv/domain.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/mm.h>
#include <hv/p2m.h>
#include <hv/tlb_clock.h>
#include <public/memory.h>
#include <public/xen.h>

#define RUNS  1000

#define FRAMES 4096
#define POOL   256
#define GVA    0x400000ULL

static uint8_t gbuf[8192];
static struct domain *d;
static mfn_t pool[POOL];
static uint64_t next_pfn = 1;

static int64_t reservation(unsigned int cmd, uint64_t *ext, unsigned int n)
{
	struct xen_memory_reservation r = {
		.extent_start = GVA + 1024, .nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
	};
	struct hypercall_args args = { { cmd, GVA, 0, 0, 0, 0 } };
	int64_t rc;

	memcpy(gbuf, &r, sizeof(r));
	memcpy(gbuf + 1024, ext, n * sizeof(*ext));
	/* A preempted batch is re-issued with its rest, as the guest would. */
	while ((rc = do_memory_op(&d->vcpus[0], &args)) == HYPERCALL_CONTINUE) {
		memcpy(args.a, d->vcpus[0].pv.cont_args, sizeof(args.a));
	}
	memcpy(ext, gbuf + 1024, n * sizeof(*ext));
	return rc;
}

static uint64_t forced(void)
{
	struct tlb_clock_counts c;

	tlb_clock_counts(&c);
	return c.forced;
}

/* Give back `out` pool frames and populate `in` pfns (far: each in a new
 * top-level P2M slot); the new frames refill the pool. */
static int pair(unsigned int out, unsigned int in, bool far)
{
	static uint64_t ext[64];
	static unsigned int far_slot;

	for (unsigned int i = 0; i < out; i++) {
		ext[i] = mfn_x(pool[i]);
	}
	if (reservation(XENMEM_decrease_reservation, ext, out) != out) {
		return -1;
	}
	for (unsigned int i = 0; i < in; i++) {
		ext[i] = far ? ((uint64_t)(1 + far_slot++ % 511) << 18) : next_pfn++;
	}
	if (reservation(XENMEM_populate_physmap, ext, in) != in) {
		return -1;
	}
	for (unsigned int i = 0; i < in; i++) {
		pool[i] = mfn(ext[i]);
	}
	for (unsigned int i = in; i < out; i++) {	/* keep the pool full */
		pool[i] = frame_alloc(FRAME_GUEST, d->id);
		d->nr_pages++;
	}
	return 0;
}

static void world(void)
{
	if (d != NULL) {
		domain_free_unstarted(d);
	}
	fake_machine_boot(FRAMES, 16);
	fake_mm_reset();
	fake_guest_map(GVA, gbuf, sizeof(gbuf));
	d = domain_alloc("bench");
	d->state = DOM_RUNNING;
	d->vcpus[0].domain = d;
	pv_vcpu_init(&d->vcpus[0].pv);
	d->vcpu_count = 1;
	mm_domain_init(d);
	for (unsigned int i = 0; i < POOL; i++) {
		pool[i] = frame_alloc(FRAME_GUEST, d->id);
	}
	d->nr_pages = POOL;
	d->max_pages = POOL + 64;
	next_pfn = 1;
}

static uint64_t per_1000(unsigned int out, unsigned int in, bool far, unsigned int rounds)
{
	uint64_t total = 0;

	world();	/* a fresh machine: the clock's counts start at 0 */
	for (unsigned int r = 0; r < rounds; r++) {
		if (far && r % 500 == 499) {
			/* 511 top-level slots: start again before they run out. */
			total += forced();
			world();
		}
		if (pair(out, in, far) != 0) {
			fprintf(stderr, "tlb_bench: round %u refused\n", r);
			exit(1);
		}
	}
	return (total + forced()) * 1000 / rounds;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "tlb_flush_per_1000_pairs_near",
					     "tlb_flush_per_1000_pairs_far",
					     "tlb_flush_per_1000_batches_64" };
	static const int n[] = { RUNS, RUNS, RUNS / 10 };
	uint64_t v[3];

	v[0] = per_1000(1, 1, false, RUNS);
	v[1] = per_1000(3, 1, true, RUNS);
	v[2] = per_1000(64, 64, false, (unsigned int)n[2]);
	for (int i = 0; i < 3; i++) {
		printf("MOAT-BENCH %s %llu min=%llu n=%d guest=host\n", names[i],
		       (unsigned long long)v[i], (unsigned long long)v[i], n[i]);
	}
	domain_free_unstarted(d);
	fake_machine_fini();
	if (argc > 1) {
		FILE *f = fopen(argv[1], "a");

		if (f == NULL) {
			perror(argv[1]);
			return 2;
		}
		for (int i = 0; i < 3; i++) {
			fprintf(f, "bench-host\thost\t%s\t%llu\t%llu\t%d\n", names[i],
				(unsigned long long)v[i], (unsigned long long)v[i], n[i]);
		}
		fclose(f);
	}
	return 0;
}
