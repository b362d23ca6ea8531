"""Frames given back must be unreachable before they are reused (issue 14,
finding 1). The hostile_tlb_reuse guest maps three frames of its own, touches
them, unmaps them without a flush (UVMF_NONE), gives them back with
decrease_reservation and populates a far pfn so the hypervisor needs new P2M
table frames, then goes through the stale addresses. A checksummed
bystander (the spinner) runs beside it: its checksum and guard region must
stay intact, the hypervisor must neither panic nor BUG, and the guest must
find every stale translation gone (it reports PASS stale_unreachable).

Before the fix (a LIFO allocator that never flushed) the read variant saw
P2M tables, the crash variant stopped the machine with a #PF in the
hypervisor, and the xfree variant wrote into the bystander's guard region
and had its teardown free the bystander's live frames.
"""
from moattest import EXIT_CLEAN, Expect, Test, guest
import hvlog as L
from hvlog import end_ok

_VARIANTS = [
    ("read", "reading stale translations of given-back frames shows no P2M data"),
    ("crash", "a bogus P2M entry written through a stale translation cannot be written "
              "(the hypervisor keeps running)"),
    ("xfree", "a bystander's frame numbers written into a P2M table through a stale "
              "translation cannot be written (its memory and frames stay its own)"),
]

TESTS = []
for _mode, _what in _VARIANTS:
    TESTS.append(Test(
        name=f"hostile-tlb-{_mode}", description=_what, timeout=120,
        modules=[guest("spinner", "bystander", "rounds=4000"),
                 guest("hostile_tlb_reuse", "victim", f"mode={_mode}")],
        expect=Expect(exit=EXIT_CLEAN, results=["bystander", "victim"],
                      present=[L.moat_domain_poweroff("bystander"),
                               L.moat_domain_poweroff("victim"),
                               end_ok("bystander"), end_ok("victim"),
                               r"MOAT-TEST victim stale_unreachable PASS"],
                      absent=[*L.MOAT_NEVER, r"MOAT-TEST \S+ \S+ FAIL"]),
        xen_compatible=False))
