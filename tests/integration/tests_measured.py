"""Measured boot: the hypervisor measures its command line, the boot
manifest, every boot module, the policy and each domain's launch into PCRs
20-22 of a TPM 2.0 (a private swtpm per boot, tpm=True) and a TCG event log,
which a privileged domain reads with attest_op (the attest guest). Each test
with a log checks it three independent ways:

  - the TPM: the guest's PCR reads (MOAT-PCR lines) must equal the replay
    of the log the guest dumped (MOAT-EVLOG lines), in every bank;
  - tpm2_eventlog (tpm2-tools) must parse that log and replay it to the same
    values;
  - this file: it parses the log itself, and computes from the test's own
    files and command lines what PCR 22 (every module's image and command
    line), PCR 21 (the policy blobs) and the first record of PCR 20 (the
    hypervisor command line) must be, with hashlib.

The log goes to build/results/measured/<test>/eventlog.bin (and
tpm2_eventlog's output next to it). Also: a changed module or command line
changes the expected PCRs; attest_op denied to domU_t/untrusted_t (FLASK)
and to priv=no (dummy); the TPM's MMIO range out of a guest's reach;
measured=optional and measured=required without a TPM; a run-time policy
load measured into PCR 21.

Moat only (xen_compatible=False): Xen 4.17 has no attest_op and measures
nothing. Run as a program, this file turns a console log into an event log
file and compares PCRs for scripts/run-demo.sh (see demo_main).
"""
from __future__ import annotations

import dataclasses
import hashlib
import pathlib
import re
import shutil
import struct
import subprocess
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from moattest import EXIT_CLEAN, EXIT_REFUSED, Expect, Module, Test, guest
import hvlog as L
from hvlog import end_ok
from tests_flask import POLICY_REVOKE, initrd, labelled, policy

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULTS_DIR = "build/results/measured"
DERIVED_DIR = "build/measured-test"
HELLO = "build/guests/hello.elf"
# hello.elf with bytes appended past everything its headers describe: the
# same kernel to the loader, a different module to measure.
HELLO_CHANGED = f"{DERIVED_DIR}/hello-changed.elf"

# TCG PC Client event types, and the PCRs Moat measures into.
EV_NO_ACTION = 0x3
EV_SEPARATOR = 0x4
EV_IPL = 0xD
SEPARATOR_DATA = b"\0\0\0\0"
PCR_CONFIG, PCR_POLICY, PCR_MODULES = 20, 21, 22
PCRS = (PCR_CONFIG, PCR_POLICY, PCR_MODULES)
SPEC_ID_SIGNATURE = b"Spec ID Event03\0"
BANK_OF_ALG = {0x0004: "sha1", 0x000B: "sha256", 0x000C: "sha384", 0x000D: "sha512"}
ALL_BANKS = ("sha1", "sha256", "sha384", "sha512")   # a fresh swtpm's
LOG_ONLY_BANKS = ("sha256",)                           # no TPM: SHA-256 only

EVLOG_LINE = re.compile(r"MOAT-EVLOG ([0-9a-fA-F]*)\r?$", re.M)
EVLOG_END = re.compile(r"MOAT-EVLOG-END (\d+)\r?$", re.M)
PCR_LINE = re.compile(r"MOAT-PCR (\d+) (sha1|sha256|sha384|sha512) ([0-9a-fA-F]+)\r?$", re.M)
EVLOG_BYTES_PER_LINE = 64
# Records whose digest covers exactly the text after "moat: <what>: ", so a
# verifier can recompute it from the log alone.
SELF_DESCRIBING = re.compile(rb"moat: (hypervisor command line|boot manifest|domain launch|"
                             rb"module \d+ command line): (.*)", re.S)

FLASK = "console=com1 xsm=flask"


# ---- hashing and replay ---------------------------------------------------

def digest(bank: str, data: bytes) -> bytes:
    return hashlib.new(bank, data).digest()


def zero(bank: str) -> bytes:
    return bytes(hashlib.new(bank).digest_size)


def extend(bank: str, value: bytes, d: bytes) -> bytes:
    """TPM2_PCR_Extend: new = H(old || digest)."""
    return digest(bank, value + d)


def chain(bank: str, digests: Sequence[bytes]) -> bytes:
    value = zero(bank)
    for d in digests:
        value = extend(bank, value, d)
    return value


# ---- the TCG PC Client crypto-agile event log -------------------------------

@dataclasses.dataclass
class Record:
    """One TCG_PCR_EVENT2 record."""
    index: int                  # 1 for the first after the Spec ID header
    offset: int
    end: int
    pcr: int
    type: int
    digests: Dict[str, bytes]   # bank name -> digest
    event: bytes

    def text(self) -> str:
        return self.event.decode("utf-8", "replace")

    def describe(self) -> str:
        t = self.text() if self.type != EV_SEPARATOR else "EV_SEPARATOR"
        return f"record {self.index} (PCR {self.pcr}, '{t[:80]}')"


@dataclasses.dataclass
class EventLog:
    banks: List[str]
    records: List[Record]
    size: int


def parse_evlog(data: bytes) -> EventLog:
    """Parse a whole log, every length bounded; ValueError when it is not
    a well-formed log that ends exactly at its last record."""
    def need(at: int, n: int, what: str) -> None:
        if at + n > len(data):
            raise ValueError(f"{what} at offset {at} runs past the end ({len(data)} bytes)")

    need(0, 32, "the Spec ID header")
    pcr, etype, sha1, ev_size = struct.unpack_from("<II20sI", data, 0)
    if pcr != 0 or etype != EV_NO_ACTION or sha1 != bytes(20):
        raise ValueError(f"first record is PCR {pcr} type {etype:#x}, not the Spec ID header")
    need(32, ev_size, "the Spec ID event")
    ev = data[32:32 + ev_size]
    if len(ev) < 29 or ev[:16] != SPEC_ID_SIGNATURE:
        raise ValueError(f"no 'Spec ID Event03' signature: {ev[:16]!r}")
    _cls, _minor, major, _errata, uintn = struct.unpack_from("<IBBBB", ev, 16)
    (nalg,) = struct.unpack_from("<I", ev, 24)
    if major != 2 or uintn != 2 or nalg == 0 or len(ev) < 28 + 4 * nalg + 1:
        raise ValueError(f"bad Spec ID event: spec {major}, uintnSize {uintn}, {nalg} banks")
    banks, sizes = [], {}
    for i in range(nalg):
        alg, size = struct.unpack_from("<HH", ev, 28 + 4 * i)
        name = BANK_OF_ALG.get(alg)
        if name is None or size != hashlib.new(name).digest_size or name in banks:
            raise ValueError(f"bank {i}: algorithm {alg:#06x} with {size}-byte digests")
        banks.append(name)
        sizes[alg] = size
    vendor = ev[28 + 4 * nalg]
    if len(ev) != 29 + 4 * nalg + vendor:
        raise ValueError(f"Spec ID event of {len(ev)} bytes, its fields say "
                         f"{29 + 4 * nalg + vendor}")
    records: List[Record] = []
    at = 32 + ev_size
    while at < len(data):
        start = at
        need(at, 12, f"record {len(records) + 1}'s header")
        pcr, etype, count = struct.unpack_from("<III", data, at)
        at += 12
        if pcr > 23 or count != nalg:
            raise ValueError(f"record {len(records) + 1} at {start}: PCR {pcr}, "
                             f"{count} digests for {nalg} banks")
        digests = {}
        for i in range(count):
            need(at, 2, "a digest's algorithm")
            (alg,) = struct.unpack_from("<H", data, at)
            if alg not in sizes or BANK_OF_ALG[alg] != banks[i]:
                raise ValueError(f"record {len(records) + 1}: digest {i} is {alg:#06x}, "
                                 f"not the header's {banks[i]}")
            need(at + 2, sizes[alg], "a digest")
            digests[BANK_OF_ALG[alg]] = data[at + 2:at + 2 + sizes[alg]]
            at += 2 + sizes[alg]
        need(at, 4, "an event size")
        (size,) = struct.unpack_from("<I", data, at)
        need(at + 4, size, "event data")
        event = data[at + 4:at + 4 + size]
        at += 4 + size
        records.append(Record(len(records) + 1, start, at, pcr, etype, digests, event))
    return EventLog(banks, records, len(data))


def replay(log: EventLog, records: Optional[Sequence[Record]] = None
           ) -> Dict[str, Dict[int, bytes]]:
    """PCR values after extending every record's digests, from zero (the
    hypervisor resets PCRs 20-22, so the chain starts there)."""
    values: Dict[str, Dict[int, bytes]] = {b: {} for b in log.banks}
    for r in log.records if records is None else records:
        if r.type == EV_NO_ACTION:
            continue
        for b in log.banks:
            values[b][r.pcr] = extend(b, values[b].get(r.pcr, zero(b)), r.digests[b])
    return values


def boot_records(log: EventLog) -> List[Record]:
    """The boot's records: up to the last of the three separators (run-time
    policy loads come after)."""
    seps = [i for i, r in enumerate(log.records) if r.type == EV_SEPARATOR]
    return log.records[:seps[-1] + 1] if seps else list(log.records)


# ---- what a console log carries -------------------------------------------

def extract_evlog(console: str) -> bytes:
    """The log the attest guest dumped with dump=1; ValueError if there is
    none, or it is cut or garbled."""
    ends = EVLOG_END.findall(console)
    if len(ends) != 1:
        raise ValueError(f"{len(ends)} MOAT-EVLOG-END lines (want 1: attest dump=1)")
    end = EVLOG_END.search(console)
    lines = EVLOG_LINE.findall(console, 0, end.start())
    for i, h in enumerate(lines):
        if len(h) % 2 or (i < len(lines) - 1 and len(h) != 2 * EVLOG_BYTES_PER_LINE):
            raise ValueError(f"MOAT-EVLOG line {i + 1} has {len(h)} hex digits")
    data = bytes.fromhex("".join(lines))
    if len(data) != int(ends[0]):
        raise ValueError(f"{len(data)} bytes in MOAT-EVLOG lines, MOAT-EVLOG-END says {ends[0]}")
    return data


def guest_pcrs(console: str) -> Dict[Tuple[int, str], str]:
    """(pcr, bank) -> hex, as the attest guest read them from the TPM."""
    return {(int(p), b): h.lower() for p, b, h in PCR_LINE.findall(console)}


def run_tpm2_eventlog(path: pathlib.Path) -> Tuple[Optional[Dict[str, Dict[int, str]]], str]:
    """tpm2_eventlog's replay ("pcrs:" section): bank -> pcr -> hex, or an
    error. Its whole output goes next to the log as .yaml."""
    exe = shutil.which("tpm2_eventlog")
    if exe is None:
        return None, "tpm2_eventlog not found (apt-get install tpm2-tools)"
    p = subprocess.run([exe, str(path)], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=60)
    path.with_suffix(".yaml").write_text(p.stdout + p.stderr)
    if p.returncode != 0:
        return None, (f"tpm2_eventlog {path.name} exited {p.returncode}: "
                      + " ".join((p.stderr or p.stdout).split())[-200:])
    pcrs: Dict[str, Dict[int, str]] = {}
    bank = None
    in_pcrs = False
    for line in p.stdout.splitlines():
        if line.startswith("pcrs:"):
            in_pcrs = True
            continue
        if not in_pcrs:
            continue
        m = re.fullmatch(r"\s+(sha1|sha256|sha384|sha512):\s*", line)
        if m:
            bank = m.group(1)
            pcrs[bank] = {}
            continue
        m = re.fullmatch(r"\s+(\d+)\s*:\s*0x([0-9a-fA-F]+)\s*", line)
        if m and bank is not None:
            pcrs[bank][int(m.group(1))] = m.group(2).lower()
    if not pcrs:
        return None, f"tpm2_eventlog {path.name}: no 'pcrs:' section in its output"
    return pcrs, ""


# ---- what the test's own files say the PCRs must be -------------------------

def module_measured_cmdline(cmdline: str) -> str:
    """What the hypervisor measures of a module's command line as QEMU
    passes it ("<file> <args>"): without its first word when that word has
    no '=' and is not "--", nor the spaces and tabs after it."""
    m = re.match(r"([^ \t]+)[ \t]*", cmdline)
    if m and "=" not in m.group(1) and m.group(1) != "--":
        return cmdline[m.end():]
    return cmdline


def is_policy(m: Module) -> bool:
    return m.raw is not None and "type=policy" in m.raw.split()


def is_domain(m: Module) -> bool:
    return m.raw is None or not any(w.startswith("type=") for w in m.raw.split())


@dataclasses.dataclass
class Measured:
    """A measured boot's inputs, and what its log must show."""
    name: str
    cmdline: str
    modules: Sequence[Module]
    tpm: bool = True
    # Run-time policy loads, in order: (domid, blob path).
    loads: Sequence[Tuple[int, str]] = ()
    # Another boot whose expected PCR 22 (and, when the command lines
    # differ, first PCR 20 digest) this one's must differ from.
    differs_from: Optional["Measured"] = None

    @property
    def flask(self) -> bool:
        return "xsm=flask" in self.cmdline.split()

    @property
    def banks(self) -> Tuple[str, ...]:
        return ALL_BANKS if self.tpm else LOG_ONLY_BANKS

    def file(self, path: str) -> bytes:
        return (ROOT / path).read_bytes()

    def pcr22(self, bank: str) -> bytes:
        """Every module's image and command line, then the separator."""
        ds = []
        for m in self.modules:
            ds.append(digest(bank, self.file(m.image)))
            ds.append(digest(bank, module_measured_cmdline(m.cmdline()).encode()))
        ds.append(digest(bank, SEPARATOR_DATA))
        return chain(bank, ds)

    def pcr21(self, bank: str) -> bytes:
        """The boot policy (with FLASK), the separator, each run-time load."""
        ds = [digest(bank, self.file(m.image)) for m in self.modules if is_policy(m)]
        ds.append(digest(bank, SEPARATOR_DATA))
        ds += [digest(bank, self.file(blob)) for _, blob in self.loads]
        return chain(bank, ds)

    def cmdline_digest(self, bank: str) -> bytes:
        return digest(bank, self.cmdline.encode())


def check_records(spec: Measured, log: EventLog) -> List[str]:
    """Each record where the test knows what it must be, with a precise
    complaint (the PCR comparisons only say that something differs); and
    every self-describing record's digest against its own text."""
    problems: List[str] = []
    by_pcr = {p: [r for r in log.records if r.pcr == p] for p in PCRS}
    stray = [r for r in log.records if r.pcr not in PCRS]
    if stray:
        problems.append(f"{stray[0].describe()}: PCR outside 20-22 ({len(stray)} such)")

    def same_digests(r: Record, data: bytes, what: str) -> None:
        bad = [b for b in log.banks if r.digests[b] != digest(b, data)]
        if bad:
            problems.append(f"{r.describe()}: {'/'.join(bad)} digest is not H({what})")

    for r in log.records:
        if r.type == EV_SEPARATOR:
            if r.event != SEPARATOR_DATA:
                problems.append(f"{r.describe()}: separator data {r.event.hex()}")
            same_digests(r, SEPARATOR_DATA, "00000000")
        elif r.type != EV_IPL:
            problems.append(f"{r.describe()}: event type {r.type:#x}, want EV_IPL")
        else:
            m = SELF_DESCRIBING.fullmatch(r.event)
            if m:
                same_digests(r, m.group(2), "the text after 'moat: "
                             + m.group(1).decode() + ": '")

    # PCR 20: the command line first, the domains in manifest order, one
    # separator closing the boot's part.
    recs = by_pcr[PCR_CONFIG]
    want = f"moat: hypervisor command line: {spec.cmdline}"
    if not recs or recs[0].text() != want:
        problems.append(f"PCR 20's first record is "
                        f"{recs[0].describe() if recs else 'missing'}, want '{want}'")
    launches = [r for r in recs if r.text().startswith("moat: domain launch: ")]
    names = [m.domain_name() for m in spec.modules if is_domain(m)]
    if len(launches) != len(names):
        problems.append(f"PCR 20: {len(launches)} domain launch records for "
                        f"{len(names)} domains")
    for i, (r, name) in enumerate(zip(launches, names)):
        text = r.text()[len("moat: domain launch: "):]
        if not re.match(rf"domid={i + 1} name={re.escape(name)}( |$)", text):
            problems.append(f"{r.describe()}: want domid={i + 1} name={name} first")
    seps = [r for r in recs if r.type == EV_SEPARATOR]
    if len(seps) != 1 or recs[-1].type != EV_SEPARATOR:
        problems.append(f"PCR 20: {len(seps)} separators, want one, last")

    # PCR 21: the boot policy, the separator, each run-time load.
    recs = by_pcr[PCR_POLICY]
    want_texts: List[Tuple[Optional[str], Optional[bytes]]] = []
    for i, m in enumerate(spec.modules):
        if is_policy(m):
            blob = spec.file(m.image)
            want_texts.append((f"moat: security policy: boot module {i}, {len(blob)} bytes",
                               blob))
    want_texts.append((None, None))     # the separator
    for domid, path in spec.loads:
        blob = spec.file(path)
        want_texts.append((f"moat: security policy: loaded by domain {domid}, "
                           f"{len(blob)} bytes", blob))
    if len(recs) != len(want_texts):
        problems.append(f"PCR 21: {len(recs)} records, want {len(want_texts)} "
                        f"({'boot policy, ' if spec.flask else ''}separator"
                        f"{', %d run-time load(s)' % len(spec.loads) if spec.loads else ''})")
    for r, (text, blob) in zip(recs, want_texts):
        if text is None:
            if r.type != EV_SEPARATOR:
                problems.append(f"PCR 21: {r.describe()} where the separator belongs")
            continue
        if r.text() != text:
            problems.append(f"PCR 21: {r.describe()}, want '{text}'")
        same_digests(r, blob, "the policy blob")

    # PCR 22: per module its image and its command line, then the separator.
    recs = by_pcr[PCR_MODULES]
    if len(recs) != 2 * len(spec.modules) + 1:
        problems.append(f"PCR 22: {len(recs)} records for {len(spec.modules)} modules "
                        f"(want {2 * len(spec.modules) + 1})")
    for i, m in enumerate(spec.modules):
        if 2 * i + 1 >= len(recs):
            break
        image, cmd = recs[2 * i], recs[2 * i + 1]
        if not image.text().startswith(f"moat: module {i} image: "):
            problems.append(f"PCR 22: {image.describe()}, want 'moat: module {i} image: ...'")
        same_digests(image, spec.file(m.image), m.image)
        text = module_measured_cmdline(m.cmdline())
        want = f"moat: module {i} command line: {text}"
        if cmd.text() != want:
            problems.append(f"PCR 22: {cmd.describe()}, want '{want}'")
    if recs and recs[-1].type != EV_SEPARATOR:
        problems.append(f"PCR 22: the last record is {recs[-1].describe()}, not the separator")
    return problems


def check_console(log: EventLog, console: str) -> List[str]:
    """The hypervisor's console must show every record (PCR, the start of
    its SHA-256) in log order, the boot's totals, and PCR values read back
    from the TPM at the end of the boot equal to the boot part's replay."""
    problems: List[str] = []
    shown = re.findall(L.MOAT_MEASURE_RECORD, console)
    want = [(str(r.pcr), r.digests["sha256"].hex()[:16]) for r in log.records]
    got = [(p, h) for p, h, _ in shown]
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                     min(len(got), len(want)))
        problems.append(f"console shows {len(got)} measurements, the log has {len(want)} "
                        f"records; they part at record {first + 1}")
    boot = boot_records(log)
    m = re.search(L.MOAT_MEASURE_BOOT_DONE, console)
    if m is None:
        problems.append("no 'measure: boot measured: N events, M bytes' line")
    elif (int(m.group(1)), int(m.group(2))) != (len(boot) + 1, boot[-1].end if boot else 0):
        problems.append(f"console: boot measured {m.group(1)} events, {m.group(2)} bytes; "
                        f"the log's boot part is {len(boot) + 1} events (with the header), "
                        f"{boot[-1].end if boot else 0} bytes")
    values = re.findall(L.MOAT_MEASURE_PCR_VALUE, console)
    if values:
        boot_values = replay(log, boot)
        for p, bank, h in values:
            want_v = boot_values.get(bank, {}).get(int(p))
            if want_v is None or want_v.hex() != h:
                problems.append(f"console: PCR {p} {bank} at the end of the boot is {h[:16]}..., "
                                f"the log's boot part replays to "
                                f"{want_v.hex()[:16] if want_v else 'nothing'}...")
    return problems


def check_measured(spec: Measured, console: str) -> List[str]:
    """The whole check of one measured boot (see the module's docstring)."""
    out = ROOT / RESULTS_DIR / spec.name
    out.mkdir(parents=True, exist_ok=True)
    try:
        data = extract_evlog(console)
    except ValueError as e:
        return [f"event log: {e}"]
    path = out / "eventlog.bin"
    path.write_bytes(data)
    try:
        log = parse_evlog(data)
    except ValueError as e:
        return [f"event log ({path.relative_to(ROOT)}) does not parse: {e}"]
    problems: List[str] = []
    if tuple(sorted(log.banks)) != tuple(sorted(spec.banks)):
        problems.append(f"log banks {' '.join(log.banks)}, want {' '.join(spec.banks)}")
    banks = [b for b in log.banks if b in spec.banks]
    ours = replay(log)

    tool, err = run_tpm2_eventlog(path)
    if err:
        problems.append(err)
    else:
        for b in banks:
            for p in PCRS:
                mine = ours[b].get(p)
                theirs = tool.get(b, {}).get(p)
                if mine is None or theirs != mine.hex():
                    problems.append(f"PCR {p} {b}: tpm2_eventlog replays to {theirs}, "
                                    f"our replay to {mine.hex() if mine else None}")

    read = guest_pcrs(console)
    if spec.tpm:
        for b in banks:
            for p in PCRS:
                mine = ours[b].get(p)
                if read.get((p, b)) is None:
                    problems.append(f"PCR {p} {b}: no MOAT-PCR line (the TPM's value)")
                elif mine is None or read[(p, b)] != mine.hex():
                    problems.append(f"PCR {p} {b}: the TPM has {read[(p, b)][:16]}..., the log "
                                    f"replays to {mine.hex()[:16] if mine else None}...")
    elif read:
        problems.append(f"{len(read)} MOAT-PCR lines without a TPM")

    for b in banks:
        for p, want in ((PCR_MODULES, spec.pcr22(b)), (PCR_POLICY, spec.pcr21(b))):
            mine = ours[b].get(p)
            if mine != want:
                problems.append(f"PCR {p} {b}: the log replays to "
                                f"{mine.hex()[:16] if mine else None}..., the test's own files "
                                f"give {want.hex()[:16]}...")
    problems += check_records(spec, log)
    problems += check_console(log, console)

    base = spec.differs_from
    if base is not None:
        for b in banks:
            if spec.pcr22(b) == base.pcr22(b) or ours[b].get(PCR_MODULES) == base.pcr22(b):
                problems.append(f"PCR 22 {b} equals {base.name}'s: the change is not measured")
            if spec.cmdline != base.cmdline:
                first = next((r for r in log.records if r.pcr == PCR_CONFIG), None)
                if (spec.cmdline_digest(b) == base.cmdline_digest(b) or first is None
                        or first.digests[b] == base.cmdline_digest(b)):
                    problems.append(f"PCR 20 {b}: the command line record equals "
                                    f"{base.name}'s: the change is not measured")
    return problems


def measured_check(spec: Measured):
    def check(console: str) -> List[str]:
        return check_measured(spec, console)
    check.__name__ = f"check_measured[{spec.name}]"
    return check


# ---- derived files ----------------------------------------------------------

def write_derived_files() -> None:
    """hello.elf with 16 bytes appended (written whenever this module is
    loaded, so it follows the current hello.elf; when that is missing the
    test reports the missing module)."""
    src = ROOT / HELLO
    if not src.is_file():
        return
    data = src.read_bytes() + b"moat: changed!!\n"
    dst = ROOT / HELLO_CHANGED
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not dst.is_file() or dst.read_bytes() != data:
        dst.write_bytes(data)


write_derived_files()


# ---- the tests ----------------------------------------------------------------

TESTS: List[Test] = []

REQUIRED = f"{FLASK} measured=required"


def attest(name: str, type_: str, args: str = "", keys: str = "") -> Module:
    return labelled("attest", name, type_, args, keys)


def measured_test(name: str, description: str, spec: Optional[Measured], modules,
                  expect: Expect, cmdline: str, tpm: bool = True,
                  timeout: float = 60.0, boot: str = "kernel") -> Test:
    return Test(name=name, description=description, modules=modules, cmdline=cmdline,
                expect=expect, timeout=timeout, tpm=tpm, xen_compatible=False, boot=boot,
                check=measured_check(spec) if spec is not None else None)


def measured_ok(*extra_absent: str, ordered=(), present=()) -> Expect:
    """A clean boot with a TPM that measured without a hitch."""
    return Expect(exit=EXIT_CLEAN, results="all", ordered=[L.MOAT_MEASURE_TPM, *ordered],
                  present=present,
                  absent=[*L.MOAT_NEVER, L.MOAT_MEASURE_TROUBLE, *extra_absent])


def base_modules(alpha: Module) -> List[Module]:
    return [policy(), attest("ctl", "dom0_t", "dump=1 state=tpm mode=required", "priv=yes"),
            alpha]


# (a) The reference boot: policy, a dom0_t attest guest, a domU_t hello.
_BASE = Measured("measured-tpm", REQUIRED,
                 base_modules(labelled("hello", "alpha", "domU_t")))
TESTS.append(measured_test(
    _BASE.name, "swtpm, measured=required: tpm2_eventlog's replay, ours and the TPM agree in "
                "4 banks; PCR 22 and 21 as computed from the files", _BASE, _BASE.modules,
    measured_ok(L.MOAT_AVC_DENIED_ANY), _BASE.cmdline))

# (a') The same boot through GRUB (Multiboot 2, module2 lines): GRUB hands
# over the image paths differently, and the measurements must not see them.
_GRUB = Measured("measured-tpm-grub", REQUIRED, _BASE.modules)
TESTS.append(measured_test(
    _GRUB.name, "measured-tpm booted by GRUB (Multiboot 2): the same records, the same "
                "independent checks", _GRUB, _GRUB.modules,
    measured_ok(L.MOAT_AVC_DENIED_ANY), _GRUB.cmdline, boot="iso", timeout=90))

# (b), (c) One change each: the expected PCRs change with it.
_CHANGED_MODULE = Measured(
    "measured-tpm-changed-module", REQUIRED,
    base_modules(Module(HELLO_CHANGED, name="alpha",
                        keys="label=system_u:system_r:domU_t")),
    differs_from=_BASE)
TESTS.append(measured_test(
    _CHANGED_MODULE.name, "hello.elf with 16 bytes appended: its checks pass and PCR 22 "
                          "differs from measured-tpm's", _CHANGED_MODULE,
    _CHANGED_MODULE.modules, measured_ok(L.MOAT_AVC_DENIED_ANY), _CHANGED_MODULE.cmdline))

_CHANGED_CMDLINE = Measured(
    "measured-tpm-changed-cmdline", f"{FLASK} flask=enforcing measured=required",
    base_modules(labelled("hello", "alpha", "domU_t", "note=changed")),
    differs_from=_BASE)
TESTS.append(measured_test(
    _CHANGED_CMDLINE.name, "one module's and the hypervisor's command line changed: PCR 22 "
                           "and PCR 20's first record differ", _CHANGED_CMDLINE,
    _CHANGED_CMDLINE.modules, measured_ok(L.MOAT_AVC_DENIED_ANY), _CHANGED_CMDLINE.cmdline))

# (d) attest_op is for dom0_t: domU_t is denied by attest:read_log,
# untrusted_t already at the gate; both audited.
_DENIED = Measured("measured-attest-denied", REQUIRED,
                   [policy(), attest("ctl", "dom0_t", "dump=1 state=tpm"),
                    attest("nosy", "domU_t", "expect=denied"),
                    attest("untrusted", "untrusted_t", "expect=denied")])
TESTS.append(measured_test(
    _DENIED.name, "attest_op: dom0_t reads the log; domU_t (read_log) and untrusted_t (the "
                  "gate) get -EACCES, audited", _DENIED, _DENIED.modules,
    measured_ok(present=[L.moat_avc_denied("read_log", "domU_t", "xen_t", "attest", 2),
                         L.moat_avc_denied("attest_op", "untrusted_t", "xen_t", "hypercall",
                                           3)]),
    _DENIED.cmdline))

# (e) Under xsm=dummy priv=yes decides.
_DUMMY = Measured("measured-dummy", "console=com1 xsm=dummy measured=required",
                  [guest("attest", "ctl", "dump=1 state=tpm", keys="priv=yes"),
                   guest("attest", "guest", "expect=denied")])
TESTS.append(measured_test(
    _DUMMY.name, "xsm=dummy: priv=yes reads the log, priv=no gets -EACCES; PCR 21 holds only "
                 "the separator", _DUMMY, _DUMMY.modules, measured_ok(), _DUMMY.cmdline))

# (f) The TPM's registers are out of a guest's reach; the TPM still works.
_MMIO = Measured("measured-tpm-mmio-refused", REQUIRED,
                 [policy(), labelled("hostile_tpm_mmio", "hostile", "domU_t"),
                  attest("ctl", "dom0_t", "dump=1 state=tpm")])
TESTS.append(measured_test(
    _MMIO.name, "a domU_t guest maps, writes, copies and pins the TPM's MMIO frames 13 ways: "
                "all refused; the log still replays to the TPM", _MMIO, _MMIO.modules,
    measured_ok(), _MMIO.cmdline))

# (g) No TPM, measured=optional (and by default): the boot goes on, loudly,
# with a SHA-256 log that still replays to what the files give.
_OPTIONAL = Measured("measured-optional-no-tpm", f"{FLASK} measured=optional",
                     [policy(), attest("ctl", "dom0_t", "dump=1 state=log-only mode=optional"),
                      labelled("hello", "alpha", "domU_t")], tpm=False)
TESTS.append(measured_test(
    _OPTIONAL.name, "no TPM, measured=optional: a WARNING, attest sees log-only, the SHA-256 "
                    "log parses and replays as computed", _OPTIONAL, _OPTIONAL.modules,
    Expect(exit=EXIT_CLEAN, results="all", present=[L.MOAT_MEASURE_NO_TPM_OPTIONAL],
           absent=[*L.MOAT_NEVER, L.MOAT_MEASURE_TPM, L.MOAT_AVC_DENIED_ANY]),
    _OPTIONAL.cmdline, tpm=False))
TESTS.append(measured_test(
    "measured-default-no-tpm", "no TPM and no measured= option: optional, the same WARNING",
    None, [policy(), attest("ctl", "dom0_t", "state=log-only mode=optional")],
    Expect(exit=EXIT_CLEAN, results="all", present=[L.MOAT_MEASURE_NO_TPM_OPTIONAL],
           absent=[*L.MOAT_NEVER, L.MOAT_MEASURE_TPM]),
    FLASK, tpm=False))

# (h) No TPM, measured=required: nothing runs.
TESTS.append(measured_test(
    "measured-required-no-tpm", "no TPM, measured=required: an ERROR, the boot refused (v=3), "
                                "no guest runs", None,
    [policy(), attest("ctl", "dom0_t"), labelled("hello", "alpha", "domU_t")],
    Expect(exit=EXIT_REFUSED, present=[L.MOAT_MEASURE_NO_TPM_REQUIRED],
           absent=[*L.MOAT_NEVER, L.MOAT_MEASURE_TPM, r"MOAT-TEST"]),
    REQUIRED, tpm=False))

# (i) A run-time policy load is measured into PCR 21 before it takes effect.
_LOAD = Measured("measured-runtime-policy-load", REQUIRED,
                 [policy(), attest("ctl", "dom0_t", "load=1 dump=1 state=tpm"),
                  initrd(POLICY_REVOKE, "ctl")],
                 loads=[(1, POLICY_REVOKE)])
TESTS.append(measured_test(
    _LOAD.name, "dom0_t loads test-revoke.blob: PCR 21 gets H(blob) after the separator, "
                "the log still replays to the TPM", _LOAD, _LOAD.modules,
    measured_ok(ordered=[L.MOAT_MEASURE_BOOT_DONE, L.moat_policy_load_measured(1),
                         L.moat_flask_policy_loaded_by(1), end_ok("ctl")]),
    _LOAD.cmdline))


# ---- for scripts/run-demo.sh --------------------------------------------------

def short(h: str) -> str:
    return h[:16] + "..." if len(h) > 16 else h


def demo_main(argv: List[str]) -> int:
    """tests_measured.py evlog CONSOLE_LOG OUT_BIN: write the log the attest
    guest dumped into OUT_BIN. tests_measured.py compare CONSOLE_LOG OUT_BIN:
    print tpm2_eventlog's replay of PCRs 20-22 beside the TPM's values (the
    MOAT-PCR lines) and our own replay; exit 0 when all agree."""
    if len(argv) != 3 or argv[0] not in ("evlog", "compare"):
        print(demo_main.__doc__, file=sys.stderr)
        return 2
    console = pathlib.Path(argv[1]).read_text(errors="replace").replace("\r", "")
    out = pathlib.Path(argv[2])
    if argv[0] == "evlog":
        try:
            data = extract_evlog(console)
        except ValueError as e:
            print(f"no event log in {argv[1]}: {e}", file=sys.stderr)
            return 1
        out.write_bytes(data)
        print(f"{out}: {len(data)} bytes of event log")
        return 0
    log = parse_evlog(out.read_bytes())
    ours = replay(log)
    tool, err = run_tpm2_eventlog(out)
    read = guest_pcrs(console)
    if err:
        print(err)
    agree = tool is not None
    print(f"{'PCR':>3} {'bank':6} {'tpm2_eventlog replay':22} {'TPM (MOAT-PCR)':22} verdict")
    for p in PCRS:
        for b in log.banks:
            mine = ours[b].get(p, zero(b)).hex()
            theirs = (tool or {}).get(b, {}).get(p, "-")
            tpm = read.get((p, b), "-")
            if tpm == "-":
                verdict = "no TPM value (log only)" if theirs == mine else "DIFFERENT"
            else:
                verdict = "match" if theirs == mine == tpm else "DIFFERENT"
            agree &= verdict != "DIFFERENT" and (tpm != "-" or not read)
            print(f"{p:>3} {b:6} {short(theirs):22} {short(tpm):22} {verdict}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(demo_main(sys.argv[1:]))
