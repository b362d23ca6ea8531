/*
 * Grant tables, version 1 (grant_table_op, hypercall 20): a domain shares
 * its frames by writing grant entries; another domain maps (into its page
 * tables) or copies through them, each step checked by XSM. Portable.
 * The grant issue fills this header in; for now only the entry point.
 */
#ifndef HV_GRANT_H
#define HV_GRANT_H

#include <hv/types.h>

struct vcpu;
struct hypercall_args;

int64_t do_grant_table_op(struct vcpu *curr, const struct hypercall_args *args);

#endif
