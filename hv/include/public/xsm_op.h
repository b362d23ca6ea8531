/*
 * xsm_op (hypercall 27) under the FLASK module: the command numbers and
 * argument layouts of Xen's flask_op interface, version 1 (facts of Xen's
 * ABI, xen/include/public/xsm/flask_op.h; the text is ours). A guest passes
 * a pointer to one struct xen_flask_op; every guest handle is a 64-bit
 * guest virtual address. ABI alone: fixed-width fields, explicit padding, a
 * size assertion on every struct.
 *
 * What Moat implements (everything else returns -XEN_ENOSYS and says so),
 * and the permission each needs (class security, target the security
 * server's SID, unless noted):
 *   LOAD             load_policy    (a new blob, xsm/policy_blob.h)
 *   GETENFORCE       getenforce     SETENFORCE        setenforce
 *   CONTEXT_TO_SID   check_context  SID_TO_CONTEXT    check_context
 *   ACCESS           compute_av     CREATE            compute_create
 *   POLICYVERS       getenforce     MLS               getenforce
 *   GETBOOL          getbool        SETBOOL           setbool
 *   COMMITBOOLS      setbool
 *   GETAVC_THRESHOLD avc_stats      SETAVC_THRESHOLD  setsecparam
 *   AVC_HASHSTATS    avc_stats      AVC_CACHESTATS    avc_stats
 *   GET_PEER_SID     event:status on the port (the caller's own port)
 *   RELABEL_DOMAIN   domain2:relabelfrom on the domain's old label,
 *                    domain2:relabelto on the new one (and
 *                    domain:transition from old to new)
 * A policy load, a boolean commit, SETENFORCE to enforcing and a relabel
 * revoke what the new decisions no longer allow (event channels closed,
 * grant mappings torn down).
 */
#ifndef MOAT_PUBLIC_XSM_OP_H
#define MOAT_PUBLIC_XSM_OP_H

#include <public/xen.h>

#define XEN_FLASK_INTERFACE_VERSION 1

#define FLASK_LOAD              1
#define FLASK_GETENFORCE        2
#define FLASK_SETENFORCE        3
#define FLASK_CONTEXT_TO_SID    4
#define FLASK_SID_TO_CONTEXT    5
#define FLASK_ACCESS            6
#define FLASK_CREATE            7
#define FLASK_RELABEL           8
#define FLASK_USER              9
#define FLASK_POLICYVERS        10
#define FLASK_GETBOOL           11
#define FLASK_SETBOOL           12
#define FLASK_COMMITBOOLS       13
#define FLASK_MLS               14
#define FLASK_DISABLE           15
#define FLASK_GETAVC_THRESHOLD  16
#define FLASK_SETAVC_THRESHOLD  17
#define FLASK_AVC_HASHSTATS     18
#define FLASK_AVC_CACHESTATS    19
#define FLASK_MEMBER            20
#define FLASK_ADD_OCONTEXT      21
#define FLASK_DEL_OCONTEXT      22
#define FLASK_GET_PEER_SID      23
#define FLASK_RELABEL_DOMAIN    24
#define FLASK_DEVICETREE_LABEL  25

struct xen_flask_load {
	uint64_t buffer;		/* guest address of the blob */
	uint32_t size;
	uint32_t pad;
};
_Static_assert(sizeof(struct xen_flask_load) == 16, "flask_op ABI");

struct xen_flask_setenforce {
	uint32_t enforcing;
};

/* CONTEXT_TO_SID: in context/size, out sid. SID_TO_CONTEXT: in sid and the
 * buffer's size, out the string (not NUL-terminated) and its full size. */
struct xen_flask_sid_context {
	uint32_t sid;
	uint32_t size;
	uint64_t context;		/* guest address of the string */
};
_Static_assert(sizeof(struct xen_flask_sid_context) == 16, "flask_op ABI");

struct xen_flask_access {
	uint32_t ssid;
	uint32_t tsid;
	uint32_t tclass;
	uint32_t req;
	uint32_t allowed;		/* out */
	uint32_t audit_allow;		/* out */
	uint32_t audit_deny;		/* out */
	uint32_t seqno;			/* out: the policy's load sequence */
};
_Static_assert(sizeof(struct xen_flask_access) == 32, "flask_op ABI");

/* CREATE: newsid is the type_transition of (ssid, tsid, tclass). */
struct xen_flask_transition {
	uint32_t ssid;
	uint32_t tsid;
	uint32_t tclass;
	uint32_t newsid;		/* out */
};
_Static_assert(sizeof(struct xen_flask_transition) == 16, "flask_op ABI");

/* GETBOOL/SETBOOL: bool_id, or ~0 to look the boolean up by name. */
struct xen_flask_boolean {
	uint32_t bool_id;
	uint8_t enforcing;		/* out: current value */
	uint8_t pending;		/* out: value after the next commit */
	uint8_t new_value;		/* in (SET) */
	uint8_t commit;			/* in (SET): apply now, not only pending */
	uint32_t size;			/* in: name buffer size; out (GET): name length */
	uint32_t pad;
	uint64_t name;			/* guest address of the name */
};
_Static_assert(sizeof(struct xen_flask_boolean) == 24, "flask_op ABI");

struct xen_flask_setavc_threshold {
	uint32_t threshold;
};

struct xen_flask_hash_stats {
	uint32_t entries;
	uint32_t buckets_used;
	uint32_t buckets_total;
	uint32_t max_chain_len;
};
_Static_assert(sizeof(struct xen_flask_hash_stats) == 16, "flask_op ABI");

/* Moat keeps one AVC (one CPU): cpu must be 0. The counters are the low
 * 32 bits of the AVC's statistics. */
struct xen_flask_cache_stats {
	uint32_t cpu;
	uint32_t lookups;
	uint32_t hits;
	uint32_t misses;
	uint32_t allocations;
	uint32_t reclaims;
	uint32_t frees;
};
_Static_assert(sizeof(struct xen_flask_cache_stats) == 28, "flask_op ABI");

struct xen_flask_peersid {
	uint32_t evtchn;		/* in: the caller's port */
	uint32_t sid;			/* out: the label of the channel's peer side */
};

struct xen_flask_relabel {
	uint32_t domid;
	uint32_t sid;
};

struct xen_flask_op {
	uint32_t cmd;
	uint32_t interface_version;	/* XEN_FLASK_INTERFACE_VERSION */
	union {
		struct xen_flask_load load;
		struct xen_flask_setenforce enforce;
		struct xen_flask_sid_context sid_context;
		struct xen_flask_access access;
		struct xen_flask_transition transition;
		struct xen_flask_boolean boolean;
		struct xen_flask_setavc_threshold setavc_threshold;
		struct xen_flask_hash_stats hash_stats;
		struct xen_flask_cache_stats cache_stats;
		struct xen_flask_peersid peersid;
		struct xen_flask_relabel relabel;
		uint8_t raw[32];
	} u;
};
_Static_assert(sizeof(struct xen_flask_op) == 40, "flask_op ABI");

#endif
