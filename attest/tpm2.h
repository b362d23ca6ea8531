/*
 * TPM 2.0 command marshalling and response parsing (TCG TPM 2.0 Library,
 * Parts 2 and 3): the portable half of the TPM driver. It builds the few
 * commands measured boot needs into a caller's buffer and checks what the
 * TPM sends back; the TIS driver in hv/arch moves the bytes.
 *
 * Nothing here touches hardware, allocates, locks or keeps global state. A
 * response is untrusted input (a hostile or broken TPM): every length is
 * bounded by the buffer and by the response's own size field, and a response
 * that does not parse is an error code, never an out-of-bounds read. This
 * file must never grow a dependency on libc beyond hv/lib.h.
 *
 * One error channel, as in the rest of Moat: 0 or a negative Xen errno.
 *   -XEN_EINVAL     the caller's arguments are wrong (unknown algorithm,
 *                   PCR out of range, missing digest).
 *   -XEN_ENOSPC     the command does not fit the caller's buffer.
 *   -XEN_EBADMSG    the response is malformed (truncated, oversized, wrong
 *                   tag, lengths that disagree, trailing bytes).
 *   -XEN_EIO        a well-formed response carrying a TPM error; *rc holds it.
 *   -XEN_EOPNOTSUPP a well-formed answer this code cannot act on safely
 *                   (moreData set on the PCR capability; extending while an
 *                   active bank uses an algorithm we cannot hash).
 *   -XEN_ENODATA    PCR_Read returned no value (the bank is not allocated).
 * Every response parser writes *rc: the TPM's response code when the header
 * parsed, TPM2_RC_UNPARSED otherwise.
 */
#ifndef ATTEST_TPM2_H
#define ATTEST_TPM2_H

#include <hv/types.h>

/* Structure tags (Part 2, 6.9). */
#define TPM2_ST_RSP_COMMAND 0x00C4 /* a TPM 1.2 style error answer */
#define TPM2_ST_NO_SESSIONS 0x8001
#define TPM2_ST_SESSIONS    0x8002

/* Command codes (Part 2, 6.5.2). */
#define TPM2_CC_STARTUP        0x00000144
#define TPM2_CC_GET_CAPABILITY 0x0000017A
#define TPM2_CC_PCR_RESET      0x0000013D
#define TPM2_CC_PCR_READ       0x0000017E
#define TPM2_CC_PCR_EXTEND     0x00000182

#define TPM2_SU_CLEAR 0x0000
#define TPM2_CAP_PCRS 0x00000005
#define TPM2_RS_PW    0x40000009

/* Response codes (Part 2, 6.6). INITIALIZE answers a second Startup;
 * LOCALITY a command the current locality may not issue (resetting or
 * extending a PCR that locality does not own). */
#define TPM2_RC_SUCCESS    0x000
#define TPM2_RC_INITIALIZE 0x100
#define TPM2_RC_LOCALITY   0x907
/* Not a TPM code: written to *rc when the response header did not parse. */
#define TPM2_RC_UNPARSED 0xFFFFFFFFu

/* Hash algorithms of PCR banks (TCG Algorithm Registry). */
#define TPM2_ALG_SHA1   0x0004
#define TPM2_ALG_SHA256 0x000B
#define TPM2_ALG_SHA384 0x000C
#define TPM2_ALG_SHA512 0x000D

#define TPM2_HEADER_SIZE     10
#define TPM2_MAX_DIGEST_SIZE 64
/* PCRs a PC Client TPM implements, and the pcrSelect bytes that cover them. */
#define TPM2_PCR_COUNT       24
#define TPM2_PCR_SELECT_SIZE 3
/* Bounds from the reference implementation: at most 16 banks in a
 * TPML_PCR_SELECTION, at most 4 pcrSelect bytes (32 PCRs) in each. */
#define TPM2_MAX_BANKS      16
#define TPM2_PCR_SELECT_MAX 4
/* Algorithms we can hash; an active bank is one of these or unsupported. */
#define TPM2_KNOWN_ALGS 4

/* Big enough for every command built here with all four banks. */
#define TPM2_CMD_MAX 512

struct tpm2_bank {
	uint16_t alg;
	uint16_t digest_size;
};

/* The active PCR banks, in the order the TPM listed them. Invariant after a
 * successful parse: count <= TPM2_KNOWN_ALGS, every alg is known and appears
 * once, digest_size matches it. unsupported counts active banks whose
 * algorithm we cannot hash: nonzero means "every active bank" cannot be
 * extended, so tpm2_cmd_pcr_extend refuses. */
struct tpm2_banks {
	unsigned int count;
	unsigned int unsupported;
	struct tpm2_bank bank[TPM2_KNOWN_ALGS];
};

/* Digest size of a known algorithm, 0 for any other. */
size_t tpm2_alg_digest_size(uint16_t alg);

/* True for the answers to Startup that leave the TPM usable: success, or
 * TPM_RC_INITIALIZE because firmware has already started it. */
bool tpm2_startup_ok(uint32_t rc);

/*
 * Command builders. Each writes one complete command to buf[0, cap) and its
 * length to *len; on error nothing useful is in buf and *len is 0.
 */
int tpm2_cmd_startup_clear(uint8_t *buf, size_t cap, size_t *len);
/* TPM2_GetCapability(TPM_CAP_PCRS, property 0, count 1). */
int tpm2_cmd_get_capability_pcrs(uint8_t *buf, size_t cap, size_t *len);
/* TPM2_PCR_Extend of pcr (< TPM2_PCR_COUNT) with an empty-auth password
 * session, one digest per active bank: digest[i] holds
 * banks->bank[i].digest_size bytes for banks->bank[i]. Refuses with
 * -XEN_EOPNOTSUPP when banks->unsupported is nonzero and -XEN_EINVAL when
 * there is no bank or a digest is missing, so no active bank is skipped. */
int tpm2_cmd_pcr_extend(uint8_t *buf, size_t cap, uint32_t pcr, const struct tpm2_banks *banks,
			const uint8_t *const digest[], size_t *len);
/* TPM2_PCR_Reset of pcr (< TPM2_PCR_COUNT) with the same empty-auth
 * password session as PCR_Extend. Whether the current locality may reset
 * that PCR is the TPM's decision (TPM2_RC_LOCALITY otherwise); this only
 * checks the index. All banks of the PCR are reset. */
int tpm2_cmd_pcr_reset(uint8_t *buf, size_t cap, uint32_t pcr, size_t *len);
/* TPM2_PCR_Read of one pcr (< TPM2_PCR_COUNT) in one known bank. */
int tpm2_cmd_pcr_read(uint8_t *buf, size_t cap, uint32_t pcr, uint16_t alg, size_t *len);

/*
 * Response parsers. rsp[0, len) is what the TPM sent; the header's size
 * must fit in len, and the response is parsed within that size only. Bytes
 * in len past the declared size are not looked at.
 */
/* Startup: 0 when tpm2_startup_ok(*rc). */
int tpm2_rsp_startup(const uint8_t *rsp, size_t len, uint32_t *rc);
/* GetCapability(TPM_CAP_PCRS): fills *banks (zeroed on any error). */
int tpm2_rsp_get_capability_pcrs(const uint8_t *rsp, size_t len, uint32_t *rc,
				 struct tpm2_banks *banks);
/* PCR_Extend, sent with the password session (response tag SESSIONS). */
int tpm2_rsp_pcr_extend(const uint8_t *rsp, size_t len, uint32_t *rc);
/* PCR_Reset, sent with the password session: the same answer as
 * PCR_Extend's (no handles, no parameters, one session), the same checks
 * and results. A reset refused for the locality is -XEN_EIO with *rc
 * TPM2_RC_LOCALITY. */
int tpm2_rsp_pcr_reset(const uint8_t *rsp, size_t len, uint32_t *rc);
/* PCR_Read of the pcr and alg the command asked for: writes
 * tpm2_alg_digest_size(alg) bytes to digest (digest_cap must hold them),
 * the PCR's value on success and zeros on any error but -XEN_EINVAL. */
int tpm2_rsp_pcr_read(const uint8_t *rsp, size_t len, uint32_t pcr, uint16_t alg,
		      uint8_t *digest, size_t digest_cap, uint32_t *rc);

#endif /* ATTEST_TPM2_H */
