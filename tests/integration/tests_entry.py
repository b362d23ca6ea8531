"""The hypervisor's entry and exit paths against a hostile guest (issue 14,
"classes to close"), each attack beside a bystander (a spinner that keeps
a checksum of its memory) that must finish untouched:

- the MOV SS class (CVE-2018-8897): a data breakpoint on `mov ss`'s
  operand, then `syscall` or int3: real CPUs deliver that #DB in ring 0 on
  the first instruction of the entry, with the guest's rsp. QEMU delivers
  it early, in guest mode (PV-NOTES.md), so `selftest=entry-db` makes the
  hypervisor put an instruction breakpoint on its own SYSCALL entry and
  int3 stub, where hardware delivers the deferred one: the #DB must be
  taken on its IST stack and ignored, with a hostile rsp too. Every boot
  also checks the live IDT/TSS/entry layout (the "entry check" line);
- the exit path: returns to the guest that the final iretq cannot make (a
  32-bit code selector with rip above 4 GiB, a non-canonical rip reached by
  the iret hypercall, by SYSCALL's saved return address or by emulation, a
  bad stack selector) never fault in ring 0: refused (the domain is killed
  with the reason) or turned into the guest's failsafe callback;

Moat only: the attacks that must kill a domain have Xen-specific outcomes
(Xen 4.17 bounces a failed iret as #GP), and no Xen image is assumed.
"""
from moattest import EXIT_CLEAN, EXIT_CRASHED, Expect, Test, guest
import hvlog as L
from hvlog import end_ok

TESTS = []

_NEVER = [*L.MOAT_NEVER, L.moat_hv_fatal()]


def _bystander():
    return guest("spinner", "bystander", "rounds=3000")


_ENTRY_CHECK = (r"(?m)^\(moat\) entry check: #DB, NMI, #DF, #MC on IST stacks \d, \d, \d, \d; "
                r"SYSCALL switches stacks before any push")


def killed(name: str, image: str, args: str, what: str, *reason: str) -> Test:
    """The attacker is killed with a reason naming the attack; the
    bystander ends cleanly after it, the hypervisor never faults."""
    return Test(
        name=name, description=what, timeout=90,
        modules=[_bystander(), guest(image, "victim", args)],
        expect=Expect(exit=EXIT_CRASHED,
                      ordered=[L.moat_domain_crashed("victim"), end_ok("bystander")],
                      present=[L.moat_domain_poweroff("bystander"),
                               L.moat_domain_crashed_because("victim", *reason)],
                      absent=[*_NEVER, r"MOAT-TEST victim killed FAIL",
                              r"MOAT-TEST victim END"],
                      results=["bystander"]))


def survives(name: str, image: str, args: str, what: str,
             cmdline: str = "console=com1 xsm=dummy",
             present=()) -> Test:
    """The attacker's checks all pass (it is refused or corrected and goes
    on), as do the bystander's; the hypervisor never faults."""
    return Test(
        name=name, description=what, timeout=90, cmdline=cmdline,
        modules=[_bystander(), guest(image, "victim", args)],
        expect=Expect(exit=EXIT_CLEAN, results=["bystander", "victim"],
                      present=[L.moat_domain_poweroff("bystander"),
                               L.moat_domain_poweroff("victim"), *present],
                      absent=_NEVER))


def _entry_db(where: str, rsp: str) -> str:
    return (rf"(?m)^\(moat\) WARNING: d2: #DB at the {where} entry \(deferred by MOV SS/POP SS, "
            rf"or selftest=entry-db\), {rsp}")


# (1) The MOV SS class (hostile_movss_syscall.c, ist_entry in entry.S, ist.c).
TESTS += [
    survives("entry-movss-syscall", "hostile_movss_syscall", "",
             "a data breakpoint on mov ss's operand, then syscall or int3, and syscalls "
             "with hostile rsp values: the hypervisor stays up, every call returns",
             present=[_ENTRY_CHECK]),
    survives("entry-movss-selftest", "hostile_movss_syscall", "",
             "with selftest=entry-db the #DB arrives in ring 0 on the SYSCALL entry and the "
             "int3 stub, as real CPUs deliver the deferred one, also with rsp in the "
             "hypervisor or non-canonical: taken on the IST stack and ignored",
             cmdline="console=com1 xsm=dummy selftest=entry-db",
             present=[_ENTRY_CHECK, r"(?m)^\(moat\) WARNING: selftest=entry-db",
                      _entry_db("SYSCALL", "hostile guest rsp ffff830000000000,"),
                      _entry_db("SYSCALL", "hostile guest rsp 800000000000,"),
                      _entry_db("interrupt gate", "hypervisor rsp ")]),
    killed("entry-movss-attack", "hostile_movss_syscall", "attack=yes",
           "the attack as on hardware (watched mov ss, syscall with rsp in the hypervisor): "
           "QEMU gives the guest its #DB early, on that rsp, and the domain alone dies",
           "trap frame", "stack"),
]


# (2) The exit path (hostile_iret_exit.c, restore_all in entry.S).
TESTS += [
    killed("entry-iret32-high-kernel", "hostile_iret_exit", "mode=iret32_kernel",
           "an iret hypercall to the 32-bit code selector with rip above 4 GiB is refused",
           "4 GiB"),
    killed("entry-iret32-high-user", "hostile_iret_exit", "mode=iret32_user",
           "an iret hypercall to user mode in the 32-bit code selector with rip above "
           "4 GiB is refused", "4 GiB"),
    killed("entry-iret-noncanonical", "hostile_iret_exit", "mode=iret_noncanon",
           "an iret hypercall to a non-canonical rip is refused", "iret"),
    survives("entry-iret-bad-ss", "hostile_iret_exit", "mode=iret_bad_ss",
             "an iret hypercall with an undefined stack selector gets the guest's own"),
    survives("entry-iret-bad-cs-failsafe", "hostile_iret_exit", "mode=iret_bad_cs",
             "an iret hypercall to an empty slot of the guest's GDT: the exit iretq faults in "
             "ring 0 and is fixed up into the failsafe callback"),
    survives("entry-syscall-end-failsafe", "hostile_iret_exit", "mode=syscall_end",
             "a syscall in the last canonical bytes (saved rip non-canonical) returns to "
             "the failsafe callback, not a ring-0 #GP"),
    survives("entry-emul-end-failsafe", "hostile_iret_exit", "mode=emul_end",
             "an emulated clts in the last canonical bytes returns to the failsafe "
             "callback, not a ring-0 #GP"),
    killed("entry-syscall-end-killed", "hostile_iret_exit", "mode=syscall_end failsafe=no",
           "the same without a failsafe callback kills the domain alone",
           "return", "failsafe"),
    killed("entry-emul-end-killed", "hostile_iret_exit", "mode=emul_end failsafe=no",
           "an emulated instruction advanced into the canonical hole, no failsafe "
           "callback: the domain alone is killed", "return", "failsafe"),
]
