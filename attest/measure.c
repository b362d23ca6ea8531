/*
 * The measurement service (attest/measure.h): the event log and the TPM
 * kept in step, and the one place where measured=required|optional turns a
 * failure into "stop" or "go on, loudly". It never lets a record reach the
 * TPM without being in the log first, and never reports success under
 * required for a measurement the TPM did not take.
 */
#include <hv/lib.h>
#include <public/errno.h>

#include <attest/eventlog.h>
#include <attest/measure.h>
#include <attest/tpm.h>

/* Without a usable TPM (measured=optional) the log keeps SHA-256 alone. */
static const uint16_t log_only_banks[] = { TPM2_ALG_SHA256 };

static uint8_t log_buf[MEASURE_LOG_SIZE];
static char event_buf[MEASURE_EVENT_MAX];

static struct {
	enum measure_mode mode;
	enum measure_state state;
	struct evlog log;
	struct tpm2_banks banks;	/* the TPM's active banks (state TPM or FAILED) */
} ms;

static const char *alg_name(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1: return "sha1";
	case TPM2_ALG_SHA256: return "sha256";
	case TPM2_ALG_SHA384: return "sha384";
	case TPM2_ALG_SHA512: return "sha512";
	default: return "?";
	}
}

static const char *tpm_error_text(int rc)
{
	switch (rc) {
	case -XEN_ENODEV: return "no TPM found";
	case -XEN_ETIMEDOUT: return "the TPM stopped answering";
	case -XEN_EOPNOTSUPP: return "the TPM has a PCR bank Moat cannot hash";
	default: return "the TPM failed";
	}
}

/*
 * A measurement could not be made as measured= demands. Under required the
 * caller gets rc and must fail closed; under optional it is said loudly and
 * the caller goes on.
 */
static int measure_failed(int rc, const char *why)
{
	if (ms.mode == MEASURE_REQUIRED) {
		printk(LOG_ERR, "measure: %s: measured=required: refusing", why);
		return rc;
	}
	printk(LOG_WARN, "measure: %s: measured=optional: going on UNMEASURED", why);
	return 0;
}

static int start_log(const uint16_t *algs, uint32_t count)
{
	int rc = evlog_init(&ms.log, log_buf, sizeof(log_buf), algs, count,
			    EVLOG_PLATFORM_SERVER);

	/* Our own buffer and a bank list already checked: cannot fail. */
	BUG_ON(rc != 0);
	return rc;
}

int measure_start(enum measure_mode mode)
{
	uint16_t algs[TPM2_KNOWN_ALGS];
	char names[48];
	size_t at = 0;
	int rc;

	BUG_ON(ms.state != MEASURE_STATE_OFF);
	ms.mode = mode;
	rc = tpm_open(MEASURE_LOCALITY, &ms.banks);
	for (uint32_t pcr = MEASURE_PCR_CONFIG; rc == 0 && pcr <= MEASURE_PCR_MODULES; pcr++) {
		rc = tpm_pcr_reset(pcr);
	}
	if (rc != 0) {
		start_log(log_only_banks, ARRAY_SIZE(log_only_banks));
		ms.state = MEASURE_STATE_LOG_ONLY;
		if (mode == MEASURE_REQUIRED) {
			printk(LOG_ERR, "measure: %s: measured=required: no domain will start",
			       tpm_error_text(rc));
			return rc;
		}
		printk(LOG_WARN, "measure: %s: measured=optional: measurements go to the event "
		       "log only, NOTHING IS EXTENDED INTO A TPM", tpm_error_text(rc));
		return 0;
	}
	names[0] = '\0';
	for (uint32_t i = 0; i < ms.banks.count; i++) {
		algs[i] = ms.banks.bank[i].alg;
		at += (size_t)fmt_snprintf(names + at, sizeof(names) - at, "%s%s", i ? " " : "",
					   alg_name(algs[i]));
		at = MIN(at, sizeof(names) - 1);
	}
	start_log(algs, ms.banks.count);
	ms.state = MEASURE_STATE_TPM;
	printk(LOG_INFO, "measure: TPM 2.0 at locality %u, banks %s; PCRs %u-%u reset",
	       MEASURE_LOCALITY, names, MEASURE_PCR_CONFIG, MEASURE_PCR_MODULES);
	return 0;
}

/*
 * Log, then extend. shown is what the console line says (the event data
 * may not be text). A TPM failure after the log took the record leaves
 * log and PCRs apart for good: the state says so from then on.
 */
static int record(uint32_t pcr, uint32_t type, const void *data, size_t len, const void *event,
		  uint32_t event_size, const char *shown)
{
	struct evlog_digests dig;
	char hex[17];
	int rc;

	if (ms.state == MEASURE_STATE_OFF) {
		return measure_failed(-XEN_EINVAL, "measurement before the service started");
	}
	rc = evlog_measure(&ms.log, pcr, type, data, len, event, event_size, &dig);
	if (rc != 0) {
		return measure_failed(rc, rc == -XEN_ENOSPC ? "the event log is full"
							   : "the event log refused a record");
	}
	/* Index of SHA-256 in the log's banks, or the first bank's digest. */
	{
		uint32_t b = 0;

		for (uint32_t i = 0; i < ms.log.bank_count; i++) {
			if (ms.log.bank_alg[i] == TPM2_ALG_SHA256) {
				b = i;
			}
		}
		str_hex(hex, dig.d[b], 8);
		printk(LOG_INFO, "measure: PCR %u %s %s %s", pcr, alg_name(ms.log.bank_alg[b]), hex,
		       shown);
	}
	switch (ms.state) {
	case MEASURE_STATE_TPM:
		rc = tpm_pcr_extend(pcr, &ms.banks, &dig);
		if (rc == 0) {
			return 0;
		}
		ms.state = MEASURE_STATE_FAILED;
		printk(LOG_ERR, "measure: the TPM did not extend PCR %u (%d): from now on the log "
		       "and the PCRs differ", pcr, rc);
		return measure_failed(rc, tpm_error_text(rc));
	case MEASURE_STATE_FAILED:
		return measure_failed(-XEN_EIO, "the TPM failed earlier: logged, not extended");
	default:
		/* Log only: measure_start already said so (optional); under
		 * required nothing is started in this state. */
		return ms.mode == MEASURE_REQUIRED ? -XEN_ENODEV : 0;
	}
}

/* event_buf = "moat: <what>[: <text>]", cut to fit. */
static uint32_t describe(const char *what, const char *text)
{
	int n = text != NULL ? fmt_snprintf(event_buf, sizeof(event_buf), "moat: %s: %s", what, text)
			     : fmt_snprintf(event_buf, sizeof(event_buf), "moat: %s", what);

	return (uint32_t)MIN((size_t)n, sizeof(event_buf) - 1);
}

int measure_data(uint32_t pcr, const void *data, size_t len, const char *what, const char *text)
{
	uint32_t n = describe(what, text);

	return record(pcr, EV_IPL, data, len, event_buf, n, event_buf + 6);
}

int measure_string(uint32_t pcr, const char *what, const char *s)
{
	uint32_t n = describe(what, s);

	return record(pcr, EV_IPL, s, strlen(s), event_buf, n, event_buf + 6);
}

int measure_boot_done(void)
{
	/* TCG PC Client: a separator's data is four zero bytes (success). */
	static const uint8_t separator[4];
	int rc = 0;

	for (uint32_t pcr = MEASURE_PCR_CONFIG; pcr <= MEASURE_PCR_MODULES && rc == 0; pcr++) {
		rc = record(pcr, EV_SEPARATOR, separator, sizeof(separator), separator,
			    sizeof(separator), "separator: end of the boot's measurements");
	}
	if (rc == 0) {
		printk(LOG_INFO, "measure: boot measured: %u events, %lu bytes of log%s",
		       ms.log.count, (unsigned long)ms.log.used,
		       ms.state == MEASURE_STATE_TPM ? "" : " (NOT extended into a TPM)");
	}
	return rc;
}

int measure_policy_load(const void *blob, size_t len, uint32_t domid)
{
	char text[64];

	fmt_snprintf(text, sizeof(text), "loaded by domain %u, %lu bytes", domid,
		     (unsigned long)len);
	return measure_data(MEASURE_PCR_POLICY, blob, len, "security policy", text);
}

enum measure_mode measure_mode(void)
{
	return ms.mode;
}

enum measure_state measure_state(void)
{
	return ms.state;
}

const uint8_t *measure_log(size_t *len)
{
	*len = ms.log.used;
	return log_buf;
}

uint32_t measure_event_count(void)
{
	return ms.log.count;
}

uint32_t measure_banks(uint16_t *algs, uint32_t max)
{
	uint32_t n = MIN(max, ms.log.bank_count);

	for (uint32_t i = 0; i < n; i++) {
		algs[i] = ms.log.bank_alg[i];
	}
	return n;
}

int measure_pcr_read(uint32_t pcr, uint16_t alg, uint8_t *digest, size_t cap, uint16_t *size)
{
	bool active = false;

	*size = 0;
	if (pcr >= TPM2_PCR_COUNT) {
		return -XEN_EINVAL;
	}
	if (ms.state != MEASURE_STATE_TPM && ms.state != MEASURE_STATE_FAILED) {
		return -XEN_ENODEV;
	}
	for (uint32_t i = 0; i < ms.banks.count; i++) {
		active |= ms.banks.bank[i].alg == alg;
	}
	if (!active || cap < tpm2_alg_digest_size(alg)) {
		return -XEN_EINVAL;
	}
	*size = (uint16_t)tpm2_alg_digest_size(alg);
	return tpm_pcr_read(pcr, alg, digest, cap);
}

void measure_print_pcrs(void)
{
	uint8_t d[TPM2_MAX_DIGEST_SIZE];
	char hex[2 * TPM2_MAX_DIGEST_SIZE + 1];
	uint16_t size;

	for (uint32_t pcr = MEASURE_PCR_CONFIG; pcr <= MEASURE_PCR_MODULES; pcr++) {
		for (uint32_t i = 0; i < ms.banks.count; i++) {
			uint16_t alg = ms.banks.bank[i].alg;
			int rc = measure_pcr_read(pcr, alg, d, sizeof(d), &size);

			if (rc != 0) {
				printk(LOG_ERR, "measure: PCR %u %s cannot be read (%d)", pcr,
				       alg_name(alg), rc);
				continue;
			}
			str_hex(hex, d, size);
			printk(LOG_INFO, "measure: PCR %u %s %s", pcr, alg_name(alg), hex);
		}
	}
}

void measure_reset(void)
{
	memset(&ms, 0, sizeof(ms));
	memset(log_buf, 0, sizeof(log_buf));
}
