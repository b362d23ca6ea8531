/*
 * attest: reads what the hypervisor measured, through attest_op (hypercall
 * 50, Moat's own: public/attest_op.h), and prints it for the test runner to
 * replay (tests/integration/tests_measured.py).
 *
 * Keys: name; expect=allowed|denied (default allowed); dump=1 (print the
 * whole event log); state=tpm|log-only and mode=required|optional (what
 * ATTESTOP_status must say; default: anything plausible); load=1 (first
 * load the domain's initrd as a FLASK policy with xsm_op FLASK_LOAD, which
 * the hypervisor must measure into PCR 21 before it takes effect).
 *
 * expect=allowed (a dom0_t domain under FLASK, priv=yes under dummy):
 * ATTESTOP_status is plausible (PCRs 20-22, locality 2, 1-4 distinct
 * banks) and printed as "attest: state=... mode=... banks=... events=...
 * log=..."; ATTESTOP_get_log with no buffer and with one byte too few gives
 * -ENOSPC, the log's size and nothing written; with a 64 KiB buffer it
 * gives 0 and a log that starts with the Spec ID header (banks as in the
 * status) and walks, record by record, to exactly its end with exactly
 * status.event_count records. dump=1 prints it as
 *     MOAT-EVLOG <hex of up to 64 bytes>
 *     MOAT-EVLOG-END <size>
 * For each PCR 20-22 and each bank, ATTESTOP_pcr_read gives the digest,
 * printed as "MOAT-PCR <pcr> <bank> <hex>" (state tpm), or -ENODEV
 * (state log-only, nothing printed). Hostile arguments: the op itself or
 * the log buffer in the hypervisor range or non-canonical (-EFAULT), the
 * status written into a page mapped read-only (-EFAULT), PCR 24 and banks
 * that do not exist (-EINVAL), an unknown command (-ENOSYS), a wrong
 * interface_version (-EINVAL).
 * expect=denied (domU_t under FLASK, priv=no under dummy): status, get_log
 * and pcr_read each -EACCES, and nothing is written into the caller's
 * buffers.
 *
 * Moat only: Xen has no hypercall 50 (it answers -ENOSYS).
 */
#include "rt.h"
#include "hyp.h"
#include "mm.h"
#include <public/attest_op.h>
#include <public/xsm_op.h>

const char guest_image[] = "attest";

#define LOG_BUF_SIZE (64u << 10)
#define HEX_PER_LINE 64u
#define PCR_FIRST 20u
#define PCR_LAST 22u
#define MEASURE_LOCALITY 2u

/* TCG PC Client event log layout (what tpm2_eventlog reads). */
#define EV_NO_ACTION 3u
#define SPEC_ID_SIG "Spec ID Event03"
#define HDR_EVENT_OFF 32u		/* pcr, type, 20-byte SHA-1 digest, size */
#define SPEC_ID_ALGS_OFF 24u		/* signature 16, class 4, versions 3, uintn 1 */

#define TPM2_ALG_SHA1 0x0004
#define TPM2_ALG_SHA256 0x000B
#define TPM2_ALG_SHA384 0x000C
#define TPM2_ALG_SHA512 0x000D

/* Bad pointers: the hypervisor's direct map, the end of its range (a
 * buffer crossing into guest space) and a non-canonical address. */
#define HV_DIRECT 0xffff830000000000ULL
#define HV_END_CROSSING (HYPERVISOR_VIRT_END - 16)
#define NON_CANONICAL 0x0000800000000000ULL

static uint8_t log_buf[LOG_BUF_SIZE];

static long attest_op(struct attest_op *op)
{
	return hypercall2(__HYPERVISOR_attest_op, (unsigned long)(uintptr_t)op, 0);
}

/* A fresh op: zeroed, the right version, cmd. */
static void op_init(struct attest_op *op, uint32_t cmd)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = ATTEST_INTERFACE_VERSION;
}

static const char *alg_name(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		return "sha1";
	case TPM2_ALG_SHA256:
		return "sha256";
	case TPM2_ALG_SHA384:
		return "sha384";
	case TPM2_ALG_SHA512:
		return "sha512";
	default:
		return NULL;
	}
}

static unsigned int alg_size(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		return 20;
	case TPM2_ALG_SHA256:
		return 32;
	case TPM2_ALG_SHA384:
		return 48;
	case TPM2_ALG_SHA512:
		return 64;
	default:
		return 0;
	}
}

static const char *state_name(uint32_t state)
{
	switch (state) {
	case ATTEST_STATE_OFF:
		return "off";
	case ATTEST_STATE_TPM:
		return "tpm";
	case ATTEST_STATE_LOG_ONLY:
		return "log-only";
	case ATTEST_STATE_FAILED:
		return "failed";
	default:
		return "?";
	}
}

static const char *mode_name(uint32_t mode)
{
	return mode == ATTEST_MODE_REQUIRED ? "required"
	       : mode == ATTEST_MODE_OPTIONAL ? "optional"
					      : "?";
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

/* ---- allowed ------------------------------------------------------------ */

static bool get_status(struct attest_status *st, const char *check)
{
	struct attest_op op;
	long rc;

	op_init(&op, ATTESTOP_status);
	rc = attest_op(&op);
	*st = op.u.status;
	return test_check(rc == 0, check, "rc %ld", rc);
}

/* The status must describe a measured boot: everything we rely on later. */
static bool check_status(const struct attest_status *st)
{
	char want_state[16] = "", want_mode[16] = "";
	char algs[48] = "";
	size_t at = 0;
	bool ok = true;

	for (uint32_t i = 0; i < st->bank_count && i < ATTEST_MAX_BANKS; i++) {
		const char *n = alg_name(st->bank_alg[i]);

		at += (size_t)rt_snprintf(algs + at, sizeof(algs) - at, "%s%s", i ? "," : "",
					  n ? n : "?");
		if (at >= sizeof(algs)) {
			at = sizeof(algs) - 1;
		}
		ok &= n != NULL;
		for (uint32_t j = 0; j < i; j++) {
			ok &= st->bank_alg[j] != st->bank_alg[i];
		}
	}
	rt_printf("attest: state=%s mode=%s banks=%u events=%u log=%u algs=%s locality=%u "
		  "pcrs=%u-%u\n", state_name(st->state), mode_name(st->mode), st->bank_count,
		  st->event_count, st->log_size, algs, st->locality, st->pcr_first, st->pcr_last);
	ok &= st->bank_count >= 1 && st->bank_count <= ATTEST_MAX_BANKS;
	ok &= st->mode == ATTEST_MODE_OPTIONAL || st->mode == ATTEST_MODE_REQUIRED;
	ok &= st->state == ATTEST_STATE_TPM || st->state == ATTEST_STATE_LOG_ONLY;
	ok &= st->log_size > HDR_EVENT_OFF && st->log_size <= LOG_BUF_SIZE;
	ok &= st->event_count >= 2;
	ok &= st->pcr_first == PCR_FIRST && st->pcr_last == PCR_LAST;
	ok &= st->locality == MEASURE_LOCALITY;
	/* Without a TPM the log keeps SHA-256 alone. */
	if (st->state == ATTEST_STATE_LOG_ONLY) {
		ok &= st->bank_count == 1 && st->bank_alg[0] == TPM2_ALG_SHA256;
	}
	test_check(ok, "status", "state %s mode %s, %u banks (%s), %u events, %u bytes, "
		   "locality %u, PCRs %u-%u", state_name(st->state), mode_name(st->mode),
		   st->bank_count, algs, st->event_count, st->log_size, st->locality,
		   st->pcr_first, st->pcr_last);
	if (cmdline_get("state", want_state, sizeof(want_state))) {
		test_check(strcmp(want_state, state_name(st->state)) == 0, "state",
			   "state %s, want %s", state_name(st->state), want_state);
	}
	if (cmdline_get("mode", want_mode, sizeof(want_mode))) {
		test_check(strcmp(want_mode, mode_name(st->mode)) == 0, "mode",
			   "mode %s, want %s", mode_name(st->mode), want_mode);
	}
	return ok;
}

/* get_log with a buffer too small: -ENOSPC, the size, nothing written. */
static void check_log_too_small(const struct attest_status *st)
{
	struct attest_op op;
	long rc;

	op_init(&op, ATTESTOP_get_log);
	rc = attest_op(&op);
	test_check(rc == -XEN_ENOSPC && op.u.log.size == st->log_size, "get_log_size_query",
		   "no buffer, size 0: rc %ld (want -ENOSPC), size %u (want %u)", rc,
		   op.u.log.size, st->log_size);

	memset(log_buf, 0xa5, sizeof(log_buf));
	op_init(&op, ATTESTOP_get_log);
	op.u.log.buffer = (uint64_t)(uintptr_t)log_buf;
	op.u.log.size = st->log_size - 1;
	rc = attest_op(&op);
	test_check(rc == -XEN_ENOSPC && op.u.log.size == st->log_size &&
		   all_bytes(log_buf, sizeof(log_buf), 0xa5), "get_log_too_small",
		   "%u bytes: rc %ld (want -ENOSPC), size %u (want %u), buffer %s",
		   st->log_size - 1, rc, op.u.log.size, st->log_size,
		   all_bytes(log_buf, sizeof(log_buf), 0xa5) ? "untouched" : "WRITTEN");
}

/* The Spec ID header: SHA-1 layout, EV_NO_ACTION, the signature, and the
 * banks of the status in the same order. */
static bool check_header(const uint8_t *log, uint32_t size, const struct attest_status *st)
{
	const uint8_t *ev = log + HDR_EVENT_OFF;
	uint32_t ev_size, nalg;
	bool ok;

	if (size < HDR_EVENT_OFF + SPEC_ID_ALGS_OFF + 4) {
		test_fail("log_header", "log of %u bytes is too short for the header", size);
		return false;
	}
	ev_size = le32(log + 28);
	nalg = le32(ev + SPEC_ID_ALGS_OFF);
	ok = le32(log) == 0 && le32(log + 4) == EV_NO_ACTION && all_bytes(log + 8, 20, 0) &&
	     memcmp(ev, SPEC_ID_SIG, sizeof(SPEC_ID_SIG)) == 0 && nalg == st->bank_count &&
	     ev_size == SPEC_ID_ALGS_OFF + 4 + 4 * nalg + 1 && HDR_EVENT_OFF + ev_size <= size;
	for (uint32_t i = 0; ok && i < nalg; i++) {
		const uint8_t *a = ev + SPEC_ID_ALGS_OFF + 4 + 4 * i;

		ok = le16(a) == st->bank_alg[i] && le16(a + 2) == alg_size(st->bank_alg[i]);
	}
	return test_check(ok, "log_header", "pcr %u type %u event %u bytes '%.15s' with %u "
			  "algorithms (status: %u)", le32(log), le32(log + 4), ev_size,
			  (const char *)ev, nalg, st->bank_count);
}

/* Every TCG_PCR_EVENT2 after the header, bounded by size: the digests in
 * the header's bank order, the records ending exactly at size. */
static void walk_log(const uint8_t *log, uint32_t size, const struct attest_status *st)
{
	uint32_t off = HDR_EVENT_OFF + le32(log + 28), records = 1;
	const char *why = NULL;

	while (off < size && why == NULL) {
		uint32_t at = off;

		if (size - at < 12) {
			why = "record header past the end";
			break;
		}
		if (le32(log + at) > 23) {
			why = "PCR index above 23";
			break;
		}
		if (le32(log + at + 8) != st->bank_count) {
			why = "digest count differs from the banks";
			break;
		}
		at += 12;
		for (uint32_t i = 0; i < st->bank_count; i++) {
			uint32_t n = alg_size(st->bank_alg[i]);

			if (size - at < 2 + n || le16(log + at) != st->bank_alg[i]) {
				why = "digest past the end or out of bank order";
				break;
			}
			at += 2 + n;
		}
		if (why != NULL) {
			break;
		}
		if (size - at < 4 || size - at - 4 < le32(log + at)) {
			why = "event data past the end";
			break;
		}
		at += 4 + le32(log + at);
		off = at;
		records++;
	}
	test_check(why == NULL && off == size && records == st->event_count, "log_walk",
		   "%u records in %u bytes (status: %u events)%s%s at offset %u", records, size,
		   st->event_count, why ? ": " : "", why ? why : "", off);
}

static void dump_log(const uint8_t *log, uint32_t size)
{
	static const char digits[] = "0123456789abcdef";
	char line[2 * HEX_PER_LINE + 1];

	for (uint32_t off = 0; off < size; off += HEX_PER_LINE) {
		uint32_t n = size - off < HEX_PER_LINE ? size - off : HEX_PER_LINE;

		for (uint32_t i = 0; i < n; i++) {
			line[2 * i] = digits[log[off + i] >> 4];
			line[2 * i + 1] = digits[log[off + i] & 15];
		}
		line[2 * n] = '\0';
		rt_printf("MOAT-EVLOG %s\n", line);
	}
	rt_printf("MOAT-EVLOG-END %u\n", size);
}

static void check_log(const struct attest_status *st, bool dump)
{
	struct attest_op op;
	long rc;

	check_log_too_small(st);
	memset(log_buf, 0, sizeof(log_buf));
	op_init(&op, ATTESTOP_get_log);
	op.u.log.buffer = (uint64_t)(uintptr_t)log_buf;
	op.u.log.size = sizeof(log_buf);
	rc = attest_op(&op);
	if (!test_check(rc == 0 && op.u.log.size == st->log_size &&
			all_bytes(log_buf + op.u.log.size, sizeof(log_buf) - op.u.log.size, 0),
			"get_log", "%zu-byte buffer: rc %ld, size %u (status: %u)", sizeof(log_buf),
			rc, op.u.log.size, st->log_size)) {
		return;
	}
	if (check_header(log_buf, op.u.log.size, st)) {
		walk_log(log_buf, op.u.log.size, st);
	}
	if (dump) {
		dump_log(log_buf, op.u.log.size);
	}
}

static void hex(char *out, const uint8_t *d, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static long pcr_read(uint32_t pcr, uint16_t alg, struct attest_op *op)
{
	op_init(op, ATTESTOP_pcr_read);
	op->u.pcr.pcr = pcr;
	op->u.pcr.alg = alg;
	return attest_op(op);
}

static void check_pcrs(const struct attest_status *st)
{
	unsigned int good = 0, total = 0;
	char digest_hex[2 * 64 + 1];
	struct attest_op op;

	for (uint32_t pcr = PCR_FIRST; pcr <= PCR_LAST; pcr++) {
		for (uint32_t b = 0; b < st->bank_count && b < ATTEST_MAX_BANKS; b++) {
			uint16_t alg = st->bank_alg[b];
			unsigned int n = alg_size(alg);
			long rc = pcr_read(pcr, alg, &op);

			total++;
			if (st->state == ATTEST_STATE_LOG_ONLY) {
				good += test_check(rc == -XEN_ENODEV, "pcr_read_no_tpm",
						   "PCR %u %s: rc %ld (want -ENODEV)", pcr,
						   alg_name(alg), rc);
				continue;
			}
			if (!test_check(rc == 0 && op.u.pcr.size == n && n != 0, "pcr_read",
					"PCR %u %s: rc %ld size %u (want %u)", pcr, alg_name(alg), rc,
					op.u.pcr.size, n)) {
				continue;
			}
			good++;
			hex(digest_hex, op.u.pcr.digest, n);
			rt_printf("MOAT-PCR %u %s %s\n", pcr, alg_name(alg), digest_hex);
		}
	}
	rt_printf("attest: %u of %u PCR reads as expected\n", good, total);
}

/* Arguments a careless or hostile caller could pass. */
static void check_hostile(const struct attest_status *st)
{
	bool tpm = st->state == ATTEST_STATE_TPM;
	struct attest_op op;
	long rc;

	rc = hypercall2(__HYPERVISOR_attest_op, HV_DIRECT, 0);
	test_check(rc == -XEN_EFAULT, "op_in_hv", "op at 0x%llx: rc %ld (want -EFAULT)",
		   (unsigned long long)HV_DIRECT, rc);
	rc = hypercall2(__HYPERVISOR_attest_op, NON_CANONICAL, 0);
	test_check(rc == -XEN_EFAULT, "op_non_canonical", "op at 0x%llx: rc %ld (want -EFAULT)",
		   (unsigned long long)NON_CANONICAL, rc);

	static const uint64_t bad_buffers[] = { HV_DIRECT, HV_END_CROSSING, NON_CANONICAL };
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_buffers); i++) {
		op_init(&op, ATTESTOP_get_log);
		op.u.log.buffer = bad_buffers[i];
		op.u.log.size = LOG_BUF_SIZE;
		rc = attest_op(&op);
		test_check(rc == -XEN_EFAULT, "get_log_bad_buffer",
			   "buffer 0x%llx, %u bytes: rc %ld (want -EFAULT)",
			   (unsigned long long)bad_buffers[i], LOG_BUF_SIZE, rc);
	}

	/* The status written into a page mapped read-only: the hypervisor
	 * writes with the guest's rights, so this must fault. */
	{
		uint64_t va = rt_window(RT_WIN_TEST), scratch = rt_window(RT_WIN_SCRATCH);
		uint64_t pfn = rt_frame_alloc();
		uint64_t mfn = pfn ? rt_pfn_to_mfn(pfn) : 0;
		long map = pfn ? rt_map(scratch, mfn, PTE_DATA) : -XEN_ENOMEM;

		if (map == 0) {
			op_init((struct attest_op *)scratch, ATTESTOP_status);
			rt_unmap(scratch);
			map = rt_map(va, mfn, PTE_RO);
		}
		rc = map == 0 ? attest_op((struct attest_op *)va) : map;
		test_check(map == 0 && rc == -XEN_EFAULT, "status_read_only",
			   "status into a read-only page: rc %ld (want -EFAULT), map %ld", rc, map);
		rt_unmap(va);
	}

	/* Without a TPM the hypervisor may say -ENODEV before looking at the
	 * PCR or bank; with one, both must be -EINVAL. */
	rc = pcr_read(24, st->bank_alg[0], &op);
	test_check(rc == -XEN_EINVAL || (!tpm && rc == -XEN_ENODEV), "pcr_24",
		   "PCR 24: rc %ld (want -EINVAL%s)", rc, tpm ? "" : " or -ENODEV");
	rc = pcr_read(0xffffffffu, st->bank_alg[0], &op);
	test_check(rc == -XEN_EINVAL || (!tpm && rc == -XEN_ENODEV), "pcr_huge",
		   "PCR 0xffffffff: rc %ld (want -EINVAL%s)", rc,
		   tpm ? "" : " or -ENODEV");
	static const uint16_t bad_algs[] = { 0x0000, 0x0012 /* SM3_256 */, 0xffff };
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_algs); i++) {
		rc = pcr_read(PCR_FIRST, bad_algs[i], &op);
		test_check(rc == -XEN_EINVAL || (!tpm && rc == -XEN_ENODEV), "pcr_bad_alg",
			   "bank 0x%04x: rc %ld (want -EINVAL%s)", bad_algs[i], rc,
			   tpm ? "" : " or -ENODEV");
	}

	op_init(&op, 99);
	rc = attest_op(&op);
	test_check(rc == -XEN_ENOSYS, "unknown_cmd", "cmd 99: rc %ld (want -ENOSYS)", rc);
	op_init(&op, ATTESTOP_status);
	op.interface_version = ATTEST_INTERFACE_VERSION + 1;
	rc = attest_op(&op);
	test_check(rc == -XEN_EINVAL && op.u.status.log_size == 0, "bad_interface_version",
		   "version %u: rc %ld (want -EINVAL)", ATTEST_INTERFACE_VERSION + 1, rc);
}

/* load=1: the initrd through FLASK_LOAD, which adds one record to the log. */
static void load_policy(struct attest_status *st)
{
	const struct start_info *si = rt_start_info;
	struct xen_flask_op op;
	struct attest_status after;
	long rc;

	if (!test_check(si->mod_start != 0 && si->mod_len > 0, "initrd",
			"mod_start 0x%lx mod_len %lu", (unsigned long)si->mod_start,
			(unsigned long)si->mod_len)) {
		return;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = FLASK_LOAD;
	op.interface_version = XEN_FLASK_INTERFACE_VERSION;
	op.u.load.buffer = si->mod_start;
	op.u.load.size = (uint32_t)si->mod_len;
	rc = hyp_xsm_op(&op);
	if (!test_check(rc == 0, "load_policy", "FLASK_LOAD of %lu bytes: rc %ld",
			(unsigned long)si->mod_len, rc)) {
		return;
	}
	if (get_status(&after, "status_after_load")) {
		test_check(after.event_count == st->event_count + 1 &&
			   after.log_size > st->log_size, "load_measured",
			   "events %u -> %u, log %u -> %u bytes", st->event_count,
			   after.event_count, st->log_size, after.log_size);
		*st = after;
	}
}

/* ---- denied ------------------------------------------------------------ */

static void check_denied(void)
{
	struct attest_op op;
	long rc;

	op_init(&op, ATTESTOP_status);
	rc = attest_op(&op);
	test_check(rc == -XEN_EACCES && all_bytes((const uint8_t *)&op.u, sizeof(op.u), 0),
		   "status_denied", "rc %ld (want -EACCES)%s", rc,
		   all_bytes((const uint8_t *)&op.u, sizeof(op.u), 0) ? "" : ", status WRITTEN");

	memset(log_buf, 0xa5, sizeof(log_buf));
	op_init(&op, ATTESTOP_get_log);
	op.u.log.buffer = (uint64_t)(uintptr_t)log_buf;
	op.u.log.size = sizeof(log_buf);
	rc = attest_op(&op);
	test_check(rc == -XEN_EACCES && all_bytes(log_buf, sizeof(log_buf), 0xa5) &&
		   op.u.log.size == sizeof(log_buf), "get_log_denied",
		   "rc %ld (want -EACCES), size %u, buffer %s", rc, op.u.log.size,
		   all_bytes(log_buf, sizeof(log_buf), 0xa5) ? "untouched" : "WRITTEN");

	op_init(&op, ATTESTOP_get_log);
	rc = attest_op(&op);
	test_check(rc == -XEN_EACCES && op.u.log.size == 0, "get_log_size_denied",
		   "size query: rc %ld (want -EACCES), size %u (must stay 0)", rc, op.u.log.size);

	rc = pcr_read(PCR_FIRST, TPM2_ALG_SHA256, &op);
	test_check(rc == -XEN_EACCES && op.u.pcr.size == 0 &&
		   all_bytes(op.u.pcr.digest, sizeof(op.u.pcr.digest), 0), "pcr_read_denied",
		   "PCR %u sha256: rc %ld (want -EACCES), size %u", PCR_FIRST, rc, op.u.pcr.size);
}

void guest_main(void)
{
	char expect[16] = "allowed";
	struct attest_status st;

	cmdline_get("expect", expect, sizeof(expect));
	if (strcmp(expect, "denied") == 0) {
		check_denied();
		return;
	}
	if (strcmp(expect, "allowed") != 0) {
		test_fail("args", "expect=%s: want allowed or denied", expect);
		return;
	}
	rt_mm_init();
	if (!get_status(&st, "status_call") || !check_status(&st)) {
		return;
	}
	if (cmdline_get_u64("load", 0)) {
		load_policy(&st);
	}
	check_log(&st, cmdline_get_u64("dump", 0) != 0);
	check_pcrs(&st);
	check_hostile(&st);
}
