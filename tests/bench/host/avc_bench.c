/*
 * Hosted benchmark of the security server's hot path: the real
 * xsm/avc.c, policy_load.c and policy_lookup.c, built -O2 without
 * sanitizers, over a blob made by policy-tool (build/policy/policy.blob).
 *
 *   avc_bench POLICY.blob [RESULTS.tsv]
 *
 * Prints, as the median over RUNS batches of BATCH calls (ns per call from
 * clock_gettime(CLOCK_MONOTONIC) around each batch, so the clock's own cost
 * is spread over BATCH calls):
 *   MOAT-BENCH avc_hit_ns N      avc_has_perm on one cached tuple
 *   MOAT-BENCH avc_miss_ns N     avc_has_perm cycling through every
 *                                (source, target, class) of the policy, far
 *                                more tuples than the AVC holds: a miss
 *                                and policy_compute_av() each time
 *   MOAT-BENCH compute_av_ns N   policy_compute_av() alone on the same cycle
 * and appends one row per figure to RESULTS.tsv if given (the columns of
 * tests/integration/run.py's bench table: the unit is in the name).
 * Host figures, not the hypervisor's: an indication of the cost per check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <public/errno.h>
#include <xsm/policy.h>

#define RUNS  201
#define BATCH 2000

#include "host_bench.h"

struct tuple {
	uint16_t s, t, c;
};

static struct policy pol;
static struct avc avc;
static struct tuple *cycle;
static size_t cycle_len, cycle_pos;
static volatile uint32_t sink;

static uint16_t hit_s, hit_t, hit_c;
static uint32_t hit_perm;

static void batch_hit(void)
{
	for (int i = 0; i < BATCH; i++) {
		sink += (uint32_t)avc_has_perm(&avc, &pol, hit_s, hit_t, hit_c, hit_perm, NULL);
	}
}

static void batch_miss(void)
{
	for (int i = 0; i < BATCH; i++) {
		const struct tuple *k = &cycle[cycle_pos];

		cycle_pos = cycle_pos + 1 == cycle_len ? 0 : cycle_pos + 1;
		sink += (uint32_t)avc_has_perm(&avc, &pol, k->s, k->t, k->c, 1, NULL);
	}
}

static void batch_compute(void)
{
	struct av_decision ad;

	for (int i = 0; i < BATCH; i++) {
		const struct tuple *k = &cycle[cycle_pos];

		cycle_pos = cycle_pos + 1 == cycle_len ? 0 : cycle_pos + 1;
		policy_compute_av(&pol, k->s, k->t, k->c, &ad);
		sink += ad.allowed;
	}
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(2);
	}
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint16_t value_of(int v, const char *what)
{
	if (v < 0) {
		fprintf(stderr, "avc_bench: the policy has no %s\n", what);
		exit(2);
	}
	return (uint16_t)v;
}

int main(int argc, char **argv)
{
	struct policy_error err;
	uint64_t med[3], min[3];
	const char *names[3] = { "avc_hit_ns", "avc_miss_ns", "compute_av_ns" };
	size_t len;
	void *blob;
	int bit;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: avc_bench POLICY.blob [RESULTS.tsv]\n");
		return 2;
	}
	blob = read_file(argv[1], &len);
	if (policy_load(&pol, blob, len, &err) != 0) {
		fprintf(stderr, "avc_bench: %s: %s\n", argv[1], err.msg);
		return 2;
	}

	/* The gate check every hypercall of a web_t guest makes. */
	hit_s = value_of(policy_type_value(&pol, "web_t", 5), "web_t");
	hit_t = value_of(policy_type_value(&pol, "xen_t", 5), "xen_t");
	hit_c = value_of(policy_class_value(&pol, "hypercall", 9), "class hypercall");
	bit = policy_perm_bit(&pol, hit_c, "console_io", 10);
	hit_perm = 1U << value_of(bit, "hypercall:console_io");

	cycle_len = (size_t)pol.type_count * pol.type_count * pol.class_count;
	if (cycle_len < 4 * AVC_BUCKETS * AVC_WAYS) {
		fprintf(stderr, "avc_bench: %zu tuples: too few to miss the AVC\n", cycle_len);
		return 2;
	}
	cycle = malloc(cycle_len * sizeof(*cycle));
	if (cycle == NULL) {
		return 2;
	}
	for (size_t i = 0; i < cycle_len; i++) {
		cycle[i] = (struct tuple){ (uint16_t)(i % pol.type_count + 1),
					   (uint16_t)(i / pol.type_count % pol.type_count + 1),
					   (uint16_t)(i / pol.type_count / pol.type_count + 1) };
	}

	avc_init(&avc);
	if (avc_has_perm(&avc, &pol, hit_s, hit_t, hit_c, hit_perm, NULL) != 0) {
		fprintf(stderr, "avc_bench: web_t may not console_io: not the default policy?\n");
		return 2;
	}
	host_bench_measure(batch_hit, &med[0], &min[0]);
	avc_init(&avc);
	host_bench_measure(batch_miss, &med[1], &min[1]);
	if (avc.stats.misses * 100 < avc.stats.lookups * 99) {
		fprintf(stderr, "avc_bench: miss run hit the AVC (%llu of %llu lookups missed)\n",
			(unsigned long long)avc.stats.misses, (unsigned long long)avc.stats.lookups);
		return 1;
	}
	host_bench_measure(batch_compute, &med[2], &min[2]);

	for (int i = 0; i < 3; i++) {
		printf("MOAT-BENCH %s %llu\n", names[i], (unsigned long long)med[i]);
	}
	return argc == 3 ? host_bench_report(argv[2], "host-avc", names, med, min, 3) : 0;
}
