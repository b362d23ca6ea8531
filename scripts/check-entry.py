#!/usr/bin/env python3
"""Static check of the hypervisor's entry code, on the linked image
(make check, check 5): the layout the MOV SS / IST reasoning at the top of
hv/arch/x86_64/entry.S rests on, read from the disassembly rather than
from the source.

- syscall_entry and syscall32_entry begin with swapgs, the save of the
  guest rsp to %gs:CPU_SCRATCH and the load of %gs:CPU_STACK_TOP into rsp:
  nothing touches the stack before it is the hypervisor's;
- the IDT stubs of #DB (1), NMI (2), #DF (8) and #MC (18) jump to
  ist_entry, every other stub to common_entry.

The boot repeats the same checks on the live IDT, TSS and MSRs
(entry_selfcheck in hv/arch/x86_64/entry_check.c), which also sees the IST slots.
Usage: check-entry.py build/hv/moat.elf; exit status 0 when all hold.
"""
import re
import subprocess
import sys

IST_VECTORS = {1, 2, 8, 18}


def percpu_offsets():
    offs = {}
    with open("hv/arch/x86_64/include/arch/percpu.h") as f:
        for line in f:
            m = re.match(r"#define (CPU_\w+)\s+(\d+)", line)
            if m:
                offs[m.group(1)] = int(m.group(2))
    return offs


def disassemble(elf):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf], check=True,
                         capture_output=True, text=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) <(\w+)>:$", line)
        if m:
            cur = m.group(2)
            funcs[cur] = (int(m.group(1), 16), [])
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if m and cur:
            funcs[cur][1].append((int(m.group(1), 16), re.sub(r"\s+", " ", m.group(2)).strip()))
    return funcs


def main():
    elf = sys.argv[1] if len(sys.argv) > 1 else "build/hv/moat.elf"
    offs = percpu_offsets()
    funcs = disassemble(elf)
    problems = []
    want = ["swapgs", f"mov %rsp,%gs:{offs['CPU_SCRATCH']:#x}",
            f"mov %gs:{offs['CPU_STACK_TOP']:#x},%rsp"]
    for name in ("syscall_entry", "syscall32_entry"):
        if name not in funcs:
            problems.append(f"{name}: not found")
            continue
        got = [i for _, i in funcs[name][1][:3]]
        if got != want:
            problems.append(f"{name} begins {got}, not {want}")
    if "idt_stubs_start" not in funcs:
        problems.append("idt_stubs_start: not found")
    else:
        base, insns = funcs["idt_stubs_start"]
        jumps = {}
        for addr, insn in insns:
            m = re.match(r"jmp [0-9a-f]+ <(\w+)>", insn)
            if m:
                jumps[(addr - base) // 16] = m.group(1)
        for v in range(256):
            target = "ist_entry" if v in IST_VECTORS else "common_entry"
            if jumps.get(v) != target:
                problems.append(f"stub {v} jumps to {jumps.get(v)}, not {target}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
