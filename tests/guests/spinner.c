/*
 * spinner: a bystander that never yields. It computes for a while (rounds=
 * from the command line), each round filling a buffer of its own memory with
 * a pseudo-random pattern and reading it back, so a hypervisor that loses
 * registers across preemption or lets another domain touch our memory shows
 * up as a checksum mismatch. A second, 256 KiB guard region is written once
 * at start and checked at each quarter and at the end, so a neighbour
 * writing into our frames at any time shows up too. Used to show
 * round-robin preemption and that a crashing or hostile neighbour does not
 * disturb it.
 */
#include "rt.h"

const char guest_image[] = "spinner";

#define BUF_WORDS 8192		/* 64 KiB */
/* About 1.5 s under QEMU TCG with -icount shift=0,sleep=off (0.3 s without). */
#define DEFAULT_ROUNDS 10000

static uint64_t buf[BUF_WORDS];

#define GUARD_WORDS 32768	/* 256 KiB */
static uint64_t guard[GUARD_WORDS];

/* A cheap 64-bit mixer (an xorshift-multiply step). */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

/*
 * Seeded by the domain name, so two spinners write different patterns and
 * memory shared between them by mistake shows up as a mismatch.
 */
static uint64_t seed;

/* Fill the buffer for one round; returns the sum of what it wrote. */
static uint64_t fill(uint64_t round)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < BUF_WORDS; i++) {
		uint64_t v = mix(seed ^ (round * BUF_WORDS + i));

		buf[i] = v;
		sum += v;
	}
	return sum;
}

static void guard_fill(void)
{
	for (size_t i = 0; i < GUARD_WORDS; i++) {
		guard[i] = mix(seed + 0x6775617264ULL + i);
	}
}

/* The number of guard words that changed since guard_fill(). */
static uint64_t guard_damage(void)
{
	const volatile uint64_t *p = guard;
	uint64_t bad = 0;

	for (size_t i = 0; i < GUARD_WORDS; i++) {
		bad += p[i] != mix(seed + 0x6775617264ULL + i);
	}
	return bad;
}

/* Read the buffer back; volatile so the compiler must really reread it. */
static uint64_t readback(void)
{
	const volatile uint64_t *p = buf;
	uint64_t sum = 0;

	for (size_t i = 0; i < BUF_WORDS; i++) {
		sum += p[i];
	}
	return sum;
}

void guest_main(void)
{
	uint64_t rounds = cmdline_get_u64("rounds", DEFAULT_ROUNDS);
	uint64_t total = 0, bad = 0, first_bad = 0, guard_bad = 0;

	for (const char *p = rt_guest_name; *p; p++) {
		seed = mix(seed ^ (uint8_t)*p);
	}

	guard_fill();
	rt_printf("%s: spinning %lu rounds over %lu KiB, never yielding\n",
		  rt_guest_name, (unsigned long)rounds,
		  (unsigned long)(sizeof(buf) / 1024));
	for (uint64_t r = 0; r < rounds; r++) {
		uint64_t want = fill(r);
		uint64_t got = readback();

		if (got != want && bad++ == 0) {
			first_bad = r;
		}
		total += got;
		if (rounds >= 4 && (r + 1) % (rounds / 4) == 0 && r + 1 < rounds) {
			guard_bad += guard_damage();
			rt_printf("%s: progress %lu/%lu\n", rt_guest_name,
				  (unsigned long)(r + 1), (unsigned long)rounds);
		}
	}
	test_check(bad == 0, "checksum", "%lu rounds, sum 0x%lx, %lu bad (first %lu)",
		   (unsigned long)rounds, (unsigned long)total, (unsigned long)bad,
		   (unsigned long)first_bad);
	guard_bad += guard_damage();
	test_check(guard_bad == 0, "guard_intact", "%lu KiB written once, %lu word(s) changed",
		   (unsigned long)(sizeof(guard) / 1024), (unsigned long)guard_bad);
}
