/*
 * Included first in every freestanding object. Hidden visibility makes the
 * compiler reach every symbol RIP-relative, so a -fpie image links at a fixed
 * address in the hypervisor's slots without a GOT or dynamic relocations.
 */
#pragma GCC visibility push(hidden)
