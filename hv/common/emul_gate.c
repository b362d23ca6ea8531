/*
 * The emulation gate's table: for every way a guest changes privileged
 * state other than a hypercall (hv/include/hv/emul_gate.h), the hypercall it
 * is equivalent to, whose gate permission it must pass. This file and the
 * hypercall table are the only places a gate permission is chosen; SECURITY.md's
 * mediation table is generated from both. It must never let an op through
 * that has no row: an unknown op, or a row with neither a permission nor a
 * written reason, is denied.
 */
#include <hv/domain.h>
#include <hv/emul_gate.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/hooks.h>

#define GATED(o, nm, w, p)   [o] = { .op = o, .name = nm, .what = w, .perm = p, .ungated = NULL }
#define UNGATED(o, nm, w, r) [o] = { .op = o, .name = nm, .what = w, .perm = XSM_HC_NONE, .ungated = r }

const struct emul_gate_def emul_gate_table[] = {
	UNGATED(EMUL_CPUID, "cpuid", "forced-emulation `cpuid` (#UD)",
		"reads only what xen_version and CPUID leaves show every guest"),
	UNGATED(EMUL_RDMSR, "rdmsr", "`rdmsr` FS/GS/KERNEL_GS_BASE, EFER, PAT, TSC",
		"reads the guest's own bases or values it may know; no hypercall reads them"),
	GATED(EMUL_WRMSR_SEGBASE, "wrmsr_segbase",
	      "`wrmsr` FS_BASE, GS_BASE, KERNEL_GS_BASE", XSM_HC_SET_SEGMENT_BASE),
	UNGATED(EMUL_WRMSR_SAME, "wrmsr_same", "`wrmsr` EFER or PAT",
		"accepted only with the value already there: nothing changes"),
	UNGATED(EMUL_CR_READ, "cr_read", "`mov` from %cr0, %cr2, %cr3, %cr4, %cr8",
		"reads the guest's virtual view; no hypercall reads it"),
	GATED(EMUL_CR0_WRITE, "cr0_write", "`mov` to %cr0 (only TS may change)",
	      XSM_HC_FPU_TASKSWITCH),
	UNGATED(EMUL_CR4_WRITE, "cr4_write", "`mov` to %cr4 (TSD, DE, PGE, PCE, OSFXSR, OSXMMEXCPT)",
		"changes the guest's view only: never loaded, nothing acts on it"),
	GATED(EMUL_CLTS, "clts", "`clts`", XSM_HC_FPU_TASKSWITCH),
	GATED(EMUL_DR_READ, "dr_read", "`mov` from %dr0-%dr7", XSM_HC_GET_DEBUGREG),
	GATED(EMUL_DR_WRITE, "dr_write", "`mov` to %dr0-%dr7", XSM_HC_SET_DEBUGREG),
	UNGATED(EMUL_CLI_STI, "cli_sti", "`cli`, `sti` at virtual IOPL >= 1",
		"sets the event mask in the guest's own vcpu_info, which it may write "
		"directly; the IOPL that enables it came through physdev_op's gate"),
	UNGATED(EMUL_CACHE_FLUSH, "cache_flush", "`wbinvd`, `invd`",
		"does nothing: the caches are the hypervisor's"),
	GATED(EMUL_PT_WRITE, "pt_write", "a store, xchg, cmpxchg or RMW to a read-only L1 "
	      "(writable page tables)", XSM_HC_MMU_UPDATE),
	GATED(EMUL_LDT_MAP, "ldt_map", "first touch of an LDT page (lazy half of "
	      "MMUEXT_SET_LDT: the frame is typed as descriptors)", XSM_HC_MMUEXT_OP),
};

_Static_assert(ARRAY_SIZE(emul_gate_table) == EMUL_OP_COUNT,
	       "every enum emul_op needs its row in emul_gate_table");

int emul_gate(struct vcpu *curr, enum emul_op op)
{
	const struct emul_gate_def *def;

	if ((unsigned int)op >= EMUL_OP_COUNT) {
		return -XEN_EACCES;
	}
	def = &emul_gate_table[index_nospec((unsigned int)op, EMUL_OP_COUNT)];
	if (def->perm == XSM_HC_NONE) {
		/* No equivalent hypercall: allowed only with a written reason. */
		return def->ungated != NULL && def->name != NULL ? 0 : -XEN_EACCES;
	}
	/* The same question, and the same audit line, as the dispatcher's. */
	return xsm_hypercall(curr->domain, def->perm);
}
