# Shared make rules: toolchain, the two worlds (freestanding and hosted) and
# where things land. Included by the top-level Makefile only.

BUILD      ?= build
ifeq ($(origin CC),default)
CC         := gcc
endif
HOST_CC    ?= gcc
FUZZ_CC    ?= clang
LD         ?= ld
OBJCOPY    ?= objcopy
PYTHON     ?= python3

# Warnings are errors in both worlds.
WARN := -Wall -Wextra -Wshadow -Wvla -Wmissing-prototypes -Wstrict-prototypes \
        -Wpointer-arith -Wundef -Wno-unused-parameter -Werror

# Freestanding: the hypervisor and the test guests. No libc, no SSE, no
# red zone (interrupts land on the same stack), frame pointers for backtraces.
# -fpie with hidden visibility keeps every access RIP-relative, so the image
# can be linked in the hypervisor's own slots high in the address space.
FREE_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin-printf -nostdinc \
        -isystem $(shell $(CC) -print-file-name=include) \
        -fno-stack-protector -fno-strict-aliasing -fno-omit-frame-pointer \
        -fno-asynchronous-unwind-tables -fno-common -mno-red-zone \
        -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
        -fpie -include hv/include/hv/visibility.h $(WARN) \
        -Ihv/include -I. -DMOAT_FREESTANDING=1
FREE_ASFLAGS := -D__ASSEMBLY__ -Ihv/include -I. -g

# Hosted: unit tests and tools run the same portable sources under ASan/UBSan.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fno-strict-aliasing \
        $(SAN) $(WARN) -Ihv/include -I. -Itests/unit -Itests/fake_arch/include -DMOAT_HOSTED=1
HOST_LDFLAGS := $(SAN)

FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        $(WARN) -Wno-unknown-warning-option -Ihv/include -I. -Itests/unit \
        -Itests/fake_arch/include -DMOAT_HOSTED=1

# The same harness sources for AFL++: afl-clang-fast turns -fsanitize=fuzzer
# into its own libFuzzer-compatible driver (persistent mode).
FUZZ_AFL_CC ?= afl-clang-fast

# Coverage copies for make coverage: clang source-based coverage, no
# sanitizers (speed); warnings are the two worlds' business, not this one's.
COV_CC ?= clang
COV_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fno-strict-aliasing \
        -fprofile-instr-generate -fcoverage-mapping -Wno-unknown-warning-option \
        -Ihv/include -I. -Itests/unit -Itests/fake_arch/include -DMOAT_HOSTED=1 \
        -DFLASK_TEST_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"' \
        -DFLASK_FUZZ_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"'

# Object paths per world, so one source can be built both ways.
free_obj  = $(patsubst %.c,$(BUILD)/free/%.o,$(patsubst %.S,$(BUILD)/free/%.o,$(1)))
host_obj  = $(patsubst %.c,$(BUILD)/host/%.o,$(1))
cov_obj   = $(patsubst %.c,$(BUILD)/coverage/obj/%.o,$(1))

$(BUILD)/free/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FREE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/free/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(FREE_ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/coverage/obj/%.o: %.c | $(BUILD)/policy/policy.blob
	@mkdir -p $(dir $@)
	$(COV_CC) $(COV_CFLAGS) -MMD -MP -c $< -o $@
