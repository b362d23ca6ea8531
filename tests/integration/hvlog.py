"""Every regex for a hypervisor's own console wording, in one place.

The Moat hypervisor's exact messages are not fixed yet, so these are loose
(case-insensitive, a few synonyms). When the wording settles, tighten them
here; the tests only call these functions. Guest output is matched through
the MOAT-TEST protocol instead (see run.py), which is fixed.
"""
import re


# ---- Moat ---------------------------------------------------------------
#
# Two things in a Moat log carry a test's own words and must never satisfy
# a hypervisor regex: the guest's own console lines, which Moat prefixes with
# "(<domain name>) ", and the echo of each module's command line ("module 1:
# '... name=victim mode=reboot'"). So a domain name only counts where it
# is not the value of a key (not after '='), and never on its own lines.

def _name(name: str) -> str:
    """The domain name as a word, not as the value of name=."""
    return rf"(?<![=\w.-]){re.escape(name)}(?![\w.=-])"


def _hv_line(name: str) -> str:
    """The start of a line that is not domain <name>'s own output."""
    return rf"(?im)^(?!\({re.escape(name)}\) )"


def moat_domain_poweroff(name: str) -> str:
    """The hypervisor reports that domain <name> powered off."""
    return rf"{_hv_line(name)}.*{_name(name)}.*(powered? ?off|shut ?down|halted|exited)"


def moat_domain_crashed(name: str) -> str:
    """The hypervisor reports that it killed or saw domain <name> crash."""
    return rf"{_hv_line(name)}.*{_name(name)}.*\b(crash\w*|kill\w*)\b"


def moat_domain_reboot(name: str) -> str:
    """The hypervisor reports domain <name>'s reboot shutdown reason."""
    return rf"{_hv_line(name)}.*{_name(name)}.*\breboot"


def moat_refused_key(key: str) -> str:
    """A refusal on a line naming <key> as a key (not a key=value echo)."""
    return (rf"(?im)^(?=.*(?<![\w-]){re.escape(key)}(?![\w=-]))"
            rf".*\b(refus\w*|invalid|unknown|error|bad|not allowed)\b")


# Any refusal of the boot manifest or a module.
MOAT_REFUSED = r"(?i)\b(error|refus\w*|invalid|reject\w*)\b"
MOAT_DUPLICATE = r"(?i)\b(duplicate|already|unique|twice|more than once)\b"
MOAT_NO_FIT = r"(?i)(does not fit|doesn't fit|not enough|too (big|large)|out of memory|exceeds)"


def moat_not_elf(name: str, index: int) -> str:
    """Module <index> (domain <name>) refused for not being an ELF image."""
    return (rf"(?im)^(?=.*({_name(name)}|\bmodule #?{index}\b))"
            rf".*(\bnot an? (ELF|executable)|\bELF\b.*\b(bad|invalid|magic)|\bbad\b.*\bELF\b)")


# The fatal-trap report: the exception, the registers, a backtrace.
MOAT_HV_FAULT_PF = r"\(moat\) ERROR: hypervisor fault: #PF page fault \(vector 14\)"
MOAT_REGS = r"\(moat\) ERROR: rip [0-9a-f]{16}  cs e008"
MOAT_BACKTRACE = r"\(moat\) ERROR: backtrace:\s*\n.*\[<ffff8280[0-9a-f]{8}>\]"

# Lines that must never appear in a Moat boot: a hypervisor panic or an
# assertion failing is always a bug, whatever the guests do.
MOAT_NEVER = [
    r"(?i)\bpanic\b",
    r"(?i)\bBUG at\b",
]

# ---- Xen 4.17 (the reference, --xen) ------------------------------------

# Xen halts (it does not power the machine off) when dom0 powers off, so the
# runner stops QEMU when one of these lines shows up.
XEN_DOM0_DONE = r"\(XEN\) Hardware Dom0 (halted|shutdown|crashed)"
XEN_DOM0_HALTED = r"\(XEN\) Hardware Dom0 halted"
XEN_DOM0_CRASHED = r"\(XEN\) (Hardware Dom0 crashed|Domain 0 \(vcpu#0\) crashed)"
XEN_NEVER = [r"\(XEN\) Panic on CPU", r"\(XEN\) Assertion"]

# Xen's command line for --xen boots (the module lines come from the test).
XEN_CMDLINE = "console=com1 loglvl=all guest_loglvl=all"


# ---- PV execution model (tests_pv.py) -----------------------------------

def moat_domain_crashed_because(name: str, *words: str) -> str:
    """The hypervisor reports domain <name> crashed or killed, and on the
    same line gives a reason containing one of <words> (case-insensitive)."""
    reason = "|".join(re.escape(w) for w in words)
    return (rf"{_hv_line(name)}(?=.*\b(crash\w*|kill\w*)\b)"
            rf"(?=.*(?:{reason})).*{_name(name)}")


# Why a domain was killed for faulting where no handler could take it:
# a fault while delivering a bounce, an unmapped or unusable handler.
MOAT_REASON_BAD_HANDLER = ("#PF", "page fault", "fault", "handler", "bounce", "unmapped",
                           "callback", "stack")
# Why a domain was killed on the way back to it: an iret to a selector it
# cannot load, the failsafe path, or the faults that follow.
MOAT_REASON_BAD_RETURN = ("iret", "selector", "failsafe", "#GP", "#PF", "fault", "handler",
                          "callback", "stack")
# Why a domain was killed for a privileged instruction with no trap table.
MOAT_REASON_PRIVILEGED = ("#GP", "general protection", "privileged", "hlt", "no trap",
                          "no handler", "fault")

# Xen 4.17's words when it kills dom0 for a fault it cannot bounce.
XEN_UNHANDLED = r"\(XEN\) (d0v0 Unhandled: vec \d+|domain_crash_sync called from entry\.S)"


# ---- XSM/FLASK (tests_flask.py) ------------------------------------------
#
# Hypervisor lines only: every pattern starts at a "(moat) " line start, so a
# guest's own console output ("(<name>) ...") can never satisfy it.

_MOAT = r"(?m)^\(moat\) (?:\w+: )?"

# The boot-time measurement of the policy module.
MOAT_FLASK_POLICY_LOADED = _MOAT + r"flask: policy loaded: \d+ bytes, sha256 [0-9a-f]{64}\b"


def moat_flask_policy_loaded_by(domid: int) -> str:
    """A policy loaded at run time through xsm_op FLASK_LOAD by d<domid>."""
    return _MOAT + rf"flask: policy loaded by d{domid}\b"


# Any load through xsm_op, whoever made it.
MOAT_FLASK_POLICY_RELOADED = _MOAT + r"flask: policy loaded by d\d+\b"


def moat_flask_labelled(domid: int, name: str, type_: str) -> str:
    """Domain d<domid> (<name>) got the context system_u:system_r:<type_>."""
    return (_MOAT + rf"flask: d{domid} \({re.escape(name)}\) labelled "
            rf"system_u:system_r:{re.escape(type_)}\b")


def moat_avc_denied(perm: str, stype: str, ttype: str, tclass: str,
                    domid=None, permissive: bool = False, trole: str = "system_r") -> str:
    """The FLASK audit line of one denial. The target context's role is
    system_r for domains (xen_t included) and object_r for objects such as
    event channels or the security server. permissive: the line must end
    with " permissive=1"; otherwise it must end right after domid=."""
    dom = rf"{domid}" if domid is not None else r"\d+"
    tail = r" permissive=1\r?$" if permissive else r"\r?$"
    return (_MOAT + rf"avc: denied \{{ {re.escape(perm)} \}} for "
            rf"scontext=system_u:system_r:{re.escape(stype)} "
            rf"tcontext=system_u:{trole}:{re.escape(ttype)} "
            rf"tclass={re.escape(tclass)} domid={dom}{tail}")


# Any denial at all (for tests where nothing may be denied).
MOAT_AVC_DENIED_ANY = r"(?m)^\(moat\) .*avc: denied"


def moat_xsm_revoked(domid: int, name: str, peer: int, kind: str = "ipi") -> str:
    """Revocation of one of d<domid>'s event channels after a policy change."""
    return (_MOAT + rf"xsm: revoked d{domid} \({re.escape(name)}\) event channel \d+ "
            rf"\({re.escape(kind)}, peer d{peer}\): no longer allowed")


MOAT_XSM_REVOKED_ANY = r"(?m)^\(moat\) .*xsm: revoked"


def moat_error(rx: str) -> str:
    """A hypervisor ERROR line matching rx (case-insensitive). The echo of
    a module's command line is an info line, so a test's own words there
    never satisfy it."""
    return rf"(?im)^\(moat\) ERROR: .*{rx}"


# ---- Inter-domain communication (tests_ipc.py) ----------------------------

def moat_xsm_revoked_channel(domid: int, name: str) -> str:
    """Revocation of any of d<domid>'s event channels (interdomain or not)
    after a policy change."""
    return (_MOAT + rf"xsm: revoked d{domid} \({re.escape(name)}\) event channel \d+ "
            rf"\([^)]*\): no longer allowed")


def moat_xsm_revoked_grant(domid: int, name: str, granter: int, ref: int) -> str:
    """Revocation of d<domid>'s mapping of d<granter>'s grant <ref> after a
    policy change."""
    return (_MOAT + rf"xsm: revoked d{domid} \({re.escape(name)}\) grant mapping \d+ "
            rf"of d{granter} ref {ref}: no longer allowed")


def moat_grant_granter_gone(domid: int, name: str, mapper: int, mname: str) -> str:
    """Granter d<domid> died with its frames mapped by d<mapper>: the
    hypervisor revoked those mappings."""
    return (_MOAT + rf"grant: d{domid} \({re.escape(name)}\) is gone: \d+ mappings? of its "
            rf"frames by d{mapper} \({re.escape(mname)}\) revoked")


def moat_grant_mapper_gone(domid: int, name: str) -> str:
    """Mapper d<domid> died holding grant mappings: the hypervisor removed them."""
    return (_MOAT + rf"grant: d{domid} \({re.escape(name)}\) is gone: its \d+ mappings? of "
            rf"other domains' frames removed")


def end_ok(name: str) -> str:
    """A test guest's END line with no failed check."""
    return rf"MOAT-TEST {name} END passed=\d+ failed=0"


# ---- Measured boot (tests_measured.py) -----------------------------------
#
# The hypervisor's own lines only ("(moat) " at a line start). The values
# these carry (digests, counts) are compared by tests_measured.py, which
# finds them with the compiled forms below.

# A TPM was found at locality 2 with the four banks of a fresh swtpm, and
# PCRs 20-22 were reset.
MOAT_MEASURE_TPM = (_MOAT + r"measure: TPM 2\.0 at locality 2, banks "
                    r"(?=[^;\n]*\bsha1\b)(?=[^;\n]*\bsha256\b)(?=[^;\n]*\bsha384\b)"
                    r"(?=[^;\n]*\bsha512\b)[^;\n]*; PCRs 20-22 reset")

# No TPM under measured=optional: a WARNING that nothing reaches a TPM.
MOAT_MEASURE_NO_TPM_OPTIONAL = (r"(?im)^\(moat\) WARNING: measure: (?=.*\bno TPM\b)"
                                r"(?=.*\boptional\b).*")
# No TPM under measured=required: an ERROR, and the boot is refused.
MOAT_MEASURE_NO_TPM_REQUIRED = (r"(?im)^\(moat\) ERROR: measure: (?=.*\bno TPM\b)"
                                r"(?=.*\brequired\b).*")
# Any measurement problem at all (for boots that must measure cleanly).
MOAT_MEASURE_TROUBLE = r"(?im)^\(moat\) (?:WARNING|ERROR): .*\bmeasure"

# One measurement: "measure: PCR 22 sha256 <16 hex digits> <what it is>".
# Groups: pcr, the first 16 hex digits of the SHA-256 digest, the text.
MOAT_MEASURE_RECORD = r"(?m)^\(moat\) measure: PCR (\d+) sha256 ([0-9a-f]{16}) (\S.*?)\r?$"

# A PCR value read back from the TPM at the end of the boot.
# Groups: pcr, bank, the whole value.
MOAT_MEASURE_PCR_VALUE = (r"(?m)^\(moat\) measure: PCR (\d+) (sha1|sha256|sha384|sha512) "
                          r"([0-9a-f]{40,128})\r?$")

# The end of the boot's measurements. Groups: events, bytes.
MOAT_MEASURE_BOOT_DONE = _MOAT + r"measure: boot measured: (\d+) events, (\d+) bytes of log"


def moat_policy_load_measured(domid: int) -> str:
    """The console record of a run-time policy load by d<domid> (PCR 21)."""
    return (r"(?m)^\(moat\) measure: PCR 21 sha256 [0-9a-f]{16} "
            rf"security policy: loaded by domain {domid}\b")


# ---- The hypercall fuzzer (tests_hcfuzz.py) --------------------------------

def moat_hv_fatal() -> str:
    """The hypervisor's report of an exception in its own code (an #NM, a
    #DB, a #PF without a fixup...), after which it stops the machine."""
    return r"(?m)^\(moat\) ERROR: hypervisor fault: "


def moat_guest_breakpoint_in_hv(domid: int) -> str:
    """A data breakpoint d<domid> set on its own memory fired while the
    hypervisor copied to or from it, and was ignored."""
    return (rf"(?m)^\(moat\) WARNING: d{domid}: a data breakpoint of its own fired in the "
            r"hypervisor at rip [0-9a-f]+ \(dr6 [0-9a-f]+\): ignored")
