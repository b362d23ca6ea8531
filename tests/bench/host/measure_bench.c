/*
 * Hosted benchmark of measured boot's own cost: the real attest/ hashes and
 * event-log writer, built -O2 without sanitizers. What a boot pays per KiB
 * of module it measures, with every bank a fresh swtpm has active and with
 * SHA-256 alone (measured=optional without a TPM), and per log record. The
 * TPM's own time (a few ms per extend under swtpm) is not in these figures.
 *
 *   measure_bench [RESULTS.tsv]
 *
 *   MOAT-BENCH digest4_ns_per_kib N   SHA-1, -256, -384, -512 of 64 KiB
 *   MOAT-BENCH sha256_ns_per_kib N    SHA-256 alone of 64 KiB
 *   MOAT-BENCH record_ns N            one EV_IPL record of a 64-byte command
 *                                     line, four banks (hash and append)
 */
#include <string.h>

#include <attest/eventlog.h>
#include <public/errno.h>

#define RUNS  51
#define BATCH 8

#include "host_bench.h"

#define CHUNK (64u << 10)

static const uint16_t four[] = { TPM2_ALG_SHA1, TPM2_ALG_SHA256, TPM2_ALG_SHA384,
				 TPM2_ALG_SHA512 };
static const uint16_t one[] = { TPM2_ALG_SHA256 };
static uint8_t data[CHUNK];
static uint8_t log_buf[1u << 20];
static struct evlog log4, log1;
static volatile uint8_t sink;

static void batch_digest4(void)
{
	struct evlog_digests d;

	for (int i = 0; i < BATCH; i++) {
		evlog_digest(&log4, data, sizeof(data), &d);
		sink ^= d.d[0][0];
	}
}

static void batch_sha256(void)
{
	struct evlog_digests d;

	for (int i = 0; i < BATCH; i++) {
		evlog_digest(&log1, data, sizeof(data), &d);
		sink ^= d.d[0][0];
	}
}

static void batch_record(void)
{
	static const char cmdline[] = "console=com1 xsm=flask flask=enforcing measured=required 0123";

	for (int i = 0; i < BATCH; i++) {
		if (evlog_measure(&log4, 20, EV_IPL, cmdline, 64, cmdline, 64, NULL) == -XEN_ENOSPC) {
			log4.used = 0;	/* start over: the header is not timed */
			(void)evlog_init(&log4, log_buf, sizeof(log_buf), four, 4,
					 EVLOG_PLATFORM_SERVER);
		}
	}
}

int main(int argc, char **argv)
{
	const char *names[3] = { "digest4_ns_per_kib", "sha256_ns_per_kib", "record_ns" };
	uint64_t med[3], min[3];

	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 131 + 7);
	}
	if (evlog_init(&log4, log_buf, sizeof(log_buf), four, 4, EVLOG_PLATFORM_SERVER) != 0 ||
	    evlog_init(&log1, log_buf, sizeof(log_buf), one, 1, EVLOG_PLATFORM_SERVER) != 0) {
		fprintf(stderr, "measure_bench: evlog_init failed\n");
		return 2;
	}
	host_bench_measure(batch_digest4, &med[0], &min[0]);
	host_bench_measure(batch_sha256, &med[1], &min[1]);
	for (int i = 0; i < 2; i++) {
		med[i] /= CHUNK >> 10;
		min[i] /= CHUNK >> 10;
	}
	(void)evlog_init(&log4, log_buf, sizeof(log_buf), four, 4, EVLOG_PLATFORM_SERVER);
	host_bench_measure(batch_record, &med[2], &min[2]);
	for (int i = 0; i < 3; i++) {
		printf("MOAT-BENCH %s %llu\n", names[i], (unsigned long long)med[i]);
	}
	return argc == 2 ? host_bench_report(argv[1], "host-measure", names, med, min, 3) : 0;
}
