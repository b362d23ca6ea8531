/*
 * What the hosted benchmarks share: a monotonic clock, the median and
 * minimum ns per call over RUNS batches of BATCH calls (after one warm-up
 * batch), and the rows appended to the bench table. Define RUNS and BATCH
 * before including it.
 */
#ifndef TESTS_BENCH_HOST_BENCH_H
#define TESTS_BENCH_HOST_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void host_bench_measure(void (*batch)(void), uint64_t *median, uint64_t *min)
{
	static uint64_t per_call[RUNS];

	batch();
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();

		batch();
		per_call[r] = (now_ns() - t0 + BATCH / 2) / BATCH;
	}
	qsort(per_call, RUNS, sizeof(per_call[0]), cmp_u64);
	*median = per_call[RUNS / 2];
	*min = per_call[0];
}

/* Append one row per figure (test, guest "host", name, median, min, runs). */
static int host_bench_report(const char *path, const char *test, const char *const *names,
			     const uint64_t *med, const uint64_t *min, int n)
{
	FILE *f = fopen(path, "a");

	if (f == NULL) {
		perror(path);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s\thost\t%s\t%llu\t%llu\t%d\n", test, names[i],
			(unsigned long long)med[i], (unsigned long long)min[i], RUNS);
	}
	fclose(f);
	return 0;
}

#endif
