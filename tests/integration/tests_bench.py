"""Benchmarks (`make bench`, run.py --bench): the bench guest
(tests/bench/bench.c) alone, and two of them yielding to each other for
the domain-switch figure. Declared in BENCH, not TESTS, so `make
integration` never runs them; run.py --bench runs only these, judges them
like tests (every bench guest ends with failed=0) and prints the
MOAT-BENCH figures as a table (build/results/bench.tsv).

bench-flask repeats the single-guest bench under xsm=flask (enforcing, the
default policy, the guest labelled domU_t): its rows (test bench-flask,
guest bench_flask) beside bench-single's give the cost of the FLASK gate
on an AVC hit; tests/bench/compare.py prints the two side by side.

bench-ipc runs tests/bench/ipc_bench.c as a pair: the event-channel round
trip between two domains, and GNTTABOP_copy of 32 KiB from the other
domain's grants against in-guest copies of the same size (throughput in
KiB per million instructions).

On Moat, QEMU runs with -icount shift=0,sleep=off: one TSC tick is one
instruction and the figures repeat. With --xen the single-guest bench runs
on Xen 4.17 as dom0, without icount (ticks are the host's TSC).
"""
from moattest import EXIT_CLEAN, Expect, Module, Test
import hvlog as L
from hvlog import end_ok

BENCH_DIR = "build/bench"


def bench_guest(name: str, args: str = "") -> Module:
    return Module(image=f"{BENCH_DIR}/bench.elf", name=name, args=args)


def flask_bench_guest(name: str, args: str = "") -> Module:
    m = bench_guest(name, args)
    m.keys = "label=system_u:system_r:domU_t"
    return m



_single = bench_guest("bench", "n=200")
BENCH = [
    Test(name="bench-single",
         description="null hypercall, trap bounce, syscall bounce, mmu_update, ptwr write, "
                     "event upcall, yield: one guest",
         modules=[_single], timeout=180,
         expect=Expect(exit=EXIT_CLEAN, results="all", present=[r"MOAT-BENCH null_hypercall \d+"],
                       absent=L.MOAT_NEVER),
         xen_compatible=True,
         xen={"modules": [_single],
              "expect": Expect(exit=None, ordered=[end_ok("bench"), L.XEN_DOM0_HALTED],
                               absent=L.XEN_NEVER, results=["bench"],
                               stop_on=L.XEN_DOM0_DONE)}),
    Test(name="bench-pair",
         description="two bench guests yielding to each other: domain_switch",
         modules=[bench_guest("bench_a", "n=200 partner=yes"),
                  bench_guest("bench_b", "n=200 partner=yes")], timeout=240,
         expect=Expect(exit=EXIT_CLEAN, results="all", present=[r"MOAT-BENCH domain_switch \d+"],
                       absent=L.MOAT_NEVER)),
    Test(name="bench-flask",
         description="the single-guest bench under xsm=flask enforcing (default policy, "
                     "domU_t): the gate's cost per hypercall",
         cmdline="console=com1 xsm=flask",
         modules=[Module("build/policy/policy.blob", raw="type=policy"),
                  flask_bench_guest("bench_flask", "n=200")], timeout=180,
         expect=Expect(exit=EXIT_CLEAN, results=["bench_flask"],
                       present=[r"MOAT-BENCH null_hypercall \d+"],
                       absent=[*L.MOAT_NEVER, r"avc: denied"])),
]


# Inter-domain communication (tests/bench/ipc_bench.c): an event-channel
# round trip between two domains, and GNTTABOP_copy of 32 KiB from the
# other domain's grants against the pong's own memcpy of 32 KiB.
def ipc_bench_guest(name: str, args: str) -> Module:
    return Module(image=f"{BENCH_DIR}/ipc_bench.elf", name=name, args=args)


BENCH.append(Test(
    name="bench-ipc",
    description="evtchn round trip between two domains; grant copy vs memcpy (32 KiB)",
    modules=[ipc_bench_guest("ipc_ping", "role=ping peer=2 n=200"),
             ipc_bench_guest("ipc_pong", "role=pong peer=1 n=200")], timeout=240,
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[r"MOAT-BENCH evtchn_roundtrip \d+", r"MOAT-BENCH gnttab_copy_32k \d+",
                           r"MOAT-BENCH memcpy_32k \d+"],
                  absent=L.MOAT_NEVER)))


# The longest stretch the hypervisor runs without giving way, inside a
# maximal hostile batch of each batching hypercall (tests/guests/
# hostile_long_batch.c, mode=bench, alone): the guest's timer is re-armed
# every 1 ms during the batch and the worst lateness of its upcall, in TSC
# ticks (instructions under -icount shift=0), is printed as the figure
# (the row's "median" column holds that maximum; min is the best case).
# stretch_none is the same timer with the guest spinning: the interrupt and
# upcall path alone. Target: under 100,000 ticks (100 us).
BENCH.append(Test(
    name="bench-stretch",
    description="longest non-preemptible stretch in maximal mmu_update, mmuext_op, multicall, "
                "grant map/unmap/copy and reservation batches",
    modules=[Module(image="build/guests/hostile_long_batch.elf", name="stretch",
                    args="mode=bench samples=20")], timeout=240,
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[rf"MOAT-BENCH stretch_{op} \d+" for op in
                           ("none", "mmu_update", "multicall", "mmuext_op", "gnttab_map",
                            "gnttab_unmap", "gnttab_copy", "memory_op")],
                  absent=L.MOAT_NEVER)))
