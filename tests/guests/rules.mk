# Test guests: small freestanding PV64 kernels (tests/guests/<name>.c) on the
# runtime in tests/guests/rt/, each linked into $(BUILD)/guests/<name>.elf.
# They follow Xen's PV ABI only and boot unchanged on real Xen and on Moat.
#
# Flags: the freestanding world's flags without -fpie and the visibility
# include (a guest is linked high with -mcmodel=kernel and no PIC, like
# Linux), and without MOAT_FREESTANDING or the hypervisor's arch include
# paths (a guest is not the hypervisor and sees only the public ABI).

.PHONY: guests

GUEST_NAMES := hello version crash spinner traps emul user mmu time \
	hostile_pt_writable hostile_foreign_map hostile_hv_slot hostile_bad_baseptr \
	hostile_unpin_root hostile_bad_handler hostile_failsafe hostile_priv \
	hostile_spin hostile_multicall hostile_hv_pointer hostile_long_batch leak ldt \
	flask_gate flask_ctl flask_chan fifo hostile_emul_bypass \
	ipc_front ipc_back ipc_copy ipc_console \
	hostile_evtchn_exhaust hostile_evtchn_closed hostile_evtchn_bind_twice \
	hostile_grant_forged_ref hostile_grant_wrong_domid hostile_grant_unmap_foreign \
	hostile_grant_revoked hostile_tlb_reuse \
	attest hostile_tpm_mmio \
	hcfuzz hcfuzz_bystander
# Issue 14, the entry and exit paths.
GUEST_NAMES += hostile_iret_exit hostile_movss_syscall
GUEST_DIR   := $(BUILD)/guests
GUEST_OBJ   := $(GUEST_DIR)/obj

GUEST_RT_SRCS := tests/guests/rt/head.S tests/guests/rt/hypercall.c \
	tests/guests/rt/string.c tests/guests/rt/fmt.c \
	tests/guests/rt/console.c tests/guests/rt/cmdline.c \
	tests/guests/rt/test.c tests/guests/rt/entry.S tests/guests/rt/traps.c \
	tests/guests/rt/events.c tests/guests/rt/mm.c tests/guests/rt/time.c \
	tests/guests/rt/user.c tests/guests/rt/grant.c
GUEST_LDS := tests/guests/rt/guest.lds

GUEST_CFLAGS := $(filter-out -fpie -include hv/include/hv/visibility.h \
	-DMOAT_FREESTANDING=1 -Ihv/arch/%,$(FREE_CFLAGS)) \
	-fno-pic -fno-pie -mcmodel=kernel -fno-tree-loop-distribute-patterns \
	-Itests/guests/rt
GUEST_ASFLAGS := -D__ASSEMBLY__ -Ihv/include -Itests/guests/rt -g \
	-fno-pic -fno-pie
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--build-id=none -T $(GUEST_LDS)

guest_obj = $(patsubst %.c,$(GUEST_OBJ)/%.o,$(patsubst %.S,$(GUEST_OBJ)/%.o,$(1)))
GUEST_RT_OBJS := $(call guest_obj,$(GUEST_RT_SRCS))
GUEST_MAIN_OBJS := $(foreach g,$(GUEST_NAMES),$(GUEST_OBJ)/tests/guests/$(g).o)
GUEST_ELFS := $(foreach g,$(GUEST_NAMES),$(GUEST_DIR)/$(g).elf)

guests: $(GUEST_ELFS)

$(GUEST_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

# A static pattern rule names every object, so make keeps them (they are
# not intermediate) and a rebuild only recompiles what changed.
$(GUEST_ELFS): $(GUEST_DIR)/%.elf: $(GUEST_OBJ)/tests/guests/%.o $(GUEST_RT_OBJS) $(GUEST_LDS)
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

# The hypercall fuzzer is split over several files (hcfuzz.h): its helper
# objects are linked into hcfuzz.elf only.
HCFUZZ_PARTS := hcfuzz_gen hcfuzz_world hcfuzz_mm hcfuzz_ev hcfuzz_misc hcfuzz_issue \
	hcfuzz_report
$(GUEST_DIR)/hcfuzz.elf: $(foreach p,$(HCFUZZ_PARTS),$(GUEST_OBJ)/tests/guests/$(p).o)
