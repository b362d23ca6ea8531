/*
 * Force-included (-include) into every source verify/wp hands to Frama-C,
 * never into a build. It holds only what Frama-C cannot read from the
 * sources themselves: the contract of index_nospec(), whose body is inline
 * assembly (cmp; sbb), and of panic(), which never returns. Each contract
 * here is an assumption of every proof that uses it; verify/README.md
 * lists them.
 */
#ifndef MOAT_VERIFY_WP_H
#define MOAT_VERIFY_WP_H

#include <stddef.h>

/* hv/include/hv/types.h: mask = idx < size ? ~0 : 0 (sbb after cmp), then
 * idx & mask. tests/unit/test_lib.c checks the three cases. */
/*@ assigns \nothing;
    ensures in_range: idx < size ==> \result == idx;
    ensures clamped: idx >= size ==> \result == 0; */
static inline size_t index_nospec(size_t idx, size_t size);

/* hv/include/hv/lib.h: an internal invariant broke; the machine stops. */
/*@ assigns \nothing;
    ensures never_returns: \false; */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
