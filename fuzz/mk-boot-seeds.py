#!/usr/bin/env python3
"""Write the hand-made seeds of fuzz/fuzz_boot: boot descriptions in the
harness's input format (see fuzz/fuzz_boot.c: the hypervisor command line as
word indices, then each module's kind, command-line words and contents) for
the boots worth starting from: one domain, two, a 4 MiB one, three under
FLASK with backends, permissive FLASK, an initrd, INIT_P2M and FEATURES
kernels, and the refusals (does not fit, measured=required without a TPM,
selftest=panic). The word lists must match the harness's. Usage:
fuzz/mk-boot-seeds.py [outdir] (default fuzz/corpus/fuzz_boot); the
committed corpus is these merged with what the fuzzer found."""

import os
import struct
import sys

hv_words = ["console=com1", "console=none", "loglvl=err", "loglvl=warn", "loglvl=info",
	"loglvl=debug", "xsm=dummy", "xsm=flask", "flask=enforcing", "flask=permissive",
	"flask_unlabeled=refuse", "flask_unlabeled=default", "measured=optional",
	"measured=required", "noreboot", "on_exit=poweroff", "on_exit=halt", "selftest=none",
	"selftest=fault", "selftest=panic", "xsm=", "loglvl=9", "bogus=1", "console"]
names = ["dom0", "web", "db", "a", "b.c", "x-y_z", ""]
mod_words = ["type=kernel", "type=initrd", "type=policy", "type=other", "label=system_u:system_r:dom0_t",
	"label=system_u:system_r:domU_t", "label=system_u:system_r:web_t",
	"label=system_u:system_r:db_t", "label=system_u:system_r:untrusted_t", "label=nope",
	"label=system_u:object_r:xen_t", "label=a:b", "mem=1M", "mem=4M", "mem=2M", "mem=1025K",
	"mem=64K", "mem=8M", "mem=1G", "mem=0x400000", "mem=4Q", "mem=", "vcpus=1", "vcpus=2",
	"vcpus=0", "vcpus=9", "priv=yes", "priv=no", "priv=maybe", "evtchn_ports=64",
	"evtchn_ports=4096", "evtchn_ports=63", "evtchn_ports=100", "grant_frames=1",
	"grant_frames=32", "grant_frames=33", "maptrack=1", "maptrack=4096", "maptrack=0",
	"-- console=hvc0 root=/dev/xvda", "--", "unknown=1"]
def hw(w): return hv_words.index(w)
def mw(w):
    i = mod_words.index(w)
    # t must be >= 80 and < 250 with t % len == i
    t = i
    while t < 80: t += len(mod_words)
    return t
def name(n): return names.index(n)           # t < 64
def backend(n): return 70 + names.index(n)
def hv(words, path=True):
    if not any(w.startswith("loglvl") for w in words): words = ["loglvl=err"] + words
    # Without xsm= and without a policy module a boot is refused (MAC is
    # never off by accident): the seeds that are about something else name
    # the dummy module; seed 'no_xsm' keeps the refusal.
    if not any(w.startswith("xsm") for w in words): words = words + ["xsm=dummy"]
    return bytes([len(words), 1 if path else 0] + [hw(w) for w in words])
def cmd(items, path=True):
    return bytes([len(items), 1 if path else 0] + items)
def kernel(shape, b, patches=()):
    out = bytes([shape, b])
    if not (b & 0x10): out += struct.pack('<H', 0x20)
    if not (b & 0x20): out += struct.pack('<H', 0x10)
    out += bytes([len(patches)])
    for at, v in patches: out += struct.pack('<HB', at, v)
    return out
def module(kind, items, content):
    return bytes([kind]) + cmd(items) + content
seeds = {}
# kinds: kind&3 -> type word (0 kernel,1 '',2 initrd,3 policy); kind%5 -> content (0,1 kernel, 2 initrd, 3 policy, 4 raw)
small = kernel(1, 0x30)   # virt_base +3MB, default shape
big = kernel(0, 0x30)
def dom(nm, extra, k=small, kind=0):
    return module(kind, [name(nm)] + [mw(w) for w in extra], k)
seeds['one'] = hv(["console=com1"]) + bytes([0]) + dom("dom0", ["mem=1M", "priv=yes"])
seeds['two_dummy'] = hv([]) + bytes([1]) + dom("dom0", ["mem=1M", "priv=yes"]) + dom("web", ["mem=1M"])
seeds['big'] = hv([]) + bytes([0]) + dom("dom0", ["mem=4M"], big)
seeds['flask3'] = hv(["xsm=flask", "flask=enforcing"]) + bytes([3]) + \
    dom("dom0", ["mem=1M", "priv=yes", "label=system_u:system_r:dom0_t"]) + \
    module(0, [name("web"), backend("dom0"), mw("mem=1M"), mw("label=system_u:system_r:web_t")], small) + \
    module(0, [name("db"), mw("mem=1M"), mw("label=system_u:system_r:db_t"), mw("evtchn_ports=64")], small) + \
    module(3, [], b'\x00')   # policy kind 3 -> type=policy, content policy, no patches
seeds['flask_perm'] = hv(["xsm=flask", "flask=permissive", "flask_unlabeled=default"]) + bytes([1]) + \
    dom("dom0", ["mem=1M", "priv=yes"]) + module(3, [], b'\x00')
seeds['initrd'] = hv([]) + bytes([1]) + dom("dom0", ["mem=1M", "-- console=hvc0 root=/dev/xvda"]) + \
    module(2, [name("dom0")], struct.pack('<H', 3000) + b'\x00')
seeds['refused_mem'] = hv(["on_exit=halt"]) + bytes([1]) + dom("dom0", ["mem=1M"]) + dom("web", ["mem=8M"])
seeds['selftest'] = hv(["selftest=panic"]) + bytes([0]) + dom("dom0", ["mem=1M"])
seeds['measured_req'] = hv(["measured=required"]) + bytes([0]) + dom("dom0", ["mem=1M"])
seeds['p2m'] = hv([]) + bytes([0]) + dom("dom0", ["mem=1M"], kernel(1 | (2 << 3), 0x30))
seeds['features'] = hv([]) + bytes([0]) + dom("dom0", ["mem=1M"], kernel(1 | 0x40, 0x30))
seeds["grants"] = hv(["loglvl=debug"]) + bytes([1]) + dom("dom0", ["mem=1M", "grant_frames=32", "maptrack=4096"]) + \
    module(0, [name("web"), backend("dom0"), mw("mem=1M"), mw("evtchn_ports=4096")], small)
seeds['no_xsm'] = bytes([1, 1, hw("console=com1")]) + bytes([0]) + dom("dom0", ["mem=1M"])
outdir = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/fuzz_boot"
os.makedirs(outdir, exist_ok=True)
for k, v in seeds.items():
    open(os.path.join(outdir, "seed-" + k), "wb").write(v)
