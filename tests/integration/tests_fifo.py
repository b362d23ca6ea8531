"""The FIFO event-channel ABI from the guest side: the fifo guest switches
from 2-level to FIFO (init_control, expand_array), checks the errors,
FIFO order within a queue and priority order across queues, masking, a
VIRQ_TIMER through FIFO, EVTCHNOP_reset back to 2-level and FIFO again.

Developed against real Xen 4.17 too: xen_compatible, `run.py --xen` boots
the guest alone as dom0 with the Xen expectations below.
"""
from moattest import EXIT_CLEAN, Expect, Test, guest
import hvlog as L

TESTS = []

# Two array pages: 2048 ports (Xen's limit is far higher).
_mod = guest("fifo", "fifo", keys="evtchn_ports=2048")
TESTS.append(Test(
    name="pv-fifo", description="FIFO event channels: switch, queues, priorities, masking, "
                                "VIRQ_TIMER, reset to 2-level",
    modules=[_mod], timeout=90,
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("fifo")], absent=L.MOAT_NEVER),
    xen_compatible=True,
    xen={"modules": [_mod],
         "expect": Expect(exit=None,
                          ordered=[L.end_ok("fifo"), L.XEN_DOM0_HALTED],
                          absent=L.XEN_NEVER, results=["fifo"], stop_on=L.XEN_DOM0_DONE)}))

# Beside a bystander that keeps a checksum of its memory: FIFO frames of
# one domain never touch another's.
TESTS.append(Test(
    name="pv-fifo-bystander", description="the fifo guest beside a spinner that must end "
                                          "untouched",
    modules=[guest("spinner", "bystander", "rounds=4000"), guest("fifo", "fifo", keys="evtchn_ports=2048")],
    timeout=120,
    expect=Expect(exit=EXIT_CLEAN, results=["bystander", "fifo"],
                  present=[L.moat_domain_poweroff("bystander"), L.moat_domain_poweroff("fifo")],
                  absent=L.MOAT_NEVER)))

# With the default 1024 ports the array may have one page: the second
# expand_array is refused (-ENOSPC), the rest runs unchanged.
TESTS.append(Test(
    name="pv-fifo-one-page", description="FIFO with the default port limit: the second "
                                         "array page refused",
    modules=[guest("fifo", "fifo", "pages=1")], timeout=90,
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[L.moat_domain_poweroff("fifo")], absent=L.MOAT_NEVER)))
