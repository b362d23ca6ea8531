#!/usr/bin/env python3
"""Write seed blobs for fuzz/fuzz_policy per xsm/policy_blob.h.

Each policy is written twice: as a plain blob, and prefixed with the
harness's fix marker (0xfe) so that mutations keep a valid SHA-256. If the
policy tool's blob exists (default build/policy/policy.blob) it is copied in
as a seed too; small and larger carry a TRANS section, minimal does not.
Usage: scripts/mk-policy-seeds.py [outdir [tool-blob]]
       (default fuzz/corpus/fuzz_policy build/policy/policy.blob)
"""
import hashlib
import os
import shutil
import struct
import sys

FIX_MARKER = b"\xfe"
STRTAB, TYPES, CLASSES, PERMS, AVTAB, BOOLS, USERS, ROLES, INITSIDS, TRANS = range(1, 11)
ALLOWED, AUDITALLOW, DONTAUDIT = 1, 2, 4
WHEN_FALSE = 0x80000000


class Strtab:
    def __init__(self):
        self.data = b"\0"
        self.offs = {}

    def add(self, s):
        if s not in self.offs:
            self.offs[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.offs[s]


def av_key(a):
    """The blob's sort key: (source, target, tclass, kind, cond)."""
    return (a[0], a[1], a[2], a[3], a[5])


def blob(types, classes, avs, bools=(), users=(), roles=(), isids=(), trans=(),
         required_only=False):
    """trans: (source, target, tclass, new_type, cond), sorted here."""
    st = Strtab()
    perms, cls = [], []
    for name, plist in classes:
        cls.append(struct.pack("<IIII", st.add(name), len(perms), len(plist), 0))
        perms += [st.add(p) for p in plist]
    secs = [
        (STRTAB, None, None),  # filled last
        (TYPES, len(types), b"".join(struct.pack("<I", st.add(t)) for t in types)),
        (CLASSES, len(cls), b"".join(cls)),
        (PERMS, len(perms), b"".join(struct.pack("<I", p) for p in perms)),
        (AVTAB, len(avs), b"".join(struct.pack("<HHHHII", *a) for a in sorted(avs, key=av_key))),
    ]
    if not required_only:
        secs += [
            (BOOLS, len(bools), b"".join(struct.pack("<II", st.add(n), d) for n, d in bools)),
            (USERS, len(users), b"".join(struct.pack("<I", st.add(u)) for u in users)),
            (ROLES, len(roles), b"".join(struct.pack("<I", st.add(r)) for r in roles)),
            (INITSIDS, len(isids),
             b"".join(struct.pack("<IHHHH", st.add(n), u, r, t, 0) for n, u, r, t in isids)),
        ]
    if trans:
        secs.append((TRANS, len(trans), b"".join(
            struct.pack("<HHHHII", s, t, c, n, cond, 0)
            for s, t, c, n, cond in sorted(trans, key=lambda x: (x[0], x[1], x[2], x[4])))))
    secs[0] = (STRTAB, len(st.data), st.data)
    table, data = b"", b""
    off = 24 * len(secs)
    for typ, count, payload in secs:
        table += struct.pack("<IIQQ", typ, count, off + len(data), len(payload))
        data += payload
    body = table + data
    hdr = b"MOATPOL1" + struct.pack("<IIQ", 1, 64, len(body)) + hashlib.sha256(body).digest()
    hdr += struct.pack("<II", len(secs), 0)
    assert len(hdr) == 64
    return hdr + body


def small():
    return blob(
        ["dom0_t", "domU_t", "xen_t"],
        [("domain", ["create", "destroy", "pause"]), ("hypercall", ["console_io", "xen_version"])],
        [(1, 2, 1, ALLOWED, 3, 0), (1, 2, 1, ALLOWED, 4, 1), (1, 2, 1, AUDITALLOW, 2, 0),
         (1, 2, 1, DONTAUDIT, 4, 0), (1, 3, 2, ALLOWED, 3, 0), (2, 3, 2, ALLOWED, 2, 0),
         (2, 3, 2, ALLOWED, 1, 2 | WHEN_FALSE)],
        bools=[("allow_pause", 0), ("strict", 1)],
        users=["system_u"], roles=["system_r"],
        isids=[("xen", 1, 1, 3), ("dom0", 1, 1, 1)],
        trans=[(1, 2, 1, 2, 0), (1, 2, 1, 3, 1), (2, 2, 1, 1, 1), (2, 2, 1, 3, 2 | WHEN_FALSE),
               (2, 3, 2, 2, 0)])


def add(avs, a):
    """One rule per sort key, as the blob requires."""
    avs[av_key(a)] = a


def larger():
    types = ["t%d" % i for i in range(1, 21)]
    classes = [("c%d" % c, ["p%d_%d" % (c, i) for i in range(32 if c == 1 else c + 1)])
               for c in range(1, 5)]
    bools = [("b%d" % i, i & 1) for i in range(8)]
    avs = {}
    for s in range(1, 21, 3):
        for t in range(1, 21, 4):
            for c in range(1, 5):
                add(avs, (s, t, c, ALLOWED, (s * 7 + t) & 0xffff, 0))
                add(avs, (s, t, c, ALLOWED, 1 << (c - 1), ((s + t) % 8 + 1) | (WHEN_FALSE if t & 1 else 0)))
                if (s + t) % 3 == 0:
                    add(avs, (s, t, c, DONTAUDIT, 0xf0, 0))
                    add(avs, (s, t, c, AUDITALLOW, 0x1, 0))
    trans = {}
    for s in range(1, 21, 2):
        for t in range(1, 21, 5):
            for c in range(1, 5):
                trans[(s, t, c, 0)] = (s, t, c, (s + t) % 20 + 1, 0)
                cond = ((s * t) % 8 + 1) | (WHEN_FALSE if c & 1 else 0)
                trans[(s, t, c, cond)] = (s, t, c, (s * c) % 20 + 1, cond)
    return blob(types, classes, list(avs.values()), bools=bools, users=["system_u", "user_u"],
                roles=["system_r", "object_r"], isids=[("xen", 1, 1, 1), ("dom0", 1, 1, 2),
                                                        ("domio", 2, 2, 3)],
                trans=list(trans.values()))


def minimal():
    return blob(["a_t"], [("k", ["p"])], [(1, 1, 1, ALLOWED, 1, 0)], required_only=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/fuzz_policy"
    tool_blob = sys.argv[2] if len(sys.argv) > 2 else "build/policy/policy.blob"
    os.makedirs(out, exist_ok=True)
    for name, b in (("small", small()), ("larger", larger()), ("minimal", minimal())):
        with open(os.path.join(out, name + ".blob"), "wb") as f:
            f.write(b)
        with open(os.path.join(out, name + "-fix.bin"), "wb") as f:
            f.write(FIX_MARKER + b)
    if os.path.exists(tool_blob):
        shutil.copy(tool_blob, os.path.join(out, "policy-tool.blob"))
        with open(tool_blob, "rb") as f:
            data = f.read()
        with open(os.path.join(out, "policy-tool-fix.bin"), "wb") as f:
            f.write(FIX_MARKER + data)


if __name__ == "__main__":
    main()
