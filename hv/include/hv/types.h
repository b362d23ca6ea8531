/*
 * Basic types shared by the portable core and the arch layer. Machine frames,
 * guest frames and guest pointers are distinct types so that mixing them up
 * is a compile error (frames) or a sparse warning (guest pointers).
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* A machine frame number: an index into host physical memory. */
typedef struct {
	uint64_t m;
} mfn_t;
/* A guest (pseudo-physical) frame number: an index into a domain's p2m. */
typedef struct {
	uint64_t g;
} gfn_t;

#define INVALID_MFN_RAW (~0ULL)
static inline mfn_t mfn(uint64_t m) { return (mfn_t){ m }; }
static inline uint64_t mfn_x(mfn_t m) { return m.m; }
static inline gfn_t gfn(uint64_t g) { return (gfn_t){ g }; }
static inline uint64_t gfn_x(gfn_t g) { return g.g; }
static inline bool mfn_eq(mfn_t a, mfn_t b) { return a.m == b.m; }

/*
 * A pointer the guest handed us. It may only be read or written through
 * copy_from_guest()/copy_to_guest(); sparse flags a direct dereference.
 */
#ifdef __CHECKER__
#define __guest __attribute__((noderef, address_space(1)))
#define __force __attribute__((force))
#else
#define __guest
#define __force
#endif

#define __noreturn __attribute__((noreturn))
#define __packed   __attribute__((packed))
#define __unused   __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

/*
 * Clamp a guest-supplied index below a bound without a branch the CPU can
 * speculate past (Spectre v1). Callers check idx < size first; this keeps the
 * array access in bounds even on a mispredicted path.
 */
static inline size_t index_nospec(size_t idx, size_t size)
{
	size_t mask;

	/* mask = all ones when idx < size, else zero; computed without a jump. */
	__asm__("cmp %2, %1\n\tsbb %0, %0" : "=r"(mask) : "r"(idx), "r"(size) : "cc");
	return idx & mask;
}

#endif
