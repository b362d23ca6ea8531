# ---- mov reg/imm -> mem: the plain page-table writes
movq %rax,(%rdi)
movl %eax,(%rdi)
movw %ax,(%rdi)
movb %al,(%rdi)
movb %ah,(%rdi)
movb %bh,(%rsi)
movb %spl,(%rdi)
movb %dil,(%rsi)
movb %r8b,(%rdi)
movb %r15b,(%r15)
movq %r8,(%r9)
movq %r15,(%rax)
movl %r10d,(%r11)
movw %r12w,(%rbx)
movq %rdx,0x10(%rdi)
movq %rdx,-0x8(%rdi)
movq %rdx,0x7f(%rdi)
movq %rdx,-0x80(%rdi)
movq %rdx,0x1000(%rdi)
movq %rdx,-0x80000000(%rdi)
movq %rdx,0x7fffffff(%rdi)
movq %rax,(%rsp)
movq %rax,0x8(%rsp)
movq %rax,(%r12)
movq %rax,0x100(%r12)
movq %rax,(%rbp)
movq %rax,(%r13)
movq %rax,-0x18(%rbp)
movq %rax,(%rax,%rbx,8)
movq %rax,(%rax,%rbx,1)
movq %rax,(%rax,%rbx,2)
movq %rax,(%rax,%r12,1)
movq %rax,(%r12,%r12,4)
movq %rax,0x8(%rsp,%rcx,4)
movq %rax,0x12345678(,%rcx,8)
movq %rax,-0x10(,%r9,2)
movq %rax,0x12345678
movq %rax,0x10(%rip)
movq %rax,-0x10(%rip)
movq %rcx,(%r13,%r14,2)
movq %r9,0x7fff(%r13,%r15,8)
movq %rax,(%rbp,%rax,1)
movq %rax,%fs:0x28
movq %rax,%gs:(%rdi)
movq %rax,%gs:0x10(%rip)
ds movq %rax,(%rdi)
cs movq %rax,(%rdi)
.byte 0x36; movq %rax,(%rdi)
.byte 0x26; movq %rax,(%rdi)
movl %eax,(%eax)
movl %eax,0x10(%eip)
movq %rax,(%ebx,%esi,4)
movq %rax,-0x4(%r8d)
movq %rax,%gs:0x20(%esp)
movq $0x1,(%rdi)
movq $-1,(%rdi)
movq $-0x80000000,(%rdi)
movq $0x7fffffff,(%rdi)
movl $0x12345678,(%rdi)
movl $0xffffffff,(%rdi)
movw $0x1234,(%rdi)
movw $0xfffe,(%rdi)
movb $0x80,(%rdi)
movb $0x7f,(%r8)
movq $0x7fffffff,0x10(%rip)
movq $0x5,%gs:0x10(%rip)
movw $0x1,-0x20(%rip)
movb $0x1,0x8(%rip)
# ---- xchg (implicitly locked)
xchgq %rax,(%rdi)
xchgl %eax,(%rdi)
xchgw %ax,(%rdi)
xchgb %al,(%rdi)
xchgb %ch,(%rdi)
lock xchgq %rax,(%rdi)
xchgq %r11,0x8(%r10)
xchgq %rax,%fs:(%rdx,%rcx,8)
# ---- cmpxchg
lock cmpxchgq %rcx,(%rdi)
lock cmpxchgl %ecx,(%rdi)
lock cmpxchgw %cx,(%rdi)
lock cmpxchgb %cl,(%rdi)
lock cmpxchgb %dh,(%rdi)
cmpxchgq %rcx,(%rdi)
lock cmpxchgq %r8,%gs:0x10(%r9,%r10,8)
lock cmpxchgq %rsi,0x10(%rip)
lock cmpxchg8b (%rdi)
lock cmpxchg16b (%rdi)
cmpxchg8b 0x8(%rsi)
lock cmpxchg16b 0x10(%r12,%rax,2)
# ---- or/and/xor to memory (A/D and RW bit tweaks)
lock orb $0x1,(%rdi)
lock andb $0xfd,(%rdi)
lock andb $0xdf,0x1(%rdi)
lock xorb $0x4,(%rdi)
orb $0x80,(%rdi)
lock orq $0x20,(%rdi)
lock andq $-0x21,(%rdi)
lock xorq $0x7f,(%rdi)
andq $0x12345678,(%rdi)
andq $-0x1000,(%rdi)
andl $0xfffff000,(%rdi)
orl $0x80000000,(%rdi)
lock xorl $0x10000,(%rdi)
orw $0x1234,(%rdi)
orw $0x1,(%rdi)
andw $0xff00,(%rdi)
xorw $0xfff0,(%rdi)
orl %eax,(%rdi)
lock orq %rax,(%rdi)
andq %rcx,(%rsi)
andb %ah,(%rdi)
andb %sil,(%rdi)
lock xorq %rdx,0x8(%rdi)
xorw %r9w,(%r10)
lock orb $0x1,%gs:0x10(%rip)
lock andq $-0x3,0x7ffffff0(%rip)
# ---- bit test and modify with an immediate
lock btsq $0x5,(%rdi)
lock btrq $0x5,(%rdi)
lock btcq $0x1,(%rdi)
lock btrq $0x3f,0x8(%rdi)
btrl $0x21,(%rdi)
btsw $0x11,(%rdi)
lock btsl $0x1f,(%r8,%r9,4)
btcq $0x40,0x10(%rip)
lock btrw $0xff,(%rdi)
# ---- privileged or trapping, no operands
cpuid
rdmsr
wrmsr
rdtsc
rdtscp
rdpmc
cli
sti
hlt
clts
wbinvd
invd
xsetbv
swapgs
sysretq
sysretl
iretq
iretl
iretw
# ---- control and debug registers
mov %cr0,%rax
mov %cr2,%rdi
mov %cr3,%r15
mov %cr4,%rax
mov %cr8,%rax
mov %cr4,%r8
mov %rax,%cr0
mov %rax,%cr4
mov %r9,%cr3
mov %rdx,%cr2
mov %rax,%cr8
mov %r12,%cr8
mov %db0,%rax
mov %db6,%rdx
mov %db7,%rcx
mov %db3,%r11
mov %rax,%db7
mov %r8,%db3
.byte 0x0f,0x21,0xe0
.byte 0x0f,0x23,0xe8
# ---- software interrupts
int $0x80
.byte 0xcd,0x03
int $0x0
int $0xff
int3
# ---- port I/O
inb $0x80,%al
inw $0x60,%ax
inl $0x71,%eax
inb $0xff,%al
inb (%dx),%al
inw (%dx),%ax
inl (%dx),%eax
outb %al,$0x80
outw %ax,$0x60
outl %eax,$0xf4
outb %al,(%dx)
outw %ax,(%dx)
outl %eax,(%dx)
insb (%dx),%es:(%rdi)
insw (%dx),%es:(%rdi)
insl (%dx),%es:(%rdi)
rep insb (%dx),%es:(%rdi)
rep insl (%dx),%es:(%rdi)
rep insw (%dx),%es:(%edi)
addr32 insb (%dx),%es:(%edi)
outsb (%rsi),(%dx)
outsw (%rsi),(%dx)
outsl (%rsi),(%dx)
rep outsb (%rsi),(%dx)
outsb %fs:(%rsi),(%dx)
rep outsl %gs:(%esi),(%dx)
rep outsw (%esi),(%dx)
# ---- TLB and descriptor tables
invlpg (%rax)
invlpg 0x10(%rdi,%rsi,2)
invlpg (%r11)
invlpg %gs:(%rax)
invlpg 0x100(%rip)
invlpg -0x1(%eax)
lgdt (%rdi)
lgdt 0x8(%rsp)
lidt 0x8(%rsp)
lidt %fs:0x40
lldt %ax
lldt %r8w
lldt (%rdi)
ltr %ax
ltr %r9w
ltr 0x2(%rbx)
lmsw %ax
lmsw %r10w
lmsw (%rdi)
# ---- the longest accepted form: exactly 15 bytes
lock orl $0x12345678,%fs:0x11223344(%esp)
lock orl $0x12345678,%gs:0x11223344(%r12d,%r13d,8)
.byte 0x3e,0x6e
