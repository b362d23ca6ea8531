"""How integration tests are declared: a boot of the hypervisor under QEMU
with some boot modules, and what its serial log and exit status must show.

Test modules (tests/integration/tests_*.py) build a list named TESTS out of
Test and Module objects; run.py boots them. This file holds declarations
only: no QEMU, no files.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Callable, List, Optional, Sequence, Tuple, Union

import hvlog as L

GUEST_DIR = "build/guests"

# The hypervisor's exit codes, written to the isa-debug-exit port 0xf4;
# QEMU then exits with (v << 1) | 1.
EXIT_CLEAN = 0       # every domain powered off cleanly
EXIT_CRASHED = 1     # at least one domain crashed
EXIT_PANIC = 2       # the hypervisor panicked
EXIT_REFUSED = 3     # the boot manifest or a module was refused, no domain ran

EXIT_MEANING = {
    EXIT_CLEAN: "all domains powered off cleanly",
    EXIT_CRASHED: "at least one domain crashed",
    EXIT_PANIC: "hypervisor panic",
    EXIT_REFUSED: "boot manifest or module refused, no domain started",
}


@dataclasses.dataclass
class Module:
    """One boot module: a file and its command line.

    The command line is "<image> [name=<name>] [<keys>] [-- name=<name>
    <args>]": manifest keys before "--", the guest kernel's own command line
    after it. The guest's part repeats name= so a test guest knows its
    domain name whether the loader hands it the whole line (Xen's dom0) or
    only the part after "--" (Moat). raw replaces everything after the image.
    """
    image: str
    name: Optional[str] = None
    keys: str = ""
    args: str = ""
    raw: Optional[str] = None

    def cmdline(self) -> str:
        if self.raw is not None:
            return f"{self.image} {self.raw}".strip()
        words = [self.image]
        if self.name:
            words.append(f"name={self.name}")
        if self.keys:
            words.append(self.keys)
        guest = []
        if self.name:
            guest.append(f"name={self.name}")
        if self.args:
            guest.append(self.args)
        if guest:
            words.append("--")
            words.extend(guest)
        return " ".join(words)

    def domain_name(self) -> Optional[str]:
        if self.raw is not None:
            m = re.search(r"(?:^|\s)name=(\S+)", self.raw)
            return m.group(1) if m else None
        return self.name


def guest(image: str, name: str, args: str = "", keys: str = "") -> Module:
    """A test guest from build/guests/<image>.elf as domain <name>."""
    return Module(image=f"{GUEST_DIR}/{image}.elf", name=name, args=args, keys=keys)


Regexes = Sequence[str]


@dataclasses.dataclass
class Expect:
    """What a boot must show. Every field may be overridden for --xen."""
    # Expected hypervisor exit code v (EXIT_*); None: do not check.
    exit: Optional[int] = EXIT_CLEAN
    # Regexes that must appear, each after the previous one's match.
    ordered: Regexes = ()
    # Regexes that must appear anywhere.
    present: Regexes = ()
    # Regexes that must not appear anywhere.
    absent: Regexes = ()
    # Pairs (a, b): a must appear, b must appear, and a's first match must
    # come before b's first match. For "both made progress before either
    # finished" (preemption), which one ordered list cannot say.
    before: Sequence[Tuple[str, str]] = ()
    # Collect MOAT-TEST lines: these domains must print END with failed=0,
    # and no guest may print a FAIL line. "all": every named module.
    # None: do not collect.
    results: Union[None, str, Sequence[str]] = None
    # When this regex shows up, stop QEMU (after a short grace period) and
    # judge the log; the exit status then is "stopped". For hypervisors that
    # halt instead of exiting, such as Xen after dom0 powers off.
    stop_on: Optional[str] = None


@dataclasses.dataclass
class Test:
    name: str
    modules: Sequence[Module]
    expect: Expect
    # The hypervisor's own command line. A boot with no policy module must
    # name the dummy module (no xsm= and no policy is refused).
    cmdline: str = "console=com1 xsm=dummy"
    # "kernel": QEMU -kernel/-initrd (Multiboot 1); "iso": a GRUB rescue ISO
    # made by scripts/mkiso.sh (Multiboot 2), booted with -cdrom.
    boot: str = "kernel"
    timeout: float = 60.0
    description: str = ""
    # Also meaningful on real Xen 4.17 (run with --xen). Under Xen only the
    # first module becomes a domain (dom0); the rest become its initrd.
    xen_compatible: bool = False
    # Replacements for --xen: any Test field ("modules", "cmdline", ...)
    # and "expect" (an Expect, used whole).
    xen: dict = dataclasses.field(default_factory=dict)
    # Give the machine a TPM 2.0: run.py starts a private swtpm for this
    # boot (state under build/results/tpm/<name>/) and adds QEMU's tpm-tis
    # device; a missing swtpm fails the test.
    tpm: bool = False
    # Checks no regex can make: a function of the serial log returning its
    # problems (empty when the boot is good), called by run.py's judge()
    # after the Expect checks. It may write files under build/results/.
    check: Optional[Callable[[str], List[str]]] = None

    def for_xen(self) -> "Test":
        fields = {k: v for k, v in self.xen.items()}
        return dataclasses.replace(self, **fields)


def xen_alone(mod: Module) -> dict:
    """Xen overrides: mod alone as dom0 (Xen boots one domain from modules),
    its results, stop when dom0 halts."""
    name = mod.domain_name()
    return {
        "modules": [mod],
        "expect": Expect(exit=None, ordered=[L.end_ok(name), L.XEN_DOM0_HALTED],
                         absent=L.XEN_NEVER, results=[name], stop_on=L.XEN_DOM0_DONE),
    }
