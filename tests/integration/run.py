#!/usr/bin/env python3
"""The QEMU integration runner: boots the hypervisor with boot modules under
QEMU (TCG), one boot per test, and judges each boot's serial log and exit
status against the test's declaration (tests/integration/tests_*.py).

    run.py [--results FILE] [--only REGEX] [--hv PATH] [--list] [-j N]
           [--xen] [--xen-image PATH] [--qemu PATH] [--timeout-scale F] [-v]
           [--bench]

Moat writes an exit code v to port 0xf4 (isa-debug-exit), so QEMU exits with
(v << 1) | 1: 0 clean, 1 a domain crashed, 2 panic, 3 manifest refused.
A test with tpm=True gets a TPM 2.0: a private swtpm, started before QEMU
and stopped after it (also on a timeout or Ctrl-C), its state and log under
build/results/tpm/<test>/.
With --xen the tests marked xen_compatible boot real Xen 4.17 instead, with
their Xen expectations. Results go to a TAP file; every boot's serial log is
kept under build/results/logs/. --bench runs the BENCH lists (tests_bench.py)
instead of the TESTS lists and also tabulates their MOAT-BENCH lines.
Python 3 standard library only.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import gzip
import importlib
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from typing import List, Optional

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "integration"
sys.path.insert(0, str(HERE))

import hvlog  # noqa: E402
import moattest as mt  # noqa: E402

DEFAULT_HV = "build/hv/moat.bin"
XEN_GZ = "/boot/xen-4.17-amd64.gz"
XEN_CACHE = "build/xen/xen-4.17"
STOP_GRACE = 0.5          # seconds of output still collected after stop_on
WALL_FACTOR = 6.0         # wall-clock backstop, in test timeouts (see run_qemu)
CLK_TCK = os.sysconf("SC_CLK_TCK")
RESULT_LINE = re.compile(r"MOAT-TEST (\S+) (\S+) (PASS|FAIL)\b ?(.*)$", re.M)
END_LINE = re.compile(r"MOAT-TEST (\S+) END passed=(\d+) failed=(\d+)", re.M)
QEMU_ERROR = re.compile(r"^qemu(?:-system-\S+)?: (?!warning|terminating)(.*)$", re.M)
BENCH_LINE = re.compile(r"MOAT-BENCH (\S+) (\d+) min=(\d+) n=(\d+)(?: guest=(\S+))?", re.M)
# The hypervisor's own figure: the longest step of a domain's teardown.
TEARDOWN_LINE = re.compile(r"domain \d+ \((\S+)\) destroyed, .* in (\d+) steps, "
                           r"longest (\d+) ticks", re.M)
SWTPM_START_WAIT = 10.0   # seconds for swtpm's control socket to appear
SWTPM_STOP_GRACE = 3.0    # seconds between asking swtpm to stop and killing it
UNIX_PATH_MAX = 107       # sun_path holds 108 bytes with the NUL


@dataclasses.dataclass
class Target:
    """What is booted and how: Moat, or real Xen for --xen."""
    kind: str                 # "moat" or "xen"
    image: pathlib.Path
    memory: str
    cpu: str
    extra: List[str]
    log_prefix: str


@dataclasses.dataclass
class Boot:
    """What one boot produced."""
    log: str = ""
    rc: Optional[int] = None
    timed_out: bool = False
    stopped: bool = False
    stderr: str = ""
    error: str = ""           # the boot could not even start
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # QEMU's, last seen while it ran
    log_path: Optional[pathlib.Path] = None


# ---- loading tests ------------------------------------------------------

def load_tests(kind: str = "TESTS") -> List[mt.Test]:
    """Every test module's list named kind: TESTS, or BENCH for --bench."""
    tests: List[mt.Test] = []
    for path in sorted(HERE.glob("tests_*.py")):
        module = importlib.import_module(path.stem)
        tests.extend(getattr(module, kind, []))
    seen = set()
    for t in tests:
        if t.name in seen:
            raise SystemExit(f"run.py: duplicate test name {t.name}")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", t.name):
            raise SystemExit(f"run.py: bad test name {t.name!r}")
        seen.add(t.name)
    return tests


# ---- booting ----------------------------------------------------------

def initrd_arg(modules) -> str:
    """QEMU's -initrd: modules separated by ',', a literal ',' written ',,'."""
    return ",".join(m.cmdline().replace(",", ",,") for m in modules)


def build_iso(test: mt.Test, target: Target, cmdline: str, iso: pathlib.Path) -> str:
    """Make the test's GRUB ISO; returns an error message or ""."""
    iso.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(ROOT / "scripts" / "mkiso.sh"), "-c", cmdline, str(target.image), str(iso)]
    cmd += [m.cmdline() for m in test.modules]
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True)
    if p.returncode != 0:
        return f"mkiso.sh failed ({p.returncode}): " + (p.stderr or p.stdout).strip()[-300:]
    return ""


class Running:
    """The QEMU and swtpm processes alive now, so an interrupt can kill them
    all; once stopping is set, a process that starts is killed at once."""
    lock = threading.Lock()
    procs: set = set()
    stopping = False

    @classmethod
    def add(cls, proc: subprocess.Popen) -> None:
        with cls.lock:
            cls.procs.add(proc)
            if cls.stopping:
                proc.kill()

    @classmethod
    def discard(cls, proc: subprocess.Popen) -> None:
        with cls.lock:
            cls.procs.discard(proc)

    @classmethod
    def kill_all(cls) -> None:
        with cls.lock:
            cls.stopping = True
            for p in cls.procs:
                if p.poll() is None:
                    p.kill()


class Swtpm:
    """A private software TPM 2.0 for one boot: swtpm with its state, control
    socket and log in a fresh directory, and the QEMU options that attach
    it as a tpm-tis device. QEMU hands swtpm its data channel over the
    control socket, so one socket is enough."""

    def __init__(self, directory: pathlib.Path):
        self.dir = directory
        self.sock = directory / "sock"
        self.log = directory / "swtpm.log"
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> str:
        """Start swtpm and wait (bounded) for its socket; "" or an error."""
        exe = shutil.which("swtpm")
        if exe is None:
            return "this test needs a TPM but swtpm is not installed (apt-get install swtpm)"
        if len(str(self.sock)) > UNIX_PATH_MAX:
            return f"swtpm socket path too long for a Unix socket: {self.sock}"
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        cmd = [exe, "socket", "--tpm2", "--tpmstate", f"dir={self.dir}",
               "--ctrl", f"type=unixio,path={self.sock}", "--log", f"file={self.log}"]
        with open(self.dir / "swtpm.stderr", "wb") as errf:
            try:
                self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=errf)
            except OSError as e:
                return f"cannot run swtpm: {e}"
        Running.add(self.proc)
        deadline = time.monotonic() + SWTPM_START_WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                return (f"swtpm exited with status {self.proc.returncode} before its socket "
                        f"appeared: {self.tail()}")
            try:
                if stat.S_ISSOCK(os.stat(self.sock).st_mode):
                    return ""
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        self.stop()
        return f"swtpm's socket {self.sock} did not appear within {SWTPM_START_WAIT:.0f}s"

    def qemu_args(self) -> List[str]:
        return ["-chardev", f"socket,id=chrtpm,path={self.sock}",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis,tpmdev=tpm0"]

    def stop(self) -> None:
        """Ask swtpm to stop, kill it after a grace period, reap it."""
        p = self.proc
        if p is None:
            return
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=SWTPM_STOP_GRACE)
            except subprocess.TimeoutExpired:
                p.kill()
        p.wait()
        Running.discard(p)

    def tail(self) -> str:
        text = ""
        for f in (self.dir / "swtpm.stderr", self.log):
            try:
                text += f.read_text(errors="replace")
            except OSError:
                pass
        return " ".join(text.split())[-300:] or "(no output)"


def boot(test: mt.Test, target: Target, opts) -> Boot:
    res = Boot()
    logs = ROOT / opts.logs
    logs.mkdir(parents=True, exist_ok=True)
    res.log_path = logs / f"{target.log_prefix}{test.name}.log"
    cmdline = test.cmdline
    if not target.image.is_file():
        res.error = f"image {target.image} not found"
        res.log_path.write_text(res.error + "\n")
        return res
    for m in test.modules:
        if not (ROOT / m.image).is_file():
            res.error = f"module {m.image} not found"
            res.log_path.write_text(res.error + "\n")
            return res

    cmd = [opts.qemu, "-m", target.memory, "-cpu", target.cpu, "-display", "none",
           "-monitor", "none", "-serial", "stdio", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4", *target.extra]
    if test.boot == "iso":
        iso = (ROOT / opts.logs).parent / "iso" / f"{target.log_prefix}{test.name}.iso"
        err = build_iso(test, target, cmdline, iso)
        if err:
            res.error = err
            res.log_path.write_text(err + "\n")
            return res
        cmd += ["-cdrom", str(iso), "-boot", "d"]
    else:
        cmd += ["-kernel", str(target.image), "-append", cmdline]
        if test.modules:
            cmd += ["-initrd", initrd_arg(test.modules)]

    swtpm = None
    if test.tpm:
        swtpm = Swtpm((ROOT / opts.logs).parent / "tpm" / f"{target.log_prefix}{test.name}")
        err = swtpm.start()
        if err:
            res.error = err
            res.log_path.write_text(err + "\n")
            return res
        cmd += swtpm.qemu_args()
    try:
        return run_qemu(test, cmd, res, test.timeout * opts.timeout_scale)
    finally:
        if swtpm is not None:
            swtpm.stop()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, every thread) the process has used so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def run_qemu(test: mt.Test, cmd: List[str], res: Boot, timeout: float) -> Boot:
    """Run QEMU until it exits, its time is up or the test's stop_on line
    shows up; the serial log goes to res.log and res.log_path.

    A test's timeout is QEMU's CPU time, not wall-clock time: every test
    ends on its own (the guests' END line, the hypervisor's exit), so the
    timeout only catches a boot that never ends, and such a boot spins. A
    loaded machine stretches wall-clock time several times over (QEMU gets
    a fraction of a core) but not the CPU time the boot needs, so the
    verdict no longer depends on what else runs. A boot that hangs idle
    (guests halted, no CPU used) is stopped by the wall-clock backstop,
    WALL_FACTOR times the timeout."""
    stop_re = re.compile(test.expect.stop_on, re.M) if test.expect.stop_on else None
    out = bytearray()
    err = bytearray()
    stop_seen = threading.Event()

    def pump(stream, buf, check):
        with open(res.log_path, "wb") if check else open(os.devnull, "wb") as f:
            while True:
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    break
                buf.extend(chunk)
                f.write(chunk)
                f.flush()
                if check and stop_re and not stop_seen.is_set():
                    if stop_re.search(buf.decode("utf-8", "replace")):
                        stop_seen.set()

    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        res.error = f"cannot run {cmd[0]}: {e}"
        res.log_path.write_text(res.error + "\n")
        return res
    Running.add(proc)
    readers = [threading.Thread(target=pump, args=(proc.stdout, out, True), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err, False), daemon=True)]
    for r in readers:
        r.start()

    deadline = start + timeout * WALL_FACTOR
    stop_at = None
    while proc.poll() is None:
        now = time.monotonic()
        if stop_seen.is_set() and stop_at is None:
            stop_at = now + STOP_GRACE
        if stop_at is not None and now >= stop_at:
            res.stopped = True
            break
        res.cpu_seconds = cpu_seconds(proc.pid)
        if now >= deadline or res.cpu_seconds >= timeout:
            res.timed_out = True
            break
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for r in readers:
        r.join(timeout=5)
    Running.discard(proc)
    res.seconds = time.monotonic() - start
    res.rc = None if (res.stopped or res.timed_out) else proc.returncode
    res.log = out.decode("utf-8", "replace")
    res.stderr = err.decode("utf-8", "replace")
    if res.stderr.strip():
        with open(res.log_path, "a") as f:
            f.write("\n---- qemu stderr ----\n" + res.stderr)
    return res


# ---- judging ------------------------------------------------------------

def describe_exit(res: Boot) -> str:
    if res.stopped:
        return "stopped by the runner (stop_on matched)"
    if res.timed_out:
        return "timeout"
    rc = res.rc
    if rc is None:
        return "no status"
    if rc < 0:
        return f"QEMU killed by signal {-rc}"
    if rc == 0:
        return "QEMU exited 0 without an exit code (reset, triple fault or shutdown)"
    if qemu_failed(res):
        qerr = QEMU_ERROR.search(res.stderr)
        return "QEMU error: " + (qerr.group(1).strip() if qerr else
                                 "exit 1 with no serial output")
    if rc & 1:
        v = rc >> 1
        return f"v={v} ({mt.EXIT_MEANING.get(v, 'unknown code')})"
    return f"QEMU exit status {rc}"


def qemu_failed(res: Boot) -> bool:
    """QEMU's own failure exit (1) looks like v=0: tell them apart by an
    error on stderr or by the machine never printing anything."""
    return res.rc == 1 and (bool(QEMU_ERROR.search(res.stderr)) or not res.log.strip())


def exit_code(res: Boot) -> Optional[int]:
    """The hypervisor's exit code v, or None when there was none."""
    if res.rc is None or res.rc <= 0 or not res.rc & 1 or qemu_failed(res):
        return None
    return res.rc >> 1


def judge(test: mt.Test, res: Boot) -> List[str]:
    """Every way the boot differs from what the test expects."""
    e = test.expect
    problems: List[str] = []
    if res.error:
        return [res.error]
    if res.timed_out:
        problems.append(f"timeout after {res.seconds:.0f}s ({res.cpu_seconds:.0f}s of QEMU CPU time)")
    if e.exit is not None and not res.timed_out:
        v = exit_code(res)
        if v != e.exit:
            problems.append(f"exit {describe_exit(res)}, expected v={e.exit} "
                            f"({mt.EXIT_MEANING.get(e.exit, '?')})")
    log = res.log
    pos = 0
    for rx in e.ordered:
        m = re.compile(rx, re.M).search(log, pos)
        if not m:
            where = "after the previous match" if pos else "in the log"
            if pos and re.search(rx, log, re.M):
                where = "in order (it appears too early)"
            problems.append(f"missing {where}: /{rx}/")
            continue
        pos = m.end()
    for rx in e.present:
        if not re.search(rx, log, re.M):
            problems.append(f"missing: /{rx}/")
    for a, b in e.before:
        ma, mb = re.search(a, log, re.M), re.search(b, log, re.M)
        if not ma or not mb:
            problems.append(f"missing: /{a if not ma else b}/")
        elif ma.start() > mb.start():
            problems.append(f"out of order: /{a}/ came after /{b}/")
    for rx in e.absent:
        m = re.search(rx, log, re.M)
        if m:
            problems.append(f"unexpected: {log_line(log, m.start())!r}")
    if e.results is not None:
        problems += judge_results(test, log)
    if test.check is not None:
        try:
            problems += test.check(log)
        except Exception as ex:  # a broken check must fail its test, not the run
            problems.append(f"check {getattr(test.check, '__name__', '?')} raised "
                            f"{type(ex).__name__}: {ex}")
    return problems


def log_line(log: str, at: int) -> str:
    start = log.rfind("\n", 0, at) + 1
    end = log.find("\n", at)
    return log[start:end if end >= 0 else len(log)].strip()[:160]


def judge_results(test: mt.Test, log: str) -> List[str]:
    """The MOAT-TEST protocol: END with failed=0 from each expected guest,
    and no FAIL line from anyone."""
    problems = []
    if test.expect.results == "all":
        names = [m.domain_name() for m in test.modules if m.domain_name()]
    else:
        names = list(test.expect.results)
    fails = [m for m in RESULT_LINE.finditer(log) if m.group(3) == "FAIL"]
    for m in fails[:3]:
        problems.append(f"{m.group(1)} {m.group(2)} FAIL {m.group(4).strip()}"[:200])
    if len(fails) > 3:
        problems.append(f"... {len(fails) - 3} more FAIL lines")
    ends = {m.group(1): m for m in END_LINE.finditer(log)}
    for name in names:
        m = ends.get(name)
        if not m:
            problems.append(f"{name}: no END line")
        elif m.group(3) != "0":
            problems.append(f"{name}: END passed={m.group(2)} failed={m.group(3)}")
    return problems


# ---- driver -----------------------------------------------------------

def xen_image(opts) -> pathlib.Path:
    """Real Xen, gunzipped once into build/xen/ (QEMU cannot boot the .gz)."""
    if opts.xen_image:
        src = pathlib.Path(opts.xen_image)
    else:
        src = pathlib.Path(XEN_GZ)
    if not src.is_file():
        raise SystemExit(f"run.py: {src} not found: apt-get install xen-hypervisor-4.17-amd64")
    with open(src, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    if not gzipped:
        return src
    out = ROOT / XEN_CACHE
    if not out.is_file() or out.stat().st_mtime < src.stat().st_mtime:
        out.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(src, "rb") as fi, open(str(out) + ".tmp", "wb") as fo:
            shutil.copyfileobj(fi, fo)
        os.replace(str(out) + ".tmp", out)
    return out


def make_target(opts) -> Target:
    if opts.xen:
        return Target("xen", xen_image(opts), "512", "qemu64", [], "xen-")
    return Target("moat", ROOT / opts.hv, "256", "max,-smap",
                  ["-icount", "shift=0,sleep=off"], "")


def prepare(test: mt.Test, target: Target) -> mt.Test:
    """The test as it runs on this target."""
    if target.kind != "xen":
        return test
    t = test.for_xen()
    if "cmdline" not in test.xen:
        t = dataclasses.replace(t, cmdline=hvlog.XEN_CMDLINE)
    return t


def bench_table(verdicts, tests, out: pathlib.Path) -> None:
    """Print the MOAT-BENCH figures of every bench boot and write them as TSV."""
    rows = []
    for test in tests:
        res = verdicts[test.name][1]
        for m in BENCH_LINE.finditer(res.log):
            rows.append((test.name, m.group(5) or "-", m.group(1), m.group(2), m.group(3),
                         m.group(4)))
        for m in TEARDOWN_LINE.finditer(res.log):
            rows.append((test.name, m.group(1), "teardown_step", m.group(3), "-", m.group(2)))
    lines = ["test\tguest\tbenchmark\tmedian_ticks\tmin_ticks\truns"]
    lines += ["\t".join(r) for r in rows]
    out.write_text("\n".join(lines) + "\n")
    print(f"{'test':16} {'guest':10} {'benchmark':16} {'median':>10} {'min':>10}")
    for r in rows:
        print(f"{r[0]:16} {r[1]:10} {r[2]:16} {r[3]:>10} {r[4]:>10}")


def tap_escape(s: str) -> str:
    return re.sub(r"[\r\n#]+", " ", s).strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", help="TAP output file (default "
                    "build/results/integration.tap, or integration-xen.tap with --xen)")
    ap.add_argument("--only", metavar="REGEX", help="run only tests whose name matches")
    ap.add_argument("--hv", default=DEFAULT_HV, help=f"hypervisor image (default {DEFAULT_HV})")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="boots in parallel (default 2)")
    ap.add_argument("--xen", action="store_true",
                    help="run the xen_compatible tests on real Xen 4.17 instead")
    ap.add_argument("--xen-image", help=f"Xen image, gzipped or not (default {XEN_GZ})")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--logs", default="build/results/logs", help="where serial logs go")
    ap.add_argument("--timeout-scale", type=float, default=1.0,
                    help="multiply every test's timeout, in QEMU CPU seconds (slow machines)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the end of the log of each failed test")
    ap.add_argument("--bench", action="store_true",
                    help="run the benchmarks (BENCH lists) instead of the tests")
    opts = ap.parse_args()

    tests = load_tests("BENCH" if opts.bench else "TESTS")
    if opts.xen:
        tests = [t for t in tests if t.xen_compatible]
    if opts.only:
        tests = [t for t in tests if re.search(opts.only, t.name)]
    if opts.list:
        for t in tests:
            flags = (" [xen]" if t.xen_compatible else "") + (" [tpm]" if t.tpm else "")
            print(f"{t.name:28} {t.description}{flags}")
        return 0
    if not tests:
        print("run.py: no tests selected", file=sys.stderr)
        return 1

    target = make_target(opts)
    stem = "bench" if opts.bench else "integration"
    results = pathlib.Path(opts.results or (f"build/results/{stem}-xen.tap" if opts.xen
                                            else f"build/results/{stem}.tap"))
    if not results.is_absolute():
        results = ROOT / results
    results.parent.mkdir(parents=True, exist_ok=True)
    print_lock = threading.Lock()
    verdicts = {}

    def run_one(test: mt.Test):
        t = prepare(test, target)
        res = boot(t, target, opts)
        problems = judge(t, res)
        verdicts[test.name] = (t, res, problems)
        rel = os.path.relpath(res.log_path, ROOT) if res.log_path else "-"
        with print_lock:
            if problems:
                print(f"FAIL {test.name} ({res.seconds:.1f}s, {describe_exit(res)}): "
                      f"{problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1
                                          else "") + f"  [log: {rel}]", flush=True)
                if opts.verbose:
                    for p in problems[1:]:
                        print(f"     {p}")
                    for line in res.log.splitlines()[-20:]:
                        print(f"   | {line}")
            else:
                print(f"ok   {test.name} ({res.seconds:.1f}s, {describe_exit(res)})",
                      flush=True)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs))
    try:
        for f in [pool.submit(run_one, t) for t in tests]:
            f.result()
    except KeyboardInterrupt:
        # Kill what runs (each boot then stops its swtpm and returns) and
        # start nothing new; wait for the workers so nothing is left behind.
        Running.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        Running.kill_all()
        raise
    finally:
        pool.shutdown(wait=True)

    lines = ["TAP version 13", f"1..{len(tests)}"]
    failed = 0
    for i, test in enumerate(tests, 1):
        t, res, problems = verdicts[test.name]
        if problems:
            failed += 1
            lines.append(f"not ok {i} - {test.name} # {tap_escape('; '.join(problems))[:400]}")
            lines.append(f"# log: {os.path.relpath(res.log_path, ROOT)}")
        else:
            lines.append(f"ok {i} - {test.name}")
    results.write_text("\n".join(lines) + "\n")
    if opts.bench:
        bench_table(verdicts, tests, results.with_suffix(".tsv"))
    where = "Xen 4.17" if opts.xen else os.path.relpath(target.image, ROOT)
    print(f"{stem} ({where}): {len(tests) - failed} passed, {failed} failed "
          f"-> {os.path.relpath(results, ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
