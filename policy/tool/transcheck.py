#!/usr/bin/env python3
"""Check the blob's TRANS section against `sesearch --type_trans` on the
binary policy it was made from: the same rules, no more, no fewer, with
attributes expanded (through seinfo) and booleans matched; and every domain
labels the event channels it creates for any domain with its channel type
(declare_domain's type_transition). Prints a one-line summary; exits 1
listing the differences.

usage: transcheck.py POLICY.30 SESEARCH-TYPE-TRANS.txt BLOBCHECK-DUMP-TRANS.txt

sesearch prints a rule per source and target as written (a type or an
attribute), a conditional one followed by "[ b ]:True" or ":False";
blobcheck.py --dump-trans prints one line per type pair with " if b" or
" if !b".
"""
import re
import subprocess
import sys

RULE = re.compile(r"type_transition (\S+) (\S+):(\S+) (\S+);(?:\s*\[ (\S+) \]:(True|False))?$")


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[-9], file=sys.stderr)
        return 2
    pol, ses, dump = argv[1:]
    members = {}

    def expand(name):
        if name not in members:
            out = subprocess.run(["seinfo", "-a", name, "-x", pol], capture_output=True,
                                 text=True).stdout
            if re.search(r"^\s*attribute %s;" % re.escape(name), out, re.M):
                members[name] = re.findall(r"^\s+(\S+)$", out, re.M)
            else:
                members[name] = [name]
        return members[name]

    want, bad = set(), []
    for line in open(ses):
        line = line.strip()
        if not line.startswith("type_transition "):
            continue
        m = RULE.match(line)
        if not m:
            bad.append("cannot parse sesearch line: " + line)
            continue
        s, t, c, n, b, v = m.groups()
        cond = "" if not b else " if %s%s" % ("" if v == "True" else "!", b)
        for x in expand(s):
            for y in expand(t):
                want.add("type_transition %s %s:%s %s;%s" % (x, y, c, n, cond))
    got = set(l.strip() for l in open(dump) if l.startswith("type_transition "))
    bad += ["missing from the blob: " + r for r in sorted(want - got)]
    bad += ["only in the blob: " + r for r in sorted(got - want)]
    doms = expand("domain_type")
    for d in doms:
        for t in doms:
            r = "type_transition %s %s:event %s;" % (d, t, re.sub("_t$", "_evchn_t", d))
            if r not in got:
                bad.append("missing channel label: " + r)
    if not want:
        bad.append("sesearch found no type_transition rule")
    for e in bad:
        print("transcheck: " + e)
    if bad:
        return 1
    print("%d rules (%d conditional), %d domains label their channels" %
          (len(got), sum(1 for r in got if " if " in r), len(doms)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
