"""Boot tests: the demo, the version and crash guests, preemption with a
bystander, boot-manifest refusals and the GRUB (Multiboot 2) path.

The xen_compatible tests involve the guests only; with run.py --xen they
run on real Xen 4.17, which proves the guests and the runner against the
reference implementation of the ABI.
"""
from moattest import (EXIT_CLEAN, EXIT_CRASHED, EXIT_REFUSED, Expect, Module,
                      Test, guest)
import hvlog as L


def end_ok(name: str) -> str:
    return rf"MOAT-TEST {name} END passed=\d+ failed=0"


def xen_guest_only(mod: Module) -> dict:
    """Xen overrides: mod alone as dom0, its results, stop when dom0 halts."""
    name = mod.domain_name()
    return {
        "modules": [mod],
        "expect": Expect(exit=None, ordered=[end_ok(name), L.XEN_DOM0_HALTED],
                         absent=L.XEN_NEVER, results=[name],
                         stop_on=L.XEN_DOM0_DONE),
    }


TESTS = []

# (1) The demo: two hello guests side by side.
_alpha, _beta = guest("hello", "alpha"), guest("hello", "beta")
TESTS.append(Test(
    name="demo",
    description="two hello guests, alpha and beta, both pass and power off",
    modules=[_alpha, _beta],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("alpha"), L.moat_domain_poweroff("beta")],
                  absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_guest_only(_alpha)))

# (2) xen_version, unknown hypercalls, yield, console read. Privileged, as
# the first domain on Xen is, so that reading the console is allowed.
_version = guest("version", "version", keys="priv=yes")
TESTS.append(Test(
    name="version",
    description="the version guest's checks all pass",
    modules=[_version],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("version")], absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_guest_only(guest("version", "version"))))


# (3)-(4) A guest that crashes while a bystander spins without yielding:
# only the victim dies, and after it the bystander still finishes cleanly.
def crash_test(mode: str) -> Test:
    return Test(
        name=f"crash-{mode}",
        description=f"crash mode={mode} kills only the victim; the bystander passes",
        modules=[guest("spinner", "bystander"), guest("crash", "victim", f"mode={mode}")],
        expect=Expect(exit=EXIT_CRASHED,
                      ordered=[L.moat_domain_crashed("victim"), end_ok("bystander")],
                      present=[L.moat_domain_poweroff("bystander")],
                      absent=[*L.MOAT_NEVER, r"MOAT-TEST victim killed FAIL"],
                      results=["bystander"]))


for _mode in ("fault", "ud2", "sched_crash"):
    TESTS.append(crash_test(_mode))


# Round-robin preemption: two spinners that never yield must both make
# progress before either finishes.
def progress(name: str) -> str:
    return rf"\b{name}: progress \d+"


TESTS.append(Test(
    name="preempt",
    description="two spinners that never yield both progress before either ends",
    modules=[guest("spinner", "spin1", "rounds=4000"), guest("spinner", "spin2", "rounds=4000")],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  before=[(progress("spin1"), end_ok("spin2")),
                          (progress("spin2"), end_ok("spin1"))],
                  absent=L.MOAT_NEVER)))

# (5) A reboot request: Moat has no restart policy (yet), so the domain
# ends as with poweroff, with its reason reported; nobody crashed.
TESTS.append(Test(
    name="crash-reboot",
    description="SHUTDOWN_reboot is reported as the victim's shutdown reason",
    modules=[guest("crash", "victim", "mode=reboot")],
    expect=Expect(exit=EXIT_CLEAN, present=[L.moat_domain_reboot("victim")],
                  absent=[*L.MOAT_NEVER, r"MOAT-TEST victim shutdown FAIL"])))

# (6) Hypercall buffers in the hypervisor range, non-canonical or unmapped.
_badptr = guest("crash", "victim", "mode=bad_hypercall_ptr")
TESTS.append(Test(
    name="bad-hypercall-ptr",
    description="console_io write from bad guest pointers returns -EFAULT",
    modules=[_badptr],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("victim")], absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_guest_only(_badptr)))


# (7) Boot manifests the hypervisor must refuse before any domain runs.
def refused(name: str, description: str, modules, present, cmdline="console=com1") -> Test:
    return Test(
        name=name, description=description, modules=modules, cmdline=cmdline,
        expect=Expect(exit=EXIT_REFUSED, present=present,
                      absent=[*L.MOAT_NEVER, r"MOAT-TEST"]))


TESTS += [
    refused("manifest-unknown-key", "an unknown module key (color=) is refused",
            [guest("hello", "a", keys="color=blue")], [L.moat_refused_key("color")]),
    refused("manifest-duplicate-name", "two domains with one name are refused",
            [guest("hello", "a"), guest("hello", "a")], [L.MOAT_DUPLICATE]),
    refused("manifest-mem-zero", "mem=0 is refused",
            [guest("hello", "a", keys="mem=0")], [L.MOAT_REFUSED]),
    refused("manifest-not-elf", "a kernel module that is not an ELF is refused",
            [guest("hello", "a"), Module("tests/guests/README.md", name="notelf")],
            [L.moat_not_elf("notelf", 1)]),
    refused("manifest-mem-too-big", "mem=60G does not fit in the machine",
            [guest("hello", "a", keys="mem=60G")], [L.MOAT_NO_FIT]),
]

# (8) The demo booted by GRUB from a rescue ISO (Multiboot 2).
TESTS.append(Test(
    name="grub-demo",
    description="the demo booted from a GRUB ISO with multiboot2/module2",
    boot="iso", timeout=90,
    modules=[_alpha, _beta],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("alpha"), L.moat_domain_poweroff("beta")],
                  absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_guest_only(_alpha)))
