/*
 * The platform TPM 2.0 through its FIFO interface (TCG PC Client Platform
 * TPM Profile, the "TIS" registers at 0xFED40000 + locality * 0x1000):
 * arch_tpm_open and arch_tpm_transmit of hv/arch.h. This file moves the
 * bytes of one command and of its response, nothing more; building and
 * parsing them is attest/tpm2_cmd.c's and attest/tpm2_rsp.c's business.
 *
 * What it must never do:
 *  - map or touch the register page of any locality but the one asked for.
 *    The other pages belong to firmware, to dom0 or to nobody, and a page
 *    that is never mapped cannot be written by mistake.
 *  - trust the TPM. A response's length comes from its own header: it is
 *    checked against the header's size and the caller's buffer, bytes that
 *    do not fit are read and dropped (never stored), and a TPM that offers
 *    fewer or more bytes than it declared is -XEN_EIO. Burst counts only
 *    bound how many bytes are moved at once, never where they go.
 *  - wait forever. Every poll has a deadline on arch_time_ns() (so
 *    time_init must have run) and a spin cap in case the clock is stuck.
 *  - give the locality back. Once granted, the hypervisor keeps it; when
 *    firmware has left a lower locality active, it is seized (tis_request).
 * Callers are serialised (boot runs on one CPU, see attest/measure.h): the
 * state below needs no lock.
 */
#include <arch/cpu.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <public/errno.h>

#define TIS_BASE            0xfed40000ULL
#define TIS_LOCALITY_STRIDE 0x1000ULL
#define TIS_LOCALITY_MAX    4

/* Registers: offsets in one locality's page, with their access widths. */
#define TIS_ACCESS       0x000 /* 8-bit */
#define TIS_STS          0x018 /* 32-bit */
#define TIS_DATA_FIFO    0x024 /* 8-bit */
#define TIS_INTERFACE_ID 0x030 /* 32-bit */
#define TIS_DID_VID      0xf00 /* 32-bit */

#define ACCESS_REG_VALID   0x80 /* tpmRegValidSts: the other bits mean something */
#define ACCESS_ACTIVE      0x20 /* activeLocality: this locality owns the TPM */
#define ACCESS_SEIZE       0x08 /* take the TPM from a lower active locality */
#define ACCESS_REQUEST_USE 0x02

#define STS_VALID         0x80 /* stsValid: dataAvail and Expect mean something */
#define STS_COMMAND_READY 0x40
#define STS_GO            0x20
#define STS_DATA_AVAIL    0x10
#define STS_EXPECT        0x08
#define STS_BURST(sts)    (((sts) >> 8) & 0xffffu)

/* InterfaceType (bits 3:0): the FIFO of the PTP, or TIS 1.3 (the same FIFO,
 * what TPM 1.2-era parts report). CRB (1) uses other registers. */
#define IFACE_TYPE(id)   ((id) & 0xfu)
#define IFACE_TYPE_FIFO  0x0u
#define IFACE_TYPE_TIS13 0xfu

/* The fixed part of every command and response: tag, size, code. */
#define TIS_HEADER_SIZE 10

/* TIMEOUT_A to _D are 750 ms to 2 s in the profile: 2 s for every short
 * wait. A command (key generation, say) may take seconds: 10 s. */
#define TIMEOUT_SHORT_NS   2000000000ULL
#define TIMEOUT_COMMAND_NS 10000000000ULL
/* How long a plain request may stay pending before we seize: a TPM grants
 * an idle locality at once, so a longer wait means another one is active. */
#define GRANT_GRACE_NS 20000000ULL
/* Only a stuck clock gets here: each spin is an uncached MMIO read. */
#define SPIN_MAX (1ULL << 30)
/* At most this many bytes of a response too big for the caller are read
 * and dropped; commandReady then makes the TPM discard whatever is left. */
#define DRAIN_MAX 65536u

/* The register page of locality l once mapped (each is mapped once), and
 * whether its TPM has been announced. */
static volatile uint8_t *tis_page[TIS_LOCALITY_MAX + 1];
static bool tis_announced[TIS_LOCALITY_MAX + 1];

/* The open locality: regs is NULL until an open succeeded. A later open that
 * fails leaves the earlier one in place. */
struct tis {
	volatile uint8_t *regs;
	unsigned int locality;
};

static struct tis tis_open;

static uint8_t tis_read8(const struct tis *t, unsigned int reg)
{
	return *(volatile uint8_t *)(t->regs + reg);
}

static uint32_t tis_read32(const struct tis *t, unsigned int reg)
{
	return *(volatile uint32_t *)(t->regs + reg);
}

static void tis_write8(const struct tis *t, unsigned int reg, uint8_t v)
{
	*(volatile uint8_t *)(t->regs + reg) = v;
}

static void tis_write32(const struct tis *t, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(t->regs + reg) = v;
}

/* Whether t's locality is the active one. */
static bool tis_granted(const struct tis *t)
{
	return (tis_read8(t, TIS_ACCESS) & (ACCESS_REG_VALID | ACCESS_ACTIVE)) ==
	       (ACCESS_REG_VALID | ACCESS_ACTIVE);
}

/* A deadline for one wait. */
struct tis_wait {
	uint64_t deadline;
	uint64_t spins;
};

static void wait_begin(struct tis_wait *w, uint64_t timeout_ns)
{
	w->deadline = arch_time_ns() + timeout_ns;
	w->spins = 0;
}

/* Called once per poll that did not succeed: pause, then true when the
 * wait is over. */
static bool wait_expired(struct tis_wait *w)
{
	__asm__ volatile("pause" ::: "memory");
	return arch_time_ns() > w->deadline || ++w->spins > SPIN_MAX;
}

static int timed_out(const struct tis *t, const char *step)
{
	printk(LOG_ERR, "tpm: locality %u: timed out waiting for %s", t->locality, step);
	return -XEN_ETIMEDOUT;
}

/* Wait until the bits of mask in STS equal want; the last STS read. */
static int wait_sts(const struct tis *t, uint32_t mask, uint32_t want, uint64_t timeout_ns,
		    const char *step, uint32_t *sts)
{
	struct tis_wait w;

	wait_begin(&w, timeout_ns);
	for (;;) {
		*sts = tis_read32(t, TIS_STS);
		if ((*sts & mask) == want) {
			return 0;
		}
		if (wait_expired(&w)) {
			return timed_out(t, step);
		}
	}
}

/*
 * Wait until the FIFO takes (sending) or offers (receiving) at least one
 * byte; the number in *burst. Receiving, a TPM that says its data is over
 * (stsValid set, dataAvail clear) gets -XEN_ENODATA at once rather than a
 * timeout.
 */
static int wait_burst(const struct tis *t, bool receiving, const char *step, size_t *burst)
{
	struct tis_wait w;
	uint32_t sts;

	wait_begin(&w, TIMEOUT_SHORT_NS);
	for (;;) {
		sts = tis_read32(t, TIS_STS);
		if (receiving && (sts & (STS_VALID | STS_DATA_AVAIL)) == STS_VALID) {
			return -XEN_ENODATA;
		}
		*burst = STS_BURST(sts);
		if (*burst != 0) {
			return 0;
		}
		if (wait_expired(&w)) {
			return timed_out(t, step);
		}
	}
}

/* Write cmd[0, len), len >= 1, burst by burst: all but the last byte with
 * the TPM asking for more after each burst, then the last byte, after which
 * it must ask for no more (its reading of the size field agrees with len). */
static int send_command(const struct tis *t, const uint8_t *cmd, size_t len)
{
	size_t sent = 0, burst, n;
	uint32_t sts;
	int ret;

	while (sent < len - 1) {
		ret = wait_burst(t, false, "burst count (command)", &burst);
		if (ret) {
			return ret;
		}
		for (n = MIN(burst, len - 1 - sent); n > 0; n--) {
			tis_write8(t, TIS_DATA_FIFO, cmd[sent++]);
		}
		ret = wait_sts(t, STS_VALID, STS_VALID, TIMEOUT_SHORT_NS, "stsValid (command)", &sts);
		if (ret) {
			return ret;
		}
		if (!(sts & STS_EXPECT)) {
			printk(LOG_ERR, "tpm: took %zu of %zu command bytes and expects no more", sent,
			       len);
			return -XEN_EIO;
		}
	}
	ret = wait_burst(t, false, "burst count (last command byte)", &burst);
	if (ret) {
		return ret;
	}
	tis_write8(t, TIS_DATA_FIFO, cmd[len - 1]);
	ret = wait_sts(t, STS_VALID, STS_VALID, TIMEOUT_SHORT_NS, "stsValid (command end)", &sts);
	if (ret) {
		return ret;
	}
	if (sts & STS_EXPECT) {
		printk(LOG_ERR, "tpm: expects more than the %zu command bytes", len);
		return -XEN_EIO;
	}
	return 0;
}

/*
 * Read n bytes of the response into buf, or drop them when buf is NULL.
 * Into a buffer, running out early is -XEN_EIO (the TPM declared more than
 * it has); dropping, it simply ends the drain.
 */
static int recv_bytes(const struct tis *t, uint8_t *buf, size_t n, const char *step)
{
	size_t got = 0, burst, m;
	int ret;

	while (got < n) {
		ret = wait_burst(t, true, step, &burst);
		if (ret == -XEN_ENODATA) {
			if (buf == NULL) {
				return 0;
			}
			printk(LOG_ERR, "tpm: %s ended %zu bytes early", step, n - got);
			return -XEN_EIO;
		}
		if (ret) {
			return ret;
		}
		for (m = MIN(burst, n - got); m > 0; m--, got++) {
			uint8_t b = tis_read8(t, TIS_DATA_FIFO);

			if (buf != NULL) {
				buf[got] = b;
			}
		}
	}
	return 0;
}

/* The response: header, then exactly the size it declares, which must fit
 * rsp[0, cap); then the TPM must have nothing more. */
static int recv_response(const struct tis *t, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
	uint8_t hdr[TIS_HEADER_SIZE];
	uint32_t size, sts;
	int ret;

	ret = recv_bytes(t, hdr, sizeof(hdr), "response header");
	if (ret) {
		return ret;
	}
	size = ((uint32_t)hdr[2] << 24) | ((uint32_t)hdr[3] << 16) | ((uint32_t)hdr[4] << 8) |
	       hdr[5];
	if (size < TIS_HEADER_SIZE) {
		printk(LOG_ERR, "tpm: response declares %u bytes, less than its header", size);
		return -XEN_EIO;
	}
	if (size > cap) {
		ret = recv_bytes(t, NULL, MIN(size - TIS_HEADER_SIZE, DRAIN_MAX), "response drain");
		printk(LOG_ERR, "tpm: %u-byte response does not fit in %zu bytes: dropped", size, cap);
		return ret ? ret : -XEN_ENOSPC;
	}
	memcpy(rsp, hdr, sizeof(hdr));
	ret = recv_bytes(t, rsp + TIS_HEADER_SIZE, size - TIS_HEADER_SIZE, "response body");
	if (ret) {
		return ret;
	}
	ret = wait_sts(t, STS_VALID, STS_VALID, TIMEOUT_SHORT_NS, "stsValid (response end)", &sts);
	if (ret) {
		return ret;
	}
	if (sts & STS_DATA_AVAIL) {
		printk(LOG_ERR, "tpm: has more bytes than the %u its response declares", size);
		return -XEN_EIO;
	}
	*rsp_len = size;
	return 0;
}

/*
 * One command, one response: Ready, the command, tpmGo, completion, the
 * response. Whatever happens, commandReady last: after a response it tells
 * the TPM we are done; after an error or a timeout it aborts the command
 * and makes the TPM drop what it holds, so the next transmit starts clean.
 */
int arch_tpm_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
	const struct tis *t = &tis_open;
	uint32_t sts;
	int ret;

	*rsp_len = 0;
	if (t->regs == NULL) {
		return -XEN_ENODEV;
	}
	if (len < TIS_HEADER_SIZE) {
		return -XEN_EINVAL;
	}
	if (!tis_granted(t)) {
		printk(LOG_ERR, "tpm: locality %u is no longer active", t->locality);
		return -XEN_EIO;
	}
	tis_write32(t, TIS_STS, STS_COMMAND_READY);
	ret = wait_sts(t, STS_COMMAND_READY, STS_COMMAND_READY, TIMEOUT_SHORT_NS, "commandReady",
		       &sts);
	if (ret == 0) {
		ret = send_command(t, cmd, len);
	}
	if (ret == 0) {
		tis_write32(t, TIS_STS, STS_GO);
		ret = wait_sts(t, STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL,
			       TIMEOUT_COMMAND_NS, "command completion", &sts);
	}
	if (ret == 0) {
		ret = recv_response(t, rsp, cap, rsp_len);
	}
	tis_write32(t, TIS_STS, STS_COMMAND_READY);
	if (ret) {
		*rsp_len = 0;
	}
	return ret;
}

/*
 * Make t's locality the active one, through its own ACCESS register only.
 * A plain request is granted at once when no locality is active. Firmware
 * may keep one active after boot (SeaBIOS leaves locality 0 active) and
 * cannot be asked to let go without writing its page, which we never map:
 * then we seize, which the TPM grants only to a locality higher than the
 * active one (aborting any command of that one: firmware has finished with
 * the TPM when the hypervisor runs). A higher active locality is never
 * taken over: that open times out.
 */
static int tis_request(const struct tis *t)
{
	struct tis_wait w;

	if (tis_granted(t)) {
		return 0;
	}
	tis_write8(t, TIS_ACCESS, ACCESS_REQUEST_USE);
	wait_begin(&w, GRANT_GRACE_NS);
	while (!tis_granted(t)) {
		if (wait_expired(&w)) {
			break;
		}
	}
	if (tis_granted(t)) {
		return 0;
	}
	printk(LOG_INFO, "tpm: locality %u: another locality is active: seizing the TPM",
	       t->locality);
	tis_write8(t, TIS_ACCESS, ACCESS_SEIZE);
	wait_begin(&w, TIMEOUT_SHORT_NS);
	while (!tis_granted(t)) {
		if (wait_expired(&w)) {
			/* Not granted (a higher locality is active): withdraw
			 * the pending request, so the TPM does not hand this
			 * locality over later to nobody. */
			tis_write8(t, TIS_ACCESS, ACCESS_ACTIVE);
			tis_write32(t, TIS_STS, STS_COMMAND_READY);
			return timed_out(t, "the locality to be granted");
		}
	}
	return 0;
}

/* Map locality l's page, and only it, the first time it is asked for. */
static volatile uint8_t *tis_map(unsigned int l)
{
	if (tis_page[l] == NULL) {
		tis_page[l] = fixmap_map_mmio(TIS_BASE + l * TIS_LOCALITY_STRIDE);
	}
	return tis_page[l];
}

int arch_tpm_open(unsigned int locality)
{
	struct tis t;
	uint32_t did_vid, iface;
	uint8_t access;
	int ret;

	if (locality > TIS_LOCALITY_MAX) {
		return -XEN_EINVAL;
	}
	t.regs = tis_map(locality);
	t.locality = locality;

	/* Nothing there reads back all-ones (or zeros): no TPM. */
	access = tis_read8(&t, TIS_ACCESS);
	did_vid = tis_read32(&t, TIS_DID_VID);
	if (!(access & ACCESS_REG_VALID) || access == 0xff || did_vid == 0 ||
	    did_vid == 0xffffffffu) {
		printk(LOG_INFO, "tpm: no TIS TPM at locality %u (ACCESS 0x%02x, DID_VID 0x%08x)",
		       locality, access, did_vid);
		return -XEN_ENODEV;
	}
	iface = tis_read32(&t, TIS_INTERFACE_ID);
	if (IFACE_TYPE(iface) != IFACE_TYPE_FIFO && IFACE_TYPE(iface) != IFACE_TYPE_TIS13) {
		printk(LOG_ERR, "tpm: interface type %u at locality %u is not the FIFO interface",
		       IFACE_TYPE(iface), locality);
		return -XEN_ENODEV;
	}

	ret = tis_request(&t);
	if (ret) {
		return ret;
	}
	if (!tis_announced[locality]) {
		printk(LOG_INFO, "tpm: TIS TPM vid 0x%04x did 0x%04x at locality %u",
		       did_vid & 0xffffu, did_vid >> 16, locality);
		tis_announced[locality] = true;
	}
	tis_open = t;
	return 0;
}
