"""Boot tests: the demo, the version and crash guests, preemption with a
bystander, boot-manifest refusals and the GRUB (Multiboot 2) path.

The xen_compatible tests involve the guests only; with run.py --xen they
run on real Xen 4.17, which proves the guests and the runner against the
reference implementation of the ABI.
"""
from moattest import (EXIT_CLEAN, EXIT_CRASHED, EXIT_PANIC, EXIT_REFUSED, Expect, Module,
                      Test, guest)
import hvlog as L
from hvlog import end_ok



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


# Faults and forbidden instructions; each must kill the victim alone:
# hypervisor memory, the read-only M2P and page tables, port I/O, hlt, int.
for _mode in ("fault", "ud2", "sched_crash", "read_hv", "write_m2p", "write_pt",
              "port_io", "hlt", "int80"):
    TESTS.append(crash_test(_mode))

# The machine-to-phys table is readable and right: m2p[p2m[pfn]] == pfn.
_m2p = guest("crash", "victim", "mode=read_m2p")
TESTS.append(Test(
    name="m2p-readable",
    description="a guest reads the read-only M2P and finds its own frames",
    modules=[_m2p],
    expect=Expect(exit=EXIT_CLEAN, results="all", absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_guest_only(_m2p)))


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
def refused(name: str, description: str, modules, present,
            cmdline="console=com1 xsm=dummy") -> Test:
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
    # What is measured is what runs: until SMP guests land a domain gets one
    # vCPU, so vcpus=2 is refused before it could be measured.
    refused("manifest-vcpus-unsupported", "vcpus=2 is refused until SMP guests exist",
            [guest("hello", "a", keys="vcpus=2")],
            [r"(?m)^\(moat\) .*vcpus=2 is not supported yet: a domain runs 1 vCPU"]),
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


# (9) The hypervisor's own fatal paths: a fault inside it and a failed
# invariant both print the registers or the reason and a backtrace, then stop
# the machine with the panic status; no domain runs.
TESTS += [
    Test(name="selftest-fault",
         description="a page fault inside the hypervisor is reported and stops the machine",
         cmdline="selftest=fault xsm=dummy", modules=[guest("hello", "a")],
         expect=Expect(exit=EXIT_PANIC, ordered=[L.MOAT_HV_FAULT_PF, L.MOAT_REGS, L.MOAT_BACKTRACE],
                       absent=[r"MOAT-TEST"])),
    Test(name="selftest-panic",
         description="a failed invariant panics with a backtrace",
         cmdline="selftest=panic xsm=dummy", modules=[guest("hello", "a")],
         expect=Expect(exit=EXIT_PANIC, ordered=[r"PANIC: selftest=panic", L.MOAT_BACKTRACE],
                       absent=[r"MOAT-TEST"])),
]

# (10) Console log levels: loglvl=err keeps the hypervisor quiet but for
# errors; guest output still shows.
TESTS.append(Test(
    name="loglvl-err",
    description="loglvl=err hides the hypervisor's info lines, not the guests'",
    cmdline="loglvl=err xsm=dummy", modules=[guest("hello", "alpha")],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  absent=[*L.MOAT_NEVER, r"\(moat\) domain \d+ \(alpha\) shut down"])))

# (11) The timer is calibrated: under -icount shift=0 one guest instruction
# is one nanosecond, so the TSC must come out at 1 GHz (within 1%).
TESTS.append(Test(
    name="timer-calibrated",
    description="TSC and APIC timer calibrated against the PIT (1 GHz under icount)",
    modules=[guest("hello", "alpha")],
    expect=Expect(exit=EXIT_CLEAN, present=[r"\(moat\) timer: TSC (99\d{4}|100\d{4}) kHz"],
                  absent=L.MOAT_NEVER)))

# (12) The hypervisor's own command line fails closed as well.
TESTS.append(refused("cmdline-unknown-option", "an unknown hypervisor option is refused",
                     [guest("hello", "a")], [r"hypervisor command line: .*frobnicate"],
                     cmdline="frobnicate=1 xsm=dummy"))
TESTS.append(refused("flask-no-policy", "xsm=flask without a policy module is refused",
                     [guest("hello", "a")], [r"xsm=flask: no policy module"],
                     cmdline="xsm=flask"))

# (13) An initrd module reaches its domain: the memory map, the module and
# the domain's start_info agree (hello reports mod_start/mod_len).
TESTS.append(Test(
    name="initrd",
    description="an initrd module is loaded into its domain and named in start_info",
    modules=[guest("hello", "alpha"),
             Module("tests/guests/README.md", raw="type=initrd name=alpha")],
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[r"\(alpha\) .*mod_start 0xffffffff8\w+ mod_len [1-9]"],
                  absent=L.MOAT_NEVER)))
