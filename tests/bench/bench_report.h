/*
 * How the benchmark guests (bench.c, ipc_bench.c) report a figure: the
 * median and minimum of n samples, sorted in place, on one
 * "MOAT-BENCH <name> <median> min=<min> n=<n> guest=<image>" line that
 * tests/bench/compare.py reads. The line's format is that script's input:
 * change both together.
 */
#ifndef BENCH_BENCH_REPORT_H
#define BENCH_BENCH_REPORT_H

#include "rt.h"

/* Insertion sort: n is at most a few thousand and the guest has no libc. */
static inline void bench_sort(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Print v's median and minimum, each divided by divisor (a sample that
 * times several operations); returns the median so divided. */
static inline uint64_t bench_report(const char *name, uint64_t *v, unsigned int n,
				    unsigned int divisor)
{
	bench_sort(v, n);
	rt_printf("MOAT-BENCH %s %lu min=%lu n=%u guest=%s\n", name,
		  (unsigned long)(v[n / 2] / divisor), (unsigned long)(v[0] / divisor), n,
		  rt_guest_name);
	return v[n / 2] / divisor;
}

#endif
