# The hypervisor image: hv/common, xsm and hv/arch/x86_64 linked at
# HV_IMAGE_OFFSET, then flattened so that Multiboot 1 (QEMU -kernel) and
# Multiboot 2 (GRUB) both load the same file.

HV_COMMON_SRCS := $(wildcard hv/common/*.c) $(wildcard hv/common/lib/*.c)
# The security modules, and measured boot's portable half (hashes, event
# log, TPM commands, the measurement service).
HV_XSM_SRCS := $(wildcard xsm/*.c) $(wildcard attest/*.c)
HV_ARCH_SRCS := $(wildcard hv/arch/x86_64/*.c) $(wildcard hv/arch/x86_64/*.S) \
	$(wildcard hv/arch/x86_64/pv/*.c) $(wildcard hv/arch/x86_64/insn/*.c)
HV_OBJS := $(call free_obj,$(HV_COMMON_SRCS) $(HV_XSM_SRCS) $(HV_ARCH_SRCS))

FREE_CFLAGS += -Ihv/arch/x86_64/include
FREE_ASFLAGS += -Ihv/arch/x86_64/include

.PHONY: hv
hv: $(BUILD)/hv/moat.bin

$(BUILD)/hv/moat.elf: $(HV_OBJS) hv/arch/x86_64/link.ld
	@mkdir -p $(dir $@)
	$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
		-T hv/arch/x86_64/link.ld -o $@ $(HV_OBJS)

$(BUILD)/hv/moat.bin: $(BUILD)/hv/moat.elf
	$(OBJCOPY) -O binary $< $@
