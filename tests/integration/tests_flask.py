"""XSM/FLASK: booting with a policy and labels, the per-hypercall gate
(enforcing and permissive), refusals of bad boots (no label, unknown type,
corrupt or truncated policy, a policy without xsm=flask), xsm_op from a
control domain and from one without security permissions, and run-time
policy loads that revoke (or keep) an event channel.

Moat only (xen_compatible=False): Xen 4.17 as the reference has no notion
of Moat's boot manifest labels or of its policy blob. The policies are
built by `make all` into build/policy/: policy.blob (the default),
test-revoke.blob (web_t loses its own event channels), test-gate.blob
(untrusted_t may also use memory_op) and test-emul.blob (untrusted_t may
also catch its faults and enable writable page tables). The corrupt and truncated blobs are
written by this module, when it is loaded, into build/flask-test/.
"""
import pathlib

from moattest import EXIT_CLEAN, EXIT_CRASHED, EXIT_REFUSED, Expect, Module, Test, guest
import hvlog as L
from hvlog import end_ok

ROOT = pathlib.Path(__file__).resolve().parents[2]
POLICY_DIR = "build/policy"
POLICY = f"{POLICY_DIR}/policy.blob"
POLICY_REVOKE = f"{POLICY_DIR}/test-revoke.blob"
POLICY_GATE = f"{POLICY_DIR}/test-gate.blob"
POLICY_EMUL = f"{POLICY_DIR}/test-emul.blob"
DERIVED_DIR = "build/flask-test"
POLICY_CORRUPT = f"{DERIVED_DIR}/corrupt.blob"
POLICY_TRUNCATED = f"{DERIVED_DIR}/truncated.blob"
BLOB_HEADER = 64       # struct policy_blob_header (xsm/policy_blob.h)

FLASK = "console=com1 xsm=flask"



def policy(path: str = POLICY) -> Module:
    return Module(path, raw="type=policy")


def initrd(path: str, domain: str) -> Module:
    return Module(path, raw=f"type=initrd name={domain}")


def labelled(image: str, name: str, type_: str, args: str = "", keys: str = "") -> Module:
    label = f"label=system_u:system_r:{type_}"
    return guest(image, name, args, keys=f"{label} {keys}".strip())


def write_derived_blobs() -> None:
    """The default blob with one body byte flipped, and cut short. Written
    whenever this module is loaded, so they follow the current blob; when
    the blob is missing the tests report the missing module."""
    src = ROOT / POLICY
    if not src.is_file():
        return
    blob = src.read_bytes()
    out = ROOT / DERIVED_DIR
    out.mkdir(parents=True, exist_ok=True)
    corrupt = bytearray(blob)
    corrupt[BLOB_HEADER + (len(blob) - BLOB_HEADER) // 2] ^= 0x01
    for path, data in ((POLICY_CORRUPT, bytes(corrupt)),
                       (POLICY_TRUNCATED, blob[:len(blob) * 2 // 3])):
        p = ROOT / path
        if not p.is_file() or p.read_bytes() != data:
            p.write_bytes(data)


write_derived_blobs()

TESTS = []


def flask_test(name: str, description: str, modules, expect: Expect,
               cmdline: str = FLASK, timeout: float = 60.0) -> Test:
    return Test(name=name, description=description, modules=modules, cmdline=cmdline,
                expect=expect, timeout=timeout, xen_compatible=False)


def refused(name: str, description: str, modules, present, cmdline: str = FLASK) -> Test:
    return flask_test(name, description, modules, cmdline=cmdline,
                      expect=Expect(exit=EXIT_REFUSED, present=present,
                                    absent=[*L.MOAT_NEVER, r"MOAT-TEST"]))


# (1) A labelled domain boots; the policy's measurement is on the console.
TESTS.append(flask_test(
    "flask-boot", "xsm=flask with the default policy: a domU_t hello guest passes",
    [policy(), labelled("hello", "alpha", "domU_t")],
    Expect(exit=EXIT_CLEAN, results="all",
           ordered=[L.MOAT_FLASK_POLICY_LOADED, L.moat_flask_labelled(1, "alpha", "domU_t"),
                    end_ok("alpha")],
           absent=[*L.MOAT_NEVER, L.MOAT_AVC_DENIED_ANY])))

# (2) The gate: untrusted_t may use console_io, xen_version and sched_op only.
_GATED = ("memory_op", "vcpu_op", "event_channel_op")
TESTS.append(flask_test(
    "flask-gate-denied", "untrusted_t: memory_op, vcpu_op, event_channel_op -EACCES, audited",
    [policy(), labelled("flask_gate", "untrusted", "untrusted_t", "expect=denied")],
    Expect(exit=EXIT_CLEAN, results="all",
           present=[L.moat_avc_denied(p, "untrusted_t", "xen_t", "hypercall", 1)
                    for p in _GATED],
           absent=[*L.MOAT_NEVER, r"permissive=1"])))
TESTS.append(flask_test(
    "flask-gate-allowed", "domU_t: the same hypercalls succeed, nothing is denied",
    [policy(), labelled("flask_gate", "guest", "domU_t", "expect=allowed")],
    Expect(exit=EXIT_CLEAN, results="all",
           absent=[*L.MOAT_NEVER, L.MOAT_AVC_DENIED_ANY])))
TESTS.append(flask_test(
    "flask-permissive", "flask=permissive: untrusted_t's calls succeed but are audited",
    [policy(), labelled("flask_gate", "untrusted", "untrusted_t", "expect=allowed")],
    Expect(exit=EXIT_CLEAN, results="all",
           present=[L.moat_avc_denied(p, "untrusted_t", "xen_t", "hypercall", 1,
                                      permissive=True) for p in _GATED],
           absent=L.MOAT_NEVER),
    cmdline=f"{FLASK} flask=permissive"))

# (3) Labels: none (refused, or the default), an unknown type.
TESTS.append(refused(
    "flask-unlabeled-refused", "a domain without label= is refused (flask_unlabeled=refuse)",
    [policy(), guest("hello", "alpha")],
    [L.moat_error(r"\balpha\b.*\blabel"), L.moat_error(r"refused")]))
TESTS.append(flask_test(
    "flask-unlabeled-default", "flask_unlabeled=default: an unlabeled domain runs as domU_t",
    [policy(), guest("hello", "alpha")],
    Expect(exit=EXIT_CLEAN, results="all",
           present=[L.moat_flask_labelled(1, "alpha", "domU_t")],
           absent=[*L.MOAT_NEVER, L.MOAT_AVC_DENIED_ANY]),
    cmdline=f"{FLASK} flask_unlabeled=default"))
TESTS.append(refused(
    "flask-bad-label", "a label with a type the policy lacks is refused",
    [policy(), labelled("hello", "alpha", "nosuch_t")],
    [L.moat_error(r"nosuch_t")]))

# (4) Bad policy modules.
TESTS.append(refused(
    "flask-policy-corrupt", "a policy blob with one body byte flipped is refused",
    [policy(POLICY_CORRUPT), labelled("hello", "alpha", "domU_t")],
    [L.moat_error(r"\b(sha-?256|hash|digest|checksum)\b")]))
TESTS.append(refused(
    "flask-policy-truncated", "a policy blob cut short is refused",
    [policy(POLICY_TRUNCATED), labelled("hello", "alpha", "domU_t")],
    [L.moat_error(r"\b(truncat\w*|short|size|length|bytes)\b")]))
TESTS.append(refused(
    "flask-policy-with-dummy", "a policy module without xsm=flask is refused",
    [policy(), labelled("hello", "alpha", "domU_t")],
    [L.moat_error(r"\bpolicy\b.*\bxsm=dummy\b")],
    cmdline="console=com1 xsm=dummy"))

# (4b) MAC is never off by accident: with no xsm= option a policy module
# means FLASK enforcing (the gate denies untrusted_t as under xsm=flask),
# and no policy module refuses the boot; xsm=dummy must be written.
TESTS.append(flask_test(
    "xsm-default-policy-is-flask", "no xsm= and a policy module: FLASK enforcing, "
                                   "untrusted_t denied at the gate",
    [policy(), labelled("flask_gate", "untrusted", "untrusted_t", "expect=denied")],
    Expect(exit=EXIT_CLEAN, results="all",
           ordered=[r"(?m)^\(moat\) xsm: no xsm= option and a policy module: flask",
                    r"(?m)^\(moat\) security module: flask \(enforcing\)"],
           present=[L.moat_avc_denied(p, "untrusted_t", "xen_t", "hypercall", 1)
                    for p in _GATED],
           absent=[*L.MOAT_NEVER, r"permissive=1", r"xsm=dummy"]),
    cmdline="console=com1"))
TESTS.append(refused(
    "xsm-default-no-policy-refused", "no xsm= and no policy module: the boot is refused",
    [guest("hello", "alpha")],
    [r"(?m)^\(moat\) .*no policy module and no xsm= option", L.MOAT_REFUSED],
    cmdline="console=com1"))
TESTS.append(Test(
    name="xsm-dummy-loud", description="xsm=dummy written: the boot runs and says loudly "
                                       "that no mandatory access control is enforced",
    modules=[guest("hello", "alpha")], cmdline="console=com1 xsm=dummy",
    expect=Expect(exit=EXIT_CLEAN, results="all",
                  present=[r"(?m)^\(moat\) .*xsm=dummy: NO MANDATORY ACCESS CONTROL"],
                  absent=L.MOAT_NEVER),
    xen_compatible=False))

# (5) xsm_op: a control domain may, a domU_t may not.
TESTS.append(flask_test(
    "flask-xsm-op", "xsm_op as dom0_t passes its checks; as domU_t every security op "
                    "is -EACCES and audited",
    [policy(), labelled("flask_ctl", "ctl", "dom0_t"),
     labelled("flask_ctl", "nosec", "domU_t", "expect=denied")],
    Expect(exit=EXIT_CLEAN, results="all",
           present=[L.moat_avc_denied(p, "domU_t", "security_t", "security", 2,
                                      trole="object_r")
                    for p in ("load_policy", "setenforce", "setbool")],
           absent=L.MOAT_NEVER)))
TESTS.append(flask_test(
    "flask-load-garbage", "FLASK_LOAD of garbage is -EINVAL; the old policy stays",
    [policy(), labelled("flask_ctl", "ctl", "dom0_t", "load=garbage yield=0")],
    Expect(exit=EXIT_CLEAN, results="all",
           absent=[*L.MOAT_NEVER, L.MOAT_FLASK_POLICY_RELOADED, L.MOAT_XSM_REVOKED_ANY])))

# (6) Run-time loads: the new policy revokes what it no longer allows.
TESTS.append(flask_test(
    "flask-revoke", "loading test-revoke.blob closes web_t's own IPI channel",
    [policy(), labelled("flask_chan", "web", "web_t"),
     labelled("flask_ctl", "ctl", "dom0_t", "load=initrd"), initrd(POLICY_REVOKE, "ctl")],
    Expect(exit=EXIT_CLEAN, results="all",
           ordered=[L.moat_flask_policy_loaded_by(2), L.moat_xsm_revoked(1, "web", 1)],
           present=[r"MOAT-TEST web revoked PASS .*status EVTCHNSTAT_closed"],
           absent=L.MOAT_NEVER),
    timeout=90))
TESTS.append(flask_test(
    "flask-revoke-kept", "reloading the default policy revokes nothing",
    [policy(), labelled("flask_chan", "web", "web_t", "expect=kept"),
     labelled("flask_ctl", "ctl", "dom0_t", "load=initrd"), initrd(POLICY, "ctl")],
    Expect(exit=EXIT_CLEAN, results="all",
           present=[L.moat_flask_policy_loaded_by(2)],
           absent=[*L.MOAT_NEVER, L.MOAT_XSM_REVOKED_ANY, L.MOAT_AVC_DENIED_ANY]),
    timeout=90))
TESTS.append(flask_test(
    "flask-reload-widens", "after loading test-gate.blob untrusted_t may use memory_op",
    [policy(), labelled("flask_ctl", "ctl", "dom0_t", "load=initrd yield=0"),
     initrd(POLICY_GATE, "ctl"),
     labelled("flask_gate", "untrusted", "untrusted_t", "expect=denied allow=memory_op wait=300")],
    Expect(exit=EXIT_CLEAN, results="all",
           ordered=[L.moat_flask_policy_loaded_by(1), end_ok("untrusted")],
           present=[L.moat_avc_denied("vcpu_op", "untrusted_t", "xen_t", "hypercall", 2)],
           absent=[*L.MOAT_NEVER,
                   L.moat_avc_denied("memory_op", "untrusted_t", "xen_t", "hypercall", 2)]),
    timeout=90))

# (7) A full PV guest under FLASK: the time guest (event channels, timers,
# block/poll, a closed port's status) as domU_t passes as under dummy. A
# closed port has no label: its status must not be checked against one.
TESTS.append(flask_test(
    "flask-time-domU", "the time guest as domU_t passes under the default policy",
    [policy(), labelled("time", "time", "domU_t")],
    Expect(exit=EXIT_CLEAN, results="all",
           absent=[*L.MOAT_NEVER, L.MOAT_AVC_DENIED_ANY]),
    timeout=90))


# (8) The emulation gate: the emulated twins of set_debugreg, get_debugreg,
# set_segment_base, fpu_taskswitch and mmu_update (mov to/from %db0/%db7,
# wrmsr FS/GS/KERNEL_GS_BASE, mov to %cr0, clts, a store into a read-only
# L1) are denied to untrusted_t as the hypercalls are: #GP(0) (#PF for the
# store), nothing changed, each audited as the hypercall's denial. domU_t
# gets them all. test-emul.blob lets untrusted_t register a trap table and
# turn on writable page tables, and nothing more (policy/test/README.md).
_EMUL_GATED = ("set_debugreg", "get_debugreg", "set_segment_base", "fpu_taskswitch",
               "mmu_update")
TESTS.append(flask_test(
    "emul-bypass-denied", "untrusted_t: every emulated twin of a denied hypercall faults, "
                          "changes nothing and is audited; the bystander finishes",
    [policy(POLICY_EMUL),
     labelled("hostile_emul_bypass", "untrusted", "untrusted_t", "expect=denied"),
     labelled("spinner", "bystander", "domU_t", "rounds=2000")],
    Expect(exit=EXIT_CLEAN, results="all",
           present=[L.moat_avc_denied(p, "untrusted_t", "xen_t", "hypercall", 1)
                    for p in _EMUL_GATED],
           absent=[*L.MOAT_NEVER, r"permissive=1",
                   L.moat_avc_denied(r"\w+", "domU_t", "xen_t", "hypercall")]),
    timeout=90))
TESTS.append(flask_test(
    "emul-bypass-allowed", "domU_t: the same emulated instructions and page-table store "
                           "take effect, nothing is denied",
    [policy(), labelled("hostile_emul_bypass", "guest", "domU_t", "expect=allowed")],
    Expect(exit=EXIT_CLEAN, results="all",
           absent=[*L.MOAT_NEVER, L.MOAT_AVC_DENIED_ANY]),
    timeout=90))
TESTS.append(flask_test(
    "emul-bypass-default-policy", "untrusted_t under the default policy (no trap table "
                                  "allowed): mov to %db0 is #GP and kills it alone, audited",
    [policy(), labelled("hostile_emul_bypass", "victim", "untrusted_t", "traps=no"),
     labelled("spinner", "bystander", "domU_t", "rounds=2000")],
    Expect(exit=EXIT_CRASHED, results=["bystander"],
           ordered=[L.moat_avc_denied("set_debugreg", "untrusted_t", "xen_t", "hypercall", 1),
                    L.moat_domain_crashed_because("victim", *L.MOAT_REASON_PRIVILEGED)],
           present=[end_ok("bystander")],
           absent=[*L.MOAT_NEVER, r"MOAT-TEST victim killed FAIL", r"MOAT-TEST victim END"]),
    timeout=90))
