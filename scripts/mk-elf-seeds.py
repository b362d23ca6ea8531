#!/usr/bin/env python3
"""Write the seed corpus of fuzz/fuzz_elf: small ELF64 PV kernels, valid and
nearly valid, built byte by byte so the corpus is reproducible without a
toolchain, plus one built by gcc and ld (when they are installed) so the
fuzzer also starts from a real linker's layout. Usage:
scripts/mk-elf-seeds.py [outdir] (default fuzz/corpus/fuzz_elf). It only
writes files into outdir and a temporary directory."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

PT_LOAD, PT_NOTE = 1, 4
PF_X, PF_W, PF_R = 1, 2, 4
SHT_NOTE, SHT_STRTAB = 7, 3

VBASE = 0xFFFFFFFF80000000
TEXT = VBASE + 0x1000
DATA = VBASE + 0x4000

# Xen note types (xen/include/public/elfnote.h).
N_ENTRY, N_HCALL, N_VIRT_BASE, N_PADDR_OFFSET = 1, 2, 3, 4
N_XEN_VERSION, N_GUEST_OS, N_GUEST_VERSION, N_LOADER = 5, 6, 7, 8
N_PAE_MODE, N_FEATURES, N_HV_START_LOW, N_L1_MFN_VALID = 9, 10, 12, 13
N_SUSPEND_CANCEL, N_INIT_P2M, N_MOD_START_PFN, N_SUPPORTED = 14, 15, 16, 17


def pad(b, a):
    return b + b"\0" * (-len(b) % a)


def note(ntype, desc, name=b"Xen\0", align=4):
    """One note; name and desc each padded so the next field starts on an
    align boundary counted from the start of the note."""
    blob = struct.pack("<III", len(name), len(desc), ntype) + name
    return pad(pad(blob, align) + desc, align)


def q(v):
    return struct.pack("<Q", v)


def l(v):
    return struct.pack("<I", v)


def s(text):
    return text.encode() + b"\0"


class Seg:
    def __init__(self, vaddr, filesz, memsz, flags, vbase=VBASE, paddr=None):
        self.vaddr, self.filesz, self.memsz, self.flags = vaddr, filesz, memsz, flags
        self.paddr = (vaddr - vbase) & (2**64 - 1) if paddr is None else paddr


def build(segs, notes=b"", note_align=4, notes_as_section=False, entry=TEXT,
          extra_notes=None):
    """Header, program headers, note segment(s), segment bytes, and a small
    section table (null, notes if asked, .shstrtab)."""
    note_blobs = []
    if notes and not notes_as_section:
        note_blobs.append((notes, note_align))
    for blob in extra_notes or []:
        note_blobs.append((blob, 4))
    phnum = len(segs) + len(note_blobs)
    off = 64 + 56 * phnum
    body = b""
    layout = []
    for blob, a in note_blobs:
        start = off + len(body)
        start += -start % 8
        body += b"\0" * (start - off - len(body)) + blob
        layout.append((start, len(blob), a))
    sec_notes = None
    if notes_as_section:
        start = off + len(body)
        start += -start % 8
        body += b"\0" * (start - off - len(body)) + notes
        sec_notes = (start, len(notes))
    seg_offs = []
    for i, sg in enumerate(segs):
        start = off + len(body)
        start += -start % 16
        data = bytes((i * 37 + j + 1) & 0xFF for j in range(sg.filesz))
        body += b"\0" * (start - off - len(body)) + data
        seg_offs.append(start)
    # Section headers: null, [notes], .shstrtab.
    shstr = b"\0.note.Xen\0.shstrtab\0"
    start = off + len(body)
    body += shstr
    shstr_off = start
    start = off + len(body)
    start += -start % 8
    body += b"\0" * (start - off - len(body))
    shoff = start
    shdrs = [bytes(64)]
    if sec_notes:
        shdrs.append(struct.pack("<IIQQQQIIQQ", 1, SHT_NOTE, 2, 0, sec_notes[0],
                                 sec_notes[1], 0, 0, note_align, 0))
    shdrs.append(struct.pack("<IIQQQQIIQQ", 11, SHT_STRTAB, 0, 0, shstr_off,
                             len(shstr), 0, 0, 1, 0))
    body += b"".join(shdrs)

    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, 64, shoff, 0, 64, 56,
                        phnum, 64, len(shdrs), len(shdrs) - 1)
    phdrs = b""
    for sg, so in zip(segs, seg_offs):
        phdrs += struct.pack("<IIQQQQQQ", PT_LOAD, sg.flags, so, sg.vaddr, sg.paddr,
                             sg.filesz, sg.memsz, 0x1000)
    for start, length, a in layout:
        phdrs += struct.pack("<IIQQQQQQ", PT_NOTE, PF_R, start, 0, 0, length,
                             length, a)
    return ehdr + phdrs + body


def linux_notes(align=4, features="!writable_page_tables|pae_pgdir_above_4gb"):
    n = b""
    n += note(N_GUEST_OS, s("linux"), align=align)
    n += note(N_GUEST_VERSION, s("2.6"), align=align)
    n += note(N_XEN_VERSION, s("xen-3.0"), align=align)
    n += note(N_VIRT_BASE, q(VBASE), align=align)
    n += note(N_PADDR_OFFSET, q(0), align=align)
    n += note(N_ENTRY, q(TEXT + 0x10), align=align)
    # Linux 6.1 writes FEATURES without a NUL inside the descriptor.
    n += note(N_FEATURES, features.encode(), align=align)
    n += note(N_SUPPORTED, l(0x8801), align=align)
    n += note(N_LOADER, s("generic"), align=align)
    n += note(N_PAE_MODE, s("yes"), align=align)
    n += note(N_L1_MFN_VALID, q(1) + q(1), align=align)
    n += note(N_INIT_P2M, q(0x8000000000), align=align)
    n += note(N_MOD_START_PFN, l(1), align=align)
    n += note(N_HV_START_LOW, q(0xFFFF800000000000), align=align)
    n += note(N_SUSPEND_CANCEL, l(1), align=align)
    return n


def two_segs():
    return [Seg(TEXT, 0x60, 0x2000, PF_R | PF_X), Seg(DATA, 0x20, 0x1000, PF_R | PF_W)]


def seeds():
    out = {}
    out["linux-like.elf"] = build(two_segs(), linux_notes())
    # Linux's per-CPU segment: p_vaddr 0, placed by p_paddr + VIRT_BASE.
    out["percpu.elf"] = build(two_segs() + [Seg(0, 0x10, 0x800, PF_R | PF_W,
                                                paddr=0x6000)], linux_notes())
    out["hypercall-page.elf"] = build(
        two_segs(), note(N_VIRT_BASE, q(VBASE)) + note(N_HCALL, q(VBASE + 0x2000))
        + note(N_ENTRY, l(0x80001000 + 0x20) + l(0xFFFFFFFF))
        + note(N_LOADER, s("generic")))
    out["no-notes.elf"] = build([Seg(0x400000, 0x40, 0x1000, PF_R | PF_X, vbase=0)],
                                entry=0x400000)
    out["section-notes.elf"] = build(two_segs(), note(N_VIRT_BASE, q(VBASE))
                                     + note(N_GUEST_OS, s("moat-test")),
                                     notes_as_section=True)
    out["align8-notes.elf"] = build(two_segs(), linux_notes(align=8), note_align=8)
    out["gnu-and-xen-notes.elf"] = build(
        two_segs(), note(N_VIRT_BASE, q(VBASE)) + note(99, l(7)),
        extra_notes=[note(3, bytes(range(20)), name=b"GNU\0"),
                     note(N_ENTRY, l(0), name=b"Linux\0")])
    many = [Seg(VBASE + 0x1000 * (i + 1), 8, 0x10, PF_R | PF_X) for i in range(16)]
    out["sixteen-loads.elf"] = build(many, note(N_VIRT_BASE, q(VBASE)))
    # Nearly valid: each breaks one rule.
    out["bad-overlap.elf"] = build(two_segs() + [Seg(DATA + 0xF00, 0x10, 0x200, PF_R)],
                                   note(N_VIRT_BASE, q(VBASE)))
    out["bad-feature.elf"] = build(two_segs(), linux_notes(features="!writable_page_tables|flying"))
    out["bad-hv-range.elf"] = build([Seg(0x400000, 0x10, 0x10, PF_R | PF_X, vbase=0),
                                     Seg(0xFFFF800000000000, 0x10, 0x10, PF_R, vbase=0)],
                                    entry=0x400000)
    out["bad-note-size.elf"] = build(two_segs(), note(N_VIRT_BASE, q(VBASE))
                                     + note(N_ENTRY, b"\x10\x10\x00"))
    truncated = build(two_segs(), linux_notes())
    out["bad-truncated.elf"] = truncated[:len(truncated) - 200]
    return out


# A tiny kernel with its Xen notes in .note.Xen, linked high with
# paddr = vaddr - VIRT_BASE; -n keeps the file small (no page alignment).
LD_KERNEL_S = r"""
#define ELFNOTE(type, desc) \
	.pushsection .note.Xen, "a", @note; .balign 4; \
	.long 2f - 1f; .long 4f - 3f; .long type; \
	1: .asciz "Xen"; 2: .balign 4; 3: desc; 4: .balign 4; .popsection

	.section .text, "ax"
	.globl _start
_start:
	mov $29, %eax
	syscall
	hlt

	ELFNOTE(6, .asciz "linux")
	ELFNOTE(5, .asciz "xen-3.0")
	ELFNOTE(3, .quad 0xffffffff80000000)
	ELFNOTE(4, .quad 0)
	ELFNOTE(1, .quad _start)
	ELFNOTE(10, .asciz "!writable_page_tables|pae_pgdir_above_4gb")
	ELFNOTE(17, .long 0x8801)
	ELFNOTE(13, .quad 1; .quad 1)
	.section .bss
	.skip 8192
"""

LD_KERNEL_LD = """
ENTRY(_start)
SECTIONS {
	. = 0xffffffff80100000;
	.text : AT(ADDR(.text) - 0xffffffff80000000) { *(.text) }
	.notes : AT(ADDR(.notes) - 0xffffffff80000000) { *(.note.Xen) }
	.bss : AT(ADDR(.bss) - 0xffffffff80000000) { *(.bss) }
}
"""


def ld_seed():
    """The gcc/ld-built kernel, or None when the tools are missing."""
    if not all(shutil.which(t) for t in ("gcc", "ld", "strip")):
        return None
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "k.S"), "w") as f:
            f.write(LD_KERNEL_S)
        with open(os.path.join(d, "k.ld"), "w") as f:
            f.write(LD_KERNEL_LD)
        run = dict(cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["gcc", "-c", "k.S", "-o", "k.o"], **run)
        subprocess.run(["ld", "-static", "-nostdlib", "-n", "-T", "k.ld", "k.o", "-o",
                        "k.elf"], **run)
        subprocess.run(["strip", "k.elf"], **run)
        with open(os.path.join(d, "k.elf"), "rb") as f:
            return f.read()


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/fuzz_elf"
    os.makedirs(outdir, exist_ok=True)
    out = seeds()
    blob = ld_seed()
    if blob is not None:
        out["ld-built.elf"] = blob
    for name, blob in sorted(out.items()):
        assert len(blob) < 4096, name
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(blob)
        print(f"{name}: {len(blob)} bytes")


if __name__ == "__main__":
    main()
