/*
 * The harnesses' check of the measurement log (fuzz_boot, fuzz_attest_op):
 * whatever the TPM or the input did, the log the hypervisor keeps parses
 * whole, and every record names one of Moat's PCRs.
 */
#ifndef FUZZ_FUZZ_MEASURE_LOG_H
#define FUZZ_FUZZ_MEASURE_LOG_H

#include <attest/measure.h>

#include "../tests/unit/eventlog_reader.h"
#include "fuzz.h"

harness_only static void check_log_parses(void)
{
	struct evr_log l;
	struct evr_rec r;
	size_t len;
	const uint8_t *log = measure_log(&len);
	int rc;

	if (measure_state() == MEASURE_STATE_OFF) {
		return;
	}
	check(evr_open(&l, log, len) == 0);
	while ((rc = evr_next(&l, &r)) == 1) {
		check(r.pcr >= MEASURE_PCR_CONFIG && r.pcr <= MEASURE_PCR_MODULES);
	}
	check(rc == 0);
}

#endif
