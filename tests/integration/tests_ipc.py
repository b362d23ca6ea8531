"""Inter-domain communication: event channels and grant tables between
two to five guests, under xsm=dummy and under FLASK.

- ipc-pingpong*: ipc_front grants a ring page to ipc_back and allocates an
  unbound port; the back maps the grant and binds the port; N requests
  and responses cross the ring with Xen's ring semantics, each verified on
  both sides. Both print count= and sum= (the sum of the request
  checksums), which this module recomputes.
- ipc-denied: the same pair booted with test-nocomms.blob (no
  domain_comms(web_t, db_t)): the map is refused and audited, nothing
  crosses, both end cleanly.
- ipc-revoke: a dom0_t flask_ctl loads test-nocomms.blob while the pair
  runs; the hypervisor revokes the channel and the mapping (console lines),
  the back's next access to the ring faults and is reported as the clean
  end, the front sees the port go and its grant no longer in use.
- ipc-copy, ipc-copy-denied: GNTTABOP_copy across domains (ipc_copy):
  valid copies verified, every malformed one refused with Xen's status and
  nothing changed; under test-nocomms.blob every copy is denied, audited.
- ipc-hostile-*: one attack each (forged refs, the wrong domid beside a
  live pair, foreign handles, a revoked grant, port exhaustion, closed
  ports, binding twice / someone else's port), a spinner bystander beside
  each must finish with its memory intact.
- ipc-granter-dies, ipc-mapper-dies: one side powers off mid-transfer; the
  other sees the mapping (or its own use of the grant) go cleanly.

Moat only, except three single-guest hostile tests (forged refs, port
exhaustion, closed ports) that also run as dom0 on Xen 4.17 (--xen) and
pass there: Xen boots only one domain from modules.
Domain ids follow manifest order among the domains (d1 = the first guest
module); policy and initrd modules are not domains.
"""
from moattest import EXIT_CLEAN, Expect, Module, Test, guest, xen_alone
import hvlog as L
from hvlog import end_ok

POLICY = "build/policy/policy.blob"
POLICY_NOCOMMS = "build/policy/test-nocomms.blob"
POLICY_READONLY = "build/policy/test-readonly.blob"
FLASK = "console=com1 xsm=flask"
MASK64 = (1 << 64) - 1
SEED = 0x5eed5eed5eed5eed


# ---- the guests' message arithmetic (tests/guests/ipc.h) ----------------

def _mix(seed: int, seq: int, k: int) -> int:
    z = (seed + seq * 0x9e3779b97f4a7c15 + k) & MASK64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK64
    return z ^ (z >> 31)


def _csum(seq: int, words) -> int:
    h = 0xcbf29ce484222325 ^ seq
    for w in words:
        h = ((h ^ w) * 0x100000001b3) & MASK64
    return (h ^ (h >> 32)) & 0xffffffff


def checksum_total(n: int) -> int:
    """The sum (mod 2^64) of the checksums of requests 0..n-1."""
    total = 0
    for seq in range(n):
        total += _csum(seq, [_mix(SEED, seq, k) for k in range(3)])
    return total & MASK64



def pingpong_ok(name: str, n: int) -> str:
    return rf"MOAT-TEST {name} pingpong PASS count={n} sum=0x{checksum_total(n):x} bad=0"


def labelled(image: str, name: str, type_: str, args: str = "", keys: str = "") -> Module:
    label = f"label=system_u:system_r:{type_}"
    return guest(image, name, args, keys=f"{label} {keys}".strip())


def policy(path: str = POLICY) -> Module:
    return Module(path, raw="type=policy")


def initrd(path: str, domain: str) -> Module:
    return Module(path, raw=f"type=initrd name={domain}")


def either(*regexes: str) -> str:
    """Any one of several (?m)-prefixed hypervisor regexes."""
    bodies = [r[4:] if r.startswith("(?m)") else r for r in regexes]
    return "(?m)" + "|".join(f"(?:{b})" for b in bodies)


def ipc_test(name: str, description: str, modules, expect: Expect, cmdline: str = "console=com1 xsm=dummy",
             timeout: float = 90.0, xen=None) -> Test:
    """A Moat boot; with xen= (a single-guest variant) also run by --xen."""
    return Test(name=name, description=description, modules=modules, cmdline=cmdline,
                expect=expect, timeout=timeout, xen_compatible=xen is not None,
                xen=xen or {})


def clean(also_absent=(), **fields) -> Expect:
    """A clean exit with every guest's END at failed=0 and no FAIL line, none
    of L.MOAT_NEVER (nor also_absent) in the log; fields add the rest."""
    absent = [*L.MOAT_NEVER, *also_absent] if also_absent else L.MOAT_NEVER
    return Expect(exit=EXIT_CLEAN, results="all", absent=absent, **fields)



# The front's alloc_unbound for the back: its channel (web_evchn_t) may not
# be bound by db_t. The source of this check is the channel, an object.
EVTCHN_BIND_DENIED = (r"(?m)^\(moat\) (?:\w+: )?avc: denied \{ bind \} for "
                      r"scontext=system_u:object_r:web_evchn_t "
                      r"tcontext=system_u:system_r:db_t tclass=event domid=1\r?$")

TESTS = []
N = 5000        # the main ping-pong
N_CROWD = 2000  # beside attackers

# (1) Ping-pong: xsm=dummy, and FLASK with the demo policy (web_t <-> db_t).
TESTS.append(ipc_test(
    "ipc-pingpong", f"{N} messages over a granted ring and an interdomain channel (xsm=dummy)",
    [guest("ipc_front", "front", f"peer=2 n={N}"), guest("ipc_back", "back", "peer=1")],
    clean(present=[pingpong_ok("front", N), pingpong_ok("back", N)])))
TESTS.append(ipc_test(
    "ipc-pingpong-flask", f"the same as web_t (front) and db_t (back) under the demo policy",
    [policy(), labelled("ipc_front", "front", "web_t", f"peer=2 n={N}"),
     labelled("ipc_back", "back", "db_t", "peer=1")],
    clean(present=[pingpong_ok("front", N), pingpong_ok("back", N)],
          also_absent=[L.MOAT_AVC_DENIED_ANY]),
    cmdline=FLASK))

# (2) A policy without comms between them: refused, audited, nothing crosses.
TESTS.append(ipc_test(
    "ipc-denied", "test-nocomms.blob: the back's map_grant_ref is denied and audited; "
                  "no data crosses, both end cleanly",
    [policy(POLICY_NOCOMMS), labelled("ipc_front", "front", "web_t", "peer=2 expect=denied wait=400"),
     labelled("ipc_back", "back", "db_t", "peer=1 expect=denied")],
    clean(present=[L.moat_avc_denied("map_read", "db_t", "web_t", "grant", 2),
                   EVTCHN_BIND_DENIED,
                   r"MOAT-TEST front alloc_unbound PASS .* rc -13 ",
                   r"MOAT-TEST back map_denied PASS",
                   r"MOAT-TEST front no_data_crossed PASS"],
          also_absent=[r"MOAT-TEST \w+ pingpong", L.MOAT_XSM_REVOKED_ANY]),
    cmdline=FLASK))

# (3) A reload mid-stream that takes the comms away.
TESTS.append(ipc_test(
    "ipc-revoke", "flask_ctl (dom0_t) loads test-nocomms.blob while the pair runs: the "
                  "channel and the mapping are revoked, the back's next ring access faults "
                  "and ends it cleanly",
    [policy(), labelled("ipc_front", "front", "web_t", "peer=2 expect=revoked"),
     labelled("ipc_back", "back", "db_t", "peer=1 expect=revoked"),
     labelled("flask_ctl", "ctl", "dom0_t", "load=initrd yield=400"),
     initrd(POLICY_NOCOMMS, "ctl")],
    clean(ordered=[L.moat_flask_policy_loaded_by(3),
                   L.moat_xsm_revoked_grant(2, "back", 1, 8)],
          present=[either(L.moat_xsm_revoked_channel(1, "front"),
                          L.moat_xsm_revoked_channel(2, "back")),
                   r"MOAT-TEST front revoked PASS count=[1-9]\d* ",
                   r"MOAT-TEST back revoked PASS count=[1-9]\d* .*#PF",
                   r"MOAT-TEST back unmap_revoked PASS"]),
    cmdline=FLASK, timeout=120))


def bystander(name: str = "bystander") -> Module:
    """A spinner that checksums its own memory throughout and at the end."""
    return guest("spinner", name, "rounds=2000")


# (4) Grant copy across domains: valid copies verified, every malformed one
# refused with Xen's GNTST_* status and no byte changed on either side.
TESTS.append(ipc_test(
    "ipc-copy", "GNTTABOP_copy: valid copies verified; bad offsets, lengths, refs, domids "
                "and flags refused with Xen's statuses, nothing changed",
    [guest("ipc_copy", "granter", "role=granter peer=2 other=3"),
     guest("ipc_copy", "copier", "role=copier peer=1"), bystander()],
    clean(present=[r"MOAT-TEST granter dest_exact PASS", r"MOAT-TEST granter others_unchanged PASS",
                   r"MOAT-TEST copier local_unchanged PASS"])))

TESTS.append(ipc_test(
    "ipc-readonly", "test-readonly.blob (db_t has grant:map_read, not map_write): the back's "
                    "writable map is denied and audited, a GNTMAP_readonly map works and "
                    "a store through it faults",
    [policy(POLICY_READONLY),
     labelled("ipc_front", "front", "web_t", "peer=2 expect=readonly wait=3000"),
     labelled("ipc_back", "back", "db_t", "peer=1 expect=readonly")],
    clean(present=[L.moat_avc_denied("map_write", "db_t", "web_t", "grant", 2),
                   r"MOAT-TEST back map_rw_denied PASS", r"MOAT-TEST back write_faults PASS",
                   r"MOAT-TEST front read_only_use PASS"],
          also_absent=[L.moat_avc_denied("map_read", "db_t", "web_t", "grant", 2)]),
    cmdline=FLASK))
TESTS.append(ipc_test(
    "ipc-copy-denied", "test-nocomms.blob: db_t's GNTTABOP_copy from and to web_t's grants is "
                       "GNTST_permission_denied and audited; no byte moves",
    [policy(POLICY_NOCOMMS),
     labelled("ipc_copy", "granter", "web_t", "role=granter peer=2 other=3 expect=denied"),
     labelled("ipc_copy", "copier", "db_t", "role=copier peer=1 expect=denied")],
    clean(present=[L.moat_avc_denied("copy", "db_t", "web_t", "grant", 2),
                   r"MOAT-TEST copier copy_denied PASS", r"MOAT-TEST granter no_data_crossed PASS"]),
    cmdline=FLASK))

# The console and xenstore rings of start_info, offered to the manifest's
# backend through the reserved refs 0 and 1 and two unbound ports.
TESTS.append(ipc_test(
    "ipc-console-rings", "a domU's console and xenstore ring pages are mapped by its backend "
                         "through grant refs 0 and 1 and its ports bound; an outsider can "
                         "do neither",
    [guest("ipc_console", "domu", "role=domu backend=2", keys="backend=be"),
     guest("ipc_console", "be", "role=backend front=1"),
     guest("ipc_console", "outsider", "role=outsider front=1")],
    clean(present=[r"MOAT-TEST domu reserved_grants PASS", r"MOAT-TEST domu backend_connected PASS",
                   r"MOAT-TEST be rings_shared PASS", r"MOAT-TEST outsider not_for_us PASS"])))

# (5) Hostile guests, each beside a bystander whose memory must stay intact.
TESTS.append(ipc_test(
    "ipc-hostile-forged-ref", "maps and copies of refs never granted, past the table, of "
                              "absent domains, malformed: all refused",
    [bystander(), guest("hostile_grant_forged_ref", "victim", "target=1")],
    clean(),
    xen=xen_alone(guest("hostile_grant_forged_ref", "victim", "target=0"))))
TESTS.append(ipc_test(
    "ipc-hostile-crowd", "a ping-pong pair with two attackers beside it: one maps and copies "
                         "the grant meant for the back (wrong domid), one unmaps handles it "
                         "never had; the pair's checksums are exact",
    [guest("ipc_front", "front", f"peer=2 n={N_CROWD}"), guest("ipc_back", "back", "peer=1"),
     guest("hostile_grant_wrong_domid", "thief", "target=1 rounds=400"),
     guest("hostile_grant_unmap_foreign", "unmapper", "rounds=40"), bystander()],
    clean(present=[pingpong_ok("front", N_CROWD), pingpong_ok("back", N_CROWD),
                   r"MOAT-TEST thief wrong_domid_refused PASS",
                   r"MOAT-TEST unmapper foreign_handles_refused PASS"]),
    timeout=150))
TESTS.append(ipc_test(
    "ipc-hostile-revoked", "a grant in use cannot be ended; once the granter clears it, "
                           "mapping or copying it is refused",
    [guest("hostile_grant_revoked", "granter", "role=granter peer=2"),
     guest("hostile_grant_revoked", "mapper", "role=mapper peer=1"), bystander()],
    clean(present=[r"MOAT-TEST granter end_in_use_refused PASS",
                   r"MOAT-TEST mapper revoked_refused PASS"])))
TESTS.append(ipc_test(
    "ipc-hostile-evtchn-exhaust", "binding until -ENOSPC at evtchn_ports=64: exactly 63 ports",
    [bystander(), guest("hostile_evtchn_exhaust", "victim", "limit=64", keys="evtchn_ports=64")],
    clean(present=[r"MOAT-TEST victim exhausted PASS"]),
    xen=xen_alone(guest("hostile_evtchn_exhaust", "victim", "limit=4096"))))
TESTS.append(ipc_test(
    "ipc-hostile-evtchn-closed", "send/close/status on closed, reserved and out-of-range "
                                 "ports; the surviving end of a closed interdomain channel",
    [bystander(), guest("hostile_evtchn_closed", "victim")],
    clean(),
    xen=xen_alone(guest("hostile_evtchn_closed", "victim"))))
TESTS.append(ipc_test(
    "ipc-hostile-evtchn-bind", "binding a port twice, a port meant for another domain, the "
                               "bystander's ports, on behalf of another domain",
    [bystander(), guest("hostile_evtchn_bind_twice", "victim", "peer=1")],
    clean()))

# A domain dying mid-transfer: the hypervisor cleans up behind it.
TESTS.append(ipc_test(
    "ipc-granter-dies", "the front powers off mid-stream with its grant mapped: the back's "
                        "mapping is revoked (its next access faults), its port unbound",
    [guest("ipc_front", "front", "peer=2 n=100000 die_after=500"),
     guest("ipc_back", "back", "peer=1 expect=revoked"), bystander()],
    clean(ordered=[r"MOAT-TEST front dying PASS after count=500 ", L.moat_domain_poweroff("front"),
                   r"MOAT-TEST back revoked PASS count=5\d\d .*#PF"],
          present=[r"MOAT-TEST back unmap_revoked PASS", r"MOAT-TEST back port_revoked PASS",
                   L.moat_grant_granter_gone(1, "front", 2, "back")])))
TESTS.append(ipc_test(
    "ipc-mapper-dies", "the back powers off mid-stream with the front's page mapped: the "
                       "mapping goes with it, the front's grant is free again",
    [guest("ipc_front", "front", "peer=2 expect=revoked"),
     guest("ipc_back", "back", "peer=1 die_after=500"), bystander()],
    clean(ordered=[r"MOAT-TEST back dying PASS after count=500 ", L.moat_domain_poweroff("back"),
                   r"MOAT-TEST front revoked PASS count=500 "],
          present=[r"MOAT-TEST front mapping_dropped PASS", r"MOAT-TEST front grant_ended PASS",
                   L.moat_grant_mapper_gone(2, "back")])))
