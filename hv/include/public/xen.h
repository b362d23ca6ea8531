/*
 * The guest-visible core of Xen's x86-64 PV ABI, as Moat implements it:
 * hypercall numbers, start_info, shared_info and vcpu_info. Numbers and
 * layouts are facts of Xen's ABI (xen/include/public/xen.h); the text is ours.
 * This header is ABI alone: fixed-width fields, explicit padding, a size
 * assertion on every struct, never an internal include.
 */
#ifndef MOAT_PUBLIC_XEN_H
#define MOAT_PUBLIC_XEN_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* Hypercall numbers (rax); arguments in rdi, rsi, rdx, r10, r8, r9. */
#define __HYPERVISOR_set_trap_table                0
#define __HYPERVISOR_mmu_update                    1
#define __HYPERVISOR_set_gdt                       2
#define __HYPERVISOR_stack_switch                  3
#define __HYPERVISOR_set_callbacks                 4
#define __HYPERVISOR_fpu_taskswitch                5
#define __HYPERVISOR_sched_op_compat               6
#define __HYPERVISOR_platform_op                   7
#define __HYPERVISOR_set_debugreg                  8
#define __HYPERVISOR_get_debugreg                  9
#define __HYPERVISOR_update_descriptor            10
#define __HYPERVISOR_memory_op                    12
#define __HYPERVISOR_multicall                    13
#define __HYPERVISOR_update_va_mapping            14
#define __HYPERVISOR_set_timer_op                 15
#define __HYPERVISOR_event_channel_op_compat      16
#define __HYPERVISOR_xen_version                  17
#define __HYPERVISOR_console_io                   18
#define __HYPERVISOR_physdev_op_compat            19
#define __HYPERVISOR_grant_table_op               20
#define __HYPERVISOR_vm_assist                    21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                         23
#define __HYPERVISOR_vcpu_op                      24
#define __HYPERVISOR_set_segment_base             25
#define __HYPERVISOR_mmuext_op                    26
#define __HYPERVISOR_xsm_op                       27
#define __HYPERVISOR_nmi_op                       28
#define __HYPERVISOR_sched_op                     29
#define __HYPERVISOR_callback_op                  30
#define __HYPERVISOR_xenoprof_op                  31
#define __HYPERVISOR_event_channel_op             32
#define __HYPERVISOR_physdev_op                   33
#define __HYPERVISOR_hvm_op                       34
#define __HYPERVISOR_sysctl                       35
#define __HYPERVISOR_domctl                       36
#define __HYPERVISOR_kexec_op                     37
#define __HYPERVISOR_tmem_op                      38
#define __HYPERVISOR_argo_op                      39
#define __HYPERVISOR_xenpmu_op                    40
#define __HYPERVISOR_dm_op                        41
#define __HYPERVISOR_hypfs_op                     42
/* Moat's own toolstack hypercalls live in the architecture-specific range. */
#define __HYPERVISOR_arch_0                       48
#define __HYPERVISOR_arch_7                       55
#define MOAT_NR_HYPERCALLS                        64

/* The hypercall page holds one 32-byte stub per hypercall number. */
#define HYPERCALL_STUB_SIZE                       32

/* Console I/O (console_io). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* Virtual interrupts. */
#define VIRQ_TIMER    0
#define VIRQ_DEBUG    1
#define VIRQ_CONSOLE  2
#define VIRQ_DOM_EXC  3
#define NR_VIRQS      24

/* vm_assist. */
#define VMASST_CMD_enable                  0
#define VMASST_CMD_disable                 1
#define VMASST_TYPE_writable_pagetables    2
#define VMASST_TYPE_runstate_update_flag   5

/* Special domain ids. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_INVALID        0x7FF4U

/* start_info.flags */
#define SIF_PRIVILEGED       (1U << 0)
#define SIF_INITDOMAIN       (1U << 1)
#define SIF_MULTIBOOT_MOD    (1U << 2)
#define SIF_MOD_START_PFN    (1U << 3)
#define SIF_VIRT_P2M_4TOOLS  (1U << 4)

#define MAX_GUEST_CMDLINE    1024
#define XEN_LEGACY_MAX_VCPUS 32
#define START_INFO_MAGIC     "xen-3.0-x86_64"

/*
 * Flat segment selectors a 64-bit PV guest runs with: the hypervisor's own
 * descriptors live at the top of the 64 KiB GDT, above the guest's 14 pages.
 */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS64 0xe02b
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_SS64   FLAT_RING3_SS64

/* The hypervisor's reserved virtual range (PML4 slots 256-271). */
#define HYPERVISOR_VIRT_START 0xffff800000000000ULL
#define HYPERVISOR_VIRT_END   0xffff880000000000ULL
#define MACH2PHYS_VIRT_START  0xffff800000000000ULL
#define MACH2PHYS_VIRT_END    0xffff804000000000ULL

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info ABI");

struct arch_vcpu_info {
	uint64_t cr2;
	uint64_t pad;
};
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info ABI");

struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad0[6];
	uint64_t evtchn_pending_sel;
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info ABI");

struct arch_shared_info {
	uint64_t max_pfn;
	uint64_t pfn_to_mfn_frame_list_list;
	uint64_t nmi_reason;
	uint64_t p2m_cr3;
	uint64_t p2m_vaddr;
	uint64_t p2m_generation;
};
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info ABI");

struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct arch_shared_info arch;
};
_Static_assert(sizeof(struct shared_info) == 2048 + 512 + 512 + 16 + 48,
	       "shared_info ABI");

struct start_info {
	char magic[32];
	uint64_t nr_pages;
	uint64_t shared_info;	/* machine address of shared_info */
	uint32_t flags;
	uint32_t pad0;
	xen_pfn_t store_mfn;
	uint32_t store_evtchn;
	uint32_t pad1;
	union {
		struct {
			xen_pfn_t mfn;
			uint32_t evtchn;
			uint32_t pad;
		} domU;
		struct {
			uint32_t info_off;
			uint32_t info_size;
		} dom0;
	} console;
	uint64_t pt_base;	/* virtual address of the bootstrap L4 */
	uint64_t nr_pt_frames;
	uint64_t mfn_list;	/* virtual address of the p2m list */
	uint64_t mod_start;	/* virtual address (or pfn with SIF_MOD_START_PFN) */
	uint64_t mod_len;
	int8_t cmd_line[MAX_GUEST_CMDLINE];
	uint64_t first_p2m_pfn;
	uint64_t nr_p2m_frames;
};
_Static_assert(sizeof(struct start_info) == 1168, "start_info ABI");

/* A multicall batch entry. */
struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry ABI");

#endif /* __ASSEMBLY__ */
#endif /* MOAT_PUBLIC_XEN_H */
