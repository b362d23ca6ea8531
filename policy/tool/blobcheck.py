#!/usr/bin/env python3
"""Independent checker of the flat policy blob (xsm/policy_blob.h), stdlib
only: magic, version, header size, flags, body SHA-256, section table (each
type at most once, required ones present, inside the body, size = count *
element size), names inside STRTAB, classes' permission ranges, AVTAB
sorted and unique with indices in range, BOOLS, INITSIDS, and the optional
TRANS (type transitions: sorted and unique by source, target, class, cond;
types, class, new type and cond in range; pad zero). Prints counts; exits 1
with the reasons on any failure. --dump-av and --dump-trans print the rules
as `allow s t:c { p };` and `type_transition s t:c n;` (conditional ones
followed by ` if b` or ` if !b`).

usage: blobcheck.py POLICY.blob [--dump-av] [--dump-trans]
"""
import hashlib
import struct
import sys

MAGIC = b"MOATPOL1"
NAMES = {1: "strtab", 2: "types", 3: "classes", 4: "perms", 5: "avtab",
         6: "bools", 7: "users", 8: "roles", 9: "initsids", 10: "trans"}
ELEM = {1: 1, 2: 4, 3: 16, 4: 4, 5: 16, 6: 8, 7: 4, 8: 4, 9: 12, 10: 16}
REQUIRED = (1, 2, 3, 4, 5)
KINDS = {1: "allow", 2: "auditallow", 4: "dontaudit"}
WHEN_FALSE = 0x80000000


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    data = open(argv[1], "rb").read()
    errs = []

    def bad(msg):
        errs.append(msg)

    if len(data) < 64:
        print("blobcheck: shorter than the header", file=sys.stderr)
        return 1
    magic, ver, hsize, bsize, digest, nsec, flags = struct.unpack_from("<8sIIQ32sII", data, 0)
    if magic != MAGIC:
        bad("bad magic %r" % magic)
    if ver != 1:
        bad("version %d" % ver)
    if hsize != 64:
        bad("header_size %d" % hsize)
    if flags != 0:
        bad("flags 0x%x" % flags)
    body = data[64:]
    if bsize != len(body):
        bad("body_size %d, file has %d" % (bsize, len(body)))
    if hashlib.sha256(body).digest() != digest:
        bad("body SHA-256 mismatch")
    if nsec * 24 > len(body):
        bad("section table outside the body")
        nsec = 0
    sec = {}
    for i in range(nsec):
        typ, cnt, off, size = struct.unpack_from("<IIQQ", body, i * 24)
        if typ not in NAMES:
            bad("unknown section type %d" % typ)
            continue
        if typ in sec:
            bad("section %s twice" % NAMES[typ])
        if off + size > len(body) or off < nsec * 24:
            bad("section %s outside the body" % NAMES[typ])
            continue
        if size != cnt * ELEM[typ]:
            bad("section %s: size %d != %d * %d" % (NAMES[typ], size, cnt, ELEM[typ]))
            continue
        sec[typ] = (cnt, body[off:off + size])
    for r in REQUIRED:
        if r not in sec:
            bad("required section %s missing" % NAMES[r])
    if errs:
        return report(errs)

    strtab = sec[1][1]
    if not strtab.endswith(b"\0"):
        bad("strtab does not end in NUL")

    def name(off, what):
        if off >= len(strtab):
            bad("%s: name offset %d outside strtab" % (what, off))
            return "?"
        return strtab[off:strtab.index(b"\0", off)].decode("ascii", "replace")

    def u32s(t):
        cnt, raw = sec.get(t, (0, b""))
        return list(struct.unpack("<%dI" % cnt, raw))

    types = [name(o, "type") for o in u32s(2)]
    perms = [name(o, "perm") for o in u32s(4)]
    classes = []
    for i in range(sec[3][0]):
        n, first, count, pad = struct.unpack_from("<IIII", sec[3][1], i * 16)
        if count > 32 or first + count > len(perms) or pad:
            bad("class %d: perms [%d, +%d) out of range or pad" % (i + 1, first, count))
            count = 0
        classes.append((name(n, "class"), perms[first:first + count]))
    bools = []
    for i in range(sec.get(6, (0, b""))[0]):
        n, d = struct.unpack_from("<II", sec[6][1], i * 8)
        if d > 1:
            bad("bool %d: default %d" % (i, d))
        bools.append((name(n, "bool"), d))
    users = [name(o, "user") for o in u32s(7)]
    roles = [name(o, "role") for o in u32s(8)]
    isids = []
    for i in range(sec.get(9, (0, b""))[0]):
        n, u, r, t, pad = struct.unpack_from("<IHHHH", sec[9][1], i * 12)
        if not (1 <= u <= len(users) and 1 <= r <= len(roles) and 1 <= t <= len(types)) or pad:
            bad("initsid %d: context out of range" % i)
            continue
        if types[t - 1].startswith("@"):
            bad("initsid %d labelled with an attribute" % i)
        isids.append((name(n, "initsid"), users[u - 1], roles[r - 1], types[t - 1]))

    avs = [struct.unpack_from("<HHHHII", sec[5][1], i * 16) for i in range(sec[5][0])]
    prev = None
    for i, (s, t, c, k, p, cond) in enumerate(avs):
        key = (s, t, c, k, cond)
        if prev is not None and key <= prev:
            bad("avtab entry %d not strictly sorted" % i)
        prev = key
        if not (1 <= s <= len(types) and 1 <= t <= len(types)) or \
                types[s - 1].startswith("@") or types[t - 1].startswith("@") or \
                not types[s - 1] or not types[t - 1]:
            bad("avtab entry %d: type out of range or an attribute" % i)
            continue
        if not 1 <= c <= len(classes):
            bad("avtab entry %d: class %d out of range" % (i, c))
            continue
        if k not in KINDS:
            bad("avtab entry %d: kind %d" % (i, k))
        if not p or p >> len(classes[c - 1][1]):
            bad("avtab entry %d: perms 0x%x empty or beyond the class" % (i, p))
        b = cond & ~WHEN_FALSE
        if cond and not 1 <= b <= len(bools):
            bad("avtab entry %d: cond bool %d out of range" % (i, b))
        if "--dump-av" in argv:
            ps = " ".join(n for j, n in enumerate(classes[c - 1][1]) if p >> j & 1)
            cs = "" if not cond else " if %s%s" % ("!" if cond & WHEN_FALSE else "",
                                                  bools[b - 1][0] if b <= len(bools) else b)
            print("%s %s %s:%s { %s };%s" % (KINDS.get(k, k), types[s - 1], types[t - 1],
                                               classes[c - 1][0], ps, cs))

    def cond_str(cond):
        b = cond & ~WHEN_FALSE
        if not cond:
            return ""
        return " if %s%s" % ("!" if cond & WHEN_FALSE else "",
                             bools[b - 1][0] if 1 <= b <= len(bools) else b)

    def is_type(v):
        return 1 <= v <= len(types) and types[v - 1] and not types[v - 1].startswith("@")

    trans = [struct.unpack_from("<HHHHII", sec[10][1], i * 16) for i in range(sec.get(10, (0,))[0])]
    prev = None
    for i, (s, t, c, n, cond, pad) in enumerate(trans):
        key = (s, t, c, cond)
        if prev is not None and key <= prev:
            bad("trans entry %d not strictly sorted" % i)
        prev = key
        if not (is_type(s) and is_type(t) and is_type(n)):
            bad("trans entry %d: source, target or new type out of range or an attribute" % i)
            continue
        if not 1 <= c <= len(classes):
            bad("trans entry %d: class %d out of range" % (i, c))
            continue
        b = cond & ~WHEN_FALSE
        if cond and not 1 <= b <= len(bools):
            bad("trans entry %d: cond bool %d out of range" % (i, b))
        if pad:
            bad("trans entry %d: pad 0x%x" % (i, pad))
        if "--dump-trans" in argv:
            print("type_transition %s %s:%s %s;%s" % (types[s - 1], types[t - 1],
                                                     classes[c - 1][0], types[n - 1],
                                                     cond_str(cond)))
    if errs:
        return report(errs)
    print("blobcheck: ok: %d bytes, %d sections, sha256 %s: types %d (%d attribute slots), "
          "classes %d, perms %d, av %d (%d conditional), bools %d, users %d, roles %d, "
          "initsids %d, trans %d (%d conditional)" % (len(data), nsec, digest.hex()[:16], len(types),
                           sum(1 for t in types if t.startswith("@")), len(classes), len(perms),
                           len(avs), sum(1 for a in avs if a[5]), len(bools), len(users),
                           len(roles), len(isids), len(trans), sum(1 for x in trans if x[4])))
    return 0


def report(errs):
    for e in errs:
        print("blobcheck: " + e, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
