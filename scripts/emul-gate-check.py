#!/usr/bin/env python3
"""Check that no path from a guest trap reaches privileged state without a
gate (run by scripts/check.sh; exit 1 with the offending paths).

1. The emulation gate's table (hv/common/emul_gate.c) has exactly one row per
   enum emul_op (hv/include/hv/emul_gate.h), in enum order, each with a gate
   permission or a written reason; every op is used by some path (a call
   emul_gate(.., EMUL_X) or a classification *op = EMUL_X).
2. The call graph of the hypervisor's C code (hv/common, hv/arch/x86_64 and
   its pv/) is walked from every function the assembly entry code calls
   (hv/arch/x86_64/entry.S: traps, SYSCALL, the exit path). A function that
   asks a gate (xsm_hypercall or emul_gate) ends the walk: the hypercall
   dispatcher and each emulation entry point. Any other function reached
   that changes privileged vCPU or memory state (SINK_CALLS, SINK_FIELDS)
   is an ungated path, unless ALLOWED names that function and that sink with
   the reason it is no guest-requested change.

With --list, print the emulation entry points found (functions reached from
the entry code that call emul_gate) and the allowed hardware side effects,
for SECURITY.md and review.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ["hv/common", "hv/arch/x86_64", "hv/arch/x86_64/pv"]
GATES = ("emul_gate", "xsm_hypercall")

# Calls that change privileged state: the debug registers, segment bases,
# CR0.TS, page-table entries, frame types.
SINK_CALLS = {
    "pv_set_debugreg", "pv_get_debugreg", "arch_pv_set_segment_base",
    "arch_pv_fpu_taskswitch", "arch_pv_load_debugregs", "mm_pt_write_entry",
    "mm_get_page_type",
}
# Direct writes of the PV vCPU state the hypercalls guard.
SINK_FIELDS = re.compile(
    r"pv\.(fpu_ts|debugreg\[[^\]]*\]|fs_base|gs_base_kernel|gs_base_user|iopl|cr4|"
    r"kernel_root|user_root|kernel_sp|kernel_ss|traps\[[^\]]*\]\.\w+)\s*=(?!=)")

# (function, sink) -> why it is not a guest-requested change of privileged
# state. Keep each pair narrow: a new sink in the same function is reported.
ALLOWED = {
    ("pv_guest_exception", "pv.debugreg[6]"):
        "#DB: stores the DR6 the CPU wrote for the guest's own debug exception",
    ("pv_guest_exception", "pv.fpu_ts"):
        "#NM: clears a virtual TS only the guest set (fpu_taskswitch or mov to %cr0, "
        "both gated), as Xen's ABI does when it delivers the #NM",
    ("pv_state_save", "pv.fs_base"): "vCPU switch: saves what the CPU holds",
    ("pv_state_save", "pv.gs_base_kernel"): "vCPU switch: saves what the CPU holds",
    ("pv_state_save", "pv.gs_base_user"): "vCPU switch: saves what the CPU holds",
    ("pv_toggle_guest_mode", "pv.gs_base_kernel"):
        "kernel/user switch: keeps the outgoing mode's base, as swapgs would",
    ("pv_toggle_guest_mode", "pv.gs_base_user"):
        "kernel/user switch: keeps the outgoing mode's base, as swapgs would",
}

# Functions the walk does not enter, with the reason nothing below them is a
# guest-requested change of privileged state. Keep it to whole jobs that no
# guest argument steers.
NOT_GUEST_REQUESTS = {
    "teardown_step": "one step of a dead domain's teardown (domain_reap): empties its page "
                     "tables, drops its pins and roots; nothing a guest asks for",
}

FUNC_RE = re.compile(
    r"^(?!static\s+const\b)(?:static\s+)?(?:inline\s+)?(?:__noreturn\s+)?"
    r"[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(([^;{}]*?)\)\s*\{", re.M)
CALL_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "defined", "__asm__",
            "asm", "__builtin_popcountll", "_Static_assert", "case"}


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def functions() -> dict:
    """name -> (file, body) for every function defined in SOURCES."""
    out = {}
    for d in SOURCES:
        for path in sorted((ROOT / d).glob("*.c")):
            text = strip_comments(path.read_text())
            for m in FUNC_RE.finditer(text):
                start = m.end() - 1
                depth, i = 0, start
                while i < len(text):
                    if text[i] == "{":
                        depth += 1
                    elif text[i] == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    i += 1
                name = m.group(1)
                if name in KEYWORDS:
                    continue
                out[name] = (path.relative_to(ROOT).as_posix(), text[start:i + 1])
    return out


def entry_roots() -> list:
    text = (ROOT / "hv/arch/x86_64/entry.S").read_text()
    roots = set(re.findall(r"^\s*call\s+([A-Za-z_]\w*)", text, re.M))
    # Macro instances pass their handler as the last argument.
    for m in re.finditer(r"^\s*\.macro\s+(\w+)\s+([^\n]*)", text, re.M):
        params = [p.strip() for p in m.group(2).replace(",", " ").split()]
        if "handler" not in params:
            continue
        idx = params.index("handler")
        for inst in re.finditer(rf"^\s*{m.group(1)}\s+([^\n]*)", text, re.M):
            args = [a.strip() for a in inst.group(1).split(",")]
            if len(args) > idx and re.fullmatch(r"[A-Za-z_]\w*", args[idx]):
                roots.add(args[idx])
    return sorted(roots)


def sinks_in(body: str) -> list:
    found = [f"{c}()" for c in sorted(SINK_CALLS) if re.search(rf"\b{c}\s*\(", body)]
    for m in SINK_FIELDS.finditer(body):
        field = "pv." + m.group(1)
        if field not in found:
            found.append(field)
    return found


def check_table(errors: list) -> None:
    hdr = strip_comments((ROOT / "hv/include/hv/emul_gate.h").read_text())
    enum = re.search(r"enum emul_op\s*\{(.*?)\}", hdr, re.S)
    ops = [o for o in re.findall(r"\b(EMUL_\w+)", enum.group(1)) if o != "EMUL_OP_COUNT"]
    src = strip_comments((ROOT / "hv/common/emul_gate.c").read_text())
    rows = table_rows(src)
    if [r[0] for r in rows] != ops:
        errors.append("hv/common/emul_gate.c: the table's rows are not one per enum emul_op "
                      f"in enum order: rows {[r[0] for r in rows]}, enum {ops}")
    for op, _name, perm, _what in rows:
        if perm is None:
            errors.append(f"emul_gate.c: row {op} has neither a permission nor a reason")
    uses = ""
    for d in ("hv/common", "hv/arch/x86_64/pv"):
        for path in sorted((ROOT / d).glob("*.c")):
            if path.name != "emul_gate.c":
                uses += strip_comments(path.read_text())
    for op in ops:
        if not re.search(rf"emul_gate\([^;]*\b{op}\b|\*op\s*=\s*{op}\b", uses):
            errors.append(f"{op} has a row but no path passes the gate with it")


def table_rows(src: str) -> list:
    """(op, name, permission or 'ungated: reason' or None, what) per row."""
    body = src[src.index("emul_gate_table[] = {"):]
    body = body[:body.index("\n};")]
    rows = []
    for m in re.finditer(r"\b(GATED|UNGATED)\(\s*(EMUL_\w+),\s*\"(\w+)\",(.*?)\)\s*,\s*$",
                         body, re.S | re.M):
        kind, op, name, rest = m.groups()
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', rest)
        if kind == "GATED":
            perm = re.search(r"\b(XSM_HC_\w+)\s*$", rest.strip())
            perm = perm.group(1) if perm and perm.group(1) != "XSM_HC_NONE" else None
            what = "".join(strings)
        else:
            # UNGATED(op, name, what..., reason...): the last string literal
            # run after the what is the reason; split on the comma between.
            parts = re.split(r'"\s*,\s*\n?\s*"', rest.strip().strip(","), maxsplit=1)
            what = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', parts[0] + '"'))
            reason = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', '"' + parts[1])) \
                if len(parts) > 1 else ""
            perm = f"ungated: {reason}" if reason else None
        rows.append((op, name, perm, what))
    return rows


def walk(funcs: dict, errors: list):
    entry_points, allowed_hits, reported = set(), set(), set()
    for root in entry_roots():
        if root not in funcs:
            continue
        stack, seen = [(root, [root])], {root}
        while stack:
            fn, path = stack.pop()
            if fn in NOT_GUEST_REQUESTS:
                allowed_hits.add(fn)
                continue
            body = funcs[fn][1]
            if any(re.search(rf"\b{g}\s*\(", body) for g in GATES):
                if "emul_gate(" in body:
                    entry_points.add((fn, funcs[fn][0]))
                continue
            for sink in sinks_in(body):
                if (fn, sink) in ALLOWED:
                    allowed_hits.add((fn, sink))
                    continue
                if (fn, sink) in reported:
                    continue
                reported.add((fn, sink))
                errors.append(f"ungated path to {sink}: {' -> '.join(path)} "
                              f"({funcs[fn][0]}): pass emul_gate() first, or say in "
                              "scripts/emul-gate-check.py ALLOWED why it is no "
                              "guest-requested change")
            for callee in CALL_RE.findall(body):
                if callee in funcs and callee not in seen and callee not in KEYWORDS:
                    seen.add(callee)
                    stack.append((callee, path + [callee]))
    for pair in ALLOWED:
        if pair not in allowed_hits:
            errors.append(f"ALLOWED entry {pair} matches nothing reachable: remove it")
    for fn in NOT_GUEST_REQUESTS:
        if fn not in allowed_hits:
            errors.append(f"NOT_GUEST_REQUESTS entry {fn} is not reached: remove it")
    return entry_points, allowed_hits


def main() -> int:
    errors = []
    check_table(errors)
    funcs = functions()
    roots = [r for r in entry_roots() if r in funcs]
    if len(roots) < 3:
        errors.append(f"entry.S: found only {roots} as C entry points")
    entry_points, _ = walk(funcs, errors)
    if "--list" in sys.argv:
        print("entry roots:", ", ".join(roots))
        for fn, f in sorted(entry_points):
            print(f"emulation entry point: {fn} ({f})")
        for (fn, sink), why in sorted(ALLOWED.items()):
            print(f"allowed: {fn}: {sink}: {why}")
        for fn, why in sorted(NOT_GUEST_REQUESTS.items()):
            print(f"not walked: {fn}: {why}")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
