/*
 * Contracts verify/wp needs for the boot-manifest parser (hv/common/
 * manifest*.c) beyond moat_wp.h, force-included after it, never into a
 * build.
 *
 * The string logic: the proofs run freestanding (-no-frama-c-stdlib, GCC's
 * own headers, as the hypervisor is built), so Frama-C's libc string
 * axioms are not loaded; mstrlen below is the four facts the parser's
 * proofs need. They are consistent: mstrlen(s) = the index of the first
 * NUL at or after s, or -1 if there is none, satisfies all four.
 *
 * The C functions live in hv/common/lib (string.c, strutil.c), outside the files verify/ annotates: their contracts are
 * assumptions, listed in verify/README.md.
 */
#ifndef MOAT_VERIFY_WP_STRING_H
#define MOAT_VERIFY_WP_STRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*@ axiomatic MoatString {
      logic integer mstrlen{L}(char *s) reads s[0 ..];
      axiom mstrlen_before{L}: \forall char *s, integer i;
        0 <= i < mstrlen(s) ==> s[i] != 0;
      axiom mstrlen_at{L}: \forall char *s; 0 <= mstrlen(s) ==> s[mstrlen(s)] == 0;
      axiom mstrlen_shift{L}: \forall char *s, integer i;
        0 <= i <= mstrlen(s) ==> mstrlen(s + i) == mstrlen(s) - i;
      axiom mstrlen_empty{L}: \forall char *s; s[0] == 0 ==> mstrlen(s) == 0;
    }
    // A NUL-terminated string that can be read up to and including its NUL
    // (and, being in memory, shorter than the address space).
    predicate valid_read_string{L}(char *s) =
      0 <= mstrlen(s) < SIZE_MAX && \valid_read(s + (0 .. mstrlen(s)));
*/

/*@ requires valid_read_string(s);
    assigns \nothing;
    ensures \result == mstrlen(s); */
size_t strlen(const char *s);

/*@ requires \valid_read((const char *)a + (0 .. n - 1));
    requires \valid_read((const char *)b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 <==>
      (\forall integer k; 0 <= k < n ==> ((const char *)a)[k] == ((const char *)b)[k]); */
int memcmp(const void *a, const void *b, size_t n);

/* Reads only s[0 .. len - 1], writes only *out (its value is not assumed). */
/*@ requires len == 0 || \valid_read(s + (0 .. len - 1));
    requires \valid(out);
    assigns *out; */
bool str_to_u64(const char *s, size_t len, uint64_t *out);

#endif
