/*
 * hcfuzz_bystander: the fuzzer's neighbour. It fills `mib` MiB of frames
 * of its own (mapped at a region of their own, past its image) with a
 * pattern seeded by its name, and re-verifies them in chunks until the
 * fuzzer is gone, then verifies everything once more and powers off.
 * Its frames are among the foreign frames the fuzzer aims at (the fuzzer
 * finds them in the M2P), so a hypervisor that lets the fuzzer write them,
 * map them or give them away shows up here as a checksum mismatch.
 *
 * How it knows the fuzzer is gone without any channel to it (under FLASK
 * neither domU_t nor db_t may talk to another domU_t): after each chunk it
 * yields and reads its runstate. Time spent runnable grows exactly when
 * another vCPU ran meanwhile; the fuzzer never sleeps longer than a few
 * milliseconds, so `quiet_ms` of system time with no runnable time means
 * it has powered off. The test also checks that the bystander's final
 * verdict comes after the fuzzer's END line.
 *
 * Keys: name, mib (default 4), quiet_ms (default 50), max_ms (default
 * 600000: give up waiting, FAIL), chunk_kib (default 256).
 * Moat only (on Xen it would run alone and wait for nobody).
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "time.h"

const char guest_image[] = "hcfuzz_bystander";

#define REGION_VA 0xffffc00000000000ULL	/* 1 GiB of its own, one L2 */
#define WORDS_PER_PAGE (RT_PAGE_SIZE / 8)
#define MS 1000000ULL

static uint64_t seed;
static uint64_t pages;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

static uint64_t want(uint64_t word)
{
	return mix(seed ^ (word * 0x9e3779b97f4a7c15ULL));
}

static void setup(void)
{
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t va = REGION_VA + p * RT_PAGE_SIZE;
		uint64_t pfn = rt_frame_alloc();
		long rc = pfn ? 0 : -XEN_ENOMEM;

		if (rc == 0 && (va & ((2ULL << 20) - 1)) == 0) {
			rc = rt_ensure_l1(va);	/* one L1 per 2 MiB */
		}

		if (rc == 0) {
			rc = rt_map(va, rt_pfn_to_mfn(pfn), PTE_DATA);
		}
		if (rc != 0) {
			test_fail("setup", "page %lu of %lu: rc %ld", (unsigned long)p,
				  (unsigned long)pages, rc);
			test_end();
		}
		for (uint64_t w = 0; w < WORDS_PER_PAGE; w++) {
			((uint64_t *)va)[w] = want(p * WORDS_PER_PAGE + w);
		}
	}
}

/* Words of pages [first, first + n) that differ from the pattern. */
static uint64_t verify(uint64_t first, uint64_t n, uint64_t *first_bad)
{
	uint64_t bad = 0;

	for (uint64_t p = first; p < first + n && p < pages; p++) {
		const volatile uint64_t *q = (const volatile uint64_t *)(REGION_VA + p * RT_PAGE_SIZE);

		for (uint64_t w = 0; w < WORDS_PER_PAGE; w++) {
			if (q[w] != want(p * WORDS_PER_PAGE + w)) {
				if (bad++ == 0) {
					*first_bad = p * WORDS_PER_PAGE + w;
				}
			}
		}
	}
	return bad;
}

static uint64_t runnable_ns(void)
{
	struct vcpu_runstate_info ri;

	if (hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &ri) != 0) {
		return 0;
	}
	return ri.time[RUNSTATE_runnable];
}

void guest_main(void)
{
	uint64_t mib = cmdline_get_u64("mib", 4);
	uint64_t quiet = cmdline_get_u64("quiet_ms", 50) * MS;
	uint64_t max = cmdline_get_u64("max_ms", 600000) * MS;
	uint64_t chunk = cmdline_get_u64("chunk_kib", 256) / 4;
	uint64_t bad = 0, first_bad = 0, passes = 0, chunks = 0, at = 0;
	uint64_t start, now, last_seen, runnable, seen_other = 0;

	for (const char *p = rt_guest_name; *p; p++) {
		seed = mix(seed ^ (uint8_t)*p);
	}
	pages = mib * 256;
	if (chunk == 0) {
		chunk = 1;
	}
	rt_events_init();	/* shared_info, for system time */
	setup();
	rt_printf("%s: %lu MiB filled, verifying %lu KiB per round until the neighbour "
		  "is gone\n", rt_guest_name, (unsigned long)mib, (unsigned long)chunk * 4);
	start = last_seen = rt_system_time();
	runnable = runnable_ns();
	for (;;) {
		uint64_t r;

		bad += verify(at, chunk, &first_bad);
		chunks++;
		at += chunk;
		if (at >= pages) {
			at = 0;
			if (++passes % 64 == 0) {
				rt_printf("%s: pass %lu, %lu bad words\n", rt_guest_name,
					  (unsigned long)passes, (unsigned long)bad);
			}
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
		now = rt_system_time();
		r = runnable_ns();
		if (r != runnable) {
			runnable = r;
			last_seen = now;
			seen_other++;
		}
		if (seen_other && now - last_seen >= quiet) {
			break;
		}
		if (now - start >= max) {
			test_fail("neighbour_done", "still running after %lu ms",
				  (unsigned long)((now - start) / MS));
			break;
		}
	}
	bad += verify(0, pages, &first_bad);
	rt_printf("%s: neighbour quiet for %lu ms after %lu ms; %lu chunks, %lu passes\n",
		  rt_guest_name, (unsigned long)((now - last_seen) / MS),
		  (unsigned long)((now - start) / MS), (unsigned long)chunks, (unsigned long)passes);
	test_check(bad == 0, "checksum", "%lu MiB, %lu full passes, %lu bad words (first %lu)",
		   (unsigned long)mib, (unsigned long)passes + 1, (unsigned long)bad,
		   (unsigned long)first_bad);
}
