#!/usr/bin/env python3
"""Assemble each line of cases.s with GNU as, read it back with objdump, and
derive the decoder's expected description from objdump's text: an oracle
independent of the decoder."""
import re, subprocess, sys, os

REG64 = ['rax','rcx','rdx','rbx','rsp','rbp','rsi','rdi'] + [f'r{i}' for i in range(8,16)]
REG32 = ['eax','ecx','edx','ebx','esp','ebp','esi','edi'] + [f'r{i}d' for i in range(8,16)]
REG16 = ['ax','cx','dx','bx','sp','bp','si','di'] + [f'r{i}w' for i in range(8,16)]
REG8 = ['al','cl','dl','bl','spl','bpl','sil','dil'] + [f'r{i}b' for i in range(8,16)]
HIGH8 = {'ah':4,'ch':5,'dh':6,'bh':7}

def regnum(name):
    for tab, size in ((REG64,8),(REG32,4),(REG16,2),(REG8,1)):
        if name in tab:
            return tab.index(name), size, False
    if name in HIGH8:
        return HIGH8[name], 1, True
    raise ValueError(name)

GPR = [0xc0de000000000000 + (i + 1) * 0x0000001000100010 for i in range(16)]
RIP = 0xffffffff81000000
FS = 0x00007f0000000000
GS = 0xffff888000000000
M64 = (1 << 64) - 1

def assemble(line):
    with open('one.s','w') as f:
        f.write(line + '\n')
    subprocess.run(['as','--64','one.s','-o','one.o'], check=True, capture_output=True)
    out = subprocess.run(['objdump','-d','-M','suffix','one.o'], check=True,
                         capture_output=True, text=True).stdout
    lines = [l for l in out.splitlines() if re.match(r'^\s+[0-9a-f]+:\t', l)]
    raw, text = [], None
    for l in lines:
        parts = l.split('\t')
        raw += parts[1].split()
        if len(parts) > 2 and parts[2].strip():
            if text is not None:
                raise SystemExit(f'more than one instruction: {line}')
            text = " ".join(parts[2].split("#")[0].split())
    return raw, text

def split_ops(s):
    ops, depth, cur = [], 0, ''
    for ch in s:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            ops.append(cur); cur = ''
        else:
            cur += ch
    if cur:
        ops.append(cur)
    return [o.strip() for o in ops]

MEM_RE = re.compile(r'^(?:%(?P<seg>[a-z]s):)?(?P<disp>-?0x[0-9a-f]+)?'
                    r'(?:\((?:%(?P<base>\w+))?(?:,%(?P<index>\w+)(?:,(?P<scale>\d))?)?\))?$')

def parse_mem(op, seg_prefix):
    m = MEM_RE.match(op)
    if not m or (m.group('disp') is None and '(' not in op):
        return None
    d = {'seg': m.group('seg') or seg_prefix, 'a32': False, 'rip': False,
         'base': -1, 'index': -1, 'scale': 1}
    disp = int(m.group('disp'), 16) if m.group('disp') else 0
    if disp >= 1 << 63:
        disp -= 1 << 64
    d['disp'] = disp
    b, i = m.group('base'), m.group('index')
    if b in ('rip', 'eip'):
        d['rip'] = True
        d['a32'] = b == 'eip'
    elif b:
        n, sz, _ = regnum(b)
        d['base'] = n
        d['a32'] = sz == 4
    if i:
        n, sz, _ = regnum(i)
        d['index'] = n
        d['scale'] = int(m.group('scale') or 1)
        d['a32'] = sz == 4
    return d

def hexs(v):
    return f'-{-v:#x}' if v < 0 else f'{v:#x}'

def sext(v, size):
    bits = 8 * size
    v &= (1 << bits) - 1
    if v >> (bits - 1):
        v -= 1 << bits
    return v & M64

SUFFIX = {'b':1,'w':2,'l':4,'q':8}
NOOP = {'cpuid','rdmsr','wrmsr','rdtsc','rdtscp','rdpmc','cli','sti','hlt','clts',
        'wbinvd','invd','xsetbv','swapgs'}
ALU = {'mov':'mem_store','xchg':'mem_xchg','cmpxchg':'mem_cmpxchg','or':'mem_or',
       'and':'mem_and','xor':'mem_xor','bts':'mem_bts','btr':'mem_btr','btc':'mem_btc'}

def expect(raw, text):
    n = len(raw)
    words = text.split()
    lock = rep = False
    seg = None
    while words[0] in ('lock','rep','ds','cs','ss','es'):
        w = words.pop(0)
        if w == 'lock': lock = True
        elif w == 'rep': rep = True
        else: seg = w
    mn = words[0]
    ops = split_ops(' '.join(words[1:])) if len(words) > 1 else []
    e = {'kind': None, 'op': 0, 'reg': None, 'rm': None, 'imm': None, 'vec': None,
         'port': None, 'mem': None}
    if mn in NOOP:
        e['kind'] = mn
    elif mn in ('sysretq','sysretl'):
        e['kind'] = 'sysret'; e['op'] = SUFFIX[mn[-1]]
    elif mn in ('iretq','iretl','iretw'):
        e['kind'] = 'iret'; e['op'] = SUFFIX[mn[-1]]
    elif mn == 'int3':
        e['kind'] = 'int3'; e['vec'] = 3
    elif mn == 'int':
        e['kind'] = 'int'; e['vec'] = int(ops[0][1:], 16)
    elif mn[:-1] in ('in', 'out') and mn[-1] in 'bwl':
        e['kind'] = mn[:-1]; e['op'] = SUFFIX[mn[-1]]
        port = ops[0] if mn.startswith('in') else ops[1]
        e['port'] = 'dx' if port == '(%dx)' else hex(int(port[1:], 16))
    elif mn[:-1] in ('ins', 'outs') and mn[-1] in 'bwl':
        e['kind'] = mn[:-1]; e['op'] = SUFFIX[mn[-1]]; e['port'] = 'dx'
        memop = ops[1] if mn.startswith('ins') else ops[0]
        if memop.startswith('%es:'):
            memop = memop[4:]
        # objdump names the default %ds: of OUTS even without a prefix byte.
        if memop.startswith('%ds:') and seg is None and '3e' not in raw[:4]:
            memop = memop[4:]
        e['mem'] = parse_mem(memop, seg)
    elif mn in ('invlpg','lgdt','lidt','lldt','ltr','lmsw'):
        e['kind'] = mn
        e['op'] = {'invlpg':0,'lgdt':10,'lidt':10}.get(mn, 2)
        if ops[0].startswith('%') and ':' not in ops[0]:
            e['rm'] = regnum(ops[0][1:])[0]
        else:
            e['mem'] = parse_mem(ops[0], seg)
    elif mn in ('cmpxchg8b','cmpxchg16b'):
        e['kind'] = 'mem_' + mn; e['op'] = 8 if mn == 'cmpxchg8b' else 16
        e['mem'] = parse_mem(ops[0], seg)
    elif mn == 'movq' and any('%cr' in o or '%db' in o for o in ops):
        src, dst = ops
        ctl = src if src[1:3] in ('cr','db') else dst
        gpr = dst if ctl is src else src
        kind = 'cr' if ctl[1:3] == 'cr' else 'dr'
        e['kind'] = ('mov_from_' if ctl is src else 'mov_to_') + kind
        e['op'] = 8; e['reg'] = int(ctl[3:]); e['rm'] = regnum(gpr[1:])[0]
    elif mn[:-1] in ALU:
        e['kind'] = ALU[mn[:-1]]; e['op'] = SUFFIX[mn[-1]]
        src, dst = ops
        if mn[:-1] == 'xchg' and not src.startswith('%'):
            src, dst = dst, src
        e['mem'] = parse_mem(dst, seg)
        if src.startswith('$'):
            v = int(src[1:], 16)
            if mn.startswith('bt'):
                e['imm'] = v & (8 * e['op'] - 1)
            else:
                e['imm'] = sext(v, e['op'])
        else:
            num, _, high = regnum(src[1:])
            e['reg'] = (num, high)
    else:
        raise SystemExit(f'cannot map: {text}')
    mem = e['mem']
    parts = [e['kind'], f'len={n}']
    if e['op']:
        parts.append(f"op={e['op']}")
    if mem and mem['a32']:
        parts.append('a32')
    if lock: parts.append('lock')
    if rep: parts.append('rep')
    if mem and mem['seg']:
        parts.append(f"seg={mem['seg']}")
    elif seg:
        parts.append(f'seg={seg}')
    if e['reg'] is not None:
        if isinstance(e['reg'], tuple):
            parts.append(f"reg={e['reg'][0]}" + ('h' if e['reg'][1] else ''))
        else:
            parts.append(f"reg={e['reg']}")
    if e['rm'] is not None:
        parts.append(f"rm={e['rm']}")
    if e['imm'] is not None:
        parts.append(f"imm={e['imm']:#x}")
    if e['vec'] is not None:
        parts.append(f"vec={e['vec']}")
    if e['port'] is not None:
        parts.append(f"port={e['port']}")
    ea = 0
    if mem:
        b = 'rip' if mem['rip'] else (f"b{mem['base']}" if mem['base'] >= 0 else '-')
        i = f"i{mem['index']}*{mem['scale']}" if mem['index'] >= 0 else '-'
        parts.append(f"mem={b},{i},{hexs(mem['disp'])}")
        ea = mem['disp']
        if mem['rip']: ea += RIP + n
        if mem['base'] >= 0: ea += GPR[mem['base']]
        if mem['index'] >= 0: ea += GPR[mem['index']] * mem['scale']
        ea &= M64
        if mem['a32']: ea &= 0xffffffff
        s = mem['seg']
        if s == 'fs': ea += FS
        if s == 'gs': ea += GS
        ea &= M64
    return ' '.join(parts), ea

def main():
    out = []
    for line in open(sys.argv[1]):
        line = line.rstrip('\n')
        if not line.strip():
            continue
        if line.startswith('#'):
            out.append(f'\t/* {line[2:]} */')
            continue
        raw, text = assemble(line)
        want, ea = expect(raw, text)
        esc = text.replace('\\', '\\\\').replace('"', '\\"')
        out.append(f'\t{{ "{" ".join(raw)}", "{esc}",\n\t  "{want}", {ea:#x}ULL }},')
    print('\n'.join(out))

main()
