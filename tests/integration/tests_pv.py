"""PV execution model and memory isolation: the trap, emul, user, mmu and
time guests (the Xen PV64 ABI from the guest side), and the hostile_*
guests, each beside a bystander (a spinner that keeps a checksum of its
memory) that must finish untouched.

Every guest here was developed against real Xen 4.17 first: the tests are
xen_compatible, and `run.py --xen` boots each guest alone as dom0 with the
Xen expectations below. A failure on Moat is then Moat's, not the guest's.
"""
from moattest import EXIT_CLEAN, EXIT_CRASHED, Expect, Module, Test, guest, xen_alone
import hvlog as L
from hvlog import end_ok




def xen_alone_killed(mod: Module) -> dict:
    """Xen overrides for a guest that must be killed: alone as dom0, Xen
    reports the unhandled fault and crashes dom0, the guest never says it
    survived."""
    name = mod.domain_name()
    return {
        "modules": [mod],
        "expect": Expect(exit=None, ordered=[L.XEN_UNHANDLED, L.XEN_DOM0_CRASHED],
                         absent=[*L.XEN_NEVER, rf"MOAT-TEST {name} killed FAIL",
                                 rf"MOAT-TEST {name} END"],
                         stop_on=L.XEN_DOM0_DONE),
    }


TESTS = []

# (1) The ABI from the guest side, one guest per area, alone.
_ABI = [
    ("pv-traps", "traps", "trap table and Xen's bounce frame: #BP #UD #DE #PF #GP INT80 #DB, "
                          "event mask across a bounce, nesting"),
    ("pv-emul", "emul", "forced-emulation CPUID with Xen's leaves, MSRs, CR reads, debug "
                        "registers, CLI/STI and IOPL"),
    ("pv-user", "user", "guest user mode: own root, syscall bounce, iret back, user faults, "
                        "events in user mode"),
    ("pv-mmu", "mmu", "mmu_update, update_va_mapping, pinning, new_baseptr, writable page "
                      "tables, memory_op, multicall, fpu_taskswitch, debug registers, "
                      "register_vcpu_info"),
    ("pv-time", "time", "vcpu_time_info, wallclock, VCPUOP timers, block/poll, VIRQ_TIMER "
                        "upcall, event channels"),
]
for _name, _image, _what in _ABI:
    _mod = guest(_image, _image)
    TESTS.append(Test(
        name=_name, description=_what, modules=[_mod], timeout=90,
        expect=Expect(exit=EXIT_CLEAN, results="all",
                      present=[L.moat_domain_poweroff(_image)], absent=L.MOAT_NEVER),
        xen_compatible=True, xen=xen_alone(_mod)))


# (2) Hostile guests that must be refused: both the attacker (its refusals
# reported as PASS) and the bystander end cleanly.
def hostile_refused(image: str, what: str, args: str = "", name: str = "",
                    on_xen: bool = True) -> Test:
    victim = guest(image, "victim", args)
    return Test(
        name=name or image.replace("_", "-"), description=what, timeout=90,
        modules=[guest("spinner", "bystander", "rounds=4000"), victim],
        expect=Expect(exit=EXIT_CLEAN, results=["bystander", "victim"],
                      present=[L.moat_domain_poweroff("bystander"),
                               L.moat_domain_poweroff("victim")],
                      absent=L.MOAT_NEVER),
        xen_compatible=on_xen, xen=xen_alone(victim) if on_xen else {})


TESTS += [
    hostile_refused("hostile_pt_writable",
                    "writable mappings of its own page tables are refused"),
    hostile_refused("hostile_foreign_map",
                    "frames it does not own (the bystander's) cannot be mapped, "
                    "written, pinned or given an M2P entry"),
    hostile_refused("hostile_hv_slot",
                    "the hypervisor's L4 slots 256-271 and range cannot be mapped"),
    hostile_refused("hostile_bad_baseptr",
                    "new_baseptr/new_user_baseptr to a non-root frame are refused"),
    hostile_refused("hostile_unpin_root",
                    "unpinning the root in use is refused or harmless"),
    hostile_refused("hostile_priv",
                    "privileged instructions come back as #GP to the guest"),
    hostile_refused("hostile_multicall",
                    "forbidden multicall entries fail alone, the others complete"),
    # Xen 4.17 runs an iret found in a multicall and the guest loses its
    # context, so this variant is Moat-only.
    hostile_refused("hostile_multicall", "an iret entry in a multicall is refused (Moat)",
                    args="iret=yes", name="hostile-multicall-iret", on_xen=False),
    hostile_refused("hostile_hv_pointer",
                    "hypercall buffers in the hypervisor range give -EFAULT"),
]


# (3) Hostile guests that must be killed, alone: only the victim dies,
# with a reason, and the bystander still finishes cleanly afterwards.
def hostile_killed(name: str, image: str, what: str, reason, args: str = "") -> Test:
    victim = guest(image, "victim", args)
    return Test(
        name=name, description=what, timeout=90,
        modules=[guest("spinner", "bystander", "rounds=4000"), victim],
        expect=Expect(exit=EXIT_CRASHED,
                      ordered=[L.moat_domain_crashed("victim"), end_ok("bystander")],
                      present=[L.moat_domain_poweroff("bystander"),
                               L.moat_domain_crashed_because("victim", *reason)],
                      absent=[*L.MOAT_NEVER, r"MOAT-TEST victim killed FAIL",
                              r"MOAT-TEST victim END"],
                      results=["bystander"]),
        xen_compatible=True, xen=xen_alone_killed(victim))


def either(*regexes: str) -> str:
    """One regex matching any of several; the (?im) flags go in front once."""
    flags = "(?im)"
    return flags + "(?:" + "|".join(f"(?:{r[len(flags):] if r.startswith(flags) else r})"
                                    for r in regexes) + ")"


def hostile_killed_or_refused(name: str, image: str, what: str, reason,
                              args: str = "") -> Test:
    """Killed as above, or refused up front (the guest reports `refused`
    and ends): both keep the bystander safe. Xen 4.17 kills."""
    victim = guest(image, "victim", args)
    return Test(
        name=name, description=what, timeout=90,
        modules=[guest("spinner", "bystander", "rounds=4000"), victim],
        expect=Expect(exit=None,
                      present=[L.moat_domain_poweroff("bystander"), end_ok("bystander"),
                               either(L.moat_domain_crashed_because("victim", *reason),
                                      r"MOAT-TEST victim refused PASS")],
                      absent=[*L.MOAT_NEVER, r"MOAT-TEST victim killed FAIL"],
                      results=["bystander"]),
        xen_compatible=True, xen=xen_alone_killed(victim))


TESTS += [
    hostile_killed("hostile-bad-handler", "hostile_bad_handler",
                   "a #UD bounced to an unmapped handler kills the domain",
                   L.MOAT_REASON_BAD_HANDLER),
    hostile_killed_or_refused("hostile-bad-handler-hv", "hostile_bad_handler",
                              "a handler in the hypervisor's range is refused, or the #UD "
                              "bounced to it kills the domain",
                              L.MOAT_REASON_BAD_HANDLER, args="handler=hv"),
    hostile_killed("hostile-failsafe", "hostile_failsafe",
                   "an iret to a bad selector with the failsafe, #GP and #PF handlers "
                   "unmapped kills the domain", L.MOAT_REASON_BAD_RETURN),
    hostile_killed("hostile-priv-nohandler", "hostile_priv",
                   "a privileged instruction with no trap table kills the domain",
                   L.MOAT_REASON_PRIVILEGED, args="handlers=no"),
]


# (4) A guest that never yields, never makes a hypercall and masks events:
# the bystander must still finish first (preemption by the timer).
_spin = guest("hostile_spin", "victim", "loops=300")
TESTS.append(Test(
    name="hostile-spin", description="a non-yielding guest with events masked cannot "
                                     "starve the bystander", timeout=120,
    modules=[guest("spinner", "bystander", "rounds=2000"), _spin],
    expect=Expect(exit=EXIT_CLEAN, results=["bystander", "victim"],
                  before=[(end_ok("bystander"), end_ok("victim"))],
                  absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_alone(guest("hostile_spin", "victim", "loops=50"))))


# (4b) Batches as long as the ABI allows (mmu_update of 2^31 - 1 requests
# through a 512 GiB alias of one frame, a multicall of 512 of them): the
# hypervisor gives way mid-batch (continuations), so the bystander finishes
# while the batch is still running and the hostile guest's own timer
# upcall, delivered between re-issues, ends it.
_long = guest("hostile_long_batch", "victim", "ms=1500")
TESTS.append(Test(
    name="hostile-long-batch", description="maximal mmu_update and multicall batches are "
                                           "preempted: the bystander keeps the CPU, the "
                                           "guest's timer ends its batch", timeout=180,
    modules=[guest("spinner", "bystander", "rounds=2000"), _long],
    expect=Expect(exit=EXIT_CLEAN, results=["bystander", "victim"],
                  before=[(end_ok("bystander"), end_ok("victim"))],
                  absent=L.MOAT_NEVER),
    xen_compatible=False))


# (5) Register state never crosses domains: a pair of leak guests fill every
# register they can reach (GPRs, xmm0-15, MXCSR, x87, ds/es, FS/GS bases,
# DR0-DR3) with their own markers, switch to each other by yielding and by
# timer preemption, and read everything back after each switch. Moat only:
# Xen runs a single domain here, so there is nobody to leak to.
TESTS.append(Test(
    name="leak-pair", description="two domains switching by yield and preemption never see "
                                  "each other's GPRs, SSE/x87 state, selectors, segment "
                                  "bases or debug registers", timeout=90,
    modules=[guest("leak", "leak_a", "role=a"), guest("leak", "leak_b", "role=b")],
    expect=Expect(exit=EXIT_CLEAN, results=["leak_a", "leak_b"],
                  present=[L.moat_domain_poweroff("leak_a"), L.moat_domain_poweroff("leak_b")],
                  absent=L.MOAT_NEVER),
    xen_compatible=False))


# (6) The PV LDT: MMUEXT_SET_LDT, selectors loaded from it, its frame locked
# against writable mappings while in use, pages refused as LDT pages.
_ldt = guest("ldt", "ldt")
TESTS.append(Test(
    name="pv-ldt", description="MMUEXT_SET_LDT: LDT selectors in %es/%ds/%fs, #NP/#GP/#PF "
                               "with the selector, the frame not writable while in use, "
                               "bad arguments refused, system descriptors and ring-0 gates",
    modules=[_ldt], timeout=90,
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("ldt")], absent=L.MOAT_NEVER),
    xen_compatible=True, xen=xen_alone(_ldt)))
