/*
 * The flat policy blob: what the `policy` tool (policy/tool, libsepol) makes
 * from checkpolicy's binary and what the hypervisor's loader accepts. One
 * format, defined here only. Little-endian, fixed-width, no pointers; every
 * count, offset and index is checked by the loader before use.
 *
 *   header (64 bytes) | body: section table, then the sections' bytes
 *
 * The body's SHA-256 is in the header; offsets are relative to the body.
 */
#ifndef XSM_POLICY_BLOB_H
#define XSM_POLICY_BLOB_H

#include <stdint.h>

#define POLICY_BLOB_MAGIC   "MOATPOL1"	/* 8 bytes, no NUL */
#define POLICY_BLOB_VERSION 1U

struct policy_blob_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;		/* sizeof(struct policy_blob_header) */
	uint64_t body_size;
	uint8_t body_sha256[32];
	uint32_t section_count;
	uint32_t flags;			/* must be 0 (no MLS) */
};
_Static_assert(sizeof(struct policy_blob_header) == 64, "blob ABI");

enum policy_section_type {
	POLICY_SEC_STRTAB = 1,		/* bytes: NUL-terminated names */
	POLICY_SEC_TYPES = 2,		/* u32 name offset; type value = index + 1 */
	POLICY_SEC_CLASSES = 3,		/* struct policy_blob_class; value = index + 1 */
	POLICY_SEC_PERMS = 4,		/* u32 name offset */
	POLICY_SEC_AVTAB = 5,		/* struct policy_blob_av, sorted */
	POLICY_SEC_BOOLS = 6,		/* struct policy_blob_bool */
	POLICY_SEC_USERS = 7,		/* u32 name offset; value = index + 1 */
	POLICY_SEC_ROLES = 8,		/* u32 name offset; value = index + 1 */
	POLICY_SEC_INITSIDS = 9,	/* struct policy_blob_isid */
	POLICY_SEC_TRANS = 10,		/* struct policy_blob_trans, sorted (optional) */
	POLICY_SEC_MAX = 10,
};

/* Section table entry; each type at most once; STRTAB, TYPES, CLASSES,
 * PERMS and AVTAB are required. */
struct policy_blob_section {
	uint32_t type;
	uint32_t count;			/* elements (bytes for STRTAB) */
	uint64_t offset;		/* from the start of the body */
	uint64_t size;			/* bytes */
};
_Static_assert(sizeof(struct policy_blob_section) == 24, "blob ABI");

struct policy_blob_class {
	uint32_t name;			/* STRTAB offset */
	uint32_t perm_first;		/* index into PERMS */
	uint32_t perm_count;		/* at most 32: permission i is bit i */
	uint32_t pad;
};
_Static_assert(sizeof(struct policy_blob_class) == 16, "blob ABI");

#define POLICY_AV_ALLOWED    1U
#define POLICY_AV_AUDITALLOW 2U
#define POLICY_AV_DONTAUDIT  4U	/* perms listed are NOT audited when denied */

/* cond: 0 = always; else (bool index + 1) | POLICY_COND_WHEN_FALSE if the
 * rule applies while the boolean is false. */
#define POLICY_COND_WHEN_FALSE 0x80000000U

/* One access-vector rule with attributes already expanded to types. Sorted
 * by (source, target, tclass, kind, cond), no two entries equal there. */
struct policy_blob_av {
	uint16_t source;		/* type value */
	uint16_t target;
	uint16_t tclass;		/* class value */
	uint16_t kind;			/* one POLICY_AV_* */
	uint32_t perms;
	uint32_t cond;
};
_Static_assert(sizeof(struct policy_blob_av) == 16, "blob ABI");

struct policy_blob_bool {
	uint32_t name;
	uint32_t default_state;		/* 0 or 1 */
};
_Static_assert(sizeof(struct policy_blob_bool) == 8, "blob ABI");

/* An initial SID's context (Xen's order: xen, dom0, domio, ...). */
struct policy_blob_isid {
	uint32_t name;
	uint16_t user, role, type;
	uint16_t pad;
};
_Static_assert(sizeof(struct policy_blob_isid) == 12, "blob ABI");

/* A type_transition rule with attributes expanded: objects of tclass
 * created by source for target get new_type. Sorted by (source, target,
 * tclass, cond); no two entries equal there. cond as for AV rules; an
 * unconditional entry wins over conditional ones that are also active. */
struct policy_blob_trans {
	uint16_t source;
	uint16_t target;
	uint16_t tclass;
	uint16_t new_type;
	uint32_t cond;
	uint32_t pad;
};
_Static_assert(sizeof(struct policy_blob_trans) == 16, "blob ABI");

#endif
