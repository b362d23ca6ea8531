/*
 * Every hypercall Moat knows, by Xen's number: its name, its handler (NULL
 * when not implemented: the dispatcher returns -ENOSYS) and the XSM gate
 * permission checked before the handler runs. SECURITY.md's mediation list
 * is generated from this table.
 */
#include <hv/event.h>
#include <hv/grant.h>
#include <hv/hypercall.h>
#include <hv/mm.h>
#include <public/attest_op.h>
#include <public/xen.h>

#define HC(nr, nm, fn, p) [nr] = { .name = nm, .handler = fn, .perm = p }
#define HC_NONE(nr, nm)   [nr] = { .name = nm, .handler = NULL, .perm = XSM_HC_NONE }

const struct hypercall_def hypercall_table[MOAT_NR_HYPERCALLS] = {
	HC(__HYPERVISOR_set_trap_table, "set_trap_table", do_set_trap_table, XSM_HC_SET_TRAP_TABLE),
	HC(__HYPERVISOR_mmu_update, "mmu_update", do_mmu_update, XSM_HC_MMU_UPDATE),
	HC(__HYPERVISOR_set_gdt, "set_gdt", do_set_gdt, XSM_HC_SET_GDT),
	HC(__HYPERVISOR_stack_switch, "stack_switch", do_stack_switch, XSM_HC_STACK_SWITCH),
	HC(__HYPERVISOR_set_callbacks, "set_callbacks", do_set_callbacks, XSM_HC_SET_CALLBACKS),
	HC(__HYPERVISOR_fpu_taskswitch, "fpu_taskswitch", do_fpu_taskswitch, XSM_HC_FPU_TASKSWITCH),
	HC_NONE(__HYPERVISOR_sched_op_compat, "sched_op_compat"),
	HC_NONE(__HYPERVISOR_platform_op, "platform_op"),
	HC(__HYPERVISOR_set_debugreg, "set_debugreg", do_set_debugreg, XSM_HC_SET_DEBUGREG),
	HC(__HYPERVISOR_get_debugreg, "get_debugreg", do_get_debugreg, XSM_HC_GET_DEBUGREG),
	HC(__HYPERVISOR_update_descriptor, "update_descriptor", do_update_descriptor, XSM_HC_UPDATE_DESCRIPTOR),
	HC(__HYPERVISOR_memory_op, "memory_op", do_memory_op, XSM_HC_MEMORY_OP),
	HC(__HYPERVISOR_multicall, "multicall", do_multicall, XSM_HC_MULTICALL),
	HC(__HYPERVISOR_update_va_mapping, "update_va_mapping", do_update_va_mapping, XSM_HC_UPDATE_VA_MAPPING),
	HC(__HYPERVISOR_set_timer_op, "set_timer_op", do_set_timer_op, XSM_HC_SET_TIMER_OP),
	HC_NONE(__HYPERVISOR_event_channel_op_compat, "event_channel_op_compat"),
	HC(__HYPERVISOR_xen_version, "xen_version", do_xen_version, XSM_HC_XEN_VERSION),
	HC(__HYPERVISOR_console_io, "console_io", do_console_io, XSM_HC_CONSOLE_IO),
	HC_NONE(__HYPERVISOR_physdev_op_compat, "physdev_op_compat"),
	HC(__HYPERVISOR_grant_table_op, "grant_table_op", do_grant_table_op, XSM_HC_GRANT_TABLE_OP),
	HC(__HYPERVISOR_vm_assist, "vm_assist", do_vm_assist, XSM_HC_VM_ASSIST),
	HC_NONE(__HYPERVISOR_update_va_mapping_otherdomain, "update_va_mapping_otherdomain"),
	HC(__HYPERVISOR_iret, "iret", do_iret, XSM_HC_IRET),
	HC(__HYPERVISOR_vcpu_op, "vcpu_op", do_vcpu_op, XSM_HC_VCPU_OP),
	HC(__HYPERVISOR_set_segment_base, "set_segment_base", do_set_segment_base, XSM_HC_SET_SEGMENT_BASE),
	HC(__HYPERVISOR_mmuext_op, "mmuext_op", do_mmuext_op, XSM_HC_MMUEXT_OP),
	HC(__HYPERVISOR_xsm_op, "xsm_op", do_xsm_op, XSM_HC_XSM_OP),
	HC_NONE(__HYPERVISOR_nmi_op, "nmi_op"),
	HC(__HYPERVISOR_sched_op, "sched_op", do_sched_op, XSM_HC_SCHED_OP),
	HC(__HYPERVISOR_callback_op, "callback_op", do_callback_op, XSM_HC_CALLBACK_OP),
	HC_NONE(__HYPERVISOR_xenoprof_op, "xenoprof_op"),
	HC(__HYPERVISOR_event_channel_op, "event_channel_op", do_event_channel_op, XSM_HC_EVENT_CHANNEL_OP),
	HC(__HYPERVISOR_physdev_op, "physdev_op", do_physdev_op, XSM_HC_PHYSDEV_OP),
	HC_NONE(__HYPERVISOR_hvm_op, "hvm_op"),
	HC_NONE(__HYPERVISOR_sysctl, "sysctl"),
	HC_NONE(__HYPERVISOR_domctl, "domctl"),
	HC_NONE(__HYPERVISOR_kexec_op, "kexec_op"),
	HC_NONE(__HYPERVISOR_tmem_op, "tmem_op"),
	HC_NONE(__HYPERVISOR_argo_op, "argo_op"),
	HC_NONE(__HYPERVISOR_xenpmu_op, "xenpmu_op"),
	HC_NONE(__HYPERVISOR_dm_op, "dm_op"),
	HC_NONE(__HYPERVISOR_hypfs_op, "hypfs_op"),
	HC(__HYPERVISOR_attest_op, "attest_op", do_attest_op, XSM_HC_ATTEST_OP),
};

const unsigned int hypercall_table_size = MOAT_NR_HYPERCALLS;
