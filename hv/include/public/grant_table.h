/*
 * grant_table_op (hypercall 20): sub-op numbers, argument structs, grant
 * entry flags and statuses of Xen's grant-table ABI, version 1. Numbers and
 * layouts are facts of Xen's ABI (xen/include/public/grant_table.h); the
 * text is ours. ABI alone: fixed-width fields, explicit padding, a size
 * assertion on every struct, never an internal include.
 */
#ifndef MOAT_PUBLIC_GRANT_TABLE_H
#define MOAT_PUBLIC_GRANT_TABLE_H

#include <public/xen.h>

#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12

/* Refs the toolstack (here: the domain builder) fills in for a guest. */
#define GNTTAB_RESERVED_CONSOLE  0
#define GNTTAB_RESERVED_XENSTORE 1

/* grant_entry_v1.flags: the low two bits are the entry's type. */
#define GTF_invalid          0U
#define GTF_permit_access    1U
#define GTF_accept_transfer  2U
#define GTF_transitive       3U
#define GTF_type_mask        3U
#define GTF_readonly         (1U << 2)	/* the grantee may only read */
#define GTF_reading          (1U << 3)	/* set by the hypervisor: in use for reading */
#define GTF_writing          (1U << 4)	/* set by the hypervisor: in use for writing */
#define GTF_PWT              (1U << 5)
#define GTF_PCD              (1U << 6)
#define GTF_PAT              (1U << 7)
#define GTF_sub_page         (1U << 8)	/* v2 only */
/* Transfer-type entries reuse bits 2 and 3. */
#define GTF_transfer_committed (1U << 2)
#define GTF_transfer_completed (1U << 3)

/* gnttab_map_grant_ref.flags */
#define GNTMAP_device_map       (1U << 0)
#define GNTMAP_host_map         (1U << 1)
#define GNTMAP_readonly         (1U << 2)
#define GNTMAP_application_map  (1U << 3)
#define GNTMAP_contains_pte     (1U << 4)
#define GNTMAP_can_fail         (1U << 5)
#define GNTMAP_guest_avail0     16
#define GNTMAP_guest_avail_mask (~0U << GNTMAP_guest_avail0)

/* gnttab_copy.flags */
#define GNTCOPY_source_gref     (1U << 0)
#define GNTCOPY_dest_gref       (1U << 1)
#define GNTCOPY_can_fail        (1U << 2)

/* Per-op statuses (negative; never Xen errnos). */
#define GNTST_okay               0
#define GNTST_general_error      (-1)
#define GNTST_bad_domain         (-2)
#define GNTST_bad_gntref         (-3)
#define GNTST_bad_handle         (-4)
#define GNTST_bad_virt_addr      (-5)
#define GNTST_bad_dev_addr       (-6)
#define GNTST_no_device_space    (-7)
#define GNTST_permission_denied  (-8)
#define GNTST_bad_page           (-9)
#define GNTST_bad_copy_arg       (-10)
#define GNTST_address_too_big    (-11)
#define GNTST_eagain             (-12)
#define GNTST_no_space           (-13)

#ifndef __ASSEMBLY__

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* One v1 entry: the granter writes all three fields; the hypervisor only
 * ever sets and clears GTF_reading / GTF_writing in flags. */
struct grant_entry_v1 {
	uint16_t flags;
	domid_t domid;
	uint32_t frame;
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 ABI");

struct gnttab_map_grant_ref {
	uint64_t host_addr;		/* IN */
	uint32_t flags;			/* IN GNTMAP_* */
	grant_ref_t ref;		/* IN */
	domid_t dom;			/* IN the granter */
	int16_t status;			/* OUT GNTST_* */
	grant_handle_t handle;		/* OUT */
	uint64_t dev_bus_addr;		/* OUT */
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref ABI");

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;		/* IN */
	uint64_t dev_bus_addr;		/* IN */
	grant_handle_t handle;		/* IN */
	int16_t status;			/* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref ABI");

struct gnttab_setup_table {
	domid_t dom;			/* IN */
	uint16_t pad0;
	uint32_t nr_frames;		/* IN */
	int16_t status;			/* OUT */
	uint16_t pad1[3];
	uint64_t frame_list;		/* IN guest pointer to nr_frames xen_pfn_t, OUT filled */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table ABI");

struct gnttab_copy_ptr {
	union {
		grant_ref_t ref;
		xen_pfn_t gmfn;
	} u;
	domid_t domid;
	uint16_t offset;
	uint32_t pad;
};
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "gnttab_copy_ptr ABI");

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;	/* IN */
	uint16_t len;				/* IN */
	uint16_t flags;				/* IN GNTCOPY_* */
	int16_t status;				/* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy ABI");

struct gnttab_query_size {
	domid_t dom;			/* IN */
	uint16_t pad;
	uint32_t nr_frames;		/* OUT */
	uint32_t max_nr_frames;		/* OUT */
	int16_t status;			/* OUT */
	uint16_t pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size ABI");

struct gnttab_set_version {
	uint32_t version;		/* IN, OUT the version in force */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version ABI");

struct gnttab_get_version {
	domid_t dom;			/* IN */
	uint16_t pad;
	uint32_t version;		/* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version ABI");

struct gnttab_get_status_frames {
	uint32_t nr_frames;		/* IN */
	domid_t dom;			/* IN */
	int16_t status;			/* OUT */
	uint64_t frame_list;		/* IN guest pointer to nr_frames uint64_t */
};
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "gnttab_get_status_frames ABI");

#endif /* __ASSEMBLY__ */

#endif
