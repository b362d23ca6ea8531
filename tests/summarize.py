#!/usr/bin/env python3
"""Count TAP results under build/results and print 'N passed, N failed'."""
import pathlib
import re
import sys


def main() -> int:
    results = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/results")
    passed, failed = 0, []
    for tap in sorted(results.glob("*.tap")):
        for line in tap.read_text(errors="replace").splitlines():
            if re.match(r"^ok \d+", line):
                passed += 1
            elif re.match(r"^not ok \d+", line):
                failed.append(f"{tap.name}: {line}")
    if not any(results.glob("*.tap")):
        failed.append("no test results were produced")
    for f in failed:
        print("FAILED", f)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
