#!/bin/sh
# Regenerate tests/unit/test_insn.c from the reference cases: each line of
# cases.s is assembled with GNU as and read back with objdump, so expected
# decodings come from the toolchain, not from the decoder under test.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cp "$here"/* "$work"/
cd "$work"
python3 gen.py cases.s > table.inc
python3 - "$here/../test_insn.c" <<'PY'
import sys
h = open('head.c').read()
t = open('tail.c').read()
t = t.replace('@REJECTS@\n', open('rejects.inc').read())
open(sys.argv[1], 'w').write(h + open('table.inc').read() + '\n' + t)
PY
rm -rf "$work"
