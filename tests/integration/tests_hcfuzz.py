"""The in-guest hypercall fuzzer (tests/guests/hcfuzz.c) beside a bystander
(tests/guests/hcfuzz_bystander.c) that keeps 4 MiB of its memory filled
with a pattern and re-verifies it until the fuzzer is gone.

A boot passes when the hypervisor neither stops on a fault of its own nor
hangs, every fuzzed call returned (the fuzzer reaches its END line with
failed=0: its read-only page, a canary and its own code unchanged), the
bystander's pattern is intact and its last verification came after the
fuzzer finished, and both domains powered off cleanly. Seeds are fixed, so
a failure replays exactly (same seed, same binaries, -icount; add
trace=<call> to the fuzzer's arguments to print every call from there on);
scripts/guest-fuzz.sh runs random seeds for longer.

Moat only: the bystander watches its runstate for a neighbour, and Xen
would run the fuzzer alone as dom0.
"""
from moattest import EXIT_CLEAN, Expect, Module, Test, guest
import hvlog as L
from hvlog import end_ok

POLICY = "build/policy/policy.blob"
LABEL = "label=system_u:system_r:"

# Calls per CI boot. Measured here (2 cores, TCG, -icount shift=0,
# sleep=off, run.py -j2): 800,000 calls take 16-18 s a boot on a quiet
# machine (about 47,000 calls a second of wall time beside the
# bystander; about 15 s of guest system time), so the three CI boots and
# the two short regressions take 34 s of wall time together; with two
# other fuzzers busy on the same cores, 25-49 s a boot and 68 s for the
# three.
CI_ITERS = 800000


def fuzz_test(name: str, seed: int, iters: int = CI_ITERS, flask: bool = False,
              description: str = "", timeout: float = 150.0, also=()) -> Test:
    fuzz_args = f"seed={seed} iters={iters} self=2 peer=1"
    if flask:
        # domU_t passes the gate for every implemented hypercall; db_t has
        # no channel to domU_t, like the bystander under dummy.
        modules = [Module(POLICY, raw="type=policy"),
                   guest("hcfuzz_bystander", "bystander", keys=f"{LABEL}db_t"),
                   guest("hcfuzz", "fuzzer", fuzz_args, keys=f"{LABEL}domU_t")]
        cmdline = "console=com1 xsm=flask"
    else:
        modules = [guest("hcfuzz_bystander", "bystander"),
                   guest("hcfuzz", "fuzzer", fuzz_args)]
        cmdline = "console=com1 xsm=dummy"
    checksum = r"MOAT-TEST bystander checksum PASS"
    return Test(
        name=name, description=description, modules=modules, cmdline=cmdline,
        timeout=timeout,
        expect=Expect(exit=EXIT_CLEAN, results=["fuzzer", "bystander"],
                      ordered=[rf"hcfuzz: seed {seed}\b", end_ok("fuzzer")],
                      present=[L.moat_domain_poweroff("fuzzer"),
                               L.moat_domain_poweroff("bystander"),
                               rf"MOAT-TEST fuzzer calls_returned PASS seed {seed}: "
                               rf"{iters} calls returned", checksum, *also],
                      before=[(end_ok("fuzzer"), checksum)],
                      absent=[*L.MOAT_NEVER, L.moat_hv_fatal(),
                              L.moat_domain_crashed("fuzzer"),
                              L.moat_domain_crashed("bystander")]),
        xen_compatible=False)


TESTS = [
    fuzz_test("hcfuzz-dummy", 1,
              description=f"hypercall fuzzer, seed 1, {CI_ITERS} calls, beside a "
                          "checksumming bystander, dummy XSM"),
    fuzz_test("hcfuzz-flask", 2, flask=True,
              description=f"hypercall fuzzer as domU_t, seed 2, {CI_ITERS} calls, beside a "
                          "db_t bystander, xsm=flask with the default policy"),
    fuzz_test("hcfuzz-seed3", 3,
              description=f"hypercall fuzzer, a second fixed seed (3), {CI_ITERS} calls, "
                          "dummy XSM"),
    # Regressions: seeds that stopped the machine before the fixes, cut
    # just past the call that did it.
    # Seed 7, call #94: a multicall with fpu_taskswitch(1) and then
    # sched_op yield switched vCPUs with the guest's CR0.TS still set:
    # fxsave raised #NM in arch_context_switch (hv/arch/x86_64/vcpu.c).
    fuzz_test("hcfuzz-regress-ts-switch", 7, iters=2000, timeout=60,
              description="regression: a context switch while a guest has CR0.TS set "
                          "(fpu_taskswitch then yield in one multicall)"),
    # Seed 5: call #1361 set_debugreg(7, 0x5c5017a) (G0: DR0 a 2-byte write
    # watch), #1498 set_debugreg(0, an address in the fuzzer's sink), #1700
    # xen_version(XENVER_capabilities, the sink): the hypervisor's copy to
    # the guest raised #DB in raw_copy, which trap_dispatch
    # (hv/arch/x86_64/traps.c) took for a fault of its own.
    fuzz_test("hcfuzz-regress-guest-watchpoint", 5, iters=2000, timeout=60,
              description="regression: a guest's data breakpoint hit by a hypervisor copy "
                          "to its memory (xen_version into a watched buffer)",
              also=[L.moat_guest_breakpoint_in_hv(2)]),
]
