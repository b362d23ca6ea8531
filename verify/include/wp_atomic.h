/*
 * For verify/wp runs over sources that use GCC's __atomic builtins, which
 * Frama-C 25 does not know: each becomes the plain access it performs on
 * one CPU (the hypervisor runs on one CPU with interrupts off; the guest
 * side of shared memory is not what these proofs are about). Force-included
 * after moat_wp.h, never into a build. No proved function uses them: they
 * are here so the files parse.
 */
#ifndef MOAT_VERIFY_WP_ATOMIC_H
#define MOAT_VERIFY_WP_ATOMIC_H

#define __atomic_load_n(p, order)		(*(p))
#define __atomic_store_n(p, v, order)		((void)(*(p) = (v)))
#define __atomic_fetch_and(p, v, order)		(*(p) &= (v))
#define __atomic_fetch_or(p, v, order)		(*(p) |= (v))
#define __atomic_exchange_n(p, v, order)	(*(p) = (v))
#define __atomic_compare_exchange_n(p, e, d, w, s, f)	(*(p) == *(e) ? (*(p) = (d), 1) : (*(e) = *(p), 0))

#endif
