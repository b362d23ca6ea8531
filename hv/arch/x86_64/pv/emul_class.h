/*
 * Which enum emul_op (hv/include/hv/emul_gate.h) a decoded privileged
 * instruction is. Pure: no guest memory, no vCPU, no hardware, so it builds
 * hosted in the unit tests beside the decoder. It must never return an op
 * for an instruction the emulator does not perform.
 */
#ifndef PV_EMUL_CLASS_H
#define PV_EMUL_CLASS_H

#include <hv/emul_gate.h>
#include <hv/types.h>

#include "../include/arch/insn.h"

/* The MSRs whose writes are emulated (emulate.c checks them against
 * arch/cpu.h's numbers). */
#define EMUL_MSR_EFER          0xc0000080U
#define EMUL_MSR_FS_BASE       0xc0000100U
#define EMUL_MSR_GS_BASE       0xc0000101U
#define EMUL_MSR_KERNEL_GS_BASE 0xc0000102U
#define EMUL_MSR_PAT           0x00000277U

/*
 * The op that in (decoded from a #GP in guest kernel mode; msr is %ecx, used
 * for wrmsr only) would perform, in *op; false when the instruction is not
 * emulated (the #GP goes to the guest unchanged).
 */
bool pv_emul_classify(const struct insn *in, uint32_t msr, enum emul_op *op);

#endif
